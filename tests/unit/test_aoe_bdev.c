/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bdev layer (drivers/bdev/aoe_bdev.c, aoe_bdev_io.c) over a fake engine: every errno of
 * every call, channels and their reference counts, vectored I/O split every way across frames,
 * write-zeroes, the wait queue, REMOVE with I/O in flight and closewait, RESIZE, statistics,
 * the lcore check, the engine stopping and starting again, and open and close racing a target
 * going down from another thread. Partitions: test_aoe_bdev_part.c.
 */
#include <pthread.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>

#include "aoe_app.h"
#include "aoe_iov.h"
#include "test_bdev_util.h"

#define SECTORS 8192 /* 4 MiB */

static struct aoe_target *tgt;

static void
setup(void)
{
	engine_up();
	tgt = fake_target_up(1, 1, SECTORS, NULL, 0);
}

TestSuite(bdev, .init = setup, .fini = engine_down);

static struct aoe_bdev_desc *
open_ok(const char *name, bool write, struct events *ev)
{
	struct aoe_bdev_desc *desc = NULL;

	cr_assert_eq(aoe_bdev_open(name, write, ev != NULL ? event_cb : NULL, ev, &desc), 0);
	cr_assert_not_null(desc);
	return desc;
}

static struct aoe_io_channel *
channel_ok(struct aoe_bdev_desc *desc, unsigned int depth)
{
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, depth);

	cr_assert_not_null(ch, "no channel: %s", strerror(rte_errno));
	return ch;
}

/* ---- names, list, open, close --------------------------------------------------------------- */

Test(bdev, name_parse)
{
	static const char *const bad[] = {NULL,	    "",	       "e1",	  "e1.",      "1.1",
					  "e1.1p",  "e1.1p0",  "e1.1p17", "e1.1p01",  "e1.1p1x",
					  "e1.1q1", "e01.1p1", "e1.255",  "e65535.1", "e1.1p1p1",
					  "e1.1 ",  "e1.1p-1", "e1.1p+1"};
	uint16_t shelf = 9;
	uint8_t slot = 9;
	uint32_t part = 9;
	unsigned int i;

	cr_expect_eq(aoe_bdev_name_parse("e1.1", &shelf, &slot, &part), 0);
	cr_expect(shelf == 1 && slot == 1 && part == 0);
	cr_expect_eq(aoe_bdev_name_parse("e65534.254p16", &shelf, &slot, &part), 0);
	cr_expect(shelf == 65534 && slot == 254 && part == 16);
	cr_expect_eq(aoe_bdev_name_parse("e0.0p9", NULL, NULL, NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(aoe_bdev_name_parse(bad[i], &shelf, &slot, &part), -EINVAL, "'%s'",
			     bad[i] != NULL ? bad[i] : "NULL");
}

Test(bdev, list)
{
	struct aoe_bdev_info info[4];

	fake_target_up(0, 7, 100, NULL, 0);
	cr_assert_eq(aoe_bdev_list(NULL, 0), 2);
	cr_assert_eq(aoe_bdev_list(info, 1), 2, "the count, whatever the room");
	cr_assert_str_eq(info[0].name, "e0.7", "sorted by shelf");
	cr_assert_eq(aoe_bdev_list(info, 4), 2);
	cr_expect_str_eq(info[1].name, "e1.1");
	cr_expect_eq(info[1].num_blocks, SECTORS);
	cr_expect_eq(info[1].block_size, 512);
	cr_expect(!info[1].read_only && info[1].part == 0 && info[1].start == 0);
	fake_target_down(tgt);
	cr_expect_eq(aoe_bdev_list(info, 4), 1, "a down target is no bdev");
}

Test(bdev, open_errnos)
{
	struct aoe_bdev_desc *desc = NULL;

	cr_expect_eq(aoe_bdev_open(NULL, false, NULL, NULL, &desc), -EINVAL);
	cr_expect_eq(aoe_bdev_open("e1.1", false, NULL, NULL, NULL), -EINVAL);
	cr_expect_eq(aoe_bdev_open("e1.x", false, NULL, NULL, &desc), -EINVAL);
	cr_expect_eq(aoe_bdev_open("e9.9", false, NULL, NULL, &desc), -ENOENT, "no such target");
	cr_expect_eq(aoe_bdev_open("e1.1p1", false, NULL, NULL, &desc), -ENOENT,
		     "no such partition on an up target");
	fake_target_down(tgt);
	cr_expect_eq(aoe_bdev_open("e1.1", false, NULL, NULL, &desc), -ENODEV, "down");
	cr_expect_eq(aoe_bdev_open("e1.1p1", false, NULL, NULL, &desc), -ENODEV,
		     "a partition name of a down target: down");
	cr_expect_null(desc);
	fake_target_again(tgt);
	desc = open_ok("e1.1", false, NULL);
	cr_expect_eq(fake_target_holds(tgt), 1, "a descriptor holds its target");
	cr_expect_eq(aoe_bdev_close(desc), 0);
	cr_expect_eq(fake_target_holds(tgt), 0);
}

Test(bdev, close_errnos)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 4);

	cr_expect_eq(aoe_bdev_close(NULL), -EINVAL);
	cr_expect_eq(aoe_bdev_close(desc), -EBUSY, "a channel is held");
	cr_expect_eq(fake_target_holds(tgt), 1, "still open");
	aoe_bdev_put_io_channel(ch);
	cr_expect_eq(aoe_bdev_close(desc), 0);
	cr_expect_eq(fake_target_holds(tgt), 0);
}

