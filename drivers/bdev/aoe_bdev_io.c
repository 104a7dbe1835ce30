/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Channels and I/O: one channel per descriptor per polling lcore, reference-counted; each owns
 * a fixed array of I/O objects (no allocation per I/O), a wait queue for when they are all in
 * flight, and its counters. A submission is checked, shifted to its disk (partitions) and
 * queued on the lcore's session with the target; its completion counts it and calls back.
 * Everything here runs on the channel's lcore, without locks, except taking and releasing a
 * channel (the bdev's channel list, for its statistics).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>

#include "aoe_bdev_internal.h"

/* What write-zeroes writes from: in .bss, so it costs no memory until the first use. */
static uint8_t zeroes[AOE_BDEV_ZEROES_CHUNK];

/*
 * Whether @p ch is used on its own lcore. A channel is its lcore's alone: used elsewhere it
 * would corrupt its free list and its session silently. Checked unless NDEBUG (meson's
 * b_ndebug): one thread-local read per call. Channels of an engine that has stopped are
 * exempt: aoe_fini() completes their I/O on its own thread.
 */
static bool
on_lcore(const struct aoe_io_channel *ch, const char *what)
{
#ifndef NDEBUG
	int lcore = aoe_io_lcore();

	if (likely(lcore == ch->lcore) ||
	    ch->epoch != __atomic_load_n(&aoe_bdev_epoch, __ATOMIC_ACQUIRE))
		return true;
	AOE_BDEV_LOG(ERR,
		     "%s: %s on polling lcore index %d, the channel is lcore index %d's: "
		     "refused",
		     ch->bdev->name, what, lcore, ch->lcore);
	return false;
#else
	RTE_SET_USED(ch);
	RTE_SET_USED(what);
	return true;
#endif
}

void
aoe_bdev_stat_add(struct aoe_bdev_io_stat *sum, const struct aoe_bdev_io_stat *add)
{
#define ADD(name) sum->name += __atomic_load_n(&add->name, __ATOMIC_RELAXED);
	AOE_BDEV_IO_STATS(ADD)
#undef ADD
}

/* One writer (the lcore), readers anywhere: a relaxed store of the new value, no RMW. */
#define STAT_ADD(st, name, v) __atomic_store_n(&(st)->name, (st)->name + (v), __ATOMIC_RELAXED)

struct aoe_io_channel *
aoe_bdev_get_io_channel(struct aoe_bdev_desc *desc, unsigned int depth)
{
	struct aoe_io_channel *ch;
	struct aoe_session *s;
	struct aoe_bdev *b;
	int lcore = aoe_io_lcore();
	unsigned int i;

	if (desc == NULL || lcore < 0 || depth > AOE_BDEV_DEPTH_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	ch = desc->channels[lcore];
	if (ch != NULL) {
		ch->refs++;
		return ch;
	}
	b = desc->bdev;
	if (__atomic_load_n(&b->removed, __ATOMIC_ACQUIRE) ||
	    aoe_io_target_state(b->target) != AOE_TARGET_UP) {
		rte_errno = ENODEV;
		return NULL;
	}
	s = aoe_io_session(b->target);
	if (s == NULL)
		return NULL;
	if (depth == 0)
		depth = AOE_BDEV_DEPTH_DEFAULT;
	/* Taken and touched first on its lcore: the kernel puts its pages on that lcore's node. */
	ch = calloc(1, sizeof(*ch) + depth * sizeof(ch->ios[0]));
	if (ch == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	ch->desc = desc;
	ch->bdev = b;
	ch->session = s;
	ch->lcore = lcore;
	ch->epoch = __atomic_load_n(&aoe_bdev_epoch, __ATOMIC_ACQUIRE);
	ch->refs = 1;
	ch->depth = depth;
	TAILQ_INIT(&ch->free_ios);
	TAILQ_INIT(&ch->waits);
	for (i = 0; i < depth; i++) {
		ch->ios[i].ch = ch;
		TAILQ_INSERT_TAIL(&ch->free_ios, &ch->ios[i], link);
	}
	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	TAILQ_INSERT_TAIL(&b->channels, ch, link);
	aoe_bdev_ref(b);
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
	__atomic_store_n(&desc->channels[lcore], ch, __ATOMIC_RELEASE);
	return ch;
}

/* The channel goes: its counters stay with its bdev. */
static void
channel_free(struct aoe_io_channel *ch)
{
	struct aoe_bdev *b = ch->bdev;

	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	TAILQ_REMOVE(&b->channels, ch, link);
	aoe_bdev_stat_add(&b->stat_put, &ch->stat);
	aoe_bdev_unref(b);
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
	for (unsigned int i = 0; i < ch->depth; i++) {
		free(ch->ios[i].held);
		free(ch->ios[i].segs);
	}
	free(ch);
}

void
aoe_bdev_put_io_channel(struct aoe_io_channel *ch)
{
	if (ch == NULL || ch->released || !on_lcore(ch, "channel put"))
		return;
	if (--ch->refs != 0)
		return;
	ch->released = true;
	/* A later get on this lcore makes a new channel. */
	__atomic_store_n(&ch->desc->channels[ch->lcore], NULL, __ATOMIC_RELEASE);
	if (ch->in_flight != 0) {
		AOE_BDEV_LOG(WARNING, "%s: channel put with %u I/O in flight: freed after them",
			     ch->bdev->name, ch->in_flight);
		return;
	}
	channel_free(ch);
}

/* A write-zeroes chunk of at most AOE_BDEV_ZEROES_CHUNK bytes from sector @p lba on. */
static void
zeroes_chunk(struct aoe_bdev_io *bio, uint64_t lba, uint64_t left)
{
	uint64_t n = RTE_MIN(left, (uint64_t)(AOE_BDEV_ZEROES_CHUNK / AOE_BDEV_BLOCK_SIZE));

	bio->io.lba = lba;
	bio->io.nsect = (uint32_t)n;
	bio->zeroes_left = left - n;
}

static void
stat_done(struct aoe_io_channel *ch, const struct aoe_bdev_io *bio, int status)
{
	struct aoe_bdev_io_stat *st = &ch->stat;
	/* The engine's stamps: a read or write is one submission, from first frame to last
	 * answer (write-zeroes, several, has no latency figure). */
	uint64_t ticks = bio->io.done_tsc - bio->io.submit_tsc;

	if (status != 0) {
		STAT_ADD(st, num_failed_ops, 1);
		return;
	}
	switch (bio->type) {
	case AOE_BDEV_IO_READ:
		STAT_ADD(st, num_read_ops, 1);
		STAT_ADD(st, bytes_read, bio->bytes);
		STAT_ADD(st, read_latency_ticks, ticks);
		break;
	case AOE_BDEV_IO_WRITE:
		STAT_ADD(st, num_write_ops, 1);
		STAT_ADD(st, bytes_written, bio->bytes);
		STAT_ADD(st, write_latency_ticks, ticks);
		break;
	case AOE_BDEV_IO_WRITE_ZEROES:
		STAT_ADD(st, num_write_zeroes_ops, 1);
		STAT_ADD(st, bytes_zeroed, bio->bytes);
		break;
	default:
		STAT_ADD(st, num_flush_ops, 1);
		break;
	}
}

/*
 * A zero-copy read is done: its data as segments into the held frames, or (failed) nothing
 * held any more. -ENOMEM when the segment table cannot grow to what the frames need.
 */
static int
zcopy_done(struct aoe_bdev_io *bio, int status)
{
	struct aoe_io *io = &bio->io;
	unsigned int n;

	if (status == 0) {
		n = aoe_io_zcopy_segments(io, bio->segs, bio->segs_cap);
		if (n > bio->segs_cap) {
			struct iovec *segs = realloc(bio->segs, n * sizeof(*segs));

			if (segs != NULL) {
				bio->segs = segs;
				bio->segs_cap = n;
				n = aoe_io_zcopy_segments(io, bio->segs, bio->segs_cap);
			} else {
				status = -ENOMEM;
			}
		}
		if (status == 0 && n == 0)
			status = -EIO; /* cannot be: every sector of a good read was answered */
		if (status == 0) {
			bio->iov = bio->segs;
			bio->iovcnt = (int)n;
			return 0;
		}
	}
	aoe_io_zcopy_release(io);
	return status;
}

/* The engine is done with the I/O (on the channel's lcore, or aoe_fini()'s thread). */
static void
bdev_io_done(struct aoe_io *io)
{
	struct aoe_bdev_io *bio = (struct aoe_bdev_io *)io;
	int status = io->status;

	if (io->held != NULL)
		status = zcopy_done(bio, status);

	if (status == 0 && bio->zeroes_left != 0) {
		zeroes_chunk(bio, io->lba + io->nsect, bio->zeroes_left);
		status = aoe_io_submit(bio->ch->session, io);
		if (status == 0)
			return;
	}
	stat_done(bio->ch, bio, status);
	bio->cb(bio, status, bio->cb_arg);
}

/* What a submission asks for, before it is checked. */
struct request {
	enum aoe_bdev_io_type type;
	bool zcopy; /* a read whose data stays in the frames (no buffer) */
	uint8_t *buf;
	struct iovec *iov;
	int iovcnt;
	uint64_t offset_blocks;
	uint64_t num_blocks;
};

/* The checks of the file comment of aoe_bdev.h, in its order. */
static int
request_check(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const struct request *r,
	      aoe_bdev_io_cb cb)
{
	struct aoe_bdev *b;
	bool data = r->type == AOE_BDEV_IO_READ || r->type == AOE_BDEV_IO_WRITE;

	if (desc == NULL || ch == NULL || cb == NULL || ch->desc != desc)
		return -EINVAL;
	b = desc->bdev;
	if (r->type != AOE_BDEV_IO_FLUSH && r->num_blocks == 0)
		return -EINVAL;
	if (data) {
		if (r->num_blocks > UINT32_MAX)
			return -EINVAL;
		if (r->iov == NULL && r->iovcnt == 0 && r->buf == NULL && !r->zcopy)
			return -EINVAL;
		if (r->iovcnt != 0) {
			int i;

			if (r->iov == NULL || r->iovcnt < 0 || r->iovcnt > AOE_BDEV_IOV_MAX)
				return -EINVAL;
			for (i = 0; i < r->iovcnt; i++)
				if (r->iov[i].iov_base == NULL && r->iov[i].iov_len != 0)
					return -EINVAL;
			if (aoe_iov_length(r->iov, (unsigned int)r->iovcnt) !=
			    r->num_blocks * AOE_BDEV_BLOCK_SIZE)
				return -EINVAL;
		}
	}
	if (!on_lcore(ch, "submit"))
		return -EPERM;
	if ((r->type == AOE_BDEV_IO_WRITE || r->type == AOE_BDEV_IO_WRITE_ZEROES) && !desc->write)
		return -EBADF;
	if (r->type != AOE_BDEV_IO_FLUSH &&
	    (r->offset_blocks >= aoe_bdev_get_num_blocks(b) ||
	     r->num_blocks > aoe_bdev_get_num_blocks(b) - r->offset_blocks))
		return -ERANGE;
	if (__atomic_load_n(&b->removed, __ATOMIC_ACQUIRE))
		return -ENODEV;
	return 0;
}

/* A zero-copy read of @p nsect sectors: the held slots, all empty. */
static int
zcopy_prepare(struct aoe_bdev_io *bio, uint32_t nsect)
{
	if (nsect > bio->held_cap) {
		void **held = realloc(bio->held, nsect * sizeof(*held));

		if (held == NULL)
			return -ENOMEM;
		bio->held = held;
		bio->held_cap = nsect;
	}
	memset(bio->held, 0, nsect * sizeof(*bio->held));
	bio->io.held = bio->held;
	return 0;
}

static int
submit(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const struct request *r,
       aoe_bdev_io_cb cb, void *cb_arg)
{
	struct aoe_bdev_io *bio;
	int rc = request_check(desc, ch, r, cb);

	if (rc != 0)
		return rc;
	bio = TAILQ_FIRST(&ch->free_ios);
	if (bio == NULL)
		return -ENOMEM;
	bio->io.held = NULL;
	if (r->zcopy) {
		rc = zcopy_prepare(bio, (uint32_t)r->num_blocks);
		if (rc != 0)
			return rc;
	}
	TAILQ_REMOVE(&ch->free_ios, bio, link);
	bio->cb = cb;
	bio->cb_arg = cb_arg;
	bio->type = (uint8_t)r->type;
	bio->bytes = r->num_blocks * AOE_BDEV_BLOCK_SIZE;
	bio->zeroes_left = 0;
	bio->io.done = bdev_io_done;
	bio->io.arg = bio;
	/* A partition's blocks are its disk's from its start on: checked above to fit. */
	bio->io.lba = desc->bdev->start + r->offset_blocks;
	bio->io.nsect = (uint32_t)r->num_blocks;
	bio->io.buf = r->buf;
	bio->io.iov = r->iov;
	bio->io.iovcnt = (uint32_t)r->iovcnt;
	bio->iov = r->iov;
	bio->iovcnt = r->iovcnt;
	switch (r->type) {
	case AOE_BDEV_IO_READ:
	case AOE_BDEV_IO_WRITE:
		bio->io.op = r->type == AOE_BDEV_IO_READ ? AOE_IO_READ : AOE_IO_WRITE;
		if (r->zcopy) {
			bio->iov = NULL; /* the segments, once it completes */
			bio->iovcnt = 0;
		} else if (r->iovcnt == 0) {
			bio->one.iov_base = r->buf;
			bio->one.iov_len = bio->bytes;
			bio->iov = &bio->one;
			bio->iovcnt = 1;
		}
		break;
	case AOE_BDEV_IO_WRITE_ZEROES:
		bio->io.op = AOE_IO_WRITE;
		bio->io.buf = zeroes;
		bio->iov = NULL;
		zeroes_chunk(bio, bio->io.lba, r->num_blocks);
		break;
	default:
		bio->io.op = AOE_IO_FLUSH;
		bio->io.lba = 0;
		bio->io.nsect = 0;
		bio->iov = NULL;
		break;
	}
	bio->taken = true;
	ch->in_flight++;
	rc = aoe_io_submit(ch->session, &bio->io);
	if (rc != 0) {
		bio->taken = false;
		ch->in_flight--;
		TAILQ_INSERT_HEAD(&ch->free_ios, bio, link);
		return rc;
	}
	return 0;
}

/* A read, write or write-zeroes of @p num_blocks from block @p offset_blocks on, with the data
 * in @p buf or, vectored, in @p iov (a NULL or empty array is marked invalid for
 * request_check()). */
static int
data_io(enum aoe_bdev_io_type type, struct aoe_bdev_desc *desc, struct aoe_io_channel *ch,
	const void *buf, struct iovec *iov, int iovcnt, bool vectored, uint64_t offset_blocks,
	uint64_t num_blocks, aoe_bdev_io_cb cb, void *cb_arg)
{
	/* The engine only reads a write's buffer; the cast keeps one I/O structure. */
	struct request r = {.type = type,
			    .buf = vectored ? NULL : (uint8_t *)(uintptr_t)buf,
			    .iov = vectored ? iov : NULL,
			    .iovcnt = !vectored			   ? 0
				      : iov == NULL || iovcnt == 0 ? -1
								   : iovcnt,
			    .offset_blocks = offset_blocks,
			    .num_blocks = num_blocks};

	return submit(desc, ch, &r, cb, cb_arg);
}

/* The same in bytes, once they are whole blocks. */
static int
data_io_bytes(enum aoe_bdev_io_type type, struct aoe_bdev_desc *desc, struct aoe_io_channel *ch,
	      const void *buf, struct iovec *iov, int iovcnt, bool vectored, uint64_t offset,
	      uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	if (nbytes == 0 || offset % AOE_BDEV_BLOCK_SIZE || nbytes % AOE_BDEV_BLOCK_SIZE)
		return -EINVAL;
	return data_io(type, desc, ch, buf, iov, iovcnt, vectored, offset / AOE_BDEV_BLOCK_SIZE,
		       nbytes / AOE_BDEV_BLOCK_SIZE, cb, cb_arg);
}

int
aoe_bdev_read_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, void *buf,
		     uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb, void *cb_arg)
{
	return data_io(AOE_BDEV_IO_READ, desc, ch, buf, NULL, 0, false, offset_blocks, num_blocks,
		       cb, cb_arg);
}

int
aoe_bdev_write_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const void *buf,
		      uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb, void *cb_arg)
{
	return data_io(AOE_BDEV_IO_WRITE, desc, ch, buf, NULL, 0, false, offset_blocks, num_blocks,
		       cb, cb_arg);
}

int
aoe_bdev_readv_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, struct iovec *iov,
		      int iovcnt, uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
		      void *cb_arg)
{
	return data_io(AOE_BDEV_IO_READ, desc, ch, NULL, iov, iovcnt, true, offset_blocks,
		       num_blocks, cb, cb_arg);
}

