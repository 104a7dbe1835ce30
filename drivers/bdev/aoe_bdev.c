/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bdevs: one per target that is up and one per partition on it, kept in a list sorted by
 * name; their descriptors; the target events that create and remove them. Engine events come
 * through aoe_target_event_register() (registered before main(), so none is missed) and the
 * engine's stop through aoe_io_stop_register().
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>

#include "aoe_bdev_internal.h"

RTE_LOG_REGISTER(aoe_logtype_bdev, aoe.bdev, INFO);

rte_spinlock_recursive_t aoe_bdev_lock = RTE_SPINLOCK_RECURSIVE_INITIALIZER;
uint32_t aoe_bdev_epoch;

/* Every bdev alive: registered ones (not removed), and removed ones still referenced. */
static TAILQ_HEAD(, aoe_bdev) bdevs = TAILQ_HEAD_INITIALIZER(bdevs);
static int events_rc = -EAGAIN; /* registration of the engine callbacks */

static int
bdev_order(const struct aoe_bdev *a, uint16_t shelf, uint8_t slot, uint32_t part)
{
	if (a->shelf != shelf)
		return a->shelf < shelf ? -1 : 1;
	if (a->slot != slot)
		return a->slot < slot ? -1 : 1;
	return a->part < part ? -1 : a->part > part;
}

void
aoe_bdev_ref(struct aoe_bdev *b)
{
	b->refs++;
}

void
aoe_bdev_unref(struct aoe_bdev *b)
{
	if (--b->refs != 0)
		return;
	TAILQ_REMOVE(&bdevs, b, link);
	free(b);
}

static bool
bdev_removed(const struct aoe_bdev *b)
{
	return __atomic_load_n(&b->removed, __ATOMIC_ACQUIRE) != 0;
}

/* A new bdev, referenced by the list, at its place in it. */
static struct aoe_bdev *
bdev_create(struct aoe_target *t, uint16_t shelf, uint8_t slot, uint32_t part, uint64_t start,
	    uint64_t num_blocks)
{
	const char *disk = aoe_io_target_name(t); /* e{shelf}.{slot}, as the engine names it */
	struct aoe_bdev *b = calloc(1, sizeof(*b)), *at;

	if (b == NULL) {
		AOE_BDEV_LOG(ERR, "%s: no memory for a bdev", disk);
		return NULL;
	}
	b->target = t;
	b->shelf = shelf;
	b->slot = slot;
	b->part = part;
	b->start = start;
	b->num_blocks = num_blocks;
	if (part == 0)
		snprintf(b->name, sizeof(b->name), "%s", disk);
	else
		snprintf(b->name, sizeof(b->name), "%sp%u", disk, part);
	TAILQ_INIT(&b->descs);
	TAILQ_INIT(&b->channels);
	b->refs = 1;
	TAILQ_FOREACH(at, &bdevs, link)
	{
		if (bdev_order(at, shelf, slot, part) > 0)
			break;
	}
	if (at != NULL)
		TAILQ_INSERT_BEFORE(at, b, link);
	else
		TAILQ_INSERT_TAIL(&bdevs, b, link);
	return b;
}

static struct aoe_bdev *
bdev_find(uint16_t shelf, uint8_t slot, uint32_t part)
{
	struct aoe_bdev *b;

	TAILQ_FOREACH(b, &bdevs, link)
	{
		if (!bdev_removed(b) && bdev_order(b, shelf, slot, part) == 0)
			return b;
	}
	return NULL;
}

struct aoe_bdev *
aoe_bdev_disk_find(const struct aoe_target *t)
{
	struct aoe_bdev *b;

	TAILQ_FOREACH(b, &bdevs, link)
	{
		if (!bdev_removed(b) && b->part == 0 && b->target == t)
			return b;
	}
	return NULL;
}

struct aoe_bdev *
aoe_bdev_part_register(struct aoe_bdev *disk, const struct aoe_part *p)
{
	return bdev_create(disk->target, disk->shelf, disk->slot, p->number, p->start, p->sectors);
}

void
aoe_bdev_parts_foreach(struct aoe_bdev *disk, void (*fn)(struct aoe_bdev *part, void *arg),
		       void *arg)
{
	struct aoe_bdev *b, *next;

	for (b = TAILQ_FIRST(&bdevs); b != NULL; b = next) {
		next = TAILQ_NEXT(b, link);
		if (!bdev_removed(b) && b->part != 0 && b->target == disk->target)
			fn(b, arg);
	}
}

static void
bdev_event(struct aoe_bdev *b, enum aoe_bdev_event_type type)
{
	struct aoe_bdev_desc *desc, *next;

	/* A callback may close its descriptor: take the next one first, keep the bdev. */
	aoe_bdev_ref(b);
	for (desc = TAILQ_FIRST(&b->descs); desc != NULL; desc = next) {
		next = TAILQ_NEXT(desc, link);
		if (desc->event_cb != NULL)
			desc->event_cb(type, b, desc->event_ctx);
	}
	aoe_bdev_unref(b);
}

