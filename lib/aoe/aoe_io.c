/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's side of the seam to the block device layer (aoe_io.h): targets as opaque
 * handles, holders, sessions and submission. Thin on purpose: the rules live where they are
 * enforced (the session code, management's state machine).
 */
#include <errno.h>

#include <rte_errno.h>

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

int
aoe_io_submit(struct aoe_session *s, struct aoe_io *io)
{
	return aoe_session_submit(s, io);
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
