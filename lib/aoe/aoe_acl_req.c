/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An access-control request's state machine (aoe_acl_req.h), the words for its errors and the
 * parser of mask list edits: pure functions over the codec.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aoe_acl_req.h"
#include "aoe_errf.h"

static const struct {
	const char *name;
	uint8_t cmd; /* enum aoe_cmd */
	uint8_t sub; /* ccmd or rcmd; mcmd */
} ops[AOE_ACL_OP_NB] = {
	[AOE_ACL_CONFIG_READ] = {"config_read", AOE_CMD_CONFIG, AOE_CFG_READ},
	[AOE_ACL_CONFIG_TEST] = {"config_test", AOE_CMD_CONFIG, AOE_CFG_TEST_EXACT},
	[AOE_ACL_CONFIG_TEST_PREFIX] = {"config_test_prefix", AOE_CMD_CONFIG, AOE_CFG_TEST_PREFIX},
	[AOE_ACL_CONFIG_SET] = {"config_set", AOE_CMD_CONFIG, AOE_CFG_SET},
	[AOE_ACL_CONFIG_FORCE_SET] = {"config_force_set", AOE_CMD_CONFIG, AOE_CFG_FORCE_SET},
	[AOE_ACL_MASK_READ] = {"mask_read", AOE_CMD_MACMASK, AOE_MASK_READ},
	[AOE_ACL_MASK_EDIT] = {"mask_edit", AOE_CMD_MACMASK, AOE_MASK_EDIT},
	[AOE_ACL_RESERVE_READ] = {"reserve_read", AOE_CMD_RESERVE, AOE_RES_READ},
	[AOE_ACL_RESERVE] = {"reserve", AOE_CMD_RESERVE, AOE_RES_SET},
	[AOE_ACL_RESERVE_FORCE] = {"reserve_force", AOE_CMD_RESERVE, AOE_RES_FORCE_SET},
	[AOE_ACL_RELEASE] = {"release", AOE_CMD_RESERVE, AOE_RES_SET},
	[AOE_ACL_RELEASE_FORCE] = {"release_force", AOE_CMD_RESERVE, AOE_RES_FORCE_SET},
};

const char *
aoe_acl_op_name(enum aoe_acl_op op)
{
	return (unsigned int)op < AOE_ACL_OP_NB ? ops[op].name : "unknown";
}

const char *
aoe_strerror(int err)
{
	switch (-err) {
	case EACCES:
		return "reserved by another initiator";
	case EEXIST:
		return "config string present";
	case ENOMSG:
		return "config string does not match";
	case ENETUNREACH:
		return "no live path to the target";
	default:
		return strerror(-err);
	}
}

int
aoe_acl_errno(uint8_t aoe_error, uint8_t mask_error)
{
	switch (aoe_error) {
	case AOE_ERR_NONE:
		break;
	case AOE_ERR_BADCMD:
		return -EOPNOTSUPP;
	case AOE_ERR_BADARG:
		return -EINVAL;
	case AOE_ERR_DEVUNAVAIL:
		return -ENODEV;
	case AOE_ERR_CFG_SET:
		return -EEXIST;
	case AOE_ERR_BADVER:
		return -EPROTONOSUPPORT;
	case AOE_ERR_RESERVED:
		return -EACCES;
	default:
		return -EIO;
	}
	switch (mask_error) {
	case AOE_MASK_ERR_NONE:
		return 0;
	case AOE_MASK_ERR_BADDIR:
		return -EINVAL;
	case AOE_MASK_ERR_FULL:
		return -ENOSPC;
	default:
		return -EIO;
	}
}

static bool
op_has_config(enum aoe_acl_op op)
{
	return ops[op].cmd == AOE_CMD_CONFIG && op != AOE_ACL_CONFIG_READ;
}

static bool
op_is_test(enum aoe_acl_op op)
{
	return op == AOE_ACL_CONFIG_TEST || op == AOE_ACL_CONFIG_TEST_PREFIX;
}

int
aoe_acl_args_check(const struct aoe_acl_args *args)
{
	if (args == NULL || (unsigned int)args->op >= AOE_ACL_OP_NB ||
	    args->timeout_ms > AOE_ACL_TIMEOUT_MAX)
		return -EINVAL;
	if (op_has_config(args->op) && args->config_len > AOE_ACL_CONFIG_MAX)
		return -EINVAL;
	if (args->op == AOE_ACL_MASK_EDIT &&
	    (args->nb_dirs == 0 || args->nb_dirs > AOE_ACL_DIRS_MAX))
		return -EINVAL;
	return 0;
}

void
aoe_acl_req_init(struct aoe_acl_req *req, const struct aoe_acl_args *args, uint16_t shelf,
		 uint8_t slot, uint32_t tag, uint64_t now, uint64_t retry, uint64_t timeout)
{
	memset(req, 0, sizeof(*req));
	req->args = *args;
	req->shelf = shelf;
	req->slot = slot;
	req->tag = tag;
	req->retry = retry;
	req->deadline = now + timeout;
}

