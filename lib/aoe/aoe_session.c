/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions: one lcore's traffic to one target. A session splits I/O into frames, keeps each
 * frame in a slot of its table (the slot is in the tag), sends within each path's window,
 * matches responses, retransmits on timeout and fails everything when the target goes down.
 * Everything here runs on the session's own lcore: no locks, no allocation after creation.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_tag.h"

/* Timeouts in a row after which a path is avoided while another one answers. */
#define AOE_PATH_FAIL_THRESHOLD 3

static void session_issue(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now);
static void path_event(struct aoe_lcore *lc, const struct aoe_session *s, unsigned int path,
		       bool up);

static uint32_t
session_outstanding(const struct aoe_session *s)
{
	uint32_t i, n = 0;

	for (i = 0; i < s->nb_paths; i++)
		n += s->paths[i].win.outstanding;
	return n;
}

/* Append to the error stream: the kernel's /dev/etherd/err lines, as fields. */
static void
frame_event(struct aoe_lcore *lc, const struct aoe_session *s, const struct aoe_hdr *hdr,
	    enum aoe_event_type type, uint32_t old_tag, uint32_t new_tag, const uint8_t *src,
	    const uint8_t *dst, uint16_t port_id)
{
	struct aoe_shm_event ev;

	aoe_event_init(&ev, type, s != NULL ? s->target->shelf : hdr->shelf,
		       s != NULL ? s->target->slot : hdr->slot);
	ev.old_tag = old_tag;
	ev.new_tag = new_tag;
	memcpy(ev.src, src, sizeof(ev.src));
	memcpy(ev.dst, dst, sizeof(ev.dst));
	ev.port = port_id;
	ev.nout = s != NULL ? session_outstanding(s) : 0;
	if (hdr != NULL)
		ev.code = hdr->error;
	aoe_event_emit(lc, &ev);
}

static uint32_t
window_cap(const struct aoe_target *t)
{
	const struct aoe_engine *e = &aoe_engine;
	/* A buffer count of 0 or 1 must not give a dead device (the kernel's bug). */
	uint32_t bufcnt = t->bufcnt ? t->bufcnt : 1;
	uint32_t cap = RTE_MIN((uint32_t)e->conf.maxout, bufcnt);
	unsigned int workers = e->nb_lcores > 1 ? e->nb_lcores - 1 : 1;

	/* The target's buffers are shared by every lcore that drives it. */
	cap /= workers;
	return RTE_MAX(cap, 1u);
}

static void
session_arm_paths(struct aoe_session *s)
{
	const struct aoe_engine *e = &aoe_engine;
	struct aoe_target *t = s->target;
	uint32_t gen = __atomic_load_n(&t->generation, __ATOMIC_ACQUIRE);
	uint32_t nb_paths = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE);
	uint32_t cap = window_cap(t);
	unsigned int i;

	if (gen != s->target_generation) {
		/* The target came (back) up: earlier failures and estimates are history. */
		s->target_generation = gen;
		s->failed = 0;
		for (i = 0; i < s->nb_paths; i++) {
			aoe_window_set_cap(&s->paths[i].win, cap);
			s->paths[i].timeouts_in_row = 0;
		}
	}
	for (i = s->nb_paths; i < nb_paths; i++) {
		struct aoe_session_path *sp = &s->paths[i];

		aoe_window_init(&sp->win, cap);
		aoe_rtt_init(&sp->rtt, e->rto_initial_tsc, e->rto_min_tsc, e->rto_max_tsc);
		TAILQ_INIT(&sp->in_flight);
		sp->timeouts_in_row = 0;
	}
	s->nb_paths = nb_paths;
}

