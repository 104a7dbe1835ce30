/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NBD server's shared structures: the control thread (nbd_server.c, nbd_conn.c) owns the
 * connections and their requests, hands requests to an lcore (nbd_lcore.c) through that lcore's
 * ring and gets them back through another. A request belongs to exactly one side at a time: the
 * ring is the hand-over (its release and acquire order the request's fields).
 */
#ifndef NBD_INTERNAL_H
#define NBD_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/uio.h>

#include <rte_common.h>
#include <rte_log.h>

#include "aoe_bdev.h"
#include "aoe_nbd.h"
#include "nbd_addr.h"
#include "nbd_neg.h"
#include "nbd_proto.h"
#include "nbd_shm.h"

extern int aoe_logtype_nbd;
#define NBD_LOG(level, fmt, ...)                                                                   \
	rte_log(RTE_LOG_##level, aoe_logtype_nbd, "nbd: " fmt "\n", ##__VA_ARGS__)

#define NBD_CONN_BYTES_MAX (32u << 20) /* buffer bytes in flight per connection */
#define NBD_BUF_KEEP	   (1u << 20)  /* a buffer up to this size is kept for reuse */
/* READs up to this size are zero-copy (their frame tables, grown on the lcore the first time,
 * stay small); larger ones would take much of the lcore's frames budget: copied. */
#define NBD_ZCOPY_MAX	(1u << 20)
#define NBD_EXPORTS_MAX NBD_SHM_EXPORTS

/* What the lcore is asked to do with a request. */
enum nbd_req_kind {
	NBD_REQ_IO,	     /* READ, WRITE, FLUSH, WRITE_ZEROES */
	NBD_REQ_CHANNEL_PUT, /* the connection is closing: put its channel */
	NBD_REQ_RELEASE,     /* a zero-copy READ's reply has gone (or never will): free its I/O */
};

struct nbd_conn;

struct nbd_req {
	TAILQ_ENTRY(nbd_req) link; /* free list or reply queue (control); backlog (lcore) */
	struct nbd_conn *conn;
	struct nbd_request wire;
	uint8_t kind;	    /* enum nbd_req_kind */
	bool flushing;	    /* FUA: the write is done, its FLUSH is in flight */
	uint32_t nbd_error; /* the reply's error, 0 for success */
	int status;	    /* the bdev's, set by the lcore */
	uint8_t *buf;	    /* WRITE data; READ data when the read could not be zero-copy */
	/* A zero-copy READ (set by the lcore): the data is its segments, into the response
	 * frames, sent from there; the I/O goes back to the lcore (NBD_REQ_RELEASE) to be freed
	 * once the reply has gone or the connection has. */
	bool zcopy; /* the lcore submitted the READ as a zero-copy read */
	struct aoe_bdev_io *zio;
	struct iovec *segs;
	int nsegs;
	uint32_t buf_cap;
	uint32_t received;  /* WRITE payload bytes read so far */
	uint32_t charged;   /* buffer bytes counted in the connection's bytes_in_flight */
	uint32_t reply_len; /* header bytes in reply[] */
	uint32_t data_len;  /* data bytes that follow it (a successful READ) */
	uint64_t sent;	    /* of reply_len + data_len */
	uint8_t reply[NBD_CHUNK_HDR_LEN + 6 + 128]; /* the longest: an error chunk's */
};

enum nbd_conn_state {
	NBD_CONN_GREETING,     /* sending the greeting */
	NBD_CONN_CLIENT_FLAGS, /* reading the client's flags */
	NBD_CONN_OPT_HDR,      /* reading an option's header */
	NBD_CONN_OPT_DATA,     /* reading its data */
	NBD_CONN_OPT_SKIP,     /* discarding data too long to hold */
	NBD_CONN_OPT_REPLY,    /* sending the option's reply */
	NBD_CONN_REQ_HDR,      /* reading a request's header */
	NBD_CONN_REQ_PAYLOAD,  /* reading a WRITE's payload into its buffer */
	NBD_CONN_REQ_SKIP,     /* discarding a refused WRITE's payload */
	NBD_CONN_REQ_WAIT,     /* a READ or WRITE waits for buffer room (cur) */
	NBD_CONN_DRAIN,	       /* reading no more: answer what is in flight, then close */
	NBD_CONN_CLOSING,      /* socket closed; waiting for the lcore to put the channel */
	NBD_CONN_CLOSED,       /* nothing refers to it any more: free it */
};

struct nbd_conn {
	TAILQ_ENTRY(nbd_conn) link;
	int fd;
	uint64_t id;
	char peer[80];
	uint64_t opened_ns; /* accepted at (CLOCK_MONOTONIC) */
	enum nbd_conn_state state;
	bool transmission;		  /* the handshake ended: in the transmission phase */
	bool dispatched;		  /* a request went to the lcore: it has a channel */
	TAILQ_ENTRY(nbd_conn) dirty_link; /* answered this turn: send and read again */
	bool dirty;
	unsigned int lcore_idx;		/* index into the server's lcores */
	uint32_t events;		/* epoll interest registered now */
	struct aoe_bdev_desc *desc;	/* open while in the transmission phase */
	struct aoe_io_channel *ch;	/* the lcore's: taken and put on the lcore */
	struct nbd_export_stats *stats; /* the export's */
	volatile uint8_t gone;		/* the bdev was removed (set on the mgmt lcore) */
	bool gone_seen;			/* the control thread acted on it */
	const char *close_reason;
	/* handshake */
	struct nbd_neg neg;
	struct nbd_out out;
	uint8_t in[NBD_OPT_DATA_MAX]; /* option data, or a request's header */
	uint32_t in_len, in_want;
	uint64_t skip; /* bytes left to discard */
	struct nbd_opt_hdr opt;
	enum nbd_neg_result after_reply; /* what OPT_REPLY does once the reply has gone */
	bool out_blocked;		 /* the socket took less than was to send */
	/* transmission */
	struct nbd_limits limits;
	struct nbd_req *cur;	  /* the request being read */
	uint32_t in_flight;	  /* requests taken from the free list */
	uint32_t at_lcore;	  /* of them, handed to the lcore */
	uint64_t bytes_in_flight; /* buffer bytes of requests not yet answered */
	uint64_t requests, errors;
	TAILQ_HEAD(, nbd_req) free_reqs;
	TAILQ_HEAD(, nbd_req) replies; /* answered, waiting to be sent, in order */
	struct nbd_req put_msg;	       /* NBD_REQ_CHANNEL_PUT */
	struct nbd_req reqs[AOE_NBD_CONN_QD];
};

struct nbd_lcore {
	unsigned int lcore_id;
	struct rte_ring *to_lcore;     /* control thread -> lcore: requests */
	struct rte_ring *to_ctrl;      /* lcore -> control thread: answered requests */
	TAILQ_HEAD(, nbd_req) backlog; /* answered, not yet back in to_ctrl (never in practice) */
	uint64_t handled;
} __rte_cache_aligned;

struct nbd_listener {
	int fd;
	struct nbd_addr addr;
};

struct nbd_server {
	bool initialised;
	volatile bool stop;    /* aoe_nbd_stop() */
	volatile bool stopped; /* every connection closed after stop */
	volatile bool abandon; /* aoe_nbd_fini() gave up waiting: the thread leaves */
	int epfd;
	pthread_t thread;
	unsigned int nb_listeners;
	struct nbd_listener listeners[AOE_NBD_MAX_LISTEN];
	unsigned int nb_lcores;
	struct nbd_lcore lcores[16];
	int lcore_index[RTE_MAX_LCORE]; /* lcore id -> index + 1; 0 = serves none */
	unsigned int next_lcore;	/* round robin */
	uint32_t gone_gen;		/* bumped when a bdev under a connection goes */
	uint32_t gone_seen;
	/* Connections: the control thread changes the list under the lock; telemetry reads. */
	pthread_mutex_t lock;
	TAILQ_HEAD(, nbd_conn) conns;
	unsigned int nb_conns;
	uint64_t next_conn_id;
	uint64_t last_expiry_ns; /* the last look for handshakes that took too long */
	/* Counters, in the statistics region (nbd_shm.h) that aoe-stat reads. */
	struct nbd_shm *shm;
	char shm_path[4096];
	/* the rate limit of bad-input log lines */
	uint64_t log_window_ns;
	unsigned int log_count;
	uint64_t log_suppressed;
};

extern struct nbd_server nbd_server;

/* nbd_conn.c: one connection's socket I/O and state machine, on the control thread. */
struct nbd_conn *nbd_conn_new(int fd, const char *peer, uint64_t now_ns);
void nbd_conn_lose(struct nbd_conn *c, const char *reason);
void nbd_conn_io(struct nbd_conn *c, uint32_t events);
void nbd_conn_answered(struct nbd_req *req);
void nbd_conn_progress(struct nbd_conn *c);
void nbd_conn_drain(struct nbd_conn *c, const char *reason);
bool nbd_conn_finished(struct nbd_conn *c);
void nbd_conn_free(struct nbd_conn *c);

/* nbd_export.c: the export table over the bdev layer. */
extern const struct nbd_neg_ops nbd_export_ops; /* arg: the connection */
struct nbd_export_stats *nbd_export_stats_get(const char *name);

/* nbd_server.c */
void nbd_server_bad_input(struct nbd_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nbd_server_epoll_update(struct nbd_conn *c, uint32_t events);

/* nbd_telemetry.c */
int nbd_telemetry_register(void);

#endif /* NBD_INTERNAL_H */
