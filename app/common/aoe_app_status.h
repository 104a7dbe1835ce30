/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The target list every program prints, from a statistics region (aoe_shm.h): aoe-stat maps
 * another process's, dpdk-aoe --status its own engine's. One table
 * and one JSON encoder, so both programs print the same columns and the same keys (the schema
 * of docs/json.md, which telemetry's /aoe/info carries too). DPDK-free.
 */
#ifndef AOE_APP_STATUS_H
#define AOE_APP_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include "aoe_shm.h"

/**
 * aoetools' table, one row per target: printf("%10s %15s %10s %-5s %-14s\n") of name, size
 * in 10^9-byte GB, the ports it is reached through, payload and state; sorted by shelf, then
 * slot; flushed targets left out; nothing when there is no target. With @p verbose each row is
 * followed by the target's counters and gauges ("    frames_tx N, frames_rx N, ...").
 * Write errors are the caller's to find (aoe_app_flush()).
 * @return 0 or -ENOMEM.
 */
int aoe_app_status_table(FILE *f, const struct aoe_shm *shm, bool verbose);

/**
 * {"program", "pid", "targets": [...], "lcores": [...]}, one target or lcore per line: each
 * target its description (AOE_TARGET_DESC), counters and gauges, each lcore its id, whether it
 * manages, and its counters.
 * @return 0 or -ENOMEM.
 */
int aoe_app_status_json(FILE *f, const struct aoe_shm *shm);

#endif /* AOE_APP_STATUS_H */
