/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests lib/aoe/aoe_acl_req.c: an access-control request's state machine without a network.
 * The target's answers are built with the codec, as vblade and aoe-target send them; time is
 * plain ticks.
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aoe_acl_req.h"

#define RETRY	10
#define TIMEOUT 100
#define TAG	0x04010007u
#define PORT0	0
#define PORT1	1

static const uint8_t ours0[6] = {0x02, 0, 0, 0, 0xaa, 0x01};
static const uint8_t ours1[6] = {0x02, 0, 0, 0, 0xaa, 0x02};
static const uint8_t tgt0[6] = {0x02, 0, 0, 0, 0xbb, 0x01};
static const uint8_t tgt1[6] = {0x02, 0, 0, 0, 0xbb, 0x02};

static struct aoe_acl_req req;
static uint8_t frame[2048];

static void
start(enum aoe_acl_op op, unsigned int legs)
{
	struct aoe_acl_args args = {.op = op};

	if (op == AOE_ACL_CONFIG_SET || op == AOE_ACL_CONFIG_TEST) {
		args.config_len = 3;
		memcpy(args.config, "abc", 3);
	}
	cr_assert_eq(aoe_acl_args_check(&args), 0);
	aoe_acl_req_init(&req, &args, 1, 2, TAG, 0, RETRY, TIMEOUT);
	cr_assert_eq(aoe_acl_req_add_leg(&req, PORT0, ours0, tgt0), 0);
	if (legs > 1)
		cr_assert_eq(aoe_acl_req_add_leg(&req, PORT1, ours1, tgt1), 0);
}

/* The common header of an answer from @p src to leg 0's port. */
static struct aoe_hdr
answer_hdr(const uint8_t *src, uint8_t cmd, uint8_t error)
{
	struct aoe_hdr h = {
		.version = AOE_VERSION,
		.flags = AOE_FLAG_RSP | (error ? AOE_FLAG_ERR : 0),
		.error = error,
		.shelf = 1,
		.slot = 2,
		.cmd = cmd,
		.tag = TAG,
	};

	memcpy(h.dst, ours0, 6);
	memcpy(h.src, src, 6);
	return h;
}

static int
config_answer(uint8_t port, const uint8_t *src, uint8_t error, const char *s)
{
	struct aoe_hdr h = answer_hdr(src, AOE_CMD_CONFIG, error);
	struct aoe_cfg cfg = {.bufcnt = 16, .str_len = (uint16_t)strlen(s), .str = (const void *)s};
	int len = aoe_cfg_encode(frame, sizeof(frame), &h, &cfg);

	cr_assert_gt(len, 0);
	return aoe_acl_req_answer(&req, port, frame, (size_t)len);
}

static int
res_answer(uint8_t port, const uint8_t *src, uint8_t error, const uint8_t (*macs)[6],
	   unsigned int n)
{
	struct aoe_hdr h = answer_hdr(src, AOE_CMD_RESERVE, error);
	struct aoe_res res = {.rcmd = AOE_RES_SET, .mac_count = (uint8_t)n};
	int len = aoe_res_encode(frame, sizeof(frame), &h, &res, macs);

	cr_assert_gt(len, 0);
	return aoe_acl_req_answer(&req, port, frame, (size_t)len);
}

Test(acl_req, sends_every_leg_then_again_each_retry)
{
	start(AOE_ACL_MASK_READ, 2);
	cr_assert_eq(aoe_acl_req_due(&req, 0), 0);
	cr_assert_eq(aoe_acl_req_due(&req, 0), 1);
	cr_assert_eq(aoe_acl_req_due(&req, 0), -1);
	cr_assert_eq(aoe_acl_req_due(&req, RETRY - 1), -1);
	cr_assert_eq(aoe_acl_req_due(&req, RETRY), 0);
	cr_assert_eq(aoe_acl_req_due(&req, RETRY), 1);
	cr_assert_eq(req.legs[0].sent, 2);
	cr_assert_not(aoe_acl_req_done(&req, TIMEOUT - 1));
	/* Nothing is sent after the deadline, and the request ends unanswered. */
	cr_assert_eq(aoe_acl_req_due(&req, TIMEOUT), -1);
	cr_assert(aoe_acl_req_done(&req, TIMEOUT));
	cr_assert_eq(req.result.status, -ETIMEDOUT);
	cr_assert_eq(req.result.nb_paths, 2);
	cr_assert_eq(req.result.nb_answered, 0);
}

