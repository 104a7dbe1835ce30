/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-perf: the benchmark. Starts the EAL and the engine, waits for the target, runs one job
 * per worker lcore (or one on the main lcore when it is alone), and reports.
 *
 * Every EAL lcore polls the engine from the start, so frames that land on a worker's queue are
 * handled while the target is being discovered; the main lcore is the management lcore.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_malloc.h>

#include "aoe.h"
#include "aoe_app.h"
#include "aoe_app_eal.h"
#include "aoe_app_engine.h"
#include "aoe_bdev.h"
#include "perf.h"

/* What the main lcore tells the workers, in order. */
enum worker_cmd {
	CMD_POLL,  /* poll the engine, nothing else */
	CMD_SETUP, /* take your channel, then say ready */
	CMD_GO,	   /* run your job */
	CMD_ABORT, /* a setup failed somewhere: do not run */
	CMD_EXIT,  /* return */
};

struct worker {
	struct perf_job *job; /* NULL: poll only */
	int ready;
	int finished;
	int rc;
} __rte_cache_aligned;

static int worker_cmd = CMD_POLL;
static struct worker workers[RTE_MAX_LCORE];
static bool workers_launched;
static int target_removed;

static inline int
cmd_get(void)
{
	return __atomic_load_n(&worker_cmd, __ATOMIC_ACQUIRE);
}

static inline void
cmd_set(int cmd)
{
	__atomic_store_n(&worker_cmd, cmd, __ATOMIC_RELEASE);
}

static int
worker_main(void *arg)
{
	struct worker *w = &workers[rte_lcore_id()];
	const struct perf_run *run = arg;
	struct perf_job *job;
	int cmd;

	while ((cmd = cmd_get()) == CMD_POLL)
		aoe_lcore_poll();
	/* Straight to CMD_EXIT: the run never started and its jobs may already be freed. */
	if (cmd == CMD_EXIT)
		return 0;
	/* The main lcore hands out jobs before it leaves CMD_POLL. */
	job = w->job;
	if (cmd == CMD_SETUP && job != NULL) {
		/* Channels belong to the lcore that takes them. */
		job->ch = aoe_bdev_get_io_channel(run->desc, job->depth);
		if (job->ch == NULL)
			job->setup_error = -rte_errno;
	}
	__atomic_store_n(&w->ready, 1, __ATOMIC_RELEASE);
	while ((cmd = cmd_get()) == CMD_SETUP)
		aoe_lcore_poll();
	if (job != NULL && job->ch != NULL) {
		if (cmd == CMD_GO)
			w->rc = perf_job_run(job);
		aoe_bdev_put_io_channel(job->ch);
		job->ch = NULL;
	}
	__atomic_store_n(&w->finished, 1, __ATOMIC_RELEASE);
	while (cmd_get() != CMD_EXIT)
		aoe_lcore_poll();
	return 0;
}

static void
stop_workers(void)
{
	if (!workers_launched)
		return;
	cmd_set(CMD_EXIT);
	rte_eal_mp_wait_lcore();
	workers_launched = false;
}

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	perf_request_stop();
}

static void
bdev_event(enum aoe_bdev_event_type type, struct aoe_bdev *bdev, void *ctx)
{
	RTE_SET_USED(bdev);
	RTE_SET_USED(ctx);
	/* The run cannot go on against a target that is gone; its I/O fails and is reported. */
	if (type == AOE_BDEV_EVENT_REMOVE) {
		__atomic_store_n(&target_removed, 1, __ATOMIC_RELAXED);
		perf_request_stop();
	}
}

/* Poll until the target is up, asking for discovery again every second in case the first
 * broadcast was lost. */
static int
wait_target(const char *name, unsigned int wait_ms)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t now = rte_rdtsc();
	uint64_t deadline = now + wait_ms * hz / 1000;
	uint64_t next_check = now, next_discover = now + hz;
	struct aoe_target_info info;
	bool found = false;
	int rc;

	for (;;) {
		aoe_lcore_poll();
		now = rte_rdtsc();
		if (now >= next_check) {
			rc = aoe_target_info_get(name, &info);
			found = rc == 0;
			if (found && info.state == AOE_TARGET_UP)
				return 0;
			next_check = now + hz / 100;
			if (now >= deadline)
				break;
		}
		if (perf_stop_requested()) {
			fprintf(stderr, "aoe-perf: interrupted while waiting for target %s\n",
				name);
			return -EINTR;
		}
		if (now >= next_discover) {
			aoe_discover();
			next_discover = now + hz;
		}
	}
	if (found)
		fprintf(stderr, "aoe-perf: target %s is %s, not up, after %u ms\n", name,
			aoe_target_state_str(info.state), wait_ms);
	else
		aoe_app_target_missing("aoe-perf", name, wait_ms);
	return -ENODEV;
}

