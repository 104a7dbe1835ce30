/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe configuration file: "key = value" lines that set what the command line sets.
 *
 *   # a comment: the first non-blank character is '#'
 *   iflist = net_af_packet0, net_af_packet1
 *   maxout = 64
 *   status = true
 *
 * The keys are the settings' long option names with '_' for '-' (options_key()); each value is
 * checked by the option's own validator (options_set()). Blanks around keys and values, blank
 * lines and CRLF line ends are fine; an unknown key, a line without '=', a bad value, a key given
 * twice or a line longer than CONFIG_LINE_MAX is refused as "FILE:LINE: what; allowed: what".
 *
 * Precedence: defaults < file < command line. Pure C (no DPDK) so the unit tests drive it.
 */
#ifndef DPDK_AOE_CONFIG_H
#define DPDK_AOE_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "options.h"

/** Characters one line may hold, its CR LF or LF not counted. */
#define CONFIG_LINE_MAX 4096

/**
 * Read settings from @p f into @p opts (which the caller has initialised: options_init()).
 * Stops at the first bad line.
 * @param name what messages call the stream (its path).
 * @param err receives "NAME:LINE: what is wrong; allowed: what is allowed".
 * @return 0, -EINVAL (a bad line) or -EIO (a read error).
 */
int config_parse_stream(FILE *f, const char *name, struct options *opts, char *err, size_t errlen);

/**
 * config_parse_stream() over the file at @p path.
 * @return 0, -EINVAL, -EIO, or the -errno of opening it (-ENOENT when it does not exist).
 */
int config_parse_file(const char *path, struct options *opts, char *err, size_t errlen);

/**
 * The settings the daemon runs with: defaults, then the configuration file, then the command
 * line @p cli (as options_parse_args() left it), then options_check(). The file is
 * @p cli->config; without one @p default_path if it exists (NULL: none); with
 * @p cli->no_config none.
 * @param out receives the result, with @p cli's help, config and no_config.
 * @return 0 or the error of config_parse_file() or options_check() (@p err says it).
 */
int config_load(const struct options *cli, const char *default_path, struct options *out, char *err,
		size_t errlen);

#endif /* DPDK_AOE_CONFIG_H */
