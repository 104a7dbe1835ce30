/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One access-control request's state machine (aoe_acl.h): which paths it goes to, the frame
 * each is sent, when each is sent again, what each answer says and what the request ends with.
 * Pure and DPDK-free, with time as opaque ticks, so tests/unit/test_aoe_acl_req.c drives every
 * transition without a network; aoe_acl.c carries it on the management lcore. Never installed.
 */
#ifndef AOE_ACL_REQ_H
#define AOE_ACL_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aoe_acl.h"
#include "aoe_wire.h"

#define AOE_ACL_LEGS_MAX 16 /* a target's paths (AOE_MAX_PATHS) */

/* One path a request goes to: a target MAC through one of our ports. */
struct aoe_acl_leg {
	uint8_t port; /* the caller's port index, given back to it */
	uint8_t src[AOE_ETH_ALEN];
	uint8_t dst[AOE_ETH_ALEN];
	bool answered;
	int status;	   /* the answer's verdict, once answered */
	unsigned int sent; /* transmissions so far */
	uint64_t next_tx;  /* when it is sent (again) */
};

struct aoe_acl_req {
	struct aoe_acl_args args;
	uint16_t shelf;
	uint8_t slot;
	uint32_t tag;
	uint64_t retry; /* ticks between transmissions to a path that has not answered */
	uint64_t deadline;
	unsigned int nb_legs;
	struct aoe_acl_leg legs[AOE_ACL_LEGS_MAX];
	/* RESERVE*: the list to set, our MACs on the paths (each once) */
	unsigned int nb_ours;
	uint8_t ours[AOE_ACL_LEGS_MAX][AOE_ETH_ALEN];
	bool have_data; /* result holds a list or string from an answer */
	struct aoe_acl_result result;
};

/* Check @p args as aoe_acl_submit() does: 0 or -EINVAL. */
int aoe_acl_args_check(const struct aoe_acl_args *args);

/*
 * Start @p req for @p args on shelf.slot with @p tag, at @p now: the first transmission of every
 * leg is due at once, the next ones every @p retry ticks, and the request ends @p timeout ticks
 * from now. Legs are added next.
 */
void aoe_acl_req_init(struct aoe_acl_req *req, const struct aoe_acl_args *args, uint16_t shelf,
		      uint8_t slot, uint32_t tag, uint64_t now, uint64_t retry, uint64_t timeout);

/* Add a path: 0, or -ENOSPC when AOE_ACL_LEGS_MAX are there already. */
int aoe_acl_req_add_leg(struct aoe_acl_req *req, uint8_t port, const uint8_t src[AOE_ETH_ALEN],
			const uint8_t dst[AOE_ETH_ALEN]);

/*
 * The next leg due to be sent at @p now (its send count and next time updated), or -1 when
 * none is. Call until -1.
 */
int aoe_acl_req_due(struct aoe_acl_req *req, uint64_t now);

/*
 * The request frame for leg @p i into @p buf (padded with zeros to the 60-byte minimum).
 * @return the frame length, or the codec's -ENOSPC / -EINVAL.
 */
int aoe_acl_req_encode(const struct aoe_acl_req *req, unsigned int i, uint8_t *buf, size_t cap);

/*
 * An answer that carries the request's tag, received on @p port: recorded on its leg.
 * @return 0; -ENOENT (from no leg's target MAC and port, or another command or shelf.slot:
 *         not this request's), -EALREADY (the leg has its answer) or the codec's error (a
 *         malformed answer, dropped).
 */
int aoe_acl_req_answer(struct aoe_acl_req *req, uint8_t port, const uint8_t *frame, size_t len);

/*
 * Whether the request is over at @p now: every leg answered, or its deadline passed. When it
 * is, req->result holds how it ended.
 */
bool aoe_acl_req_done(struct aoe_acl_req *req, uint64_t now);

/* The errno an AoE error code (and a mask list error) stands for. */
int aoe_acl_errno(uint8_t aoe_error, uint8_t mask_error);

#endif /* AOE_ACL_REQ_H */
