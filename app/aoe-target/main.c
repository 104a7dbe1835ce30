/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-target: a DPDK poll-mode AoE target for tests and benchmarks.
 *
 *   aoe-target [EAL options] -- --disk SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH [--disk ...]
 *       [--bufcnt N] [--fault SPEC] [--port P] [--sectors N] [--config STR] [--seed N]
 *       [--silent-after N] [--silent-for MS]
 *
 * One lcore serves queue 0 of every port: rx burst, answer in place, tx burst.
 *
 * Mbuf sizing: the pool's data room holds the largest frame any port may carry (36 + sectors *
 * 512, or the device's max_rx_pktlen up to 16 KiB, at least 2048), so every response is one
 * segment and can be built in the request's own
 * mbuf. For memif, whose frames may span several memif buffers, the PMD then copies a frame
 * into one mbuf as well. Requests that arrive chained anyway are linearised into a scratch
 * buffer and answered from fresh mbufs.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "aoe_app_eal.h"
#include "aoe_names.h"
#include "aoe_target.h"

#define RX_DESC		    1024
#define TX_DESC		    1024
#define MAX_RX_ROOM	    (16384 + 128) /* af_packet framesz=16384 less its overhead fits */
#define MEMIF_BSIZE_DEFAULT 2048	  /* 22.11's memif buffer size without bsize= */

volatile sig_atomic_t tgt_force_quit;
volatile sig_atomic_t tgt_usr1_count;
volatile sig_atomic_t tgt_usr2_count;

static struct tgt_ctx g_ctx;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		tgt_usr1_count++;
	else if (sig == SIGUSR2)
		tgt_usr2_count++;
	else
		tgt_force_quit = 1;
}

/* Zero every mbuf's buffer once, so null-disk reads never leak old bytes of another frame
 * the first time round and the payload is deterministic. */
static void
zero_mbuf(struct rte_mempool *mp, void *opaque, void *obj, unsigned int idx)
{
	struct rte_mbuf *m = obj;

	RTE_SET_USED(mp);
	RTE_SET_USED(opaque);
	RTE_SET_USED(idx);
	memset(m->buf_addr, 0, m->buf_len);
}

static void
port_init(struct tgt_ctx *ctx, struct tgt_port *p)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	int rc;

	/* Keep the MTU the port has: configure would reset a zero one to 1500. */
	conf.rxmode.mtu = p->mtu;
	rc = rte_eth_dev_configure(p->port_id, 1, 1, &conf);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "port %u: cannot configure (MTU %u): %s\n", p->port_id,
			 p->mtu, aoe_ethdev_strerror(rc));
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "port %u: no device info: %s\n", p->port_id,
			 aoe_ethdev_strerror(rc));
	uint16_t rxd = RX_DESC, txd = TX_DESC;

	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &rxd, &txd);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(p->port_id, 0, rxd, rte_eth_dev_socket_id(p->port_id),
					    NULL, ctx->pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(p->port_id, 0, txd, rte_eth_dev_socket_id(p->port_id),
					    NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(p->port_id);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "port %u: cannot set up queues or start: %s\n", p->port_id,
			 aoe_ethdev_strerror(rc));
	rc = rte_eth_macaddr_get(p->port_id, &p->mac);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "port %u: no MAC address: %s\n", p->port_id,
			 aoe_ethdev_strerror(rc));
}

/*
 * A memif frame longer than one memif buffer (bsize=, 2048 bytes by default) crosses as a chain,
 * and 22.11's PMD was seen to duplicate such frames without end (8754-byte frames in 8192-byte
 * buffers crashed the target): --sectors must keep every frame within one buffer.
 */
static void
memif_check(const struct tgt_port *p, const struct rte_eth_dev_info *info, unsigned int sectors)
{
	const struct rte_devargs *da = rte_dev_devargs(info->device);
	unsigned long bsize = MEMIF_BSIZE_DEFAULT;
	char value[32];

	if (info->driver_name == NULL || strcmp(info->driver_name, "net_memif") != 0)
		return;
	if (da != NULL && da->args != NULL &&
	    aoe_app_devarg(da->args, "bsize", value, sizeof(value)))
		bsize = strtoul(value, NULL, 0);
	if (AOE_ATA_HDR_LEN + sectors * AOE_SECTOR_SIZE <= bsize)
		return;
	fprintf(stderr,
		"aoe-target: --sectors %u: a frame of %u bytes does not fit one memif buffer of "
		"port "
		"%u (bsize=%lu): allowed at most %lu sectors (or a larger bsize= on both ends)\n",
		sectors, AOE_ATA_HDR_LEN + sectors * AOE_SECTOR_SIZE, p->port_id, bsize,
		bsize > AOE_ATA_HDR_LEN ? (bsize - AOE_ATA_HDR_LEN) / AOE_SECTOR_SIZE : 0);
	rte_eal_cleanup();
	exit(AOE_APP_EXIT_USAGE);
}

