/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-stat's output formats, apart from main() so they can be read (and tested) on their own.
 */
#ifndef AOE_STAT_H
#define AOE_STAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "aoe_shm.h"

/**
 * The target table (aoetools' columns), sorted by shelf then slot, flushed targets left out;
 * with @p verbose each row is followed by its counters.
 * @return 0 or -errno of a failed write.
 */
int aoe_stat_table(FILE *f, const struct aoe_shm *shm, bool verbose);

/**
 * The NBD server's totals and per-export counters of the process with file prefix @p prefix
 * (nothing when it serves no NBD; a line saying why when its region cannot be read).
 * @return 0 or -EIO (a failed write).
 */
int aoe_stat_nbd(FILE *f, const char *prefix);

/**
 * {"program", "pid", "targets": [...], "lcores": [...]} on one line.
 * @return 0 or -errno of a failed write.
 */
int aoe_stat_json(FILE *f, const struct aoe_shm *shm);

#endif /* AOE_STAT_H */
