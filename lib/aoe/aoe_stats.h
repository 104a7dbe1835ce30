/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Counters. Each block is written by exactly one lcore with plain stores (no atomics, no
 * locks); readers on other threads take a snapshot and tolerate a counter being one update old.
 *
 * Every counter is described once, in the lists below: the structs are generated from them,
 * and every program that shows counters (telemetry, aoe-stat, aoe-perf) walks the tables made
 * from them (aoe_stats_fields.h), so a counter added to a list appears everywhere under the
 * same key. An application may walk a list with an X macro of its own. DPDK-free.
 */
#ifndef AOE_STATS_H
#define AOE_STATS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AOE_STATS_AOE_ERRORS 8 /**< AoE error codes 0..7, 7 counting anything larger */

/*
 * X(name, dim): a 64-bit counter called name, or with dim "[N]" an array of N of them. The
 * name is the counter's key in JSON and telemetry.
 */

/* clang-format off */
/** One lcore's traffic to one target. */
#define AOE_TARGET_STATS(X)                                                                        \
	X(frames_tx, )           /* ATA frames sent, retransmissions included */                   \
	X(frames_rx, )           /* ATA responses accepted */                                      \
	X(bytes_tx, )            /* data bytes written */                                          \
	X(bytes_rx, )            /* data bytes read */                                             \
	X(ios_completed, )       /* I/O completed, with or without an error */                     \
	X(ios_failed, )          /* I/O completed with an error */                                 \
	X(retransmits, )         /* frames sent again after their timeout */                       \
	X(timeouts, )            /* I/O failed after deadsecs */                                   \
	X(late, )                /* answer to an earlier transmission of a live frame */           \
	X(unexpected, )          /* no such frame in flight (stale, duplicate or forged) */        \
	X(wrong_source, )        /* right tag, not from the MAC and port it went to */            \
	X(wrong_fields, )        /* right tag and MAC, ATA fields not the request's */             \
	X(bad_response, )        /* well-formed header, unusable body (short read data) */         \
	X(aoe_errors, [AOE_STATS_AOE_ERRORS]) /* error responses by AoE error code */              \
	X(ata_errors, )          /* ATA status with an error: the I/O fails */                     \
	X(flush_ext_fallbacks, ) /* FLUSH CACHE EXT aborted, FLUSH CACHE sent instead */       \
	X(resplits, )            /* frames cut to fit a path with fewer sectors per frame */       \
	X(tx_deferred, )         /* sends put off by a full TX queue or an empty mbuf pool */      \
	X(requeries, )           /* "bad argument" answers that asked the config again */         \
	X(ghost_writes, )        /* writes done with a copy unanswered (the write fence) */        \
	X(fenced_writes, )       /* writes sent on, or held for, the path of such a copy */        \
	X(ghosts_abandoned, )    /* such copies given up: their path silent for deadsecs */

/** One polling lcore. */
#define AOE_LCORE_STATS(X)                                                                         \
	X(rx_frames, )           /* frames received on the lcore's queues */                       \
	X(rx_not_aoe, )          /* other EtherTypes */                                            \
	X(rx_malformed, )        /* AoE EtherType that the codec refused */                        \
	X(rx_requests, )         /* frames without the response flag (other initiators) */         \
	X(rx_user_tags, )        /* tags with the high bit: aoeping and friends */                 \
	X(rx_port_disallowed, )  /* arrived on a port outside the allow list */                    \
	X(rx_no_target, )        /* shelf.slot we do not know */                                   \
	X(rx_bad_owner, )        /* tag names no polling lcore */                                  \
	X(rx_wrong_dest, )       /* response sent to another MAC (a promiscuous port) */           \
	X(handoff_tx, )          /* passed to the owning lcore */                                  \
	X(handoff_dropped, )     /* its ring was full */                                           \
	X(tx_frames, )           /* frames handed to the TX queues */                              \
	X(tx_dropped, )          /* TX queue full: left to retransmission */                       \
	X(mbuf_alloc_failed, )   /* no mbuf for a frame: sent later */                             \
	X(busy_cycles, )         /* TSC cycles of iterations that did work */                      \
	X(iterations, )          /* poll loop iterations */                                        \
	X(zcopy_reads, )         /* zero-copy reads taken (their data kept in the frames) */       \
	X(zcopy_held, )          /* gauge: response frames zero-copy reads hold now */             \
	X(zcopy_refused, )       /* zero-copy reads refused: the lcore's budget was spent */
/* clang-format on */

#define AOE_STATS_MEMBER(name, dim) uint64_t name dim;

struct aoe_target_stats {
	AOE_TARGET_STATS(AOE_STATS_MEMBER)
};

struct aoe_lcore_stats {
	AOE_LCORE_STATS(AOE_STATS_MEMBER)
};

#ifdef __cplusplus
}
#endif

#endif /* AOE_STATS_H */
