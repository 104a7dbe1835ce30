/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/common/aoe_app.c: aoe-stat's sizes, JSON strings, the counter writers every program
 * shares, and what a program learns when its output cannot be written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "aoe_app.h"

#define MIB_SECTORS(n) ((uint64_t)(n)*2048)

static char *buf;
static size_t buflen;
static FILE *out;

static void
open_out(void)
{
	buf = NULL;
	buflen = 0;
	out = open_memstream(&buf, &buflen);
	cr_assert_not_null(out);
}

static void
close_out(void)
{
	fclose(out);
	out = NULL;
}

static void
free_out(void)
{
	if (out != NULL)
		fclose(out);
	out = NULL;
	free(buf);
	buf = NULL;
}

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
	open_out();
	aoe_app_json_string(out, in, max);
	close_out();
	cr_assert_str_eq(buf, want);
	free(buf);
	buf = NULL;
}

Test(aoe_app, json_escaping, .fini = free_out)
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

Test(aoe_app, json_counters_every_field, .fini = free_out)
{
	struct aoe_lcore_stats s;

	memset(&s, 0, sizeof(s));
	s.rx_frames = 1;
	s.iterations = UINT64_MAX;
	open_out();
	aoe_app_json_counters(out, &aoe_lcore_stats_table, &s);
	close_out();
	cr_assert_str_eq(buf, ", \"rx_frames\": 1, \"rx_not_aoe\": 0, \"rx_malformed\": 0, "
			      "\"rx_requests\": 0, \"rx_user_tags\": 0, \"rx_port_disallowed\": 0, "
			      "\"rx_no_target\": 0, \"rx_bad_owner\": 0, \"handoff_tx\": 0, "
			      "\"handoff_dropped\": 0, \"tx_frames\": 0, \"tx_dropped\": 0, "
			      "\"mbuf_alloc_failed\": 0, \"busy_cycles\": 0, "
			      "\"iterations\": 18446744073709551615");
}

Test(aoe_app, json_counters_arrays, .fini = free_out)
{
	struct aoe_target_stats s;

	memset(&s, 0, sizeof(s));
	s.aoe_errors[0] = 5;
	s.aoe_errors[7] = 2;
	open_out();
	aoe_app_json_counters(out, &aoe_target_stats_table, &s);
	close_out();
	cr_assert(strstr(buf, ", \"aoe_errors\": [5, 0, 0, 0, 0, 0, 0, 2], \"ata_errors\": 0") !=
			  NULL,
		  "%s", buf);
}

Test(aoe_app, text_counters_wrap_at_100_columns, .fini = free_out)
{
	struct aoe_app_text t;
	struct aoe_target_stats s;
	char *line, *save = NULL;
	unsigned int lines = 0;

	memset(&s, 0, sizeof(s));
	s.frames_tx = UINT64_MAX; /* the widest values there are */
	s.bytes_rx = UINT64_MAX;
	open_out();
	t = (struct aoe_app_text){.f = out, .indent = "    "};
	aoe_app_text_counters(&t, &aoe_target_stats_table, &s);
	aoe_app_text_end(&t);
	aoe_app_text_end(&t); /* a second end adds nothing */
	close_out();
	cr_assert(strncmp(buf, "    frames_tx 18446744073709551615, frames_rx 0, ", 49) == 0, "%s",
		  buf);
	cr_assert_eq(buf[buflen - 1], '\n');
	cr_assert(strstr(buf, "flush_ext_fallbacks 0\n") != NULL, "%s", buf);
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
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