int
aoe_acl_req_add_leg(struct aoe_acl_req *req, uint8_t port, const uint8_t src[AOE_ETH_ALEN],
		    const uint8_t dst[AOE_ETH_ALEN])
{
	struct aoe_acl_leg *leg;
	unsigned int i;

	if (req->nb_legs == AOE_ACL_LEGS_MAX)
		return -ENOSPC;
	leg = &req->legs[req->nb_legs++];
	memset(leg, 0, sizeof(*leg));
	leg->port = port;
	memcpy(leg->src, src, AOE_ETH_ALEN);
	memcpy(leg->dst, dst, AOE_ETH_ALEN);
	/* The reservation holds each of our MACs that reaches the target, once. */
	for (i = 0; i < req->nb_ours; i++)
		if (memcmp(req->ours[i], src, AOE_ETH_ALEN) == 0)
			return 0;
	memcpy(req->ours[req->nb_ours++], src, AOE_ETH_ALEN);
	return 0;
}

int
aoe_acl_req_due(struct aoe_acl_req *req, uint64_t now)
{
	unsigned int i;

	if (now >= req->deadline)
		return -1;
	for (i = 0; i < req->nb_legs; i++) {
		struct aoe_acl_leg *leg = &req->legs[i];

		if (leg->answered || now < leg->next_tx)
			continue;
		leg->sent++;
		leg->next_tx = now + req->retry;
		return (int)i;
	}
	return -1;
}

int
aoe_acl_req_encode(const struct aoe_acl_req *req, unsigned int i, uint8_t *buf, size_t cap)
{
	const struct aoe_acl_args *a = &req->args;
	const struct aoe_acl_leg *leg = &req->legs[i];
	struct aoe_mask_dir dirs[AOE_ACL_DIRS_MAX];
	struct aoe_hdr hdr;
	unsigned int d;
	int len;

	if (i >= req->nb_legs)
		return -EINVAL;
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.dst, leg->dst, AOE_ETH_ALEN);
	memcpy(hdr.src, leg->src, AOE_ETH_ALEN);
	hdr.version = AOE_VERSION;
	hdr.shelf = req->shelf;
	hdr.slot = req->slot;
	hdr.cmd = ops[a->op].cmd;
	hdr.tag = req->tag;
	switch (ops[a->op].cmd) {
	case AOE_CMD_CONFIG: {
		struct aoe_cfg cfg = {.ccmd = ops[a->op].sub};

		if (op_has_config(a->op)) {
			cfg.str_len = a->config_len;
			cfg.str = a->config;
		}
		len = aoe_cfg_encode(buf, cap, &hdr, &cfg);
		break;
	}
	case AOE_CMD_MACMASK: {
		struct aoe_mask mask = {.mcmd = ops[a->op].sub};

		if (a->op == AOE_ACL_MASK_EDIT) {
			mask.dir_count = (uint8_t)a->nb_dirs;
			for (d = 0; d < a->nb_dirs; d++) {
				dirs[d].dcmd = a->dirs[d].add ? AOE_MASK_DIR_ADD : AOE_MASK_DIR_DEL;
				memcpy(dirs[d].mac, a->dirs[d].mac.bytes, AOE_ETH_ALEN);
			}
		}
		len = aoe_mask_encode(buf, cap, &hdr, &mask, dirs);
		break;
	}
	default: {
		bool reserve = a->op == AOE_ACL_RESERVE || a->op == AOE_ACL_RESERVE_FORCE;
		struct aoe_res res = {
			.rcmd = ops[a->op].sub,
			.mac_count = reserve ? (uint8_t)req->nb_ours : 0,
		};

		len = aoe_res_encode(buf, cap, &hdr, &res,
				     (const uint8_t(*)[AOE_ETH_ALEN])req->ours);
		break;
	}
	}
	if (len < 0)
		return len;
	if (len < AOE_ETH_MIN_FRAME) {
		if (cap < AOE_ETH_MIN_FRAME)
			return -ENOSPC;
		memset(buf + len, 0, AOE_ETH_MIN_FRAME - (size_t)len);
		len = AOE_ETH_MIN_FRAME;
	}
	return len;
}

/* What one answer carries: a config string, or a list of MACs. */
struct answer_data {
	uint8_t mask_error;
	bool present;
	uint16_t config_len;
	const uint8_t *config;
	unsigned int nb_macs;
	uint8_t macs[AOE_ACL_MACS_MAX][AOE_ETH_ALEN];
};