/*
 * The MTU a port can carry, capped by what the device says it can take; returns the mbuf data
 * room the port needs to receive its largest frame in one segment (af_packet refuses a pool
 * smaller than its frame size), capped at MAX_RX_ROOM for devices that claim no limit.
 */
static uint32_t
port_probe(struct tgt_ctx *ctx, struct tgt_port *p)
{
	struct rte_eth_dev_info info;
	uint16_t mtu = RTE_ETHER_MTU;
	uint32_t rx_room = 0;
	unsigned int s;

	if (rte_eth_dev_get_mtu(p->port_id, &mtu) != 0 || mtu == 0)
		mtu = RTE_ETHER_MTU;
	if (rte_eth_dev_info_get(p->port_id, &info) == 0) {
		if (info.max_mtu != 0 && mtu > info.max_mtu)
			mtu = info.max_mtu;
		rx_room = RTE_MIN(info.max_rx_pktlen, (uint32_t)MAX_RX_ROOM);
	}
	p->mtu = mtu;
	if (ctx->sectors_opt != 0) {
		s = ctx->sectors_opt;
	} else {
		s = mtu > AOE_ATA_HDR_LEN ? (mtu - AOE_ATA_HDR_LEN) / AOE_SECTOR_SIZE : 0;
		if (s == 0)
			s = 1;
		if (s > TGT_MAX_SECTORS)
			s = TGT_MAX_SECTORS;
	}
	p->sectors = (uint8_t)s;
	memif_check(p, &info, s);
	return RTE_MAX(rx_room, (uint32_t)(AOE_ATA_HDR_LEN + s * AOE_SECTOR_SIZE));
}

static void
setup_disks(struct tgt_ctx *ctx, const char *config)
{
	char err[512], serial[21];

	for (unsigned int i = 0; i < ctx->n_disks; i++) {
		struct tgt_disk *d = &ctx->disks[i];

		if (tgt_disk_open(d, err, sizeof(err)) != 0)
			rte_exit(EXIT_FAILURE, "--disk: %s\n", err);
		if (ctx->serial != NULL)
			snprintf(serial, sizeof(serial), "%s", ctx->serial);
		else
			snprintf(serial, sizeof(serial), "e%u.%u", d->shelf, d->slot);
		aoe_identify_build(d->ident, d->sectors, TGT_MODEL, serial, TGT_FW_STR);
		if (ctx->lba28) {
			if (d->sectors > 0x0fffffff)
				rte_exit(EXIT_FAILURE,
					 "--lba28: e%u.%u has %" PRIu64 " sectors; an "
					 "LBA28 disk holds at most 268435455 (128 GiB)\n",
					 d->shelf, d->slot, d->sectors);
			aoe_identify_set_lba28(d->ident);
		}
		if (config != NULL) {
			d->cfg_len = (uint16_t)strlen(config);
			memcpy(d->cfg, config, d->cfg_len);
		}
		printf("aoe-target: e%u.%u %s %" PRIu64 " sectors (%" PRIu64 " bytes)%s%s\n",
		       d->shelf, d->slot,
		       d->kind == TGT_DISK_NULL	 ? "null"
		       : d->kind == TGT_DISK_RAM ? "ram"
						 : "file",
		       d->sectors, d->sectors * AOE_SECTOR_SIZE,
		       d->kind == TGT_DISK_FILE ? " " : "",
		       d->kind == TGT_DISK_FILE ? d->path : "");
	}
}

#define PRINT_STAT(name) printf("  %-22s %" PRIu64 "\n", #name, st->name);

