/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-many: drive many targets from one polling lcore at once, each slot writing a block and
 * reading it back checked, and keep going when I/O fails. It is what test_congestion.sh needs
 * (100 targets whose windows together overflow the TX queue and the mbuf pool) and what
 * test_faults.sh uses to make a target's error answers flow for seconds.
 *
 *   aoe-many [EAL options] -- [--mbufs N] [--maxout N] [--deadsecs S] [--mtu N] [--linger]
 *                             SECONDS DEPTH IO_BYTES SHELF FIRST_SLOT COUNT
 *
 * --linger: after printing, keep the link up (polling) until SIGINT or SIGTERM, so that the
 * target can be stopped first and print its own counters (22.11's memif may crash a process
 * whose peer just left).
 *
 * Prints one JSON object: I/O done, failed and mismatched, and the engine counters summed over
 * the targets and the lcore.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "aoe.h"
#include "aoe_bdev.h"
#include "aoe_shm_read.h"

#define MAX_TARGETS AOE_MAX_TARGETS
#define REGION	    (1u << 20) /* bytes of each target that the slots cycle over */

struct slot {
	struct tgt *t;
	unsigned int index;
	uint64_t offset;
	uint32_t round;
	bool reading;
	uint8_t *buf;
};

struct tgt {
	char name[AOE_NAME_MAX];
	struct aoe_bdev_desc *desc;
	struct aoe_io_channel *ch;
	struct slot *slots;
};

static unsigned int depth, io_bytes;
static bool stopping; /* the run is over: completions submit nothing new */
static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}
static uint64_t done, failed, mismatched, submit_failed;

/* The block a slot writes in a round: depends on the target, the offset and the round. */
static void
pattern(const struct slot *s, uint8_t *out)
{
	uint64_t seed = (uint64_t)s->index << 40 ^ s->offset << 8 ^ s->round;
	unsigned int i;

	for (i = 0; i < io_bytes; i += 8) {
		uint64_t v = seed * 0x9e3779b97f4a7c15ull + i;

		memcpy(out + i, &v, 8);
	}
	memcpy(out, s->t->name, strlen(s->t->name));
}

static void slot_next(struct slot *s);

static void
io_done(struct aoe_bdev_io *io, int status, void *arg)
{
	struct slot *s = arg;

	aoe_bdev_free_io(io);
	done++;
	if (status != 0) {
		failed++;
		s->reading = false;
	} else if (s->reading) {
		uint8_t want[io_bytes];

		pattern(s, want);
		if (memcmp(want, s->buf, io_bytes) != 0)
			mismatched++;
		s->reading = false;
		s->round++;
		s->offset = (s->offset + (uint64_t)depth * io_bytes) % REGION;
	} else {
		s->reading = true;
	}
	slot_next(s);
}

static void
slot_next(struct slot *s)
{
	int rc;

	if (stopping)
		return;
	if (s->reading) {
		rc = aoe_bdev_read(s->t->desc, s->t->ch, s->buf, s->offset, io_bytes, io_done, s);
	} else {
		pattern(s, s->buf);
		rc = aoe_bdev_write(s->t->desc, s->t->ch, s->buf, s->offset, io_bytes, io_done, s);
	}
	if (rc != 0)
		submit_failed++;
}

static void
poll_for(double seconds)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(seconds * rte_get_tsc_hz());

	while (rte_rdtsc() < end)
		aoe_lcore_poll();
}

