/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fake engine behind the bdev layer's seam (lib/aoe/aoe_io.h), for the bdev layer's unit
 * tests: targets are RAM disks, polling lcores are whatever the calling thread says it is
 * (fake_lcore_set()), and I/O completes when that lcore polls, frame by frame through the
 * engine's own iovec copy (aoe_iov.h), unless the test holds completions back. Targets go up,
 * down (closewait while held, released on the next poll of lcore 0, the management lcore, as
 * the engine does) and change size when the test says so, with the engine's events. No EAL.
 */
#ifndef AOE_FAKE_ENGINE_H
#define AOE_FAKE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "aoe_io.h"

#define FAKE_LCORES 4 /* polling lcore indexes 0 (management) to 3 */
/* A good I/O's done_tsc less its submit_tsc: the fake engine's clock is a counter. */
#define FAKE_LATENCY_TICKS 1000

/* Which polling lcore the calling thread is (-1: none). */
void fake_lcore_set(int lcore);

/* Start the engine (no targets), or stop it as aoe_fini() does: the stop callback first, then
 * every I/O still queued completes with -ECANCELED on the calling thread. */
void fake_engine_start(void);
void fake_engine_stop(void);

/* A target e{shelf}.{slot} of @p sectors, RAM-backed (zeroed, or @p image's first bytes), up,
 * with its UP event delivered (on the calling thread, which should be lcore 0); then lcore 0
 * polls until its partition table has been read. */
struct aoe_target *fake_target_up(uint16_t shelf, uint8_t slot, uint64_t sectors, const void *image,
				  size_t image_len);
/* Down (closewait while held), its DOWN event delivered. */
void fake_target_down(struct aoe_target *t);
/* Up again (only from down, as the engine: not while down,closewait): same disk. */
void fake_target_again(struct aoe_target *t);
/* New size, its RESIZED event delivered, the table read again. */
void fake_target_resize(struct aoe_target *t, uint64_t sectors);
/* The target's RAM disk, its state, holders, how many times it came up. */
uint8_t *fake_target_disk(struct aoe_target *t);
unsigned int fake_target_holds(const struct aoe_target *t);
uint32_t fake_target_generation(const struct aoe_target *t);

/* Bytes per frame when I/O completes (default 1024, as vblade on MTU 1500). */
void fake_payload_set(uint32_t bytes);
/* While held, polls complete nothing (I/O stays in flight). */
void fake_hold_completions(bool hold);
/* The next I/O completed on any lcore fails with @p status (0: none). */
void fake_fail_next(int status);
/* Zero-copy reads: frames one lcore's may have reserved (default: no limit), and the frames
 * they hold now, over all lcores. */
void fake_zcopy_budget_set(uint32_t frames);
unsigned int fake_zcopy_held(void);
/* I/O queued on all sessions, not yet completed. */
unsigned int fake_in_flight(void);
/* Poll as lcore 0 until no I/O is queued on it (partition scans). */
void fake_settle(void);

#endif /* AOE_FAKE_ENGINE_H */
