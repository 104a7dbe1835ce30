/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AoE revision 11 wire codec: byte buffers in, host-order structs out, and back.
 *
 * Every decoder checks the length before it reads a byte and fills the caller's struct only when
 * the whole message is valid, so a refused frame never leaves half-decoded state behind.
 */
#include <errno.h>
#include <string.h>

#include "aoe_wire.h"

/* Offsets from the start of the Ethernet frame (AoE revision 11). */
#define OFF_DST	  0
#define OFF_SRC	  6
#define OFF_TYPE  12
#define OFF_VERFL 14
#define OFF_ERROR 15
#define OFF_SHELF 16
#define OFF_SLOT  18
#define OFF_CMD	  19
#define OFF_TAG	  20

#define OFF_ATA_AFLAGS 24
#define OFF_ATA_ERR    25
#define OFF_ATA_SCNT   26
#define OFF_ATA_CMD    27
#define OFF_ATA_LBA    28 /* six bytes, least significant first */
#define OFF_ATA_RSVD   34 /* two bytes, sent as 0 */

#define OFF_CFG_BUFCNT 24
#define OFF_CFG_FWVER  26
#define OFF_CFG_SCNT   28
#define OFF_CFG_VERCMD 29
#define OFF_CFG_STRLEN 30

#define OFF_MASK_RSVD  24
#define OFF_MASK_MCMD  25
#define OFF_MASK_MERR  26
#define OFF_MASK_COUNT 27

#define OFF_RES_RCMD  24
#define OFF_RES_COUNT 25

#define FLAGS_ALLOWED  (AOE_FLAG_RSP | AOE_FLAG_ERR)
#define AFLAGS_ALLOWED (AOE_AFLAG_EXT | AOE_AFLAG_DEV | AOE_AFLAG_ASYNC | AOE_AFLAG_WRITE)
#define LBA48_LIMIT    (UINT64_C(1) << 48)
#define LBA28_LIMIT    (UINT64_C(1) << 28)
#define LBA28_DEV_BITS 0xe0u

static inline uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int
aoe_hdr_decode(const uint8_t *frame, size_t len, struct aoe_hdr *hdr)
{
	struct aoe_hdr h;

	if (frame == NULL || hdr == NULL)
		return -EINVAL;
	/* The EtherType says whether this is ours at all: look at it as soon as it is there. */
	if (len < AOE_ETH_HDR_LEN)
		return -EMSGSIZE;
	if (get_be16(frame + OFF_TYPE) != AOE_ETHERTYPE)
		return -EPROTONOSUPPORT;
	if (len < AOE_HDR_LEN)
		return -EMSGSIZE;

	h.version = frame[OFF_VERFL] >> 4;
	if (h.version != AOE_VERSION)
		return -EPROTO;
	h.flags = frame[OFF_VERFL] & 0x0f;
	if (h.flags & ~FLAGS_ALLOWED)
		return -EBADMSG;

	memcpy(h.dst, frame + OFF_DST, AOE_ETH_ALEN);
	memcpy(h.src, frame + OFF_SRC, AOE_ETH_ALEN);
	h.error = frame[OFF_ERROR];
	h.shelf = get_be16(frame + OFF_SHELF);
	h.slot = frame[OFF_SLOT];
	h.cmd = frame[OFF_CMD];
	h.tag = get_be32(frame + OFF_TAG);
	*hdr = h;
	return 0;
}

/* Common header checks shared by the encoders; returns 0 or -errno. */
static int
hdr_put(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr, uint8_t cmd, size_t need)
{
	if (frame == NULL || hdr == NULL)
		return -EINVAL;
	if (hdr->cmd != cmd || (hdr->flags & ~FLAGS_ALLOWED))
		return -EINVAL;
	if (cap < need)
		return -ENOSPC;

	memcpy(frame + OFF_DST, hdr->dst, AOE_ETH_ALEN);
	memcpy(frame + OFF_SRC, hdr->src, AOE_ETH_ALEN);
	put_be16(frame + OFF_TYPE, AOE_ETHERTYPE);
	frame[OFF_VERFL] = (uint8_t)((AOE_VERSION << 4) | hdr->flags);
	frame[OFF_ERROR] = hdr->error;
	put_be16(frame + OFF_SHELF, hdr->shelf);
	frame[OFF_SLOT] = hdr->slot;
	frame[OFF_CMD] = hdr->cmd;
	put_be32(frame + OFF_TAG, hdr->tag);
	return 0;
}

int
aoe_hdr_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr)
{
	int rc;

	if (hdr == NULL)
		return -EINVAL;
	/* Any command, vendor ones included, may be sent with just the common header. */
	rc = hdr_put(frame, cap, hdr, hdr->cmd, AOE_HDR_LEN);
	return rc < 0 ? rc : AOE_HDR_LEN;
}

