/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The write fence: a later write never lands under a late copy of an earlier one.
 *
 * A write frame is done at its first answer, but other copies of it may still be on their way:
 * a retransmission on another path, or an earlier transmission that waited in a queue (the TX
 * ring of a path that failed and is no longer driven, a target's socket buffer) and reaches the
 * disk later. Were a later write to the same sectors to go on another path and be answered
 * first, that copy would land on top of it: the earlier data over the later, a lost write.
 *
 * Each path is a FIFO from this lcore's queue to the target (one TX queue, one link, a target
 * that serves its frames in order, as vblade and aoe-target do), so every copy sent on a path is
 * known to have landed or died once that path answers a transmission made after it. Until then
 * the done frame lingers here, its slot kept (the frame table bounds them), and a write that
 * overlaps it goes on that path, behind it, even when the path failed: sending there also
 * pushes out whatever of ours still waits to leave for it (the path gets a frame every RTO for
 * that alone, see paths_kick). Copies on two paths hold an overlapping write back until one of
 * them is resolved. A copy whose path answers nothing later for deadsecs is abandoned, as the
 * engine abandons any frame after deadsecs; the log says so, because it could still land
 * should that path come back. A write the fence holds is not aged meanwhile: it waits for
 * ordering, not for the target.
 *
 * The frames a write was cut into (to fit a narrower path) go behind its wider copy too. They
 * carry the same data, so not for order: their answers on that path are what resolves the copy.
 * Moved elsewhere, they would leave the path unused, and the copy could only be abandoned;
 * the soak saw such abandoned copies land after later writes (docs/soak.md).
 *
 * The fence orders the writes of one lcore; writes to the same sectors made on two lcores, like
 * concurrent writes, are not ordered by it.
 */
#include <inttypes.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_names.h"
#include "aoe_session.h"

/*
 * The number of the last copy of @p f sent on path @p p, from its transmission history; the
 * number of its last copy of all when some copies are no longer in the history (more than
 * AOE_TX_HISTORY, or sent before a split restarted the count): later than or the same as it.
 */
static uint64_t
copy_last_seq(const struct aoe_frame *f, unsigned int p)
{
	unsigned int k;
	uint64_t seq = 0;

	if (f->copies != f->ntx || f->ntx > AOE_TX_HISTORY)
		return f->last_seq;
	for (k = 0; k < f->ntx; k++) {
		unsigned int h = (uint16_t)(f->gen - k) % AOE_TX_HISTORY;

		if (f->tx_path[h] == p)
			seq = RTE_MAX(seq, f->tx_seq[h]);
	}
	return seq;
}

/*
 * Paths on which a copy of @p f may still be on its way: those it went on that have not
 * answered its last copy there or a transmission made after it.
 */
static uint32_t
copies_unresolved(const struct aoe_session *s, const struct aoe_frame *f)
{
	uint32_t paths = f->sent_paths, unresolved = 0;

	while (paths != 0) {
		unsigned int p = (unsigned int)__builtin_ctz(paths);

		paths &= paths - 1;
		if (s->paths[p].answered_seq < copy_last_seq(f, p))
			unresolved |= 1u << p;
	}
	return unresolved;
}

bool
aoe_fence_keep(struct aoe_session *s, struct aoe_frame *f)
{
	if (!aoe_ata_cmd_is_write(f->ata_cmd) || copies_unresolved(s, f) == 0)
		return false;
	if (f->aged) {
		TAILQ_REMOVE(&s->aged, f, age_link);
		f->aged = 0;
	}
	f->io = NULL;
	f->where = AOE_FRAME_LINGER;
	TAILQ_INSERT_TAIL(&s->lingering, f, link);
	s->nb_lingering++;
	s->stats->ghost_writes++;
	return true;
}

