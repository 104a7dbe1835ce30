/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests app/dpdk-aoe/status.c: aoe-stat sizes, the text table, JSON escaping, numeric sorting
 * and the daemon's event lines. Output goes to an in-memory FILE *; no EAL is started.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "status.h"

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
	free(buf);
	buf = NULL;
}

static void
target(struct aoe_target_info *t, uint16_t shelf, uint8_t slot, uint64_t sectors,
       enum aoe_target_state state)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "e%u.%u", shelf, slot);
	t->shelf = shelf;
	t->slot = slot;
	t->sectors = sectors;
	t->state = state;
	t->payload = 1024;
	t->bufcnt = 16;
	t->fwver = 0x4019;
	t->sectors_per_frame = 2;
	t->lba48 = true;
	t->nb_paths = 1;
	t->port = 0;
	snprintf(t->port_name, sizeof(t->port_name), "net_af_packet0");
	memcpy(t->mac.addr_bytes, "\x02\x00\x00\xaa\xbb\x0c", 6);
	snprintf(t->model, sizeof(t->model), "vblade");
	snprintf(t->serial, sizeof(t->serial), "SN-%u-%u", shelf, slot);
	snprintf(t->firmware, sizeof(t->firmware), "V25");
}

static void
size_is(uint64_t sectors, const char *want)
{
	char s[32];

	aoe_app_size_gb(sectors, s, sizeof(s));
	cr_assert_str_eq(s, want, "%llu sectors", (unsigned long long)sectors);
}

Test(daemon_status, sizes)
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

Test(daemon_status, text_one_line, .fini = free_out)
{
	struct aoe_target_info t;

	target(&t, 1, 2, MIB_SECTORS(1024), AOE_TARGET_UP);
	open_out();
	cr_assert_eq(status_print_text(out, &t, 1), 0);
	close_out();
	cr_assert_str_eq(buf, "      e1.2         1.073GB net_af_packet0 1024  up            \n");
}

Test(daemon_status, text_states, .fini = free_out)
{
	struct aoe_target_info t[4];

	target(&t[0], 1, 0, MIB_SECTORS(8), AOE_TARGET_UP);
	target(&t[1], 1, 1, MIB_SECTORS(8), AOE_TARGET_DOWN);
	target(&t[2], 1, 2, MIB_SECTORS(8), AOE_TARGET_DOWN_CLOSEWAIT);
	target(&t[3], 1, 3, 0, AOE_TARGET_PROBING);
	snprintf(t[3].port_name, sizeof(t[3].port_name), "eth1");
	t[3].payload = 0;
	open_out();
	cr_assert_eq(status_print_text(out, t, 4), 0);
	close_out();
	cr_assert_str_eq(buf, "      e1.0         0.008GB net_af_packet0 1024  up            \n"
			      "      e1.1         0.008GB net_af_packet0 1024  down          \n"
			      "      e1.2         0.008GB net_af_packet0 1024  down,closewait\n"
			      "      e1.3         0.000GB       eth1 0     probing       \n");
}

Test(daemon_status, text_empty_prints_nothing, .fini = free_out)
{
	open_out();
	cr_assert_eq(status_print_text(out, NULL, 0), 0);
	close_out();
	cr_assert_eq(buflen, 0);
}

Test(daemon_status, sort_numeric, .fini = free_out)
{
	struct aoe_target_info t[5];

	target(&t[0], 10, 1, MIB_SECTORS(8), AOE_TARGET_UP);
	target(&t[1], 9, 10, MIB_SECTORS(8), AOE_TARGET_UP);
	target(&t[2], 9, 2, MIB_SECTORS(8), AOE_TARGET_UP);
	target(&t[3], 100, 0, MIB_SECTORS(8), AOE_TARGET_UP);
	target(&t[4], 9, 1, MIB_SECTORS(8), AOE_TARGET_UP);
	open_out();
	cr_assert_eq(status_print_text(out, t, 5), 0);
	close_out();
	cr_assert_str_eq(buf, "      e9.1         0.008GB net_af_packet0 1024  up            \n"
			      "      e9.2         0.008GB net_af_packet0 1024  up            \n"
			      "     e9.10         0.008GB net_af_packet0 1024  up            \n"
			      "     e10.1         0.008GB net_af_packet0 1024  up            \n"
			      "    e100.0         0.008GB net_af_packet0 1024  up            \n");
	/* The array itself is left sorted, for the JSON printer too. */
	cr_assert_eq(t[0].shelf, 9);
	cr_assert_eq(t[0].slot, 1);
	cr_assert_eq(t[4].shelf, 100);
}

Test(daemon_status, json_empty, .fini = free_out)
{
	open_out();
	cr_assert_eq(status_print_json(out, NULL, 0), 0);
	close_out();
	cr_assert_str_eq(buf, "{\"targets\": []}\n");
}