/* The worker lcores that poll the engine (conf.lcores after the main one): the ports may have
 * fewer queues than the EAL has lcores, and the others then stay idle. */
static unsigned int poll_workers[AOE_MAX_LCORES];
static unsigned int nb_poll_workers;

#define FOREACH_POLL_WORKER(i, lcore)                                                              \
	for ((i) = 0; (i) < nb_poll_workers && ((lcore) = poll_workers[i], 1); (i)++)

static int
engine_start(const struct perf_opts *opts)
{
	struct aoe_conf conf;
	unsigned int i;
	int rc;

	aoe_conf_init(&conf);
	/* Every port the EAL made from the devices given to it (each checked to exist). */
	conf.all_ports = true;
	rc = aoe_app_engine_lcores("aoe-perf", &conf);
	if (rc != 0)
		return rc;
	for (i = 1; i < conf.nb_lcores; i++)
		poll_workers[nb_poll_workers++] = conf.lcores[i];
	if (opts->maxout != 0)
		conf.maxout = (uint16_t)opts->maxout;
	if (opts->deadsecs_set)
		conf.deadsecs = opts->deadsecs;
	conf.mtu = (uint16_t)opts->mtu;
	conf.program = "aoe-perf";
	rc = aoe_init(&conf);
	if (rc != 0)
		fprintf(stderr,
			"aoe-perf: cannot start the AoE engine: %s (the messages above say which "
			"port or resource failed)\n",
			strerror(-rc));
	return rc;
}

/* Run the jobs: on the workers when there are any, else on the main lcore. Fills the run's
 * wall-clock time. @return 0, or -errno when a job could not start or its engine failed. */
static int
run_jobs(struct perf_run *run, struct perf_job *jobs, unsigned int nb_jobs, double *seconds)
{
	const struct perf_opts *o = run->opts;
	struct perf_progress prog;
	uint64_t start, end;
	unsigned int lcore, i;
	bool all;
	int rc = 0;

	if (nb_poll_workers == 0) {
		jobs[0].ch = aoe_bdev_get_io_channel(run->desc, jobs[0].depth);
		if (jobs[0].ch == NULL) {
			rc = -rte_errno;
			fprintf(stderr, "aoe-perf: no I/O channel: %s\n", strerror(-rc));
			return rc;
		}
		start = rte_rdtsc();
		perf_progress_init(&prog, jobs, nb_jobs, run->tsc_hz, o->progress_s, start);
		run->deadline_tsc = o->seconds != 0 ? start + o->seconds * run->tsc_hz : 0;
		if (o->progress_s != 0) {
			run->tick = perf_progress_tick;
			run->tick_arg = &prog;
		}
		rc = perf_job_run(&jobs[0]);
		end = rte_rdtsc();
		aoe_bdev_put_io_channel(jobs[0].ch);
		jobs[0].ch = NULL;
		*seconds = (double)(end - start) / (double)run->tsc_hz;
		if (rc != 0)
			fprintf(stderr, "aoe-perf: engine poll failed: %s\n", strerror(-rc));
		return rc;
	}

	cmd_set(CMD_SETUP);
	do {
		aoe_lcore_poll();
		all = true;
		FOREACH_POLL_WORKER(i, lcore)
		all &= __atomic_load_n(&workers[lcore].ready, __ATOMIC_ACQUIRE) != 0;
	} while (!all);
	for (i = 0; i < nb_jobs; i++) {
		if (jobs[i].setup_error != 0) {
			rc = jobs[i].setup_error;
			fprintf(stderr, "aoe-perf: no I/O channel on lcore %u: %s\n", jobs[i].lcore,
				strerror(-rc));
		}
	}
	start = rte_rdtsc();
	run->deadline_tsc = o->seconds != 0 ? start + o->seconds * run->tsc_hz : 0;
	perf_progress_init(&prog, jobs, nb_jobs, run->tsc_hz, o->progress_s, start);
	cmd_set(rc == 0 ? CMD_GO : CMD_ABORT);
	do {
		aoe_lcore_poll();
		end = rte_rdtsc();
		perf_progress_tick(end, &prog);
		all = true;
		FOREACH_POLL_WORKER(i, lcore)
		all &= __atomic_load_n(&workers[lcore].finished, __ATOMIC_ACQUIRE) != 0;
	} while (!all);
	*seconds = (double)(end - start) / (double)run->tsc_hz;
	FOREACH_POLL_WORKER(i, lcore)
	{
		if (workers[lcore].rc != 0 && rc == 0) {
			rc = workers[lcore].rc;
			fprintf(stderr, "aoe-perf: engine poll failed on lcore %u: %s\n", lcore,
				strerror(-rc));
		}
	}
	return rc;
}

