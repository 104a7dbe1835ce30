/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management: discovery (broadcast query config at start, periodically and on demand),
 * learning targets and their paths from config responses, IDENTIFY, and the target state
 * machine:
 *
 *   (config response) -> PROBING --IDENTIFY ok--> UP --deadsecs--> DOWN, or DOWN_CLOSEWAIT
 *                                 --fails-------> DOWN               while an application holds
 *   DOWN --(config response)--> PROBING                              it; DOWN once released
 *
 * It runs on the management lcore only, inside aoe_lcore_poll(); workers never wait for it.
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_names.h"
#include "aoe_tag.h"

#define AOE_STATE_PERIOD_US 10000
/* Discovery rounds a path may miss before it is retired. */
#define AOE_PATH_RETIRE_ROUNDS 2
/* A retired path's slot is reused no sooner than this: every frame sent on it has timed out. */
#define AOE_PATH_REUSE_S 5
/* An IDENTIFY unanswered this long while config answers come: ask why (aoe_acl_diagnose). */
#define AOE_PROBE_SLOW_MS 2000

void
aoe_mgmt_config_query(struct aoe_lcore *lc, unsigned int port, const uint8_t *dst, uint16_t shelf,
		      uint8_t slot)
{
	struct aoe_engine *e = &aoe_engine;
	const struct aoe_port *p = &e->ports[port];
	struct aoe_hdr hdr;
	struct aoe_cfg cfg;
	struct rte_mbuf *m;
	uint8_t *frame;
	int len;

	if (!aoe_port_allowed(port))
		return;
	m = rte_pktmbuf_alloc(e->pool);
	if (m == NULL) {
		lc->stats->mbuf_alloc_failed++;
		return;
	}
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.dst, dst, AOE_ETH_ALEN);
	memcpy(hdr.src, p->mac.addr_bytes, AOE_ETH_ALEN);
	hdr.version = AOE_VERSION;
	hdr.shelf = shelf;
	hdr.slot = slot;
	hdr.cmd = AOE_CMD_CONFIG;
	hdr.tag = aoe_tag_make(lc->index, 0, 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ccmd = AOE_CFG_READ;
	frame = rte_pktmbuf_mtod(m, uint8_t *);
	memset(frame, 0, AOE_ETH_MIN_FRAME);
	len = aoe_cfg_encode(frame, rte_pktmbuf_tailroom(m), &hdr, &cfg);
	if (len < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	m->data_len = (uint16_t)RTE_MAX(len, AOE_ETH_MIN_FRAME);
	m->pkt_len = m->data_len;
	aoe_tx_enqueue(lc, port, m, NULL, 0);
}

static void
path_log(const struct aoe_target *t, unsigned int i, const char *what)
{
	const struct aoe_path *p = &t->paths[i];
	char mac[AOE_MAC_STR_MAX];

	aoe_mac_format(p->mac.addr_bytes, mac, sizeof(mac));
	AOE_LOG(INFO, disc, "%s: path %u via %s to %s %s", t->name, i,
		aoe_engine.ports[p->port].name, mac, what);
}

/*
 * Before each discovery round: a path that answered neither of the last two rounds has stopped
 * existing (its target left, its port left the allow list). It is retired: no session uses it,
 * aoe-stat no longer counts it, and its slot may later hold a new route.
 */
static void
paths_retire(void)
{
	struct aoe_engine *e = &aoe_engine;
	uint32_t ti, i;

	for (ti = 0; ti < e->nb_targets; ti++) {
		struct aoe_target *t = e->targets[ti];
		bool changed = false;

		for (i = 0; i < t->nb_paths; i++) {
			struct aoe_path *p = &t->paths[i];

			if (p->retired ||
			    e->discover_round - p->heard_round <= AOE_PATH_RETIRE_ROUNDS)
				continue;
			__atomic_store_n(&p->retired, 1, __ATOMIC_RELEASE);
			p->retired_tsc = rte_rdtsc();
			path_log(t, i, "retired: no answer to the last two discovery rounds");
			changed = true;
		}
		if (changed)
			aoe_stats_target_publish(t);
	}
}

static void
discover_send(struct aoe_lcore *lc)
{
	static const uint8_t bcast[AOE_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	unsigned int pi;

	aoe_engine.discover_round++;
	paths_retire();
	for (pi = 0; pi < aoe_engine.nb_ports; pi++)
		aoe_mgmt_config_query(lc, pi, bcast, AOE_SHELF_BCAST, AOE_SLOT_BCAST);
	AOE_LOG(DEBUG, disc, "query config broadcast on every allowed port");
}

/* Every state change is published to the stats region and the error stream. */
static void
target_state_change(struct aoe_target *t, enum aoe_target_state old, enum aoe_target_state state)
{
	struct aoe_lcore *lc = aoe_lcore_self();

	__atomic_store_n(&t->state, state, __ATOMIC_RELEASE);
	aoe_stats_target_publish(t);
	if (old != state && lc != NULL) {
		struct aoe_shm_event ev;

		aoe_event_init(&ev, AOE_EV_STATE, t->shelf, t->slot);
		ev.code = (uint8_t)state;
		ev.nout = old;
		aoe_event_emit(lc, &ev);
	}
}

static void
target_set_state(struct aoe_target *t, enum aoe_target_state state)
{
	target_state_change(t, aoe_target_state_get(t), state);
}

/*
 * The target stops being usable. Applications that saw it up get a down event; one that an
 * application holds stays "down,closewait" until it is released.
 */
static void
target_down(struct aoe_target *t, const char *why)
{
	enum aoe_target_state old = aoe_target_state_get(t);
	bool was_up = old == AOE_TARGET_UP;
	bool open;

	/*
	 * Down first, holders counted after, both sequentially consistent: an open racing with
	 * this either finds the target down, or is counted here (aoe_io_target_hold()).
	 */
	__atomic_store_n(&t->state, AOE_TARGET_DOWN, __ATOMIC_SEQ_CST);
	open = __atomic_load_n(&t->open_count, __ATOMIC_SEQ_CST) > 0;
	target_state_change(t, old, open ? AOE_TARGET_DOWN_CLOSEWAIT : AOE_TARGET_DOWN);
	if (was_up)
		AOE_LOG(WARNING, disc, "%s down: %s%s", t->name, why,
			open ? " (closewait: still open)" : "");
	else
		AOE_LOG(INFO, disc, "%s left down: %s", t->name, why);
	if (was_up)
		aoe_target_notify(t, AOE_EVENT_TARGET_DOWN);
}

static void
probe_done(struct aoe_io *io)
{
	struct aoe_target *t = io->arg;
	enum aoe_target_state state = aoe_target_state_get(t);
	struct aoe_identify id;
	uint64_t old_sectors = t->sectors;
	bool identified_before = old_sectors != 0;
	bool was_up = state == AOE_TARGET_UP;

	t->probe_busy = false;
	if (state == AOE_TARGET_DOWN || state == AOE_TARGET_DOWN_CLOSEWAIT || t->flushed) {
		/* Overtaken (flushed, or down for another reason): the answer is history. */
		AOE_LOG(DEBUG, disc, "%s: IDENTIFY answer ignored: the target is %s", t->name,
			aoe_target_state_str(state));
		return;
	}
	if (io->status != 0) {
		AOE_LOG(WARNING, disc, "%s: IDENTIFY failed (%s, ata stat=%02xh err=%02xh)",
			t->name, aoe_strerror(io->status), io->ata_status, io->ata_error);
		target_down(t, "IDENTIFY failed");
		return;
	}
	if (aoe_identify_parse(t->probe_buf, AOE_SECTOR_SIZE, &id) != 0 || id.sectors == 0) {
		target_down(t, "IDENTIFY reports no capacity");
		return;
	}
	if (was_up && identified_before && strcmp(id.serial, t->serial) != 0) {
		/*
		 * Another disk answers under this shelf.slot (a target restarted on other
		 * storage, same MAC). To whoever holds the old one it is gone: down (closewait
		 * while held), and up as a new disk at the next probe.
		 */
		AOE_LOG(WARNING, disc, "%s: serial '%s' answers, was '%s': a new disk", t->name,
			id.serial, t->serial);
		target_down(t, "another disk answers");
		return;
	}
	if (!was_up && identified_before &&
	    (strcmp(id.serial, t->serial) != 0 || id.sectors != old_sectors))
		AOE_LOG(INFO, disc,
			"%s: a new disk (serial '%s', %" PRIu64 " sectors; was '%s', "
			"%" PRIu64 ")",
			t->name, id.serial, id.sectors, t->serial, old_sectors);
	t->sectors = id.sectors;
	t->lba48 = id.lba48;
	t->flush_ext = id.flush_ext;
	if (id.flush_ext)
		__atomic_store_n(&t->flush_ext_refused, 0, __ATOMIC_RELAXED);
	memcpy(t->model, id.model, sizeof(t->model));
	memcpy(t->serial, id.serial, sizeof(t->serial));
	memcpy(t->firmware, id.firmware, sizeof(t->firmware));
	target_set_state(t, AOE_TARGET_UP);
	if (was_up && old_sectors != t->sectors) {
		/* The same disk, grown or shrunk in place (revalidate after a resize). */
		AOE_LOG(INFO, disc, "%s resized: %" PRIu64 " -> %" PRIu64 " sectors", t->name,
			old_sectors, t->sectors);
		aoe_target_notify(t, AOE_EVENT_TARGET_RESIZED);
	}
	if (!was_up) {
		AOE_LOG(INFO, disc, "%s up: %" PRIu64 " sectors%s, model '%s'", t->name, t->sectors,
			t->lba48 ? " (LBA48)" : "", t->model);
		aoe_target_notify(t, AOE_EVENT_TARGET_UP);
	}
}

/*
 * Send IDENTIFY from the management lcore's own session to the target. A revalidation keeps
 * the target up while it asks: applications go on doing I/O and see a resize event if the
 * capacity changed (or a down event if another disk answers).
 */
static void
probe_start(struct aoe_lcore *lc, struct aoe_target *t, bool revalidate)
{
	struct aoe_session *s;
	int rc;

	s = aoe_session_get(t, lc);
	if (s == NULL) {
		AOE_LOG(ERR, disc, "%s: cannot create a session: %s", t->name, strerror(rte_errno));
		return;
	}
	if (t->probe_busy)
		return;
	if (!revalidate) {
		__atomic_store_n(&t->dead, 0, __ATOMIC_RELAXED);
		/* A new generation re-arms every session: failures before this are history. */
		__atomic_store_n(&t->generation, t->generation + 1, __ATOMIC_RELEASE);
		target_set_state(t, AOE_TARGET_PROBING);
	}

	memset(&t->probe_io, 0, sizeof(t->probe_io));
	t->probe_io.op = AOE_IO_IDENTIFY;
	t->probe_io.buf = t->probe_buf;
	t->probe_io.nsect = 1;
	t->probe_io.done = probe_done;
	t->probe_io.arg = t;
	rc = aoe_session_submit(s, &t->probe_io);
	if (rc != 0) {
		AOE_LOG(ERR, disc, "%s: IDENTIFY not sent: %s", t->name, strerror(-rc));
		if (!revalidate)
			target_down(t, "IDENTIFY could not be sent");
		return;
	}
	t->probe_busy = true;
	t->probe_diagnosed = false;
	t->probe_tsc = rte_rdtsc();
}

/* Ask each path of a target for its config again, then IDENTIFY it (as revalidate does). */
static void
revalidate_start(struct aoe_lcore *lc, struct aoe_target *t)
{
	enum aoe_target_state state = aoe_target_state_get(t);
	uint32_t i, n = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE);

	if (state == AOE_TARGET_DOWN_CLOSEWAIT) {
		/* Its holders must let go of the old disk first: it stays down until then. */
		AOE_LOG(INFO, disc, "%s: not revalidated: down,closewait until released", t->name);
		return;
	}
	AOE_LOG(INFO, disc, "%s: revalidating", t->name);
	for (i = 0; i < n; i++)
		if (!t->paths[i].retired)
			aoe_mgmt_config_query(lc, t->paths[i].port, t->paths[i].mac.addr_bytes,
					      t->shelf, t->slot);
	probe_start(lc, t, state == AOE_TARGET_UP);
}

/* Sectors per frame a port carries to a MAC whose config allows @p cfg_sectors. */
static unsigned int
path_nsect(unsigned int port, unsigned int cfg_sectors)
{
	const struct aoe_port *p = &aoe_engine.ports[port];
	unsigned int mtu_sectors = (p->mtu - (AOE_ATA_HDR_LEN - AOE_ETH_HDR_LEN)) / AOE_SECTOR_SIZE;
	unsigned int nsect = RTE_MIN(mtu_sectors, cfg_sectors);

	/* The sector count is one byte on the wire; a frame carries at least one sector. */
	if (nsect > 255)
		nsect = 255;
	return nsect != 0 ? nsect : 1;
}

/*
 * A retired path's slot may take a new route once no session has anything on it; the grace
 * time also covers a worker between choosing a path and reading its MAC.
 */
static bool
path_slot_reusable(const struct aoe_target *t, unsigned int i)
{
	const struct aoe_path *p = &t->paths[i];
	unsigned int l;

	if (!p->retired || rte_rdtsc() - p->retired_tsc < AOE_PATH_REUSE_S * aoe_engine.tsc_hz)
		return false;
	for (l = 0; l < aoe_engine.nb_lcores; l++) {
		const struct aoe_session *s = __atomic_load_n(&t->sess[l], __ATOMIC_ACQUIRE);

		if (s != NULL && i < s->nb_paths &&
		    __atomic_load_n(&s->paths[i].win.outstanding, __ATOMIC_RELAXED) != 0)
			return false;
	}
	return true;
}

/*
 * A config answer from @p hdr->src on @p port: a new path, or what an existing one now says.
 * A target restarted with another MTU or buffer count (same MAC) changes its path's frame size
 * and window cap at once; sessions pick the change up on their next tick.
 */
static void
path_learn(struct aoe_target *t, const struct aoe_hdr *hdr, unsigned int port,
	   const struct aoe_cfg *cfg)
{
	unsigned int cfg_sectors = RTE_MIN(aoe_cfg_sectors(cfg), 255u);
	unsigned int nsect = path_nsect(port, cfg_sectors);
	uint32_t i, n = t->nb_paths, slot = n;
	struct aoe_path *p;
	char mac[AOE_MAC_STR_MAX];

	for (i = 0; i < n; i++) {
		p = &t->paths[i];
		if (p->port != port || memcmp(p->mac.addr_bytes, hdr->src, AOE_ETH_ALEN) != 0)
			continue;
		p->heard_round = aoe_engine.discover_round;
		if (p->retired) {
			__atomic_store_n(&p->retired, 0, __ATOMIC_RELEASE);
			path_log(t, i, "answers again: back in use");
		}
		if (p->nsect != nsect || p->bufcnt != cfg->bufcnt) {
			AOE_LOG(INFO, disc,
				"%s: path %u now %u sectors/frame (was %u), buffer count %u (was "
				"%u)",
				t->name, i, nsect, p->nsect, cfg->bufcnt, p->bufcnt);
			p->cfg_sectors = (uint8_t)cfg_sectors;
			__atomic_store_n(&p->nsect, (uint8_t)nsect, __ATOMIC_RELAXED);
			__atomic_store_n(&p->bufcnt, cfg->bufcnt, __ATOMIC_RELAXED);
			__atomic_fetch_add(&p->params, 1, __ATOMIC_RELEASE);
		}
		/* Sessions that gave up on this path try it again. */
		__atomic_fetch_add(&p->heard, 1, __ATOMIC_RELEASE);
		return;
	}
	if (n == AOE_MAX_PATHS) {
		for (slot = 0; slot < n && !path_slot_reusable(t, slot); slot++)
			;
		if (slot == n) {
			aoe_mac_format(hdr->src, mac, sizeof(mac));
			AOE_LOG(WARNING, disc,
				"%s: %u live paths, the most a target has: %s via %s not used",
				t->name, AOE_MAX_PATHS, mac, aoe_engine.ports[port].name);
			return;
		}
	}
	p = &t->paths[slot];
	memcpy(p->mac.addr_bytes, hdr->src, AOE_ETH_ALEN);
	p->port = (uint8_t)port;
	p->cfg_sectors = (uint8_t)cfg_sectors;
	p->heard_round = aoe_engine.discover_round;
	__atomic_store_n(&p->nsect, (uint8_t)nsect, __ATOMIC_RELAXED);
	__atomic_store_n(&p->bufcnt, cfg->bufcnt, __ATOMIC_RELAXED);
	__atomic_store_n(&p->retired, 0, __ATOMIC_RELAXED);
	/* Sessions start this slot afresh: publishes the fields above. */
	__atomic_fetch_add(&p->incarnation, 1, __ATOMIC_RELEASE);
	if (slot == n)
		__atomic_store_n(&t->nb_paths, n + 1, __ATOMIC_RELEASE);
	aoe_mac_format(hdr->src, mac, sizeof(mac));
	AOE_LOG(INFO, disc, "%s: path %u via %s to %s, %u sectors/frame", t->name, slot,
		aoe_engine.ports[port].name, mac, nsect);
}

void
aoe_mgmt_rx_config(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned int port = (unsigned int)aoe_engine.port_index[m->port];
	struct aoe_target *t;
	struct aoe_cfg cfg;
	int rc;

	if (aoe_acl_rx(lc, m, hdr))
		goto out;
	if (hdr->cmd != AOE_CMD_CONFIG || (hdr->flags & AOE_FLAG_ERR)) {
		/* Mask list and reservation answers come only to access-control requests. */
		lc->stats->rx_malformed++;
		goto out;
	}
	rc = aoe_cfg_decode(frame, rte_pktmbuf_data_len(m), hdr, &cfg);
	if (rc != 0) {
		lc->stats->rx_malformed++;
		AOE_LOG(DEBUG, disc, "config response refused: %s", aoe_decode_strerror(rc));
		goto out;
	}
	if (hdr->shelf == AOE_SHELF_BCAST || hdr->slot == AOE_SLOT_BCAST) {
		lc->stats->rx_malformed++;
		AOE_LOG(DEBUG, disc, "config response from a broadcast address refused");
		goto out;
	}
	t = aoe_target_lookup(hdr->shelf, hdr->slot);
	if (t == NULL) {
		t = aoe_target_create(hdr->shelf, hdr->slot);
		if (t == NULL)
			goto out;
		AOE_LOG(INFO, disc, "%s discovered on %s", t->name, aoe_engine.ports[port].name);
	}
	t->fwver = cfg.fwver;
	t->config_len = cfg.str_len;
	/* An empty config string has no pointer (vblade's): memcpy from NULL is undefined. */
	if (cfg.str_len != 0)
		memcpy(t->config, cfg.str, cfg.str_len);
	t->flushed = 0;
	path_learn(t, hdr, port, &cfg);
	aoe_stats_target_publish(t);
	if (aoe_target_state_get(t) == AOE_TARGET_DOWN)
		probe_start(lc, t, false);
out:
	rte_pktmbuf_free(m);
}

/* An operator's flush: the target leaves the table (and aoe-stat) until it answers again. */
static void
target_flush(struct aoe_target *t)
{
	enum aoe_target_state state = aoe_target_state_get(t);

	if (__atomic_load_n(&t->open_count, __ATOMIC_ACQUIRE) > 0)
		return;
	t->flushed = 1;
	if (state == AOE_TARGET_UP || state == AOE_TARGET_PROBING)
		target_down(t, "flushed by the operator");
	aoe_stats_target_publish(t);
	AOE_LOG(INFO, disc, "%s flushed", t->name);
}

/* Config queries that sessions asked for after "bad argument" answers. */
static void
requeries_send(struct aoe_lcore *lc, struct aoe_target *t)
{
	uint32_t i, n = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++) {
		struct aoe_path *p = &t->paths[i];

		if (__atomic_load_n(&p->requery, __ATOMIC_RELAXED) &&
		    __atomic_exchange_n(&p->requery, 0, __ATOMIC_ACQ_REL))
			aoe_mgmt_config_query(lc, p->port, p->mac.addr_bytes, t->shelf, t->slot);
	}
}

