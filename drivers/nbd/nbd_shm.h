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

/*
 * The counters, listed once: the structs below, telemetry (/aoe/nbd, /aoe/nbd/export) and
 * aoe-stat -v all walk these lists. X(name, meaning).
 */
#define NBD_SHM_TOTALS(X)                                                                          \
	X(listeners, "addresses listened on")                                                      \
	X(connections, "connections open now")                                                     \
	X(connections_total, "connections accepted so far")                                        \
	X(refused_connections, "connections refused: over the limit")                              \
	X(bad_input, "malformed handshakes and requests")

#define NBD_SHM_EXPORT_COUNTERS(X)                                                                 \
	X(connections, "connections to it so far")                                                 \
	X(open, "connections to it open now")                                                      \
	X(requests, "requests read")                                                               \
	X(read_bytes, "bytes read")                                                                \
	X(write_bytes, "bytes written")                                                            \
	X(errors, "replies that carried an error")                                                 \
	X(in_flight, "requests at the lcores now")

#define NBD_SHM_FIELD(name, meaning) uint64_t name;

/* One export's counters. */
struct nbd_export_stats {
	char name[NBD_SHM_NAME_MAX];
	NBD_SHM_EXPORT_COUNTERS(NBD_SHM_FIELD)
};

struct nbd_shm {
	uint64_t magic;
	uint32_t version;
	uint32_t nb_exports; /* entries of exports[] in use; written after the entry's name */
	uint64_t pid;	     /* the writer: a reader tells a stale region by it */
	NBD_SHM_TOTALS(NBD_SHM_FIELD)
	struct nbd_export_stats exports[NBD_SHM_EXPORTS];
};

#endif /* NBD_SHM_H */