/* Per-command decoders: arguments present, command matches, frame long enough for the header. */
static int
args_check(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr, const void *out,
	   uint8_t cmd)
{
	if (frame == NULL || hdr == NULL || out == NULL)
		return -EINVAL;
	if (hdr->cmd != cmd)
		return -EINVAL;
	if (len < AOE_HDR_LEN)
		return -EMSGSIZE;
	return 0;
}

static bool
is_rw_cmd(uint8_t cmd)
{
	return cmd == AOE_ATA_READ || cmd == AOE_ATA_READ_EXT || cmd == AOE_ATA_WRITE ||
	       cmd == AOE_ATA_WRITE_EXT;
}

int
aoe_ata_decode(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr, struct aoe_ata *ata)
{
	struct aoe_ata a;
	unsigned int i;
	int rc;

	rc = args_check(frame, len, hdr, ata, AOE_CMD_ATA);
	if (rc < 0)
		return rc;

	memset(&a, 0, sizeof(a));
	if (len < AOE_ATA_HDR_LEN) {
		/*
		 * An AoE error response is all the initiator needs to fail the request fast, and
		 * its meaning is in the common header: take it even when a target cut it short.
		 */
		if ((hdr->flags & (AOE_FLAG_RSP | AOE_FLAG_ERR)) == (AOE_FLAG_RSP | AOE_FLAG_ERR)) {
			*ata = a;
			return 0;
		}
		return -EMSGSIZE;
	}

	a.aflags = frame[OFF_ATA_AFLAGS];
	a.err_feature = frame[OFF_ATA_ERR];
	a.sector_count = frame[OFF_ATA_SCNT];
	a.cmd_status = frame[OFF_ATA_CMD];
	for (i = 0; i < 6; i++)
		a.lba |= (uint64_t)frame[OFF_ATA_LBA + i] << (8 * i);
	a.data_len = len - AOE_ATA_HDR_LEN;
	a.data = a.data_len ? frame + AOE_ATA_HDR_LEN : NULL;

	/* A response's data length depends on the request it answers: the caller checks it. */
	if (!(hdr->flags & AOE_FLAG_RSP)) {
		if (a.aflags & ~AFLAGS_ALLOWED)
			return -EBADMSG;
		/* READ/WRITE SECTORS move data; a count of 0 would mean 256 or 65536 sectors. */
		if (a.sector_count == 0 && is_rw_cmd(a.cmd_status))
			return -EBADMSG;
		if ((a.aflags & AOE_AFLAG_WRITE) &&
		    a.data_len < (size_t)a.sector_count * AOE_SECTOR_SIZE)
			return -EMSGSIZE;
	}
	*ata = a;
	return 0;
}

int
aoe_ata_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr, const struct aoe_ata *ata)
{
	unsigned int i;
	int rc;

	if (ata == NULL)
		return -EINVAL;
	if ((ata->aflags & ~AFLAGS_ALLOWED) || ata->lba >= LBA48_LIMIT)
		return -EINVAL;
	rc = hdr_put(frame, cap, hdr, AOE_CMD_ATA, AOE_ATA_HDR_LEN);
	if (rc < 0)
		return rc;

	frame[OFF_ATA_AFLAGS] = ata->aflags;
	frame[OFF_ATA_ERR] = ata->err_feature;
	frame[OFF_ATA_SCNT] = ata->sector_count;
	frame[OFF_ATA_CMD] = ata->cmd_status;
	for (i = 0; i < 6; i++)
		frame[OFF_ATA_LBA + i] = (uint8_t)(ata->lba >> (8 * i));
	frame[OFF_ATA_RSVD] = 0;
	frame[OFF_ATA_RSVD + 1] = 0;
	return AOE_ATA_HDR_LEN;
}

int
aoe_ata_rw_setup(struct aoe_ata *ata, bool write, bool lba48, uint64_t lba, uint8_t count)
{
	uint64_t limit;

	if (ata == NULL || count == 0)
		return -EINVAL;
	limit = lba48 ? LBA48_LIMIT : LBA28_LIMIT;
	/* The last sector must be addressable too, not only the first. */
	if (lba >= limit || count > limit - lba)
		return -EINVAL;

	memset(ata, 0, sizeof(*ata));
	ata->sector_count = count;
	if (lba48) {
		ata->aflags = AOE_AFLAG_EXT;
		ata->cmd_status = write ? AOE_ATA_WRITE_EXT : AOE_ATA_READ_EXT;
		ata->lba = lba;
	} else {
		/* LBA28: bits 24-27 go in the device register, with the LBA and obsolete bits. */
		ata->cmd_status = write ? AOE_ATA_WRITE : AOE_ATA_READ;
		ata->lba = lba | ((uint64_t)LBA28_DEV_BITS << 24);
	}
	if (write)
		ata->aflags |= AOE_AFLAG_WRITE;
	return 0;
}

