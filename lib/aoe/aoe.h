/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * libaoe: a poll-mode ATA over Ethernet initiator on DPDK.
 *
 * The application initialises the EAL, fills a struct aoe_conf and calls aoe_init(), which
 * configures and starts every allowed port with one RX and one TX queue per polling lcore.
 * Each lcore named in the configuration then calls aoe_lcore_poll() in its loop: it receives
 * a burst, completes frames and I/O (running completion callbacks on that lcore), runs its
 * timers and sends new frames. The management lcore also runs discovery, IDENTIFY and the
 * target state machine from the same call. Nothing in aoe_lcore_poll() blocks, locks or
 * allocates.
 *
 * Block I/O is reached through the bdev API (aoe_bdev.h). This header is for the process that
 * owns the engine: its set-up, its poll loop and the target table as seen by an operator; a
 * target's config string, MAC mask list and reservation are aoe_acl.h's, which it includes.
 *
 * Functions return 0 or a negative errno unless they say otherwise.
 */
#ifndef AOE_H
#define AOE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "aoe_acl.h"
#include "aoe_defs.h"
#include "aoe_stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Engine configuration; aoe_conf_init() fills the defaults. */
struct aoe_conf {
	uint16_t maxout;	      /**< window cap per target, also capped by its bufcnt */
	uint32_t deadsecs;	      /**< unanswered this long: target down; 0 = never */
	uint32_t discover_interval_s; /**< periodic discovery; 0 = at start and on demand only */
	uint16_t nb_ports;	      /**< ports AoE may use; 0 = every probed port */
	uint16_t ports[AOE_MAX_PORTS];
	unsigned int nb_lcores; /**< lcores that will call aoe_lcore_poll() */
	unsigned int lcores[AOE_MAX_LCORES];
	unsigned int mgmt_lcore; /**< one of lcores[]: runs discovery and the state machine */
	uint32_t nb_mbufs;	 /**< 0 = sized from maxout x targets x lcores */
	const char *program;	 /**< shown by aoe-stat; NULL = "" */
	uint16_t mtu;		 /**< 0 = each port's own; else frames sized for this MTU:
				  * set on the port if it accepts it, else trusted to the
				  * link (memif carries chained buffers past its 1500) */
};

/** Fill @p conf with defaults: every port, the calling lcore as the only (management) lcore. */
void aoe_conf_init(struct aoe_conf *conf);

/**
 * Set up the engine after rte_eal_init(): ports, queues, mempools and rings.
 * @return 0; -EINVAL (bad configuration: the log says which field), -ENODEV (no usable port),
 *         -ENOMEM, -EALREADY (already initialised), or a port's configuration error.
 */
int aoe_init(const struct aoe_conf *conf);

/** Stop the ports and release everything; outstanding I/O completes with -ECANCELED. */
void aoe_fini(void);

/**
 * One iteration of the calling lcore's poll loop.
 * @return the number of frames and I/O completions handled (0 = idle), or -EINVAL when the
 *         calling lcore is not one of aoe_conf.lcores.
 */
int aoe_lcore_poll(void);

/** Ask the management lcore to broadcast a query config on every allowed port. Any thread. */
void aoe_discover(void);

/**
 * Ask management to re-query a target's config and IDENTIFY it again (the kernel's
 * /dev/etherd/revalidate): a grown backing file shows its new size; another disk (a
 * different serial) takes the target down for its holders. Any thread.
 * @return 0, -EINVAL (malformed name), -ENOENT, or -EBUSY (down,closewait: it stays down until
 *         the applications that hold it close it).
 */
int aoe_revalidate(const char *name);

/**
 * Remove targets from the table, as the kernel's /dev/etherd/flush: @p what is "" (down targets
 * no application holds), "all" (every target no application holds) or a name (that target,
 * unless held). A flushed target comes back if it answers discovery again. Any thread; done by
 * the management lcore within a few milliseconds.
 * @return how many targets were marked, -EINVAL (malformed) or -ENOENT / -EBUSY for a name.
 */
int aoe_flush(const char *what);

/**
 * Replace the port allow list at run time: frames on other ports are ignored (and counted) from
 * now on, and no frame is sent through them. @p nb_ports 0 allows every port. Any thread.
 * @return 0, -EINVAL (NULL list with a count) or -ENODEV (a port the engine does not drive).
 */
int aoe_iflist_set(const uint16_t *ports, unsigned int nb_ports);

/**
 * The ports the engine drives and whether each is allowed.
 * @return how many ports the engine drives (entries filled: at most @p max).
 */
unsigned int aoe_port_list(uint16_t *port_ids, bool *allowed, unsigned int max);

/** "probing", "up", "down" or "down,closewait": the words aoe-stat and telemetry use. */
const char *aoe_target_state_str(enum aoe_target_state state);

/** A snapshot of one target, for operators and applications. */
struct aoe_target_info {
	char name[AOE_NAME_MAX]; /**< e{shelf}.{slot} */
	uint16_t shelf;
	uint8_t slot;
	enum aoe_target_state state;
	struct rte_ether_addr mac;	   /**< the first path's target MAC */
	uint16_t port;			   /**< the first path's local port */
	char port_name[AOE_PORT_NAME_MAX]; /**< e.g. net_af_packet0 */
	unsigned int nb_paths;
	uint64_t sectors; /**< 512-byte sectors, 0 until IDENTIFY answers */
	uint32_t payload; /**< data bytes per ATA frame */
	uint16_t bufcnt;  /**< target's buffer count from its config */
	uint16_t fwver;
	uint8_t sectors_per_frame; /**< from the config response */
	bool lba48;
	bool open; /**< held by an application */
	char model[41];
	char serial[21];
	char firmware[9];
	char config[1025]; /**< config string, NUL-terminated, unprintables as '?' */
};

/**
 * Copy up to @p max targets into @p out, sorted by shelf then slot.
 * @return how many targets exist (may exceed @p max).
 */
unsigned int aoe_target_list(struct aoe_target_info *out, unsigned int max);

/**
 * Snapshot of one target by name (e{shelf}.{slot}).
 * @return 0, -EINVAL (malformed name) or -ENOENT (no such target).
 */
int aoe_target_info_get(const char *name, struct aoe_target_info *info);

/**
 * Parse e{shelf}.{slot} (shelf 0-65534, slot 0-254; leading zeros, signs and trailing text
 * refused).
 * @return 0 or -EINVAL.
 */
int aoe_name_parse(const char *name, uint16_t *shelf, uint8_t *slot);

/**
 * A target's counters summed over every polling lcore of this process (the same numbers
 * aoe-stat -v shows).
 * @return 0, -EINVAL (malformed name or NULL) or -ENOENT.
 */
int aoe_target_stats_get(const char *name, struct aoe_target_stats *sum);

/** What happened to a target. */
enum aoe_target_event {
	AOE_EVENT_TARGET_UP, /**< discovered and identified, or back after being down */
	AOE_EVENT_TARGET_DOWN,
	AOE_EVENT_TARGET_RESIZED,
};

/** Called on the management lcore; must not block. */
typedef void (*aoe_target_event_cb)(enum aoe_target_event event, const struct aoe_target_info *info,
				    void *arg);

/**
 * Register a target event callback (at most 8; call before aoe_init or from the management
 * lcore).
 * @return 0, -EINVAL (NULL callback) or -ENOSPC.
 */
int aoe_target_event_register(aoe_target_event_cb cb, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* AOE_H */
