/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the command-line programs share: the way they print sizes and JSON strings, and the
 * way their option parsers report an error. DPDK-free, so each program's pure parts (and
 * their unit tests) link it without the EAL.
 */
#ifndef AOE_APP_H
#define AOE_APP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/** Format an option error into @p err (when given) and return -EINVAL. */
int aoe_app_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* AOE_APP_H */
