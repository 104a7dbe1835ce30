/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Paths as a session sees them: which path a frame takes (round robin over the usable ones,
 * away from one that just lost a frame), each path's window and retransmission timer, and its
 * health (failed after timeouts in a row, tried again when it answers discovery). What
 * management publishes about a path (a new one, a changed config, a retired or reused slot)
 * is taken in here.
 */
#include <string.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_names.h"
#include "aoe_session.h"

/* Timeouts in a row after which a path is avoided while another one answers. */
#define AOE_PATH_FAIL_THRESHOLD 3

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
void
aoe_path_refresh(struct aoe_session *s)
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
		if (s->target_generation != UINT32_MAX && aoe_session_busy(s))
			aoe_session_fail_all(s, -ENODEV);
		else
			aoe_fence_drop_all(s); /* it was down: what it had not answered, it lost */
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

bool
aoe_path_alive(const struct aoe_session *s, unsigned int i)
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
int
aoe_path_pick(struct aoe_session *s, bool need_room, int avoid)
{
	unsigned int i, n = s->nb_paths;
	int fallback = -1, avoided = -1;
	bool usable_exists = false;

	for (i = 0; i < n; i++) {
		unsigned int p = (s->next_path + i) % n;
		bool room = !need_room || aoe_window_has_room(&s->paths[p].win);

		if (!aoe_path_alive(s, p))
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

bool
aoe_path_other_usable(const struct aoe_session *s, unsigned int path)
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
	char mac[AOE_MAC_STR_MAX];

	aoe_event_init(&ev, AOE_EV_PATH, s->target->shelf, s->target->slot);
	ev.code = up;
	memcpy(ev.src, p->mac.addr_bytes, sizeof(ev.src));
	memcpy(ev.dst, port->mac.addr_bytes, sizeof(ev.dst));
	ev.port = port->port_id;
	ev.nout = aoe_session_outstanding(s);
	aoe_event_emit(lc, &ev);
	aoe_mac_format(p->mac.addr_bytes, mac, sizeof(mac));
	AOE_LOG(WARNING, io, "%s: path via %s to %s %s", s->target->name, port->name, mac,
		up				 ? "answers again"
		: aoe_path_other_usable(s, path) ? "failed: traffic moves to other paths"
						 : "failed: no other path, still retrying on it");
}

/*
 * An answer came on @p path: the credit is that path's, whichever path sent the last copy of
 * the frame. @p sample: the answer is a clean RTT sample (Karn's rule).
 */
void
aoe_path_ack(struct aoe_lcore *lc, struct aoe_session *s, unsigned int path, bool sample,
	     uint64_t rtt)
{
	struct aoe_session_path *sp = &s->paths[path];

	if (sample)
		aoe_rtt_sample(&sp->rtt, rtt);
	aoe_window_on_ack(&sp->win);
	sp->timeouts_in_row = 0;
	if (unlikely(sp->failed)) {
		sp->failed = false;
		path_event(lc, s, path, true);
	}
}

/* Frame @p f timed out on @p path: one loss episode halves the window, the timer backs off. */
void
aoe_path_loss(struct aoe_lcore *lc, struct aoe_session *s, unsigned int path,
	      const struct aoe_frame *f, uint64_t now)
{
	struct aoe_session_path *sp = &s->paths[path];

	if (aoe_window_on_loss(&sp->win, f->sent_tsc, now) || f->ntx > 1)
		aoe_rtt_backoff(&sp->rtt);
	sp->timeouts_in_row++;
	if (sp->timeouts_in_row == AOE_PATH_FAIL_THRESHOLD && !sp->failed) {
		sp->failed = true;
		path_event(lc, s, path, false);
		/*
		 * Ask its config again: a target restarted on a link with a smaller MTU drops
		 * every frame sized for the old one and answers none of them, so no "bad
		 * argument" tells of it. Its config answer sets the new size and revives it.
		 */
		__atomic_store_n(&s->target->paths[path].requery, 1, __ATOMIC_RELEASE);
	}
}