/* The paths lingering @p g still holds writes to; none once it is resolved or abandoned. */
static uint32_t
lingering_holds(struct aoe_lcore *lc, struct aoe_session *s, const struct aoe_frame *g,
		uint64_t now)
{
	uint32_t unresolved = copies_unresolved(s, g);
	uint64_t deadsecs = aoe_engine.deadsecs_tsc;

	if (unresolved == 0 || deadsecs == 0 || (int64_t)(now - g->sent_tsc) < (int64_t)deadsecs)
		return unresolved;
	s->stats->ghosts_abandoned++;
	/* The writes held behind it on that silent path need not wait out their timers. */
	for (uint32_t paths = unresolved; paths != 0; paths &= paths - 1)
		s->paths[__builtin_ctz(paths)].fence_abandoned = true;
	if (aoe_lcore_log_ok(lc, now)) {
		const struct aoe_path *p = &s->target->paths[__builtin_ctz(unresolved)];
		char mac[AOE_MAC_STR_MAX];

		aoe_mac_format(p->mac.addr_bytes, mac, sizeof(mac));
		AOE_LOG(WARNING, io,
			"%s: a copy of a write of %u sectors at LBA %" PRIu64
			" got no later answer from %s in deadsecs: abandoned (it would land "
			"late, should that path come back)",
			s->target->name, g->span, g->lba, mac);
	}
	return 0;
}

int
aoe_fence_path(struct aoe_lcore *lc, struct aoe_session *s, uint64_t lba, uint32_t nsect,
	       uint64_t now)
{
	struct aoe_frame *g, *next;
	uint32_t hold = 0;
	unsigned int p;

	for (g = TAILQ_FIRST(&s->lingering); g != NULL; g = next) {
		uint32_t paths = lingering_holds(lc, s, g, now);

		next = TAILQ_NEXT(g, link);
		if (paths == 0)
			aoe_frame_release(s, g);
		else if (g->lba < lba + nsect && lba < g->lba + g->span)
			hold |= paths;
	}
	if (hold == 0)
		return AOE_FENCE_FREE;
	if ((hold & (hold - 1)) != 0)
		return AOE_FENCE_WAIT;
	p = (unsigned int)__builtin_ctz(hold);
	/* A slot that now holds another route, or a port taken out: nothing to queue behind. */
	return aoe_path_alive(s, p) ? (int)p : AOE_FENCE_WAIT;
}

/*
 * Some ports keep what they were given until they are given more: af_packet's TX ring, when the
 * kernel cannot take a whole burst, holds the rest until the next burst. A copy held there would
 * leave whenever the path is next used, however late, and land after writes that went another
 * way once it was abandoned. So a path with copies unresolved is given a frame every RTO, a
 * query config to its target (answered to management, like any), which pushes out what waits
 * before it on this lcore's queue.
 */
static void
paths_kick(struct aoe_lcore *lc, struct aoe_session *s, uint32_t paths, uint64_t now)
{
	const struct aoe_target *t = s->target;

	for (; paths != 0; paths &= paths - 1) {
		unsigned int p = (unsigned int)__builtin_ctz(paths);
		struct aoe_session_path *sp = &s->paths[p];

		if (now - sp->kick_tsc < sp->rtt.rto || !aoe_path_alive(s, p))
			continue;
		sp->kick_tsc = now;
		aoe_mgmt_config_query(lc, t->paths[p].port, t->paths[p].mac.addr_bytes, t->shelf,
				      t->slot);
	}
}

void
aoe_fence_timers(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now)
{
	struct aoe_frame *g, *next;
	uint32_t unresolved = 0;

	for (g = TAILQ_FIRST(&s->lingering); g != NULL; g = next) {
		uint32_t paths = lingering_holds(lc, s, g, now);

		next = TAILQ_NEXT(g, link);
		if (paths == 0)
			aoe_frame_release(s, g);
		unresolved |= paths;
	}
	paths_kick(lc, s, unresolved, now);
}

void
aoe_fence_drop_all(struct aoe_session *s)
{
	struct aoe_frame *g;

	while ((g = TAILQ_FIRST(&s->lingering)) != NULL)
		aoe_frame_release(s, g);
}
