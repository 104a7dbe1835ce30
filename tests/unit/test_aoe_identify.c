/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/aoe/aoe_identify.c: IDENTIFY DEVICE parsing and building. */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aoe_wire.h"

static uint16_t
word(const uint8_t *d, unsigned int w)
{
	return (uint16_t)(d[2 * w] | (d[2 * w + 1] << 8));
}

static void
set_word(uint8_t *d, unsigned int w, uint16_t v)
{
	d[2 * w] = (uint8_t)v;
	d[2 * w + 1] = (uint8_t)(v >> 8);
}

/* Store an ATA string as a drive does: two characters per word, the first in the high byte. */
static void
set_string(uint8_t *d, unsigned int first, unsigned int words, const char *s)
{
	unsigned int i;

	for (i = 0; i < 2 * words; i++)
		d[2 * first + (i ^ 1)] = (uint8_t)s[i];
}

Test(identify, build_layout)
{
	uint8_t d[512];

	memset(d, 0xa5, sizeof(d));
	aoe_identify_build(d, UINT64_C(0x123456789), "AB", "S1", "F");
	cr_assert_eq(word(d, 49), 0x0200, "LBA supported");
	cr_assert_eq(word(d, 60), 0xffff);
	cr_assert_eq(word(d, 61), 0x0fff, "LBA28 capacity capped at 0x0fffffff");
	cr_assert_eq(word(d, 83), 0x7400, "valid, FLUSH EXT, FLUSH, LBA48");
	cr_assert_eq(word(d, 84), 0x4000);
	cr_assert_eq(word(d, 86), 0x3400);
	cr_assert_eq(word(d, 87), 0x4000);
	cr_assert_eq(word(d, 100), 0x6789);
	cr_assert_eq(word(d, 101), 0x2345);
	cr_assert_eq(word(d, 102), 0x0001);
	cr_assert_eq(word(d, 103), 0x0000);
	/* Model at word 27: "AB" stored as 'B','A' in memory, then spaces. */
	cr_assert_eq(d[54], 'B');
	cr_assert_eq(d[55], 'A');
	cr_assert_eq(d[56], ' ');
	cr_assert_eq(d[93], ' ', "model padded to word 46");
	cr_assert_eq(d[20], '1', "serial at word 10");
	cr_assert_eq(d[21], 'S');
	cr_assert_eq(d[39], ' ');
	cr_assert_eq(d[46], ' ', "firmware at word 23");
	cr_assert_eq(d[47], 'F');
	cr_assert_eq(d[53], ' ');
	/* Everything else is zero, not left over from the buffer. */
	cr_assert_eq(word(d, 0), 0);
	cr_assert_eq(word(d, 255), 0);
	cr_assert_eq(word(d, 104), 0);
}

Test(identify, parse_built_block)
{
	static const uint64_t sizes[] = {
		1,
		2048,
		UINT64_C(0x0ffffffe),
		UINT64_C(0x0fffffff),
		UINT64_C(0x10000000),
		UINT64_C(0x100000000),
		UINT64_C(0xffffffffffff),
	};
	struct aoe_identify id;
	uint8_t d[512];
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		aoe_identify_build(d, sizes[i], "dpdk-aoe RAM disk", "0123456789abcdefghij",
				   "v0.1");
		cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
		cr_assert_eq(id.sectors, sizes[i], "size %#llx", (unsigned long long)sizes[i]);
		cr_assert(id.lba48);
		cr_assert(id.flush_ext);
		cr_assert_str_eq(id.model, "dpdk-aoe RAM disk");
		cr_assert_str_eq(id.serial, "0123456789abcdefghij");
		cr_assert_str_eq(id.firmware, "v0.1");
	}
}

Test(identify, build_small_capacity)
{
	uint8_t d[512];

	aoe_identify_build(d, 1000, NULL, NULL, NULL);
	cr_assert_eq(word(d, 60), 1000);
	cr_assert_eq(word(d, 61), 0);
	cr_assert_eq(word(d, 100), 1000);
	cr_assert_eq(d[54], ' ', "a NULL string is all spaces");
}

Test(identify, build_truncates_long_strings)
{
	struct aoe_identify id;
	uint8_t d[512];

	aoe_identify_build(d, 8, "0123456789012345678901234567890123456789XYZ",
			   "abcdefghijklmnopqrstuvwxyz", "123456789");
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert_str_eq(id.model, "0123456789012345678901234567890123456789");
	cr_assert_str_eq(id.serial, "abcdefghijklmnopqrst");
	cr_assert_str_eq(id.firmware, "12345678");
	cr_assert_eq(word(d, 47), 0, "nothing written past the model");
}

