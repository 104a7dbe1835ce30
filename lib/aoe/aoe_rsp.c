/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Responses to ATA requests: the acceptance rule (docs/protocol.md, "What a response must
 * match"), then what an accepted answer does: data copied out (or the frame kept, for a
 * zero-copy read), an AoE or ATA error handled, the path it came on credited, the frame
 * completed.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_session.h"
#include "aoe_tag.h"

/* "Bad argument" answers one frame may get, each followed by a fresh config query. */
#define AOE_BADARG_RETRIES 2
/* How long such a frame waits for the config answer before it is sent again. */
#define AOE_REQUERY_HOLD_US 30000

/* Why a response was refused; see aoe_session_rx and docs/protocol.md. */
enum rsp_verdict {
	RSP_ACCEPT,
	RSP_UNEXPECTED,	  /* no transmission of a frame in flight carries this tag */
	RSP_WRONG_SOURCE, /* not from the MAC and port that transmission went to */
	RSP_BAD,	  /* the ATA part does not decode */
	RSP_WRONG_FIELDS, /* ATA flags, LBA or count are not the request's */
};

/*
 * Does a response's ATA part answer this request? Both vblade and aoe-target echo the flags;
 * for READ/WRITE a target leaves the LBA as sent or advances it by the sectors it moved, and
 * lowers the count by as many (vblade leaves the LBA and zeroes the count); for other commands
 * the LBA comes back as sent and the count may be anything (IDENTIFY: vblade zeroes it).
 */
static bool
rsp_fields_match(const struct aoe_ata *req, const struct aoe_ata *rsp, bool rw)
{
	const uint64_t lba_mask = (UINT64_C(1) << 48) - 1;
	unsigned int moved;

	if ((req->aflags ^ rsp->aflags) & (AOE_AFLAG_EXT | AOE_AFLAG_WRITE))
		return false;
	if (!rw)
		return rsp->lba == req->lba;
	if (rsp->sector_count > req->sector_count)
		return false;
	moved = req->sector_count - rsp->sector_count;
	return rsp->lba == req->lba || rsp->lba == ((req->lba + moved) & lba_mask);
}

/*
 * The acceptance rule for an ATA response, after the router's checks (AoE EtherType, allowed
 * port, response flag, sent to the receiving port's MAC, tag owner): it must carry the tag of
 * one of the last AOE_TX_HISTORY transmissions of a frame in flight (or of a done write that
 * lingers for the fence, which only learns from it), come from the MAC and port
 * that transmission went to, and (unless it is an AoE error) echo the request's ATA fields.
 * On acceptance *@p txp is the path of the transmission answered.
 */
static enum rsp_verdict
rsp_match(const struct aoe_session *s, const struct aoe_frame *f, const struct aoe_hdr *hdr,
	  unsigned int port, const struct rte_mbuf *m, struct aoe_ata *ata, unsigned int *txp)
{
	const struct aoe_path *p;
	struct aoe_ata req;
	uint16_t age;

	if (f == NULL || f->where == AOE_FRAME_FREE || f->ntx == 0)
		return RSP_UNEXPECTED;
	age = (uint16_t)(f->gen - aoe_tag_gen(hdr->tag));
	if (age >= RTE_MIN(f->ntx, (uint16_t)AOE_TX_HISTORY))
		return RSP_UNEXPECTED;
	*txp = f->tx_path[aoe_tag_gen(hdr->tag) % AOE_TX_HISTORY];
	p = &s->target->paths[*txp];
	if (p->port != port || memcmp(p->mac.addr_bytes, hdr->src, AOE_ETH_ALEN) != 0)
		return RSP_WRONG_SOURCE;
	/*
	 * A jumbo response may come as a chain (memif, scattered RX). The codec reads only the
	 * 36-byte header of a response, which the first segment always holds; the data is
	 * copied out later with rte_pktmbuf_read, which walks the chain.
	 */
	if (unlikely(rte_pktmbuf_data_len(m) < AOE_ATA_HDR_LEN && m->nb_segs > 1))
		return RSP_BAD;
	if (unlikely(aoe_ata_decode(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_pkt_len(m),
				    hdr, ata) != 0))
		return RSP_BAD;
	if (hdr->flags & AOE_FLAG_ERR)
		return RSP_ACCEPT;
	if (aoe_frame_ata(s, f, &req) != 0 ||
	    !rsp_fields_match(&req, ata, aoe_ata_cmd_is_rw(f->ata_cmd)))
		return RSP_WRONG_FIELDS;
	return RSP_ACCEPT;
}

