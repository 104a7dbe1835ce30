/* SPDX-License-Identifier: BSD-3-Clause */
/* aoe-stat -v: the NBD server's counters (drivers/nbd's statistics region, nbd_shm.h). */
#ifndef AOE_STAT_NBD_H
#define AOE_STAT_NBD_H

#include <stdio.h>

/**
 * The NBD server's totals and per-export counters of the process with file prefix @p prefix
 * (nothing when it serves no NBD; a line saying why when its region cannot be read).
 * @return 0 or -EIO (a failed write).
 */
int aoe_stat_nbd(FILE *f, const char *prefix);

#endif /* AOE_STAT_NBD_H */