int
aoe_bdev_writev_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, struct iovec *iov,
		       int iovcnt, uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
		       void *cb_arg)
{
	return data_io(AOE_BDEV_IO_WRITE, desc, ch, NULL, iov, iovcnt, true, offset_blocks,
		       num_blocks, cb, cb_arg);
}

int
aoe_bdev_read(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, void *buf, uint64_t offset,
	      uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	return data_io_bytes(AOE_BDEV_IO_READ, desc, ch, buf, NULL, 0, false, offset, nbytes, cb,
			     cb_arg);
}

int
aoe_bdev_write(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const void *buf,
	       uint64_t offset, uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	return data_io_bytes(AOE_BDEV_IO_WRITE, desc, ch, buf, NULL, 0, false, offset, nbytes, cb,
			     cb_arg);
}

int
aoe_bdev_readv(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, struct iovec *iov, int iovcnt,
	       uint64_t offset, uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	return data_io_bytes(AOE_BDEV_IO_READ, desc, ch, NULL, iov, iovcnt, true, offset, nbytes,
			     cb, cb_arg);
}

int
aoe_bdev_writev(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, struct iovec *iov,
		int iovcnt, uint64_t offset, uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	return data_io_bytes(AOE_BDEV_IO_WRITE, desc, ch, NULL, iov, iovcnt, true, offset, nbytes,
			     cb, cb_arg);
}

