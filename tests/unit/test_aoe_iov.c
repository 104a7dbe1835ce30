/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/aoe/aoe_iov.c: frames' data to and from an I/O's iovecs, whatever the split, in any
 * order (answers come out of order), with empty iovecs and lengths that overflow.
 */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aoe_iov.h"

#define LEN 20000

static uint8_t flat[LEN], pieces[LEN], out[LEN];

static void
fill(void)
{
	size_t i;

	for (i = 0; i < LEN; i++)
		flat[i] = (uint8_t)(i * 7 + i / 251);
}

Test(iov, length)
{
	struct iovec v[3] = {{NULL, 5}, {NULL, 0}, {NULL, 7}};
	struct iovec big[2] = {{NULL, SIZE_MAX}, {NULL, 2}};

	cr_expect_eq(aoe_iov_length(v, 3), 12);
	cr_expect_eq(aoe_iov_length(v, 0), 0);
	cr_expect_eq(aoe_iov_length(big, 2), UINT64_MAX, "an overflowing sum");
}

/* Every split of the data into iovecs at @p cuts, written and read in frames of @p frame
 * bytes, in the order @p order gives (0: ascending, 1: descending, 2: odd ones first). */
static void
round_trip(const size_t *cuts, unsigned int nb_cuts, size_t frame, int order)
{
	struct iovec iov[64];
	struct aoe_iov_cursor cur = {0};
	size_t at = 0, nframes = (LEN + frame - 1) / frame, i;
	unsigned int n = 0;

	for (i = 0; i < nb_cuts; i++) {
		iov[n++] = (struct iovec){pieces + at, cuts[i] - at};
		at = cuts[i];
	}
	iov[n++] = (struct iovec){pieces + at, LEN - at};
	memset(pieces, 0, sizeof(pieces));
	memset(out, 0, sizeof(out));
	for (i = 0; i < nframes; i++) {
		/* Order 2: the odd frames, then the even ones. */
		size_t odd = nframes / 2, f = order == 0   ? i
					      : order == 1 ? nframes - 1 - i
					      : i < odd	   ? 2 * i + 1
							   : 2 * (i - odd);
		size_t off = f * frame, len = LEN - off < frame ? LEN - off : frame;

		aoe_iov_in(iov, n, &cur, off, flat + off, len);
	}
	cr_assert_eq(memcmp(pieces, flat, LEN), 0, "in: frame %zu, order %d", frame, order);
	for (i = nframes; i-- > 0;) {
		size_t off = i * frame, len = LEN - off < frame ? LEN - off : frame;

		aoe_iov_out(iov, n, &cur, off, out + off, len);
	}
	cr_assert_eq(memcmp(out, flat, LEN), 0, "out: frame %zu, order %d", frame, order);
}

Test(iov, any_split_any_order)
{
	static const size_t frames[] = {512, 1024, 1000, 8704, LEN};
	static const size_t sector_cuts[] = {512, 1024, 4096, 4608, 19968};
	static const size_t odd_cuts[] = {1, 2, 511, 513, 1023, 1025, 9999, 19999};
	static const size_t empty_cuts[] = {0, 0, 700, 700, 700, LEN};
	unsigned int f, o;

	fill();
	for (f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
		for (o = 0; o < 3; o++) {
			round_trip(sector_cuts, 5, frames[f], (int)o);
			round_trip(odd_cuts, 8, frames[f], (int)o);
			round_trip(empty_cuts, 6, frames[f], (int)o);
			round_trip(NULL, 0, frames[f], (int)o);
		}
	}
}

Test(iov, past_the_end_is_not_copied)
{
	uint8_t a[4] = {0}, src[8] = {1, 2, 3, 4, 5, 6, 7, 8}, dst[8];
	struct iovec v = {a, sizeof(a)};
	struct aoe_iov_cursor cur = {0};

	aoe_iov_in(&v, 1, &cur, 2, src, 8);
	cr_expect(a[0] == 0 && a[1] == 0 && a[2] == 1 && a[3] == 2);
	memset(dst, 0xee, sizeof(dst));
	aoe_iov_out(&v, 1, &cur, 3, dst, 8);
	cr_expect(dst[0] == 2 && dst[1] == 0xee);
	aoe_iov_out(&v, 1, &cur, 100, dst, 8);
	cr_expect_eq(dst[0], 2, "nothing past the end");
}
