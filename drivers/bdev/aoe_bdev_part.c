/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partitions as bdevs: when a disk comes up (or is resized), its partition table is read on
 * the management lcore, through that lcore's session with the target, one request of the
 * scanner (aoe_part.h) at a time; when the scan ends, the disk's partition bdevs are made to
 * match the table. A refused table, or one that cannot be read, leaves the disk without
 * partitions and says why in the log.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "aoe_bdev_internal.h"

struct aoe_bdev_scan {
	struct aoe_io io; /* first: the engine completes this */
	struct aoe_bdev *disk;
	struct aoe_session *session;
	struct aoe_part_scan scan;
	struct aoe_part_req req;
	uint8_t buf[AOE_PART_READ_MAX * AOE_PART_SECTOR_SIZE];
};

static const char *const scheme_names[] = {
	[AOE_PART_SCHEME_NONE] = "no partition table",
	[AOE_PART_SCHEME_MBR] = "MBR",
	[AOE_PART_SCHEME_GPT] = "GPT",
};

static bool
removed(const struct aoe_bdev *b)
{
	return __atomic_load_n(&b->removed, __ATOMIC_ACQUIRE) != 0;
}

/* A registered partition that the new table no longer has as it was goes. */
static void
part_check(struct aoe_bdev *part, void *arg)
{
	const struct aoe_part_table *table = arg;
	unsigned int i;

	for (i = 0; i < table->nb_parts; i++) {
		const struct aoe_part *p = &table->parts[i];

		if (p->number == part->part && p->start == part->start &&
		    p->sectors == part->num_blocks)
			return;
	}
	aoe_bdev_remove(part, "its partition table entry changed");
}

/* Whether @disk has a registered partition numbered @number (kept by part_check()). */
struct part_seek {
	unsigned int number;
	bool found;
};

static void
part_seek(struct aoe_bdev *part, void *arg)
{
	struct part_seek *s = arg;

	if (part->part == s->number)
		s->found = true;
}

/* Make @disk's partition bdevs those of @table (empty: none). */
static void
parts_sync(struct aoe_bdev *disk, const struct aoe_part_table *table)
{
	unsigned int i, added = 0;

	aoe_bdev_parts_foreach(disk, part_check, (void *)(uintptr_t)table);
	for (i = 0; i < table->nb_parts; i++) {
		struct part_seek s = {.number = table->parts[i].number};

		aoe_bdev_parts_foreach(disk, part_seek, &s);
		if (s.found)
			continue;
		if (aoe_bdev_part_register(disk, &table->parts[i]) != NULL)
			added++;
	}
	if (added != 0)
		AOE_BDEV_LOG(INFO, "%s: %s, %u partition%s", disk->name,
			     scheme_names[table->scheme], table->nb_parts,
			     table->nb_parts == 1 ? "" : "s");
	else if (table->nb_parts == 0)
		AOE_BDEV_LOG(DEBUG, "%s: %s", disk->name, scheme_names[table->scheme]);
}

/* The scan is over: @rc is 0 (the table is read) or why there are no partitions. */
static void
scan_end(struct aoe_bdev_scan *sc, int rc, const char *why)
{
	struct aoe_bdev *disk = sc->disk;
	static const struct aoe_part_table none;

	if (!removed(disk)) {
		if (rc == 0) {
			parts_sync(disk, &sc->scan.table);
		} else {
			AOE_BDEV_LOG(WARNING, "%s: no partitions: %s: %s", disk->name, why,
				     sc->scan.table.reason[0] != '\0' ? sc->scan.table.reason
								      : strerror(-rc));
			parts_sync(disk, &none);
		}
	}
	disk->scan = NULL;
	free(sc);
	if (disk->rescan && !removed(disk)) {
		disk->rescan = false;
		aoe_bdev_part_scan(disk);
	}
	aoe_bdev_unref(disk);
}

static void scan_read_done(struct aoe_io *io);

/* Read what the scanner asked for, or end the scan with what it said. */
static void
scan_step(struct aoe_bdev_scan *sc, int rc)
{
	if (rc != AOE_PART_SCAN_READ) {
		scan_end(sc, rc, "partition table refused");
		return;
	}
	memset(&sc->io, 0, sizeof(sc->io));
	sc->io.op = AOE_IO_READ;
	sc->io.lba = sc->req.lba;
	sc->io.nsect = sc->req.count;
	sc->io.buf = sc->buf;
	sc->io.done = scan_read_done;
	sc->io.arg = sc;
	rc = aoe_io_submit(sc->session, &sc->io);
	if (rc != 0)
		scan_end(sc, rc, "the table could not be read");
}

/* On the management lcore (or aoe_fini()'s thread, cancelled). */
static void
scan_read_done(struct aoe_io *io)
{
	struct aoe_bdev_scan *sc = io->arg;

	rte_spinlock_recursive_lock(&aoe_bdev_lock);
	if (io->status != 0)
		scan_end(sc, io->status, "the table could not be read");
	else
		scan_step(sc, aoe_part_scan_feed(&sc->scan, sc->buf,
						 (size_t)sc->req.count * AOE_PART_SECTOR_SIZE,
						 &sc->req));
	rte_spinlock_recursive_unlock(&aoe_bdev_lock);
}

void
aoe_bdev_part_scan(struct aoe_bdev *disk)
{
	struct aoe_bdev_scan *sc;

	if (disk->scan != NULL) {
		/* Resized while its table was read: read it again once that ends. */
		disk->rescan = true;
		return;
	}
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL) {
		AOE_BDEV_LOG(ERR, "%s: no partitions: no memory to read the table", disk->name);
		return;
	}
	sc->session = aoe_io_session(disk->target);
	if (sc->session == NULL) {
		AOE_BDEV_LOG(ERR, "%s: no partitions: no session to read the table: %s", disk->name,
			     strerror(rte_errno));
		free(sc);
		return;
	}
	sc->disk = disk;
	disk->scan = sc;
	aoe_bdev_ref(disk);
	scan_step(sc, aoe_part_scan_start(&sc->scan, aoe_bdev_get_num_blocks(disk), &sc->req));
}