uint64_t
aoe_ata_lba(const struct aoe_ata *ata)
{
	if (ata == NULL)
		return 0;
	if (ata->aflags & AOE_AFLAG_EXT)
		return ata->lba & (LBA48_LIMIT - 1);
	return ata->lba & (LBA28_LIMIT - 1);
}

int
aoe_cfg_decode(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr, struct aoe_cfg *cfg)
{
	struct aoe_cfg c;
	int rc;

	rc = args_check(frame, len, hdr, cfg, AOE_CMD_CONFIG);
	if (rc < 0)
		return rc;
	if (len < AOE_CFG_HDR_LEN)
		return -EMSGSIZE;

	c.bufcnt = get_be16(frame + OFF_CFG_BUFCNT);
	c.fwver = get_be16(frame + OFF_CFG_FWVER);
	c.sector_count = frame[OFF_CFG_SCNT];
	c.aoe_version = frame[OFF_CFG_VERCMD] >> 4;
	c.ccmd = frame[OFF_CFG_VERCMD] & 0x0f;
	c.str_len = get_be16(frame + OFF_CFG_STRLEN);
	if (c.ccmd > AOE_CFG_FORCE_SET || c.str_len > AOE_CFG_STR_MAX)
		return -EBADMSG;
	if (len - AOE_CFG_HDR_LEN < c.str_len)
		return -EMSGSIZE;
	c.str = c.str_len ? frame + AOE_CFG_HDR_LEN : NULL;
	*cfg = c;
	return 0;
}

int
aoe_cfg_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr, const struct aoe_cfg *cfg)
{
	int rc;

	if (cfg == NULL)
		return -EINVAL;
	if (cfg->ccmd > AOE_CFG_FORCE_SET || cfg->aoe_version > 0x0f ||
	    cfg->str_len > AOE_CFG_STR_MAX || (cfg->str_len && cfg->str == NULL))
		return -EINVAL;
	rc = hdr_put(frame, cap, hdr, AOE_CMD_CONFIG, (size_t)AOE_CFG_HDR_LEN + cfg->str_len);
	if (rc < 0)
		return rc;

	put_be16(frame + OFF_CFG_BUFCNT, cfg->bufcnt);
	put_be16(frame + OFF_CFG_FWVER, cfg->fwver);
	frame[OFF_CFG_SCNT] = cfg->sector_count;
	frame[OFF_CFG_VERCMD] = (uint8_t)((cfg->aoe_version << 4) | cfg->ccmd);
	put_be16(frame + OFF_CFG_STRLEN, cfg->str_len);
	/* memmove: a target may answer in place, with the string already in the frame. */
	if (cfg->str_len)
		memmove(frame + AOE_CFG_HDR_LEN, cfg->str, cfg->str_len);
	return AOE_CFG_HDR_LEN + cfg->str_len;
}

int
aoe_mask_decode(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr, struct aoe_mask *mask)
{
	struct aoe_mask m;
	unsigned int i;
	uint8_t dcmd;
	int rc;

	rc = args_check(frame, len, hdr, mask, AOE_CMD_MACMASK);
	if (rc < 0)
		return rc;
	if (len < AOE_MASK_HDR_LEN)
		return -EMSGSIZE;

	m.mcmd = frame[OFF_MASK_MCMD];
	m.merror = frame[OFF_MASK_MERR];
	m.dir_count = frame[OFF_MASK_COUNT];
	if (m.mcmd > AOE_MASK_EDIT)
		return -EBADMSG;
	if ((len - AOE_MASK_HDR_LEN) / AOE_MASK_DIR_LEN < m.dir_count)
		return -EMSGSIZE;
	for (i = 0; i < m.dir_count; i++) {
		dcmd = frame[AOE_MASK_HDR_LEN + i * AOE_MASK_DIR_LEN + 1];
		if (dcmd > AOE_MASK_DIR_DEL)
			return -EBADMSG;
	}
	m.dirs = m.dir_count ? frame + AOE_MASK_HDR_LEN : NULL;
	*mask = m;
	return 0;
}

