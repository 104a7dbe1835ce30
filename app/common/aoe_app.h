/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the command-line programs share: the way they print sizes, JSON strings and counters,
 * and the way their option parsers report an error. DPDK-free, so each program's pure parts (and
 * their unit tests) link it without the EAL.
 */
#ifndef AOE_APP_H
#define AOE_APP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aoe_stats.h"

/**
 * A size as aoetools' aoe-stat prints it: 10^9-byte GB, three decimals, truncated
 * (1 GiB is "1.073GB", 8 MiB "0.008GB").
 */
void aoe_app_size_gb(uint64_t sectors, char *buf, size_t len);

/**
 * @p s as a JSON string, at most @p max bytes of it (fixed arrays need not be terminated):
 * quotes and backslashes escaped, control bytes and bytes past ASCII as \u00XX (IDENTIFY
 * strings promise no encoding; Latin-1 code points keep the output valid UTF-8).
 */
void aoe_app_json_string(FILE *f, const char *s, size_t max);

/**
 * Every field of @p table in the struct at @p base as JSON members, each preceded by ", ":
 * ', "frames_tx": 12, "aoe_errors": [0, 1, 0, 0, 0, 0, 0, 0]'.
 */
void aoe_app_json_counters(FILE *f, const struct aoe_stats_table *table, const void *base);

/** Text lines of counters, filled up to 100 columns (aoe_app_text_counters()). */
struct aoe_app_text {
	FILE *f;
	const char *indent; /**< starts every line */
	size_t col;	    /**< columns used on the current line; 0 = none started */
};

/**
 * Every field of @p table in the struct at @p base as "key value" items separated by ", "
 * (arrays as "key 0:N 1:N ..."), continuing @p t's current line and starting a new one
 * (with its indent) before an item would pass column 100. aoe_app_text_end() ends the line.
 */
void aoe_app_text_counters(struct aoe_app_text *t, const struct aoe_stats_table *table,
			   const void *base);

/** End @p t's current line, if one was started. */
void aoe_app_text_end(struct aoe_app_text *t);

/**
 * Flush @p f and say whether everything written to it got there.
 * @return 0, the -errno of the failed write (-ENOSPC on a full disk, -EBADF on a closed
 *         descriptor, -EPIPE), or -EIO when the stream failed earlier and its errno is gone.
 */
int aoe_app_flush(FILE *f);

/** Format an option error into @p err (when given) and return -EINVAL. */
int aoe_app_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* AOE_APP_H */