Test(bdev, getters)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false, NULL);
	struct aoe_bdev *b = aoe_bdev_desc_get_bdev(desc);

	cr_expect_null(aoe_bdev_desc_get_bdev(NULL));
	cr_expect_str_eq(aoe_bdev_get_name(b), "e1.1");
	cr_expect_str_eq(aoe_bdev_get_name(NULL), "");
	cr_expect_eq(aoe_bdev_get_block_size(b), 512);
	cr_expect_eq(aoe_bdev_get_block_size(NULL), 0);
	cr_expect_eq(aoe_bdev_get_num_blocks(b), SECTORS);
	cr_expect_eq(aoe_bdev_get_num_blocks(NULL), 0);
	fake_payload_set(8192);
	cr_expect_eq(aoe_bdev_get_payload(b), 8192);
	cr_expect_eq(aoe_bdev_get_payload(NULL), 0);
	aoe_bdev_close(desc);
}

/* ---- channels ------------------------------------------------------------------------------- */

Test(bdev, channel_errnos)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false, NULL);

	rte_errno = 0;
	cr_expect_null(aoe_bdev_get_io_channel(NULL, 1));
	cr_expect_eq(rte_errno, EINVAL);
	rte_errno = 0;
	cr_expect_null(aoe_bdev_get_io_channel(desc, AOE_BDEV_DEPTH_MAX + 1));
	cr_expect_eq(rte_errno, EINVAL, "depth too large");
	fake_lcore_set(-1);
	rte_errno = 0;
	cr_expect_null(aoe_bdev_get_io_channel(desc, 1));
	cr_expect_eq(rte_errno, EINVAL, "not a polling lcore");
	fake_lcore_set(0);
	fake_target_down(tgt);
	rte_errno = 0;
	cr_expect_null(aoe_bdev_get_io_channel(desc, 1));
	cr_expect_eq(rte_errno, ENODEV, "removed");
	aoe_bdev_close(desc);
}

Test(bdev, channel_reference_counts)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL),
			     *other = open_ok("e1.1", true, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 2), *ch1, *och;
	static uint8_t buf[512];
	struct done d = {0};

	cr_expect_eq(channel_ok(desc, 64), ch, "the same channel on the same lcore, any depth");
	och = channel_ok(other, 2);
	cr_expect_neq(och, ch, "one channel per descriptor");
	fake_lcore_set(1);
	ch1 = channel_ok(desc, 2);
	cr_expect_neq(ch1, ch, "one channel per lcore");
	aoe_bdev_put_io_channel(ch1);
	fake_lcore_set(0);

	/* Taken twice: one put leaves it usable, with the depth it was made with. */
	aoe_bdev_put_io_channel(ch);
	cr_expect_eq(aoe_bdev_close(desc), -EBUSY, "one reference left");
	cr_expect_eq(aoe_bdev_write_blocks(desc, ch, buf, 0, 1, io_cb, &d), 0);
	cr_expect_eq(aoe_bdev_write_blocks(desc, ch, buf, 1, 1, io_cb, &d), 0);
	cr_expect_eq(aoe_bdev_write_blocks(desc, ch, buf, 2, 1, io_cb, &d), -ENOMEM, "depth 2");
	poll_idle();
	cr_expect_eq(d.n, 2);
	aoe_bdev_put_io_channel(ch);
	cr_expect_eq(aoe_bdev_close(desc), 0, "the last put released it");
	aoe_bdev_put_io_channel(NULL);
	aoe_bdev_put_io_channel(och);
	cr_expect_eq(aoe_bdev_close(other), 0);
}

Test(bdev, channel_put_with_io_in_flight)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 4);
	static uint8_t buf[4096];
	struct done d = {0};

	fake_hold_completions(true);
	cr_assert_eq(aoe_bdev_read(desc, ch, buf, 0, 4096, io_cb, &d), 0);
	aoe_bdev_put_io_channel(ch); /* kept until the read completes */
	cr_expect_eq(aoe_bdev_close(desc), 0, "the descriptor no longer has it");
	fake_hold_completions(false);
	poll_idle();
	cr_expect_eq(d.n, 1);
	cr_expect_eq(d.status, 0);
	/* The channel is freed now: AddressSanitizer (tests in build-asan) sees a leak if not. */
}

/* ---- submission errnos ---------------------------------------------------------------------- */

enum kind {
	READ,
	WRITE,
	READ_B,
	WRITE_B,
	READV,
	WRITEV,
	READV_B,
	WRITEV_B,
	ZEROES,
	ZEROES_B,
	FLUSH
};
static const char *const kind_names[] = {"read",   "write",	    "read_blocks",  "write_blocks",
					 "readv",  "writev",	    "readv_blocks", "writev_blocks",
					 "zeroes", "zeroes_blocks", "flush"};
#define NB_KINDS 11

static uint8_t ebuf[8192];
static struct iovec eiov[2] = {{ebuf, 1024}, {ebuf + 1024, 1024}};

