/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters. Each block is written by exactly one lcore with plain stores (no atomics, no
 * locks); readers on other threads take a snapshot and tolerate a counter being one update old.
 */
#ifndef AOE_STATS_H
#define AOE_STATS_H

#include <stdint.h>

#define AOE_STATS_AOE_ERRORS 8 /* AoE error codes 0..7, 7 counting anything larger */

/* One lcore's traffic to one target. */
struct aoe_target_stats {
	uint64_t frames_tx;
	uint64_t frames_rx;
	uint64_t bytes_tx; /* data bytes written */
	uint64_t bytes_rx; /* data bytes read */
	uint64_t ios_completed;
	uint64_t ios_failed;
	uint64_t retransmits;
	uint64_t timeouts;     /* I/O failed after deadsecs */
	uint64_t late;	       /* answer to an earlier transmission of a live frame */
	uint64_t unexpected;   /* no such frame in flight (stale, duplicate or forged) */
	uint64_t wrong_source; /* right tag, but not from the MAC and port it went to */
	uint64_t wrong_fields; /* right tag and MAC, ATA fields (LBA, count, flags) not the
				  request's */
	uint64_t bad_response; /* well-formed header, unusable body (short read data) */
	uint64_t aoe_errors[AOE_STATS_AOE_ERRORS];
	uint64_t ata_errors;
	uint64_t flush_ext_fallbacks;
	uint64_t resplits;    /* frames cut to fit a path that carries fewer sectors per frame */
	uint64_t tx_deferred; /* transmissions put off by a full TX queue or an empty mbuf pool */
	uint64_t requeries;   /* "bad argument" answers that asked the path's config again */
};

/* One polling lcore. */
struct aoe_lcore_stats {
	uint64_t rx_frames;
	uint64_t rx_not_aoe;	     /* other EtherTypes */
	uint64_t rx_malformed;	     /* AoE EtherType that the codec refused */
	uint64_t rx_requests;	     /* frames without the response flag (other initiators) */
	uint64_t rx_user_tags;	     /* tags with the high bit: aoeping and friends */
	uint64_t rx_port_disallowed; /* arrived on a port outside the allow list */
	uint64_t rx_no_target;	     /* shelf.slot we do not know */
	uint64_t rx_bad_owner;	     /* tag names no polling lcore */
	uint64_t rx_wrong_dest;	     /* response sent to another MAC (seen on a promiscuous port) */
	uint64_t handoff_tx;	     /* passed to the owning lcore */
	uint64_t handoff_dropped;    /* its ring was full */
	uint64_t tx_frames;
	uint64_t tx_dropped; /* TX queue full: left to retransmission */
	uint64_t mbuf_alloc_failed;
	uint64_t busy_cycles; /* TSC cycles of iterations that did work */
	uint64_t iterations;
};

#endif /* AOE_STATS_H */