Test(acl_req, reserve_lists_each_of_our_macs_once)
{
	struct aoe_hdr h;
	struct aoe_res res;
	uint8_t mac[6];
	int len;

	start(AOE_ACL_RESERVE, 2);
	/* A third path through our first port: its MAC is in the list once. */
	cr_assert_eq(aoe_acl_req_add_leg(&req, PORT0, ours0, tgt1), 0);
	cr_assert_eq(req.nb_ours, 2);
	len = aoe_acl_req_encode(&req, 1, frame, sizeof(frame));
	cr_assert_eq(len, AOE_ETH_MIN_FRAME);
	cr_assert_eq(aoe_hdr_decode(frame, (size_t)len, &h), 0);
	cr_assert(memcmp(h.dst, tgt1, 6) == 0 && memcmp(h.src, ours1, 6) == 0);
	cr_assert_eq(h.tag, TAG);
	cr_assert_eq(aoe_res_decode(frame, (size_t)len, &h, &res), 0);
	cr_assert_eq(res.rcmd, AOE_RES_SET);
	cr_assert_eq(res.mac_count, 2);
	aoe_res_mac_get(&res, 1, mac);
	cr_assert(memcmp(mac, ours1, 6) == 0);
}

Test(acl_req, release_sends_an_empty_list)
{
	struct aoe_hdr h;
	struct aoe_res res;
	int len;

	start(AOE_ACL_RELEASE_FORCE, 1);
	len = aoe_acl_req_encode(&req, 0, frame, sizeof(frame));
	cr_assert_eq(aoe_hdr_decode(frame, (size_t)len, &h), 0);
	cr_assert_eq(aoe_res_decode(frame, (size_t)len, &h, &res), 0);
	cr_assert_eq(res.rcmd, AOE_RES_FORCE_SET);
	cr_assert_eq(res.mac_count, 0);
}

Test(acl_req, done_when_every_path_answered)
{
	const uint8_t list[1][6] = {{0x02, 0, 0, 0, 0xaa, 0x01}};

	start(AOE_ACL_RESERVE, 2);
	cr_assert_eq(res_answer(PORT0, tgt0, 0, list, 1), 0);
	cr_assert_not(aoe_acl_req_done(&req, 1));
	/* A second answer on the same path (to a retransmission) changes nothing. */
	cr_assert_eq(res_answer(PORT0, tgt0, 0, list, 1), -EALREADY);
	cr_assert_eq(res_answer(PORT1, tgt1, 0, list, 1), 0);
	cr_assert(aoe_acl_req_done(&req, 1));
	cr_assert_eq(req.result.status, 0);
	cr_assert_eq(req.result.nb_answered, 2);
	cr_assert_eq(req.result.nb_macs, 1);
	cr_assert_not(req.result.paths_differ);
	cr_assert(memcmp(req.result.from.bytes, tgt0, 6) == 0);
}

Test(acl_req, refused_reservation_names_the_holder)
{
	const uint8_t holder[1][6] = {{0x02, 0, 0, 0, 0xcc, 0x01}};

	start(AOE_ACL_RESERVE, 1);
	cr_assert_eq(res_answer(PORT0, tgt0, AOE_ERR_RESERVED, holder, 1), 0);
	cr_assert(aoe_acl_req_done(&req, 1));
	cr_assert_eq(req.result.status, -EACCES);
	cr_assert_eq(req.result.aoe_error, AOE_ERR_RESERVED);
	cr_assert_eq(req.result.nb_macs, 1);
	cr_assert(memcmp(req.result.macs[0].bytes, holder[0], 6) == 0);
}

