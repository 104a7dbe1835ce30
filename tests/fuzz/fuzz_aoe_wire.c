/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the AoE wire codec (lib/aoe/aoe_wire.c; IDENTIFY data has a target of
 * its own, fuzz_aoe_identify.c).
 *
 * Every input goes through every decoder (the command byte is overridden so that one input
 * reaches all four), and whatever decodes is encoded again: the bytes that the encoder writes
 * must be the bytes that were decoded, and the decoder's promises (lengths, pointers inside
 * the frame, value ranges) must hold. A broken promise aborts, which libFuzzer reports as a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_wire.h"
#include "fuzz_check.h"

#define AFLAGS_ALLOWED (AOE_AFLAG_EXT | AOE_AFLAG_DEV | AOE_AFLAG_ASYNC | AOE_AFLAG_WRITE)

/* Large enough for the longest message any encoder can write (255 mask directives). */
static uint8_t out[AOE_MASK_HDR_LEN + 255 * AOE_MASK_DIR_LEN];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
decode_rc_ok(int rc)
{
	return rc == 0 || rc == -EMSGSIZE || rc == -EPROTONOSUPPORT || rc == -EPROTO ||
	       rc == -EBADMSG;
}

/* The common header as encoded matches the input, except byte 19 that the caller overrode. */
static void
check_hdr_bytes(const uint8_t *data)
{
	CHECK(memcmp(out, data, 19) == 0);
	CHECK(memcmp(out + 20, data + 20, 4) == 0);
}

static void
fuzz_ata(const uint8_t *data, size_t size, const struct aoe_hdr *h)
{
	struct aoe_ata a;
	int rc, n;

	rc = aoe_ata_decode(data, size, h, &a);
	CHECK(rc == 0 || rc == -EMSGSIZE || rc == -EBADMSG);
	if (rc < 0)
		return;
	if (size < AOE_ATA_HDR_LEN) {
		/* Only a short AoE error response is accepted, with empty arguments. */
		CHECK((h->flags & (AOE_FLAG_RSP | AOE_FLAG_ERR)) == (AOE_FLAG_RSP | AOE_FLAG_ERR));
		CHECK(a.aflags == 0 && a.sector_count == 0 && a.lba == 0);
		CHECK(a.data == NULL && a.data_len == 0);
		return;
	}
	CHECK(a.data_len == size - AOE_ATA_HDR_LEN);
	CHECK(a.data == (a.data_len ? data + AOE_ATA_HDR_LEN : NULL));
	CHECK(a.lba < (UINT64_C(1) << 48));
	CHECK(aoe_ata_lba(&a) <= a.lba);
	if (!(h->flags & AOE_FLAG_RSP)) {
		CHECK(!(a.aflags & ~AFLAGS_ALLOWED));
		if (a.aflags & AOE_AFLAG_WRITE)
			CHECK(a.data_len >= (size_t)a.sector_count * AOE_SECTOR_SIZE);
	}

	n = aoe_ata_encode(out, sizeof(out), h, &a);
	if (n == -EINVAL) {
		/* Responses are decoded for shape only; reserved aflags are not ours to send. */
		CHECK((h->flags & AOE_FLAG_RSP) && (a.aflags & ~AFLAGS_ALLOWED));
		return;
	}
	CHECK(n == AOE_ATA_HDR_LEN);
	check_hdr_bytes(data);
	CHECK(memcmp(out + 24, data + 24, 10) == 0);
	CHECK(out[34] == 0 && out[35] == 0);
}

static void
fuzz_cfg(const uint8_t *data, size_t size, const struct aoe_hdr *h)
{
	struct aoe_cfg c;
	int rc, n;

	rc = aoe_cfg_decode(data, size, h, &c);
	CHECK(rc == 0 || rc == -EMSGSIZE || rc == -EBADMSG);
	if (rc < 0)
		return;
	CHECK(c.str_len <= AOE_CFG_STR_MAX);
	CHECK((size_t)AOE_CFG_HDR_LEN + c.str_len <= size);
	CHECK(c.str == (c.str_len ? data + AOE_CFG_HDR_LEN : NULL));
	CHECK(c.ccmd <= AOE_CFG_FORCE_SET);
	CHECK(aoe_cfg_sectors(&c) >= 1);

	n = aoe_cfg_encode(out, sizeof(out), h, &c);
	CHECK(n == AOE_CFG_HDR_LEN + c.str_len);
	check_hdr_bytes(data);
	CHECK(memcmp(out + 24, data + 24, (size_t)n - 24) == 0);
	/* Too small by one byte must be refused, not truncated. */
	CHECK(aoe_cfg_encode(out, (size_t)n - 1, h, &c) == -ENOSPC);
}

