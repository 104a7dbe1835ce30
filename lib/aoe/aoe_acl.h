/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Access control on a shared SAN, from the initiator's side: a target's config string, its MAC
 * mask list and its reservation (AoEr11 commands 1, 2 and 3), as aoetools' aoecfg and a
 * storage administrator use them.
 *
 * A request names a target and what to do with it (struct aoe_acl_args). The management lcore
 * sends it to every live path of the target (each target MAC, through each of our ports that
 * reaches it: a target with one vblade per interface keeps one config string, mask list and
 * reservation per MAC), sends it again every AOE_ACL_RETRY_MS until each path answered, and
 * gives up at the request's timeout. Sending again is safe: every request here is idempotent in
 * effect (a force set or a mask edit leaves the same state however often it is applied; a
 * reservation set to our own MACs is allowed again because the list then holds us; a
 * set-if-empty refused with error 4 while the target holds exactly our string counts as done).
 *
 * The functions may be called from any thread. aoe_acl_submit() and aoe_acl_result() never
 * block; aoe_acl_run() waits. This header is DPDK-free: aoe.h includes it.
 *
 * Errors a request ends with (struct aoe_acl_result.status): 0; -EACCES (AoE error 6: reserved
 * by another initiator); -EEXIST (AoE error 4: a config string is present, set-if-empty
 * refused); -ENOMSG (a config test that no path answered: the string does not match);
 * -ENOSPC (mask list full); -EINVAL (AoE error 2 or mask error 2: the target refused an
 * argument or a directive); -EOPNOTSUPP (AoE error 1: the target does not know the command);
 * -ENODEV (AoE error 3: device unavailable); -EPROTONOSUPPORT (AoE error 5); -EIO (mask error
 * 1, or another AoE error); -ETIMEDOUT (a path did not answer in time); -ENETUNREACH (the target
 * has no live path); -ENOENT (the target left the table); -ECANCELED (the engine stopped).
 * aoe_strerror() says each of them in AoE's words.
 */
#ifndef AOE_ACL_H
#define AOE_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AOE_ACL_CONFIG_MAX  1024 /**< config string bytes (AoEr11's limit) */
#define AOE_ACL_MACS_MAX    255	 /**< MACs a mask or reservation list answer may hold */
#define AOE_ACL_DIRS_MAX    128	 /**< mask edit directives per request: fits a 1500 MTU */
#define AOE_ACL_RETRY_MS    250	 /**< a path that has not answered is asked again this often */
#define AOE_ACL_TIMEOUT_MS  2000 /**< default time a request waits for every path */
#define AOE_ACL_TIMEOUT_MAX 60000
#define AOE_ACL_PENDING_MAX 8 /**< requests in flight at once, every thread together */

/** What a request does. */
enum aoe_acl_op {
	AOE_ACL_CONFIG_READ,	    /**< read the config string */
	AOE_ACL_CONFIG_TEST,	    /**< answered only if the string is exactly args.config */
	AOE_ACL_CONFIG_TEST_PREFIX, /**< answered only if args.config is a prefix of it */
	AOE_ACL_CONFIG_SET,	    /**< set it if it is empty, else -EEXIST */
	AOE_ACL_CONFIG_FORCE_SET,   /**< set it whatever it holds */
	AOE_ACL_MASK_READ,	    /**< read the MAC mask list */
	AOE_ACL_MASK_EDIT,	    /**< apply args.dirs to the MAC mask list */
	AOE_ACL_RESERVE_READ,	    /**< read the reservation list */
	AOE_ACL_RESERVE,	    /**< reserve for this initiator's MACs (refused: -EACCES) */
	AOE_ACL_RESERVE_FORCE,	    /**< the same, taking it from whoever holds it */
	AOE_ACL_RELEASE,	    /**< empty the reservation list (refused: -EACCES) */
	AOE_ACL_RELEASE_FORCE,	    /**< empty it whoever holds it */
	AOE_ACL_OP_NB,
};

/** A MAC address: six bytes in wire order. */
struct aoe_acl_mac {
	uint8_t bytes[6];
};

/** One mask list edit: add or delete a MAC. */
struct aoe_acl_dir {
	bool add; /**< true: add the MAC, false: delete it */
	struct aoe_acl_mac mac;
};

