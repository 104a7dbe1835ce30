/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/aoe/aoe_wire.c.
 *
 * Frames are written out byte by byte so the layout is checked against the specification, not
 * against the encoder. Decoders get exact-length heap copies, so a build with
 * -Db_sanitize=address catches any read past the length they are given.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aoe_wire.h"

/* dst 00:11:22:33:44:55, src 02:aa:bb:cc:dd:ee, EtherType 0x88a2 */
#define ETH_BYTES 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x88, 0xa2

static const uint8_t dst_mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t src_mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

/* An exact-length heap copy of the first @p len bytes of @p frame. */
static uint8_t *
dup_frame(const uint8_t *frame, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	cr_assert_not_null(p);
	memcpy(p, frame, len);
	return p;
}

static struct aoe_hdr
hdr_of(const uint8_t *frame, size_t len)
{
	struct aoe_hdr h;

	cr_assert_eq(aoe_hdr_decode(frame, len, &h), 0);
	return h;
}

static struct aoe_hdr
make_hdr(uint8_t cmd, uint8_t flags)
{
	struct aoe_hdr h;

	memset(&h, 0, sizeof(h));
	memcpy(h.dst, dst_mac, 6);
	memcpy(h.src, src_mac, 6);
	h.version = AOE_VERSION;
	h.flags = flags;
	h.shelf = 0x0107;
	h.slot = 0x09;
	h.cmd = cmd;
	h.tag = 0x7f00beef;
	return h;
}

static void
assert_same_hdr(const struct aoe_hdr *a, const struct aoe_hdr *b)
{
	cr_assert(memcmp(a->dst, b->dst, 6) == 0);
	cr_assert(memcmp(a->src, b->src, 6) == 0);
	cr_assert_eq(a->version, b->version);
	cr_assert_eq(a->flags, b->flags);
	cr_assert_eq(a->error, b->error);
	cr_assert_eq(a->shelf, b->shelf);
	cr_assert_eq(a->slot, b->slot);
	cr_assert_eq(a->cmd, b->cmd);
	cr_assert_eq(a->tag, b->tag);
}

/* ---- common header ---- */

static const uint8_t hdr_frame[24] = {
	ETH_BYTES, 0x1c,	     /* version 1, R | E */
	0x06,			     /* error: target reserved */
	0xab,	   0xcd,	     /* shelf 0xabcd */
	0xef,			     /* slot */
	0xf3,			     /* vendor command */
	0xde,	   0xad, 0xbe, 0xef, /* tag */
};

Test(hdr, decode_every_field)
{
	uint8_t *f = dup_frame(hdr_frame, sizeof(hdr_frame));
	struct aoe_hdr h;

	cr_assert_eq(aoe_hdr_decode(f, sizeof(hdr_frame), &h), 0);
	cr_assert(memcmp(h.dst, dst_mac, 6) == 0);
	cr_assert(memcmp(h.src, src_mac, 6) == 0);
	cr_assert_eq(h.version, 1);
	cr_assert_eq(h.flags, AOE_FLAG_RSP | AOE_FLAG_ERR);
	cr_assert_eq(h.error, AOE_ERR_RESERVED);
	cr_assert_eq(h.shelf, 0xabcd);
	cr_assert_eq(h.slot, 0xef);
	cr_assert_eq(h.cmd, 0xf3);
	cr_assert_eq(h.tag, 0xdeadbeefu);
	free(f);
}

Test(hdr, decode_request_without_flags)
{
	uint8_t f[24];
	struct aoe_hdr h;

	memcpy(f, hdr_frame, sizeof(f));
	f[14] = 0x10;
	f[16] = 0xff;
	f[17] = 0xff;
	f[18] = 0xff;
	f[19] = 0x01;
	cr_assert_eq(aoe_hdr_decode(f, sizeof(f), &h), 0);
	cr_assert_eq(h.flags, 0);
	cr_assert_eq(h.shelf, AOE_SHELF_BCAST);
	cr_assert_eq(h.slot, AOE_SLOT_BCAST);
	cr_assert_eq(h.cmd, AOE_CMD_CONFIG);
}

/* What the poll loop routes on: read from the fixed header, every length refused below 24. */
Test(route, decode_fields_and_lengths)
{
	struct aoe_route r;
	uint8_t f[24];
	size_t len;

	cr_assert_eq(aoe_route_decode(hdr_frame, sizeof(hdr_frame), &r), 0);
	cr_assert_eq(r.dst, hdr_frame, "points into the frame");
	cr_assert_eq(r.flags, 0x0c);
	cr_assert_eq(r.cmd, 0xf3);
	cr_assert_eq(r.tag, 0xdeadbeef);
	for (len = 0; len < sizeof(hdr_frame); len++)
		cr_assert_eq(aoe_route_decode(hdr_frame, len, &r), -EMSGSIZE, "len %zu", len);
	memcpy(f, hdr_frame, sizeof(f));
	f[13] = 0x00; /* EtherType 0x8800 */
	cr_assert_eq(aoe_route_decode(f, sizeof(f), &r), -EPROTONOSUPPORT);
}

Test(hdr, truncated)
{
	struct aoe_hdr h;
	uint8_t *f;
	size_t len;

	for (len = 0; len < sizeof(hdr_frame); len++) {
		f = dup_frame(hdr_frame, len);
		cr_assert_eq(aoe_hdr_decode(f, len, &h), -EMSGSIZE, "len %zu", len);
		free(f);
	}
}

Test(hdr, wrong_ethertype)
{
	uint8_t f[24];
	struct aoe_hdr h;

	memcpy(f, hdr_frame, sizeof(f));
	f[12] = 0xa2; /* byte-swapped 0x88a2 */
	f[13] = 0x88;
	cr_assert_eq(aoe_hdr_decode(f, sizeof(f), &h), -EPROTONOSUPPORT);
	f[12] = 0x08; /* IPv4 */
	f[13] = 0x00;
	cr_assert_eq(aoe_hdr_decode(f, sizeof(f), &h), -EPROTONOSUPPORT);
	/* Known not to be AoE as soon as the EtherType is there. */
	cr_assert_eq(aoe_hdr_decode(f, 14, &h), -EPROTONOSUPPORT);
}

Test(hdr, wrong_version)
{
	static const uint8_t versions[] = {0, 2, 15};
	uint8_t f[24];
	struct aoe_hdr h;
	unsigned int i;

	memcpy(f, hdr_frame, sizeof(f));
	for (i = 0; i < sizeof(versions); i++) {
		f[14] = (uint8_t)(versions[i] << 4) | AOE_FLAG_RSP;
		cr_assert_eq(aoe_hdr_decode(f, sizeof(f), &h), -EPROTO, "version %u", versions[i]);
	}
}

Test(hdr, reserved_flag_bits)
{
	uint8_t f[24];
	struct aoe_hdr h;
	unsigned int bits;

	memcpy(f, hdr_frame, sizeof(f));
	for (bits = 0; bits < 16; bits++) {
		f[14] = (uint8_t)(0x10 | bits);
		if (bits & 0x03)
			cr_assert_eq(aoe_hdr_decode(f, sizeof(f), &h), -EBADMSG, "bits %#x", bits);
		else
			cr_assert_eq(aoe_hdr_decode(f, sizeof(f), &h), 0, "bits %#x", bits);
	}
}

Test(hdr, null_args)
{
	struct aoe_hdr h;

	cr_assert_eq(aoe_hdr_decode(NULL, 24, &h), -EINVAL);
	cr_assert_eq(aoe_hdr_decode(hdr_frame, 24, NULL), -EINVAL);
	h = make_hdr(0, 0);
	cr_assert_eq(aoe_hdr_encode(NULL, 24, &h), -EINVAL);
	cr_assert_eq(aoe_hdr_encode((uint8_t[24]){0}, 24, NULL), -EINVAL);
}

