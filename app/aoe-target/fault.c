/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-target output path and fault injection: every response goes through tgt_emit(), which
 * without --fault only stages it for the next tx burst. With faults it may drop, corrupt,
 * duplicate, hold back (reorder) or delay it; and the silence switch stops all answers.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "aoe_target.h"

/* A held-back (reordered) frame goes out on its own when nothing follows it for this long, so
 * a lone request is late rather than lost. */
#define REORDER_MAX_HOLD_US 10000

static inline bool
coin(struct tgt_ctx *ctx, uint64_t threshold)
{
	return threshold != 0 && aoe_app_rng_next(&ctx->rng) < threshold;
}

/* Send what is staged; what the tx queue will not take after a few tries is freed. */
void
tgt_port_flush(struct tgt_ctx *ctx, struct tgt_port *p)
{
	uint16_t sent = 0;
	int tries = 0;

	while (sent < p->n_stage && tries++ < 16)
		sent += rte_eth_tx_burst(p->port_id, 0, p->stage + sent, p->n_stage - sent);
	for (uint16_t i = 0; i < sent; i++)
		ctx->st.tx_bytes += rte_pktmbuf_pkt_len(p->stage[i]);
	ctx->st.tx_frames += sent;
	if (sent < p->n_stage) {
		ctx->st.tx_full += p->n_stage - sent;
		rte_pktmbuf_free_bulk(p->stage + sent, p->n_stage - sent);
	}
	p->n_stage = 0;
}

static inline void
stage(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m)
{
	if (unlikely(p->n_stage == TGT_TX_STAGE))
		tgt_port_flush(ctx, p);
	p->stage[p->n_stage++] = m;
}

static void
delay_push(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m)
{
	if (p->dq_tail - p->dq_head == TGT_DELAY_SLOTS) {
		/* Full: the oldest goes out early rather than anything being lost. */
		stage(ctx, p, p->dq[p->dq_head % TGT_DELAY_SLOTS].m);
		p->dq_head++;
	}
	p->dq[p->dq_tail % TGT_DELAY_SLOTS] = (struct tgt_delayed){
		.m = m,
		.due = rte_get_tsc_cycles() + ctx->fault.delay_us * ctx->tsc_hz / 1000000,
	};
	p->dq_tail++;
	ctx->st.fault_delay++;
}

/* Last stage: straight to tx, or through the delay queue. */
static void
out(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m)
{
	if (ctx->fault.delay_us != 0)
		delay_push(ctx, p, m);
	else
		stage(ctx, p, m);
}

static void
reorder_out(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m)
{
	if (p->held == NULL && coin(ctx, ctx->fault.reorder)) {
		p->held = m;
		p->held_since = rte_get_tsc_cycles();
		ctx->st.fault_reorder++;
		return;
	}
	out(ctx, p, m);
	if (p->held != NULL) {
		out(ctx, p, p->held);
		p->held = NULL;
	}
}

static void
corrupt(struct tgt_ctx *ctx, struct rte_mbuf *m)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint64_t r = aoe_app_rng_next(&ctx->rng);
	uint32_t off;

	/* Data when the frame carries any past the ATA header, else the tag (bytes 20-23). */
	if (len > AOE_ATA_HDR_LEN && (r & 1))
		off = AOE_ATA_HDR_LEN + (uint32_t)((r >> 8) % (len - AOE_ATA_HDR_LEN));
	else
		off = 20 + (uint32_t)((r >> 8) & 3);
	f[off] ^= (uint8_t)(1u << ((r >> 40) & 7));
	ctx->st.fault_corrupt++;
}

/*
 * Flip one bit of what identifies the answer: shelf, slot, command, tag, ATA flags, count or
 * LBA. Never the version, flags, error or ATA status bytes, which would turn it into an
 * error answer the initiator must obey.
 */
static void
corrupt_hdr(struct tgt_ctx *ctx, struct rte_mbuf *m)
{
	static const uint8_t offsets[] = {16, 17, 18, 19, 20, 21, 22, 23,
					  24, 26, 28, 29, 30, 31, 32, 33};
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint64_t r = aoe_app_rng_next(&ctx->rng);
	unsigned int off = offsets[r % RTE_DIM(offsets)];

	if (off >= rte_pktmbuf_data_len(m))
		off = 20 + (unsigned int)(r >> 8) % 4;
	f[off] ^= (uint8_t)(1u << ((r >> 40) & 7));
	ctx->st.fault_corrupt_hdr++;
}

