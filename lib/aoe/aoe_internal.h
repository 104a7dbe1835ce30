/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libaoe's private structures: the engine, its ports and polling lcores, targets and their
 * paths, and the per-lcore sessions that carry I/O to a target. Never installed.
 *
 * Ownership rules (they are what makes the datapath lock-free):
 * - struct aoe_lcore and every session it created are written only by that lcore.
 * - A target's identity, paths and state are written only by the management lcore; workers read
 *   them, and the fields they depend on are published with release stores (state, nb_paths).
 * - target->sess[i] is written only by lcore i.
 */
#ifndef AOE_INTERNAL_H
#define AOE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "aoe.h"
#include "aoe_io.h"
#include "aoe_wire.h"
#include "aoe_window.h"
#include "aoe_shm.h"
#include "aoe_stats.h"

#define AOE_MAX_PATHS	      16 /* live paths per target; retired ones are reused */
#define AOE_TX_HISTORY	      4	 /* transmissions of a frame whose answers are still taken */
#define AOE_RX_BURST	      32
#define AOE_TXBUF_SIZE	      256
#define AOE_HANDOFF_RING_SIZE 2048
#define AOE_TARGET_HASH_SIZE  1024 /* power of two, > AOE_MAX_TARGETS */

struct aoe_port {
	uint16_t port_id;
	uint16_t mtu;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint8_t allowed; /* atomic; frames on a port outside the allow list are dropped */
	struct rte_ether_addr mac;
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_flow *flows[AOE_MAX_LCORES];
};

/*
 * One route to a target: its MAC seen through one of our ports, with what that MAC's config
 * says. Management writes it; workers read it. nsect, bufcnt, retired and the counters are
 * atomics; mac and port change only when a slot retired long ago is reused for a new route
 * (see path_slot_reusable in aoe_mgmt.c), which bumps incarnation.
 */
struct aoe_path {
	struct rte_ether_addr mac;
	uint8_t port;	      /* index into aoe_engine.ports */
	uint8_t nsect;	      /* sectors per frame: min(this MAC's config, port MTU's) */
	uint8_t cfg_sectors;  /* this MAC's config sector count (management only) */
	uint8_t retired;      /* no answer to the last discovery rounds: not used */
	uint8_t requery;      /* any lcore: "bad argument", or the path failed: ask again */
	uint16_t bufcnt;      /* this MAC's buffer count */
	uint32_t heard;	      /* bumped by each config response on this path */
	uint32_t params;      /* bumped when nsect or bufcnt change: sessions re-read them */
	uint32_t incarnation; /* bumped when the slot is (re)used: sessions start it afresh */
	uint32_t heard_round; /* management: the discovery round it last answered */
	uint64_t retired_tsc; /* management: when it was retired */
};

struct aoe_target {
	uint16_t shelf;
	uint8_t slot;
	uint8_t flushed; /* hidden by an operator until rediscovered */
	uint16_t index;	 /* in aoe_engine.targets[] and the stats region */
	char name[AOE_NAME_MAX];
	uint32_t state;	     /* enum aoe_target_state; atomic, written by management */
	uint32_t generation; /* bumped each time the target comes up: sessions re-arm */
	uint32_t nb_paths;   /* atomic; slots in use in paths[] (retired ones included) */
	struct aoe_path paths[AOE_MAX_PATHS];
	uint16_t fwver;
	uint8_t flush_ext;	      /* IDENTIFY advertises FLUSH CACHE EXT */
	uint8_t flush_ext_refused;    /* atomic: it aborted FLUSH CACHE EXT it does not advertise */
	uint8_t dead;		      /* atomic: a session waited deadsecs for an answer */
	uint8_t revalidate_requested; /* atomic, any thread */
	uint8_t flush_requested;      /* atomic, any thread */
	bool probe_busy;	      /* management's IDENTIFY in flight */
	bool probe_diagnosed;	      /* why it is slow was asked (aoe_acl_diagnose) */
	uint64_t probe_tsc;	      /* when it was sent */
	bool lba48;
	uint64_t sectors;
	uint32_t open_count; /* atomic: descriptors held by applications */
	char model[41];
	char serial[21];
	char firmware[9];
	uint16_t config_len;
	uint8_t config[AOE_CFG_STR_MAX];
	struct aoe_session *sess[AOE_MAX_LCORES];
	/* The management lcore's IDENTIFY: part of the target, so a probe never lacks a buffer. */
	struct aoe_io probe_io;
	uint8_t probe_buf[AOE_SECTOR_SIZE];
};