/* One call of @p k over [@p off, @p off + @p num) blocks, with the buffer or iovecs given. */
static int
call(enum kind k, struct aoe_bdev_desc *d, struct aoe_io_channel *ch, void *buf, struct iovec *iov,
     int iovcnt, uint64_t off, uint64_t num, aoe_bdev_io_cb cb, void *arg)
{
	switch (k) {
	case READ:
		return aoe_bdev_read(d, ch, buf, off * 512, num * 512, cb, arg);
	case WRITE:
		return aoe_bdev_write(d, ch, buf, off * 512, num * 512, cb, arg);
	case READ_B:
		return aoe_bdev_read_blocks(d, ch, buf, off, num, cb, arg);
	case WRITE_B:
		return aoe_bdev_write_blocks(d, ch, buf, off, num, cb, arg);
	case READV:
		return aoe_bdev_readv(d, ch, iov, iovcnt, off * 512, num * 512, cb, arg);
	case WRITEV:
		return aoe_bdev_writev(d, ch, iov, iovcnt, off * 512, num * 512, cb, arg);
	case READV_B:
		return aoe_bdev_readv_blocks(d, ch, iov, iovcnt, off, num, cb, arg);
	case WRITEV_B:
		return aoe_bdev_writev_blocks(d, ch, iov, iovcnt, off, num, cb, arg);
	case ZEROES:
		return aoe_bdev_write_zeroes(d, ch, off * 512, num * 512, cb, arg);
	case ZEROES_B:
		return aoe_bdev_write_zeroes_blocks(d, ch, off, num, cb, arg);
	default:
		return aoe_bdev_flush(d, ch, cb, arg);
	}
}

static bool
is_vectored(enum kind k)
{
	return k >= READV && k <= WRITEV_B;
}

static bool
has_data(enum kind k)
{
	return k <= WRITEV_B;
}

static bool
writes(enum kind k)
{
	return k == WRITE || k == WRITE_B || k == WRITEV || k == WRITEV_B || k == ZEROES ||
	       k == ZEROES_B;
}

static bool
in_bytes(enum kind k)
{
	return k == READ || k == WRITE || k == READV || k == WRITEV || k == ZEROES;
}

/* A good call of @p k: 4 blocks at block 8 (what the errno cases change one thing of). */
#define GOOD(k, d, ch) call(k, d, ch, ebuf, eiov, 2, 8, 4, io_cb, &done)