Test(hdr, encode_layout)
{
	struct aoe_hdr h;
	uint8_t f[32];

	memset(&h, 0, sizeof(h));
	memcpy(h.dst, dst_mac, 6);
	memcpy(h.src, src_mac, 6);
	h.version = 7; /* ignored: version 1 is always written */
	h.flags = AOE_FLAG_RSP | AOE_FLAG_ERR;
	h.error = AOE_ERR_RESERVED;
	h.shelf = 0xabcd;
	h.slot = 0xef;
	h.cmd = 0xf3;
	h.tag = 0xdeadbeef;
	memset(f, 0x5a, sizeof(f));
	cr_assert_eq(aoe_hdr_encode(f, 24, &h), AOE_HDR_LEN);
	cr_assert(memcmp(f, hdr_frame, 24) == 0);
	cr_assert_eq(f[24], 0x5a, "wrote past the header");
}

Test(hdr, encode_refusals)
{
	struct aoe_hdr h = make_hdr(AOE_CMD_ATA, 0);
	uint8_t f[24];

	cr_assert_eq(aoe_hdr_encode(f, 23, &h), -ENOSPC);
	cr_assert_eq(aoe_hdr_encode(f, 0, &h), -ENOSPC);
	h.flags = 0x01;
	cr_assert_eq(aoe_hdr_encode(f, 24, &h), -EINVAL);
	h.flags = 0x10;
	cr_assert_eq(aoe_hdr_encode(f, 24, &h), -EINVAL);
}

Test(hdr, round_trip)
{
	struct aoe_hdr h = make_hdr(AOE_CMD_RESERVE, AOE_FLAG_RSP), d;
	uint8_t f[24];

	h.error = AOE_ERR_BADARG;
	cr_assert_eq(aoe_hdr_encode(f, sizeof(f), &h), AOE_HDR_LEN);
	cr_assert_eq(aoe_hdr_decode(f, sizeof(f), &d), 0);
	assert_same_hdr(&h, &d);
}

/* ---- ATA ---- */

static const uint8_t ata_read_req[36] = {
	ETH_BYTES, 0x10, 0x00,			 /* version 1, request; no error */
	0x00,	   0x07, 0x03,			 /* shelf 7, slot 3 */
	0x00,					 /* ATA */
	0x01,	   0x02, 0x03, 0x04,		 /* tag */
	0x40,					 /* aflags: E (LBA48) */
	0x00,					 /* feature */
	0x02,					 /* sector count */
	0x24,					 /* READ SECTORS EXT */
	0x01,	   0x02, 0x03, 0x04, 0x05, 0x06, /* lba0..lba5, least significant first */
	0x00,	   0x00,			 /* reserved */
};

Test(ata, decode_read_request)
{
	uint8_t *f = dup_frame(ata_read_req, sizeof(ata_read_req));
	struct aoe_hdr h = hdr_of(f, sizeof(ata_read_req));
	struct aoe_ata a;

	cr_assert_eq(h.shelf, 7);
	cr_assert_eq(h.slot, 3);
	cr_assert_eq(h.cmd, AOE_CMD_ATA);
	cr_assert_eq(h.tag, 0x01020304u);
	cr_assert_eq(aoe_ata_decode(f, sizeof(ata_read_req), &h, &a), 0);
	cr_assert_eq(a.aflags, AOE_AFLAG_EXT);
	cr_assert_eq(a.err_feature, 0);
	cr_assert_eq(a.sector_count, 2);
	cr_assert_eq(a.cmd_status, AOE_ATA_READ_EXT);
	cr_assert_eq(a.lba, UINT64_C(0x060504030201));
	cr_assert_eq(aoe_ata_lba(&a), UINT64_C(0x060504030201));
	cr_assert_null(a.data);
	cr_assert_eq(a.data_len, 0);
	free(f);
}

Test(ata, decode_feature_and_reserved_ignored)
{
	uint8_t f[36];
	struct aoe_hdr h;
	struct aoe_ata a;

	memcpy(f, ata_read_req, sizeof(f));
	f[25] = 0x5c;
	f[34] = 0xff; /* reserved bytes are not checked on input */
	f[35] = 0xff;
	h = hdr_of(f, sizeof(f));
	cr_assert_eq(aoe_ata_decode(f, sizeof(f), &h, &a), 0);
	cr_assert_eq(a.err_feature, 0x5c);
}

static void
build_write_req(uint8_t *f, uint8_t count)
{
	static const uint8_t hdr[36] = {
		ETH_BYTES, 0x10, 0x00, 0x00, 0x07, 0x03,
		0x00,	   0x0a, 0x0b, 0x0c, 0x0d, 0x41, /* aflags: E | W */
		0x00,	   0x00,			 /* sector count, set below */
		0x34,					 /* WRITE SECTORS EXT */
		0x00,	   0x00, 0x00, 0x10, 0x00, 0x00, /* lba 2^28 */
		0x00,	   0x00,
	};
	size_t i;

	memcpy(f, hdr, sizeof(hdr));
	f[26] = count;
	for (i = 0; i < (size_t)count * 512; i++)
		f[36 + i] = (uint8_t)(i * 7);
}

Test(ata, decode_write_request)
{
	uint8_t buf[36 + 1024];
	uint8_t *f;
	struct aoe_hdr h;
	struct aoe_ata a;

	build_write_req(buf, 2);
	f = dup_frame(buf, sizeof(buf));
	h = hdr_of(f, sizeof(buf));
	cr_assert_eq(aoe_ata_decode(f, sizeof(buf), &h, &a), 0);
	cr_assert_eq(a.aflags, AOE_AFLAG_EXT | AOE_AFLAG_WRITE);
	cr_assert_eq(a.sector_count, 2);
	cr_assert_eq(a.cmd_status, AOE_ATA_WRITE_EXT);
	cr_assert_eq(a.lba, UINT64_C(1) << 28);
	cr_assert_eq(a.data, f + 36);
	cr_assert_eq(a.data_len, 1024);
	cr_assert_eq(a.data[1023], (uint8_t)(1023 * 7));
	free(f);
}

Test(ata, write_request_short_data)
{
	uint8_t buf[36 + 1024];
	struct aoe_hdr h;
	struct aoe_ata a;
	uint8_t *f;
	size_t len;

	build_write_req(buf, 2);
	h = hdr_of(buf, sizeof(buf));
	for (len = 36; len < sizeof(buf); len++) {
		f = dup_frame(buf, len);
		cr_assert_eq(aoe_ata_decode(f, len, &h, &a), -EMSGSIZE, "len %zu", len);
		free(f);
	}
	/* Extra bytes (padding) after the data are fine. */
	build_write_req(buf, 1);
	h = hdr_of(buf, sizeof(buf));
	cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), 0);
	cr_assert_eq(a.data_len, 1024);
}

Test(ata, truncated_read_request)
{
	struct aoe_hdr h = hdr_of(ata_read_req, sizeof(ata_read_req));
	struct aoe_ata a;
	uint8_t *f;
	size_t len;

	for (len = 0; len < sizeof(ata_read_req); len++) {
		f = dup_frame(ata_read_req, len);
		cr_assert_eq(aoe_ata_decode(f, len, &h, &a), -EMSGSIZE, "len %zu", len);
		free(f);
	}
}

Test(ata, truncated_response)
{
	uint8_t buf[36];
	struct aoe_hdr h;
	struct aoe_ata a;
	uint8_t *f;
	size_t len;

	memcpy(buf, ata_read_req, sizeof(buf));
	buf[14] = 0x18;
	h = hdr_of(buf, sizeof(buf));
	for (len = 0; len < sizeof(buf); len++) {
		f = dup_frame(buf, len);
		cr_assert_eq(aoe_ata_decode(f, len, &h, &a), -EMSGSIZE, "len %zu", len);
		free(f);
	}
}

