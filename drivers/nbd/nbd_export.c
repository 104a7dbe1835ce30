/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The export table: every bdev that aoe_bdev_list() shows, under its own name, looked up when a
 * client asks (nothing is cached, so a target that comes up, goes down or is resized is seen as
 * it is now, and partition bdevs, e1.1p2, are exports as they are). Control thread only,
 * except the event callback, which runs on the management lcore.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <aoe.h>

#include "nbd_internal.h"

static struct aoe_bdev_info bdev_list[NBD_EXPORTS_MAX];

static void
to_export(const struct aoe_bdev_info *b, struct nbd_neg_export *e)
{
	RTE_BUILD_BUG_ON(sizeof(e->name) != sizeof(b->name));
	memcpy(e->name, b->name, sizeof(e->name));
	e->size = b->num_blocks * b->block_size;
	e->read_only = b->read_only;
}

static unsigned int
export_list(void *arg, struct nbd_neg_export *out, unsigned int max)
{
	unsigned int i, n = aoe_bdev_list(bdev_list, NBD_EXPORTS_MAX);

	RTE_SET_USED(arg);
	for (i = 0; i < n && i < max && i < NBD_EXPORTS_MAX; i++)
		to_export(&bdev_list[i], &out[i]);
	return n;
}

/* Management lcore, descriptor lists locked: only flags, the control thread does the rest. */
static void
bdev_event(enum aoe_bdev_event_type type, struct aoe_bdev *bdev, void *ctx)
{
	struct nbd_conn *c = ctx;

	RTE_SET_USED(bdev);
	if (type != AOE_BDEV_EVENT_REMOVE)
		return; /* a resize shows to new connections: they read the size at open */
	__atomic_store_n(&c->gone, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&nbd_server.gone_gen, 1, __ATOMIC_RELEASE);
}

/*
 * Why @p name is not an export: a target that exists but is not up is down (or probing), and so
 * is every partition of it (e1.1p2 of a down e1.1): say so; anything else does not exist.
 */
static int
not_listed(const char *name)
{
	struct aoe_target_info info;
	char target[AOE_BDEV_NAME_MAX];

	if (aoe_bdev_name_parse(name, NULL, NULL, NULL) != 0)
		return -ENOENT;
	/* e1.1p2's target is e1.1: the name up to its 'p'. */
	snprintf(target, sizeof(target), "%.*s", (int)strcspn(name, "p"), name);
	return aoe_target_info_get(target, &info) == 0 && info.state != AOE_TARGET_UP ? -ENODEV
										      : -ENOENT;
}

static int
export_lookup(void *arg, const char *name, bool open, struct nbd_neg_export *exp)
{
	struct nbd_conn *c = arg;
	struct aoe_bdev *bdev;
	unsigned int i, n;
	int rc;

	n = aoe_bdev_list(bdev_list, NBD_EXPORTS_MAX);
	for (i = 0; i < n && i < NBD_EXPORTS_MAX; i++)
		if (strcmp(bdev_list[i].name, name) == 0)
			break;
	if (i == n || i == NBD_EXPORTS_MAX)
		return not_listed(name);
	to_export(&bdev_list[i], exp);
	if (!open)
		return 0;
	rc = aoe_bdev_open(name, !exp->read_only, bdev_event, c, &c->desc);
	if (rc != 0)
		return rc;
	/* The size as of the open: a resize since the listing shows here already. */
	bdev = aoe_bdev_desc_get_bdev(c->desc);
	exp->size = aoe_bdev_get_num_blocks(bdev) * aoe_bdev_get_block_size(bdev);
	return 0;
}

const struct nbd_neg_ops nbd_export_ops = {
	.list = export_list,
	.lookup = export_lookup,
};

struct nbd_export_stats *
nbd_export_stats_get(const char *name)
{
	struct nbd_shm *shm = nbd_server.shm;
	struct nbd_export_stats *e;
	unsigned int i;

	RTE_BUILD_BUG_ON(NBD_SHM_NAME_MAX != AOE_BDEV_NAME_MAX);
	RTE_BUILD_BUG_ON(NBD_EXPORT_NAME_MAX != AOE_BDEV_NAME_MAX);
	for (i = 0; i < shm->nb_exports; i++)
		if (strcmp(shm->exports[i].name, name) == 0)
			return &shm->exports[i];
	if (shm->nb_exports == NBD_EXPORTS_MAX)
		return NULL;
	e = &shm->exports[shm->nb_exports];
	snprintf(e->name, sizeof(e->name), "%s", name);
	/* Readers look up to nb_exports: the name is there first. */
	__atomic_store_n(&shm->nb_exports, shm->nb_exports + 1, __ATOMIC_RELEASE);
	return e;
}
