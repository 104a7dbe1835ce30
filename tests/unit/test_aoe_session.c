/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The session code (lib/aoe/aoe_session.c, aoe_path.c, aoe_rsp.c) without a network: the real
 * engine runs on a net_null port that is never polled, and this file plays the wire and the
 * target. Frames are taken from the lcore's TX buffer where the session queued them (marked as
 * departed at a time the test picks, as the port's flush would), answers are built here and
 * handed to aoe_session_rx, and the timers run at times the test picks. Management learns the
 * target from a config answer and brings it up with an IDENTIFY answer, as on a wire.
 *
 * Covered: the response acceptance rule (docs/protocol.md, "What a response must match"),
 * frames cut to a path's size, local congestion (the resend list) kept apart from loss,
 * deadsecs counted from a frame's first departure, and zero-copy reads' answers kept, never
 * replaced or leaked, and released.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "aoe_internal.h"
#include "aoe_tag.h"

#define SHELF	 7
#define SLOT	 3
#define SECTORS	 (1u << 20)
#define DEADSECS 2

static const uint8_t TMAC[AOE_ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x11};
static const uint8_t OTHER[AOE_ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x22};

static struct aoe_lcore *lc;
static struct aoe_target *t;
static struct aoe_session *s;
static uint64_t hz;
static char runtime_dir[256];

/* One request seen on the "wire": its header and ATA arguments, and its data for a write. */
struct wire_frame {
	struct aoe_hdr hdr;
	struct aoe_ata ata;
	uint8_t data[AOE_SECTOR_SIZE * 2];
};

/* Query config frames wire_take saw, those to the first path's MAC, and the MAC of the last. */
static unsigned int configs_taken, configs_to_tmac;
static uint8_t config_dst[AOE_ETH_ALEN];

/* Take what the session queued on port 0, as the port would send it, departed at @p now. */
static unsigned int
wire_take(struct wire_frame *out, unsigned int max, uint64_t now)
{
	struct aoe_txbuf *tb = &lc->txbuf[0];
	unsigned int i, n = 0;

	for (i = 0; i < tb->count; i++) {
		struct rte_mbuf *m = tb->pkts[i];
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
		struct wire_frame w;

		if (tb->frames[i] != NULL)
			aoe_frame_departed(tb->frames[i], tb->gens[i], now);
		cr_assert_eq(aoe_hdr_decode(f, rte_pktmbuf_data_len(m), &w.hdr), 0);
		if (w.hdr.cmd == AOE_CMD_CONFIG) {
			configs_taken++;
			configs_to_tmac += memcmp(w.hdr.dst, TMAC, AOE_ETH_ALEN) == 0;
			memcpy(config_dst, w.hdr.dst, AOE_ETH_ALEN);
		}
		if (w.hdr.cmd == AOE_CMD_ATA && n < max) {
			cr_assert_eq(aoe_ata_decode(f, rte_pktmbuf_data_len(m), &w.hdr, &w.ata), 0);
			if (w.ata.data != NULL && w.ata.data_len != 0)
				memcpy(w.data, w.ata.data, RTE_MIN(w.ata.data_len, sizeof(w.data)));
			w.ata.data = NULL;
			out[n++] = w;
		}
		rte_pktmbuf_free(m);
	}
	tb->count = 0;
	return n;
}

/* An mbuf from the engine's pool as port 0 would have received it. */
static struct rte_mbuf *
rx_mbuf(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(aoe_engine.pool);

	cr_assert_not_null(m);
	m->port = aoe_engine.ports[0].port_id;
	return m;
}

static void
rx_finish(struct rte_mbuf *m, int len, struct aoe_hdr *hdr)
{
	cr_assert_gt(len, 0);
	m->data_len = (uint16_t)RTE_MAX(len, AOE_ETH_MIN_FRAME);
	m->pkt_len = m->data_len;
	cr_assert_eq(aoe_hdr_decode(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, hdr), 0);
}

/* A config answer from @p src: @p sectors per frame, 16 buffers. */
static void
config_answer(const uint8_t *src, uint8_t sectors)
{
	struct rte_mbuf *m = rx_mbuf();
	struct aoe_hdr h = {.version = AOE_VERSION,
			    .flags = AOE_FLAG_RSP,
			    .shelf = SHELF,
			    .slot = SLOT,
			    .cmd = AOE_CMD_CONFIG};
	struct aoe_cfg cfg = {
		.bufcnt = 16, .fwver = 1, .sector_count = sectors, .aoe_version = AOE_VERSION};

	memcpy(h.src, src, AOE_ETH_ALEN);
	memcpy(h.dst, aoe_engine.ports[0].mac.addr_bytes, AOE_ETH_ALEN);
	rx_finish(m,
		  aoe_cfg_encode(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_tailroom(m), &h, &cfg),
		  &h);
	aoe_mgmt_rx_config(lc, m, &h);
}

/* The target's answer to @p req, its fields as given; data for a read from @p data. */
static void
answer_as(const struct wire_frame *req, const uint8_t *src, uint32_t tag, uint8_t aflags,
	  uint8_t count, uint64_t lba, const uint8_t *data, size_t data_len)
{
	struct rte_mbuf *m = rx_mbuf();
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct aoe_hdr h = req->hdr;
	struct aoe_ata a = {
		.aflags = aflags, .sector_count = count, .cmd_status = AOE_ATA_ST_DRDY, .lba = lba};
	int len;

	memcpy(h.dst, req->hdr.src, AOE_ETH_ALEN);
	memcpy(h.src, src, AOE_ETH_ALEN);
	h.flags = AOE_FLAG_RSP;
	h.tag = tag;
	len = aoe_ata_encode(f, rte_pktmbuf_tailroom(m), &h, &a);
	cr_assert_gt(len, 0);
	if (data_len != 0)
		memcpy(f + len, data, data_len);
	rx_finish(m, len + (int)data_len, &h);
	aoe_session_rx(lc, m, &h, rte_rdtsc());
}

