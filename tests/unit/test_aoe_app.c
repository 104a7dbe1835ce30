/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/common/aoe_app.c: aoe-stat's sizes, JSON strings, the counter writers every program
 * shares, and what a program learns when its output cannot be written.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "aoe_app.h"
#include "test_util.h"

#define MIB_SECTORS(n) ((uint64_t)(n)*2048)

static void
size_is(uint64_t sectors, const char *want)
{
	char s[32];

	aoe_app_size_gb(sectors, s, sizeof(s));
	cr_assert_str_eq(s, want, "%llu sectors", (unsigned long long)sectors);
}

Test(aoe_app, sizes)
{
	size_is(0, "0.000GB");
	size_is(MIB_SECTORS(8), "0.008GB");
	size_is(MIB_SECTORS(64), "0.067GB");
	/* aoe-stat truncates: 1 GiB = 1.073741824 GB. */
	size_is(MIB_SECTORS(1024), "1.073GB");
	size_is(MIB_SECTORS(3 * 1024 * 1024), "3298.534GB");
	size_is(1953125, "1.000GB");
	size_is(1953124, "0.999GB");
	/* The largest LBA48 disk, and a count no disk has: no overflow. */
	size_is((uint64_t)1 << 48, "144115188.075GB");
	size_is(UINT64_MAX, "9444732965739.290GB");
}

static void
json_is(const char *in, size_t max, const char *want)
{
	test_out_open();
	aoe_app_json_string(test_out, in, max);
	test_out_close();
	cr_assert_str_eq(test_buf, want);
	free(test_buf);
	test_buf = NULL;
}

Test(aoe_app, json_escaping, .fini = test_out_free)
{
	json_is("plain", SIZE_MAX, "\"plain\"");
	json_is("", SIZE_MAX, "\"\"");
	json_is("say \"hi\"", SIZE_MAX, "\"say \\\"hi\\\"\"");
	json_is("C:\\disk", SIZE_MAX, "\"C:\\\\disk\"");
	json_is("a\nb\tc\r\x01\x1f", SIZE_MAX, "\"a\\u000ab\\u0009c\\u000d\\u0001\\u001f\"");
	json_is("del\x7f", SIZE_MAX, "\"del\\u007f\"");
	json_is("\xe9t\xff", SIZE_MAX, "\"\\u00e9t\\u00ff\"");
	/* Bounded: a field without its NUL is cut at its size. */
	json_is("abcdef", 3, "\"abc\"");
}

Test(aoe_app, json_counters_every_field, .fini = test_out_free)
{
	struct aoe_lcore_stats s;

	memset(&s, 0, sizeof(s));
	s.rx_frames = 1;
	s.iterations = UINT64_MAX;
	test_out_open();
	aoe_app_json_counters(test_out, &aoe_lcore_stats_table, &s);
	test_out_close();
	cr_assert_str_eq(test_buf,
			 ", \"rx_frames\": 1, \"rx_not_aoe\": 0, \"rx_malformed\": 0, "
			 "\"rx_requests\": 0, \"rx_user_tags\": 0, \"rx_port_disallowed\": 0, "
			 "\"rx_no_target\": 0, \"rx_bad_owner\": 0, \"rx_wrong_dest\": 0, "
			 "\"handoff_tx\": 0, "
			 "\"handoff_dropped\": 0, \"tx_frames\": 0, \"tx_dropped\": 0, "
			 "\"mbuf_alloc_failed\": 0, \"busy_cycles\": 0, "
			 "\"iterations\": 18446744073709551615, \"zcopy_reads\": 0, "
			 "\"zcopy_held\": 0, \"zcopy_refused\": 0");
}

Test(aoe_app, json_counters_arrays, .fini = test_out_free)
{
	struct aoe_target_stats s;

	memset(&s, 0, sizeof(s));
	s.aoe_errors[0] = 5;
	s.aoe_errors[7] = 2;
	test_out_open();
	aoe_app_json_counters(test_out, &aoe_target_stats_table, &s);
	test_out_close();
	cr_assert(strstr(test_buf,
			 ", \"aoe_errors\": [5, 0, 0, 0, 0, 0, 0, 2], \"ata_errors\": 0") != NULL,
		  "%s", test_buf);
}

