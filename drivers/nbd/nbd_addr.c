/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing of the NBD server's listening addresses (see nbd_addr.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aoe_errf.h"
#include "nbd_addr.h"

#define ALLOWED "allowed: unix:PATH or tcp:HOST:PORT (IPv6 as tcp:[ADDR]:PORT)"

static int
parse_port(const char *p, struct nbd_addr *addr)
{
	unsigned long v = 0;
	size_t i, n = strlen(p);

	if (n == 0 || n > 5)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	if (v == 0 || v > 65535 || p[0] == '0')
		return -EINVAL;
	memcpy(addr->port, p, n + 1);
	return 0;
}

static int
parse_tcp(const char *s, const char *whole, struct nbd_addr *addr, char *err, size_t errlen)
{
	const char *colon;
	size_t hlen;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return aoe_errf(err, errlen,
					"'%s': an IPv6 address needs ']:PORT' after it; %s", whole,
					ALLOWED);
		hlen = (size_t)(close - s - 1);
		s++;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return aoe_errf(err, errlen, "'%s' has no port; %s", whole, ALLOWED);
		hlen = (size_t)(colon - s);
		if (memchr(s, ':', hlen) != NULL)
			return aoe_errf(err, errlen, "'%s': put an IPv6 address in brackets; %s",
					whole, ALLOWED);
	}
	if (hlen == 0 || hlen >= NBD_ADDR_HOST_MAX)
		return aoe_errf(err, errlen,
				"'%s': the host is empty or longer than %d characters; %s", whole,
				NBD_ADDR_HOST_MAX - 1, ALLOWED);
	if (parse_port(colon + 1, addr) != 0)
		return aoe_errf(err, errlen, "'%s': port '%s' is not a number 1..65535; %s", whole,
				colon + 1, ALLOWED);
	memcpy(addr->host, s, hlen);
	addr->host[hlen] = '\0';
	addr->kind = NBD_ADDR_TCP;
	return 0;
}

int
nbd_addr_parse(const char *s, struct nbd_addr *addr, char *err, size_t errlen)
{
	memset(addr, 0, sizeof(*addr));
	if (s == NULL)
		return aoe_errf(err, errlen, "no address; %s", ALLOWED);
	if (strncmp(s, "unix:", 5) == 0) {
		size_t n = strlen(s + 5);

		if (n == 0 || n >= NBD_ADDR_PATH_MAX)
			return aoe_errf(
				err, errlen,
				"'%s': the socket path is empty or longer than %d characters; "
				"%s",
				s, NBD_ADDR_PATH_MAX - 1, ALLOWED);
		memcpy(addr->path, s + 5, n + 1);
		addr->kind = NBD_ADDR_UNIX;
		return 0;
	}
	if (strncmp(s, "tcp:", 4) == 0)
		return parse_tcp(s + 4, s, addr, err, errlen);
	return aoe_errf(err, errlen, "'%s' is not an address; %s", s, ALLOWED);
}