/* The right answer to @p req, as vblade gives it (LBA and count echoed); a read gets
 * @p fill in every byte. */
static void
answer(const struct wire_frame *req, uint8_t fill)
{
	uint8_t data[AOE_SECTOR_SIZE * 2];
	size_t n = req->ata.aflags & AOE_AFLAG_WRITE
			   ? 0
			   : (size_t)req->ata.sector_count * AOE_SECTOR_SIZE;

	memset(data, fill, sizeof(data));
	answer_as(req, TMAC, req->hdr.tag, req->ata.aflags, req->ata.sector_count, req->ata.lba,
		  data, n);
}

struct io_rec {
	struct aoe_io io;
	int done;
	uint8_t buf[8 * AOE_SECTOR_SIZE];
};

static void
io_done(struct aoe_io *io)
{
	struct io_rec *r = io->arg;

	r->done++;
}

static void
read_submit(struct io_rec *r, uint64_t lba, uint32_t nsect)
{
	memset(r, 0, sizeof(*r));
	r->io.op = AOE_IO_READ;
	r->io.buf = r->buf;
	r->io.lba = lba;
	r->io.nsect = nsect;
	r->io.done = io_done;
	r->io.arg = r;
	cr_assert_eq(aoe_session_submit(s, &r->io), 0);
}

static const struct aoe_target_stats *
stats(void)
{
	return s->stats;
}

static void
setup(void)
{
	char prefix[64];
	char *argv[] = {"test_aoe_session",
			"-l",
			"0",
			"--no-huge",
			"-m",
			"128",
			"--no-pci",
			"--no-telemetry",
			"--no-shconf",
			"--vdev",
			"net_null0",
			prefix,
			"--log-level",
			"*:error",
			NULL};
	struct aoe_conf conf;
	struct wire_frame w;
	uint8_t ident[AOE_SECTOR_SIZE];

	snprintf(prefix, sizeof(prefix), "--file-prefix=aoe-unit-session-%d", getpid());
	cr_assert_geq(rte_eal_init((int)RTE_DIM(argv) - 1, argv), 0, "rte_eal_init");
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	aoe_conf_init(&conf);
	conf.deadsecs = DEADSECS;
	conf.discover_interval_s = 0;
	conf.maxout = 16;
	conf.nb_mbufs = 4096;
	conf.program = "test_aoe_session";
	conf.all_ports = true;
	cr_assert_eq(aoe_init(&conf), 0);
	lc = aoe_lcore_self();
	cr_assert_not_null(lc);
	hz = rte_get_tsc_hz();

	/* Discovery: the target answers with 2 sectors per frame; management sends IDENTIFY. */
	config_answer(TMAC, 2);
	t = aoe_target_lookup(SHELF, SLOT);
	cr_assert_not_null(t);
	cr_assert_eq(aoe_target_state_get(t), AOE_TARGET_PROBING);
	s = t->sess[lc->index];
	cr_assert_not_null(s);
	cr_assert_eq(wire_take(&w, 1, rte_rdtsc()), 1);
	cr_assert_eq(w.ata.cmd_status, AOE_ATA_IDENTIFY);
	aoe_identify_build(ident, SECTORS, "unit test disk", "UNIT1", "1");
	answer_as(&w, TMAC, w.hdr.tag, w.ata.aflags, 0, w.ata.lba, ident, sizeof(ident));
	cr_assert_eq(aoe_target_state_get(t), AOE_TARGET_UP);
	cr_assert(t->lba48);
	cr_assert_eq(t->sectors, SECTORS);
}

static void
teardown(void)
{
	aoe_fini();
	rte_eal_cleanup();
	/* Empty once the engine and the EAL are gone (--no-shconf, --no-telemetry). */
	rmdir(runtime_dir);
}

TestSuite(aoe_session, .init = setup, .fini = teardown, .timeout = 60);

/* What setup did is what every test starts from. */
Test(aoe_session, up_through_a_config_answer_and_identify)
{
	cr_assert_eq(t->nb_paths, 1);
	cr_assert_eq(t->paths[0].nsect, 2);
	cr_assert_eq(memcmp(t->paths[0].mac.addr_bytes, TMAC, AOE_ETH_ALEN), 0);
	cr_assert_eq(stats()->frames_tx, 1);
	cr_assert_eq(stats()->frames_rx, 1);
	cr_assert_eq(stats()->ios_completed, 1);
}

/*
 * The acceptance rule, one refusal at a time, each counted as its kind and none completing the
 * frame; then the right answer (with the LBA advanced as aoe-target does), then a duplicate.
 */
