/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How the programs that run the engine (dpdk-aoe, aoe-perf) choose its polling lcores: the
 * EAL's, as many as the ports have queues for, saying so when that is fewer.
 */
#ifndef AOE_APP_ENGINE_H
#define AOE_APP_ENGINE_H

#include <aoe.h>

/**
 * Fill @p conf's polling lcores from the EAL's: the main lcore first (it is the management
 * lcore), then the workers, as many as the ports @p conf names can serve
 * (aoe_ports_max_lcores()). When the ports have fewer TX queues than the EAL has lcores, say
 * on stderr that the program polls with fewer: the others are left idle.
 * @param conf with its ports (or all_ports) set already.
 * @return 0; -E2BIG (more EAL lcores than the engine polls with: the message says how many it
 *         takes); or aoe_ports_max_lcores()'s error (message printed).
 */
int aoe_app_engine_lcores(const char *prog, struct aoe_conf *conf);

#endif /* AOE_APP_ENGINE_H */
