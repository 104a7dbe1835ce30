/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Reading the NBD server's statistics region (nbd_shm.h) from another process, without the
 * EAL: what aoe-stat -v prints.
 */
#ifndef NBD_SHM_READ_H
#define NBD_SHM_READ_H

#include "nbd_shm.h"

/**
 * Copy the region in @p dir (a DPDK runtime directory) into @p out.
 * @return 0; -ENOENT (no NBD server runs there), -EPROTO (not the layout this reader knows),
 *         -ESRCH (its writer is gone), or open(2)/read(2)'s errno.
 */
int nbd_shm_snapshot(const char *dir, struct nbd_shm *out);

#endif /* NBD_SHM_READ_H */