Test(ata, decode_response)
{
	uint8_t buf[36 + 1024] = {
		ETH_BYTES, 0x18, 0x00, /* version 1, R */
		0x00,	   0x07, 0x03, 0x00, 0x01, 0x02, 0x03, 0x04,
		0x40,	   0x00, 0x00, /* aflags E, error 0, count 0 */
		0x50,		       /* status DRDY | DSC */
		0x01,	   0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x00,
	};
	struct aoe_hdr h;
	struct aoe_ata a;
	uint8_t *f = dup_frame(buf, sizeof(buf));

	h = hdr_of(f, sizeof(buf));
	cr_assert_eq(aoe_ata_decode(f, sizeof(buf), &h, &a), 0);
	cr_assert_eq(a.cmd_status, 0x50);
	cr_assert_eq(a.sector_count, 0);
	cr_assert_eq(a.data, f + 36);
	cr_assert_eq(a.data_len, 1024);
	cr_assert(aoe_ata_rsp_data_ok(&a, 2));
	cr_assert_not(aoe_ata_rsp_data_ok(&a, 3));
	free(f);
}

Test(ata, response_padded_and_unpadded)
{
	uint8_t buf[60] = {
		ETH_BYTES, 0x18, 0x00, 0x00, 0x07, 0x03, 0x00, 0x01,
		0x02,	   0x03, 0x04, 0x41, 0x04, /* E | W echoed; error register ABRT */
		0x01,	   0x51,		   /* status DRDY | DSC | ERR */
		0x00,	   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct aoe_hdr h = hdr_of(buf, sizeof(buf));
	struct aoe_ata a;

	/* Padded to the Ethernet minimum: the padding counts as data, the caller judges it. */
	cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), 0);
	cr_assert_eq(a.data_len, 24);
	cr_assert_eq(a.err_feature, AOE_ATA_ER_ABRT);
	cr_assert(a.cmd_status & AOE_ATA_ST_FAILED);
	cr_assert_not(aoe_ata_rsp_data_ok(&a, 1));
	/* Unpadded (veth) responses are legal too. */
	cr_assert_eq(aoe_ata_decode(buf, 36, &h, &a), 0);
	cr_assert_eq(a.data_len, 0);
	cr_assert_null(a.data);
	cr_assert_eq(aoe_ata_decode(buf, 59, &h, &a), 0);
	cr_assert_eq(a.data_len, 23);
}

Test(ata, response_shape_only)
{
	uint8_t buf[36];
	struct aoe_hdr h;
	struct aoe_ata a;

	/* A response is not held to request rules: odd aflags, count 0 and W without data. */
	memcpy(buf, ata_read_req, sizeof(buf));
	buf[14] = 0x18;
	buf[24] = 0xff;
	buf[26] = 0x00;
	buf[27] = AOE_ATA_READ;
	h = hdr_of(buf, sizeof(buf));
	cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), 0);
	cr_assert_eq(a.aflags, 0xff);
}

Test(ata, error_response)
{
	uint8_t buf[36];
	struct aoe_hdr h;
	struct aoe_ata a;

	memcpy(buf, ata_read_req, sizeof(buf));
	buf[14] = 0x1c; /* R | E */
	buf[15] = AOE_ERR_DEVUNAVAIL;
	h = hdr_of(buf, sizeof(buf));
	cr_assert_eq(h.error, AOE_ERR_DEVUNAVAIL);
	cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), 0);
	cr_assert_eq(a.cmd_status, AOE_ATA_READ_EXT);
	cr_assert_eq(a.lba, UINT64_C(0x060504030201));
	/* Cut short after the common header: still accepted, the arguments read as zero. */
	memset(&a, 0xff, sizeof(a));
	cr_assert_eq(aoe_ata_decode(buf, 24, &h, &a), 0);
	cr_assert_eq(a.aflags, 0);
	cr_assert_eq(a.sector_count, 0);
	cr_assert_eq(a.cmd_status, 0);
	cr_assert_eq(a.lba, 0);
	cr_assert_null(a.data);
	cr_assert_eq(a.data_len, 0);
	cr_assert_eq(aoe_ata_decode(buf, 23, &h, &a), -EMSGSIZE);
	/* E without R is not an error response: a short one is truncated. */
	h.flags = AOE_FLAG_ERR;
	cr_assert_eq(aoe_ata_decode(buf, 24, &h, &a), -EMSGSIZE);
}

Test(ata, request_reserved_aflags)
{
	static const uint8_t bad[] = {0x80, 0x20, 0x08, 0x04};
	uint8_t buf[36];
	struct aoe_hdr h;
	struct aoe_ata a;
	unsigned int i;

	memcpy(buf, ata_read_req, sizeof(buf));
	h = hdr_of(buf, sizeof(buf));
	for (i = 0; i < sizeof(bad); i++) {
		buf[24] = 0x40 | bad[i];
		cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), -EBADMSG, "%#x", bad[i]);
	}
	buf[24] = AOE_AFLAG_EXT | AOE_AFLAG_DEV | AOE_AFLAG_ASYNC;
	cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), 0);
}

Test(ata, request_zero_count)
{
	static const uint8_t rw[] = {AOE_ATA_READ, AOE_ATA_READ_EXT, AOE_ATA_WRITE,
				     AOE_ATA_WRITE_EXT};
	uint8_t buf[36];
	struct aoe_hdr h;
	struct aoe_ata a;
	unsigned int i;

	memcpy(buf, ata_read_req, sizeof(buf));
	buf[26] = 0;
	h = hdr_of(buf, sizeof(buf));
	for (i = 0; i < sizeof(rw); i++) {
		buf[27] = rw[i];
		cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), -EBADMSG, "%#x", rw[i]);
	}
	/* Non-data commands carry a count of 0. */
	buf[24] = 0;
	buf[27] = AOE_ATA_FLUSH;
	cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), 0);
	buf[27] = AOE_ATA_FLUSH_EXT;
	cr_assert_eq(aoe_ata_decode(buf, sizeof(buf), &h, &a), 0);
}

Test(ata, null_and_wrong_command)
{
	struct aoe_hdr h = hdr_of(ata_read_req, sizeof(ata_read_req));
	struct aoe_ata a;
	uint8_t f[64];

	cr_assert_eq(aoe_ata_decode(NULL, 36, &h, &a), -EINVAL);
	cr_assert_eq(aoe_ata_decode(ata_read_req, 36, NULL, &a), -EINVAL);
	cr_assert_eq(aoe_ata_decode(ata_read_req, 36, &h, NULL), -EINVAL);
	cr_assert_eq(aoe_ata_encode(NULL, 64, &h, &a), -EINVAL);
	cr_assert_eq(aoe_ata_encode(f, 64, NULL, &a), -EINVAL);
	cr_assert_eq(aoe_ata_encode(f, 64, &h, NULL), -EINVAL);
	h.cmd = AOE_CMD_CONFIG;
	cr_assert_eq(aoe_ata_decode(ata_read_req, 36, &h, &a), -EINVAL);
	memset(&a, 0, sizeof(a));
	cr_assert_eq(aoe_ata_encode(f, 64, &h, &a), -EINVAL);
	cr_assert_eq(aoe_ata_rw_setup(NULL, false, true, 0, 1), -EINVAL);
	cr_assert_eq(aoe_ata_lba(NULL), 0);
}

