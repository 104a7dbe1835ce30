/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The reader's side of the statistics region (aoe_shm.h): what aoe-stat and the engine's own
 * telemetry use to look at a running initiator. DPDK-free: a reader needs no EAL, no hugepages
 * and no DPDK library, only the file the writer maps.
 *
 * A reader never writes to the region and never waits for the writer: target descriptions are
 * read under the writer's sequence count, counters are summed as they are, and events are
 * followed ring by ring with a cursor that knows when the writer has lapped it.
 *
 * Functions return 0 or a negative errno unless they say otherwise.
 */
#ifndef AOE_SHM_READ_H
#define AOE_SHM_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aoe_names.h"
#include "aoe_shm.h"
#include "aoe_stats.h"
#include "aoe_stats_fields.h"
#include "aoe_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AOE_SHM_ERR_MAX	      512 /**< bytes of aoe_shm_reader.err */
#define AOE_SHM_TIME_MAX      40  /**< "2024-05-01T12:34:56.123" and its NUL fit */
#define AOE_SHM_EVENT_STR_MAX 256 /**< one formatted event line fits */

/** An open, read-only mapping of one process's region. */
struct aoe_shm_reader {
	const struct aoe_shm *shm; /**< NULL when closed */
	size_t map_size;
	char path[4096];
	char err[AOE_SHM_ERR_MAX]; /**< why the last call failed, a full sentence */
};

/**
 * The DPDK runtime directory that holds file prefix @p prefix, as the EAL picks it:
 * /var/run/dpdk/<prefix> for root, $XDG_RUNTIME_DIR/dpdk/<prefix> (or /tmp/dpdk/<prefix>)
 * otherwise.
 * @return 0 or -ENAMETOOLONG.
 */
int aoe_shm_runtime_dir(const char *prefix, char *buf, size_t len);

/**
 * Map a region read-only and check it: @p path if not NULL, else the file of @p prefix.
 * On failure r->err says why in words an operator can act on (no such process, stale region
 * left by a process that died, unknown version).
 * @return 0; -ENOENT (no region: no initiator runs with that prefix), -EPROTO (not a
 *         statistics region, or another layout version), -ESRCH (the writer is gone: stale),
 *         -EINVAL (neither a prefix nor a path), or open(2)/mmap(2)'s errno.
 */
int aoe_shm_open(struct aoe_shm_reader *r, const char *prefix, const char *path);

/** Unmap; safe on a closed reader. */
void aoe_shm_close(struct aoe_shm_reader *r);

/**
 * Whether the writer still runs: its alive flag is set and its pid exists.
 * @return true while it runs.
 */
bool aoe_shm_writer_alive(const struct aoe_shm *shm);

/**
 * File prefixes under the runtime directory that hold a statistics region, sorted.
 * @return how many were found (entries filled: at most @p max), or a negative errno.
 */
int aoe_shm_find(char (*prefixes)[256], unsigned int max);

/**
 * A consistent copy of target slot @p index (the seqcount retry loop).
 * @return 0; -ENOENT (@p index past the slots in use) or -EAGAIN (the writer kept changing it).
 */
int aoe_shm_target_read(const struct aoe_shm *shm, unsigned int index, struct aoe_shm_target *out);

/**
 * A target's description, the one schema of dpdk-aoe --status --json, aoe-stat --json and
 * telemetry's /aoe/info (docs/json.md): X(key, kind, value) in output order, value an
 * expression of @p t, a const struct aoe_shm_target *. Kinds: STR (a NUL-terminated string),
 * U64 (a number), BOOL (true/false; 0/1 in telemetry, which has no booleans), MAC (a
 * uint8_t[6] written as aoe_mac_format() does) and STATE (aoe_state_name()).
 */
/* clang-format off */
#define AOE_TARGET_DESC(X, t)                                                                      \
	X(name, STR, (t)->name)                                                                    \
	X(shelf, U64, (t)->shelf)                                                                  \
	X(slot, U64, (t)->slot)                                                                    \
	X(state, STATE, (t)->state)                                                                \
	X(mac, MAC, (t)->mac)                           /* the first path's target MAC */          \
	X(port, STR, (t)->port_name)                    /* the first path's local port */          \
	X(port_id, U64, (t)->port)                                                                 \
	X(ports, STR, (t)->ports)                       /* every path's port, once each */         \
	X(paths, U64, (t)->nb_paths)                                                               \
	X(sectors, U64, (t)->sectors)                                                              \
	X(size_bytes, U64, (t)->sectors * AOE_SECTOR_SIZE)                                         \
	X(payload, U64, (t)->payload)                   /* data bytes per ATA frame */             \
	X(sectors_per_frame, U64, (t)->sectors_per_frame) /* from the config response */           \
	X(bufcnt, U64, (t)->bufcnt)                                                                \
	X(fwver, U64, (t)->fwver)                                                                  \
	X(lba48, BOOL, (t)->lba48 != 0)                                                            \
	X(open, BOOL, (t)->open != 0)                   /* held by an application */               \
	X(model, STR, (t)->model)                                                                  \
	X(serial, STR, (t)->serial)                                                                \
	X(firmware, STR, (t)->firmware)                                                            \
	X(config, STR, (t)->config)
