/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's statistics region (aoe_shm.h): create and map it at start-up, publish target
 * descriptions from the management lcore, append events from any lcore to that lcore's own
 * ring, and mark the region dead on a clean exit. The layout itself is written by
 * aoe_shm_write.c, which the reader's unit test uses too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_shm_read.h"
#include "aoe_shm_write.h"

static char shm_path[PATH_MAX];

int
aoe_stats_init(const char *program)
{
	struct aoe_engine *e = &aoe_engine;
	struct aoe_shm *shm;
	unsigned int i;
	int rc;

	/* aoe_defs.h is DPDK-free: its port name size is checked against ethdev's here. */
	RTE_BUILD_BUG_ON(AOE_PORT_NAME_MAX != RTE_ETH_NAME_MAX_LEN);
	snprintf(shm_path, sizeof(shm_path), "%s/%s", rte_eal_get_runtime_dir(), AOE_SHM_FILE);
	rc = aoe_shm_create(shm_path, &shm);
	if (rc != 0) {
		AOE_LOG(ERR, net, "cannot create the statistics region %s: %s", shm_path,
			strerror(-rc));
		return rc;
	}
	shm->tsc_hz = e->tsc_hz;
	shm->nb_lcores = e->nb_lcores;
	shm->maxout = e->conf.maxout;
	shm->deadsecs = e->conf.deadsecs;
	snprintf(shm->program, sizeof(shm->program), "%s", program ? program : "");
	for (i = 0; i < e->nb_lcores; i++) {
		shm->lcores[i].lcore_id = e->lcores[i].lcore_id;
		shm->lcores[i].is_mgmt = e->lcores[i].is_mgmt;
		e->lcores[i].stats = &shm->lcores[i].stats;
		e->lcores[i].events = &shm->events[i];
	}
	e->shm = shm;
	aoe_shm_publish(shm);
	return 0;
}

void
aoe_stats_fini(void)
{
	struct aoe_engine *e = &aoe_engine;

	if (e->shm == NULL)
		return;
	aoe_shm_destroy(e->shm, shm_path);
	e->shm = NULL;
}

void
aoe_stats_ports_publish(void)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int i;

	if (e->shm == NULL)
		return;
	for (i = 0; i < e->nb_ports; i++) {
		struct aoe_shm_port *sp = &e->shm->ports[i];
		const struct aoe_port *p = &e->ports[i];

		sp->port_id = p->port_id;
		sp->mtu = p->mtu;
		__atomic_store_n(&sp->allowed, aoe_port_allowed(i), __ATOMIC_RELAXED);
		snprintf(sp->name, sizeof(sp->name), "%s", p->name);
		memcpy(sp->mac, p->mac.addr_bytes, sizeof(sp->mac));
	}
	__atomic_store_n(&e->shm->nb_ports, e->nb_ports, __ATOMIC_RELEASE);
}

