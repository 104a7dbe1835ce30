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
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "aoe_target.h"

#define RX_DESC	    1024
#define TX_DESC	    1024
#define MAX_DISKS   256
#define MAX_RX_ROOM (16384 + 128) /* af_packet framesz=16384 less its overhead fits */

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

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- --disk SHELF.SLOT=BACKEND [--disk ...] [options]\n"
	       "  --disk SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH\n"
	       "                      a disk; SIZE in bytes or with K/M/G/T (powers of 1024), a\n"
	       "                      non-zero multiple of 512; shelf 0-65534, slot 0-254\n"
	       "  --bufcnt N          buffer count in config answers, 1-65535 (default 256)\n"
	       "  --sectors N         sectors per ATA frame, 1-%u (default (MTU - 36) / 512)\n"
	       "  --lba28             act as an LBA28-only disk: no LBA48 in IDENTIFY, EXT\n"
	       "                      commands aborted, at most 2^28 - 1 sectors\n"
	       "  --port P            serve only port P (repeatable; default every port)\n"
	       "  --config STR        initial config string of every disk (at most 1024 bytes)\n"
	       "  --fault SPEC        drop=P,dup=P,reorder=P,corrupt=P,corrupt-hdr=P,delay=USEC;\n"
	       "                      P in [0,1] or N%%; corrupt flips a data or tag bit,\n"
	       "                      corrupt-hdr a bit of shelf, slot, command, tag or ATA "
	       "fields\n"
	       "  --seed N            seed of the fault PRNG (default 1)\n"
	       "  --mbuf-size BYTES   mbuf data room, at least what the ports need (af_packet "
	       "with\n"
	       "                      a large framesz=: give at least that)\n"
	       "  --silent-after N    stop answering after N ATA requests answered\n"
	       "  --silent-for MS     come back MS milliseconds after going silent\n"
	       "  --abort-flush-ext   abort FLUSH CACHE EXT although IDENTIFY offers it\n"
	       "  --aoe-error N       answer every ATA request but IDENTIFY with AoE error N, 1-6\n"
	       "  --serial STR        IDENTIFY serial of every disk, at most 20 characters\n"
	       "                      (default eSHELF.SLOT)\n"
	       "  SIGUSR1 toggles silence; SIGUSR2 halves the sector count of every port without\n"
	       "  announcing it (a target restarted with a smaller MTU whose announcement was\n"
	       "  lost); SIGINT/SIGTERM exit and print the counters.\n",
	       prog, (unsigned int)TGT_MAX_SECTORS);
}

static unsigned long long
parse_num(const char *opt, const char *s, unsigned long long min, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || *s == '-' || v < min || v > max)
		rte_exit(EXIT_FAILURE, "%s '%s': expected an integer from %llu to %llu\n", opt, s,
			 min, max);
	return v;
}

enum {
	OPT_DISK = 256,
	OPT_BUFCNT,
	OPT_FAULT,
	OPT_PORT,
	OPT_SECTORS,
	OPT_LBA28,
	OPT_CONFIG,
	OPT_SILENT_AFTER,
	OPT_SILENT_FOR,
	OPT_SEED,
	OPT_MBUF_SIZE,
	OPT_ABORT_FLUSH_EXT,
	OPT_AOE_ERROR,
	OPT_SERIAL,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{"disk", required_argument, NULL, OPT_DISK},
	{"bufcnt", required_argument, NULL, OPT_BUFCNT},
	{"fault", required_argument, NULL, OPT_FAULT},
	{"port", required_argument, NULL, OPT_PORT},
	{"sectors", required_argument, NULL, OPT_SECTORS},
	{"lba28", no_argument, NULL, OPT_LBA28},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"silent-after", required_argument, NULL, OPT_SILENT_AFTER},
	{"silent-for", required_argument, NULL, OPT_SILENT_FOR},
	{"seed", required_argument, NULL, OPT_SEED},
	{"mbuf-size", required_argument, NULL, OPT_MBUF_SIZE},
	{"abort-flush-ext", no_argument, NULL, OPT_ABORT_FLUSH_EXT},
	{"aoe-error", required_argument, NULL, OPT_AOE_ERROR},
	{"serial", required_argument, NULL, OPT_SERIAL},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

struct opts {
	bool port_given;
	bool port_sel[RTE_MAX_ETHPORTS];
	const char *config;
	uint64_t seed;
	uint32_t mbuf_size;
};

