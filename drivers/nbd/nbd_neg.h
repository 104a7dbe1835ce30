/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * NBD option haggling: what the server answers to each option a client sends before the
 * transmission phase. DPDK-free and socket-free: the caller reads a whole option off the wire
 * (nbd_proto_opt_hdr_parse() and its data), hands it to nbd_neg_option(), writes out what it
 * put in the output buffer and does what the result says. Exports are reached through callbacks
 * (nbd_neg_ops), so the unit tests and the fuzzer run it over a table of their own.
 */
#ifndef NBD_NEG_H
#define NBD_NEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbd_proto.h"

#define NBD_BLOCK_MIN	    512		/**< the bdev's sector: requests align to it */
#define NBD_BLOCK_PREFERRED 4096	/**< no read-modify-write below a page */
#define NBD_PAYLOAD_MAX	    (32u << 20) /**< largest READ or WRITE */
#define NBD_OPT_DATA_MAX    (NBD_STRING_MAX * 2 + 64) /**< larger options: NBD_REP_ERR_TOO_BIG */
#define NBD_EXPORT_NAME_MAX 32			      /**< AOE_BDEV_NAME_MAX */
#define NBD_NEG_OUT_MIN	    (64u << 10) /**< the output buffer nbd_neg_option() needs */

/** What a client sees of an export before it opens it. */
struct nbd_neg_export {
	char name[NBD_EXPORT_NAME_MAX];
	uint64_t size; /**< bytes */
	bool read_only;
};

/** The export table, as the negotiation sees it. */
struct nbd_neg_ops {
	/** Copy up to @p max exports into @p out; return how many there are. */
	unsigned int (*list)(void *arg, struct nbd_neg_export *out, unsigned int max);
	/**
	 * Find export @p name (NUL-terminated, not empty) and, when @p open, open it for this
	 * connection's transmission phase.
	 * @return 0 (@p exp filled); -ENOENT (no such export); -ENODEV (it exists but is down);
	 *         another negative errno (it could not be opened).
	 */
	int (*lookup)(void *arg, const char *name, bool open, struct nbd_neg_export *exp);
	void *arg;
};

/** The bytes to send, filled by nbd_neg_option(). */
struct nbd_out {
	uint8_t *data;
	size_t len;
	size_t cap; /**< at least NBD_NEG_OUT_MIN */
};

/** One connection's negotiation state; zero it before the first option. */
struct nbd_neg {
	uint32_t client_flags;
	bool structured;		    /**< NBD_OPT_STRUCTURED_REPLY acknowledged */
	bool base_allocation;		    /**< SET_META_CONTEXT chose base:allocation ... */
	char meta_name[NBD_STRING_MAX + 1]; /**< ... for this export name */
	struct nbd_neg_export export;	    /**< the export, once the result is TRANSMIT */
	uint32_t refused;		    /**< options answered with an error so far */
	char why[512];			    /**< why the last option was refused (log) */
};

enum nbd_neg_result {
	NBD_NEG_CONTINUE, /**< send the output, read the next option */
	NBD_NEG_TRANSMIT, /**< send the output; the transmission phase starts on neg->export */
	NBD_NEG_CLOSE,	  /**< send the output (may be empty), then close */
};

/**
 * Answer one option. @p data holds its @p len bytes (len <= NBD_OPT_DATA_MAX).
 * @return what the connection does next; the reply is appended to @p out.
 */
enum nbd_neg_result nbd_neg_option(struct nbd_neg *neg, const struct nbd_neg_ops *ops,
				   uint32_t option, const uint8_t *data, uint32_t len,
				   struct nbd_out *out);

/**
 * Refuse an option whose data was too long to read (the caller skipped it) with
 * NBD_REP_ERR_TOO_BIG, or close for NBD_OPT_EXPORT_NAME, which has no error reply.
 */
enum nbd_neg_result nbd_neg_too_big(struct nbd_neg *neg, uint32_t option, uint32_t len,
				    struct nbd_out *out);

/** The transmission flags of an export. */
uint16_t nbd_neg_transmission_flags(bool read_only);

#endif /* NBD_NEG_H */
