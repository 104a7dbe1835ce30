/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests app/aoe-perf/options.c: every option, every refusal, the defaults, the region. No DPDK. */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "perf_options.h"
#include "test_util.h"

static struct perf_opts opts;
static char err[512];

static int
parse_v(char **argv)
{
	memset(err, 0, sizeof(err));
	return perf_options_parse(test_argc(argv), argv, &opts, err, sizeof(err));
}

#define PARSE(...) parse_v((char *[]){"aoe-perf", __VA_ARGS__, NULL})
#define BASE	   "-T", "e1.1", "-w", "randread", "-o", "4096", "-q", "32"

/* A refusal: -EINVAL and a message that contains both fragments. */
#define REFUSED(frag1, frag2, ...)                                                                 \
	do {                                                                                       \
		cr_assert_eq(PARSE(__VA_ARGS__), -EINVAL, "accepted");                             \
		cr_assert(strstr(err, frag1) != NULL, "'%s' not in '%s'", frag1, err);             \
		cr_assert(strstr(err, frag2) != NULL, "'%s' not in '%s'", frag2, err);             \
	} while (0)

Test(perf_options, required_and_defaults)
{
	cr_assert_eq(PARSE(BASE), 0, "%s", err);
	cr_assert_str_eq(opts.target, "e1.1");
	cr_assert_eq(opts.workload, PERF_WL_RANDREAD);
	cr_assert_eq(opts.io_size, 4096);
	cr_assert_eq(opts.depth, 32);
	cr_assert_eq(opts.seconds, 0);
	cr_assert_eq(opts.read_pct, 50);
	cr_assert_eq(opts.offset, 0);
	cr_assert_eq(opts.size, 0);
	cr_assert_eq(opts.seed, 0);
	cr_assert_not(opts.check);
	cr_assert_not(opts.zcopy);
	cr_assert_not(opts.json);
	cr_assert_eq(opts.progress_s, 0);
	cr_assert_eq(opts.discover_wait_ms, 3000);
	cr_assert_eq(opts.maxout, 0);
	cr_assert_not(opts.deadsecs_set);
	cr_assert_not(opts.help);
}

Test(perf_options, every_option)
{
	cr_assert_eq(PARSE("-T", "e65534.254", "-w", "randrw", "-o", "8k", "-q", "1024", "-t", "10",
			   "-M", "70", "--offset", "1m", "--size", "1G", "--seed", "0x10",
			   "--check", "--zcopy", "--json", "-S", "2", "--discover-wait", "500",
			   "--maxout", "64", "--deadsecs", "0"),
		     0, "%s", err);
	cr_assert_str_eq(opts.target, "e65534.254");
	cr_assert_eq(opts.workload, PERF_WL_RANDRW);
	cr_assert_eq(opts.io_size, 8192);
	cr_assert_eq(opts.depth, 1024);
	cr_assert_eq(opts.seconds, 10);
	cr_assert_eq(opts.read_pct, 70);
	cr_assert_eq(opts.offset, 1 << 20);
	cr_assert_eq(opts.size, 1 << 30);
	cr_assert_eq(opts.seed, 16);
	cr_assert(opts.check);
	cr_assert(opts.zcopy);
	cr_assert(opts.json);
	cr_assert_eq(opts.progress_s, 2);
	cr_assert_eq(opts.discover_wait_ms, 500);
	cr_assert_eq(opts.maxout, 64);
	cr_assert(opts.deadsecs_set);
	cr_assert_eq(opts.deadsecs, 0);
	/* --opt=value works too, and options may come in any order. */
	cr_assert_eq(PARSE("--seed=12345678901234567890", "-q1", "-o", "512", "-w", "verify", "-T",
			   "e0.0", "--discover-wait=1"),
		     0, "%s", err);
	cr_assert_eq(opts.seed, 12345678901234567890ull);
	cr_assert_eq(opts.depth, 1);
	cr_assert_eq(opts.discover_wait_ms, 1);
}

