/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fake engine (aoe_fake_engine.h): what aoe_io.h and the parts of aoe.h the bdev layer
 * calls promise, over RAM disks. The rules it copies from the engine are the ones the bdev
 * layer relies on: a hold is counted before the state is read and a down target's holders are
 * counted after its state is stored (closewait); I/O of a target that is not up fails with
 * -ENODEV on its lcore's next poll; aoe_fini() calls the stop callback, then cancels.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "aoe_fake_engine.h"

#define FAKE_MAX_TARGETS 8
#define FAKE_MAX_CBS	 8

struct aoe_session {
	struct aoe_target *t;
	TAILQ_HEAD(, aoe_io) pending;
};

struct aoe_target {
	uint16_t shelf;
	uint8_t slot;
	char name[AOE_NAME_MAX];
	uint32_t state;	     /* atomic */
	uint32_t holds;	     /* atomic */
	uint32_t generation; /* atomic: times it came up */
	uint64_t sectors;    /* atomic */
	uint8_t *disk;
	struct aoe_session sess[FAKE_LCORES];
};

static struct aoe_target *targets[FAKE_MAX_TARGETS];
static unsigned int nb_targets; /* atomic */
static bool running;
static __thread int my_lcore = -1;
static uint32_t payload = 1024;
static bool hold;
static int fail_next;
static struct {
	aoe_target_event_cb cb;
	void *arg;
} cbs[FAKE_MAX_CBS];
static unsigned int nb_cbs;
static void (*stop_cb)(void);
/* Zero-copy reads: each answer a frame of its own, as the engine keeps them. */
struct fake_frame {
	uint32_t len;
	uint8_t data[];
};
static uint32_t zc_budget = UINT32_MAX;
static uint32_t zc_reserved[FAKE_LCORES];
static unsigned int zc_held; /* atomic: frames held over all lcores */
static uint64_t fake_tsc;    /* the engine's clock: each submission moves it on */

void
fake_lcore_set(int lcore)
{
	my_lcore = lcore;
}

/* ---- the seam ------------------------------------------------------------------------------- */

int
aoe_io_lcore(void)
{
	return running ? my_lcore : -1;
}

struct aoe_target *
aoe_io_target_find(uint16_t shelf, uint8_t slot)
{
	unsigned int i, n = __atomic_load_n(&nb_targets, __ATOMIC_ACQUIRE);

	if (!running)
		return NULL;
	for (i = 0; i < n; i++)
		if (targets[i]->shelf == shelf && targets[i]->slot == slot)
			return targets[i];
	return NULL;
}

const char *
aoe_io_target_name(const struct aoe_target *t)
{
	return t->name;
}

enum aoe_target_state
aoe_io_target_state(const struct aoe_target *t)
{
	return (enum aoe_target_state)__atomic_load_n(&t->state, __ATOMIC_SEQ_CST);
}

uint64_t
aoe_io_target_sectors(const struct aoe_target *t)
{
	return __atomic_load_n(&t->sectors, __ATOMIC_ACQUIRE);
}

uint32_t
aoe_io_target_payload(const struct aoe_target *t)
{
	(void)t;
	return payload;
}

int
aoe_io_target_hold(struct aoe_target *t)
{
	__atomic_fetch_add(&t->holds, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == AOE_TARGET_UP)
		return 0;
	__atomic_fetch_sub(&t->holds, 1, __ATOMIC_SEQ_CST);
	return -ENODEV;
}

void
aoe_io_target_release(struct aoe_target *t)
{
	__atomic_fetch_sub(&t->holds, 1, __ATOMIC_SEQ_CST);
}

