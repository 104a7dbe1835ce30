/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The NBD server: every bdev that aoe_bdev_list() shows is an NBD export of the same name, for
 * qemu, qemu-img, libnbd's tools, fio and nbd-client.
 *
 * One control thread serves the sockets (accept, handshake, reading requests and writing
 * replies); it hands each request to the lcore that serves its connection through a ring and
 * gets it back through another. The lcores call aoe_nbd_poll() beside aoe_lcore_poll(): it
 * submits to the bdev layer and never makes a system call or blocks.
 *
 * The sequence: aoe_nbd_init() after aoe_init(); aoe_nbd_poll() on every lcore of the
 * configuration; at the end aoe_nbd_stop(), aoe_nbd_poll() until aoe_nbd_stopped() (requests in
 * flight are answered), aoe_nbd_fini(), then aoe_fini().
 */
#ifndef AOE_NBD_H
#define AOE_NBD_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AOE_NBD_MAX_LISTEN 8   /**< addresses one server listens on */
#define AOE_NBD_MAX_CONNS  128 /**< connections served at once; more are refused */
#define AOE_NBD_CONN_QD	   64  /**< requests in flight per connection */

/** Server configuration. */
struct aoe_nbd_conf {
	unsigned int nb_listen;
	const char *listen[AOE_NBD_MAX_LISTEN]; /**< "unix:PATH" or "tcp:HOST:PORT" */
	unsigned int nb_lcores;			/**< lcores that call aoe_nbd_poll() */
	unsigned int lcores[16];		/**< AOE_MAX_LCORES */
};

/**
 * Listen and start the control thread. A Unix socket is created with mode 0660 (a stale one at
 * the path is replaced) and removed by aoe_nbd_fini().
 * @return 0; -EINVAL (a malformed address or no lcore: the log says which), -EALREADY, -ENOMEM,
 *         or the -errno of resolving, binding or listening (-EADDRINUSE, ...).
 */
int aoe_nbd_init(const struct aoe_nbd_conf *conf);

/**
 * Serve the calling lcore's share of the requests: submit what the control thread handed over
 * (completions run from aoe_lcore_poll()). Never blocks, never makes a system call; a
 * connection's first request takes the connection's bdev channel here (one allocation from
 * DPDK's heap), its last message puts it back.
 * @return requests handled (0 when idle); 0 on an lcore that serves none or before init.
 */
int aoe_nbd_poll(void);

/** Stop accepting and reading; requests in flight are answered, then sockets closed. Any thread. */
void aoe_nbd_stop(void);

/** True once, after aoe_nbd_stop(), every connection is answered and closed (or never init). */
bool aoe_nbd_stopped(void);

/**
 * Join the control thread, close what is left and remove the Unix sockets. Connections whose
 * requests are still in the engine are left to aoe_fini() (and logged).
 */
void aoe_nbd_fini(void);

#ifdef __cplusplus
}
#endif

#endif /* AOE_NBD_H */