/* An AoE error answer: "bad argument" to a frame that may no longer fit asks for the config. */
static void
rsp_aoe_error(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f,
	      const struct aoe_hdr *hdr, unsigned int txp, uint16_t port_id, uint64_t now)
{
	struct aoe_target *t = s->target;
	struct aoe_io *io = f->io;

	s->stats->aoe_errors[RTE_MIN(hdr->error, AOE_STATS_AOE_ERRORS - 1)]++;
	aoe_frame_event(lc, s, hdr, AOE_EV_AOE_ERROR, hdr->tag, 0, hdr->src, hdr->dst, port_id);
	if (hdr->error == AOE_ERR_BADARG && aoe_ata_cmd_is_rw(f->ata_cmd) &&
	    f->badarg < AOE_BADARG_RETRIES) {
		/*
		 * The target may have come back with a smaller sector count (another MTU, same
		 * MAC). Ask its config again and send the frame once more after it had time to
		 * answer, cut to the size the answer gives.
		 */
		f->badarg++;
		s->stats->requeries++;
		__atomic_store_n(&t->paths[txp].requery, 1, __ATOMIC_RELEASE);
		aoe_frame_unlink(s, f);
		aoe_frame_park(s, f, now + AOE_REQUERY_HOLD_US * aoe_engine.tsc_hz / 1000000);
		if (aoe_lcore_log_ok(lc, now))
			AOE_LOG(WARNING, io,
				"bad argument from %s to %u sectors at LBA %" PRIu64
				": asking its config again",
				t->name, f->nsect, f->lba);
		return;
	}
	io->aoe_error = hdr->error;
	if (hdr->error == AOE_ERR_RESERVED) {
		/*
		 * Another initiator holds the target: asking again cannot help until it releases
		 * it, so the I/O fails now, with an errno of its own (aoe_strerror's words).
		 */
		if (aoe_lcore_log_ok(lc, now))
			AOE_LOG(ERR, io, "%s@%s: %s: ATA %02xh refused (AoE error 6)", t->name,
				aoe_engine.ports[t->paths[txp].port].name, aoe_strerror(-EACCES),
				f->ata_cmd);
		aoe_frame_done(lc, s, f, -EACCES, now);
		return;
	}
	if (aoe_lcore_log_ok(lc, now))
		AOE_LOG(ERR, io, "error packet from %s@%s; ecode=%u '%s'", t->name,
			aoe_engine.ports[t->paths[txp].port].name, hdr->error,
			aoe_error_str(hdr->error));
	aoe_frame_done(lc, s, f, -EIO, now);
}

/* An ATA error status: FLUSH CACHE EXT that is not advertised falls back, the rest fails. */
static void
rsp_ata_error(struct aoe_lcore *lc, struct aoe_session *s, struct aoe_frame *f,
	      const struct aoe_hdr *hdr, const struct aoe_ata *ata, uint16_t port_id, uint64_t now)
{
	struct aoe_target *t = s->target;
	struct aoe_io *io = f->io;
	struct aoe_shm_event ev;

	if (f->ata_cmd == AOE_ATA_FLUSH_EXT && (ata->err_feature & AOE_ATA_ER_ABRT) &&
	    !t->flush_ext) {
		/* vblade aborts the EXT form it does not advertise: FLUSH CACHE from now on. */
		__atomic_store_n(&t->flush_ext_refused, 1, __ATOMIC_RELAXED);
		s->stats->flush_ext_fallbacks++;
		aoe_frame_unlink(s, f);
		f->ata_cmd = AOE_ATA_FLUSH;
		f->ntx = 0;
		aoe_frame_send(lc, s, f, f->path, now);
		return;
	}
	s->stats->ata_errors++;
	io->ata_status = ata->cmd_status;
	io->ata_error = ata->err_feature;
	aoe_event_init(&ev, AOE_EV_ATA_ERROR, t->shelf, t->slot);
	ev.old_tag = hdr->tag;
	memcpy(ev.src, hdr->src, sizeof(ev.src));
	memcpy(ev.dst, hdr->dst, sizeof(ev.dst));
	ev.port = port_id;
	ev.ata_cmd = f->ata_cmd;
	ev.ata_status = ata->cmd_status;
	ev.ata_error = ata->err_feature;
	ev.lba = f->lba;
	aoe_event_emit(lc, &ev);
	if (aoe_lcore_log_ok(lc, now))
		AOE_LOG(ERR, io, "ata error %s cmd=%02xh stat=%02xh err=%02xh lba=%" PRIu64,
			t->name, f->ata_cmd, ata->cmd_status, ata->err_feature, f->lba);
	aoe_frame_done(lc, s, f, -EIO, now);
}

