/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How a DPDK-free parser refuses: it writes why into the caller's buffer and returns -EINVAL.
 * One helper for the option parsers of the programs, the NBD address parser and the mask edit
 * parser, so that every refusal is made the same way. Private, header-only, no DPDK.
 */
#ifndef AOE_ERRF_H
#define AOE_ERRF_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/** Format a refusal into @p err (when given) and return -EINVAL. */
static inline int __attribute__((format(printf, 3, 4)))
aoe_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

#endif /* AOE_ERRF_H */
