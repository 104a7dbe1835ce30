/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <string.h>

#include "perf_latency.h"

void
perf_lat_init(struct perf_lat *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void
perf_lat_merge(struct perf_lat *dst, const struct perf_lat *src)
{
	unsigned int b;

	if (src->count == 0)
		return;
	for (b = 0; b < PERF_LAT_BUCKETS; b++)
		dst->buckets[b] += src->buckets[b];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
perf_lat_percentile(const struct perf_lat *h, double pct)
{
	uint64_t rank, seen = 0, lo, hi, mid;
	unsigned int b;

	if (h->count == 0)
		return 0;
	if (!(pct > 0.0))
		return h->min;
	if (pct >= 100.0)
		return h->max;
	/* The nearest-rank definition: the rank-th smallest value, rank = ceil(pct% x count). */
	rank = (uint64_t)ceil(pct / 100.0 * (double)h->count);
	if (rank == 0)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (b = 0; b < PERF_LAT_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= rank)
			break;
	}
	if (b == PERF_LAT_BUCKETS)
		return h->max;
	lo = perf_lat_bucket_low(b);
	hi = b + 1 < PERF_LAT_BUCKETS ? perf_lat_bucket_low(b + 1) - 1 : UINT64_MAX;
	mid = lo + (hi - lo) / 2;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

double
perf_lat_mean(const struct perf_lat *h)
{
	return h->count == 0 ? 0.0 : (double)h->sum / (double)h->count;
}
