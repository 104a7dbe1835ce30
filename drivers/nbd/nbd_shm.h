/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The NBD server's statistics region: its counters live in a plain file mapped shared,
 * <EAL runtime dir>/aoe_nbd_stats, beside the engine's aoe_stats, so that aoe-stat -v shows
 * them without the EAL (nbd_shm_read.c). The control thread is the only writer: aligned 64-bit
 * stores a reader sees whole, one update old at worst. Versioned like aoe_shm.h; host-endian.
 */
#ifndef NBD_SHM_H
#define NBD_SHM_H

#include <stdint.h>

#define NBD_SHM_MAGIC	 0x4165556e62645374ull /* "AeUnbdSt" */
#define NBD_SHM_VERSION	 1
#define NBD_SHM_FILE	 "aoe_nbd_stats"
#define NBD_SHM_EXPORTS	 512 /* export names ever served: their counters stay */
#define NBD_SHM_NAME_MAX 32  /* AOE_BDEV_NAME_MAX */

/* One export's counters. */
struct nbd_export_stats {
	char name[NBD_SHM_NAME_MAX];
	uint64_t connections; /* opened so far */
	uint64_t open;	      /* connections open now */
	uint64_t requests;
	uint64_t read_bytes;
	uint64_t write_bytes;
	uint64_t errors; /* replies with an error */
	uint64_t in_flight;
};

struct nbd_shm {
	uint64_t magic;
	uint32_t version;
	uint32_t nb_exports; /* entries of exports[] in use; written after the entry's name */
	uint64_t pid;	     /* the writer: a reader tells a stale region by it */
	uint64_t listeners;
	uint64_t connections;	    /* open now */
	uint64_t connections_total; /* accepted so far */
	uint64_t refused_connections;
	uint64_t bad_input; /* malformed handshakes and requests */
	struct nbd_export_stats exports[NBD_SHM_EXPORTS];
};

#endif /* NBD_SHM_H */
