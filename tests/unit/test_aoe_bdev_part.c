/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Partitions as bdevs (drivers/bdev/aoe_bdev_part.c) over the fake engine, on disks whose
 * tables sfdisk and sgdisk wrote: MBR primary and logical partitions and GPT ones appear as
 * e1.1p{N} with their sizes, their I/O lands inside them and never leaves them (vectored too,
 * across frames), their events follow the disk's, a resize reads the table again, and broken
 * tables (overlapping entries, a bad CRC, a loop of EBRs, a table that cannot be read) give
 * no partitions and a log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_log.h>

#include "test_bdev_util.h"
#include "test_util.h"

#define SECTORS 32768 /* 16 MiB */

static uint8_t *image;
static char *log_buf;
static size_t log_len;
static FILE *log_f;

/* A 16 MiB image with the table @p tool writes from @p script, in memory. */
static void
image_make(const char *tool, const char *script)
{
	char path[] = "/tmp/test_aoe_bdev_part.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)SECTORS * 512), 0);
	close(fd);
	if (strcmp(tool, "sfdisk") == 0)
		test_run("printf '%s' | sfdisk -q %s >/dev/null", script, path);
	else
		test_run("sgdisk %s %s >/dev/null", script, path);
	image = malloc((size_t)SECTORS * 512);
	f = fopen(path, "rb");
	cr_assert(image != NULL && f != NULL);
	cr_assert_eq(fread(image, 512, SECTORS, f), SECTORS);
	fclose(f);
	unlink(path);
}

/* sfdisk: p1, p2 primary; p3 extended holding p5 and p6. */
static const char mbr_script[] = "label: dos\\n"
				 "start=2048, size=4096, type=83\\n"
				 "start=6144, size=4096, type=83\\n"
				 "start=10240, size=16384, type=5\\n"
				 "start=12288, size=2048, type=83\\n"
				 "start=16384, size=4096, type=83\\n";
static const char gpt_args[] = "-n 1:2048:+2M -n 2:0:+3M -n 3:0:+1M";

static void
setup(void)
{
	engine_up();
	log_f = open_memstream(&log_buf, &log_len);
	rte_openlog_stream(log_f);
}

static void
teardown(void)
{
	engine_down();
	rte_openlog_stream(NULL);
	fclose(log_f);
	free(log_buf);
	free(image);
	image = NULL;
}

TestSuite(bdev_part, .init = setup, .fini = teardown);

static bool
logged(const char *what)
{
	fflush(log_f);
	return log_buf != NULL && strstr(log_buf, what) != NULL;
}

/* The bdevs listed, as "name:start+blocks" words. */
static const char *
listing(void)
{
	static char out[1024];
	struct aoe_bdev_info info[32];
	unsigned int i, n = aoe_bdev_list(info, 32);
	size_t at = 0;

	out[0] = '\0';
	for (i = 0; i < n && i < 32; i++)
		at += (size_t)snprintf(out + at, sizeof(out) - at, "%s%s:%lu+%lu", i ? " " : "",
				       info[i].name, (unsigned long)info[i].start,
				       (unsigned long)info[i].num_blocks);
	return out;
}

Test(bdev_part, mbr_primary_and_logical)
{
	image_make("sfdisk", mbr_script);
	fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_str_eq(listing(), "e1.1:0+32768 e1.1p1:2048+4096 e1.1p2:6144+4096 "
				    "e1.1p5:12288+2048 e1.1p6:16384+4096");
	cr_expect(logged("e1.1: MBR, 4 partitions"));
}

Test(bdev_part, gpt)
{
	image_make("sgdisk", gpt_args);
	fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_str_eq(listing(),
			 "e1.1:0+32768 e1.1p1:2048+4096 e1.1p2:6144+6144 e1.1p3:12288+2048");
	cr_expect(logged("e1.1: GPT, 3 partitions"));
}

