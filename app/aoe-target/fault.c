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

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
tgt_rng_seed(struct tgt_ctx *ctx, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		ctx->rng[i] = splitmix64(&seed);
}

/* xoshiro256**: fast, good enough for coin flips, reproducible from --seed. */
uint64_t
tgt_rng_next(struct tgt_ctx *ctx)
{
	uint64_t *s = ctx->rng;
	uint64_t r = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

static inline bool
coin(struct tgt_ctx *ctx, uint64_t threshold)
{
	return threshold != 0 && tgt_rng_next(ctx) < threshold;
}

/* "0.25", "1", "25%" -> a threshold over the full 64-bit range (UINT64_MAX means always). */
static int
parse_prob(const char *s, uint64_t *threshold)
{
	char *end;
	double p;

	errno = 0;
	p = strtod(s, &end);
	if (errno != 0 || end == s || isnan(p))
		return -EINVAL;
	if (*end == '%') {
		p /= 100.0;
		end++;
	}
	if (*end != '\0' || p < 0.0 || p > 1.0)
		return -EINVAL;
	if (p >= 1.0)
		*threshold = UINT64_MAX;
	else
		*threshold = (uint64_t)(p * 18446744073709551616.0);
	return 0;
}

/* drop=P,dup=P,reorder=P,delay=USEC,corrupt=P,corrupt-hdr=P; several --fault options add up. */
int
tgt_fault_parse(const char *spec, struct tgt_fault *f, char *err, size_t err_len)
{
	char buf[256];
	char *save = NULL, *item;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, err_len, "--fault: specification too long");
		return -EINVAL;
	}
	strcpy(buf, spec);
	for (item = strtok_r(buf, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		char *val = strchr(item, '=');
		uint64_t *target = NULL;

		if (val == NULL)
			goto bad;
		*val++ = '\0';
		if (strcmp(item, "drop") == 0)
			target = &f->drop;
		else if (strcmp(item, "dup") == 0)
			target = &f->dup;
		else if (strcmp(item, "reorder") == 0)
			target = &f->reorder;
		else if (strcmp(item, "corrupt") == 0)
			target = &f->corrupt;
		else if (strcmp(item, "corrupt-hdr") == 0)
			target = &f->corrupt_hdr;
		else if (strcmp(item, "delay") == 0) {
			char *end;
			unsigned long long us;

			errno = 0;
			us = strtoull(val, &end, 10);
			if (errno != 0 || end == val || *end != '\0' || us > 10000000ull) {
				snprintf(err, err_len,
					 "--fault delay='%s': expected microseconds, "
					 "0-10000000",
					 val);
				return -EINVAL;
			}
			f->delay_us = us;
			continue;
		} else
			goto bad;
		if (parse_prob(val, target) != 0) {
			snprintf(err, err_len,
				 "--fault %s='%s': expected a probability in [0,1] or "
				 "a percentage such as 5%%",
				 item, val);
			return -EINVAL;
		}
	}
	f->any = f->drop || f->dup || f->reorder || f->corrupt || f->corrupt_hdr || f->delay_us;
	return 0;
bad:
	snprintf(err, err_len,
		 "--fault '%s': expected a comma-separated list of drop=P, dup=P, "
		 "reorder=P, corrupt=P, corrupt-hdr=P (P in [0,1] or N%%) and delay=USEC",
		 spec);
	return -EINVAL;
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
	uint64_t r = tgt_rng_next(ctx);
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
	uint64_t r = tgt_rng_next(ctx);
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