Test(acl_req, answers_not_ours_are_refused)
{
	start(AOE_ACL_CONFIG_READ, 1);
	/* Another port, another MAC, another command, another shelf.slot, another tag. */
	cr_assert_eq(config_answer(PORT1, tgt0, 0, ""), -ENOENT);
	cr_assert_eq(config_answer(PORT0, tgt1, 0, ""), -ENOENT);
	cr_assert_eq(res_answer(PORT0, tgt0, 0, NULL, 0), -ENOENT);
	req.shelf = 7;
	cr_assert_eq(config_answer(PORT0, tgt0, 0, ""), -ENOENT);
	req.shelf = 1;
	req.tag++;
	cr_assert_eq(config_answer(PORT0, tgt0, 0, ""), -ENOENT);
	req.tag--;
	/* A truncated answer is malformed, and the path still waits. */
	cr_assert_eq(aoe_acl_req_answer(&req, PORT0, frame, 20), -EMSGSIZE);
	cr_assert_not(req.legs[0].answered);
	cr_assert_eq(config_answer(PORT0, tgt0, 0, "s"), 0);
	cr_assert(aoe_acl_req_done(&req, 0));
	cr_assert_eq(req.result.config_len, 1);
}

Test(acl_req, set_if_empty)
{
	/* Refused: another string is there, and the answer says which. */
	start(AOE_ACL_CONFIG_SET, 1);
	cr_assert_eq(config_answer(PORT0, tgt0, AOE_ERR_CFG_SET, "other"), 0);
	cr_assert(aoe_acl_req_done(&req, 0));
	cr_assert_eq(req.result.status, -EEXIST);
	cr_assert_eq(req.result.config_len, 5);
	/* Refused while ours is there (our lost first answer): done. */
	start(AOE_ACL_CONFIG_SET, 1);
	cr_assert_eq(config_answer(PORT0, tgt0, AOE_ERR_CFG_SET, "abc"), 0);
	cr_assert(aoe_acl_req_done(&req, 0));
	cr_assert_eq(req.result.status, 0);
}

Test(acl_req, a_test_unanswered_does_not_match)
{
	start(AOE_ACL_CONFIG_TEST, 2);
	cr_assert_eq(config_answer(PORT0, tgt0, 0, "abc"), 0);
	cr_assert(aoe_acl_req_done(&req, TIMEOUT));
	cr_assert_eq(req.result.status, -ENOMSG);
	cr_assert_eq(req.result.nb_answered, 1);
}

Test(acl_req, paths_that_differ_are_noted)
{
	start(AOE_ACL_CONFIG_READ, 2);
	cr_assert_eq(config_answer(PORT0, tgt0, 0, "one"), 0);
	cr_assert_eq(config_answer(PORT1, tgt1, 0, "two"), 0);
	cr_assert(aoe_acl_req_done(&req, 0));
	cr_assert(req.result.paths_differ);
	cr_assert(memcmp(req.result.config, "one", 3) == 0);
}

Test(acl_req, no_path_is_unreachable)
{
	struct aoe_acl_args args = {.op = AOE_ACL_MASK_READ};

	aoe_acl_req_init(&req, &args, 1, 2, TAG, 0, RETRY, TIMEOUT);
	cr_assert(aoe_acl_req_done(&req, 0));
	cr_assert_eq(req.result.status, -ENETUNREACH);
}

