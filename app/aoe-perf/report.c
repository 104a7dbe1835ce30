/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Adding the jobs up and printing them: the text report, the JSON object, the failures and
 * the progress lines. Latencies are kept in TSC cycles and turned into microseconds here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_acl.h"
#include "aoe_app.h"
#include "perf.h"

int
perf_result_collect(struct perf_result *res, struct perf_job *jobs, unsigned int nb_jobs)
{
	unsigned int i;

	res->lat = malloc(sizeof(*res->lat));
	if (res->lat == NULL)
		return -ENOMEM;
	perf_lat_init(res->lat);
	res->nb_jobs = nb_jobs;
	res->completed = res->failed = res->data_errors = res->read_ios = res->write_ios = 0;
	res->bytes = 0;
	res->busy_cycles = res->pattern_cycles = 0;
	for (i = 0; i < nb_jobs; i++) {
		const struct perf_job *job = &jobs[i];

		res->completed += job->completed;
		res->failed += job->failed;
		res->data_errors += job->data_errors;
		res->read_ios += job->read_ios;
		res->write_ios += job->write_ios;
		res->bytes += job->bytes;
		res->busy_cycles += job->busy_cycles;
		res->pattern_cycles += job->pattern_cycles;
		if (job->lat != NULL)
			perf_lat_merge(res->lat, job->lat);
	}
	return 0;
}

void
perf_result_free(struct perf_result *res)
{
	free(res->lat);
	res->lat = NULL;
}

static double
cycles_to_us(const struct perf_result *res, double cycles)
{
	return res->tsc_hz == 0 ? 0.0 : cycles * 1e6 / (double)res->tsc_hz;
}

static double
pct_us(const struct perf_result *res, double pct)
{
	return cycles_to_us(res, (double)perf_lat_percentile(res->lat, pct));
}

static double
iops(const struct perf_result *res)
{
	return res->seconds > 0 ? (double)res->completed / res->seconds : 0.0;
}

static double
mibps(const struct perf_result *res)
{
	return res->seconds > 0 ? (double)res->bytes / (1024.0 * 1024.0) / res->seconds : 0.0;
}

/* Busy poll iterations, less the time the benchmark itself spent writing and checking the
 * pattern (that cost is aoe-perf's, not the initiator's). */
static uint64_t
engine_cycles(const struct perf_result *res)
{
	return res->busy_cycles > res->pattern_cycles ? res->busy_cycles - res->pattern_cycles : 0;
}

/* The engine's cost per I/O. */
static uint64_t
cycles_per_io(const struct perf_result *res)
{
	return res->completed == 0 ? 0 : engine_cycles(res) / res->completed;
}

/*
 * The share of the jobs' lcore time those cycles are: near 100 the initiator's cores set the
 * rate; well below, they waited for answers, and the target or the link set it.
 */
static double
busy_pct(const struct perf_result *res)
{
	double total = res->seconds * (double)res->tsc_hz * res->nb_jobs;

	return total > 0 ? 100.0 * (double)engine_cycles(res) / total : 0.0;
}

static double
min_us(const struct perf_result *res)
{
	return res->lat->count == 0 ? 0.0 : cycles_to_us(res, (double)res->lat->min);
}

void
perf_report_text(FILE *f, const struct perf_result *res)
{
	const struct perf_opts *o = res->opts;
	struct aoe_app_text engine = {.f = f, .indent = ""};

	fprintf(f, "target %s: workload %s", res->target, perf_workload_name(o->workload));
	if (o->workload == PERF_WL_RW || o->workload == PERF_WL_RANDRW)
		fprintf(f, " (%u%% reads)", o->read_pct);
	fprintf(f,
		", io_size %" PRIu64 ", queue_depth %u, %u job%s, payload %" PRIu32
		" bytes/frame\n",
		o->io_size, o->depth, res->nb_jobs, res->nb_jobs == 1 ? "" : "s", res->payload);
	fprintf(f, "%-12s %12s %10s %10s %10s %10s %10s %10s %10s\n", "seconds", "IOPS", "MiB/s",
		"avg_us", "min_us", "p50_us", "p99_us", "p99.9_us", "max_us");
	fprintf(f, "%-12.3f %12.1f %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f\n",
		res->seconds, iops(res), mibps(res), cycles_to_us(res, perf_lat_mean(res->lat)),
		min_us(res), pct_us(res, 50.0), pct_us(res, 99.0), pct_us(res, 99.9),
		pct_us(res, 100.0));
	fprintf(f,
		"io_completed %" PRIu64 " (reads %" PRIu64 ", writes %" PRIu64
		"), io_failed %" PRIu64 " (data_errors %" PRIu64 "), cycles_per_io %" PRIu64
		" (busy %.1f %%)\n",
		res->completed, res->read_ios, res->write_ios, res->failed, res->data_errors,
		cycles_per_io(res), busy_pct(res));
	aoe_app_text_counters(&engine, &aoe_target_stats_table, &res->engine);
	aoe_app_text_end(&engine);
}

