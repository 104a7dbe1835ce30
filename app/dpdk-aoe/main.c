/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe: the AoE initiator daemon.
 *
 *   dpdk-aoe [EAL options] -- [options]
 *
 * Settings come from the defaults, then the configuration file (--config FILE, or the default
 * one if it exists), then the command line, which wins.
 *
 * With --status it discovers for a while, prints the targets and exits. Otherwise every EAL
 * lcore polls the engine until SIGINT or SIGTERM; the main lcore is also the management lcore
 * and prints a line whenever a target comes up or goes down.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include <aoe.h>
#include <aoe_nbd.h>

#include "config.h"
#include "options.h"
#include "status.h"

/* options.c cannot include DPDK headers (its tests run without DPDK): keep the copies honest. */
_Static_assert(OPTIONS_MAX_IFS == AOE_MAX_PORTS, "--iflist holds AOE_MAX_PORTS ports");
_Static_assert(OPTIONS_IFNAME_MAX == RTE_ETH_NAME_MAX_LEN, "port names as ethdev spells them");
_Static_assert(OPTIONS_MAXOUT_DEFAULT == AOE_MAXOUT_DEFAULT, "same default as the engine");
_Static_assert(OPTIONS_MAXOUT_MAX == AOE_MAXOUT_MAX, "same cap as the engine");
_Static_assert(OPTIONS_DEADSECS_DEFAULT == AOE_DEADSECS_DEFAULT, "same default as the engine");
_Static_assert(OPTIONS_NBD_MAX == AOE_NBD_MAX_LISTEN, "--nbd holds what the server listens on");
_Static_assert(OPTIONS_DISCOVER_DEFAULT == AOE_DISCOVER_INTERVAL_DEFAULT,
	       "same default as the engine");

#define EXIT_USAGE 2
/* How much longer --status listens while a target is still answering its IDENTIFY. */
#define PROBING_GRACE_MS 2000
/* How often --status looks at the target table while it waits for probing targets. */
#define PROBING_CHECK_MS 10

/* Set by the signal handler only; every polling lcore reads it. */
static volatile sig_atomic_t quit;
/* Set by the main lcore once the NBD server has answered what was in flight. */
static volatile int workers_stop;
/* How long SIGTERM waits for NBD requests in flight to be answered. */
#define NBD_DRAIN_MAX_MS 10000

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	quit = 1;
}

static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
		return -errno;
	return 0;
}

static bool
port_id_valid(uint16_t port_id, void *arg)
{
	RTE_SET_USED(arg);
	return rte_eth_dev_is_valid_port(port_id) != 0;
}

static int
port_by_name(const char *name, uint16_t *port_id, void *arg)
{
	RTE_SET_USED(arg);
	return rte_eth_dev_get_port_by_name(name, port_id) == 0 ? 0 : -ENODEV;
}

/*
 * The application's options are what follows the first "--" (the EAL stops there too).
 * Returns a new argv whose [0] is the program name; NULL when out of memory.
 */
static char **
app_argv(int argc, char **argv, int *app_argc)
{
	char **out;
	int i, n = 1;

	out = calloc((size_t)argc + 1, sizeof(*out));
	if (out == NULL)
		return NULL;
	out[0] = argv[0];
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			break;
	for (i++; i < argc; i++)
		out[n++] = argv[i];
	*app_argc = n;
	return out;
}

/* Exit through the EAL, which must be cleaned up once it has been initialised. */
static void __rte_noreturn
leave(int code)
{
	rte_eal_cleanup();
	exit(code);
}