/* Where a frame is: which list its link is on. */
enum aoe_frame_where {
	AOE_FRAME_FREE,	     /* the session's free list */
	AOE_FRAME_IN_FLIGHT, /* its path's in-flight FIFO */
	AOE_FRAME_RESEND,    /* the session's resend list: not on the wire */
	AOE_FRAME_HELD,	     /* taken off its list by the code at hand, on none */
	AOE_FRAME_LINGER,    /* a done write with a copy unanswered: the session's lingering
			      * list, until the fence lets it go (aoe_fence.c) */
};

/* One ATA command: a slot of a session's frame table. */
struct aoe_frame {
	TAILQ_ENTRY(aoe_frame) link;	 /* see enum aoe_frame_where */
	TAILQ_ENTRY(aoe_frame) age_link; /* the session's sent frames, oldest first */
	struct aoe_io *io;
	uint64_t lba;	     /* its data: (lba - io->lba) sectors into its I/O's */
	uint64_t sent_tsc;   /* last transmission */
	uint64_t first_tsc;  /* first transmission: deadsecs runs from here */
	uint64_t taken_tsc;  /* made for its I/O (a frame that never leaves fails after deadsecs) */
	uint64_t not_before; /* on the resend list: not before this time */
	uint16_t gen;	     /* generation of the last transmission */
	uint16_t ntx;	     /* transmissions whose answers are still taken */
	uint16_t slot;
	uint8_t path; /* path of the last transmission: the FIFO it is on */
	uint8_t nsect;
	uint8_t ata_cmd;
	uint8_t where;	  /* enum aoe_frame_where */
	uint8_t aged;	  /* on the age list: it went on the wire at least once */
	uint8_t badarg;	  /* "bad argument" answers so far */
	uint8_t departed; /* the last transmission left the port (see struct aoe_txbuf) */
	uint8_t deferred; /* waiting on the resend list for local resources */
	uint8_t tx_path[AOE_TX_HISTORY]; /* path of transmission gen: [gen % AOE_TX_HISTORY] */
	/* What the write fence needs (aoe_fence.c), kept from frame_take to release: */
	uint8_t span;	/* widest sector count a transmission carried (a split narrows nsect) */
	uint8_t copies; /* transmissions (saturating): ntx, unless a split restarted that */
	uint8_t fenced; /* its path is the fence's choice, another would do: not aged */
	uint16_t sent_paths; /* bit per path any transmission went on */
	uint64_t last_seq;   /* the session's transmission number of its last transmission */
	uint64_t tx_seq[AOE_TX_HISTORY]; /* that of transmission gen: [gen % AOE_TX_HISTORY] */
};

TAILQ_HEAD(aoe_frame_list, aoe_frame);
TAILQ_HEAD(aoe_io_list, aoe_io);

struct aoe_session_path {
	struct aoe_window win;
	struct aoe_rtt rtt;
	struct aoe_frame_list in_flight; /* oldest transmission first */
	uint32_t timeouts_in_row;
	uint64_t answered_seq; /* the latest transmission on it an answer came to (aoe_fence.c) */
	bool fence_abandoned;  /* a copy on it was abandoned: what it still carries moves now */
	uint64_t kick_tsc;     /* when the fence last gave it a frame to push copies out */
	uint32_t heard;	       /* the path's heard count when last revived */
	uint32_t params;       /* the path's params count the window cap was set for */
	uint32_t incarnation;  /* the path's incarnation this state belongs to */
	bool failed;	       /* reported failed in the error stream */
};

/* One lcore's traffic to one target: the AoE counterpart of an NVMe queue pair. */
struct aoe_session {
	struct aoe_target *target;
	unsigned int owner;	    /* lcore index */
	uint32_t target_generation; /* the target generation the paths were armed for */
	uint32_t nb_paths;	    /* paths armed so far */
	uint16_t nb_slots;
	uint16_t nb_free; /* frames on free_frames */
	uint8_t failed;	  /* the target went down: everything fails until re-armed */
	unsigned int next_path;
	struct aoe_io_list pending;	   /* submitted, not fully issued */
	struct aoe_frame_list free_frames; /* oldest released first: a slot's generation wraps
					    * only after every slot has been used 65536 times */
	struct aoe_frame_list resend;	   /* not sent for a local reason; retried each tick */
	struct aoe_frame_list aged;	   /* by first transmission: deadsecs looks at the head */
	struct aoe_frame_list lingering;   /* done writes with a copy unanswered (aoe_fence.c) */
	uint16_t nb_lingering;
	uint64_t tx_seq; /* transmissions so far: their order on each path, which is a FIFO */
	struct aoe_session_path paths[AOE_MAX_PATHS];
	struct aoe_target_stats *stats; /* in the stats region */
	struct aoe_shm_session *gauges;
	struct aoe_frame frames[];
};

