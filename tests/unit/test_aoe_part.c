/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests drivers/bdev/aoe_part.c: partition tables built here byte by byte (every refusal),
 * and real ones written by sfdisk and sgdisk on a sparse file, read back and compared with
 * what sfdisk itself reads from them. CRCs here come from zlib, not from the code under test.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "aoe_part.h"
#include "test_util.h"

#define SECTOR	     AOE_PART_SECTOR_SIZE
#define STORED_MAX   160
#define DISK_SECTORS 131072 /* 64 MiB */

/* A sparse in-memory disk: sectors never written read as zeros. */
struct disk {
	uint64_t sectors;
	unsigned int nb;
	uint64_t lba[STORED_MAX];
	uint8_t data[STORED_MAX][SECTOR];
	uint64_t fail_lba; /* a read that covers it fails with -EIO (UINT64_MAX: none) */
	unsigned int reads;
};

static struct disk disk;

static void
disk_init(uint64_t sectors)
{
	memset(&disk, 0, sizeof(disk));
	disk.sectors = sectors;
	disk.fail_lba = UINT64_MAX;
}

/* The stored sector at @p lba, or NULL (it reads as zeros). */
static uint8_t *
find(uint64_t lba)
{
	unsigned int i;

	for (i = 0; i < disk.nb; i++)
		if (disk.lba[i] == lba)
			return disk.data[i];
	return NULL;
}

/* The sector at @p lba, to write to. */
static uint8_t *
sec(uint64_t lba)
{
	uint8_t *d = find(lba);

	if (d != NULL)
		return d;
	cr_assert_lt(disk.nb, STORED_MAX, "test disk full");
	disk.lba[disk.nb] = lba;
	return disk.data[disk.nb++];
}

/* The scanner's reader: it must ask for whole requests inside the disk, never more. */
static int
disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	uint32_t i;

	(void)ctx;
	cr_assert(count >= 1 && count <= AOE_PART_READ_MAX, "request of %u sectors", count);
	cr_assert(lba < disk.sectors && count <= disk.sectors - lba,
		  "request of %u sectors at %" PRIu64 " past the disk's %" PRIu64, count, lba,
		  disk.sectors);
	disk.reads++;
	for (i = 0; i < count; i++) {
		const uint8_t *d = find(lba + i);

		if (lba + i == disk.fail_lba)
			return -EIO;
		if (d != NULL)
			memcpy((uint8_t *)buf + (size_t)i * SECTOR, d, SECTOR);
		else
			memset((uint8_t *)buf + (size_t)i * SECTOR, 0, SECTOR);
	}
	return 0;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void
put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* MBR or EBR entry i (0-3) of the sector at @p lba, and its signature. */
static void
mbr_entry(uint64_t lba, unsigned int i, uint8_t boot, uint8_t type, uint32_t start,
	  uint32_t sectors)
{
	uint8_t *s = sec(lba), *e = s + 446 + 16 * i;

	e[0] = boot;
	e[4] = type;
	put_le32(e + 8, start);
	put_le32(e + 12, sectors);
	s[510] = 0x55;
	s[511] = 0xaa;
}

static int
scan(struct aoe_part_scan *s)
{
	return aoe_part_scan_sync(s, disk.sectors, disk_read, NULL);
}

static void
expect_part(const struct aoe_part_scan *s, unsigned int i, unsigned int number, uint64_t start,
	    uint64_t sectors)
{
	cr_assert_lt(i, s->table.nb_parts);
	cr_expect_eq(s->table.parts[i].number, number, "parts[%u].number", i);
	cr_expect_eq(s->table.parts[i].start, start, "parts[%u].start", i);
	cr_expect_eq(s->table.parts[i].sectors, sectors, "parts[%u].sectors", i);
}

/* The scan must accept the table and find @p nb partitions. */
static void
expect_accepted(struct aoe_part_scan *s, unsigned int nb)
{
	int rc = scan(s);

	cr_assert_eq(rc, 0, "rc %d (%s): %s", rc, strerror(-rc), s->table.reason);
	cr_assert_eq(s->table.nb_parts, nb, "%u partitions, want %u", s->table.nb_parts, nb);
}

