/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions: one lcore's traffic to one target. A session splits I/O into frames, keeps each
 * frame in a slot of its table (the slot is in the tag), sends within each path's window,
 * matches responses, retransmits on timeout and fails everything when the target goes down.
 * Everything here runs on the session's own lcore: no locks, no allocation after creation.
 */
#include <errno.h>
#include <stddef.h>
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
/* "Bad argument" answers one frame may get, each followed by a fresh config query. */
#define AOE_BADARG_RETRIES 2
/* How long such a frame waits for the config answer before it is sent again. */
#define AOE_REQUERY_HOLD_US 30000

static void session_issue(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now);
static bool session_busy(const struct aoe_session *s);
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

	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.shelf = s != NULL ? s->target->shelf : hdr->shelf;
	ev.slot = s != NULL ? s->target->slot : hdr->slot;
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

/* A path's window cap: min(maxout, that MAC's buffer count), shared by the lcores driving it. */
static uint32_t
path_cap(const struct aoe_path *p)
{
	const struct aoe_engine *e = &aoe_engine;
	uint32_t bufcnt = __atomic_load_n(&p->bufcnt, __ATOMIC_RELAXED);
	unsigned int workers = e->nb_lcores > 1 ? e->nb_lcores - 1 : 1;
	uint32_t cap;

	/* A buffer count of 0 or 1 must not give a dead device (the kernel's bug). */
	if (bufcnt == 0)
		bufcnt = 1;
	cap = RTE_MIN((uint32_t)e->conf.maxout, bufcnt) / workers;
	return RTE_MAX(cap, 1u);
}

static void
session_path_init(struct aoe_session_path *sp, const struct aoe_path *p)
{
	const struct aoe_engine *e = &aoe_engine;

	aoe_window_init(&sp->win, path_cap(p));
	aoe_rtt_init(&sp->rtt, e->rto_initial_tsc, e->rto_min_tsc, e->rto_max_tsc);
	sp->timeouts_in_row = 0;
	sp->failed = false;
	sp->params = __atomic_load_n(&p->params, __ATOMIC_ACQUIRE);
	sp->incarnation = __atomic_load_n(&p->incarnation, __ATOMIC_ACQUIRE);
}

/*
 * Follow what management published: new paths, a target that came back up, a path whose
 * config changed (window cap) or whose slot now holds another route (fresh state).
 */
static void
session_refresh(struct aoe_session *s)
{
	struct aoe_target *t = s->target;
	uint32_t gen = __atomic_load_n(&t->generation, __ATOMIC_ACQUIRE);
	uint32_t nb_paths = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE);
	unsigned int i;

	if (gen != s->target_generation) {
		/*
		 * The target came (back) up, perhaps as another disk: what is still in flight
		 * was meant for the one before and fails; earlier failures are history.
		 */
		if (s->target_generation != UINT32_MAX && session_busy(s))
			aoe_session_fail_all(s, -ENODEV);
		s->target_generation = gen;
		s->failed = 0;
		for (i = 0; i < s->nb_paths; i++)
			s->paths[i].timeouts_in_row = 0;
	}
	for (i = s->nb_paths; i < nb_paths; i++) {
		TAILQ_INIT(&s->paths[i].in_flight);
		session_path_init(&s->paths[i], &t->paths[i]);
	}
	s->nb_paths = nb_paths;
	for (i = 0; i < nb_paths; i++) {
		const struct aoe_path *p = &t->paths[i];
		struct aoe_session_path *sp = &s->paths[i];

		if (unlikely(__atomic_load_n(&p->incarnation, __ATOMIC_ACQUIRE) !=
			     sp->incarnation)) {
			/* Management reuses a slot only once no session has frames on it. */
			if (TAILQ_EMPTY(&sp->in_flight))
				session_path_init(sp, p);
		} else if (unlikely(__atomic_load_n(&p->params, __ATOMIC_ACQUIRE) != sp->params)) {
			sp->params = __atomic_load_n(&p->params, __ATOMIC_ACQUIRE);
			aoe_window_set_cap(&sp->win, path_cap(p));
		}
	}
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
	/* Random first generations: a response meant for an earlier run is not mistaken. */
	gen0 = (uint16_t)rte_rand();
	for (i = 0; i < nb_slots; i++) {
		s->frames[i].slot = (uint16_t)i;
		s->frames[i].gen = gen0;
		TAILQ_INSERT_TAIL(&s->free_frames, &s->frames[i], link);
	}
	s->nb_free = (uint16_t)nb_slots;
	session_refresh(s);
	lc->sessions[lc->nb_sessions++] = s;
	__atomic_store_n(&t->sess[lc->index], s, __ATOMIC_RELEASE);
	return s;
}