struct aoe_rxq_ref {
	uint16_t port; /* index into aoe_engine.ports */
	uint16_t queue;
};

struct aoe_frame;

/* Frames waiting for one port's next burst; frames[i] (NULL for management's) is told when
 * pkts[i] leaves, so its timers run from then and not while it waits here. */
struct aoe_txbuf {
	uint16_t count;
	struct rte_mbuf *pkts[AOE_TXBUF_SIZE];
	struct aoe_frame *frames[AOE_TXBUF_SIZE];
	uint16_t gens[AOE_TXBUF_SIZE]; /* the frame's generation when queued */
};

/* A polling lcore's private state. */
struct aoe_lcore {
	unsigned int lcore_id;
	unsigned int index;
	bool is_mgmt;
	bool rx_copies; /* the last answer with data was copied out: prefetch the next one's */
	uint16_t nb_rxq;
	struct aoe_rxq_ref rxq[AOE_MAX_PORTS * AOE_MAX_LCORES];
	uint16_t txq;				 /* this lcore's TX queue on every port */
	struct rte_ring *inbox[AOE_MAX_LCORES];	 /* SPSC from each other lcore */
	struct rte_ring *outbox[AOE_MAX_LCORES]; /* = the receiver's inbox[this] */
	unsigned int nb_sessions;
	struct aoe_session *sessions[AOE_MAX_TARGETS];
	uint64_t next_timer_tsc;
	uint64_t log_window_tsc;       /* start of the current rate-limit second */
	uint32_t log_count;	       /* messages logged in it */
	uint32_t log_suppressed;       /* messages dropped in it */
	struct aoe_lcore_stats *stats; /* in the stats region */
	uint32_t zcopy_reserved;       /* frames reserved by zero-copy reads (aoe_io.c) */
	struct aoe_shm_event_ring *events;
	struct aoe_txbuf txbuf[AOE_MAX_PORTS];
} __rte_cache_aligned;

struct aoe_engine {
	bool initialised;
	struct aoe_conf conf;
	uint64_t tsc_hz;
	uint64_t deadsecs_tsc; /* 0 = retry forever */
	uint64_t rto_min_tsc;
	uint64_t rto_max_tsc;
	uint64_t rto_initial_tsc;
	uint64_t timer_period_tsc;
	struct rte_mempool *pool;
	struct aoe_shm *shm;
	unsigned int nb_lcores;
	unsigned int mgmt_index;
	int8_t lcore_index[RTE_MAX_LCORE];
	struct aoe_lcore *lcores; /* nb_lcores entries, cache aligned */
	uint64_t owner_id;	  /* the ethdev owner that holds the ports while the engine runs */
	uint16_t nb_ports;
	struct aoe_port ports[AOE_MAX_PORTS];
	int8_t port_index[RTE_MAX_ETHPORTS];
	/* targets: appended by management only, never freed while the engine runs */
	uint32_t nb_targets; /* atomic */
	struct aoe_target *targets[AOE_MAX_TARGETS];
	uint32_t target_hash[AOE_TARGET_HASH_SIZE]; /* atomic: target index + 1, 0 = free */
	/* management */
	uint8_t discover_requested; /* atomic, any thread */
	uint32_t discover_round;    /* discovery rounds sent: paths must answer them */
	uint64_t next_discover_tsc;
	uint64_t next_state_tsc;
};

extern struct aoe_engine aoe_engine;

/*
 * The calling lcore's engine state, or NULL when the engine is not running or the caller is not
 * one of its polling lcores. Inline: every poll and every submission asks it.
 */
static inline struct aoe_lcore *
aoe_lcore_self(void)
{
	unsigned int id = rte_lcore_id();
	int idx;

	if (unlikely(!aoe_engine.initialised || id >= RTE_MAX_LCORE))
		return NULL;
	idx = aoe_engine.lcore_index[id];
	return unlikely(idx < 0) ? NULL : &aoe_engine.lcores[idx];
}

/* aoe_io.c: the bdev layer's callback, run first by aoe_fini() */
void aoe_io_engine_stopping(void);

