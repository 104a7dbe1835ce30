/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The NBD wire protocol (the NBD project's doc/proto.md): constants, the fixed newstyle
 * handshake, option and request parsing, reply encoding. Pure functions over byte buffers: no
 * DPDK, no sockets, no allocation, so the unit tests drive every refusal and a libFuzzer target
 * feeds them garbage (tests/fuzz/fuzz_nbd.c).
 *
 * Parsers return 0 or a negative errno: -EPROTO (a magic number or a flag that no client of the
 * fixed newstyle protocol sends: the connection cannot go on), -EINVAL (a malformed option: the
 * option is refused with NBD_REP_ERR_INVALID and the connection goes on). The request checker
 * returns the NBD error (NBD_EINVAL, ...) that the reply carries, 0 when the request may run.
 * Encoders write big-endian fields into a caller's buffer of the documented length and return
 * how many bytes they wrote.
 */
#ifndef NBD_PROTO_H
#define NBD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NBD_MAGIC_INIT		   UINT64_C(0x4e42444d41474943) /* "NBDMAGIC" */
#define NBD_MAGIC_OPT		   UINT64_C(0x49484156454f5054) /* "IHAVEOPT" */
#define NBD_MAGIC_OPT_REPLY	   UINT64_C(0x0003e889045565a9)
#define NBD_MAGIC_REQUEST	   UINT32_C(0x25609513)
#define NBD_MAGIC_SIMPLE_REPLY	   UINT32_C(0x67446698)
#define NBD_MAGIC_STRUCTURED_REPLY UINT32_C(0x668e33ef)

/* Handshake flags (server) and client flags. */
#define NBD_FLAG_FIXED_NEWSTYLE	  (1u << 0)
#define NBD_FLAG_NO_ZEROES	  (1u << 1)
#define NBD_FLAG_C_FIXED_NEWSTYLE NBD_FLAG_FIXED_NEWSTYLE
#define NBD_FLAG_C_NO_ZEROES	  NBD_FLAG_NO_ZEROES

/* Options. */
#define NBD_OPT_EXPORT_NAME	  1
#define NBD_OPT_ABORT		  2
#define NBD_OPT_LIST		  3
#define NBD_OPT_STARTTLS	  5
#define NBD_OPT_INFO		  6
#define NBD_OPT_GO		  7
#define NBD_OPT_STRUCTURED_REPLY  8
#define NBD_OPT_LIST_META_CONTEXT 9
#define NBD_OPT_SET_META_CONTEXT  10

/* Option reply types; errors have bit 31 set. */
#define NBD_REP_ACK	       1
#define NBD_REP_SERVER	       2
#define NBD_REP_INFO	       3
#define NBD_REP_META_CONTEXT   4
#define NBD_REP_ERR	       (1u << 31)
#define NBD_REP_ERR_UNSUP      (NBD_REP_ERR | 1)
#define NBD_REP_ERR_POLICY     (NBD_REP_ERR | 2)
#define NBD_REP_ERR_INVALID    (NBD_REP_ERR | 3)
#define NBD_REP_ERR_PLATFORM   (NBD_REP_ERR | 4)
#define NBD_REP_ERR_TLS_REQD   (NBD_REP_ERR | 5)
#define NBD_REP_ERR_UNKNOWN    (NBD_REP_ERR | 6)
#define NBD_REP_ERR_SHUTDOWN   (NBD_REP_ERR | 7)
#define NBD_REP_ERR_BLOCK_SIZE (NBD_REP_ERR | 8)
#define NBD_REP_ERR_TOO_BIG    (NBD_REP_ERR | 9)

/* NBD_REP_INFO types. */
#define NBD_INFO_EXPORT	     0
#define NBD_INFO_NAME	     1
#define NBD_INFO_DESCRIPTION 2
#define NBD_INFO_BLOCK_SIZE  3

/* Transmission flags. */
#define NBD_FLAG_HAS_FLAGS	   (1u << 0)
#define NBD_FLAG_READ_ONLY	   (1u << 1)
#define NBD_FLAG_SEND_FLUSH	   (1u << 2)
#define NBD_FLAG_SEND_FUA	   (1u << 3)
#define NBD_FLAG_SEND_TRIM	   (1u << 5)
#define NBD_FLAG_SEND_WRITE_ZEROES (1u << 6)
#define NBD_FLAG_CAN_MULTI_CONN	   (1u << 8)
#define NBD_FLAG_SEND_CACHE	   (1u << 10)

/* Commands and their flags. */
#define NBD_CMD_READ	     0
#define NBD_CMD_WRITE	     1
#define NBD_CMD_DISC	     2
#define NBD_CMD_FLUSH	     3
#define NBD_CMD_TRIM	     4
#define NBD_CMD_CACHE	     5
#define NBD_CMD_WRITE_ZEROES 6
#define NBD_CMD_BLOCK_STATUS 7

#define NBD_CMD_FLAG_FUA       (1u << 0)
#define NBD_CMD_FLAG_NO_HOLE   (1u << 1)
#define NBD_CMD_FLAG_DF	       (1u << 2)
#define NBD_CMD_FLAG_REQ_ONE   (1u << 3)
#define NBD_CMD_FLAG_FAST_ZERO (1u << 4)

/* Structured reply chunks. */
#define NBD_REPLY_FLAG_DONE	    (1u << 0)
#define NBD_REPLY_TYPE_NONE	    0
#define NBD_REPLY_TYPE_OFFSET_DATA  1
#define NBD_REPLY_TYPE_BLOCK_STATUS 5
#define NBD_REPLY_TYPE_ERROR	    ((1u << 15) | 1)

/* Errors carried by replies (Linux's numbers, whatever the host's). */
#define NBD_EPERM     1
#define NBD_EIO	      5
#define NBD_ENOMEM    12
#define NBD_EINVAL    22
#define NBD_ENOSPC    28
#define NBD_EOVERFLOW 75
#define NBD_ENOTSUP   95
#define NBD_ESHUTDOWN 108

/* Wire sizes. */
#define NBD_HANDSHAKE_LEN	  18 /* NBDMAGIC, IHAVEOPT, handshake flags */
#define NBD_CLIENT_FLAGS_LEN	  4
#define NBD_OPT_HDR_LEN		  16
#define NBD_OPT_REPLY_HDR_LEN	  20
#define NBD_EXPORT_NAME_REPLY_LEN 134 /* size, flags, 124 zeroes (10 with NO_ZEROES) */
#define NBD_REQUEST_LEN		  28
#define NBD_SIMPLE_REPLY_LEN	  16
#define NBD_CHUNK_HDR_LEN	  20
#define NBD_OFFSET_DATA_HDR_LEN	  (NBD_CHUNK_HDR_LEN + 8)
#define NBD_BLOCK_STATUS_LEN	  (NBD_CHUNK_HDR_LEN + 12) /* one descriptor */
#define NBD_INFO_EXPORT_LEN	  12
#define NBD_INFO_BLOCK_SIZE_LEN	  14

#define NBD_STRING_MAX		    4096 /* export names, queries and messages (proto.md) */
#define NBD_META_BASE_ALLOCATION    "base:allocation"
#define NBD_META_BASE_ALLOCATION_ID 1 /* the id the server gives that context */

/** An option's header. */
struct nbd_opt_hdr {
	uint32_t option;
	uint32_t length; /**< bytes of data that follow */
};

/** NBD_OPT_INFO and NBD_OPT_GO data. */
struct nbd_opt_go {
	const char *name; /**< points into the data; not NUL-terminated */
	uint32_t name_len;
	uint16_t nb_info;    /**< information requests that follow */
	const uint8_t *info; /**< nb_info big-endian u16 */
};

/** NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT data. */
struct nbd_opt_meta {
	const char *name; /**< the export's; not NUL-terminated */
	uint32_t name_len;
	uint32_t nb_queries;
	/**
	 * Whether base:allocation is asked for: named exactly, or (LIST only) by "base:" or by
	 * giving no query at all. Other queries are valid and select nothing.
	 */
	bool base_allocation;
};

/** A transmission-phase request. */
struct nbd_request {
	uint16_t flags;
	uint16_t type;
	uint64_t cookie;
	uint64_t offset;
	uint32_t length;
};

/** What the request checker knows of the export and the connection. */
struct nbd_limits {
	uint64_t size;	      /**< bytes */
	uint32_t block_min;   /**< offsets and lengths are multiples of it */
	uint32_t payload_max; /**< largest READ or WRITE */
	bool read_only;
	bool structured;      /**< structured replies negotiated */
	bool base_allocation; /**< base:allocation selected */
};

/** The server's greeting: NBDMAGIC, IHAVEOPT, FIXED_NEWSTYLE | NO_ZEROES. */
size_t nbd_proto_handshake_encode(uint8_t out[NBD_HANDSHAKE_LEN]);

/**
 * The client's flags, in answer to the greeting.
 * @return 0; -EPROTO (a flag that is not FIXED_NEWSTYLE or NO_ZEROES, or FIXED_NEWSTYLE
 *         missing: the server then closes, as proto.md asks).
 */
int nbd_proto_client_flags_parse(const uint8_t in[NBD_CLIENT_FLAGS_LEN], uint32_t *flags);

/** @return 0; -EPROTO (not IHAVEOPT). */
int nbd_proto_opt_hdr_parse(const uint8_t in[NBD_OPT_HDR_LEN], struct nbd_opt_hdr *hdr);

/**
 * Parse a string that is the whole of an option's data (NBD_OPT_EXPORT_NAME).
 * @return 0; -EINVAL (longer than NBD_STRING_MAX, or a NUL in it).
 */
int nbd_proto_name_check(const char *name, uint32_t len);

/**
 * @return 0; -EINVAL (shorter than its fields, a name past the data or longer than
 *         NBD_STRING_MAX or holding a NUL, a request count that does not match the length).
 */
int nbd_proto_opt_go_parse(const uint8_t *data, uint32_t len, struct nbd_opt_go *go);

/**
 * @param set true for NBD_OPT_SET_META_CONTEXT (no query selects nothing), false for LIST.
 * @return 0; -EINVAL (as nbd_proto_opt_go_parse(), for the name and each query, or a query
 *         count that does not match the length).
 */
int nbd_proto_opt_meta_parse(const uint8_t *data, uint32_t len, bool set,
			     struct nbd_opt_meta *meta);

/** An option reply's header (NBD_OPT_REPLY_HDR_LEN bytes). */
size_t nbd_proto_opt_reply_encode(uint8_t *out, uint32_t option, uint32_t type, uint32_t length);

/** NBD_INFO_EXPORT's body (NBD_INFO_EXPORT_LEN bytes). */
size_t nbd_proto_info_export_encode(uint8_t *out, uint64_t size, uint16_t flags);

/** NBD_INFO_BLOCK_SIZE's body (NBD_INFO_BLOCK_SIZE_LEN bytes). */
size_t nbd_proto_info_block_size_encode(uint8_t *out, uint32_t min, uint32_t preferred,
					uint32_t max);

/** The answer to NBD_OPT_EXPORT_NAME (NBD_EXPORT_NAME_REPLY_LEN bytes at most). */
size_t nbd_proto_export_name_reply_encode(uint8_t *out, uint64_t size, uint16_t flags,
					  bool no_zeroes);

/** @return 0; -EPROTO (not the request magic). */
int nbd_proto_request_parse(const uint8_t in[NBD_REQUEST_LEN], struct nbd_request *req);

/** Bytes of payload that follow the request on the wire (a WRITE's length, else 0). */
uint32_t nbd_proto_request_payload(const struct nbd_request *req);

/**
 * May the request run on this export?
 * @return 0, or the NBD error its reply carries: NBD_EINVAL (unknown command or flag, zero
 *         length, offset or length not a multiple of block_min, offset plus length past the end
 *         or overflowing for a read, a READ or WRITE longer than payload_max, BLOCK_STATUS
 *         without structured replies and base:allocation), NBD_EPERM (a write to a read-only
 *         export), NBD_ENOSPC (a write or write-zeroes past the end).
 */
uint32_t nbd_proto_request_check(const struct nbd_request *req, const struct nbd_limits *lim);

/** A simple reply (NBD_SIMPLE_REPLY_LEN bytes). */
size_t nbd_proto_simple_reply_encode(uint8_t *out, uint32_t error, uint64_t cookie);

/** A structured reply chunk's header (NBD_CHUNK_HDR_LEN bytes). */
size_t nbd_proto_chunk_encode(uint8_t *out, uint16_t flags, uint16_t type, uint64_t cookie,
			      uint32_t length);

/** The header of a final NBD_REPLY_TYPE_OFFSET_DATA chunk (NBD_OFFSET_DATA_HDR_LEN bytes). */
size_t nbd_proto_offset_data_encode(uint8_t *out, uint64_t cookie, uint64_t offset,
				    uint32_t data_len);

/**
 * A final NBD_REPLY_TYPE_ERROR chunk carrying @p msg (truncated to @p out_len).
 * @return bytes written; @p out_len must be at least NBD_CHUNK_HDR_LEN + 6.
 */
size_t nbd_proto_error_chunk_encode(uint8_t *out, size_t out_len, uint64_t cookie, uint32_t error,
				    const char *msg);

/** A final block status chunk with one descriptor (NBD_BLOCK_STATUS_LEN bytes). */
size_t nbd_proto_block_status_encode(uint8_t *out, uint64_t cookie, uint32_t context_id,
				     uint32_t length, uint32_t flags);

/** The NBD error for a negative errno from the bdev layer (NBD_EIO for anything unknown). */
uint32_t nbd_proto_error(int err);

/** The command's name for logs ("READ"), "?" when unknown. */
const char *nbd_proto_cmd_name(uint16_t type);

/** The option's name for logs ("GO"), "?" when unknown. */
const char *nbd_proto_opt_name(uint32_t option);

#endif /* NBD_PROTO_H */