Test(aoe_session, acceptance_rule)
{
	struct io_rec r;
	struct wire_frame w;
	uint8_t data[AOE_SECTOR_SIZE];
	uint32_t tag;
	uint8_t af;
	uint64_t lba;

	read_submit(&r, 1000, 1);
	cr_assert_eq(wire_take(&w, 1, rte_rdtsc()), 1);
	tag = w.hdr.tag;
	af = w.ata.aflags;
	lba = w.ata.lba;
	cr_assert_eq(w.ata.cmd_status, AOE_ATA_READ_EXT);
	cr_assert_eq(w.ata.sector_count, 1);
	cr_assert_eq(lba, 1000);
	memset(data, 0x5a, sizeof(data));

	/* Right tag, another MAC. */
	answer_as(&w, OTHER, tag, af, 1, lba, data, sizeof(data));
	cr_assert_eq(stats()->wrong_source, 1);
	/* Right tag and MAC, another LBA (not the one sent, nor advanced by what moved). */
	answer_as(&w, TMAC, tag, af, 1, lba + 1, data, sizeof(data));
	/* More sectors than asked. */
	answer_as(&w, TMAC, tag, af, 2, lba, data, sizeof(data));
	/* The LBA48 flag flipped. */
	answer_as(&w, TMAC, tag, af ^ AOE_AFLAG_EXT, 1, lba, data, sizeof(data));
	cr_assert_eq(stats()->wrong_fields, 3);
	/* A generation before the frame's one transmission: not in flight. */
	answer_as(&w, TMAC, aoe_tag_make(lc->index, aoe_tag_slot(tag), (uint16_t)(tag - 1)), af, 1,
		  lba, data, sizeof(data));
	/* A slot that holds no frame. */
	answer_as(&w, TMAC, aoe_tag_make(lc->index, aoe_tag_slot(tag) + 1, (uint16_t)tag), af, 1,
		  lba, data, sizeof(data));
	cr_assert_eq(stats()->unexpected, 2);
	cr_assert_eq(stats()->frames_rx, 1); /* IDENTIFY's */
	/* Data cut short: the frame stays in flight for its retransmission. */
	answer_as(&w, TMAC, tag, af, 1, lba, data, 100);
	cr_assert_eq(stats()->bad_response, 1);
	cr_assert_eq(r.done, 0);

	/* The count lowered and the LBA advanced by the sector moved: accepted. */
	answer_as(&w, TMAC, tag, af, 0, lba + 1, data, sizeof(data));
	cr_assert_eq(r.done, 1);
	cr_assert_eq(r.io.status, 0);
	cr_assert_eq(r.buf[0], 0x5a);
	cr_assert_eq(r.buf[AOE_SECTOR_SIZE - 1], 0x5a);
	cr_assert_eq(stats()->late, 0);
	/* The same answer again finds nothing in flight. */
	answer_as(&w, TMAC, tag, af, 0, lba + 1, data, sizeof(data));
	cr_assert_eq(stats()->unexpected, 3);
	cr_assert_eq(r.done, 1);
	cr_assert_eq(stats()->wrong_source, 1);
	cr_assert_eq(stats()->wrong_fields, 3);
}

/*
 * After a retransmission the answer to the first transmission is still taken (late); a frame
 * sent more than AOE_TX_HISTORY times no longer takes the first one's.
 */
Test(aoe_session, late_answers_within_the_history_only)
{
	struct io_rec r;
	struct wire_frame w[AOE_TX_HISTORY + 1];
	uint64_t now = rte_rdtsc();
	unsigned int i;

	read_submit(&r, 2000, 1);
	cr_assert_eq(wire_take(&w[0], 1, now), 1);
	for (i = 1; i <= AOE_TX_HISTORY; i++) {
		/* Well past any RTO (at most 2 s), before deadsecs from the first departure. */
		now += hz / 4;
		aoe_session_timers(lc, now);
		cr_assert_eq(wire_take(&w[i], 1, now), 1, "retransmission %u", i);
		cr_assert_eq(w[i].hdr.tag, aoe_tag_make(lc->index, aoe_tag_slot(w[0].hdr.tag),
							(uint16_t)(w[0].hdr.tag + i)));
	}
	cr_assert_eq(stats()->retransmits, AOE_TX_HISTORY);
	/* Transmission 0 is AOE_TX_HISTORY behind the last: refused. */
	answer(&w[0], 0x11);
	cr_assert_eq(stats()->unexpected, 1);
	cr_assert_eq(r.done, 0);
	/* Transmission 1 is within it: taken, as late. */
	answer(&w[1], 0x22);
	cr_assert_eq(r.done, 1);
	cr_assert_eq(r.io.status, 0);
	cr_assert_eq(r.buf[0], 0x22);
	cr_assert_eq(stats()->late, 1);
	/* The answer to the last one comes after the frame is done. */
	answer(&w[AOE_TX_HISTORY], 0x33);
	cr_assert_eq(stats()->unexpected, 2);
	cr_assert_eq(r.buf[0], 0x22);
}

/*
 * An I/O is cut into frames of the path's size; when the path's size shrinks (its config answer
 * says so), a frame sent again is cut to fit, each piece at its own LBA and buffer offset.
 */
