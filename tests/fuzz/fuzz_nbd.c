/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the NBD server's parsers (drivers/nbd/nbd_proto.c, nbd_neg.c,
 * nbd_addr.c). The input is what a client sends: its flags, options until one starts the
 * transmission phase (or closes), then requests, each checked against the negotiated export
 * and answered into a buffer, the way the server's connection code drives them. Each option's
 * data also goes straight to the option parsers, and the input, as a string, to the address
 * parser. Any crash, sanitizer report or broken invariant is a finding.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "nbd_addr.h"
#include "nbd_neg.h"
#include "nbd_proto.h"

static const struct nbd_neg_export exports[] = {
	{.name = "e1.1", .size = 64 << 20},
	{.name = "e1.2", .size = 8389120, .read_only = true},
};

static unsigned int
list(void *arg, struct nbd_neg_export *out, unsigned int max)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < 2 && i < max; i++)
		out[i] = exports[i];
	return 2;
}

static int
lookup(void *arg, const char *name, bool open, struct nbd_neg_export *exp)
{
	(void)arg;
	(void)open;
	if (strcmp(name, "e9.9") == 0)
		return -ENODEV;
	for (unsigned int i = 0; i < 2; i++)
		if (strcmp(exports[i].name, name) == 0) {
			*exp = exports[i];
			return 0;
		}
	return -ENOENT;
}

static const struct nbd_neg_ops ops = {.list = list, .lookup = lookup};
static uint8_t outbuf[NBD_NEG_OUT_MIN];

static void
transmission(const struct nbd_neg *neg, const uint8_t *p, size_t n)
{
	struct nbd_limits lim = {
		.size = neg->export.size,
		.block_min = NBD_BLOCK_MIN,
		.payload_max = NBD_PAYLOAD_MAX,
		.read_only = neg->export.read_only,
		.structured = neg->structured,
		.base_allocation = neg->base_allocation,
	};
	uint8_t reply[NBD_CHUNK_HDR_LEN + 6 + 128];

	while (n >= NBD_REQUEST_LEN) {
		struct nbd_request req;
		uint32_t err, payload;

		if (nbd_proto_request_parse(p, &req) != 0)
			return;
		p += NBD_REQUEST_LEN;
		n -= NBD_REQUEST_LEN;
		err = nbd_proto_request_check(&req, &lim);
		/* An accepted request stays inside the export and the payload maximum. */
		CHECK(err != 0 || req.type == NBD_CMD_FLUSH || req.type == NBD_CMD_DISC ||
		      (req.length != 0 && req.offset + req.length <= lim.size &&
		       req.offset + req.length >= req.offset));
		CHECK(err != 0 || (req.type != NBD_CMD_READ && req.type != NBD_CMD_WRITE) ||
		      req.length <= lim.payload_max);
		CHECK(err != 0 || !lim.read_only || req.type != NBD_CMD_WRITE);
		if (err != 0)
			nbd_proto_error_chunk_encode(reply, sizeof(reply), req.cookie, err,
						     "invalid request");
		else if (req.type == NBD_CMD_READ)
			nbd_proto_offset_data_encode(reply, req.cookie, req.offset, req.length);
		payload = nbd_proto_request_payload(&req);
		if (payload > n)
			return;
		p += payload;
		n -= payload;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nbd_out out = {.data = outbuf, .cap = sizeof(outbuf)};
	struct nbd_neg *neg = calloc(1, sizeof(*neg));
	const uint8_t *p = data;
	size_t n = size;
	char *s;

	/* The address parser over the input as a string. */
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	{
		struct nbd_addr addr;
		char err[256];

		nbd_addr_parse(s, &addr, err, sizeof(err));
	}
	free(s);

	if (n < NBD_CLIENT_FLAGS_LEN || nbd_proto_client_flags_parse(p, &neg->client_flags) != 0)
		goto out;
	p += NBD_CLIENT_FLAGS_LEN;
	n -= NBD_CLIENT_FLAGS_LEN;
	while (n >= NBD_OPT_HDR_LEN) {
		struct nbd_opt_hdr hdr;
		enum nbd_neg_result res;
		uint8_t *opt;

		if (nbd_proto_opt_hdr_parse(p, &hdr) != 0)
			goto out;
		p += NBD_OPT_HDR_LEN;
		n -= NBD_OPT_HDR_LEN;
		out.len = 0;
		if (hdr.length > NBD_OPT_DATA_MAX) {
			res = nbd_neg_too_big(neg, hdr.option, hdr.length, &out);
			if (hdr.length > n)
				goto out;
			p += hdr.length;
			n -= hdr.length;
		} else {
			struct nbd_opt_go go;
			struct nbd_opt_meta meta;

			if (hdr.length > n)
				goto out;
			/* An exact-length copy: a read past the option's data is a finding. */
			opt = malloc(hdr.length ? hdr.length : 1);
			memcpy(opt, p, hdr.length);
			nbd_proto_opt_go_parse(opt, hdr.length, &go);
			nbd_proto_opt_meta_parse(opt, hdr.length,
						 hdr.option == NBD_OPT_SET_META_CONTEXT, &meta);
			res = nbd_neg_option(neg, &ops, hdr.option, opt, hdr.length, &out);
			free(opt);
			p += hdr.length;
			n -= hdr.length;
		}
		CHECK(out.len <= out.cap);
		if (res == NBD_NEG_CLOSE)
			goto out;
		if (res == NBD_NEG_TRANSMIT) {
			transmission(neg, p, n);
			goto out;
		}
	}
out:
	free(neg);
	return 0;
}
