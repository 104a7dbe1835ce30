/* SPDX-License-Identifier: BSD-3-Clause */
/* What the fuzz targets of dpdk-aoe's command line and configuration file check alike. */
#ifndef FUZZ_DAEMON_H
#define FUZZ_DAEMON_H

#include <errno.h>
#include <string.h>

#include "aoe_acl_req.h"
#include "fuzz_argv.h"
#include "options.h"

/* Ports of a pretend EAL: ids 0-3, named net_tap0 to net_tap3. */
#define NB_FAKE_PORTS 4

static inline bool
fake_id_valid(uint16_t port_id, void *arg)
{
	(void)arg;
	return port_id < NB_FAKE_PORTS;
}

static inline int
fake_by_name(const char *name, uint16_t *port_id, void *arg)
{
	(void)arg;
	if (strncmp(name, "net_tap", 7) != 0 || name[7] < '0' || name[7] >= '0' + NB_FAKE_PORTS ||
	    name[8] != '\0')
		return -ENODEV;
	*port_id = (uint16_t)(name[7] - '0');
	return 0;
}

/*
 * What every accepted set of dpdk-aoe settings holds, from the command line or a configuration
 * file; and what options_check() and options_resolve_ports() make of it.
 */
static inline void
fuzz_check_options(const struct options *o)
{
	static const struct options_port_ops ops = {
		.id_valid = fake_id_valid,
		.by_name = fake_by_name,
	};
	uint16_t ports[AOE_MAX_PORTS], nb_ports = 0xffff;
	bool oneshot = o->acl_action != OPTIONS_ACL_NONE;
	char err[512];
	unsigned int i, j;
	int rc;

	CHECK(o->maxout >= 1 && o->maxout <= AOE_MAXOUT_MAX);
	CHECK(o->mtu == 0 || (o->mtu >= AOE_MTU_MIN && o->mtu <= AOE_MTU_MAX));
	CHECK(o->deadsecs <= AOE_DEADSECS_MAX);
	CHECK(o->discover_interval_s <= AOE_DISCOVER_INTERVAL_MAX);
	CHECK(o->discover_wait_ms >= 1 && o->discover_wait_ms <= OPTIONS_WAIT_MAX_MS);
	CHECK(o->nb_ifs <= AOE_MAX_PORTS);
	for (i = 0; i < o->nb_ifs; i++) {
		CHECK(memchr(o->ifs[i], '\0', sizeof(o->ifs[i])) != NULL);
		CHECK(o->ifs[i][0] != '\0');
		CHECK(strpbrk(o->ifs[i], ", \t") == NULL);
	}
	CHECK((o->given & ~((UINT32_C(1) << OPTIONS_NB) - 1)) == 0);
	/* An access-control action is a request the engine takes as it is. */
	if (oneshot) {
		CHECK(memchr(o->acl_target, '\0', sizeof(o->acl_target)) != NULL);
		CHECK(o->acl_target[0] != '\0');
		CHECK(aoe_acl_args_check(&o->acl) == 0);
	}

	rc = options_check(o, err, sizeof(err));
	CHECK(rc == (((o->json && !o->status) || (o->nb_nbd > 0 && o->status) ||
		      (oneshot && (o->status || o->json || o->nb_nbd > 0)))
			     ? -EINVAL
			     : 0));
	if (rc != 0)
		fuzz_check_err(err, sizeof(err));

	rc = options_resolve_ports(o, &ops, ports, &nb_ports, err, sizeof(err));
	CHECK(rc == 0 || rc == -ENODEV);
	if (rc != 0) {
		fuzz_check_err(err, sizeof(err));
		return;
	}
	CHECK(nb_ports <= o->nb_ifs);
	CHECK(o->nb_ifs == 0 || nb_ports >= 1);
	for (i = 0; i < nb_ports; i++) {
		CHECK(ports[i] < NB_FAKE_PORTS);
		for (j = 0; j < i; j++)
			CHECK(ports[i] != ports[j]);
	}
}

#endif /* FUZZ_DAEMON_H */
