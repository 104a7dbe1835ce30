/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_lcore.h>

#include "aoe_app_engine.h"

int
aoe_app_engine_lcores(const char *prog, struct aoe_conf *conf)
{
	unsigned int lcore, eal = rte_lcore_count();
	int max;

	if (eal > AOE_MAX_LCORES) {
		fprintf(stderr, "%s: %u lcores given; allowed: at most %d (EAL -l)\n", prog, eal,
			AOE_MAX_LCORES);
		return -E2BIG;
	}
	max = aoe_ports_max_lcores(conf);
	if (max < 0) {
		fprintf(stderr, "%s: cannot count the ports' queues: %s\n", prog, strerror(-max));
		return max;
	}
	conf->mgmt_lcore = rte_get_main_lcore();
	conf->nb_lcores = 0;
	conf->lcores[conf->nb_lcores++] = conf->mgmt_lcore;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (conf->nb_lcores == (unsigned int)max)
			break;
		conf->lcores[conf->nb_lcores++] = lcore;
	}
	if (conf->nb_lcores < eal)
		fprintf(stderr,
			"%s: the ports have %d queue pair%s (one TX queue per polling lcore): "
			"polling with %u of the %u lcores (give the ports more queues to use them "
			"all, e.g. qpairs=%u on net_af_packet)\n",
			prog, max, max == 1 ? "" : "s", conf->nb_lcores, eal, eal);
	return 0;
}
