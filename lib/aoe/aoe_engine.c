/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine: configuration, set-up and tear-down of ports, lcores, rings and the mempool.
 * Nothing here runs on the datapath.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_tag.h"
#include "aoe_telemetry.h"

struct aoe_engine aoe_engine;

/*
 * Retransmission bounds. The floor keeps a busy single-threaded target (vblade executes a
 * retransmitted write again) from being flooded by a timer tuned to an idle link's RTT: seen
 * here, vblade on a loaded host stalls for several milliseconds now and then, and a 5 ms floor
 * retransmitted the whole window on each stall. The ceiling keeps a silent target probed often
 * enough for deadsecs to mean what it says.
 */
#define AOE_RTO_MIN_US	    20000
#define AOE_RTO_INITIAL_US  100000
#define AOE_RTO_MAX_US	    2000000
#define AOE_TIMER_PERIOD_US 100

void
aoe_conf_init(struct aoe_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->maxout = AOE_MAXOUT_DEFAULT;
	conf->deadsecs = AOE_DEADSECS_DEFAULT;
	conf->discover_interval_s = AOE_DISCOVER_INTERVAL_DEFAULT;
	conf->nb_lcores = 1;
	conf->lcores[0] = rte_lcore_id();
	conf->mgmt_lcore = rte_lcore_id();
}

static int
conf_check(const struct aoe_conf *conf)
{
	bool mgmt_found = false;
	unsigned int i, j;

	if (conf->maxout == 0 || conf->maxout > AOE_MAXOUT_MAX) {
		AOE_LOG(ERR, net, "maxout %u out of range: allowed 1-%u", conf->maxout,
			AOE_MAXOUT_MAX);
		return -EINVAL;
	}
	if (conf->nb_lcores == 0 || conf->nb_lcores > AOE_MAX_LCORES ||
	    conf->nb_lcores > AOE_TAG_MAX_OWNERS) {
		AOE_LOG(ERR, net, "%u polling lcores: allowed 1-%u", conf->nb_lcores,
			AOE_MAX_LCORES);
		return -EINVAL;
	}
	if (conf->mtu != 0 && (conf->mtu < AOE_MTU_MIN || conf->mtu > AOE_MTU_MAX)) {
		AOE_LOG(ERR, net, "MTU %u out of range: allowed %u-%u (0 = the port's own)",
			conf->mtu, AOE_MTU_MIN, AOE_MTU_MAX);
		return -EINVAL;
	}
	if (conf->nb_ports > AOE_MAX_PORTS) {
		AOE_LOG(ERR, net, "%u ports: at most %u", conf->nb_ports, AOE_MAX_PORTS);
		return -EINVAL;
	}
	/* Taking every port is a choice the application makes, never a default. */
	if (conf->nb_ports == 0 && !conf->all_ports) {
		AOE_LOG(ERR, net,
			"no port given: name the ports in aoe_conf.ports, or set "
			"aoe_conf.all_ports for every port the EAL probed");
		return -EINVAL;
	}
	if (conf->nb_ports != 0 && conf->all_ports) {
		AOE_LOG(ERR, net, "aoe_conf names %u ports and sets all_ports: one or the other",
			conf->nb_ports);
		return -EINVAL;
	}
	for (i = 0; i < conf->nb_ports; i++) {
		for (j = 0; j < i; j++) {
			if (conf->ports[j] == conf->ports[i]) {
				AOE_LOG(ERR, net, "port %u listed twice", conf->ports[i]);
				return -EINVAL;
			}
		}
	}
	for (i = 0; i < conf->nb_lcores; i++) {
		if (conf->lcores[i] >= RTE_MAX_LCORE || (!rte_lcore_is_enabled(conf->lcores[i]) &&
							 conf->lcores[i] != rte_get_main_lcore())) {
			AOE_LOG(ERR, net, "lcore %u is not an EAL lcore", conf->lcores[i]);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (conf->lcores[j] == conf->lcores[i]) {
				AOE_LOG(ERR, net, "lcore %u listed twice", conf->lcores[i]);
				return -EINVAL;
			}
		}
		if (conf->lcores[i] == conf->mgmt_lcore)
			mgmt_found = true;
	}
	if (!mgmt_found) {
		AOE_LOG(ERR, net, "management lcore %u is not one of the polling lcores",
			conf->mgmt_lcore);
		return -EINVAL;
	}
	return 0;
}

