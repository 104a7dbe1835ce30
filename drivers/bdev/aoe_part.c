/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partition table scanning (aoe_part.h): an MBR and its chain of extended boot records, or a
 * GPT behind a protective MBR. Every field read from the disk is checked before it is used, a
 * sum of two of them is only formed once both are known to lie inside the disk, and the scan
 * state is a handful of integers: a hostile table can end the scan, never steer it outside the
 * buffers it is handed or the disk it was given.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aoe_part.h"

enum scan_state {
	ST_MBR,
	ST_EBR,
	ST_GPT_HEADER,
	ST_GPT_ENTRIES,
	ST_DONE,
};

#define MBR_ENTRIES_OFF	  446
#define MBR_ENTRY_LEN	  16
#define MBR_SIGNATURE_OFF 510
#define MBR_TYPE_GPT	  0xee
#define MBR_FIRST_LOGICAL 5

#define GPT_HEADER_LBA	   1
#define GPT_HEADER_MIN	   92
#define GPT_HEADER_CRC_OFF 16
#define GPT_ENTRY_MIN	   128

struct mbr_entry {
	uint8_t boot;
	uint8_t type;
	uint64_t start; /* 32-bit on disk: sums of two never overflow */
	uint64_t sectors;
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* CRC-32 as GPT (and zlib) computes it: reflected 0x04C11DB7, a nibble at a time. */
static uint32_t
crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	static const uint32_t nibble[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
		0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};

	while (n-- > 0) {
		crc ^= *p++;
		crc = (crc >> 4) ^ nibble[crc & 15];
		crc = (crc >> 4) ^ nibble[crc & 15];
	}
	return crc;
}

static bool
is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static bool
has_signature(const uint8_t *sector)
{
	return sector[MBR_SIGNATURE_OFF] == 0x55 && sector[MBR_SIGNATURE_OFF + 1] == 0xaa;
}

static void
mbr_entry_get(const uint8_t *sector, unsigned int i, struct mbr_entry *e)
{
	const uint8_t *p = sector + MBR_ENTRIES_OFF + i * MBR_ENTRY_LEN;

	e->boot = p[0];
	e->type = p[4];
	e->start = le32(p + 8);
	e->sectors = le32(p + 12);
}

/* Whether [start, start + sectors) fits in [0, limit): the sum is never formed. */
static bool
fits(uint64_t start, uint64_t sectors, uint64_t limit)
{
	return start <= limit && sectors <= limit - start;
}

/* For two ranges known to fit the disk. */
static bool
overlaps(uint64_t a, uint64_t a_sectors, uint64_t b, uint64_t b_sectors)
{
	return a < b + b_sectors && b < a + a_sectors;
}

static void __attribute__((format(printf, 2, 3)))
set_reason(struct aoe_part_scan *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->table.reason, sizeof(s->table.reason), fmt, ap);
	va_end(ap);
}

/* End the scan: with rc < 0, no partitions at all. */
static int
end(struct aoe_part_scan *s, int rc)
{
	s->state = ST_DONE;
	if (rc < 0)
		s->table.nb_parts = 0;
	return rc;
}

#define REFUSE(s, rc, ...) (set_reason((s), __VA_ARGS__), end((s), (rc)))

static int
request(struct aoe_part_scan *s, enum scan_state next, uint64_t lba, uint64_t count,
	struct aoe_part_req *req)
{
	s->state = next;
	s->req.lba = lba;
	s->req.count = (uint32_t)(count < AOE_PART_READ_MAX ? count : AOE_PART_READ_MAX);
	*req = s->req;
	return AOE_PART_SCAN_READ;
}

/* Add partition @p number unless it overlaps one already found; the reason says why not. */
static int
add_part(struct aoe_part_scan *s, unsigned int number, uint64_t start, uint64_t sectors)
{
	struct aoe_part_table *t = &s->table;
	unsigned int i;

	if (number > AOE_PART_MAX || t->nb_parts == AOE_PART_MAX) {
		set_reason(s, "partition %u: more than %u partitions are not supported", number,
			   AOE_PART_MAX);
		return -E2BIG;
	}
	for (i = 0; i < t->nb_parts; i++) {
		const struct aoe_part *o = &t->parts[i];

		if (overlaps(start, sectors, o->start, o->sectors)) {
			set_reason(s,
				   "partition %u (sectors %" PRIu64 "-%" PRIu64
				   ") overlaps partition %u (sectors %" PRIu64 "-%" PRIu64 ")",
				   number, start, start + sectors - 1, o->number, o->start,
				   o->start + o->sectors - 1);
			return -EINVAL;
		}
	}
	t->parts[t->nb_parts++] = (struct aoe_part){
		.start = start,
		.sectors = sectors,
		.number = number,
	};
	return 0;
}

