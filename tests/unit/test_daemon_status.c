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

static const struct aoe_acl_mac mac_a = {{0x02, 0, 0, 0, 0xaa, 0x01}};
static const struct aoe_acl_mac mac_b = {{0x02, 0, 0, 0, 0xaa, 0x02}};

/* An action's outcome: what the target says on out, why not on err. */
static void
acl_print(enum aoe_acl_op op, const struct aoe_acl_result *r, char **out, char **errs)
{
	struct aoe_acl_args args = {.op = op, .config_len = 3};
	size_t olen = 0, elen = 0;
	FILE *o = open_memstream(out, &olen), *e = open_memstream(errs, &elen);

	memcpy(args.config, "abc", 3);
	cr_assert_eq(status_print_acl(o, e, "e1.1", &args, r, &mac_a, 1), 0);
	fclose(o);
	fclose(e);
}

Test(daemon_status, acl_outcomes)
{
	struct aoe_acl_result r;
	char *out, *errs;

	memset(&r, 0, sizeof(r));
	r.nb_macs = 1;
	r.macs[0] = mac_a;
	acl_print(AOE_ACL_RESERVE, &r, &out, &errs);
	cr_assert_str_eq(out, "e1.1 reserved for 02:00:00:00:aa:01 (this initiator)\n");
	cr_assert_str_empty(errs);
	free(out);
	free(errs);

	r.macs[0] = mac_b;
	r.status = -EACCES;
	acl_print(AOE_ACL_RESERVE, &r, &out, &errs);
	cr_assert_str_empty(out);
	cr_assert_str_eq(errs, "dpdk-aoe: e1.1: reserve refused: reserved by another initiator "
			       "(02:00:00:00:aa:02); --force takes it from its holder\n");
	free(out);
	free(errs);

	memset(&r, 0, sizeof(r));
	r.status = -EEXIST;
	r.config_len = 4;
	memcpy(r.config, "x\ty", 4); /* unprintables as '?' */
	acl_print(AOE_ACL_CONFIG_SET, &r, &out, &errs);
	cr_assert_str_eq(errs, "dpdk-aoe: e1.1: config string not set: one is present, \"x?y?\"; "
			       "--force replaces it\n");
	free(out);
	free(errs);

	memset(&r, 0, sizeof(r));
	acl_print(AOE_ACL_MASK_READ, &r, &out, &errs);
	cr_assert_str_eq(out, "e1.1 mask list empty: every initiator may use it\n");
	free(out);
	free(errs);

	r.status = -ETIMEDOUT;
	r.nb_paths = 2;
	r.nb_answered = 1;
	acl_print(AOE_ACL_MASK_READ, &r, &out, &errs);
	cr_assert(strstr(errs, "mask_read: no answer from 1 of 2 paths in 2000 ms") != NULL, "%s",
		  errs);
	free(out);
	free(errs);

	memset(&r, 0, sizeof(r));
	r.paths_differ = true;
	r.from = mac_b;
	r.config_len = 1;
	r.config[0] = 'z';
	acl_print(AOE_ACL_CONFIG_READ, &r, &out, &errs);
	cr_assert_str_eq(out, "e1.1 config string \"z\"\ne1.1 warning: its paths answered "
			      "differently; the above is 02:00:00:00:aa:02's answer\n");
	free(out);
	free(errs);
}
