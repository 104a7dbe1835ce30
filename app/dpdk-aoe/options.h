/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe options: the command line (the part after the EAL's "--") and the keys of the
 * configuration file (config.h) set the same fields through the same validators.
 *
 * Parsing is a pure function over argc/argv so it can be unit-tested without DPDK: this header
 * includes no DPDK header; the engine's limits and defaults come from aoe_defs.h.
 */
#ifndef DPDK_AOE_OPTIONS_H
#define DPDK_AOE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aoe_acl.h"
#include "aoe_defs.h"

#define OPTIONS_WAIT_DEFAULT_MS 2000
#define OPTIONS_WAIT_MAX_MS	600000
#define OPTIONS_NBD_MAX		8   /**< AOE_NBD_MAX_LISTEN (main.c checks) */
#define OPTIONS_NBD_ADDR_MAX	280 /**< "tcp:" + host + ":" + port, NUL included */

/**
 * The settings both the command line and the configuration file may set. The configuration
 * file's key is the long option's name with '_' for '-' (options_key()).
 */
enum options_id {
	OPTIONS_IFLIST,
	OPTIONS_MAXOUT,
	OPTIONS_DEADSECS,
	OPTIONS_DISCOVER_INTERVAL,
	OPTIONS_DISCOVER_WAIT,
	OPTIONS_STATUS,
	OPTIONS_JSON,
	OPTIONS_NBD,
	OPTIONS_MTU,
	OPTIONS_NB,
};

/** The one-shot access-control actions: command line only (they act, they set nothing). */
enum options_acl_action {
	OPTIONS_ACL_NONE,
	OPTIONS_ACL_CONFIG_STRING, /**< --config-string NAME [--set S [--force] | --test S | ...] */
	OPTIONS_ACL_MASK,	   /**< --mask NAME [--edit +MAC,-MAC] */
	OPTIONS_ACL_RESERVE,	   /**< --reserve NAME [--force] */
	OPTIONS_ACL_RELEASE,	   /**< --release NAME [--force] */
	OPTIONS_ACL_RESERVATION,   /**< --reservation NAME: who holds it */
};

/** Everything the command line can say; options_init() fills the defaults. */
struct options {
	bool help;   /**< --help: print usage and exit 0 */
	bool status; /**< --status: discover, print, exit */
	bool json;   /**< --json (only with --status) */
	uint16_t maxout;
	uint16_t mtu;	   /**< 0 = each port's own; else frames are sized for this MTU (memif) */
	uint32_t deadsecs; /**< 0 = retry forever */
	uint32_t discover_interval_s;			 /**< 0 = at start and on demand only */
	uint32_t discover_wait_ms;			 /**< how long --status listens */
	unsigned int nb_ifs;				 /**< 0 = every port */
	char ifs[AOE_MAX_PORTS][AOE_PORT_NAME_MAX];	 /**< --iflist entries, as written */
	unsigned int nb_nbd;				 /**< NBD server addresses (0 = none) */
	char nbd[OPTIONS_NBD_MAX][OPTIONS_NBD_ADDR_MAX]; /**< --nbd unix:PATH | tcp:HOST:PORT */
	uint32_t given; /**< bit (1 << enum options_id) per setting given */
	/** Where each setting was given: its line in @p file, 0 for the command line. */
	unsigned int line[OPTIONS_NB];
	const char *file;   /**< the configuration file read, for messages */
	const char *config; /**< --config FILE (points into argv); NULL = the default */
	bool no_config;	    /**< --no-config: read no configuration file */
	/** A one-shot action: discover, act on one target, print the result and exit. */
	enum options_acl_action acl_action;
	char acl_target[AOE_NAME_MAX]; /**< its target, as written (checked by the engine) */
	struct aoe_acl_args acl;       /**< the request it makes (acl.op set by the parser) */
};

/** Fill @p opts with the defaults: nothing given, no configuration file named. */
void options_init(struct options *opts);

/**
 * Parse the application's options. @p argv[0] is the program name; getopt state is reset, so
 * the function may be called repeatedly (argv may be permuted, as getopt does). Checks each
 * option alone, not how they combine (options_check() does): a configuration file may still
 * supply what an option needs.
 * @param err receives a one-line message naming the option and what is allowed.
 * @return 0 or -EINVAL.
 */
int options_parse_args(int argc, char **argv, struct options *opts, char *err, size_t errlen);

/**
 * The whole command line, "[EAL options] -- [dpdk-aoe options]": -h or --help anywhere sets
 * opts->help; a dpdk-aoe option without a "--" before it is refused as such; else
 * options_parse_args() of what follows the "--" (nothing without one).
 * @return 0 or -EINVAL (@p err says why).
 */
int options_parse_cmdline(int argc, char **argv, struct options *opts, char *err, size_t errlen);

/**
 * Check how the options combine (--json needs --status; --nbd refuses it; a one-shot action
 * refuses both).
 * @return 0 or -EINVAL (@p err says why and what is allowed).
 */
int options_check(const struct options *opts, char *err, size_t errlen);

/** options_parse_args() then options_check(): the command line alone. */
int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen);

/**
 * The one validator of setting @p id, shared by the command line and the configuration file:
 * parse @p value, store it in @p opts and mark it given. The iflist adds to the entries already
 * there. @p value NULL means a flag given without a value (true).
 * @param err receives what is wrong and what is allowed, without the option's name (the
 *            caller says where the value came from).
 * @return 0 or -EINVAL; -ERANGE for an id that is not a setting.
 */
int options_set(struct options *opts, enum options_id id, const char *value, char *err,
		size_t errlen);

/** The configuration file key of @p id ("discover_interval"), NULL for an unknown id. */
const char *options_key(enum options_id id);

/** The setting whose configuration file key is @p key: its id, or -ENOENT. */
int options_by_key(const char *key);

/** The configuration file keys, space-separated, for "allowed:" messages. */
const char *options_keys_allowed(void);

/**
 * Lay the settings given in @p over (command line) onto @p base (defaults and configuration
 * file): each given one replaces base's value whole, the iflist too. help, config, no_config
 * and the one-shot action are copied from @p over.
 */
void options_merge(struct options *base, const struct options *over);

/** The configuration file read when no --config is given (the build's sysconfdir). */
const char *options_config_default(void);

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
 * @param ports receives up to AOE_MAX_PORTS ids; @p nb_ports their count (0 = every port).
 * @return 0 or -ENODEV (@p err names the unknown port).
 */
int options_resolve_ports(const struct options *opts, const struct options_port_ops *ops,
			  uint16_t *ports, uint16_t *nb_ports, char *err, size_t errlen);

#endif /* DPDK_AOE_OPTIONS_H */
