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

bool
perf_pattern_check(const void *buf, uint64_t lba, uint64_t nsectors, uint64_t seed, uint64_t gen,
		   struct perf_mismatch *bad)
{
	const unsigned char *p = buf;
	uint64_t s;
	unsigned int i;

	for (s = 0; s < nsectors; s++) {
		uint64_t base = perf_pattern_word(lba + s, 0, seed, gen);

		for (i = 0; i < PERF_WORDS_PER_SECTOR; i++) {
			uint64_t found = load_le64(p + i * 8);

			if (found == (base ^ i))
				continue;
			if (bad != NULL) {
				bad->lba = lba + s;
				bad->word = i;
				bad->expected = base ^ i;
				bad->found = found;
				bad->gen = gen;
				bad->found_gen = perf_pattern_gen_of(found, lba + s, i, seed);
			}
			return false;
		}
		p += PERF_SECTOR_SIZE;
	}
	return true;
}