Test(bdev_part, sixteen_partitions_as_the_kernel)
{
	char args[1024];
	size_t at = 0;
	unsigned int i;

	for (i = 1; i <= 16; i++)
		at += (size_t)snprintf(args + at, sizeof(args) - at, "-n %u:0:+256K ", i);
	image_make("sgdisk", args);
	fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_eq(aoe_bdev_list(NULL, 0), 17);
	free(image);
	/* A partition numbered 17: the table is refused whole. */
	image_make("sgdisk", "-n 17:0:+256K");
	fake_target_up(2, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_eq(aoe_bdev_list(NULL, 0), 18, "e2.1 without partitions");
	cr_expect(logged("e2.1: no partitions: partition table refused"));
}

/* ---- broken tables: no partitions, a log line ----------------------------------------------- */

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

Test(bdev_part, overlapping_mbr_entries)
{
	image_make("sfdisk", mbr_script);
	put_le32(image + 446 + 16 + 8, 5000); /* p2 starts inside p1 */
	fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_str_eq(listing(), "e1.1:0+32768");
	cr_expect(logged("e1.1: no partitions: partition table refused: "), "%s", log_buf);
	cr_expect(logged("overlaps"), "%s", log_buf);
}

Test(bdev_part, mbr_entry_past_the_end)
{
	image_make("sfdisk", mbr_script);
	put_le32(image + 446 + 12, SECTORS); /* p1 as long as the disk */
	fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_str_eq(listing(), "e1.1:0+32768");
	cr_expect(logged("e1.1: no partitions"));
}

Test(bdev_part, gpt_bad_crc)
{
	image_make("sgdisk", gpt_args);
	image[2 * 512 + 40] ^= 0xff; /* a byte of the first entry: the array's CRC fails */
	fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_str_eq(listing(), "e1.1:0+32768");
	cr_expect(logged("e1.1: no partitions: partition table refused: "), "%s", log_buf);
	cr_expect(logged("CRC"), "%s", log_buf);
}

Test(bdev_part, ebr_loop)
{
	image_make("sfdisk", mbr_script);
	/* The first EBR (at the extended partition's start) links back to itself. */
	cr_assert_eq(image[10240 * 512 + 446 + 16 + 4], 0x05, "the EBR's link entry");
	put_le32(image + 10240 * 512 + 446 + 16 + 8, 0);
	fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_str_eq(listing(), "e1.1:0+32768");
	cr_expect(logged("loops back"), "%s", log_buf);
}

Test(bdev_part, table_that_cannot_be_read)
{
	image_make("sfdisk", mbr_script);
	fake_fail_next(-EIO);
	fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_expect_str_eq(listing(), "e1.1:0+32768");
	cr_expect(logged("e1.1: no partitions: the table could not be read"), "%s", log_buf);
}

/* ---- I/O inside the partition ---------------------------------------------------------------- */

Test(bdev_part, io_confined_across_frames)
{
	struct aoe_bdev_desc *p1, *p2, *disk;
	struct aoe_io_channel *c1, *c2, *cd;
	static uint8_t out[8192], in[8192];
	struct iovec iov[5];
	struct aoe_target *t;
	struct done d = {0};
	uint8_t *raw;
	size_t i;

	image_make("sfdisk", mbr_script);
	t = fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	raw = fake_target_disk(t);
	cr_assert_eq(aoe_bdev_open("e1.1p1", true, NULL, NULL, &p1), 0);
	cr_assert_eq(aoe_bdev_open("e1.1p2", true, NULL, NULL, &p2), 0);
	cr_assert_eq(aoe_bdev_open("e1.1", true, NULL, NULL, &disk), 0);
	c1 = aoe_bdev_get_io_channel(p1, 4);
	c2 = aoe_bdev_get_io_channel(p2, 4);
	cd = aoe_bdev_get_io_channel(disk, 4);
	cr_assert(c1 != NULL && c2 != NULL && cd != NULL);
	cr_expect_eq(aoe_bdev_get_num_blocks(aoe_bdev_desc_get_bdev(p1)), 4096);
	for (i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13 + 1);
	/* The last 16 blocks of p1, split inside sectors and across 1024-byte frames. */
	iov[0] = (struct iovec){out, 100};
	iov[1] = (struct iovec){out + 100, 1000};
	iov[2] = (struct iovec){out + 1100, 3000};
	iov[3] = (struct iovec){out + 4100, 0};
	iov[4] = (struct iovec){out + 4100, 4092};
	cr_assert_eq(aoe_bdev_writev_blocks(p1, c1, iov, 5, 4096 - 16, 16, io_cb, &d), 0);
	poll_idle();
	cr_assert_eq(d.status, 0);
	cr_expect_eq(memcmp(raw + (2048 + 4096 - 16) * 512, out, 8192), 0, "at the disk's 6128");
	/* One block further, or crossing into p2: refused, not written into p2. */
	cr_expect_eq(aoe_bdev_writev_blocks(p1, c1, iov, 5, 4096 - 15, 16, io_cb, &d), -ERANGE);
	cr_expect_eq(aoe_bdev_write_zeroes_blocks(p1, c1, 4095, 2, io_cb, &d), -ERANGE);
	cr_expect_eq(aoe_bdev_write_blocks(p1, c1, out, 4096, 1, io_cb, &d), -ERANGE);
	/* p2's block 0 is the disk's 6144. */
	cr_assert_eq(aoe_bdev_write_blocks(p2, c2, out, 0, 1, io_cb, &d), 0);
	poll_idle();
	cr_expect_eq(memcmp(raw + 6144 * 512, out, 512), 0);
	/* Through the disk, one I/O across the p1/p2 boundary reads both. */
	iov[0] = (struct iovec){in, 3333};
	iov[1] = (struct iovec){in + 3333, 8192 - 3333};
	cr_assert_eq(aoe_bdev_readv(disk, cd, iov, 2, (6144 - 8) * 512, 8192, io_cb, &d), 0);
	poll_idle();
	cr_expect_eq(memcmp(in, out + 4096, 4096), 0, "p1's last 8 blocks");
	cr_expect_eq(memcmp(in + 4096, out, 512), 0, "p2's first");
	/* Each bdev counts its own I/O. */
	{
		struct aoe_bdev_io_stat s1, s2, sd;

		aoe_bdev_get_io_stat(aoe_bdev_desc_get_bdev(p1), &s1);
		aoe_bdev_get_io_stat(aoe_bdev_desc_get_bdev(p2), &s2);
		aoe_bdev_get_io_stat(aoe_bdev_desc_get_bdev(disk), &sd);
		cr_expect(s1.num_write_ops == 1 && s1.bytes_written == 8192);
		cr_expect(s2.num_write_ops == 1 && s2.bytes_written == 512);
		cr_expect(sd.num_write_ops == 0 && sd.num_read_ops == 1);
	}
	aoe_bdev_put_io_channel(c1);
	aoe_bdev_put_io_channel(c2);
	aoe_bdev_put_io_channel(cd);
	aoe_bdev_close(p1);
	aoe_bdev_close(p2);
	aoe_bdev_close(disk);
}

/* ---- events --------------------------------------------------------------------------------- */

Test(bdev_part, disk_down_removes_partitions_and_holds)
{
	struct events ev = {0};
	struct aoe_bdev_desc *p5, *again;
	struct aoe_io_channel *ch;
	static uint8_t buf[1024];
	struct aoe_target *t;
	struct done d = {0};

	image_make("sfdisk", mbr_script);
	t = fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_assert_eq(aoe_bdev_open("e1.1p5", true, event_cb, &ev, &p5), 0);
	ch = aoe_bdev_get_io_channel(p5, 2);
	fake_hold_completions(true);
	cr_assert_eq(aoe_bdev_read(p5, ch, buf, 0, 1024, io_cb, &d), 0);
	fake_target_down(t);
	cr_expect_eq(ev.remove, 1, "the partition's descriptor is told");
	cr_expect_eq(aoe_io_target_state(t), AOE_TARGET_DOWN_CLOSEWAIT,
		     "an open partition holds its disk");
	poll_idle();
	cr_expect(d.n == 1 && d.status == -ENODEV);
	cr_expect_eq(aoe_bdev_list(NULL, 0), 0);
	cr_expect_eq(aoe_bdev_open("e1.1p5", false, NULL, NULL, &again), -ENODEV,
		     "a partition of a down target: down");
	fake_hold_completions(false);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(p5);
	fake_settle();
	cr_expect_eq(aoe_io_target_state(t), AOE_TARGET_DOWN);
	fake_target_again(t);
	cr_expect_eq(aoe_bdev_list(NULL, 0), 5, "back, with its partitions");
}

Test(bdev_part, resize_reads_the_table_again)
{
	struct events e1 = {0}, e2 = {0}, ed = {0};
	struct aoe_bdev_desc *p1, *p2, *disk;
	struct aoe_target *t;
	uint8_t *raw;

	image_make("sfdisk", mbr_script);
	t = fake_target_up(1, 1, SECTORS, image, (size_t)SECTORS * 512);
	cr_assert_eq(aoe_bdev_open("e1.1p1", false, event_cb, &e1, &p1), 0);
	cr_assert_eq(aoe_bdev_open("e1.1p2", false, event_cb, &e2, &p2), 0);
	cr_assert_eq(aoe_bdev_open("e1.1", false, event_cb, &ed, &disk), 0);
	/* p2 grows to 8192 blocks; p1 stays as it was. */
	raw = fake_target_disk(t);
	put_le32(raw + 446 + 16 + 12, 8192 - 4096 + 4096);
	put_le32(raw + 446 + 2 * 16 + 8, 14336); /* the extended partition moves up, */
	put_le32(raw + 446 + 2 * 16 + 12, 2 * SECTORS - 14336); /* to the new end */
	memset(raw + 446 + 3 * 16, 0, 16);
	memset(raw + 10240 * 512, 0, 512); /* and has no EBR now: no logicals */
	memset(raw + 14336 * 512, 0, 512);
	raw[14336 * 512 + 510] = 0x55;
	raw[14336 * 512 + 511] = 0xaa;
	fake_target_resize(t, 2 * SECTORS);
	cr_expect_eq(ed.resize, 1);
	cr_expect_eq(e1.remove + e1.resize, 0, "p1 unchanged: no event");
	cr_expect_eq(e2.remove, 1, "p2 changed: removed");
	cr_expect_str_eq(listing(), "e1.1:0+65536 e1.1p1:2048+4096 e1.1p2:6144+8192");
	aoe_bdev_close(p1);
	aoe_bdev_close(p2);
	aoe_bdev_close(disk);
}
