/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the files of a session share (never installed): aoe_session.c turns I/O into frames,
 * sends, retransmits and fails them; aoe_path.c chooses a path for a frame and keeps each
 * path's window, timer and health; aoe_rsp.c decides whether a response answers a frame and
 * completes it. All of it runs on the session's own lcore.
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

#endif /* AOE_SESSION_H */