struct aoe_session *
aoe_io_session(struct aoe_target *t)
{
	int lc = aoe_io_lcore();

	if (lc < 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	return &t->sess[lc];
}

int
aoe_io_submit(struct aoe_session *s, struct aoe_io *io)
{
	if (aoe_io_target_state(s->t) != AOE_TARGET_UP)
		return -ENODEV;
	if (io->held != NULL) {
		int lc = aoe_io_lcore();

		io->zc_lcore = (uint16_t)lc;
		io->zc_reserved = (uint32_t)(((uint64_t)io->nsect * 512 + payload - 1) / payload);
		if (zc_reserved[lc] + io->zc_reserved > zc_budget) {
			io->zc_reserved = 0;
			return -ENOBUFS;
		}
		zc_reserved[lc] += io->zc_reserved;
	}
	io->status = 0;
	io->cursor.idx = 0;
	io->cursor.base = 0;
	io->submit_tsc = __atomic_add_fetch(&fake_tsc, 1, __ATOMIC_RELAXED);
	TAILQ_INSERT_TAIL(&s->pending, io, link);
	return 0;
}

int
aoe_io_stop_register(void (*cb)(void))
{
	if (stop_cb != NULL)
		return -EEXIST;
	stop_cb = cb;
	return 0;
}

/* ---- what aoe.h promises -------------------------------------------------------------------- */

int
aoe_target_event_register(aoe_target_event_cb cb, void *arg)
{
	if (cb == NULL)
		return -EINVAL;
	if (nb_cbs == FAKE_MAX_CBS)
		return -ENOSPC;
	cbs[nb_cbs].cb = cb;
	cbs[nb_cbs].arg = arg;
	nb_cbs++;
	return 0;
}

static void
notify(struct aoe_target *t, enum aoe_target_event event)
{
	struct aoe_target_info info;
	unsigned int i;

	memset(&info, 0, sizeof(info));
	memcpy(info.name, t->name, sizeof(info.name));
	info.shelf = t->shelf;
	info.slot = t->slot;
	info.state = aoe_io_target_state(t);
	info.sectors = aoe_io_target_sectors(t);
	info.payload = payload;
	for (i = 0; i < nb_cbs; i++)
		cbs[i].cb(event, &info, cbs[i].arg);
}

static void
zcopy_keep(struct aoe_io *io, uint64_t off, const uint8_t *disk, size_t n)
{
	struct fake_frame *fr = malloc(sizeof(*fr) + n);

	if (fr == NULL)
		abort();
	fr->len = (uint32_t)n;
	memcpy(fr->data, disk, n);
	io->held[off / 512] = fr;
	__atomic_fetch_add(&zc_held, 1, __ATOMIC_RELAXED);
}

/* The data of @p io moves between the disk and its buffer in frames of payload bytes, odd
 * frames first: the iovec cursor goes back and forth as with answers out of order. */
static int
io_move(struct aoe_target *t, struct aoe_io *io)
{
	uint64_t len = (uint64_t)io->nsect * 512, frames = (len + payload - 1) / payload, f;
	unsigned int pass;

	if (io->op == AOE_IO_FLUSH)
		return 0;
	if (io->lba + io->nsect > aoe_io_target_sectors(t))
		return -EIO; /* the target would refuse it: the bdev layer let it through */
	for (pass = 0; pass < 2; pass++) {
		for (f = pass == 0 ? 1 : 0; f < frames; f += 2) {
			uint64_t off = f * payload;
			size_t n = (size_t)(len - off < payload ? len - off : payload);
			uint8_t *disk = t->disk + io->lba * 512 + off;

			if (io->held != NULL)
				zcopy_keep(io, off, disk, n);
			else if (io->op == AOE_IO_READ && io->iovcnt == 0)
				memcpy(io->buf + off, disk, n);
			else if (io->op == AOE_IO_READ)
				aoe_iov_in(io->iov, io->iovcnt, &io->cursor, off, disk, n);
			else if (io->iovcnt == 0)
				memcpy(disk, io->buf + off, n);
			else
				aoe_iov_out(io->iov, io->iovcnt, &io->cursor, off, disk, n);
		}
	}
	return 0;
}

static unsigned int
session_poll(struct aoe_session *s, bool cancel)
{
	enum aoe_target_state state = aoe_io_target_state(s->t);
	unsigned int n = 0;
	struct aoe_io *io;

	if (hold && !cancel && state == AOE_TARGET_UP)
		return 0;
	while ((io = TAILQ_FIRST(&s->pending)) != NULL) {
		TAILQ_REMOVE(&s->pending, io, link);
		if (cancel)
			io->status = -ECANCELED;
		else if (state != AOE_TARGET_UP)
			io->status = -ENODEV;
		else if (fail_next != 0 && io->held != NULL)
			/* A zero-copy read that failed after its answers came: it holds them. */
			io->status = io_move(s->t, io) == 0 ? fail_next : -EIO, fail_next = 0;
		else if (fail_next != 0)
			io->status = fail_next, fail_next = 0;
		else
			io->status = io_move(s->t, io);
		if (io->status == 0)
			io->done_tsc = io->submit_tsc + FAKE_LATENCY_TICKS;
		io->done(io);
		n++;
	}
	return n;
}

int
aoe_lcore_poll(void)
{
	unsigned int i, n = __atomic_load_n(&nb_targets, __ATOMIC_ACQUIRE), work = 0;
	int lc = aoe_io_lcore();

	if (lc < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct aoe_target *t = targets[i];

		work += session_poll(&t->sess[lc], false);
		/* Management: a down,closewait target nobody holds any more is down. */
		if (lc == 0 && aoe_io_target_state(t) == AOE_TARGET_DOWN_CLOSEWAIT &&
		    __atomic_load_n(&t->holds, __ATOMIC_SEQ_CST) == 0)
			__atomic_store_n(&t->state, AOE_TARGET_DOWN, __ATOMIC_SEQ_CST);
	}
	return (int)work;
}

/* ---- the test's controls -------------------------------------------------------------------- */

void
fake_engine_start(void)
{
	running = true;
}

void
fake_engine_stop(void)
{
	unsigned int i, l;

	if (stop_cb != NULL)
		stop_cb();
	for (i = 0; i < nb_targets; i++)
		for (l = 0; l < FAKE_LCORES; l++)
			session_poll(&targets[i]->sess[l], true);
	running = false;
	for (i = 0; i < nb_targets; i++) {
		free(targets[i]->disk);
		free(targets[i]);
		targets[i] = NULL;
	}
	nb_targets = 0;
}

void
fake_settle(void)
{
	int prev = my_lcore;

	my_lcore = 0;
	while (aoe_lcore_poll() > 0)
		;
	my_lcore = prev;
}

struct aoe_target *
fake_target_up(uint16_t shelf, uint8_t slot, uint64_t sectors, const void *image, size_t image_len)
{
	struct aoe_target *t = calloc(1, sizeof(*t));
	unsigned int l;

	if (t == NULL || nb_targets == FAKE_MAX_TARGETS)
		abort();
	t->shelf = shelf;
	t->slot = slot;
	snprintf(t->name, sizeof(t->name), "e%u.%u", shelf, slot);
	t->sectors = sectors;
	t->disk = calloc(sectors, 512);
	if (t->disk == NULL)
		abort();
	if (image != NULL)
		memcpy(t->disk, image, image_len < sectors * 512 ? image_len : sectors * 512);
	for (l = 0; l < FAKE_LCORES; l++) {
		t->sess[l].t = t;
		TAILQ_INIT(&t->sess[l].pending);
	}
	t->state = AOE_TARGET_UP;
	t->generation = 1;
	targets[nb_targets] = t;
	__atomic_store_n(&nb_targets, nb_targets + 1, __ATOMIC_RELEASE);
	notify(t, AOE_EVENT_TARGET_UP);
	fake_settle();
	return t;
}

void
fake_target_down(struct aoe_target *t)
{
	bool held;

	/* As target_down() in aoe_mgmt.c: the state first, the holders after. */
	__atomic_store_n(&t->state, AOE_TARGET_DOWN, __ATOMIC_SEQ_CST);
	held = __atomic_load_n(&t->holds, __ATOMIC_SEQ_CST) > 0;
	if (held)
		__atomic_store_n(&t->state, AOE_TARGET_DOWN_CLOSEWAIT, __ATOMIC_SEQ_CST);
	notify(t, AOE_EVENT_TARGET_DOWN);
}

void
fake_target_again(struct aoe_target *t)
{
	if (aoe_io_target_state(t) != AOE_TARGET_DOWN)
		return;
	__atomic_fetch_add(&t->generation, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->state, AOE_TARGET_UP, __ATOMIC_SEQ_CST);
	notify(t, AOE_EVENT_TARGET_UP);
	fake_settle();
}

void
fake_target_resize(struct aoe_target *t, uint64_t sectors)
{
	uint8_t *disk = realloc(t->disk, sectors * 512);

	if (disk == NULL)
		abort();
	if (sectors > t->sectors)
		memset(disk + t->sectors * 512, 0, (sectors - t->sectors) * 512);
	t->disk = disk;
	__atomic_store_n(&t->sectors, sectors, __ATOMIC_RELEASE);
	notify(t, AOE_EVENT_TARGET_RESIZED);
	fake_settle();
}

uint8_t *
fake_target_disk(struct aoe_target *t)
{
	return t->disk;
}

unsigned int
fake_target_holds(const struct aoe_target *t)
{
	return __atomic_load_n(&t->holds, __ATOMIC_SEQ_CST);
}

uint32_t
fake_target_generation(const struct aoe_target *t)
{
	return __atomic_load_n(&t->generation, __ATOMIC_SEQ_CST);
}

void
fake_payload_set(uint32_t bytes)
{
	payload = bytes;
}

void
fake_hold_completions(bool on)
{
	hold = on;
}

void
fake_fail_next(int status)
{
	fail_next = status;
}

unsigned int
fake_in_flight(void)
{
	unsigned int i, l, n = 0;
	struct aoe_io *io;

	for (i = 0; i < nb_targets; i++)
		for (l = 0; l < FAKE_LCORES; l++)
			TAILQ_FOREACH(io, &targets[i]->sess[l].pending, link)
	n++;
	return n;
}

uint32_t
aoe_io_zcopy_budget(void)
{
	return zc_budget;
}

unsigned int
aoe_io_zcopy_segments(const struct aoe_io *io, struct iovec *iov, unsigned int max)
{
	unsigned int n = 0;
	uint32_t at = 0;

	while (at < io->nsect) {
		struct fake_frame *fr = io->held[at];

		if (fr == NULL)
			return 0;
		if (n < max) {
			iov[n].iov_base = fr->data;
			iov[n].iov_len = fr->len;
		}
		n++;
		at += fr->len / 512;
	}
	return n;
}

void
aoe_io_zcopy_release(struct aoe_io *io)
{
	uint32_t at;

	for (at = 0; at < io->nsect; at++) {
		if (io->held[at] != NULL) {
			free(io->held[at]);
			io->held[at] = NULL;
			__atomic_fetch_sub(&zc_held, 1, __ATOMIC_RELAXED);
		}
	}
	zc_reserved[io->zc_lcore] -= io->zc_reserved;
	io->zc_reserved = 0;
}

void
fake_zcopy_budget_set(uint32_t frames)
{
	zc_budget = frames;
}

unsigned int
fake_zcopy_held(void)
{
	return __atomic_load_n(&zc_held, __ATOMIC_RELAXED);
}