Test(aoe_app, text_counters_wrap_at_100_columns, .fini = test_out_free)
{
	struct aoe_app_text t;
	struct aoe_target_stats s;
	char *line, *save = NULL;
	unsigned int lines = 0;

	memset(&s, 0, sizeof(s));
	s.frames_tx = UINT64_MAX; /* the widest values there are */
	s.bytes_rx = UINT64_MAX;
	test_out_open();
	t = (struct aoe_app_text){.f = test_out, .indent = "    "};
	aoe_app_text_counters(&t, &aoe_target_stats_table, &s);
	aoe_app_text_end(&t);
	aoe_app_text_end(&t); /* a second end adds nothing */
	test_out_close();
	cr_assert(strncmp(test_buf, "    frames_tx 18446744073709551615, frames_rx 0, ", 49) == 0,
		  "%s", test_buf);
	cr_assert_eq(test_buf[test_buflen - 1], '\n');
	cr_assert(strstr(test_buf, "ghosts_abandoned 0\n") != NULL, "%s", test_buf);
	for (line = strtok_r(test_buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		cr_assert_leq(strlen(line), 100, "%zu: %s", strlen(line), line);
		cr_assert(strncmp(line, "    ", 4) == 0 && line[4] != ' ', "%s", line);
		lines++;
	}
	cr_assert_geq(lines, 3);
}

Test(aoe_app, flush_reports_the_write_error)
{
	FILE *f = fopen("/dev/full", "w");
	int i;

	cr_assert_not_null(f);
	for (i = 0; i < 100; i++)
		fprintf(f, "a line of a report that does not fit anywhere %d\n", i);
	cr_assert_eq(aoe_app_flush(f), -ENOSPC);
	fclose(f);
	f = fopen("/dev/null", "w");
	cr_assert_not_null(f);
	fprintf(f, "fine\n");
	cr_assert_eq(aoe_app_flush(f), 0);
	fclose(f);
}

Test(aoe_app, parse_u64)
{
	uint64_t v = 7;

	cr_assert_eq(aoe_app_parse_u64("0", 0, 10, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(aoe_app_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(aoe_app_parse_u64("0x10", 0, 100, &v), 0);
	cr_assert_eq(v, 16);
	cr_assert_eq(aoe_app_parse_u64("0XfF", 0, 1000, &v), 0);
	cr_assert_eq(v, 255);
	/* Leading zeros are decimal, not octal. */
	cr_assert_eq(aoe_app_parse_u64("010", 0, 100, &v), 0);
	cr_assert_eq(v, 10);
	v = 7;
	cr_assert_eq(aoe_app_parse_u64("", 0, 10, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64("-1", 0, 10, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64("+1", 0, 10, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64(" 1", 0, 10, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64("1 ", 0, 10, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64("1.5", 0, 10, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64("0x", 0, 10, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64("12a", 0, 1000, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64("4k", 0, 10000, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	cr_assert_eq(aoe_app_parse_u64("99999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
	cr_assert_eq(aoe_app_parse_u64("11", 0, 10, &v), -ERANGE);
	cr_assert_eq(aoe_app_parse_u64("0", 1, 10, &v), -ERANGE);
	cr_assert_eq(v, 7, "a refused number leaves the output alone");
}

Test(aoe_app, parse_size)
{
	uint64_t v = 7;

	cr_assert_eq(aoe_app_parse_size("512", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 512);
	cr_assert_eq(aoe_app_parse_size("4k", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(aoe_app_parse_size("8K", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 8192);
	cr_assert_eq(aoe_app_parse_size("64M", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 64ull << 20);
	cr_assert_eq(aoe_app_parse_size("3g", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 3ull << 30);
	cr_assert_eq(aoe_app_parse_size("12T", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 12ull << 40);
	cr_assert_eq(aoe_app_parse_size("16777215t", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 16777215ull << 40);
	v = 7;
	cr_assert_eq(aoe_app_parse_size("16777216t", 0, UINT64_MAX, &v), -ERANGE);
	cr_assert_eq(aoe_app_parse_size("64m", 0, 1ull << 20, &v), -ERANGE);
	cr_assert_eq(aoe_app_parse_size("0", 1, UINT64_MAX, &v), -ERANGE);
	cr_assert_eq(aoe_app_parse_size("", 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_size("k", 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_size("4kk", 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_size("4x", 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_size("4 k", 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_size("-512", 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_size("0x1k", 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(aoe_app_parse_size("1.5m", 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(v, 7, "a refused size leaves the output alone");
}

static const struct option longopts[] = {
	{"json", no_argument, NULL, 1},
	{"maxout", required_argument, NULL, 2},
	{NULL, 0, NULL, 0},
};

/* A parser that keeps what it was given. */
static int parsed_argc;
static char *parsed[8];

static int
keep(int argc, char **argv, void *arg, char *err, size_t errlen)
{
	int i;

	(void)arg;
	(void)err;
	(void)errlen;
	parsed_argc = argc;
	for (i = 0; i < argc && i < 8; i++)
		parsed[i] = argv[i];
	cr_assert_null(argv[argc], "argv ends with NULL");
	return 0;
}

static const struct aoe_app_cmdline needs = {
	.prog = "prog",
	.synopsis = "-T TARGET",
	.shortopts = ":hT:w:",
	.longopts = longopts,
	.needs_options = true,
	.parse = keep,
};

static const struct aoe_app_cmdline optional = {
	.prog = "prog",
	.synopsis = "[options]",
	.shortopts = ":hT:w:",
	.longopts = longopts,
	.needs_options = false,
	.parse = keep,
};

static bool help;
static char err[512];

static int
cmdline_v(const struct aoe_app_cmdline *c, char **argv)
{
	memset(err, 0, sizeof(err));
	parsed_argc = -1;
	return aoe_app_cmdline(c, test_argc(argv), argv, NULL, &help, err, sizeof(err));
}

#define CMDLINE(c, ...) cmdline_v(c, (char *[]){"prog", __VA_ARGS__, NULL})

Test(aoe_app, cmdline_split_at_the_first_dashes)
{
	cr_assert_eq(CMDLINE(&needs, "-l", "0", "--", "-T", "e1.1", "--", "x"), 0, "%s", err);
	cr_assert_not(help);
	cr_assert_eq(parsed_argc, 5);
	cr_assert_str_eq(parsed[0], "prog");
	cr_assert_str_eq(parsed[1], "-T");
	cr_assert_str_eq(parsed[3], "--");
	cr_assert_str_eq(parsed[4], "x");
	/* Only what follows "--" is the program's: -T before it is the EAL's to judge. */
	cr_assert_eq(CMDLINE(&needs, "-T", "--", "-w", "read"), 0, "%s", err);
	cr_assert_eq(parsed_argc, 3);
	cr_assert_eq(CMDLINE(&needs, "--"), 0, "%s", err);
	cr_assert_eq(parsed_argc, 1);
}

Test(aoe_app, cmdline_help_anywhere)
{
	cr_assert_eq(CMDLINE(&needs, "-l", "0", "--help"), 0, "%s", err);
	cr_assert(help, "--help before the dashes is the program's");
	cr_assert_eq(parsed_argc, -1, "nothing else is parsed");
	cr_assert_eq(CMDLINE(&needs, "-T", "e1.1", "-h"), 0, "%s", err);
	cr_assert(help, "help wins over a misplaced option");
	cr_assert_eq(CMDLINE(&needs, "--", "-q", "1", "-h"), 0, "%s", err);
	cr_assert(help);
}

Test(aoe_app, cmdline_misplaced_options)
{
	cr_assert_eq(CMDLINE(&needs, "-l", "0", "--vdev", "x", "-T", "e1.1"), -EINVAL);
	cr_assert_str_eq(err, "'-T' comes before any '--': prog's options follow the EAL's after "
			      "'--' (prog [EAL options] -- -T TARGET)");
	cr_assert_eq(parsed_argc, -1);
	cr_assert_eq(CMDLINE(&optional, "-l", "0", "--maxout=3"), -EINVAL);
	cr_assert(strstr(err, "'--maxout=3' comes before any '--'") == err, "%s", err);
	/* Options of no one's, and the EAL's own, are the EAL's to refuse. */
	cr_assert_eq(CMDLINE(&optional, "-l", "0", "--jsonx", "-:", "--no-pci"), 0, "%s", err);
	cr_assert_eq(parsed_argc, 1);
	/* Without "--", a program that needs options says so. */
	cr_assert_eq(CMDLINE(&needs, "-l", "0", "--no-pci"), -EINVAL);
	cr_assert(strstr(err, "no '--' and no prog options") == err, "%s", err);
	cr_assert_eq(CMDLINE(&optional, "-l", "0"), 0, "%s", err);
}

Test(aoe_app, rng_is_reproducible_and_bounded)
{
	struct aoe_app_rng a, b, c;
	unsigned int i, seen[10] = {0};

	aoe_app_rng_seed(&a, 1);
	aoe_app_rng_seed(&b, 1);
	aoe_app_rng_seed(&c, 2);
	for (i = 0; i < 1000; i++) {
		uint64_t x = aoe_app_rng_next(&a);

		cr_assert_eq(x, aoe_app_rng_next(&b));
		cr_assert_neq(x, aoe_app_rng_next(&c));
	}
	for (i = 0; i < 10000; i++) {
		uint64_t x = aoe_app_rng_below(&a, 10);

		cr_assert_lt(x, 10);
		seen[x]++;
	}
	for (i = 0; i < 10; i++)
		cr_assert(seen[i] > 800 && seen[i] < 1200, "%u drawn %u times", i, seen[i]);
	cr_assert_eq(aoe_app_rng_below(&a, 1), 0);
}

/* Each criterion test runs in a process of its own: this one may close its stdout. */
Test(aoe_app, stdio_check_fills_a_closed_stdout)
{
	int devnull = open("/dev/null", O_RDONLY);
	struct stat a, b;

	cr_assert_geq(devnull, 0);
	cr_assert_eq(aoe_app_stdio_check(), 0, "every descriptor is open");
	cr_assert_eq(close(1), 0);
	cr_assert_eq(aoe_app_stdio_check(), -EBADF);
	/* The next file opened must not become stdout: /dev/null holds its place. */
	cr_assert_eq(fstat(1, &a), 0);
	cr_assert_eq(fstat(devnull, &b), 0);
	cr_assert(a.st_rdev == b.st_rdev && S_ISCHR(a.st_mode));
	cr_assert_eq(aoe_app_stdio_check(), 0);
	close(devnull);
}