/* The number of the partition that covers @p lba, or 0. */
static unsigned int
part_at(const struct aoe_part_table *t, uint64_t lba)
{
	unsigned int i;

	for (i = 0; i < t->nb_parts; i++)
		if (lba >= t->parts[i].start && lba - t->parts[i].start < t->parts[i].sectors)
			return t->parts[i].number;
	return 0;
}

/* Follow the extended partition chain to the EBR at @p lba (inside the extended partition). */
static int
next_ebr(struct aoe_part_scan *s, uint64_t lba, struct aoe_part_req *req)
{
	unsigned int i, covering;

	for (i = 0; i < s->nb_ebrs; i++)
		if (s->ebrs[i] == lba)
			return REFUSE(
				s, -ELOOP,
				"the extended partition chain loops back to the EBR at sector "
				"%" PRIu64,
				lba);
	if (s->nb_ebrs == AOE_PART_EBR_MAX)
		return REFUSE(s, -ELOOP, "the extended partition chain is longer than %u EBRs",
			      AOE_PART_EBR_MAX);
	covering = part_at(&s->table, lba);
	if (covering != 0)
		return REFUSE(s, -EINVAL, "the EBR at sector %" PRIu64 " lies inside partition %u",
			      lba, covering);
	s->ebrs[s->nb_ebrs++] = lba;
	return request(s, ST_EBR, lba, 1, req);
}

static int
feed_mbr(struct aoe_part_scan *s, const uint8_t *sector, struct aoe_part_req *req)
{
	struct mbr_entry e[4];
	unsigned int i, ext = 0, gpt = 0;
	int rc;

	if (!has_signature(sector)) {
		set_reason(s, "no partition table: sector 0 has no 0x55AA signature");
		return end(s, 0);
	}
	for (i = 0; i < 4; i++) {
		mbr_entry_get(sector, i, &e[i]);
		/* As the kernel: a FAT boot sector also ends in 0x55AA, but not in these bytes. */
		if (e[i].boot != 0 && e[i].boot != 0x80) {
			set_reason(
				s,
				"no partition table: sector 0 has boot indicator 0x%02x in entry "
				"%u",
				e[i].boot, i + 1);
			return end(s, 0);
		}
		if (e[i].type == MBR_TYPE_GPT && gpt == 0)
			gpt = i + 1;
	}

	if (gpt != 0) {
		/* A protective (or hybrid) MBR: the GPT behind it is the table. */
		const struct mbr_entry *p = &e[gpt - 1];

		s->table.scheme = AOE_PART_SCHEME_GPT;
		if (p->start != GPT_HEADER_LBA || p->sectors == 0)
			return REFUSE(s, -EINVAL,
				      "protective MBR: its 0xEE entry covers %" PRIu64
				      " sectors from sector %" PRIu64
				      ", not the disk from sector 1",
				      p->sectors, p->start);
		if (p->sectors != UINT32_MAX && !fits(p->start, p->sectors, s->disk_sectors))
			return REFUSE(
				s, -EINVAL,
				"protective MBR: its 0xEE entry ends past the end of the disk "
				"(%" PRIu64 " sectors)",
				s->disk_sectors);
		if (s->disk_sectors <= GPT_HEADER_LBA)
			return REFUSE(s, -EINVAL, "protective MBR on a disk of one sector");
		return request(s, ST_GPT_HEADER, GPT_HEADER_LBA, 1, req);
	}

	s->table.scheme = AOE_PART_SCHEME_MBR;
	for (i = 0; i < 4; i++) {
		if (e[i].type == 0)
			continue;
		if (e[i].sectors == 0)
			return REFUSE(s, -EINVAL, "MBR entry %u (type 0x%02x) has zero length",
				      i + 1, e[i].type);
		if (e[i].start == 0)
			return REFUSE(s, -EINVAL, "MBR entry %u starts at sector 0, on the MBR",
				      i + 1);
		if (!fits(e[i].start, e[i].sectors, s->disk_sectors))
			return REFUSE(s, -EINVAL,
				      "MBR entry %u (sectors %" PRIu64 "-%" PRIu64
				      ") ends past the end of the disk (%" PRIu64 " sectors)",
				      i + 1, e[i].start, e[i].start + e[i].sectors - 1,
				      s->disk_sectors);
		if (is_extended(e[i].type)) {
			if (ext != 0)
				return REFUSE(s, -EINVAL, "MBR entries %u and %u are both extended",
					      ext, i + 1);
			ext = i + 1;
			continue;
		}
		rc = add_part(s, i + 1, e[i].start, e[i].sectors);
		if (rc != 0)
			return end(s, rc);
	}
	if (ext == 0)
		return end(s, 0);

	s->ext_start = e[ext - 1].start;
	s->ext_sectors = e[ext - 1].sectors;
	for (i = 0; i < s->table.nb_parts; i++) {
		const struct aoe_part *o = &s->table.parts[i];

		if (overlaps(s->ext_start, s->ext_sectors, o->start, o->sectors))
			return REFUSE(s, -EINVAL,
				      "the extended partition (MBR entry %u) overlaps partition %u",
				      ext, o->number);
	}
	s->next_logical = MBR_FIRST_LOGICAL;
	return next_ebr(s, s->ext_start, req);
}

