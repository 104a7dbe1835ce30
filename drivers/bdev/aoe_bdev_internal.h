/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the files of the bdev layer share (never installed): aoe_bdev.c keeps the bdevs, their
 * descriptors and events; aoe_bdev_io.c the channels, submission, completion and the wait
 * queue; aoe_bdev_part.c reads a disk's partition table and registers its partitions. They
 * reach the engine through aoe_io.h alone.
 *
 * Ownership and locking:
 * - The bdev list, every bdev's descriptor list and channel list, and reference counts are
 *   behind aoe_bdev_lock (recursive: an event callback, delivered with it held, may close its
 *   descriptor). Open, close and list come from any thread; events and partition scans run
 *   on the management lcore.
 * - A channel, its I/O objects and its wait queue belong to the polling lcore that took it:
 *   no lock on the datapath. desc->channels[i] is written only by polling lcore i.
 * - A bdev lives while it is referenced: by the list while registered, by each descriptor,
 *   by each channel, by a partition scan in flight. Removed (off the list for good: its target
 *   went down or the engine stopped), it lingers until the last reference goes.
 */
#ifndef AOE_BDEV_INTERNAL_H
#define AOE_BDEV_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_log.h>
#include <rte_spinlock.h>

#include "aoe_bdev.h"
#include "aoe_io.h"
#include "aoe_part.h"

extern int aoe_logtype_bdev;
#define AOE_BDEV_LOG(level, fmt, ...)                                                              \
	rte_log(RTE_LOG_##level, aoe_logtype_bdev, "aoe_bdev: " fmt "\n", ##__VA_ARGS__)

struct aoe_bdev_scan;

struct aoe_bdev {
	TAILQ_ENTRY(aoe_bdev) link; /* bdevs: sorted by shelf, slot, part */
	char name[AOE_BDEV_NAME_MAX];
	struct aoe_target *target; /* the disk's target; NULL once the engine stopped */
	uint16_t shelf;
	uint8_t slot;
	uint32_t part;	     /* 0: the disk itself */
	uint64_t start;	     /* first sector on the disk (0 for a disk) */
	uint64_t num_blocks; /* atomic: a disk's changes on resize */
	uint8_t removed;     /* atomic: REMOVE delivered, I/O and opens refused */
	unsigned int refs;
	TAILQ_HEAD(, aoe_bdev_desc) descs;
	TAILQ_HEAD(, aoe_io_channel) channels;
	struct aoe_bdev_io_stat stat_put; /* what channels already released counted */
	struct aoe_bdev_scan *scan;	  /* a disk's partition scan in flight */
	bool rescan;			  /* read the table again when the scan ends */
};

struct aoe_bdev_desc {
	TAILQ_ENTRY(aoe_bdev_desc) link;
	struct aoe_bdev *bdev;
	bool write;
	bool holds; /* counted as a holder of the target (aoe_io_target_hold()) */
	aoe_bdev_event_cb event_cb;
	void *event_ctx;
	struct aoe_io_channel *channels[AOE_MAX_LCORES]; /* [i]: polling lcore i's, atomic */
};

/* What a submission asked for, for its statistics. */
enum aoe_bdev_io_type {
	AOE_BDEV_IO_READ,
	AOE_BDEV_IO_WRITE,
	AOE_BDEV_IO_WRITE_ZEROES,
	AOE_BDEV_IO_FLUSH,
};

struct aoe_bdev_io {
	struct aoe_io io; /* first: the engine completes this */
	struct aoe_io_channel *ch;
	aoe_bdev_io_cb cb;
	void *cb_arg;
	TAILQ_ENTRY(aoe_bdev_io) link; /* the channel's free list */
	bool taken;		       /* submitted, not yet freed */
	uint8_t type;		       /* enum aoe_bdev_io_type */
	uint64_t bytes;		       /* of the whole I/O */
	uint64_t zeroes_left;	       /* write-zeroes: sectors after the chunk in flight */
	struct iovec *iov;	       /* what aoe_bdev_io_get_iovec() hands back */
	int iovcnt;
	struct iovec one; /* iov of a plain (not vectored) read or write */
	/* A zero-copy read's: the engine's held slots and the segments, grown on demand and
	 * kept for the next use of this I/O object (freed with the channel). */
	void **held;
	uint32_t held_cap;
	struct iovec *segs;
	uint32_t segs_cap;
};

struct aoe_io_channel {
	struct aoe_bdev_desc *desc;
	struct aoe_bdev *bdev;
	struct aoe_session *session;
	int lcore;	   /* the polling lcore's index */
	uint32_t epoch;	   /* the engine run it was taken in (aoe_bdev_epoch) */
	unsigned int refs; /* gets not yet put */
	bool released;	   /* the last put came: freed once nothing is in flight */
	unsigned int depth;
	unsigned int in_flight;
	TAILQ_ENTRY(aoe_io_channel) link; /* its bdev's channels */
	TAILQ_HEAD(, aoe_bdev_io) free_ios;
	TAILQ_HEAD(, aoe_bdev_io_wait_entry) waits;
	struct aoe_bdev_io_stat stat; /* written by its lcore only, relaxed atomics */
	struct aoe_bdev_io ios[];
};

/* aoe_bdev.c */
extern rte_spinlock_recursive_t aoe_bdev_lock;
extern uint32_t aoe_bdev_epoch; /* bumped when the engine stops: older channels' lcore is gone */
void aoe_bdev_ref(struct aoe_bdev *b);
void aoe_bdev_unref(struct aoe_bdev *b);
/* The disk bdev of target @t, registered and not removed, or NULL. Lock held. */
struct aoe_bdev *aoe_bdev_disk_find(const struct aoe_target *t);
/* A partition bdev of @disk, registered and ready for descriptors. Lock held. */
struct aoe_bdev *aoe_bdev_part_register(struct aoe_bdev *disk, const struct aoe_part *p);
/* Deliver REMOVE to every descriptor of @b and take it off the list for good. Lock held. */
void aoe_bdev_remove(struct aoe_bdev *b, const char *why);
/* The registered partitions of @disk, by number, through @fn. Lock held. */
void aoe_bdev_parts_foreach(struct aoe_bdev *disk, void (*fn)(struct aoe_bdev *part, void *arg),
			    void *arg);

/* aoe_bdev_io.c */
void aoe_bdev_stat_add(struct aoe_bdev_io_stat *sum, const struct aoe_bdev_io_stat *add);

/* aoe_bdev_part.c */
/* Read @disk's partition table (again) and make its partitions match it: asynchronously, on
 * the management lcore, from where the engine's events come. Lock held. */
void aoe_bdev_part_scan(struct aoe_bdev *disk);

#endif /* AOE_BDEV_INTERNAL_H */