Test(perf_options, workloads)
{
	static const char *const names[] = {"read", "write",  "randread", "randwrite",
					    "rw",   "randrw", "verify"};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_assert_eq(PARSE("-T", "e1.1", "-o", "512", "-q", "1", "-w", (char *)names[i]), 0,
			     "%s", err);
		cr_assert_eq(opts.workload, (enum perf_workload)i);
		cr_assert_str_eq(perf_workload_name(opts.workload), names[i]);
	}
	cr_assert(perf_workload_is_random(PERF_WL_RANDWRITE));
	cr_assert_not(perf_workload_is_random(PERF_WL_RW));
	cr_assert_not(perf_workload_writes(PERF_WL_RANDREAD));
	cr_assert(perf_workload_writes(PERF_WL_VERIFY));
	REFUSED("-w", "randrw", "-T", "e1.1", "-o", "512", "-q", "1", "-w", "random");
}

Test(perf_options, missing_required)
{
	REFUSED("-T", "required", "-w", "read", "-o", "512", "-q", "1");
	REFUSED("-w", "required", "-T", "e1.1", "-o", "512", "-q", "1");
	REFUSED("-o", "required", "-T", "e1.1", "-w", "read", "-q", "1");
	REFUSED("-q", "required", "-T", "e1.1", "-w", "read", "-o", "512");
}

Test(perf_options, io_size)
{
	REFUSED("-o", "multiple of 512", BASE, "-o", "1000");
	REFUSED("-o", "'0'", BASE, "-o", "0");
	REFUSED("-o", "'-512'", BASE, "-o", "-512");
	REFUSED("-o", "'4x'", BASE, "-o", "4x");
	REFUSED("-o", "'128m'", BASE, "-o", "128m");
	cr_assert_eq(PARSE(BASE, "-o", "64M"), 0, "%s", err);
	cr_assert_eq(opts.io_size, 64ull << 20);
	cr_assert_eq(PARSE(BASE, "-o", "1536"), 0, "%s", err);
	cr_assert_eq(opts.io_size, 1536);
}

Test(perf_options, depth_and_numbers)
{
	REFUSED("-q", "1-1024", BASE, "-q", "0");
	REFUSED("-q", "1-1024", BASE, "-q", "1025");
	REFUSED("-q", "1-1024", BASE, "-q", " 4");
	REFUSED("-t", "'0'", BASE, "-t", "0");
	REFUSED("-t", "'1.5'", BASE, "-t", "1.5");
	REFUSED("-S", "'0'", BASE, "-S", "0");
	REFUSED("--discover-wait", "milliseconds", BASE, "--discover-wait", "-1");
	/* No wait at all could never see the target: refused, not a run that always fails. */
	REFUSED("--discover-wait", "1-3600000", BASE, "--discover-wait", "0");
	REFUSED("--discover-wait", "1-3600000", BASE, "--discover-wait", "3600001");
	REFUSED("--maxout", "1-1024", BASE, "--maxout", "0");
	REFUSED("--maxout", "1-1024", BASE, "--maxout", "2000");
	REFUSED("--deadsecs", "0-86400", BASE, "--deadsecs", "86401");
	cr_assert_eq(PARSE(BASE, "--deadsecs", "86400"), 0, "%s", err);
	cr_assert_eq(opts.deadsecs, 86400);
	REFUSED("--seed", "64-bit", BASE, "--seed", "-1");
	REFUSED("--seed", "64-bit", BASE, "--seed", "18446744073709551616");
	REFUSED("-T", "target name", BASE, "-T", "e123456789.1234567");
}