static void
parse_args(struct tgt_ctx *ctx, struct opts *o, int argc, char **argv)
{
	char err[512];
	int c;

	ctx->bufcnt = 256;
	o->seed = 1;
	ctx->disks = calloc(MAX_DISKS, sizeof(*ctx->disks));
	if (ctx->disks == NULL)
		rte_exit(EXIT_FAILURE, "out of memory\n");
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DISK: {
			struct tgt_disk *d = &ctx->disks[ctx->n_disks];

			if (ctx->n_disks == MAX_DISKS)
				rte_exit(EXIT_FAILURE, "--disk: at most %d disks\n", MAX_DISKS);
			if (tgt_disk_parse(optarg, d, err, sizeof(err)) != 0)
				rte_exit(EXIT_FAILURE, "%s\n", err);
			for (unsigned int i = 0; i < ctx->n_disks; i++)
				if (ctx->disks[i].shelf == d->shelf &&
				    ctx->disks[i].slot == d->slot)
					rte_exit(EXIT_FAILURE,
						 "--disk '%s': e%u.%u is given twice\n", optarg,
						 d->shelf, d->slot);
			ctx->n_disks++;
			break;
		}
		case OPT_BUFCNT:
			ctx->bufcnt = (uint16_t)parse_num("--bufcnt", optarg, 1, 65535);
			break;
		case OPT_FAULT:
			if (tgt_fault_parse(optarg, &ctx->fault, err, sizeof(err)) != 0)
				rte_exit(EXIT_FAILURE, "%s\n", err);
			break;
		case OPT_PORT: {
			uint16_t pid =
				(uint16_t)parse_num("--port", optarg, 0, RTE_MAX_ETHPORTS - 1);

			if (!rte_eth_dev_is_valid_port(pid))
				rte_exit(EXIT_FAILURE, "--port %u: no such port (%u available)\n",
					 pid, rte_eth_dev_count_avail());
			o->port_given = true;
			o->port_sel[pid] = true;
			break;
		}
		case OPT_SECTORS:
			ctx->sectors_opt =
				(unsigned int)parse_num("--sectors", optarg, 1, TGT_MAX_SECTORS);
			break;
		case OPT_LBA28:
			ctx->lba28 = true;
			break;
		case OPT_CONFIG:
			if (strlen(optarg) > AOE_CFG_STR_MAX)
				rte_exit(EXIT_FAILURE, "--config: at most %d bytes, got %zu\n",
					 AOE_CFG_STR_MAX, strlen(optarg));
			o->config = optarg;
			break;
		case OPT_SILENT_AFTER:
			ctx->silent_after = parse_num("--silent-after", optarg, 1, UINT64_MAX);
			break;
		case OPT_SILENT_FOR:
			ctx->silent_for_ms = parse_num("--silent-for", optarg, 1, 86400000ull);
			break;
		case OPT_SEED:
			o->seed = parse_num("--seed", optarg, 0, UINT64_MAX);
			break;
		case OPT_MBUF_SIZE:
			o->mbuf_size = (uint32_t)parse_num("--mbuf-size", optarg, 2048,
							   UINT16_MAX - RTE_PKTMBUF_HEADROOM - 64);
			break;
		case OPT_ABORT_FLUSH_EXT:
			ctx->abort_flush_ext = true;
			break;
		case OPT_AOE_ERROR:
			ctx->aoe_error = (uint8_t)parse_num("--aoe-error", optarg, 1, 6);
			break;
		case OPT_SERIAL:
			if (strlen(optarg) > 20)
				rte_exit(EXIT_FAILURE, "--serial '%s': at most 20 characters\n",
					 optarg);
			ctx->serial = optarg;
			break;
		case OPT_HELP:
		case 'h':
			usage(argv[0]);
			exit(EXIT_SUCCESS);
		default:
			usage(argv[0]);
			rte_exit(EXIT_FAILURE, "unknown option (see the usage above)\n");
		}
	}
	if (optind < argc)
		rte_exit(EXIT_FAILURE, "unexpected argument '%s' (options start with --)\n",
			 argv[optind]);
	if (ctx->n_disks == 0)
		rte_exit(EXIT_FAILURE,
			 "--disk SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH is required\n");
	if (ctx->silent_for_ms != 0 && ctx->silent_after == 0)
		printf("aoe-target: --silent-for without --silent-after applies to SIGUSR1 "
		       "silence\n");
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
			 p->mtu, rte_strerror(-rc));
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "port %u: no device info: %s\n", p->port_id,
			 rte_strerror(-rc));
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
			 rte_strerror(-rc));
	rc = rte_eth_macaddr_get(p->port_id, &p->mac);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "port %u: no MAC address: %s\n", p->port_id,
			 rte_strerror(-rc));
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
		snprintf(serial, sizeof(serial), "%s", ctx->serial);
		if (ctx->serial == NULL)
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