static void
states_update(struct aoe_lcore *lc)
{
	struct aoe_engine *e = &aoe_engine;
	uint32_t i, n = e->nb_targets;

	for (i = 0; i < n; i++) {
		struct aoe_target *t = e->targets[i];
		enum aoe_target_state state;
		bool open = __atomic_load_n(&t->open_count, __ATOMIC_ACQUIRE) > 0;

		if (__atomic_exchange_n(&t->flush_requested, 0, __ATOMIC_ACQ_REL))
			target_flush(t);
		if (__atomic_exchange_n(&t->revalidate_requested, 0, __ATOMIC_ACQ_REL) &&
		    !t->flushed)
			revalidate_start(lc, t);
		requeries_send(lc, t);
		state = aoe_target_state_get(t);

		if (t->probe_busy && !t->probe_diagnosed &&
		    rte_rdtsc() - t->probe_tsc > AOE_PROBE_SLOW_MS * e->tsc_hz / 1000) {
			t->probe_diagnosed = true;
			aoe_acl_diagnose(t, "its config answers but not its IDENTIFY");
		}
		if ((state == AOE_TARGET_UP || state == AOE_TARGET_PROBING) &&
		    __atomic_load_n(&t->dead, __ATOMIC_ACQUIRE)) {
			target_down(t, "no answer for deadsecs");
			aoe_acl_diagnose(t, "no answer for deadsecs");
		} else if (state == AOE_TARGET_DOWN_CLOSEWAIT && !open) {
			target_set_state(t, AOE_TARGET_DOWN);
			AOE_LOG(INFO, disc, "%s released: down until rediscovered", t->name);
		}
	}
}

unsigned int
aoe_mgmt_poll(struct aoe_lcore *lc, uint64_t now)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int work = 0;

	if (__atomic_exchange_n(&e->discover_requested, 0, __ATOMIC_ACQ_REL) ||
	    now >= e->next_discover_tsc) {
		discover_send(lc);
		e->next_discover_tsc =
			e->conf.discover_interval_s
				? now + (uint64_t)e->conf.discover_interval_s * e->tsc_hz
				: UINT64_MAX;
		work++;
	}
	work += aoe_acl_poll(lc, now);
	if (now >= e->next_state_tsc) {
		states_update(lc);
		aoe_stats_targets_sync();
		e->next_state_tsc = now + AOE_STATE_PERIOD_US * e->tsc_hz / 1000000;
	}
	return work;
}

void
aoe_discover(void)
{
	__atomic_store_n(&aoe_engine.discover_requested, 1, __ATOMIC_RELEASE);
}