void
perf_report_json(FILE *f, const struct perf_result *res)
{
	const struct perf_opts *o = res->opts;

	fputs("{\"target\": ", f);
	aoe_app_json_string(f, res->target, SIZE_MAX);
	fputs(", \"workload\": ", f);
	aoe_app_json_string(f, perf_workload_name(o->workload), SIZE_MAX);
	fprintf(f, ", \"io_size\": %" PRIu64 ", \"queue_depth\": %u", o->io_size, o->depth);
	if (o->workload == PERF_WL_RW || o->workload == PERF_WL_RANDRW)
		fprintf(f, ", \"read_pct\": %u", o->read_pct);
	fprintf(f, ", \"jobs\": %u, \"payload_bytes\": %" PRIu32, res->nb_jobs, res->payload);
	fprintf(f,
		", \"seconds\": %.6f, \"io_completed\": %" PRIu64 ", \"io_failed\": %" PRIu64
		", \"data_errors\": %" PRIu64 ", \"read_ios\": %" PRIu64
		", \"write_ios\": %" PRIu64,
		res->seconds, res->completed, res->failed, res->data_errors, res->read_ios,
		res->write_ios);
	fprintf(f, ", \"iops\": %.2f, \"mibps\": %.3f", iops(res), mibps(res));
	fprintf(f,
		", \"avg_latency_us\": %.3f, \"min_latency_us\": %.3f, \"p50_latency_us\": %.3f"
		", \"p99_latency_us\": %.3f, \"p999_latency_us\": %.3f, \"max_latency_us\": %.3f",
		cycles_to_us(res, perf_lat_mean(res->lat)), min_us(res), pct_us(res, 50.0),
		pct_us(res, 99.0), pct_us(res, 99.9), pct_us(res, 100.0));
	fprintf(f, ", \"cycles_per_io\": %" PRIu64 ", \"busy_pct\": %.1f", cycles_per_io(res),
		busy_pct(res));
	aoe_app_json_counters(f, &aoe_target_stats_table, &res->engine);
	if (res->opts->zcopy)
		fprintf(f,
			", \"zcopy_held\": %" PRIu64 ", \"zcopy_refused\": %" PRIu64
			", \"mbufs_in_use_idle\": %" PRIu64 ", \"mbufs_in_use_end\": %" PRIu64,
			res->lcores.zcopy_held, res->lcores.zcopy_refused, res->mbufs_in_use_idle,
			res->mbufs_in_use_end);
	fputs("}\n", f);
}

/* What a check found, and when it is an older pass's data, that a write of this pass was lost. */
static void
report_mismatch(FILE *f, const struct perf_mismatch *bad)
{
	fprintf(f,
		"data mismatch at LBA %" PRIu64 ", word %u: expected 0x%016" PRIx64
		", found 0x%016" PRIx64,
		bad->lba, bad->word, bad->expected, bad->found);
	if (bad->found_gen < bad->gen)
		fprintf(f,
			" (pass %" PRIu64 "'s data, pass %" PRIu64
			" written: a write acknowledged but never stored)",
			bad->found_gen, bad->gen);
	else if (bad->gen != 0)
		fprintf(f, " (pass %" PRIu64 ")", bad->gen);
	fputc('\n', f);
}

void
perf_report_failures(FILE *f, const struct perf_job *jobs, unsigned int nb_jobs)
{
	unsigned int i;

	for (i = 0; i < nb_jobs; i++) {
		const struct perf_job *job = &jobs[i];
		const struct perf_failure *fl = &job->failure;

		if (!job->has_failure)
			continue;
		fprintf(f,
			"job %u (lcore %u): %" PRIu64 " failed I/O; the first: %s of %" PRIu64
			" bytes at offset %" PRIu64 ": ",
			job->index, job->lcore, job->failed,
			fl->is_flush  ? "flush"
			: fl->is_read ? "read"
				      : "write",
			fl->len, fl->offset);
		if (fl->status == -EILSEQ)
			report_mismatch(f, &fl->bad);
		else if (fl->submit)
			fprintf(f, "could not be submitted: %s\n", strerror(-fl->status));
		else
			fprintf(f, "%s (ATA status 0x%02x, error 0x%02x, AoE error %u)\n",
				aoe_strerror(fl->status), fl->ata_status, fl->ata_error,
				fl->aoe_error);
	}
}

void
perf_progress_init(struct perf_progress *p, struct perf_job *jobs, unsigned int nb_jobs,
		   uint64_t tsc_hz, unsigned int interval_s, uint64_t start_tsc)
{
	p->jobs = jobs;
	p->nb_jobs = nb_jobs;
	p->tsc_hz = tsc_hz;
	p->start_tsc = start_tsc;
	p->interval_tsc = (uint64_t)interval_s * tsc_hz;
	p->next_tsc = start_tsc + p->interval_tsc;
}

void
perf_progress_tick(uint64_t now_tsc, void *arg)
{
	struct perf_progress *p = arg;
	uint64_t completed = 0, bytes = 0;
	double secs;
	unsigned int i;

	if (p->interval_tsc == 0 || now_tsc < p->next_tsc)
		return;
	p->next_tsc += p->interval_tsc;
	if (p->next_tsc <= now_tsc) /* a long stall: do not print a burst of lines */
		p->next_tsc = now_tsc + p->interval_tsc;
	for (i = 0; i < p->nb_jobs; i++) {
		completed += __atomic_load_n(&p->jobs[i].completed, __ATOMIC_RELAXED);
		bytes += __atomic_load_n(&p->jobs[i].bytes, __ATOMIC_RELAXED);
	}
	secs = (double)(now_tsc - p->start_tsc) / (double)p->tsc_hz;
	fprintf(stderr, "progress: %.1f s, %" PRIu64 " I/Os, %.1f IOPS, %.2f MiB/s\n", secs,
		completed, completed / secs, (double)bytes / (1024.0 * 1024.0) / secs);
}