/* One EBR: entry 1 a logical partition (relative to this EBR) or empty, entry 2 the link to the
 * next EBR (relative to the extended partition) or empty, entries 3 and 4 empty. */
static int
feed_ebr(struct aoe_part_scan *s, const uint8_t *sector, struct aoe_part_req *req)
{
	uint64_t ebr = s->req.lba, ext_end = s->ext_start + s->ext_sectors;
	struct mbr_entry data, link, e;
	unsigned int i, number;
	int rc;

	if (!has_signature(sector))
		return REFUSE(s, -EINVAL, "the EBR at sector %" PRIu64 " has no 0x55AA signature",
			      ebr);
	for (i = 2; i < 4; i++) {
		mbr_entry_get(sector, i, &e);
		if (e.type != 0)
			return REFUSE(s, -EINVAL, "the EBR at sector %" PRIu64 " uses entry %u",
				      ebr, i + 1);
	}
	mbr_entry_get(sector, 0, &data);
	mbr_entry_get(sector, 1, &link);

	if (data.type != 0) {
		uint64_t start = ebr + data.start; /* both below 2^33 */

		number = s->next_logical++;
		if (is_extended(data.type))
			return REFUSE(s, -EINVAL,
				      "the EBR at sector %" PRIu64
				      " has a link where its partition belongs",
				      ebr);
		if (data.sectors == 0)
			return REFUSE(s, -EINVAL, "partition %u has zero length", number);
		if (data.start == 0)
			return REFUSE(s, -EINVAL,
				      "partition %u starts on its own EBR (sector %" PRIu64 ")",
				      number, ebr);
		if (!fits(start, data.sectors, ext_end))
			return REFUSE(s, -EINVAL,
				      "partition %u (sectors %" PRIu64 "-%" PRIu64
				      ") ends outside its extended partition (sectors %" PRIu64
				      "-%" PRIu64 ")",
				      number, start, start + data.sectors - 1, s->ext_start,
				      ext_end - 1);
		for (i = 0; i < s->nb_ebrs; i++)
			if (s->ebrs[i] >= start && s->ebrs[i] - start < data.sectors)
				return REFUSE(s, -EINVAL,
					      "partition %u covers the EBR at sector %" PRIu64,
					      number, s->ebrs[i]);
		rc = add_part(s, number, start, data.sectors);
		if (rc != 0)
			return end(s, rc);
	}

	if (link.type == 0)
		return end(s, 0);
	if (!is_extended(link.type))
		return REFUSE(s, -EINVAL,
			      "the EBR at sector %" PRIu64 " links to a partition of type 0x%02x",
			      ebr, link.type);
	if (link.sectors == 0 || !fits(link.start, link.sectors, s->ext_sectors))
		return REFUSE(s, -EINVAL,
			      "the EBR at sector %" PRIu64 " links to %" PRIu64
			      " sectors at offset %" PRIu64
			      ", outside the extended partition (%" PRIu64 " sectors)",
			      ebr, link.sectors, link.start, s->ext_sectors);
	return next_ebr(s, s->ext_start + link.start, req);
}

