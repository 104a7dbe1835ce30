/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AoE targets, and the partitions on them, as SPDK-style block devices (bdevs).
 *
 * The consumer's sequence (SPDK's bdev.h is the model): aoe_bdev_open() a bdev by name with an
 * event callback; on each lcore that submits, take that descriptor's I/O channel with
 * aoe_bdev_get_io_channel(); submit reads, writes (plain or vectored), write-zeroes and
 * flushes with a completion callback; let aoe_bdev_poll() (or the engine's aoe_lcore_poll())
 * run on that lcore, which is where callbacks run; free each I/O with aoe_bdev_free_io(); then
 * put the channel on its lcore and close the descriptor.
 *
 * Bdevs: every target that is up is a bdev named e{shelf}.{slot}; every partition of its MBR
 * (primary and extended) or GPT table, up to AOE_BDEV_PART_MAX as in the kernel's aoe driver,
 * is another, named e{shelf}.{slot}p{N}, whose I/O is confined to the partition. A partition
 * bdev appears once its disk's table has been read (a few milliseconds after the disk comes
 * up) and is read again when the disk is resized. A malformed or hostile table gives no
 * partitions and a log line (aoe.bdev).
 *
 * Submission: a submit returns 0 (the callback will run exactly once) or a negative errno (it
 * never will). The checks are made in this order:
 *   -EINVAL  NULL descriptor, channel or callback; a channel of another descriptor; zero
 *            length; a length or offset that is not a multiple of 512 (byte calls); a NULL
 *            buffer; an iovec array that is NULL, empty, longer than AOE_BDEV_IOV_MAX, has a
 *            NULL base with a length, or whose lengths do not add up to the I/O's; more than
 *            UINT32_MAX blocks in one read or write
 *   -EPERM   the channel is used on another lcore than the one that took it (checked in
 *            builds without NDEBUG, which the default build is; see docs/library.md)
 *   -EBADF   a write or write-zeroes through a descriptor opened read-only
 *   -ERANGE  the region ends past the end of the bdev (of the partition, for one)
 *   -ENODEV  the bdev was removed (its target went down, or the engine stopped)
 *   -ENOMEM  the channel has no free I/O: retry after a completion, or queue a wait with
 *            aoe_bdev_queue_io_wait(); for a zero-copy read also: no memory for its table
 *            of frames
 *   -ENOBUFS a zero-copy read only: the lcore's zero-copy reads hold (or have reserved) as
 *            many response frames as they may (see aoe_bdev_zcopy_read()): free one, or read
 *            with a copy
 * A completed I/O's status is 0, -EIO (the target answered with an ATA or AoE error:
 * aoe_bdev_io_get_ata_status() tells which), -ETIMEDOUT (unanswered for deadsecs: the target
 * went down), -ENODEV (the target went down while it was in flight: it fails at once),
 * -ECANCELED (the engine stopped) or, for a zero-copy read, -ENOMEM (no memory for its
 * segment table: the frames are released).
 *
 * Threads: aoe_bdev_list(), aoe_bdev_open(), aoe_bdev_close(), aoe_bdev_name_parse(), the
 * getters and aoe_bdev_get_io_stat() may be called from any thread (a control thread that
 * serves sockets, for one). Channels, their I/O and their wait queue belong to the polling
 * lcore that took the channel: every function that takes a channel or an I/O runs on that lcore
 * only. Event callbacks run on the management lcore (or, when aoe_fini() removes every bdev,
 * on its thread) with the bdev lists locked: they may close their descriptor, must not block.
 */
#ifndef AOE_BDEV_H
#define AOE_BDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct aoe_bdev;       /**< a target, or a partition on one, as a block device */
struct aoe_bdev_desc;  /**< one open of a bdev */
struct aoe_io_channel; /**< one lcore's submission queue for one descriptor */
struct aoe_bdev_io;    /**< one I/O in flight */

#define AOE_BDEV_BLOCK_SIZE    512
#define AOE_BDEV_NAME_MAX      32    /**< a bdev's name and its NUL: e65534.254p16 fits */
#define AOE_BDEV_PART_MAX      16    /**< partitions per disk, numbered 1 to 16 */
#define AOE_BDEV_IOV_MAX       1024  /**< iovecs in one vectored I/O, at most (IOV_MAX) */
#define AOE_BDEV_DEPTH_MAX     65536 /**< I/O a channel may have in flight, at most */
#define AOE_BDEV_DEPTH_DEFAULT 1024  /**< what depth 0 gives */

