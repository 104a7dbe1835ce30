/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the command-line programs share: how they split their command line from the EAL's,
 * read numbers and sizes, report an option error, check that their output can be written, and
 * print sizes, JSON strings and counters; and their random numbers. DPDK-free, so each
 * program's pure parts (and their unit tests) link it without the EAL.
 */
#ifndef AOE_APP_H
#define AOE_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aoe_errf.h" /* aoe_errf(): how the option parsers refuse */
#include "aoe_stats_fields.h"

/** Exit status of every program for a usage error: a bad option, file, or EAL option. */
#define AOE_APP_EXIT_USAGE 2

struct option;

/** A program's own command line, as aoe_app_cmdline() reads it. */
struct aoe_app_cmdline {
	const char *prog;	       /**< "aoe-perf" */
	const char *synopsis;	       /**< its options, for messages: "-T TARGET" */
	const char *shortopts;	       /**< as getopt_long() takes them */
	const struct option *longopts; /**< likewise */
	bool needs_options;	       /**< without a "--" it would have nothing to do */
	/** Its parser, given argv[0] and what follows the "--": 0 or -EINVAL with @p err. */
	int (*parse)(int argc, char **argv, void *arg, char *err, size_t errlen);
};

/**
 * Read a command line as every DPDK program here takes it, "[EAL options] -- [program
 * options]", before the EAL starts: -h or --help anywhere sets @p *help and nothing else is
 * checked; one of the program's options before any "--" is refused as misplaced (rather than
 * left to the EAL to refuse in its own words); no "--" at all is refused when the program needs
 * options; else @p c->parse(what follows the "--", @p arg).
 * @return 0, or -EINVAL (-ENOMEM) with @p err saying what is wrong.
 */
int aoe_app_cmdline(const struct aoe_app_cmdline *c, int argc, char **argv, void *arg, bool *help,
		    char *err, size_t errlen);

/**
 * The value of @p key in a device's EAL arguments ("iface=veth0,qpairs=2": "veth0" for
 * "iface"), copied into @p buf.
 * @return true, or false when @p key is not there or its value is empty or does not fit.
 */
bool aoe_app_devarg(const char *args, const char *key, char *buf, size_t len);

/**
 * A whole number: decimal digits, or "0x" and hexadecimal digits; no sign, blank, unit or
 * anything after it.
 * @return 0 (@p out set), -EINVAL (not such a number) or -ERANGE (outside [@p min, @p max]).
 */
int aoe_app_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/**
 * A size in bytes: decimal digits and an optional binary suffix k, m, g or t (either case:
 * 4k = 4096).
 * @return 0 (@p out set), -EINVAL (not a size) or -ERANGE (past 64 bits or outside
 *         [@p min, @p max]).
 */
int aoe_app_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/**
 * Make sure descriptors 0, 1 and 2 are open before anything else opens a file, so that no file
 * (the EAL's shared configuration, a statistics region) becomes the program's stdout: a
 * closed one is pointed at /dev/null.
 * @return 0, or -EBADF when stdout was closed: the program's output could not be written.
 */
int aoe_app_stdio_check(void);

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

/**
 * Every field of @p table in the struct at @p base as JSON members, each preceded by ", ":
 * ', "frames_tx": 12, "aoe_errors": [0, 1, 0, 0, 0, 0, 0, 0]'.
 */
void aoe_app_json_counters(FILE *f, const struct aoe_stats_table *table, const void *base);

/** Text lines of counters, filled up to 100 columns (aoe_app_text_counters()). */
struct aoe_app_text {
	FILE *f;
	const char *indent; /**< starts every line */
	size_t col;	    /**< columns used on the current line; 0 = none started */
};

/**
 * Every field of @p table in the struct at @p base as "key value" items separated by ", "
 * (arrays as "key 0:N 1:N ..."), continuing @p t's current line and starting a new one
 * (with its indent) before an item would pass column 100. aoe_app_text_end() ends the line.
 */
void aoe_app_text_counters(struct aoe_app_text *t, const struct aoe_stats_table *table,
			   const void *base);

/** End @p t's current line, if one was started. */
void aoe_app_text_end(struct aoe_app_text *t);

/**
 * Flush @p f and say whether everything written to it got there.
 * @return 0, the -errno of the failed write (-ENOSPC on a full disk, -EBADF on a closed
 *         descriptor, -EPIPE), or -EIO when the stream failed earlier and its errno is gone.
 */
int aoe_app_flush(FILE *f);

/**
 * What getopt_long() (called with opterr 0 and a leading ':' in its short options) refused, as
 * an option error: @p c ':' is "--disk needs a value (see --help)", anything else "unknown
 * option '-x' (see --help)", the letter itself when it was one of a group ("-vx").
 * @return -EINVAL.
 */
int aoe_app_getopt_err(int c, char **argv, char *err, size_t errlen);

/** The programs' random numbers: xoshiro256**, seeded through splitmix64. Not for secrets. */
struct aoe_app_rng {
	uint64_t s[4];
};

/** Seed @p r; the same seed gives the same numbers. */
void aoe_app_rng_seed(struct aoe_app_rng *r, uint64_t seed);

/** The next 64 random bits. */
static inline uint64_t
aoe_app_rng_next(struct aoe_app_rng *r)
{
	uint64_t *s = r->s;
	uint64_t x = s[1] * 5, out = ((x << 7) | (x >> 57)) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return out;
}

/** A uniform number in [0, @p n) without a division (Lemire's multiply-shift). */
static inline uint64_t
aoe_app_rng_below(struct aoe_app_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)aoe_app_rng_next(r) * n) >> 64);
}

#endif /* AOE_APP_H */