Test(ata, encode_layout)
{
	struct aoe_hdr h;
	struct aoe_ata a;
	uint8_t f[40];

	memset(&h, 0, sizeof(h));
	memcpy(h.dst, dst_mac, 6);
	memcpy(h.src, src_mac, 6);
	h.shelf = 7;
	h.slot = 3;
	h.cmd = AOE_CMD_ATA;
	h.tag = 0x01020304;
	memset(&a, 0, sizeof(a));
	a.aflags = AOE_AFLAG_EXT;
	a.sector_count = 2;
	a.cmd_status = AOE_ATA_READ_EXT;
	a.lba = UINT64_C(0x060504030201);
	memset(f, 0xff, sizeof(f)); /* the reserved bytes must be written, not left */
	cr_assert_eq(aoe_ata_encode(f, sizeof(f), &h, &a), AOE_ATA_HDR_LEN);
	cr_assert(memcmp(f, ata_read_req, sizeof(ata_read_req)) == 0);
	cr_assert_eq(f[36], 0xff, "wrote past the header");
}

Test(ata, encode_refusals)
{
	struct aoe_hdr h = make_hdr(AOE_CMD_ATA, 0);
	struct aoe_ata a;
	uint8_t f[36];

	cr_assert_eq(aoe_ata_rw_setup(&a, false, true, 0, 1), 0);
	cr_assert_eq(aoe_ata_encode(f, 35, &h, &a), -ENOSPC);
	cr_assert_eq(aoe_ata_encode(f, 36, &h, &a), 36);
	a.lba = UINT64_C(1) << 48;
	cr_assert_eq(aoe_ata_encode(f, 36, &h, &a), -EINVAL);
	a.lba = 0;
	a.aflags = 0x80;
	cr_assert_eq(aoe_ata_encode(f, 36, &h, &a), -EINVAL);
	a.aflags = 0;
	h.flags = 0x02;
	cr_assert_eq(aoe_ata_encode(f, 36, &h, &a), -EINVAL);
}

Test(ata, lba28_device_bits)
{
	struct aoe_hdr h = make_hdr(AOE_CMD_ATA, 0), dh;
	struct aoe_ata a, d;
	uint8_t f[36];

	cr_assert_eq(aoe_ata_rw_setup(&a, false, false, 0x0abcdef1, 8), 0);
	cr_assert_eq(a.aflags, 0);
	cr_assert_eq(a.cmd_status, AOE_ATA_READ);
	cr_assert_eq(a.sector_count, 8);
	cr_assert_eq(a.lba, UINT64_C(0xeabcdef1));
	cr_assert_eq(aoe_ata_lba(&a), 0x0abcdef1);
	cr_assert_eq(aoe_ata_encode(f, sizeof(f), &h, &a), 36);
	cr_assert_eq(f[28], 0xf1);
	cr_assert_eq(f[29], 0xde);
	cr_assert_eq(f[30], 0xbc);
	cr_assert_eq(f[31], 0xea); /* (0x0a & 0x0f) | 0xe0 */
	cr_assert_eq(f[32], 0x00);
	cr_assert_eq(f[33], 0x00);
	dh = hdr_of(f, sizeof(f));
	cr_assert_eq(aoe_ata_decode(f, sizeof(f), &dh, &d), 0);
	cr_assert_eq(d.lba, UINT64_C(0xeabcdef1), "device bits are kept by the decoder");
	cr_assert_eq(aoe_ata_lba(&d), 0x0abcdef1);

	/* Device bits whatever the sender put there are not part of the address. */
	f[31] = 0x45;
	f[32] = 0x99;
	cr_assert_eq(aoe_ata_decode(f, sizeof(f), &dh, &d), 0);
	cr_assert_eq(aoe_ata_lba(&d), 0x05bcdef1);

	cr_assert_eq(aoe_ata_rw_setup(&a, true, false, 0, 1), 0);
	cr_assert_eq(a.aflags, AOE_AFLAG_WRITE);
	cr_assert_eq(a.cmd_status, AOE_ATA_WRITE);
	cr_assert_eq(a.lba, UINT64_C(0xe0000000));
	cr_assert_eq(aoe_ata_lba(&a), 0);
}

Test(ata, lba48_past_2_28_and_2_32)
{
	static const uint64_t lbas[] = {
		UINT64_C(1) << 28,	  (UINT64_C(1) << 28) + 0x0abcdef, UINT64_C(1) << 32,
		UINT64_C(0x123456789abc), (UINT64_C(1) << 48) - 1,
	};
	struct aoe_hdr h = make_hdr(AOE_CMD_ATA, 0), dh;
	struct aoe_ata a, d;
	uint8_t f[36 + 512];
	unsigned int i, b;

	for (i = 0; i < sizeof(lbas) / sizeof(lbas[0]); i++) {
		cr_assert_eq(aoe_ata_rw_setup(&a, false, true, lbas[i], 1), 0);
		cr_assert_eq(a.aflags, AOE_AFLAG_EXT);
		cr_assert_eq(a.cmd_status, AOE_ATA_READ_EXT);
		cr_assert_eq(aoe_ata_lba(&a), lbas[i]);
		cr_assert_eq(aoe_ata_encode(f, sizeof(f), &h, &a), 36);
		for (b = 0; b < 6; b++)
			cr_assert_eq(f[28 + b], (uint8_t)(lbas[i] >> (8 * b)), "lba %#llx byte %u",
				     (unsigned long long)lbas[i], b);
		dh = hdr_of(f, 36);
		cr_assert_eq(aoe_ata_decode(f, 36, &dh, &d), 0);
		cr_assert_eq(aoe_ata_lba(&d), lbas[i]);
	}
	cr_assert_eq(aoe_ata_rw_setup(&a, true, true, UINT64_C(0x123456789abc), 1), 0);
	cr_assert_eq(a.aflags, AOE_AFLAG_EXT | AOE_AFLAG_WRITE);
	cr_assert_eq(a.cmd_status, AOE_ATA_WRITE_EXT);
	cr_assert_eq(aoe_ata_encode(f, sizeof(f), &h, &a), 36);
	cr_assert_eq(f[28], 0xbc);
	cr_assert_eq(f[29], 0x9a);
	cr_assert_eq(f[30], 0x78);
	cr_assert_eq(f[31], 0x56);
	cr_assert_eq(f[32], 0x34);
	cr_assert_eq(f[33], 0x12);
}

Test(ata, rw_setup_limits)
{
	const uint64_t lim28 = UINT64_C(1) << 28, lim48 = UINT64_C(1) << 48;
	struct aoe_ata a;

	cr_assert_eq(aoe_ata_rw_setup(&a, false, true, 0, 0), -EINVAL);
	cr_assert_eq(aoe_ata_rw_setup(&a, true, false, 0, 0), -EINVAL);
	cr_assert_eq(aoe_ata_rw_setup(&a, false, true, 0, 255), 0);
	cr_assert_eq(a.sector_count, 255);

	cr_assert_eq(aoe_ata_rw_setup(&a, false, false, lim28 - 1, 1), 0);
	cr_assert_eq(aoe_ata_lba(&a), lim28 - 1);
	cr_assert_eq(aoe_ata_rw_setup(&a, false, false, lim28 - 2, 2), 0);
	cr_assert_eq(aoe_ata_rw_setup(&a, false, false, lim28 - 1, 2), -EINVAL);
	cr_assert_eq(aoe_ata_rw_setup(&a, false, false, lim28, 1), -EINVAL);
	cr_assert_eq(aoe_ata_rw_setup(&a, true, false, lim28 + 5, 1), -EINVAL);

	cr_assert_eq(aoe_ata_rw_setup(&a, false, true, lim28, 1), 0);
	cr_assert_eq(aoe_ata_rw_setup(&a, false, true, lim48 - 1, 1), 0);
	cr_assert_eq(aoe_ata_lba(&a), lim48 - 1);
	cr_assert_eq(aoe_ata_rw_setup(&a, false, true, lim48 - 1, 2), -EINVAL);
	cr_assert_eq(aoe_ata_rw_setup(&a, false, true, lim48, 1), -EINVAL);
	cr_assert_eq(aoe_ata_rw_setup(&a, true, true, UINT64_MAX, 1), -EINVAL);
	cr_assert_eq(aoe_ata_rw_setup(&a, true, true, UINT64_MAX - 1, 255), -EINVAL);
}

