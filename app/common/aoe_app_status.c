/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The target table, its -v counters and the JSON document, all from one consistent copy of
 * each target (aoe_shm_rows()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_app.h"
#include "aoe_app_status.h"
#include "aoe_shm_read.h"

int
aoe_app_status_table(FILE *f, const struct aoe_shm *shm, bool verbose)
{
	struct aoe_shm_row *rows;
	char size[32], payload[16];
	unsigned int i, n;

	rows = aoe_shm_rows(shm, &n);
	if (rows == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct aoe_shm_row *r = &rows[i];

		aoe_app_size_gb(r->t.sectors, size, sizeof(size));
		snprintf(payload, sizeof(payload), "%u", r->t.payload);
		fprintf(f, "%10s %15s %10s %-5s %-14s\n", r->t.name, size, r->t.ports, payload,
			aoe_state_name(r->t.state));
		if (verbose) {
			struct aoe_app_text text = {.f = f, .indent = "    "};

			aoe_app_text_counters(&text, &aoe_target_stats_table, &r->sum.stats);
			aoe_app_text_counters(&text, &aoe_target_gauges_table, &r->sum.gauges);
			aoe_app_text_end(&text);
		}
	}
	free(rows);
	return 0;
}

/* One JSON member of each kind of AOE_TARGET_DESC, preceded by *sep (", " after the first). */
static void
member(FILE *f, const char **sep, const char *key)
{
	fprintf(f, "%s\"%s\": ", *sep, key);
	*sep = ", ";
}

static void
put_STR(FILE *f, const char **sep, const char *key, const char *value)
{
	member(f, sep, key);
	/* Region strings are NUL-terminated by the reader's copy. */
	aoe_app_json_string(f, value, SIZE_MAX);
}

static void
put_U64(FILE *f, const char **sep, const char *key, uint64_t value)
{
	member(f, sep, key);
	fprintf(f, "%" PRIu64, value);
}

static void
put_BOOL(FILE *f, const char **sep, const char *key, bool value)
{
	member(f, sep, key);
	fputs(value ? "true" : "false", f);
}

static void
put_MAC(FILE *f, const char **sep, const char *key, const uint8_t *mac)
{
	char s[AOE_MAC_STR_MAX];

	aoe_mac_format(mac, s, sizeof(s));
	put_STR(f, sep, key, s);
}

static void
put_STATE(FILE *f, const char **sep, const char *key, uint32_t state)
{
	put_STR(f, sep, key, aoe_state_name(state));
}

#define PUT(key, kind, value) put_##kind(f, &sep, #key, value);

static void
json_target(FILE *f, const struct aoe_shm_row *r)
{
	const char *sep = "";

	fputc('{', f);
	AOE_TARGET_DESC(PUT, &r->t)
	aoe_app_json_counters(f, &aoe_target_stats_table, &r->sum.stats);
	aoe_app_json_counters(f, &aoe_target_gauges_table, &r->sum.gauges);
	fputc('}', f);
}

static void
json_lcore(FILE *f, const struct aoe_shm_lcore *lc)
{
	fprintf(f, "{\"lcore_id\": %u, \"is_mgmt\": %s", lc->lcore_id,
		lc->is_mgmt ? "true" : "false");
	aoe_app_json_counters(f, &aoe_lcore_stats_table, &lc->stats);
	fputc('}', f);
}

int
aoe_app_status_json(FILE *f, const struct aoe_shm *shm)
{
	struct aoe_shm_lcore lc;
	struct aoe_shm_row *rows;
	unsigned int i, n;

	rows = aoe_shm_rows(shm, &n);
	if (rows == NULL)
		return -ENOMEM;
	fputs("{\"program\": ", f);
	aoe_app_json_string(f, shm->program, sizeof(shm->program));
	fprintf(f, ", \"pid\": %" PRIu64 ", \"targets\": [", shm->pid);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\n  ", i ? "," : "");
		json_target(f, &rows[i]);
	}
	fprintf(f, "%s], \"lcores\": [", n ? "\n" : "");
	for (i = 0; aoe_shm_lcore_read(shm, i, &lc) == 0; i++) {
		fprintf(f, "%s\n  ", i ? "," : "");
		json_lcore(f, &lc);
	}
	fprintf(f, "%s]}\n", i ? "\n" : "");
	free(rows);
	return 0;
}