Test(bdev, submit_errnos)
{
	struct aoe_bdev_desc *rw = open_ok("e1.1", true, NULL), *ro = open_ok("e1.1", false, NULL);
	struct aoe_io_channel *ch = channel_ok(rw, 1), *roch = channel_ok(ro, 1);
	struct iovec bad_iov[2] = {{NULL, 1024}, {ebuf, 1024}};
	struct iovec big_iov[AOE_BDEV_IOV_MAX + 1];
	struct done done = {0};
	unsigned int submitted = 0;
	enum kind k;
	int i;

	for (i = 0; i < AOE_BDEV_IOV_MAX + 1; i++)
		big_iov[i] = (struct iovec){ebuf, i < 4 ? 512 : 0};
	for (k = 0; k < NB_KINDS; k++) {
		const char *n = kind_names[k];

		/* -EINVAL: arguments. */
		cr_expect_eq(GOOD(k, NULL, ch), -EINVAL, "%s: NULL descriptor", n);
		cr_expect_eq(GOOD(k, rw, NULL), -EINVAL, "%s: NULL channel", n);
		cr_expect_eq(call(k, rw, ch, ebuf, eiov, 2, 8, 4, NULL, NULL), -EINVAL,
			     "%s: NULL callback", n);
		cr_expect_eq(GOOD(k, rw, roch), -EINVAL, "%s: another descriptor's channel", n);
		if (k != FLUSH)
			cr_expect_eq(call(k, rw, ch, ebuf, eiov, 0, 8, 0, io_cb, &done), -EINVAL,
				     "%s: zero length", n);
		if (in_bytes(k)) {
			int rc = k == READ    ? aoe_bdev_read(rw, ch, ebuf, 100, 512, io_cb, &done)
				 : k == WRITE ? aoe_bdev_write(rw, ch, ebuf, 100, 512, io_cb, &done)
				 : k == READV
					 ? aoe_bdev_readv(rw, ch, eiov, 2, 100, 2048, io_cb, &done)
				 : k == WRITEV
					 ? aoe_bdev_writev(rw, ch, eiov, 2, 100, 2048, io_cb, &done)
					 : aoe_bdev_write_zeroes(rw, ch, 100, 512, io_cb, &done);

			cr_expect_eq(rc, -EINVAL, "%s: offset not a multiple of 512", n);
			rc = k == READ	   ? aoe_bdev_read(rw, ch, ebuf, 0, 700, io_cb, &done)
			     : k == WRITE  ? aoe_bdev_write(rw, ch, ebuf, 0, 700, io_cb, &done)
			     : k == READV  ? aoe_bdev_readv(rw, ch, eiov, 2, 0, 700, io_cb, &done)
			     : k == WRITEV ? aoe_bdev_writev(rw, ch, eiov, 2, 0, 700, io_cb, &done)
					   : aoe_bdev_write_zeroes(rw, ch, 0, 700, io_cb, &done);
			cr_expect_eq(rc, -EINVAL, "%s: length not a multiple of 512", n);
		}
		if (has_data(k) && !is_vectored(k)) {
			cr_expect_eq(call(k, rw, ch, NULL, NULL, 0, 8, 4, io_cb, &done), -EINVAL,
				     "%s: NULL buffer", n);
			cr_expect_eq(call(k, rw, ch, ebuf, NULL, 0, 8, (uint64_t)UINT32_MAX + 1,
					  io_cb, &done),
				     -EINVAL, "%s: more than UINT32_MAX blocks", n);
		}
		if (is_vectored(k)) {
			cr_expect_eq(call(k, rw, ch, NULL, NULL, 2, 8, 4, io_cb, &done), -EINVAL,
				     "%s: NULL iovecs", n);
			cr_expect_eq(call(k, rw, ch, NULL, eiov, 0, 8, 4, io_cb, &done), -EINVAL,
				     "%s: no iovec", n);
			cr_expect_eq(call(k, rw, ch, NULL, eiov, -1, 8, 4, io_cb, &done), -EINVAL,
				     "%s: negative count", n);
			cr_expect_eq(call(k, rw, ch, NULL, bad_iov, 2, 8, 4, io_cb, &done), -EINVAL,
				     "%s: a NULL base with a length", n);
			cr_expect_eq(call(k, rw, ch, NULL, eiov, 2, 8, 3, io_cb, &done), -EINVAL,
				     "%s: iovecs longer than the I/O", n);
			cr_expect_eq(call(k, rw, ch, NULL, eiov, 2, 8, 5, io_cb, &done), -EINVAL,
				     "%s: iovecs shorter than the I/O", n);
			cr_expect_eq(call(k, rw, ch, NULL, big_iov, AOE_BDEV_IOV_MAX + 1, 8, 4,
					  io_cb, &done),
				     -EINVAL, "%s: more than AOE_BDEV_IOV_MAX iovecs", n);
			cr_expect_eq(call(k, rw, ch, NULL, big_iov, AOE_BDEV_IOV_MAX, 8, 4, io_cb,
					  &done),
				     0, "%s: AOE_BDEV_IOV_MAX iovecs, empty ones among them", n);
			submitted++;
			poll_idle();
		}
		/* -EPERM: another lcore's channel. */
		fake_lcore_set(1);
		cr_expect_eq(GOOD(k, rw, ch), -EPERM, "%s: on another lcore", n);
		fake_lcore_set(0);
		/* -EBADF: writes through a read-only descriptor. */
		if (writes(k)) {
			cr_expect_eq(GOOD(k, ro, roch), -EBADF, "%s: read-only descriptor", n);
		} else {
			cr_expect_eq(GOOD(k, ro, roch), 0, "%s: read-only is fine", n);
			submitted++;
		}
		poll_idle();
		/* -ERANGE: past the end. */
		if (k != FLUSH) {
			cr_expect_eq(call(k, rw, ch, ebuf, eiov, 2, SECTORS - 3, 4, io_cb, &done),
				     -ERANGE, "%s: one block past the end", n);
			cr_expect_eq(call(k, rw, ch, ebuf, eiov, 2, SECTORS, 4, io_cb, &done),
				     -ERANGE, "%s: at the end", n);
			cr_expect_eq(
				call(k, rw, ch, ebuf, eiov, 2, UINT64_MAX / 512, 4, io_cb, &done),
				-ERANGE, "%s: far past", n);
			cr_expect_eq(call(k, rw, ch, ebuf, eiov, 2, SECTORS - 4, 4, io_cb, &done),
				     0, "%s: the last blocks", n);
			submitted++;
			poll_idle();
		}
		/* -ENOMEM: depth 1, one in flight. */
		fake_hold_completions(true);
		cr_expect_eq(GOOD(k, rw, ch), 0, "%s", n);
		submitted++;
		cr_expect_eq(GOOD(k, rw, ch), -ENOMEM, "%s: no free I/O", n);
		fake_hold_completions(false);
		poll_idle();
	}
	/* -ENODEV: removed. */
	fake_target_down(tgt);
	for (k = 0; k < NB_KINDS; k++)
		cr_expect_eq(GOOD(k, rw, ch), -ENODEV, "%s: removed", kind_names[k]);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_put_io_channel(roch);
	aoe_bdev_close(rw);
	aoe_bdev_close(ro);
	cr_expect_eq(done.n, submitted, "every 0 had its callback, no refusal had one");
}

/* ---- data ----------------------------------------------------------------------------------- */

/* The programs' generator (app/common): the same seed, the same cuts and data. */
static struct aoe_app_rng rng;

static uint64_t
next_rand(void)
{
	return aoe_app_rng_next(&rng);
}

/* @p len bytes of @p buf as @p n iovecs cut at random places (some of them empty). */
static int
random_split(uint8_t *buf, size_t len, struct iovec *iov, int max)
{
	int n = 0;
	size_t at = 0;

	while (at < len && n < max - 1) {
		size_t cut = (size_t)(next_rand() % 1500);

		if (cut > len - at)
			cut = len - at;
		iov[n++] = (struct iovec){buf + at, cut};
		at += cut;
	}
	iov[n++] = (struct iovec){buf + at, len - at};
	return n;
}