/* The first answer's data becomes the result's; a later one that differs is noted. */
static void
data_record(struct aoe_acl_req *req, const struct aoe_acl_leg *leg, const struct answer_data *ad)
{
	struct aoe_acl_result *r = &req->result;
	unsigned int i;

	if (!ad->present)
		return;
	if (!req->have_data) {
		req->have_data = true;
		memcpy(r->from.bytes, leg->dst, AOE_ETH_ALEN);
		r->config_len = ad->config_len;
		if (ad->config_len != 0)
			memcpy(r->config, ad->config, ad->config_len);
		r->nb_macs = ad->nb_macs;
		for (i = 0; i < ad->nb_macs; i++)
			memcpy(r->macs[i].bytes, ad->macs[i], AOE_ETH_ALEN);
		return;
	}
	if (r->config_len != ad->config_len ||
	    (ad->config_len != 0 && memcmp(r->config, ad->config, ad->config_len) != 0) ||
	    r->nb_macs != ad->nb_macs)
		r->paths_differ = true;
	for (i = 0; i < ad->nb_macs && !r->paths_differ; i++)
		if (memcmp(r->macs[i].bytes, ad->macs[i], AOE_ETH_ALEN) != 0)
			r->paths_differ = true;
}

static int
answer_config(const struct aoe_acl_req *req, const uint8_t *frame, size_t len,
	      const struct aoe_hdr *hdr, struct answer_data *ad, int *status)
{
	const struct aoe_acl_args *a = &req->args;
	struct aoe_cfg cfg;
	int rc = aoe_cfg_decode(frame, len, hdr, &cfg);

	if (rc != 0 && !(hdr->flags & AOE_FLAG_ERR))
		return rc;
	*status = (hdr->flags & AOE_FLAG_ERR) ? aoe_acl_errno(hdr->error, 0) : 0;
	if (rc != 0)
		return 0; /* an error answer need not carry the arguments */
	ad->present = true;
	ad->config_len = cfg.str_len;
	ad->config = cfg.str;
	/* Our own string is there (an earlier transmission of ours, or someone's same one). */
	if (*status == -EEXIST && a->op == AOE_ACL_CONFIG_SET && cfg.str_len == a->config_len &&
	    (cfg.str_len == 0 || memcmp(cfg.str, a->config, cfg.str_len) == 0))
		*status = 0;
	return 0;
}

static int
answer_mask(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr, struct answer_data *ad,
	    int *status)
{
	uint8_t head[AOE_MASK_HDR_LEN];
	struct aoe_mask mask;
	struct aoe_mask_dir dir;
	unsigned int i;
	int rc;

	if (hdr->flags & AOE_FLAG_ERR) {
		*status = aoe_acl_errno(hdr->error, 0);
		return 0;
	}
	rc = aoe_mask_decode(frame, len, hdr, &mask);
	if (rc == -EMSGSIZE && len >= AOE_MASK_HDR_LEN) {
		/*
		 * vblade's mask error answer keeps, as its directive count, how many directives it
		 * applied before the one that failed, but carries none of them: read its header
		 * alone.
		 */
		memcpy(head, frame, AOE_MASK_HDR_LEN);
		head[AOE_MASK_HDR_LEN - 1] = 0;
		rc = aoe_mask_decode(head, sizeof(head), hdr, &mask);
		if (rc == 0 && mask.merror == AOE_MASK_ERR_NONE)
			rc = -EMSGSIZE;
	}
	if (rc != 0)
		return rc;
	*status = aoe_acl_errno(0, mask.merror);
	ad->mask_error = mask.merror;
	if (mask.merror != AOE_MASK_ERR_NONE)
		return 0;
	ad->present = true;
	ad->nb_macs = mask.dir_count;
	for (i = 0; i < mask.dir_count; i++) {
		aoe_mask_dir_get(&mask, i, &dir);
		memcpy(ad->macs[i], dir.mac, AOE_ETH_ALEN);
	}
	return 0;
}

static int
answer_reserve(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr, struct answer_data *ad,
	       int *status)
{
	struct aoe_res res;
	unsigned int i;
	int rc = aoe_res_decode(frame, len, hdr, &res);

	if (rc != 0 && !(hdr->flags & AOE_FLAG_ERR))
		return rc;
	*status = (hdr->flags & AOE_FLAG_ERR) ? aoe_acl_errno(hdr->error, 0) : 0;
	if (rc != 0)
		return 0;
	/* Refused with error 6, the answer lists who holds the target. */
	ad->present = true;
	ad->nb_macs = res.mac_count;
	for (i = 0; i < res.mac_count; i++)
		aoe_res_mac_get(&res, i, ad->macs[i]);
	return 0;
}

