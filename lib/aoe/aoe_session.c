/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions: one lcore's traffic to one target. A session splits I/O into frames, keeps each
 * frame in a slot of its table (the slot is in the tag), sends them on the paths aoe_path.c
 * picks, retransmits on timeout, holds back what local congestion keeps from leaving, and
 * fails everything when the target goes down. aoe_rsp.c completes frames from responses.
 * Everything here runs on the session's own lcore: no locks, no allocation after creation.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_names.h"
#include "aoe_session.h"
#include "aoe_tag.h"

static void session_issue(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now);

uint32_t
aoe_session_outstanding(const struct aoe_session *s)
{
	uint32_t i, n = 0;

	for (i = 0; i < s->nb_paths; i++)
		n += s->paths[i].win.outstanding;
	return n;
}

/* Append to the error stream: the kernel's /dev/etherd/err lines, as fields. */
void
aoe_frame_event(struct aoe_lcore *lc, const struct aoe_session *s, const struct aoe_hdr *hdr,
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
	ev.nout = s != NULL ? aoe_session_outstanding(s) : 0;
	if (hdr != NULL)
		ev.code = hdr->error;
	aoe_event_emit(lc, &ev);
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
	TAILQ_INIT(&s->resend);
	TAILQ_INIT(&s->aged);
	TAILQ_INIT(&s->lingering);
	/* Random first generations: a response meant for an earlier run is not mistaken. */
	gen0 = (uint16_t)rte_rand();
	for (i = 0; i < nb_slots; i++) {
		s->frames[i].slot = (uint16_t)i;
		s->frames[i].gen = gen0;
		TAILQ_INSERT_TAIL(&s->free_frames, &s->frames[i], link);
	}
	s->nb_free = (uint16_t)nb_slots;
	aoe_path_refresh(s);
	lc->sessions[lc->nb_sessions++] = s;
	__atomic_store_n(&t->sess[lc->index], s, __ATOMIC_RELEASE);
	return s;
}

/*
 * The ATA arguments of a frame's request: what frame_build sends and what a response is
 * compared with. -EINVAL when the frame cannot be addressed in the target's mode.
 */
int
aoe_frame_ata(const struct aoe_session *s, const struct aoe_frame *f, struct aoe_ata *ata)
{
	memset(ata, 0, sizeof(*ata));
	if (aoe_ata_cmd_is_rw(f->ata_cmd))
		return aoe_ata_rw_setup(ata, aoe_ata_cmd_is_write(f->ata_cmd), s->target->lba48,
					f->lba, f->nsect);
	if (f->ata_cmd == AOE_ATA_FLUSH_EXT)
		ata->aflags = AOE_AFLAG_EXT;
	else
		ata->sector_count = f->nsect;
	ata->cmd_status = f->ata_cmd;
	return 0;
}

/* Where a frame's data starts in its I/O's, in bytes. */
static inline uint64_t
frame_data_offset(const struct aoe_frame *f)
{
	return (f->lba - f->io->lba) * AOE_SECTOR_SIZE;
}

void
aoe_frame_data_out(const struct aoe_frame *f, uint8_t *dst, size_t len)
{
	struct aoe_io *io = f->io;
	uint64_t off = frame_data_offset(f);

	if (likely(io->iovcnt == 0))
		memcpy(dst, io->buf + off, len);
	else
		aoe_iov_out(io->iov, io->iovcnt, &io->cursor, off, dst, len);
}

/*
 * Read data arrives here, and only here: @p len bytes of @p m from @p m_off on, copied segment
 * by segment (a jumbo answer may come chained) into the I/O's buffer or iovecs; a zero-copy
 * read keeps @p m instead (aoe_frame_data_keep()).
 */
void
aoe_frame_data_in(const struct aoe_frame *f, const struct rte_mbuf *m, uint32_t m_off, size_t len)
{
	struct aoe_io *io = f->io;
	uint64_t off = frame_data_offset(f);

	for (; m != NULL && len != 0; m = m->next) {
		const uint8_t *src;
		size_t n;

		if (m_off >= m->data_len) {
			m_off -= m->data_len;
			continue;
		}
		src = rte_pktmbuf_mtod_offset(m, const uint8_t *, m_off);
		n = RTE_MIN((size_t)(m->data_len - m_off), len);
		if (likely(io->iovcnt == 0))
			memcpy(io->buf + off, src, n);
		else
			aoe_iov_in(io->iov, io->iovcnt, &io->cursor, off, src, n);
		off += n;
		len -= n;
		m_off = 0;
	}
}