Test(perf_options, read_percentage)
{
	REFUSED("-M", "0-100", "-T", "e1.1", "-w", "rw", "-o", "512", "-q", "1", "-M", "101");
	REFUSED("-M", "rw and randrw", BASE, "-M", "30");
	cr_assert_eq(PARSE("-T", "e1.1", "-w", "rw", "-o", "512", "-q", "1", "-M", "0"), 0);
	cr_assert_eq(opts.read_pct, 0);
	cr_assert_eq(PARSE("-T", "e1.1", "-w", "randrw", "-o", "512", "-q", "1", "-M", "100"), 0);
	cr_assert_eq(opts.read_pct, 100);
}

Test(perf_options, region_options)
{
	REFUSED("--offset", "multiple of 512", BASE, "--offset", "100");
	REFUSED("--size", "multiple of 512", BASE, "--size", "1000");
	REFUSED("--size", "positive", BASE, "--size", "0");
	cr_assert_eq(PARSE(BASE, "--offset", "0", "--size", "512"), 0, "%s", err);
}

Test(perf_options, unknown_and_missing_arguments)
{
	REFUSED("unknown option", "--bogus", BASE, "--bogus");
	REFUSED("unknown option", "-x", BASE, "-x");
	REFUSED("-q", "needs an argument", "-T", "e1.1", "-w", "read", "-o", "512", "-q");
	REFUSED("--size", "needs an argument", BASE, "--size");
	REFUSED("unexpected argument", "'extra'", BASE, "extra");
}

Test(perf_options, help)
{
	cr_assert_eq(PARSE("-h"), 0);
	cr_assert(opts.help);
	cr_assert_eq(PARSE("--help", "-q", "0"), 0);
	cr_assert(opts.help);
}

Test(perf_options, parses_again_after_a_failure)
{
	REFUSED("-q", "1-1024", BASE, "-q", "0");
	cr_assert_eq(PARSE(BASE), 0, "%s", err);
	cr_assert_eq(opts.depth, 32);
	cr_assert_eq(PARSE(BASE, "--check"), 0, "%s", err);
	cr_assert(opts.check);
}

Test(perf_options, region_resolve)
{
	struct perf_region r;
	const uint64_t disk = 1ull << 20; /* 1 MiB target */

	cr_assert_eq(PARSE(BASE), 0);
	cr_assert_eq(perf_region_resolve(&opts, disk, &r, err, sizeof(err)), 0);
	cr_assert_eq(r.offset, 0);
	cr_assert_eq(r.size, disk);
	cr_assert_eq(r.nb_ios, 256);

	/* Size defaults to the rest of the target; a short last I/O still counts. */
	cr_assert_eq(PARSE(BASE, "--offset", "1024"), 0);
	cr_assert_eq(perf_region_resolve(&opts, disk, &r, err, sizeof(err)), 0);
	cr_assert_eq(r.size, disk - 1024);
	cr_assert_eq(r.nb_ios, 256);

	cr_assert_eq(PARSE(BASE, "--offset", "4096", "--size", "8704"), 0);
	cr_assert_eq(perf_region_resolve(&opts, disk, &r, err, sizeof(err)), 0);
	cr_assert_eq(r.nb_ios, 3);

	cr_assert_eq(PARSE(BASE, "--offset", "512k", "--size", "512k"), 0);
	cr_assert_eq(perf_region_resolve(&opts, disk, &r, err, sizeof(err)), 0);

	cr_assert_eq(PARSE(BASE, "--offset", "512k", "--size", "513k"), 0);
	cr_assert_eq(perf_region_resolve(&opts, disk, &r, err, sizeof(err)), -ERANGE);
	cr_assert(strstr(err, "past the end") != NULL, "%s", err);
	cr_assert(strstr(err, "e1.1") != NULL, "%s", err);

	cr_assert_eq(PARSE(BASE, "--offset", "1m"), 0);
	cr_assert_eq(perf_region_resolve(&opts, disk, &r, err, sizeof(err)), -ERANGE);
	cr_assert(strstr(err, "--offset") != NULL, "%s", err);

	cr_assert_eq(PARSE(BASE, "--size", "16t"), 0);
	cr_assert_eq(perf_region_resolve(&opts, disk, &r, err, sizeof(err)), -ERANGE);

	/* The I/O count of a region of nearly 2^64 bytes, rounded up without wrapping. */
	cr_assert_eq(PARSE(BASE), 0);
	cr_assert_eq(perf_region_resolve(&opts, UINT64_MAX - 511, &r, err, sizeof(err)), 0);
	cr_assert_eq(r.nb_ios, UINT64_MAX / 4096 + 1);
}

