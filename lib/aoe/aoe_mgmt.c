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

/* A query config (read) to one target, or to all of them with the broadcast address. */
static void
config_query_send(struct aoe_lcore *lc, unsigned int port, const uint8_t *dst, uint16_t shelf,
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
	aoe_tx_enqueue(lc, port, m);
}

static void
discover_send(struct aoe_lcore *lc)
{
	static const uint8_t bcast[AOE_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	unsigned int pi;

	for (pi = 0; pi < aoe_engine.nb_ports; pi++)
		config_query_send(lc, pi, bcast, AOE_SHELF_BCAST, AOE_SLOT_BCAST);
	AOE_LOG(DEBUG, disc, "query config broadcast on every allowed port");
}

/* Every state change is published to the stats region and the error stream. */
static void
target_set_state(struct aoe_target *t, enum aoe_target_state state)
{
	enum aoe_target_state old = aoe_target_state_get(t);
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

/*
 * The target stops being usable. Applications that saw it up get a down event; one that an
 * application holds stays "down,closewait" until it is released.
 */
static void
target_down(struct aoe_target *t, const char *why)
{
	bool was_up = aoe_target_state_get(t) == AOE_TARGET_UP;
	bool open = __atomic_load_n(&t->open_count, __ATOMIC_ACQUIRE) > 0;

	target_set_state(t, open ? AOE_TARGET_DOWN_CLOSEWAIT : AOE_TARGET_DOWN);
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
	struct aoe_identify id;
	uint64_t old_sectors = t->sectors;
	bool identified_before = old_sectors != 0;
	bool was_up = aoe_target_state_get(t) == AOE_TARGET_UP;

	t->probe_busy = false;
	if (io->status != 0) {
		AOE_LOG(WARNING, disc, "%s: IDENTIFY failed (%s, ata stat=%02xh err=%02xh)",
			t->name, strerror(-io->status), io->ata_status, io->ata_error);
		target_down(t, "IDENTIFY failed");
		return;
	}
	if (aoe_identify_parse(t->probe_buf, AOE_SECTOR_SIZE, &id) != 0 || id.sectors == 0) {
		target_down(t, "IDENTIFY reports no capacity");
		return;
	}
	t->sectors = id.sectors;
	t->lba48 = id.lba48;
	memcpy(t->model, id.model, sizeof(t->model));
	memcpy(t->serial, id.serial, sizeof(t->serial));
	memcpy(t->firmware, id.firmware, sizeof(t->firmware));
	target_set_state(t, AOE_TARGET_UP);
	if (identified_before && old_sectors != t->sectors) {
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
 * capacity changed.
 */
static void
probe_start(struct aoe_lcore *lc, struct aoe_target *t, bool revalidate)
{
	struct aoe_session *s;
	int rc;

	if (t->probe_io == NULL) {
		t->probe_io = rte_zmalloc("aoe_probe_io", sizeof(*t->probe_io), 0);
		t->probe_buf = rte_zmalloc("aoe_probe_buf", AOE_SECTOR_SIZE, 0);
		if (t->probe_io == NULL || t->probe_buf == NULL) {
			AOE_LOG(ERR, disc, "%s: no memory to probe", t->name);
			return;
		}
	}
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

	memset(t->probe_io, 0, sizeof(*t->probe_io));
	t->probe_io->op = AOE_IO_IDENTIFY;
	t->probe_io->buf = t->probe_buf;
	t->probe_io->nsect = 1;
	t->probe_io->done = probe_done;
	t->probe_io->arg = t;
	rc = aoe_session_submit(s, t->probe_io);
	if (rc != 0) {
		AOE_LOG(ERR, disc, "%s: IDENTIFY not sent: %s", t->name, strerror(-rc));
		if (!revalidate)
			target_down(t, "IDENTIFY could not be sent");
		return;
	}
	t->probe_busy = true;
}

/* Ask each path of a target for its config again, then IDENTIFY it (as revalidate does). */
static void
revalidate_start(struct aoe_lcore *lc, struct aoe_target *t)
{
	uint32_t i, n = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE);

	AOE_LOG(INFO, disc, "%s: revalidating", t->name);
	for (i = 0; i < n; i++)
		config_query_send(lc, t->paths[i].port, t->paths[i].mac.addr_bytes, t->shelf,
				  t->slot);
	if (aoe_target_state_get(t) == AOE_TARGET_UP)
		probe_start(lc, t, true);
	else
		probe_start(lc, t, false);
}

static void
path_learn(struct aoe_target *t, const struct aoe_hdr *hdr, unsigned int port)
{
	const struct aoe_port *p = &aoe_engine.ports[port];
	uint32_t i, n = t->nb_paths;
	unsigned int mtu_sectors = (p->mtu - (AOE_ATA_HDR_LEN - AOE_ETH_HDR_LEN)) / AOE_SECTOR_SIZE;
	unsigned int nsect = RTE_MIN(mtu_sectors, (unsigned int)t->cfg_sectors);
	char mac[AOE_MAC_STR_MAX];

	/* The sector count is one byte on the wire; a frame carries at least one sector. */
	if (nsect > 255)
		nsect = 255;
	if (nsect == 0)
		nsect = 1;
	for (i = 0; i < n; i++) {
		struct aoe_path *path = &t->paths[i];

		if (path->port == port &&
		    memcmp(path->mac.addr_bytes, hdr->src, AOE_ETH_ALEN) == 0) {
			__atomic_store_n(&path->up, 1, __ATOMIC_RELAXED);
			/* Sessions that gave up on this path try it again. */
			__atomic_fetch_add(&path->heard, 1, __ATOMIC_RELEASE);
			return;
		}
	}
	if (n == AOE_MAX_PATHS) {
		AOE_LOG(WARNING, disc, "%s: more than %u paths: new MAC ignored", t->name,
			AOE_MAX_PATHS);
		return;
	}
	memcpy(t->paths[n].mac.addr_bytes, hdr->src, AOE_ETH_ALEN);
	t->paths[n].port = (uint8_t)port;
	t->paths[n].nsect = (uint8_t)nsect;
	t->paths[n].up = 1;
	__atomic_store_n(&t->nb_paths, n + 1, __ATOMIC_RELEASE);
	aoe_mac_format(hdr->src, mac, sizeof(mac));
	AOE_LOG(INFO, disc, "%s: path %u via %s to %s, %u sectors/frame", t->name, n, p->name, mac,
		nsect);
}

void
aoe_mgmt_rx_config(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned int port = (unsigned int)aoe_engine.port_index[m->port];
	struct aoe_target *t;
	struct aoe_cfg cfg;
	int rc;

	if (hdr->cmd != AOE_CMD_CONFIG || (hdr->flags & AOE_FLAG_ERR)) {
		/* Mask list and reservation answers are not asked for yet. */
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
	t->bufcnt = cfg.bufcnt;
	t->fwver = cfg.fwver;
	if (t->nb_paths == 0 || aoe_cfg_sectors(&cfg) < t->cfg_sectors)
		t->cfg_sectors = (uint8_t)aoe_cfg_sectors(&cfg);
	t->config_len = cfg.str_len;
	/* An empty config string has no pointer (vblade's): memcpy from NULL is undefined. */
	if (cfg.str_len != 0)
		memcpy(t->config, cfg.str, cfg.str_len);
	t->last_seen_tsc = rte_rdtsc();
	t->flushed = 0;
	path_learn(t, hdr, port);
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
		state = aoe_target_state_get(t);

		if ((state == AOE_TARGET_UP || state == AOE_TARGET_PROBING) &&
		    __atomic_load_n(&t->dead, __ATOMIC_ACQUIRE)) {
			target_down(t, "no answer for deadsecs");
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
	if (now >= e->next_state_tsc) {
		states_update(lc);
		aoe_stats_targets_sync();
		e->next_state_tsc = now + AOE_STATE_PERIOD_US * e->tsc_hz / 1000000;
	}
	return work;
}
