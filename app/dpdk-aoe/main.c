/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe: the AoE initiator daemon.
 *
 *   dpdk-aoe [EAL options] -- [options]
 *
 * Settings come from the defaults, then the configuration file (--config FILE, or the default
 * one if it exists), then the command line, which wins.
 *
 * With --status it discovers for a while, prints the targets and exits; with an access-control
 * action (--config-string, --mask, --reserve, --release, --reservation) it discovers the
 * target, acts on it, prints the outcome and exits. Otherwise every EAL
 * lcore polls the engine until SIGINT or SIGTERM; the main lcore is also the management lcore
 * and prints a line whenever a target comes up or goes down.
 */
#include <errno.h>
#include <limits.h>
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

#include "aoe_app.h"
#include "aoe_app_eal.h"
#include "aoe_app_engine.h"
#include "aoe_app_status.h"
#include "aoe_shm_read.h"
#include "config.h"
#include "options.h"
#include "status.h"

/* How much longer --status listens while a target is still answering its IDENTIFY. */
#define PROBING_GRACE_MS 2000
/* How often --status looks at the target table while it waits for probing targets. */
#define PROBING_CHECK_MS 10
/* How long an action listens after its target first answered: its other paths answer too. */
#define ACL_PATHS_GRACE_MS 300

/* Set by the signal handler only; every polling lcore reads it. */
static volatile sig_atomic_t quit;
/* Set by the main lcore once the NBD server has answered what was in flight. */
static volatile int workers_stop;
/* How long SIGTERM waits for NBD requests in flight to be answered. */
#define NBD_DRAIN_MAX_MS 10000

_Static_assert(OPTIONS_NBD_MAX == AOE_NBD_MAX_LISTEN, "--nbd holds what the server listens on");

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

/* Exit through the EAL, which must be cleaned up once it has been initialised. */
static void __rte_noreturn
leave(int code)
{
	rte_eal_cleanup();
	exit(code);
}

/*
 * dpdk-aoe drives every port the EAL made from the devices it was given (all of them must
 * have made one: aoe_app_eal_ports()); --iflist is the allow list those ports start with.
 */
