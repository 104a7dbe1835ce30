/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NBD wire protocol over byte buffers (see nbd_proto.h). Every length read from the wire is
 * checked against what is left before it is used; nothing here trusts a count.
 */
#include <errno.h>
#include <string.h>

#include "nbd_proto.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

size_t
nbd_proto_handshake_encode(uint8_t out[NBD_HANDSHAKE_LEN])
{
	put64(out, NBD_MAGIC_INIT);
	put64(out + 8, NBD_MAGIC_OPT);
	put16(out + 16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
	return NBD_HANDSHAKE_LEN;
}

int
nbd_proto_client_flags_parse(const uint8_t in[NBD_CLIENT_FLAGS_LEN], uint32_t *flags)
{
	uint32_t f = get32(in);

	if ((f & ~(uint32_t)(NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES)) != 0 ||
	    (f & NBD_FLAG_C_FIXED_NEWSTYLE) == 0)
		return -EPROTO;
	*flags = f;
	return 0;
}

int
nbd_proto_opt_hdr_parse(const uint8_t in[NBD_OPT_HDR_LEN], struct nbd_opt_hdr *hdr)
{
	if (get64(in) != NBD_MAGIC_OPT)
		return -EPROTO;
	hdr->option = get32(in + 8);
	hdr->length = get32(in + 12);
	return 0;
}

int
nbd_proto_name_check(const char *name, uint32_t len)
{
	if (len > NBD_STRING_MAX || (len > 0 && memchr(name, '\0', len) != NULL))
		return -EINVAL;
	return 0;
}

/* A u32 length and that many bytes of string at @p data + *pos, within @p len. */
static int
take_string(const uint8_t *data, uint32_t len, uint32_t *pos, const char **s, uint32_t *slen)
{
	uint32_t n;

	if (len - *pos < 4)
		return -EINVAL;
	n = get32(data + *pos);
	*pos += 4;
	if (n > len - *pos || nbd_proto_name_check((const char *)data + *pos, n) != 0)
		return -EINVAL;
	*s = (const char *)data + *pos;
	*slen = n;
	*pos += n;
	return 0;
}

int
nbd_proto_opt_go_parse(const uint8_t *data, uint32_t len, struct nbd_opt_go *go)
{
	uint32_t pos = 0;

	if (take_string(data, len, &pos, &go->name, &go->name_len) != 0 || len - pos < 2)
		return -EINVAL;
	go->nb_info = get16(data + pos);
	pos += 2;
	if ((uint32_t)go->nb_info * 2 != len - pos)
		return -EINVAL;
	go->info = data + pos;
	return 0;
}

static bool
string_is(const char *s, uint32_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

int
nbd_proto_opt_meta_parse(const uint8_t *data, uint32_t len, bool set, struct nbd_opt_meta *meta)
{
	uint32_t pos = 0, i;

	if (take_string(data, len, &pos, &meta->name, &meta->name_len) != 0 || len - pos < 4)
		return -EINVAL;
	meta->nb_queries = get32(data + pos);
	pos += 4;
	/* Each query takes at least its 4-byte length: a bigger count cannot be honest. */
	if (meta->nb_queries > (len - pos) / 4)
		return -EINVAL;
	meta->base_allocation = !set && meta->nb_queries == 0;
	for (i = 0; i < meta->nb_queries; i++) {
		const char *q;
		uint32_t qlen;

		if (take_string(data, len, &pos, &q, &qlen) != 0)
			return -EINVAL;
		if (string_is(q, qlen, NBD_META_BASE_ALLOCATION) ||
		    (!set && string_is(q, qlen, "base:")))
			meta->base_allocation = true;
	}
	return pos == len ? 0 : -EINVAL;
}

size_t
nbd_proto_opt_reply_encode(uint8_t *out, uint32_t option, uint32_t type, uint32_t length)
{
	put64(out, NBD_MAGIC_OPT_REPLY);
	put32(out + 8, option);
	put32(out + 12, type);
	put32(out + 16, length);
	return NBD_OPT_REPLY_HDR_LEN;
}

size_t
nbd_proto_info_export_encode(uint8_t *out, uint64_t size, uint16_t flags)
{
	put16(out, NBD_INFO_EXPORT);
	put64(out + 2, size);
	put16(out + 10, flags);
	return NBD_INFO_EXPORT_LEN;
}

size_t
nbd_proto_info_block_size_encode(uint8_t *out, uint32_t min, uint32_t preferred, uint32_t max)
{
	put16(out, NBD_INFO_BLOCK_SIZE);
	put32(out + 2, min);
	put32(out + 6, preferred);
	put32(out + 10, max);
	return NBD_INFO_BLOCK_SIZE_LEN;
}

size_t
nbd_proto_export_name_reply_encode(uint8_t *out, uint64_t size, uint16_t flags, bool no_zeroes)
{
	put64(out, size);
	put16(out + 8, flags);
	if (no_zeroes)
		return 10;
	memset(out + 10, 0, NBD_EXPORT_NAME_REPLY_LEN - 10);
	return NBD_EXPORT_NAME_REPLY_LEN;
}

int
nbd_proto_request_parse(const uint8_t in[NBD_REQUEST_LEN], struct nbd_request *req)
{
	if (get32(in) != NBD_MAGIC_REQUEST)
		return -EPROTO;
	req->flags = get16(in + 4);
	req->type = get16(in + 6);
	req->cookie = get64(in + 8);
	req->offset = get64(in + 16);
	req->length = get32(in + 24);
	return 0;
}

uint32_t
nbd_proto_request_payload(const struct nbd_request *req)
{
	return req->type == NBD_CMD_WRITE ? req->length : 0;
}

/* The flags each command may carry, given what the server advertises. */
static uint16_t
allowed_flags(uint16_t type)
{
	switch (type) {
	case NBD_CMD_WRITE:
		return NBD_CMD_FLAG_FUA;
	case NBD_CMD_WRITE_ZEROES:
		return NBD_CMD_FLAG_FUA | NBD_CMD_FLAG_NO_HOLE;
	case NBD_CMD_BLOCK_STATUS:
		return NBD_CMD_FLAG_REQ_ONE;
	default:
		return 0;
	}
}

uint32_t
nbd_proto_request_check(const struct nbd_request *req, const struct nbd_limits *lim)
{
	bool writes = req->type == NBD_CMD_WRITE || req->type == NBD_CMD_WRITE_ZEROES;

	switch (req->type) {
	case NBD_CMD_DISC:
	case NBD_CMD_FLUSH:
		return req->flags == 0 ? 0 : NBD_EINVAL;
	case NBD_CMD_READ:
	case NBD_CMD_WRITE:
	case NBD_CMD_WRITE_ZEROES:
	case NBD_CMD_CACHE:
	case NBD_CMD_BLOCK_STATUS:
		break;
	default: /* TRIM and RESIZE are not advertised: AoE has neither */
		return NBD_EINVAL;
	}
	if ((req->flags & ~allowed_flags(req->type)) != 0)
		return NBD_EINVAL;
	if (writes && lim->read_only)
		return NBD_EPERM;
	if (req->type == NBD_CMD_BLOCK_STATUS && !(lim->structured && lim->base_allocation))
		return NBD_EINVAL;
	if (req->length == 0 || req->offset % lim->block_min != 0 ||
	    req->length % lim->block_min != 0)
		return NBD_EINVAL;
	if ((req->type == NBD_CMD_READ || req->type == NBD_CMD_WRITE) &&
	    req->length > lim->payload_max)
		return NBD_EINVAL;
	if (req->offset > lim->size || req->length > lim->size - req->offset)
		return writes ? NBD_ENOSPC : NBD_EINVAL;
	return 0;
}

size_t
nbd_proto_simple_reply_encode(uint8_t *out, uint32_t error, uint64_t cookie)
{
	put32(out, NBD_MAGIC_SIMPLE_REPLY);
	put32(out + 4, error);
	put64(out + 8, cookie);
	return NBD_SIMPLE_REPLY_LEN;
}

size_t
nbd_proto_chunk_encode(uint8_t *out, uint16_t flags, uint16_t type, uint64_t cookie,
		       uint32_t length)
{
	put32(out, NBD_MAGIC_STRUCTURED_REPLY);
	put16(out + 4, flags);
	put16(out + 6, type);
	put64(out + 8, cookie);
	put32(out + 16, length);
	return NBD_CHUNK_HDR_LEN;
}

size_t
nbd_proto_offset_data_encode(uint8_t *out, uint64_t cookie, uint64_t offset, uint32_t data_len)
{
	nbd_proto_chunk_encode(out, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_OFFSET_DATA, cookie,
			       data_len + 8);
	put64(out + NBD_CHUNK_HDR_LEN, offset);
	return NBD_OFFSET_DATA_HDR_LEN;
}

size_t
nbd_proto_error_chunk_encode(uint8_t *out, size_t out_len, uint64_t cookie, uint32_t error,
			     const char *msg)
{
	size_t room = out_len - NBD_CHUNK_HDR_LEN - 6;
	size_t n = msg == NULL ? 0 : strnlen(msg, room < NBD_STRING_MAX ? room : NBD_STRING_MAX);

	nbd_proto_chunk_encode(out, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_ERROR, cookie,
			       (uint32_t)(6 + n));
	put32(out + NBD_CHUNK_HDR_LEN, error);
	put16(out + NBD_CHUNK_HDR_LEN + 4, (uint16_t)n);
	if (n > 0)
		memcpy(out + NBD_CHUNK_HDR_LEN + 6, msg, n);
	return NBD_CHUNK_HDR_LEN + 6 + n;
}

size_t
nbd_proto_block_status_encode(uint8_t *out, uint64_t cookie, uint32_t context_id, uint32_t length,
			      uint32_t flags)
{
	nbd_proto_chunk_encode(out, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_BLOCK_STATUS, cookie, 12);
	put32(out + NBD_CHUNK_HDR_LEN, context_id);
	put32(out + NBD_CHUNK_HDR_LEN + 4, length);
	put32(out + NBD_CHUNK_HDR_LEN + 8, flags);
	return NBD_BLOCK_STATUS_LEN;
}

uint32_t
nbd_proto_error(int err)
{
	switch (-err) {
	case 0:
		return 0;
	case EPERM:
	case EACCES: /* the AoE target is reserved by another initiator */
	case EBADF:
		return NBD_EPERM;
	case ENOMEM:
		return NBD_ENOMEM;
	case EINVAL:
		return NBD_EINVAL;
	case ENOSPC:
	case ERANGE:
		return NBD_ENOSPC;
	case EOVERFLOW:
		return NBD_EOVERFLOW;
	case ENOTSUP:
		return NBD_ENOTSUP;
	case ECANCELED:
	case ESHUTDOWN:
		return NBD_ESHUTDOWN;
	default: /* EIO, ETIMEDOUT, ENODEV: the target failed or went down */
		return NBD_EIO;
	}
}

const char *
nbd_proto_cmd_name(uint16_t type)
{
	static const char *const names[] = {
		[NBD_CMD_READ] = "READ",
		[NBD_CMD_WRITE] = "WRITE",
		[NBD_CMD_DISC] = "DISC",
		[NBD_CMD_FLUSH] = "FLUSH",
		[NBD_CMD_TRIM] = "TRIM",
		[NBD_CMD_CACHE] = "CACHE",
		[NBD_CMD_WRITE_ZEROES] = "WRITE_ZEROES",
		[NBD_CMD_BLOCK_STATUS] = "BLOCK_STATUS",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

const char *
nbd_proto_opt_name(uint32_t option)
{
	static const char *const names[] = {
		[NBD_OPT_EXPORT_NAME] = "EXPORT_NAME",
		[NBD_OPT_ABORT] = "ABORT",
		[NBD_OPT_LIST] = "LIST",
		[4] = "PEEK_EXPORT",
		[NBD_OPT_STARTTLS] = "STARTTLS",
		[NBD_OPT_INFO] = "INFO",
		[NBD_OPT_GO] = "GO",
		[NBD_OPT_STRUCTURED_REPLY] = "STRUCTURED_REPLY",
		[NBD_OPT_LIST_META_CONTEXT] = "LIST_META_CONTEXT",
		[NBD_OPT_SET_META_CONTEXT] = "SET_META_CONTEXT",
	};

	return option != 0 && option < sizeof(names) / sizeof(names[0]) ? names[option] : "?";
}
