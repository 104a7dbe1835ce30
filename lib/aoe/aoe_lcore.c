/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore poll loop, run to completion: receive a burst from the RX queues this lcore
 * owns, hand each response to the lcore whose tag it carries (through an SPSC ring when that is
 * another lcore), complete frames and I/O, run timers and, on the management lcore, discovery
 * and the state machine; then send everything queued in one burst per port.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_tag.h"

struct handoff {
	uint16_t count[AOE_MAX_LCORES];
	struct rte_mbuf *pkts[AOE_MAX_LCORES][AOE_RX_BURST];
};

/*
 * Frames already routed to this lcore (received here or handed over): act on them. @p now is
 * when their burst was taken, one clock read per burst: no frame of it can answer one sent
 * while the burst is worked through.
 */
static void
frame_handle(struct aoe_lcore *lc, struct rte_mbuf *m, uint64_t now)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	struct aoe_hdr hdr;

	if (unlikely(aoe_hdr_decode(frame, rte_pktmbuf_data_len(m), &hdr) != 0)) {
		lc->stats->rx_malformed++;
		rte_pktmbuf_free(m);
		return;
	}
	if (hdr.cmd == AOE_CMD_ATA)
		aoe_session_rx(lc, m, &hdr, now);
	else
		aoe_mgmt_rx_config(lc, m, &hdr);
}

/*
 * Which lcore a received frame belongs to, or -1 to drop it. Only the fixed header is read
 * here; the owner decodes the rest. These are the first checks of a response's acceptance
 * (docs/protocol.md): AoE, an allowed port, the response flag, sent to this port's MAC (config
 * answers also to broadcast: vblade announces itself so), an initiator's tag owned by a
 * polling lcore.
 */
static int
frame_route(struct aoe_lcore *lc, struct rte_mbuf *m)
{
	static const uint8_t bcast[AOE_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const struct aoe_engine *e = &aoe_engine;
	struct aoe_route r;
	unsigned int owner;
	int8_t port;

	if (unlikely(aoe_route_decode(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
				      &r) != 0)) {
		lc->stats->rx_not_aoe++;
		return -1;
	}
	port = e->port_index[m->port];
	if (unlikely(port < 0 || !aoe_port_allowed((unsigned int)port))) {
		lc->stats->rx_port_disallowed++;
		return -1;
	}
	if (unlikely(!(r.flags & AOE_FLAG_RSP))) {
		lc->stats->rx_requests++;
		return -1;
	}
	if (unlikely(memcmp(r.dst, e->ports[port].mac.addr_bytes, AOE_ETH_ALEN) != 0) &&
	    (r.cmd != AOE_CMD_CONFIG || memcmp(r.dst, bcast, AOE_ETH_ALEN) != 0)) {
		lc->stats->rx_wrong_dest++;
		return -1;
	}
	if (r.cmd != AOE_CMD_ATA)
		return (int)e->mgmt_index;
	if (unlikely(r.tag & AOE_TAG_USER_BIT)) {
		lc->stats->rx_user_tags++;
		return -1;
	}
	owner = aoe_tag_owner(r.tag);
	if (unlikely(owner >= e->nb_lcores)) {
		lc->stats->rx_bad_owner++;
		return -1;
	}
	return (int)owner;
}

static void
handoff_flush(struct aoe_lcore *lc, struct handoff *ho)
{
	unsigned int to;

	for (to = 0; to < aoe_engine.nb_lcores; to++) {
		unsigned int n = ho->count[to], sent;

		if (n == 0)
			continue;
		sent = rte_ring_sp_enqueue_burst(lc->outbox[to], (void **)ho->pkts[to], n, NULL);
		lc->stats->handoff_tx += sent;
		if (sent < n) {
			lc->stats->handoff_dropped += n - sent;
			rte_pktmbuf_free_bulk(&ho->pkts[to][sent], n - sent);
		}
		ho->count[to] = 0;
	}
}

/*
 * A frame of the burst before it is handled: its header always; all of it while this lcore's
 * reads copy their data out (the last answer with data says so, aoe_session_rx), so that the
 * fetch of one answer's lines overlaps the copy of the one before. Zero-copy reads leave the
 * data alone: fetching it would only take the lines from the core that wrote them.
 */
static inline void
rx_prefetch(const struct rte_mbuf *m, bool data)
{
	const char *d = rte_pktmbuf_mtod(m, const char *);
	unsigned int off, len = data ? rte_pktmbuf_data_len(m) : 1;

	for (off = 0; off < len; off += RTE_CACHE_LINE_SIZE)
		rte_prefetch0(d + off);
}

static unsigned int
rx_poll(struct aoe_lcore *lc)
{
	const struct aoe_engine *e = &aoe_engine;
	struct rte_mbuf *pkts[AOE_RX_BURST];
	struct handoff ho;
	unsigned int q, i, total = 0;

	if (e->nb_lcores > 1)
		memset(ho.count, 0, sizeof(ho.count[0]) * e->nb_lcores);
	for (q = 0; q < lc->nb_rxq; q++) {
		const struct aoe_rxq_ref *rq = &lc->rxq[q];
		uint16_t n =
			rte_eth_rx_burst(e->ports[rq->port].port_id, rq->queue, pkts, AOE_RX_BURST);
		uint64_t now;

		if (n == 0)
			continue;
		/* The first answer's data too: at queue depth 1 it is the only one, and its lines
		 * come while its header is routed and matched. */
		if (lc->rx_copies)
			rx_prefetch(pkts[0], true);
		now = rte_rdtsc();
		lc->stats->rx_frames += n;
		total += n;
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			int owner;

			if (i + 1 < n)
				rx_prefetch(pkts[i + 1], lc->rx_copies);
			owner = frame_route(lc, m);
			if (owner < 0) {
				rte_pktmbuf_free(m);
			} else if ((unsigned int)owner == lc->index) {
				frame_handle(lc, m, now);
			} else {
				ho.pkts[owner][ho.count[owner]++] = m;
			}
		}
		if (e->nb_lcores > 1)
			handoff_flush(lc, &ho);
	}
	return total;
}

