/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * aoe-perf's command line (the part after the EAL's "--") and the I/O region it names.
 * DPDK-free so unit tests can drive the parser with argument vectors.
 */
#ifndef PERF_OPTIONS_H
#define PERF_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aoe_defs.h"
#include "aoe_wire.h"

#define PERF_DEPTH_MAX		   1024
#define PERF_IO_SIZE_MAX	   (64ull << 20)
#define PERF_DISCOVER_WAIT_DEFAULT 3000	   /**< ms */
#define PERF_DISCOVER_WAIT_MAX	   3600000 /**< ms */
#define PERF_READ_PCT_DEFAULT	   50

enum perf_workload {
	PERF_WL_READ,
	PERF_WL_WRITE,
	PERF_WL_RANDREAD,
	PERF_WL_RANDWRITE,
	PERF_WL_RW,
	PERF_WL_RANDRW,
	PERF_WL_VERIFY,
	PERF_WL_FLUSH, /**< every I/O a FLUSH CACHE (bdevperf's flush workload) */
};

struct perf_opts {
	char target[AOE_NAME_MAX];   /**< -T, syntax checked later by aoe_name_parse() */
	enum perf_workload workload; /**< -w */
	uint64_t io_size;	     /**< -o, bytes, a positive multiple of 512 */
	unsigned int depth;	     /**< -q, 1..PERF_DEPTH_MAX */
	unsigned int seconds;	     /**< -t, 0 = not timed (one pass) */
	unsigned int read_pct;	     /**< -M, 0..100, for rw and randrw */
	uint64_t offset;	     /**< --offset, bytes */
	uint64_t size;		     /**< --size, bytes; 0 = to the end of the target */
	uint64_t seed;		     /**< --seed, XOR-ed into the pattern */
	bool check;		     /**< --check: verify every sector read */
	bool zcopy;		 /**< --zcopy: reads are zero-copy reads (aoe_bdev_zcopy_read) */
	bool json;		 /**< --json */
	unsigned int progress_s; /**< -S, 0 = no progress lines */
	unsigned int discover_wait_ms; /**< --discover-wait */
	unsigned int maxout;	       /**< --maxout, 0 = the engine's default */
	unsigned int mtu;	       /**< --mtu, 0 = each port's own */
	bool deadsecs_set;
	uint32_t deadsecs; /**< --deadsecs, when deadsecs_set */
	bool help;	   /**< -h / --help: print the usage and exit 0 */
};

/**
 * Parse the application arguments; argv[0] is the program name. Resets getopt, so it may be
 * called again (after the EAL has used getopt, or from tests).
 * @return 0 (@p opts filled; when opts->help is set nothing else is checked) or -EINVAL with a
 *         one-line message in @p err naming the option and what it allows.
 */
int perf_options_parse(int argc, char **argv, struct perf_opts *opts, char *err, size_t errlen);

/**
 * The whole command line, "[EAL options] -- [aoe-perf options]": -h or --help anywhere sets
 * opts->help; without a "--" the message says that the "--" is missing (naming an aoe-perf
 * option given before it, if any); else perf_options_parse() of what follows the "--".
 * @return 0 or -EINVAL (@p err says why).
 */
int perf_options_cmdline(int argc, char **argv, struct perf_opts *opts, char *err, size_t errlen);

/** Print the usage text. */
void perf_options_usage(FILE *f, const char *prog);

/** "read", "randrw", ... */
const char *perf_workload_name(enum perf_workload wl);

static inline bool
perf_workload_is_random(enum perf_workload wl)
{
	return wl == PERF_WL_RANDREAD || wl == PERF_WL_RANDWRITE || wl == PERF_WL_RANDRW;
}

/** Whether the workload writes (and so needs a writable open). */
static inline bool
perf_workload_writes(enum perf_workload wl)
{
	return wl != PERF_WL_READ && wl != PERF_WL_RANDREAD;
}

/** Whether the workload reads (and so may take --zcopy). */
static inline bool
perf_workload_reads(enum perf_workload wl)
{
	return wl != PERF_WL_WRITE && wl != PERF_WL_RANDWRITE && wl != PERF_WL_FLUSH;
}

/** The bytes a run covers, resolved against the target's size. */
struct perf_region {
	uint64_t offset; /**< bytes, multiple of 512 */
	uint64_t size;	 /**< bytes, multiple of 512, > 0 */
	uint64_t nb_ios; /**< I/Os in one pass: ceil(size / io_size); the last may be short */
};

/**
 * Resolve --offset/--size against a target of @p target_bytes.
 * @return 0, or -ERANGE with a message in @p err when the region is empty or leaves the target.
 */
int perf_region_resolve(const struct perf_opts *opts, uint64_t target_bytes,
			struct perf_region *region, char *err, size_t errlen);

#endif /* PERF_OPTIONS_H */
