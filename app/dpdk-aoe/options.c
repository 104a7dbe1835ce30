/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe option parsing. Pure: no DPDK, no libaoe, no output except options_usage(), so the
 * unit tests can drive every option and every refusal. options_set() is the one validator per
 * setting: the command line here and the configuration file (config.c) both go through it, so a
 * value means the same and is refused with the same words wherever it is written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "aoe_app.h"
#include "nbd_addr.h"

/* getopt values: the settings' own ids, then the options that are no settings. */
enum {
	OPT_HELP = 'h',
	OPT_SETTING = 256, /* + enum options_id */
	OPT_CONFIG = OPT_SETTING + OPTIONS_NB,
	OPT_NO_CONFIG,
	OPT_ACL_ACTION, /* + enum options_acl_action */
	OPT_SET = OPT_ACL_ACTION + OPTIONS_ACL_RESERVATION + 1,
	OPT_TEST,
	OPT_TEST_PREFIX,
	OPT_EDIT,
	OPT_FORCE,
};

/* The one-shot actions' options, indexed by enum options_acl_action. */
static const char *const acl_options[] = {
	[OPTIONS_ACL_CONFIG_STRING] = "config-string",
	[OPTIONS_ACL_MASK] = "mask",
	[OPTIONS_ACL_RESERVE] = "reserve",
	[OPTIONS_ACL_RELEASE] = "release",
	[OPTIONS_ACL_RESERVATION] = "reservation",
};

/* Indexed by enum options_id. */
static const char *const setting_keys[OPTIONS_NB] = {
	[OPTIONS_IFLIST] = "iflist",
	[OPTIONS_MAXOUT] = "maxout",
	[OPTIONS_DEADSECS] = "deadsecs",
	[OPTIONS_DISCOVER_INTERVAL] = "discover_interval",
	[OPTIONS_DISCOVER_WAIT] = "discover_wait",
	[OPTIONS_STATUS] = "status",
	[OPTIONS_JSON] = "json",
	[OPTIONS_NBD] = "nbd",
	[OPTIONS_MTU] = "mtu",
};

static const char *const setting_options[OPTIONS_NB] = {
	[OPTIONS_IFLIST] = "iflist",
	[OPTIONS_MAXOUT] = "maxout",
	[OPTIONS_DEADSECS] = "deadsecs",
	[OPTIONS_DISCOVER_INTERVAL] = "discover-interval",
	[OPTIONS_DISCOVER_WAIT] = "discover-wait",
	[OPTIONS_STATUS] = "status",
	[OPTIONS_JSON] = "json",
	[OPTIONS_NBD] = "nbd",
	[OPTIONS_MTU] = "mtu",
};