Test(bdev, vectored_splits_across_frames)
{
	static const uint32_t payloads[] = {512, 1024, 4608, 8192};
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 8);
	static uint8_t out[64 * 1024], in[64 * 1024];
	struct iovec iov[AOE_BDEV_IOV_MAX];
	unsigned int p, round;

	aoe_app_rng_seed(&rng, 8);
	for (p = 0; p < 4; p++) {
		fake_payload_set(payloads[p]);
		for (round = 0; round < 25; round++) {
			uint64_t blocks = 1 + next_rand() % 128,
				 lba = next_rand() % (SECTORS - 128);
			size_t len = blocks * 512, i;
			struct done w = {0}, r = {0};
			int n;

			for (i = 0; i < len; i++)
				out[i] = (uint8_t)next_rand();
			n = random_split(out, len, iov, AOE_BDEV_IOV_MAX);
			cr_assert_eq(
				aoe_bdev_writev_blocks(desc, ch, iov, n, lba, blocks, io_cb, &w),
				0);
			poll_idle();
			cr_assert(w.n == 1 && w.status == 0);
			cr_assert_eq(memcmp(fake_target_disk(tgt) + lba * 512, out, len), 0,
				     "payload %u, %d iovecs: the disk holds what was written",
				     payloads[p], n);
			memset(in, 0, len);
			n = random_split(in, len, iov, AOE_BDEV_IOV_MAX);
			cr_assert_eq(aoe_bdev_readv(desc, ch, iov, n, lba * 512, len, io_cb, &r),
				     0);
			poll_idle();
			cr_assert(r.n == 1 && r.status == 0);
			cr_assert_eq(memcmp(in, out, len), 0, "payload %u, %d iovecs: read back",
				     payloads[p], n);
		}
	}
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(bdev, plain_read_write)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 2);
	static uint8_t out[8192], in[8192];
	struct done d = {0};

	memset(out, 0x5a, sizeof(out));
	cr_assert_eq(aoe_bdev_write(desc, ch, out, 4096, sizeof(out), io_cb, &d), 0);
	poll_idle();
	cr_assert_eq(aoe_bdev_read_blocks(desc, ch, in, 8, 16, io_cb, &d), 0);
	poll_idle();
	cr_expect(d.n == 2 && d.status == 0);
	cr_expect_eq(memcmp(in, out, sizeof(in)), 0);
	cr_expect_eq(memcmp(fake_target_disk(tgt) + 4096, out, sizeof(out)), 0);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(bdev, write_zeroes_in_chunks)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 1);
	uint8_t *disk = fake_target_disk(tgt);
	uint64_t lba = 100, blocks = 3 * 2048 + 5; /* 3 MiB and a bit: four chunks */
	struct done d = {0};
	size_t i;

	memset(disk, 0xff, (size_t)SECTORS * 512);
	cr_assert_eq(aoe_bdev_write_zeroes_blocks(desc, ch, lba, blocks, io_cb, &d), 0);
	poll_idle();
	cr_assert(d.n == 1 && d.status == 0, "one completion for all its chunks");
	for (i = 0; i < blocks * 512; i++)
		cr_assert_eq(disk[lba * 512 + i], 0, "byte %zu zeroed", i);
	cr_expect_eq(disk[lba * 512 - 1], 0xff, "not before");
	cr_expect_eq(disk[(lba + blocks) * 512], 0xff, "not after");
	/* A chunk that fails ends it: one callback with the error. */
	fake_fail_next(-EIO);
	cr_assert_eq(aoe_bdev_write_zeroes(desc, ch, 0, 4u << 20, io_cb, &d), 0);
	poll_idle();
	cr_expect(d.n == 2 && d.status == -EIO);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(bdev, io_get_iovec_and_errors)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 2);
	static uint8_t buf[2048];
	struct done d = {.keep = true};
	struct iovec *iov;
	uint8_t st, er;
	int n;

	cr_assert_eq(aoe_bdev_read(desc, ch, buf, 0, 2048, io_cb, &d), 0);
	poll_idle();
	aoe_bdev_io_get_iovec(d.io, &iov, &n);
	cr_expect(n == 1 && iov[0].iov_base == buf && iov[0].iov_len == 2048, "a plain read");
	aoe_bdev_free_io(d.io);
	cr_assert_eq(aoe_bdev_readv(desc, ch, eiov, 2, 0, 2048, io_cb, &d), 0);
	poll_idle();
	aoe_bdev_io_get_iovec(d.io, &iov, &n);
	cr_expect(n == 2 && iov == eiov, "a vectored read: its iovecs");
	aoe_bdev_io_get_ata_status(d.io, &st, &er);
	cr_expect(st == 0 && er == 0 && aoe_bdev_io_get_aoe_error(d.io) == 0);
	aoe_bdev_free_io(d.io);
	cr_assert_eq(aoe_bdev_flush(desc, ch, io_cb, &d), 0);
	poll_idle();
	aoe_bdev_io_get_iovec(d.io, &iov, &n);
	cr_expect(n == 0 && iov == NULL, "a flush has no data");
	aoe_bdev_free_io(d.io);
	aoe_bdev_io_get_iovec(NULL, &iov, &n);
	cr_expect(n == 0 && iov == NULL);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

