/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "perf_options.h"
#include "aoe_app.h"

enum {
	OPT_OFFSET = 256,
	OPT_SIZE,
	OPT_SEED,
	OPT_CHECK,
	OPT_JSON,
	OPT_DISCOVER_WAIT,
	OPT_MAXOUT,
	OPT_DEADSECS,
	OPT_MTU,
	OPT_ZCOPY,
};

/* The leading ':' makes getopt tell a missing argument (':') from an unknown option ('?'). */
static const char short_opts[] = ":hT:w:o:q:t:M:S:";

static const struct option long_opts[] = {
	{"help", no_argument, NULL, 'h'},
	{"offset", required_argument, NULL, OPT_OFFSET},
	{"size", required_argument, NULL, OPT_SIZE},
	{"seed", required_argument, NULL, OPT_SEED},
	{"check", no_argument, NULL, OPT_CHECK},
	{"json", no_argument, NULL, OPT_JSON},
	{"discover-wait", required_argument, NULL, OPT_DISCOVER_WAIT},
	{"maxout", required_argument, NULL, OPT_MAXOUT},
	{"deadsecs", required_argument, NULL, OPT_DEADSECS},
	{"mtu", required_argument, NULL, OPT_MTU},
	{"zcopy", no_argument, NULL, OPT_ZCOPY},
	{NULL, 0, NULL, 0},
};

static const char *const workload_names[] = {
	[PERF_WL_READ] = "read",
	[PERF_WL_WRITE] = "write",
	[PERF_WL_RANDREAD] = "randread",
	[PERF_WL_RANDWRITE] = "randwrite",
	[PERF_WL_RW] = "rw",
	[PERF_WL_RANDRW] = "randrw",
	[PERF_WL_VERIFY] = "verify",
	[PERF_WL_FLUSH] = "flush",
};

#define NB_WORKLOADS (sizeof(workload_names) / sizeof(workload_names[0]))

const char *
perf_workload_name(enum perf_workload wl)
{
	if ((unsigned int)wl >= NB_WORKLOADS)
		return "?";
	return workload_names[wl];
}

void
perf_options_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options] -- -T TARGET -w WORKLOAD -o IO_BYTES -q DEPTH [options]\n"
		"Ports: all probed ports, every port the EAL makes from the devices given to it\n"
		"(-a, --vdev; a device that makes none is an error). Lcores: the EAL's, as many "
		"as\n"
		"the ports have queue pairs (said on stderr when fewer); jobs run on the polling\n"
		"workers, or on the main lcore when it polls alone.\n"
		"  -T TARGET             target name, e{shelf}.{slot} (e.g. e1.1)\n"
		"  -w WORKLOAD           read, write, randread, randwrite, rw, randrw, verify or "
		"flush\n"
		"                        (flush: each I/O a FLUSH CACHE; -o and the region only "
		"count\n"
		"                        them)\n"
		"  -o IO_BYTES           bytes per I/O, a positive multiple of 512 (k/m/g "
		"suffixes)\n"
		"  -q DEPTH              I/Os in flight, 1-%u (split over the worker lcores)\n"
		"  -t SECONDS            run time; without it a run makes one pass over the "
		"region\n"
		"                        (random workloads: as many I/Os as one pass)\n"
		"  -M READ_PCT           share of reads in rw and randrw, 0-100 (default %u)\n"
		"  --offset BYTES        start of the region, multiple of 512 (default 0)\n"
		"  --size BYTES          length of the region, multiple of 512 (default: to the "
		"end)\n"
		"  --seed N              XOR-ed into the data pattern (default 0)\n"
		"  --check               verify every sector read against the pattern\n"
		"  --zcopy               zero-copy reads: the data stays in the response frames,\n"
		"                        checked there (--check, -w verify), then released\n"
		"  --json                print the result as one JSON object\n"
		"  -S SECONDS            a progress line on stderr every SECONDS\n"
		"  --discover-wait MS    how long to wait for the target to come up (default %u)\n"
		"  --maxout N            frames outstanding per target and lcore, 1-%u (default "
		"128)\n"
		"  --deadsecs S          fail I/O unanswered for S seconds, 0-%u, 0 = never "
		"(default 180)\n"
		"  --mtu N               size frames for MTU N, %u-%u, on links whose port will "
		"not\n"
		"                        take it (memif carries chained buffers); default: each "
		"port's\n"
		"  -h, --help            this text\n",
		prog, PERF_DEPTH_MAX, PERF_READ_PCT_DEFAULT, PERF_DISCOVER_WAIT_DEFAULT,
		AOE_MAXOUT_MAX, AOE_DEADSECS_MAX, AOE_MTU_MIN, AOE_MTU_MAX);
}