static const struct option long_options[] = {
	{"iflist", required_argument, NULL, OPT_SETTING + OPTIONS_IFLIST},
	{"maxout", required_argument, NULL, OPT_SETTING + OPTIONS_MAXOUT},
	{"deadsecs", required_argument, NULL, OPT_SETTING + OPTIONS_DEADSECS},
	{"discover-interval", required_argument, NULL, OPT_SETTING + OPTIONS_DISCOVER_INTERVAL},
	{"status", no_argument, NULL, OPT_SETTING + OPTIONS_STATUS},
	{"json", no_argument, NULL, OPT_SETTING + OPTIONS_JSON},
	{"nbd", required_argument, NULL, OPT_SETTING + OPTIONS_NBD},
	{"discover-wait", required_argument, NULL, OPT_SETTING + OPTIONS_DISCOVER_WAIT},
	{"mtu", required_argument, NULL, OPT_SETTING + OPTIONS_MTU},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{"config-string", required_argument, NULL, OPT_ACL_ACTION + OPTIONS_ACL_CONFIG_STRING},
	{"mask", required_argument, NULL, OPT_ACL_ACTION + OPTIONS_ACL_MASK},
	{"reserve", required_argument, NULL, OPT_ACL_ACTION + OPTIONS_ACL_RESERVE},
	{"release", required_argument, NULL, OPT_ACL_ACTION + OPTIONS_ACL_RELEASE},
	{"reservation", required_argument, NULL, OPT_ACL_ACTION + OPTIONS_ACL_RESERVATION},
	{"set", required_argument, NULL, OPT_SET},
	{"test", required_argument, NULL, OPT_TEST},
	{"test-prefix", required_argument, NULL, OPT_TEST_PREFIX},
	{"edit", required_argument, NULL, OPT_EDIT},
	{"force", no_argument, NULL, OPT_FORCE},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

#define ALLOWED_OPTIONS                                                                            \
	"--iflist --maxout --deadsecs --discover-interval --status --json "                        \
	"--discover-wait --nbd --mtu --config --no-config --config-string --mask --reserve "       \
	"--release "                                                                               \
	"--reservation --set --test --test-prefix --edit --force --help"
#define ALLOWED_KEYS "iflist maxout deadsecs discover_interval discover_wait status json nbd mtu"

#ifndef DPDK_AOE_CONFIG_DEFAULT
#error "meson defines DPDK_AOE_CONFIG_DEFAULT: the build's sysconfdir/dpdk-aoe/dpdk-aoe.conf"
#endif

static int
parse_number(const char *arg, uint32_t min, uint32_t max, const char *unit, uint32_t *out,
	     char *err, size_t errlen)
{
	uint64_t v;
	int ret = aoe_app_parse_u64(arg, min, max, &v);

	if (ret == -EINVAL)
		return aoe_errf(err, errlen, "'%s' is not a number; allowed: %u..%u %s", arg, min,
				max, unit);
	if (ret == -ERANGE)
		return aoe_errf(err, errlen, "%s is out of range; allowed: %u..%u %s", arg, min,
				max, unit);
	*out = (uint32_t)v;
	return 0;
}

/* A flag: given alone on the command line (NULL), or "true"/"false" in the file. */
static int
parse_bool(const char *arg, bool *out, char *err, size_t errlen)
{
	if (arg == NULL || strcmp(arg, "true") == 0)
		*out = true;
	else if (strcmp(arg, "false") == 0)
		*out = false;
	else
		return aoe_errf(err, errlen, "'%s' is not a truth value; allowed: true or false",
				arg);
	return 0;
}

/* The next entry of a list separated by commas or blanks (its length in @p len), NULL at the end.
 */
static const char *
list_next(const char **p, size_t *len)
{
	static const char seps[] = ", \t";
	const char *entry;

	*p += strspn(*p, seps);
	if (**p == '\0')
		return NULL;
	entry = *p;
	*len = strcspn(entry, seps);
	*p += *len;
	return entry;
}

static int
parse_iflist(struct options *opts, const char *arg, char *err, size_t errlen)
{
	unsigned int before = opts->nb_ifs;
	const char *p = arg, *e;
	size_t len;

	while ((e = list_next(&p, &len)) != NULL) {
		if (len >= AOE_PORT_NAME_MAX) {
			opts->nb_ifs = before;
			return aoe_errf(err, errlen,
					"port '%.*s' is too long; allowed: port ids or names of at "
					"most %d characters",
					(int)len, e, AOE_PORT_NAME_MAX - 1);
		}
		if (opts->nb_ifs == AOE_MAX_PORTS) {
			opts->nb_ifs = before;
			return aoe_errf(err, errlen, "more than %d ports; allowed: at most %d",
					AOE_MAX_PORTS, AOE_MAX_PORTS);
		}
		memcpy(opts->ifs[opts->nb_ifs], e, len);
		opts->ifs[opts->nb_ifs][len] = '\0';
		opts->nb_ifs++;
	}
	if (opts->nb_ifs == before)
		return aoe_errf(
			err, errlen,
			"empty list; allowed: port ids or names separated by commas or spaces "
			"(leave the option out to use every port)");
	return 0;
}

/* NBD addresses, separated by commas or blanks; each checked as the server will read it. */
static int
parse_nbd(struct options *opts, const char *arg, char *err, size_t errlen)
{
	unsigned int before = opts->nb_nbd;
	struct nbd_addr addr;
	const char *p = arg, *e;
	char why[512];
	size_t len;

	while ((e = list_next(&p, &len)) != NULL) {
		if (opts->nb_nbd == OPTIONS_NBD_MAX || len >= OPTIONS_NBD_ADDR_MAX) {
			opts->nb_nbd = before;
			return aoe_errf(err, errlen,
					"more than %d addresses, or one longer than %d "
					"characters; allowed: at most %d",
					OPTIONS_NBD_MAX, OPTIONS_NBD_ADDR_MAX - 1, OPTIONS_NBD_MAX);
		}
		memcpy(opts->nbd[opts->nb_nbd], e, len);
		opts->nbd[opts->nb_nbd][len] = '\0';
		if (nbd_addr_parse(opts->nbd[opts->nb_nbd], &addr, why, sizeof(why)) != 0) {
			opts->nb_nbd = before;
			return aoe_errf(err, errlen, "%s", why);
		}
		opts->nb_nbd++;
	}
	if (opts->nb_nbd == before)
		return aoe_errf(err, errlen, "empty address; allowed: unix:PATH or tcp:HOST:PORT");
	return 0;
}

void
options_init(struct options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->maxout = AOE_MAXOUT_DEFAULT;
	opts->deadsecs = AOE_DEADSECS_DEFAULT;
	opts->discover_interval_s = AOE_DISCOVER_INTERVAL_DEFAULT;
	opts->discover_wait_ms = OPTIONS_WAIT_DEFAULT_MS;
}

int
options_set(struct options *opts, enum options_id id, const char *value, char *err, size_t errlen)
{
	uint32_t v = 0;
	int ret;

	/* Only flags may come without a value; a missing one is then an empty one. */
	if (value == NULL && id != OPTIONS_STATUS && id != OPTIONS_JSON)
		value = "";
	switch (id) {
	case OPTIONS_IFLIST:
		ret = parse_iflist(opts, value, err, errlen);
		break;
	case OPTIONS_MAXOUT:
		ret = parse_number(value, 1, AOE_MAXOUT_MAX, "frames", &v, err, errlen);
		if (ret == 0)
			opts->maxout = (uint16_t)v;
		break;
	case OPTIONS_DEADSECS:
		ret = parse_number(value, 0, AOE_DEADSECS_MAX, "seconds (0 = retry forever)",
				   &opts->deadsecs, err, errlen);
		break;
	case OPTIONS_DISCOVER_INTERVAL:
		ret = parse_number(value, 0, AOE_DISCOVER_INTERVAL_MAX,
				   "seconds (0 = only at start)", &opts->discover_interval_s, err,
				   errlen);
		break;
	case OPTIONS_DISCOVER_WAIT:
		ret = parse_number(value, 1, OPTIONS_WAIT_MAX_MS, "ms", &opts->discover_wait_ms,
				   err, errlen);
		break;
	case OPTIONS_STATUS:
		ret = parse_bool(value, &opts->status, err, errlen);
		break;
	case OPTIONS_JSON:
		ret = parse_bool(value, &opts->json, err, errlen);
		break;
	case OPTIONS_NBD:
		ret = parse_nbd(opts, value, err, errlen);
		break;
	case OPTIONS_MTU:
		ret = parse_number(value, AOE_MTU_MIN, AOE_MTU_MAX, "bytes", &v, err, errlen);
		if (ret == 0)
			opts->mtu = (uint16_t)v;
		break;
	default:
		return -ERANGE;
	}
	if (ret == 0)
		opts->given |= UINT32_C(1) << id;
	return ret;
}

const char *
options_key(enum options_id id)
{
	if ((unsigned int)id >= OPTIONS_NB)
		return NULL;
	return setting_keys[id];
}

int
options_by_key(const char *key)
{
	int id;

	for (id = 0; id < OPTIONS_NB; id++)
		if (strcmp(key, setting_keys[id]) == 0)
			return id;
	return -ENOENT;
}

const char *
options_keys_allowed(void)
{
	return ALLOWED_KEYS;
}

const char *
options_config_default(void)
{
	return DPDK_AOE_CONFIG_DEFAULT;
}

void
options_merge(struct options *base, const struct options *over)
{
	int id;

	for (id = 0; id < OPTIONS_NB; id++) {
		if ((over->given & (UINT32_C(1) << id)) == 0)
			continue;
		switch ((enum options_id)id) {
		case OPTIONS_IFLIST:
			base->nb_ifs = over->nb_ifs;
			memcpy(base->ifs, over->ifs, sizeof(base->ifs));
			break;
		case OPTIONS_MAXOUT:
			base->maxout = over->maxout;
			break;
		case OPTIONS_MTU:
			base->mtu = over->mtu;
			break;
		case OPTIONS_DEADSECS:
			base->deadsecs = over->deadsecs;
			break;
		case OPTIONS_DISCOVER_INTERVAL:
			base->discover_interval_s = over->discover_interval_s;
			break;
		case OPTIONS_DISCOVER_WAIT:
			base->discover_wait_ms = over->discover_wait_ms;
			break;
		case OPTIONS_STATUS:
			base->status = over->status;
			break;
		case OPTIONS_JSON:
			base->json = over->json;
			break;
		case OPTIONS_NBD:
			base->nb_nbd = over->nb_nbd;
			memcpy(base->nbd, over->nbd, sizeof(base->nbd));
			break;
		case OPTIONS_NB:
			break;
		}
	}
	for (id = 0; id < OPTIONS_NB; id++)
		if ((over->given & (UINT32_C(1) << id)) != 0)
			base->line[id] = over->line[id];
	base->given |= over->given;
	base->help = over->help;
	base->config = over->config;
	base->no_config = over->no_config;
	base->acl_action = over->acl_action;
	memcpy(base->acl_target, over->acl_target, sizeof(base->acl_target));
	base->acl = over->acl;
}

/* What the modifiers of a one-shot action said, before they are checked against it. */
struct acl_modifiers {
	const char *set, *test, *test_prefix, *edit;
	bool force;
};

static int
acl_string(struct options *opts, const char *option, const char *s, char *err, size_t errlen)
{
	size_t len = strlen(s);

	if (len > AOE_ACL_CONFIG_MAX)
		return aoe_errf(err, errlen, "--%s: the string has %zu bytes; allowed: at most %d",
				option, len, AOE_ACL_CONFIG_MAX);
	opts->acl.config_len = (uint16_t)len;
	memcpy(opts->acl.config, s, len);
	return 0;
}

/* The request a one-shot action makes, from the action and its modifiers. */
static int
acl_resolve(struct options *opts, const struct acl_modifiers *m, char *err, size_t errlen)
{
	enum options_acl_action a = opts->acl_action;
	unsigned int strings = (m->set != NULL) + (m->test != NULL) + (m->test_prefix != NULL);
	char why[256];

	if (a == OPTIONS_ACL_NONE) {
		if (strings != 0 || m->edit != NULL || m->force)
			return aoe_errf(err, errlen,
					"--set, --test, --test-prefix, --edit and --force: "
					"allowed only with "
					"--config-string, --mask, --reserve or --release");
		return 0;
	}
	if (a != OPTIONS_ACL_CONFIG_STRING && strings != 0)
		return aoe_errf(err, errlen,
				"--set, --test and --test-prefix: allowed only with "
				"--config-string");
	if (a != OPTIONS_ACL_MASK && m->edit != NULL)
		return aoe_errf(err, errlen, "--edit: allowed only with --mask");
	if (m->force && a != OPTIONS_ACL_RESERVE && a != OPTIONS_ACL_RELEASE && m->set == NULL)
		return aoe_errf(err, errlen,
				"--force: allowed only with --config-string --set, --reserve "
				"or --release");
	switch (a) {
	case OPTIONS_ACL_CONFIG_STRING:
		if (strings > 1)
			return aoe_errf(err, errlen,
					"--set, --test and --test-prefix: allowed: one of them");
		if (m->set != NULL) {
			opts->acl.op = m->force ? AOE_ACL_CONFIG_FORCE_SET : AOE_ACL_CONFIG_SET;
			return acl_string(opts, "set", m->set, err, errlen);
		}
		if (m->test != NULL) {
			opts->acl.op = AOE_ACL_CONFIG_TEST;
			return acl_string(opts, "test", m->test, err, errlen);
		}
		if (m->test_prefix != NULL) {
			opts->acl.op = AOE_ACL_CONFIG_TEST_PREFIX;
			return acl_string(opts, "test-prefix", m->test_prefix, err, errlen);
		}
		opts->acl.op = AOE_ACL_CONFIG_READ;
		return 0;
	case OPTIONS_ACL_MASK:
		opts->acl.op = AOE_ACL_MASK_READ;
		if (m->edit == NULL)
			return 0;
		opts->acl.op = AOE_ACL_MASK_EDIT;
		if (aoe_acl_dirs_parse(m->edit, &opts->acl, why, sizeof(why)) != 0)
			return aoe_errf(err, errlen, "--edit: %s", why);
		return 0;
	case OPTIONS_ACL_RESERVE:
		opts->acl.op = m->force ? AOE_ACL_RESERVE_FORCE : AOE_ACL_RESERVE;
		return 0;
	case OPTIONS_ACL_RELEASE:
		opts->acl.op = m->force ? AOE_ACL_RELEASE_FORCE : AOE_ACL_RELEASE;
		return 0;
	default:
		opts->acl.op = AOE_ACL_RESERVE_READ;
		return 0;
	}
}

static int
acl_action(struct options *opts, enum options_acl_action a, const char *target, char *err,
	   size_t errlen)
{
	if (opts->acl_action != OPTIONS_ACL_NONE)
		return aoe_errf(err, errlen,
				"--%s and --%s: allowed: one action (--config-string, --mask, "
				"--reserve, --release or --reservation) per run",
				acl_options[opts->acl_action], acl_options[a]);
	if (target[0] == '\0' || strlen(target) >= AOE_NAME_MAX)
		return aoe_errf(err, errlen,
				"--%s: bad target '%s'; allowed: e{shelf}.{slot}, e.g. e1.1",
				acl_options[a], target);
	opts->acl_action = a;
	strcpy(opts->acl_target, target);
	return 0;
}

/* A command-line setting: its validator's message gets the option's name in front. */
static int
set_arg(struct options *opts, enum options_id id, const char *value, char *err, size_t errlen)
{
	char why[512];

	if (options_set(opts, id, value, why, sizeof(why)) != 0)
		return aoe_errf(err, errlen, "--%s: %s", setting_options[id], why);
	return 0;
}

int
options_parse_args(int argc, char **argv, struct options *opts, char *err, size_t errlen)
{
	struct acl_modifiers mods = {0};
	int c, ret;

	options_init(opts);
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
		if (c >= OPT_SETTING && c < OPT_SETTING + OPTIONS_NB) {
			ret = set_arg(opts, (enum options_id)(c - OPT_SETTING), optarg, err,
				      errlen);
			if (ret != 0)
				return ret;
			continue;
		}
		if (c > OPT_ACL_ACTION && c <= OPT_ACL_ACTION + OPTIONS_ACL_RESERVATION) {
			ret = acl_action(opts, (enum options_acl_action)(c - OPT_ACL_ACTION),
					 optarg, err, errlen);
			if (ret != 0)
				return ret;
			continue;
		}
		switch (c) {
		case OPT_SET:
			mods.set = optarg;
			break;
		case OPT_TEST:
			mods.test = optarg;
			break;
		case OPT_TEST_PREFIX:
			mods.test_prefix = optarg;
			break;
		case OPT_EDIT:
			mods.edit = optarg;
			break;
		case OPT_FORCE:
			mods.force = true;
			break;
		case OPT_HELP:
			opts->help = true;
			break;
		case OPT_CONFIG:
			if (opts->config != NULL)
				return aoe_errf(err, errlen,
						"--config: given twice; allowed: one file");
			if (*optarg == '\0')
				return aoe_errf(
					err, errlen,
					"--config: empty file name; allowed: a file's path");
			opts->config = optarg;
			break;
		case OPT_NO_CONFIG:
			opts->no_config = true;
			break;
		case ':':
			return aoe_errf(err, errlen, "%s: missing argument", argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < OPT_SETTING)
				return aoe_errf(err, errlen, "unknown option '-%c'; allowed: %s",
						optopt, ALLOWED_OPTIONS);
			return aoe_errf(err, errlen, "unknown option '%s'; allowed: %s",
					argv[optind - 1], ALLOWED_OPTIONS);
		}
	}
	if (optind < argc)
		return aoe_errf(err, errlen, "unexpected argument '%s'; allowed: %s", argv[optind],
				ALLOWED_OPTIONS);
	if (opts->config != NULL && opts->no_config)
		return aoe_errf(err, errlen,
				"--config and --no-config: allowed: one of them (--no-config reads "
				"no file, --config FILE reads FILE)");
	return acl_resolve(opts, &mods, err, errlen);
}

