/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NBD option haggling (see nbd_neg.h). Every refusal carries a message that says what was wrong
 * and what is allowed; nbd_neg.why keeps it for the connection's log line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nbd_neg.h"

#define LIST_MAX      512 /* exports listed or named in a message: the export table's size */
#define LIST_DESC_MAX 64  /* an entry's description */

/* The longest answer is a LIST of LIST_MAX entries and its ACK. */
_Static_assert(NBD_NEG_OUT_MIN >= (LIST_MAX + 1) * (NBD_OPT_REPLY_HDR_LEN + 4 +
						    NBD_EXPORT_NAME_MAX + LIST_DESC_MAX),
	       "the output buffer holds a whole LIST");

uint16_t
nbd_neg_transmission_flags(bool read_only)
{
	uint16_t f = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_FUA |
		     NBD_FLAG_SEND_WRITE_ZEROES | NBD_FLAG_CAN_MULTI_CONN | NBD_FLAG_SEND_CACHE;

	return read_only ? (uint16_t)(f | NBD_FLAG_READ_ONLY) : f;
}

static uint8_t *
out_reserve(struct nbd_out *out, size_t n)
{
	uint8_t *p;

	if (out->cap - out->len < n)
		return NULL;
	p = out->data + out->len;
	out->len += n;
	return p;
}

/* A reply with @p body; a body that does not fit is cut (only messages can be that long). */
static void
reply(struct nbd_out *out, uint32_t option, uint32_t type, const void *body, size_t len)
{
	uint8_t *p;

	/* NBD_NEG_OUT_MIN holds the longest answer (a LIST of LIST_MAX exports): cannot happen. */
	if (out->cap - out->len < NBD_OPT_REPLY_HDR_LEN)
		return;
	if (len > out->cap - out->len - NBD_OPT_REPLY_HDR_LEN)
		len = out->cap - out->len - NBD_OPT_REPLY_HDR_LEN;
	p = out_reserve(out, NBD_OPT_REPLY_HDR_LEN + len);
	nbd_proto_opt_reply_encode(p, option, type, (uint32_t)len);
	if (len > 0)
		memcpy(p + NBD_OPT_REPLY_HDR_LEN, body, len);
}

static enum nbd_neg_result __attribute__((format(printf, 5, 6)))
refuse(struct nbd_neg *neg, struct nbd_out *out, uint32_t option, uint32_t type, const char *fmt,
       ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(neg->why, sizeof(neg->why), fmt, ap);
	va_end(ap);
	neg->refused++;
	reply(out, option, type, neg->why, strlen(neg->why));
	return NBD_NEG_CONTINUE;
}