/** What an application sees of a bdev before it opens it (aoe_bdev_list()). */
struct aoe_bdev_info {
	char name[AOE_BDEV_NAME_MAX]; /**< e{shelf}.{slot}, or e{shelf}.{slot}p{N} */
	uint64_t num_blocks;	      /**< of block_size bytes */
	uint32_t block_size;
	bool read_only; /**< writes are refused: open it with write = false */
	uint32_t part;	/**< 0 for a whole disk, else N of e{shelf}.{slot}p{N} */
	uint64_t start; /**< a partition's first block on its disk; 0 for a disk */
};

/** Events delivered to an open descriptor. */
enum aoe_bdev_event_type {
	/**
	 * The bdev is gone: its target went down (or was flushed, or another disk answers under
	 * its name), its partition left the table, or the engine stopped. I/O in flight fails at
	 * once (-ENODEV, or -ETIMEDOUT when deadsecs took it down), new I/O is refused with
	 * -ENODEV, and the descriptor must be closed (after its channels are put): until every
	 * descriptor of the target and of its partitions is closed, the target stays
	 * "down,closewait" and does not come back. When it does, it is a new bdev under the same
	 * name, to be opened again.
	 */
	AOE_BDEV_EVENT_REMOVE,
	/** The disk's size changed (aoe_bdev_get_num_blocks() says the new one); its partition
	 * table is read again. Partitions are never resized: one whose entry changed is removed
	 * and comes back as a new bdev. */
	AOE_BDEV_EVENT_RESIZE,
};

/**
 * An event for an open descriptor (see the file comment for the thread it runs on).
 * @param type what happened.
 * @param bdev the descriptor's bdev.
 * @param event_ctx what aoe_bdev_open() was given.
 */
typedef void (*aoe_bdev_event_cb)(enum aoe_bdev_event_type type, struct aoe_bdev *bdev,
				  void *event_ctx);

/**
 * Completion callback, run on the channel's lcore, once per submitted I/O.
 * @param io the I/O: free it with aoe_bdev_free_io(), here or later on this lcore.
 * @param status 0 or a negative errno (see the file comment).
 * @param cb_arg what the submit was given.
 */
typedef void (*aoe_bdev_io_cb)(struct aoe_bdev_io *io, int status, void *cb_arg);

/**
 * List the bdevs that can be opened now: every target that is up and every partition on it,
 * sorted by shelf, slot, then partition number (the disk first). Sizes are those of this
 * moment.
 * @param out receives up to @p max entries (may be NULL when @p max is 0).
 * @param max the room in @p out.
 * @return how many bdevs exist (may exceed @p max).
 * @note Any thread; takes the bdev lists' lock for the copy.
 */
unsigned int aoe_bdev_list(struct aoe_bdev_info *out, unsigned int max);

/**
 * Parse a bdev name: e{shelf}.{slot} (as aoe_name_parse()) or e{shelf}.{slot}p{N}, N from 1
 * to AOE_BDEV_PART_MAX without leading zeros.
 * @param name the name.
 * @param shelf, slot, part receive the target's address and the partition number (0 for a
 *        whole disk); each may be NULL.
 * @return 0, or -EINVAL (NULL or malformed).
 * @note Any thread; needs no engine.
 */
int aoe_bdev_name_parse(const char *name, uint16_t *shelf, uint8_t *slot, uint32_t *part);

/**
 * Open a bdev by name: a target that is up, or a partition on one. The descriptor holds the
 * target: should it go down, it stays "down,closewait" until the descriptor is closed.
 * @param name e{shelf}.{slot} or e{shelf}.{slot}p{N}.
 * @param write whether writes will be made through the descriptor.
 * @param event_cb called for events on the bdev (may be NULL: I/O is then refused with -ENODEV
 *        once it is removed, and the application still has to close).
 * @param event_ctx given to @p event_cb.
 * @param desc receives the descriptor.
 * @return 0; -EINVAL (@p name or @p desc NULL, or a malformed name); -ENOENT (no such bdev:
 *         no such target, or no such partition on it); -ENODEV (the target exists but is not
 *         up: probing, down or down,closewait); -ENOMEM.
 * @note Any thread.
 */
int aoe_bdev_open(const char *name, bool write, aoe_bdev_event_cb event_cb, void *event_ctx,
		  struct aoe_bdev_desc **desc);

