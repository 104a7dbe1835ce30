/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests app/dpdk-aoe/status.c: the daemon's event lines. Output goes to an in-memory FILE *; no
 * EAL is started. (The --status table and JSON: test_aoe_app_status.c.)
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
