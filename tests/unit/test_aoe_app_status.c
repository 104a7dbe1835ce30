/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/common/aoe_app_status.c, the table and JSON of aoe-stat and dpdk-aoe --status, over a
 * statistics region built here in memory: aoetools' columns, numeric sorting, flushed targets
 * left out, the -v counters, and the JSON schema (docs/json.md) byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aoe_app_status.h"
#include "aoe_shm_read.h"
#include "test_util.h"

#define MIB_SECTORS(n) ((uint64_t)(n)*2048)

static struct aoe_shm *shm;

static void
setup(void)
{
	shm = calloc(1, sizeof(*shm));
	cr_assert_not_null(shm);
	shm->magic = AOE_SHM_MAGIC;
	shm->version = AOE_SHM_VERSION;
	shm->size = sizeof(*shm);
	shm->pid = 4242;
	snprintf(shm->program, sizeof(shm->program), "dpdk-aoe");
	test_out_open();
}

static void
teardown(void)
{
	test_out_free();
	free(shm);
}

TestSuite(aoe_app_status, .init = setup, .fini = teardown);

/* A target as the writer publishes one, in the next slot of the region. */
static struct aoe_shm_target *
target(uint16_t shelf, uint8_t slot, uint64_t sectors, enum aoe_target_state state)
{
	struct aoe_shm_target *t = &shm->targets[shm->nb_targets++];

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
	t->lba48 = 1;
	t->nb_paths = 1;
	t->port = 0;
	snprintf(t->port_name, sizeof(t->port_name), "net_af_packet0");
	snprintf(t->ports, sizeof(t->ports), "net_af_packet0");
	memcpy(t->mac, "\x02\x00\x00\xaa\xbb\x0c", 6);
	snprintf(t->model, sizeof(t->model), "vblade");
	snprintf(t->serial, sizeof(t->serial), "SN-%u-%u", shelf, slot);
	snprintf(t->firmware, sizeof(t->firmware), "V25");
	return t;
}

Test(aoe_app_status, text_one_line)
{
	target(1, 2, MIB_SECTORS(1024), AOE_TARGET_UP);
	cr_assert_eq(aoe_app_status_table(test_out, shm, false), 0);
	test_out_close();
	cr_assert_str_eq(test_buf,
			 "      e1.2         1.073GB net_af_packet0 1024  up            \n");
}

Test(aoe_app_status, text_states)
{
	struct aoe_shm_target *t;

	target(1, 0, MIB_SECTORS(8), AOE_TARGET_UP);
	target(1, 1, MIB_SECTORS(8), AOE_TARGET_DOWN);
	target(1, 2, MIB_SECTORS(8), AOE_TARGET_DOWN_CLOSEWAIT);
	t = target(1, 3, 0, AOE_TARGET_PROBING);
	snprintf(t->ports, sizeof(t->ports), "eth1");
	t->payload = 0;
	cr_assert_eq(aoe_app_status_table(test_out, shm, false), 0);
	test_out_close();
	cr_assert_str_eq(test_buf,
			 "      e1.0         0.008GB net_af_packet0 1024  up            \n"
			 "      e1.1         0.008GB net_af_packet0 1024  down          \n"
			 "      e1.2         0.008GB net_af_packet0 1024  down,closewait\n"
			 "      e1.3         0.000GB       eth1 0     probing       \n");
}

Test(aoe_app_status, text_every_port_and_no_flushed_target)
{
	struct aoe_shm_target *t;

	t = target(1, 1, MIB_SECTORS(8), AOE_TARGET_UP);
	snprintf(t->ports, sizeof(t->ports), "net_memif0,net_memif1");
	t->nb_paths = 2;
	target(1, 2, MIB_SECTORS(8), AOE_TARGET_DOWN)->flushed = 1;
	cr_assert_eq(aoe_app_status_table(test_out, shm, false), 0);
	test_out_close();
	cr_assert_str_eq(test_buf,
			 "      e1.1         0.008GB net_memif0,net_memif1 1024  up            \n");
}

Test(aoe_app_status, text_empty_prints_nothing)
{
	cr_assert_eq(aoe_app_status_table(test_out, shm, false), 0);
	test_out_close();
	cr_assert_eq(test_buflen, 0);
}