Test(ata, round_trip)
{
	struct aoe_hdr h = make_hdr(AOE_CMD_ATA, 0), dh;
	struct aoe_ata a, d;
	uint8_t f[36 + 2 * 512];
	size_t i;

	cr_assert_eq(aoe_ata_rw_setup(&a, true, true, UINT64_C(0xfedcba987654), 2), 0);
	a.aflags |= AOE_AFLAG_ASYNC | AOE_AFLAG_DEV;
	a.err_feature = 0x33;
	cr_assert_eq(aoe_ata_encode(f, sizeof(f), &h, &a), 36);
	for (i = 36; i < sizeof(f); i++)
		f[i] = (uint8_t)i;
	cr_assert_eq(aoe_hdr_decode(f, sizeof(f), &dh), 0);
	assert_same_hdr(&h, &dh);
	cr_assert_eq(aoe_ata_decode(f, sizeof(f), &dh, &d), 0);
	cr_assert_eq(d.aflags, a.aflags);
	cr_assert_eq(d.err_feature, a.err_feature);
	cr_assert_eq(d.sector_count, a.sector_count);
	cr_assert_eq(d.cmd_status, a.cmd_status);
	cr_assert_eq(d.lba, a.lba);
	cr_assert_eq(d.data, f + 36);
	cr_assert_eq(d.data_len, 1024);

	/* And a response, as a target would send it. */
	h.flags = AOE_FLAG_RSP;
	memset(&a, 0, sizeof(a));
	a.cmd_status = AOE_ATA_ST_DRDY;
	a.lba = 0x1234;
	cr_assert_eq(aoe_ata_encode(f, sizeof(f), &h, &a), 36);
	cr_assert_eq(aoe_hdr_decode(f, 36, &dh), 0);
	assert_same_hdr(&h, &dh);
	cr_assert_eq(aoe_ata_decode(f, 36, &dh, &d), 0);
	cr_assert_eq(d.cmd_status, AOE_ATA_ST_DRDY);
	cr_assert_eq(d.lba, 0x1234);
}

/* ---- query config ---- */

static const uint8_t cfg_rsp[37] = {
	ETH_BYTES, 0x18, 0x00,	     /* version 1, R */
	0x00,	   0x07, 0x03,	     /* shelf 7, slot 3 */
	0x01,			     /* query config */
	0x00,	   0x00, 0x00, 0x2a, /* tag */
	0x00,	   0x10,	     /* buffer count 16 */
	0x40,	   0x19,	     /* firmware version 0x4019 */
	0x02,			     /* sector count */
	0x14,			     /* AoE version 1, ccmd 4 (force set) */
	0x00,	   0x05,	     /* string length */
	'h',	   'e',	 'l',  'l',  'o',
};

Test(cfg, decode_every_field)
{
	uint8_t *f = dup_frame(cfg_rsp, sizeof(cfg_rsp));
	struct aoe_hdr h = hdr_of(f, sizeof(cfg_rsp));
	struct aoe_cfg c;

	cr_assert_eq(h.cmd, AOE_CMD_CONFIG);
	cr_assert_eq(h.tag, 42);
	cr_assert_eq(aoe_cfg_decode(f, sizeof(cfg_rsp), &h, &c), 0);
	cr_assert_eq(c.bufcnt, 16);
	cr_assert_eq(c.fwver, 0x4019);
	cr_assert_eq(c.sector_count, 2);
	cr_assert_eq(c.aoe_version, 1);
	cr_assert_eq(c.ccmd, AOE_CFG_FORCE_SET);
	cr_assert_eq(c.str_len, 5);
	cr_assert_eq(c.str, f + 32);
	cr_assert(memcmp(c.str, "hello", 5) == 0);
	cr_assert_eq(aoe_cfg_sectors(&c), 2);
	free(f);
}

Test(cfg, short_frames_legal)
{
	uint8_t buf[60];
	struct aoe_hdr h;
	struct aoe_cfg c;

	/* vblade's reply on a veth: 32 bytes, no string, no padding. */
	memcpy(buf, cfg_rsp, 32);
	buf[30] = 0;
	buf[31] = 0;
	buf[28] = 0;
	h = hdr_of(buf, 32);
	cr_assert_eq(aoe_cfg_decode(buf, 32, &h, &c), 0);
	cr_assert_eq(c.str_len, 0);
	cr_assert_null(c.str);
	cr_assert_eq(aoe_cfg_sectors(&c), 2, "a sector count of 0 means 2");
	/* 59 bytes holding a 27-byte string exactly. */
	buf[31] = 27;
	memset(buf + 32, 'x', 27);
	cr_assert_eq(aoe_cfg_decode(buf, 59, &h, &c), 0);
	cr_assert_eq(c.str_len, 27);
	/* Padding after the string is ignored. */
	buf[31] = 3;
	cr_assert_eq(aoe_cfg_decode(buf, 60, &h, &c), 0);
	cr_assert_eq(c.str_len, 3);
}

Test(cfg, truncated)
{
	struct aoe_hdr h = hdr_of(cfg_rsp, sizeof(cfg_rsp));
	struct aoe_cfg c;
	uint8_t *f;
	size_t len;

	for (len = 0; len < sizeof(cfg_rsp); len++) {
		f = dup_frame(cfg_rsp, len);
		cr_assert_eq(aoe_cfg_decode(f, len, &h, &c), -EMSGSIZE, "len %zu", len);
		free(f);
	}
}

Test(cfg, bad_ccmd)
{
	uint8_t buf[37];
	struct aoe_hdr h;
	struct aoe_cfg c;
	unsigned int ccmd;

	memcpy(buf, cfg_rsp, sizeof(buf));
	h = hdr_of(buf, sizeof(buf));
	for (ccmd = 0; ccmd < 16; ccmd++) {
		buf[29] = (uint8_t)(0x10 | ccmd);
		cr_assert_eq(aoe_cfg_decode(buf, sizeof(buf), &h, &c), ccmd <= 4 ? 0 : -EBADMSG,
			     "ccmd %u", ccmd);
	}
}

Test(cfg, string_length)
{
	static uint8_t buf[32 + 1025];
	struct aoe_hdr h;
	struct aoe_cfg c;

	memcpy(buf, cfg_rsp, 32);
	h = hdr_of(buf, sizeof(buf));
	buf[30] = 0x04; /* 1024: the maximum */
	buf[31] = 0x00;
	cr_assert_eq(aoe_cfg_decode(buf, 32 + 1024, &h, &c), 0);
	cr_assert_eq(c.str_len, 1024);
	buf[31] = 0x01; /* 1025, though the frame holds it */
	cr_assert_eq(aoe_cfg_decode(buf, sizeof(buf), &h, &c), -EBADMSG);
	buf[30] = 0xff;
	buf[31] = 0xff;
	cr_assert_eq(aoe_cfg_decode(buf, sizeof(buf), &h, &c), -EBADMSG);
	buf[30] = 0x00; /* 6 bytes claimed, 5 present */
	buf[31] = 0x06;
	cr_assert_eq(aoe_cfg_decode(buf, 37, &h, &c), -EMSGSIZE);
}

