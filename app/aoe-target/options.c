/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-target's command line, parsed before the EAL starts: a typo costs no device probing, and
 * --help needs no EAL. Nothing here calls the EAL; the ports named by --port are checked
 * against the EAL's once it runs (main.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_app.h"
#include "aoe_target.h"

enum {
	OPT_DISK = 256,
	OPT_BUFCNT,
	OPT_FAULT,
	OPT_PORT,
	OPT_SECTORS,
	OPT_LBA28,
	OPT_CONFIG,
	OPT_SILENT_AFTER,
	OPT_SILENT_FOR,
	OPT_SEED,
	OPT_MBUF_SIZE,
	OPT_ABORT_FLUSH_EXT,
	OPT_AOE_ERROR,
	OPT_SERIAL,
	OPT_HELP,
};

/* '+': stop at the first word that is no option; ':': tell a missing value from a typo. */
static const char short_opts[] = "+:h";

static const struct option long_opts[] = {
	{"disk", required_argument, NULL, OPT_DISK},
	{"bufcnt", required_argument, NULL, OPT_BUFCNT},
	{"fault", required_argument, NULL, OPT_FAULT},
	{"port", required_argument, NULL, OPT_PORT},
	{"sectors", required_argument, NULL, OPT_SECTORS},
	{"lba28", no_argument, NULL, OPT_LBA28},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"silent-after", required_argument, NULL, OPT_SILENT_AFTER},
	{"silent-for", required_argument, NULL, OPT_SILENT_FOR},
	{"seed", required_argument, NULL, OPT_SEED},
	{"mbuf-size", required_argument, NULL, OPT_MBUF_SIZE},
	{"abort-flush-ext", no_argument, NULL, OPT_ABORT_FLUSH_EXT},
	{"aoe-error", required_argument, NULL, OPT_AOE_ERROR},
	{"serial", required_argument, NULL, OPT_SERIAL},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

void
tgt_options_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options] -- --disk SHELF.SLOT=BACKEND [--disk ...] [options]\n"
		"  --disk SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH\n"
		"                      a disk; SIZE in bytes or with k/m/g/t (powers of 1024), a\n"
		"                      non-zero multiple of 512; shelf 0-65534, slot 0-254\n"
		"  --bufcnt N          buffer count in config answers, 1-65535 (default 256)\n"
		"  --sectors N         sectors per ATA frame, 1-%u (default (MTU - 36) / 512; "
		"memif\n"
		"                      jumbo: give it, a frame must fit one memif buffer)\n"
		"  --lba28             act as an LBA28-only disk: no LBA48 in IDENTIFY, EXT\n"
		"                      commands aborted, at most 2^28 - 1 sectors\n"
		"  --port P            serve only port P (repeatable; default every port)\n"
		"  --config STR        initial config string of every disk (at most %u bytes)\n"
		"  --fault SPEC        drop=P,dup=P,reorder=P,corrupt=P,corrupt-hdr=P,delay=USEC;\n"
		"                      P in [0,1] or N%%; corrupt flips a data or tag bit,\n"
		"                      corrupt-hdr a bit of shelf, slot, command, tag or ATA "
		"fields\n"
		"                      lose-write=P: acknowledge writes without storing them\n"
		"  --seed N            seed of the fault PRNG (default 1)\n"
		"  --mbuf-size BYTES   mbuf data room, at least what the ports need (af_packet "
		"with\n"
		"                      a large framesz=: give at least that)\n"
		"  --silent-after N    stop answering after N ATA requests answered\n"
		"  --silent-for MS     come back MS milliseconds after going silent\n"
		"  --abort-flush-ext   abort FLUSH CACHE EXT although IDENTIFY offers it\n"
		"  --aoe-error N       answer every ATA request but IDENTIFY with AoE error N, "
		"1-6\n"
		"  --serial STR        IDENTIFY serial of every disk, at most 20 characters\n"
		"                      (default eSHELF.SLOT)\n"
		"  -h, --help          this text\n"
		"SIGUSR1 toggles silence; SIGUSR2 halves the sector count of every port without\n"
		"announcing it (a target restarted with a smaller MTU whose announcement was "
		"lost);\n"
		"SIGINT/SIGTERM exit and print the counters.\n"
		"Numbers are decimal or 0x hexadecimal. Exit status: 0, 1 (a run-time failure),\n"
		"2 (a usage error).\n",
		prog, (unsigned int)TGT_MAX_SECTORS, (unsigned int)AOE_CFG_STR_MAX);
}