#define P(name) printf("  %-22s %" PRIu64 "\n", #name, st->name)
static void
print_stats(const struct tgt_ctx *ctx)
{
	const struct tgt_stats *st = &ctx->st;
	static const char *const cmd_names[] = {"ata", "config", "macmask", "reserve"};
	static const char *const cfg_names[] = {"read", "test_exact", "test_prefix", "set",
						"force_set"};

	printf("aoe-target counters:\n");
	P(rx_frames);
	P(rx_bytes);
	P(tx_frames);
	P(tx_bytes);
	P(tx_full);
	P(rx_not_aoe);
	P(rx_not_mine);
	P(rx_bad_hdr);
	P(rx_responses);
	P(rx_no_disk);
	P(rx_oversize);
	P(rx_silenced);
	for (unsigned int i = 0; i < RTE_DIM(cmd_names); i++)
		printf("  cmd_%-18s %" PRIu64 "\n", cmd_names[i], st->cmd[i]);
	P(cmd_unknown);
	for (unsigned int i = 0; i < RTE_DIM(cfg_names); i++)
		printf("  config_%-15s %" PRIu64 "\n", cfg_names[i], st->cfg_sub[i]);
	P(cfg_no_match);
	P(ata_read);
	P(ata_write);
	P(ata_identify);
	P(ata_flush);
	P(ata_check_power);
	P(ata_other);
	P(sectors_read);
	P(sectors_written);
	P(ata_err_idnf);
	P(ata_err_abrt);
	P(ata_io_err);
	P(ata_masked);
	for (unsigned int i = 1; i < RTE_DIM(st->aoe_err_sent); i++)
		printf("  aoe_error_%u_%-10s %" PRIu64 "\n", i, "sent", st->aoe_err_sent[i]);
	for (unsigned int i = 1; i < RTE_DIM(st->mask_err); i++)
		printf("  mask_error_%u_%-9s %" PRIu64 "\n", i, "sent", st->mask_err[i]);
	P(alloc_fail);
	P(unsolicited);
	P(fault_drop);
	P(fault_dup);
	P(fault_reorder);
	P(fault_delay);
	P(fault_corrupt);
	P(fault_corrupt_hdr);
	P(silent_periods);
	P(shrinks);
	fflush(stdout);
}
#undef P

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
	uint64_t now = 0;

	while (!tgt_force_quit) {
		static sig_atomic_t usr2_seen;
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
	struct opts o = {0};
	unsigned int n_mbufs;
	uint32_t max_room = 0;
	uint32_t room;
	uint16_t pid;
	int rc;

	rc = rte_eal_init(argc, argv);
	if (rc < 0)
		rte_exit(EXIT_FAILURE, "cannot initialise the EAL (see the messages above)\n");
	argc -= rc;
	argv += rc;
	argv[0] = (char *)(uintptr_t) "aoe-target";
	parse_args(ctx, &o, argc, argv);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	ctx->tsc_hz = rte_get_tsc_hz();
	tgt_rng_seed(ctx, o.seed);

	RTE_ETH_FOREACH_DEV(pid)
	{
		if (o.port_given && !o.port_sel[pid])
			continue;
		ctx->ports[ctx->n_ports].port_id = pid;
		max_room = RTE_MAX(max_room, port_probe(ctx, &ctx->ports[ctx->n_ports]));
		ctx->n_ports++;
	}
	if (ctx->n_ports == 0)
		rte_exit(EXIT_FAILURE, "no Ethernet port to serve: give the EAL a device (e.g. "
				       "--vdev net_af_packet0,iface=veth0) or a PCI address\n");

	setup_disks(ctx, o.config);

	/* One segment per frame: room for the largest response, never less than 2 KiB. */
	room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_DATAROOM, RTE_ALIGN_CEIL(max_room, 64));
	room = RTE_MAX(room, o.mbuf_size);
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
	for (unsigned int i = 0; i < ctx->n_disks; i++)
		tgt_disk_close(&ctx->disks[i]);
	free(ctx->disks);
	rte_free(ctx->scratch);
	rte_mempool_free(ctx->pool);
	rte_eal_cleanup();
	return 0;
}
