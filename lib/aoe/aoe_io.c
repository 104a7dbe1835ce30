/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's side of the seam to the block device layer (aoe_io.h): targets as opaque
 * handles, holders, sessions and submission. Thin on purpose: the rules live where they are
 * enforced (the session code, management's state machine).
 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "aoe_internal.h"

static void (*stop_cb)(void);

int
aoe_io_lcore(void)
{
	struct aoe_lcore *lc = aoe_lcore_self();

	return lc == NULL ? -1 : (int)lc->index;
}

struct aoe_target *
aoe_io_target_find(uint16_t shelf, uint8_t slot)
{
	if (!aoe_engine.initialised)
		return NULL;
	return aoe_target_lookup(shelf, slot);
}

const char *
aoe_io_target_name(const struct aoe_target *t)
{
	return t->name;
}

enum aoe_target_state
aoe_io_target_state(const struct aoe_target *t)
{
	return aoe_target_state_get(t);
}

uint64_t
aoe_io_target_sectors(const struct aoe_target *t)
{
	return t->sectors;
}

uint32_t
aoe_io_target_payload(const struct aoe_target *t)
{
	struct aoe_target_info info;

	aoe_target_snapshot(t, &info);
	return info.payload;
}

/*
 * The holder is counted before the state is looked at; management sets the state before it
 * counts holders (target_down() in aoe_mgmt.c). Sequentially consistent on both sides, so one
 * of the two sees the other: a hold either finds the target down, or is counted and keeps it
 * down,closewait.
 */
int
aoe_io_target_hold(struct aoe_target *t)
{
	__atomic_fetch_add(&t->open_count, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == AOE_TARGET_UP)
		return 0;
	__atomic_fetch_sub(&t->open_count, 1, __ATOMIC_SEQ_CST);
	return -ENODEV;
}

void
aoe_io_target_release(struct aoe_target *t)
{
	__atomic_fetch_sub(&t->open_count, 1, __ATOMIC_ACQ_REL);
}

struct aoe_session *
aoe_io_session(struct aoe_target *t)
{
	struct aoe_lcore *lc = aoe_lcore_self();

	if (lc == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	return aoe_session_get(t, lc);
}

uint32_t
aoe_io_zcopy_budget(void)
{
	const struct aoe_engine *e = &aoe_engine;

	if (!e->initialised || e->pool == NULL || e->nb_lcores == 0)
		return 0;
	return e->pool->size / 4 / e->nb_lcores;
}

/* Frames a read of @p nsect sectors takes on @p t now: at the smallest payload of its live
 * paths (the one the session cuts frames to). */
static uint32_t
zcopy_frames(const struct aoe_target *t, uint32_t nsect)
{
	uint32_t nb_paths = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE), i, per = 0;

	for (i = 0; i < nb_paths; i++) {
		uint32_t n = __atomic_load_n(&t->paths[i].nsect, __ATOMIC_RELAXED);

		if (!__atomic_load_n(&t->paths[i].retired, __ATOMIC_RELAXED) && n != 0 &&
		    (per == 0 || n < per))
			per = n;
	}
	return per == 0 ? nsect : (nsect + per - 1) / per;
}

int
aoe_io_submit(struct aoe_session *s, struct aoe_io *io)
{
	struct aoe_lcore *lc;
	int rc;

	if (io->held == NULL)
		return aoe_session_submit(s, io);
	lc = &aoe_engine.lcores[s->owner];
	io->zc_lcore = (uint16_t)s->owner;
	io->zc_reserved = zcopy_frames(s->target, io->nsect);
	if (lc->zcopy_reserved + io->zc_reserved > aoe_io_zcopy_budget()) {
		lc->stats->zcopy_refused++;
		io->zc_reserved = 0;
		return -ENOBUFS;
	}
	lc->zcopy_reserved += io->zc_reserved;
	rc = aoe_session_submit(s, io);
	if (rc != 0) {
		lc->zcopy_reserved -= io->zc_reserved;
		io->zc_reserved = 0;
		return rc;
	}
	lc->stats->zcopy_reads++;
	return 0;
}

unsigned int
aoe_io_zcopy_segments(const struct aoe_io *io, struct iovec *iov, unsigned int max)
{
	unsigned int n = 0;
	uint32_t at = 0;

	while (at < io->nsect) {
		const struct rte_mbuf *m = io->held[at], *seg;
		uint32_t left;

		if (m == NULL || m->pkt_len < AOE_SECTOR_SIZE)
			return 0;
		left = m->pkt_len;
		/* A jumbo answer may come chained: one segment per piece that holds data. */
		for (seg = m; seg != NULL && left != 0; seg = seg->next) {
			uint32_t len = RTE_MIN((uint32_t)seg->data_len, left);

			if (len == 0)
				continue;
			if (n < max) {
				iov[n].iov_base = rte_pktmbuf_mtod(seg, void *);
				iov[n].iov_len = len;
			}
			n++;
			left -= len;
		}
		at += m->pkt_len / AOE_SECTOR_SIZE;
	}
	return n;
}

void
aoe_io_zcopy_release(struct aoe_io *io)
{
	struct aoe_lcore *lc;
	uint32_t at, freed = 0;

	/* After aoe_fini() the frames went with the pool. */
	if (io->held == NULL || !aoe_engine.initialised)
		return;
	lc = &aoe_engine.lcores[io->zc_lcore];
	for (at = 0; at < io->nsect; at++) {
		if (io->held[at] != NULL) {
			rte_pktmbuf_free(io->held[at]);
			io->held[at] = NULL;
			freed++;
		}
	}
	lc->stats->zcopy_held -= freed;
	lc->zcopy_reserved -= io->zc_reserved;
	io->zc_reserved = 0;
}

int
aoe_io_stop_register(void (*cb)(void))
{
	if (stop_cb != NULL)
		return -EEXIST;
	stop_cb = cb;
	return 0;
}

void
aoe_io_engine_stopping(void)
{
	if (stop_cb != NULL)
		stop_cb();
}
