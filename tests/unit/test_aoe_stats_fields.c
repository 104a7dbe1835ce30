/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/aoe/aoe_stats_fields.c (and the gauges' table of aoe_shm_read.c): each table covers its
 * struct exactly, in order, under the members' own names, so a program that walks a table
 * shows every counter once.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>

#include "aoe_shm_read.h"
#include "aoe_stats.h"

/* Fields follow each other without a gap and end where the struct ends; names are unique. */
static void
table_covers(const struct aoe_stats_table *t, size_t size)
{
	uint32_t offset = 0, values = 0;
	unsigned int i, j;

	cr_assert_gt(t->nb_fields, 0);
	for (i = 0; i < t->nb_fields; i++) {
		const struct aoe_stats_field *f = &t->fields[i];

		cr_assert_eq(f->offset, offset, "%s at %u, expected %u", f->name, f->offset,
			     offset);
		cr_assert_geq(f->count, 1, "%s", f->name);
		cr_assert_gt(strlen(f->name), 0);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(t->fields[j].name, f->name);
		offset += f->count * (uint32_t)sizeof(uint64_t);
		values += f->count;
	}
	cr_assert_eq(offset, size);
	cr_assert_eq(values, t->nb_values);
	cr_assert_eq(t->nb_values * sizeof(uint64_t), size);
}

static const struct aoe_stats_field *
field(const struct aoe_stats_table *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < t->nb_fields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	cr_assert_fail("no field %s", name);
	return NULL;
}

Test(aoe_stats_fields, target_table)
{
	struct aoe_target_stats s;
	const struct aoe_stats_field *f;

	table_covers(&aoe_target_stats_table, sizeof(s));
	f = field(&aoe_target_stats_table, "aoe_errors");
	cr_assert_eq(f->count, AOE_STATS_AOE_ERRORS);
	cr_assert_eq(f->offset, offsetof(struct aoe_target_stats, aoe_errors));
	memset(&s, 0, sizeof(s));
	s.flush_ext_fallbacks = 7;
	s.aoe_errors[5] = 3;
	cr_assert_eq(aoe_stats_value(&s, field(&aoe_target_stats_table, "flush_ext_fallbacks"), 0),
		     7);
	cr_assert_eq(aoe_stats_value(&s, f, 5), 3);
	cr_assert_eq(aoe_stats_value(&s, f, 4), 0);
}

Test(aoe_stats_fields, lcore_table)
{
	struct aoe_lcore_stats s;

	table_covers(&aoe_lcore_stats_table, sizeof(s));
	memset(&s, 0, sizeof(s));
	s.iterations = 42;
	cr_assert_eq(aoe_stats_value(&s, field(&aoe_lcore_stats_table, "iterations"), 0), 42);
	cr_assert_eq(field(&aoe_lcore_stats_table, "rx_port_disallowed")->count, 1);
}

Test(aoe_stats_fields, gauges_table)
{
	struct aoe_target_gauges g;

	table_covers(&aoe_target_gauges_table, sizeof(g));
	memset(&g, 0, sizeof(g));
	g.rto_ns = 20000000;
	cr_assert_eq(aoe_stats_value(&g, field(&aoe_target_gauges_table, "rto_ns"), 0), 20000000);
}
