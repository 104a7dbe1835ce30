/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests app/aoe-perf/pattern.c: the word formula, its byte order, the seed, first-bad-LBA, and
 * generations: 0 is the documented pattern, every other one changes every word and is named.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "perf_pattern.h"

static uint64_t
le64_at(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

Test(perf_pattern, formula_and_byte_order)
{
	unsigned char buf[PERF_SECTOR_SIZE];
	unsigned int i;

	perf_pattern_fill(buf, 1, 1, 0, 0);
	/* LBA 1, word 0: 1 << 6 = 0x40, least significant byte first. */
	cr_assert_eq(buf[0], 0x40);
	for (i = 1; i < 8; i++)
		cr_assert_eq(buf[i], 0);
	/* word 63 of LBA 1: 0x40 | 63 = 0x7f */
	cr_assert_eq(le64_at(buf + 63 * 8), 0x7f);
	for (i = 0; i < PERF_WORDS_PER_SECTOR; i++)
		cr_assert_eq(le64_at(buf + i * 8), (1ull << 6) | i);
}

Test(perf_pattern, seed_is_xored)
{
	unsigned char buf[2 * PERF_SECTOR_SIZE];
	const uint64_t seed = 0xdeadbeefcafef00dull;
	uint64_t lba = 123456789;
	unsigned int s, i;

	perf_pattern_fill(buf, lba, 2, seed, 0);
	for (s = 0; s < 2; s++)
		for (i = 0; i < PERF_WORDS_PER_SECTOR; i++)
			cr_assert_eq(le64_at(buf + s * PERF_SECTOR_SIZE + i * 8),
				     (((lba + s) << 6) | i) ^ seed);
	cr_assert(perf_pattern_check(buf, lba, 2, seed, 0, NULL));
	cr_assert_not(perf_pattern_check(buf, lba, 2, seed ^ 1, 0, NULL));
	cr_assert_not(perf_pattern_check(buf, lba, 2, 0, 0, NULL));
}

Test(perf_pattern, wrong_lba_is_caught)
{
	unsigned char buf[PERF_SECTOR_SIZE];
	struct perf_mismatch bad;

	/* Data of sector 10 read back as if it were sector 11: a misdirected read. */
	perf_pattern_fill(buf, 10, 1, 7, 0);
	cr_assert_not(perf_pattern_check(buf, 11, 1, 7, 0, &bad));
	cr_assert_eq(bad.lba, 11);
	cr_assert_eq(bad.word, 0);
	cr_assert_eq(bad.expected, (11ull << 6) ^ 7);
	cr_assert_eq(bad.found, (10ull << 6) ^ 7);
}

Test(perf_pattern, first_bad_lba_word_expected_found)
{
	const unsigned int n = 16;
	unsigned char *buf = malloc(n * PERF_SECTOR_SIZE);
	struct perf_mismatch bad;
	uint64_t lba = 1000, seed = 42;

	cr_assert_not_null(buf);
	perf_pattern_fill(buf, lba, n, seed, 0);
	cr_assert(perf_pattern_check(buf, lba, n, seed, 0, &bad));
	/* Two corruptions: the report names the earlier sector, not the later word. */
	buf[9 * PERF_SECTOR_SIZE + 2 * 8] ^= 0x01;
	buf[5 * PERF_SECTOR_SIZE + 40 * 8 + 7] ^= 0x80;
	memset(&bad, 0, sizeof(bad));
	cr_assert_not(perf_pattern_check(buf, lba, n, seed, 0, &bad));
	cr_assert_eq(bad.lba, lba + 5);
	cr_assert_eq(bad.word, 40);
	cr_assert_eq(bad.expected, (((lba + 5) << 6) | 40) ^ seed);
	cr_assert_eq(bad.found, bad.expected ^ (0x80ull << 56));
	/* Checking from the later sector on finds the other one. */
	cr_assert_not(
		perf_pattern_check(buf + 6 * PERF_SECTOR_SIZE, lba + 6, n - 6, seed, 0, &bad));
	cr_assert_eq(bad.lba, lba + 9);
	cr_assert_eq(bad.word, 2);
	cr_assert_eq(bad.found, bad.expected ^ 1);
	free(buf);
}

Test(perf_pattern, last_word_of_last_sector)
{
	unsigned char buf[4 * PERF_SECTOR_SIZE];
	struct perf_mismatch bad;

	perf_pattern_fill(buf, 0, 4, 0, 0);
	buf[sizeof(buf) - 1] ^= 0xff;
	cr_assert_not(perf_pattern_check(buf, 0, 4, 0, 0, &bad));
	cr_assert_eq(bad.lba, 3);
	cr_assert_eq(bad.word, 63);
	/* Zero sectors hold nothing to disagree with. */
	cr_assert(perf_pattern_check(buf, 0, 0, 0, 0, &bad));
}

Test(perf_pattern, unaligned_buffer)
{
	unsigned char *mem = malloc(3 * PERF_SECTOR_SIZE + 8);
	unsigned char *buf = mem + 3;

	cr_assert_not_null(mem);
	perf_pattern_fill(buf, 77, 3, 5, 0);
	cr_assert(perf_pattern_check(buf, 77, 3, 5, 0, NULL));
	cr_assert_eq(le64_at(buf + PERF_SECTOR_SIZE), (78ull << 6) ^ 5);
	free(mem);
}

Test(perf_pattern, high_lba)
{
	unsigned char buf[PERF_SECTOR_SIZE];
	uint64_t lba = (1ull << 48) - 1; /* the last LBA48 sector */

	perf_pattern_fill(buf, lba, 1, 0, 0);
	cr_assert_eq(le64_at(buf + 5 * 8), (lba << 6) | 5);
	cr_assert_eq(perf_pattern_word(lba, 5, 0, 0), (lba << 6) | 5);
	cr_assert(perf_pattern_check(buf, lba, 1, 0, 0, NULL));
}

Test(perf_pattern, generation_constants_invert)
{
	cr_assert_eq(PERF_PATTERN_GEN_MUL * PERF_PATTERN_GEN_INV, 1);
	cr_assert_eq(PERF_PATTERN_GEN_MUL & 1, 1, "odd: no generation is lost modulo 2^64");
}

Test(perf_pattern, generation_zero_is_the_documented_pattern)
{
	unsigned char buf[2 * PERF_SECTOR_SIZE];
	const uint64_t seed = 0x1234;
	unsigned int s, i;

	perf_pattern_fill(buf, 500, 2, seed, 0);
	for (s = 0; s < 2; s++)
		for (i = 0; i < PERF_WORDS_PER_SECTOR; i++)
			cr_assert_eq(le64_at(buf + s * PERF_SECTOR_SIZE + i * 8),
				     (((500ull + s) << 6) | i) ^ seed);
}

Test(perf_pattern, generation_formula)
{
	unsigned char buf[PERF_SECTOR_SIZE];
	const uint64_t seed = 99, gen = 3;
	unsigned int i;

	perf_pattern_fill(buf, 8, 1, seed, gen);
	for (i = 0; i < PERF_WORDS_PER_SECTOR; i++)
		cr_assert_eq(le64_at(buf + i * 8),
			     ((8ull << 6) | i) ^ seed ^ (gen * 0x9e3779b97f4a7c15ull));
	cr_assert(perf_pattern_check(buf, 8, 1, seed, gen, NULL));
	cr_assert_eq(perf_pattern_word(8, 7, seed, gen), le64_at(buf + 7 * 8));
}

/* A write of pass 5 that never reached the disk leaves pass 4's data: caught, and named. */
Test(perf_pattern, lost_write_is_caught_and_named)
{
	unsigned char buf[4 * PERF_SECTOR_SIZE];
	struct perf_mismatch bad;
	const uint64_t seed = 0xfeed;

	perf_pattern_fill(buf, 100, 4, seed, 5);
	perf_pattern_fill(buf + 2 * PERF_SECTOR_SIZE, 102, 1, seed, 4);
	cr_assert_not(perf_pattern_check(buf, 100, 4, seed, 5, &bad));
	cr_assert_eq(bad.lba, 102);
	cr_assert_eq(bad.word, 0);
	cr_assert_eq(bad.gen, 5);
	cr_assert_eq(bad.found_gen, 4);
	cr_assert_eq(bad.found, perf_pattern_word(102, 0, seed, 4));
	cr_assert_eq(bad.expected, perf_pattern_word(102, 0, seed, 5));
}

/* Every word of every sector differs from one generation to the next. */
Test(perf_pattern, every_word_changes_between_generations)
{
	unsigned char a[PERF_SECTOR_SIZE], b[PERF_SECTOR_SIZE];
	uint64_t gen;
	unsigned int i;

	for (gen = 0; gen < 64; gen++) {
		perf_pattern_fill(a, 31, 1, 0, gen);
		perf_pattern_fill(b, 31, 1, 0, gen + 1);
		for (i = 0; i < PERF_WORDS_PER_SECTOR; i++)
			cr_assert_neq(le64_at(a + i * 8), le64_at(b + i * 8));
		cr_assert_not(perf_pattern_check(a, 31, 1, 0, gen + 1, NULL));
	}
}

/* Data no pass wrote (zeros) names no earlier pass of a run of a few passes. */
Test(perf_pattern, zeros_are_no_earlier_generation)
{
	unsigned char buf[PERF_SECTOR_SIZE];
	struct perf_mismatch bad;

	memset(buf, 0, sizeof(buf));
	cr_assert_not(perf_pattern_check(buf, 1234, 1, 0, 7, &bad));
	cr_assert_geq(bad.found_gen, 7);
}

/* A zero-copy read's segments: any cut, a word or a sector across two segments. */
Test(perf_pattern, check_over_segments)
{
	static unsigned char buf[8 * 512];
	const size_t cuts[][4] = {
		{4096, 0, 0, 0}, {2012, 2084, 0, 0}, {3, 5, 4000, 88}, {512, 1, 7, 3576}};
	struct perf_mismatch bad;
	unsigned int c;

	perf_pattern_fill(buf, 77, 8, 0x1234, 3);
	for (c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		struct iovec iov[4];
		size_t at = 0;
		unsigned int n = 0, i;

		for (i = 0; i < 4 && cuts[c][i] != 0; i++, n++) {
			iov[i].iov_base = buf + at;
			iov[i].iov_len = cuts[c][i];
			at += cuts[c][i];
		}
		cr_expect(perf_pattern_check_iov(iov, n, 77, 8, 0x1234, 3, &bad), "cut %u", c);
		cr_expect_not(perf_pattern_check_iov(iov, n, 78, 8, 0x1234, 3, &bad),
			      "cut %u: another LBA", c);
		/* One byte of a word that straddles, wrong. */
		buf[2012 + 1] ^= 0x40;
		cr_expect_not(perf_pattern_check_iov(iov, n, 77, 8, 0x1234, 3, &bad));
		cr_expect(bad.lba == 77 + 2012 / 512 && bad.word == (2012 % 512) / 8, "cut %u", c);
		buf[2012 + 1] ^= 0x40;
	}
	/* Short: a sector missing is a mismatch at its first word. */
	{
		struct iovec iov = {buf, 7 * 512 + 8};

		cr_expect_not(perf_pattern_check_iov(&iov, 1, 77, 8, 0x1234, 3, &bad));
		cr_expect(bad.lba == 84 && bad.word == 1);
	}
}