static int
parse(int argc, char **argv, void *opts, char *err, size_t errlen)
{
	return options_parse_args(argc, argv, opts, err, errlen);
}

int
options_parse_cmdline(int argc, char **argv, struct options *opts, char *err, size_t errlen)
{
	static const struct aoe_app_cmdline cmdline = {
		.prog = "dpdk-aoe",
		.synopsis = "[options]",
		.shortopts = "+:h",
		.longopts = long_options,
		.needs_options = false,
		.parse = parse,
	};
	bool help;
	int rc;

	options_init(opts);
	rc = aoe_app_cmdline(&cmdline, argc, argv, opts, &help, err, errlen);
	/* The parser finds -h in a group of letters ("-hh") that the split does not see. */
	opts->help = opts->help || help;
	return rc;
}

int
options_check(const struct options *opts, char *err, size_t errlen)
{
	if (opts->json && !opts->status)
		return aoe_errf(err, errlen,
				"--json (json = true): allowed only with --status (status = true)");
	if (opts->nb_nbd > 0 && opts->status)
		return aoe_errf(err, errlen,
				"--nbd (nbd = ...) and --status: allowed: one of them (--status "
				"prints and exits; --nbd serves until stopped)");
	if (opts->acl_action != OPTIONS_ACL_NONE &&
	    (opts->status || opts->nb_nbd > 0 || opts->json))
		return aoe_errf(
			err, errlen,
			"--%s with --status, --json or --nbd (status, json or nbd = ...): allowed: "
			"one of them (--%s acts on one target, prints the outcome and exits; "
			"--no-config leaves the configuration file's out)",
			acl_options[opts->acl_action], acl_options[opts->acl_action]);
	return 0;
}