Test(aoe_session, frames_cut_to_the_path_size)
{
	struct io_rec r;
	struct wire_frame w[8];
	uint64_t now = rte_rdtsc();
	unsigned int i, n;

	read_submit(&r, 4096, 8);
	n = wire_take(w, 8, now);
	cr_assert_eq(n, 4);
	for (i = 0; i < n; i++) {
		cr_assert_eq(w[i].ata.sector_count, 2);
		cr_assert_eq(w[i].ata.lba, 4096 + 2 * i);
	}
	/* Three answered; the last still in flight when the target says 1 sector per frame. */
	for (i = 0; i < 3; i++)
		answer(&w[i], (uint8_t)(0x10 + i));
	config_answer(TMAC, 1);
	cr_assert_eq(t->paths[0].nsect, 1);
	now += hz / 4;
	aoe_session_timers(lc, now);
	n = wire_take(w, 8, now);
	cr_assert_eq(n, 2);
	cr_assert_eq(w[0].ata.sector_count, 1);
	cr_assert_eq(w[0].ata.lba, 4102);
	cr_assert_eq(w[1].ata.sector_count, 1);
	cr_assert_eq(w[1].ata.lba, 4103);
	cr_assert_eq(stats()->resplits, 1);
	cr_assert_eq(stats()->retransmits, 1);
	/* An answer to the 2-sector transmission no longer fits the frame: refused. */
	answer_as(&w[0], TMAC, (uint32_t)(w[0].hdr.tag - 1), w[0].ata.aflags, 2, 4102, r.buf,
		  2 * AOE_SECTOR_SIZE);
	cr_assert_eq(stats()->unexpected, 1);
	cr_assert_eq(r.done, 0);
	answer(&w[1], 0x44);
	answer(&w[0], 0x43);
	cr_assert_eq(r.done, 1);
	cr_assert_eq(r.io.status, 0);
	for (i = 0; i < 8; i++) {
		uint8_t want = i < 6 ? (uint8_t)(0x10 + i / 2) : (uint8_t)(0x43 + (i - 6));

		cr_assert_eq(r.buf[i * AOE_SECTOR_SIZE], want, "sector %u", i);
		cr_assert_eq(r.buf[i * AOE_SECTOR_SIZE + AOE_SECTOR_SIZE - 1], want, "sector %u",
			     i);
	}
}

/*
 * A frame the TX queue cannot take waits on the resend list: it is not on the wire, so it is
 * neither retransmitted nor a loss (the window keeps its size), and it goes out once the queue
 * drains. A frame that left and got no answer is a loss.
 */
Test(aoe_session, congestion_is_not_loss)
{
	struct aoe_txbuf *tb = &lc->txbuf[0];
	struct aoe_session_path *sp = &s->paths[0];
	struct io_rec r;
	struct wire_frame w;
	uint64_t t0 = rte_rdtsc(), now;
	uint32_t cwnd;
	unsigned int i;

	/* The port's queue is full of someone else's frames. */
	for (i = 0; i < AOE_TXBUF_SIZE; i++) {
		tb->pkts[i] = rx_mbuf();
		tb->frames[i] = NULL;
	}
	tb->count = AOE_TXBUF_SIZE;
	cwnd = sp->win.cwnd;
	read_submit(&r, 3000, 1);
	cr_assert_eq(stats()->tx_deferred, 1);
	cr_assert_eq(stats()->frames_tx, 1); /* IDENTIFY's only */
	cr_assert(!TAILQ_EMPTY(&s->resend));
	/* A second of ticks, many RTOs: it stays, and nothing counts it as lost. */
	for (i = 1; i <= 4; i++) {
		aoe_session_timers(lc, t0 + i * hz / 4);
		cr_assert_eq(tb->count, AOE_TXBUF_SIZE);
	}
	cr_assert_eq(stats()->tx_deferred, 1);
	cr_assert_eq(stats()->retransmits, 0);
	cr_assert_eq(stats()->frames_tx, 1);
	cr_assert_eq(sp->win.cwnd, cwnd);
	cr_assert_eq(r.done, 0);
	/* The queue drains: the next tick sends it, as a first transmission. */
	for (i = 0; i < tb->count; i++)
		rte_pktmbuf_free(tb->pkts[i]);
	tb->count = 0;
	now = rte_rdtsc();
	aoe_session_timers(lc, now);
	cr_assert_eq(wire_take(&w, 1, now), 1);
	cr_assert_eq(w.ata.lba, 3000);
	cr_assert_eq(stats()->frames_tx, 2);
	cr_assert_eq(stats()->retransmits, 0);
	answer(&w, 0x66);
	cr_assert_eq(r.done, 1);
	cr_assert_eq(r.io.status, 0);
	cr_assert_eq(stats()->timeouts, 0);

	/* The same I/O lost on the wire: a retransmission, and the window shrinks. */
	cwnd = sp->win.cwnd;
	now = rte_rdtsc();
	read_submit(&r, 3001, 1);
	cr_assert_eq(wire_take(&w, 1, now), 1);
	aoe_session_timers(lc, now + hz / 4);
	cr_assert_eq(wire_take(&w, 1, now + hz / 4), 1);
	cr_assert_eq(stats()->retransmits, 1);
	cr_assert_lt(sp->win.cwnd, cwnd);
	cr_assert_eq(stats()->tx_deferred, 1);
	answer(&w, 0x67);
	cr_assert_eq(r.done, 1);
}

/*
 * deadsecs runs from a frame's first departure, not from when it was made: a frame that waited
 * in the TX queue first gets its full deadsecs on the wire, then fails with -ETIMEDOUT, counted
 * once, and the target is marked dead for management.
 */