Test(cfg, null_and_wrong_command)
{
	struct aoe_hdr h = hdr_of(cfg_rsp, sizeof(cfg_rsp));
	struct aoe_cfg c;
	uint8_t f[64];

	cr_assert_eq(aoe_cfg_decode(NULL, 37, &h, &c), -EINVAL);
	cr_assert_eq(aoe_cfg_decode(cfg_rsp, 37, NULL, &c), -EINVAL);
	cr_assert_eq(aoe_cfg_decode(cfg_rsp, 37, &h, NULL), -EINVAL);
	memset(&c, 0, sizeof(c));
	cr_assert_eq(aoe_cfg_encode(NULL, 64, &h, &c), -EINVAL);
	cr_assert_eq(aoe_cfg_encode(f, 64, NULL, &c), -EINVAL);
	cr_assert_eq(aoe_cfg_encode(f, 64, &h, NULL), -EINVAL);
	h.cmd = AOE_CMD_ATA;
	cr_assert_eq(aoe_cfg_decode(cfg_rsp, 37, &h, &c), -EINVAL);
	cr_assert_eq(aoe_cfg_encode(f, 64, &h, &c), -EINVAL);
}

Test(cfg, encode_layout)
{
	struct aoe_hdr h;
	struct aoe_cfg c;
	uint8_t f[40];

	memset(&h, 0, sizeof(h));
	memcpy(h.dst, dst_mac, 6);
	memcpy(h.src, src_mac, 6);
	h.flags = AOE_FLAG_RSP;
	h.shelf = 7;
	h.slot = 3;
	h.cmd = AOE_CMD_CONFIG;
	h.tag = 42;
	c.bufcnt = 16;
	c.fwver = 0x4019;
	c.sector_count = 2;
	c.aoe_version = 1;
	c.ccmd = AOE_CFG_FORCE_SET;
	c.str_len = 5;
	c.str = (const uint8_t *)"hello";
	memset(f, 0xee, sizeof(f));
	cr_assert_eq(aoe_cfg_encode(f, sizeof(f), &h, &c), 37);
	cr_assert(memcmp(f, cfg_rsp, sizeof(cfg_rsp)) == 0);
	cr_assert_eq(f[37], 0xee, "wrote past the string");
	cr_assert_eq(aoe_cfg_encode(f, 37, &h, &c), 37);
}

Test(cfg, encode_refusals)
{
	static const uint8_t str[1025];
	struct aoe_hdr h = make_hdr(AOE_CMD_CONFIG, 0);
	struct aoe_cfg c = {.str = str, .str_len = 5};
	static uint8_t f[32 + 1025];

	cr_assert_eq(aoe_cfg_encode(f, 36, &h, &c), -ENOSPC);
	cr_assert_eq(aoe_cfg_encode(f, 31, &h, &c), -ENOSPC);
	c.ccmd = 5;
	cr_assert_eq(aoe_cfg_encode(f, sizeof(f), &h, &c), -EINVAL);
	c.ccmd = 0;
	c.aoe_version = 16;
	cr_assert_eq(aoe_cfg_encode(f, sizeof(f), &h, &c), -EINVAL);
	c.aoe_version = 1;
	c.str_len = 1025;
	cr_assert_eq(aoe_cfg_encode(f, sizeof(f), &h, &c), -EINVAL);
	c.str_len = 1024;
	cr_assert_eq(aoe_cfg_encode(f, sizeof(f), &h, &c), 32 + 1024);
	c.str = NULL;
	cr_assert_eq(aoe_cfg_encode(f, sizeof(f), &h, &c), -EINVAL);
	c.str_len = 0;
	cr_assert_eq(aoe_cfg_encode(f, sizeof(f), &h, &c), 32);
}

Test(cfg, round_trip)
{
	struct aoe_hdr h = make_hdr(AOE_CMD_CONFIG, AOE_FLAG_RSP), dh;
	const char *s = "dpdk-aoe test target";
	struct aoe_cfg c =
			       {
				       .bufcnt = 0xfedc,
				       .fwver = 0xba98,
				       .sector_count = 17,
				       .aoe_version = 1,
				       .ccmd = AOE_CFG_TEST_PREFIX,
				       .str_len = (uint16_t)strlen(s),
				       .str = (const uint8_t *)s,
			       },
		       d;
	uint8_t f[128];
	int n;

	n = aoe_cfg_encode(f, sizeof(f), &h, &c);
	cr_assert_eq(n, 32 + (int)strlen(s));
	cr_assert_eq(aoe_hdr_decode(f, (size_t)n, &dh), 0);
	assert_same_hdr(&h, &dh);
	cr_assert_eq(aoe_cfg_decode(f, (size_t)n, &dh, &d), 0);
	cr_assert_eq(d.bufcnt, c.bufcnt);
	cr_assert_eq(d.fwver, c.fwver);
	cr_assert_eq(d.sector_count, 17);
	cr_assert_eq(aoe_cfg_sectors(&d), 17);
	cr_assert_eq(d.aoe_version, 1);
	cr_assert_eq(d.ccmd, AOE_CFG_TEST_PREFIX);
	cr_assert_eq(d.str_len, c.str_len);
	cr_assert(memcmp(d.str, s, c.str_len) == 0);
	cr_assert_neq(d.str, c.str, "the string was copied into the frame");
}

/* ---- MAC mask list ---- */

static const uint8_t mask_req[44] = {
	ETH_BYTES, 0x10, 0x00, 0x00, 0x07, 0x03, 0x02,	     /* MAC mask list */
	0x00,	   0x00, 0x00, 0x63, 0x00,		     /* reserved */
	0x01,						     /* mcmd: edit */
	0x00,						     /* merror */
	0x02,						     /* directive count */
	0x00,	   0x01, 0x02, 0x11, 0x11, 0x11, 0x11, 0x11, /* add 02:11:11:11:11:11 */
	0x00,	   0x02, 0x02, 0x22, 0x22, 0x22, 0x22, 0x22, /* delete 02:22:22:22:22:22 */
};

Test(mask, decode_every_field)
{
	static const uint8_t mac1[6] = {0x02, 0x11, 0x11, 0x11, 0x11, 0x11};
	static const uint8_t mac2[6] = {0x02, 0x22, 0x22, 0x22, 0x22, 0x22};
	uint8_t *f = dup_frame(mask_req, sizeof(mask_req));
	struct aoe_hdr h = hdr_of(f, sizeof(mask_req));
	struct aoe_mask_dir dir;
	struct aoe_mask m;

	cr_assert_eq(h.cmd, AOE_CMD_MACMASK);
	cr_assert_eq(aoe_mask_decode(f, sizeof(mask_req), &h, &m), 0);
	cr_assert_eq(m.mcmd, AOE_MASK_EDIT);
	cr_assert_eq(m.merror, AOE_MASK_ERR_NONE);
	cr_assert_eq(m.dir_count, 2);
	cr_assert_eq(m.dirs, f + 28);
	aoe_mask_dir_get(&m, 0, &dir);
	cr_assert_eq(dir.dcmd, AOE_MASK_DIR_ADD);
	cr_assert(memcmp(dir.mac, mac1, 6) == 0);
	aoe_mask_dir_get(&m, 1, &dir);
	cr_assert_eq(dir.dcmd, AOE_MASK_DIR_DEL);
	cr_assert(memcmp(dir.mac, mac2, 6) == 0);
	/* Out of range: an empty directive, nothing read past the frame. */
	aoe_mask_dir_get(&m, 2, &dir);
	cr_assert_eq(dir.dcmd, 0);
	cr_assert(memcmp(dir.mac, "\0\0\0\0\0\0", 6) == 0);
	free(f);
}

Test(mask, response_with_error)
{
	uint8_t buf[28];
	struct aoe_hdr h;
	struct aoe_mask m;

	memcpy(buf, mask_req, sizeof(buf));
	buf[14] = 0x18;
	buf[24] = 0x7f; /* reserved: ignored */
	buf[26] = AOE_MASK_ERR_FULL;
	buf[27] = 0;
	h = hdr_of(buf, sizeof(buf));
	cr_assert_eq(aoe_mask_decode(buf, sizeof(buf), &h, &m), 0);
	cr_assert_eq(m.merror, AOE_MASK_ERR_FULL);
	cr_assert_eq(m.dir_count, 0);
	cr_assert_null(m.dirs);
}

