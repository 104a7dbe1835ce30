/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests app/aoe-target/options.c (and disk.c's --disk syntax): every option and refusal, the
 * required --disk, help and a missing "--" before the EAL would start. No EAL is started.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aoe_target.h"
#include "test_util.h"

static struct tgt_ctx ctx;
static char err[512];

/* The options of the last parse. */
#define opts ctx.opts

static int
run_v(int (*fn)(int, char **, struct tgt_ctx *, char *, size_t), char **argv)
{
	free(ctx.disks);
	memset(&ctx, 0, sizeof(ctx));
	memset(err, 0, sizeof(err));
	return fn(test_argc(argv), argv, &ctx, err, sizeof(err));
}

#define PARSE(...)   run_v(tgt_options_parse, (char *[]){"aoe-target", __VA_ARGS__, NULL})
#define CMDLINE(...) run_v(tgt_options_cmdline, (char *[]){"aoe-target", __VA_ARGS__, NULL})
#define DISK	     "--disk", "1.1=ram:1M"

#define REFUSED(frag, ...)                                                                         \
	do {                                                                                       \
		cr_assert_eq(PARSE(__VA_ARGS__), -EINVAL, "accepted");                             \
		cr_assert(strstr(err, frag) != NULL, "'%s' not in '%s'", frag, err);               \
	} while (0)

Test(target_options, defaults)
{
	cr_assert_eq(PARSE(DISK), 0, "%s", err);
	cr_assert_eq(ctx.n_disks, 1);
	cr_assert_eq(ctx.disks[0].shelf, 1);
	cr_assert_eq(ctx.disks[0].slot, 1);
	cr_assert_eq(ctx.disks[0].kind, TGT_DISK_RAM);
	cr_assert_eq(ctx.disks[0].sectors, 2048);
	cr_assert_eq(ctx.bufcnt, 256);
	cr_assert_eq(ctx.sectors_opt, 0);
	cr_assert_not(ctx.lba28);
	cr_assert_not(ctx.fault.any);
	cr_assert_eq(opts.seed, 1);
	cr_assert_not(opts.port_given);
	cr_assert_null(opts.config);
	cr_assert_not(opts.help);
}

Test(target_options, every_option)
{
	cr_assert_eq(PARSE("--disk", "65534.254=null:16G", "--disk", "0.0=file:/tmp/x", "--bufcnt",
			   "0x10", "--sectors", "17", "--lba28", "--port", "3", "--port", "1",
			   "--config", "tb-1", "--fault", "drop=1%,delay=100", "--seed", "42",
			   "--mbuf-size", "9000", "--silent-after", "5", "--silent-for", "250"),
		     0, "%s", err);
	cr_assert_eq(ctx.n_disks, 2);
	cr_assert_eq(ctx.disks[0].shelf, 65534);
	cr_assert_eq(ctx.disks[0].slot, 254);
	cr_assert_eq(ctx.disks[0].sectors, 16ull << 21);
	cr_assert_eq(ctx.disks[1].kind, TGT_DISK_FILE);
	cr_assert_str_eq(ctx.disks[1].path, "/tmp/x");
	cr_assert_eq(ctx.bufcnt, 16);
	cr_assert_eq(ctx.sectors_opt, 17);
	cr_assert(ctx.lba28);
	cr_assert(opts.port_given);
	cr_assert(opts.port_sel[1] && opts.port_sel[3] && !opts.port_sel[0]);
	cr_assert_str_eq(opts.config, "tb-1");
	cr_assert(ctx.fault.any);
	cr_assert_eq(ctx.fault.delay_us, 100);
	cr_assert_gt(ctx.fault.drop, 0);
	cr_assert_eq(opts.seed, 42);
	cr_assert_eq(opts.mbuf_size, 9000);
	cr_assert_eq(ctx.silent_after, 5);
	cr_assert_eq(ctx.silent_for_ms, 250);
	free(ctx.disks[1].path);
}

Test(target_options, refusals)
{
	REFUSED("--disk SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH is required", "--bufcnt", "8");
	REFUSED("expected SHELF.SLOT", "--disk", "1.1");
	REFUSED("shelf must be 0-65534", "--disk", "65535.1=ram:1M");
	REFUSED("shelf must be 0-65534", "--disk", "1.255=ram:1M");
	REFUSED("shelf must be 0-65534", "--disk", "-1.1=ram:1M");
	REFUSED("multiple of 512", "--disk", "1.1=ram:1000");
	REFUSED("multiple of 512", "--disk", "1.1=ram:0");
	REFUSED("multiple of 512", "--disk", "1.1=ram:1x");
	REFUSED("unknown backend", "--disk", "1.1=tape:1M");
	REFUSED("e1.1 is given twice", DISK, "--disk", "1.1=null:1M");
	REFUSED("--bufcnt '0': expected a whole number from 1 to 65535", DISK, "--bufcnt", "0");
	REFUSED("--bufcnt '65536'", DISK, "--bufcnt", "65536");
	REFUSED("--bufcnt '-1'", DISK, "--bufcnt", "-1");
	REFUSED("--sectors '0'", DISK, "--sectors", "0");
	REFUSED("--port '99999'", DISK, "--port", "99999");
	REFUSED("--seed 'x'", DISK, "--seed", "x");
	REFUSED("--mbuf-size '100'", DISK, "--mbuf-size", "100");
	REFUSED("--silent-for '0'", DISK, "--silent-for", "0");
	REFUSED("--fault", DISK, "--fault", "drop=2");
	REFUSED("--fault delay='x'", DISK, "--fault", "delay=x");
	REFUSED("--fault lose-write='101%'", DISK, "--fault", "lose-write=101%");
	REFUSED("unknown option '--bogus'", DISK, "--bogus");
	/* The letter, not the argument before it: "-xh" is the unknown -x first. */
	REFUSED("unknown option '-x'", DISK, "-xh");
	REFUSED("--bufcnt needs a value", DISK, "--bufcnt");
	REFUSED("unexpected argument 'extra'", DISK, "extra");
}

/* A lost write is a fault of the disk: the answers' fast path stays off for it alone. */
Test(target_options, lose_write)
{
	cr_assert_eq(PARSE(DISK, "--fault", "lose-write=1%"), 0, "%s", err);
	cr_assert_gt(ctx.fault.lose_write, UINT64_MAX / 101);
	cr_assert_lt(ctx.fault.lose_write, UINT64_MAX / 99);
	cr_assert_not(ctx.fault.any);
	cr_assert_eq(PARSE(DISK, "--fault", "drop=0.5", "--fault", "lose-write=1"), 0, "%s", err);
	cr_assert_eq(ctx.fault.lose_write, UINT64_MAX);
	cr_assert(ctx.fault.any);
}

Test(target_options, cmdline)
{
	cr_assert_eq(CMDLINE("-l", "0", "--no-pci", "--", DISK), 0, "%s", err);
	cr_assert_eq(ctx.n_disks, 1);
	/* --disk given without "--": named as misplaced, not as missing. */
	cr_assert_eq(CMDLINE("-l", "0", DISK), -EINVAL);
	cr_assert(strstr(err, "'--disk' comes before any '--'") != NULL, "%s", err);
	cr_assert(strstr(err, "required") == NULL, "%s", err);
	cr_assert_eq(CMDLINE("-l", "0"), -EINVAL);
	cr_assert(strstr(err, "no '--'") != NULL, "%s", err);
	cr_assert_eq(CMDLINE("-l", "0", "--"), -EINVAL);
	cr_assert(strstr(err, "--disk SHELF.SLOT") != NULL, "%s", err);
	/* Help anywhere, with or without the dashes, whatever else is wrong. */
	cr_assert_eq(CMDLINE("--help"), 0, "%s", err);
	cr_assert(opts.help);
	cr_assert_eq(CMDLINE("-l", "0", "--", "--bufcnt", "0", "-h"), 0, "%s", err);
	cr_assert(opts.help);
	/* -h in a group of letters is help too, not a target without disks. */
	cr_assert_eq(CMDLINE("-l", "0", "--", "-hh"), 0, "%s", err);
	cr_assert(opts.help);
}
