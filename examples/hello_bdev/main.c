/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hello_bdev: the smallest complete libaoe application.
 *
 * It starts the EAL and the AoE engine on the ports named on the command line, waits for a
 * block device (a target that is up, or a partition on one), opens it, writes a pattern to its
 * first 64 KiB, reads it back, compares, flushes the target's cache, prints the bdev's I/O
 * statistics, and shuts everything down again.
 *
 *   hello_bdev [EAL options] -- BDEV [PORT...]
 *   hello_bdev -l 0 --vdev net_af_packet0,iface=eth1 -- e1.1 net_af_packet0
 *
 * The engine takes only the PORTs named (an appliance keeps its other NICs to itself); with
 * none named it takes all probed ports, every port the EAL made and no one owns. Either way,
 * every device given to the EAL (-a, --vdev) must have made a port: one that failed to probe
 * is an error, not a silently smaller set of paths.
 *
 * It overwrites the first 64 KiB of BDEV: run it on a scratch disk (or partition).
 *
 * Everything runs on the one lcore that calls main(): it is the engine's only polling lcore,
 * so it also runs discovery and the target state machine, and every completion callback runs
 * inside its calls to aoe_bdev_poll(). A real application would keep submitting while it
 * polls; this one waits for each I/O, to keep the sequence plain.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include <aoe.h>
#include <aoe_bdev.h>

#define IO_BYTES   (64 * 1024)
#define UP_TIMEOUT 10 /* seconds to wait for the target to be discovered and identified */

/* What an I/O's completion callback reports back to the code that waits for it. */
struct io_wait {
	bool done;
	int status;
};

/* Runs on this lcore, from aoe_bdev_poll(). Each completed I/O is freed exactly once. */
static void
io_done(struct aoe_bdev_io *io, int status, void *arg)
{
	struct io_wait *w = arg;

	w->status = status;
	w->done = true;
	aoe_bdev_free_io(io);
}

/*
 * The EAL goes on when a device fails to probe (a --vdev whose interface does not exist): its
 * own message is in the log, and the device has no port. Refuse to run on fewer ports than
 * were given.
 */
static int
check_devices(void)
{
	struct rte_eth_dev_info info;
	struct rte_devargs *da;
	uint16_t port;
	int missing = 0;

	RTE_EAL_DEVARGS_FOREACH(NULL, da)
	{
		bool found = rte_eth_dev_get_port_by_name(da->name, &port) == 0;

		if (da->policy == RTE_DEV_BLOCKED)
			continue;
		/* A PCI device's ports carry the device's name on their rte_device. */
		RTE_ETH_FOREACH_DEV(port)
		{
			if (!found && rte_eth_dev_info_get(port, &info) == 0 &&
			    strcmp(rte_dev_name(info.device), da->name) == 0)
				found = true;
		}
		if (!found) {
			fprintf(stderr,
				"device %s made no DPDK port (the EAL's messages say why)\n",
				da->name);
			missing++;
		}
	}
	return missing == 0 ? 0 : -ENODEV;
}

/* Poll the engine until the I/O behind @w completes; return its status. */
static int
io_wait(struct aoe_io_channel *ch, struct io_wait *w, int submit_rc)
{
	if (submit_rc != 0)
		return submit_rc; /* refused: the callback will never run */
	while (!w->done)
		aoe_bdev_poll(ch);
	return w->status;
}

/*
 * Management only runs inside aoe_lcore_poll(): keep polling until the bdev is listed (a disk
 * once its target is up, a partition once its disk's table has been read).
 */
static int
wait_bdev(const char *name)
{
	uint64_t deadline = rte_get_timer_cycles() + UP_TIMEOUT * rte_get_timer_hz();
	struct aoe_bdev_info list[64];
	unsigned int i, n;

	while (rte_get_timer_cycles() < deadline) {
		aoe_lcore_poll();
		n = aoe_bdev_list(list, 64);
		for (i = 0; i < n && i < 64; i++) {
			if (strcmp(list[i].name, name) == 0) {
				printf("%s is up: %" PRIu64 " blocks of %u bytes\n", name,
				       list[i].num_blocks, list[i].block_size);
				return 0;
			}
		}
	}
	return -ETIMEDOUT;
}

/* The target went down while open (the only other event is a resize): we just say so. */
static void
bdev_event(enum aoe_bdev_event_type type, struct aoe_bdev *bdev, void *ctx)
{
	(void)ctx;
	if (type == AOE_BDEV_EVENT_REMOVE)
		fprintf(stderr, "%s went down\n", aoe_bdev_get_name(bdev));
}