int
aoe_acl_req_answer(struct aoe_acl_req *req, uint8_t port, const uint8_t *frame, size_t len)
{
	struct answer_data ad;
	struct aoe_acl_leg *leg = NULL;
	struct aoe_hdr hdr;
	unsigned int i;
	int rc, status = 0;

	rc = aoe_hdr_decode(frame, len, &hdr);
	if (rc != 0)
		return rc;
	if (!(hdr.flags & AOE_FLAG_RSP) || hdr.tag != req->tag || hdr.shelf != req->shelf ||
	    hdr.slot != req->slot || hdr.cmd != ops[req->args.op].cmd)
		return -ENOENT;
	for (i = 0; i < req->nb_legs && leg == NULL; i++)
		if (req->legs[i].port == port &&
		    memcmp(req->legs[i].dst, hdr.src, AOE_ETH_ALEN) == 0)
			leg = &req->legs[i];
	if (leg == NULL)
		return -ENOENT;
	if (leg->answered)
		return -EALREADY;
	memset(&ad, 0, sizeof(ad));
	switch (hdr.cmd) {
	case AOE_CMD_CONFIG:
		rc = answer_config(req, frame, len, &hdr, &ad, &status);
		break;
	case AOE_CMD_MACMASK:
		rc = answer_mask(frame, len, &hdr, &ad, &status);
		break;
	default:
		rc = answer_reserve(frame, len, &hdr, &ad, &status);
		break;
	}
	if (rc != 0)
		return rc;
	leg->answered = true;
	leg->status = status;
	if ((hdr.flags & AOE_FLAG_ERR) && req->result.aoe_error == 0)
		req->result.aoe_error = hdr.error;
	if (req->result.mask_error == 0)
		req->result.mask_error = ad.mask_error;
	data_record(req, leg, &ad);
	return 0;
}

bool
aoe_acl_req_done(struct aoe_acl_req *req, uint64_t now)
{
	struct aoe_acl_result *r = &req->result;
	unsigned int i, answered = 0;
	int status = 0;

	for (i = 0; i < req->nb_legs; i++) {
		if (!req->legs[i].answered)
			continue;
		answered++;
		if (status == 0)
			status = req->legs[i].status;
	}
	if (answered < req->nb_legs && now < req->deadline)
		return false;
	r->nb_paths = req->nb_legs;
	r->nb_answered = answered;
	if (req->nb_legs == 0)
		status = -ENETUNREACH;
	else if (status == 0 && answered < req->nb_legs)
		/* A config test is answered only when the string matches. */
		status = op_is_test(req->args.op) ? -ENOMSG : -ETIMEDOUT;
	r->status = status;
	return true;
}

/* Six bytes of two hex digits each, separated by ':' or '-', and exactly that. */
static int
mac_parse(const char *s, size_t len, uint8_t mac[AOE_ETH_ALEN])
{
	unsigned int i, hi, lo;

	if (len != 17)
		return -EINVAL;
	for (i = 0; i < AOE_ETH_ALEN; i++) {
		const char *p = s + 3 * i;

		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
		    (i < AOE_ETH_ALEN - 1 && p[2] != ':' && p[2] != '-'))
			return -EINVAL;
		hi = (unsigned int)(isdigit((unsigned char)p[0])
					    ? p[0] - '0'
					    : (tolower((unsigned char)p[0]) - 'a' + 10));
		lo = (unsigned int)(isdigit((unsigned char)p[1])
					    ? p[1] - '0'
					    : (tolower((unsigned char)p[1]) - 'a' + 10));
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
aoe_acl_dirs_parse(const char *text, struct aoe_acl_args *args, char *err, size_t errlen)
{
	static const char seps[] = ", \t";
	const char *p = text;
	unsigned int n = 0;

	if (text == NULL || args == NULL)
		return aoe_errf(err, errlen, "no edits given");
	for (;;) {
		size_t len;

		p += strspn(p, seps);
		if (*p == '\0')
			break;
		len = strcspn(p, seps);
		if ((p[0] != '+' && p[0] != '-') || len < 2)
			return aoe_errf(err, errlen,
					"'%.*s' is not an edit; allowed: +MAC (add) or -MAC "
					"(delete), e.g. +02:00:00:00:00:01",
					(int)(len > 40 ? 40 : len), p);
		if (n == AOE_ACL_DIRS_MAX)
			return aoe_errf(err, errlen, "more than %d edits; allowed: at most %d",
					AOE_ACL_DIRS_MAX, AOE_ACL_DIRS_MAX);
		if (mac_parse(p + 1, len - 1, args->dirs[n].mac.bytes) != 0)
			return aoe_errf(err, errlen,
					"'%.*s' is not a MAC address; allowed: six bytes of two "
					"hex digits separated by ':', e.g. 02:00:00:00:00:01",
					(int)(len > 40 ? 40 : len - 1), p + 1);
		args->dirs[n].add = p[0] == '+';
		n++;
		p += len;
	}
	if (n == 0)
		return aoe_errf(err, errlen,
				"no edits; allowed: +MAC and -MAC separated by commas");
	args->nb_dirs = n;
	return 0;
}
