/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * aoe-stat's command line. A pure function over argc/argv (no output, no exit) so the unit
 * tests and the fuzzer drive every option and every refusal.
 */
#ifndef STAT_OPTIONS_H
#define STAT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/** Longest --file-prefix, its NUL not counted. */
#define STAT_PREFIX_MAX 255

struct stat_opts {
	char prefix[STAT_PREFIX_MAX + 1]; /**< --file-prefix; "" = the only initiator running */
	bool verbose;			  /**< -v */
	bool json;			  /**< --json */
	bool follow;			  /**< --follow */
	bool help;			  /**< -h, --help: print the usage, nothing else checked */
};

/**
 * Parse aoe-stat's command line; argv[0] is the program name. Resets getopt, so it may be
 * called again.
 * @return 0 (@p opts filled; with opts->help nothing else is checked), or -EINVAL with a
 *         one-line message in @p err naming the option and what it allows.
 */
int stat_options_parse(int argc, char **argv, struct stat_opts *opts, char *err, size_t errlen);

/** Print the usage text. */
void stat_options_usage(FILE *f);

#endif /* STAT_OPTIONS_H */