/* Mbufs out of the engine's pool now (RX, frames in flight, held by zero-copy reads). */
static uint64_t
mbufs_in_use(void)
{
	const struct rte_mempool *mp = rte_mempool_lookup(AOE_MBUF_POOL_NAME);

	return mp != NULL ? rte_mempool_in_use_count(mp) : 0;
}

/*
 * After a --zcopy run every read has been freed: the frames they held must all be back. Late
 * answers may still be on their way in for a moment, so poll until the pool is back to its idle
 * count (at most a second), then take what the lcores and the pool say.
 */
static void
zcopy_settle(struct perf_result *res)
{
	uint64_t hz = rte_get_tsc_hz(), deadline = rte_rdtsc() + hz;

	do {
		aoe_lcore_poll();
		res->mbufs_in_use_end = mbufs_in_use();
	} while (res->mbufs_in_use_end > res->mbufs_in_use_idle && rte_rdtsc() < deadline);
	if (aoe_lcore_stats_get(&res->lcores) != 0)
		memset(&res->lcores, 0, sizeof(res->lcores));
}

static int
benchmark(const struct perf_opts *opts, struct perf_run *run)
{
	struct perf_result res = {.opts = opts, .target = opts->target};
	struct aoe_bdev_desc *desc = NULL;
	struct perf_job *jobs = NULL;
	unsigned int nb_jobs = 0, nb_workers, lcore, i;
	struct aoe_bdev *bdev;
	uint64_t target_bytes;
	char err[256];
	int rc, out_rc, code = EXIT_FAILURE;

	rc = aoe_bdev_open(opts->target, perf_workload_writes(opts->workload), bdev_event, NULL,
			   &desc);
	if (rc != 0) {
		fprintf(stderr, "aoe-perf: cannot open target %s: %s\n", opts->target,
			strerror(-rc));
		return EXIT_FAILURE;
	}
	run->desc = desc;
	bdev = aoe_bdev_desc_get_bdev(desc);
	if (aoe_bdev_get_block_size(bdev) != AOE_SECTOR_SIZE) {
		fprintf(stderr,
			"aoe-perf: target %s has %" PRIu32 "-byte blocks, only 512 is "
			"supported\n",
			opts->target, aoe_bdev_get_block_size(bdev));
		goto out;
	}
	target_bytes = aoe_bdev_get_num_blocks(bdev) * AOE_SECTOR_SIZE;
	if (perf_region_resolve(opts, target_bytes, &run->region, err, sizeof(err)) != 0) {
		fprintf(stderr, "aoe-perf: %s\n", err);
		code = AOE_APP_EXIT_USAGE;
		goto out;
	}
	res.payload = aoe_bdev_get_payload(bdev);
	res.tsc_hz = run->tsc_hz;

	/* Every job needs at least one slot and one I/O of the pass. */
	nb_workers = nb_poll_workers;
	nb_jobs = RTE_MAX(nb_workers, 1u);
	nb_jobs = RTE_MIN(nb_jobs, opts->depth);
	if (run->region.nb_ios < nb_jobs)
		nb_jobs = (unsigned int)run->region.nb_ios;
	jobs = rte_zmalloc("perf_jobs", nb_jobs * sizeof(*jobs), RTE_CACHE_LINE_SIZE);
	if (jobs == NULL) {
		fprintf(stderr, "aoe-perf: out of memory for %u jobs\n", nb_jobs);
		goto out;
	}
	i = 0;
	if (nb_workers == 0) {
		rc = perf_job_setup(&jobs[0], run, 0, 1, rte_lcore_id());
		i = rc == 0 ? 1 : 0;
	} else {
		unsigned int w;

		FOREACH_POLL_WORKER(w, lcore)
		{
			if (i == nb_jobs)
				break;
			rc = perf_job_setup(&jobs[i], run, i, nb_jobs, lcore);
			if (rc != 0)
				break;
			workers[lcore].job = &jobs[i++];
		}
	}
	if (i < nb_jobs) {
		fprintf(stderr,
			"aoe-perf: out of memory for %u buffers of %" PRIu64 " bytes "
			"(more hugepage memory, or a smaller -q or -o)\n",
			opts->depth, opts->io_size);
		nb_jobs = i;
		goto out;
	}

	if (opts->zcopy)
		res.mbufs_in_use_idle = mbufs_in_use();
	rc = run_jobs(run, jobs, nb_jobs, &res.seconds);
	if (opts->zcopy)
		zcopy_settle(&res);
	if (perf_result_collect(&res, jobs, nb_jobs) != 0) {
		fprintf(stderr, "aoe-perf: out of memory for the report\n");
		goto out;
	}
	/* What the engine saw on the wire: retransmits and stray answers explain a slow run. */
	aoe_target_stats_get(opts->target, &res.engine);
	if (opts->json)
		perf_report_json(stdout, &res);
	else
		perf_report_text(stdout, &res);
	out_rc = aoe_app_flush(stdout);
	if (out_rc != 0)
		fprintf(stderr, "aoe-perf: cannot write the report: %s\n", strerror(-out_rc));
	perf_report_failures(stderr, jobs, nb_jobs);
	if (__atomic_load_n(&target_removed, __ATOMIC_RELAXED) != 0)
		fprintf(stderr, "aoe-perf: target %s went down during the run\n", opts->target);
	else if (perf_stop_requested() && res.failed == 0 && rc == 0)
		fprintf(stderr, "aoe-perf: interrupted, the report covers the run so far\n");
	if (rc == 0 && res.failed == 0 && out_rc == 0 &&
	    __atomic_load_n(&target_removed, __ATOMIC_RELAXED) == 0)
		code = EXIT_SUCCESS;
	perf_result_free(&res);
out:
	/* Workers must be out of their jobs before their buffers go: they are, run_jobs() waits
	 * for every one to finish, and none started when we got here by goto. */
	for (i = 0; jobs != NULL && i < nb_jobs; i++)
		perf_job_free(&jobs[i]);
	rte_free(jobs);
	aoe_bdev_close(desc);
	return code;
}

