/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The block device shim: bdevs over targets, descriptors, per-lcore channels and the I/O
 * objects they hand out. A channel owns a fixed array of I/O objects (no allocation per I/O)
 * and submits into its lcore's session with the target.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "aoe_bdev.h"
#include "aoe_internal.h"
#include "aoe_log.h"

#define AOE_CHANNEL_DEPTH_DEFAULT 1024

struct aoe_bdev {
	struct aoe_target *target;
	TAILQ_HEAD(, aoe_bdev_desc) descs;
};

struct aoe_bdev_desc {
	TAILQ_ENTRY(aoe_bdev_desc) link;
	struct aoe_bdev *bdev;
	bool write;
	aoe_bdev_event_cb event_cb;
	void *event_ctx;
};

struct aoe_bdev_io {
	struct aoe_io io; /* first: the engine completes this */
	struct aoe_io_channel *ch;
	aoe_bdev_io_cb cb;
	void *cb_arg;
	TAILQ_ENTRY(aoe_bdev_io) link; /* the channel's free list */
	uint64_t zeroes_left;	       /* write-zeroes: sectors after the chunk in flight */
};

struct aoe_io_channel {
	struct aoe_bdev *bdev;
	struct aoe_session *session;
	unsigned int lcore_id;
	unsigned int depth;
	unsigned int in_flight;
	TAILQ_HEAD(, aoe_bdev_io) free_ios;
	struct aoe_bdev_io ios[];
};

static struct aoe_bdev bdevs[AOE_MAX_TARGETS];
static bool events_registered;
/*
 * bdevs[] and their descriptor lists: open and close come from any thread,
 * events from the management lcore. Recursive, so that an event callback may close its
 * descriptor.
 */
static rte_spinlock_recursive_t bdevs_lock = RTE_SPINLOCK_RECURSIVE_INITIALIZER;
/* What write-zeroes writes from: in .bss, so it costs no memory until the first use. */
static uint8_t zeroes[AOE_BDEV_ZEROES_CHUNK];

static struct aoe_bdev *
bdev_of(struct aoe_target *t)
{
	unsigned int i;

	for (i = 0; i < AOE_MAX_TARGETS; i++) {
		if (bdevs[i].target == t)
			return &bdevs[i];
		if (bdevs[i].target == NULL) {
			bdevs[i].target = t;
			TAILQ_INIT(&bdevs[i].descs);
			return &bdevs[i];
		}
	}
	return NULL;
}

/* Engine events become bdev events for every descriptor open on that target. */
static void
target_event(enum aoe_target_event event, const struct aoe_target_info *info, void *arg)
{
	enum aoe_bdev_event_type type;
	struct aoe_bdev_desc *desc, *tmp;
	struct aoe_target *t;
	unsigned int i;

	(void)arg;
	if (event == AOE_EVENT_TARGET_DOWN)
		type = AOE_BDEV_EVENT_REMOVE;
	else if (event == AOE_EVENT_TARGET_RESIZED)
		type = AOE_BDEV_EVENT_RESIZE;
	else
		return;
	t = aoe_target_lookup(info->shelf, info->slot);
	rte_spinlock_recursive_lock(&bdevs_lock);
	for (i = 0; i < AOE_MAX_TARGETS && bdevs[i].target != NULL; i++) {
		if (bdevs[i].target != t)
			continue;
		/* A callback may close its descriptor: take the next one first. */
		for (desc = TAILQ_FIRST(&bdevs[i].descs); desc != NULL; desc = tmp) {
			tmp = TAILQ_NEXT(desc, link);
			if (desc->event_cb != NULL)
				desc->event_cb(type, &bdevs[i], desc->event_ctx);
		}
	}
	rte_spinlock_recursive_unlock(&bdevs_lock);
}

static int
target_order(const void *a, const void *b)
{
	const struct aoe_target *ta = *(const struct aoe_target *const *)a;
	const struct aoe_target *tb = *(const struct aoe_target *const *)b;
	uint32_t ka = (uint32_t)ta->shelf << 8 | ta->slot;
	uint32_t kb = (uint32_t)tb->shelf << 8 | tb->slot;

	return ka < kb ? -1 : ka > kb;
}

