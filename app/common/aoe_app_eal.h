/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How the DPDK programs (dpdk-aoe, aoe-perf, aoe-target) start the EAL and find their ports,
 * with errors that say what failed: an EAL option it refused (exit 2), another process on
 * the same --file-prefix, a device given to the EAL that made no port (an af_packet interface
 * that does not exist).
 */
#ifndef AOE_APP_EAL_H
#define AOE_APP_EAL_H

/**
 * Point the DPDK log at stderr (stdout carries the program's output) and rte_eal_init().
 * On failure print why and exit: 2 for EAL options it refused, 1 otherwise.
 * @return what rte_eal_init() returns: how many arguments the EAL took.
 */
int aoe_app_eal_init(const char *prog, int argc, char **argv);

/**
 * After the EAL: whether every device given to it (-a, --vdev) made an Ethernet port, and it
 * made at least one. A device that made none is an error (a program never runs on fewer
 * ports than it was given): print which and why, as far as can be told (a --vdev whose
 * interface does not exist), or that no device was given.
 * @return 0 or -ENODEV.
 */
int aoe_app_eal_ports(const char *prog);

/**
 * Print on stderr that target @p name was not found after @p wait_ms, with the MACs of
 * this process's ports: a target whose MAC mask list leaves them out answers nothing at all
 * (vblade), which is then why.
 */
void aoe_app_target_missing(const char *prog, const char *name, unsigned int wait_ms);

#endif /* AOE_APP_EAL_H */
