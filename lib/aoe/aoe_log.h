/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging for libaoe: one registered logtype per area, so an operator can turn one area up with
 * --log-level=aoe.io:debug without drowning in the others. The library never prints.
 */
#ifndef AOE_LOG_H
#define AOE_LOG_H

#include <rte_log.h>

extern int aoe_logtype_net;  /* ports, frames, hand-offs */
extern int aoe_logtype_io;   /* I/O, retransmission, errors from targets */
extern int aoe_logtype_disc; /* discovery, IDENTIFY, target state */

#define AOE_LOG(level, area, fmt, ...)                                                             \
	rte_log(RTE_LOG_##level, aoe_logtype_##area, "aoe: " fmt "\n", ##__VA_ARGS__)

#endif /* AOE_LOG_H */