static void
expect_refused(struct aoe_part_scan *s, int rc, const char *reason_part)
{
	int got = scan(s);

	cr_expect_eq(got, rc, "rc %d (%s), want %d; reason: %s", got, strerror(-got), rc,
		     s->table.reason);
	cr_expect_eq(s->table.nb_parts, 0, "a refused table must give no partition");
	cr_expect(strstr(s->table.reason, reason_part) != NULL, "reason '%s' lacks '%s'",
		  s->table.reason, reason_part);
}

/* ---- MBR ------------------------------------------------------------------------------ */

Test(aoe_part, no_signature_no_table)
{
	struct aoe_part_scan s;

	disk_init(DISK_SECTORS);
	sec(0)[446 + 4] = 0x83; /* an entry, but no 0x55AA */
	expect_accepted(&s, 0);
	cr_expect_eq(s.table.scheme, AOE_PART_SCHEME_NONE);
	cr_expect(strstr(s.table.reason, "no partition table") != NULL);
}

Test(aoe_part, boot_sector_is_no_table)
{
	struct aoe_part_scan s;

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0x29, 0x83, 2048, 2048); /* what a FAT boot sector may hold there */
	expect_accepted(&s, 0);
	cr_expect_eq(s.table.scheme, AOE_PART_SCHEME_NONE);
}

Test(aoe_part, empty_disk)
{
	struct aoe_part_scan s;

	disk_init(0);
	expect_accepted(&s, 0);
	cr_expect_eq(disk.reads, 0);
}

Test(aoe_part, mbr_primaries_numbered_by_slot)
{
	struct aoe_part_scan s;

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0x80, 0x83, 2048, 4096);
	mbr_entry(0, 2, 0x00, 0x07, 8192, DISK_SECTORS - 8192); /* up to the very last sector */
	expect_accepted(&s, 2);
	cr_expect_eq(s.table.scheme, AOE_PART_SCHEME_MBR);
	expect_part(&s, 0, 1, 2048, 4096);
	expect_part(&s, 1, 3, 8192, DISK_SECTORS - 8192);
	cr_expect_str_empty(s.table.reason);
}

Test(aoe_part, mbr_empty_table)
{
	struct aoe_part_scan s;

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0, 0, 0, 0);
	expect_accepted(&s, 0);
	cr_expect_eq(s.table.scheme, AOE_PART_SCHEME_MBR);
}

Test(aoe_part, mbr_refusals)
{
	struct aoe_part_scan s;

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0, 0x83, 2048, DISK_SECTORS - 2048 + 1);
	expect_refused(&s, -EINVAL, "past the end of the disk");

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0, 0x83, UINT32_MAX, UINT32_MAX); /* no 32-bit wrap-around */
	expect_refused(&s, -EINVAL, "past the end of the disk");

	disk_init(DISK_SECTORS);
	mbr_entry(0, 1, 0, 0x83, 2048, 0);
	expect_refused(&s, -EINVAL, "zero length");

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0, 0x83, 0, 2048);
	expect_refused(&s, -EINVAL, "sector 0");

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0, 0x83, 2048, 4096);
	mbr_entry(0, 3, 0, 0x83, 6143, 100);
	expect_refused(&s, -EINVAL, "partition 4 (sectors 6143-6242) overlaps partition 1");

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0, 0x05, 2048, 4096);
	mbr_entry(0, 1, 0, 0x0f, 8192, 4096);
	mbr_entry(2048, 0, 0, 0, 0, 0);
	expect_refused(&s, -EINVAL, "both extended");

	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0, 0x83, 2048, 4096);
	mbr_entry(0, 1, 0, 0x05, 4096, 8192); /* the container overlaps a primary */
	expect_refused(&s, -EINVAL, "extended partition (MBR entry 2) overlaps partition 1");
}

/* Extended partition at 8192 with logical partitions in a chain of EBRs. */
static void
chain(unsigned int logicals, uint32_t ext_sectors)
{
	unsigned int i;

	mbr_entry(0, 0, 0, 0x83, 2048, 4096);
	mbr_entry(0, 1, 0, 0x05, 8192, ext_sectors);
	for (i = 0; i < logicals; i++) {
		uint64_t ebr = 8192 + (uint64_t)i * 2048;

		mbr_entry(ebr, 0, 0, 0x83, 1, 2047);
		if (i + 1 < logicals)
			mbr_entry(ebr, 1, 0, 0x05, (i + 1) * 2048, 2048);
	}
}

