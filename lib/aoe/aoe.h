/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * libaoe: a poll-mode ATA over Ethernet initiator on DPDK.
 *
 * The application initialises the EAL, fills a struct aoe_conf and calls aoe_init(), which
 * takes the ports the configuration names (owned through rte_eth_dev_owner_set() until
 * aoe_fini()) and starts them with one TX queue per polling lcore and RX queues spread over
 * the lcores.
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
 * Functions return 0 or a negative errno unless they say otherwise; each says which threads
 * may call it. "While the engine runs" means between aoe_init() and aoe_fini(), and never
 * concurrently with either.
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

/**
 * Engine configuration; aoe_conf_init() fills the defaults.
 *
 * The engine drives only the ports named here: it configures and starts them, takes ethdev
 * ownership of them (rte_eth_dev_owner_set(), owner name "libaoe (program)") and gives them
 * back, stopped, at aoe_fini(). Ports the application keeps for itself (an appliance's
 * front-end NICs) are never touched. Every port the EAL probed is taken only when all_ports
 * says so.
 */
struct aoe_conf {
	uint16_t maxout;	       /**< window cap per target, also capped by its bufcnt */
	uint32_t deadsecs;	       /**< unanswered this long: target down; 0 = never */
	uint32_t discover_interval_s;  /**< periodic discovery; 0 = at start and on demand only */
	uint16_t nb_ports;	       /**< how many port ids ports[] holds (0 with all_ports) */
	uint16_t ports[AOE_MAX_PORTS]; /**< the ports the engine drives, each once */
	bool all_ports; /**< instead of ports[]: every port the EAL probed that has no owner */
	unsigned int nb_lcores; /**< lcores that will call aoe_lcore_poll() */
	unsigned int lcores[AOE_MAX_LCORES];
	unsigned int mgmt_lcore; /**< one of lcores[]: runs discovery and the state machine */
	uint32_t nb_mbufs;	 /**< 0 = sized from maxout x targets x lcores */
	const char *program;	 /**< shown by aoe-stat; NULL = "" */
	uint16_t mtu;		 /**< 0 = each port's own; else frames sized for this MTU:
				  * set on the port if it accepts it, else trusted to the
				  * link (memif carries chained buffers past its 1500) */
};

/**
 * Fill @p conf with the defaults: no port (name them, or set all_ports), the calling lcore as
 * the only polling lcore and the management lcore, maxout, deadsecs and discovery interval as
 * aoe_defs.h says.
 * @param conf the configuration to fill; must not be NULL.
 * @note Any thread.
 */
void aoe_conf_init(struct aoe_conf *conf);

/**
 * How many polling lcores the ports of @p conf can serve: each polling lcore needs a TX queue
 * of its own on every port, so this is the smallest TX queue count among them (a
 * net_af_packet port has qpairs of them), at most AOE_MAX_LCORES. A program that has more
 * lcores than this polls with this many (aoe-perf and dpdk-aoe say so and do).
 * @param conf ports[] or all_ports as aoe_init() will get them.
 * @return the count (at least 1); -EINVAL (@p conf NULL, no port named and all_ports not set,
 *         or both); -ENODEV (a named port does not exist, or all_ports finds none).
 * @note Any thread, after rte_eal_init() and before aoe_init() (the engine's ports have an
 *       owner once it runs, and all_ports no longer sees them).
 */
int aoe_ports_max_lcores(const struct aoe_conf *conf);

/**
 * Set up the engine after rte_eal_init(): take and start the ports, create the mempool, the
 * hand-off rings and the statistics region, and register the telemetry commands. Nothing
 * polls yet: the lcores start calling aoe_lcore_poll() after this returns.
 * @param conf the configuration; copied, so it may go afterwards.
 * @return 0; -EINVAL (bad configuration: no port given, both ports and all_ports, a port or
 *         lcore listed twice, an lcore that is no EAL lcore, a management lcore that does
 *         not poll, maxout or MTU out of range, a port with fewer TX queues than there are
 *         polling lcores; the log says which); -ENODEV (a named port does not exist, or
 *         all_ports finds no ownerless port); -EBUSY (a named port has another owner);
 *         -ENOMEM; -EALREADY (already initialised); or the error of a port that was asked for
 *         and did not come up (its configure, queue set-up or start; the log names it). On
 *         any error nothing is left taken: the ports are ownerless again.
 * @note One thread (usually the main one), never concurrently with aoe_fini() or another
 *       aoe_init(). aoe_init(), aoe_fini(), aoe_init() again works.
 */
int aoe_init(const struct aoe_conf *conf);

/**
 * Stop the engine: bdevs are removed (their descriptors get AOE_BDEV_EVENT_REMOVE, on this
 * thread), outstanding I/O completes with -ECANCELED (its callbacks run on this thread), the
 * ports are stopped and given back (ownerless), and everything else is freed. Descriptors
 * still open stay valid until closed, but do no more I/O. Does nothing when the engine does
 * not run.
 * @note The thread that called aoe_init() (or any one thread), once every polling lcore has
 *       stopped calling aoe_lcore_poll().
 */
void aoe_fini(void);

/**
 * One iteration of the calling lcore's poll loop: receive, complete frames and I/O (their
 * callbacks run here), run timers, and on the management lcore discovery and the state
 * machine (target and bdev events are delivered from here); then send.
 * @return the number of frames and I/O completions handled (0 = idle), or -EINVAL when the
 *         calling lcore is not one of aoe_conf.lcores (or the engine does not run).
 * @note Each polling lcore, for itself; never blocks.
 */
int aoe_lcore_poll(void);

