/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "perf_pattern.h"

/* Words are stored little-endian whatever the host is, so a disk written on one machine checks
 * on another. memcpy keeps unaligned buffers legal; compilers turn it into plain moves. */
static inline void
store_le64(unsigned char *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

static inline uint64_t
load_le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

void
perf_pattern_fill(void *buf, uint64_t lba, uint64_t nsectors, uint64_t seed, uint64_t gen)
{
	unsigned char *p = buf;
	uint64_t s;
	unsigned int i;

	for (s = 0; s < nsectors; s++) {
		uint64_t base = perf_pattern_word(lba + s, 0, seed, gen);

		/* (L << 6) has its low 6 bits clear, so OR-ing i is XOR-ing it. */
		for (i = 0; i < PERF_WORDS_PER_SECTOR; i++)
			store_le64(p + i * 8, base ^ i);
		p += PERF_SECTOR_SIZE;
	}
}

/* Word @p i of the sector at @p lba is @p found: true when it is the pattern's, else false
 * with @p bad (if not NULL) describing it. */
static inline bool
word_ok(uint64_t found, uint64_t lba, unsigned int i, uint64_t seed, uint64_t gen,
	struct perf_mismatch *bad)
{
	uint64_t expected = perf_pattern_word(lba, i, seed, gen);

	if (found == expected)
		return true;
	if (bad != NULL) {
		bad->lba = lba;
		bad->word = i;
		bad->expected = expected;
		bad->found = found;
		bad->gen = gen;
		bad->found_gen = perf_pattern_gen_of(found, lba, i, seed);
	}
	return false;
}

bool
perf_pattern_check(const void *buf, uint64_t lba, uint64_t nsectors, uint64_t seed, uint64_t gen,
		   struct perf_mismatch *bad)
{
	const unsigned char *p = buf;
	uint64_t s;
	unsigned int i;

	for (s = 0; s < nsectors; s++) {
		for (i = 0; i < PERF_WORDS_PER_SECTOR; i++)
			if (!word_ok(load_le64(p + i * 8), lba + s, i, seed, gen, bad))
				return false;
		p += PERF_SECTOR_SIZE;
	}
	return true;
}

bool
perf_pattern_check_iov(const struct iovec *iov, unsigned int iovcnt, uint64_t lba,
		       uint64_t nsectors, uint64_t seed, uint64_t gen, struct perf_mismatch *bad)
{
	uint64_t w = 0, words = nsectors * PERF_WORDS_PER_SECTOR;
	unsigned char part[8];
	size_t have = 0;
	unsigned int v;

	for (v = 0; v < iovcnt; v++) {
		const unsigned char *p = iov[v].iov_base;
		size_t left = iov[v].iov_len;

		while (left != 0 && w < words) {
			if (have != 0 || left < sizeof(part)) {
				/* A word across two segments: gathered first. */
				size_t n = sizeof(part) - have < left ? sizeof(part) - have : left;

				memcpy(part + have, p, n);
				have += n;
				p += n;
				left -= n;
				if (have < sizeof(part))
					continue;
				have = 0;
				if (!word_ok(load_le64(part), lba + w / PERF_WORDS_PER_SECTOR,
					     (unsigned int)(w % PERF_WORDS_PER_SECTOR), seed, gen,
					     bad))
					return false;
				w++;
				continue;
			}
			if (!word_ok(load_le64(p), lba + w / PERF_WORDS_PER_SECTOR,
				     (unsigned int)(w % PERF_WORDS_PER_SECTOR), seed, gen, bad))
				return false;
			w++;
			p += 8;
			left -= 8;
		}
	}
	if (w == words && have == 0)
		return true;
	/* Fewer bytes than the sectors: the first word missing is the mismatch. */
	if (bad != NULL) {
		memset(bad, 0, sizeof(*bad));
		bad->lba = lba + w / PERF_WORDS_PER_SECTOR;
		bad->word = (unsigned int)(w % PERF_WORDS_PER_SECTOR);
		bad->expected = perf_pattern_word(bad->lba, bad->word, seed, gen);
		bad->gen = gen;
	}
	return false;
}
