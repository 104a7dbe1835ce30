/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe option parsing. Pure: no DPDK, no libaoe, no output except options_usage(), so the
 * unit tests can drive every option and every refusal.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "options.h"

enum {
	OPT_HELP = 'h',
	OPT_IFLIST = 256,
	OPT_MAXOUT,
	OPT_DEADSECS,
	OPT_DISCOVER_INTERVAL,
	OPT_STATUS,
	OPT_JSON,
	OPT_DISCOVER_WAIT,
};

static const struct option long_options[] = {
	{ "iflist", required_argument, NULL, OPT_IFLIST },
	{ "maxout", required_argument, NULL, OPT_MAXOUT },
	{ "deadsecs", required_argument, NULL, OPT_DEADSECS },
	{ "discover-interval", required_argument, NULL, OPT_DISCOVER_INTERVAL },
	{ "status", no_argument, NULL, OPT_STATUS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "discover-wait", required_argument, NULL, OPT_DISCOVER_WAIT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

#define ALLOWED_OPTIONS "--iflist --maxout --deadsecs --discover-interval --status --json " \
			"--discover-wait --help"

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * Digits only: strtoul() would accept leading blanks, a sign ("-1" wraps to a huge value) and
 * an empty string, none of which an operator means.
 */
static int
parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (*s == '\0')
		return -EINVAL;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return -ERANGE;
	}
	if (v < min)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static int
parse_number(const char *opt, const char *arg, uint32_t min, uint32_t max, const char *unit,
	     uint32_t *out, char *err, size_t errlen)
{
	int ret = parse_u32(arg, min, max, out);

	if (ret == -EINVAL)
		return fail(err, errlen, "--%s: '%s' is not a number; allowed: %u..%u %s", opt,
			    arg, min, max, unit);
	if (ret == -ERANGE)
		return fail(err, errlen, "--%s: %s is out of range; allowed: %u..%u %s", opt, arg,
			    min, max, unit);
	return 0;
}

static int
parse_iflist(struct options *opts, const char *arg, char *err, size_t errlen)
{
	static const char seps[] = ", \t";
	unsigned int before = opts->nb_ifs;
	const char *p = arg;
	size_t len;

	for (;;) {
		p += strspn(p, seps);
		if (*p == '\0')
			break;
		len = strcspn(p, seps);
		if (len >= OPTIONS_IFNAME_MAX)
			return fail(err, errlen,
				    "--iflist: port '%.*s' is too long; allowed: port ids or names "
				    "of at most %d characters", (int)len, p,
				    OPTIONS_IFNAME_MAX - 1);
		if (opts->nb_ifs == OPTIONS_MAX_IFS)
			return fail(err, errlen,
				    "--iflist: more than %d ports; allowed: at most %d",
				    OPTIONS_MAX_IFS, OPTIONS_MAX_IFS);
		memcpy(opts->ifs[opts->nb_ifs], p, len);
		opts->ifs[opts->nb_ifs][len] = '\0';
		opts->nb_ifs++;
		p += len;
	}
	if (opts->nb_ifs == before)
		return fail(err, errlen,
			    "--iflist: empty list; allowed: port ids or names separated by commas "
			    "or spaces (leave the option out to use every port)");
	return 0;
}

static void
options_defaults(struct options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->maxout = OPTIONS_MAXOUT_DEFAULT;
	opts->deadsecs = OPTIONS_DEADSECS_DEFAULT;
	opts->discover_interval_s = OPTIONS_DISCOVER_DEFAULT;
	opts->discover_wait_ms = OPTIONS_WAIT_DEFAULT_MS;
}

int
options_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen)
{
	uint32_t v;
	int c, ret;

	options_defaults(opts);
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	/*
	 * optind = 0 makes glibc re-initialise getopt completely (the EAL or an earlier call
	 * used it). '+' stops at the first non-option so stray words are reported, not skipped;
	 * ':' makes a missing argument distinguishable from an unknown option.
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			opts->help = true;
			break;
		case OPT_IFLIST:
			ret = parse_iflist(opts, optarg, err, errlen);
			if (ret != 0)
				return ret;
			break;
		case OPT_MAXOUT:
			ret = parse_number("maxout", optarg, 1, OPTIONS_MAXOUT_MAX, "frames", &v,
					   err, errlen);
			if (ret != 0)
				return ret;
			opts->maxout = (uint16_t)v;
			break;
		case OPT_DEADSECS:
			ret = parse_number("deadsecs", optarg, 0, OPTIONS_DEADSECS_MAX,
					   "seconds (0 = retry forever)", &opts->deadsecs, err,
					   errlen);
			if (ret != 0)
				return ret;
			break;
		case OPT_DISCOVER_INTERVAL:
			ret = parse_number("discover-interval", optarg, 0, OPTIONS_DISCOVER_MAX,
					   "seconds (0 = only at start)",
					   &opts->discover_interval_s, err, errlen);
			if (ret != 0)
				return ret;
			break;
		case OPT_STATUS:
			opts->status = true;
			break;
		case OPT_JSON:
			opts->json = true;
			break;
		case OPT_DISCOVER_WAIT:
			ret = parse_number("discover-wait", optarg, 1, OPTIONS_WAIT_MAX_MS, "ms",
					   &opts->discover_wait_ms, err, errlen);
			if (ret != 0)
				return ret;
			break;
		case ':':
			return fail(err, errlen, "%s: missing argument", argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < OPT_IFLIST)
				return fail(err, errlen, "unknown option '-%c'; allowed: %s",
					    optopt, ALLOWED_OPTIONS);
			return fail(err, errlen, "unknown option '%s'; allowed: %s",
				    argv[optind - 1], ALLOWED_OPTIONS);
		}
	}
	if (optind < argc)
		return fail(err, errlen, "unexpected argument '%s'; allowed: %s", argv[optind],
			    ALLOWED_OPTIONS);
	if (opts->json && !opts->status)
		return fail(err, errlen, "--json: allowed only with --status");
	return 0;
}

void
options_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [EAL options] -- [options]\n"
		"\n"
		"User-space poll-mode ATA over Ethernet initiator.\n"
		"\n"
		"Options:\n"
		"  --iflist PORTS          ports AoE may use: DPDK port ids or names (e.g.\n"
		"                          net_af_packet0), separated by commas or spaces\n"
		"                          (default: every port)\n"
		"  --maxout N              frames outstanding per target, %d..%d (default %d;\n"
		"                          also capped by each target's buffer count)\n"
		"  --deadsecs S            seconds without an answer before a target is down,\n"
		"                          0..%d, 0 = retry forever (default %d)\n"
		"  --discover-interval S   seconds between discovery broadcasts, 0..%d,\n"
		"                          0 = only at start (default %d)\n"
		"  --status                discover, print the targets and exit\n"
		"  --json                  with --status: print JSON\n"
		"  --discover-wait MS      how long --status listens before printing, 1..%d\n"
		"                          (default %d)\n"
		"  -h, --help              print this help and exit\n"
		"\n"
		"Without --status, runs until SIGINT or SIGTERM and prints a line on stdout\n"
		"whenever a target comes up or goes down.\n",
		prog, 1, OPTIONS_MAXOUT_MAX, OPTIONS_MAXOUT_DEFAULT, OPTIONS_DEADSECS_MAX,
		OPTIONS_DEADSECS_DEFAULT, OPTIONS_DISCOVER_MAX, OPTIONS_DISCOVER_DEFAULT,
		OPTIONS_WAIT_MAX_MS, OPTIONS_WAIT_DEFAULT_MS);
}

/* Only digits, and a value that fits a port id: then the entry is an id, not a name. */
static bool
entry_is_id(const char *s, uint16_t *id)
{
	uint32_t v;

	if (parse_u32(s, 0, UINT16_MAX, &v) != 0)
		return false;
	*id = (uint16_t)v;
	return true;
}

int
options_resolve_ports(const struct options *opts, const struct options_port_ops *ops,
		      uint16_t *ports, uint16_t *nb_ports, char *err, size_t errlen)
{
	unsigned int i, j;
	uint16_t id, n = 0;

	for (i = 0; i < opts->nb_ifs; i++) {
		const char *e = opts->ifs[i];

		if (entry_is_id(e, &id)) {
			if (!ops->id_valid(id, ops->arg)) {
				fail(err, errlen,
				     "--iflist: no port with id %s; allowed: the ids or names of "
				     "the ports the EAL probed", e);
				return -ENODEV;
			}
		} else if (ops->by_name(e, &id, ops->arg) != 0) {
			fail(err, errlen,
			     "--iflist: no port named '%s'; allowed: the ids or names of the ports "
			     "the EAL probed", e);
			return -ENODEV;
		}
		for (j = 0; j < n; j++)
			if (ports[j] == id)
				break;
		if (j == n)
			ports[n++] = id;
	}
	*nb_ports = n;
	return 0;
}