static void
fill_conf(const struct options *opts, struct aoe_conf *conf)
{
	char err[256];
	unsigned int lcore;
	const struct options_port_ops ops = {
		.id_valid = port_id_valid,
		.by_name = port_by_name,
	};

	aoe_conf_init(conf);
	conf->program = "dpdk-aoe";
	conf->maxout = opts->maxout;
	conf->deadsecs = opts->deadsecs;
	conf->discover_interval_s = opts->discover_interval_s;
	if (options_resolve_ports(opts, &ops, conf->ports, &conf->nb_ports, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "dpdk-aoe: %s\n", err);
		leave(EXIT_USAGE);
	}

	conf->mgmt_lcore = rte_get_main_lcore();
	conf->nb_lcores = 0;
	if (opts->status) {
		/* --status polls from the main lcore alone: no queue may be left unpolled. */
		conf->lcores[conf->nb_lcores++] = conf->mgmt_lcore;
		return;
	}
	RTE_LCORE_FOREACH(lcore)
	{
		if (conf->nb_lcores == AOE_MAX_LCORES) {
			fprintf(stderr, "dpdk-aoe: %u lcores given; allowed: at most %d (EAL -l)\n",
				rte_lcore_count(), AOE_MAX_LCORES);
			leave(EXIT_USAGE);
		}
		conf->lcores[conf->nb_lcores++] = lcore;
	}
}

static struct aoe_target_info *
list_targets(unsigned int *n)
{
	static struct aoe_target_info *list;
	unsigned int total;

	if (list == NULL) {
		list = calloc(AOE_MAX_TARGETS, sizeof(*list));
		if (list == NULL) {
			fprintf(stderr, "dpdk-aoe: out of memory for the target list\n");
			aoe_fini();
			leave(EXIT_FAILURE);
		}
	}
	total = aoe_target_list(list, AOE_MAX_TARGETS);
	*n = RTE_MIN(total, (unsigned int)AOE_MAX_TARGETS);
	return list;
}

static bool
any_probing(void)
{
	struct aoe_target_info *list;
	unsigned int i, n;

	list = list_targets(&n);
	for (i = 0; i < n; i++)
		if (list[i].state == AOE_TARGET_PROBING)
			return true;
	return false;
}

static int
run_status(const struct options *opts)
{
	uint64_t hz = rte_get_timer_hz();
	uint64_t now = rte_get_timer_cycles();
	uint64_t end = now + hz * opts->discover_wait_ms / 1000;
	uint64_t hard_end = end + hz * PROBING_GRACE_MS / 1000;
	uint64_t next_check = end;
	struct aoe_target_info *list;
	unsigned int n;
	int ret;

	while (!quit) {
		ret = aoe_lcore_poll();
		if (ret < 0) {
			fprintf(stderr, "dpdk-aoe: aoe_lcore_poll: %s\n", strerror(-ret));
			return EXIT_FAILURE;
		}
		now = rte_get_timer_cycles();
		if (now < end)
			continue;
		if (now >= hard_end)
			break;
		if (now >= next_check) {
			if (!any_probing())
				break;
			next_check = now + hz * PROBING_CHECK_MS / 1000;
		}
	}

	list = list_targets(&n);
	ret = opts->json ? status_print_json(stdout, list, n) : status_print_text(stdout, list, n);
	if (ret == 0 && fflush(stdout) != 0)
		ret = -EIO;
	if (ret != 0) {
		fprintf(stderr, "dpdk-aoe: writing the status: %s\n", strerror(-ret));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static void
on_target_event(enum aoe_target_event event, const struct aoe_target_info *info, void *arg)
{
	RTE_SET_USED(arg);
	status_print_event(stdout, time(NULL), event, info);
}

static int
worker_main(void *arg)
{
	int ret;

	RTE_SET_USED(arg);
	while (!workers_stop) {
		ret = aoe_lcore_poll();
		if (ret < 0)
			return ret;
		aoe_nbd_poll();
	}
	return 0;
}

/* The NBD server on every polling lcore, when --nbd asks for it. */
static void
start_nbd(const struct options *opts, const struct aoe_conf *conf)
{
	struct aoe_nbd_conf nc;
	unsigned int i;
	int ret;

	if (opts->nb_nbd == 0)
		return;
	memset(&nc, 0, sizeof(nc));
	for (i = 0; i < opts->nb_nbd; i++)
		nc.listen[nc.nb_listen++] = opts->nbd[i];
	for (i = 0; i < conf->nb_lcores && i < RTE_DIM(nc.lcores); i++)
		nc.lcores[nc.nb_lcores++] = conf->lcores[i];
	ret = aoe_nbd_init(&nc);
	if (ret != 0) {
		fprintf(stderr, "dpdk-aoe: --nbd: %s (the log above says which address)\n",
			strerror(-ret));
		aoe_fini();
		leave(EXIT_FAILURE);
	}
}

/* SIGTERM: the NBD server answers what is in flight while the lcores go on polling. */
static void
stop_nbd(void)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * NBD_DRAIN_MAX_MS / 1000;

	aoe_nbd_stop();
	while (!aoe_nbd_stopped() && rte_get_timer_cycles() < end) {
		if (aoe_lcore_poll() < 0)
			break;
		aoe_nbd_poll();
	}
	workers_stop = 1;
}

static int
run_daemon(const struct aoe_conf *conf)
{
	unsigned int lcore;
	int ret, code = EXIT_SUCCESS;

	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		ret = rte_eal_remote_launch(worker_main, NULL, lcore);
		if (ret != 0) {
			fprintf(stderr, "dpdk-aoe: cannot launch lcore %u: %s\n", lcore,
				strerror(-ret));
			quit = 1;
			workers_stop = 1;
			code = EXIT_FAILURE;
			break;
		}
	}
	fprintf(stderr,
		"dpdk-aoe: polling on %u lcore(s), management on lcore %u; "
		"SIGINT or SIGTERM stops\n",
		conf->nb_lcores, conf->mgmt_lcore);

	while (!quit) {
		ret = aoe_lcore_poll();
		if (ret < 0) {
			fprintf(stderr, "dpdk-aoe: aoe_lcore_poll: %s\n", strerror(-ret));
			quit = 1;
			code = EXIT_FAILURE;
		}
		aoe_nbd_poll();
	}
	stop_nbd();
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		ret = rte_eal_wait_lcore(lcore);
		if (ret < 0) {
			fprintf(stderr, "dpdk-aoe: lcore %u stopped: %s\n", lcore, strerror(-ret));
			code = EXIT_FAILURE;
		}
	}
	return code;
}

