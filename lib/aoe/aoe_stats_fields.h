/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tables of the counter lists (aoe_stats.h, and the gauges of aoe_shm_read.h): every
 * field's key and where its value is, so that telemetry, aoe-stat, dpdk-aoe --status and
 * aoe-perf print every counter under its one name without naming any. DPDK-free and private
 * (not installed): aoe_stats_fields.c is in the statistics reader's library.
 */
#ifndef AOE_STATS_FIELDS_H
#define AOE_STATS_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "aoe_stats.h"

/* One field of a counter struct: its key and where its value (or values) are. */
struct aoe_stats_field {
	const char *name; /* the key in JSON and telemetry */
	uint32_t offset;  /* bytes into the struct */
	uint32_t count;	  /* 1, or the length of an array of counters */
};

/* The fields of one counter struct, in order. */
struct aoe_stats_table {
	const struct aoe_stats_field *fields;
	unsigned int nb_fields;
	unsigned int nb_values; /* 64-bit values in the struct: arrays count each element */
};

extern const struct aoe_stats_table aoe_target_stats_table; /* struct aoe_target_stats */
extern const struct aoe_stats_table aoe_lcore_stats_table;  /* struct aoe_lcore_stats */

/* The table entry of field @p name of struct @p type (for the files that build the tables). */
/* clang-format off */
#define AOE_STATS_FIELD(type, name)                                                                \
	{#name, (uint32_t)offsetof(type, name),                                                    \
	 (uint32_t)(sizeof(((type *)0)->name) / sizeof(uint64_t))}
/* clang-format on */

/* Value @p i (0 unless the field is an array) of field @p f in the struct at @p base. */
static inline uint64_t
aoe_stats_value(const void *base, const struct aoe_stats_field *f, unsigned int i)
{
	return ((const uint64_t *)(const void *)((const char *)base + f->offset))[i];
}

#endif /* AOE_STATS_FIELDS_H */
