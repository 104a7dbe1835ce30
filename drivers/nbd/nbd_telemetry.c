/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NBD server in telemetry: /aoe/nbd (totals), /aoe/nbd/exports (each export's counters) and
 * /aoe/nbd/connections (each open connection). Run on DPDK's telemetry thread: counters are
 * read as they are (each a single aligned word), the connection list under the server's lock.
 */
#include <errno.h>
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
	rte_tel_data_add_dict_u64(d, "listeners", s->nb_listeners);
	rte_tel_data_add_dict_u64(d, "connections", LOAD(s->nb_conns));
	rte_tel_data_add_dict_u64(d, "connections_total", LOAD(s->next_conn_id));
	rte_tel_data_add_dict_u64(d, "refused_connections", LOAD(s->refused_conns));
	rte_tel_data_add_dict_u64(d, "bad_input", LOAD(s->bad_input));
	rte_tel_data_add_dict_u64(d, "max_connections", AOE_NBD_MAX_CONNS);
	rte_tel_data_add_dict_u64(d, "queue_depth", AOE_NBD_CONN_QD);
	return 0;
}

static int
nbd_exports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct nbd_server *s = &nbd_server;
	unsigned int i, n = __atomic_load_n(&s->nb_exports, __ATOMIC_ACQUIRE);

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_CONTAINER);
	for (i = 0; i < n; i++) {
		const struct nbd_export_stats *e = &s->exports[i];
		struct rte_tel_data *x = rte_tel_data_alloc();

		if (x == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(x);
		rte_tel_data_add_dict_string(x, "name", e->name);
		rte_tel_data_add_dict_u64(x, "connections", LOAD(e->connections));
		rte_tel_data_add_dict_u64(x, "open", LOAD(e->open));
		rte_tel_data_add_dict_u64(x, "requests", LOAD(e->requests));
		rte_tel_data_add_dict_u64(x, "read_bytes", LOAD(e->read_bytes));
		rte_tel_data_add_dict_u64(x, "write_bytes", LOAD(e->write_bytes));
		rte_tel_data_add_dict_u64(x, "errors", LOAD(e->errors));
		rte_tel_data_add_dict_u64(x, "in_flight", LOAD(e->in_flight));
		rte_tel_data_add_array_container(d, x, 0);
	}
	return 0;
}

static int
nbd_connections(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_conn *c;
	int rc = 0;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_CONTAINER);
	pthread_mutex_lock(&s->lock);
	TAILQ_FOREACH(c, &s->conns, link)
	{
		struct rte_tel_data *x = rte_tel_data_alloc();

		if (x == NULL) {
			rc = -ENOMEM;
			break;
		}
		rte_tel_data_start_dict(x);
		rte_tel_data_add_dict_u64(x, "id", c->id);
		rte_tel_data_add_dict_string(x, "peer", c->peer);
		rte_tel_data_add_dict_string(x, "export",
					     LOAD(c->transmission) ? c->neg.export.name : "");
		rte_tel_data_add_dict_u64(x, "lcore", s->lcores[c->lcore_idx].lcore_id);
		rte_tel_data_add_dict_u64(x, "requests", LOAD(c->requests));
		rte_tel_data_add_dict_u64(x, "errors", LOAD(c->errors));
		rte_tel_data_add_dict_u64(x, "in_flight", LOAD(c->in_flight));
		rte_tel_data_add_array_container(d, x, 0);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
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
		 "Counters of every export that has had a connection. No parameters."},
		{"/aoe/nbd/connections", nbd_connections,
		 "The open NBD connections. No parameters."},
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
