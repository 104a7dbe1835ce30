/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for ATA IDENTIFY DEVICE data (lib/aoe/aoe_identify.c): what a target's
 * answer tells the initiator about a disk, its capacity above all.
 *
 * Input: the 512-byte block (a shorter input must be refused with -EMSGSIZE, bytes past 512
 * must not matter), then optionally 8 bytes (little-endian) of a capacity to build a block for.
 *
 * Checked for every parsed block: the capacity lies within what the addressing mode can reach
 * (LBA48: below 2^48 sectors; LBA28: at most 2^28 - 1), and the strings are NUL-terminated,
 * printable and without trailing blanks.
 * What a target builds from the parsed disk parses back to the same disk, and an LBA28-only
 * copy of it (aoe_identify_set_lba28) to the same disk capped at 2^28 - 1 sectors. A built block
 * of any capacity parses back to that capacity, clamped to the mode. A broken promise aborts,
 * which libFuzzer reports as a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_wire.h"
#include "fuzz_check.h"

#define LBA28_MAX UINT64_C(0x0fffffff)	   /* sectors an LBA28 disk can have */
#define LBA48_MAX UINT64_C(0xffffffffffff) /* sectors an LBA48 disk can have */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_string(const char *s, size_t size)
{
	size_t len;

	CHECK(memchr(s, '\0', size) != NULL);
	len = strlen(s);
	for (size_t i = 0; i < len; i++)
		CHECK(s[i] >= 0x20 && s[i] <= 0x7e);
	CHECK(len == 0 || s[len - 1] != ' ');
}

static void
check_disk(const struct aoe_identify *id)
{
	CHECK(id->sectors <= (id->lba48 ? LBA48_MAX : LBA28_MAX));
	check_string(id->model, sizeof(id->model));
	check_string(id->serial, sizeof(id->serial));
	check_string(id->firmware, sizeof(id->firmware));
}

/* The block a target builds for @p id parses back to @p id; its LBA28 copy to the capped id. */
static void
check_rebuilt(const struct aoe_identify *id)
{
	struct aoe_identify id2;
	uint8_t block[AOE_SECTOR_SIZE];

	aoe_identify_build(block, id->sectors, id->model, id->serial, id->firmware);
	CHECK(aoe_identify_parse(block, sizeof(block), &id2) == 0);
	check_disk(&id2);
	CHECK(id2.lba48 && id2.flush_ext);
	CHECK(id2.sectors == id->sectors);
	CHECK(strcmp(id2.model, id->model) == 0);
	CHECK(strcmp(id2.serial, id->serial) == 0);
	CHECK(strcmp(id2.firmware, id->firmware) == 0);

	aoe_identify_set_lba28(block);
	CHECK(aoe_identify_parse(block, sizeof(block), &id2) == 0);
	check_disk(&id2);
	CHECK(!id2.lba48 && !id2.flush_ext);
	CHECK(id2.sectors == (id->sectors < LBA28_MAX ? id->sectors : LBA28_MAX));
	CHECK(strcmp(id2.model, id->model) == 0);
}

/* A block built for any capacity, even one no disk can have, says what the mode reaches. */
static void
check_built_capacity(uint64_t sectors)
{
	struct aoe_identify id;
	uint8_t block[AOE_SECTOR_SIZE];

	aoe_identify_build(block, sectors, NULL, NULL, NULL);
	CHECK(aoe_identify_parse(block, sizeof(block), &id) == 0);
	check_disk(&id);
	CHECK(id.lba48);
	CHECK(id.sectors == (sectors < LBA48_MAX ? sectors : LBA48_MAX));
	CHECK(id.model[0] == '\0' && id.serial[0] == '\0' && id.firmware[0] == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aoe_identify id, id_exact;
	uint64_t sectors = 0;
	int rc;

	rc = aoe_identify_parse(data, size, &id);
	if (size < AOE_SECTOR_SIZE) {
		CHECK(rc == -EMSGSIZE);
		return 0;
	}
	CHECK(rc == 0);
	check_disk(&id);
	/* Only the block counts: what follows it in a frame changes nothing. */
	CHECK(aoe_identify_parse(data, AOE_SECTOR_SIZE, &id_exact) == 0);
	CHECK(memcmp(&id, &id_exact, sizeof(id)) == 0);
	check_rebuilt(&id);

	if (size >= AOE_SECTOR_SIZE + 8) {
		for (unsigned int i = 0; i < 8; i++)
			sectors |= (uint64_t)data[AOE_SECTOR_SIZE + i] << (8 * i);
		check_built_capacity(sectors);
	}
	return 0;
}