/* clang-format on */

/**
 * How a target's sessions stand now, X(name, dim) as the counter lists of aoe_stats.h (and
 * shown after them, under these keys).
 */
/* clang-format off */
#define AOE_TARGET_GAUGES(X)                                                                       \
	X(sessions, )    /* lcores with a session on the target */                                 \
	X(outstanding, ) /* frames in flight, all lcores */                                        \
	X(cwnd, )        /* windows summed over lcores and paths */                                \
	X(srtt_ns, )     /* the first session's smoothed RTT (its first path) */                   \
	X(rttvar_ns, )   /* and its RTT variation */                                               \
	X(rto_ns, )      /* and its retransmission timeout */
/* clang-format on */

struct aoe_target_gauges {
	AOE_TARGET_GAUGES(AOE_STATS_MEMBER)
};

extern const struct aoe_stats_table aoe_target_gauges_table; /**< struct aoe_target_gauges */

/** A target's session counters and gauges summed over every lcore. */
struct aoe_shm_target_sum {
	struct aoe_target_stats stats;	 /**< each counter summed */
	struct aoe_target_gauges gauges; /**< as AOE_TARGET_GAUGES says */
};

/**
 * Sum target slot @p index's sessions into @p out (zeros when it has none): the one place
 * where counters are added up over lcores (aoe_target_stats_get() uses it too).
 */
void aoe_shm_target_sum(const struct aoe_shm *shm, unsigned int index,
			struct aoe_shm_target_sum *out);

/** A target as programs list it. */
struct aoe_shm_row {
	struct aoe_shm_target t;       /**< a consistent copy of its description */
	struct aoe_shm_target_sum sum; /**< its counters and gauges */
	unsigned int index;	       /**< its slot in the region */
};

/**
 * Every target of the region but the flushed ones, in aoe_target_order(): what aoe-stat,
 * dpdk-aoe --status and their JSON list.
 * @return a malloc()ed array (free() it) of @p *count rows, or NULL with errno set (ENOMEM).
 */
struct aoe_shm_row *aoe_shm_rows(const struct aoe_shm *shm, unsigned int *count);

/**
 * Copy lcore slot @p index (0 .. nb_lcores - 1).
 * @return 0 or -ENOENT.
 */
int aoe_shm_lcore_read(const struct aoe_shm *shm, unsigned int index, struct aoe_shm_lcore *out);

/** Where a reader is in every lcore's event ring. */
struct aoe_shm_cursor {
	uint64_t last[AOE_SHM_MAX_LCORES]; /**< sequence number last consumed, per ring */
};

/**
 * Position @p c: @p backlog events back from each ring's head (0 = only what comes next,
 * UINT64_MAX = as far back as the rings still hold).
 */
void aoe_shm_cursor_init(const struct aoe_shm *shm, struct aoe_shm_cursor *c, uint64_t backlog);

/**
 * The events after @p c, every ring merged in time order, at most @p max; @p c moves past what
 * is returned. Events the writer overwrote before they were read are counted in @p *missed
 * (added to; may be NULL).
 * @return how many events were stored in @p out.
 */
unsigned int aoe_shm_events_read(const struct aoe_shm *shm, struct aoe_shm_cursor *c,
				 struct aoe_shm_event *out, unsigned int max, uint64_t *missed);

/**
 * @p ns since the epoch as ISO 8601 in UTC with milliseconds: "2024-05-01T12:34:56.123".
 * Milliseconds and no zone letter keep the longest event line (e65534.254, nout=1024) within
 * telemetry's 127-byte strings.
 */
void aoe_shm_time_format(uint64_t ns, char *buf, size_t len);

/**
 * One event as the kernel's /dev/etherd/err line, after its ISO time, e.g.
 * "2024-05-01T12:34:56.123 retransmit e7.3 oldtag=0c001234 newtag=0c001235
 * s=aa:bb:cc:dd:ee:ff d=11:22:33:44:55:66 nout=3". @p shm (may be NULL) names the ports.
 * @return the length the full line needs (as snprintf).
 */
int aoe_shm_event_format(const struct aoe_shm *shm, const struct aoe_shm_event *ev, char *buf,
			 size_t len);

#ifdef __cplusplus
}
#endif

#endif /* AOE_SHM_READ_H */