static void
print_stats(const struct tgt_ctx *ctx)
{
	const struct tgt_stats *st = &ctx->st;
	static const char *const cmd_names[] = {"ata", "config", "macmask", "reserve"};
	static const char *const cfg_names[] = {"read", "test_exact", "test_prefix", "set",
						"force_set"};

	printf("aoe-target counters:\n");
	TGT_STATS(PRINT_STAT)
	for (unsigned int i = 0; i < RTE_DIM(cmd_names); i++)
		printf("  cmd_%-18s %" PRIu64 "\n", cmd_names[i], st->cmd[i]);
	for (unsigned int i = 0; i < RTE_DIM(cfg_names); i++)
		printf("  config_%-15s %" PRIu64 "\n", cfg_names[i], st->cfg_sub[i]);
	for (unsigned int i = 1; i < RTE_DIM(st->aoe_err_sent); i++)
		printf("  aoe_error_%u_%-10s %" PRIu64 "\n", i, "sent", st->aoe_err_sent[i]);
	for (unsigned int i = 1; i < RTE_DIM(st->mask_err); i++)
		printf("  mask_error_%u_%-9s %" PRIu64 "\n", i, "sent", st->mask_err[i]);
}

/* SIGUSR2: every port takes and offers half the sectors per frame from now on, unannounced. */
static void
shrink(struct tgt_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->n_ports; i++) {
		struct tgt_port *p = &ctx->ports[i];

		p->sectors = p->sectors > 1 ? p->sectors / 2 : 1;
		printf("aoe-target: port %u now %u sectors per frame\n", p->port_id, p->sectors);
	}
	ctx->st.shrinks++;
	fflush(stdout);
}

static void
serve_loop(struct tgt_ctx *ctx)
{
	struct rte_mbuf *rx[TGT_BURST];
	sig_atomic_t usr2_seen = 0;
	uint64_t now = 0;

	while (!tgt_force_quit) {
		bool quiet = false;

		if (unlikely(usr2_seen != tgt_usr2_count)) {
			usr2_seen = tgt_usr2_count;
			shrink(ctx);
		}

		if (unlikely(ctx->silent || tgt_usr1_count != 0 || ctx->fault.any))
			now = rte_get_tsc_cycles();
		if (unlikely(ctx->silent || tgt_usr1_count != 0))
			quiet = tgt_silence_check(ctx, now);
		for (unsigned int i = 0; i < ctx->n_ports; i++) {
			struct tgt_port *p = &ctx->ports[i];
			uint16_t n = rte_eth_rx_burst(p->port_id, 0, rx, TGT_BURST);

			if (unlikely(quiet || ctx->silent) && n != 0) {
				ctx->st.rx_frames += n;
				ctx->st.rx_silenced += n;
				rte_pktmbuf_free_bulk(rx, n);
				n = 0;
			}
			for (uint16_t j = 0; j < n; j++) {
				if (j + 1 < n)
					rte_prefetch0(rte_pktmbuf_mtod(rx[j + 1], void *));
				/* --silent-after may switch us off in the middle of a burst. */
				if (unlikely(ctx->silent)) {
					ctx->st.rx_frames++;
					ctx->st.rx_silenced++;
					rte_pktmbuf_free(rx[j]);
					continue;
				}
				tgt_serve_frame(ctx, p, rx[j]);
			}
			if (unlikely(ctx->fault.any))
				tgt_fault_poll(ctx, p, now);
			if (p->n_stage != 0)
				tgt_port_flush(ctx, p);
		}
	}
}