int
main(int argc, char **argv)
{
	struct options cli, opts;
	struct aoe_conf conf;
	char err[256];
	char **aargv;
	int aargc, ret, code;

	/* Bad options are refused before the EAL takes hugepages, devices and time. */
	aargv = app_argv(argc, argv, &aargc);
	if (aargv == NULL) {
		fprintf(stderr, "dpdk-aoe: out of memory\n");
		return EXIT_FAILURE;
	}
	if (options_parse_args(aargc, aargv, &cli, err, sizeof(err)) != 0) {
		fprintf(stderr, "dpdk-aoe: %s (see --help)\n", err);
		free(aargv);
		return EXIT_USAGE;
	}
	/* --help works even when the configuration file is broken. */
	if (cli.help) {
		free(aargv);
		options_usage(stdout, "dpdk-aoe");
		return EXIT_SUCCESS;
	}
	/* cli.config points into argv, which outlives aargv. */
	ret = config_load(&cli, options_config_default(), &opts, err, sizeof(err));
	free(aargv);
	if (ret != 0) {
		fprintf(stderr, "dpdk-aoe: %s (see --help)\n", err);
		return EXIT_USAGE;
	}

	/* The EAL logs to stdout by default; stdout belongs to the status and event output. */
	rte_openlog_stream(stderr);
	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "cannot initialise the EAL: %s\n", rte_strerror(rte_errno));

	if (install_signals() != 0) {
		fprintf(stderr, "dpdk-aoe: cannot install signal handlers: %s\n", strerror(errno));
		leave(EXIT_FAILURE);
	}

	fill_conf(&opts, &conf);
	if (!opts.status) {
		ret = aoe_target_event_register(on_target_event, NULL);
		if (ret != 0) {
			fprintf(stderr, "dpdk-aoe: aoe_target_event_register: %s\n",
				strerror(-ret));
			leave(EXIT_FAILURE);
		}
	}
	ret = aoe_init(&conf);
	if (ret != 0) {
		fprintf(stderr, "dpdk-aoe: aoe_init: %s%s\n", strerror(-ret),
			ret == -ENODEV ? " (no usable port: check the EAL device options and "
					 "--iflist)"
				       : "");
		leave(EXIT_FAILURE);
	}

	if (!opts.status)
		start_nbd(&opts, &conf);
	code = opts.status ? run_status(&opts) : run_daemon(&conf);

	aoe_nbd_fini();
	aoe_fini();
	leave(code);
}