Test(aoe_part, mbr_logical_partitions_from_5)
{
	struct aoe_part_scan s;

	disk_init(DISK_SECTORS);
	chain(3, 3 * 2048);
	expect_accepted(&s, 4);
	expect_part(&s, 0, 1, 2048, 4096);
	expect_part(&s, 1, 5, 8193, 2047);
	expect_part(&s, 2, 6, 10241, 2047);
	expect_part(&s, 3, 7, 12289, 2047);
}

Test(aoe_part, mbr_twelve_logicals_fit_thirteen_do_not)
{
	struct aoe_part_scan s;

	disk_init(DISK_SECTORS);
	chain(12, 12 * 2048);
	expect_accepted(&s, 13);
	expect_part(&s, 12, 16, 8192 + 11 * 2048 + 1, 2047);

	disk_init(DISK_SECTORS);
	chain(13, 13 * 2048);
	expect_refused(&s, -E2BIG, "partition 17");
}

Test(aoe_part, mbr_empty_extended_partition)
{
	struct aoe_part_scan s;

	disk_init(DISK_SECTORS);
	mbr_entry(0, 1, 0, 0x85, 8192, 4096);
	mbr_entry(8192, 0, 0, 0, 0, 0); /* a signed EBR with nothing in it, as sfdisk writes */
	expect_accepted(&s, 0);
}

/* One entry of one EBR of chain(logicals) rewritten, and what the refusal says. */
struct ebr_edit {
	unsigned int logicals;
	uint64_t ebr;
	unsigned int entry;
	uint8_t type;
	uint32_t start, sectors;
	int rc;
	const char *reason;
};

static const struct ebr_edit ebr_edits[] = {
	/* A link back to the first EBR, and to itself: loops. */
	{3, 8192 + 2 * 2048, 1, 0x05, 0, 2048, -ELOOP, "loops back to the EBR at sector 8192"},
	{1, 8192, 1, 0x05, 0, 2048, -ELOOP, "loops back to the EBR at sector 8192"},
	/* One sector past the extended partition. */
	{2, 8192 + 2048, 0, 0x83, 1, 2048, -EINVAL, "outside its extended partition"},
	{2, 8192, 0, 0x83, 1, 4000, -EINVAL, "EBR at sector 10240 lies inside partition 5"},
	/* Partition 5 lies past the next EBR, inside partition 6. */
	{2, 8192, 0, 0x83, 3000, 100, -EINVAL,
	 "partition 6 (sectors 10241-12287) overlaps partition 5"},
	{1, 8192, 0, 0x83, 0, 2048, -EINVAL, "on its own EBR"},
	{1, 8192, 0, 0x83, 1, 0, -EINVAL, "zero length"},
	{2, 8192, 1, 0x05, 2 * 2048, 2048, -EINVAL, "outside the extended partition"},
	{2, 8192, 1, 0x05, 2048, 0, -EINVAL, "outside the extended partition"},
	{2, 8192, 1, 0x83, 2048, 2048, -EINVAL, "links to a partition of type 0x83"},
	{1, 8192, 2, 0x83, 100, 100, -EINVAL, "uses entry 3"},
	{1, 8192, 3, 0x05, 100, 100, -EINVAL, "uses entry 4"},
	{1, 8192, 0, 0x05, 1, 100, -EINVAL, "a link where its partition belongs"},
};

Test(aoe_part, ebr_refusals)
{
	struct aoe_part_scan s;
	unsigned int i;

	for (i = 0; i < sizeof(ebr_edits) / sizeof(ebr_edits[0]); i++) {
		const struct ebr_edit *e = &ebr_edits[i];

		disk_init(DISK_SECTORS);
		chain(e->logicals, e->logicals * 2048);
		mbr_entry(e->ebr, e->entry, 0, e->type, e->start, e->sectors);
		expect_refused(&s, e->rc, e->reason);
	}

	/* EBRs with no partition in them do not use numbers, but the chain is bounded. */
	disk_init(DISK_SECTORS);
	mbr_entry(0, 0, 0, 0x05, 1, DISK_SECTORS - 1);
	for (i = 0; i < AOE_PART_EBR_MAX + 1; i++)
		mbr_entry(1 + i, 1, 0, 0x05, i + 1, 1);
	expect_refused(&s, -ELOOP, "longer than");

	disk_init(DISK_SECTORS);
	chain(2, 2 * 2048);
	sec(8192 + 2048)[511] = 0; /* the second EBR's signature */
	expect_refused(&s, -EINVAL, "no 0x55AA signature");
}

