/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The data pattern aoe-perf writes and checks.
 *
 * In the 512-byte sector at LBA L, the 64 little-endian 64-bit words of generation G are
 * word[i] = ((L << 6) | i) XOR seed XOR (G * PERF_PATTERN_GEN_MUL). Every sector on the disk is
 * therefore different and names itself, so a read that returns the wrong sector (or a stale one
 * written with another seed) is caught, not only one that returns garbage. Generation 0 is the
 * pattern with the seed alone; a verify run writes generation P in its pass P, so a write that
 * was acknowledged but never stored leaves the previous pass's data, which the check of the pass
 * sees and names (perf_mismatch.found_gen). DPDK-free so unit tests can use it.
 */
#ifndef PERF_PATTERN_H
#define PERF_PATTERN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#define PERF_SECTOR_SIZE      512
#define PERF_WORDS_PER_SECTOR (PERF_SECTOR_SIZE / 8)

/**
 * What a generation XORs into every word, times the generation: 2^64 divided by the golden
 * ratio, odd, so that every generation changes every word and the generation can be recovered
 * from a word (multiplying by PERF_PATTERN_GEN_INV).
 */
#define PERF_PATTERN_GEN_MUL UINT64_C(0x9e3779b97f4a7c15)
/** The inverse of PERF_PATTERN_GEN_MUL modulo 2^64. */
#define PERF_PATTERN_GEN_INV UINT64_C(0xf1de83e19937733d)

/** Where a check first found data that does not match the pattern. */
struct perf_mismatch {
	uint64_t lba;	   /**< the first bad sector */
	unsigned int word; /**< the first bad 64-bit word in it (0-63) */
	uint64_t expected;
	uint64_t found;
	uint64_t gen;	    /**< the generation checked for */
	uint64_t found_gen; /**< the generation @p found is of this word's pattern: below @p gen for
			       data a lost write left behind, anything for other data */
};

/** The word @p word of generation @p gen of the sector at @p lba. */
static inline uint64_t
perf_pattern_word(uint64_t lba, unsigned int word, uint64_t seed, uint64_t gen)
{
	return ((lba << 6) | word) ^ seed ^ (gen * PERF_PATTERN_GEN_MUL);
}

/** The generation of which @p value is word @p word of the sector at @p lba. */
static inline uint64_t
perf_pattern_gen_of(uint64_t value, uint64_t lba, unsigned int word, uint64_t seed)
{
	return (value ^ ((lba << 6) | word) ^ seed) * PERF_PATTERN_GEN_INV;
}

/** Fill @p nsectors sectors of generation @p gen starting at @p lba into @p buf (any alignment). */
void perf_pattern_fill(void *buf, uint64_t lba, uint64_t nsectors, uint64_t seed, uint64_t gen);

/**
 * Check @p nsectors sectors of @p buf holding the data of the sectors starting at @p lba against
 * generation @p gen.
 * @return true when every word matches; false with @p bad (if not NULL) describing the first
 *         bad word of the first bad sector.
 */
bool perf_pattern_check(const void *buf, uint64_t lba, uint64_t nsectors, uint64_t seed,
			uint64_t gen, struct perf_mismatch *bad);

/**
 * perf_pattern_check() over data scattered in @p iovcnt segments of any length (a zero-copy
 * read's, into its frames: a sector, or a word, may straddle two), in order.
 * @return true when the segments start with @p nsectors sectors that all match; false with
 *         @p bad describing the first bad word, or the first missing one when they are short.
 */
bool perf_pattern_check_iov(const struct iovec *iov, unsigned int iovcnt, uint64_t lba,
			    uint64_t nsectors, uint64_t seed, uint64_t gen,
			    struct perf_mismatch *bad);

#endif /* PERF_PATTERN_H */
