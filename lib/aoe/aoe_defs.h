/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * What a program knows of the engine without DPDK: its limits and defaults, the target states,
 * and how targets are ordered and their MACs written. aoe.h includes this header; the DPDK-free
 * parts (the statistics region's reader, aoe-stat, the programs' option parsers) include it
 * alone, so a limit is written here once and never copied behind a static_assert.
 */
#ifndef AOE_DEFS_H
#define AOE_DEFS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AOE_MAX_LCORES		      16 /**< workers and management */
#define AOE_MAX_PORTS		      16
#define AOE_MAX_TARGETS		      256
#define AOE_MAXOUT_DEFAULT	      128
#define AOE_MAXOUT_MAX		      1024 /**< per lcore and target */
#define AOE_DEADSECS_DEFAULT	      180
#define AOE_DEADSECS_MAX	      86400 /**< a day: what the programs accept */
#define AOE_DISCOVER_INTERVAL_DEFAULT 60
#define AOE_DISCOVER_INTERVAL_MAX     86400
#define AOE_MTU_MIN		      576
#define AOE_MTU_MAX		      9216
#define AOE_NAME_MAX		      16 /**< "e65535.255" and its NUL fit */
#define AOE_PORT_NAME_MAX	      64 /**< RTE_ETH_NAME_MAX_LEN, NUL included */
#define AOE_MAC_STR_MAX		      18 /**< "aa:bb:cc:dd:ee:ff" and its NUL */

/** Target states, as aoe-stat prints them. */
enum aoe_target_state {
	AOE_TARGET_PROBING, /**< config seen, IDENTIFY outstanding */
	AOE_TARGET_UP,
	AOE_TARGET_DOWN,	   /**< unanswered for deadsecs, or IDENTIFY failed */
	AOE_TARGET_DOWN_CLOSEWAIT, /**< went down while open: stays down until closed */
};

/** "probing", "up", "down", "down,closewait", or "unknown" for any other value. */
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

/** The order every list of targets follows: by shelf, then slot, as numbers (e9.2 < e10.1). */
static inline int
aoe_target_order(uint16_t shelf_a, uint8_t slot_a, uint16_t shelf_b, uint8_t slot_b)
{
	if (shelf_a != shelf_b)
		return shelf_a < shelf_b ? -1 : 1;
	return slot_a < slot_b ? -1 : slot_a > slot_b;
}

/**
 * A MAC address as the kernel's aoe driver and aoetools write it: "aa:bb:cc:dd:ee:ff",
 * lower case (DPDK's RTE_ETHER_ADDR_PRT_FMT is upper case: the DPDK-side log uses that).
 */
static inline void
aoe_mac_format(const uint8_t *mac, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

/**
 * The words for what an ethdev call returned: DPDK's calls return -errno, but some drivers'
 * callbacks return -1 (memif's start when it cannot connect), which is no EPERM.
 */
static inline const char *
aoe_ethdev_strerror(int rc)
{
	return rc == -1 ? "the driver gave no reason (its messages above may)" : strerror(-rc);
}

#ifdef __cplusplus
}
#endif

#endif /* AOE_DEFS_H */