/* ---- GPT ------------------------------------------------------------------------------ */

struct gpt_entry_spec {
	uint32_t index;
	uint64_t first, last;
};

struct gpt {
	uint64_t my_lba, first_usable, last_usable, array_lba;
	uint32_t header_size, nb_entries, entry_size;
	unsigned int nb;
	struct gpt_entry_spec e[40];
};

static void
gpt_default(struct gpt *g)
{
	memset(g, 0, sizeof(*g));
	g->my_lba = 1;
	g->first_usable = 34;
	g->last_usable = disk.sectors - 34;
	g->array_lba = 2;
	g->header_size = 92;
	g->nb_entries = 128;
	g->entry_size = 128;
}

static void
gpt_add(struct gpt *g, uint32_t index, uint64_t first, uint64_t last)
{
	g->e[g->nb++] = (struct gpt_entry_spec){index, first, last};
}

/* The array's byte @p off, wherever the spec puts it. */
static uint8_t *
array_byte(const struct gpt *g, uint64_t off)
{
	return sec(g->array_lba + off / SECTOR) + off % SECTOR;
}

/* Protective MBR, entry array and header, CRCs by zlib. */
static void
gpt_write(const struct gpt *g)
{
	static const uint8_t linux_fs[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
					     0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4};
	uint64_t off, bytes = (uint64_t)g->nb_entries * g->entry_size;
	uint8_t *h, e[512];
	uLong crc;
	unsigned int i, k;

	mbr_entry(0, 0, 0, 0xee, 1,
		  disk.sectors - 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(disk.sectors - 1));
	for (i = 0; i < g->nb; i++) {
		memset(e, 0, sizeof(e));
		memcpy(e, linux_fs, 16);
		e[16] = (uint8_t)(i + 1); /* unique GUID */
		put_le64(e + 32, g->e[i].first);
		put_le64(e + 40, g->e[i].last);
		for (k = 0; k < g->entry_size && k < sizeof(e); k++)
			*array_byte(g, (uint64_t)g->e[i].index * g->entry_size + k) = e[k];
	}
	crc = crc32(0, Z_NULL, 0);
	for (off = 0; off < bytes && bytes <= AOE_PART_GPT_ARRAY_MAX; off++) {
		const uint8_t *d = find(g->array_lba + off / SECTOR);
		uint8_t b = d == NULL ? 0 : d[off % SECTOR];

		crc = crc32(crc, &b, 1);
	}
	h = sec(1);
	memset(h, 0, SECTOR);
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x00010000);
	put_le32(h + 12, g->header_size);
	put_le64(h + 24, g->my_lba);
	put_le64(h + 32, disk.sectors - 1);
	put_le64(h + 40, g->first_usable);
	put_le64(h + 48, g->last_usable);
	put_le64(h + 72, g->array_lba);
	put_le32(h + 80, g->nb_entries);
	put_le32(h + 84, g->entry_size);
	put_le32(h + 88, (uint32_t)crc);
	put_le32(h + 16, (uint32_t)crc32(0, h, g->header_size < SECTOR ? g->header_size : SECTOR));
}

/* A fresh disk with a GPT that holds partition 1, sectors 2048-4095. */
static void
gpt_one_partition(struct gpt *g)
{
	disk_init(DISK_SECTORS);
	gpt_default(g);
	gpt_add(g, 0, 2048, 4095);
	gpt_write(g);
}

Test(aoe_part, gpt_entries_numbered_by_index)
{
	struct aoe_part_scan s;
	struct gpt g;

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_add(&g, 0, 2048, 4095);
	gpt_add(&g, 1, 4096, 8191);
	gpt_add(&g, 4, 8192, g.last_usable);
	gpt_write(&g);
	expect_accepted(&s, 3);
	cr_expect_eq(s.table.scheme, AOE_PART_SCHEME_GPT);
	expect_part(&s, 0, 1, 2048, 2048);
	expect_part(&s, 1, 2, 4096, 4096);
	expect_part(&s, 2, 5, 8192, g.last_usable - 8192 + 1);
}

