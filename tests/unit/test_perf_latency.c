/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests app/aoe-perf/latency.c: bucket mapping, percentiles against a sorted array, merging. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "perf_latency.h"

static struct perf_lat *
lat_new(void)
{
	struct perf_lat *h = malloc(sizeof(*h));

	cr_assert_not_null(h);
	perf_lat_init(h);
	return h;
}

static uint64_t
rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the ceil(pct% x n)-th smallest. */
static uint64_t
ref_percentile(const uint64_t *sorted, size_t n, double pct)
{
	size_t rank = (size_t)ceil(pct / 100.0 * (double)n);

	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

Test(perf_latency, small_values_are_exact)
{
	uint64_t v;

	for (v = 0; v < 2 * PERF_LAT_SUB_COUNT; v++) {
		cr_assert_eq(perf_lat_bucket(v), v);
		cr_assert_eq(perf_lat_bucket_low((unsigned int)v), v);
	}
}

Test(perf_latency, buckets_cover_everything_in_order)
{
	uint64_t s = 88172645463325252ull, v;
	unsigned int b, i;

	for (b = 1; b < PERF_LAT_BUCKETS; b++)
		cr_assert_gt(perf_lat_bucket_low(b), perf_lat_bucket_low(b - 1), "bucket %u", b);
	cr_assert_eq(perf_lat_bucket(UINT64_MAX), PERF_LAT_BUCKETS - 1);
	for (i = 0; i < 100000; i++) {
		v = rng(&s) >> (rng(&s) % 64);
		b = perf_lat_bucket(v);
		cr_assert_lt(b, PERF_LAT_BUCKETS);
		cr_assert_leq(perf_lat_bucket_low(b), v);
		if (b + 1 < PERF_LAT_BUCKETS)
			cr_assert_lt(v, perf_lat_bucket_low(b + 1));
		/* Resolution: a bucket is at most 1/2^SUB_BITS of the values it holds. */
		if (b + 1 < PERF_LAT_BUCKETS && v >= 2 * PERF_LAT_SUB_COUNT)
			cr_assert_leq((perf_lat_bucket_low(b + 1) - perf_lat_bucket_low(b))
					      << PERF_LAT_SUB_BITS,
				      perf_lat_bucket_low(b));
	}
}

static void
check_against_reference(uint64_t *vals, size_t n)
{
	static const double pcts[] = {0.0,  1.0,  10.0, 25.0,  50.0, 75.0,
				      90.0, 99.0, 99.9, 99.99, 100.0};
	struct perf_lat *h = lat_new();
	long double sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		perf_lat_record(h, vals[i]);
		sum += vals[i];
	}
	qsort(vals, n, sizeof(*vals), cmp_u64);
	cr_assert_eq(h->count, n);
	cr_assert_eq(h->min, vals[0]);
	cr_assert_eq(h->max, vals[n - 1]);
	cr_assert_eq(perf_lat_percentile(h, 0.0), vals[0]);
	cr_assert_eq(perf_lat_percentile(h, 100.0), vals[n - 1]);
	cr_assert(fabs(perf_lat_mean(h) - (double)(sum / n)) <= 1e-9 * (double)(sum / n) + 1e-9);
	for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		uint64_t ref = ref_percentile(vals, n, pcts[i]);
		uint64_t got = perf_lat_percentile(h, pcts[i]);
		uint64_t diff = got > ref ? got - ref : ref - got;

		cr_assert_leq(diff, ref >> PERF_LAT_SUB_BITS,
			      "p%g: histogram %llu, sorted array %llu", pcts[i],
			      (unsigned long long)got, (unsigned long long)ref);
	}
	free(h);
}

Test(perf_latency, percentiles_log_spread)
{
	const size_t n = 200000;
	uint64_t *vals = malloc(n * sizeof(*vals));
	uint64_t s = 0x12345678;
	size_t i;

	cr_assert_not_null(vals);
	/* Latencies from a few hundred cycles to tens of millions, spread over the decades. */
	for (i = 0; i < n; i++)
		vals[i] = 200 + (rng(&s) % (1ull << (8 + rng(&s) % 18)));
	check_against_reference(vals, n);
	free(vals);
}

Test(perf_latency, percentiles_narrow_and_tail)
{
	const size_t n = 100003;
	uint64_t *vals = malloc(n * sizeof(*vals));
	uint64_t s = 99;
	size_t i;

	cr_assert_not_null(vals);
	/* A tight mode around 50 000 cycles and a 0.5 % tail ten times slower. */
	for (i = 0; i < n; i++)
		vals[i] = (i % 200 == 0) ? 500000 + rng(&s) % 100000 : 49000 + rng(&s) % 2000;
	check_against_reference(vals, n);
	free(vals);
}

Test(perf_latency, exact_below_linear_range)
{
	uint64_t vals[] = {5, 1, 300, 7, 7, 2, 511, 100, 9, 0};

	check_against_reference(vals, sizeof(vals) / sizeof(vals[0]));
}

Test(perf_latency, single_and_empty)
{
	struct perf_lat *h = lat_new();

	cr_assert_eq(perf_lat_percentile(h, 50.0), 0);
	cr_assert_eq(perf_lat_mean(h), 0.0);
	perf_lat_record(h, 123456789);
	cr_assert_eq(perf_lat_percentile(h, 0.0), 123456789);
	cr_assert_eq(perf_lat_percentile(h, 50.0), 123456789);
	cr_assert_eq(perf_lat_percentile(h, 99.9), 123456789);
	cr_assert_eq(perf_lat_mean(h), 123456789.0);
	free(h);
}

Test(perf_latency, merge_equals_recording_together)
{
	struct perf_lat *a = lat_new(), *b = lat_new(), *all = lat_new(), *empty = lat_new();
	uint64_t s = 7, v;
	unsigned int i;

	for (i = 0; i < 50000; i++) {
		v = rng(&s) % 10000000;
		perf_lat_record(i % 3 ? a : b, v);
		perf_lat_record(all, v);
	}
	perf_lat_merge(a, b);
	perf_lat_merge(a, empty);
	cr_assert_eq(a->count, all->count);
	cr_assert_eq(a->sum, all->sum);
	cr_assert_eq(a->min, all->min);
	cr_assert_eq(a->max, all->max);
	cr_assert(memcmp(a->buckets, all->buckets, sizeof(a->buckets)) == 0);
	perf_lat_merge(empty, all);
	cr_assert_eq(empty->min, all->min);
	cr_assert_eq(perf_lat_percentile(empty, 99.0), perf_lat_percentile(all, 99.0));
	free(a);
	free(b);
	free(all);
	free(empty);
}