static int
rings_setup(void)
{
	struct aoe_engine *e = &aoe_engine;
	char name[RTE_RING_NAMESIZE];
	unsigned int from, to;

	for (to = 0; to < e->nb_lcores; to++) {
		for (from = 0; from < e->nb_lcores; from++) {
			struct rte_ring *r;

			if (from == to)
				continue;
			snprintf(name, sizeof(name), "aoe_ho_%u_%u", from, to);
			r = rte_ring_create(name, AOE_HANDOFF_RING_SIZE, rte_socket_id(),
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (r == NULL) {
				AOE_LOG(ERR, net, "cannot create hand-off ring %s: %s", name,
					rte_strerror(rte_errno));
				return -rte_errno;
			}
			e->lcores[to].inbox[from] = r;
			e->lcores[from].outbox[to] = r;
		}
	}
	return 0;
}

static void
rings_free(void)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int from, to;

	for (to = 0; to < e->nb_lcores; to++) {
		for (from = 0; from < e->nb_lcores; from++) {
			struct rte_ring *r = e->lcores[to].inbox[from];
			struct rte_mbuf *m;

			if (r == NULL)
				continue;
			while (rte_ring_dequeue(r, (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(r);
			e->lcores[to].inbox[from] = NULL;
			e->lcores[from].outbox[to] = NULL;
		}
	}
}

static uint64_t
us_to_tsc(uint64_t us)
{
	return us * aoe_engine.tsc_hz / 1000000;
}

int
aoe_init(const struct aoe_conf *conf)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int i;
	int rc;

	if (conf == NULL)
		return -EINVAL;
	if (e->initialised)
		return -EALREADY;
	rc = conf_check(conf);
	if (rc != 0)
		return rc;

	/* Event callbacks live outside the engine (aoe_target.c): they outlast aoe_fini(). */
	memset(e, 0, sizeof(*e));
	e->conf = *conf;
	e->tsc_hz = rte_get_tsc_hz();
	e->deadsecs_tsc = (uint64_t)conf->deadsecs * e->tsc_hz;
	e->rto_min_tsc = us_to_tsc(AOE_RTO_MIN_US);
	e->rto_initial_tsc = us_to_tsc(AOE_RTO_INITIAL_US);
	e->rto_max_tsc = us_to_tsc(AOE_RTO_MAX_US);
	e->timer_period_tsc = us_to_tsc(AOE_TIMER_PERIOD_US);
	memset(e->lcore_index, -1, sizeof(e->lcore_index));
	memset(e->port_index, -1, sizeof(e->port_index));

	e->nb_lcores = conf->nb_lcores;
	e->lcores =
		rte_zmalloc("aoe_lcores", sizeof(*e->lcores) * e->nb_lcores, RTE_CACHE_LINE_SIZE);
	if (e->lcores == NULL)
		return -ENOMEM;
	for (i = 0; i < e->nb_lcores; i++) {
		struct aoe_lcore *lc = &e->lcores[i];

		lc->lcore_id = conf->lcores[i];
		lc->index = i;
		lc->txq = i;
		lc->is_mgmt = conf->lcores[i] == conf->mgmt_lcore;
		if (lc->is_mgmt)
			e->mgmt_index = i;
		e->lcore_index[lc->lcore_id] = (int8_t)i;
	}

	rc = aoe_stats_init(conf->program);
	if (rc != 0)
		goto fail;
	rc = aoe_ports_setup();
	if (rc != 0)
		goto fail_stats;
	aoe_stats_ports_publish();
	rc = rings_setup();
	if (rc != 0)
		goto fail_ports;

	e->next_discover_tsc = rte_rdtsc();
	e->initialised = true;
	/* Without telemetry the engine still works; the operator loses only the socket. */
	rc = aoe_telemetry_init();
	if (rc != 0)
		AOE_LOG(WARNING, net, "telemetry commands not registered: %s", strerror(-rc));
	AOE_LOG(INFO, net, "engine up: %u polling lcore(s), %u port(s), maxout %u, deadsecs %u",
		e->nb_lcores, e->nb_ports, conf->maxout, conf->deadsecs);
	return 0;

fail_ports:
	rings_free();
	aoe_ports_teardown();
fail_stats:
	aoe_stats_fini();
fail:
	rte_free(e->lcores);
	e->lcores = NULL;
	return rc;
}

void
aoe_fini(void)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int i, j;

	if (!e->initialised)
		return;
	/* The bdev layer first: its descriptors are told the bdevs are gone, and it lets go of
	 * the targets freed below. Then what is still in flight completes as cancelled. */
	aoe_io_engine_stopping();
	for (i = 0; i < e->nb_lcores; i++) {
		struct aoe_lcore *lc = &e->lcores[i];

		for (j = 0; j < lc->nb_sessions; j++)
			aoe_session_fail_all(lc->sessions[j], -ECANCELED);
	}
	/* No telemetry command may still read what is freed below. */
	aoe_telemetry_stop();
	aoe_acl_fini();
	rings_free();
	for (i = 0; i < e->nb_lcores; i++) {
		struct aoe_lcore *lc = &e->lcores[i];

		for (j = 0; j < e->nb_ports; j++) {
			rte_pktmbuf_free_bulk(lc->txbuf[j].pkts, lc->txbuf[j].count);
			lc->txbuf[j].count = 0;
		}
		for (j = 0; j < lc->nb_sessions; j++)
			rte_free(lc->sessions[j]);
		lc->nb_sessions = 0;
	}
	aoe_ports_teardown();
	aoe_stats_fini();
	for (i = 0; i < e->nb_targets; i++) {
		rte_free(e->targets[i]);
		e->targets[i] = NULL;
	}
	e->nb_targets = 0;
	memset(e->target_hash, 0, sizeof(e->target_hash));
	rte_free(e->lcores);
	e->lcores = NULL;
}
