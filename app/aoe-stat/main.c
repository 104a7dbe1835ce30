/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-stat: aoetools' aoe-stat for the user-space initiator. It maps a running dpdk-aoe's or
 * aoe-perf's statistics region (aoe_shm.h) read-only and prints the target table, counters,
 * JSON or the live error stream. No EAL: it costs the initiator nothing and works while the
 * initiator owns every hugepage and port.
 */
#include <errno.h>
#include <getopt.h>
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

#define FOLLOW_PERIOD_MS 100
#define MAX_CANDIDATES	 64

static volatile sig_atomic_t stop;

static void
on_signal(int sig __attribute__((unused)))
{
	stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: aoe-stat [--file-prefix PREFIX] [-v] [--json] [--follow] [--help]\n"
		"\n"
		"Show the AoE targets of a running dpdk-aoe or aoe-perf, read from its statistics\n"
		"region (/var/run/dpdk/PREFIX/aoe_stats). Needs no EAL and no hugepages.\n"
		"\n"
		"  --file-prefix P  the initiator's EAL --file-prefix (default: the only one "
		"running)\n"
		"  -v, --verbose    per-target counters below each row; the NBD server's\n"
		"                   connections and per-export counters after them\n"
		"  --json           one JSON object: program, pid, targets with counters, lcores\n"
		"  --follow         print the error stream live until SIGINT/SIGTERM or the\n"
		"                   initiator exits\n"
		"  -h, --help       this text\n"
		"\n"
		"Exit status: 0 success, 1 no such initiator or an output error, 2 bad options.\n");
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
		snprintf(live[nb_live++], sizeof(live[0]), "%s", found[i]);
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
	static const struct option longopts[] = {
		{"file-prefix", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'j'},
		{"follow", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool verbose = false, json = false, do_follow = false;
	char prefix[256] = "";
	struct aoe_shm_reader r;
	struct sigaction sa;
	int opt, rc;

	if (aoe_app_stdio_check() != 0) {
		fprintf(stderr, "aoe-stat: standard output is closed: nothing could be written "
				"(redirect it to a file or /dev/null)\n");
		return 1;
	}
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (optarg[0] == '\0' || strchr(optarg, '/') != NULL ||
			    strlen(optarg) >= sizeof(prefix)) {
				fprintf(stderr,
					"aoe-stat: --file-prefix: bad prefix '%s'; allowed: "
					"a DPDK file prefix, no '/'\n",
					optarg);
				return AOE_APP_EXIT_USAGE;
			}
			snprintf(prefix, sizeof(prefix), "%s", optarg);
			break;
		case 'v':
			verbose = true;
			break;
		case 'j':
			json = true;
			break;
		case 'f':
			do_follow = true;
			break;
		case 'h':
			usage(stdout);
			return aoe_app_flush(stdout) == 0 ? 0 : 1;
		case ':':
			fprintf(stderr, "aoe-stat: %s needs a value (see --help)\n",
				argv[optind - 1]);
			return AOE_APP_EXIT_USAGE;
		default:
			fprintf(stderr, "aoe-stat: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return AOE_APP_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "aoe-stat: unexpected argument '%s' (see --help)\n", argv[optind]);
		return AOE_APP_EXIT_USAGE;
	}
	if (do_follow && (json || verbose)) {
		fprintf(stderr, "aoe-stat: --follow prints the error stream; it takes no --json "
				"or -v (see --help)\n");
		return AOE_APP_EXIT_USAGE;
	}
	if (prefix[0] == '\0' && pick_prefix(prefix, sizeof(prefix)) != 0)
		return 1;
	rc = aoe_shm_open(&r, prefix, NULL);
	if (rc != 0) {
		fprintf(stderr, "aoe-stat: %s\n", r.err);
		return 1;
	}
	if (do_follow) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		rc = follow(r.shm);
		aoe_shm_close(&r);
		return rc;
	}
	rc = json ? aoe_app_status_json(stdout, r.shm)
		  : aoe_app_status_table(stdout, r.shm, verbose);
	if (rc == 0 && verbose && !json)
		rc = aoe_stat_nbd(stdout, prefix);
	aoe_shm_close(&r);
	if (rc == 0)
		rc = aoe_app_flush(stdout);
	if (rc != 0) {
		fprintf(stderr, "aoe-stat: cannot write: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