Test(identify, parse_lba28_only)
{
	struct aoe_identify id;
	uint8_t d[512];

	memset(d, 0, sizeof(d));
	set_word(d, 49, 0x0200);
	set_word(d, 60, 0x5678);
	set_word(d, 61, 0x0123);
	set_word(d, 83, 0x5000); /* valid, FLUSH CACHE; no LBA48, no FLUSH EXT */
	set_word(d, 86, 0x1000);
	/* Garbage in the LBA48 words must be ignored when LBA48 is not supported. */
	set_word(d, 100, 0xffff);
	set_word(d, 101, 0xffff);
	set_word(d, 102, 0x0001);
	set_string(d, 27, 20, "OLD DISK                                ");
	set_string(d, 10, 10, "  SN42              ");
	set_string(d, 23, 4, "1.0     ");
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert_eq(id.sectors, UINT64_C(0x01235678));
	cr_assert_not(id.lba48);
	cr_assert_not(id.flush_ext);
	cr_assert_str_eq(id.model, "OLD DISK");
	cr_assert_str_eq(id.serial, "  SN42", "leading spaces are kept");
	cr_assert_str_eq(id.firmware, "1.0");
}

Test(identify, parse_lba48_from_either_word)
{
	struct aoe_identify id;
	uint8_t d[512];

	memset(d, 0, sizeof(d));
	set_word(d, 60, 0xffff);
	set_word(d, 61, 0x0fff);
	set_word(d, 100, 0x0000);
	set_word(d, 101, 0x0000);
	set_word(d, 102, 0x0002); /* 2^33 sectors */
	set_word(d, 86, 1 << 10);
	set_word(d, 87, 0x4000); /* vouches for word 86 */
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert(id.lba48);
	cr_assert_not(id.flush_ext);
	cr_assert_eq(id.sectors, UINT64_C(1) << 33);

	set_word(d, 86, 0);
	set_word(d, 83, 0x5400); /* what vblade sends */
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert(id.lba48);
	cr_assert_not(id.flush_ext, "vblade does not claim FLUSH CACHE EXT");
	cr_assert_eq(id.sectors, UINT64_C(1) << 33);

	set_word(d, 86, 1 << 13);
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert(id.flush_ext, "word 86 bit 13");
	set_word(d, 86, 0);
	set_word(d, 83, 0x4000 | 1 << 13);
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert(id.flush_ext, "word 83 bit 13");
	cr_assert_not(id.lba48);
	cr_assert_eq(id.sectors, UINT64_C(0x0fffffff));
}

/* Words 83 and 86 say something only when their validity bits (83's own, 87's) are 01. */
Test(identify, parse_needs_validity_bits)
{
	static const uint16_t bad_sig[] = {0x0000, 0x8000, 0xc000};
	struct aoe_identify id;
	uint8_t d[512];
	unsigned int i;

	for (i = 0; i < sizeof(bad_sig) / sizeof(bad_sig[0]); i++) {
		memset(d, 0, sizeof(d));
		set_word(d, 60, 0x1000);
		set_word(d, 100, 0x2000);
		set_word(d, 83, bad_sig[i] | 1 << 13 | 1 << 10);
		set_word(d, 86, 1 << 13 | 1 << 10);
		set_word(d, 87, bad_sig[i]);
		cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
		cr_assert_not(id.lba48, "signature %#x: LBA48 not claimed", bad_sig[i]);
		cr_assert_not(id.flush_ext, "signature %#x: FLUSH EXT not claimed", bad_sig[i]);
		cr_assert_eq(id.sectors, 0x1000, "signature %#x: LBA28 capacity", bad_sig[i]);
	}
	/* A device that answers all ones (nothing there) claims nothing either. */
	memset(d, 0xff, sizeof(d));
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert_not(id.lba48);
	cr_assert_not(id.flush_ext);
	cr_assert_eq(id.sectors, UINT64_C(0x0fffffff), "LBA28 words clamped to the mode");
	/* Word 86 with word 87 valid counts even when word 83 does not. */
	memset(d, 0, sizeof(d));
	set_word(d, 100, 0x2000);
	set_word(d, 86, 1 << 10);
	set_word(d, 87, 0x4000);
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert(id.lba48);
	cr_assert_eq(id.sectors, 0x2000);
}