/* aoe_port.c */
int aoe_ports_setup(void);
void aoe_ports_teardown(void);
void aoe_tx_flush(struct aoe_lcore *lc);

/* Queue @p m for the next burst on @p port. -ENOBUFS (and @p m freed) when the port is not
 * draining: the caller keeps its frame and sends it again later, without calling it a loss. */
static inline int
aoe_tx_enqueue(struct aoe_lcore *lc, unsigned int port, struct rte_mbuf *m, struct aoe_frame *f,
	       uint16_t gen)
{
	struct aoe_txbuf *tb = &lc->txbuf[port];

	if (unlikely(tb->count == AOE_TXBUF_SIZE)) {
		aoe_tx_flush(lc);
		if (tb->count == AOE_TXBUF_SIZE) {
			lc->stats->tx_dropped++;
			rte_pktmbuf_free(m);
			return -ENOBUFS;
		}
	}
	tb->frames[tb->count] = f;
	tb->gens[tb->count] = gen;
	tb->pkts[tb->count++] = m;
	return 0;
}

static inline bool
aoe_port_allowed(unsigned int port)
{
	return __atomic_load_n(&aoe_engine.ports[port].allowed, __ATOMIC_RELAXED) != 0;
}

/* aoe_target.c */
struct aoe_target *aoe_target_lookup(uint16_t shelf, uint8_t slot);
struct aoe_target *aoe_target_create(uint16_t shelf, uint8_t slot);
void aoe_target_snapshot(const struct aoe_target *t, struct aoe_target_info *info);
void aoe_target_notify(struct aoe_target *t, enum aoe_target_event event);
void aoe_target_format_name(char *buf, size_t len, uint16_t shelf, uint8_t slot);

static inline enum aoe_target_state
aoe_target_state_get(const struct aoe_target *t)
{
	return (enum aoe_target_state)__atomic_load_n(&t->state, __ATOMIC_ACQUIRE);
}

/* aoe_stats.c */
int aoe_stats_init(const char *program);
void aoe_stats_fini(void);
void aoe_stats_ports_publish(void);
void aoe_stats_target_publish(const struct aoe_target *t);
/* Management: publish again every target whose open count changed since it was published. */
void aoe_stats_targets_sync(void);
struct aoe_shm_session *aoe_stats_session(const struct aoe_target *t, unsigned int lcore_index);
void aoe_event_emit(struct aoe_lcore *lc, struct aoe_shm_event *ev);

/* A new error-stream record of @type about @shelf.@slot, all else zero: the caller fills what
 * its type carries (aoe_shm.h) and emits it. */
static inline void
aoe_event_init(struct aoe_shm_event *ev, enum aoe_event_type type, uint16_t shelf, uint8_t slot)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint16_t)type;
	ev->shelf = shelf;
	ev->slot = slot;
}

/* aoe_session.c */
void aoe_frame_departed(struct aoe_frame *f, uint16_t gen, uint64_t now);
struct aoe_session *aoe_session_get(struct aoe_target *t, struct aoe_lcore *lc);
int aoe_session_submit(struct aoe_session *s, struct aoe_io *io);
void aoe_session_rx(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr,
		    uint64_t now);
unsigned int aoe_session_timers(struct aoe_lcore *lc, uint64_t now);
void aoe_session_fail_all(struct aoe_session *s, int status);

/* aoe_lcore.c */
bool aoe_lcore_log_ok(struct aoe_lcore *lc, uint64_t now);

/* aoe_acl.c: access-control requests, carried by management */
unsigned int aoe_acl_poll(struct aoe_lcore *lc, uint64_t now);
/* An answer routed to management: true when it was a request's and management is done with it
 * (a plain config answer is also management's to learn from: false). */
bool aoe_acl_rx(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr);
/* aoe_fini: requests in flight end with -ECANCELED. */
void aoe_acl_fini(void);
/* Management: find out why @p t does not answer ATA (@p why, for the log) by reading its mask
 * list, and log what it says. */
void aoe_acl_diagnose(struct aoe_target *t, const char *why);

/* aoe_mgmt.c */
unsigned int aoe_mgmt_poll(struct aoe_lcore *lc, uint64_t now);
void aoe_mgmt_rx_config(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr);
/* A query config (read) from @p lc's queue on @p port to one target, or to all of them with the
 * broadcast address. */
void aoe_mgmt_config_query(struct aoe_lcore *lc, unsigned int port, const uint8_t *dst,
			   uint16_t shelf, uint8_t slot);

#endif /* AOE_INTERNAL_H */
