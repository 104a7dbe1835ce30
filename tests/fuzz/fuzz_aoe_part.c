/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the partition table scanner (drivers/bdev/aoe_part.c).
 *
 * Input: the disk's size in sectors (8 bytes, little-endian: any value, the absurd ones too),
 * one byte of flags, then the disk's first sectors; sectors past the input read as zeros. With
 * flag bit 0 the harness first writes correct CRCs into the GPT header and entry array found
 * in the input, so that the fuzzer also explores what lies behind the CRC checks.
 *
 * Checked: every request lies inside the disk and asks for 1 to AOE_PART_READ_MAX sectors; the
 * scan ends within a bounded number of requests; it returns 0 or one of its documented errnos;
 * a refused table has no partitions and a reason; an accepted one has at most 16 partitions,
 * numbered 1-16 in increasing order, none empty, none past the end of the disk, no two
 * overlapping. AddressSanitizer checks that nothing is read outside the buffers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "aoe_part.h"
#include "fuzz_check.h"

#define SECTOR	 AOE_PART_SECTOR_SIZE
#define HDR_LEN	 9
#define FIX_CRCS 0x01
/* MBR, at most AOE_PART_EBR_MAX EBRs; or MBR, GPT header and an array read in chunks. */
#define MAX_READS (2 + AOE_PART_EBR_MAX + AOE_PART_GPT_ARRAY_MAX / SECTOR / AOE_PART_READ_MAX)

struct image {
	uint8_t *data; /* the disk's first sectors */
	size_t len;
	uint64_t sectors;
	unsigned int reads;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t
le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Byte @p off of the disk, as the scanner sees it. */
static uint8_t
byte_at(const struct image *img, uint64_t off)
{
	return off < img->len ? img->data[off] : 0;
}

static int
image_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct image *img = ctx;
	uint8_t *out = buf;
	uint32_t i, k;

	CHECK(count >= 1 && count <= AOE_PART_READ_MAX);
	CHECK(lba < img->sectors && count <= img->sectors - lba);
	CHECK(++img->reads <= MAX_READS);
	for (i = 0; i < count; i++, out += SECTOR) {
		if (lba + i > img->len / SECTOR) {
			memset(out, 0, SECTOR); /* past the input */
			continue;
		}
		for (k = 0; k < SECTOR; k++)
			out[k] = byte_at(img, (lba + i) * SECTOR + k);
	}
	return 0;
}

/* Give the GPT header at sector 1 (if the input holds it) correct CRCs for what it describes. */
static void
fix_crcs(struct image *img)
{
	uint8_t *h = img->data + SECTOR;
	uint32_t header_size, entries, entry_size;
	uint64_t array_off, bytes, off;
	uLong crc;

	if (img->len < 2 * SECTOR)
		return;
	header_size = (uint32_t)le(h + 12, 4);
	entries = (uint32_t)le(h + 80, 4);
	entry_size = (uint32_t)le(h + 84, 4);
	array_off = le(h + 72, 8);
	bytes = (uint64_t)entries * entry_size;
	if (bytes <= AOE_PART_GPT_ARRAY_MAX && array_off < img->len / SECTOR) {
		crc = crc32(0, Z_NULL, 0);
		for (off = 0; off < bytes; off++) {
			uint8_t b = byte_at(img, array_off * SECTOR + off);

			crc = crc32(crc, &b, 1);
		}
		put_le32(h + 88, (uint32_t)crc);
	}
	if (header_size >= 92 && header_size <= SECTOR) {
		put_le32(h + 16, 0);
		put_le32(h + 16, (uint32_t)crc32(0, h, header_size));
	}
}

static void
check_table(const struct aoe_part_table *t, uint64_t disk_sectors)
{
	unsigned int i, j;

	CHECK(t->nb_parts <= AOE_PART_MAX);
	for (i = 0; i < t->nb_parts; i++) {
		const struct aoe_part *p = &t->parts[i];

		CHECK(p->number >= 1 && p->number <= AOE_PART_MAX);
		CHECK(i == 0 || p->number > t->parts[i - 1].number);
		CHECK(p->sectors > 0);
		CHECK(p->start < disk_sectors && p->sectors <= disk_sectors - p->start);
		for (j = 0; j < i; j++) {
			const struct aoe_part *q = &t->parts[j];

			CHECK(p->start + p->sectors <= q->start ||
			      q->start + q->sectors <= p->start);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aoe_part_scan scan;
	struct image img;
	int rc;

	if (size < HDR_LEN)
		return 0;
	img.sectors = le(data, 8);
	img.len = size - HDR_LEN;
	img.reads = 0;
	img.data = malloc(img.len + 1);
	CHECK(img.data != NULL);
	memcpy(img.data, data + HDR_LEN, img.len);
	if (data[8] & FIX_CRCS)
		fix_crcs(&img);

	rc = aoe_part_scan_sync(&scan, img.sectors, image_read, &img);
	CHECK(rc == 0 || rc == -EINVAL || rc == -EBADMSG || rc == -ELOOP || rc == -E2BIG);
	CHECK(memchr(scan.table.reason, '\0', sizeof(scan.table.reason)) != NULL);
	if (rc < 0) {
		CHECK(scan.table.nb_parts == 0);
		CHECK(scan.table.reason[0] != '\0');
	} else {
		check_table(&scan.table, img.sectors);
		CHECK(scan.table.scheme != AOE_PART_SCHEME_NONE || scan.table.nb_parts == 0);
	}
	free(img.data);
	return 0;
}