int
aoe_bdev_zcopy_read_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch,
			   uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
			   void *cb_arg)
{
	struct request r = {.type = AOE_BDEV_IO_READ,
			    .zcopy = true,
			    .offset_blocks = offset_blocks,
			    .num_blocks = num_blocks};

	return submit(desc, ch, &r, cb, cb_arg);
}

int
aoe_bdev_zcopy_read(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, uint64_t offset,
		    uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	if (nbytes == 0 || offset % AOE_BDEV_BLOCK_SIZE || nbytes % AOE_BDEV_BLOCK_SIZE)
		return -EINVAL;
	return aoe_bdev_zcopy_read_blocks(desc, ch, offset / AOE_BDEV_BLOCK_SIZE,
					  nbytes / AOE_BDEV_BLOCK_SIZE, cb, cb_arg);
}

int
aoe_bdev_flush(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, aoe_bdev_io_cb cb,
	       void *cb_arg)
{
	struct request r = {.type = AOE_BDEV_IO_FLUSH};

	return submit(desc, ch, &r, cb, cb_arg);
}

int
aoe_bdev_write_zeroes_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch,
			     uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
			     void *cb_arg)
{
	return data_io(AOE_BDEV_IO_WRITE_ZEROES, desc, ch, NULL, NULL, 0, false, offset_blocks,
		       num_blocks, cb, cb_arg);
}

