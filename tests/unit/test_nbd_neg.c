/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for drivers/nbd/nbd_neg.c: the server's answer to each option, over an export
 * table of the test's own (two exports up, one down).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "nbd_neg.h"

static const struct nbd_neg_export table[] = {
	{.name = "e1.1", .size = 64 << 20},
	{.name = "e1.2", .size = 8389120, .read_only = true},
};
static unsigned int nb_table = 2;
static unsigned int opened;

static unsigned int
fake_list(void *arg, struct nbd_neg_export *out, unsigned int max)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < nb_table && i < max; i++)
		out[i] = table[i];
	return nb_table;
}

static int
fake_lookup(void *arg, const char *name, bool open, struct nbd_neg_export *exp)
{
	unsigned int i;

	(void)arg;
	if (strcmp(name, "e9.9") == 0)
		return -ENODEV;
	for (i = 0; i < nb_table; i++)
		if (strcmp(table[i].name, name) == 0) {
			*exp = table[i];
			opened += open;
			return 0;
		}
	return -ENOENT;
}

static const struct nbd_neg_ops ops = {.list = fake_list, .lookup = fake_lookup};
static uint8_t outbuf[NBD_NEG_OUT_MIN];
static struct nbd_out out;
static struct nbd_neg neg;

static void
setup(void)
{
	memset(&neg, 0, sizeof(neg));
	neg.client_flags = NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES;
	out = (struct nbd_out){.data = outbuf, .cap = sizeof(outbuf)};
	nb_table = 2;
	opened = 0;
}

TestSuite(nbd_neg, .init = setup);

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The n-th option reply in the output: its type, and its data and length through pointers. */
static uint32_t
reply_at(unsigned int n, const uint8_t **data, uint32_t *len)
{
	size_t pos = 0;

	for (;;) {
		cr_assert(pos + NBD_OPT_REPLY_HDR_LEN <= out.len, "reply %u missing", n);
		cr_assert_eq(be32(out.data + pos), 0x0003e889);
		if (n-- == 0)
			break;
		pos += NBD_OPT_REPLY_HDR_LEN + be32(out.data + pos + 16);
	}
	if (data != NULL)
		*data = out.data + pos + NBD_OPT_REPLY_HDR_LEN;
	if (len != NULL)
		*len = be32(out.data + pos + 16);
	return be32(out.data + pos + 12);
}

static unsigned int
nb_replies(void)
{
	size_t pos = 0;
	unsigned int n = 0;

	while (pos < out.len) {
		pos += NBD_OPT_REPLY_HDR_LEN + be32(out.data + pos + 16);
		n++;
	}
	cr_assert_eq(pos, out.len);
	return n;
}

/* GO/INFO data for @p name with one information request. */
static uint32_t
go_data(uint8_t *buf, const char *name, uint16_t info)
{
	uint32_t n = (uint32_t)strlen(name);

	buf[0] = buf[1] = buf[2] = 0;
	buf[3] = (uint8_t)n;
	memcpy(buf + 4, name, n);
	buf[4 + n] = 0;
	buf[5 + n] = 1;
	buf[6 + n] = (uint8_t)(info >> 8);
	buf[7 + n] = (uint8_t)info;
	return n + 8;
}

static bool
data_has(const char *needle)
{
	return memmem(out.data, out.len, needle, strlen(needle)) != NULL;
}

Test(nbd_neg, list_names_every_export_with_its_size_then_ack)
{
	const uint8_t *d;
	uint32_t len;

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_LIST, NULL, 0, &out), NBD_NEG_CONTINUE);
	cr_assert_eq(nb_replies(), 3);
	cr_assert_eq(reply_at(0, &d, &len), NBD_REP_SERVER);
	cr_assert_eq(be32(d), 4);
	cr_assert_eq(memcmp(d + 4, "e1.1", 4), 0);
	cr_assert(memmem(d, len, "67108864 bytes", 14) != NULL);
	cr_assert_eq(reply_at(1, &d, &len), NBD_REP_SERVER);
	cr_assert(memmem(d, len, "read-only", 9) != NULL);
	cr_assert_eq(reply_at(2, NULL, &len), NBD_REP_ACK);
	cr_assert_eq(len, 0);
}

Test(nbd_neg, list_with_data_is_invalid)
{
	static const uint8_t junk[] = {1};

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_LIST, junk, 1, &out), NBD_NEG_CONTINUE);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_INVALID);
	cr_assert_eq(neg.refused, 1);
}