/*
 * A zero-copy read's answer: @p m itself, trimmed to its @p len data bytes (from @p m_off on),
 * goes into the I/O's held slot of the frame's first sector. A slot that is taken is never
 * replaced (one answer per frame is accepted, so it cannot happen; were it to, the answer is
 * refused rather than an mbuf leaked).
 */
bool
aoe_frame_data_keep(struct aoe_lcore *lc, const struct aoe_frame *f, struct rte_mbuf *m,
		    uint32_t m_off, size_t len)
{
	struct aoe_io *io = f->io;
	uint32_t at = (uint32_t)(f->lba - io->lba);

	if (unlikely(io->held[at] != NULL || rte_pktmbuf_adj(m, (uint16_t)m_off) == NULL))
		return false;
	m->pkt_len = (uint32_t)len;
	io->held[at] = m;
	lc->stats->zcopy_held++;
	return true;
}

static int
frame_build(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, unsigned int path,
	    uint16_t gen, struct rte_mbuf *m)
{
	const struct aoe_target *t = s->target;
	const struct aoe_path *p = &t->paths[path];
	const struct aoe_port *port = &aoe_engine.ports[p->port];
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	size_t data_len = aoe_ata_cmd_is_write(f->ata_cmd) ? (size_t)f->nsect * AOE_SECTOR_SIZE : 0;
	struct aoe_hdr hdr;
	struct aoe_ata ata;
	size_t len;
	int rc;

	rc = aoe_frame_ata(s, f, &ata);
	if (unlikely(rc != 0))
		return rc;
	memcpy(hdr.dst, p->mac.addr_bytes, AOE_ETH_ALEN);
	memcpy(hdr.src, port->mac.addr_bytes, AOE_ETH_ALEN);
	hdr.version = AOE_VERSION;
	hdr.flags = 0;
	hdr.error = 0;
	hdr.shelf = t->shelf;
	hdr.slot = t->slot;
	hdr.cmd = AOE_CMD_ATA;
	hdr.tag = aoe_tag_make(lc->index, f->slot, gen);
	rc = aoe_ata_encode(frame, AOE_ATA_HDR_LEN, &hdr, &ata);
	if (unlikely(rc < 0))
		return rc;
	if (data_len != 0)
		aoe_frame_data_out(f, frame + AOE_ATA_HDR_LEN, data_len);
	len = AOE_ATA_HDR_LEN + data_len;
	if (len < AOE_ETH_MIN_FRAME) {
		/* Pad as a NIC would: not every target accepts runts from a veth. */
		memset(frame + len, 0, AOE_ETH_MIN_FRAME - len);
		len = AOE_ETH_MIN_FRAME;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	return 0;
}

static struct aoe_frame *
frame_take(struct aoe_session *s, uint64_t now)
{
	struct aoe_frame *f = TAILQ_FIRST(&s->free_frames);

	if (f == NULL)
		return NULL;
	TAILQ_REMOVE(&s->free_frames, f, link);
	s->nb_free--;
	f->where = AOE_FRAME_HELD;
	f->ntx = 0;
	f->badarg = 0;
	f->aged = 0;
	f->not_before = 0;
	f->taken_tsc = now;
	f->span = 0;
	f->copies = 0;
	f->fenced = 0;
	f->sent_paths = 0;
	f->last_seq = 0;
	return f;
}

/* Take a frame off the list it is on (its path's FIFO or the resend list). */
void
aoe_frame_unlink(struct aoe_session *s, struct aoe_frame *f)
{
	if (f->where == AOE_FRAME_IN_FLIGHT) {
		struct aoe_session_path *sp = &s->paths[f->path];

		TAILQ_REMOVE(&sp->in_flight, f, link);
		sp->win.outstanding--;
	} else if (f->where == AOE_FRAME_RESEND) {
		TAILQ_REMOVE(&s->resend, f, link);
	}
	f->where = AOE_FRAME_HELD;
}

/* Park an unlinked frame on the resend list: it is sent again from there, not before @p when. */
void
aoe_frame_park(struct aoe_session *s, struct aoe_frame *f, uint64_t when)
{
	f->not_before = when;
	f->where = AOE_FRAME_RESEND;
	TAILQ_INSERT_TAIL(&s->resend, f, link);
}

/*
 * Put one transmission of @p f on the wire through path @p path. Only a frame that left is
 * accounted (generation, FIFO, window, deadsecs clock): a full TX queue or an empty mbuf pool
 * is local congestion, not loss. 0, -ENOBUFS/-ENOMEM (congestion) or -EINVAL (the frame cannot
 * be addressed: never sent).
 */
static int
frame_transmit(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, unsigned int path,
	       uint64_t now)
{
	struct aoe_session_path *sp = &s->paths[path];
	uint16_t gen = (uint16_t)(f->gen + 1);
	unsigned int port = s->target->paths[path].port;
	struct rte_mbuf *m;
	int rc;

	/* The port took nothing in this iteration: wait for the end-of-loop flush. */
	if (unlikely(lc->txbuf[port].count == AOE_TXBUF_SIZE))
		return -ENOBUFS;
	m = rte_pktmbuf_alloc(aoe_engine.pool);
	if (unlikely(m == NULL)) {
		lc->stats->mbuf_alloc_failed++;
		return -ENOMEM;
	}
	rc = frame_build(lc, s, f, path, gen, m);
	if (unlikely(rc != 0)) {
		rte_pktmbuf_free(m);
		return -EINVAL;
	}
	rc = aoe_tx_enqueue(lc, port, m, f, gen);
	if (unlikely(rc != 0))
		return rc;
	f->gen = gen;
	f->path = (uint8_t)path;
	f->tx_path[gen % AOE_TX_HISTORY] = (uint8_t)path;
	/* Numbered in the order of the port's queue: what the write fence orders by. */
	f->tx_seq[gen % AOE_TX_HISTORY] = ++s->tx_seq;
	f->last_seq = s->tx_seq;
	f->sent_paths |= (uint16_t)(1u << path);
	f->span = RTE_MAX(f->span, f->nsect);
	if (f->copies < UINT8_MAX)
		f->copies++;
	if (f->ntx < UINT16_MAX)
		f->ntx++;
	/* Stamped again when it leaves the port: its timers run from then. */
	f->sent_tsc = now;
	f->departed = 0;
	f->deferred = 0;
	f->where = AOE_FRAME_IN_FLIGHT;
	sp->win.outstanding++;
	TAILQ_INSERT_TAIL(&sp->in_flight, f, link);
	s->stats->frames_tx++;
	if (aoe_ata_cmd_is_write(f->ata_cmd))
		s->stats->bytes_tx += (uint64_t)f->nsect * AOE_SECTOR_SIZE;
	return 0;
}

static struct aoe_session *
frame_session(struct aoe_frame *f)
{
	return (struct aoe_session *)((char *)(f - f->slot) - offsetof(struct aoe_session, frames));
}

/*
 * Transmission @p gen of @p f left its port at @p now (called by aoe_tx_flush): the
 * retransmission timer and, for the first transmission, deadsecs run from here. A frame that
 * waits in the TX buffer is local congestion: it is neither timed out nor aged meanwhile.
 */
void
aoe_frame_departed(struct aoe_frame *f, uint16_t gen, uint64_t now)
{
	struct aoe_session *s;

	if (f->where != AOE_FRAME_IN_FLIGHT || f->gen != gen)
		return; /* answered, failed or sent again since */
	f->departed = 1;
	f->sent_tsc = now;
	/* A fenced frame waits on its path for ordering, not for the target: no deadsecs. */
	if (!f->aged && !f->fenced) {
		s = frame_session(f);
		f->aged = 1;
		f->first_tsc = now;
		TAILQ_INSERT_TAIL(&s->aged, f, age_link);
	}
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

/* Back to the free list, at the tail: slots are used in turn (see free_frames). */
void
aoe_frame_release(struct aoe_session *s, struct aoe_frame *f)
{
	if (f->where == AOE_FRAME_LINGER) {
		TAILQ_REMOVE(&s->lingering, f, link);
		s->nb_lingering--;
	}
	if (f->aged)
		TAILQ_REMOVE(&s->aged, f, age_link);
	f->aged = 0;
	f->io = NULL;
	f->ntx = 0;
	f->where = AOE_FRAME_FREE;
	TAILQ_INSERT_TAIL(&s->free_frames, f, link);
	s->nb_free++;
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

		if (f->where != AOE_FRAME_FREE && f->io == io) {
			aoe_frame_unlink(s, f);
			/* Abandoned, not recalled: a copy of a write may still land. */
			if (!aoe_fence_keep(s, f))
				aoe_frame_release(s, f);
			io->frames_out--;
		}
	}
}

/* A frame is done (answered, or failed): free its slot, finish its I/O when it was the last. */
void
aoe_frame_done(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, int status,
	       uint64_t now)
{
	struct aoe_io *io = f->io;

	aoe_frame_unlink(s, f);
	if (!aoe_fence_keep(s, f))
		aoe_frame_release(s, f);
	io->frames_out--;
	if (status != 0)
		io_abort(s, io, status);
	if (io->frames_out == 0 && !io->queued) {
		io->done_tsc = now;
		io_finish(s, io);
	}
	if (!TAILQ_EMPTY(&s->pending) || !TAILQ_EMPTY(&s->resend))
		session_issue(lc, s, now);
}

/*
 * Cut a read or write frame down to @p nsect sectors, the rest going into new frames sent
 * right after it: a frame must fit the path it is sent on. Answers to the larger
 * transmissions are no longer taken. False when there are not enough free slots (the caller
 * waits and tries again).
 */
static bool
frame_split(struct aoe_session *s, struct aoe_frame *f, unsigned int nsect)
{
	unsigned int done = nsect, extra = (f->nsect - nsect + nsect - 1) / nsect;
	struct aoe_frame *prev = f;

	if (s->nb_free < extra)
		return false;
	while (done < f->nsect) {
		struct aoe_frame *nf = frame_take(s, f->taken_tsc);

		nf->io = f->io;
		nf->ata_cmd = f->ata_cmd;
		nf->lba = f->lba + done;
		nf->nsect = (uint8_t)RTE_MIN(f->nsect - done, nsect);
		if (f->aged) {
			/* Same deadsecs clock as the frame it came from, same place in age order.
			 */
			nf->aged = 1;
			nf->first_tsc = f->first_tsc;
			TAILQ_INSERT_AFTER(&s->aged, prev, nf, age_link);
			prev = nf;
		}
		nf->io->frames_out++;
		done += nf->nsect;
		aoe_frame_park(s, nf, 0);
	}
	f->nsect = (uint8_t)nsect;
	f->ntx = 0;
	s->stats->resplits++;
	return true;
}

/*
 * Send @p f (unlinked) on @p path, cut to fit the path first. A frame that cannot leave now
 * (local congestion, or no slot to split into) waits on the resend list; one that cannot be
 * addressed fails its I/O. Returns false when nothing more should be sent this round.
 */
bool
aoe_frame_send(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, unsigned int path,
	       uint64_t now)
{
	unsigned int fit = __atomic_load_n(&s->target->paths[path].nsect, __ATOMIC_RELAXED);
	int rc;

	if (aoe_ata_cmd_is_rw(f->ata_cmd) && f->nsect > fit && !frame_split(s, f, fit)) {
		aoe_frame_park(s, f, now + aoe_engine.timer_period_tsc);
		return false;
	}
	rc = frame_transmit(lc, s, f, path, now);
	if (likely(rc == 0))
		return true;
	if (rc == -EINVAL) {
		struct aoe_io *io = f->io;

		/* The ATA set-up refused it (an LBA the mode cannot address): never send it. */
		if (aoe_lcore_log_ok(lc, now))
			AOE_LOG(ERR, io, "%s: LBA %" PRIu64 " + %u is not addressable: I/O failed",
				s->target->name, f->lba, f->nsect);
		aoe_frame_park(s, f, 0);
		io_abort(s, io, -EIO);
		if (io->frames_out == 0)
			io_finish(s, io);
		return true;
	}
	if (!f->deferred) {
		f->deferred = 1;
		s->stats->tx_deferred++;
	}
	aoe_frame_park(s, f, 0);
	return false;
}

/*
 * The path for a write of @p nsect sectors at @p lba while done writes linger (aoe_fence.c):
 * the fence's, with window room when @p need_room, or aoe_path_pick's when it leaves the
 * choice free. *@p fenced: the fence chose (or holds it back) while another path would do,
 * so the wait is for ordering, not for the target. -1: wait.
 */
static int
write_path(struct aoe_lcore *lc, struct aoe_session *s, uint64_t lba, uint32_t nsect,
	   bool need_room, int avoid, uint64_t now, bool *fenced)
{
	int path = aoe_fence_path(lc, s, lba, nsect, now);

	*fenced = false;
	if (path == AOE_FENCE_FREE)
		return aoe_path_pick(s, need_room, avoid);
	if (path == AOE_FENCE_WAIT) {
		*fenced = true;
		return -1;
	}
	*fenced = aoe_path_other_usable(s, (unsigned int)path);
	if (need_room && !aoe_window_has_room(&s->paths[path].win))
		return -1;
	return path;
}

/* The path for frame @p f, sent again: see write_path and aoe_path_pick. -1: wait. */
static int
frame_path(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, int avoid,
	   uint64_t now)
{
	bool fenced = false;
	int path;

	if (likely(s->nb_lingering == 0) || !aoe_ata_cmd_is_write(f->ata_cmd))
		path = aoe_path_pick(s, false, avoid);
	else
		path = write_path(lc, s, f->lba, f->nsect, false, avoid, now, &fenced);
	if (fenced && !f->fenced)
		s->stats->fenced_writes++;
	f->fenced = fenced;
	if (fenced && f->aged) {
		/* It waits for ordering now: deadsecs runs again from its first departure after. */
		TAILQ_REMOVE(&s->aged, f, age_link);
		f->aged = 0;
	}
	return path;
}

/*
 * Send the frames on the resend list that are due, oldest first. False when one could not
 * leave (congestion, no path): new frames must not overtake it. A write the fence holds back
 * waits a tick without holding up the others.
 */
static bool
resend_run(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now)
{
	struct aoe_frame *f = TAILQ_FIRST(&s->resend);

	while (f != NULL) {
		int path;

		if (f->not_before > now) {
			f = TAILQ_NEXT(f, link);
			continue;
		}
		path = frame_path(lc, s, f, -1, now);
		if (path < 0 && f->fenced) {
			f->not_before = now + aoe_engine.timer_period_tsc;
			f = TAILQ_NEXT(f, link);
			continue;
		}
		if (path < 0)
			return false;
		aoe_frame_unlink(s, f);
		if (!aoe_frame_send(lc, s, f, (unsigned int)path, now))
			return false;
		/* A split parks the rest of the frame at the tail: start over from the head. */
		f = TAILQ_FIRST(&s->resend);
	}
	return true;
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

	if (!TAILQ_EMPTY(&s->resend) && !resend_run(lc, s, now))
		return;
	while ((io = TAILQ_FIRST(&s->pending)) != NULL) {
		struct aoe_frame *f;
		bool fenced = false;
		int path;

		if (s->nb_free == 0)
			return;
		if (unlikely(s->nb_lingering != 0) && io->op == AOE_IO_WRITE)
			path = write_path(lc, s, io->lba + io->issued, io->nsect - io->issued, true,
					  -1, now, &fenced);
		else
			path = aoe_path_pick(s, true, -1);
		if (path < 0)
			return;
		f = frame_take(s, now);
		if (fenced) {
			f->fenced = 1;
			s->stats->fenced_writes++;
		}
		f->io = io;
		f->ata_cmd = frame_ata_cmd(s, io);
		f->lba = io->lba + io->issued;
		if (io->op == AOE_IO_READ || io->op == AOE_IO_WRITE) {
			f->nsect = (uint8_t)RTE_MIN(
				io->nsect - io->issued,
				(uint32_t)__atomic_load_n(&s->target->paths[path].nsect,
							  __ATOMIC_RELAXED));
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
		if (!aoe_frame_send(lc, s, f, (unsigned int)path, now))
			return;
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
	aoe_path_refresh(s);
	if (s->failed || s->nb_paths == 0)
		return -ENODEV;
	io->issued = 0;
	io->frames_out = 0;
	io->status = 0;
	io->ata_status = 0;
	io->ata_error = 0;
	io->aoe_error = 0;
	io->submit_tsc = now;
	io->cursor.idx = 0;
	io->cursor.base = 0;
	io->queued = true;
	TAILQ_INSERT_TAIL(&s->pending, io, link);
	session_issue(lc, s, now);
	return 0;
}

static void
frame_fail(struct aoe_session *s, struct aoe_frame *f, int status)
{
	struct aoe_io *io = f->io;

	aoe_frame_unlink(s, f);
	aoe_frame_release(s, f);
	io->frames_out--;
	if (io->status == 0)
		io->status = status;
	if (io->frames_out == 0 && !io->queued)
		io_finish(s, io);
}

void
aoe_session_fail_all(struct aoe_session *s, int status)
{
	struct aoe_frame *f;
	struct aoe_io *io;
	unsigned int i;

	/* Refuse resubmissions from the callbacks below until the target is re-armed. */
	s->failed = 1;
	for (i = 0; i < s->nb_paths; i++)
		while ((f = TAILQ_FIRST(&s->paths[i].in_flight)) != NULL)
			frame_fail(s, f, status);
	while ((f = TAILQ_FIRST(&s->resend)) != NULL)
		frame_fail(s, f, status);
	while ((io = TAILQ_FIRST(&s->pending)) != NULL) {
		TAILQ_REMOVE(&s->pending, io, link);
		io->queued = false;
		if (io->status == 0)
			io->status = status;
		if (io->frames_out == 0)
			io_finish(s, io);
	}
	/* Whatever still lands was sent to a target declared down or replaced. */
	aoe_fence_drop_all(s);
}

bool
aoe_session_busy(const struct aoe_session *s)
{
	/* A fenced frame is on the wire without being aged: outstanding counts it. */
	return !TAILQ_EMPTY(&s->pending) || !TAILQ_EMPTY(&s->aged) || !TAILQ_EMPTY(&s->resend) ||
	       aoe_session_outstanding(s) != 0;
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
	g->outstanding = aoe_session_outstanding(s);
	g->cwnd = cwnd;
	if (s->nb_paths > 0) {
		const struct aoe_session_path *sp = &s->paths[0];

		g->cap = sp->win.cap;
		g->srtt_ns = sp->rtt.srtt * 1000000000ull / hz;
		g->rttvar_ns = sp->rtt.rttvar * 1000000000ull / hz;
		g->rto_ns = sp->rtt.rto * 1000000000ull / hz;
	}
}

/*
 * How long the session has waited: since the first transmission of the oldest frame on the
 * wire or, with nothing sent, since the oldest I/O that found no path. Local congestion does
 * not start that clock; but a frame that has not left at all for as long (a port that stopped
 * draining, a pool that stays empty) counts from when it was made, so that nothing hangs.
 * 0 when nothing waits.
 */
static uint64_t
session_waited(const struct aoe_session *s, uint64_t now)
{
	const struct aoe_frame *f = TAILQ_FIRST(&s->aged);
	const struct aoe_io *io;
	uint64_t waited = 0;
	unsigned int i;

	if (f != NULL)
		waited = now - f->first_tsc;
	f = TAILQ_FIRST(&s->resend);
	if (f != NULL && !f->aged && !f->fenced)
		waited = RTE_MAX(waited, now - f->taken_tsc);
	for (i = 0; i < s->nb_paths; i++) {
		f = TAILQ_FIRST(&s->paths[i].in_flight);
		if (f != NULL && !f->aged && !f->fenced)
			waited = RTE_MAX(waited, now - f->taken_tsc);
	}
	if (waited == 0 && TAILQ_EMPTY(&s->resend) && (io = TAILQ_FIRST(&s->pending)) != NULL)
		waited = now - io->submit_tsc;
	return waited;
}

/*
 * What deadsecs ran out on, for the log: the oldest frame on the wire, where it went and why it
 * may not have moved, or the oldest I/O when no frame is out.
 */
static void
session_wait_describe(const struct aoe_session *s, char *buf, size_t len)
{
	const struct aoe_frame *f = TAILQ_FIRST(&s->aged);
	const struct aoe_io *io = TAILQ_FIRST(&s->pending);
	char mac[AOE_MAC_STR_MAX];

	if (f == NULL)
		f = TAILQ_FIRST(&s->resend);
	if (f == NULL) {
		if (io != NULL)
			snprintf(buf, len, "an I/O of %u sectors at LBA %" PRIu64 " never sent",
				 io->nsect, io->lba);
		else
			snprintf(buf, len, "nothing on the wire");
		return;
	}
	/* A frame that never left (local congestion) has no path to name. */
	if (f->copies == 0)
		snprintf(mac, sizeof(mac), "none");
	else
		aoe_mac_format(s->target->paths[f->path].mac.addr_bytes, mac, sizeof(mac));
	snprintf(buf, len,
		 "oldest: %s of %u sectors at LBA %" PRIu64 ", %u transmission(s), the last to %s"
		 "%s%s; %u done write(s) with a copy unanswered",
		 aoe_ata_cmd_is_write(f->ata_cmd) ? "a write" : "a read", f->nsect, f->lba,
		 f->copies, mac, f->where == AOE_FRAME_RESEND ? ", waiting to be sent again" : "",
		 f->fenced ? ", held by the write fence" : "", s->nb_lingering);
}

/* Retransmit what timed out; fail everything once the session has waited deadsecs. */
static unsigned int
session_timers(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now)
{
	const struct aoe_engine *e = &aoe_engine;
	struct aoe_target *t = s->target;
	enum aoe_target_state state = aoe_target_state_get(t);
	unsigned int i, work = 0;
	uint64_t waited;

	if (state == AOE_TARGET_DOWN || state == AOE_TARGET_DOWN_CLOSEWAIT) {
		/* Management took the target down (this or another lcore saw it die). */
		if (!aoe_session_busy(s))
			return 0;
		aoe_session_fail_all(s, __atomic_load_n(&t->dead, __ATOMIC_RELAXED) ? -ETIMEDOUT
										    : -ENODEV);
		return 1;
	}
	/* Before deadsecs: a write the fence held may now go where it likes. */
	if (unlikely(s->nb_lingering != 0))
		aoe_fence_timers(lc, s, now);
	if (!aoe_session_busy(s))
		return 0;
	aoe_path_refresh(s);
	waited = session_waited(s, now);
	if (e->deadsecs_tsc != 0 && waited >= e->deadsecs_tsc) {
		char what[192];

		s->stats->timeouts++;
		session_wait_describe(s, what, sizeof(what));
		AOE_LOG(ERR, io,
			"%s: no answer for %" PRIu64 ".%03" PRIu64 " s (deadsecs %u): "
			"failing its I/O (%s)",
			t->name, waited / e->tsc_hz, waited % e->tsc_hz * 1000 / e->tsc_hz,
			e->conf.deadsecs, what);
		__atomic_store_n(&t->dead, 1, __ATOMIC_RELEASE);
		aoe_session_fail_all(s, -ETIMEDOUT);
		return 1;
	}
	for (i = 0; i < s->nb_paths; i++) {
		struct aoe_session_path *sp = &s->paths[i];
		bool silent = sp->fence_abandoned; /* for deadsecs: all it carries times out */
		struct aoe_frame *f;

		sp->fence_abandoned = false;
		/* Oldest first; one still in the TX buffer has not left, nor have those after. */
		while ((f = TAILQ_FIRST(&sp->in_flight)) != NULL && f->departed &&
		       (silent || now - f->sent_tsc >= sp->rtt.rto)) {
			int path;

			aoe_path_loss(lc, s, i, f, now);
			aoe_frame_unlink(s, f);
			/* Prefer another path: this one just lost a frame. */
			path = frame_path(lc, s, f, (int)i, now);
			if (path < 0) {
				/* No live path: wait, deadsecs still applies. */
				aoe_frame_park(s, f, now + sp->rtt.rto);
				continue;
			}
			s->stats->retransmits++;
			work++;
			if (!aoe_frame_send(lc, s, f, (unsigned int)path, now))
				continue;
			{
				const struct aoe_path *p = &t->paths[f->path];
				const struct aoe_port *port = &e->ports[p->port];

				aoe_frame_event(
					lc, s, NULL, AOE_EV_RETRANSMIT,
					aoe_tag_make(lc->index, f->slot, (uint16_t)(f->gen - 1)),
					aoe_tag_make(lc->index, f->slot, f->gen),
					port->mac.addr_bytes, p->mac.addr_bytes, port->port_id);
			}
		}
	}
	if (!TAILQ_EMPTY(&s->resend) || !TAILQ_EMPTY(&s->pending))
		session_issue(lc, s, now);
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