/* An unsigned whole number within [min, max] that fits an unsigned int. */
static int
parse_uint_range(const char *s, uint64_t min, uint64_t max, unsigned int *out)
{
	uint64_t v;

	if (aoe_app_parse_u64(s, min, max, &v) != 0)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int
parse_workload(const char *s, enum perf_workload *wl)
{
	unsigned int i;

	for (i = 0; i < NB_WORKLOADS; i++) {
		if (strcmp(s, workload_names[i]) == 0) {
			*wl = (enum perf_workload)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The option as the user spelled it, for messages: "-q" or "--maxout". */
static const char *
opt_name(int c, char *buf, size_t len)
{
	unsigned int i;

	if (c > 0 && c < 256) {
		snprintf(buf, len, "-%c", c);
		return buf;
	}
	for (i = 0; long_opts[i].name != NULL; i++) {
		if (long_opts[i].val == c) {
			snprintf(buf, len, "--%s", long_opts[i].name);
			return buf;
		}
	}
	return "an option";
}

int
perf_options_parse(int argc, char **argv, struct perf_opts *o, char *err, size_t errlen)
{
	bool have_target = false, have_wl = false, have_io = false, have_depth = false;
	bool have_pct = false;
	char name[32];
	unsigned int u;
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->read_pct = PERF_READ_PCT_DEFAULT;
	o->discover_wait_ms = PERF_DISCOVER_WAIT_DEFAULT;
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	/* 0, not 1: glibc then also forgets the state of a previous scan (the EAL's). */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			o->help = true;
			return 0;
		case 'T':
			if (optarg[0] == '\0' || strlen(optarg) >= sizeof(o->target))
				return aoe_errf(err, errlen,
						"-T: '%s' is not a target name "
						"(e{shelf}.{slot}, e.g. e1.1)",
						optarg);
			strcpy(o->target, optarg);
			have_target = true;
			break;
		case 'w':
			if (parse_workload(optarg, &o->workload) != 0)
				return aoe_errf(err, errlen,
						"-w: unknown workload '%s' (read, write, "
						"randread, randwrite, rw, randrw, verify, flush)",
						optarg);
			have_wl = true;
			break;
		case 'o':
			if (aoe_app_parse_size(optarg, 1, PERF_IO_SIZE_MAX, &v) != 0 ||
			    v % AOE_SECTOR_SIZE != 0)
				return aoe_errf(err, errlen,
						"-o: '%s' is not a valid I/O size (a "
						"positive multiple of 512 bytes, at most %llu MiB)",
						optarg, PERF_IO_SIZE_MAX >> 20);
			o->io_size = v;
			have_io = true;
			break;
		case 'q':
			if (parse_uint_range(optarg, 1, PERF_DEPTH_MAX, &o->depth) != 0)
				return aoe_errf(err, errlen,
						"-q: '%s' is not a valid queue depth "
						"(1-%u)",
						optarg, PERF_DEPTH_MAX);
			have_depth = true;
			break;
		case 't':
			if (parse_uint_range(optarg, 1, 1000000, &o->seconds) != 0)
				return aoe_errf(err, errlen,
						"-t: '%s' is not a valid run time "
						"(whole seconds, 1-1000000)",
						optarg);
			break;
		case 'M':
			if (parse_uint_range(optarg, 0, 100, &o->read_pct) != 0)
				return aoe_errf(err, errlen,
						"-M: '%s' is not a valid read percentage "
						"(0-100)",
						optarg);
			have_pct = true;
			break;
		case 'S':
			if (parse_uint_range(optarg, 1, 1000000, &o->progress_s) != 0)
				return aoe_errf(err, errlen,
						"-S: '%s' is not a valid progress interval "
						"(whole seconds, 1-1000000)",
						optarg);
			break;
		case OPT_OFFSET:
			if (aoe_app_parse_size(optarg, 0, UINT64_MAX, &o->offset) != 0 ||
			    o->offset % AOE_SECTOR_SIZE != 0)
				return aoe_errf(err, errlen,
						"--offset: '%s' is not a valid offset (bytes, "
						"a multiple of 512)",
						optarg);
			break;
		case OPT_SIZE:
			if (aoe_app_parse_size(optarg, 1, UINT64_MAX, &o->size) != 0 ||
			    o->size % AOE_SECTOR_SIZE != 0)
				return aoe_errf(err, errlen,
						"--size: '%s' is not a valid size (bytes, a "
						"positive multiple of 512)",
						optarg);
			break;
		case OPT_SEED:
			if (aoe_app_parse_u64(optarg, 0, UINT64_MAX, &o->seed) != 0)
				return aoe_errf(err, errlen,
						"--seed: '%s' is not a valid seed (an "
						"unsigned 64-bit number, decimal or 0x hex)",
						optarg);
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_ZCOPY:
			o->zcopy = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_DISCOVER_WAIT:
			if (parse_uint_range(optarg, 1, PERF_DISCOVER_WAIT_MAX,
					     &o->discover_wait_ms) != 0)
				return aoe_errf(err, errlen,
						"--discover-wait: '%s' is not a valid wait "
						"(milliseconds, 1-%u)",
						optarg, PERF_DISCOVER_WAIT_MAX);
			break;
		case OPT_MAXOUT:
			if (parse_uint_range(optarg, 1, AOE_MAXOUT_MAX, &o->maxout) != 0)
				return aoe_errf(err, errlen,
						"--maxout: '%s' is not a valid window "
						"(1-%u)",
						optarg, AOE_MAXOUT_MAX);
			break;
		case OPT_MTU:
			if (parse_uint_range(optarg, AOE_MTU_MIN, AOE_MTU_MAX, &o->mtu) != 0)
				return aoe_errf(err, errlen,
						"--mtu: '%s' is not a valid MTU (%u-%u)", optarg,
						AOE_MTU_MIN, AOE_MTU_MAX);
			break;
		case OPT_DEADSECS:
			if (parse_uint_range(optarg, 0, AOE_DEADSECS_MAX, &u) != 0)
				return aoe_errf(err, errlen,
						"--deadsecs: '%s' is not a valid time "
						"(whole seconds, 0-%u, 0 = never)",
						optarg, AOE_DEADSECS_MAX);
			o->deadsecs = u;
			o->deadsecs_set = true;
			break;
		case ':':
			return aoe_errf(err, errlen, "%s needs an argument (see --help)",
					optopt != 0 ? opt_name(optopt, name, sizeof(name))
						    : argv[optind - 1]);
		case '?':
		default:
			/* getopt_long names a long option given an argument it does not take. */
			if (optopt >= 256)
				return aoe_errf(err, errlen, "%s takes no argument (see --help)",
						opt_name(optopt, name, sizeof(name)));
			if (optopt != 0)
				return aoe_errf(err, errlen, "unknown option -%c (see --help)",
						optopt);
			return aoe_errf(err, errlen, "unknown option '%s' (see --help)",
					argv[optind - 1]);
		}
	}
	if (optind < argc)
		return aoe_errf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);

	if (!have_target)
		return aoe_errf(err, errlen, "-T TARGET is required (e.g. -T e1.1)");
	if (!have_wl)
		return aoe_errf(err, errlen,
				"-w WORKLOAD is required (read, write, randread, "
				"randwrite, rw, randrw, verify, flush)");
	if (!have_io)
		return aoe_errf(err, errlen,
				"-o IO_BYTES is required (a positive multiple of 512)");
	if (!have_depth)
		return aoe_errf(err, errlen, "-q DEPTH is required (1-%u)", PERF_DEPTH_MAX);
	if (have_pct && o->workload != PERF_WL_RW && o->workload != PERF_WL_RANDRW)
		return aoe_errf(err, errlen,
				"-M: only the rw and randrw workloads mix reads and "
				"writes (got -w %s)",
				perf_workload_name(o->workload));
	if (o->zcopy && !perf_workload_reads(o->workload))
		return aoe_errf(
			err, errlen,
			"--zcopy: only workloads that read take zero-copy reads (got -w %s)",
			perf_workload_name(o->workload));
	return 0;
}

static int
parse(int argc, char **argv, void *opts, char *err, size_t errlen)
{
	return perf_options_parse(argc, argv, opts, err, errlen);
}

int
perf_options_cmdline(int argc, char **argv, struct perf_opts *o, char *err, size_t errlen)
{
	static const struct aoe_app_cmdline cmdline = {
		.prog = "aoe-perf",
		.synopsis = "-T TARGET -w WORKLOAD -o IO_BYTES -q DEPTH",
		.shortopts = short_opts,
		.longopts = long_opts,
		.needs_options = true,
		.parse = parse,
	};
	bool help;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = aoe_app_cmdline(&cmdline, argc, argv, o, &help, err, errlen);
	/* The parser finds -h in a group of letters ("-hq") that the split does not see. */
	o->help = o->help || help;
	return rc;
}

int
perf_region_resolve(const struct perf_opts *o, uint64_t target_bytes, struct perf_region *r,
		    char *err, size_t errlen)
{
	uint64_t size;

	if (o->offset >= target_bytes) {
		snprintf(err, errlen,
			 "--offset %" PRIu64 " is at or past the end of target %s "
			 "(%" PRIu64 " bytes)",
			 o->offset, o->target, target_bytes);
		return -ERANGE;
	}
	size = o->size != 0 ? o->size : target_bytes - o->offset;
	if (size > target_bytes - o->offset) {
		snprintf(err, errlen,
			 "--offset %" PRIu64 " --size %" PRIu64 " ends past the end "
			 "of target %s (%" PRIu64 " bytes)",
			 o->offset, size, o->target, target_bytes);
		return -ERANGE;
	}
	if (size % AOE_SECTOR_SIZE != 0) {
		snprintf(err, errlen, "region size %" PRIu64 " is not a multiple of 512", size);
		return -ERANGE;
	}
	r->offset = o->offset;
	r->size = size;
	/* Rounded up without adding first: a region of nearly 2^64 bytes does not wrap. */
	r->nb_ios = size / o->io_size + (size % o->io_size != 0);
	return 0;
}
