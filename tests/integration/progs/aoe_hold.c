/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-hold: open a target through the bdev API, keep reads going until one fails, then hold
 * the descriptor open for a while before closing it, printing the target's state at each step:
 * the first state after the release, and the state once it is up again (or after 5 s).
 * It is what test_closewait.sh needs to watch "down,closewait": a target that went down while
 * an application held it stays so until the application lets go.
 *
 *   aoe-hold [EAL options] -- TARGET HOLD_SECONDS
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "aoe.h"
#include "aoe_bdev.h"

static int last_status;
static unsigned int completed;

static void
read_done(struct aoe_bdev_io *io, int status, void *arg)
{
	(void)arg;
	last_status = status;
	completed++;
	aoe_bdev_free_io(io);
}

static void
print_state(const char *name, const char *when)
{
	struct aoe_target_info info;

	if (aoe_target_info_get(name, &info) == 0)
		printf("%s: %s %s\n", when, name, aoe_target_state_str(info.state));
	fflush(stdout);
}

static void
poll_for(double seconds)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(seconds * rte_get_tsc_hz());

	while (rte_rdtsc() < end)
		aoe_lcore_poll();
}

/* Poll until @p name is in @p state (with @p leave: is in any other), at most @p seconds. */
static void
poll_until(const char *name, enum aoe_target_state state, bool leave, double seconds)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(seconds * rte_get_tsc_hz());
	struct aoe_target_info info;

	while (rte_rdtsc() < end) {
		aoe_lcore_poll();
		if (aoe_target_info_get(name, &info) == 0 && (info.state == state) != leave)
			return;
	}
}

int
main(int argc, char **argv)
{
	struct aoe_target_info info;
	struct aoe_bdev_desc *desc;
	struct aoe_io_channel *ch;
	struct aoe_conf conf;
	const char *name;
	double hold;
	void *buf;
	int ret, i;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 2;
	argc -= ret;
	argv += ret;
	if (argc != 3) {
		fprintf(stderr, "usage: aoe-hold [EAL options] -- TARGET HOLD_SECONDS\n");
		return 2;
	}
	name = argv[1];
	hold = atof(argv[2]);
	aoe_conf_init(&conf);
	conf.deadsecs = 2;
	conf.discover_interval_s = 1;
	conf.program = "aoe-hold";
	conf.all_ports = true; /* the test bed's port(s) */
	if (aoe_init(&conf) != 0)
		return 1;
	for (i = 0;
	     i < 3000 && (aoe_target_info_get(name, &info) != 0 || info.state != AOE_TARGET_UP);
	     i++)
		poll_for(0.001);
	ret = aoe_bdev_open(name, false, NULL, NULL, &desc);
	if (ret != 0) {
		fprintf(stderr, "aoe-hold: cannot open %s: %s\n", name, strerror(-ret));
		return 1;
	}
	ch = aoe_bdev_get_io_channel(desc, 16);
	buf = rte_malloc(NULL, 4096, 4096);
	if (ch == NULL || buf == NULL)
		return 1;
	print_state(name, "opened");
	/* Reads until one fails (the test pauses the target's vblade), at most 60 s. */
	for (i = 0; i < 600 && last_status == 0; i++) {
		unsigned int before = completed;

		if (aoe_bdev_read(desc, ch, buf, 0, 4096, read_done, NULL) != 0)
			break;
		while (completed == before)
			aoe_lcore_poll();
		if (last_status == 0)
			poll_for(0.1);
	}
	printf("read failed: %s\n", strerror(-last_status));
	poll_for(0.1);
	print_state(name, "held");
	poll_for(hold);
	print_state(name, "still held");
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
	/* Management turns "down,closewait" into "down" at its next tick; only rediscovery, later,
	 * may bring it up. */
	poll_until(name, AOE_TARGET_DOWN_CLOSEWAIT, true, 1.0);
	print_state(name, "released");
	poll_until(name, AOE_TARGET_UP, false, 5.0);
	print_state(name, "rediscovered");
	rte_free(buf);
	aoe_fini();
	rte_eal_cleanup();
	return 0;
}
