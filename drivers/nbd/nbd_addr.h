/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Where the NBD server listens: "unix:PATH" or "tcp:HOST:PORT" (HOST a name, an IPv4 address or
 * an IPv6 address in brackets). DPDK-free, so that the daemon checks --nbd before the EAL
 * starts and the unit tests drive every refusal.
 */
#ifndef NBD_ADDR_H
#define NBD_ADDR_H

#include <stddef.h>

#define NBD_ADDR_PATH_MAX 108 /**< sizeof(sockaddr_un.sun_path), its NUL included */
#define NBD_ADDR_HOST_MAX 256

/** A parsed listening address. */
struct nbd_addr {
	enum { NBD_ADDR_UNIX, NBD_ADDR_TCP } kind;
	char path[NBD_ADDR_PATH_MAX]; /**< unix */
	char host[NBD_ADDR_HOST_MAX]; /**< tcp, without brackets */
	char port[6];		      /**< tcp, 1..65535 as digits */
};

/**
 * Parse @p s.
 * @param err receives what is wrong and what is allowed.
 * @return 0 or -EINVAL.
 */
int nbd_addr_parse(const char *s, struct nbd_addr *addr, char *err, size_t errlen);

#endif /* NBD_ADDR_H */