static int
hello(const char *name)
{
	struct io_wait w_write = {0}, w_read = {0}, w_flush = {0};
	struct aoe_bdev_io_stat stat;
	struct aoe_bdev_desc *desc;
	struct aoe_io_channel *ch;
	unsigned char *out, *in;
	int rc;
	size_t i;

	rc = aoe_bdev_open(name, true, bdev_event, NULL, &desc);
	if (rc != 0) {
		fprintf(stderr, "cannot open %s: %s\n", name, strerror(-rc));
		return rc;
	}
	/* A channel belongs to the lcore that takes it; 4 I/O in flight are plenty here. */
	ch = aoe_bdev_get_io_channel(desc, 4);
	if (ch == NULL) {
		rc = -rte_errno;
		fprintf(stderr, "no I/O channel: %s\n", rte_strerror(rte_errno));
		aoe_bdev_close(desc);
		return rc;
	}
	out = malloc(IO_BYTES);
	in = malloc(IO_BYTES);
	if (out == NULL || in == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	/* A pattern that differs from run to run, so stale data from an earlier run fails. */
	srand((unsigned int)rte_get_timer_cycles());
	for (i = 0; i < IO_BYTES; i++)
		out[i] = (unsigned char)rand();
	memset(in, 0, IO_BYTES);

	rc = io_wait(ch, &w_write, aoe_bdev_write(desc, ch, out, 0, IO_BYTES, io_done, &w_write));
	if (rc != 0) {
		fprintf(stderr, "write failed: %s\n", strerror(-rc));
		goto out;
	}
	rc = io_wait(ch, &w_read, aoe_bdev_read(desc, ch, in, 0, IO_BYTES, io_done, &w_read));
	if (rc != 0) {
		fprintf(stderr, "read failed: %s\n", strerror(-rc));
		goto out;
	}
	if (memcmp(out, in, IO_BYTES) != 0) {
		fprintf(stderr, "data mismatch: what was read is not what was written\n");
		rc = -EIO;
		goto out;
	}
	printf("data matched: %d bytes at offset 0 of %s\n", IO_BYTES, name);
	rc = io_wait(ch, &w_flush, aoe_bdev_flush(desc, ch, io_done, &w_flush));
	if (rc != 0)
		fprintf(stderr, "flush failed: %s\n", strerror(-rc));
	else
		printf("flushed\n");
	if (rc == 0 && aoe_bdev_get_io_stat(aoe_bdev_desc_get_bdev(desc), &stat) == 0)
		printf("%s: %" PRIu64 " read, %" PRIu64 " write, %" PRIu64 " flush, %" PRIu64
		       " failed\n",
		       name, stat.num_read_ops, stat.num_write_ops, stat.num_flush_ops,
		       stat.num_failed_ops);
out:
	/* Every I/O has completed: the channel can go, then the descriptor. */
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
	free(out);
	free(in);
	return rc;
}

int
main(int argc, char **argv)
{
	struct aoe_conf conf;
	int rc, i;

	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= rc;
	argv += rc;
	if (argc < 2 || argc - 2 > AOE_MAX_PORTS) {
		fprintf(stderr,
			"usage: hello_bdev [EAL options] -- BDEV [PORT...]\n"
			"  BDEV: a target, e{shelf}.{slot}, or a partition, e{shelf}.{slot}p{N}\n"
			"  PORT: a DPDK port name (net_af_packet0); none: all probed ports\n");
		rte_eal_cleanup();
		return 2;
	}
	if (check_devices() != 0) {
		rte_eal_cleanup();
		return 1;
	}

	if (aoe_bdev_name_parse(argv[1], NULL, NULL, NULL) != 0) {
		fprintf(stderr,
			"%s is not a bdev name (e{shelf}.{slot}, e.g. e1.1, or a partition, e.g. "
			"e1.1p2)\n",
			argv[1]);
		rte_eal_cleanup();
		return 2;
	}

	/* Defaults: the calling lcore polls and manages. Ports: the ones named, or all probed. */
	aoe_conf_init(&conf);
	conf.program = "hello_bdev";
	conf.all_ports = argc == 2;
	for (i = 2; i < argc; i++) {
		if (rte_eth_dev_get_port_by_name(argv[i], &conf.ports[conf.nb_ports]) != 0) {
			fprintf(stderr, "no DPDK port named %s\n", argv[i]);
			rte_eal_cleanup();
			return 2;
		}
		conf.nb_ports++;
	}
	rc = aoe_init(&conf);
	if (rc != 0) {
		fprintf(stderr, "aoe_init: %s\n", strerror(-rc));
		rte_eal_cleanup();
		return 1;
	}

	rc = wait_bdev(argv[1]);
	if (rc != 0)
		fprintf(stderr, "%s did not come up within %d s\n", argv[1], UP_TIMEOUT);
	else
		rc = hello(argv[1]);

	aoe_fini();
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