Test(mask, truncated)
{
	struct aoe_hdr h = hdr_of(mask_req, sizeof(mask_req));
	struct aoe_mask m;
	uint8_t *f;
	size_t len;

	for (len = 0; len < sizeof(mask_req); len++) {
		f = dup_frame(mask_req, len);
		cr_assert_eq(aoe_mask_decode(f, len, &h, &m), -EMSGSIZE, "len %zu", len);
		free(f);
	}
}

Test(mask, bad_mcmd_and_dcmd)
{
	uint8_t buf[44];
	struct aoe_hdr h;
	struct aoe_mask m;

	memcpy(buf, mask_req, sizeof(buf));
	h = hdr_of(buf, sizeof(buf));
	buf[25] = 2;
	cr_assert_eq(aoe_mask_decode(buf, sizeof(buf), &h, &m), -EBADMSG);
	buf[25] = 0;
	cr_assert_eq(aoe_mask_decode(buf, sizeof(buf), &h, &m), 0);
	buf[37] = 3; /* second directive's dcmd */
	cr_assert_eq(aoe_mask_decode(buf, sizeof(buf), &h, &m), -EBADMSG);
	buf[37] = 0; /* "none" is a legal directive */
	cr_assert_eq(aoe_mask_decode(buf, sizeof(buf), &h, &m), 0);
	buf[29] = 0xff; /* first directive's dcmd */
	cr_assert_eq(aoe_mask_decode(buf, sizeof(buf), &h, &m), -EBADMSG);
}

Test(mask, null_and_wrong_command)
{
	struct aoe_hdr h = hdr_of(mask_req, sizeof(mask_req));
	struct aoe_mask m = {0};
	struct aoe_mask_dir dir;
	uint8_t f[64];

	cr_assert_eq(aoe_mask_decode(NULL, 44, &h, &m), -EINVAL);
	cr_assert_eq(aoe_mask_decode(mask_req, 44, NULL, &m), -EINVAL);
	cr_assert_eq(aoe_mask_decode(mask_req, 44, &h, NULL), -EINVAL);
	cr_assert_eq(aoe_mask_encode(NULL, 64, &h, &m, NULL), -EINVAL);
	cr_assert_eq(aoe_mask_encode(f, 64, NULL, &m, NULL), -EINVAL);
	cr_assert_eq(aoe_mask_encode(f, 64, &h, NULL, NULL), -EINVAL);
	m.dir_count = 1;
	cr_assert_eq(aoe_mask_encode(f, 64, &h, &m, NULL), -EINVAL);
	h.cmd = AOE_CMD_RESERVE;
	cr_assert_eq(aoe_mask_decode(mask_req, 44, &h, &m), -EINVAL);
	m.dir_count = 0;
	cr_assert_eq(aoe_mask_encode(f, 64, &h, &m, NULL), -EINVAL);
	memset(&dir, 0xaa, sizeof(dir));
	aoe_mask_dir_get(NULL, 0, &dir);
	cr_assert_eq(dir.dcmd, 0);
	aoe_mask_dir_get(&m, 0, NULL); /* must not crash */
}

Test(mask, encode_layout)
{
	struct aoe_mask_dir dirs[2] = {
		{.dcmd = AOE_MASK_DIR_ADD, .mac = {0x02, 0x11, 0x11, 0x11, 0x11, 0x11}},
		{.dcmd = AOE_MASK_DIR_DEL, .mac = {0x02, 0x22, 0x22, 0x22, 0x22, 0x22}},
	};
	struct aoe_mask m = {.mcmd = AOE_MASK_EDIT, .dir_count = 2};
	struct aoe_hdr h;
	uint8_t f[48];

	memset(&h, 0, sizeof(h));
	memcpy(h.dst, dst_mac, 6);
	memcpy(h.src, src_mac, 6);
	h.shelf = 7;
	h.slot = 3;
	h.cmd = AOE_CMD_MACMASK;
	h.tag = 0x63;
	memset(f, 0xcc, sizeof(f)); /* reserved bytes must come out as 0 */
	cr_assert_eq(aoe_mask_encode(f, sizeof(f), &h, &m, dirs), 44);
	cr_assert(memcmp(f, mask_req, sizeof(mask_req)) == 0);
	cr_assert_eq(f[44], 0xcc);
	cr_assert_eq(aoe_mask_encode(f, 43, &h, &m, dirs), -ENOSPC);
	dirs[1].dcmd = 3;
	cr_assert_eq(aoe_mask_encode(f, sizeof(f), &h, &m, dirs), -EINVAL);
	dirs[1].dcmd = 0;
	m.mcmd = 2;
	cr_assert_eq(aoe_mask_encode(f, sizeof(f), &h, &m, dirs), -EINVAL);
}

Test(mask, round_trip)
{
	struct aoe_mask_dir dirs[3], dir;
	struct aoe_mask m = {.mcmd = AOE_MASK_READ, .merror = AOE_MASK_ERR_BADDIR, .dir_count = 3};
	struct aoe_hdr h = make_hdr(AOE_CMD_MACMASK, AOE_FLAG_RSP), dh;
	struct aoe_mask d;
	uint8_t f[64];
	unsigned int i;
	int n;

	for (i = 0; i < 3; i++) {
		dirs[i].dcmd = (uint8_t)i;
		memset(dirs[i].mac, 0x40 + (int)i, 6);
	}
	n = aoe_mask_encode(f, sizeof(f), &h, &m, dirs);
	cr_assert_eq(n, 28 + 3 * 8);
	cr_assert_eq(aoe_hdr_decode(f, (size_t)n, &dh), 0);
	assert_same_hdr(&h, &dh);
	cr_assert_eq(aoe_mask_decode(f, (size_t)n, &dh, &d), 0);
	cr_assert_eq(d.mcmd, m.mcmd);
	cr_assert_eq(d.merror, m.merror);
	cr_assert_eq(d.dir_count, 3);
	for (i = 0; i < 3; i++) {
		aoe_mask_dir_get(&d, i, &dir);
		cr_assert_eq(dir.dcmd, dirs[i].dcmd);
		cr_assert(memcmp(dir.mac, dirs[i].mac, 6) == 0);
	}
}

/* ---- reserve/release ---- */

static const uint8_t res_req[38] = {
	ETH_BYTES, 0x10, 0x00, 0x00, 0x07, 0x03, 0x03, /* reserve/release */
	0x00,	   0x00, 0x01, 0x00, 0x01,	       /* rcmd: set */
	0x02,					       /* MAC count */
	0x02,	   0x11, 0x11, 0x11, 0x11, 0x11, 0x02, 0x22, 0x22, 0x22, 0x22, 0x22,
};

Test(res, decode_every_field)
{
	static const uint8_t mac2[6] = {0x02, 0x22, 0x22, 0x22, 0x22, 0x22};
	uint8_t *f = dup_frame(res_req, sizeof(res_req));
	struct aoe_hdr h = hdr_of(f, sizeof(res_req));
	uint8_t mac[6];
	struct aoe_res r;

	cr_assert_eq(h.cmd, AOE_CMD_RESERVE);
	cr_assert_eq(h.tag, 0x100);
	cr_assert_eq(aoe_res_decode(f, sizeof(res_req), &h, &r), 0);
	cr_assert_eq(r.rcmd, AOE_RES_SET);
	cr_assert_eq(r.mac_count, 2);
	cr_assert_eq(r.macs, f + 26);
	aoe_res_mac_get(&r, 0, mac);
	cr_assert(memcmp(mac, "\x02\x11\x11\x11\x11\x11", 6) == 0);
	aoe_res_mac_get(&r, 1, mac);
	cr_assert(memcmp(mac, mac2, 6) == 0);
	aoe_res_mac_get(&r, 2, mac);
	cr_assert(memcmp(mac, "\0\0\0\0\0\0", 6) == 0);
	free(f);
}