struct aoe_session *
aoe_session_get(struct aoe_target *t, struct aoe_lcore *lc)
{
	struct aoe_session *s = t->sess[lc->index];
	unsigned int i, nb_slots = AOE_TAG_MAX_SLOTS;
	uint16_t gen0;

	if (s != NULL)
		return s;
	if (lc->nb_sessions == AOE_MAX_TARGETS) {
		rte_errno = ENOSPC;
		return NULL;
	}
	s = rte_zmalloc_socket("aoe_session", sizeof(*s) + nb_slots * sizeof(s->frames[0]),
			       RTE_CACHE_LINE_SIZE, rte_socket_id());
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->target = t;
	s->owner = lc->index;
	s->gauges = aoe_stats_session(t, lc->index);
	s->stats = &s->gauges->stats;
	s->nb_slots = (uint16_t)nb_slots;
	s->target_generation = UINT32_MAX;
	TAILQ_INIT(&s->pending);
	TAILQ_INIT(&s->free_frames);
	/* Random first generations: a response meant for an earlier run is not mistaken. */
	gen0 = (uint16_t)rte_rand();
	for (i = 0; i < nb_slots; i++) {
		s->frames[i].slot = (uint16_t)i;
		s->frames[i].gen = gen0;
		TAILQ_INSERT_TAIL(&s->free_frames, &s->frames[i], link);
	}
	session_arm_paths(s);
	lc->sessions[lc->nb_sessions++] = s;
	__atomic_store_n(&t->sess[lc->index], s, __ATOMIC_RELEASE);
	return s;
}

static bool
path_usable(const struct aoe_session *s, unsigned int i)
{
	const struct aoe_path *p = &s->target->paths[i];

	return aoe_port_allowed(p->port) && __atomic_load_n(&p->up, __ATOMIC_RELAXED) &&
	       s->paths[i].timeouts_in_row < AOE_PATH_FAIL_THRESHOLD;
}

/* A path the target answered discovery on again is worth another try. */
static void
path_revive_check(struct aoe_session *s, unsigned int i)
{
	uint32_t heard = __atomic_load_n(&s->target->paths[i].heard, __ATOMIC_ACQUIRE);
	struct aoe_session_path *sp = &s->paths[i];

	if (heard != sp->heard) {
		sp->heard = heard;
		sp->timeouts_in_row = 0;
	}
}

/*
 * A path for a frame: round robin over usable paths (with window room when @p need_room),
 * another than @p avoid if there is one. Paths that failed recently carry traffic only when no
 * usable path is left (then the least-failed one: that is how a path that came back is
 * noticed). -1: wait (usable paths are full) or no allowed path at all.
 */
static int
path_pick(struct aoe_session *s, bool need_room, int avoid)
{
	unsigned int i, n = s->nb_paths;
	int fallback = -1, avoided = -1;
	bool usable_exists = false;

	for (i = 0; i < n; i++) {
		unsigned int p = (s->next_path + i) % n;
		bool room = !need_room || aoe_window_has_room(&s->paths[p].win);

		if (!aoe_port_allowed(s->target->paths[p].port))
			continue;
		path_revive_check(s, p);
		if (path_usable(s, p)) {
			usable_exists = true;
			if (!room)
				continue;
			if ((int)p == avoid) {
				avoided = (int)p;
				continue;
			}
			s->next_path = p + 1;
			return (int)p;
		}
		if (room && (fallback < 0 ||
			     s->paths[p].timeouts_in_row < s->paths[fallback].timeouts_in_row))
			fallback = (int)p;
	}
	if (avoided >= 0)
		return avoided;
	return usable_exists ? -1 : fallback;
}

