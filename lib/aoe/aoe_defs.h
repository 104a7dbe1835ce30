/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * What a program knows of the engine without DPDK: its limits and defaults and the target
 * states. aoe.h includes this header; the DPDK-free parts (the statistics region's reader,
 * aoe-stat, the programs' option parsers) include it alone, so a limit is written here once
 * and never copied behind a static_assert. (How states, target order and MACs are shown:
 * aoe_names.h, not installed.)
 */
#ifndef AOE_DEFS_H
#define AOE_DEFS_H

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

/** Target states, as aoe-stat prints them. */
enum aoe_target_state {
	AOE_TARGET_PROBING, /**< config seen, IDENTIFY outstanding */
	AOE_TARGET_UP,
	AOE_TARGET_DOWN,	   /**< unanswered for deadsecs, or IDENTIFY failed */
	AOE_TARGET_DOWN_CLOSEWAIT, /**< went down while open: stays down until closed */
};

#ifdef __cplusplus
}
#endif

#endif /* AOE_DEFS_H */