/* Whether @p name is one of the comma-separated names in @p list (whole names only). */
static bool
port_listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		if (n == len && memcmp(p, name, len) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

void
aoe_stats_target_publish(const struct aoe_target *t)
{
	struct aoe_engine *e = &aoe_engine;
	struct aoe_shm_target *st;
	struct aoe_target_info info;
	uint32_t i, seq;
	size_t off = 0;

	if (e->shm == NULL)
		return;
	st = &e->shm->targets[t->index];
	aoe_target_snapshot(t, &info);
	seq = aoe_shm_target_begin(st);
	st->state = info.state;
	st->shelf = info.shelf;
	st->slot = info.slot;
	st->lba48 = info.lba48;
	st->nb_paths = info.nb_paths;
	st->sectors = info.sectors;
	st->payload = info.payload;
	st->bufcnt = info.bufcnt;
	st->fwver = info.fwver;
	st->sectors_per_frame = info.sectors_per_frame;
	memcpy(st->mac, info.mac.addr_bytes, sizeof(st->mac));
	st->port = info.port;
	st->open = __atomic_load_n(&t->open_count, __ATOMIC_RELAXED);
	st->flushed = t->flushed;
	memcpy(st->name, info.name, sizeof(st->name));
	memcpy(st->port_name, info.port_name, sizeof(st->port_name));
	st->ports[0] = '\0';
	for (i = 0; i < __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE); i++) {
		const char *name = e->ports[t->paths[i].port].name;
		int n;

		/* aoe-stat lists each interface once, as the kernel tool does. */
		if (__atomic_load_n(&t->paths[i].retired, __ATOMIC_RELAXED) ||
		    port_listed(st->ports, name))
			continue;
		n = snprintf(st->ports + off, sizeof(st->ports) - off, "%s%s", off ? "," : "",
			     name);
		if (n < 0 || (size_t)n >= sizeof(st->ports) - off)
			break;
		off += (size_t)n;
	}
	memcpy(st->model, info.model, sizeof(st->model));
	memcpy(st->serial, info.serial, sizeof(st->serial));
	memcpy(st->firmware, info.firmware, sizeof(st->firmware));
	memcpy(st->config, info.config, sizeof(st->config));
	aoe_shm_target_end(st, seq);
	if (t->index >= __atomic_load_n(&e->shm->nb_targets, __ATOMIC_RELAXED))
		__atomic_store_n(&e->shm->nb_targets, t->index + 1u, __ATOMIC_RELEASE);
}

void
aoe_stats_targets_sync(void)
{
	struct aoe_engine *e = &aoe_engine;
	uint32_t i, n = __atomic_load_n(&e->nb_targets, __ATOMIC_ACQUIRE);

	if (e->shm == NULL)
		return;
	/* Applications open and close targets from their own threads; only management writes
	 * descriptions, so it catches up here rather than on every state change alone. */
	for (i = 0; i < n; i++) {
		const struct aoe_target *t = e->targets[i];

		if (e->shm->targets[t->index].open !=
		    __atomic_load_n(&t->open_count, __ATOMIC_RELAXED))
			aoe_stats_target_publish(t);
	}
}

struct aoe_shm_session *
aoe_stats_session(const struct aoe_target *t, unsigned int lcore_index)
{
	struct aoe_shm_session *ss = &aoe_engine.shm->sessions[t->index][lcore_index];

	/* Counters survive a session being re-created for a target that came back. */
	__atomic_store_n(&ss->in_use, 1, __ATOMIC_RELEASE);
	return ss;
}

void
aoe_event_emit(struct aoe_lcore *lc, struct aoe_shm_event *ev)
{
	aoe_shm_event_append(lc->events, ev, aoe_shm_realtime_ns());
}

int
aoe_target_stats_get(const char *name, struct aoe_target_stats *sum)
{
	struct aoe_engine *e = &aoe_engine;
	struct aoe_shm_target_sum all;
	const struct aoe_target *t;
	uint16_t shelf;
	uint8_t slot;

	if (sum == NULL || aoe_name_parse(name, &shelf, &slot) != 0)
		return -EINVAL;
	t = aoe_target_lookup(shelf, slot);
	if (t == NULL || e->shm == NULL)
		return -ENOENT;
	/* The reader's sum: what aoe-stat and telemetry show, added up the same way. */
	aoe_shm_target_sum(e->shm, t->index, &all);
	*sum = all.stats;
	return 0;
}

int
aoe_lcore_stats_get(struct aoe_lcore_stats *sum)
{
	const struct aoe_engine *e = &aoe_engine;
	struct aoe_shm_lcore lc;
	unsigned int i;

	if (sum == NULL)
		return -EINVAL;
	if (!e->initialised || e->shm == NULL)
		return -ENOENT;
	memset(sum, 0, sizeof(*sum));
	/* Only counters (aoe_stats_fields.c checks): added as an array of them. */
	for (i = 0; aoe_shm_lcore_read(e->shm, i, &lc) == 0; i++) {
		uint64_t *dst = (uint64_t *)sum;
		const uint64_t *src = (const uint64_t *)&lc.stats;
		size_t k;

		for (k = 0; k < sizeof(*sum) / sizeof(uint64_t); k++)
			dst[k] += src[k];
	}
	return 0;
}