Test(aoe_part, gpt_hybrid_mbr_uses_the_gpt)
{
	struct aoe_part_scan s;
	struct gpt g;

	gpt_one_partition(&g);
	mbr_entry(0, 1, 0x80, 0x0c, 2048, 2048); /* the same partition, for an old loader */
	expect_accepted(&s, 1);
	cr_expect_eq(s.table.scheme, AOE_PART_SCHEME_GPT);
	expect_part(&s, 0, 1, 2048, 2048);
}

Test(aoe_part, gpt_other_sizes_and_chunked_array)
{
	struct aoe_part_scan s;
	struct gpt g;

	/* 256-byte entries, 200 of them: 100 sectors, read in several requests; the last entry
	 * ends mid-sector. */
	disk_init(DISK_SECTORS);
	gpt_default(&g);
	g.entry_size = 256;
	g.nb_entries = 201;
	g.first_usable = 2 + 101;
	gpt_add(&g, 15, 4096, 8191);
	gpt_write(&g);
	expect_accepted(&s, 1);
	expect_part(&s, 0, 16, 4096, 4096);
	cr_expect_gt(disk.reads, 4, "the array must be read in requests of at most %d sectors",
		     AOE_PART_READ_MAX);

	/* No entries at all, and an array after the usable sectors. */
	disk_init(DISK_SECTORS);
	gpt_default(&g);
	g.nb_entries = 0;
	gpt_write(&g);
	expect_accepted(&s, 0);

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	g.first_usable = 2;
	g.last_usable = disk.sectors - 40;
	g.array_lba = disk.sectors - 33;
	gpt_add(&g, 0, 2, 100);
	gpt_write(&g);
	expect_accepted(&s, 1);
	expect_part(&s, 0, 1, 2, 99);
}

Test(aoe_part, gpt_crc_refusals)
{
	struct aoe_part_scan s;
	struct gpt g;

	gpt_one_partition(&g);
	sec(1)[40] ^= 1; /* first usable LBA, after the CRC was computed */
	expect_refused(&s, -EBADMSG, "GPT header CRC32");

	gpt_one_partition(&g);
	sec(2)[100] ^= 0x80; /* the entry's name */
	expect_refused(&s, -EBADMSG, "GPT entry array CRC32");

	/* A damaged array is reported as damaged, not as whatever its entries now say. */
	gpt_one_partition(&g);
	sec(2)[40] = 0; /* last LBA before the first */
	expect_refused(&s, -EBADMSG, "GPT entry array CRC32");

	/* The CRC covers header_size bytes, not the sector. */
	gpt_one_partition(&g);
	sec(1)[200] = 0xff;
	expect_accepted(&s, 1);
}

/* One field of the GPT header set to a value it must not have, and what the refusal says. */
struct gpt_edit {
	size_t off, size; /* of the field in struct gpt */
	uint64_t value;
	const char *reason;
};

#define GPT_EDIT(field, v, why)                                                                    \
	{                                                                                          \
		offsetof(struct gpt, field), sizeof(((struct gpt *)0)->field), v, why              \
	}

static const struct gpt_edit gpt_edits[] = {
	GPT_EDIT(header_size, 91, "header size 91"),
	GPT_EDIT(header_size, 513, "header size 513"),
	GPT_EDIT(my_lba, 2, "lies at sector 2"),
	GPT_EDIT(last_usable, DISK_SECTORS, "GPT usable sectors"),
	GPT_EDIT(first_usable, DISK_SECTORS - 33, "GPT usable sectors"), /* after the last */
	GPT_EDIT(first_usable, 1, "GPT usable sectors"),		 /* on the header */
	GPT_EDIT(entry_size, 100, "entry size 100"),
	GPT_EDIT(entry_size, 1024, "entry size 1024"),
	GPT_EDIT(nb_entries, UINT32_MAX, "larger than"), /* no 32-bit product overflow */
	GPT_EDIT(array_lba, 1, "entry array"),		 /* on the header */
	GPT_EDIT(array_lba, 40, "entry array"),		 /* inside the usable sectors */
};

