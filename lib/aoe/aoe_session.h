/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the files of a session share (never installed): aoe_session.c turns I/O into frames,
 * sends, retransmits and fails them; aoe_path.c chooses a path for a frame and keeps each
 * path's window, timer and health; aoe_rsp.c decides whether a response answers a frame and
 * completes it; aoe_fence.c keeps later writes behind unanswered copies of earlier ones. All of
 * it runs on the session's own lcore.
 */
#ifndef AOE_SESSION_H
#define AOE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "aoe_internal.h"

static inline bool
aoe_ata_cmd_is_write(uint8_t ata_cmd)
{
	return ata_cmd == AOE_ATA_WRITE || ata_cmd == AOE_ATA_WRITE_EXT;
}

static inline bool
aoe_ata_cmd_is_rw(uint8_t ata_cmd)
{
	return ata_cmd == AOE_ATA_READ || ata_cmd == AOE_ATA_READ_EXT ||
	       aoe_ata_cmd_is_write(ata_cmd);
}

/* aoe_session.c */
uint32_t aoe_session_outstanding(const struct aoe_session *s);
bool aoe_session_busy(const struct aoe_session *s);
void aoe_frame_event(struct aoe_lcore *lc, const struct aoe_session *s, const struct aoe_hdr *hdr,
		     enum aoe_event_type type, uint32_t old_tag, uint32_t new_tag,
		     const uint8_t *src, const uint8_t *dst, uint16_t port_id);
int aoe_frame_ata(const struct aoe_session *s, const struct aoe_frame *f, struct aoe_ata *ata);
void aoe_frame_unlink(struct aoe_session *s, struct aoe_frame *f);
void aoe_frame_park(struct aoe_session *s, struct aoe_frame *f, uint64_t when);
bool aoe_frame_send(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f,
		    unsigned int path, uint64_t now);
void aoe_frame_done(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f, int status,
		    uint64_t now);
/* Back to the free list (from any list, the lingering one included). */
void aoe_frame_release(struct aoe_session *s, struct aoe_frame *f);
/* A frame's data: taken from its I/O for a write, put there from an answer for a read. */
void aoe_frame_data_out(const struct aoe_frame *f, uint8_t *dst, size_t len);
void aoe_frame_data_in(const struct aoe_frame *f, const struct rte_mbuf *m, uint32_t m_off,
		       size_t len);
/* Or, for a zero-copy read, keep the answer itself; false: not kept (free it). */
bool aoe_frame_data_keep(struct aoe_lcore *lc, const struct aoe_frame *f, struct rte_mbuf *m,
			 uint32_t m_off, size_t len);

/* aoe_path.c */
void aoe_path_refresh(struct aoe_session *s);
int aoe_path_pick(struct aoe_session *s, bool need_room, int avoid);
void aoe_path_ack(struct aoe_lcore *lc, struct aoe_session *s, unsigned int path, bool sample,
		  uint64_t rtt);
void aoe_path_loss(struct aoe_lcore *lc, struct aoe_session *s, unsigned int path,
		   const struct aoe_frame *f, uint64_t now);
/* A path that can carry frames at all: its port is allowed, it is not retired or reused. */
bool aoe_path_alive(const struct aoe_session *s, unsigned int path);
/* Another path than @p path that frames can move to. */
bool aoe_path_other_usable(const struct aoe_session *s, unsigned int path);

/* aoe_fence.c: later writes stay behind unanswered copies of earlier ones */
#define AOE_FENCE_FREE (-1) /* aoe_fence_path(): any path will do */
#define AOE_FENCE_WAIT (-2) /* aoe_fence_path(): no path will do yet */
/* A done frame: kept, lingering, when it is a write with a copy unanswered (true). Unlinked. */
bool aoe_fence_keep(struct aoe_session *s, struct aoe_frame *f);
/* The path a write of @p nsect sectors at @p lba must take: AOE_FENCE_FREE, AOE_FENCE_WAIT or
 * the path of the unanswered copies it overlaps, behind which it queues. */
int aoe_fence_path(struct aoe_lcore *lc, struct aoe_session *s, uint64_t lba, uint32_t nsect,
		   uint64_t now);
/* Let go of what is resolved or abandoned (deadsecs); push out copies that may wait in a port. */
void aoe_fence_timers(struct aoe_lcore *lc, struct aoe_session *s, uint64_t now);
/* The target went down or came back as another: nothing is held any more. */
void aoe_fence_drop_all(struct aoe_session *s);

/* An answer came to the transmission numbered @p seq on @p path: every earlier one on that path
 * has reached the target (each path is a FIFO). */
static inline void
aoe_fence_answered(struct aoe_session *s, unsigned int path, uint64_t seq)
{
	if (seq > s->paths[path].answered_seq)
		s->paths[path].answered_seq = seq;
}

#endif /* AOE_SESSION_H */