/* Capacity never exceeds what the addressing mode reaches. */
Test(identify, parse_clamps_capacity_to_the_mode)
{
	struct aoe_identify id;
	uint8_t d[512];

	memset(d, 0, sizeof(d));
	set_word(d, 60, 0xffff);
	set_word(d, 61, 0xffff); /* 2^32 - 1 claimed by an LBA28 disk */
	set_word(d, 83, 0x4000);
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert_not(id.lba48);
	cr_assert_eq(id.sectors, UINT64_C(0x0fffffff), "LBA28: at most 2^28 - 1 sectors");
	set_word(d, 61, 0x1000); /* exactly 2^28 */
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert_eq(id.sectors, UINT64_C(0x0fffffff));

	set_word(d, 83, 0x4400);
	set_word(d, 100, 0xffff);
	set_word(d, 101, 0xffff);
	set_word(d, 102, 0xffff);
	set_word(d, 103, 0x0001); /* 2^48 + 2^48 - 1 */
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert(id.lba48);
	cr_assert_eq(id.sectors, UINT64_C(0xffffffffffff), "LBA48: below 2^48");
	set_word(d, 103, 0xffff);
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert_eq(id.sectors, UINT64_C(0xffffffffffff));
}

Test(identify, parse_lba48_with_empty_words)
{
	struct aoe_identify id;
	uint8_t d[512];

	memset(d, 0, sizeof(d));
	set_word(d, 60, 0x1000);
	set_word(d, 83, 0x4400);
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert(id.lba48);
	cr_assert_eq(id.sectors, 0x1000, "falls back to words 60-61");
}

Test(identify, unprintable_strings)
{
	struct aoe_identify id;
	uint8_t d[512];
	uint8_t model[40];

	memset(d, 0, sizeof(d));
	/* Model: controls, DEL, high bytes and an inner NUL, then spaces and trailing NULs. */
	memset(model, 0, sizeof(model));
	memcpy(model,
	       "A\tB\x7f\x80"
	       "C\0D    \xff"
	       "E  ",
	       16);
	set_string(d, 27, 20, (const char *)model);
	/* Serial without any padding: all 20 characters. */
	set_string(d, 10, 10, "ABCDEFGHIJKLMNOPQRST");
	/* Firmware: nothing but NULs. */
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0);
	cr_assert_str_eq(id.model, "A?B??C?D    ?E");
	cr_assert_str_eq(id.serial, "ABCDEFGHIJKLMNOPQRST");
	cr_assert_str_eq(id.firmware, "");
}

Test(identify, refusals)
{
	struct aoe_identify id;
	uint8_t d[1024] = {0};

	cr_assert_eq(aoe_identify_parse(d, 511, &id), -EMSGSIZE);
	cr_assert_eq(aoe_identify_parse(d, 0, &id), -EMSGSIZE);
	cr_assert_eq(aoe_identify_parse(NULL, 512, &id), -EINVAL);
	cr_assert_eq(aoe_identify_parse(d, 512, NULL), -EINVAL);
	cr_assert_eq(aoe_identify_parse(d, sizeof(d), &id), 0, "a longer buffer is fine");
	aoe_identify_build(NULL, 1, "m", "s", "f"); /* must not crash */
}

Test(identify, lba28_only_block)
{
	uint8_t data[AOE_SECTOR_SIZE];
	struct aoe_identify id;

	aoe_identify_build(data, 1000000, "m", "s", "f");
	aoe_identify_set_lba28(data);
	cr_assert_eq(aoe_identify_parse(data, sizeof(data), &id), 0);
	cr_expect_not(id.lba48);
	cr_expect_not(id.flush_ext);
	cr_expect_eq(id.sectors, 1000000);
	cr_expect_eq(data[200], 0, "words 100-103 are cleared");
	cr_expect_eq(data[201], 0);
}

Test(identify, lba28_only_caps_capacity)
{
	uint8_t data[AOE_SECTOR_SIZE];
	struct aoe_identify id;

	aoe_identify_build(data, 1ull << 32, "m", "s", "f");
	aoe_identify_set_lba28(data);
	cr_assert_eq(aoe_identify_parse(data, sizeof(data), &id), 0);
	cr_expect_not(id.lba48);
	cr_expect_eq(id.sectors, 0x0fffffff);
}
