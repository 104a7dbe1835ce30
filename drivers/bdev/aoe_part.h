/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partition tables: an MBR (primary entries and the chain of extended boot records) or a GPT,
 * read into at most AOE_PART_MAX partitions numbered as the kernel numbers them (MBR primaries
 * 1-4 by slot, logical partitions 5, 6, ... in chain order, GPT entries by index + 1). Private
 * to the bdev layer; never installed.
 *
 * The scan does no I/O and needs no DPDK: it asks for sectors (struct aoe_part_req) and is
 * handed them, one request at a time, so the bdev layer can read them asynchronously on an
 * lcore while unit tests and the fuzzer hand them over from memory (aoe_part_scan_sync()).
 *
 * A table that is malformed or hostile gives no partitions at all, an errno and a sentence in
 * table.reason for the log, never a partial table:
 *   -EINVAL   an entry past the end of the disk (or outside the GPT's usable range, or outside
 *             its extended partition), zero-length, overlapping another entry or a table
 *             sector; a protective MBR whose 0xEE entry does not start at sector 1 or has no GPT
 *             header behind it; a GPT header field out of range (header size, entry size,
 *             entry count, the LBAs); an EBR without its signature or with entries 3-4 in use;
 *             two extended partitions
 *   -EBADMSG  the GPT header's or the entry array's CRC32 does not match
 *   -ELOOP    the extended partition chain loops, or is longer than AOE_PART_EBR_MAX
 *   -E2BIG    a partition would be numbered above AOE_PART_MAX
 * A disk without a table (no 0x55AA signature, or a boot indicator other than 0x00 / 0x80: a
 * filesystem's boot sector) is not an error: the scan ends with scheme NONE and no partitions.
 * An MBR with a 0xEE entry is a protective (or hybrid) one: its GPT is the table and its other
 * entries are ignored, as the kernel does. The extended partition itself is not a partition.
 * The backup GPT at the end of the disk is not read: a bad primary GPT is refused, as the
 * kernel does unless told gpt on its command line.
 *
 * Hook-up in the bdev layer (the next phase): when a target comes up or is resized, the
 * management lcore opens it, takes a channel and runs
 *
 *	rc = aoe_part_scan_start(&scan, aoe_bdev_get_num_blocks(bdev), &req);
 *	while (rc == AOE_PART_SCAN_READ)   (asynchronously: the read's callback does the feed)
 *		read req.count blocks at req.lba into buf with aoe_bdev_read_blocks(), then
 *		rc = aoe_part_scan_feed(&scan, buf, req.count * AOE_PART_SECTOR_SIZE, &req);
 *
 * and with rc == 0 registers one bdev per scan.table.parts[i], named e{shelf}.{slot}p{number},
 * whose I/O is checked against [0, sectors) and shifted by start before it goes to the disk's
 * session (so it can never leave the partition); with rc < 0 it logs scan.table.reason and
 * registers none. A read that fails ends the scan with no partitions too. buf holds
 * AOE_PART_READ_MAX sectors; no request reaches past the disk_sectors given at the start. An
 * open partition holds its disk open (closewait and flush see it); the disk's remove event
 * goes to the partitions' descriptors too. Writes through the disk do not rescan: like the
 * kernel, the table is read again only when asked (revalidate, resize).
 */
#ifndef AOE_PART_H
#define AOE_PART_H

#include <stddef.h>
#include <stdint.h>

#define AOE_PART_MAX	       16	     /**< partitions per disk: numbers 1-16 */
#define AOE_PART_SECTOR_SIZE   512	     /**< tables are read in 512-byte sectors */
#define AOE_PART_READ_MAX      32	     /**< sectors one request asks for, at most (16 KiB) */
#define AOE_PART_EBR_MAX       64	     /**< extended boot records followed, at most */
#define AOE_PART_GPT_ARRAY_MAX (1024 * 1024) /**< bytes of GPT entry array accepted, at most */
#define AOE_PART_REASON_MAX    160

enum aoe_part_scheme {
	AOE_PART_SCHEME_NONE, /**< no partition table */
	AOE_PART_SCHEME_MBR,
	AOE_PART_SCHEME_GPT,
};

/** One partition, in 512-byte sectors of its disk. */
struct aoe_part {
	uint64_t start;	     /**< first sector */
	uint64_t sectors;    /**< length, never 0 */
	unsigned int number; /**< N in e{shelf}.{slot}pN: 1 to AOE_PART_MAX */
};

/** The outcome of a scan. */
struct aoe_part_table {
	enum aoe_part_scheme scheme;	     /**< what sector 0 says the disk holds */
	unsigned int nb_parts;		     /**< 0 when refused */
	struct aoe_part parts[AOE_PART_MAX]; /**< by increasing number */
	char reason[AOE_PART_REASON_MAX];    /**< why refused, or why no table; "" otherwise */
};

/** Sectors the scan needs next: count (1 to AOE_PART_READ_MAX) from lba. */
struct aoe_part_req {
	uint64_t lba;
	uint32_t count;
};

/** A scan in progress; the caller's memory, opaque apart from table. */
struct aoe_part_scan {
	struct aoe_part_table table; /**< the result, once the scan has ended */
	/* The scan's own state. */
	int state;
	uint64_t disk_sectors;
	struct aoe_part_req req;
	/* MBR: the extended partition and the EBRs read so far. */
	uint64_t ext_start, ext_sectors;
	uint64_t ebrs[AOE_PART_EBR_MAX];
	unsigned int nb_ebrs;
	unsigned int next_logical; /* number of the next logical partition: 5, 6, ... */
	/* GPT: the header's fields and the entry array's progress. */
	uint64_t first_usable, last_usable, array_lba;
	uint32_t nb_entries, entry_size, array_crc, crc;
	uint32_t next_entry; /* index of the first entry of the next sector fed */
	uint64_t array_sectors, array_done;
	int deferred_rc; /* first entry problem, reported once the array's CRC is known good */
};

#define AOE_PART_SCAN_READ 1 /**< read scan->req's sectors and feed them */

/**
 * Start scanning a disk of @p disk_sectors sectors.
 * @return AOE_PART_SCAN_READ with @p req set, or 0 when there is nothing to read (empty disk).
 */
int aoe_part_scan_start(struct aoe_part_scan *scan, uint64_t disk_sectors,
			struct aoe_part_req *req);

/**
 * Hand over the sectors of the last request (@p len = req.count * AOE_PART_SECTOR_SIZE).
 * @return AOE_PART_SCAN_READ with @p req set (read those next), 0 (done: scan->table holds the
 *         partitions), or a negative errno from the file comment (no partitions, scan->table
 *         says why); -EINVAL also when @p buf or @p len is not what was asked for, or the scan
 *         has ended.
 */
int aoe_part_scan_feed(struct aoe_part_scan *scan, const void *buf, size_t len,
		       struct aoe_part_req *req);

/** Read @p count sectors from @p lba into @p buf: 0 or a negative errno. */
typedef int (*aoe_part_read_fn)(void *ctx, uint64_t lba, uint32_t count, void *buf);

/**
 * A whole scan with a synchronous reader (tests, fuzzing, tools; not for polling lcores: it
 * waits for each read and keeps a 16 KiB buffer on the stack).
 * @return 0 or a negative errno as aoe_part_scan_feed(), or the reader's error.
 */
int aoe_part_scan_sync(struct aoe_part_scan *scan, uint64_t disk_sectors, aoe_part_read_fn read,
		       void *ctx);

#endif /* AOE_PART_H */