Test(aoe_part, gpt_header_refusals)
{
	struct aoe_part_scan s;
	struct gpt g;
	unsigned int i;

	for (i = 0; i < sizeof(gpt_edits) / sizeof(gpt_edits[0]); i++) {
		const struct gpt_edit *e = &gpt_edits[i];
		uint32_t v32 = (uint32_t)e->value;

		disk_init(DISK_SECTORS);
		gpt_default(&g);
		memcpy((uint8_t *)&g + e->off,
		       e->size == sizeof(v32) ? (void *)&v32 : (void *)&e->value, e->size);
		gpt_write(&g);
		expect_refused(&s, -EINVAL, e->reason);
	}

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_write(&g);
	memcpy(sec(1), "EFI PARX", 8);
	expect_refused(&s, -EINVAL, "no GPT header");

	/* An entry array after the usable sectors whose 32 sectors end past the disk. */
	disk_init(DISK_SECTORS);
	gpt_default(&g);
	g.first_usable = 2;
	g.last_usable = disk.sectors - 40;
	g.array_lba = disk.sectors - 31;
	gpt_write(&g);
	expect_refused(&s, -EINVAL, "entry array");
}

Test(aoe_part, gpt_entry_refusals)
{
	struct aoe_part_scan s;
	struct gpt g;

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_add(&g, 0, 2048, g.last_usable + 1);
	gpt_write(&g);
	expect_refused(&s, -EINVAL, "outside the usable sectors");

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_add(&g, 0, 2048, disk.sectors + 100);
	gpt_write(&g);
	expect_refused(&s, -EINVAL, "outside the usable sectors");

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_add(&g, 0, 20, 100); /* starts on the entry array */
	gpt_write(&g);
	expect_refused(&s, -EINVAL, "outside the usable sectors");

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_add(&g, 2, 4096, 4095);
	gpt_write(&g);
	expect_refused(&s, -EINVAL, "before it starts");

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_add(&g, 0, 2048, 4095);
	gpt_add(&g, 1, 4095, 8191);
	gpt_write(&g);
	expect_refused(&s, -EINVAL, "partition 2 (sectors 4095-8191) overlaps partition 1");

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_add(&g, 0, 2048, 4095);
	gpt_add(&g, 16, 4096, 8191); /* would be partition 17 */
	gpt_write(&g);
	expect_refused(&s, -E2BIG, "GPT entry 17");

	/* Sixteen in use is the most, and allowed. */
	disk_init(DISK_SECTORS);
	gpt_default(&g);
	for (unsigned int i = 0; i < 16; i++)
		gpt_add(&g, i, 2048 + i * 1024, 2048 + i * 1024 + 1023);
	gpt_write(&g);
	expect_accepted(&s, 16);
	expect_part(&s, 15, 16, 2048 + 15 * 1024, 1024);
}

Test(aoe_part, protective_mbr_refusals)
{
	struct aoe_part_scan s;
	struct gpt g;

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_write(&g);
	mbr_entry(0, 0, 0, 0xee, 2, DISK_SECTORS - 2);
	expect_refused(&s, -EINVAL, "protective MBR");

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_write(&g);
	mbr_entry(0, 0, 0, 0xee, 1, 0);
	expect_refused(&s, -EINVAL, "protective MBR");

	disk_init(DISK_SECTORS);
	gpt_default(&g);
	gpt_write(&g);
	mbr_entry(0, 0, 0, 0xee, 1, DISK_SECTORS);
	expect_refused(&s, -EINVAL, "ends past the end of the disk");

	disk_init(1);
	mbr_entry(0, 0, 0, 0xee, 1, UINT32_MAX);
	expect_refused(&s, -EINVAL, "one sector");

	/* A disk larger than 2 TiB: the 0xEE entry says 0xFFFFFFFF sectors. */
	disk_init((uint64_t)1 << 40);
	gpt_default(&g);
	gpt_add(&g, 0, (uint64_t)1 << 39, ((uint64_t)1 << 39) + 99);
	gpt_write(&g);
	expect_accepted(&s, 1);
	expect_part(&s, 0, 1, (uint64_t)1 << 39, 100);
}

/* ---- the step API itself --------------------------------------------------------------- */