void
aoe_session_rx(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr, uint64_t now)
{
	struct aoe_target *t = aoe_target_lookup(hdr->shelf, hdr->slot);
	unsigned int port = (unsigned int)aoe_engine.port_index[m->port];
	struct aoe_session *s;
	struct aoe_frame *f = NULL;
	struct aoe_ata ata;
	unsigned int slot, txp = 0;
	bool late;

	if (unlikely(t == NULL || (s = t->sess[lc->index]) == NULL)) {
		lc->stats->rx_no_target++;
		aoe_frame_event(lc, NULL, hdr, AOE_EV_UNEXPECTED, hdr->tag, 0, hdr->src, hdr->dst,
				m->port);
		goto drop;
	}
	slot = aoe_tag_slot(hdr->tag);
	if (likely(slot < s->nb_slots))
		f = &s->frames[slot];
	switch (rsp_match(s, f, hdr, port, m, &ata, &txp)) {
	case RSP_ACCEPT:
		break;
	case RSP_UNEXPECTED:
		s->stats->unexpected++;
		aoe_frame_event(lc, s, hdr, AOE_EV_UNEXPECTED, hdr->tag, 0, hdr->src, hdr->dst,
				m->port);
		goto drop;
	case RSP_WRONG_SOURCE:
		s->stats->wrong_source++;
		aoe_frame_event(lc, s, hdr, AOE_EV_WRONG_SOURCE, hdr->tag, 0, hdr->src, hdr->dst,
				m->port);
		goto drop;
	case RSP_WRONG_FIELDS:
		s->stats->wrong_fields++;
		aoe_frame_event(lc, s, hdr, AOE_EV_WRONG_FIELDS, hdr->tag, 0, hdr->src, hdr->dst,
				m->port);
		goto drop;
	case RSP_BAD:
		s->stats->bad_response++;
		goto drop;
	}
	aoe_fence_answered(s, txp, f->tx_seq[aoe_tag_gen(hdr->tag) % AOE_TX_HISTORY]);
	late = aoe_tag_gen(hdr->tag) != f->gen;
	if (unlikely(f->where == AOE_FRAME_LINGER)) {
		/* A copy of a done write landed: what the fence waited for (aoe_fence.c). */
		s->stats->late++;
		goto drop;
	}
	if (late) {
		s->stats->late++;
		aoe_frame_event(lc, s, hdr, AOE_EV_LATE, hdr->tag,
				aoe_tag_make(lc->index, f->slot, f->gen), hdr->src, hdr->dst,
				m->port);
	}
	s->stats->frames_rx++;

	if (unlikely(hdr->flags & AOE_FLAG_ERR)) {
		rsp_aoe_error(lc, s, f, hdr, txp, m->port, now);
		goto drop;
	}
	if (unlikely(ata.cmd_status & AOE_ATA_ST_FAILED)) {
		rsp_ata_error(lc, s, f, hdr, &ata, m->port, now);
		goto drop;
	}
	if (!aoe_ata_cmd_is_write(f->ata_cmd) && f->nsect != 0) {
		size_t n = (size_t)f->nsect * AOE_SECTOR_SIZE;

		if (unlikely(!aoe_ata_rsp_data_ok(&ata, f->nsect))) {
			/* Truncated data: let the retransmission fetch it again. */
			s->stats->bad_response++;
			goto drop;
		}
		lc->rx_copies = f->io->held == NULL;
		if (lc->rx_copies) {
			aoe_frame_data_in(f, m, AOE_ATA_HDR_LEN, n);
		} else if (aoe_frame_data_keep(lc, f, m, AOE_ATA_HDR_LEN, n)) {
			m = NULL; /* the I/O's now, until its owner releases it */
		} else {
			s->stats->bad_response++;
			goto drop;
		}
		s->stats->bytes_rx += n;
	}
	aoe_path_ack(lc, s, txp, !late && f->ntx == 1, now - f->sent_tsc);
	aoe_frame_done(lc, s, f, 0, now);
drop:
	rte_pktmbuf_free(m);
}