static int
feed_gpt_header(struct aoe_part_scan *s, const uint8_t *h, struct aoe_part_req *req)
{
	static const uint8_t zero_crc[4];
	uint32_t header_size, stored, crc;
	uint64_t array_bytes;

	if (memcmp(h, "EFI PART", 8) != 0)
		return REFUSE(s, -EINVAL, "protective MBR, but no GPT header at sector 1");
	header_size = le32(h + 12);
	if (header_size < GPT_HEADER_MIN || header_size > AOE_PART_SECTOR_SIZE)
		return REFUSE(s, -EINVAL, "GPT header size %" PRIu32 " is outside %u-%u",
			      header_size, GPT_HEADER_MIN, AOE_PART_SECTOR_SIZE);
	/* The CRC covers the header with its own CRC field read as zero. */
	stored = le32(h + GPT_HEADER_CRC_OFF);
	crc = crc32_update(UINT32_MAX, h, GPT_HEADER_CRC_OFF);
	crc = crc32_update(crc, zero_crc, sizeof(zero_crc));
	crc = ~crc32_update(crc, h + GPT_HEADER_CRC_OFF + 4, header_size - GPT_HEADER_CRC_OFF - 4);
	if (crc != stored)
		return REFUSE(s, -EBADMSG,
			      "GPT header CRC32 is 0x%08" PRIx32 ", its contents give 0x%08" PRIx32,
			      stored, crc);
	if (le64(h + 24) != GPT_HEADER_LBA)
		return REFUSE(s, -EINVAL,
			      "the GPT header says it lies at sector %" PRIu64 ", not 1",
			      le64(h + 24));

	s->first_usable = le64(h + 40);
	s->last_usable = le64(h + 48);
	s->array_lba = le64(h + 72);
	s->nb_entries = le32(h + 80);
	s->entry_size = le32(h + 84);
	s->array_crc = le32(h + 88);
	if (s->first_usable <= GPT_HEADER_LBA || s->first_usable > s->last_usable ||
	    s->last_usable >= s->disk_sectors)
		return REFUSE(s, -EINVAL,
			      "GPT usable sectors %" PRIu64 "-%" PRIu64
			      " do not fit a disk of %" PRIu64 " sectors after its header",
			      s->first_usable, s->last_usable, s->disk_sectors);
	if (s->entry_size != GPT_ENTRY_MIN && s->entry_size != 2 * GPT_ENTRY_MIN &&
	    s->entry_size != 4 * GPT_ENTRY_MIN)
		return REFUSE(s, -EINVAL, "GPT entry size %" PRIu32 " is not 128, 256 or 512",
			      s->entry_size);
	array_bytes = (uint64_t)s->nb_entries * s->entry_size;
	if (array_bytes > AOE_PART_GPT_ARRAY_MAX)
		return REFUSE(s, -EINVAL,
			      "GPT entry array of %" PRIu32 " entries of %" PRIu32
			      " bytes is larger than %u bytes",
			      s->nb_entries, s->entry_size, AOE_PART_GPT_ARRAY_MAX);
	s->array_sectors = (array_bytes + AOE_PART_SECTOR_SIZE - 1) / AOE_PART_SECTOR_SIZE;
	if (s->array_lba <= GPT_HEADER_LBA ||
	    !fits(s->array_lba, s->array_sectors, s->disk_sectors) ||
	    overlaps(s->array_lba, s->array_sectors, s->first_usable,
		     s->last_usable - s->first_usable + 1))
		return REFUSE(s, -EINVAL,
			      "GPT entry array (%" PRIu64 " sectors from sector %" PRIu64
			      ") is not between the header and the usable sectors or after them",
			      s->array_sectors, s->array_lba);

	s->crc = UINT32_MAX;
	s->next_entry = 0;
	s->array_done = 0;
	s->deferred_rc = 0;
	if (s->array_sectors == 0) {
		if (s->array_crc != ~s->crc)
			return REFUSE(s, -EBADMSG,
				      "GPT entry array CRC32 of an empty array is wrong");
		return end(s, 0);
	}
	return request(s, ST_GPT_ENTRIES, s->array_lba, s->array_sectors, req);
}

/* One GPT entry. A problem is remembered, not reported, until the array's CRC is known good:
 * a corrupted array says so, rather than whatever its first damaged entry looks like. */