int
aoe_bdev_write_zeroes(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, uint64_t offset,
		      uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg)
{
	return data_io_bytes(AOE_BDEV_IO_WRITE_ZEROES, desc, ch, NULL, NULL, 0, false, offset,
			     nbytes, cb, cb_arg);
}

void
aoe_bdev_free_io(struct aoe_bdev_io *bio)
{
	struct aoe_io_channel *ch;
	struct aoe_bdev_io_wait_entry *w;

	if (bio == NULL) {
		AOE_BDEV_LOG(ERR, "aoe_bdev_free_io(NULL) ignored");
		return;
	}
	ch = bio->ch;
	if (!bio->taken) {
		AOE_BDEV_LOG(ERR, "%s: an I/O freed twice (or never submitted): ignored",
			     ch->bdev->name);
		return;
	}
	if (!on_lcore(ch, "I/O free"))
		return;
	if (bio->io.held != NULL) {
		/* A zero-copy read's frames go back to the pool: its segments are no more. (An
		 * engine that stopped since took its pool with it: nothing to give back.) */
		if (ch->epoch == __atomic_load_n(&aoe_bdev_epoch, __ATOMIC_ACQUIRE))
			aoe_io_zcopy_release(&bio->io);
		bio->io.held = NULL;
		bio->iov = NULL;
		bio->iovcnt = 0;
	}
	bio->taken = false;
	ch->in_flight--;
	TAILQ_INSERT_HEAD(&ch->free_ios, bio, link);
	if (ch->released) {
		if (ch->in_flight == 0)
			channel_free(ch);
		return;
	}
	/* Waiters in turn, while there is an I/O for them; each may queue itself again. */
	while (!TAILQ_EMPTY(&ch->free_ios) && (w = TAILQ_FIRST(&ch->waits)) != NULL) {
		TAILQ_REMOVE(&ch->waits, w, link);
		w->cb_fn(w->cb_arg);
	}
}

