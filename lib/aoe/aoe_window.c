/* SPDX-License-Identifier: BSD-3-Clause */
#include "aoe_window.h"

void
aoe_window_init(struct aoe_window *w, uint32_t cap)
{
	if (cap == 0)
		cap = 1;
	w->cap = cap;
	w->cwnd = cap / 2 ? cap / 2 : 1;
	w->ssthresh = cap;
	w->acked = 0;
	w->outstanding = 0;
	w->recover_tick = 0;
}

void
aoe_window_set_cap(struct aoe_window *w, uint32_t cap)
{
	if (cap == 0)
		cap = 1;
	w->cap = cap;
	if (w->cwnd > cap)
		w->cwnd = cap;
	if (w->ssthresh > cap)
		w->ssthresh = cap;
}

void
aoe_window_on_ack(struct aoe_window *w)
{
	if (w->cwnd >= w->cap)
		return;
	if (w->cwnd < w->ssthresh) {
		w->cwnd++;
		return;
	}
	if (++w->acked >= w->cwnd) {
		w->acked = 0;
		w->cwnd++;
	}
}

bool
aoe_window_on_loss(struct aoe_window *w, uint64_t sent_tick, uint64_t now)
{
	/* A burst of timeouts from one outage is one congestion signal, not many. */
	if (sent_tick < w->recover_tick)
		return false;
	w->ssthresh = w->cwnd / 2 ? w->cwnd / 2 : 1;
	w->cwnd = w->ssthresh;
	w->acked = 0;
	w->recover_tick = now;
	return true;
}

static uint64_t
clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
aoe_rtt_init(struct aoe_rtt *r, uint64_t rto_initial, uint64_t rto_min, uint64_t rto_max)
{
	if (rto_max < rto_min)
		rto_max = rto_min;
	r->srtt = 0;
	r->rttvar = 0;
	r->rto_min = rto_min;
	r->rto_max = rto_max;
	r->rto_initial = clamp(rto_initial, rto_min, rto_max);
	r->rto = r->rto_initial;
}

void
aoe_rtt_sample(struct aoe_rtt *r, uint64_t rtt)
{
	if (r->srtt == 0) {
		r->srtt = rtt ? rtt : 1;
		r->rttvar = rtt / 2;
	} else {
		uint64_t err = rtt > r->srtt ? rtt - r->srtt : r->srtt - rtt;

		r->rttvar = r->rttvar - r->rttvar / 4 + err / 4;
		r->srtt = r->srtt - r->srtt / 8 + rtt / 8;
	}
	r->rto = clamp(r->srtt + 4 * r->rttvar, r->rto_min, r->rto_max);
}

void
aoe_rtt_backoff(struct aoe_rtt *r)
{
	r->rto = clamp(r->rto * 2, r->rto_min, r->rto_max);
}