Test(aoe_session, deadsecs_from_the_first_departure)
{
	struct aoe_txbuf *tb = &lc->txbuf[0];
	struct io_rec r;
	struct wire_frame w;
	uint64_t made = rte_rdtsc(), departed = made + hz + hz / 2, now;

	read_submit(&r, 5000, 1);
	cr_assert_eq(tb->count, 1);
	/* Queued, not departed, for 1.5 s: timers do not count that time as waiting. */
	aoe_session_timers(lc, made + hz);
	cr_assert_eq(stats()->retransmits, 0);
	cr_assert_eq(wire_take(&w, 1, departed), 1);
	/* Retransmitted (and taken off the wire at once) until just before deadsecs. */
	for (now = departed + hz / 4; now < departed + DEADSECS * hz - hz / 10; now += hz / 4) {
		aoe_session_timers(lc, now);
		wire_take(&w, 1, now);
	}
	now = departed + DEADSECS * hz - hz / 10;
	aoe_session_timers(lc, now);
	wire_take(&w, 1, now);
	cr_assert_eq(r.done, 0, "failed %.2f s after it was made, %.2f s after it left",
		     (double)(now - made) / (double)hz, (double)(now - departed) / (double)hz);
	cr_assert_eq(stats()->timeouts, 0);
	cr_assert_gt(stats()->retransmits, 0);
	/* deadsecs after the first departure. */
	aoe_session_timers(lc, departed + DEADSECS * hz);
	cr_assert_eq(r.done, 1);
	cr_assert_eq(r.io.status, -ETIMEDOUT);
	cr_assert_eq(stats()->timeouts, 1);
	cr_assert_eq(stats()->ios_failed, 1);
	cr_assert(__atomic_load_n(&t->dead, __ATOMIC_RELAXED));
	/* A late answer to it is refused. */
	answer(&w, 0x77);
	cr_assert_eq(stats()->unexpected, 1);
}

/* A zero-copy read of @p nsect sectors at @p lba: its frames held in @p held. */
static void
zcopy_submit(struct io_rec *r, void **held, uint64_t lba, uint32_t nsect)
{
	memset(r, 0, sizeof(*r));
	memset(held, 0, nsect * sizeof(*held));
	r->io.op = AOE_IO_READ;
	r->io.held = held;
	r->io.lba = lba;
	r->io.nsect = nsect;
	r->io.done = io_done;
	r->io.arg = r;
	cr_assert_eq(aoe_io_submit(s, &r->io), 0);
}

/*
 * Zero-copy: each accepted answer's mbuf is kept (trimmed to its data) at its first sector's
 * slot instead of copied, answers in any order; a late answer to a frame already answered, or
 * a duplicate, neither replaces nor leaks one; release gives every mbuf back; a read that
 * fails after some answers came holds them until released; the budget refuses with -ENOBUFS.
 */
Test(aoe_session, zcopy_keeps_answers_and_releases_them)
{
	const struct rte_mempool *mp = aoe_engine.pool;
	unsigned int idle = rte_mempool_in_use_count(mp);
	struct wire_frame w[4], again;
	struct iovec iov[4];
	void *held[4], **held2;
	struct io_rec r, r2;
	uint64_t now = rte_rdtsc();
	unsigned int n;

	/* 4 sectors at 2 a frame: two frames, answered second first. */
	zcopy_submit(&r, held, 3000, 4);
	cr_assert_eq(wire_take(w, 4, now), 2);
	answer(&w[1], 0xb1);
	cr_assert_eq(r.done, 0);
	cr_assert_not_null(held[2], "the second frame's answer kept at sector 2");
	cr_assert_null(held[0]);
	cr_assert_eq(lc->stats->zcopy_held, 1);
	answer(&w[1], 0xee); /* a duplicate: its frame is done */
	cr_assert_eq(stats()->unexpected, 1);
	answer(&w[0], 0xa0);
	cr_assert_eq(r.done, 1);
	cr_assert_eq(r.io.status, 0);
	cr_assert_eq(lc->stats->zcopy_held, 2);
	cr_assert_eq(rte_mempool_in_use_count(mp), idle + 2, "the duplicate was freed");
	n = aoe_io_zcopy_segments(&r.io, iov, 4);
	cr_assert_eq(n, 2);
	cr_assert(iov[0].iov_len == 1024 && iov[1].iov_len == 1024);
	cr_assert(((uint8_t *)iov[0].iov_base)[0] == 0xa0 &&
		  ((uint8_t *)iov[0].iov_base)[1023] == 0xa0);
	cr_assert(((uint8_t *)iov[1].iov_base)[0] == 0xb1 &&
		  ((uint8_t *)iov[1].iov_base)[1023] == 0xb1);
	cr_assert_eq(aoe_io_zcopy_segments(&r.io, iov, 1), 2, "the count when short of room");
	aoe_io_zcopy_release(&r.io);
	cr_assert_eq(lc->stats->zcopy_held, 0);
	cr_assert(held[0] == NULL && held[2] == NULL);
	cr_assert_eq(rte_mempool_in_use_count(mp), idle, "every mbuf back in the pool");

	/* A retransmitted frame: the late answer is taken, the answer to the resend is not. */
	zcopy_submit(&r, held, 4000, 2);
	cr_assert_eq(wire_take(w, 4, now), 1);
	now += hz / 4;
	aoe_session_timers(lc, now);
	cr_assert_eq(wire_take(&again, 1, now), 1);
	answer(&w[0], 0x5a);
	cr_assert(r.done == 1 && r.io.status == 0 && held[0] != NULL);
	answer(&again, 0x77);
	cr_assert_eq(((uint8_t *)rte_pktmbuf_mtod((struct rte_mbuf *)held[0], uint8_t *))[0], 0x5a,
		     "not replaced");
	aoe_io_zcopy_release(&r.io);
	cr_assert_eq(rte_mempool_in_use_count(mp), idle);

	/* Failed after one of its answers: that one is held until released. */
	zcopy_submit(&r, held, 5000, 4);
	cr_assert_eq(wire_take(w, 4, now), 2);
	answer(&w[0], 0x01);
	answer_as(&w[1], TMAC, w[1].hdr.tag, w[1].ata.aflags, w[1].ata.sector_count, w[1].ata.lba,
		  NULL, 0); /* no data: refused, left to retransmission */
	cr_assert_eq(r.done, 0);
	now += (uint64_t)(DEADSECS + 1) * hz;
	aoe_session_timers(lc, now);
	cr_assert_eq(r.done, 1);
	cr_assert_neq(r.io.status, 0);
	cr_assert_eq(lc->stats->zcopy_held, 1);
	aoe_io_zcopy_release(&r.io);
	cr_assert_eq(lc->stats->zcopy_held, 0);
	wire_take(w, 4, now);
	cr_assert_eq(rte_mempool_in_use_count(mp), idle);

	/* The budget: reads that would hold more than it are refused, nothing taken. */
	cr_assert_gt(aoe_io_zcopy_budget(), 0);
	memset(&r2, 0, sizeof(r2));
	r2.io.nsect = 2 * (aoe_io_zcopy_budget() + 1);
	held2 = calloc(r2.io.nsect, sizeof(*held2));
	cr_assert_not_null(held2);
	r2.io.op = AOE_IO_READ;
	r2.io.held = held2;
	r2.io.lba = 0;
	r2.io.done = io_done;
	r2.io.arg = &r2;
	cr_assert_eq(aoe_io_submit(s, &r2.io), -ENOBUFS);
	cr_assert_eq(lc->stats->zcopy_refused, 1);
	cr_assert_eq(lc->zcopy_reserved, 0);
	free(held2);
}

