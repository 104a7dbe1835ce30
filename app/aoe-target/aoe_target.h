/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-target private header: the disks, the per-port state, the fault injector and the
 * counters shared by main.c, disk.c, serve.c and fault.c. Never installed.
 *
 * One lcore owns everything here, so nothing is locked or atomic except the flags the signal
 * handlers set.
 */
#ifndef AOE_TARGET_APP_H
#define AOE_TARGET_APP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "aoe_app.h"
#include "aoe_wire.h"

#define TGT_MAX_PORTS RTE_MAX_ETHPORTS
#define TGT_MAX_DISKS 256
#define TGT_BURST     32
/* Frames one rx burst can produce: a broadcast query may be answered by every disk, so the
 * staging array is flushed whenever it fills; this only sizes it. */
#define TGT_TX_STAGE (4 * TGT_BURST)
#define TGT_MASK_MAX 64 /* MAC mask list entries per disk */
#define TGT_RES_MAX  64 /* reserve list entries per disk */
/* The sector count field is one byte, but a response must fit one mbuf (data room is 16 bits). */
#define TGT_MAX_SECTORS                                                                            \
	((UINT16_MAX - RTE_PKTMBUF_HEADROOM - 64 - AOE_ATA_HDR_LEN) / AOE_SECTOR_SIZE)
#define TGT_DELAY_SLOTS 4096 /* frames the delay queue can hold per port */
#define TGT_FWVER	0x0001
#define TGT_FW_STR	"0.1"
#define TGT_MODEL	"dpdk-aoe aoe-target"

enum tgt_disk_kind { TGT_DISK_NULL, TGT_DISK_RAM, TGT_DISK_FILE };

struct tgt_disk {
	uint16_t shelf;
	uint8_t slot;
	enum tgt_disk_kind kind;
	uint64_t sectors;
	uint8_t *ram; /* TGT_DISK_RAM: anonymous MAP_NORESERVE mapping */
	size_t ram_len;
	int fd;				/* TGT_DISK_FILE, else -1 */
	char *path;			/* TGT_DISK_FILE */
	uint8_t ident[AOE_SECTOR_SIZE]; /* IDENTIFY DEVICE block, built once */
	uint16_t cfg_len;
	uint8_t cfg[AOE_CFG_STR_MAX];
	uint8_t mask_count;
	uint8_t mask[TGT_MASK_MAX][AOE_ETH_ALEN];
	uint8_t res_count;
	uint8_t res[TGT_RES_MAX][AOE_ETH_ALEN];
};

/*
 * Counters, printed on exit (each scalar once, under its name, by walking TGT_STATS). Written by
 * the one serving lcore only.
 */
/* clang-format off */
#define TGT_STATS(X)                                                                               \
	X(rx_frames)                                                                               \
	X(rx_bytes)                                                                                \
	X(tx_frames)                                                                               \
	X(tx_bytes)                                                                                \
	X(tx_full)         /* responses freed because the tx queue stayed full */                  \
	X(rx_not_aoe)      /* EtherType other than 0x88A2 */                                       \
	X(rx_not_mine)     /* unicast to another MAC */                                            \
	X(rx_bad_hdr)      /* header did not decode: nothing sent */                               \
	X(rx_responses)    /* R flag set: ignored */                                               \
	X(rx_no_disk)      /* no disk matched shelf.slot */                                        \
	X(rx_oversize)     /* frame larger than the scratch buffer */                              \
	X(rx_silenced)     /* dropped while silent */                                              \
	X(cmd_unknown)                                                                             \
	X(cfg_no_match)    /* test exact/prefix did not match: no answer */                        \
	X(ata_read)                                                                                \
	X(ata_write)                                                                               \
	X(ata_identify)                                                                            \
	X(ata_flush)                                                                               \
	X(ata_check_power)                                                                         \
	X(ata_other)                                                                               \
	X(sectors_read)                                                                            \
	X(sectors_written)                                                                         \
	X(ata_err_idnf)                                                                            \
	X(ata_err_abrt)                                                                            \
	X(ata_io_err)      /* pread/pwrite/fsync failed: ATA ERR|ABRT sent */                      \
	X(ata_masked)      /* ATA from a MAC not on a non-empty mask list */                       \
	X(alloc_fail)                                                                              \
	X(unsolicited)                                                                             \
	X(fault_drop)                                                                              \
	X(fault_dup)                                                                               \
	X(fault_reorder)                                                                           \
	X(fault_delay)                                                                             \
	X(fault_corrupt)                                                                           \
	X(fault_corrupt_hdr)                                                                       \
	X(fault_lose_write) /* writes acknowledged but not stored */                               \
	X(silent_periods)                                                                          \
	X(shrinks)         /* SIGUSR2: sector count halved without an announcement */
/* clang-format on */

#define TGT_STATS_MEMBER(name) uint64_t name;