static void
fuzz_mask(const uint8_t *data, size_t size, const struct aoe_hdr *h)
{
	struct aoe_mask_dir dirs[255];
	struct aoe_mask m;
	unsigned int i;
	int rc, n;

	rc = aoe_mask_decode(data, size, h, &m);
	CHECK(rc == 0 || rc == -EMSGSIZE || rc == -EBADMSG);
	if (rc < 0)
		return;
	CHECK(AOE_MASK_HDR_LEN + (size_t)m.dir_count * AOE_MASK_DIR_LEN <= size);
	CHECK(m.mcmd <= AOE_MASK_EDIT);
	for (i = 0; i < m.dir_count; i++) {
		aoe_mask_dir_get(&m, i, &dirs[i]);
		CHECK(dirs[i].dcmd <= AOE_MASK_DIR_DEL);
	}

	n = aoe_mask_encode(out, sizeof(out), h, &m, dirs);
	CHECK(n == AOE_MASK_HDR_LEN + m.dir_count * AOE_MASK_DIR_LEN);
	check_hdr_bytes(data);
	CHECK(out[24] == 0);
	CHECK(memcmp(out + 25, data + 25, 3) == 0);
	for (i = 0; i < m.dir_count; i++) {
		const size_t off = AOE_MASK_HDR_LEN + (size_t)i * AOE_MASK_DIR_LEN;

		CHECK(out[off] == 0);
		CHECK(memcmp(out + off + 1, data + off + 1, AOE_MASK_DIR_LEN - 1) == 0);
	}
}

static void
fuzz_res(const uint8_t *data, size_t size, const struct aoe_hdr *h)
{
	uint8_t macs[255][AOE_ETH_ALEN];
	struct aoe_res r;
	unsigned int i;
	int rc, n;

	rc = aoe_res_decode(data, size, h, &r);
	CHECK(rc == 0 || rc == -EMSGSIZE || rc == -EBADMSG);
	if (rc < 0)
		return;
	CHECK(AOE_RES_HDR_LEN + (size_t)r.mac_count * AOE_ETH_ALEN <= size);
	CHECK(r.rcmd <= AOE_RES_FORCE_SET);
	for (i = 0; i < r.mac_count; i++)
		aoe_res_mac_get(&r, i, macs[i]);

	n = aoe_res_encode(out, sizeof(out), h, &r, (const uint8_t(*)[AOE_ETH_ALEN])macs);
	CHECK(n == AOE_RES_HDR_LEN + r.mac_count * AOE_ETH_ALEN);
	check_hdr_bytes(data);
	CHECK(memcmp(out + 24, data + 24, (size_t)n - 24) == 0);
}

/* aoe_ata_rw_setup with arguments taken from the input. */
static void
fuzz_rw_setup(const uint8_t *data, size_t size)
{
	const uint64_t lim28 = UINT64_C(1) << 28, lim48 = UINT64_C(1) << 48;
	struct aoe_ata a;
	uint64_t lba = 0, lim;
	bool write, lba48;
	uint8_t count;
	unsigned int i;
	int rc;

	if (size < 10)
		return;
	for (i = 0; i < 8; i++)
		lba |= (uint64_t)data[i] << (8 * i);
	write = data[8] & 1;
	lba48 = data[8] & 2;
	/* Keep small LBAs reachable: a random 64-bit value is almost never in range. */
	if (data[8] & 4)
		lba &= lba48 ? lim48 - 1 : lim28 - 1;
	count = data[9];
	lim = lba48 ? lim48 : lim28;

	rc = aoe_ata_rw_setup(&a, write, lba48, lba, count);
	if (count == 0 || lba >= lim || count > lim - lba) {
		CHECK(rc == -EINVAL);
		return;
	}
	CHECK(rc == 0);
	CHECK(aoe_ata_lba(&a) == lba);
	CHECK(a.sector_count == count);
	CHECK(!!(a.aflags & AOE_AFLAG_WRITE) == write);
	CHECK(!!(a.aflags & AOE_AFLAG_EXT) == lba48);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t cmds[] = {AOE_CMD_ATA, AOE_CMD_CONFIG, AOE_CMD_MACMASK,
				       AOE_CMD_RESERVE};
	struct aoe_hdr h, hh;
	unsigned int i;
	int rc;

	fuzz_rw_setup(data, size);

	rc = aoe_hdr_decode(data, size, &h);
	CHECK(decode_rc_ok(rc));
	CHECK(aoe_decode_strerror(rc) != NULL);
	if (rc < 0)
		return 0;
	CHECK(size >= AOE_HDR_LEN);
	CHECK(h.version == AOE_VERSION);
	CHECK(aoe_error_str(h.error) != NULL);
	CHECK(aoe_hdr_encode(out, sizeof(out), &h) == AOE_HDR_LEN);
	CHECK(memcmp(out, data, AOE_HDR_LEN) == 0);

	for (i = 0; i < sizeof(cmds); i++) {
		hh = h;
		hh.cmd = cmds[i];
		switch (cmds[i]) {
		case AOE_CMD_ATA:
			fuzz_ata(data, size, &hh);
			break;
		case AOE_CMD_CONFIG:
			fuzz_cfg(data, size, &hh);
			break;
		case AOE_CMD_MACMASK:
			fuzz_mask(data, size, &hh);
			break;
		default:
			fuzz_res(data, size, &hh);
			break;
		}
	}
	return 0;
}
