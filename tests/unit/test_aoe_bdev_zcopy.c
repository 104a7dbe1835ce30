/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy reads of the bdev layer (aoe_bdev_zcopy_read*) over the fake engine, which keeps
 * each answer as a frame of its own as the engine keeps mbufs: the data as segments in order,
 * over partitions too, the frames released by aoe_bdev_free_io() (and at once when the read
 * fails or is cancelled), every errno, and the lcore's budget of held frames (-ENOBUFS).
 */
#include <stdlib.h>
#include <string.h>

#include "test_bdev_util.h"

#define SECTORS 8192 /* 4 MiB */

static struct aoe_target *tgt;

static void
setup(void)
{
	uint8_t *disk;
	size_t i;

	engine_up();
	fake_payload_set(1024);
	fake_zcopy_budget_set(UINT32_MAX);
	tgt = fake_target_up(1, 1, SECTORS, NULL, 0);
	disk = fake_target_disk(tgt);
	for (i = 0; i < (size_t)SECTORS * 512; i++)
		disk[i] = (uint8_t)(i * 7 + i / 512);
}

static void
teardown(void)
{
	engine_down();
	fake_zcopy_budget_set(UINT32_MAX);
	cr_expect_eq(fake_zcopy_held(), 0, "no frame outlives the engine");
}

TestSuite(zcopy, .init = setup, .fini = teardown);

static struct aoe_bdev_desc *
open_ok(const char *name, bool write)
{
	struct aoe_bdev_desc *desc = NULL;

	cr_assert_eq(aoe_bdev_open(name, write, NULL, NULL, &desc), 0);
	return desc;
}

/* The segments of @p io, in order, are the disk's bytes from @p off on, @p len of them. */
static void
expect_segments(struct aoe_bdev_io *io, uint64_t off, uint64_t len, unsigned int nseg)
{
	const uint8_t *disk = fake_target_disk(tgt) + off;
	struct iovec *iov;
	uint64_t at = 0;
	int n, i;

	aoe_bdev_io_get_iovec(io, &iov, &n);
	cr_assert_eq(n, (int)nseg, "%d segments, %u expected", n, nseg);
	for (i = 0; i < n; i++) {
		cr_assert_leq(at + iov[i].iov_len, len);
		cr_assert_eq(memcmp(iov[i].iov_base, disk + at, iov[i].iov_len), 0,
			     "segment %d holds the disk's data", i);
		at += iov[i].iov_len;
	}
	cr_expect_eq(at, len, "the segments add up to the read");
}

Test(zcopy, segments_in_order_then_released)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 4);
	struct done d = {.keep = true};

	/* 6 KiB at 1 KiB a frame: six frames, answered odd ones first. */
	cr_assert_eq(aoe_bdev_zcopy_read(desc, ch, 4096, 6144, io_cb, &d), 0);
	poll_idle();
	cr_assert(d.n == 1 && d.status == 0);
	cr_expect_eq(fake_zcopy_held(), 6, "each answer's frame held, none copied");
	expect_segments(d.io, 4096, 6144, 6);
	aoe_bdev_free_io(d.io);
	cr_expect_eq(fake_zcopy_held(), 0, "released by aoe_bdev_free_io()");
	/* In blocks, a frame and a half: the last frame carries the half. */
	fake_payload_set(8192);
	cr_assert_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 3, 24, io_cb, &d), 0);
	poll_idle();
	cr_assert(d.n == 2 && d.status == 0);
	expect_segments(d.io, 3 * 512, 24 * 512, 2);
	aoe_bdev_free_io(d.io);
	cr_expect_eq(fake_zcopy_held(), 0);
	/* The I/O object is used again: a bigger read grows its tables. */
	fake_payload_set(512);
	cr_assert_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 0, 300, io_cb, &d), 0);
	poll_idle();
	expect_segments(d.io, 0, 300 * 512, 300);
	aoe_bdev_free_io(d.io);
	cr_expect_eq(fake_zcopy_held(), 0);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(zcopy, stats_count_as_reads)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 1);
	struct aoe_bdev_io_stat st;
	struct done d = {0};

	cr_assert_eq(aoe_bdev_zcopy_read(desc, ch, 0, 2048, io_cb, &d), 0);
	poll_idle();
	cr_assert_eq(aoe_bdev_get_io_stat(aoe_bdev_desc_get_bdev(desc), &st), 0);
	cr_expect(st.num_read_ops == 1 && st.bytes_read == 2048);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(zcopy, failed_read_holds_nothing)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 1);
	struct done d = {.keep = true};
	struct iovec *iov;
	int n;

	/* The fake fails it after its answers came: the frames were held, then let go. */
	fake_fail_next(-EIO);
	cr_assert_eq(aoe_bdev_zcopy_read(desc, ch, 0, 4096, io_cb, &d), 0);
	poll_idle();
	cr_assert(d.n == 1 && d.status == -EIO);
	cr_expect_eq(fake_zcopy_held(), 0, "released before the callback");
	aoe_bdev_io_get_iovec(d.io, &iov, &n);
	cr_expect(n == 0 && iov == NULL, "no segments");
	aoe_bdev_free_io(d.io);
	/* The budget came back with them: a read of the whole budget goes. */
	fake_zcopy_budget_set(4);
	cr_expect_eq(aoe_bdev_zcopy_read(desc, ch, 0, 4096, io_cb, &d), 0);
	poll_idle();
	aoe_bdev_free_io(d.io);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(zcopy, budget_refuses_with_enobufs)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 8);
	static uint8_t buf[4096];
	struct done d = {.keep = true}, c = {0};
	struct aoe_bdev_io *first;

	fake_zcopy_budget_set(6); /* frames of 1 KiB */
	cr_assert_eq(aoe_bdev_zcopy_read(desc, ch, 0, 4096, io_cb, &d), 0);
	poll_idle();
	first = d.io;
	cr_expect_eq(aoe_bdev_zcopy_read(desc, ch, 0, 4096, io_cb, &d), -ENOBUFS,
		     "4 held + 4 more > 6");
	cr_expect_eq(d.n, 1, "no callback for a refusal");
	cr_expect_eq(aoe_bdev_zcopy_read(desc, ch, 0, 2048, io_cb, &d), 0, "4 + 2 fit");
	poll_idle();
	cr_expect_eq(aoe_bdev_read(desc, ch, buf, 0, 4096, io_cb, &c), 0,
		     "a copying read is not bound by it");
	poll_idle();
	cr_expect(c.n == 1 && c.status == 0);
	aoe_bdev_free_io(d.io);
	aoe_bdev_free_io(first);
	cr_expect_eq(fake_zcopy_held(), 0);
	cr_expect_eq(aoe_bdev_zcopy_read(desc, ch, 0, 6144, io_cb, &d), 0, "all of it again");
	poll_idle();
	aoe_bdev_free_io(d.io);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(zcopy, errnos)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false), *other = open_ok("e1.1", false);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 1);
	struct aoe_io_channel *och = aoe_bdev_get_io_channel(other, 1);
	struct done d = {0};

	cr_expect_eq(aoe_bdev_zcopy_read(NULL, ch, 0, 512, io_cb, &d), -EINVAL);
	cr_expect_eq(aoe_bdev_zcopy_read(desc, NULL, 0, 512, io_cb, &d), -EINVAL);
	cr_expect_eq(aoe_bdev_zcopy_read(desc, ch, 0, 512, NULL, NULL), -EINVAL);
	cr_expect_eq(aoe_bdev_zcopy_read(desc, och, 0, 512, io_cb, &d), -EINVAL);
	cr_expect_eq(aoe_bdev_zcopy_read(desc, ch, 0, 0, io_cb, &d), -EINVAL);
	cr_expect_eq(aoe_bdev_zcopy_read(desc, ch, 100, 512, io_cb, &d), -EINVAL);
	cr_expect_eq(aoe_bdev_zcopy_read(desc, ch, 0, 700, io_cb, &d), -EINVAL);
	cr_expect_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 0, (uint64_t)UINT32_MAX + 1, io_cb, &d),
		     -EINVAL);
	fake_lcore_set(1);
	cr_expect_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 0, 1, io_cb, &d), -EPERM);
	fake_lcore_set(0);
	cr_expect_eq(aoe_bdev_zcopy_read_blocks(desc, ch, SECTORS - 1, 2, io_cb, &d), -ERANGE);
	fake_hold_completions(true);
	cr_expect_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 0, 1, io_cb, &d), 0);
	cr_expect_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 0, 1, io_cb, &d), -ENOMEM);
	fake_hold_completions(false);
	poll_idle();
	cr_expect(d.n == 1 && d.status == 0);
	fake_target_down(tgt);
	cr_expect_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 0, 1, io_cb, &d), -ENODEV);
	cr_expect_eq(fake_zcopy_held(), 0);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_put_io_channel(och);
	aoe_bdev_close(desc);
	aoe_bdev_close(other);
}

