/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion window and retransmission timeout for one path (target MAC x local port).
 *
 * Pure arithmetic over integers, no DPDK, so it is unit-tested on its own. Times are in
 * whatever tick the caller uses (the datapath uses TSC cycles); the caller passes the bounds.
 *
 * Where the kernel driver restarts at 1 on every loss and samples retransmitted frames, this
 * does what TCP learned to do: slow start up to ssthresh, then one more frame per window of
 * acknowledgements; one multiplicative decrease per loss episode (losses of frames sent before
 * the last decrease belong to the same episode); Karn's rule (no RTT sample from a frame that
 * was sent more than once) with exponential backoff of the timeout until a clean sample comes.
 */
#ifndef AOE_WINDOW_H
#define AOE_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

struct aoe_window {
	uint32_t cap;  /* min(maxout, target buffer count), at least 1 */
	uint32_t cwnd; /* frames allowed in flight now, 1..cap */
	uint32_t ssthresh;
	uint32_t acked;	       /* acknowledgements since the last additive increase */
	uint32_t outstanding;  /* frames in flight on this path */
	uint64_t recover_tick; /* frames sent before this belong to the last loss episode */
};

/** Start with half the cap (as the kernel does, but never 0), slow start up to the cap. */
void aoe_window_init(struct aoe_window *w, uint32_t cap);

/** Change the cap (target buffer count or --maxout changed); cwnd is clamped. */
void aoe_window_set_cap(struct aoe_window *w, uint32_t cap);

static inline bool
aoe_window_has_room(const struct aoe_window *w)
{
	return w->outstanding < w->cwnd;
}

/** A frame was answered: grow (slow start or additive increase). */
void aoe_window_on_ack(struct aoe_window *w);

/**
 * A frame sent at @p sent_tick timed out at @p now: halve once per loss episode.
 * @return true when the window was decreased (a new episode began).
 */
bool aoe_window_on_loss(struct aoe_window *w, uint64_t sent_tick, uint64_t now);

struct aoe_rtt {
	uint64_t srtt; /* smoothed round-trip time, 0 until the first sample */
	uint64_t rttvar;
	uint64_t rto; /* current timeout, backoff included */
	uint64_t rto_min;
	uint64_t rto_max;
	uint64_t rto_initial;
};

/** @p initial is used until the first sample; every timeout stays within [min, max]. */
void aoe_rtt_init(struct aoe_rtt *r, uint64_t rto_initial, uint64_t rto_min, uint64_t rto_max);

/** A clean sample (frame sent once): RFC 6298 gains 1/8 and 1/4, timeout srtt + 4 rttvar. */
void aoe_rtt_sample(struct aoe_rtt *r, uint64_t rtt);

/** A timeout happened: double the timeout (bounded) until the next clean sample. */
void aoe_rtt_backoff(struct aoe_rtt *r);

#endif /* AOE_WINDOW_H */
