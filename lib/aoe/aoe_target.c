/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The target table. Management appends targets and publishes them through an open-addressed
 * hash keyed by shelf.slot; workers look them up without locks. A target is never freed while
 * the engine runs (one that goes away keeps its entry, down, and is reused when it returns),
 * so a pointer a worker holds stays valid.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_names.h"

static uint32_t
target_key(uint16_t shelf, uint8_t slot)
{
	return ((uint32_t)shelf << 8) | slot;
}

static uint32_t
hash_start(uint32_t key)
{
	/* Fibonacci hashing spreads consecutive shelves and slots. */
	return (key * 2654435769u) >> (32 - 10);
}

struct aoe_target *
aoe_target_lookup(uint16_t shelf, uint8_t slot)
{
	struct aoe_engine *e = &aoe_engine;
	uint32_t key = target_key(shelf, slot);
	uint32_t i, h = hash_start(key);

	RTE_BUILD_BUG_ON(AOE_TARGET_HASH_SIZE != 1 << 10);
	for (i = 0; i < AOE_TARGET_HASH_SIZE; i++) {
		uint32_t entry = __atomic_load_n(
			&e->target_hash[(h + i) & (AOE_TARGET_HASH_SIZE - 1)], __ATOMIC_ACQUIRE);
		struct aoe_target *t;

		if (entry == 0)
			return NULL;
		t = e->targets[entry - 1];
		if (t->shelf == shelf && t->slot == slot)
			return t;
	}
	return NULL;
}

void
aoe_target_format_name(char *buf, size_t len, uint16_t shelf, uint8_t slot)
{
	snprintf(buf, len, "e%u.%u", shelf, slot);
}

struct aoe_target *
aoe_target_create(uint16_t shelf, uint8_t slot)
{
	struct aoe_engine *e = &aoe_engine;
	struct aoe_target *t;
	uint32_t i, h, idx = e->nb_targets;

	if (idx >= AOE_MAX_TARGETS) {
		AOE_LOG(WARNING, disc, "target table full (%u): e%u.%u ignored", AOE_MAX_TARGETS,
			shelf, slot);
		return NULL;
	}
	t = rte_zmalloc("aoe_target", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return NULL;
	t->shelf = shelf;
	t->slot = slot;
	t->state = AOE_TARGET_DOWN;
	t->index = (uint16_t)idx;
	aoe_target_format_name(t->name, sizeof(t->name), shelf, slot);
	e->targets[idx] = t;
	__atomic_store_n(&e->nb_targets, idx + 1, __ATOMIC_RELEASE);

	h = hash_start(target_key(shelf, slot));
	for (i = 0; i < AOE_TARGET_HASH_SIZE; i++) {
		uint32_t *entry = &e->target_hash[(h + i) & (AOE_TARGET_HASH_SIZE - 1)];

		if (*entry == 0) {
			__atomic_store_n(entry, idx + 1, __ATOMIC_RELEASE);
			break;
		}
	}
	return t;
}

const char *
aoe_target_state_str(enum aoe_target_state state)
{
	return aoe_state_name(state);
}

void
aoe_target_snapshot(const struct aoe_target *t, struct aoe_target_info *info)
{
	uint32_t nb_paths = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE);
	unsigned int i, live = 0, payload_sectors = 0;

	memset(info, 0, sizeof(*info));
	memcpy(info->name, t->name, sizeof(info->name));
	info->shelf = t->shelf;
	info->slot = t->slot;
	info->state = aoe_target_state_get(t);
	for (i = 0; i < nb_paths; i++) {
		const struct aoe_path *path = &t->paths[i];
		unsigned int nsect = __atomic_load_n(&path->nsect, __ATOMIC_RELAXED);
		uint16_t bufcnt = __atomic_load_n(&path->bufcnt, __ATOMIC_RELAXED);

		if (__atomic_load_n(&path->retired, __ATOMIC_RELAXED))
			continue;
		if (live++ == 0) {
			const struct aoe_port *p = &aoe_engine.ports[path->port];

			info->mac = path->mac;
			info->port = p->port_id;
			snprintf(info->port_name, sizeof(info->port_name), "%s", p->name);
		}
		/* As the kernel shows it: the payload and counts every path takes. */
		if (payload_sectors == 0 || nsect < payload_sectors)
			payload_sectors = nsect;
		if (info->sectors_per_frame == 0 || path->cfg_sectors < info->sectors_per_frame)
			info->sectors_per_frame = path->cfg_sectors;
		if (info->bufcnt == 0 || bufcnt < info->bufcnt)
			info->bufcnt = bufcnt;
	}
	info->nb_paths = live;
	info->payload = payload_sectors * AOE_SECTOR_SIZE;
	info->sectors = t->sectors;
	info->fwver = t->fwver;
	info->lba48 = t->lba48;
	info->open = __atomic_load_n(&t->open_count, __ATOMIC_RELAXED) > 0;
	memcpy(info->model, t->model, sizeof(info->model));
	memcpy(info->serial, t->serial, sizeof(info->serial));
	memcpy(info->firmware, t->firmware, sizeof(info->firmware));
	for (i = 0; i < t->config_len && i < AOE_CFG_STR_MAX; i++)
		info->config[i] = isprint(t->config[i]) ? (char)t->config[i] : '?';
	info->config[i] = '\0';
}

