/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe output: the --status table (aoe-stat's columns), its JSON form and the daemon's
 * target event lines. Pure functions from target snapshots to a FILE *, so the unit tests can
 * check every byte without an engine.
 */
#ifndef DPDK_AOE_STATUS_H
#define DPDK_AOE_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <aoe.h>

#include "aoe_app.h"

/** Sort by shelf, then slot, as numbers (e9.1 before e10.1, e1.2 before e1.10). */
void status_sort(struct aoe_target_info *targets, unsigned int n);

/**
 * Sort @p targets in place and print one aoe-stat line per target:
 * "%10s %15s %10s %-5s %-14s\n" with name, size, port name, payload and state.
 * Nothing is printed when @p n is 0.
 * @return 0 or -EIO (write error on @p f).
 */
int status_print_text(FILE *f, struct aoe_target_info *targets, unsigned int n);

/**
 * Sort @p targets in place and print {"targets": [...]} with one object per target.
 * @return 0 or -EIO.
 */
int status_print_json(FILE *f, struct aoe_target_info *targets, unsigned int n);

/**
 * Print the daemon's line for a target event, prefixed with @p when in local time, e.g.
 * "2024-11-23T19:40:00+0000 e1.1 up 0.067GB net_af_packet0 payload 1024".
 * @return 0 or -EIO.
 */
int status_print_event(FILE *f, time_t when, enum aoe_target_event event,
		       const struct aoe_target_info *info);

#endif /* DPDK_AOE_STATUS_H */
