/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for drivers/nbd/nbd_proto.c and nbd_addr.c.
 *
 * Wire bytes are written out by hand from the NBD project's doc/proto.md, so the layout is
 * checked against the specification and not against the encoder. Parsers get exact-length heap
 * copies, so a build with -Db_sanitize=address catches a read past the length they are given.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "nbd_addr.h"
#include "nbd_proto.h"

static uint8_t *
dup_bytes(const uint8_t *b, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	cr_assert_not_null(p);
	memcpy(p, b, len);
	return p;
}

#define IHAVEOPT 0x49, 0x48, 0x41, 0x56, 0x45, 0x4f, 0x50, 0x54

Test(nbd_proto, greeting_is_nbdmagic_ihaveopt_fixed_newstyle_no_zeroes)
{
	static const uint8_t want[] = {'N', 'B', 'D', 'M', 'A', 'G', 'I', 'C', IHAVEOPT, 0, 3};
	uint8_t out[NBD_HANDSHAKE_LEN];

	cr_assert_eq(nbd_proto_handshake_encode(out), sizeof(want));
	cr_assert_arr_eq(out, want, sizeof(want));
}

Test(nbd_proto, client_flags)
{
	static const uint8_t fixed[] = {0, 0, 0, 1}, both[] = {0, 0, 0, 3}, none[] = {0, 0, 0, 0},
			     unknown[] = {0, 0, 0, 5}, high[] = {0x80, 0, 0, 1};
	uint32_t f = 0;

	cr_assert_eq(nbd_proto_client_flags_parse(fixed, &f), 0);
	cr_assert_eq(f, NBD_FLAG_C_FIXED_NEWSTYLE);
	cr_assert_eq(nbd_proto_client_flags_parse(both, &f), 0);
	cr_assert_eq(f, NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES);
	cr_assert_eq(nbd_proto_client_flags_parse(none, &f), -EPROTO, "old newstyle is refused");
	cr_assert_eq(nbd_proto_client_flags_parse(unknown, &f), -EPROTO);
	cr_assert_eq(nbd_proto_client_flags_parse(high, &f), -EPROTO);
}

Test(nbd_proto, option_header)
{
	static const uint8_t ok[] = {IHAVEOPT, 0, 0, 0, 7, 0, 0, 1, 2};
	static const uint8_t bad[] = {0x49, 0x48, 0x41, 0x56, 0x45, 0x4f, 0x50, 0x55,
				      0,    0,	  0,	7,    0,    0,	  0,	0};
	struct nbd_opt_hdr h;

	cr_assert_eq(nbd_proto_opt_hdr_parse(ok, &h), 0);
	cr_assert_eq(h.option, NBD_OPT_GO);
	cr_assert_eq(h.length, 0x102);
	cr_assert_eq(nbd_proto_opt_hdr_parse(bad, &h), -EPROTO);
}

Test(nbd_proto, go_parses_name_and_info_requests)
{
	static const uint8_t data[] = {0, 0, 0, 4, 'e', '1', '.', '1', 0, 2, 0, 3, 0, 1};
	uint8_t *p = dup_bytes(data, sizeof(data));
	struct nbd_opt_go go;

	cr_assert_eq(nbd_proto_opt_go_parse(p, sizeof(data), &go), 0);
	cr_assert_eq(go.name_len, 4);
	cr_assert_eq(memcmp(go.name, "e1.1", 4), 0);
	cr_assert_eq(go.nb_info, 2);
	cr_assert_eq(go.info[1], NBD_INFO_BLOCK_SIZE);
	free(p);
}