Test(daemon_status, json_target, .fini = free_out)
{
	struct aoe_target_info t;

	target(&t, 1, 1, MIB_SECTORS(64), AOE_TARGET_UP);
	snprintf(t.config, sizeof(t.config), "tb-1");
	open_out();
	cr_assert_eq(status_print_json(out, &t, 1), 0);
	close_out();
	cr_assert_str_eq(buf,
			 "{\"targets\": [\n"
			 "  {\"name\": \"e1.1\", \"shelf\": 1, \"slot\": 1, "
			 "\"mac\": \"02:00:00:aa:bb:0c\", \"port\": \"net_af_packet0\", "
			 "\"port_id\": 0, \"paths\": 1, \"sectors\": 131072, "
			 "\"size_bytes\": 67108864, \"payload\": 1024, \"sectors_per_frame\": 2, "
			 "\"state\": \"up\", \"open\": false, \"firmware\": \"V25\", "
			 "\"fwver\": 16409, \"bufcnt\": 16, \"lba48\": true, "
			 "\"model\": \"vblade\", "
			 "\"serial\": \"SN-1-1\", \"config\": \"tb-1\"}\n"
			 "]}\n");
}

Test(daemon_status, json_sorted_and_separated, .fini = free_out)
{
	struct aoe_target_info t[3];
	char *a, *b, *c;

	target(&t[0], 1, 10, MIB_SECTORS(8), AOE_TARGET_UP);
	target(&t[1], 1, 2, MIB_SECTORS(8), AOE_TARGET_DOWN);
	target(&t[2], 0, 255, MIB_SECTORS(8), AOE_TARGET_PROBING);
	t[1].lba48 = false;
	t[1].open = true;
	open_out();
	cr_assert_eq(status_print_json(out, t, 3), 0);
	close_out();
	a = strstr(buf, "\"name\": \"e0.255\"");
	b = strstr(buf, "\"name\": \"e1.2\"");
	c = strstr(buf, "\"name\": \"e1.10\"");
	cr_assert(a != NULL && b != NULL && c != NULL, "%s", buf);
	cr_assert(a < b && b < c, "%s", buf);
	cr_assert(strstr(buf, "\"state\": \"down\", \"open\": true") != NULL, "%s", buf);
	cr_assert(strstr(buf, "\"lba48\": false") != NULL, "%s", buf);
	cr_assert(strstr(buf, "\"state\": \"probing\"") != NULL, "%s", buf);
	cr_assert(strstr(buf, "\"serial\": \"SN-1-10\", \"config\": \"\"},\n  {") == NULL,
		  "last object must not be followed by a comma: %s", buf);
	cr_assert(strstr(buf, "\"config\": \"\"}\n]}\n") != NULL, "%s", buf);
	cr_assert(strstr(buf, "\"config\": \"\"},\n") != NULL, "%s", buf);
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

Test(daemon_status, json_escaping, .fini = free_out)
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

Test(daemon_status, json_fields_escaped, .fini = free_out)
{
	struct aoe_target_info t;

	target(&t, 3, 4, MIB_SECTORS(8), AOE_TARGET_UP);
	snprintf(t.config, sizeof(t.config), "k=\"v\"\\\n");
	snprintf(t.model, sizeof(t.model), "M\"1");
	/* A serial filled to the brim, without a NUL, must not run into the next field. */
	memset(t.serial, 'S', sizeof(t.serial));
	open_out();
	cr_assert_eq(status_print_json(out, &t, 1), 0);
	close_out();
	cr_assert(strstr(buf, "\"config\": \"k=\\\"v\\\"\\\\\\u000a\"") != NULL, "%s", buf);
	cr_assert(strstr(buf, "\"model\": \"M\\\"1\"") != NULL, "%s", buf);
	cr_assert(strstr(buf, "\"serial\": \"SSSSSSSSSSSSSSSSSSSSS\", ") != NULL, "%s", buf);
}

Test(daemon_status, event_lines, .fini = free_out)
{
	struct aoe_target_info t;
	time_t when = 1700000000; /* 2023-11-14T22:13:20Z */

	setenv("TZ", "UTC", 1);
	tzset();
	target(&t, 1, 1, MIB_SECTORS(64), AOE_TARGET_UP);
	open_out();
	cr_assert_eq(status_print_event(out, when, AOE_EVENT_TARGET_UP, &t), 0);
	t.state = AOE_TARGET_DOWN;
	cr_assert_eq(status_print_event(out, when + 5, AOE_EVENT_TARGET_DOWN, &t), 0);
	t.state = AOE_TARGET_UP;
	t.sectors = MIB_SECTORS(128);
	cr_assert_eq(status_print_event(out, when + 6, AOE_EVENT_TARGET_RESIZED, &t), 0);
	close_out();
	cr_assert_str_eq(buf,
			 "2023-11-14T22:13:20+0000 e1.1 up 0.067GB net_af_packet0 payload 1024\n"
			 "2023-11-14T22:13:25+0000 e1.1 down\n"
			 "2023-11-14T22:13:26+0000 e1.1 resized 0.134GB\n");
}