static void
print_result(struct tgt *tgts, unsigned int n)
{
	struct aoe_target_stats sum, one;
	uint64_t *a = (uint64_t *)&sum, *b = (uint64_t *)&one;
	unsigned int i, j;
	struct aoe_shm_reader r = {0};
	struct aoe_shm_lcore lc;
	char path[PATH_MAX];

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < n; i++) {
		if (aoe_target_stats_get(tgts[i].name, &one) != 0)
			continue;
		for (j = 0; j < sizeof(sum) / sizeof(uint64_t); j++)
			a[j] += b[j];
	}
	printf("{\"targets\": %u, \"ios\": %" PRIu64 ", \"failed\": %" PRIu64
	       ", \"mismatched\": %" PRIu64 ", \"submit_failed\": %" PRIu64
	       ", \"retransmits\": %" PRIu64 ", \"timeouts\": %" PRIu64
	       ", \"tx_deferred\": %" PRIu64 ", \"aoe_errors\": %" PRIu64,
	       n, done, failed, mismatched, submit_failed, sum.retransmits, sum.timeouts,
	       sum.tx_deferred,
	       sum.aoe_errors[1] + sum.aoe_errors[2] + sum.aoe_errors[3] + sum.aoe_errors[4] +
		       sum.aoe_errors[5] + sum.aoe_errors[6] + sum.aoe_errors[7]);
	/* The lcore's counters, as aoe-stat reads them. */
	snprintf(path, sizeof(path), "%s/%s", rte_eal_get_runtime_dir(), AOE_SHM_FILE);
	if (aoe_shm_open(&r, NULL, path) == 0 && aoe_shm_lcore_read(r.shm, 0, &lc) == 0)
		printf(", \"tx_dropped\": %" PRIu64 ", \"mbuf_alloc_failed\": %" PRIu64,
		       lc.stats.tx_dropped, lc.stats.mbuf_alloc_failed);
	aoe_shm_close(&r);
	printf("}\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"mbufs", required_argument, NULL, 'm'},
		{"maxout", required_argument, NULL, 'o'},
		{"deadsecs", required_argument, NULL, 'd'},
		{"mtu", required_argument, NULL, 'u'},
		{"linger", no_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	static struct tgt tgts[MAX_TARGETS];
	struct aoe_target_info info;
	struct aoe_conf conf;
	unsigned int shelf, first, count, i, j, up;
	bool linger = false;
	double seconds;
	int ret, c;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 2;
	argc -= ret;
	argv += ret;
	aoe_conf_init(&conf);
	conf.program = "aoe-many";
	conf.all_ports = true; /* the test bed's port(s) */
	conf.deadsecs = 30;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			conf.nb_mbufs = (uint32_t)atoi(optarg);
			break;
		case 'o':
			conf.maxout = (uint16_t)atoi(optarg);
			break;
		case 'd':
			conf.deadsecs = (uint32_t)atoi(optarg);
			break;
		case 'u':
			conf.mtu = (uint16_t)atoi(optarg);
			break;
		case 'l':
			linger = true;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 6) {
		fprintf(stderr, "usage: aoe-many [EAL options] -- [--mbufs N] [--maxout N] "
				"[--deadsecs S] [--mtu N] [--linger] SECONDS DEPTH IO_BYTES SHELF "
				"FIRST_SLOT COUNT\n");
		return 2;
	}
	seconds = atof(argv[optind]);
	depth = (unsigned int)atoi(argv[optind + 1]);
	io_bytes = (unsigned int)atoi(argv[optind + 2]);
	shelf = (unsigned int)atoi(argv[optind + 3]);
	first = (unsigned int)atoi(argv[optind + 4]);
	count = (unsigned int)atoi(argv[optind + 5]);
	if (count == 0 || count > MAX_TARGETS || depth == 0 || io_bytes == 0 ||
	    io_bytes % 512 != 0 || REGION % ((uint64_t)depth * io_bytes) != 0)
		return 2;
	if (aoe_init(&conf) != 0)
		return 1;
	for (i = 0; i < count; i++)
		snprintf(tgts[i].name, sizeof(tgts[i].name), "e%u.%u", shelf, first + i);
	/* All of them up, within 10 s. */
	for (j = 0, up = 0; j < 1000 && up < count; j++) {
		poll_for(0.01);
		for (i = 0, up = 0; i < count; i++)
			up += aoe_target_info_get(tgts[i].name, &info) == 0 &&
			      info.state == AOE_TARGET_UP;
	}
	if (up < count) {
		fprintf(stderr, "aoe-many: %u of %u targets up\n", up, count);
		return 1;
	}
	for (i = 0; i < count; i++) {
		struct tgt *t = &tgts[i];

		if (aoe_bdev_open(t->name, true, NULL, NULL, &t->desc) != 0 ||
		    (t->ch = aoe_bdev_get_io_channel(t->desc, depth * 2)) == NULL ||
		    (t->slots = calloc(depth, sizeof(*t->slots))) == NULL) {
			fprintf(stderr, "aoe-many: cannot open %s\n", t->name);
			return 1;
		}
		for (j = 0; j < depth; j++) {
			struct slot *s = &t->slots[j];

			s->t = t;
			s->index = i;
			s->offset = (uint64_t)j * io_bytes;
			s->buf = rte_malloc(NULL, io_bytes, 4096);
			if (s->buf == NULL)
				return 1;
		}
	}
	/* Every target's every slot at once: the burst that fills the TX queue. */
	for (i = 0; i < count; i++)
		for (j = 0; j < depth; j++)
			slot_next(&tgts[i].slots[j]);
	poll_for(seconds);
	stopping = true;
	print_result(tgts, count);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (linger && !quit)
		aoe_lcore_poll();
	aoe_fini();
	rte_eal_cleanup();
	return 0;
}