/**
 * Ask the management lcore to broadcast a query config on every allowed port.
 * @note Any thread, while the engine runs; served within milliseconds.
 */
void aoe_discover(void);

/**
 * Ask management to re-query a target's config and IDENTIFY it again (the kernel's
 * /dev/etherd/revalidate): a grown backing file shows its new size; another disk (a
 * different serial) takes the target down for its holders.
 * @param name e{shelf}.{slot}.
 * @return 0, -EINVAL (malformed name), -ENOENT (no such target), or -EBUSY (down,closewait: it
 *         stays down until the applications that hold it close it).
 * @note Any thread, while the engine runs.
 */
int aoe_revalidate(const char *name);

/**
 * Remove targets from the table, as the kernel's /dev/etherd/flush: @p what is "" (down targets
 * no application holds), "all" (every target no application holds) or a name (that target,
 * unless held). A flushed target comes back if it answers discovery again.
 * @return how many targets were marked, -EINVAL (NULL or malformed), or for a name -ENOENT (no
 *         such target) or -EBUSY (held: a descriptor of it or of one of its partitions is
 *         open).
 * @note Any thread, while the engine runs; done by the management lcore within a few
 *       milliseconds.
 */
int aoe_flush(const char *what);

/**
 * Replace the port allow list at run time: frames on other ports are ignored (and counted) from
 * now on, and no frame is sent through them. Only ports the engine drives can be allowed.
 * @param ports port ids; @p nb_ports 0 allows every port the engine drives.
 * @return 0, -EINVAL (NULL list with a count), -ENODEV (a port the engine does not drive, or
 *         the engine does not run).
 * @note Any thread, while the engine runs.
 */
int aoe_iflist_set(const uint16_t *ports, unsigned int nb_ports);

/**
 * The ports the engine drives and whether each is allowed.
 * @param port_ids receives up to @p max port ids (may be NULL); @p allowed likewise.
 * @return how many ports the engine drives (entries filled: at most @p max); 0 when it does
 *         not run.
 * @note Any thread.
 */
unsigned int aoe_port_list(uint16_t *port_ids, bool *allowed, unsigned int max);

/**
 * The word for a target state: "probing", "up", "down" or "down,closewait", as aoe-stat and
 * telemetry write them; "unknown" for any other value.
 * @note Any thread.
 */
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
 * Copy up to @p max targets into @p out, sorted by shelf then slot (flushed ones left out).
 * @param out receives the snapshots (may be NULL to count only).
 * @return how many targets exist (may exceed @p max); 0 when the engine does not run.
 * @note Any thread, while the engine runs; lock-free snapshots.
 */
unsigned int aoe_target_list(struct aoe_target_info *out, unsigned int max);

/**
 * Snapshot of one target by name (e{shelf}.{slot}).
 * @return 0, -EINVAL (malformed name, or @p info NULL) or -ENOENT (no such target, or the
 *         engine does not run).
 * @note Any thread, while the engine runs; lock-free.
 */
int aoe_target_info_get(const char *name, struct aoe_target_info *info);

/**
 * Parse e{shelf}.{slot} (shelf 0-65534, slot 0-254; leading zeros, signs and trailing text
 * refused). Partition names (e1.1p2) are aoe_bdev_name_parse()'s.
 * @param shelf, slot receive the address (either may be NULL).
 * @return 0 or -EINVAL.
 * @note Any thread; needs no engine.
 */
int aoe_name_parse(const char *name, uint16_t *shelf, uint8_t *slot);

/**
 * A target's counters summed over every polling lcore of this process (the same numbers
 * aoe-stat -v shows). Per-bdev figures (a partition's) are aoe_bdev_get_io_stat()'s.
 * @return 0, -EINVAL (malformed name or NULL) or -ENOENT (no such target, or the engine does
 *         not run).
 * @note Any thread, while the engine runs; lock-free.
 */
int aoe_target_stats_get(const char *name, struct aoe_target_stats *sum);

/**
 * Every polling lcore's counters summed (aoe_stats.h's AOE_LCORE_STATS; zcopy_held is then
 * the response frames all zero-copy reads hold now).
 * @return 0, -EINVAL (NULL) or -ENOENT (the engine does not run).
 * @note Any thread, while the engine runs; lock-free.
 */
int aoe_lcore_stats_get(struct aoe_lcore_stats *sum);

/** The name of the engine's mbuf pool, for rte_mempool_lookup(): ports receive into it, frames
 * are built in it, and zero-copy reads hold its mbufs. */
#define AOE_MBUF_POOL_NAME "aoe_mbufs"

/** Callbacks aoe_target_event_register() takes, at most. */
#define AOE_MAX_EVENT_CBS 8

/** What happened to a target. */
enum aoe_target_event {
	AOE_EVENT_TARGET_UP, /**< discovered and identified, or back after being down */
	AOE_EVENT_TARGET_DOWN,
	AOE_EVENT_TARGET_RESIZED,
};

/**
 * A target event: runs on the management lcore (inside its aoe_lcore_poll()), or for the
 * removals of aoe_fini() on the thread that calls it; must not block.
 */
typedef void (*aoe_target_event_cb)(enum aoe_target_event event, const struct aoe_target_info *info,
				    void *arg);

/**
 * Register a target event callback; it is called for every event from the next one on, until
 * the process ends (also across aoe_fini() and aoe_init()).
 * @return 0, -EINVAL (NULL callback) or -ENOSPC (AOE_MAX_EVENT_CBS registered already).
 * @note Any thread, at any time (also before aoe_init() and from a callback).
 */
int aoe_target_event_register(aoe_target_event_cb cb, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* AOE_H */
