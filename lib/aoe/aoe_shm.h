/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The statistics region: what a running initiator shows other processes (aoe-stat) while I/O
 * runs, without slowing it down.
 *
 * It is a plain file mapped shared, <EAL runtime dir>/aoe_stats (for example
 * /var/run/dpdk/<file-prefix>/aoe_stats), not a DPDK memzone: it works with hugepages and
 * with --no-huge, and a reader needs no EAL. Writers never lock:
 * - counters are written by the one lcore that owns them with plain stores; a reader may see a
 *   counter one update old, never a torn 64-bit value (aligned stores);
 * - target descriptions are written by the management lcore under a sequence count (odd while
 *   writing); a reader retries until it reads the same even count before and after;
 * - each lcore has its own event ring (single writer); a reader follows a ring by sequence
 *   number and knows it missed events when the writer's sequence has run more than a ring ahead.
 *
 * The layout is versioned: a reader checks magic and version and refuses what it does not know.
 * Everything is host-endian (readers run on the same machine).
 */
#ifndef AOE_SHM_H
#define AOE_SHM_H

#include <stdint.h>

#include "aoe_defs.h"
#include "aoe_stats.h"

#define AOE_SHM_MAGIC	    0x41656f6553746174ull /* "AeoeStat" */
#define AOE_SHM_VERSION	    3
#define AOE_SHM_FILE	    "aoe_stats"
#define AOE_SHM_MAX_TARGETS AOE_MAX_TARGETS
#define AOE_SHM_MAX_LCORES  AOE_MAX_LCORES
#define AOE_SHM_MAX_PORTS   AOE_MAX_PORTS
#define AOE_SHM_EVENTS	    1024 /* per lcore, power of two */

/* Gauges of one lcore's session with one target (written by that lcore). */
struct aoe_shm_session {
	struct aoe_target_stats stats;
	uint32_t in_use;      /* the lcore has a session with this target */
	uint32_t outstanding; /* frames in flight, all paths */
	uint32_t cwnd;	      /* sum over paths */
	uint32_t cap;	      /* window cap of one path */
	uint64_t srtt_ns;     /* first path's smoothed RTT */
	uint64_t rttvar_ns;
	uint64_t rto_ns;
	uint8_t pad[16];
};

/*
 * A target as management describes it (seqcount protected). Programs show it through
 * AOE_TARGET_DESC (aoe_shm_read.h), one schema for all of them (docs/json.md).
 */
struct aoe_shm_target {
	uint32_t seq;	/* odd while management writes */
	uint32_t state; /* enum aoe_target_state */
	uint16_t shelf;
	uint8_t slot;
	uint8_t lba48;
	uint32_t nb_paths;
	uint64_t sectors;
	uint32_t payload;
	uint16_t bufcnt;
	uint16_t fwver;
	uint8_t mac[6];		   /* first path */
	uint16_t port;		   /* first path's DPDK port id */
	uint32_t open;		   /* descriptors applications hold (kept current) */
	uint32_t flushed;	   /* removed from the table by an operator */
	uint8_t sectors_per_frame; /* from the config response */
	uint8_t pad0[7];
	char name[AOE_NAME_MAX];
	char port_name[AOE_PORT_NAME_MAX];
	char ports[128]; /* every path's port, comma separated */
	char model[41];
	char serial[21];
	char firmware[9];
	uint8_t pad[1];
	char config[1025];
};

/* Error stream entry kinds (what /dev/etherd/err carries for the kernel driver). */
enum aoe_event_type {
	AOE_EV_RETRANSMIT = 1, /* old_tag, new_tag, src, dst, nout */
	AOE_EV_UNEXPECTED,     /* tag, src, dst: no such frame in flight */
	AOE_EV_LATE,	       /* tag, src, dst: answer to an earlier transmission */
	AOE_EV_AOE_ERROR,      /* code = AoE error; src */
	AOE_EV_ATA_ERROR,      /* cmd, status, error, lba */
	AOE_EV_STATE,	       /* code = new enum aoe_target_state */
	AOE_EV_WRONG_SOURCE,   /* tag, src, dst: right tag from the wrong MAC or port */
	AOE_EV_PATH,	       /* code = 1 path up, 0 path failed; src = target MAC */
	AOE_EV_WRONG_FIELDS,   /* tag, src, dst: right tag and MAC, ATA fields not the request's */
};

struct aoe_shm_event {
	uint64_t seq;	  /* 1-based; written last, 0 = empty */
	uint64_t time_ns; /* CLOCK_REALTIME */
	uint16_t type;	  /* enum aoe_event_type */
	uint16_t shelf;
	uint8_t slot;
	uint8_t code;
	uint8_t ata_cmd;
	uint8_t ata_status;
	uint32_t old_tag;
	uint32_t new_tag;
	uint8_t src[6];
	uint8_t dst[6];
	uint16_t port;
	uint16_t ata_error;
	uint32_t nout;
	uint64_t lba;
};

struct aoe_shm_event_ring {
	uint64_t head; /* events written so far; entry = ring[(head - 1) % N] */
	uint8_t pad[56];
	struct aoe_shm_event ring[AOE_SHM_EVENTS];
};

struct aoe_shm_port {
	uint16_t port_id;
	uint16_t mtu;
	uint32_t allowed;
	char name[AOE_PORT_NAME_MAX];
	uint8_t mac[6];
	uint8_t pad[2];
};

struct aoe_shm_lcore {
	struct aoe_lcore_stats stats;
	uint32_t lcore_id;
	uint32_t is_mgmt;
	uint8_t pad[56];
};

struct aoe_shm {
	uint64_t magic;
	uint32_t version;
	uint32_t size; /* bytes of the whole region */
	uint64_t pid;
	uint64_t tsc_hz;
	uint64_t start_time_ns;
	uint32_t nb_lcores;
	uint32_t nb_ports;
	uint32_t nb_targets; /* slots in use in targets[] */
	uint32_t maxout;
	uint32_t deadsecs;
	uint32_t alive; /* cleared on a clean exit */
	char program[32];
	uint8_t pad[24];
	struct aoe_shm_port ports[AOE_SHM_MAX_PORTS];
	struct aoe_shm_lcore lcores[AOE_SHM_MAX_LCORES];
	struct aoe_shm_target targets[AOE_SHM_MAX_TARGETS];
	struct aoe_shm_session sessions[AOE_SHM_MAX_TARGETS][AOE_SHM_MAX_LCORES];
	struct aoe_shm_event_ring events[AOE_SHM_MAX_LCORES];
};

#endif /* AOE_SHM_H */