Test(aoe_app_status, sort_numeric)
{
	target(10, 1, MIB_SECTORS(8), AOE_TARGET_UP);
	target(9, 10, MIB_SECTORS(8), AOE_TARGET_UP);
	target(9, 2, MIB_SECTORS(8), AOE_TARGET_UP);
	target(100, 0, MIB_SECTORS(8), AOE_TARGET_UP);
	target(9, 1, MIB_SECTORS(8), AOE_TARGET_UP);
	cr_assert_eq(aoe_app_status_table(test_out, shm, false), 0);
	test_out_close();
	cr_assert_str_eq(test_buf,
			 "      e9.1         0.008GB net_af_packet0 1024  up            \n"
			 "      e9.2         0.008GB net_af_packet0 1024  up            \n"
			 "     e9.10         0.008GB net_af_packet0 1024  up            \n"
			 "     e10.1         0.008GB net_af_packet0 1024  up            \n"
			 "    e100.0         0.008GB net_af_packet0 1024  up            \n");
}

Test(aoe_app_status, verbose_counters_below_each_row)
{
	shm->nb_lcores = 2;
	target(1, 1, MIB_SECTORS(64), AOE_TARGET_UP);
	shm->sessions[0][0].in_use = 1;
	shm->sessions[0][0].stats.frames_tx = 10;
	shm->sessions[0][0].stats.aoe_errors[2] = 1;
	shm->sessions[0][0].srtt_ns = 102910;
	shm->sessions[0][1].in_use = 1;
	shm->sessions[0][1].stats.frames_tx = 5;
	shm->sessions[0][1].cwnd = 9;
	cr_assert_eq(aoe_app_status_table(test_out, shm, true), 0);
	test_out_close();
	cr_assert_str_eq(test_buf,
			 "      e1.1         0.067GB net_af_packet0 1024  up            \n"
			 "    frames_tx 15, frames_rx 0, bytes_tx 0, bytes_rx 0, ios_completed 0, "
			 "ios_failed 0, "
			 "retransmits 0,\n"
			 "    timeouts 0, late 0, unexpected 0, wrong_source 0, wrong_fields 0, "
			 "bad_response 0,\n"
			 "    aoe_errors 0:0 1:0 2:1 3:0 4:0 5:0 6:0 7:0, ata_errors 0, "
			 "flush_ext_fallbacks 0, resplits 0,\n"
			 "    tx_deferred 0, requeries 0, ghost_writes 0, fenced_writes 0, "
			 "ghosts_abandoned 0, sessions 2,\n"
			 "    outstanding 0, cwnd 9, srtt_ns 102910, rttvar_ns 0, rto_ns 0\n");
}

Test(aoe_app_status, json_empty)
{
	cr_assert_eq(aoe_app_status_json(test_out, shm), 0);
	test_out_close();
	cr_assert_str_eq(test_buf, "{\"program\": \"dpdk-aoe\", \"pid\": 4242, \"targets\": [], "
				   "\"lcores\": []}\n");
}