/*
 * Target events become bdev events from the start: registered before main(), as the engine
 * allows before aoe_init(), so no open from another thread registers while management runs
 * the callbacks.
 */
RTE_INIT(aoe_bdev_events_init)
{
	events_registered = aoe_target_event_register(target_event, NULL) == 0;
}

unsigned int
aoe_bdev_list(struct aoe_bdev_info *out, unsigned int max)
{
	struct aoe_target *up[AOE_MAX_TARGETS];
	uint32_t n = __atomic_load_n(&aoe_engine.nb_targets, __ATOMIC_ACQUIRE);
	unsigned int i, count = 0;

	if (!aoe_engine.initialised)
		return 0;
	for (i = 0; i < n && i < AOE_MAX_TARGETS; i++) {
		struct aoe_target *t = aoe_engine.targets[i];

		if (!t->flushed && aoe_target_state_get(t) == AOE_TARGET_UP && t->sectors != 0)
			up[count++] = t;
	}
	qsort(up, count, sizeof(up[0]), target_order);
	for (i = 0; i < count && i < max; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].name, sizeof(out[i].name), "%s", up[i]->name);
		out[i].num_blocks = up[i]->sectors;
		out[i].block_size = AOE_BDEV_BLOCK_SIZE;
		out[i].read_only = false; /* AoE has no write protection to report */
	}
	return count;
}

int
aoe_bdev_open(const char *name, bool write, aoe_bdev_event_cb event_cb, void *event_ctx,
	      struct aoe_bdev_desc **descp)
{
	struct aoe_bdev_desc *desc;
	struct aoe_target *t;
	struct aoe_bdev *bdev;
	uint16_t shelf;
	uint8_t slot;

	if (descp == NULL || aoe_name_parse(name, &shelf, &slot) != 0)
		return -EINVAL;
	if (!aoe_engine.initialised || !events_registered)
		return -ENODEV;
	t = aoe_target_lookup(shelf, slot);
	if (t == NULL || aoe_target_state_get(t) != AOE_TARGET_UP)
		return -ENODEV;
	desc = rte_zmalloc("aoe_bdev_desc", sizeof(*desc), 0);
	if (desc == NULL)
		return -ENOMEM;
	rte_spinlock_recursive_lock(&bdevs_lock);
	bdev = bdev_of(t);
	if (bdev == NULL) {
		rte_spinlock_recursive_unlock(&bdevs_lock);
		rte_free(desc);
		return -ENOMEM;
	}
	desc->bdev = bdev;
	desc->write = write;
	desc->event_cb = event_cb;
	desc->event_ctx = event_ctx;
	TAILQ_INSERT_TAIL(&bdev->descs, desc, link);
	__atomic_fetch_add(&t->open_count, 1, __ATOMIC_ACQ_REL);
	rte_spinlock_recursive_unlock(&bdevs_lock);
	*descp = desc;
	return 0;
}

void
aoe_bdev_close(struct aoe_bdev_desc *desc)
{
	if (desc == NULL)
		return;
	rte_spinlock_recursive_lock(&bdevs_lock);
	TAILQ_REMOVE(&desc->bdev->descs, desc, link);
	__atomic_fetch_sub(&desc->bdev->target->open_count, 1, __ATOMIC_ACQ_REL);
	rte_spinlock_recursive_unlock(&bdevs_lock);
	rte_free(desc);
}

struct aoe_bdev *
aoe_bdev_desc_get_bdev(struct aoe_bdev_desc *desc)
{
	return desc == NULL ? NULL : desc->bdev;
}

const char *
aoe_bdev_get_name(const struct aoe_bdev *bdev)
{
	return bdev->target->name;
}

uint32_t
aoe_bdev_get_block_size(const struct aoe_bdev *bdev)
{
	(void)bdev;
	return AOE_BDEV_BLOCK_SIZE;
}