/**
 * Close a descriptor. Its channels must have been put first (on their lcores). Closing the
 * last descriptor of a target that went down while held lets it leave down,closewait.
 * @param desc the descriptor.
 * @return 0; -EINVAL (@p desc NULL); -EBUSY (a channel of it is still held on some lcore: the
 *         descriptor stays open, put the channel and close again).
 * @note Any thread, also from the descriptor's own event callback.
 */
int aoe_bdev_close(struct aoe_bdev_desc *desc);

/**
 * The bdev a descriptor opened.
 * @return the bdev, or NULL when @p desc is NULL.
 * @note Any thread, while the descriptor is open.
 */
struct aoe_bdev *aoe_bdev_desc_get_bdev(struct aoe_bdev_desc *desc);

/**
 * A bdev's name, e{shelf}.{slot} or e{shelf}.{slot}p{N}.
 * @return the name (valid while the bdev is open), or "" for NULL.
 * @note Any thread.
 */
const char *aoe_bdev_get_name(const struct aoe_bdev *bdev);

/**
 * A bdev's block size: always AOE_BDEV_BLOCK_SIZE (512).
 * @return the block size, or 0 for NULL.
 * @note Any thread.
 */
uint32_t aoe_bdev_get_block_size(const struct aoe_bdev *bdev);

/**
 * A bdev's size in blocks: a disk's as its target last said (it changes with a
 * AOE_BDEV_EVENT_RESIZE), a partition's as its table entry says.
 * @return the size, or 0 for NULL.
 * @note Any thread.
 */
uint64_t aoe_bdev_get_num_blocks(const struct aoe_bdev *bdev);

/**
 * Data bytes one frame carries on this bdev's target (the smallest over its live paths: what
 * aoe-stat calls payload). An I/O of a multiple of it is split into full frames.
 * @return the payload, or 0 for NULL, a removed bdev or a target without a live path.
 * @note Any thread.
 */
uint32_t aoe_bdev_get_payload(const struct aoe_bdev *bdev);

/**
 * The calling lcore's channel for @p desc: created on the first call on this lcore, the same
 * one (its reference count raised) on later calls, as spdk_bdev_get_io_channel() does. Each
 * get is matched by an aoe_bdev_put_io_channel() on this lcore.
 * @param desc the descriptor.
 * @param depth how many I/O the channel may have in flight when this call creates it
 *        (0 = AOE_BDEV_DEPTH_DEFAULT); a channel that exists keeps its own.
 * @return the channel, or NULL with rte_errno set: EINVAL (@p desc NULL, @p depth above
 *         AOE_BDEV_DEPTH_MAX, or the calling lcore does not poll the engine), ENODEV (the bdev
 *         was removed, or its target is not up), ENOSPC (the lcore has a session to every
 *         target it may), ENOMEM.
 * @note A polling lcore (one of aoe_conf.lcores): the channel belongs to it.
 */
struct aoe_io_channel *aoe_bdev_get_io_channel(struct aoe_bdev_desc *desc, unsigned int depth);

/**
 * Drop one reference to a channel; the last one releases it. A channel released with I/O
 * still in flight is freed once the last of them is freed (and the log says so). NULL is
 * ignored; so is a call on another lcore (debug builds say so in the log).
 * @note The channel's lcore.
 */
void aoe_bdev_put_io_channel(struct aoe_io_channel *ch);

