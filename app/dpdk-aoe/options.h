/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe command line (the part after the EAL's "--").
 *
 * Parsing is a pure function over argc/argv so it can be unit-tested without DPDK: this header
 * includes no DPDK or libaoe header, and main.c checks at compile time that the limits below
 * agree with aoe.h.
 */
#ifndef DPDK_AOE_OPTIONS_H
#define DPDK_AOE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPTIONS_MAX_IFS			16	/**< AOE_MAX_PORTS */
#define OPTIONS_IFNAME_MAX		64	/**< RTE_ETH_NAME_MAX_LEN, NUL included */
#define OPTIONS_MAXOUT_DEFAULT		128	/**< AOE_MAXOUT_DEFAULT */
#define OPTIONS_MAXOUT_MAX		1024	/**< AOE_MAXOUT_MAX */
#define OPTIONS_DEADSECS_DEFAULT	180	/**< AOE_DEADSECS_DEFAULT */
#define OPTIONS_DEADSECS_MAX		86400
#define OPTIONS_DISCOVER_DEFAULT	60	/**< AOE_DISCOVER_INTERVAL_DEFAULT */
#define OPTIONS_DISCOVER_MAX		86400
#define OPTIONS_WAIT_DEFAULT_MS		2000
#define OPTIONS_WAIT_MAX_MS		600000

/** Everything the command line can say; options_parse() fills the defaults first. */
struct options {
	bool help;			/**< --help: print usage and exit 0 */
	bool status;			/**< --status: discover, print, exit */
	bool json;			/**< --json (only with --status) */
	uint16_t maxout;
	uint32_t deadsecs;		/**< 0 = retry forever */
	uint32_t discover_interval_s;	/**< 0 = at start and on demand only */
	uint32_t discover_wait_ms;	/**< how long --status listens */
	unsigned int nb_ifs;		/**< 0 = every port */
	char ifs[OPTIONS_MAX_IFS][OPTIONS_IFNAME_MAX]; /**< --iflist entries, as written */
};

/**
 * Parse the application's options. @p argv[0] is the program name; getopt state is reset, so
 * the function may be called repeatedly (argv may be permuted, as getopt does).
 * @param err receives a one-line message naming the option and what is allowed.
 * @return 0 or -EINVAL.
 */
int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen);

/** Print the usage text. */
void options_usage(FILE *f, const char *prog);

/** How options_resolve_ports() asks the EAL about ports (callbacks so tests need no DPDK). */
struct options_port_ops {
	/** Is @p port_id a probed port? */
	bool (*id_valid)(uint16_t port_id, void *arg);
	/** Port id of the port named @p name: 0 or -ENODEV. */
	int (*by_name)(const char *name, uint16_t *port_id, void *arg);
	void *arg;
};

/**
 * Turn --iflist entries into port ids: an entry of digits only is a port id, anything else a
 * port name. Duplicates (the same port named twice, by id or by name) are kept once.
 * @param ports receives up to OPTIONS_MAX_IFS ids; @p nb_ports their count (0 = every port).
 * @return 0 or -ENODEV (@p err names the unknown port).
 */
int options_resolve_ports(const struct options *opts, const struct options_port_ops *ops,
			  uint16_t *ports, uint16_t *nb_ports, char *err, size_t errlen);

#endif /* DPDK_AOE_OPTIONS_H */
