/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for an access-control request's answers (lib/aoe/aoe_acl_req.c): frames off
 * the wire that reach management with a request's tag.
 *
 * The first input byte chooses the request (its op); the rest is the answer. The request is
 * made to expect it (its one path is the frame's source MAC, its tag and shelf.slot the
 * frame's), so every input gets past the filters to the decoders. Whatever happens, the
 * request must end with a status the API documents and a result within its bounds.
 */
#include <errno.h>
#include <string.h>

#include "aoe_acl_req.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
status_documented(int s)
{
	switch (-s) {
	case 0:
	case EACCES:
	case EEXIST:
	case ENOMSG:
	case ENOSPC:
	case EINVAL:
	case EOPNOTSUPP:
	case ENODEV:
	case EPROTONOSUPPORT:
	case EIO:
	case ETIMEDOUT:
		return true;
	default:
		return false;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t ours[AOE_ETH_ALEN] = {0x02, 0, 0, 0, 0xaa, 0x01};
	static struct aoe_acl_req req;
	struct aoe_acl_args args;
	const uint8_t *frame = data + 1;
	size_t len = size - 1;
	int rc;

	if (size < 1 + AOE_HDR_LEN)
		return 0;
	memset(&args, 0, sizeof(args));
	args.op = (enum aoe_acl_op)(data[0] % AOE_ACL_OP_NB);
	if (args.op == AOE_ACL_MASK_EDIT) {
		args.nb_dirs = 1;
		memcpy(args.dirs[0].mac.bytes, ours, sizeof(ours));
		args.dirs[0].add = true;
	}
	aoe_acl_req_init(&req, &args, (uint16_t)(frame[16] << 8 | frame[17]), frame[18],
			 (uint32_t)frame[20] << 24 | (uint32_t)frame[21] << 16 |
				 (uint32_t)frame[22] << 8 | frame[23],
			 0, 10, 100);
	CHECK(aoe_acl_req_add_leg(&req, 0, ours, frame + 6) == 0);
	rc = aoe_acl_req_answer(&req, 0, frame, len);
	CHECK(rc == 0 || rc == -ENOENT || rc == -EMSGSIZE || rc == -EPROTONOSUPPORT ||
	      rc == -EPROTO || rc == -EBADMSG);
	CHECK(req.legs[0].answered == (rc == 0));
	CHECK(aoe_acl_req_answer(&req, 0, frame, len) == (rc == 0 ? -EALREADY : rc));
	CHECK(aoe_acl_req_done(&req, rc == 0 ? 0 : 100));
	CHECK(status_documented(req.result.status));
	CHECK(req.result.nb_paths == 1 && req.result.nb_answered == (rc == 0));
	CHECK(req.result.config_len <= AOE_ACL_CONFIG_MAX);
	CHECK(req.result.nb_macs <= AOE_ACL_MACS_MAX);
	CHECK(rc == 0 || req.result.status == -ETIMEDOUT || req.result.status == -ENOMSG);
	return 0;
}