uint64_t
aoe_bdev_get_num_blocks(const struct aoe_bdev *bdev)
{
	return bdev->target->sectors;
}

uint32_t
aoe_bdev_get_payload(const struct aoe_bdev *bdev)
{
	struct aoe_target_info info;

	aoe_target_snapshot(bdev->target, &info);
	return info.payload;
}

struct aoe_io_channel *
aoe_bdev_get_io_channel(struct aoe_bdev_desc *desc, unsigned int depth)
{
	struct aoe_lcore *lc = aoe_lcore_self();
	struct aoe_io_channel *ch;
	struct aoe_session *s;
	unsigned int i;

	if (desc == NULL || lc == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (aoe_target_state_get(desc->bdev->target) != AOE_TARGET_UP) {
		rte_errno = ENODEV;
		return NULL;
	}
	s = aoe_session_get(desc->bdev->target, lc);
	if (s == NULL)
		return NULL;
	if (depth == 0)
		depth = AOE_CHANNEL_DEPTH_DEFAULT;
	ch = rte_zmalloc_socket("aoe_io_channel", sizeof(*ch) + depth * sizeof(ch->ios[0]),
				RTE_CACHE_LINE_SIZE, rte_socket_id());
	if (ch == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	ch->bdev = desc->bdev;
	ch->session = s;
	ch->lcore_id = rte_lcore_id();
	ch->depth = depth;
	TAILQ_INIT(&ch->free_ios);
	for (i = 0; i < depth; i++) {
		ch->ios[i].ch = ch;
		TAILQ_INSERT_TAIL(&ch->free_ios, &ch->ios[i], link);
	}
	return ch;
}

void
aoe_bdev_put_io_channel(struct aoe_io_channel *ch)
{
	if (ch == NULL)
		return;
	if (ch->in_flight != 0)
		AOE_LOG(ERR, io, "%s: channel put with %u I/O in flight: leaked",
			ch->bdev->target->name, ch->in_flight);
	else
		rte_free(ch);
}

/* A write-zeroes chunk of at most AOE_BDEV_ZEROES_CHUNK starting at io->lba. */
static void
zeroes_chunk(struct aoe_bdev_io *bio, uint64_t lba, uint64_t left)
{
	uint64_t n = RTE_MIN(left, (uint64_t)(AOE_BDEV_ZEROES_CHUNK / AOE_BDEV_BLOCK_SIZE));

	bio->io.lba = lba;
	bio->io.nsect = (uint32_t)n;
	bio->zeroes_left = left - n;
}

static void
bdev_io_done(struct aoe_io *io)
{
	struct aoe_bdev_io *bio = (struct aoe_bdev_io *)io;
	int status = io->status;

	if (status == 0 && bio->zeroes_left != 0) {
		zeroes_chunk(bio, io->lba + io->nsect, bio->zeroes_left);
		status = aoe_session_submit(bio->ch->session, io);
		if (status == 0)
			return;
	}
	bio->cb(bio, status, bio->cb_arg);
}

static int
submit(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, enum aoe_io_op op, void *buf,
       uint64_t lba, uint64_t nsect, aoe_bdev_io_cb cb, void *cb_arg)
{
	struct aoe_bdev_io *bio;
	struct aoe_target *t;
	int rc;

	if (desc == NULL || ch == NULL || cb == NULL || ch->bdev != desc->bdev)
		return -EINVAL;
	t = desc->bdev->target;
	if (op == AOE_IO_READ || op == AOE_IO_WRITE) {
		if (buf == NULL || nsect == 0 || (nsect > UINT32_MAX && buf != zeroes))
			return -EINVAL;
		if (lba >= t->sectors || nsect > t->sectors - lba)
			return -ERANGE;
	}
	if (op == AOE_IO_WRITE && !desc->write)
		return -EBADF;
	if (aoe_target_state_get(t) != AOE_TARGET_UP)
		return -ENODEV;
	bio = TAILQ_FIRST(&ch->free_ios);
	if (bio == NULL)
		return -ENOMEM;
	TAILQ_REMOVE(&ch->free_ios, bio, link);
	bio->cb = cb;
	bio->cb_arg = cb_arg;
	bio->io.op = (uint8_t)op;
	bio->io.buf = buf;
	bio->io.lba = lba;
	bio->io.nsect = (uint32_t)nsect;
	bio->zeroes_left = 0;
	if (buf == zeroes)
		zeroes_chunk(bio, lba, nsect);
	bio->io.done = bdev_io_done;
	bio->io.arg = bio;
	rc = aoe_session_submit(ch->session, &bio->io);
	if (rc != 0) {
		TAILQ_INSERT_HEAD(&ch->free_ios, bio, link);
		return rc;
	}
	ch->in_flight++;
	return 0;
}

static int
bytes_to_blocks(uint64_t offset, uint64_t nbytes, uint64_t *lba, uint64_t *nsect)
{
	if (nbytes == 0 || offset % AOE_BDEV_BLOCK_SIZE || nbytes % AOE_BDEV_BLOCK_SIZE)
		return -EINVAL;
	*lba = offset / AOE_BDEV_BLOCK_SIZE;
	*nsect = nbytes / AOE_BDEV_BLOCK_SIZE;
	return 0;
}

int
aoe_bdev_read(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, void *buf, uint64_t offset,
	      uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	uint64_t lba, nsect;
	int rc = bytes_to_blocks(offset, nbytes, &lba, &nsect);

	return rc != 0 ? rc : submit(desc, ch, AOE_IO_READ, buf, lba, nsect, cb, cb_arg);
}

int
aoe_bdev_write(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const void *buf,
	       uint64_t offset, uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	uint64_t lba, nsect;
	int rc = bytes_to_blocks(offset, nbytes, &lba, &nsect);

	/* The engine only reads a write's buffer; the cast keeps one I/O structure. */
	return rc != 0 ? rc
		       : submit(desc, ch, AOE_IO_WRITE, (void *)(uintptr_t)buf, lba, nsect, cb,
				cb_arg);
}

int
aoe_bdev_read_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, void *buf,
		     uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb, void *cb_arg)
{
	return submit(desc, ch, AOE_IO_READ, buf, offset_blocks, num_blocks, cb, cb_arg);
}

int
aoe_bdev_write_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const void *buf,
		      uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb, void *cb_arg)
{
	return submit(desc, ch, AOE_IO_WRITE, (void *)(uintptr_t)buf, offset_blocks, num_blocks, cb,
		      cb_arg);
}