void
aoe_bdev_remove(struct aoe_bdev *b, const char *why)
{
	if (bdev_removed(b))
		return;
	__atomic_store_n(&b->removed, 1, __ATOMIC_RELEASE);
	if (!TAILQ_EMPTY(&b->descs))
		AOE_BDEV_LOG(INFO, "%s removed (%s): its descriptors are told", b->name, why);
	bdev_event(b, AOE_BDEV_EVENT_REMOVE);
	aoe_bdev_unref(b); /* the list's reference */
}

/* Remove a disk and its partitions, the partitions first. */
static void
disk_remove(struct aoe_bdev *disk, const char *why)
{
	struct aoe_bdev *parts[AOE_BDEV_PART_MAX], *b;
	unsigned int n = 0, i;

	TAILQ_FOREACH(b, &bdevs, link)
	{
		if (b != disk && b->target == disk->target && !bdev_removed(b) &&
		    n < RTE_DIM(parts)) {
			aoe_bdev_ref(b);
			parts[n++] = b;
		}
	}
	for (i = 0; i < n; i++) {
		aoe_bdev_remove(parts[i], why);
		aoe_bdev_unref(parts[i]);
	}
	aoe_bdev_remove(disk, why);
}

/* Engine events, on the management lcore: bdevs come and go with their targets. */
static void
target_event(enum aoe_target_event event, const struct aoe_target_info *info, void *arg)
{
	struct aoe_target *t = aoe_io_target_find(info->shelf, info->slot);
	struct aoe_bdev *disk;

	RTE_SET_USED(arg);
	if (t == NULL)
		return;
	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	disk = aoe_bdev_disk_find(t);
	switch (event) {
	case AOE_EVENT_TARGET_UP:
		if (disk != NULL) /* a missed down: what was open is of the old disk */
			disk_remove(disk, "its target came up anew");
		disk = bdev_create(t, info->shelf, info->slot, 0, 0, info->sectors);
		if (disk != NULL)
			aoe_bdev_part_scan(disk);
		break;
	case AOE_EVENT_TARGET_DOWN:
		if (disk != NULL)
			disk_remove(disk, "its target went down");
		break;
	case AOE_EVENT_TARGET_RESIZED:
		if (disk == NULL)
			break;
		__atomic_store_n(&disk->num_blocks, info->sectors, __ATOMIC_RELEASE);
		AOE_BDEV_LOG(INFO, "%s resized: %" PRIu64 " blocks", disk->name, info->sectors);
		bdev_event(disk, AOE_BDEV_EVENT_RESIZE);
		if (!bdev_removed(disk))
			aoe_bdev_part_scan(disk);
		break;
	}
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
}

/*
 * aoe_fini(), on its thread, before it frees the targets: every bdev is removed (its
 * descriptors told), and what lingers forgets its target. Descriptors still open stay valid;
 * closing them later touches no target.
 */
static void
engine_stopping(void)
{
	struct aoe_bdev *b, *next;
	struct aoe_bdev_desc *desc;

	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	/* Channels taken so far belong to lcores that no longer poll: aoe_fini() completes
	 * their I/O on its own thread. */
	__atomic_fetch_add(&aoe_bdev_epoch, 1, __ATOMIC_RELEASE);
	/* Callbacks may close (and so free) any bdev: start over after each removal. */
	for (b = TAILQ_FIRST(&bdevs); b != NULL; b = next) {
		next = TAILQ_NEXT(b, link);
		if (!bdev_removed(b)) {
			if (b->part == 0)
				disk_remove(b, "the engine stopped");
			else
				aoe_bdev_remove(b, "the engine stopped");
			next = TAILQ_FIRST(&bdevs);
		}
	}
	TAILQ_FOREACH(b, &bdevs, link)
	{
		TAILQ_FOREACH(desc, &b->descs, link)
		desc->holds = false;
		b->target = NULL;
	}
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
}

/* Before main(), as the engine allows before aoe_init(): no event is ever missed. */
RTE_INIT(aoe_bdev_init)
{
	events_rc = aoe_target_event_register(target_event, NULL);
	if (events_rc == 0)
		events_rc = aoe_io_stop_register(engine_stopping);
	if (events_rc != 0)
		AOE_BDEV_LOG(ERR, "cannot follow the engine's targets: %s: no bdev will appear",
			     strerror(-events_rc));
}

int
aoe_bdev_name_parse(const char *name, uint16_t *shelf, uint8_t *slot, uint32_t *part)
{
	char disk[AOE_BDEV_NAME_MAX];
	const char *p;
	unsigned long n = 0;
	char *end;

	if (name == NULL)
		return -EINVAL;
	p = strchr(name, 'p');
	if (p == NULL) {
		if (aoe_name_parse(name, shelf, slot) != 0)
			return -EINVAL;
		if (part != NULL)
			*part = 0;
		return 0;
	}
	if ((size_t)(p - name) >= sizeof(disk) || !isdigit((unsigned char)p[1]) || p[1] == '0')
		return -EINVAL;
	n = strtoul(p + 1, &end, 10);
	if (*end != '\0' || n == 0 || n > AOE_BDEV_PART_MAX || end - p > 3)
		return -EINVAL;
	memcpy(disk, name, (size_t)(p - name));
	disk[p - name] = '\0';
	if (aoe_name_parse(disk, shelf, slot) != 0)
		return -EINVAL;
	if (part != NULL)
		*part = (uint32_t)n;
	return 0;
}