Test(nbd_proto, go_refusals)
{
	static const uint8_t short_len[] = {0, 0, 0};
	static const uint8_t name_past_end[] = {0, 0, 0, 9, 'e', '1', 0, 0};
	static const uint8_t no_count[] = {0, 0, 0, 1, 'x'};
	static const uint8_t count_too_big[] = {0, 0, 0, 1, 'x', 0, 2, 0, 3};
	static const uint8_t trailing[] = {0, 0, 0, 1, 'x', 0, 0, 9};
	static const uint8_t nul_in_name[] = {0, 0, 0, 2, 'x', 0, 0, 0};
	static const uint8_t huge_len[] = {0xff, 0xff, 0xff, 0xff, 0, 0};
	const struct {
		const uint8_t *b;
		size_t n;
	} cases[] = {
		{short_len, sizeof(short_len)}, {name_past_end, sizeof(name_past_end)},
		{no_count, sizeof(no_count)},	{count_too_big, sizeof(count_too_big)},
		{trailing, sizeof(trailing)},	{nul_in_name, sizeof(nul_in_name)},
		{huge_len, sizeof(huge_len)},
	};
	struct nbd_opt_go go;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *p = dup_bytes(cases[i].b, cases[i].n);

		cr_assert_eq(nbd_proto_opt_go_parse(p, (uint32_t)cases[i].n, &go), -EINVAL,
			     "case %zu", i);
		free(p);
	}
}

Test(nbd_proto, name_longer_than_4096_refused)
{
	static char name[NBD_STRING_MAX + 1];

	memset(name, 'a', sizeof(name));
	cr_assert_eq(nbd_proto_name_check(name, NBD_STRING_MAX), 0);
	cr_assert_eq(nbd_proto_name_check(name, NBD_STRING_MAX + 1), -EINVAL);
}

static int
meta(const uint8_t *b, size_t n, bool set, struct nbd_opt_meta *m)
{
	uint8_t *p = dup_bytes(b, n);
	int rc = nbd_proto_opt_meta_parse(p, (uint32_t)n, set, m);

	free(p);
	return rc;
}

Test(nbd_proto, meta_context_queries)
{
	static const uint8_t exact[] = {0,   0,	  0,   1,   'x', 0,   0,   0,	1,   0,
					0,   0,	  15,  'b', 'a', 's', 'e', ':', 'a', 'l',
					'l', 'o', 'c', 'a', 't', 'i', 'o', 'n'};
	static const uint8_t ns[] = {0, 0, 0, 1, 'x', 0,   0,	0,   1,
				     0, 0, 0, 5, 'b', 'a', 's', 'e', ':'};
	static const uint8_t other[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 'q', 'e', 'm'};
	static const uint8_t none[] = {0, 0, 0, 0, 0, 0, 0, 0};
	struct nbd_opt_meta m;

	cr_assert_eq(meta(exact, sizeof(exact), true, &m), 0);
	cr_assert(m.base_allocation);
	cr_assert_eq(meta(ns, sizeof(ns), false, &m), 0);
	cr_assert(m.base_allocation, "LIST base: lists the namespace");
	cr_assert_eq(meta(ns, sizeof(ns), true, &m), 0);
	cr_assert_not(m.base_allocation, "SET base: selects nothing");
	cr_assert_eq(meta(other, sizeof(other), true, &m), 0);
	cr_assert_not(m.base_allocation);
	cr_assert_eq(meta(none, sizeof(none), false, &m), 0);
	cr_assert(m.base_allocation, "LIST with no query lists everything");
	cr_assert_eq(meta(none, sizeof(none), true, &m), 0);
	cr_assert_not(m.base_allocation, "SET with no query selects nothing");
}