/* "e1.1 e1.2" or "none", for messages. */
static void
names_of(const struct nbd_neg_ops *ops, char *buf, size_t len)
{
	static struct nbd_neg_export list[LIST_MAX];
	unsigned int i, n = ops->list(ops->arg, list, LIST_MAX);
	size_t pos = 0;

	snprintf(buf, len, "none");
	for (i = 0; i < n && i < LIST_MAX && pos < len; i++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", i ? " " : "", list[i].name);
}

/*
 * The export a client names: "" is the only one when there is exactly one. Fills neg->why and
 * returns the option reply error when there is none to give.
 */
static uint32_t
resolve(struct nbd_neg *neg, const struct nbd_neg_ops *ops, const char *name, uint32_t name_len,
	bool open, struct nbd_neg_export *exp)
{
	char wanted[NBD_STRING_MAX + 1], names[200];
	struct nbd_neg_export only;
	int rc;

	names_of(ops, names, sizeof(names));
	if (name_len == 0) {
		if (ops->list(ops->arg, &only, 1) != 1) {
			snprintf(neg->why, sizeof(neg->why),
				 "the empty export name needs exactly one export; exports: %s",
				 names);
			return NBD_REP_ERR_UNKNOWN;
		}
		snprintf(wanted, sizeof(wanted), "%s", only.name);
	} else {
		memcpy(wanted, name, name_len);
		wanted[name_len] = '\0';
	}
	rc = ops->lookup(ops->arg, wanted, open, exp);
	if (rc == 0)
		return 0;
	if (rc == -ENOENT) {
		snprintf(neg->why, sizeof(neg->why), "no export named '%.64s'; exports: %s", wanted,
			 names);
		return NBD_REP_ERR_UNKNOWN;
	}
	if (rc == -ENODEV) {
		snprintf(neg->why, sizeof(neg->why),
			 "export %.64s: the AoE target is down; try again when it is back up",
			 wanted);
		return NBD_REP_ERR_UNKNOWN;
	}
	snprintf(neg->why, sizeof(neg->why), "export %.64s cannot be opened: %s", wanted,
		 strerror(-rc));
	return NBD_REP_ERR_SHUTDOWN;
}

static void
info_reply(struct nbd_out *out, uint32_t option, const void *body, size_t len)
{
	reply(out, option, NBD_REP_INFO, body, len);
}

static enum nbd_neg_result
opt_go(struct nbd_neg *neg, const struct nbd_neg_ops *ops, uint32_t option, const uint8_t *data,
       uint32_t len, struct nbd_out *out)
{
	uint8_t body[NBD_INFO_BLOCK_SIZE_LEN + NBD_EXPORT_NAME_MAX + 2];
	bool go = option == NBD_OPT_GO;
	struct nbd_neg_export exp;
	struct nbd_opt_go req;
	uint32_t err;
	uint16_t i;

	if (nbd_proto_opt_go_parse(data, len, &req) != 0)
		return refuse(neg, out, option, NBD_REP_ERR_INVALID,
			      "malformed %s: allowed: name length, name, request count, requests",
			      nbd_proto_opt_name(option));
	err = resolve(neg, ops, req.name, req.name_len, go, &exp);
	if (err != 0) {
		neg->refused++;
		reply(out, option, err, neg->why, strlen(neg->why));
		return NBD_NEG_CONTINUE;
	}
	info_reply(out, option, body,
		   nbd_proto_info_export_encode(body, exp.size,
						nbd_neg_transmission_flags(exp.read_only)));
	/* Block sizes go whether asked or not (proto.md allows it): requests must be aligned. */
	info_reply(out, option, body,
		   nbd_proto_info_block_size_encode(body, NBD_BLOCK_MIN, NBD_BLOCK_PREFERRED,
						    NBD_PAYLOAD_MAX));
	for (i = 0; i < req.nb_info; i++) {
		uint16_t type = (uint16_t)(req.info[2 * i] << 8 | req.info[2 * i + 1]);
		size_t n = strlen(exp.name);

		if (type != NBD_INFO_NAME)
			continue; /* EXPORT and BLOCK_SIZE went already; no description */
		body[0] = 0;
		body[1] = NBD_INFO_NAME;
		memcpy(body + 2, exp.name, n);
		info_reply(out, option, body, 2 + n);
	}
	reply(out, option, NBD_REP_ACK, NULL, 0);
	if (!go)
		return NBD_NEG_CONTINUE;
	/* Contexts chosen for another export name do not apply to this one. */
	if (strlen(neg->meta_name) != req.name_len ||
	    memcmp(neg->meta_name, req.name, req.name_len) != 0)
		neg->base_allocation = false;
	neg->export = exp;
	return NBD_NEG_TRANSMIT;
}

static enum nbd_neg_result
opt_export_name(struct nbd_neg *neg, const struct nbd_neg_ops *ops, const uint8_t *data,
		uint32_t len, struct nbd_out *out)
{
	struct nbd_neg_export exp;
	uint8_t *p;

	/* This option has no error reply: a refusal is a disconnection. */
	if (nbd_proto_name_check((const char *)data, len) != 0) {
		snprintf(neg->why, sizeof(neg->why), "malformed EXPORT_NAME");
		neg->refused++;
		return NBD_NEG_CLOSE;
	}
	if (resolve(neg, ops, (const char *)data, len, true, &exp) != 0) {
		neg->refused++;
		return NBD_NEG_CLOSE;
	}
	if (!(len == strlen(neg->meta_name) && memcmp(neg->meta_name, data, len) == 0))
		neg->base_allocation = false;
	p = out_reserve(out, NBD_EXPORT_NAME_REPLY_LEN);
	if (p == NULL)
		return NBD_NEG_CLOSE;
	out->len -= NBD_EXPORT_NAME_REPLY_LEN;
	out->len += nbd_proto_export_name_reply_encode(
		p, exp.size, nbd_neg_transmission_flags(exp.read_only),
		(neg->client_flags & NBD_FLAG_C_NO_ZEROES) != 0);
	neg->export = exp;
	return NBD_NEG_TRANSMIT;
}

static enum nbd_neg_result
opt_list(struct nbd_neg *neg, const struct nbd_neg_ops *ops, uint32_t len, struct nbd_out *out)
{
	static struct nbd_neg_export list[LIST_MAX];
	uint8_t body[4 + NBD_EXPORT_NAME_MAX + LIST_DESC_MAX];
	unsigned int i, n;

	if (len != 0)
		return refuse(neg, out, NBD_OPT_LIST, NBD_REP_ERR_INVALID,
			      "LIST with %u bytes of data; allowed: none", len);
	n = ops->list(ops->arg, list, LIST_MAX);
	for (i = 0; i < n && i < LIST_MAX; i++) {
		uint32_t name_len = (uint32_t)strlen(list[i].name);
		int desc;

		body[0] = (uint8_t)(name_len >> 24);
		body[1] = (uint8_t)(name_len >> 16);
		body[2] = (uint8_t)(name_len >> 8);
		body[3] = (uint8_t)name_len;
		memcpy(body + 4, list[i].name, name_len);
		/* The description: the size, so that a listing says it without a second trip. */
		desc = snprintf((char *)body + 4 + name_len, sizeof(body) - 4 - name_len,
				"%" PRIu64 " bytes%s", list[i].size,
				list[i].read_only ? ", read-only" : "");
		reply(out, NBD_OPT_LIST, NBD_REP_SERVER, body, 4 + name_len + (size_t)desc);
	}
	reply(out, NBD_OPT_LIST, NBD_REP_ACK, NULL, 0);
	return NBD_NEG_CONTINUE;
}

static enum nbd_neg_result
opt_meta(struct nbd_neg *neg, const struct nbd_neg_ops *ops, uint32_t option, const uint8_t *data,
	 uint32_t len, struct nbd_out *out)
{
	uint8_t body[4 + sizeof(NBD_META_BASE_ALLOCATION)];
	bool set = option == NBD_OPT_SET_META_CONTEXT;
	struct nbd_neg_export exp;
	struct nbd_opt_meta meta;
	uint32_t err;

	if (!neg->structured)
		return refuse(neg, out, option, NBD_REP_ERR_INVALID,
			      "%s before STRUCTURED_REPLY; allowed: after it",
			      nbd_proto_opt_name(option));
	if (nbd_proto_opt_meta_parse(data, len, set, &meta) != 0)
		return refuse(neg, out, option, NBD_REP_ERR_INVALID,
			      "malformed %s: allowed: name length, name, query count, queries",
			      nbd_proto_opt_name(option));
	err = resolve(neg, ops, meta.name, meta.name_len, false, &exp);
	if (err != 0) {
		neg->refused++;
		reply(out, option, err, neg->why, strlen(neg->why));
		return NBD_NEG_CONTINUE;
	}
	if (set) {
		memcpy(neg->meta_name, meta.name, meta.name_len);
		neg->meta_name[meta.name_len] = '\0';
		neg->base_allocation = meta.base_allocation;
	}
	if (meta.base_allocation) {
		body[0] = 0;
		body[1] = 0;
		body[2] = 0;
		body[3] = NBD_META_BASE_ALLOCATION_ID;
		memcpy(body + 4, NBD_META_BASE_ALLOCATION, sizeof(NBD_META_BASE_ALLOCATION) - 1);
		reply(out, option, NBD_REP_META_CONTEXT, body, sizeof(body) - 1);
	}
	reply(out, option, NBD_REP_ACK, NULL, 0);
	return NBD_NEG_CONTINUE;
}

enum nbd_neg_result
nbd_neg_option(struct nbd_neg *neg, const struct nbd_neg_ops *ops, uint32_t option,
	       const uint8_t *data, uint32_t len, struct nbd_out *out)
{
	neg->why[0] = '\0';
	switch (option) {
	case NBD_OPT_EXPORT_NAME:
		return opt_export_name(neg, ops, data, len, out);
	case NBD_OPT_ABORT:
		reply(out, option, NBD_REP_ACK, NULL, 0);
		return NBD_NEG_CLOSE;
	case NBD_OPT_LIST:
		return opt_list(neg, ops, len, out);
	case NBD_OPT_INFO:
	case NBD_OPT_GO:
		return opt_go(neg, ops, option, data, len, out);
	case NBD_OPT_STRUCTURED_REPLY:
		if (len != 0)
			return refuse(neg, out, option, NBD_REP_ERR_INVALID,
				      "STRUCTURED_REPLY with %u bytes of data; allowed: none", len);
		if (neg->structured)
			return refuse(neg, out, option, NBD_REP_ERR_INVALID,
				      "STRUCTURED_REPLY twice; allowed: once");
		neg->structured = true;
		reply(out, option, NBD_REP_ACK, NULL, 0);
		return NBD_NEG_CONTINUE;
	case NBD_OPT_LIST_META_CONTEXT:
	case NBD_OPT_SET_META_CONTEXT:
		return opt_meta(neg, ops, option, data, len, out);
	default:
		return refuse(neg, out, option, NBD_REP_ERR_UNSUP,
			      "option %u (%s) is not supported; allowed: EXPORT_NAME ABORT LIST "
			      "INFO GO STRUCTURED_REPLY LIST_META_CONTEXT SET_META_CONTEXT",
			      option, nbd_proto_opt_name(option));
	}
}

enum nbd_neg_result
nbd_neg_too_big(struct nbd_neg *neg, uint32_t option, uint32_t len, struct nbd_out *out)
{
	if (option == NBD_OPT_EXPORT_NAME) {
		snprintf(neg->why, sizeof(neg->why), "EXPORT_NAME of %u bytes", len);
		neg->refused++;
		return NBD_NEG_CLOSE;
	}
	return refuse(neg, out, option, NBD_REP_ERR_TOO_BIG,
		      "option %u has %u bytes of data; allowed: at most %u", option, len,
		      NBD_OPT_DATA_MAX);
}
