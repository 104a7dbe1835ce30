/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL's start and its ports, with reasons in words. The EAL prints its own messages (on
 * stderr); these say what they mean for the program, and what to do.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "aoe_app.h"
#include "aoe_app_eal.h"
#include "aoe_names.h"
#include "aoe_shm_read.h"

/* The --file-prefix among the EAL's arguments, or the EAL's default. */
static const char *
file_prefix(int argc, char **argv)
{
	const char *prefix = "rte";
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--file-prefix") == 0 && i + 1 < argc)
			prefix = argv[++i];
		else if (strncmp(argv[i], "--file-prefix=", 14) == 0)
			prefix = argv[i] + 14;
	}
	return prefix;
}

/* The pid that holds the EAL's lock on @prefix's shared configuration, or 0. */
static pid_t
prefix_holder(const char *prefix)
{
	char dir[4096], path[4096 + 16];
	struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int fd;

	if (aoe_shm_runtime_dir(prefix, dir, sizeof(dir)) != 0)
		return 0;
	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fcntl(fd, F_GETLK, &lk) != 0 || lk.l_type == F_UNLCK || lk.l_pid == getpid())
		lk.l_pid = 0;
	close(fd);
	return lk.l_pid;
}

int
aoe_app_eal_init(const char *prog, int argc, char **argv)
{
	const char *prefix = file_prefix(argc, argv);
	pid_t holder;
	int rc, err;

	rte_openlog_stream(stderr);
	rc = rte_eal_init(argc, argv);
	if (rc >= 0)
		return rc;
	err = rte_errno;
	if (err == EINVAL) {
		fprintf(stderr,
			"%s: the EAL refused its options (its message above says which; EAL "
			"options come before '--', %s's after it)\n",
			prog, prog);
		exit(AOE_APP_EXIT_USAGE);
	}
	/* The EAL leaves rte_errno unset when the prefix's lock is taken. */
	holder = prefix_holder(prefix);
	if (holder > 0)
		fprintf(stderr,
			"%s: cannot initialise the EAL: another DPDK process (pid %d) runs with "
			"--file-prefix %s; give this one a --file-prefix of its own\n",
			prog, (int)holder, prefix);
	else
		fprintf(stderr, "%s: cannot initialise the EAL: %s\n", prog,
			err != 0 ? rte_strerror(err) : "its messages above say why");
	exit(EXIT_FAILURE);
}

/* Whether the EAL made a port of the device @p name (a vdev's port bears its name; a PCI
 * device's ports are on the device of that name). */
static bool
device_has_port(const char *name)
{
	struct rte_eth_dev_info info;
	uint16_t port;

	if (rte_eth_dev_get_port_by_name(name, &port) == 0)
		return true;
	for (port = rte_eth_find_next(0); port < RTE_MAX_ETHPORTS;
	     port = rte_eth_find_next(port + 1)) {
		if (rte_eth_dev_info_get(port, &info) == 0 && info.device != NULL &&
		    strcmp(rte_dev_name(info.device), name) == 0)
			return true;
	}
	return false;
}

int
aoe_app_eal_ports(const char *prog)
{
	struct rte_devargs *da;
	char iface[IF_NAMESIZE + 1];
	unsigned int given = 0, failed = 0;

	RTE_EAL_DEVARGS_FOREACH(NULL, da)
	{
		const char *args = da->args != NULL ? da->args : "";

		if (da->policy == RTE_DEV_BLOCKED)
			continue;
		given++;
		if (device_has_port(da->name))
			continue;
		failed++;
		if (aoe_app_devarg(args, "iface", iface, sizeof(iface)) &&
		    if_nametoindex(iface) == 0)
			fprintf(stderr,
				"%s: device %s made no Ethernet port: interface %s (its iface=) "
				"does not exist\n",
				prog, da->name, iface);
		else
			fprintf(stderr,
				"%s: device %s%s%s made no Ethernet port (its driver's messages "
				"above say why)\n",
				prog, da->name, args[0] != '\0' ? "," : "", args);
	}
	if (failed != 0) {
		fprintf(stderr,
			"%s: %u of the %u devices given to the EAL made no port: every device "
			"given must work (remove the ones that cannot)\n",
			prog, failed, given);
		return -ENODEV;
	}
	if (rte_eth_dev_count_avail() > 0)
		return 0;
	fprintf(stderr,
		"%s: no Ethernet port: give the EAL a device (-a PCI_ADDRESS, or --no-pci "
		"--vdev net_af_packet0,iface=IFACE)\n",
		prog);
	return -ENODEV;
}

void
aoe_app_target_missing(const char *prog, const char *name, unsigned int wait_ms)
{
	char macs[AOE_MAX_PORTS * AOE_MAC_STR_MAX] = "", mac[AOE_MAC_STR_MAX];
	struct rte_ether_addr ea;
	unsigned int shown = 0;
	uint16_t port;

	/*
	 * Every port of the process, owned or not: the engine owns the ones it drives, which
	 * RTE_ETH_FOREACH_DEV would skip.
	 */
	for (port = (uint16_t)rte_eth_find_next(0); port < RTE_MAX_ETHPORTS;
	     port = (uint16_t)rte_eth_find_next(port + 1)) {
		if (shown == AOE_MAX_PORTS || rte_eth_macaddr_get(port, &ea) != 0)
			continue;
		aoe_mac_format(ea.addr_bytes, mac, sizeof(mac));
		snprintf(macs + strlen(macs), sizeof(macs) - strlen(macs), "%s%s",
			 shown++ ? ", " : "", mac);
	}
	fprintf(stderr,
		"%s: target %s not found after %u ms: no answer to discovery. Either it is not on "
		"this segment, or its MAC mask list leaves out this initiator (%s): such a target "
		"answers nothing\n",
		prog, name, wait_ms, macs);
}
