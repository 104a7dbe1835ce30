/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An I/O's data scattered over an iovec array, read and written at byte offsets: what a frame
 * takes from a vectored write and gives to a vectored read, whatever the split (iovecs of any
 * length, a sector or a frame across two of them). A cursor remembers where the last access
 * ended, so frames taken in order cost no walk from the start. DPDK-free: unit-tested alone
 * (tests/unit/test_aoe_iov.c). Private.
 */
#ifndef AOE_IOV_H
#define AOE_IOV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Where the last access was: iov[idx] holds the bytes from offset base on. */
struct aoe_iov_cursor {
	uint32_t idx;
	uint64_t base;
};

/* Bytes the array holds, or UINT64_MAX when the sum overflows. */
uint64_t aoe_iov_length(const struct iovec *iov, unsigned int iovcnt);

/*
 * Copy @p len bytes from offset @p off of the data into @p dst (out) or from @p src into it
 * (in). The caller keeps off + len within aoe_iov_length(); what would fall past the end is
 * not copied. @p cur starts zeroed.
 */
void aoe_iov_out(const struct iovec *iov, unsigned int iovcnt, struct aoe_iov_cursor *cur,
		 uint64_t off, void *dst, size_t len);
void aoe_iov_in(const struct iovec *iov, unsigned int iovcnt, struct aoe_iov_cursor *cur,
		uint64_t off, const void *src, size_t len);

#endif /* AOE_IOV_H */