struct tgt_stats {
	TGT_STATS(TGT_STATS_MEMBER)
	uint64_t cmd[4];	  /* by AoE command: ATA, config, mask, reserve */
	uint64_t cfg_sub[5];	  /* by config subcommand */
	uint64_t aoe_err_sent[7]; /* by AoE error code */
	uint64_t mask_err[4];	  /* by mask list merror */
};

/* Fault injection settings; probabilities are thresholds against a 64-bit random number. */
struct tgt_fault {
	uint64_t drop;
	uint64_t dup;
	uint64_t reorder;
	uint64_t corrupt;
	uint64_t corrupt_hdr;
	uint64_t delay_us;
	bool any; /* any of the above set: the fast path skips all of it otherwise */
	/* A write answered as done without being stored (what a lost write looks like to the
	 * initiator); a fault of the disk, not of the answers: not in @p any. */
	uint64_t lose_write;
};

struct tgt_delayed {
	struct rte_mbuf *m;
	uint64_t due;
};

struct tgt_port {
	uint16_t port_id;
	struct rte_ether_addr mac;
	uint16_t mtu;
	uint8_t sectors; /* max sectors per ATA frame advertised and accepted */
	uint16_t n_stage;
	struct rte_mbuf *stage[TGT_TX_STAGE];
	/* reorder: one frame held back until the next one is sent (or it ages out) */
	struct rte_mbuf *held;
	uint64_t held_since;
	/* delay queue: a FIFO ring, due times are increasing since the delay is constant */
	uint32_t dq_head;
	uint32_t dq_tail;
	struct tgt_delayed *dq;
};

/* What the command line sets besides the disks and the serving settings. */
struct tgt_opts {
	bool help;
	bool port_given;
	bool port_sel[RTE_MAX_ETHPORTS]; /* checked against the EAL's ports once it runs */
	const char *config;
	uint64_t seed;
	uint32_t mbuf_size;
};

struct tgt_ctx {
	struct tgt_opts opts; /* what else the command line says */
	struct tgt_disk *disks;
	unsigned int n_disks;
	struct tgt_port ports[TGT_MAX_PORTS];
	unsigned int n_ports;
	struct rte_mempool *pool;
	uint16_t bufcnt;
	unsigned int sectors_opt; /* --sectors, 0 when not given */
	bool lba28;		  /* --lba28: an old disk, no EXT commands */
	bool abort_flush_ext;	  /* --abort-flush-ext: abort 0xEA although IDENTIFY offers it */
	uint8_t aoe_error;	  /* --aoe-error: answer ATA but IDENTIFY with this error */
	const char *serial;	  /* --serial: IDENTIFY serial of every disk (default eX.Y) */
	struct tgt_fault fault;
	struct aoe_app_rng rng; /* the fault injector's coin flips */
	uint64_t tsc_hz;
	/* silence */
	uint64_t silent_after;	/* 0: never */
	uint64_t silent_for_ms; /* 0: until SIGUSR1 */
	bool silent;
	bool silent_after_done;
	uint64_t silent_until; /* TSC; 0 when silent with no end */
	uint64_t ata_answered;
	struct tgt_stats st;
	uint8_t *scratch; /* linear copy of a multi-segment request */
	uint32_t scratch_len;
};

extern volatile sig_atomic_t tgt_force_quit;
extern volatile sig_atomic_t tgt_usr1_count;
extern volatile sig_atomic_t tgt_usr2_count;

/* options.c: what follows "--", then the whole command line (help, a missing "--"). */
int tgt_options_parse(int argc, char **argv, struct tgt_ctx *ctx, char *err, size_t errlen);
int tgt_options_cmdline(int argc, char **argv, struct tgt_ctx *ctx, char *err, size_t errlen);
void tgt_options_usage(FILE *f, const char *prog);

/* disk.c */
int tgt_disk_parse(const char *spec, struct tgt_disk *d, char *err, size_t err_len);
int tgt_disk_open(struct tgt_disk *d, char *err, size_t err_len);
void tgt_disk_close(struct tgt_disk *d);
int tgt_disk_read(struct tgt_disk *d, uint64_t lba, unsigned int count, uint8_t *dst);
int tgt_disk_write(struct tgt_disk *d, uint64_t lba, unsigned int count, const uint8_t *src);
int tgt_disk_flush(struct tgt_disk *d);

/* serve.c */
void tgt_serve_frame(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m);
int tgt_serve_announce(struct tgt_ctx *ctx, struct tgt_port *p);

/* fault.c */
void tgt_emit(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m);
void tgt_port_flush(struct tgt_ctx *ctx, struct tgt_port *p);
void tgt_fault_poll(struct tgt_ctx *ctx, struct tgt_port *p, uint64_t now);
void tgt_fault_drain(struct tgt_ctx *ctx, struct tgt_port *p);
bool tgt_fault_lose_write(struct tgt_ctx *ctx);
bool tgt_silence_check(struct tgt_ctx *ctx, uint64_t now);
void tgt_silence_count_ata(struct tgt_ctx *ctx);

#endif /* AOE_TARGET_APP_H */