static void
gpt_entry(struct aoe_part_scan *s, uint32_t index, const uint8_t *e)
{
	static const uint8_t unused[16];
	uint64_t first = le64(e + 32), last = le64(e + 40);
	unsigned int number;

	if (memcmp(e, unused, sizeof(unused)) == 0 || s->deferred_rc != 0)
		return;
	if (index >= AOE_PART_MAX) {
		set_reason(s, "GPT entry %" PRIu32 " is in use: more than %u partitions", index + 1,
			   AOE_PART_MAX);
		s->deferred_rc = -E2BIG;
		return;
	}
	number = index + 1;
	if (last < first) {
		set_reason(s,
			   "GPT entry %u ends (sector %" PRIu64
			   ") before it starts (sector %" PRIu64 ")",
			   number, last, first);
		s->deferred_rc = -EINVAL;
		return;
	}
	if (first < s->first_usable || last > s->last_usable) {
		set_reason(s,
			   "GPT entry %u (sectors %" PRIu64 "-%" PRIu64
			   ") is outside the usable sectors %" PRIu64 "-%" PRIu64
			   " of a disk of %" PRIu64 " sectors",
			   number, first, last, s->first_usable, s->last_usable, s->disk_sectors);
		s->deferred_rc = -EINVAL;
		return;
	}
	s->deferred_rc = add_part(s, number, first, last - first + 1);
}

static int
feed_gpt_entries(struct aoe_part_scan *s, const uint8_t *buf, struct aoe_part_req *req)
{
	uint64_t array_bytes = (uint64_t)s->nb_entries * s->entry_size;
	uint64_t done_bytes = s->array_done * AOE_PART_SECTOR_SIZE;
	uint64_t len = (uint64_t)s->req.count * AOE_PART_SECTOR_SIZE;
	uint64_t off;

	/* The last sector may hold bytes past the array: they are not in the CRC. */
	if (len > array_bytes - done_bytes)
		len = array_bytes - done_bytes;
	s->crc = crc32_update(s->crc, buf, (size_t)len);
	/* Entry sizes divide the sector size: no entry straddles two requests. */
	for (off = 0; off + s->entry_size <= len; off += s->entry_size)
		gpt_entry(s, s->next_entry++, buf + off);

	s->array_done += s->req.count;
	if (s->array_done < s->array_sectors)
		return request(s, ST_GPT_ENTRIES, s->array_lba + s->array_done,
			       s->array_sectors - s->array_done, req);
	if (~s->crc != s->array_crc)
		return REFUSE(s, -EBADMSG,
			      "GPT entry array CRC32 is 0x%08" PRIx32
			      ", its contents give 0x%08" PRIx32,
			      s->array_crc, ~s->crc);
	if (s->deferred_rc != 0)
		return end(s, s->deferred_rc);
	return end(s, 0);
}

int
aoe_part_scan_start(struct aoe_part_scan *s, uint64_t disk_sectors, struct aoe_part_req *req)
{
	memset(s, 0, sizeof(*s));
	s->disk_sectors = disk_sectors;
	if (disk_sectors == 0) {
		set_reason(s, "no partition table: the disk is empty");
		return end(s, 0);
	}
	return request(s, ST_MBR, 0, 1, req);
}

int
aoe_part_scan_feed(struct aoe_part_scan *s, const void *buf, size_t len, struct aoe_part_req *req)
{
	if (s->state == ST_DONE)
		return -EINVAL;
	if (buf == NULL || len != (size_t)s->req.count * AOE_PART_SECTOR_SIZE)
		return REFUSE(s, -EINVAL, "handed %zu bytes for a request of %" PRIu32 " sectors",
			      buf == NULL ? 0 : len, s->req.count);
	switch (s->state) {
	case ST_MBR:
		return feed_mbr(s, buf, req);
	case ST_EBR:
		return feed_ebr(s, buf, req);
	case ST_GPT_HEADER:
		return feed_gpt_header(s, buf, req);
	case ST_GPT_ENTRIES:
		return feed_gpt_entries(s, buf, req);
	default:
		return end(s, -EINVAL);
	}
}

int
aoe_part_scan_sync(struct aoe_part_scan *s, uint64_t disk_sectors, aoe_part_read_fn read, void *ctx)
{
	uint8_t buf[AOE_PART_READ_MAX * AOE_PART_SECTOR_SIZE];
	struct aoe_part_req req;
	int rc;

	rc = aoe_part_scan_start(s, disk_sectors, &req);
	while (rc == AOE_PART_SCAN_READ) {
		rc = read(ctx, req.lba, req.count, buf);
		if (rc != 0) {
			if (rc > 0)
				rc = -EIO;
			return REFUSE(s, rc,
				      "reading %" PRIu32 " sectors at sector %" PRIu64
				      " failed: %s",
				      req.count, req.lba, strerror(-rc));
		}
		rc = aoe_part_scan_feed(s, buf, (size_t)req.count * AOE_PART_SECTOR_SIZE, &req);
	}
	return rc;
}