/* The whole command line, EAL options and all, as main() sees it. */
static int
cmdline_v(char **argv)
{
	memset(err, 0, sizeof(err));
	return perf_options_cmdline(test_argc(argv), argv, &opts, err, sizeof(err));
}

#define CMDLINE(...) cmdline_v((char *[]){"aoe-perf", __VA_ARGS__, NULL})

Test(perf_options, cmdline_after_the_dashes)
{
	cr_assert_eq(CMDLINE("-l", "0", "--no-pci", "--", BASE), 0, "%s", err);
	cr_assert_str_eq(opts.target, "e1.1");
	cr_assert_eq(opts.depth, 32);
	/* Only the first "--" splits: a later one is aoe-perf's to refuse. */
	cr_assert_eq(CMDLINE("-l", "0", "--", BASE, "--", "x"), -EINVAL);
	cr_assert(strstr(err, "unexpected argument") != NULL, "%s", err);
}

Test(perf_options, cmdline_missing_dashes_is_named)
{
	/* -T was given, before any "--": the message must not claim it is missing. */
	cr_assert_eq(CMDLINE("-l", "0", "-T", "e1.1", "-w", "read", "-o", "4k", "-q", "1"),
		     -EINVAL);
	cr_assert(strstr(err, "'-T' comes before any '--'") != NULL, "%s", err);
	cr_assert(strstr(err, "required") == NULL, "%s", err);
	cr_assert_eq(CMDLINE("-l", "0", "--no-pci", "--json"), -EINVAL);
	cr_assert(strstr(err, "'--json' comes before any '--'") != NULL, "%s", err);
	cr_assert_eq(CMDLINE("-l", "0", "--no-pci"), -EINVAL);
	cr_assert(strstr(err, "no '--'") != NULL, "%s", err);
	cr_assert_eq(CMDLINE("-l", "0", "--"), -EINVAL);
	cr_assert(strstr(err, "-T TARGET is required") != NULL, "%s", err);
}

Test(perf_options, cmdline_help_anywhere)
{
	cr_assert_eq(CMDLINE("--help"), 0, "%s", err);
	cr_assert(opts.help);
	cr_assert_eq(CMDLINE("-l", "0", "-h"), 0, "%s", err);
	cr_assert(opts.help);
	cr_assert_eq(CMDLINE("-l", "0", "--", "-q", "0", "--help"), 0, "%s", err);
	cr_assert(opts.help);
	/* -h in a group of letters is help too, not a run with no options. */
	cr_assert_eq(CMDLINE("-l", "0", "--", "-hq"), 0, "%s", err);
	cr_assert(opts.help);
}

Test(perf_options, zcopy_only_where_reads_are)
{
	static char *const readers[] = {"read", "randread", "rw", "randrw", "verify"};
	static char *const writers[] = {"write", "randwrite", "flush"};
	unsigned int i;

	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		cr_assert_eq(
			PARSE("-T", "e1.1", "-w", readers[i], "-o", "4k", "-q", "1", "--zcopy"), 0,
			"%s: %s", readers[i], err);
		cr_assert(opts.zcopy);
	}
	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		REFUSED("--zcopy", "only workloads that read", "-T", "e1.1", "-w", writers[i], "-o",
			"4k", "-q", "1", "--zcopy");
	REFUSED("--zcopy", "takes no argument", BASE, "--zcopy=1");
}