static void
fill_conf(const struct options *opts, struct aoe_conf *conf, uint16_t *allow, uint16_t *nb_allow)
{
	char err[256];
	const struct options_port_ops ops = {
		.id_valid = port_id_valid,
		.by_name = port_by_name,
	};

	aoe_conf_init(conf);
	conf->program = "dpdk-aoe";
	conf->all_ports = true;
	conf->maxout = opts->maxout;
	conf->mtu = opts->mtu;
	conf->deadsecs = opts->deadsecs;
	conf->discover_interval_s = opts->discover_interval_s;
	if (options_resolve_ports(opts, &ops, allow, nb_allow, err, sizeof(err)) != 0) {
		fprintf(stderr, "dpdk-aoe: %s\n", err);
		leave(AOE_APP_EXIT_USAGE);
	}
	if (opts->status || opts->acl_action != OPTIONS_ACL_NONE) {
		/* One-shot runs poll from the main lcore alone: no queue may be left unpolled. */
		conf->mgmt_lcore = rte_get_main_lcore();
		conf->nb_lcores = 1;
		conf->lcores[0] = conf->mgmt_lcore;
		return;
	}
	if (aoe_app_engine_lcores("dpdk-aoe", conf) != 0)
		leave(AOE_APP_EXIT_USAGE);
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
	struct aoe_shm_reader region;
	char path[PATH_MAX];
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

	/* aoe-stat's table and JSON, from this engine's statistics region as aoe-stat maps it. */
	snprintf(path, sizeof(path), "%s/%s", rte_eal_get_runtime_dir(), AOE_SHM_FILE);
	ret = aoe_shm_open(&region, NULL, path);
	if (ret != 0) {
		fprintf(stderr, "dpdk-aoe: %s\n", region.err);
		return EXIT_FAILURE;
	}
	ret = opts->json ? aoe_app_status_json(stdout, region.shm)
			 : aoe_app_status_table(stdout, region.shm, false);
	aoe_shm_close(&region);
	if (ret == 0)
		ret = aoe_app_flush(stdout);
	if (ret != 0) {
		fprintf(stderr, "dpdk-aoe: writing the status: %s\n", strerror(-ret));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* This process's port MACs: an action marks them in the lists it prints. */
static unsigned int
our_macs(struct aoe_acl_mac *macs, unsigned int max)
{
	uint16_t ids[AOE_MAX_PORTS];
	struct rte_ether_addr ea;
	unsigned int i, n, nb = 0;

	n = RTE_MIN(aoe_port_list(ids, NULL, AOE_MAX_PORTS), (unsigned int)AOE_MAX_PORTS);
	for (i = 0; i < n && nb < max; i++)
		if (rte_eth_macaddr_get(ids[i], &ea) == 0)
			memcpy(macs[nb++].bytes, ea.addr_bytes, sizeof(macs[0].bytes));
	return nb;
}

/*
 * A one-shot access-control action: listen until the target answered discovery (and a little
 * longer for its other paths), act on every path, print the outcome. Exit 0 when done, 1 when
 * refused, unanswered or not found.
 */
static int
run_acl(const struct options *opts)
{
	const char *name = opts->acl_target;
	uint64_t hz = rte_get_timer_hz();
	uint64_t end = rte_get_timer_cycles() + hz * opts->discover_wait_ms / 1000;
	uint64_t now, found_end = UINT64_MAX;
	struct aoe_acl_mac ours[AOE_MAX_PORTS];
	struct aoe_target_info info;
	struct aoe_acl_result *res;
	int rc;

	rc = aoe_target_info_get(name, &info);
	if (rc == -EINVAL) {
		fprintf(stderr, "dpdk-aoe: bad target '%s'; allowed: e{shelf}.{slot}, e.g. e1.1\n",
			name);
		return AOE_APP_EXIT_USAGE;
	}
	while (!quit) {
		if (aoe_lcore_poll() < 0)
			return EXIT_FAILURE;
		now = rte_get_timer_cycles();
		if (found_end == UINT64_MAX && aoe_target_info_get(name, &info) == 0)
			found_end = now + hz * ACL_PATHS_GRACE_MS / 1000;
		if (now >= end || now >= found_end)
			break;
	}
	if (quit)
		return EXIT_FAILURE;
	if (found_end == UINT64_MAX) {
		aoe_app_target_missing("dpdk-aoe", name, opts->discover_wait_ms);
		return EXIT_FAILURE;
	}
	res = malloc(sizeof(*res));
	if (res == NULL) {
		fprintf(stderr, "dpdk-aoe: out of memory for the answer\n");
		return EXIT_FAILURE;
	}
	rc = aoe_acl_run(name, &opts->acl, res);
	if (rc != 0) {
		fprintf(stderr, "dpdk-aoe: %s: %s: %s\n", name, aoe_acl_op_name(opts->acl.op),
			strerror(-rc));
		free(res);
		return EXIT_FAILURE;
	}
	rc = status_print_acl(stdout, stderr, name, &opts->acl, res, ours,
			      our_macs(ours, RTE_DIM(ours)));
	if (rc != 0)
		fprintf(stderr, "dpdk-aoe: writing the outcome: %s\n", strerror(-rc));
	rc = rc == 0 && res->status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	free(res);
	return rc;
}

/* Set once an event line could not be written: said once, and the exit status is 1. */
static int event_write_error;

static void
on_target_event(enum aoe_target_event event, const struct aoe_target_info *info, void *arg)
{
	int rc;

	RTE_SET_USED(arg);
	rc = status_print_event(stdout, time(NULL), event, info);
	if (rc != 0 && event_write_error == 0) {
		event_write_error = rc;
		/* The daemon keeps its targets: the log (stderr) still has every event. */
		fprintf(stderr, "dpdk-aoe: cannot write the event lines: %s\n", strerror(-rc));
	}
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
	unsigned int lcore, i;
	int ret, code = EXIT_SUCCESS;

	/* conf->lcores[0] is the main lcore; lcores the ports have no queue for stay idle. */
	for (i = 1; i < conf->nb_lcores; i++) {
		lcore = conf->lcores[i];
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
	for (i = 1; i < conf->nb_lcores; i++) {
		lcore = conf->lcores[i];
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
	uint16_t allow[AOE_MAX_PORTS], nb_allow = 0;
	char err[512];
	bool oneshot;
	int ret, code;

	/* A closed stdout would lose the output, and let the EAL's files take its place. */
	if (aoe_app_stdio_check() != 0) {
		fprintf(stderr, "dpdk-aoe: standard output is closed: the table or the event lines "
				"could not be written (redirect it to a file or /dev/null)\n");
		return EXIT_FAILURE;
	}
	/* Bad options are refused before the EAL takes hugepages, devices and time. */
	if (options_parse_cmdline(argc, argv, &cli, err, sizeof(err)) != 0) {
		fprintf(stderr, "dpdk-aoe: %s (see --help)\n", err);
		return AOE_APP_EXIT_USAGE;
	}
	/* --help works even when the configuration file is broken. */
	if (cli.help) {
		options_usage(stdout, "dpdk-aoe");
		return aoe_app_flush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	/* cli.config points into argv. */
	ret = config_load(&cli, options_config_default(), &opts, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "dpdk-aoe: %s (see --help)\n", err);
		return AOE_APP_EXIT_USAGE;
	}

	/* The EAL's log goes to stderr: stdout belongs to the status and event output. */
	aoe_app_eal_init("dpdk-aoe", argc, argv);
	if (aoe_app_eal_ports("dpdk-aoe") != 0)
		leave(EXIT_FAILURE);

	if (install_signals() != 0) {
		fprintf(stderr, "dpdk-aoe: cannot install signal handlers: %s\n", strerror(errno));
		leave(EXIT_FAILURE);
	}

	fill_conf(&opts, &conf, allow, &nb_allow);
	oneshot = opts.status || opts.acl_action != OPTIONS_ACL_NONE;
	if (!oneshot) {
		ret = aoe_target_event_register(on_target_event, NULL);
		if (ret != 0) {
			fprintf(stderr, "dpdk-aoe: aoe_target_event_register: %s\n",
				strerror(-ret));
			leave(EXIT_FAILURE);
		}
	}
	ret = aoe_init(&conf);
	if (ret != 0) {
		fprintf(stderr,
			"dpdk-aoe: cannot start the AoE engine: %s (the messages above say "
			"which port or resource failed)\n",
			strerror(-ret));
		leave(EXIT_FAILURE);
	}

	if (nb_allow != 0) {
		ret = aoe_iflist_set(allow, nb_allow);
		if (ret != 0) {
			fprintf(stderr, "dpdk-aoe: --iflist: %s\n", strerror(-ret));
			aoe_fini();
			leave(EXIT_FAILURE);
		}
	}
	if (!oneshot)
		start_nbd(&opts, &conf);
	if (opts.acl_action != OPTIONS_ACL_NONE)
		code = run_acl(&opts);
	else
		code = opts.status ? run_status(&opts) : run_daemon(&conf);
	if (event_write_error != 0)
		code = EXIT_FAILURE;

	aoe_nbd_fini();
	aoe_fini();
	leave(code);
}