/**
 * Read @p nbytes at byte @p offset into @p buf.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_read(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, void *buf, uint64_t offset,
		  uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);

/**
 * Write @p nbytes from @p buf at byte @p offset. The buffer is read while the I/O runs: keep it
 * until the callback.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_write(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const void *buf,
		   uint64_t offset, uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);

/**
 * Read @p num_blocks blocks from block @p offset_blocks into @p buf.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_read_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, void *buf,
			 uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
			 void *cb_arg);

/**
 * Write @p num_blocks blocks from @p buf at block @p offset_blocks.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_write_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const void *buf,
			  uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
			  void *cb_arg);

/**
 * Vectored read: @p nbytes at byte @p offset into the @p iovcnt buffers of @p iov, in order.
 * The split is free: iovecs of any length (a sector, or a frame, may straddle two of them),
 * as long as their lengths add up to @p nbytes. The array and the buffers are used while the
 * I/O runs: keep them until the callback.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_readv(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, struct iovec *iov,
		   int iovcnt, uint64_t offset, uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);

/**
 * Vectored write: @p nbytes at byte @p offset from the @p iovcnt buffers of @p iov, in order;
 * the split is free, as for aoe_bdev_readv().
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_writev(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, struct iovec *iov,
		    int iovcnt, uint64_t offset, uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);

/**
 * aoe_bdev_readv() in blocks: @p num_blocks from block @p offset_blocks.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_readv_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, struct iovec *iov,
			  int iovcnt, uint64_t offset_blocks, uint64_t num_blocks,
			  aoe_bdev_io_cb cb, void *cb_arg);

/**
 * aoe_bdev_writev() in blocks: @p num_blocks at block @p offset_blocks.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_writev_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, struct iovec *iov,
			   int iovcnt, uint64_t offset_blocks, uint64_t num_blocks,
			   aoe_bdev_io_cb cb, void *cb_arg);

/**
 * Zero-copy read (SPDK's spdk_bdev_zcopy_start() with populate, for reads): @p nbytes at byte
 * @p offset, with no buffer. The data is not copied: each response frame that answers part of
 * the read is kept, and once the callback ran with status 0, aoe_bdev_io_get_iovec() gives the
 * data as segments, in order, each a pointer and a length into one of those frames (a frame
 * gives one segment, or several when the port delivered it chained; a segment holds whole
 * sectors only when the frame does). The segments are read-only and valid until
 * aoe_bdev_free_io(), which gives the frames back to the engine's mbuf pool: free a zero-copy
 * read soon, and before aoe_fini() (the pool goes with the engine). A failed zero-copy read
 * holds nothing and has no segments.
 *
 * The frames come from the pool the ports receive into, so the zero-copy reads of one lcore
 * may hold at most a quarter of that pool, shared evenly between the polling lcores (a read
 * counts the frames it takes at the target's payload when submitted, see
 * aoe_bdev_get_payload()). A read that would go past it is refused with -ENOBUFS instead of
 * starving reception; lcore statistics count the frames held (zcopy_held) and the refusals
 * (zcopy_refused).
 * @return 0 or -errno as the file comment says (no buffer to check; -ENOBUFS as above).
 * @note The channel's lcore.
 */
int aoe_bdev_zcopy_read(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, uint64_t offset,
			uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);

/**
 * aoe_bdev_zcopy_read() in blocks: @p num_blocks from block @p offset_blocks.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_zcopy_read_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch,
			       uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
			       void *cb_arg);

/**
 * FLUSH CACHE EXT, or FLUSH CACHE on targets that abort the EXT form (vblade). A flush through
 * a partition flushes the whole disk's cache.
 * @return 0 or -errno as the file comment says (the length checks do not apply).
 * @note The channel's lcore.
 */
int aoe_bdev_flush(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, aoe_bdev_io_cb cb,
		   void *cb_arg);

/** How much of a write-zeroes one chunk covers. */
#define AOE_BDEV_ZEROES_CHUNK (1024 * 1024)

/**
 * Write zeroes over [@p offset, @p offset + @p nbytes): AoE has no such command, so the bdev
 * writes them from a shared zero buffer, AOE_BDEV_ZEROES_CHUNK bytes at a time, one chunk after
 * the other, on one I/O of the channel. The callback runs once, after the last chunk or the
 * first that failed (the region is then partly zeroed).
 * @return 0 or -errno as the file comment says (no buffer; any length that fits the bdev).
 * @note The channel's lcore.
 */
int aoe_bdev_write_zeroes(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, uint64_t offset,
			  uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);

/**
 * aoe_bdev_write_zeroes() in blocks.
 * @return 0 or -errno as the file comment says.
 * @note The channel's lcore.
 */
int aoe_bdev_write_zeroes_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch,
				 uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
				 void *cb_arg);

/**
 * Return a completed I/O to its channel; call it once, from (or after) the callback. A
 * zero-copy read's frames go back to the pool here: its segments are invalid after. Queued
 * waits (aoe_bdev_queue_io_wait()) are called from here while the channel has a free I/O. A
 * NULL, an I/O that is not taken (a second free) or a call on another lcore is refused with a
 * log line and changes nothing.
 * @note The channel's lcore.
 */
void aoe_bdev_free_io(struct aoe_bdev_io *io);

/**
 * The data buffers of a completed I/O: for a read, where its data is. The buffer (one iovec)
 * or the iovecs the read was given; for a zero-copy read, the segments into its frames (see
 * aoe_bdev_zcopy_read()), so code that reads through this call works for both.
 * @param io the I/O, between its callback and aoe_bdev_free_io().
 * @param iovp, iovcntp receive the array and its length (0 and NULL for a flush,
 *        write-zeroes or a failed zero-copy read).
 * @note The channel's lcore.
 */
void aoe_bdev_io_get_iovec(struct aoe_bdev_io *io, struct iovec **iovp, int *iovcntp);