static int
info_cmp(const void *a, const void *b)
{
	const struct aoe_target_info *x = a, *y = b;

	return aoe_target_order(x->shelf, x->slot, y->shelf, y->slot);
}

unsigned int
aoe_target_list(struct aoe_target_info *out, unsigned int max)
{
	struct aoe_engine *e = &aoe_engine;
	uint32_t n = __atomic_load_n(&e->nb_targets, __ATOMIC_ACQUIRE);
	unsigned int i;

	unsigned int shown = 0;

	for (i = 0; i < n; i++) {
		const struct aoe_target *t = e->targets[i];

		if (t->flushed)
			continue;
		if (out != NULL && shown < max)
			aoe_target_snapshot(t, &out[shown]);
		shown++;
	}
	if (out != NULL)
		qsort(out, RTE_MIN(shown, max), sizeof(*out), info_cmp);
	return shown;
}

int
aoe_target_info_get(const char *name, struct aoe_target_info *info)
{
	struct aoe_target *t;
	uint16_t shelf;
	uint8_t slot;

	if (info == NULL || aoe_name_parse(name, &shelf, &slot) != 0)
		return -EINVAL;
	t = aoe_target_lookup(shelf, slot);
	if (t == NULL || t->flushed)
		return -ENOENT;
	aoe_target_snapshot(t, info);
	return 0;
}

/*
 * Target event callbacks: kept for the life of the process, across aoe_fini() and aoe_init().
 * Registration may come from any thread; the management lcore reads the table without a lock:
 * an entry is written before the count that makes it visible is published.
 */
static struct {
	aoe_target_event_cb cb;
	void *arg;
} event_cbs[AOE_MAX_EVENT_CBS];
static uint32_t nb_event_cbs;
static rte_spinlock_t event_cbs_lock = RTE_SPINLOCK_INITIALIZER;

int
aoe_target_event_register(aoe_target_event_cb cb, void *arg)
{
	uint32_t n;

	if (cb == NULL)
		return -EINVAL;
	rte_spinlock_lock(&event_cbs_lock);
	n = nb_event_cbs;
	if (n == AOE_MAX_EVENT_CBS) {
		rte_spinlock_unlock(&event_cbs_lock);
		return -ENOSPC;
	}
	event_cbs[n].cb = cb;
	event_cbs[n].arg = arg;
	__atomic_store_n(&nb_event_cbs, n + 1, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&event_cbs_lock);
	return 0;
}

void
aoe_target_notify(struct aoe_target *t, enum aoe_target_event event)
{
	uint32_t i, n = __atomic_load_n(&nb_event_cbs, __ATOMIC_ACQUIRE);
	struct aoe_target_info info;

	if (n == 0)
		return;
	aoe_target_snapshot(t, &info);
	/* A callback that registers another sees it called from the next event on. */
	for (i = 0; i < n; i++)
		event_cbs[i].cb(event, &info, event_cbs[i].arg);
}

int
aoe_revalidate(const char *name)
{
	struct aoe_target *t;
	uint16_t shelf;
	uint8_t slot;

	if (aoe_name_parse(name, &shelf, &slot) != 0)
		return -EINVAL;
	t = aoe_target_lookup(shelf, slot);
	if (t == NULL || t->flushed)
		return -ENOENT;
	/* Held while down: the old disk must be released before anything comes back. */
	if (aoe_target_state_get(t) == AOE_TARGET_DOWN_CLOSEWAIT)
		return -EBUSY;
	__atomic_store_n(&t->revalidate_requested, 1, __ATOMIC_RELEASE);
	return 0;
}

static bool
target_held(const struct aoe_target *t)
{
	return __atomic_load_n(&t->open_count, __ATOMIC_ACQUIRE) > 0;
}

int
aoe_flush(const char *what)
{
	struct aoe_engine *e = &aoe_engine;
	uint32_t i, n = __atomic_load_n(&e->nb_targets, __ATOMIC_ACQUIRE);
	bool all;
	int count = 0;

	if (what == NULL)
		return -EINVAL;
	if (what[0] == 'e') {
		struct aoe_target *t;
		uint16_t shelf;
		uint8_t slot;

		if (aoe_name_parse(what, &shelf, &slot) != 0)
			return -EINVAL;
		t = aoe_target_lookup(shelf, slot);
		if (t == NULL || t->flushed)
			return -ENOENT;
		if (target_held(t))
			return -EBUSY;
		__atomic_store_n(&t->flush_requested, 1, __ATOMIC_RELEASE);
		return 1;
	}
	if (what[0] != '\0' && strcmp(what, "all") != 0)
		return -EINVAL;
	all = what[0] != '\0';
	for (i = 0; i < n; i++) {
		struct aoe_target *t = e->targets[i];
		enum aoe_target_state state = aoe_target_state_get(t);

		if (t->flushed || target_held(t))
			continue;
		if (!all && state != AOE_TARGET_DOWN)
			continue;
		__atomic_store_n(&t->flush_requested, 1, __ATOMIC_RELEASE);
		count++;
	}
	return count;
}