int
aoe_mask_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr, const struct aoe_mask *mask,
		const struct aoe_mask_dir *dirs)
{
	uint8_t *d;
	unsigned int i;
	int rc;

	if (mask == NULL || mask->mcmd > AOE_MASK_EDIT || (mask->dir_count && dirs == NULL))
		return -EINVAL;
	for (i = 0; i < mask->dir_count; i++)
		if (dirs[i].dcmd > AOE_MASK_DIR_DEL)
			return -EINVAL;
	rc = hdr_put(frame, cap, hdr, AOE_CMD_MACMASK,
		     AOE_MASK_HDR_LEN + (size_t)mask->dir_count * AOE_MASK_DIR_LEN);
	if (rc < 0)
		return rc;

	frame[OFF_MASK_RSVD] = 0;
	frame[OFF_MASK_MCMD] = mask->mcmd;
	frame[OFF_MASK_MERR] = mask->merror;
	frame[OFF_MASK_COUNT] = mask->dir_count;
	for (i = 0; i < mask->dir_count; i++) {
		d = frame + AOE_MASK_HDR_LEN + i * AOE_MASK_DIR_LEN;
		d[0] = 0;
		d[1] = dirs[i].dcmd;
		memcpy(d + 2, dirs[i].mac, AOE_ETH_ALEN);
	}
	return AOE_MASK_HDR_LEN + mask->dir_count * AOE_MASK_DIR_LEN;
}

void
aoe_mask_dir_get(const struct aoe_mask *mask, unsigned int i, struct aoe_mask_dir *dir)
{
	const uint8_t *d;

	if (dir == NULL)
		return;
	/* Out of range gets an empty directive rather than a read past the frame. */
	if (mask == NULL || mask->dirs == NULL || i >= mask->dir_count) {
		memset(dir, 0, sizeof(*dir));
		return;
	}
	d = mask->dirs + (size_t)i * AOE_MASK_DIR_LEN;
	dir->dcmd = d[1];
	memcpy(dir->mac, d + 2, AOE_ETH_ALEN);
}

int
aoe_res_decode(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr, struct aoe_res *res)
{
	struct aoe_res r;
	int rc;

	rc = args_check(frame, len, hdr, res, AOE_CMD_RESERVE);
	if (rc < 0)
		return rc;
	if (len < AOE_RES_HDR_LEN)
		return -EMSGSIZE;

	r.rcmd = frame[OFF_RES_RCMD];
	r.mac_count = frame[OFF_RES_COUNT];
	if (r.rcmd > AOE_RES_FORCE_SET)
		return -EBADMSG;
	if ((len - AOE_RES_HDR_LEN) / AOE_ETH_ALEN < r.mac_count)
		return -EMSGSIZE;
	r.macs = r.mac_count ? frame + AOE_RES_HDR_LEN : NULL;
	*res = r;
	return 0;
}

int
aoe_res_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr, const struct aoe_res *res,
	       const uint8_t (*macs)[AOE_ETH_ALEN])
{
	int rc;

	if (res == NULL || res->rcmd > AOE_RES_FORCE_SET || (res->mac_count && macs == NULL))
		return -EINVAL;
	rc = hdr_put(frame, cap, hdr, AOE_CMD_RESERVE,
		     AOE_RES_HDR_LEN + (size_t)res->mac_count * AOE_ETH_ALEN);
	if (rc < 0)
		return rc;

	frame[OFF_RES_RCMD] = res->rcmd;
	frame[OFF_RES_COUNT] = res->mac_count;
	if (res->mac_count)
		memmove(frame + AOE_RES_HDR_LEN, macs, (size_t)res->mac_count * AOE_ETH_ALEN);
	return AOE_RES_HDR_LEN + res->mac_count * AOE_ETH_ALEN;
}

void
aoe_res_mac_get(const struct aoe_res *res, unsigned int i, uint8_t mac[AOE_ETH_ALEN])
{
	if (mac == NULL)
		return;
	if (res == NULL || res->macs == NULL || i >= res->mac_count) {
		memset(mac, 0, AOE_ETH_ALEN);
		return;
	}
	memcpy(mac, res->macs + (size_t)i * AOE_ETH_ALEN, AOE_ETH_ALEN);
}

const char *
aoe_error_str(uint8_t error)
{
	switch (error) {
	case AOE_ERR_BADCMD:
		return "unrecognised command";
	case AOE_ERR_BADARG:
		return "bad argument";
	case AOE_ERR_DEVUNAVAIL:
		return "device unavailable";
	case AOE_ERR_CFG_SET:
		return "config string present";
	case AOE_ERR_BADVER:
		return "unsupported version";
	case AOE_ERR_RESERVED:
		return "target reserved";
	default:
		return "unknown error";
	}
}

const char *
aoe_decode_strerror(int rc)
{
	switch (rc) {
	case 0:
		return "ok";
	case -EMSGSIZE:
		return "truncated frame";
	case -EPROTONOSUPPORT:
		return "not an AoE frame";
	case -EPROTO:
		return "unsupported AoE version";
	case -EBADMSG:
		return "field value not allowed";
	case -EINVAL:
		return "invalid argument";
	case -ENOSPC:
		return "buffer too small";
	default:
		return "unknown error";
	}
}
