/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-stat: aoetools' aoe-stat for the user-space initiator. It maps a running dpdk-aoe's or
 * aoe-perf's statistics region (aoe_shm.h) read-only and prints the target table, counters,
 * JSON or the live error stream. No EAL: it costs the initiator nothing and works while the
 * initiator owns every hugepage and port.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aoe_app.h"
#include "aoe_app_status.h"
#include "aoe_shm_read.h"
#include "stat_nbd.h"
#include "stat_options.h"

#define FOLLOW_PERIOD_MS 100
#define MAX_CANDIDATES	 64

static volatile sig_atomic_t stop;

static void
on_signal(int sig __attribute__((unused)))
{
	stop = 1;
}

/* The prefix of the only live region, or a message listing what there is. */
static int
pick_prefix(char *out, size_t len)
{
	static char found[MAX_CANDIDATES][256];
	char live[MAX_CANDIDATES][256];
	struct aoe_shm_reader r;
	int n, i, nb_live = 0;

	n = aoe_shm_find(found, MAX_CANDIDATES);
	if (n < 0) {
		fprintf(stderr, "aoe-stat: cannot list the DPDK runtime directory: %s\n",
			strerror(-n));
		return -1;
	}
	for (i = 0; i < n && i < MAX_CANDIDATES; i++) {
		/* Regions left by crashed processes are not candidates. */
		if (aoe_shm_open(&r, found[i], NULL) != 0)
			continue;
		aoe_shm_close(&r);
		memcpy(live[nb_live++], found[i], sizeof(live[0]));
	}
	if (nb_live == 1) {
		snprintf(out, len, "%s", live[0]);
		return 0;
	}
	if (nb_live == 0) {
		char dir[256];

		aoe_shm_runtime_dir("*", dir, sizeof(dir));
		fprintf(stderr, "aoe-stat: no dpdk-aoe or aoe-perf running (no %s/%s)\n", dir,
			AOE_SHM_FILE);
		return -1;
	}
	fprintf(stderr, "aoe-stat: %d initiators are running; choose one with --file-prefix:\n",
		nb_live);
	for (i = 0; i < nb_live; i++)
		fprintf(stderr, "  %s\n", live[i]);
	return -1;
}

static int
follow(const struct aoe_shm *shm)
{
	struct aoe_shm_event ev[64];
	char line[AOE_SHM_EVENT_STR_MAX];
	struct aoe_shm_cursor c;
	struct timespec ts = {0, FOLLOW_PERIOD_MS * 1000000L};
	unsigned int n, i;
	bool gone = false;
	int rc;

	aoe_shm_cursor_init(shm, &c, 0);
	while (!stop) {
		uint64_t missed = 0;

		/* Look at the writer first: its last events are read after it is seen gone. */
		gone = !aoe_shm_writer_alive(shm);
		do {
			n = aoe_shm_events_read(shm, &c, ev, 64, &missed);
			if (missed != 0) {
				printf("aoe-stat: missed %" PRIu64
				       " events (the ring overflowed)\n",
				       missed);
				missed = 0;
			}
			for (i = 0; i < n; i++) {
				aoe_shm_event_format(shm, &ev[i], line, sizeof(line));
				printf("%s\n", line);
			}
		} while (n == 64);
		rc = aoe_app_flush(stdout);
		if (rc != 0) {
			fprintf(stderr, "aoe-stat: cannot write: %s\n", strerror(-rc));
			return 1;
		}
		if (gone) {
			printf("%s (pid %" PRIu64 ") exited\n",
			       shm->program[0] ? shm->program : "initiator", shm->pid);
			break;
		}
		nanosleep(&ts, NULL);
	}
	rc = aoe_app_flush(stdout);
	if (rc != 0)
		fprintf(stderr, "aoe-stat: cannot write: %s\n", strerror(-rc));
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct aoe_shm_reader r;
	struct stat_opts o;
	struct sigaction sa;
	char err[512];
	int rc;

	if (aoe_app_stdio_check() != 0) {
		fprintf(stderr, "aoe-stat: standard output is closed: nothing could be written "
				"(redirect it to a file or /dev/null)\n");
		return 1;
	}
	if (stat_options_parse(argc, argv, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "aoe-stat: %s\n", err);
		return AOE_APP_EXIT_USAGE;
	}
	if (o.help) {
		stat_options_usage(stdout);
		return aoe_app_flush(stdout) == 0 ? 0 : 1;
	}
	if (o.prefix[0] == '\0' && pick_prefix(o.prefix, sizeof(o.prefix)) != 0)
		return 1;
	rc = aoe_shm_open(&r, o.prefix, NULL);
	if (rc != 0) {
		fprintf(stderr, "aoe-stat: %s\n", r.err);
		return 1;
	}
	if (o.follow) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		rc = follow(r.shm);
		aoe_shm_close(&r);
		return rc;
	}
	rc = o.json ? aoe_app_status_json(stdout, r.shm)
		    : aoe_app_status_table(stdout, r.shm, o.verbose);
	if (rc == 0 && o.verbose && !o.json)
		rc = aoe_stat_nbd(stdout, o.prefix);
	aoe_shm_close(&r);
	if (rc == 0)
		rc = aoe_app_flush(stdout);
	if (rc != 0) {
		fprintf(stderr, "aoe-stat: cannot write: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