int
aoe_bdev_queue_io_wait(struct aoe_bdev *bdev, struct aoe_io_channel *ch,
		       struct aoe_bdev_io_wait_entry *entry)
{
	if (bdev == NULL || ch == NULL || entry == NULL || entry->cb_fn == NULL ||
	    entry->bdev != bdev || ch->bdev != bdev)
		return -EINVAL;
	if (!on_lcore(ch, "queue_io_wait"))
		return -EPERM;
	if (!TAILQ_EMPTY(&ch->free_ios))
		return -EAGAIN;
	TAILQ_INSERT_TAIL(&ch->waits, entry, link);
	return 0;
}

void
aoe_bdev_io_get_iovec(struct aoe_bdev_io *bio, struct iovec **iovp, int *iovcntp)
{
	if (iovp != NULL)
		*iovp = bio != NULL ? bio->iov : NULL;
	if (iovcntp != NULL)
		*iovcntp = bio != NULL && bio->iov != NULL ? bio->iovcnt : 0;
}

void
aoe_bdev_io_get_ata_status(const struct aoe_bdev_io *bio, uint8_t *status, uint8_t *error)
{
	if (status != NULL)
		*status = bio != NULL ? bio->io.ata_status : 0;
	if (error != NULL)
		*error = bio != NULL ? bio->io.ata_error : 0;
}

uint8_t
aoe_bdev_io_get_aoe_error(const struct aoe_bdev_io *bio)
{
	return bio != NULL ? bio->io.aoe_error : 0;
}

int
aoe_bdev_poll(struct aoe_io_channel *ch)
{
	if (ch != NULL && !on_lcore(ch, "poll"))
		return -EPERM;
	return aoe_lcore_poll();
}