int
options_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen)
{
	int ret = options_parse_args(argc, argv, opts, err, errlen);

	return ret != 0 ? ret : options_check(opts, err, errlen);
}

void
options_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [EAL options] -- [options]\n"
		"\n"
		"User-space poll-mode ATA over Ethernet initiator.\n"
		"\n"
		"Ports: all probed ports. dpdk-aoe drives every port the EAL makes from the\n"
		"devices given to it (-a PCI_ADDRESS, --vdev ...); a device that makes none is\n"
		"an error. It polls with as many lcores as the ports have queue pairs.\n"
		"\n"
		"Options:\n"
		"  --iflist PORTS          of those ports, the ones AoE may use: DPDK port ids\n"
		"                          or names (e.g. net_af_packet0), separated by commas\n"
		"                          or spaces (default: every port)\n"
		"  --maxout N              frames outstanding per target, %d..%d (default %d;\n"
		"                          also capped by each target's buffer count)\n"
		"  --mtu N                 size frames for MTU N, %u..%u, on links whose port\n"
		"                          does not report it (memif; default: each port's own)\n"
		"  --deadsecs S            seconds without an answer before a target is down,\n"
		"                          0..%d, 0 = retry forever (default %d)\n"
		"  --discover-interval S   seconds between discovery broadcasts, 0..%d,\n"
		"                          0 = only at start (default %d)\n"
		"  --status                discover, print the targets and exit\n"
		"  --json                  with --status: print JSON\n"
		"  --discover-wait MS      how long --status (or an action) listens for targets,\n"
		"                          1..%d (default %d)\n"
		"  --nbd ADDRESS           serve every target as an NBD export on ADDRESS:\n"
		"                          unix:PATH or tcp:HOST:PORT (no authentication: bind\n"
		"                          TCP to loopback or a storage network); repeatable,\n"
		"                          at most %d\n"
		"  --config FILE           read settings from FILE; the command line overrides\n"
		"                          them (default: %s, if it exists)\n"
		"  --no-config             read no configuration file\n"
		"\n"
		"Access control (one action per run: discover, act on one target, print the\n"
		"outcome and exit 0 when done, 1 when refused or unanswered):\n"
		"  --config-string NAME    read target NAME's config string (e.g. e1.1)\n"
		"    --set STRING          set it if it is empty (refused if another is there)\n"
		"    --set STRING --force  set it whatever it holds\n"
		"    --test STRING         exit 0 if it is exactly STRING, else 1\n"
		"    --test-prefix STRING  exit 0 if it starts with STRING, else 1\n"
		"  --mask NAME             read NAME's MAC mask list (empty: open to all)\n"
		"    --edit +MAC,-MAC,...  add (+) and delete (-) MACs in it\n"
		"  --reserve NAME          reserve NAME for this initiator's MACs on every path\n"
		"                          (--force: take it from another initiator)\n"
		"  --release NAME          release it (--force: whoever holds it)\n"
		"  --reservation NAME      print who holds NAME's reservation\n"
		"  -h, --help              print this help and exit\n"
		"\n"
		"Without --status, runs until SIGINT or SIGTERM and prints a line on stdout\n"
		"whenever a target comes up or goes down.\n",
		prog, 1, AOE_MAXOUT_MAX, AOE_MAXOUT_DEFAULT, AOE_MTU_MIN, AOE_MTU_MAX,
		AOE_DEADSECS_MAX, AOE_DEADSECS_DEFAULT, AOE_DISCOVER_INTERVAL_MAX,
		AOE_DISCOVER_INTERVAL_DEFAULT, OPTIONS_WAIT_MAX_MS, OPTIONS_WAIT_DEFAULT_MS,
		OPTIONS_NBD_MAX, DPDK_AOE_CONFIG_DEFAULT);
}