Test(nbd_neg, go_sends_export_block_size_name_then_ack_and_transmits)
{
	uint8_t data[64];
	const uint8_t *d;
	uint32_t n = go_data(data, "e1.2", NBD_INFO_NAME), len;

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_GO, data, n, &out), NBD_NEG_TRANSMIT);
	cr_assert_eq(nb_replies(), 4);
	cr_assert_eq(reply_at(0, &d, &len), NBD_REP_INFO);
	cr_assert_eq(len, NBD_INFO_EXPORT_LEN);
	cr_assert_eq(d[1], NBD_INFO_EXPORT);
	cr_assert_eq(be32(d + 6), 8389120);
	cr_assert(d[11] & NBD_FLAG_READ_ONLY);
	cr_assert(d[11] & NBD_FLAG_SEND_FLUSH);
	cr_assert(d[10] & (NBD_FLAG_CAN_MULTI_CONN >> 8));
	cr_assert_not(d[11] & NBD_FLAG_SEND_TRIM);
	cr_assert_eq(reply_at(1, &d, &len), NBD_REP_INFO);
	cr_assert_eq(d[1], NBD_INFO_BLOCK_SIZE);
	cr_assert_eq(be32(d + 2), 512);
	cr_assert_eq(be32(d + 6), 4096);
	cr_assert_geq(be32(d + 10), 32u << 20);
	cr_assert_eq(reply_at(2, &d, &len), NBD_REP_INFO);
	cr_assert_eq(d[1], NBD_INFO_NAME);
	cr_assert_eq(reply_at(3, NULL, NULL), NBD_REP_ACK);
	cr_assert_str_eq(neg.export.name, "e1.2");
	cr_assert_eq(opened, 1);
}

Test(nbd_neg, info_does_not_open_or_transmit)
{
	uint8_t data[64];
	uint32_t n = go_data(data, "e1.1", NBD_INFO_BLOCK_SIZE);

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_INFO, data, n, &out), NBD_NEG_CONTINUE);
	cr_assert_eq(nb_replies(), 3, "export, block size, ack: block size sent once");
	cr_assert_eq(opened, 0);
}

Test(nbd_neg, unknown_export_is_refused_with_the_names)
{
	uint8_t data[64];
	uint32_t n = go_data(data, "e7.7", NBD_INFO_EXPORT);

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_GO, data, n, &out), NBD_NEG_CONTINUE);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_UNKNOWN);
	cr_assert(data_has("e1.1 e1.2"), "%.*s", (int)out.len, out.data);
	cr_assert_eq(neg.refused, 1);
}

Test(nbd_neg, a_down_export_is_refused_saying_so)
{
	uint8_t data[64];
	uint32_t n = go_data(data, "e9.9", NBD_INFO_EXPORT);

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_GO, data, n, &out), NBD_NEG_CONTINUE);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_UNKNOWN);
	cr_assert(data_has("down"));
}

Test(nbd_neg, empty_name_is_the_only_export_or_refused)
{
	uint8_t data[64];
	uint32_t n = go_data(data, "", NBD_INFO_EXPORT);

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_GO, data, n, &out), NBD_NEG_CONTINUE);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_UNKNOWN);
	cr_assert(data_has("exactly one export; exports: e1.1 e1.2"));
	nb_table = 1;
	out.len = 0;
	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_GO, data, n, &out), NBD_NEG_TRANSMIT);
	cr_assert_str_eq(neg.export.name, "e1.1");
	nb_table = 0;
	out.len = 0;
	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_GO, data, n, &out), NBD_NEG_CONTINUE);
	cr_assert(data_has("exports: none"));
}

Test(nbd_neg, malformed_go_is_invalid)
{
	static const uint8_t bad[] = {0, 0, 0, 9, 'e'};

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_GO, bad, sizeof(bad), &out),
		     NBD_NEG_CONTINUE);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_INVALID);
}

Test(nbd_neg, structured_reply_once_and_without_data)
{
	static const uint8_t junk[] = {0};

	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_STRUCTURED_REPLY, junk, 1, &out),
		     NBD_NEG_CONTINUE);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_INVALID);
	cr_assert_not(neg.structured);
	out.len = 0;
	nbd_neg_option(&neg, &ops, NBD_OPT_STRUCTURED_REPLY, NULL, 0, &out);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ACK);
	cr_assert(neg.structured);
	out.len = 0;
	nbd_neg_option(&neg, &ops, NBD_OPT_STRUCTURED_REPLY, NULL, 0, &out);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_INVALID);
}

/* SET_META_CONTEXT data for @p name with the one query base:allocation. */
static uint32_t
meta_data(uint8_t *buf, const char *name)
{
	uint32_t n = (uint32_t)strlen(name), q = (uint32_t)strlen("base:allocation");

	memset(buf, 0, 16 + n);
	buf[3] = (uint8_t)n;
	memcpy(buf + 4, name, n);
	buf[4 + n + 3] = 1;
	buf[8 + n + 3] = (uint8_t)q;
	memcpy(buf + 12 + n, "base:allocation", q);
	return 12 + n + q;
}