unsigned int
aoe_bdev_list(struct aoe_bdev_info *out, unsigned int max)
{
	struct aoe_bdev *b;
	unsigned int n = 0;

	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	TAILQ_FOREACH(b, &bdevs, link)
	{
		if (bdev_removed(b))
			continue;
		if (out != NULL && n < max) {
			struct aoe_bdev_info *i = &out[n];

			memset(i, 0, sizeof(*i));
			memcpy(i->name, b->name, sizeof(i->name));
			i->num_blocks = aoe_bdev_get_num_blocks(b);
			i->block_size = AOE_BDEV_BLOCK_SIZE;
			i->read_only = false; /* AoE has no write protection to report */
			i->part = b->part;
			i->start = b->start;
		}
		n++;
	}
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
	return n;
}

int
aoe_bdev_open(const char *name, bool write, aoe_bdev_event_cb event_cb, void *event_ctx,
	      struct aoe_bdev_desc **descp)
{
	struct aoe_bdev_desc *desc;
	struct aoe_target *t;
	struct aoe_bdev *b;
	uint16_t shelf;
	uint8_t slot;
	uint32_t part;
	int rc;

	if (descp == NULL || aoe_bdev_name_parse(name, &shelf, &slot, &part) != 0)
		return -EINVAL;
	desc = calloc(1, sizeof(*desc));
	if (desc == NULL)
		return -ENOMEM;
	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	b = bdev_find(shelf, slot, part);
	if (b == NULL) {
		rte_spinlock_recursive_unlock(&aoe_bdev_lock);
		free(desc);
		/* A target that exists but is not up is down (or probing): say so. */
		t = aoe_io_target_find(shelf, slot);
		return t != NULL && aoe_io_target_state(t) != AOE_TARGET_UP ? -ENODEV : -ENOENT;
	}
	/* Counted before the state is looked at: see aoe_io_target_hold(). */
	rc = aoe_io_target_hold(b->target);
	if (rc != 0) {
		rte_spinlock_recursive_unlock(&aoe_bdev_lock);
		free(desc);
		return rc;
	}
	desc->bdev = b;
	desc->write = write;
	desc->holds = true;
	desc->event_cb = event_cb;
	desc->event_ctx = event_ctx;
	TAILQ_INSERT_TAIL(&b->descs, desc, link);
	aoe_bdev_ref(b);
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
	*descp = desc;
	return 0;
}

int
aoe_bdev_close(struct aoe_bdev_desc *desc)
{
	struct aoe_bdev *b;
	unsigned int i;

	if (desc == NULL)
		return -EINVAL;
	for (i = 0; i < AOE_MAX_LCORES; i++) {
		if (__atomic_load_n(&desc->channels[i], __ATOMIC_ACQUIRE) != NULL) {
			AOE_BDEV_LOG(ERR, "%s: close refused: lcore index %u still holds a channel",
				     desc->bdev->name, i);
			return -EBUSY;
		}
	}
	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	b = desc->bdev;
	TAILQ_REMOVE(&b->descs, desc, link);
	if (desc->holds && b->target != NULL)
		aoe_io_target_release(b->target);
	aoe_bdev_unref(b);
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
	free(desc);
	return 0;
}

struct aoe_bdev *
aoe_bdev_desc_get_bdev(struct aoe_bdev_desc *desc)
{
	return desc == NULL ? NULL : desc->bdev;
}

const char *
aoe_bdev_get_name(const struct aoe_bdev *bdev)
{
	return bdev == NULL ? "" : bdev->name;
}

uint32_t
aoe_bdev_get_block_size(const struct aoe_bdev *bdev)
{
	return bdev == NULL ? 0 : AOE_BDEV_BLOCK_SIZE;
}

uint64_t
aoe_bdev_get_num_blocks(const struct aoe_bdev *bdev)
{
	return bdev == NULL ? 0 : __atomic_load_n(&bdev->num_blocks, __ATOMIC_ACQUIRE);
}

uint32_t
aoe_bdev_get_payload(const struct aoe_bdev *bdev)
{
	uint32_t payload = 0;

	if (bdev == NULL)
		return 0;
	/* The target goes with the engine: look at it under the lock engine_stopping() takes. */
	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	if (!bdev_removed(bdev) && bdev->target != NULL)
		payload = aoe_io_target_payload(bdev->target);
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
	return payload;
}

int
aoe_bdev_get_io_stat(struct aoe_bdev *bdev, struct aoe_bdev_io_stat *stat)
{
	struct aoe_io_channel *ch;

	if (bdev == NULL || stat == NULL)
		return -EINVAL;
	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	*stat = bdev->stat_put;
	TAILQ_FOREACH(ch, &bdev->channels, link)
	aoe_bdev_stat_add(stat, &ch->stat);
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
	stat->ticks_rate = rte_get_tsc_hz();
	return 0;
}