/* A number that fits a port id: then the entry is an id, not a name. */
static bool
entry_is_id(const char *s, uint16_t *id)
{
	uint64_t v;

	if (aoe_app_parse_u64(s, 0, UINT16_MAX, &v) != 0)
		return false;
	*id = (uint16_t)v;
	return true;
}

int
options_resolve_ports(const struct options *opts, const struct options_port_ops *ops,
		      uint16_t *ports, uint16_t *nb_ports, char *err, size_t errlen)
{
	unsigned int i, j, line = opts->line[OPTIONS_IFLIST];
	char where[512];
	uint16_t id, n = 0;

	/* The file and line of the iflist key, or the option. */
	if (line != 0 && opts->file != NULL)
		snprintf(where, sizeof(where), "%s:%u: iflist", opts->file, line);
	else
		snprintf(where, sizeof(where), "--iflist");
	for (i = 0; i < opts->nb_ifs; i++) {
		const char *e = opts->ifs[i];

		if (entry_is_id(e, &id)) {
			if (!ops->id_valid(id, ops->arg)) {
				aoe_errf(err, errlen,
					 "%s: no port with id %s; allowed: the ids or names of "
					 "the ports the EAL probed",
					 where, e);
				return -ENODEV;
			}
		} else if (ops->by_name(e, &id, ops->arg) != 0) {
			aoe_errf(err, errlen,
				 "%s: no port named '%s'; allowed: the ids or names of the ports "
				 "the EAL probed",
				 where, e);
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