/** A request. Fields that @p op does not use are ignored. */
struct aoe_acl_args {
	enum aoe_acl_op op;
	uint32_t timeout_ms; /**< 0 = AOE_ACL_TIMEOUT_MS; at most AOE_ACL_TIMEOUT_MAX */
	uint16_t config_len; /**< CONFIG_TEST*, CONFIG_*SET: bytes of @p config */
	uint8_t config[AOE_ACL_CONFIG_MAX];
	unsigned int nb_dirs; /**< MASK_EDIT: 1..AOE_ACL_DIRS_MAX */
	struct aoe_acl_dir dirs[AOE_ACL_DIRS_MAX];
};

/** What a request found. The lists are those of the first path that answered. */
struct aoe_acl_result {
	int status;	       /**< 0 or a negative errno (see the file's comment) */
	uint8_t aoe_error;     /**< the AoE error a path answered with, 0 if none */
	uint8_t mask_error;    /**< the mask list error a path answered with, 0 if none */
	bool paths_differ;     /**< paths (target MACs) answered with different lists or strings */
	unsigned int nb_paths; /**< paths asked */
	unsigned int nb_answered; /**< paths that answered */
	struct aoe_acl_mac from;  /**< the target MAC whose answer the lists below are */
	uint16_t config_len;	  /**< config answers (an error 4 answer too) */
	uint8_t config[AOE_ACL_CONFIG_MAX];
	unsigned int nb_macs; /**< the mask list, or the reservation list (its holders when
			       *   -EACCES), or the MACs reserved for us */
	struct aoe_acl_mac macs[AOE_ACL_MACS_MAX];
};

/**
 * Ask the management lcore to run a request on target @p name (e{shelf}.{slot}). Any thread.
 * @return a handle (>= 0) for aoe_acl_result() or aoe_acl_cancel(); -EINVAL (malformed name or
 *         arguments), -ENOENT (no such target), -ENODEV (no engine runs) or -EBUSY
 *         (AOE_ACL_PENDING_MAX requests in flight already).
 */
int aoe_acl_submit(const char *name, const struct aoe_acl_args *args);

/**
 * Collect a request's result. Once 0 is returned the handle is spent. Any thread.
 * @return 0 (@p res filled), -EINPROGRESS (not finished), or -EINVAL (no such handle: spent,
 *         cancelled or never given).
 */
int aoe_acl_result(int handle, struct aoe_acl_result *res);

/**
 * Give a request up: its result is dropped when it finishes (the frames already sent may still
 * act on the target). The handle is spent. Any thread.
 */
void aoe_acl_cancel(int handle);

/**
 * Submit a request and wait for its result: the calling lcore polls the engine while it waits
 * if it is one of the engine's polling lcores (the one-shot programs run so), any other thread
 * sleeps between looks. Not from inside an engine callback.
 * @return 0 with @p res filled (its status says how the request ended), or aoe_acl_submit()'s
 *         error, or -ETIMEDOUT when nobody polled the management lcore for the request's
 *         timeout and a second (the request is cancelled).
 */
int aoe_acl_run(const char *name, const struct aoe_acl_args *args, struct aoe_acl_result *res);

/**
 * Parse mask list edits: a comma- or blank-separated list of "+MAC" (add) and "-MAC" (delete),
 * each MAC as aa:bb:cc:dd:ee:ff (or with '-' between the bytes), into @p args->dirs and
 * @p args->nb_dirs.
 * @param err receives what is wrong and what is allowed (may be NULL).
 * @return 0 or -EINVAL.
 */
int aoe_acl_dirs_parse(const char *text, struct aoe_acl_args *args, char *err, size_t errlen);

/** "config_read", "reserve", ...: the name of @p op in telemetry and logs ("unknown" else). */
const char *aoe_acl_op_name(enum aoe_acl_op op);

/**
 * What an errno from libaoe means in AoE's words where libaoe gives it one: -EACCES "reserved
 * by another initiator", -EEXIST "config string present", -ENOMSG "config string does not
 * match", -ENETUNREACH "no live path to the target"; strerror()'s words for any other. For an
 * I/O's status and a request's result.
 */
const char *aoe_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* AOE_ACL_H */
