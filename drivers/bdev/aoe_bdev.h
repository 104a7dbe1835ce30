/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AoE targets as SPDK-style block devices.
 *
 * The consumer's sequence: aoe_bdev_open() a target by name with an event callback, take an
 * I/O channel for the calling lcore with aoe_bdev_get_io_channel(), submit reads, writes and
 * flushes with a completion callback, let aoe_bdev_poll() (or the engine's aoe_lcore_poll())
 * run on that lcore, which is where callbacks run, free each I/O in its callback with
 * aoe_bdev_free_io(), then put the channel and close the descriptor.
 *
 * A submit returns 0 (the callback will run exactly once) or a negative errno (it never will):
 *   -EINVAL  zero length, length or offset not a multiple of 512, NULL buffer or callback
 *   -ERANGE  the region ends past the end of the target
 *   -EBADF   a write through a descriptor opened read-only
 *   -ENODEV  the target is down or was removed
 *   -ENOMEM  the channel has no free I/O: retry after a completion
 * A completed I/O's status is 0, -EIO (the target answered with an ATA or AoE error:
 * aoe_bdev_io_get_ata_status() tells which), -ETIMEDOUT (unanswered for deadsecs: the target
 * went down) or -ECANCELED (the engine stopped).
 *
 * Channels are per lcore and their functions must be called on the lcore that took them.
 * aoe_bdev_list(), aoe_bdev_open() and aoe_bdev_close() may be called from any thread (a
 * control thread that serves sockets, for one): the descriptor lists are behind a lock that the
 * management lcore also takes while it delivers events, so an event callback may close its
 * descriptor but must not block.
 */
#ifndef AOE_BDEV_H
#define AOE_BDEV_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct aoe_bdev;       /**< a target as a block device */
struct aoe_bdev_desc;  /**< one open of a bdev */
struct aoe_io_channel; /**< one lcore's submission queue to one bdev */
struct aoe_bdev_io;    /**< one I/O in flight */

#define AOE_BDEV_BLOCK_SIZE 512
#define AOE_BDEV_NAME_MAX   32 /**< a bdev's name and its NUL: e65535.255, later with p{N} */

/** What an application sees of a bdev before it opens it (aoe_bdev_list()). */
struct aoe_bdev_info {
	char name[AOE_BDEV_NAME_MAX];
	uint64_t num_blocks; /**< of block_size bytes */
	uint32_t block_size;
	bool read_only; /**< writes are refused: open it with write = false */
};

/** Events delivered to an open descriptor, on the management lcore. */
enum aoe_bdev_event_type {
	AOE_BDEV_EVENT_REMOVE, /**< the target went down: close the descriptor */
	AOE_BDEV_EVENT_RESIZE, /**< the target's size changed */
};

typedef void (*aoe_bdev_event_cb)(enum aoe_bdev_event_type type, struct aoe_bdev *bdev,
				  void *event_ctx);

/**
 * Completion callback, run on the channel's lcore.
 * @param status 0 or a negative errno (see the file comment).
 */
typedef void (*aoe_bdev_io_cb)(struct aoe_bdev_io *io, int status, void *cb_arg);

/**
 * List the bdevs that can be opened now (every target that is up), sorted by name's shelf then
 * slot. Sizes are those of this moment: a resized bdev shows its new size from the next call on.
 * Any thread; takes no lock and allocates nothing.
 * @param out receives up to @p max entries (may be NULL when @p max is 0).
 * @return how many bdevs exist (may exceed @p max).
 */
unsigned int aoe_bdev_list(struct aoe_bdev_info *out, unsigned int max);

/**
 * Open a target that is up, by name (e{shelf}.{slot}).
 * Any thread. @p event_cb runs on the management lcore, with the descriptor lists locked.
 * @return 0; -EINVAL (malformed name or NULL argument), -ENODEV (no such target, or not up),
 *         -ENOMEM.
 */
int aoe_bdev_open(const char *name, bool write, aoe_bdev_event_cb event_cb, void *event_ctx,
		  struct aoe_bdev_desc **desc);

/** Close a descriptor. Its channels must have been put first. Any thread. */
void aoe_bdev_close(struct aoe_bdev_desc *desc);

struct aoe_bdev *aoe_bdev_desc_get_bdev(struct aoe_bdev_desc *desc);
const char *aoe_bdev_get_name(const struct aoe_bdev *bdev);
uint32_t aoe_bdev_get_block_size(const struct aoe_bdev *bdev);
uint64_t aoe_bdev_get_num_blocks(const struct aoe_bdev *bdev);
/** Data bytes one frame carries on this target's paths (what aoe-stat calls payload). */
uint32_t aoe_bdev_get_payload(const struct aoe_bdev *bdev);

/**
 * The calling lcore's channel to the descriptor's bdev, created on first use.
 * @param depth how many I/Os the channel may have in flight (0 = 1024).
 * @return the channel, or NULL with rte_errno set: EINVAL (the calling lcore does not poll the
 *         engine), ENOMEM, ENODEV (target down).
 */
struct aoe_io_channel *aoe_bdev_get_io_channel(struct aoe_bdev_desc *desc, unsigned int depth);

/** Release a channel; every I/O submitted on it must have completed. */
void aoe_bdev_put_io_channel(struct aoe_io_channel *ch);

int aoe_bdev_read(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, void *buf, uint64_t offset,
		  uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);
int aoe_bdev_write(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const void *buf,
		   uint64_t offset, uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);
int aoe_bdev_read_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, void *buf,
			 uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
			 void *cb_arg);
int aoe_bdev_write_blocks(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, const void *buf,
			  uint64_t offset_blocks, uint64_t num_blocks, aoe_bdev_io_cb cb,
			  void *cb_arg);
/** FLUSH CACHE EXT, or FLUSH CACHE on targets that abort the EXT form (vblade). */
int aoe_bdev_flush(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, aoe_bdev_io_cb cb,
		   void *cb_arg);

/**
 * Write zeroes over [@p offset, @p offset + @p nbytes): AoE has no such command, so the bdev
 * writes them from a shared zero buffer, AOE_BDEV_ZEROES_CHUNK bytes at a time, one chunk after
 * the other, on one I/O of the channel. The callback runs once, after the last chunk or the
 * first that failed (the region is then partly zeroed).
 * @return as aoe_bdev_write().
 */
int aoe_bdev_write_zeroes(struct aoe_bdev_desc *desc, struct aoe_io_channel *ch, uint64_t offset,
			  uint64_t nbytes, aoe_bdev_io_cb cb, void *cb_arg);

/** How much of a write-zeroes one chunk covers. */
#define AOE_BDEV_ZEROES_CHUNK (1024 * 1024)

/** Return a completed I/O to its channel; call it once, from (or after) the callback. */
void aoe_bdev_free_io(struct aoe_bdev_io *io);

/** ATA status and error bytes of the response that failed this I/O (0, 0 when none). */
void aoe_bdev_io_get_ata_status(const struct aoe_bdev_io *io, uint8_t *status, uint8_t *error);

/** AoE error code of the response that failed this I/O (0 when none). */
uint8_t aoe_bdev_io_get_aoe_error(const struct aoe_bdev_io *io);

/**
 * Run the calling lcore's engine loop once (aoe_lcore_poll()); completions run from here.
 * @return work done, 0 when idle, or a negative errno.
 */
int aoe_bdev_poll(struct aoe_io_channel *ch);

#ifdef __cplusplus
}
#endif

#endif /* AOE_BDEV_H */
