/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NBD server in telemetry: /aoe/nbd (totals), /aoe/nbd/exports and /aoe/nbd/export,NAME
 * (each export's counters), /aoe/nbd/connections and /aoe/nbd/connection,ID (each open one). Run on
 * DPDK's telemetry thread: counters are read as they are (each a single aligned word), the
 * connection list under the server's lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "nbd_internal.h"

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static int
nbd_totals(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct nbd_server *s = &nbd_server;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
#define ADD_TOTAL(name, meaning) rte_tel_data_add_dict_u64(d, #name, LOAD(s->shm->name));
	NBD_SHM_TOTALS(ADD_TOTAL)
#undef ADD_TOTAL
	rte_tel_data_add_dict_u64(d, "max_connections", AOE_NBD_MAX_CONNS);
	rte_tel_data_add_dict_u64(d, "queue_depth", AOE_NBD_CONN_QD);
	return 0;
}

static int
nbd_exports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct nbd_server *s = &nbd_server;
	unsigned int i, n = __atomic_load_n(&s->shm->nb_exports, __ATOMIC_ACQUIRE);

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	for (i = 0; i < n; i++)
		rte_tel_data_add_array_string(d, s->shm->exports[i].name);
	return 0;
}

static int
nbd_export(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct nbd_server *s = &nbd_server;
	unsigned int i, n = __atomic_load_n(&s->shm->nb_exports, __ATOMIC_ACQUIRE);
	const struct nbd_export_stats *e = NULL;

	RTE_SET_USED(cmd);
	for (i = 0; params != NULL && i < n; i++)
		if (strcmp(s->shm->exports[i].name, params) == 0)
			e = &s->shm->exports[i];
	rte_tel_data_start_dict(d);
	if (e == NULL) {
		rte_tel_data_add_dict_string(d, "error", "no such export; see /aoe/nbd/exports");
		return 0;
	}
	rte_tel_data_add_dict_string(d, "name", e->name);
#define ADD_COUNTER(name, meaning) rte_tel_data_add_dict_u64(d, #name, LOAD(e->name));
	NBD_SHM_EXPORT_COUNTERS(ADD_COUNTER)
#undef ADD_COUNTER
	return 0;
}

static int
nbd_connections(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_conn *c;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
	pthread_mutex_lock(&s->lock);
	TAILQ_FOREACH(c, &s->conns, link)
	rte_tel_data_add_array_u64(d, c->id);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int
nbd_connection(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct nbd_server *s = &nbd_server;
	uint64_t id = params != NULL ? strtoull(params, NULL, 10) : 0;
	struct nbd_conn *c;

	RTE_SET_USED(cmd);
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&s->lock);
	TAILQ_FOREACH(c, &s->conns, link)
	if (c->id == id)
		break;
	if (c == NULL) {
		rte_tel_data_add_dict_string(d, "error",
					     "no such connection; see /aoe/nbd/connections");
	} else {
		rte_tel_data_add_dict_u64(d, "id", c->id);
		rte_tel_data_add_dict_string(d, "peer", c->peer);
		rte_tel_data_add_dict_string(d, "export",
					     LOAD(c->transmission) ? c->neg.export.name : "");
		rte_tel_data_add_dict_u64(d, "lcore", s->lcores[c->lcore_idx].lcore_id);
		rte_tel_data_add_dict_u64(d, "requests", LOAD(c->requests));
		rte_tel_data_add_dict_u64(d, "errors", LOAD(c->errors));
		rte_tel_data_add_dict_u64(d, "in_flight", LOAD(c->in_flight));
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int
nbd_telemetry_register(void)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} commands[] = {
		{"/aoe/nbd", nbd_totals, "NBD server totals. No parameters."},
		{"/aoe/nbd/exports", nbd_exports,
		 "Names of the exports that have had a connection. No parameters."},
		{"/aoe/nbd/export", nbd_export,
		 "One export's counters. Parameter: its name (e1.1)."},
		{"/aoe/nbd/connections", nbd_connections,
		 "Ids of the open NBD connections. No parameters."},
		{"/aoe/nbd/connection", nbd_connection,
		 "One connection: peer, export, lcore, counters. Parameter: its id."},
	};
	static bool registered;
	unsigned int i;
	int rc;

	if (registered)
		return 0;
	for (i = 0; i < RTE_DIM(commands); i++) {
		rc = rte_telemetry_register_cmd(commands[i].cmd, commands[i].fn, commands[i].help);
		if (rc != 0)
			return rc;
	}
	registered = true;
	return 0;
}
