/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How every program and the engine show targets: the words for their states, the order they
 * are listed in, how a MAC is written, and what an ethdev error means. DPDK-free and private
 * (not installed): the engine, the statistics reader and the programs include it.
 */
#ifndef AOE_NAMES_H
#define AOE_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "aoe_defs.h"

#define AOE_MAC_STR_MAX 18 /* "aa:bb:cc:dd:ee:ff" and its NUL */

/* "probing", "up", "down", "down,closewait", or "unknown" for any other value. */
static inline const char *
aoe_state_name(uint32_t state)
{
	static const char *const names[] = {
		[AOE_TARGET_PROBING] = "probing",
		[AOE_TARGET_UP] = "up",
		[AOE_TARGET_DOWN] = "down",
		[AOE_TARGET_DOWN_CLOSEWAIT] = "down,closewait",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

/* The order every list of targets follows: by shelf, then slot, as numbers (e9.2 < e10.1). */
static inline int
aoe_target_order(uint16_t shelf_a, uint8_t slot_a, uint16_t shelf_b, uint8_t slot_b)
{
	if (shelf_a != shelf_b)
		return shelf_a < shelf_b ? -1 : 1;
	return slot_a < slot_b ? -1 : slot_a > slot_b;
}

/*
 * A MAC address as the kernel's aoe driver and aoetools write it: "aa:bb:cc:dd:ee:ff",
 * lower case (DPDK's RTE_ETHER_ADDR_PRT_FMT is upper case: the DPDK-side log uses that).
 */
static inline void
aoe_mac_format(const uint8_t *mac, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

/*
 * The words for what an ethdev call returned: DPDK's calls return -errno, but some drivers'
 * callbacks return -1 (memif's start when it cannot connect), which is no EPERM.
 */
static inline const char *
aoe_ethdev_strerror(int rc)
{
	return rc == -1 ? "the driver gave no reason (its messages above may)" : strerror(-rc);
}

#endif /* AOE_NAMES_H */
