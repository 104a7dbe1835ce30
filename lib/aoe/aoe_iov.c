/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <string.h>

#include "aoe_iov.h"

uint64_t
aoe_iov_length(const struct iovec *iov, unsigned int iovcnt)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > UINT64_MAX - total)
			return UINT64_MAX;
		total += iov[i].iov_len;
	}
	return total;
}

/*
 * Move @p cur to the iovec that holds byte @p off: forward from where it is, or from the start
 * when @p off lies before it (responses may complete frames out of order). False when @p off
 * is past the end.
 */
static bool
seek(const struct iovec *iov, unsigned int iovcnt, struct aoe_iov_cursor *cur, uint64_t off)
{
	if (cur->idx >= iovcnt || off < cur->base) {
		cur->idx = 0;
		cur->base = 0;
	}
	while (cur->idx < iovcnt && off - cur->base >= iov[cur->idx].iov_len) {
		cur->base += iov[cur->idx].iov_len;
		cur->idx++;
	}
	return cur->idx < iovcnt;
}

/* The one loop behind both directions: @p out copies from the iovecs into @p buf. */
static void
copy(const struct iovec *iov, unsigned int iovcnt, struct aoe_iov_cursor *cur, uint64_t off,
     uint8_t *buf, size_t len, bool out)
{
	while (len != 0 && seek(iov, iovcnt, cur, off)) {
		const struct iovec *v = &iov[cur->idx];
		size_t at = (size_t)(off - cur->base);
		size_t n = v->iov_len - at < len ? v->iov_len - at : len;

		if (out)
			memcpy(buf, (const uint8_t *)v->iov_base + at, n);
		else
			memcpy((uint8_t *)v->iov_base + at, buf, n);
		buf += n;
		off += n;
		len -= n;
	}
}

void
aoe_iov_out(const struct iovec *iov, unsigned int iovcnt, struct aoe_iov_cursor *cur, uint64_t off,
	    void *dst, size_t len)
{
	copy(iov, iovcnt, cur, off, dst, len, true);
}

void
aoe_iov_in(const struct iovec *iov, unsigned int iovcnt, struct aoe_iov_cursor *cur, uint64_t off,
	   const void *src, size_t len)
{
	/* Only read through: the cast keeps one loop for both directions. */
	copy(iov, iovcnt, cur, off, (uint8_t *)(uintptr_t)src, len, false);
}
