/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe's target event lines: a pure function from a target snapshot to a FILE *, so the
 * unit tests can check every byte without an engine. (--status prints aoe-stat's table and
 * JSON: app/common/aoe_app_status.h.)
 */
#ifndef DPDK_AOE_STATUS_H
#define DPDK_AOE_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <aoe.h>

#include "aoe_app.h"

/**
 * Print the daemon's line for a target event, prefixed with @p when in local time, e.g.
 * "2024-11-23T19:40:00+0000 e1.1 up 0.067GB net_af_packet0 payload 1024", and flush it.
 * @return 0 or the -errno of the failed write (aoe_app_flush()).
 */
int status_print_event(FILE *f, time_t when, enum aoe_target_event event,
		       const struct aoe_target_info *info);

#endif /* DPDK_AOE_STATUS_H */
