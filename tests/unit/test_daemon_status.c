/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests app/dpdk-aoe/status.c: the daemon's event lines. Output goes to an in-memory FILE *; no
 * EAL is started. (The --status table and JSON: test_aoe_app_status.c.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "status.h"
#include "test_util.h"

#define MIB_SECTORS(n) ((uint64_t)(n)*2048)

Test(daemon_status, event_lines, .fini = test_out_free)
{
	struct aoe_target_info t;
	time_t when = 1700000000; /* 2023-11-14T22:13:20Z */

	setenv("TZ", "UTC", 1);
	tzset();
	/* What the lines show of a target: its name, size, first port and payload. */
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "e1.1");
	snprintf(t.port_name, sizeof(t.port_name), "net_af_packet0");
	t.sectors = MIB_SECTORS(64);
	t.payload = 1024;
	t.state = AOE_TARGET_UP;
	test_out_open();
	cr_assert_eq(status_print_event(test_out, when, AOE_EVENT_TARGET_UP, &t), 0);
	t.state = AOE_TARGET_DOWN;
	cr_assert_eq(status_print_event(test_out, when + 5, AOE_EVENT_TARGET_DOWN, &t), 0);
	t.state = AOE_TARGET_UP;
	t.sectors = MIB_SECTORS(128);
	cr_assert_eq(status_print_event(test_out, when + 6, AOE_EVENT_TARGET_RESIZED, &t), 0);
	test_out_close();
	cr_assert_str_eq(test_buf,
			 "2023-11-14T22:13:20+0000 e1.1 up 0.067GB net_af_packet0 payload 1024\n"
			 "2023-11-14T22:13:25+0000 e1.1 down\n"
			 "2023-11-14T22:13:26+0000 e1.1 resized 0.134GB\n");
}

/* A line that cannot be written is an error, with its reason (the daemon says it once). */
Test(daemon_status, event_line_write_error)
{
	struct aoe_target_info t;
	FILE *f = fopen("/dev/full", "w");

	cr_assert_not_null(f);
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "e1.1");
	cr_assert_eq(status_print_event(f, 1700000000, AOE_EVENT_TARGET_DOWN, &t), -ENOSPC);
	fclose(f);
}