Test(aoe_part, step_api_and_read_errors)
{
	uint8_t buf[2 * SECTOR] = {0};
	struct aoe_part_scan s;
	struct aoe_part_req req;

	disk_init(DISK_SECTORS);
	cr_assert_eq(aoe_part_scan_start(&s, DISK_SECTORS, &req), AOE_PART_SCAN_READ);
	cr_expect_eq(req.lba, 0);
	cr_expect_eq(req.count, 1);
	cr_expect_eq(aoe_part_scan_feed(&s, buf, 2 * SECTOR, &req), -EINVAL, "wrong length");
	cr_expect_eq(s.table.nb_parts, 0);
	cr_expect_eq(aoe_part_scan_feed(&s, buf, SECTOR, &req), -EINVAL, "the scan has ended");

	cr_assert_eq(aoe_part_scan_start(&s, DISK_SECTORS, &req), AOE_PART_SCAN_READ);
	cr_expect_eq(aoe_part_scan_feed(&s, NULL, SECTOR, &req), -EINVAL);

	/* A read that fails ends the scan with nothing. */
	disk_init(DISK_SECTORS);
	chain(3, 3 * 2048);
	disk.fail_lba = 8192 + 2048;
	expect_refused(&s, -EIO, "failed");
}

/* ---- tables written by sfdisk and sgdisk ----------------------------------------------- */

static char img[64];
static int img_fd = -1;

static void
img_setup(void)
{
	/* Not ending in a digit: sfdisk would name partition 5 of "...a1" "...a1p5". */
	strcpy(img, "/tmp/test_aoe_part.XXXXXX.img");
	img_fd = mkstemps(img, 4);
	cr_assert_geq(img_fd, 0);
	cr_assert_eq(ftruncate(img_fd, (off_t)DISK_SECTORS * SECTOR), 0);
}

static void
img_teardown(void)
{
	if (img_fd >= 0) {
		close(img_fd);
		unlink(img);
	}
}

static int
img_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	size_t len = (size_t)count * SECTOR;

	(void)ctx;
	cr_assert(lba < DISK_SECTORS && count <= DISK_SECTORS - lba);
	return pread(img_fd, buf, len, (off_t)(lba * SECTOR)) == (ssize_t)len ? 0 : -EIO;
}

static void
img_patch(uint64_t lba, unsigned int off, const void *bytes, size_t n)
{
	cr_assert_eq(pwrite(img_fd, bytes, n, (off_t)(lba * SECTOR + off)), (ssize_t)n);
}

/* Invert byte @p off of sector @p lba of the image. */
static void
flip_byte(uint64_t lba, unsigned int off)
{
	uint8_t b;

	cr_assert_eq(pread(img_fd, &b, 1, (off_t)(lba * SECTOR + off)), 1);
	b = (uint8_t)~b;
	img_patch(lba, off, &b, 1);
}

/* What sfdisk reads from the image: "IMG5 : start= 8192, size= 1024, type=83" lines. */
static void
expect_as_sfdisk_reads(const struct aoe_part_scan *s, unsigned int expect_nb)
{
	char cmd[256], line[512];
	unsigned int n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "sfdisk -d %s", img);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long start, size;
		unsigned int number;
		size_t l = strlen(img);

		if (strncmp(line, img, l) != 0 ||
		    sscanf(line + l, "%u : start= %llu, size= %llu", &number, &start, &size) != 3)
			continue;
		/* The extended partition holds the logical ones; it is no partition of its own. */
		if (strstr(line, "type=5\n") != NULL || strstr(line, "type=f\n") != NULL ||
		    strstr(line, "type=85\n") != NULL)
			continue;
		cr_assert_lt(n, s->table.nb_parts, "sfdisk sees more partitions: %s", line);
		expect_part(s, n, number, start, size);
		n++;
	}
	cr_assert_eq(pclose(f), 0);
	cr_expect_eq(n, s->table.nb_parts);
	cr_expect_eq(n, expect_nb);
}

/* sfdisk fills the four primary slots first; logical partitions are appended after. */
#define SFDISK "sfdisk -q --no-reread --no-tell-kernel"

Test(aoe_part_tools, sfdisk_mbr_with_logicals, .init = img_setup, .fini = img_teardown)
{
	struct aoe_part_scan s;

	test_run(
		"printf 'label: dos\\nstart=2048,size=4096,type=83\\nstart=6144,size=2048,type=7\\n"
		"start=10240,size=40960,type=5\\nstart=51200,size=4096\\n' | " SFDISK
		" %s >/dev/null",
		img);
	test_run("printf ',4096,83\\n,1024,82\\n,2048,83\\n' | " SFDISK " --append %s >/dev/null",
		 img);
	cr_assert_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), 0, "%s", s.table.reason);
	cr_expect_eq(s.table.scheme, AOE_PART_SCHEME_MBR);
	expect_as_sfdisk_reads(&s, 6);
	cr_expect_eq(s.table.parts[3].number, 5);
}

