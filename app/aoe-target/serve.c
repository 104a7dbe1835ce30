/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-target request handling: decode a request with the wire codec, act on every disk its
 * shelf.slot addresses, and build each response, in the request's own mbuf when it is the
 * last (usually only) one and fits, else in a fresh mbuf from the pool.
 *
 * Every handler reads all it needs from the request before it encodes the response, because
 * the response may overwrite the request in place.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "aoe_target.h"

/* One request being served. */
struct req {
	const uint8_t *f; /* linear view of the frame */
	uint32_t len;
	struct aoe_hdr hdr;
	struct rte_mbuf *m; /* the request; may become the last response */
	bool reuse_ok;	    /* m may be handed out by rsp_get (last matching disk) */
	bool reused;	    /* m now belongs to a response */
};

static const uint8_t bcast_mac[AOE_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static inline bool
disk_match(const struct tgt_disk *d, const struct aoe_hdr *h)
{
	return (h->shelf == AOE_SHELF_BCAST || h->shelf == d->shelf) &&
	       (h->slot == AOE_SLOT_BCAST || h->slot == d->slot);
}

static inline int
next_match(const struct tgt_ctx *ctx, const struct aoe_hdr *h, unsigned int from)
{
	for (unsigned int i = from; i < ctx->n_disks; i++)
		if (disk_match(&ctx->disks[i], h))
			return (int)i;
	return -1;
}

static bool
mac_in(const uint8_t (*list)[AOE_ETH_ALEN], unsigned int n, const uint8_t *mac)
{
	for (unsigned int i = 0; i < n; i++)
		if (memcmp(list[i], mac, AOE_ETH_ALEN) == 0)
			return true;
	return false;
}

/*
 * An mbuf with room for @p need bytes of response: the request itself when allowed (single
 * direct segment, ours alone, big enough), else a new one. NULL when the pool is empty.
 */
static struct rte_mbuf *
rsp_get(struct tgt_ctx *ctx, struct req *rq, uint32_t need, uint32_t *cap)
{
	struct rte_mbuf *m = rq->m;

	if (need < AOE_ETH_MIN_FRAME)
		need = AOE_ETH_MIN_FRAME;
	if (rq->reuse_ok && !rq->reused && m->nb_segs == 1 && RTE_MBUF_DIRECT(m) &&
	    rte_mbuf_refcnt_read(m) == 1 && (uint32_t)(m->buf_len - m->data_off) >= need) {
		rq->reused = true;
		*cap = m->buf_len - m->data_off;
		return m;
	}
	m = rte_pktmbuf_alloc(ctx->pool);
	if (unlikely(m == NULL)) {
		ctx->st.alloc_fail++;
		return NULL;
	}
	*cap = rte_pktmbuf_tailroom(m);
	if (unlikely(*cap < need)) {
		ctx->st.alloc_fail++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

/* Pad to the Ethernet minimum, set the lengths and hand the response to the output path. */
static void
rsp_send(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m, int len)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	if (unlikely(len < 0)) {
		/* An encoder refused: a bug here, not the peer's fault; never send garbage. */
		ctx->st.alloc_fail++;
		rte_pktmbuf_free(m);
		return;
	}
	if (len < AOE_ETH_MIN_FRAME) {
		memset(f + len, 0, AOE_ETH_MIN_FRAME - len);
		len = AOE_ETH_MIN_FRAME;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	m->ol_flags = 0;
	m->packet_type = 0;
	if (f[14] & AOE_FLAG_ERR)
		ctx->st.aoe_err_sent[f[15] < 7 ? f[15] : 0]++;
	tgt_emit(ctx, p, m);
}

static void
rsp_hdr(const struct req *rq, const struct tgt_port *p, const struct tgt_disk *d, uint8_t err,
	struct aoe_hdr *h)
{
	memcpy(h->dst, rq->hdr.src, AOE_ETH_ALEN);
	memcpy(h->src, p->mac.addr_bytes, AOE_ETH_ALEN);
	h->version = AOE_VERSION;
	h->flags = AOE_FLAG_RSP | (err ? AOE_FLAG_ERR : 0);
	h->error = err;
	h->shelf = d->shelf;
	h->slot = d->slot;
	h->cmd = rq->hdr.cmd;
	h->tag = rq->hdr.tag;
}

/* An AoE error response: the common header with E set and the error code, nothing else. */
static void
send_error(struct tgt_ctx *ctx, struct tgt_port *p, struct req *rq, const struct tgt_disk *d,
	   uint8_t err)
{
	struct aoe_hdr h;
	struct rte_mbuf *m;
	uint32_t cap;

	m = rsp_get(ctx, rq, AOE_HDR_LEN, &cap);
	if (m == NULL)
		return;
	rsp_hdr(rq, p, d, err, &h);
	rsp_send(ctx, p, m, aoe_hdr_encode(rte_pktmbuf_mtod(m, uint8_t *), cap, &h));
}

static void
serve_ata(struct tgt_ctx *ctx, struct tgt_port *p, struct req *rq, struct tgt_disk *d)
{
	struct aoe_ata ata, rsp;
	struct aoe_hdr h;
	struct rte_mbuf *m;
	uint32_t cap, data = 0;
	uint8_t aerr = 0;
	uint64_t lba;
	unsigned int count;
	bool write = false, ext = false;
	uint8_t *f;
	int rc;

	/* AoEr11: with a non-empty mask list only the listed initiators get any answer. */
	if (d->mask_count != 0 && !mac_in(d->mask, d->mask_count, rq->hdr.src)) {
		ctx->st.ata_masked++;
		return;
	}
	if (d->res_count != 0 && !mac_in(d->res, d->res_count, rq->hdr.src)) {
		send_error(ctx, p, rq, d, AOE_ERR_RESERVED);
		return;
	}
	rc = aoe_ata_decode(rq->f, rq->len, &rq->hdr, &ata);
	if (rc != 0) {
		/* e.g. a write with less data than its sector count */
		send_error(ctx, p, rq, d, AOE_ERR_BADARG);
		return;
	}
	if (ctx->aoe_error != 0 && ata.cmd_status != AOE_ATA_IDENTIFY) {
		send_error(ctx, p, rq, d, ctx->aoe_error);
		return;
	}
	rsp = (struct aoe_ata){
		.aflags = ata.aflags,
		.sector_count = ata.sector_count,
		.cmd_status = ata.cmd_status,
		.lba = ata.lba,
	};
	count = ata.sector_count;
	if (ctx->lba28 &&
	    (ata.cmd_status == AOE_ATA_READ_EXT || ata.cmd_status == AOE_ATA_WRITE_EXT ||
	     ata.cmd_status == AOE_ATA_FLUSH_EXT)) {
		/* An LBA28 disk knows no EXT command: abort it as such a drive does. */
		ctx->st.ata_other++;
		ctx->st.ata_err_abrt++;
		aerr = AOE_ATA_ER_ABRT;
		goto answer;
	}
	switch (ata.cmd_status) {
	case AOE_ATA_WRITE_EXT:
		ext = true;
		/* fall through */
	case AOE_ATA_WRITE:
		write = true;
		/* fall through */
	case AOE_ATA_READ:
	case AOE_ATA_READ_EXT:
		if (ata.cmd_status == AOE_ATA_READ_EXT)
			ext = true;
		lba = aoe_ata_lba(&ata);
		if (!ext)
			lba &= 0x0fffffff; /* LBA28: the device bits are not address */
		if (count == 0 || count > p->sectors ||
		    (write && (!(ata.aflags & AOE_AFLAG_WRITE) ||
			       ata.data_len < (size_t)count * AOE_SECTOR_SIZE))) {
			send_error(ctx, p, rq, d, AOE_ERR_BADARG);
			return;
		}
		if (lba >= d->sectors || count > d->sectors - lba) {
			aerr = AOE_ATA_ER_IDNF;
			ctx->st.ata_err_idnf++;
			break;
		}
		if (write) {
			ctx->st.ata_write++;
			if (tgt_fault_lose_write(ctx))
				break; /* answered as written */
			if (tgt_disk_write(d, lba, count, ata.data) != 0) {
				ctx->st.ata_io_err++;
				aerr = AOE_ATA_ER_ABRT;
				break;
			}
			ctx->st.sectors_written += count;
			break;
		}
		ctx->st.ata_read++;
		data = count * AOE_SECTOR_SIZE;
		m = rsp_get(ctx, rq, AOE_ATA_HDR_LEN + data, &cap);
		if (m == NULL)
			return;
		f = rte_pktmbuf_mtod(m, uint8_t *);
		if (tgt_disk_read(d, lba, count, f + AOE_ATA_HDR_LEN) != 0) {
			ctx->st.ata_io_err++;
			rsp.err_feature = AOE_ATA_ER_ABRT;
			rsp.cmd_status = AOE_ATA_ST_DRDY | AOE_ATA_ST_ERR;
			data = 0;
		} else {
			ctx->st.sectors_read += count;
			rsp.cmd_status = AOE_ATA_ST_DRDY;
		}
		rsp_hdr(rq, p, d, 0, &h);
		rc = aoe_ata_encode(f, cap, &h, &rsp);
		rsp_send(ctx, p, m, rc < 0 ? rc : rc + (int)data);
		tgt_silence_count_ata(ctx);
		return;
	case AOE_ATA_IDENTIFY:
		ctx->st.ata_identify++;
		data = AOE_SECTOR_SIZE;
		break;
	case AOE_ATA_CHECK_POWER:
		ctx->st.ata_check_power++;
		rsp.sector_count = 0xff; /* active or idle */
		break;
	case AOE_ATA_FLUSH_EXT:
		if (ctx->abort_flush_ext) {
			ctx->st.ata_err_abrt++;
			aerr = AOE_ATA_ER_ABRT;
			break;
		}
		/* fall through */
	case AOE_ATA_FLUSH:
		ctx->st.ata_flush++;
		if (tgt_disk_flush(d) != 0) {
			ctx->st.ata_io_err++;
			aerr = AOE_ATA_ER_ABRT;
		}
		break;
	default:
		ctx->st.ata_other++;
		ctx->st.ata_err_abrt++;
		aerr = AOE_ATA_ER_ABRT;
		break;
	}
answer:
	if (aerr != 0) {
		rsp.err_feature = aerr;
		rsp.cmd_status = AOE_ATA_ST_DRDY | AOE_ATA_ST_ERR;
	} else {
		rsp.cmd_status = AOE_ATA_ST_DRDY;
	}
	m = rsp_get(ctx, rq, AOE_ATA_HDR_LEN + data, &cap);
	if (m == NULL)
		return;
	f = rte_pktmbuf_mtod(m, uint8_t *);
	if (data != 0)
		memcpy(f + AOE_ATA_HDR_LEN, d->ident, AOE_SECTOR_SIZE);
	rsp_hdr(rq, p, d, 0, &h);
	rc = aoe_ata_encode(f, cap, &h, &rsp);
	rsp_send(ctx, p, m, rc < 0 ? rc : rc + (int)data);
	tgt_silence_count_ata(ctx);
}

static void
send_cfg(struct tgt_ctx *ctx, struct tgt_port *p, struct req *rq, const struct tgt_disk *d,
	 uint8_t ccmd, uint8_t err)
{
	struct aoe_cfg rsp = {
		.bufcnt = ctx->bufcnt,
		.fwver = TGT_FWVER,
		.sector_count = p->sectors,
		.aoe_version = AOE_VERSION,
		.ccmd = ccmd,
		.str_len = d->cfg_len,
		.str = d->cfg,
	};
	struct aoe_hdr h;
	struct rte_mbuf *m;
	uint32_t cap;

	m = rsp_get(ctx, rq, AOE_CFG_HDR_LEN + d->cfg_len, &cap);
	if (m == NULL)
		return;
	rsp_hdr(rq, p, d, err, &h);
	rsp_send(ctx, p, m, aoe_cfg_encode(rte_pktmbuf_mtod(m, uint8_t *), cap, &h, &rsp));
}

static void
serve_cfg(struct tgt_ctx *ctx, struct tgt_port *p, struct req *rq, struct tgt_disk *d)
{
	struct aoe_cfg cfg;

	if (aoe_cfg_decode(rq->f, rq->len, &rq->hdr, &cfg) != 0) {
		send_error(ctx, p, rq, d, AOE_ERR_BADARG);
		return;
	}
	ctx->st.cfg_sub[cfg.ccmd < 5 ? cfg.ccmd : 0]++;
	switch (cfg.ccmd) {
	case AOE_CFG_READ:
		break;
	case AOE_CFG_TEST_EXACT:
		if (cfg.str_len != d->cfg_len || memcmp(cfg.str, d->cfg, cfg.str_len) != 0) {
			ctx->st.cfg_no_match++;
			return;
		}
		break;
	case AOE_CFG_TEST_PREFIX:
		if (cfg.str_len > d->cfg_len || memcmp(cfg.str, d->cfg, cfg.str_len) != 0) {
			ctx->st.cfg_no_match++;
			return;
		}
		break;
	case AOE_CFG_SET:
		if (d->cfg_len != 0) {
			/* The answer carries the string that is there, so the asker sees why. */
			send_cfg(ctx, p, rq, d, cfg.ccmd, AOE_ERR_CFG_SET);
			return;
		}
		/* fall through */
	case AOE_CFG_FORCE_SET:
		memcpy(d->cfg, cfg.str, cfg.str_len);
		d->cfg_len = cfg.str_len;
		break;
	default:
		send_error(ctx, p, rq, d, AOE_ERR_BADARG);
		return;
	}
	send_cfg(ctx, p, rq, d, cfg.ccmd, 0);
}

static void
serve_mask(struct tgt_ctx *ctx, struct tgt_port *p, struct req *rq, struct tgt_disk *d)
{
	struct aoe_mask_dir dirs[TGT_MASK_MAX];
	struct aoe_mask mask, rsp = {0};
	struct aoe_mask_dir dir;
	struct aoe_hdr h;
	struct rte_mbuf *m;
	uint32_t cap;
	int rc;

	rc = aoe_mask_decode(rq->f, rq->len, &rq->hdr, &mask);
	if (rc == -EBADMSG && rq->len >= AOE_MASK_HDR_LEN &&
	    rq->f[AOE_HDR_LEN + 1] <= AOE_MASK_EDIT) {
		/* The subcommand is fine, so a directive is not: AoEr11's "bad directive". */
		rsp.mcmd = rq->f[AOE_HDR_LEN + 1];
		rsp.merror = AOE_MASK_ERR_BADDIR;
	} else if (rc != 0) {
		send_error(ctx, p, rq, d, AOE_ERR_BADARG);
		return;
	} else {
		rsp.mcmd = mask.mcmd;
		for (unsigned int i = 0; mask.mcmd == AOE_MASK_EDIT && i < mask.dir_count; i++) {
			aoe_mask_dir_get(&mask, i, &dir);
			if (dir.dcmd == AOE_MASK_DIR_ADD) {
				if (mac_in(d->mask, d->mask_count, dir.mac))
					continue;
				if (d->mask_count == TGT_MASK_MAX) {
					rsp.merror = AOE_MASK_ERR_FULL;
					break;
				}
				memcpy(d->mask[d->mask_count++], dir.mac, AOE_ETH_ALEN);
			} else if (dir.dcmd == AOE_MASK_DIR_DEL) {
				for (unsigned int j = 0; j < d->mask_count; j++) {
					if (memcmp(d->mask[j], dir.mac, AOE_ETH_ALEN) != 0)
						continue;
					memmove(d->mask[j], d->mask[j + 1],
						(size_t)(d->mask_count - j - 1) * AOE_ETH_ALEN);
					d->mask_count--;
					break;
				}
			}
		}
	}
	ctx->st.mask_err[rsp.merror < 4 ? rsp.merror : 0]++;
	/* The answer lists the mask as it now stands. */
	rsp.dir_count = d->mask_count;
	for (unsigned int i = 0; i < d->mask_count; i++) {
		dirs[i].dcmd = AOE_MASK_DIR_NONE;
		memcpy(dirs[i].mac, d->mask[i], AOE_ETH_ALEN);
	}
	m = rsp_get(ctx, rq, AOE_MASK_HDR_LEN + AOE_MASK_DIR_LEN * d->mask_count, &cap);
	if (m == NULL)
		return;
	rsp_hdr(rq, p, d, 0, &h);
	rsp_send(ctx, p, m, aoe_mask_encode(rte_pktmbuf_mtod(m, uint8_t *), cap, &h, &rsp, dirs));
}

static void
serve_res(struct tgt_ctx *ctx, struct tgt_port *p, struct req *rq, struct tgt_disk *d)
{
	struct aoe_res res, rsp;
	struct aoe_hdr h;
	struct rte_mbuf *m;
	uint8_t err = 0;
	uint32_t cap;

	if (aoe_res_decode(rq->f, rq->len, &rq->hdr, &res) != 0 ||
	    (res.rcmd != AOE_RES_READ && res.mac_count > TGT_RES_MAX)) {
		send_error(ctx, p, rq, d, AOE_ERR_BADARG);
		return;
	}
	switch (res.rcmd) {
	case AOE_RES_READ:
		break;
	case AOE_RES_SET:
		if (d->res_count != 0 && !mac_in(d->res, d->res_count, rq->hdr.src)) {
			err = AOE_ERR_RESERVED;
			break;
		}
		/* fall through */
	case AOE_RES_FORCE_SET:
		for (unsigned int i = 0; i < res.mac_count; i++)
			aoe_res_mac_get(&res, i, d->res[i]);
		d->res_count = res.mac_count;
		break;
	default:
		send_error(ctx, p, rq, d, AOE_ERR_BADARG);
		return;
	}
	rsp = (struct aoe_res){.rcmd = res.rcmd, .mac_count = d->res_count};
	m = rsp_get(ctx, rq, AOE_RES_HDR_LEN + AOE_ETH_ALEN * d->res_count, &cap);
	if (m == NULL)
		return;
	rsp_hdr(rq, p, d, err, &h);
	rsp_send(ctx, p, m,
		 aoe_res_encode(rte_pktmbuf_mtod(m, uint8_t *), cap, &h, &rsp,
				(const uint8_t(*)[AOE_ETH_ALEN])d->res));
}

/*
 * A version other than 1: the codec will not decode the header, but the sender deserves error 5
 * if the rest of the header is sound. Decode a copy with the version patched to 1.
 */
static int
decode_other_version(const uint8_t *f, uint32_t len, struct aoe_hdr *h)
{
	uint8_t tmp[AOE_HDR_LEN];

	if (len < AOE_HDR_LEN)
		return -EMSGSIZE;
	memcpy(tmp, f, AOE_HDR_LEN);
	tmp[14] = (uint8_t)((AOE_VERSION << 4) | (tmp[14] & 0x0f));
	return aoe_hdr_decode(tmp, AOE_HDR_LEN, h);
}

void
tgt_serve_frame(struct tgt_ctx *ctx, struct tgt_port *p, struct rte_mbuf *m)
{
	struct req rq = {.m = m};
	bool bad_version = false;
	int rc, i, next;

	rq.len = rte_pktmbuf_pkt_len(m);
	ctx->st.rx_frames++;
	ctx->st.rx_bytes += rq.len;
	if (likely(m->nb_segs == 1)) {
		rq.f = rte_pktmbuf_mtod(m, const uint8_t *);
	} else if (rq.len <= ctx->scratch_len) {
		rq.f = rte_pktmbuf_read(m, 0, rq.len, ctx->scratch);
	} else {
		ctx->st.rx_oversize++;
		goto drop;
	}
	rc = aoe_hdr_decode(rq.f, rq.len, &rq.hdr);
	if (unlikely(rc != 0)) {
		if (rc == -EPROTONOSUPPORT) {
			ctx->st.rx_not_aoe++;
			goto drop;
		}
		if (rc != -EPROTO || decode_other_version(rq.f, rq.len, &rq.hdr) != 0) {
			ctx->st.rx_bad_hdr++;
			goto drop;
		}
		bad_version = true;
	}
	if (rq.hdr.flags & AOE_FLAG_RSP) {
		ctx->st.rx_responses++;
		goto drop;
	}
	if (!(rq.hdr.dst[0] & 1) && memcmp(rq.hdr.dst, p->mac.addr_bytes, AOE_ETH_ALEN) != 0) {
		ctx->st.rx_not_mine++;
		goto drop;
	}
	i = next_match(ctx, &rq.hdr, 0);
	if (i < 0) {
		ctx->st.rx_no_disk++;
		goto drop;
	}
	if (!bad_version) {
		if (rq.hdr.cmd < RTE_DIM(ctx->st.cmd))
			ctx->st.cmd[rq.hdr.cmd]++;
		else
			ctx->st.cmd_unknown++;
	}
	for (; i >= 0; i = next) {
		struct tgt_disk *d = &ctx->disks[i];

		next = next_match(ctx, &rq.hdr, (unsigned int)i + 1);
		/* Only the last disk's answer may overwrite the request. */
		rq.reuse_ok = next < 0 && rq.f == rte_pktmbuf_mtod(m, const uint8_t *);
		if (unlikely(bad_version)) {
			send_error(ctx, p, &rq, d, AOE_ERR_BADVER);
			continue;
		}
		switch (rq.hdr.cmd) {
		case AOE_CMD_ATA:
			serve_ata(ctx, p, &rq, d);
			break;
		case AOE_CMD_CONFIG:
			serve_cfg(ctx, p, &rq, d);
			break;
		case AOE_CMD_MACMASK:
			serve_mask(ctx, p, &rq, d);
			break;
		case AOE_CMD_RESERVE:
			serve_res(ctx, p, &rq, d);
			break;
		default:
			send_error(ctx, p, &rq, d, AOE_ERR_BADCMD);
			break;
		}
	}
	if (rq.reused)
		return;
drop:
	rte_pktmbuf_free(m);
}

/* At start-up, like vblade: one broadcast config response per disk, so initiators learn of us. */
int
tgt_serve_announce(struct tgt_ctx *ctx, struct tgt_port *p)
{
	struct req rq = {0};

	memcpy(rq.hdr.src, bcast_mac, AOE_ETH_ALEN); /* rsp_hdr answers to the "sender" */
	rq.hdr.cmd = AOE_CMD_CONFIG;
	for (unsigned int i = 0; i < ctx->n_disks; i++) {
		send_cfg(ctx, p, &rq, &ctx->disks[i], AOE_CFG_READ, 0);
		ctx->st.unsolicited++;
	}
	tgt_port_flush(ctx, p);
	return 0;
}
