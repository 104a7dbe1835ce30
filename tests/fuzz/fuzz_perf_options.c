/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for aoe-perf's command line (app/aoe-perf/options.c, app/common/aoe_app.c's
 * split at "--"): the input is the command line after the program's name, its arguments
 * separated by NUL bytes (fuzz_argv.h).
 *
 * Checked, as perf_options.h and the usage text promise: perf_options_cmdline() returns 0 or
 * -EINVAL (-ENOMEM) and never exits or prints; an error comes with a message; a success (other
 * than --help) holds a target name, a workload, an I/O size that is a positive multiple of 512
 * up to 64 MiB, a depth of 1-1024, and every other value within its range (-M only with rw and
 * randrw). perf_region_resolve() then either refuses with a message or gives a non-empty region
 * of whole sectors inside the target and the I/O count of one pass over it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_argv.h"
#include "perf_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_region(const struct perf_opts *o, uint64_t target_bytes)
{
	struct perf_region r;
	char err[256];
	int rc;

	memset(err, 0x7f, sizeof(err));
	rc = perf_region_resolve(o, target_bytes, &r, err, sizeof(err));
	CHECK(rc == 0 || rc == -ERANGE);
	if (rc != 0) {
		fuzz_check_err(err, sizeof(err));
		return;
	}
	CHECK(r.offset == o->offset);
	CHECK(r.size > 0 && r.size % AOE_SECTOR_SIZE == 0);
	CHECK(r.offset < target_bytes && r.size <= target_bytes - r.offset);
	CHECK(o->size == 0 || r.size == o->size);
	CHECK(r.nb_ios == r.size / o->io_size + (r.size % o->io_size != 0));
}

static void
check_opts(const struct perf_opts *o)
{
	CHECK(memchr(o->target, '\0', sizeof(o->target)) != NULL && o->target[0] != '\0');
	CHECK(strcmp(perf_workload_name(o->workload), "?") != 0);
	CHECK(o->io_size >= AOE_SECTOR_SIZE && o->io_size <= PERF_IO_SIZE_MAX);
	CHECK(o->io_size % AOE_SECTOR_SIZE == 0);
	CHECK(o->depth >= 1 && o->depth <= PERF_DEPTH_MAX);
	CHECK(o->seconds <= 1000000 && o->progress_s <= 1000000);
	CHECK(o->read_pct <= 100);
	CHECK(o->read_pct == PERF_READ_PCT_DEFAULT || o->workload == PERF_WL_RW ||
	      o->workload == PERF_WL_RANDRW);
	CHECK(o->offset % AOE_SECTOR_SIZE == 0 && o->size % AOE_SECTOR_SIZE == 0);
	CHECK(o->discover_wait_ms >= 1 && o->discover_wait_ms <= PERF_DISCOVER_WAIT_MAX);
	CHECK(o->maxout <= AOE_MAXOUT_MAX);
	CHECK(o->mtu == 0 || (o->mtu >= AOE_MTU_MIN && o->mtu <= AOE_MTU_MAX));
	CHECK(o->deadsecs_set || o->deadsecs == 0);
	CHECK(o->deadsecs <= AOE_DEADSECS_MAX);
	CHECK(!o->zcopy || perf_workload_reads(o->workload));

	/* A small target, one that ends where the region does, and the largest there is. */
	check_region(o, 1 << 20);
	if (o->size != 0 && o->offset <= UINT64_MAX - o->size)
		check_region(o, o->offset + o->size);
	check_region(o, UINT64_MAX / AOE_SECTOR_SIZE * AOE_SECTOR_SIZE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a;
	struct perf_opts o;
	char err[512];
	int rc;

	fuzz_argv_make(&a, "aoe-perf", data, size);
	memset(err, 0x7f, sizeof(err));
	rc = perf_options_cmdline(a.argc, a.argv, &o, err, sizeof(err));
	CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc != 0)
		fuzz_check_err(err, sizeof(err));
	else if (!o.help)
		check_opts(&o);
	fuzz_argv_free(&a);
	return 0;
}