/* ---- The write fence (lib/aoe/aoe_fence.c) ------------------------------------------------ */

/* OTHER becomes a second path to the target, 2 sectors per frame like the first. */
static void
second_path(void)
{
	config_answer(OTHER, 2);
	cr_assert_eq(t->nb_paths, 2);
	cr_assert_eq(t->paths[1].nsect, 2);
}

static void
write_submit(struct io_rec *r, uint64_t lba, uint32_t nsect, uint8_t fill)
{
	memset(r, 0, sizeof(*r));
	memset(r->buf, fill, sizeof(r->buf));
	r->io.op = AOE_IO_WRITE;
	r->io.buf = r->buf;
	r->io.lba = lba;
	r->io.nsect = nsect;
	r->io.done = io_done;
	r->io.arg = r;
	cr_assert_eq(aoe_session_submit(s, &r->io), 0);
}

/* The target's answer to write @p req, from the MAC it was sent to. */
static void
answer_write(const struct wire_frame *req)
{
	answer_as(req, req->hdr.dst, req->hdr.tag, req->ata.aflags, req->ata.sector_count,
		  req->ata.lba, NULL, 0);
}

static bool
same_dst(const struct wire_frame *a, const struct wire_frame *b)
{
	return memcmp(a->hdr.dst, b->hdr.dst, AOE_ETH_ALEN) == 0;
}

/* Write @p r, held by the fence, answered as sent in @p w: it completes, and the target was never
 * declared dead meanwhile. */
static void
answered_in_time(struct io_rec *r, const struct wire_frame *w)
{
	answer_write(w);
	cr_assert_eq(r->done, 1);
	cr_assert_eq(r->io.status, 0);
	cr_assert_eq(stats()->timeouts, 0);
	cr_assert(!__atomic_load_n(&t->dead, __ATOMIC_RELAXED));
}

/*
 * Over two paths, a one-sector write at @p lba: its first copy @p a goes unanswered, and *@p now
 * later (a quarter second on) its retransmission @p b has moved to the other path.
 */
static void
write_moved(struct io_rec *r, uint64_t lba, struct wire_frame *a, struct wire_frame *b,
	    uint64_t *now)
{
	second_path();
	write_submit(r, lba, 1, 0x11);
	cr_assert_eq(wire_take(a, 1, *now), 1);
	*now += hz / 4;
	aoe_session_timers(lc, *now);
	cr_assert_eq(wire_take(b, 1, *now), 1);
	cr_assert(!same_dst(a, b), "the retransmission moved to the other path");
}

/*
 * A write sent on one path, unanswered there, sent again on the other and answered: the first
 * copy may still land. The next write to the same sector goes on the first copy's path, behind
 * it; writes to other sectors go anywhere. Once that path answers a later transmission the
 * done write is let go, and an answer to its first copy then finds nothing.
 */
Test(aoe_session, fence_a_later_write_queues_behind_a_late_copy)
{
	struct io_rec w1, w2, w3;
	struct wire_frame a, b, c, d;
	uint64_t now = rte_rdtsc();

	write_moved(&w1, 6000, &a, &b, &now);
	answer_write(&b);
	cr_assert_eq(w1.done, 1);
	cr_assert_eq(w1.io.status, 0);
	cr_assert_eq(stats()->ghost_writes, 1);
	cr_assert_eq(s->nb_lingering, 1);

	write_submit(&w2, 6000, 1, 0x22);
	cr_assert_eq(wire_take(&c, 1, now), 1);
	cr_assert(same_dst(&c, &a), "the later write went behind the first copy");
	cr_assert_eq(c.data[0], 0x22);
	cr_assert_eq(stats()->fenced_writes, 1);
	write_submit(&w3, 7000, 1, 0x33);
	cr_assert_eq(wire_take(&d, 1, now), 1);
	cr_assert_eq(stats()->fenced_writes, 1, "a write to other sectors is not held");
	answer_write(&d);

	answer_write(&c);
	cr_assert_eq(w2.done, 1);
	cr_assert_eq(w2.io.status, 0);
	aoe_session_timers(lc, now);
	cr_assert_eq(s->nb_lingering, 0);
	cr_assert_eq(stats()->ghost_writes, 1);
	answer_write(&a);
	cr_assert_eq(stats()->unexpected, 1);
	cr_assert_eq(stats()->ghosts_abandoned, 0);
}