Test(zcopy, target_down_and_engine_stop_release)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 4);
	struct done d = {0};

	/* In flight when the target goes: failed, nothing held. */
	fake_hold_completions(true);
	cr_assert_eq(aoe_bdev_zcopy_read(desc, ch, 0, 8192, io_cb, &d), 0);
	cr_assert_eq(aoe_bdev_zcopy_read(desc, ch, 8192, 8192, io_cb, &d), 0);
	fake_target_down(tgt);
	poll_idle();
	cr_expect(d.n == 2 && d.status == -ENODEV);
	cr_expect_eq(fake_zcopy_held(), 0);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(zcopy, partition_reads_are_shifted)
{
	/* An MBR with one partition from sector 64, 1000 sectors long. */
	static uint8_t mbr[512];
	struct aoe_target *t2;
	struct aoe_bdev_desc *desc;
	struct aoe_io_channel *ch;
	struct done d = {.keep = true};
	const uint8_t *disk;
	struct iovec *iov;
	int n, i;
	uint64_t at = 0;

	mbr[446 + 4] = 0x83;
	mbr[446 + 8] = 64;
	mbr[446 + 12] = 0xe8, mbr[446 + 13] = 0x03;
	mbr[510] = 0x55, mbr[511] = 0xaa;
	t2 = fake_target_up(2, 1, SECTORS, mbr, sizeof(mbr));
	disk = fake_target_disk(t2);
	for (i = 512; i < SECTORS * 512; i++)
		((uint8_t *)disk)[i] = (uint8_t)(i / 512);
	desc = open_ok("e2.1p1", false);
	ch = aoe_bdev_get_io_channel(desc, 1);
	cr_assert_not_null(ch);
	cr_expect_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 999, 2, io_cb, &d), -ERANGE,
		     "past the partition's end");
	cr_assert_eq(aoe_bdev_zcopy_read_blocks(desc, ch, 10, 5, io_cb, &d), 0);
	poll_idle();
	cr_assert(d.n == 1 && d.status == 0);
	aoe_bdev_io_get_iovec(d.io, &iov, &n);
	for (i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < iov[i].iov_len; k++)
			cr_assert_eq(((uint8_t *)iov[i].iov_base)[k],
				     (uint8_t)(74 + (at + k) / 512),
				     "the partition's block 10 on is the disk's 74 on");
		at += iov[i].iov_len;
	}
	cr_expect_eq(at, 5 * 512);
	aoe_bdev_free_io(d.io);
	cr_expect_eq(fake_zcopy_held(), 0);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}