Test(bdev, free_io_misuse_is_refused)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 1);
	static uint8_t buf[512];
	struct done d = {.keep = true}, d2 = {0};

	aoe_bdev_free_io(NULL);
	cr_assert_eq(aoe_bdev_read(desc, ch, buf, 0, 512, io_cb, &d), 0);
	poll_idle();
	fake_lcore_set(1);
	aoe_bdev_free_io(d.io); /* on another lcore: refused, the I/O stays taken */
	fake_lcore_set(0);
	cr_expect_eq(aoe_bdev_read(desc, ch, buf, 0, 512, io_cb, &d2), -ENOMEM);
	aoe_bdev_free_io(d.io);
	aoe_bdev_free_io(d.io); /* a second free: refused, nothing changes */
	cr_expect_eq(aoe_bdev_read(desc, ch, buf, 0, 512, io_cb, &d2), 0, "one free I/O");
	cr_expect_eq(aoe_bdev_read(desc, ch, buf, 0, 512, io_cb, &d2), -ENOMEM, "not two");
	poll_idle();
	fake_lcore_set(1);
	aoe_bdev_put_io_channel(ch); /* on another lcore: refused */
	fake_lcore_set(0);
	cr_expect_eq(aoe_bdev_close(desc), -EBUSY, "the channel is still held");
	cr_expect_eq(aoe_bdev_poll(ch), 0);
	fake_lcore_set(1);
	cr_expect_eq(aoe_bdev_poll(ch), -EPERM);
	fake_lcore_set(-1);
	cr_expect_eq(aoe_bdev_poll(NULL), -EINVAL, "not a polling lcore");
	fake_lcore_set(0);
	aoe_bdev_put_io_channel(ch);
	cr_expect_eq(aoe_bdev_close(desc), 0);
}

/* ---- the wait queue ------------------------------------------------------------------------- */

struct waiter {
	struct aoe_bdev_io_wait_entry entry;
	struct aoe_bdev_desc *desc;
	struct aoe_io_channel *ch;
	struct done *done;
	unsigned int *order, *next;
	int submit_rc;
};

static uint8_t wbuf[512];

static void
wait_cb(void *arg)
{
	struct waiter *w = arg;

	*w->order = (*w->next)++;
	w->submit_rc = aoe_bdev_read(w->desc, w->ch, wbuf, 0, 512, io_cb, w->done);
}

Test(bdev, queue_io_wait)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", false, NULL),
			     *other = open_ok("e1.1", false, NULL);
	struct aoe_io_channel *ch = channel_ok(desc, 2), *och = channel_ok(other, 1);
	struct aoe_bdev *b = aoe_bdev_desc_get_bdev(desc);
	unsigned int order[3] = {0}, next = 1, i;
	struct done d = {0};
	struct waiter w[3];

	for (i = 0; i < 3; i++) {
		w[i] = (struct waiter){.entry = {.bdev = b, .cb_fn = wait_cb, .cb_arg = &w[i]},
				       .desc = desc,
				       .ch = ch,
				       .done = &d,
				       .order = &order[i],
				       .next = &next,
				       .submit_rc = 99};
	}
	cr_expect_eq(aoe_bdev_queue_io_wait(b, ch, &w[0].entry), -EAGAIN, "free I/O: submit");
	fake_hold_completions(true);
	cr_assert_eq(aoe_bdev_read(desc, ch, wbuf, 0, 512, io_cb, &d), 0);
	cr_assert_eq(aoe_bdev_read(desc, ch, wbuf, 0, 512, io_cb, &d), 0);
	cr_assert_eq(aoe_bdev_read(desc, ch, wbuf, 0, 512, io_cb, &d), -ENOMEM);
	cr_expect_eq(aoe_bdev_queue_io_wait(NULL, ch, &w[0].entry), -EINVAL);
	cr_expect_eq(aoe_bdev_queue_io_wait(b, NULL, &w[0].entry), -EINVAL);
	cr_expect_eq(aoe_bdev_queue_io_wait(b, ch, NULL), -EINVAL);
	w[0].entry.cb_fn = NULL;
	cr_expect_eq(aoe_bdev_queue_io_wait(b, ch, &w[0].entry), -EINVAL, "no callback");
	w[0].entry.cb_fn = wait_cb;
	w[0].entry.bdev = NULL;
	cr_expect_eq(aoe_bdev_queue_io_wait(b, ch, &w[0].entry), -EINVAL, "entry of no bdev");
	w[0].entry.bdev = b;
	fake_target_up(2, 2, 64, NULL, 0);
	{
		struct aoe_bdev_desc *d2 = open_ok("e2.2", false, NULL);
		struct aoe_io_channel *c2 = channel_ok(d2, 1);

		cr_expect_eq(aoe_bdev_queue_io_wait(aoe_bdev_desc_get_bdev(d2), ch, &w[0].entry),
			     -EINVAL, "a channel of another bdev");
		aoe_bdev_put_io_channel(c2);
		aoe_bdev_close(d2);
	}
	fake_lcore_set(1);
	cr_expect_eq(aoe_bdev_queue_io_wait(b, ch, &w[0].entry), -EPERM);
	fake_lcore_set(0);
	for (i = 0; i < 3; i++)
		cr_assert_eq(aoe_bdev_queue_io_wait(b, ch, &w[i].entry), 0);
	/* The other channel of the same bdev is not this one's queue. */
	cr_expect_eq(aoe_bdev_queue_io_wait(b, och, &w[0].entry), -EAGAIN);
	fake_hold_completions(false);
	poll_idle();
	cr_expect(order[0] == 1 && order[1] == 2 && order[2] == 3, "called in order (%u %u %u)",
		  order[0], order[1], order[2]);
	for (i = 0; i < 3; i++)
		cr_expect_eq(w[i].submit_rc, 0, "waiter %u submitted from its callback", i);
	cr_expect_eq(d.n, 5, "two reads and three from the waiters");
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_put_io_channel(och);
	aoe_bdev_close(desc);
	aoe_bdev_close(other);
}

/* ---- events --------------------------------------------------------------------------------- */