Test(nbd_neg, meta_context_needs_structured_replies)
{
	uint8_t data[64];
	uint32_t n = meta_data(data, "e1.1");

	nbd_neg_option(&neg, &ops, NBD_OPT_SET_META_CONTEXT, data, n, &out);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_INVALID);
	cr_assert_not(neg.base_allocation);
}

Test(nbd_neg, set_meta_context_selects_base_allocation_for_its_export_only)
{
	uint8_t data[64], go[64];
	const uint8_t *d;
	uint32_t n = meta_data(data, "e1.1"), len;

	neg.structured = true;
	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_SET_META_CONTEXT, data, n, &out),
		     NBD_NEG_CONTINUE);
	cr_assert_eq(reply_at(0, &d, &len), NBD_REP_META_CONTEXT);
	cr_assert_eq(be32(d), NBD_META_BASE_ALLOCATION_ID);
	cr_assert_eq(len, 4 + 15);
	cr_assert_eq(reply_at(1, NULL, NULL), NBD_REP_ACK);
	cr_assert(neg.base_allocation);
	/* GO to another export: the selection does not carry over. */
	out.len = 0;
	n = go_data(go, "e1.2", NBD_INFO_EXPORT);
	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_GO, go, n, &out), NBD_NEG_TRANSMIT);
	cr_assert_not(neg.base_allocation);
}

Test(nbd_neg, meta_context_of_an_unknown_export_is_refused)
{
	uint8_t data[64];
	uint32_t n = meta_data(data, "e5.5");

	neg.structured = true;
	nbd_neg_option(&neg, &ops, NBD_OPT_LIST_META_CONTEXT, data, n, &out);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_UNKNOWN);
}

Test(nbd_neg, export_name_answers_size_and_flags_or_closes)
{
	cr_assert_eq(
		nbd_neg_option(&neg, &ops, NBD_OPT_EXPORT_NAME, (const uint8_t *)"e1.1", 4, &out),
		NBD_NEG_TRANSMIT);
	cr_assert_eq(out.len, 10, "NO_ZEROES: size and flags only");
	cr_assert_eq(be32(out.data + 4), 64 << 20);
	setup();
	neg.client_flags = NBD_FLAG_C_FIXED_NEWSTYLE;
	nbd_neg_option(&neg, &ops, NBD_OPT_EXPORT_NAME, (const uint8_t *)"e1.1", 4, &out);
	cr_assert_eq(out.len, 134);
	setup();
	cr_assert_eq(
		nbd_neg_option(&neg, &ops, NBD_OPT_EXPORT_NAME, (const uint8_t *)"zz", 2, &out),
		NBD_NEG_CLOSE, "EXPORT_NAME has no error reply");
	cr_assert_eq(out.len, 0);
}

Test(nbd_neg, abort_acks_and_closes)
{
	cr_assert_eq(nbd_neg_option(&neg, &ops, NBD_OPT_ABORT, NULL, 0, &out), NBD_NEG_CLOSE);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ACK);
}

Test(nbd_neg, unknown_options_and_tls_are_unsupported)
{
	nbd_neg_option(&neg, &ops, NBD_OPT_STARTTLS, NULL, 0, &out);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_UNSUP);
	out.len = 0;
	nbd_neg_option(&neg, &ops, 0x7fffffff, NULL, 0, &out);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_UNSUP);
	cr_assert_eq(neg.refused, 2);
}

Test(nbd_neg, too_big_option)
{
	cr_assert_eq(nbd_neg_too_big(&neg, NBD_OPT_GO, 1 << 20, &out), NBD_NEG_CONTINUE);
	cr_assert_eq(reply_at(0, NULL, NULL), NBD_REP_ERR_TOO_BIG);
	out.len = 0;
	cr_assert_eq(nbd_neg_too_big(&neg, NBD_OPT_EXPORT_NAME, 1 << 20, &out), NBD_NEG_CLOSE);
}

Test(nbd_neg, transmission_flags)
{
	uint16_t f = nbd_neg_transmission_flags(false);

	cr_assert_eq(f, NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_FUA |
				NBD_FLAG_SEND_WRITE_ZEROES | NBD_FLAG_CAN_MULTI_CONN |
				NBD_FLAG_SEND_CACHE);
	cr_assert_eq(nbd_neg_transmission_flags(true), f | NBD_FLAG_READ_ONLY);
}
