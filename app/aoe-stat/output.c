/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-stat's table, its -v counters and its JSON, all from one consistent copy of each target.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_shm_read.h"
#include "aoe_app.h"
#include "aoe_stat.h"

/* One row: the target's description, its region slot and its summed counters. */
struct row {
	struct aoe_shm_target t;
	struct aoe_shm_target_sum sum;
	unsigned int index;
};

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->t.shelf != y->t.shelf)
		return x->t.shelf < y->t.shelf ? -1 : 1;
	return (int)x->t.slot - (int)y->t.slot;
}

/* Every shown target, sorted; NULL with errno set on failure. */
static struct row *
rows_get(const struct aoe_shm *shm, unsigned int *count)
{
	unsigned int i, n = 0, slots = __atomic_load_n(&shm->nb_targets, __ATOMIC_ACQUIRE);
	struct row *rows;

	if (slots > AOE_SHM_MAX_TARGETS)
		slots = AOE_SHM_MAX_TARGETS;
	rows = calloc(slots ? slots : 1, sizeof(*rows));
	if (rows == NULL)
		return NULL;
	for (i = 0; i < slots; i++) {
		struct row *r = &rows[n];

		if (aoe_shm_target_read(shm, i, &r->t) != 0 || r->t.flushed)
			continue;
		aoe_shm_target_sum(shm, i, &r->sum);
		r->index = i;
		n++;
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	*count = n;
	return rows;
}

static void
counters_print(FILE *f, const struct row *r)
{
	const struct aoe_target_stats *s = &r->sum.stats;
	unsigned int i;

	fprintf(f,
		"    frames tx %" PRIu64 " rx %" PRIu64 ", bytes tx %" PRIu64 " rx %" PRIu64
		", ios %" PRIu64 " (failed %" PRIu64 ")\n",
		s->frames_tx, s->frames_rx, s->bytes_tx, s->bytes_rx, s->ios_completed,
		s->ios_failed);
	fprintf(f,
		"    retransmits %" PRIu64 ", timeouts %" PRIu64 ", unexpected %" PRIu64
		", late %" PRIu64 ", wrong_source %" PRIu64 ", wrong_fields %" PRIu64
		", ata errors %" PRIu64 "\n",
		s->retransmits, s->timeouts, s->unexpected, s->late, s->wrong_source,
		s->wrong_fields, s->ata_errors);
	fprintf(f, "    aoe errors");
	for (i = 0; i < AOE_STATS_AOE_ERRORS; i++)
		fprintf(f, " %u:%" PRIu64, i, s->aoe_errors[i]);
	fprintf(f, "\n    outstanding %u, cwnd %u, srtt_us %" PRIu64 ", rto_us %" PRIu64 "\n",
		r->sum.outstanding, r->sum.cwnd, r->sum.srtt_ns / 1000, r->sum.rto_ns / 1000);
}

int
aoe_stat_table(FILE *f, const struct aoe_shm *shm, bool verbose)
{
	unsigned int i, n;
	struct row *rows = rows_get(shm, &n);
	char size[32], payload[16];

	if (rows == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		aoe_app_size_gb(rows[i].t.sectors, size, sizeof(size));
		snprintf(payload, sizeof(payload), "%u", rows[i].t.payload);
		fprintf(f, "%10s %15s %10s %-5s %-14s\n", rows[i].t.name, size, rows[i].t.ports,
			payload, aoe_shm_state_str(rows[i].t.state));
		if (verbose)
			counters_print(f, &rows[i]);
	}
	free(rows);
	return ferror(f) ? -EIO : 0;
}

/* Region strings are NUL-terminated by the reader's snapshot. */
static void
json_str(FILE *f, const char *s)
{
	aoe_app_json_string(f, s, SIZE_MAX);
}

static void
json_target(FILE *f, const struct row *r)
{
	const struct aoe_shm_target *t = &r->t;
	const struct aoe_target_stats *s = &r->sum.stats;
	unsigned int i;

	fprintf(f, "{\"name\": ");
	json_str(f, t->name);
	fprintf(f, ", \"shelf\": %u, \"slot\": %u, \"state\": ", t->shelf, t->slot);
	json_str(f, aoe_shm_state_str(t->state));
	fprintf(f, ", \"mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\", \"port\": ", t->mac[0], t->mac[1],
		t->mac[2], t->mac[3], t->mac[4], t->mac[5]);
	json_str(f, t->port_name);
	fprintf(f, ", \"ports\": ");
	json_str(f, t->ports);
	fprintf(f,
		", \"paths\": %u, \"sectors\": %" PRIu64 ", \"size_bytes\": %" PRIu64
		", \"payload\": %u, \"bufcnt\": %u, \"fwver\": %u, \"lba48\": %s, \"open\": %u"
		", \"model\": ",
		t->nb_paths, t->sectors, t->sectors * 512u, t->payload, t->bufcnt, t->fwver,
		t->lba48 ? "true" : "false", t->open);
	json_str(f, t->model);
	fprintf(f, ", \"serial\": ");
	json_str(f, t->serial);
	fprintf(f, ", \"firmware\": ");
	json_str(f, t->firmware);
	fprintf(f,
		", \"frames_tx\": %" PRIu64 ", \"frames_rx\": %" PRIu64 ", \"bytes_tx\": %" PRIu64
		", \"bytes_rx\": %" PRIu64 ", \"ios_completed\": %" PRIu64
		", \"ios_failed\": %" PRIu64 ", \"retransmits\": %" PRIu64
		", \"timeouts\": %" PRIu64 ", \"late\": %" PRIu64 ", \"unexpected\": %" PRIu64
		", \"wrong_source\": %" PRIu64 ", \"wrong_fields\": %" PRIu64
		", \"bad_response\": %" PRIu64 ", \"resplits\": %" PRIu64
		", \"tx_deferred\": %" PRIu64 ", \"requeries\": %" PRIu64
		", \"ata_errors\": %" PRIu64 ", \"aoe_errors\": [",
		s->frames_tx, s->frames_rx, s->bytes_tx, s->bytes_rx, s->ios_completed,
		s->ios_failed, s->retransmits, s->timeouts, s->late, s->unexpected, s->wrong_source,
		s->wrong_fields, s->bad_response, s->resplits, s->tx_deferred, s->requeries,
		s->ata_errors);
	for (i = 0; i < AOE_STATS_AOE_ERRORS; i++)
		fprintf(f, "%s%" PRIu64, i ? ", " : "", s->aoe_errors[i]);
	fprintf(f,
		"], \"outstanding\": %u, \"cwnd\": %u, \"srtt_ns\": %" PRIu64
		", \"rttvar_ns\": %" PRIu64 ", \"rto_ns\": %" PRIu64 "}",
		r->sum.outstanding, r->sum.cwnd, r->sum.srtt_ns, r->sum.rttvar_ns, r->sum.rto_ns);
}

static void
json_lcore(FILE *f, const struct aoe_shm_lcore *lc)
{
	const struct aoe_lcore_stats *s = &lc->stats;

	fprintf(f,
		"{\"lcore_id\": %u, \"is_mgmt\": %s, \"rx_frames\": %" PRIu64
		", \"rx_not_aoe\": %" PRIu64 ", \"rx_malformed\": %" PRIu64
		", \"rx_requests\": %" PRIu64 ", \"rx_user_tags\": %" PRIu64
		", \"rx_port_disallowed\": %" PRIu64 ", \"rx_no_target\": %" PRIu64
		", \"rx_bad_owner\": %" PRIu64 ", \"rx_wrong_dest\": %" PRIu64
		", \"handoff_tx\": %" PRIu64 ", \"handoff_dropped\": %" PRIu64
		", \"tx_frames\": %" PRIu64 ", \"tx_dropped\": %" PRIu64
		", \"mbuf_alloc_failed\": %" PRIu64 ", \"busy_cycles\": %" PRIu64
		", \"iterations\": %" PRIu64 "}",
		lc->lcore_id, lc->is_mgmt ? "true" : "false", s->rx_frames, s->rx_not_aoe,
		s->rx_malformed, s->rx_requests, s->rx_user_tags, s->rx_port_disallowed,
		s->rx_no_target, s->rx_bad_owner, s->rx_wrong_dest, s->handoff_tx,
		s->handoff_dropped, s->tx_frames, s->tx_dropped, s->mbuf_alloc_failed,
		s->busy_cycles, s->iterations);
}

int
aoe_stat_json(FILE *f, const struct aoe_shm *shm)
{
	struct aoe_shm_lcore lc;
	unsigned int i, n;
	struct row *rows = rows_get(shm, &n);
	char program[sizeof(shm->program) + 1];

	if (rows == NULL)
		return -ENOMEM;
	snprintf(program, sizeof(program), "%.*s", (int)sizeof(shm->program) - 1, shm->program);
	fprintf(f, "{\"program\": ");
	json_str(f, program);
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
	return ferror(f) ? -EIO : 0;
}