Test(bdev, remove_with_io_in_flight)
{
	struct events ev = {0}, ev2 = {0};
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, &ev);
	struct aoe_bdev_desc *self_closing = open_ok("e1.1", false, &ev2);
	struct aoe_io_channel *ch = channel_ok(desc, 8);
	static uint8_t buf[8][4096];
	struct aoe_bdev_desc *again;
	struct done d = {0};
	unsigned int i;

	ev2.close_on_remove = self_closing;
	fake_hold_completions(true);
	for (i = 0; i < 8; i++)
		cr_assert_eq(aoe_bdev_read(desc, ch, buf[i], i * 4096, 4096, io_cb, &d), 0);
	fake_target_down(tgt);
	cr_expect_eq(ev.remove, 1, "REMOVE delivered");
	cr_expect_eq(ev2.remove, 1);
	cr_expect_eq(ev2.close_rc, 0, "closed from its own event callback");
	cr_expect_eq(aoe_io_target_state(tgt), AOE_TARGET_DOWN_CLOSEWAIT, "held: closewait");
	poll_idle(); /* completions are still held back: a down target fails its I/O anyway */
	cr_expect_eq(d.n, 8, "every I/O in flight failed at once");
	for (i = 0; i < 8; i++)
		cr_expect_eq(d.statuses[i], -ENODEV);
	cr_expect_eq(aoe_bdev_read(desc, ch, buf[0], 0, 512, io_cb, &d), -ENODEV);
	/* Down,closewait until the descriptor is closed: nothing brings it back. */
	fake_settle();
	fake_target_again(tgt);
	cr_expect_eq(aoe_io_target_state(tgt), AOE_TARGET_DOWN_CLOSEWAIT);
	cr_expect_eq(aoe_bdev_open("e1.1", false, NULL, NULL, &again), -ENODEV);
	aoe_bdev_put_io_channel(ch);
	cr_expect_eq(aoe_bdev_close(desc), 0);
	fake_settle();
	cr_expect_eq(aoe_io_target_state(tgt), AOE_TARGET_DOWN, "released");
	fake_target_again(tgt);
	again = open_ok("e1.1", false, NULL);
	cr_expect_neq(aoe_bdev_desc_get_bdev(again), NULL);
	cr_expect_eq(aoe_bdev_close(again), 0);
}

Test(bdev, resize)
{
	struct events ev = {0};
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, &ev);
	struct aoe_io_channel *ch = channel_ok(desc, 1);
	static uint8_t buf[512];
	struct done d = {0};

	cr_expect_eq(aoe_bdev_write_blocks(desc, ch, buf, SECTORS, 1, io_cb, &d), -ERANGE);
	fake_target_resize(tgt, 2 * SECTORS);
	cr_expect_eq(ev.resize, 1);
	cr_expect_eq(ev.remove, 0);
	cr_expect_eq(aoe_bdev_get_num_blocks(aoe_bdev_desc_get_bdev(desc)), 2 * SECTORS);
	cr_expect_eq(aoe_bdev_write_blocks(desc, ch, buf, SECTORS, 1, io_cb, &d), 0,
		     "the new blocks are there");
	poll_idle();
	cr_expect_eq(d.status, 0);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

/* ---- statistics ----------------------------------------------------------------------------- */

Test(bdev, io_stat)
{
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, NULL);
	struct aoe_bdev *b = aoe_bdev_desc_get_bdev(desc);
	struct aoe_io_channel *ch = channel_ok(desc, 4), *ch1;
	static uint8_t buf[4096];
	struct aoe_bdev_io_stat st;
	struct done d = {0};

	cr_expect_eq(aoe_bdev_get_io_stat(NULL, &st), -EINVAL);
	cr_expect_eq(aoe_bdev_get_io_stat(b, NULL), -EINVAL);
	cr_assert_eq(aoe_bdev_read(desc, ch, buf, 0, 4096, io_cb, &d), 0);
	cr_assert_eq(aoe_bdev_read(desc, ch, buf, 0, 1024, io_cb, &d), 0);
	cr_assert_eq(aoe_bdev_writev(desc, ch, eiov, 2, 0, 2048, io_cb, &d), 0);
	cr_assert_eq(aoe_bdev_flush(desc, ch, io_cb, &d), 0);
	poll_idle();
	cr_assert_eq(aoe_bdev_write_zeroes(desc, ch, 0, 3u << 20, io_cb, &d), 0);
	poll_idle();
	fake_fail_next(-EIO);
	cr_assert_eq(aoe_bdev_read(desc, ch, buf, 0, 512, io_cb, &d), 0);
	poll_idle();
	/* A channel on another lcore, put before the sum: its counts stay with the bdev. */
	fake_lcore_set(1);
	ch1 = channel_ok(desc, 1);
	cr_assert_eq(aoe_bdev_write(desc, ch1, buf, 0, 512, io_cb, &d), 0);
	poll_idle();
	aoe_bdev_put_io_channel(ch1);
	fake_lcore_set(0);
	cr_assert_eq(aoe_bdev_get_io_stat(b, &st), 0);
	cr_expect_eq(st.num_read_ops, 2);
	cr_expect_eq(st.bytes_read, 5120);
	cr_expect_eq(st.num_write_ops, 2);
	cr_expect_eq(st.bytes_written, 2560);
	cr_expect_eq(st.num_write_zeroes_ops, 1);
	cr_expect_eq(st.bytes_zeroed, 3u << 20);
	cr_expect_eq(st.num_flush_ops, 1);
	cr_expect_eq(st.num_failed_ops, 1);
	/* The engine's own stamps, good reads and writes only. */
	cr_expect_eq(st.read_latency_ticks, 2 * FAKE_LATENCY_TICKS);
	cr_expect_eq(st.write_latency_ticks, 2 * FAKE_LATENCY_TICKS);
	cr_expect_eq(st.ticks_rate, rte_get_tsc_hz());
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
}