/* A number option within [min, max], refused with its name and range. */
static int
number(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err,
       size_t errlen)
{
	if (aoe_app_parse_u64(s, min, max, out) != 0)
		return aoe_errf(err, errlen, "%s '%s': expected a whole number from %llu to %llu",
				opt, s, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* "0.25", "1", "25%" -> a threshold over the full 64-bit range (UINT64_MAX means always). */
static int
parse_prob(const char *s, uint64_t *threshold)
{
	char *end;
	double p;

	errno = 0;
	p = strtod(s, &end);
	if (errno != 0 || end == s || isnan(p))
		return -EINVAL;
	if (*end == '%') {
		p /= 100.0;
		end++;
	}
	if (*end != '\0' || p < 0.0 || p > 1.0)
		return -EINVAL;
	if (p >= 1.0)
		*threshold = UINT64_MAX;
	else
		*threshold = (uint64_t)(p * 18446744073709551616.0);
	return 0;
}

/* drop=P,dup=P,reorder=P,delay=USEC,corrupt=P,corrupt-hdr=P,lose-write=P; several --fault
 * options add up. */
static int
fault_parse(const char *spec, struct tgt_fault *f, char *err, size_t err_len)
{
	char buf[256];
	char *save = NULL, *item;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, err_len, "--fault: specification too long");
		return -EINVAL;
	}
	strcpy(buf, spec);
	for (item = strtok_r(buf, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		char *val = strchr(item, '=');
		uint64_t *target = NULL;

		if (val == NULL)
			goto bad;
		*val++ = '\0';
		if (strcmp(item, "drop") == 0)
			target = &f->drop;
		else if (strcmp(item, "dup") == 0)
			target = &f->dup;
		else if (strcmp(item, "reorder") == 0)
			target = &f->reorder;
		else if (strcmp(item, "corrupt") == 0)
			target = &f->corrupt;
		else if (strcmp(item, "corrupt-hdr") == 0)
			target = &f->corrupt_hdr;
		else if (strcmp(item, "lose-write") == 0)
			target = &f->lose_write;
		else if (strcmp(item, "delay") == 0) {
			uint64_t us;

			if (aoe_app_parse_u64(val, 0, 10000000, &us) != 0) {
				snprintf(err, err_len,
					 "--fault delay='%s': expected microseconds, "
					 "0-10000000",
					 val);
				return -EINVAL;
			}
			f->delay_us = us;
			continue;
		} else
			goto bad;
		if (parse_prob(val, target) != 0) {
			snprintf(err, err_len,
				 "--fault %s='%s': expected a probability in [0,1] or "
				 "a percentage such as 5%%",
				 item, val);
			return -EINVAL;
		}
	}
	f->any = f->drop || f->dup || f->reorder || f->corrupt || f->corrupt_hdr || f->delay_us;
	return 0;
bad:
	snprintf(err, err_len,
		 "--fault '%s': expected a comma-separated list of drop=P, dup=P, "
		 "reorder=P, corrupt=P, corrupt-hdr=P, lose-write=P (P in [0,1] or N%%) and "
		 "delay=USEC",
		 spec);
	return -EINVAL;
}

int
tgt_options_parse(int argc, char **argv, struct tgt_ctx *ctx, char *err, size_t errlen)
{
	struct tgt_opts *o = &ctx->opts;
	uint64_t v;
	int c, rc;

	memset(o, 0, sizeof(*o));
	ctx->bufcnt = 256;
	o->seed = 1;
	if (ctx->disks == NULL)
		ctx->disks = calloc(TGT_MAX_DISKS, sizeof(*ctx->disks));
	if (ctx->disks == NULL)
		return aoe_errf(err, errlen, "out of memory");
	/* 0, not 1: glibc then also forgets the state of an earlier scan. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		rc = 0;
		switch (c) {
		case OPT_DISK: {
			struct tgt_disk *d = &ctx->disks[ctx->n_disks];

			if (ctx->n_disks == TGT_MAX_DISKS)
				return aoe_errf(err, errlen, "--disk: at most %d disks",
						TGT_MAX_DISKS);
			if (tgt_disk_parse(optarg, d, err, errlen) != 0)
				return -EINVAL;
			for (unsigned int i = 0; i < ctx->n_disks; i++) {
				if (ctx->disks[i].shelf != d->shelf ||
				    ctx->disks[i].slot != d->slot)
					continue;
				aoe_errf(err, errlen, "--disk '%s': e%u.%u is given twice", optarg,
					 d->shelf, d->slot);
				/* Not counted in n_disks: the caller would not free its path. */
				tgt_disk_close(d);
				return -EINVAL;
			}
			ctx->n_disks++;
			break;
		}
		case OPT_BUFCNT:
			rc = number("--bufcnt", optarg, 1, UINT16_MAX, &v, err, errlen);
			ctx->bufcnt = (uint16_t)v;
			break;
		case OPT_FAULT:
			rc = fault_parse(optarg, &ctx->fault, err, errlen);
			break;
		case OPT_PORT:
			rc = number("--port", optarg, 0, RTE_MAX_ETHPORTS - 1, &v, err, errlen);
			if (rc == 0) {
				o->port_given = true;
				o->port_sel[v] = true;
			}
			break;
		case OPT_SECTORS:
			rc = number("--sectors", optarg, 1, TGT_MAX_SECTORS, &v, err, errlen);
			ctx->sectors_opt = (unsigned int)v;
			break;
		case OPT_LBA28:
			ctx->lba28 = true;
			break;
		case OPT_CONFIG:
			if (strlen(optarg) > AOE_CFG_STR_MAX)
				return aoe_errf(err, errlen, "--config: at most %d bytes, got %zu",
						AOE_CFG_STR_MAX, strlen(optarg));
			o->config = optarg;
			break;
		case OPT_SILENT_AFTER:
			rc = number("--silent-after", optarg, 1, UINT64_MAX, &ctx->silent_after,
				    err, errlen);
			break;
		case OPT_SILENT_FOR:
			rc = number("--silent-for", optarg, 1, 86400000, &ctx->silent_for_ms, err,
				    errlen);
			break;
		case OPT_SEED:
			rc = number("--seed", optarg, 0, UINT64_MAX, &o->seed, err, errlen);
			break;
		case OPT_MBUF_SIZE:
			rc = number("--mbuf-size", optarg, 2048,
				    UINT16_MAX - RTE_PKTMBUF_HEADROOM - 64, &v, err, errlen);
			o->mbuf_size = (uint32_t)v;
			break;
		case OPT_ABORT_FLUSH_EXT:
			ctx->abort_flush_ext = true;
			break;
		case OPT_AOE_ERROR:
			rc = number("--aoe-error", optarg, 1, 6, &v, err, errlen);
			ctx->aoe_error = (uint8_t)v;
			break;
		case OPT_SERIAL:
			if (strlen(optarg) > 20)
				return aoe_errf(err, errlen, "--serial '%s': at most 20 characters",
						optarg);
			ctx->serial = optarg;
			break;
		case OPT_HELP:
		case 'h':
			o->help = true;
			return 0;
		default:
			return aoe_app_getopt_err(c, argv, err, errlen);
		}
		if (rc != 0)
			return rc;
	}
	if (optind < argc)
		return aoe_errf(err, errlen,
				"unexpected argument '%s' (options start with --; see --help)",
				argv[optind]);
	if (ctx->n_disks == 0)
		return aoe_errf(err, errlen,
				"--disk SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH is required");
	return 0;
}

static int
parse(int argc, char **argv, void *ctx, char *err, size_t errlen)
{
	return tgt_options_parse(argc, argv, ctx, err, errlen);
}

int
tgt_options_cmdline(int argc, char **argv, struct tgt_ctx *ctx, char *err, size_t errlen)
{
	static const struct aoe_app_cmdline cmdline = {
		.prog = "aoe-target",
		.synopsis = "--disk SHELF.SLOT=BACKEND ...",
		.shortopts = short_opts,
		.longopts = long_opts,
		.needs_options = true,
		.parse = parse,
	};
	bool help;
	int rc;

	memset(&ctx->opts, 0, sizeof(ctx->opts));
	rc = aoe_app_cmdline(&cmdline, argc, argv, ctx, &help, err, errlen);
	/* The parser finds -h in a group of letters ("-hh") that the split does not see. */
	ctx->opts.help = ctx->opts.help || help;
	return rc;
}
