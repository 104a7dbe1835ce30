/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The data pattern aoe-perf writes and checks.
 *
 * In the 512-byte sector at LBA L, the 64 little-endian 64-bit words are
 * word[i] = ((L << 6) | i) XOR seed. Every sector on the disk is therefore different and names
 * itself, so a read that returns the wrong sector (or a stale one written with another seed)
 * is caught, not only one that returns garbage. DPDK-free so unit tests can use it.
 */
#ifndef PERF_PATTERN_H
#define PERF_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#define PERF_SECTOR_SIZE      512
#define PERF_WORDS_PER_SECTOR (PERF_SECTOR_SIZE / 8)

/** Where a check first found data that does not match the pattern. */
struct perf_mismatch {
	uint64_t lba;	   /**< the first bad sector */
	unsigned int word; /**< the first bad 64-bit word in it (0-63) */
	uint64_t expected;
	uint64_t found;
};

/** The pattern word @p word of the sector at @p lba. */
static inline uint64_t
perf_pattern_word(uint64_t lba, unsigned int word, uint64_t seed)
{
	return ((lba << 6) | word) ^ seed;
}

/** Fill @p nsectors sectors starting at @p lba into @p buf (any alignment). */
void perf_pattern_fill(void *buf, uint64_t lba, uint64_t nsectors, uint64_t seed);

/**
 * Check @p nsectors sectors of @p buf holding the data of the sectors starting at @p lba.
 * @return true when every word matches; false with @p bad (if not NULL) describing the first
 *         bad word of the first bad sector.
 */
bool perf_pattern_check(const void *buf, uint64_t lba, uint64_t nsectors, uint64_t seed,
			struct perf_mismatch *bad);

#endif /* PERF_PATTERN_H */
