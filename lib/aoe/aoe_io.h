/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The seam between the engine and the block device layer (drivers/bdev): the I/O object, the
 * targets as opaque handles, and submission into the calling lcore's session. The bdev layer
 * reaches the engine through this header (and the public aoe.h) only, never aoe_internal.h;
 * the engine implements it in aoe_io.c. The unit tests of the bdev layer put a fake engine
 * behind it (tests/unit/aoe_fake_engine.c). Private: never installed.
 *
 * Threads: aoe_io_lcore(), the aoe_io_target_*() readers, hold and release may be called from
 * any thread while the engine runs; aoe_io_session() and aoe_io_submit() only on a polling
 * lcore, for its own session; an I/O's done callback runs on that lcore.
 */
#ifndef AOE_IO_H
#define AOE_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/uio.h>

#include "aoe.h"
#include "aoe_iov.h"

struct aoe_target;  /* a target of the engine: its table entry, opaque here */
struct aoe_session; /* one lcore's queue to one target, opaque here */

/* I/O as the engine sees it: a run of sectors (or a non-data command) on one target. */
enum aoe_io_op {
	AOE_IO_READ,
	AOE_IO_WRITE,
	AOE_IO_FLUSH,
	AOE_IO_IDENTIFY,
};

struct aoe_io;
typedef void (*aoe_io_done_t)(struct aoe_io *io);

/*
 * One I/O. The submitter fills the first block and is called back through done, once, on the
 * session's lcore. Read data lands in the buffer (or iovecs) frame by frame as answers come;
 * the engine copies it there in one place (aoe_frame_data_in()).
 *
 * A zero-copy read (op AOE_IO_READ with held set; buf and iov unused) is not copied: each
 * accepted answer's frame is kept, trimmed to its data, at held[its first sector - lba]
 * (nsect entries, zeroed by the submitter; one answer per frame is ever accepted, so a slot is
 * never filled twice). After done, aoe_io_zcopy_segments() describes the data and
 * aoe_io_zcopy_release() gives the frames back to the pool: the submitter calls it once for
 * every zero-copy read the engine took, whatever its status (a failed one may hold some).
 */
struct aoe_io {
	/* The submitter's. */
	aoe_io_done_t done; /* runs once, on the session's lcore */
	void *arg;
	uint8_t op; /* enum aoe_io_op */
	uint64_t lba;
	uint32_t nsect;		 /* 1 for IDENTIFY, 0 for FLUSH */
	uint8_t *buf;		 /* the data in one piece, when iovcnt is 0 */
	const struct iovec *iov; /* else scattered over these: nsect * 512 bytes in all */
	uint32_t iovcnt;
	void **held; /* a zero-copy read's frames (see above); NULL: copy into buf or iov */
	/* The outcome, set by the engine before done runs. */
	int status; /* 0 or -errno */
	uint8_t ata_status;
	uint8_t ata_error;
	uint8_t aoe_error;
	/* When the engine took it and, for a good one, when its last answer came (TSC): the
	 * submitter's latency without clock reads of its own. */
	uint64_t submit_tsc;
	uint64_t done_tsc;
	/* The engine's own, while it runs. */
	TAILQ_ENTRY(aoe_io) link;     /* the session's pending queue */
	bool queued;		      /* on the session's pending queue */
	uint32_t issued;	      /* sectors handed to frames so far */
	uint32_t frames_out;	      /* frames in flight */
	struct aoe_iov_cursor cursor; /* where the last frame's data was, in iov */
	uint32_t zc_reserved;	      /* zero-copy: frames reserved on lcore zc_lcore */
	uint16_t zc_lcore;
};

/* The calling thread's polling lcore: its index in aoe_conf.lcores, or -1 (none, or no
 * engine). */
int aoe_io_lcore(void);

/* The target e{shelf}.{slot} while the engine runs (flushed ones too), or NULL. Valid until
 * aoe_fini(): the engine never frees a target before. */
struct aoe_target *aoe_io_target_find(uint16_t shelf, uint8_t slot);

const char *aoe_io_target_name(const struct aoe_target *t);
enum aoe_target_state aoe_io_target_state(const struct aoe_target *t);
/* 512-byte sectors, as IDENTIFY last said. */
uint64_t aoe_io_target_sectors(const struct aoe_target *t);
/* Data bytes one frame carries on the target's live paths (the smallest). */
uint32_t aoe_io_target_payload(const struct aoe_target *t);

/*
 * Count one more holder of @p t (an open descriptor): a target that goes down while held stays
 * down,closewait until every holder has let go. -ENODEV (and nothing held) when it is not up:
 * a hold racing with the target going down either sees it down or is counted by it.
 */
int aoe_io_target_hold(struct aoe_target *t);
void aoe_io_target_release(struct aoe_target *t);

/* The calling polling lcore's session to @p t, created on first use; NULL with rte_errno set:
 * EINVAL (not a polling lcore), ENOSPC (the lcore has a session to every target it may),
 * ENOMEM. */
struct aoe_session *aoe_io_session(struct aoe_target *t);

/*
 * Queue @p io on @p s (the calling lcore's). 0: done will run, once, on this lcore (perhaps
 * before this returns, when the target fails at once); -ENODEV: the target is not up, done
 * will not run; -ENOBUFS: a zero-copy read would take the lcore past its budget of held
 * frames (aoe_io_zcopy_budget()), done will not run.
 */
int aoe_io_submit(struct aoe_session *s, struct aoe_io *io);

/*
 * How many response frames the zero-copy reads of one polling lcore may hold at once: a
 * quarter of the engine's mbuf pool, shared evenly between the polling lcores, so that held
 * frames never starve the RX queues that refill from the same pool. A zero-copy read reserves,
 * when it is submitted, as many frames as it takes at the target's payload then (a path that
 * shrinks its frames meanwhile makes it hold a few more). 0 without an engine.
 */
uint32_t aoe_io_zcopy_budget(void);

/*
 * The data of a completed zero-copy read, in order: writes up to @p max segments (pointer and
 * length, into the held frames) to @p iov and returns how many there are (which may be more
 * than @p max: call again with room for them). 0 when a frame is missing (a failed read).
 */
unsigned int aoe_io_zcopy_segments(const struct aoe_io *io, struct iovec *iov, unsigned int max);

/* Free every frame @p io holds and its reservation: once per zero-copy read the engine took,
 * on its lcore (or the thread of aoe_fini(), which completes reads on its own). */
void aoe_io_zcopy_release(struct aoe_io *io);

/*
 * Ask to be told when the engine stops: aoe_fini() calls @p cb first, on its thread, before
 * it fails outstanding I/O with -ECANCELED and frees the targets. One callback (the bdev
 * layer's); kept across aoe_fini() and aoe_init(). -EEXIST when one is registered already.
 */
int aoe_io_stop_register(void (*cb)(void));

#endif /* AOE_IO_H */