/* Three primaries and an extended partition with room for 13 logical ones. */
static void
sfdisk_logicals(unsigned int n)
{
	test_run("printf 'label: dos\\nstart=2048,size=60000,type=5\\nstart=63488,size=1024\\n"
		 "start=65536,size=1024\\nstart=67584,size=1024\\n' | " SFDISK " %s >/dev/null",
		 img);
	test_run("for i in $(seq %u); do echo ,1024; done | " SFDISK " --append %s >/dev/null", n,
		 img);
}

Test(aoe_part_tools, sfdisk_mbr_twelve_and_thirteen_logicals, .init = img_setup,
     .fini = img_teardown)
{
	struct aoe_part_scan s;

	sfdisk_logicals(12);
	cr_assert_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), 0, "%s", s.table.reason);
	expect_as_sfdisk_reads(&s, 15);
	sfdisk_logicals(13);
	cr_expect_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), -E2BIG, "%s",
		     s.table.reason);
	cr_expect_eq(s.table.nb_parts, 0);
}

/* The relative start of the link (entry 2) of the EBR at @p lba. */
static uint32_t
ebr_link(uint64_t lba)
{
	uint8_t e[16];

	cr_assert_eq(pread(img_fd, e, sizeof(e), (off_t)(lba * SECTOR + 446 + 16)), 16);
	cr_assert_eq(e[4], 0x05, "no link in the EBR at %" PRIu64, lba);
	return (uint32_t)e[8] | (uint32_t)e[9] << 8 | (uint32_t)e[10] << 16 | (uint32_t)e[11] << 24;
}

Test(aoe_part_tools, sfdisk_mbr_chain_made_to_loop, .init = img_setup, .fini = img_teardown)
{
	/* Entry 2 of the third EBR: type 5, relative start 0 (the first EBR), 2048 sectors. */
	static const uint8_t loop[16] = {0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0};
	struct aoe_part_scan s;
	uint64_t ext = 2048, third;

	sfdisk_logicals(3);
	cr_assert_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), 0, "%s", s.table.reason);
	expect_as_sfdisk_reads(&s, 6);
	third = ext + ebr_link(ext + ebr_link(ext));
	img_patch(third, 446 + 16, loop, sizeof(loop));
	cr_expect_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), -ELOOP, "%s",
		     s.table.reason);
	cr_expect_eq(s.table.nb_parts, 0);
}

Test(aoe_part_tools, sgdisk_gpt, .init = img_setup, .fini = img_teardown)
{
	struct aoe_part_scan s;

	test_run("sgdisk -o -n 1:2048:+1M -t 1:8300 -n 2:0:+2M -t 2:8200 -n 5:0:+4M -c 5:five %s "
		 ">/dev/null",
		 img);
	cr_assert_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), 0, "%s", s.table.reason);
	cr_expect_eq(s.table.scheme, AOE_PART_SCHEME_GPT);
	expect_as_sfdisk_reads(&s, 3);
	cr_expect_eq(s.table.parts[2].number, 5);

	/* One byte changed in the entry array (entry 5's name), then in the header (the last
	 * usable LBA): each alone is a CRC mismatch. */
	flip_byte(2, 5 * 128 - 1);
	cr_expect_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), -EBADMSG, "%s",
		     s.table.reason);
	cr_expect_eq(s.table.nb_parts, 0);
	flip_byte(2, 5 * 128 - 1);
	cr_assert_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), 0, "%s", s.table.reason);
	flip_byte(1, 48);
	cr_expect_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), -EBADMSG, "%s",
		     s.table.reason);
}

Test(aoe_part_tools, sgdisk_gpt_seventeen_partitions, .init = img_setup, .fini = img_teardown)
{
	struct aoe_part_scan s;

	test_run("sgdisk -o $(for i in $(seq 16); do printf -- '-n %%d:0:+64K ' $i; done) %s "
		 ">/dev/null",
		 img);
	cr_assert_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), 0, "%s", s.table.reason);
	expect_as_sfdisk_reads(&s, 16);
	test_run("sgdisk -n 17:0:+64K %s >/dev/null", img);
	cr_expect_eq(aoe_part_scan_sync(&s, DISK_SECTORS, img_read, NULL), -E2BIG, "%s",
		     s.table.reason);
	cr_expect_eq(s.table.nb_parts, 0);
}