void
tgt_emit(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m)
{
	struct rte_mbuf *copy;

	if (likely(!ctx->fault.any)) {
		stage(ctx, p, m);
		return;
	}
	if (coin(ctx, ctx->fault.drop)) {
		ctx->st.fault_drop++;
		rte_pktmbuf_free(m);
		return;
	}
	if (coin(ctx, ctx->fault.corrupt))
		corrupt(ctx, m);
	if (coin(ctx, ctx->fault.corrupt_hdr))
		corrupt_hdr(ctx, m);
	if (coin(ctx, ctx->fault.dup)) {
		copy = rte_pktmbuf_copy(m, ctx->pool, 0, UINT32_MAX);
		if (copy != NULL) {
			ctx->st.fault_dup++;
			reorder_out(ctx, p, m);
			m = copy;
		} else {
			ctx->st.alloc_fail++;
		}
	}
	reorder_out(ctx, p, m);
}

/* Called every loop iteration when faults are on: release due delayed and aged held frames. */
void
tgt_fault_poll(struct tgt_ctx *ctx, struct tgt_port *p, uint64_t now)
{
	/* Signed: @p now may predate a frame held during this very iteration. */
	if (p->held != NULL && (int64_t)(now - p->held_since) >
				       (int64_t)(REORDER_MAX_HOLD_US * ctx->tsc_hz / 1000000)) {
		out(ctx, p, p->held);
		p->held = NULL;
	}
	while (p->dq_head != p->dq_tail && p->dq[p->dq_head % TGT_DELAY_SLOTS].due <= now) {
		stage(ctx, p, p->dq[p->dq_head % TGT_DELAY_SLOTS].m);
		p->dq_head++;
	}
}

/* At exit: free what is still held or delayed. */
void
tgt_fault_drain(struct tgt_ctx *ctx, struct tgt_port *p)
{
	RTE_SET_USED(ctx);
	if (p->held != NULL)
		rte_pktmbuf_free(p->held);
	p->held = NULL;
	while (p->dq != NULL && p->dq_head != p->dq_tail) {
		rte_pktmbuf_free(p->dq[p->dq_head % TGT_DELAY_SLOTS].m);
		p->dq_head++;
	}
}

/* --fault lose-write: whether this write is to be acknowledged and not stored (counted). */
bool
tgt_fault_lose_write(struct tgt_ctx *ctx)
{
	if (!coin(ctx, ctx->fault.lose_write))
		return false;
	ctx->st.fault_lose_write++;
	return true;
}

static void
set_silent(struct tgt_ctx *ctx, bool on, uint64_t now)
{
	if (on == ctx->silent)
		return;
	ctx->silent = on;
	if (on) {
		ctx->st.silent_periods++;
		ctx->silent_until =
			ctx->silent_for_ms ? now + ctx->silent_for_ms * ctx->tsc_hz / 1000 : 0;
	}
	printf("aoe-target: %s\n", on ? "going silent" : "answering again");
	fflush(stdout);
}

/* Apply SIGUSR1 toggles and the --silent-for timer; true while the target must not answer. */
bool
tgt_silence_check(struct tgt_ctx *ctx, uint64_t now)
{
	static sig_atomic_t seen;
	sig_atomic_t usr1 = tgt_usr1_count;

	while (seen != usr1) {
		seen++;
		set_silent(ctx, !ctx->silent, now);
	}
	if (ctx->silent && ctx->silent_until != 0 && now >= ctx->silent_until)
		set_silent(ctx, false, now);
	return ctx->silent;
}

/* One ATA request answered: --silent-after N goes silent once, after the N-th. */
void
tgt_silence_count_ata(struct tgt_ctx *ctx)
{
	ctx->ata_answered++;
	if (ctx->silent_after != 0 && !ctx->silent_after_done &&
	    ctx->ata_answered >= ctx->silent_after) {
		ctx->silent_after_done = true;
		set_silent(ctx, true, rte_get_tsc_cycles());
	}
}
