/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * A log-linear latency histogram (HDR-like) for aoe-perf.
 *
 * Values (TSC cycles) below 2^(PERF_LAT_SUB_BITS + 1) get a bucket each; above that every power
 * of two is cut into 2^PERF_LAT_SUB_BITS equal buckets, so any value is known to within
 * 1/2^PERF_LAT_SUB_BITS of itself (0.4 %) over the whole 64-bit range. The table is fixed-size:
 * recording is a few instructions and never allocates. DPDK-free so unit tests can use it.
 */
#ifndef PERF_LATENCY_H
#define PERF_LATENCY_H

#include <stdint.h>

#define PERF_LAT_SUB_BITS  8
#define PERF_LAT_SUB_COUNT (1u << PERF_LAT_SUB_BITS)
#define PERF_LAT_BUCKETS   ((65 - PERF_LAT_SUB_BITS) * PERF_LAT_SUB_COUNT)

struct perf_lat {
	uint64_t count;
	uint64_t sum;
	uint64_t min; /**< UINT64_MAX while empty */
	uint64_t max;
	uint64_t buckets[PERF_LAT_BUCKETS];
};

/** The bucket that holds @p v. */
static inline unsigned int
perf_lat_bucket(uint64_t v)
{
	unsigned int msb, shift;

	if (v < 2 * (uint64_t)PERF_LAT_SUB_COUNT)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - PERF_LAT_SUB_BITS;
	return ((shift + 1) << PERF_LAT_SUB_BITS) +
	       (unsigned int)((v >> shift) - PERF_LAT_SUB_COUNT);
}

/** The smallest value bucket @p b holds. */
static inline uint64_t
perf_lat_bucket_low(unsigned int b)
{
	unsigned int range = b >> PERF_LAT_SUB_BITS;
	uint64_t sub = b & (PERF_LAT_SUB_COUNT - 1);

	if (range == 0)
		return sub;
	return (PERF_LAT_SUB_COUNT + sub) << (range - 1);
}

/** Record one value; the hot path. */
static inline void
perf_lat_record(struct perf_lat *h, uint64_t v)
{
	h->buckets[perf_lat_bucket(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/** Empty @p h. */
void perf_lat_init(struct perf_lat *h);

/** Add every value recorded in @p src to @p dst. */
void perf_lat_merge(struct perf_lat *dst, const struct perf_lat *src);

/**
 * The @p pct percentile (0-100): the value v such that at least pct % of the recorded values
 * are <= v, to within the bucket resolution (the middle of its bucket, clamped to [min, max]).
 * @return 0 when nothing was recorded.
 */
uint64_t perf_lat_percentile(const struct perf_lat *h, double pct);

/** The mean, 0 when empty. */
double perf_lat_mean(const struct perf_lat *h);

#endif /* PERF_LATENCY_H */