/* ---- the engine stopping and starting again -------------------------------------------------- */

Test(bdev, engine_stop_and_start_again)
{
	struct events ev = {0};
	struct aoe_bdev_desc *desc = open_ok("e1.1", true, &ev);
	struct aoe_io_channel *ch = channel_ok(desc, 4);
	struct aoe_bdev *b = aoe_bdev_desc_get_bdev(desc);
	static uint8_t buf[4096];
	struct aoe_bdev_io_stat st;
	struct done d = {0};

	fake_hold_completions(true);
	cr_assert_eq(aoe_bdev_read(desc, ch, buf, 0, 4096, io_cb, &d), 0);
	cr_assert_eq(aoe_bdev_read(desc, ch, buf, 0, 4096, io_cb, &d), 0);
	fake_lcore_set(-1); /* aoe_fini() runs on a thread that is no polling lcore */
	fake_engine_stop();
	fake_hold_completions(false);
	cr_expect_eq(ev.remove, 1, "REMOVE at aoe_fini()");
	cr_expect_eq(d.n, 2, "in flight: cancelled");
	cr_expect(d.statuses[0] == -ECANCELED && d.statuses[1] == -ECANCELED);
	cr_expect_eq(aoe_bdev_list(NULL, 0), 0);
	/* The descriptor outlives the engine: I/O refused, getters and close still work. */
	cr_expect_eq(aoe_bdev_read(desc, ch, buf, 0, 512, io_cb, &d), -ENODEV);
	cr_expect_str_eq(aoe_bdev_get_name(b), "e1.1");
	cr_expect_eq(aoe_bdev_get_payload(b), 0);
	cr_expect_eq(aoe_bdev_get_io_stat(b, &st), 0);
	aoe_bdev_put_io_channel(ch);
	cr_expect_eq(aoe_bdev_close(desc), 0);

	/* Init again: a new target, a new bdev. */
	engine_up();
	tgt = fake_target_up(1, 1, SECTORS, NULL, 0);
	desc = open_ok("e1.1", true, NULL);
	ch = channel_ok(desc, 1);
	cr_assert_eq(aoe_bdev_write(desc, ch, buf, 0, 4096, io_cb, &d), 0);
	poll_idle();
	cr_expect_eq(d.status, 0);
	aoe_bdev_put_io_channel(ch);
	cr_expect_eq(aoe_bdev_close(desc), 0);
}

/* ---- open and close racing a target going down ---------------------------------------------- */

struct race {
	volatile bool stop;
	unsigned int opened, refused, removed_seen, wrong_generation, bad_rc;
};

static void
race_event(enum aoe_bdev_event_type type, struct aoe_bdev *bdev, void *ctx)
{
	struct race *r = ctx;

	(void)bdev;
	if (type == AOE_BDEV_EVENT_REMOVE)
		__atomic_fetch_add(&r->removed_seen, 1, __ATOMIC_RELAXED);
}

/* Another thread (a control thread: no polling lcore) opens and closes as fast as it can. */
static void *
opener(void *arg)
{
	struct race *r = arg;

	fake_lcore_set(-1);
	while (!r->stop) {
		struct aoe_bdev_desc *desc;
		uint32_t gen;
		int rc = aoe_bdev_open("e1.1", true, race_event, r, &desc);

		if (rc != 0) {
			if (rc != -ENODEV && rc != -ENOENT)
				__atomic_fetch_add(&r->bad_rc, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&r->refused, 1, __ATOMIC_RELAXED);
			continue;
		}
		__atomic_fetch_add(&r->opened, 1, __ATOMIC_RELAXED);
		/* Held: the target cannot have gone down and come back until the close. */
		gen = fake_target_generation(tgt);
		for (volatile int spin = 0; spin < 100; spin++)
			;
		if (fake_target_generation(tgt) != gen)
			__atomic_fetch_add(&r->wrong_generation, 1, __ATOMIC_RELAXED);
		if (aoe_bdev_close(desc) != 0)
			__atomic_fetch_add(&r->bad_rc, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

Test(bdev, open_close_racing_target_down, .timeout = 60)
{
	struct race r = {0};
	pthread_t th[2];
	unsigned int cycle, i;

	for (i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, opener, &r), 0);
	for (cycle = 0; cycle < 500; cycle++) {
		usleep(20); /* up a while: the openers get in */
		fake_target_down(tgt);
		/* Management: released once nobody holds it, then it may come back. */
		while (aoe_io_target_state(tgt) != AOE_TARGET_DOWN)
			poll_idle();
		fake_target_again(tgt);
	}
	r.stop = true;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	cr_log_info("%u opens, %u refused, %u removes", r.opened, r.refused, r.removed_seen);
	cr_expect_gt(r.opened, 0);
	cr_expect_eq(r.bad_rc, 0, "open refused with -ENODEV or -ENOENT only, close always 0");
	cr_expect_eq(r.wrong_generation, 0, "a held target came back up under its holder");
	cr_expect_eq(fake_target_holds(tgt), 0, "every hold released");
	cr_expect_eq(aoe_bdev_list(NULL, 0), 1);
}
