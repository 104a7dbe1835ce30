/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The writer's side of the statistics region's layout (aoe_shm.h): create and map it, publish
 * it, update a target description under its sequence count, append an event to a ring, mark it
 * dead. DPDK-free, like the reader (aoe_shm_read.h): the engine (aoe_stats.c) fills the region
 * with these, and the reader's unit test builds its regions with the same code. Never
 * installed.
 */
#ifndef AOE_SHM_WRITE_H
#define AOE_SHM_WRITE_H

#include <stdint.h>

#include "aoe_shm.h"

/*
 * Create @p path afresh (an old file is unlinked: a reader that still maps it keeps a
 * consistent copy), size and map it, and fill the header: version, size, pid, start time and the
 * alive flag. Readers do not trust it before aoe_shm_publish().
 * @return 0 and *@p shmp, or open(2)'s, ftruncate(2)'s or mmap(2)'s -errno (nothing is left).
 */
int aoe_shm_create(const char *path, struct aoe_shm **shmp);

/* Let readers in: the magic is stored last, with release order. */
void aoe_shm_publish(struct aoe_shm *shm);

/* A clean exit: clear the alive flag, unmap, unlink @p path. */
void aoe_shm_destroy(struct aoe_shm *shm, const char *path);

/* Open an update of @p st (its count odd); returns what aoe_shm_target_end takes. */
uint32_t aoe_shm_target_begin(struct aoe_shm_target *st);

/* Close the update opened with @p seq (the count even again, the update visible). */
void aoe_shm_target_end(struct aoe_shm_target *st, uint32_t seq);

/*
 * Append @p ev to ring @p r (its single writer), stamped @p time_ns. The slot is invalidated
 * first, so a reader never takes half of two events for one.
 */
void aoe_shm_event_append(struct aoe_shm_event_ring *r, struct aoe_shm_event *ev, uint64_t time_ns);

/* CLOCK_REALTIME in nanoseconds: what events and the start time are stamped with. */
uint64_t aoe_shm_realtime_ns(void);

#endif /* AOE_SHM_WRITE_H */