int
main(int argc, char **argv)
{
	struct tgt_ctx *ctx = &g_ctx;
	struct tgt_opts *o = &ctx->opts;
	char err[512];
	unsigned int n_mbufs;
	uint32_t max_room = 0;
	uint32_t room;
	uint16_t pid;
	int out_rc;

	if (aoe_app_stdio_check() != 0) {
		fprintf(stderr, "aoe-target: standard output is closed: its messages and counters "
				"could not be written (redirect it to a file or /dev/null)\n");
		return EXIT_FAILURE;
	}
	/* The options first: a typo or --help costs no device probing. */
	if (tgt_options_cmdline(argc, argv, ctx, err, sizeof(err)) != 0) {
		fprintf(stderr, "aoe-target: %s\n", err);
		return AOE_APP_EXIT_USAGE;
	}
	if (o->help) {
		tgt_options_usage(stdout, "aoe-target");
		return aoe_app_flush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	aoe_app_eal_init("aoe-target", argc, argv);
	if (aoe_app_eal_ports("aoe-target") != 0) {
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}
	for (pid = 0; pid < RTE_MAX_ETHPORTS; pid++) {
		if (o->port_sel[pid] && !rte_eth_dev_is_valid_port(pid)) {
			fprintf(stderr, "aoe-target: --port %u: no such port (%u available)\n", pid,
				rte_eth_dev_count_avail());
			rte_eal_cleanup();
			return AOE_APP_EXIT_USAGE;
		}
	}
	if (ctx->silent_for_ms != 0 && ctx->silent_after == 0)
		printf("aoe-target: --silent-for without --silent-after applies to SIGUSR1 "
		       "silence\n");

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	ctx->tsc_hz = rte_get_tsc_hz();
	aoe_app_rng_seed(&ctx->rng, o->seed);

	RTE_ETH_FOREACH_DEV(pid)
	{
		if (o->port_given && !o->port_sel[pid])
			continue;
		ctx->ports[ctx->n_ports].port_id = pid;
		max_room = RTE_MAX(max_room, port_probe(ctx, &ctx->ports[ctx->n_ports]));
		ctx->n_ports++;
	}
	if (ctx->n_ports == 0)
		rte_exit(EXIT_FAILURE, "no port to serve: --port names none of the EAL's ports\n");

	setup_disks(ctx, o->config);

	/* One segment per frame: room for the largest response, never less than 2 KiB. */
	room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_DATAROOM, RTE_ALIGN_CEIL(max_room, 64));
	room = RTE_MAX(room, o->mbuf_size);
	n_mbufs = ctx->n_ports * (RX_DESC + TX_DESC + TGT_TX_STAGE + 1 +
				  (ctx->fault.delay_us ? TGT_DELAY_SLOTS : 0)) +
		  1024;
	ctx->pool = rte_pktmbuf_pool_create("aoe_target_pool", n_mbufs, 256, 0,
					    (uint16_t)(room + RTE_PKTMBUF_HEADROOM),
					    (int)rte_socket_id());
	if (ctx->pool == NULL)
		rte_exit(EXIT_FAILURE,
			 "cannot create a pool of %u mbufs of %u bytes: %s (try a "
			 "larger -m)\n",
			 n_mbufs, room, rte_strerror(rte_errno));
	rte_mempool_obj_iter(ctx->pool, zero_mbuf, NULL);
	ctx->scratch_len = AOE_ATA_HDR_LEN + TGT_MAX_SECTORS * AOE_SECTOR_SIZE + 64;
	ctx->scratch = rte_malloc("aoe_target_scratch", ctx->scratch_len, 64);
	if (ctx->scratch == NULL)
		rte_exit(EXIT_FAILURE, "cannot allocate the scratch buffer\n");

	for (unsigned int i = 0; i < ctx->n_ports; i++) {
		struct tgt_port *p = &ctx->ports[i];

		port_init(ctx, p);
		if (ctx->fault.delay_us != 0) {
			p->dq = rte_calloc("aoe_target_delay", TGT_DELAY_SLOTS, sizeof(*p->dq), 64);
			if (p->dq == NULL)
				rte_exit(EXIT_FAILURE, "cannot allocate the delay queue\n");
		}
		printf("aoe-target: port %u " RTE_ETHER_ADDR_PRT_FMT " MTU %u, %u sectors per "
		       "frame\n",
		       p->port_id, RTE_ETHER_ADDR_BYTES(&p->mac), p->mtu, p->sectors);
	}
	printf("aoe-target: serving %u disk(s) on %u port(s), bufcnt %u, mbuf data room %u%s\n",
	       ctx->n_disks, ctx->n_ports, ctx->bufcnt, room,
	       ctx->fault.any ? ", fault injection on" : "");
	fflush(stdout);
	for (unsigned int i = 0; i < ctx->n_ports; i++)
		tgt_serve_announce(ctx, &ctx->ports[i]);

	serve_loop(ctx);

	for (unsigned int i = 0; i < ctx->n_ports; i++) {
		struct tgt_port *p = &ctx->ports[i];

		tgt_fault_drain(ctx, p);
		if (p->n_stage != 0) {
			rte_pktmbuf_free_bulk(p->stage, p->n_stage);
			p->n_stage = 0;
		}
		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		rte_free(p->dq);
	}
	print_stats(ctx);
	out_rc = aoe_app_flush(stdout);
	if (out_rc != 0)
		fprintf(stderr, "aoe-target: cannot write its counters: %s\n", strerror(-out_rc));
	for (unsigned int i = 0; i < ctx->n_disks; i++)
		tgt_disk_close(&ctx->disks[i]);
	free(ctx->disks);
	rte_free(ctx->scratch);
	rte_mempool_free(ctx->pool);
	rte_eal_cleanup();
	return out_rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