Test(res, short_frames_legal)
{
	uint8_t buf[60];
	struct aoe_hdr h;
	struct aoe_res r;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, res_req, 26);
	buf[25] = 0;
	h = hdr_of(buf, 26);
	cr_assert_eq(aoe_res_decode(buf, 26, &h, &r), 0);
	cr_assert_eq(r.mac_count, 0);
	cr_assert_null(r.macs);
	buf[25] = 5; /* 5 MACs end at byte 56 */
	cr_assert_eq(aoe_res_decode(buf, 56, &h, &r), 0);
	cr_assert_eq(aoe_res_decode(buf, 59, &h, &r), 0);
	cr_assert_eq(aoe_res_decode(buf, 55, &h, &r), -EMSGSIZE);
}

Test(res, truncated)
{
	struct aoe_hdr h = hdr_of(res_req, sizeof(res_req));
	struct aoe_res r;
	uint8_t *f;
	size_t len;

	for (len = 0; len < sizeof(res_req); len++) {
		f = dup_frame(res_req, len);
		cr_assert_eq(aoe_res_decode(f, len, &h, &r), -EMSGSIZE, "len %zu", len);
		free(f);
	}
}

Test(res, bad_rcmd)
{
	uint8_t buf[38];
	struct aoe_hdr h;
	struct aoe_res r;
	unsigned int rcmd;

	memcpy(buf, res_req, sizeof(buf));
	h = hdr_of(buf, sizeof(buf));
	for (rcmd = 0; rcmd < 256; rcmd++) {
		buf[24] = (uint8_t)rcmd;
		cr_assert_eq(aoe_res_decode(buf, sizeof(buf), &h, &r), rcmd <= 2 ? 0 : -EBADMSG,
			     "rcmd %u", rcmd);
	}
}

Test(res, null_and_wrong_command)
{
	struct aoe_hdr h = hdr_of(res_req, sizeof(res_req));
	struct aoe_res r = {0};
	uint8_t f[64], mac[6];

	cr_assert_eq(aoe_res_decode(NULL, 38, &h, &r), -EINVAL);
	cr_assert_eq(aoe_res_decode(res_req, 38, NULL, &r), -EINVAL);
	cr_assert_eq(aoe_res_decode(res_req, 38, &h, NULL), -EINVAL);
	cr_assert_eq(aoe_res_encode(NULL, 64, &h, &r, NULL), -EINVAL);
	cr_assert_eq(aoe_res_encode(f, 64, NULL, &r, NULL), -EINVAL);
	cr_assert_eq(aoe_res_encode(f, 64, &h, NULL, NULL), -EINVAL);
	r.mac_count = 1;
	cr_assert_eq(aoe_res_encode(f, 64, &h, &r, NULL), -EINVAL);
	h.cmd = AOE_CMD_MACMASK;
	cr_assert_eq(aoe_res_decode(res_req, 38, &h, &r), -EINVAL);
	r.mac_count = 0;
	cr_assert_eq(aoe_res_encode(f, 64, &h, &r, NULL), -EINVAL);
	memset(mac, 0xaa, sizeof(mac));
	aoe_res_mac_get(NULL, 0, mac);
	cr_assert(memcmp(mac, "\0\0\0\0\0\0", 6) == 0);
	aoe_res_mac_get(&r, 0, NULL); /* must not crash */
}

Test(res, encode_layout)
{
	static const uint8_t macs[2][6] = {
		{0x02, 0x11, 0x11, 0x11, 0x11, 0x11},
		{0x02, 0x22, 0x22, 0x22, 0x22, 0x22},
	};
	struct aoe_res r = {.rcmd = AOE_RES_SET, .mac_count = 2};
	struct aoe_hdr h;
	uint8_t f[40];

	memset(&h, 0, sizeof(h));
	memcpy(h.dst, dst_mac, 6);
	memcpy(h.src, src_mac, 6);
	h.shelf = 7;
	h.slot = 3;
	h.cmd = AOE_CMD_RESERVE;
	h.tag = 0x100;
	memset(f, 0xcc, sizeof(f));
	cr_assert_eq(aoe_res_encode(f, sizeof(f), &h, &r, macs), 38);
	cr_assert(memcmp(f, res_req, sizeof(res_req)) == 0);
	cr_assert_eq(f[38], 0xcc);
	cr_assert_eq(aoe_res_encode(f, 37, &h, &r, macs), -ENOSPC);
	r.rcmd = 3;
	cr_assert_eq(aoe_res_encode(f, sizeof(f), &h, &r, macs), -EINVAL);
}

Test(res, round_trip)
{
	uint8_t macs[255][6], mac[6];
	struct aoe_res r = {.rcmd = AOE_RES_FORCE_SET, .mac_count = 255}, d;
	struct aoe_hdr h = make_hdr(AOE_CMD_RESERVE, AOE_FLAG_RSP), dh;
	static uint8_t f[26 + 255 * 6];
	unsigned int i;
	int n;

	for (i = 0; i < 255; i++)
		memset(macs[i], (int)i, 6);
	n = aoe_res_encode(f, sizeof(f), &h, &r, (const uint8_t(*)[6])macs);
	cr_assert_eq(n, (int)sizeof(f));
	cr_assert_eq(aoe_hdr_decode(f, (size_t)n, &dh), 0);
	assert_same_hdr(&h, &dh);
	cr_assert_eq(aoe_res_decode(f, (size_t)n, &dh, &d), 0);
	cr_assert_eq(d.rcmd, AOE_RES_FORCE_SET);
	cr_assert_eq(d.mac_count, 255);
	for (i = 0; i < 255; i++) {
		aoe_res_mac_get(&d, i, mac);
		cr_assert(memcmp(mac, macs[i], 6) == 0, "mac %u", i);
	}
}

/* ---- texts ---- */

Test(text, error_str)
{
	cr_assert_str_eq(aoe_error_str(AOE_ERR_BADCMD), "unrecognised command");
	cr_assert_str_eq(aoe_error_str(AOE_ERR_BADARG), "bad argument");
	cr_assert_str_eq(aoe_error_str(AOE_ERR_DEVUNAVAIL), "device unavailable");
	cr_assert_str_eq(aoe_error_str(AOE_ERR_CFG_SET), "config string present");
	cr_assert_str_eq(aoe_error_str(AOE_ERR_BADVER), "unsupported version");
	cr_assert_str_eq(aoe_error_str(AOE_ERR_RESERVED), "target reserved");
	cr_assert_str_eq(aoe_error_str(0), "unknown error");
	cr_assert_str_eq(aoe_error_str(7), "unknown error");
	cr_assert_str_eq(aoe_error_str(255), "unknown error");
}

Test(text, decode_strerror)
{
	cr_assert_str_eq(aoe_decode_strerror(-EMSGSIZE), "truncated frame");
	cr_assert_str_eq(aoe_decode_strerror(-EPROTONOSUPPORT), "not an AoE frame");
	cr_assert_str_eq(aoe_decode_strerror(-EPROTO), "unsupported AoE version");
	cr_assert_str_eq(aoe_decode_strerror(-EBADMSG), "field value not allowed");
	cr_assert_str_eq(aoe_decode_strerror(-EINVAL), "invalid argument");
	cr_assert_str_eq(aoe_decode_strerror(-ENOSPC), "buffer too small");
	cr_assert_str_eq(aoe_decode_strerror(0), "ok");
	cr_assert_str_eq(aoe_decode_strerror(-ENOMEM), "unknown error");
	cr_assert_str_eq(aoe_decode_strerror(EMSGSIZE), "unknown error");
}
