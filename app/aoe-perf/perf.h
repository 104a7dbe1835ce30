/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * aoe-perf's private header: the run every job shares, one job per I/O lcore, and the report.
 *
 * main.c starts the engine and the lcores, workload.c runs one job's I/O loop on its lcore,
 * report.c adds the jobs up and prints them. A job's counters are written only by its lcore;
 * the main lcore reads completed/bytes for progress lines while the run goes on.
 */
#ifndef PERF_H
#define PERF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include "aoe_app.h"
#include "aoe_stats.h"
#include "perf_latency.h"
#include "perf_options.h"
#include "perf_pattern.h"

struct aoe_bdev_desc;
struct aoe_io_channel;
struct perf_job;

/** What every job reads and nobody changes once the I/O starts. */
struct perf_run {
	const struct perf_opts *opts;
	struct perf_region region;
	struct aoe_bdev_desc *desc;
	uint64_t tsc_hz;
	uint64_t deadline_tsc; /**< -t: when to stop issuing; 0 = count-bound */
	/** Called on the main lcore between poll iterations when it runs a job itself. */
	void (*tick)(uint64_t now_tsc, void *arg);
	void *tick_arg;
};

/** The first failure a job saw, printed in the report. */
struct perf_failure {
	int status;  /**< negative errno; -EILSEQ for a pattern mismatch */
	bool submit; /**< the submit call failed, the I/O never went out */
	bool is_read;
	bool is_flush;
	uint64_t offset; /**< bytes */
	uint64_t len;
	uint8_t ata_status;
	uint8_t ata_error;
	uint8_t aoe_error;
	struct perf_mismatch bad; /**< when status is -EILSEQ */
};

/** One queue slot: its buffer and the I/O it carries. */
struct perf_slot {
	struct perf_job *job;
	void *buf;
	uint64_t offset;
	uint64_t len;
	uint64_t submit_tsc;
	uint64_t gen; /**< the pattern's generation it writes or checks */
	bool is_read;
	bool is_flush;
};

enum perf_phase {
	PERF_PHASE_IO, /**< every workload but verify */
	PERF_PHASE_VERIFY_WRITE,
	PERF_PHASE_VERIFY_READ,
};

struct perf_job {
	/* Set by perf_job_setup() on the main lcore. */
	const struct perf_run *run;
	unsigned int index;
	unsigned int lcore;
	unsigned int depth; /**< this job's share of -q */
	uint64_t first_io;  /**< sequential: first I/O index of this job's slice */
	uint64_t nb_ios;    /**< I/Os per pass (its slice, or its share for random) */
	struct perf_slot *slots;
	unsigned int *free_slots; /**< stack of free slot indices */
	unsigned int nb_free;
	struct perf_lat *lat;
	struct aoe_io_channel *ch; /**< taken on the job's own lcore */
	int setup_error;	   /**< negative errno of aoe_bdev_get_io_channel() */

	/* The job's lcore only, while it runs. */
	struct aoe_app_rng rng;
	enum perf_phase phase;
	uint64_t pos; /**< next I/O of the pass, 0..nb_ios-1 */
	uint64_t pass_issued;
	uint64_t gen;		 /**< verify: the pattern's generation, the pass's number; else 0 */
	struct perf_slot *retry; /**< refused with -ENOMEM: submit it again first */
	unsigned int outstanding;
	bool done;     /**< nothing more to issue */
	bool stopping; /**< stop issuing: time up, failure or stop request */

	/* Results. completed and bytes are also read by the main lcore (relaxed atomics). */
	uint64_t completed;
	uint64_t bytes;
	uint64_t read_ios;
	uint64_t write_ios;
	uint64_t failed;
	uint64_t data_errors;	 /**< reads whose data did not match the pattern (in failed) */
	uint64_t busy_cycles;	 /**< poll iterations that did work */
	uint64_t pattern_cycles; /**< spent filling and checking the pattern */
	bool has_failure;
	struct perf_failure failure;
} __rte_cache_aligned;

/* workload.c */

/**
 * Prepare job @p index of @p nb_jobs for @p run, to run on @p lcore: its share of the depth
 * and of the I/Os, its slots and their buffers (on the lcore's socket).
 * @return 0 or -ENOMEM.
 */
int perf_job_setup(struct perf_job *job, const struct perf_run *run, unsigned int index,
		   unsigned int nb_jobs, unsigned int lcore);

/** Free what perf_job_setup() allocated. */
void perf_job_free(struct perf_job *job);

/**
 * Run the job's I/O loop on the calling lcore until its work is done, its time is up, it fails
 * or a stop is requested, and every I/O it submitted has completed.
 * @return 0, or the negative errno of aoe_bdev_poll() when the engine refused to poll.
 */
int perf_job_run(struct perf_job *job);

/** Ask every job to stop issuing I/O (signal handlers, event callbacks, failures). */
void perf_request_stop(void);
bool perf_stop_requested(void);

/* report.c */

/** The whole run, added up over the jobs. */
struct perf_result {
	const struct perf_opts *opts;
	const char *target;
	uint32_t payload;
	unsigned int nb_jobs;
	double seconds;
	uint64_t tsc_hz;
	uint64_t completed;
	uint64_t failed;
	uint64_t data_errors;
	uint64_t read_ios;
	uint64_t write_ios;
	uint64_t bytes;
	uint64_t busy_cycles;
	uint64_t pattern_cycles;
	struct aoe_target_stats engine; /**< the engine's counters for the target, at the end */
	/** --zcopy: every lcore's counters once the run settled (zcopy_held must be 0 again), and
	 * the mbufs taken from the engine's pool before the run and after it settled. */
	struct aoe_lcore_stats lcores;
	uint64_t mbufs_in_use_idle;
	uint64_t mbufs_in_use_end;
	struct perf_lat *lat; /**< merged, owned by the result */
};

/** Add up @p nb_jobs jobs. @return 0 or -ENOMEM. */
int perf_result_collect(struct perf_result *res, struct perf_job *jobs, unsigned int nb_jobs);
void perf_result_free(struct perf_result *res);

/** The human-readable report on @p f. */
void perf_report_text(FILE *f, const struct perf_result *res);

/** The report as one JSON object (and a newline) on @p f. */
void perf_report_json(FILE *f, const struct perf_result *res);

/** Every job's first failure, one line each, on @p f. */
void perf_report_failures(FILE *f, const struct perf_job *jobs, unsigned int nb_jobs);

/** Progress lines (-S) from the jobs' live counters. */
struct perf_progress {
	struct perf_job *jobs;
	unsigned int nb_jobs;
	uint64_t tsc_hz;
	uint64_t start_tsc;
	uint64_t interval_tsc; /**< 0 = off */
	uint64_t next_tsc;
};

void perf_progress_init(struct perf_progress *p, struct perf_job *jobs, unsigned int nb_jobs,
			uint64_t tsc_hz, unsigned int interval_s, uint64_t start_tsc);
/** Print a line on stderr when the next one is due. */
void perf_progress_tick(uint64_t now_tsc, void *arg);

#endif /* PERF_H */