Test(nbd_proto, meta_context_refusals)
{
	static const uint8_t count_lies[] = {0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
	static const uint8_t query_past_end[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 'a'};
	static const uint8_t trailing[] = {0, 0, 0, 0, 0, 0, 0, 0, 7};
	static const uint8_t no_count[] = {0, 0, 0, 0, 0, 0};
	struct nbd_opt_meta m;

	cr_assert_eq(meta(count_lies, sizeof(count_lies), true, &m), -EINVAL);
	cr_assert_eq(meta(query_past_end, sizeof(query_past_end), true, &m), -EINVAL);
	cr_assert_eq(meta(trailing, sizeof(trailing), true, &m), -EINVAL);
	cr_assert_eq(meta(no_count, sizeof(no_count), false, &m), -EINVAL);
}

Test(nbd_proto, option_reply_and_infos)
{
	static const uint8_t hdr[] = {0, 3, 0xe8, 0x89, 0x04, 0x55, 0x65, 0xa9, 0, 0,
				      0, 7, 0x80, 0,	0,    6,    0,	  0,	0, 5};
	static const uint8_t exp[] = {0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0x01, 0x4d};
	static const uint8_t bs[] = {0, 3, 0, 0, 2, 0, 0, 0, 0x10, 0, 2, 0, 0, 0};
	uint8_t out[32];

	cr_assert_eq(nbd_proto_opt_reply_encode(out, NBD_OPT_GO, NBD_REP_ERR_UNKNOWN, 5), 20);
	cr_assert_arr_eq(out, hdr, sizeof(hdr));
	cr_assert_eq(nbd_proto_info_export_encode(out, 0x40000000, 0x14d), sizeof(exp));
	cr_assert_arr_eq(out, exp, sizeof(exp));
	cr_assert_eq(nbd_proto_info_block_size_encode(out, 512, 4096, 32u << 20), sizeof(bs));
	cr_assert_arr_eq(out, bs, sizeof(bs));
}

Test(nbd_proto, export_name_reply_with_and_without_zeroes)
{
	uint8_t out[NBD_EXPORT_NAME_REPLY_LEN];
	size_t i;

	memset(out, 0xaa, sizeof(out));
	cr_assert_eq(nbd_proto_export_name_reply_encode(out, 512, 3, true), 10);
	cr_assert_eq(out[6], 2);
	cr_assert_eq(out[9], 3);
	cr_assert_eq(out[10], 0xaa, "nothing past the flags with NO_ZEROES");
	cr_assert_eq(nbd_proto_export_name_reply_encode(out, 512, 3, false), 134);
	for (i = 10; i < 134; i++)
		cr_assert_eq(out[i], 0);
}

Test(nbd_proto, request_parse)
{
	static const uint8_t req[] = {0x25, 0x60, 0x95, 0x13, 0, 1, 0, 1, 1,	2, 3, 4, 5,    6,
				      7,    8,	  0,	0,    0, 0, 0, 0, 0x10, 0, 0, 0, 0x02, 0};
	uint8_t bad[NBD_REQUEST_LEN];
	struct nbd_request r;

	cr_assert_eq(nbd_proto_request_parse(req, &r), 0);
	cr_assert_eq(r.flags, NBD_CMD_FLAG_FUA);
	cr_assert_eq(r.type, NBD_CMD_WRITE);
	cr_assert_eq(r.cookie, 0x0102030405060708ull);
	cr_assert_eq(r.offset, 4096);
	cr_assert_eq(r.length, 512);
	cr_assert_eq(nbd_proto_request_payload(&r), 512);
	memcpy(bad, req, sizeof(bad));
	bad[3] = 0x14;
	cr_assert_eq(nbd_proto_request_parse(bad, &r), -EPROTO);
}

static const struct nbd_limits lim = {
	.size = 1 << 20,
	.block_min = 512,
	.payload_max = 32u << 20,
	.structured = true,
	.base_allocation = true,
};

static uint32_t
check(uint16_t type, uint16_t flags, uint64_t offset, uint32_t length, const struct nbd_limits *l)
{
	struct nbd_request r = {.type = type, .flags = flags, .offset = offset, .length = length};

	return nbd_proto_request_check(&r, l);
}

Test(nbd_proto, requests_that_may_run)
{
	cr_assert_eq(check(NBD_CMD_READ, 0, 0, 4096, &lim), 0);
	cr_assert_eq(check(NBD_CMD_READ, 0, (1 << 20) - 512, 512, &lim), 0, "the last sector");
	cr_assert_eq(check(NBD_CMD_WRITE, NBD_CMD_FLAG_FUA, 512, 512, &lim), 0);
	cr_assert_eq(check(NBD_CMD_WRITE_ZEROES, NBD_CMD_FLAG_FUA | NBD_CMD_FLAG_NO_HOLE, 0,
			   1 << 20, &lim),
		     0);
	cr_assert_eq(check(NBD_CMD_FLUSH, 0, 0, 0, &lim), 0);
	cr_assert_eq(check(NBD_CMD_CACHE, 0, 0, 1 << 20, &lim), 0);
	cr_assert_eq(check(NBD_CMD_BLOCK_STATUS, NBD_CMD_FLAG_REQ_ONE, 0, 1 << 20, &lim), 0);
	cr_assert_eq(check(NBD_CMD_DISC, 0, 0, 0, &lim), 0);
}

Test(nbd_proto, request_refusals)
{
	struct nbd_limits ro = lim, plain = lim, small = lim;

	ro.read_only = true;
	plain.structured = false;
	small.payload_max = 4096;
	small.size = UINT64_MAX - 511;
	cr_assert_eq(check(NBD_CMD_TRIM, 0, 0, 512, &lim), NBD_EINVAL, "TRIM is not advertised");
	cr_assert_eq(check(8, 0, 0, 512, &lim), NBD_EINVAL, "RESIZE");
	cr_assert_eq(check(0xffff, 0, 0, 512, &lim), NBD_EINVAL);
	cr_assert_eq(check(NBD_CMD_READ, NBD_CMD_FLAG_FUA, 0, 512, &lim), NBD_EINVAL);
	cr_assert_eq(check(NBD_CMD_READ, NBD_CMD_FLAG_DF, 0, 512, &lim), NBD_EINVAL,
		     "DF is not advertised");
	cr_assert_eq(check(NBD_CMD_WRITE_ZEROES, NBD_CMD_FLAG_FAST_ZERO, 0, 512, &lim), NBD_EINVAL);
	cr_assert_eq(check(NBD_CMD_FLUSH, NBD_CMD_FLAG_FUA, 0, 0, &lim), NBD_EINVAL);
	cr_assert_eq(check(NBD_CMD_READ, 0, 0, 0, &lim), NBD_EINVAL, "zero length");
	cr_assert_eq(check(NBD_CMD_READ, 0, 1, 512, &lim), NBD_EINVAL, "unaligned offset");
	cr_assert_eq(check(NBD_CMD_WRITE, 0, 0, 513, &lim), NBD_EINVAL, "unaligned length");
	cr_assert_eq(check(NBD_CMD_READ, 0, 1 << 20, 512, &lim), NBD_EINVAL, "past the end");
	cr_assert_eq(check(NBD_CMD_WRITE, 0, (1 << 20) - 512, 1024, &lim), NBD_ENOSPC);
	cr_assert_eq(check(NBD_CMD_WRITE_ZEROES, 0, 1 << 21, 512, &lim), NBD_ENOSPC);
	cr_assert_eq(check(NBD_CMD_READ, 0, UINT64_MAX - 511, 1024, &small), NBD_EINVAL,
		     "offset plus length overflows");
	cr_assert_eq(check(NBD_CMD_READ, 0, 0, 8192, &small), NBD_EINVAL, "over the maximum");
	cr_assert_eq(check(NBD_CMD_WRITE, 0, 0, 512, &ro), NBD_EPERM);
	cr_assert_eq(check(NBD_CMD_WRITE_ZEROES, 0, 0, 512, &ro), NBD_EPERM);
	cr_assert_eq(check(NBD_CMD_READ, 0, 0, 512, &ro), 0);
	cr_assert_eq(check(NBD_CMD_BLOCK_STATUS, 0, 0, 512, &plain), NBD_EINVAL,
		     "block status needs structured replies");
}

Test(nbd_proto, simple_and_structured_replies)
{
	static const uint8_t simple[] = {0x67, 0x44, 0x66, 0x98, 0, 0, 0, 5,
					 0,    0,    0,	   0,	 0, 0, 0, 9};
	static const uint8_t data[] = {0x66, 0x8e, 0x33, 0xef, 0,    1, 0, 1, 0, 0, 0, 0, 0,	0,
				       0,    9,	   0,	 0,    0x10, 8, 0, 0, 0, 0, 0, 0, 0x02, 0};
	static const uint8_t err[] = {0x66, 0x8e, 0x33, 0xef, 0, 1, 0x80, 1, 0, 0, 0, 0, 0,   0,
				      0,    9,	  0,	0,    0, 8, 0,	  0, 0, 5, 0, 2, 'n', 'o'};
	static const uint8_t bs[] = {0x66, 0x8e, 0x33, 0xef, 0, 1, 0, 5, 0, 0, 0,    0, 0, 0, 0, 9,
				     0,	   0,	 0,    12,   0, 0, 0, 1, 0, 0, 0x10, 0, 0, 0, 0, 0};
	uint8_t out[64];

	cr_assert_eq(nbd_proto_simple_reply_encode(out, NBD_EIO, 9), sizeof(simple));
	cr_assert_arr_eq(out, simple, sizeof(simple));
	cr_assert_eq(nbd_proto_offset_data_encode(out, 9, 512, 4096), sizeof(data));
	cr_assert_arr_eq(out, data, sizeof(data));
	cr_assert_eq(nbd_proto_error_chunk_encode(out, sizeof(out), 9, NBD_EIO, "no"), sizeof(err));
	cr_assert_arr_eq(out, err, sizeof(err));
	cr_assert_eq(nbd_proto_error_chunk_encode(out, NBD_CHUNK_HDR_LEN + 7, 9, NBD_EIO, "no"),
		     NBD_CHUNK_HDR_LEN + 7, "a message is cut to the buffer");
	cr_assert_eq(nbd_proto_block_status_encode(out, 9, 1, 4096, 0), sizeof(bs));
	cr_assert_arr_eq(out, bs, sizeof(bs));
}

Test(nbd_proto, errors_from_the_bdev_layer)
{
	cr_assert_eq(nbd_proto_error(0), 0);
	cr_assert_eq(nbd_proto_error(-EIO), NBD_EIO);
	cr_assert_eq(nbd_proto_error(-ETIMEDOUT), NBD_EIO, "a target that went down");
	cr_assert_eq(nbd_proto_error(-ENODEV), NBD_EIO);
	cr_assert_eq(nbd_proto_error(-EBADF), NBD_EPERM);
	cr_assert_eq(nbd_proto_error(-EACCES), NBD_EPERM, "a target reserved by another initiator");
	cr_assert_eq(nbd_proto_error(-ERANGE), NBD_ENOSPC);
	cr_assert_eq(nbd_proto_error(-ECANCELED), NBD_ESHUTDOWN);
	cr_assert_eq(nbd_proto_error(-ENOMEM), NBD_ENOMEM);
	cr_assert_eq(nbd_proto_error(-12345), NBD_EIO);
}

Test(nbd_addr, accepted)
{
	struct nbd_addr a;

	cr_assert_eq(nbd_addr_parse("unix:/run/dpdk-aoe/nbd.sock", &a, NULL, 0), 0);
	cr_assert_eq(a.kind, NBD_ADDR_UNIX);
	cr_assert_str_eq(a.path, "/run/dpdk-aoe/nbd.sock");
	cr_assert_eq(nbd_addr_parse("tcp:127.0.0.1:10809", &a, NULL, 0), 0);
	cr_assert_eq(a.kind, NBD_ADDR_TCP);
	cr_assert_str_eq(a.host, "127.0.0.1");
	cr_assert_str_eq(a.port, "10809");
	cr_assert_eq(nbd_addr_parse("tcp:[::1]:65535", &a, NULL, 0), 0);
	cr_assert_str_eq(a.host, "::1");
	cr_assert_eq(nbd_addr_parse("tcp:localhost:1", &a, NULL, 0), 0);
}

Test(nbd_addr, refused_with_a_reason)
{
	static const char *const bad[] = {
		"",
		"unix:",
		"tcp:",
		"tcp:host",
		"tcp::10809",
		"tcp:h:0",
		"tcp:h:65536",
		"tcp:h:01",
		"tcp:h:1x",
		"tcp:::1:10809",
		"tcp:[::1]10809",
		"tcp:[::1",
		"udp:1.2.3.4:5",
		"/run/nbd.sock",
		"tcp:h:",
	};
	char path[200] = "unix:";
	struct nbd_addr a;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(nbd_addr_parse(bad[i], &a, err, sizeof(err)), -EINVAL, "'%s'", bad[i]);
		cr_assert(strstr(err, "allowed:") != NULL, "'%s': %s", bad[i], err);
	}
	memset(path + 5, 'p', 120);
	cr_assert_eq(nbd_addr_parse(path, &a, err, sizeof(err)), -EINVAL, "path too long");
}