int
aoe_bdev_flush(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, aoe_bdev_io_cb cb,
	       void *cb_arg)
{
	return submit(desc, ch, AOE_IO_FLUSH, NULL, 0, 0, cb, cb_arg);
}

int
aoe_bdev_write_zeroes(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, uint64_t offset,
		      uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	uint64_t lba, nsect;
	int rc = bytes_to_blocks(offset, nbytes, &lba, &nsect);

	return rc != 0 ? rc : submit(desc, ch, AOE_IO_WRITE, zeroes, lba, nsect, cb, cb_arg);
}

void
aoe_bdev_free_io(struct aoe_bdev_io *bio)
{
	struct aoe_io_channel *ch;

	if (bio == NULL)
		return;
	ch = bio->ch;
	ch->in_flight--;
	TAILQ_INSERT_HEAD(&ch->free_ios, bio, link);
}

void
aoe_bdev_io_get_ata_status(const struct aoe_bdev_io *bio, uint8_t *status, uint8_t *error)
{
	if (status != NULL)
		*status = bio->io.ata_status;
	if (error != NULL)
		*error = bio->io.ata_error;
}

uint8_t
aoe_bdev_io_get_aoe_error(const struct aoe_bdev_io *bio)
{
	return bio->io.aoe_error;
}

int
aoe_bdev_poll(struct aoe_io_channel *ch)
{
	(void)ch;
	return aoe_lcore_poll();
}