int
main(int argc, char **argv)
{
	struct perf_opts opts;
	struct perf_run run = {.opts = &opts};
	struct sigaction sa;
	unsigned int lcore;
	unsigned int i;
	uint16_t shelf;
	uint8_t slot;
	char err[512];
	int code;

	/* A closed stdout would lose the report, and let the EAL's files take its place. */
	if (aoe_app_stdio_check() != 0) {
		fprintf(stderr, "aoe-perf: standard output is closed: the report could not be "
				"written (redirect it to a file or /dev/null)\n");
		return EXIT_FAILURE;
	}
	/*
	 * Check the benchmark's own options (after "--") before the EAL starts: a mistyped
	 * option must not probe devices first.
	 */
	if (perf_options_cmdline(argc, argv, &opts, err, sizeof(err)) != 0) {
		fprintf(stderr, "aoe-perf: %s\n", err);
		return AOE_APP_EXIT_USAGE;
	}
	if (opts.help) {
		perf_options_usage(stdout, "aoe-perf");
		return aoe_app_flush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (aoe_name_parse(opts.target, &shelf, &slot) != 0) {
		fprintf(stderr,
			"aoe-perf: -T: '%s' is not a target name (e{shelf}.{slot}, shelf "
			"0-65534, slot 0-254, e.g. e1.1)\n",
			opts.target);
		return AOE_APP_EXIT_USAGE;
	}
	aoe_app_eal_init("aoe-perf", argc, argv);
	if (aoe_app_eal_ports("aoe-perf") != 0) {
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}

	/* The first ^C stops the run and still reports; a second one kills. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	run.tsc_hz = rte_get_tsc_hz();
	if (engine_start(&opts) != 0) {
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}
	FOREACH_POLL_WORKER(i, lcore)
	rte_eal_remote_launch(worker_main, &run, lcore);
	workers_launched = true;

	code = EXIT_FAILURE;
	if (wait_target(opts.target, opts.discover_wait_ms) == 0)
		code = benchmark(&opts, &run);

	stop_workers();
	aoe_fini();
	rte_eal_cleanup();
	return code;
}