static void
frame_build(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, struct rte_mbuf *m)
{
	const struct aoe_target *t = s->target;
	const struct aoe_path *p = &t->paths[f->path];
	const struct aoe_port *port = &aoe_engine.ports[p->port];
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	struct aoe_hdr hdr;
	struct aoe_ata ata;
	size_t data_len = 0, len;

	memcpy(hdr.dst, p->mac.addr_bytes, AOE_ETH_ALEN);
	memcpy(hdr.src, port->mac.addr_bytes, AOE_ETH_ALEN);
	hdr.version = AOE_VERSION;
	hdr.flags = 0;
	hdr.error = 0;
	hdr.shelf = t->shelf;
	hdr.slot = t->slot;
	hdr.cmd = AOE_CMD_ATA;
	hdr.tag = aoe_tag_make(lc->index, f->slot, f->gen);

	memset(&ata, 0, sizeof(ata));
	switch (f->ata_cmd) {
	case AOE_ATA_READ:
	case AOE_ATA_READ_EXT:
	case AOE_ATA_WRITE:
	case AOE_ATA_WRITE_EXT: {
		bool write = f->ata_cmd == AOE_ATA_WRITE || f->ata_cmd == AOE_ATA_WRITE_EXT;

		/* Range and mode were checked at submission; this cannot fail. */
		aoe_ata_rw_setup(&ata, write, t->lba48, f->lba, f->nsect);
		if (write)
			data_len = (size_t)f->nsect * AOE_SECTOR_SIZE;
		break;
	}
	case AOE_ATA_FLUSH_EXT:
		ata.aflags = AOE_AFLAG_EXT;
		ata.cmd_status = AOE_ATA_FLUSH_EXT;
		break;
	default:
		ata.cmd_status = f->ata_cmd;
		ata.sector_count = f->nsect;
		break;
	}
	aoe_ata_encode(frame, AOE_ATA_HDR_LEN, &hdr, &ata);
	if (data_len != 0)
		memcpy(frame + AOE_ATA_HDR_LEN, f->data, data_len);
	len = AOE_ATA_HDR_LEN + data_len;
	if (len < AOE_ETH_MIN_FRAME) {
		/* Pad as a NIC would: not every target accepts runts from a veth. */
		memset(frame + len, 0, AOE_ETH_MIN_FRAME - len);
		len = AOE_ETH_MIN_FRAME;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
}

/* (Re)transmit a frame on path @p path; it joins the tail of that path's in-flight FIFO. */
static void
frame_send(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, unsigned int path,
	   uint64_t now)
{
	struct aoe_session_path *sp = &s->paths[path];
	struct rte_mbuf *m;

	f->path = (uint8_t)path;
	f->gen++;
	f->ntx++;
	f->sent_tsc = now;
	if (f->ntx == 1)
		f->first_tsc = now;
	f->in_flight = 1;
	sp->win.outstanding++;
	TAILQ_INSERT_TAIL(&sp->in_flight, f, link);

	m = rte_pktmbuf_alloc(aoe_engine.pool);
	if (unlikely(m == NULL)) {
		/* Left in flight: the retransmission timer tries again. */
		lc->stats->mbuf_alloc_failed++;
		return;
	}
	frame_build(lc, s, f, m);
	aoe_tx_enqueue(lc, s->target->paths[path].port, m);
	s->stats->frames_tx++;
	if (f->ata_cmd == AOE_ATA_WRITE || f->ata_cmd == AOE_ATA_WRITE_EXT)
		s->stats->bytes_tx += (uint64_t)f->nsect * AOE_SECTOR_SIZE;
}

static void
frame_unlink(struct aoe_session *s, struct aoe_frame *f)
{
	struct aoe_session_path *sp = &s->paths[f->path];

	TAILQ_REMOVE(&sp->in_flight, f, link);
	sp->win.outstanding--;
	f->in_flight = 0;
}

static void
io_finish(struct aoe_session *s, struct aoe_io *io)
{
	if (io->status == 0)
		s->stats->ios_completed++;
	else
		s->stats->ios_failed++;
	io->done(io);
}

static void
frame_release(struct aoe_session *s, struct aoe_frame *f)
{
	f->io = NULL;
	f->ntx = 0;
	TAILQ_INSERT_HEAD(&s->free_frames, f, link);
}

/* Fail an I/O at once: its other frames are abandoned (their answers will be unexpected). */
static void
io_abort(struct aoe_session *s, struct aoe_io *io, int status)
{
	unsigned int i;

	if (io->status == 0)
		io->status = status;
	if (io->queued) {
		TAILQ_REMOVE(&s->pending, io, link);
		io->queued = false;
	}
	for (i = 0; i < s->nb_slots && io->frames_out > 0; i++) {
		struct aoe_frame *f = &s->frames[i];

		if (f->in_flight && f->io == io) {
			frame_unlink(s, f);
			frame_release(s, f);
			io->frames_out--;
		}
	}
}

/* A frame is done (answered, or failed): free its slot, finish its I/O when it was the last. */
static void
frame_done(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, int status,
	   uint64_t now)
{
	struct aoe_io *io = f->io;

	frame_unlink(s, f);
	frame_release(s, f);
	io->frames_out--;
	if (status != 0)
		io_abort(s, io, status);
	if (io->frames_out == 0 && !io->queued)
		io_finish(s, io);
	if (!TAILQ_EMPTY(&s->pending))
		session_issue(lc, s, now);
}

static uint8_t
frame_ata_cmd(const struct aoe_session *s, const struct aoe_io *io)
{
	const struct aoe_target *t = s->target;

	switch (io->op) {
	case AOE_IO_READ:
		return t->lba48 ? AOE_ATA_READ_EXT : AOE_ATA_READ;
	case AOE_IO_WRITE:
		return t->lba48 ? AOE_ATA_WRITE_EXT : AOE_ATA_WRITE;
	case AOE_IO_FLUSH:
		return t->lba48 && !__atomic_load_n(&t->flush_ext_refused, __ATOMIC_RELAXED)
			       ? AOE_ATA_FLUSH_EXT
			       : AOE_ATA_FLUSH;
	default:
		return AOE_ATA_IDENTIFY;
	}
}

/* Turn pending I/O into frames while some path has window room and a slot is free. */
static void
session_issue(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now)
{
	struct aoe_io *io;

	while ((io = TAILQ_FIRST(&s->pending)) != NULL) {
		struct aoe_frame *f = TAILQ_FIRST(&s->free_frames);
		int path;

		if (f == NULL)
			return;
		path = path_pick(s, true, -1);
		if (path < 0)
			return;
		TAILQ_REMOVE(&s->free_frames, f, link);
		f->io = io;
		f->ata_cmd = frame_ata_cmd(s, io);
		f->lba = io->lba + io->issued;
		f->data = io->buf + (size_t)io->issued * AOE_SECTOR_SIZE;
		if (io->op == AOE_IO_READ || io->op == AOE_IO_WRITE) {
			f->nsect = (uint8_t)RTE_MIN(io->nsect - io->issued,
						    (uint32_t)s->target->paths[path].nsect);
			io->issued += f->nsect;
		} else {
			f->nsect = io->op == AOE_IO_IDENTIFY ? 1 : 0;
			io->issued = io->nsect;
		}
		io->frames_out++;
		if (io->issued == io->nsect) {
			TAILQ_REMOVE(&s->pending, io, link);
			io->queued = false;
		}
		frame_send(lc, s, f, (unsigned int)path, now);
	}
}

int
aoe_session_submit(struct aoe_session *s, struct aoe_io *io)
{
	struct aoe_lcore *lc = &aoe_engine.lcores[s->owner];
	enum aoe_target_state state = aoe_target_state_get(s->target);
	uint64_t now = rte_rdtsc();

	if (state != AOE_TARGET_UP && !(state == AOE_TARGET_PROBING && io->op == AOE_IO_IDENTIFY))
		return -ENODEV;
	session_arm_paths(s);
	if (s->failed || s->nb_paths == 0)
		return -ENODEV;
	io->issued = 0;
	io->frames_out = 0;
	io->status = 0;
	io->ata_status = 0;
	io->ata_error = 0;
	io->aoe_error = 0;
	io->submit_tsc = now;
	io->queued = true;
	TAILQ_INSERT_TAIL(&s->pending, io, link);
	session_issue(lc, s, now);
	return 0;
}

void
aoe_session_fail_all(struct aoe_session *s, int status)
{
	struct aoe_io *io;
	unsigned int i;

	/* Refuse resubmissions from the callbacks below until the target is re-armed. */
	s->failed = 1;
	for (i = 0; i < s->nb_paths; i++) {
		struct aoe_frame *f;

		while ((f = TAILQ_FIRST(&s->paths[i].in_flight)) != NULL) {
			io = f->io;
			frame_unlink(s, f);
			frame_release(s, f);
			io->frames_out--;
			if (io->status == 0)
				io->status = status;
			if (io->frames_out == 0 && !io->queued)
				io_finish(s, io);
		}
	}
	while ((io = TAILQ_FIRST(&s->pending)) != NULL) {
		TAILQ_REMOVE(&s->pending, io, link);
		io->queued = false;
		if (io->status == 0)
			io->status = status;
		if (io->frames_out == 0)
			io_finish(s, io);
	}
}

static bool
mac_is_path_of(const struct aoe_target *t, const uint8_t *mac, unsigned int port)
{
	uint32_t i, n = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (t->paths[i].port == port &&
		    memcmp(t->paths[i].mac.addr_bytes, mac, AOE_ETH_ALEN) == 0)
			return true;
	return false;
}

void
aoe_session_rx(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t frame_len = rte_pktmbuf_pkt_len(m);
	struct aoe_target *t = aoe_target_lookup(hdr->shelf, hdr->slot);
	unsigned int port = (unsigned int)aoe_engine.port_index[m->port];
	uint64_t now = rte_rdtsc();
	struct aoe_session *s;
	struct aoe_frame *f;
	struct aoe_ata ata;
	unsigned int slot;
	uint16_t age;
	bool late;

	if (unlikely(t == NULL || (s = t->sess[lc->index]) == NULL)) {
		lc->stats->rx_no_target++;
		frame_event(lc, NULL, hdr, AOE_EV_UNEXPECTED, hdr->tag, 0, hdr->src, hdr->dst,
			    m->port);
		goto drop;
	}
	slot = aoe_tag_slot(hdr->tag);
	f = &s->frames[slot];
	if (unlikely(slot >= s->nb_slots || !f->in_flight)) {
		s->stats->unexpected++;
		frame_event(lc, s, hdr, AOE_EV_UNEXPECTED, hdr->tag, 0, hdr->src, hdr->dst,
			    m->port);
		goto drop;
	}
	/* The current transmission, or an earlier one of the same frame (a late answer:
	 * the data is as good, but under Karn's rule its timing says nothing). */
	age = (uint16_t)(f->gen - aoe_tag_gen(hdr->tag));
	if (unlikely(age >= f->ntx)) {
		s->stats->unexpected++;
		frame_event(lc, s, hdr, AOE_EV_UNEXPECTED, hdr->tag, 0, hdr->src, hdr->dst,
			    m->port);
		goto drop;
	}
	late = age != 0;
	if (late ? !mac_is_path_of(t, hdr->src, port)
		 : (t->paths[f->path].port != port ||
		    memcmp(t->paths[f->path].mac.addr_bytes, hdr->src, AOE_ETH_ALEN) != 0)) {
		s->stats->wrong_source++;
		frame_event(lc, s, hdr, AOE_EV_WRONG_SOURCE, hdr->tag, 0, hdr->src, hdr->dst,
			    m->port);
		goto drop;
	}
	/*
	 * A jumbo response may come as a chain (memif, scattered RX). The codec reads only the
	 * 36-byte header of a response, which the first segment always holds; the data is
	 * copied out below with rte_pktmbuf_read, which walks the chain.
	 */
	if (unlikely(rte_pktmbuf_data_len(m) < AOE_ATA_HDR_LEN && m->nb_segs > 1)) {
		s->stats->bad_response++;
		goto drop;
	}
	if (unlikely(aoe_ata_decode(frame, frame_len, hdr, &ata) != 0)) {
		s->stats->bad_response++;
		goto drop;
	}
	if (late) {
		s->stats->late++;
		frame_event(lc, s, hdr, AOE_EV_LATE, hdr->tag,
			    aoe_tag_make(lc->index, f->slot, f->gen), hdr->src, hdr->dst, m->port);
	}
	s->stats->frames_rx++;

	if (unlikely(hdr->flags & AOE_FLAG_ERR)) {
		struct aoe_io *io = f->io;

		s->stats->aoe_errors[RTE_MIN(hdr->error, AOE_STATS_AOE_ERRORS - 1)]++;
		io->aoe_error = hdr->error;
		frame_event(lc, s, hdr, AOE_EV_AOE_ERROR, hdr->tag, 0, hdr->src, hdr->dst, m->port);
		AOE_LOG(ERR, io, "error packet from %s@%s; ecode=%u '%s'", t->name,
			aoe_engine.ports[port].name, hdr->error, aoe_error_str(hdr->error));
		frame_done(lc, s, f, -EIO, now);
		goto drop;
	}
	if (unlikely(ata.cmd_status & AOE_ATA_ST_FAILED)) {
		struct aoe_io *io = f->io;

		if (f->ata_cmd == AOE_ATA_FLUSH_EXT && (ata.err_feature & AOE_ATA_ER_ABRT)) {
			/* vblade and other targets abort the EXT form: fall back to FLUSH CACHE. */
			__atomic_store_n(&t->flush_ext_refused, 1, __ATOMIC_RELAXED);
			s->stats->flush_ext_fallbacks++;
			frame_unlink(s, f);
			f->ata_cmd = AOE_ATA_FLUSH;
			f->ntx = 0;
			frame_send(lc, s, f, f->path, now);
			goto drop;
		}
		s->stats->ata_errors++;
		io->ata_status = ata.cmd_status;
		io->ata_error = ata.err_feature;
		{
			struct aoe_shm_event ev;

			aoe_event_init(&ev, AOE_EV_ATA_ERROR, t->shelf, t->slot);
			ev.old_tag = hdr->tag;
			memcpy(ev.src, hdr->src, sizeof(ev.src));
			memcpy(ev.dst, hdr->dst, sizeof(ev.dst));
			ev.port = m->port;
			ev.ata_cmd = f->ata_cmd;
			ev.ata_status = ata.cmd_status;
			ev.ata_error = ata.err_feature;
			ev.lba = f->lba;
			aoe_event_emit(lc, &ev);
		}
		AOE_LOG(ERR, io, "ata error %s cmd=%02xh stat=%02xh err=%02xh lba=%" PRIu64,
			t->name, f->ata_cmd, ata.cmd_status, ata.err_feature, f->lba);
		frame_done(lc, s, f, -EIO, now);
		goto drop;
	}
	if (f->ata_cmd != AOE_ATA_WRITE && f->ata_cmd != AOE_ATA_WRITE_EXT && f->nsect != 0) {
		size_t n = (size_t)f->nsect * AOE_SECTOR_SIZE;

		if (unlikely(!aoe_ata_rsp_data_ok(&ata, f->nsect))) {
			/* Truncated data: let the retransmission fetch it again. */
			s->stats->bad_response++;
			goto drop;
		}
		if (likely(m->nb_segs == 1)) {
			memcpy(f->data, ata.data, n);
		} else {
			const void *p = rte_pktmbuf_read(m, AOE_ATA_HDR_LEN, (uint32_t)n, f->data);

			if (p != f->data)
				memcpy(f->data, p, n);
		}
		s->stats->bytes_rx += n;
	}
	{
		struct aoe_session_path *sp = &s->paths[f->path];

		if (f->ntx == 1)
			aoe_rtt_sample(&sp->rtt, now - f->sent_tsc);
		aoe_window_on_ack(&sp->win);
		sp->timeouts_in_row = 0;
		sp->last_ack_tsc = now;
		if (unlikely(sp->failed)) {
			sp->failed = false;
			path_event(lc, s, f->path, true);
		}
	}
	frame_done(lc, s, f, 0, now);
drop:
	rte_pktmbuf_free(m);
}

static bool
session_busy(const struct aoe_session *s)
{
	unsigned int i;

	if (!TAILQ_EMPTY(&s->pending))
		return true;
	for (i = 0; i < s->nb_paths; i++)
		if (!TAILQ_EMPTY(&s->paths[i].in_flight))
			return true;
	return false;
}

/* A path failed (timeouts in a row) or answers again: one event each way. */
static void
path_event(struct aoe_lcore *lc, const struct aoe_session *s, unsigned int path, bool up)
{
	const struct aoe_path *p = &s->target->paths[path];
	const struct aoe_port *port = &aoe_engine.ports[p->port];
	struct aoe_shm_event ev;

	aoe_event_init(&ev, AOE_EV_PATH, s->target->shelf, s->target->slot);
	ev.code = up;
	memcpy(ev.src, p->mac.addr_bytes, sizeof(ev.src));
	memcpy(ev.dst, port->mac.addr_bytes, sizeof(ev.dst));
	ev.port = port->port_id;
	ev.nout = session_outstanding(s);
	aoe_event_emit(lc, &ev);
	AOE_LOG(WARNING, io, "%s: path via %s to %02x:%02x:%02x:%02x:%02x:%02x %s", s->target->name,
		port->name, p->mac.addr_bytes[0], p->mac.addr_bytes[1], p->mac.addr_bytes[2],
		p->mac.addr_bytes[3], p->mac.addr_bytes[4], p->mac.addr_bytes[5],
		up ? "answers again" : "failed: traffic moves to other paths");
}

/* What aoe-stat -v shows of a session: refreshed on the timer tick, not per frame. */
static void
session_gauges(const struct aoe_session *s)
{
	struct aoe_shm_session *g = s->gauges;
	uint64_t hz = aoe_engine.tsc_hz;
	uint32_t i, cwnd = 0;

	for (i = 0; i < s->nb_paths; i++)
		cwnd += s->paths[i].win.cwnd;
	g->outstanding = session_outstanding(s);
	g->cwnd = cwnd;
	if (s->nb_paths > 0) {
		const struct aoe_session_path *sp = &s->paths[0];

		g->cap = sp->win.cap;
		g->srtt_ns = sp->rtt.srtt * 1000000000ull / hz;
		g->rttvar_ns = sp->rtt.rttvar * 1000000000ull / hz;
		g->rto_ns = sp->rtt.rto * 1000000000ull / hz;
	}
}

/* Retransmit what timed out; fail everything once a frame has waited deadsecs. */
static unsigned int
session_timers(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now)
{
	const struct aoe_engine *e = &aoe_engine;
	struct aoe_target *t = s->target;
	enum aoe_target_state state = aoe_target_state_get(t);
	unsigned int i, work = 0;

	if (state == AOE_TARGET_DOWN || state == AOE_TARGET_DOWN_CLOSEWAIT) {
		/* Management took the target down (this or another lcore saw it die). */
		if (!session_busy(s))
			return 0;
		aoe_session_fail_all(s, __atomic_load_n(&t->dead, __ATOMIC_RELAXED) ? -ETIMEDOUT
										    : -ENODEV);
		return 1;
	}
	for (i = 0; i < s->nb_paths; i++) {
		struct aoe_session_path *sp = &s->paths[i];
		struct aoe_frame *f;

		while ((f = TAILQ_FIRST(&sp->in_flight)) != NULL &&
		       now - f->sent_tsc >= sp->rtt.rto) {
			int path;

			if (e->deadsecs_tsc != 0 && now - f->first_tsc >= e->deadsecs_tsc) {
				s->stats->timeouts++;
				AOE_LOG(ERR, io, "%s: no answer for %u s: failing its I/O", t->name,
					e->conf.deadsecs);
				__atomic_store_n(&t->dead, 1, __ATOMIC_RELEASE);
				aoe_session_fail_all(s, -ETIMEDOUT);
				return work + 1;
			}
			if (aoe_window_on_loss(&sp->win, f->sent_tsc, now) || f->ntx > 1)
				aoe_rtt_backoff(&sp->rtt);
			sp->timeouts_in_row++;
			frame_unlink(s, f);
			if (sp->timeouts_in_row == AOE_PATH_FAIL_THRESHOLD && !sp->failed) {
				sp->failed = true;
				path_event(lc, s, i, false);
			}
			/* Prefer another path: this one just lost a frame. */
			path = path_pick(s, false, (int)i);
			if (path < 0) {
				/* No allowed port: keep it in flight, deadsecs still applies. */
				f->sent_tsc = now;
				f->in_flight = 1;
				sp->win.outstanding++;
				TAILQ_INSERT_TAIL(&sp->in_flight, f, link);
				continue;
			}
			s->stats->retransmits++;
			frame_send(lc, s, f, (unsigned int)path, now);
			{
				const struct aoe_path *p = &t->paths[f->path];
				const struct aoe_port *port = &e->ports[p->port];

				frame_event(
					lc, s, NULL, AOE_EV_RETRANSMIT,
					aoe_tag_make(lc->index, f->slot, (uint16_t)(f->gen - 1)),
					aoe_tag_make(lc->index, f->slot, f->gen),
					port->mac.addr_bytes, p->mac.addr_bytes, port->port_id);
			}
			work++;
		}
	}
	return work;
}

unsigned int
aoe_session_timers(struct aoe_lcore *lc, uint64_t now)
{
	unsigned int i, work = 0;

	for (i = 0; i < lc->nb_sessions; i++) {
		work += session_timers(lc, lc->sessions[i], now);
		session_gauges(lc->sessions[i]);
	}
	return work;
}
