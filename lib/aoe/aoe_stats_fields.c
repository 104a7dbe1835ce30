/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tables of the counter lists in aoe_stats.h. DPDK-free: the engine's telemetry and
 * aoe-perf reach them through libaoe, aoe-stat through the statistics reader's library.
 */
#include "aoe_stats_fields.h"

#define TARGET_FIELD(name, dim) AOE_STATS_FIELD(struct aoe_target_stats, name),
#define LCORE_FIELD(name, dim)	AOE_STATS_FIELD(struct aoe_lcore_stats, name),

static const struct aoe_stats_field target_fields[] = {AOE_TARGET_STATS(TARGET_FIELD)};
static const struct aoe_stats_field lcore_fields[] = {AOE_LCORE_STATS(LCORE_FIELD)};

/* Readers sum and copy the structs as arrays of 64-bit counters: nothing else may be in them. */
_Static_assert(sizeof(struct aoe_target_stats) % sizeof(uint64_t) == 0, "only counters");
_Static_assert(sizeof(struct aoe_lcore_stats) % sizeof(uint64_t) == 0, "only counters");

const struct aoe_stats_table aoe_target_stats_table = {
	.fields = target_fields,
	.nb_fields = sizeof(target_fields) / sizeof(target_fields[0]),
	.nb_values = sizeof(struct aoe_target_stats) / sizeof(uint64_t),
};

const struct aoe_stats_table aoe_lcore_stats_table = {
	.fields = lcore_fields,
	.nb_fields = sizeof(lcore_fields) / sizeof(lcore_fields[0]),
	.nb_values = sizeof(struct aoe_lcore_stats) / sizeof(uint64_t),
};