Test(acl_req, mask_edit_and_its_errors)
{
	struct aoe_acl_args args = {.op = AOE_ACL_MASK_EDIT};
	struct aoe_hdr h = answer_hdr(tgt0, AOE_CMD_MACMASK, 0);
	struct aoe_mask mask = {.mcmd = AOE_MASK_EDIT, .merror = AOE_MASK_ERR_FULL, .dir_count = 1};
	struct aoe_mask_dir dirs[1] = {{.dcmd = AOE_MASK_DIR_NONE, .mac = {2, 0, 0, 0, 0xaa, 1}}};
	int len;

	cr_assert_eq(aoe_acl_dirs_parse("+02:00:00:00:aa:01 -02:00:00:00:aa:02", &args, NULL, 0),
		     0);
	aoe_acl_req_init(&req, &args, 1, 2, TAG, 0, RETRY, TIMEOUT);
	aoe_acl_req_add_leg(&req, PORT0, ours0, tgt0);
	len = aoe_acl_req_encode(&req, 0, frame, sizeof(frame));
	cr_assert_eq(len, AOE_ETH_MIN_FRAME, "44 bytes padded to the minimum");
	/* vblade's "list full": its directive count says how many it did, with none carried. */
	len = aoe_mask_encode(frame, sizeof(frame), &h, &mask, dirs);
	cr_assert_eq(aoe_acl_req_answer(&req, PORT0, frame, AOE_MASK_HDR_LEN), 0);
	cr_assert(aoe_acl_req_done(&req, 0));
	cr_assert_eq(req.result.status, -ENOSPC);
	cr_assert_eq(req.result.mask_error, AOE_MASK_ERR_FULL);
	/* A whole answer lists the mask as it stands. */
	aoe_acl_req_init(&req, &args, 1, 2, TAG, 0, RETRY, TIMEOUT);
	aoe_acl_req_add_leg(&req, PORT0, ours0, tgt0);
	mask.merror = 0;
	len = aoe_mask_encode(frame, sizeof(frame), &h, &mask, dirs);
	cr_assert_eq(aoe_acl_req_answer(&req, PORT0, frame, (size_t)len), 0);
	cr_assert(aoe_acl_req_done(&req, 0));
	cr_assert_eq(req.result.status, 0);
	cr_assert_eq(req.result.nb_macs, 1);
	cr_assert_eq(req.result.macs[0].bytes[4], 0xaa);
}

Test(acl_req, args_checked)
{
	struct aoe_acl_args args = {.op = AOE_ACL_OP_NB};

	cr_assert_eq(aoe_acl_args_check(&args), -EINVAL);
	args.op = AOE_ACL_MASK_EDIT;
	cr_assert_eq(aoe_acl_args_check(&args), -EINVAL, "an edit without directives");
	args.op = AOE_ACL_CONFIG_FORCE_SET;
	args.config_len = AOE_ACL_CONFIG_MAX + 1;
	cr_assert_eq(aoe_acl_args_check(&args), -EINVAL);
	args.config_len = 0;
	args.timeout_ms = AOE_ACL_TIMEOUT_MAX + 1;
	cr_assert_eq(aoe_acl_args_check(&args), -EINVAL);
	cr_assert_eq(aoe_acl_args_check(NULL), -EINVAL);
}

Test(acl_req, errnos_and_words)
{
	cr_assert_eq(aoe_acl_errno(AOE_ERR_RESERVED, 0), -EACCES);
	cr_assert_eq(aoe_acl_errno(AOE_ERR_CFG_SET, 0), -EEXIST);
	cr_assert_eq(aoe_acl_errno(AOE_ERR_BADCMD, 0), -EOPNOTSUPP);
	cr_assert_eq(aoe_acl_errno(0, AOE_MASK_ERR_BADDIR), -EINVAL);
	cr_assert_eq(aoe_acl_errno(0, 0), 0);
	cr_assert_str_eq(aoe_strerror(-EACCES), "reserved by another initiator");
	cr_assert_str_eq(aoe_strerror(-EIO), strerror(EIO));
	cr_assert_str_eq(aoe_acl_op_name(AOE_ACL_RELEASE_FORCE), "release_force");
	cr_assert_str_eq(aoe_acl_op_name(AOE_ACL_OP_NB), "unknown");
}
