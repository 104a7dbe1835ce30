/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests app/aoe-stat/options.c: every option, every refusal and its message, --help. */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "stat_options.h"
#include "test_util.h"

static struct stat_opts opts;
static char err[512];

static int
run_v(char **argv)
{
	memset(err, 0, sizeof(err));
	return stat_options_parse(test_argc(argv), argv, &opts, err, sizeof(err));
}

#define PARSE(...) run_v((char *[]){"aoe-stat", __VA_ARGS__, NULL})

#define REFUSED(frag, ...)                                                                         \
	do {                                                                                       \
		cr_assert_eq(PARSE(__VA_ARGS__), -EINVAL, "accepted");                             \
		cr_assert(strstr(err, frag) != NULL, "'%s' not in '%s'", frag, err);               \
	} while (0)

Test(stat_options, defaults)
{
	cr_assert_eq(run_v((char *[]){"aoe-stat", NULL}), 0, "%s", err);
	cr_assert_str_empty(opts.prefix);
	cr_assert_not(opts.verbose || opts.json || opts.follow || opts.help);
}

Test(stat_options, every_option)
{
	cr_assert_eq(PARSE("--file-prefix", "aoe-x", "-v", "--json"), 0, "%s", err);
	cr_assert_str_eq(opts.prefix, "aoe-x");
	cr_assert(opts.verbose && opts.json && !opts.follow);
	cr_assert_eq(PARSE("--verbose", "--file-prefix=p"), 0, "%s", err);
	cr_assert(opts.verbose);
	cr_assert_str_eq(opts.prefix, "p");
	cr_assert_eq(PARSE("--follow"), 0, "%s", err);
	cr_assert(opts.follow);
}

Test(stat_options, help_checks_nothing_after_it)
{
	cr_assert_eq(PARSE("-h", "--bogus"), 0, "%s", err);
	cr_assert(opts.help);
	cr_assert_eq(PARSE("--help"), 0, "%s", err);
	cr_assert(opts.help);
}

Test(stat_options, prefix_refusals)
{
	char longest[STAT_PREFIX_MAX + 2];

	REFUSED("bad prefix ''", "--file-prefix", "");
	REFUSED("no '/'", "--file-prefix", "a/b");
	memset(longest, 'p', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	REFUSED("bad prefix", "--file-prefix", longest);
	longest[STAT_PREFIX_MAX] = '\0';
	cr_assert_eq(PARSE("--file-prefix", longest), 0, "%s", err);
	cr_assert_eq(strlen(opts.prefix), STAT_PREFIX_MAX);
}

Test(stat_options, refusals)
{
	REFUSED("--file-prefix needs a value", "--file-prefix");
	REFUSED("unknown option '--bogus'", "--bogus");
	REFUSED("unknown option '-x'", "-x");
	/* The letter, not the argument before it: "-vx" is -v then the unknown -x. */
	REFUSED("unknown option '-x'", "-vx");
	REFUSED("unexpected argument 'e1.1'", "e1.1");
	REFUSED("takes no --json or -v", "--follow", "--json");
	REFUSED("takes no --json or -v", "-v", "--follow");
}
