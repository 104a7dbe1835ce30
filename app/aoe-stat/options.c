/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "aoe_app.h"
#include "stat_options.h"

void
stat_options_usage(FILE *f)
{
	fprintf(f,
		"usage: aoe-stat [--file-prefix PREFIX] [-v] [--json] [--follow] [--help]\n"
		"\n"
		"Show the AoE targets of a running dpdk-aoe or aoe-perf, read from its statistics\n"
		"region (/var/run/dpdk/PREFIX/aoe_stats). Needs no EAL and no hugepages.\n"
		"\n"
		"  --file-prefix P  the initiator's EAL --file-prefix (default: the only one "
		"running)\n"
		"  -v, --verbose    per-target counters below each row; the NBD server's\n"
		"                   connections and per-export counters after them\n"
		"  --json           one JSON object: program, pid, targets with counters, lcores\n"
		"  --follow         print the error stream live until SIGINT/SIGTERM or the\n"
		"                   initiator exits\n"
		"  -h, --help       this text\n"
		"\n"
		"Exit status: 0 success, 1 no such initiator or an output error, 2 bad options.\n");
}

int
stat_options_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{"file-prefix", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'j'},
		{"follow", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	memset(o, 0, sizeof(*o));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	/* 0, not 1: glibc then also forgets the state of an earlier scan. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (optarg[0] == '\0' || strchr(optarg, '/') != NULL ||
			    strlen(optarg) > STAT_PREFIX_MAX)
				return aoe_errf(err, errlen,
						"--file-prefix: bad prefix '%s'; allowed: a DPDK "
						"file prefix, no '/'",
						optarg);
			strcpy(o->prefix, optarg);
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'f':
			o->follow = true;
			break;
		case 'h':
			o->help = true;
			return 0;
		default:
			return aoe_app_getopt_err(opt, argv, err, errlen);
		}
	}
	if (optind < argc)
		return aoe_errf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
	if (o->follow && (o->json || o->verbose))
		return aoe_errf(err, errlen,
				"--follow prints the error stream; it takes no --json or -v "
				"(see --help)");
	return 0;
}