static unsigned int
inbox_poll(struct aoe_lcore *lc)
{
	struct rte_mbuf *pkts[AOE_RX_BURST];
	unsigned int from, i, total = 0;

	for (from = 0; from < aoe_engine.nb_lcores; from++) {
		unsigned int n;
		uint64_t now;

		if (lc->inbox[from] == NULL)
			continue;
		n = rte_ring_sc_dequeue_burst(lc->inbox[from], (void **)pkts, AOE_RX_BURST, NULL);
		if (n == 0)
			continue;
		now = rte_rdtsc();
		for (i = 0; i < n; i++)
			frame_handle(lc, pkts[i], now);
		total += n;
	}
	return total;
}

/* Messages an lcore may log per second from the datapath (error answers and the like). */
#define AOE_LOG_PER_SECOND 10

/*
 * Whether the datapath may log one more message now: a hostile or broken peer must not turn
 * every frame into a log line. What is held back is counted and reported once a second.
 */
bool
aoe_lcore_log_ok(struct aoe_lcore *lc, uint64_t now)
{
	if (now - lc->log_window_tsc >= aoe_engine.tsc_hz) {
		if (lc->log_suppressed != 0)
			AOE_LOG(WARNING, io, "lcore %u: %u more messages like the above suppressed",
				lc->lcore_id, lc->log_suppressed);
		lc->log_window_tsc = now;
		lc->log_count = 0;
		lc->log_suppressed = 0;
	}
	if (lc->log_count < AOE_LOG_PER_SECOND) {
		lc->log_count++;
		return true;
	}
	lc->log_suppressed++;
	return false;
}

/*
 * One iteration: one clock read when nothing arrives (a read of the TSC costs tens of cycles
 * in a virtual machine, as much as the rest of an idle poll), a second one to account a busy
 * iteration. Timers and management run on the timer tick, not on every iteration: their
 * deadlines are a round trip and more, and the cost of an idle poll is how late a response
 * is seen.
 */
int
aoe_lcore_poll(void)
{
	struct aoe_lcore *lc = aoe_lcore_self();
	uint64_t start;
	unsigned int work;

	if (unlikely(lc == NULL))
		return -EINVAL;
	start = rte_rdtsc();
	work = rx_poll(lc);
	if (aoe_engine.nb_lcores > 1)
		work += inbox_poll(lc);
	if (start >= lc->next_timer_tsc) {
		/* Read again: a frame the burst above sent must not look older than now. */
		uint64_t now = rte_rdtsc();

		work += aoe_session_timers(lc, now);
		if (lc->is_mgmt)
			work += aoe_mgmt_poll(lc, now);
		lc->next_timer_tsc = now + aoe_engine.timer_period_tsc;
	}
	aoe_tx_flush(lc);
	lc->stats->iterations++;
	if (work != 0)
		lc->stats->busy_cycles += rte_rdtsc() - start;
	return (int)work;
}
