/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe's target event lines and the outcome of its one-shot access-control actions: pure
 * functions to a FILE *, so the unit tests can check every byte without an engine. (--status prints
 * aoe-stat's table and JSON: app/common/aoe_app_status.h.)
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

/**
 * Print the outcome of a one-shot access-control action on target @p name: what the target
 * now says on @p out when it was done ("e1.1 reserved for 02:00:00:00:00:01 (this
 * initiator)"), or why not on @p err, prefixed "dpdk-aoe: " ("e1.1: reserve refused: reserved
 * by another initiator (02:00:00:00:00:02); --force takes it"). MACs among @p ours (this
 * initiator's ports) are marked so. @p timeout_ms is the request's, for a timeout's message.
 * @return 0 or the -errno of the failed write to @p out.
 */
int status_print_acl(FILE *out, FILE *err, const char *name, const struct aoe_acl_args *args,
		     const struct aoe_acl_result *res, const struct aoe_acl_mac *ours,
		     unsigned int nb_ours);

#endif /* DPDK_AOE_STATUS_H */