/**
 * ATA status and error bytes of the response that failed this I/O (0, 0 when none).
 * @param status, error receive them; each may be NULL.
 * @note The channel's lcore.
 */
void aoe_bdev_io_get_ata_status(const struct aoe_bdev_io *io, uint8_t *status, uint8_t *error);

/**
 * AoE error code of the response that failed this I/O.
 * @return the code, 0 when none.
 * @note The channel's lcore.
 */
uint8_t aoe_bdev_io_get_aoe_error(const struct aoe_bdev_io *io);

/** Called when a channel has a free I/O again (aoe_bdev_queue_io_wait()). */
typedef void (*aoe_bdev_io_wait_cb)(void *cb_arg);

/**
 * A wait for a free I/O, in the caller's memory (as SPDK's struct spdk_bdev_io_wait_entry).
 * Fill bdev, cb_fn and cb_arg; link is the bdev layer's.
 */
struct aoe_bdev_io_wait_entry {
	struct aoe_bdev *bdev;
	aoe_bdev_io_wait_cb cb_fn;
	void *cb_arg;
	TAILQ_ENTRY(aoe_bdev_io_wait_entry) link;
};

/**
 * After a submit returned -ENOMEM: have @p entry->cb_fn called, on this lcore, as soon as the
 * channel has a free I/O again (from the aoe_bdev_free_io() that frees one), in the order the
 * waits were queued; it usually submits again. The entry is off the queue when it is called,
 * and may be queued again from there.
 * @param bdev the bdev of the channel.
 * @param ch the channel that had no free I/O.
 * @param entry the wait; its memory stays the caller's and must live until it is called.
 * @return 0; -EINVAL (a NULL argument or cb_fn, or @p entry->bdev or the channel's bdev not
 *         @p bdev); -EPERM (another lcore's channel, checked as the submits check it);
 *         -EAGAIN (the channel has a free I/O now: submit instead, nothing would call the
 *         wait).
 * @note The channel's lcore.
 */
int aoe_bdev_queue_io_wait(struct aoe_bdev *bdev, struct aoe_io_channel *ch,
			   struct aoe_bdev_io_wait_entry *entry);

/* clang-format off */
/**
 * A bdev's I/O counters (X(name): a 64-bit counter of that name). Every completed I/O counts
 * once, under its kind; latency is the TSC ticks from submission to completion, summed.
 */
#define AOE_BDEV_IO_STATS(X)                                                                       \
	X(num_read_ops)          /* reads completed without error */                               \
	X(bytes_read)                                                                              \
	X(read_latency_ticks)                                                                      \
	X(num_write_ops)         /* writes completed without error */                              \
	X(bytes_written)                                                                           \
	X(write_latency_ticks)                                                                     \
	X(num_write_zeroes_ops)  /* write-zeroes completed without error */                        \
	X(bytes_zeroed)                                                                            \
	X(num_flush_ops)         /* flushes completed without error */                             \
	X(num_failed_ops)        /* I/O of any kind completed with an error */
/* clang-format on */

/** Per-bdev I/O statistics (aoe_bdev_get_io_stat()). */
struct aoe_bdev_io_stat {
#define AOE_BDEV_IO_STAT_FIELD(name) uint64_t name;
	AOE_BDEV_IO_STATS(AOE_BDEV_IO_STAT_FIELD)
#undef AOE_BDEV_IO_STAT_FIELD
	uint64_t ticks_rate; /**< TSC ticks per second, for the latencies */
};

/**
 * A bdev's I/O statistics since it appeared: every channel's, those put included. Each bdev
 * counts its own I/O: a partition's are not in its disk's figures. Each lcore's counters are
 * written without locks; the sum may be one update behind on some of them.
 * @param bdev the bdev (while it is open).
 * @param stat receives the counters.
 * @return 0, or -EINVAL (a NULL argument).
 * @note Any thread.
 */
int aoe_bdev_get_io_stat(struct aoe_bdev *bdev, struct aoe_bdev_io_stat *stat);

/**
 * Run the calling lcore's engine loop once (aoe_lcore_poll()); completions run from here.
 * @param ch a channel of this lcore, or NULL.
 * @return work done, 0 when idle, -EINVAL (the calling lcore does not poll the engine) or
 *         -EPERM (@p ch belongs to another lcore; debug builds).
 * @note A polling lcore.
 */
int aoe_bdev_poll(struct aoe_io_channel *ch);

#ifdef __cplusplus
}
#endif

#endif /* AOE_BDEV_H */