static bool
path_usable(const struct aoe_session *s, unsigned int i)
{
	const struct aoe_path *p = &s->target->paths[i];

	return aoe_port_allowed(p->port) && !__atomic_load_n(&p->retired, __ATOMIC_RELAXED) &&
	       s->paths[i].incarnation == __atomic_load_n(&p->incarnation, __ATOMIC_RELAXED) &&
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

/* A path that can carry frames at all: its port is allowed and it is not retired. */
static bool
path_alive(const struct aoe_session *s, unsigned int i)
{
	const struct aoe_path *p = &s->target->paths[i];

	return aoe_port_allowed(p->port) && !__atomic_load_n(&p->retired, __ATOMIC_RELAXED) &&
	       s->paths[i].incarnation == __atomic_load_n(&p->incarnation, __ATOMIC_RELAXED);
}

/*
 * A path for a frame: round robin over usable paths (with window room when @p need_room),
 * another than @p avoid if there is one. Paths that failed recently carry traffic only when no
 * usable path is left (then the least-failed one: that is how a path that came back is
 * noticed). -1: wait (usable paths are full) or no live path at all.
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

		if (!path_alive(s, p))
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

static bool
is_rw(uint8_t ata_cmd)
{
	return ata_cmd == AOE_ATA_READ || ata_cmd == AOE_ATA_READ_EXT || ata_cmd == AOE_ATA_WRITE ||
	       ata_cmd == AOE_ATA_WRITE_EXT;
}

static bool
is_write(uint8_t ata_cmd)
{
	return ata_cmd == AOE_ATA_WRITE || ata_cmd == AOE_ATA_WRITE_EXT;
}

/*
 * The ATA arguments of a frame's request: what frame_build sends and what a response is
 * compared with. -EINVAL when the frame cannot be addressed in the target's mode.
 */
static int
frame_ata(const struct aoe_session *s, const struct aoe_frame *f, struct aoe_ata *ata)
{
	memset(ata, 0, sizeof(*ata));
	if (is_rw(f->ata_cmd))
		return aoe_ata_rw_setup(ata, is_write(f->ata_cmd), s->target->lba48, f->lba,
					f->nsect);
	if (f->ata_cmd == AOE_ATA_FLUSH_EXT)
		ata->aflags = AOE_AFLAG_EXT;
	else
		ata->sector_count = f->nsect;
	ata->cmd_status = f->ata_cmd;
	return 0;
}

static int
frame_build(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, unsigned int path,
	    uint16_t gen, struct rte_mbuf *m)
{
	const struct aoe_target *t = s->target;
	const struct aoe_path *p = &t->paths[path];
	const struct aoe_port *port = &aoe_engine.ports[p->port];
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	size_t data_len = is_write(f->ata_cmd) ? (size_t)f->nsect * AOE_SECTOR_SIZE : 0;
	struct aoe_hdr hdr;
	struct aoe_ata ata;
	size_t len;
	int rc;

	rc = frame_ata(s, f, &ata);
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
		memcpy(frame + AOE_ATA_HDR_LEN, f->data, data_len);
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
frame_take(struct aoe_session *s)
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
	return f;
}

/* Take a frame off the list it is on (its path's FIFO or the resend list). */
static void
frame_unlink(struct aoe_session *s, struct aoe_frame *f)
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
static void
frame_park(struct aoe_session *s, struct aoe_frame *f, uint64_t when)
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
	if (is_write(f->ata_cmd))
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
	if (!f->aged) {
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
static void
frame_release(struct aoe_session *s, struct aoe_frame *f)
{
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
		struct aoe_frame *nf = frame_take(s);

		nf->io = f->io;
		nf->ata_cmd = f->ata_cmd;
		nf->lba = f->lba + done;
		nf->data = f->data + (size_t)done * AOE_SECTOR_SIZE;
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
		frame_park(s, nf, 0);
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
static bool
frame_send(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, unsigned int path,
	   uint64_t now)
{
	unsigned int fit = __atomic_load_n(&s->target->paths[path].nsect, __ATOMIC_RELAXED);
	int rc;

	if (is_rw(f->ata_cmd) && f->nsect > fit && !frame_split(s, f, fit)) {
		frame_park(s, f, now + aoe_engine.timer_period_tsc);
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
		frame_park(s, f, 0);
		io_abort(s, io, -EIO);
		if (io->frames_out == 0)
			io_finish(s, io);
		return true;
	}
	if (!f->deferred) {
		f->deferred = 1;
		s->stats->tx_deferred++;
	}
	frame_park(s, f, 0);
	return false;
}

/*
 * Send the frames on the resend list that are due, oldest first. False when one could not
 * leave (congestion, no path): new frames must not overtake it.
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
		path = path_pick(s, false, -1);
		if (path < 0)
			return false;
		frame_unlink(s, f);
		if (!frame_send(lc, s, f, (unsigned int)path, now))
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
		int path;

		if (s->nb_free == 0)
			return;
		path = path_pick(s, true, -1);
		if (path < 0)
			return;
		f = frame_take(s);
		f->io = io;
		f->ata_cmd = frame_ata_cmd(s, io);
		f->lba = io->lba + io->issued;
		f->data = io->buf + (size_t)io->issued * AOE_SECTOR_SIZE;
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
		if (!frame_send(lc, s, f, (unsigned int)path, now))
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
	session_refresh(s);
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

static void
frame_fail(struct aoe_session *s, struct aoe_frame *f, int status)
{
	struct aoe_io *io = f->io;

	frame_unlink(s, f);
	frame_release(s, f);
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
}

/* Why a response was refused; see aoe_session_rx and docs/protocol.md. */
enum rsp_verdict {
	RSP_ACCEPT,
	RSP_UNEXPECTED,	  /* no transmission of a frame in flight carries this tag */
	RSP_WRONG_SOURCE, /* not from the MAC and port that transmission went to */
	RSP_BAD,	  /* the ATA part does not decode */
	RSP_WRONG_FIELDS, /* ATA flags, LBA or count are not the request's */
};

/*
 * Does a response's ATA part answer this request? Both vblade and aoe-target echo the flags;
 * for READ/WRITE a target leaves the LBA as sent or advances it by the sectors it moved, and
 * lowers the count by as many (vblade leaves the LBA and zeroes the count); for other commands
 * the LBA comes back as sent and the count may be anything (IDENTIFY: vblade zeroes it).
 */
static bool
rsp_fields_match(const struct aoe_ata *req, const struct aoe_ata *rsp, bool rw)
{
	const uint64_t lba_mask = (UINT64_C(1) << 48) - 1;
	unsigned int moved;

	if ((req->aflags ^ rsp->aflags) & (AOE_AFLAG_EXT | AOE_AFLAG_WRITE))
		return false;
	if (!rw)
		return rsp->lba == req->lba;
	if (rsp->sector_count > req->sector_count)
		return false;
	moved = req->sector_count - rsp->sector_count;
	return rsp->lba == req->lba || rsp->lba == ((req->lba + moved) & lba_mask);
}

/*
 * The acceptance rule for an ATA response, after the router's checks (AoE EtherType, allowed
 * port, response flag, sent to the receiving port's MAC, tag owner): it must carry the tag of
 * one of the last AOE_TX_HISTORY transmissions of a frame in flight, come from the MAC and port
 * that transmission went to, and (unless it is an AoE error) echo the request's ATA fields.
 * On acceptance *@p txp is the path of the transmission answered.
 */
static enum rsp_verdict
rsp_match(const struct aoe_session *s, const struct aoe_frame *f, const struct aoe_hdr *hdr,
	  unsigned int port, const struct rte_mbuf *m, struct aoe_ata *ata, unsigned int *txp)
{
	const struct aoe_path *p;
	struct aoe_ata req;
	uint16_t age;

	if (f == NULL || f->where == AOE_FRAME_FREE || f->ntx == 0)
		return RSP_UNEXPECTED;
	age = (uint16_t)(f->gen - aoe_tag_gen(hdr->tag));
	if (age >= RTE_MIN(f->ntx, (uint16_t)AOE_TX_HISTORY))
		return RSP_UNEXPECTED;
	*txp = f->tx_path[aoe_tag_gen(hdr->tag) % AOE_TX_HISTORY];
	p = &s->target->paths[*txp];
	if (p->port != port || memcmp(p->mac.addr_bytes, hdr->src, AOE_ETH_ALEN) != 0)
		return RSP_WRONG_SOURCE;
	/*
	 * A jumbo response may come as a chain (memif, scattered RX). The codec reads only the
	 * 36-byte header of a response, which the first segment always holds; the data is
	 * copied out later with rte_pktmbuf_read, which walks the chain.
	 */
	if (unlikely(rte_pktmbuf_data_len(m) < AOE_ATA_HDR_LEN && m->nb_segs > 1))
		return RSP_BAD;
	if (unlikely(aoe_ata_decode(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_pkt_len(m),
				    hdr, ata) != 0))
		return RSP_BAD;
	if (hdr->flags & AOE_FLAG_ERR)
		return RSP_ACCEPT;
	if (frame_ata(s, f, &req) != 0 || !rsp_fields_match(&req, ata, is_rw(f->ata_cmd)))
		return RSP_WRONG_FIELDS;
	return RSP_ACCEPT;
}

/* An AoE error answer: "bad argument" to a frame that may no longer fit asks for the config. */
static void
rsp_aoe_error(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f,
	      const struct aoe_hdr *hdr, unsigned int txp, uint16_t port_id, uint64_t now)
{
	struct aoe_target *t = s->target;
	struct aoe_io *io = f->io;

	s->stats->aoe_errors[RTE_MIN(hdr->error, AOE_STATS_AOE_ERRORS - 1)]++;
	frame_event(lc, s, hdr, AOE_EV_AOE_ERROR, hdr->tag, 0, hdr->src, hdr->dst, port_id);
	if (hdr->error == AOE_ERR_BADARG && is_rw(f->ata_cmd) && f->badarg < AOE_BADARG_RETRIES) {
		/*
		 * The target may have come back with a smaller sector count (another MTU, same
		 * MAC). Ask its config again and send the frame once more after it had time to
		 * answer, cut to the size the answer gives.
		 */
		f->badarg++;
		s->stats->requeries++;
		__atomic_store_n(&t->paths[txp].requery, 1, __ATOMIC_RELEASE);
		frame_unlink(s, f);
		frame_park(s, f, now + AOE_REQUERY_HOLD_US * aoe_engine.tsc_hz / 1000000);
		if (aoe_lcore_log_ok(lc, now))
			AOE_LOG(WARNING, io,
				"bad argument from %s to %u sectors at LBA %" PRIu64
				": asking its config again",
				t->name, f->nsect, f->lba);
		return;
	}
	io->aoe_error = hdr->error;
	if (aoe_lcore_log_ok(lc, now))
		AOE_LOG(ERR, io, "error packet from %s@%s; ecode=%u '%s'", t->name,
			aoe_engine.ports[t->paths[txp].port].name, hdr->error,
			aoe_error_str(hdr->error));
	frame_done(lc, s, f, -EIO, now);
}

/* An ATA error status: FLUSH CACHE EXT that is not advertised falls back, the rest fails. */
static void
rsp_ata_error(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f,
	      const struct aoe_hdr *hdr, const struct aoe_ata *ata, uint16_t port_id, uint64_t now)
{
	struct aoe_target *t = s->target;
	struct aoe_io *io = f->io;
	struct aoe_shm_event ev;

	if (f->ata_cmd == AOE_ATA_FLUSH_EXT && (ata->err_feature & AOE_ATA_ER_ABRT) &&
	    !t->flush_ext) {
		/* vblade aborts the EXT form it does not advertise: FLUSH CACHE from now on. */
		__atomic_store_n(&t->flush_ext_refused, 1, __ATOMIC_RELAXED);
		s->stats->flush_ext_fallbacks++;
		frame_unlink(s, f);
		f->ata_cmd = AOE_ATA_FLUSH;
		f->ntx = 0;
		frame_send(lc, s, f, f->path, now);
		return;
	}
	s->stats->ata_errors++;
	io->ata_status = ata->cmd_status;
	io->ata_error = ata->err_feature;
	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_ATA_ERROR;
	ev.shelf = t->shelf;
	ev.slot = t->slot;
	ev.old_tag = hdr->tag;
	memcpy(ev.src, hdr->src, sizeof(ev.src));
	memcpy(ev.dst, hdr->dst, sizeof(ev.dst));
	ev.port = port_id;
	ev.ata_cmd = f->ata_cmd;
	ev.ata_status = ata->cmd_status;
	ev.ata_error = ata->err_feature;
	ev.lba = f->lba;
	aoe_event_emit(lc, &ev);
	if (aoe_lcore_log_ok(lc, now))
		AOE_LOG(ERR, io, "ata error %s cmd=%02xh stat=%02xh err=%02xh lba=%" PRIu64,
			t->name, f->ata_cmd, ata->cmd_status, ata->err_feature, f->lba);
	frame_done(lc, s, f, -EIO, now);
}

void
aoe_session_rx(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr)
{
	struct aoe_target *t = aoe_target_lookup(hdr->shelf, hdr->slot);
	unsigned int port = (unsigned int)aoe_engine.port_index[m->port];
	uint64_t now = rte_rdtsc();
	struct aoe_session_path *sp;
	struct aoe_session *s;
	struct aoe_frame *f = NULL;
	struct aoe_ata ata;
	unsigned int slot, txp = 0;
	bool late;

	if (unlikely(t == NULL || (s = t->sess[lc->index]) == NULL)) {
		lc->stats->rx_no_target++;
		frame_event(lc, NULL, hdr, AOE_EV_UNEXPECTED, hdr->tag, 0, hdr->src, hdr->dst,
			    m->port);
		goto drop;
	}
	slot = aoe_tag_slot(hdr->tag);
	if (likely(slot < s->nb_slots))
		f = &s->frames[slot];
	switch (rsp_match(s, f, hdr, port, m, &ata, &txp)) {
	case RSP_ACCEPT:
		break;
	case RSP_UNEXPECTED:
		s->stats->unexpected++;
		frame_event(lc, s, hdr, AOE_EV_UNEXPECTED, hdr->tag, 0, hdr->src, hdr->dst,
			    m->port);
		goto drop;
	case RSP_WRONG_SOURCE:
		s->stats->wrong_source++;
		frame_event(lc, s, hdr, AOE_EV_WRONG_SOURCE, hdr->tag, 0, hdr->src, hdr->dst,
			    m->port);
		goto drop;
	case RSP_WRONG_FIELDS:
		s->stats->wrong_fields++;
		frame_event(lc, s, hdr, AOE_EV_WRONG_FIELDS, hdr->tag, 0, hdr->src, hdr->dst,
			    m->port);
		goto drop;
	case RSP_BAD:
		s->stats->bad_response++;
		goto drop;
	}
	late = aoe_tag_gen(hdr->tag) != f->gen;
	if (late) {
		s->stats->late++;
		frame_event(lc, s, hdr, AOE_EV_LATE, hdr->tag,
			    aoe_tag_make(lc->index, f->slot, f->gen), hdr->src, hdr->dst, m->port);
	}
	s->stats->frames_rx++;

	if (unlikely(hdr->flags & AOE_FLAG_ERR)) {
		rsp_aoe_error(lc, s, f, hdr, txp, m->port, now);
		goto drop;
	}
	if (unlikely(ata.cmd_status & AOE_ATA_ST_FAILED)) {
		rsp_ata_error(lc, s, f, hdr, &ata, m->port, now);
		goto drop;
	}
	if (!is_write(f->ata_cmd) && f->nsect != 0) {
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
	/* The path the answer came on gets the credit, whichever path sent the last copy. */
	sp = &s->paths[txp];
	if (!late && f->ntx == 1)
		aoe_rtt_sample(&sp->rtt, now - f->sent_tsc);
	aoe_window_on_ack(&sp->win);
	sp->timeouts_in_row = 0;
	if (unlikely(sp->failed)) {
		sp->failed = false;
		path_event(lc, s, txp, true);
	}
	frame_done(lc, s, f, 0, now);
drop:
	rte_pktmbuf_free(m);
}

static bool
session_busy(const struct aoe_session *s)
{
	return !TAILQ_EMPTY(&s->pending) || !TAILQ_EMPTY(&s->aged) || !TAILQ_EMPTY(&s->resend);
}

/* Another path than @p path that frames can move to. */
static bool
other_path_usable(const struct aoe_session *s, unsigned int path)
{
	unsigned int i;

	for (i = 0; i < s->nb_paths; i++)
		if (i != path && path_usable(s, i))
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

	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_PATH;
	ev.shelf = s->target->shelf;
	ev.slot = s->target->slot;
	ev.code = up;
	memcpy(ev.src, p->mac.addr_bytes, sizeof(ev.src));
	memcpy(ev.dst, port->mac.addr_bytes, sizeof(ev.dst));
	ev.port = port->port_id;
	ev.nout = session_outstanding(s);
	aoe_event_emit(lc, &ev);
	AOE_LOG(WARNING, io, "%s: path via %s to %02x:%02x:%02x:%02x:%02x:%02x %s", s->target->name,
		port->name, p->mac.addr_bytes[0], p->mac.addr_bytes[1], p->mac.addr_bytes[2],
		p->mac.addr_bytes[3], p->mac.addr_bytes[4], p->mac.addr_bytes[5],
		up			     ? "answers again"
		: other_path_usable(s, path) ? "failed: traffic moves to other paths"
					     : "failed: no other path, still retrying on it");
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

/*
 * How long the session has waited for the target: since the first transmission of the oldest
 * frame on the wire or, with nothing sent, since the oldest I/O that found no path. Frames held
 * back by local congestion never started the clock. 0 when nothing waits.
 */
static uint64_t
session_waited(const struct aoe_session *s, uint64_t now)
{
	const struct aoe_frame *f = TAILQ_FIRST(&s->aged);
	const struct aoe_io *io;

	if (f != NULL)
		return now - f->first_tsc;
	if (TAILQ_EMPTY(&s->resend) && (io = TAILQ_FIRST(&s->pending)) != NULL)
		return now - io->submit_tsc;
	return 0;
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
		if (!session_busy(s))
			return 0;
		aoe_session_fail_all(s, __atomic_load_n(&t->dead, __ATOMIC_RELAXED) ? -ETIMEDOUT
										    : -ENODEV);
		return 1;
	}
	if (!session_busy(s))
		return 0;
	session_refresh(s);
	waited = session_waited(s, now);
	if (e->deadsecs_tsc != 0 && waited >= e->deadsecs_tsc) {
		s->stats->timeouts++;
		AOE_LOG(ERR, io,
			"%s: no answer for %" PRIu64 ".%03" PRIu64 " s (deadsecs %u): "
			"failing its I/O",
			t->name, waited / e->tsc_hz, waited % e->tsc_hz * 1000 / e->tsc_hz,
			e->conf.deadsecs);
		__atomic_store_n(&t->dead, 1, __ATOMIC_RELEASE);
		aoe_session_fail_all(s, -ETIMEDOUT);
		return 1;
	}
	for (i = 0; i < s->nb_paths; i++) {
		struct aoe_session_path *sp = &s->paths[i];
		struct aoe_frame *f;

		/* Oldest first; one still in the TX buffer has not left, nor have those after. */
		while ((f = TAILQ_FIRST(&sp->in_flight)) != NULL && f->departed &&
		       now - f->sent_tsc >= sp->rtt.rto) {
			int path;

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
				/* No live path: wait, deadsecs still applies. */
				frame_park(s, f, now + sp->rtt.rto);
				continue;
			}
			s->stats->retransmits++;
			work++;
			if (!frame_send(lc, s, f, (unsigned int)path, now))
				continue;
			{
				const struct aoe_path *p = &t->paths[f->path];
				const struct aoe_port *port = &e->ports[p->port];

				frame_event(
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