/* The late copy itself answered: nothing is left to wait for, the next write goes anywhere. */
Test(aoe_session, fence_released_by_the_late_copys_own_answer)
{
	struct io_rec w1, w2;
	struct wire_frame a, b, c;
	uint64_t now = rte_rdtsc();

	write_moved(&w1, 6100, &a, &b, &now);
	answer_write(&b);
	cr_assert_eq(s->nb_lingering, 1);
	answer_write(&a);
	cr_assert_eq(stats()->late, 1);
	cr_assert_eq(stats()->unexpected, 0);
	aoe_session_timers(lc, now);
	cr_assert_eq(s->nb_lingering, 0);
	write_submit(&w2, 6100, 1, 0x22);
	cr_assert_eq(wire_take(&c, 1, now), 1);
	cr_assert_eq(stats()->fenced_writes, 0);
	answer_write(&c);
	cr_assert_eq(w2.done, 1);
}

/*
 * Copies on both paths unanswered (the first path answered its first copy, not its third): a
 * write to the same sector can queue behind neither, so it waits; when the second path's copy
 * is answered it goes on the first path.
 */
Test(aoe_session, fence_copies_on_two_paths_hold_a_write_back)
{
	struct io_rec w1, w2;
	struct wire_frame a, b, c, d;
	uint64_t now = rte_rdtsc();

	write_moved(&w1, 6200, &a, &b, &now);
	now += hz / 2;
	aoe_session_timers(lc, now);
	cr_assert_eq(wire_take(&c, 1, now), 1);
	cr_assert(same_dst(&a, &c));
	answer_write(&a);
	cr_assert_eq(w1.done, 1);
	cr_assert_eq(s->nb_lingering, 1);

	write_submit(&w2, 6200, 1, 0x22);
	cr_assert_eq(wire_take(&d, 1, now), 0, "held back");
	aoe_session_timers(lc, now + hz / 100);
	cr_assert_eq(wire_take(&d, 1, now), 0, "still held back");
	answer_write(&b);
	aoe_session_timers(lc, now + hz / 50);
	cr_assert_eq(wire_take(&d, 1, now + hz / 50), 1);
	cr_assert(same_dst(&d, &a), "behind the copy left on the first path");
	answer_write(&d);
	cr_assert_eq(w2.done, 1);
	cr_assert_eq(w2.io.status, 0);
}

/*
 * The late copy's path goes silent: the later write stays on it (sending there pushes out what
 * still waits for it) without counting against deadsecs, since the other path answers; deadsecs
 * after the copy left, it is abandoned, and the write moves to the other path and completes.
 * The target is not declared dead. Until then the fence also gives that path a query config
 * each RTO (backed off as the path times out), to push out a copy a port may hold; none after.
 */
Test(aoe_session, fence_abandoned_after_deadsecs_of_silence)
{
	struct io_rec w1, w2;
	struct wire_frame a, b, c;
	uint64_t now = rte_rdtsc(), abandon;
	bool moved = false;

	write_moved(&w1, 6300, &a, &b, &now);
	answer_write(&b);
	abandon = now + DEADSECS * hz;
	write_submit(&w2, 6300, 1, 0x22);
	cr_assert_eq(wire_take(&c, 1, now), 1);
	cr_assert(same_dst(&c, &a));
	while (!moved && now < abandon + 2 * hz) {
		now += hz / 4;
		aoe_session_timers(lc, now);
		while (wire_take(&c, 1, now) == 1) {
			if (same_dst(&c, &a)) {
				cr_assert_lt(now, abandon,
					     "still on the silent path after deadsecs");
				continue;
			}
			cr_assert_geq(now, abandon, "moved before the copy was abandoned");
			moved = true;
			break;
		}
	}
	cr_assert(moved);
	cr_assert_eq(stats()->ghosts_abandoned, 1);
	cr_assert_geq(configs_taken, 2, "the silent path kicked again and again (%u)",
		      configs_taken);
	cr_assert(memcmp(config_dst, a.hdr.dst, AOE_ETH_ALEN) == 0, "kicks go to the copy's path");
	configs_taken = 0;
	aoe_session_timers(lc, now + hz);
	wire_take(&c, 0, now + hz);
	cr_assert_eq(configs_taken, 0, "nothing to push out any more");
	cr_assert_eq(w2.done, 0);
	answered_in_time(&w2, &c);
}

/*
 * A two-sector write whose retransmission is cut to fit a path that now takes one sector: the
 * frame answered there lingers with its two-sector copy unanswered on the first path. The frame
 * cut from it is sent again behind that copy (its answer there is what resolves the copy), and
 * waits there without deadsecs running for it; the first path's answer completes the I/O and
 * lets the copy go.
 */