Test(aoe_app_status, json_target)
{
	struct aoe_shm_target *t = target(1, 1, MIB_SECTORS(64), AOE_TARGET_UP);

	snprintf(t->config, sizeof(t->config), "tb-1");
	shm->nb_lcores = 1;
	shm->lcores[0].lcore_id = 3;
	shm->lcores[0].is_mgmt = 1;
	shm->lcores[0].stats.rx_frames = 4;
	cr_assert_eq(aoe_app_status_json(test_out, shm), 0);
	test_out_close();
	cr_assert_str_eq(
		test_buf,
		"{\"program\": \"dpdk-aoe\", \"pid\": 4242, \"targets\": [\n"
		"  {\"name\": \"e1.1\", \"shelf\": 1, \"slot\": 1, \"state\": \"up\", "
		"\"mac\": \"02:00:00:aa:bb:0c\", \"port\": \"net_af_packet0\", \"port_id\": 0, "
		"\"ports\": \"net_af_packet0\", \"paths\": 1, \"sectors\": 131072, "
		"\"size_bytes\": 67108864, \"payload\": 1024, \"sectors_per_frame\": 2, "
		"\"bufcnt\": 16, \"fwver\": 16409, \"lba48\": true, \"open\": false, "
		"\"model\": \"vblade\", \"serial\": \"SN-1-1\", \"firmware\": \"V25\", "
		"\"config\": \"tb-1\", \"frames_tx\": 0, \"frames_rx\": 0, \"bytes_tx\": 0, "
		"\"bytes_rx\": 0, \"ios_completed\": 0, \"ios_failed\": 0, \"retransmits\": 0, "
		"\"timeouts\": 0, \"late\": 0, \"unexpected\": 0, \"wrong_source\": 0, "
		"\"wrong_fields\": 0, \"bad_response\": 0, "
		"\"aoe_errors\": [0, 0, 0, 0, 0, 0, 0, 0], \"ata_errors\": 0, "
		"\"flush_ext_fallbacks\": 0, \"resplits\": 0, \"tx_deferred\": 0, "
		"\"requeries\": 0, \"ghost_writes\": 0, \"fenced_writes\": 0, "
		"\"ghosts_abandoned\": 0, \"sessions\": 0, \"outstanding\": 0, \"cwnd\": 0, "
		"\"srtt_ns\": 0, \"rttvar_ns\": 0, \"rto_ns\": 0}\n"
		"], \"lcores\": [\n"
		"  {\"lcore_id\": 3, \"is_mgmt\": true, \"rx_frames\": 4, \"rx_not_aoe\": 0, "
		"\"rx_malformed\": 0, \"rx_requests\": 0, \"rx_user_tags\": 0, "
		"\"rx_port_disallowed\": 0, \"rx_no_target\": 0, \"rx_bad_owner\": 0, "
		"\"rx_wrong_dest\": 0, \"handoff_tx\": 0, \"handoff_dropped\": 0, \"tx_frames\": "
		"0, \"tx_dropped\": 0, "
		"\"mbuf_alloc_failed\": 0, \"busy_cycles\": 0, \"iterations\": 0, \"zcopy_reads\": "
		"0, "
		"\"zcopy_held\": 0, \"zcopy_refused\": 0}\n"
		"]}\n");
}

Test(aoe_app_status, json_sorted_and_separated)
{
	char *a, *b, *c;

	target(1, 10, MIB_SECTORS(8), AOE_TARGET_UP);
	target(1, 2, MIB_SECTORS(8), AOE_TARGET_DOWN)->lba48 = 0;
	target(0, 255, MIB_SECTORS(8), AOE_TARGET_PROBING);
	shm->targets[1].open = 2; /* a count in the region, a boolean in the output */
	cr_assert_eq(aoe_app_status_json(test_out, shm), 0);
	test_out_close();
	a = strstr(test_buf, "\"name\": \"e0.255\"");
	b = strstr(test_buf, "\"name\": \"e1.2\"");
	c = strstr(test_buf, "\"name\": \"e1.10\"");
	cr_assert(a != NULL && b != NULL && c != NULL, "%s", test_buf);
	cr_assert(a < b && b < c, "%s", test_buf);
	cr_assert(strstr(b, "\"lba48\": false, \"open\": true") != NULL, "%s", test_buf);
	cr_assert(strstr(test_buf, "\"state\": \"probing\"") != NULL, "%s", test_buf);
	cr_assert(strstr(test_buf, "\"rto_ns\": 0},\n  {\"name\"") != NULL, "%s", test_buf);
	cr_assert(strstr(test_buf, "\"rto_ns\": 0}\n], \"lcores\": []}\n") != NULL,
		  "no comma after the last object: %s", test_buf);
}

Test(aoe_app_status, json_fields_escaped)
{
	struct aoe_shm_target *t = target(3, 4, MIB_SECTORS(8), AOE_TARGET_UP);

	snprintf(t->config, sizeof(t->config), "k=\"v\"\\\n");
	snprintf(t->model, sizeof(t->model), "M\"1");
	/* A serial filled to the brim, without its NUL: the reader's copy terminates it. */
	memset(t->serial, 'S', sizeof(t->serial));
	snprintf(shm->program, sizeof(shm->program), "a\"b");
	cr_assert_eq(aoe_app_status_json(test_out, shm), 0);
	test_out_close();
	cr_assert(strstr(test_buf, "\"config\": \"k=\\\"v\\\"\\\\\\u000a\"") != NULL, "%s",
		  test_buf);
	cr_assert(strstr(test_buf, "\"model\": \"M\\\"1\"") != NULL, "%s", test_buf);
	cr_assert(strstr(test_buf, "\"serial\": \"SSSSSSSSSSSSSSSSSSSS\", ") != NULL, "%s",
		  test_buf);
	cr_assert(strstr(test_buf, "{\"program\": \"a\\\"b\", ") == test_buf, "%s", test_buf);
}