Test(aoe_session, fence_cut_frame_goes_behind_its_wider_copy)
{
	struct io_rec w1;
	struct wire_frame a, b[2], c;
	uint64_t now = rte_rdtsc();
	unsigned int i;

	second_path();
	write_submit(&w1, 6400, 2, 0x11);
	cr_assert_eq(wire_take(&a, 1, now), 1);
	cr_assert_eq(a.ata.sector_count, 2);
	config_answer(memcmp(a.hdr.dst, TMAC, AOE_ETH_ALEN) == 0 ? OTHER : TMAC, 1);
	now += hz / 4;
	aoe_session_timers(lc, now);
	cr_assert_eq(wire_take(b, 2, now), 2, "cut in two, both sent");
	cr_assert_eq(stats()->resplits, 1);
	for (i = 0; i < 2; i++)
		cr_assert_eq(b[i].ata.sector_count, 1);
	cr_assert(!same_dst(&a, &b[0]), "the head moved to the narrower path");
	answer_write(&b[0]);
	cr_assert_eq(s->nb_lingering, 1, "the head is done, its two-sector copy unanswered");

	/* The other half times out: sent again behind the wider copy, not aged. */
	for (i = 0; i < 8 && wire_take(&c, 1, now) == 0; i++) {
		now += hz / 4;
		aoe_session_timers(lc, now);
	}
	cr_assert_eq(c.ata.lba, 6401);
	cr_assert(same_dst(&c, &a), "behind the wider copy");
	cr_assert_eq(stats()->fenced_writes, 1);
	cr_assert(TAILQ_EMPTY(&s->aged), "deadsecs does not run while the fence holds it");
	answer_write(&c);
	cr_assert_eq(w1.done, 1);
	cr_assert_eq(w1.io.status, 0);
	aoe_session_timers(lc, now);
	cr_assert_eq(s->nb_lingering, 0, "the first path answered after the copy");
}

/*
 * Two writes to one sector at once (as an NBD client may send them): both go unanswered, each
 * is sent again on the other path, the first is answered there and lingers with its first copy
 * unanswered on a path that is silent from then on. The second write is held behind that copy;
 * deadsecs does not run while the fence holds it, so it is not failed deadsecs after its own
 * first departure, but moves once the copy is abandoned (deadsecs after the copy's last
 * departure, later) and completes. The target is not declared dead.
 */
Test(aoe_session, fence_held_write_is_not_aged)
{
	struct io_rec w1, w2;
	struct wire_frame a[2], c[2], d;
	const struct wire_frame *w1_moved = NULL, *w1_first = NULL;
	uint64_t t0 = rte_rdtsc(), now = t0;
	unsigned int i;
	bool moved = false;

	second_path();
	write_submit(&w1, 6500, 1, 0x11);
	write_submit(&w2, 6500, 1, 0x22);
	cr_assert_eq(wire_take(a, 2, now), 2);
	cr_assert(!same_dst(&a[0], &a[1]), "one on each path");
	now += hz / 4;
	aoe_session_timers(lc, now);
	cr_assert_eq(wire_take(c, 2, now), 2);
	for (i = 0; i < 2; i++) {
		const struct wire_frame *from = same_dst(&c[i], &a[0]) ? &a[1] : &a[0];

		if (from->data[0] == 0x11) {
			w1_moved = &c[i];
			w1_first = from;
		}
	}
	cr_assert_not_null(w1_moved);
	answer_write(w1_moved);
	cr_assert_eq(w1.done, 1);
	cr_assert_eq(s->nb_lingering, 1);

	/* From now on the first copy's path answers nothing. */
	while (!moved && now < t0 + (DEADSECS + 2) * hz) {
		now += hz / 4;
		aoe_session_timers(lc, now);
		cr_assert_eq(w2.done, 0, "w2 failed %.2f s after it first left",
			     (double)(now - t0) / (double)hz);
		while (!moved && wire_take(&d, 1, now) == 1)
			moved = !same_dst(&d, w1_first);
	}
	cr_assert(moved, "w2 moved off the silent path");
	cr_assert_eq(stats()->ghosts_abandoned, 1);
	cr_assert_gt(stats()->fenced_writes, 0);
	answered_in_time(&w2, &d);
}

/*
 * A path whose target went quiet (restarted on a link with a smaller MTU, it drops every frame
 * sized for the old one and answers none) is asked for its config once it fails: management
 * sends a query config to that MAC, and the answer gives the new size.
 */
Test(aoe_session, failed_path_asked_its_config_again)
{
	struct io_rec r;
	struct wire_frame w;
	uint64_t now = rte_rdtsc();
	unsigned int i;

	read_submit(&r, 5100, 2);
	cr_assert_eq(wire_take(&w, 1, now), 1);
	configs_taken = configs_to_tmac = 0;
	for (i = 0; i < 12 && !s->paths[0].failed; i++) {
		now += hz / 2;
		aoe_session_timers(lc, now);
		wire_take(&w, 1, now);
	}
	cr_assert(s->paths[0].failed, "three timeouts in a row");
	cr_assert_eq(configs_taken, 0, "the session itself sends no config query");
	aoe_mgmt_poll(lc, now);
	wire_take(&w, 0, now);
	cr_assert_eq(configs_to_tmac, 1, "management asked the failed path (%u)", configs_to_tmac);
	config_answer(TMAC, 1);
	cr_assert_eq(t->paths[0].nsect, 1, "its answer gives the new size");
}
