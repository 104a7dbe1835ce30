/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports and the allow list. The engine drives the ports aoe_conf names (or, when it says
 * all_ports, every port the EAL probed that has no owner) and owns them through ethdev
 * ownership (rte_eth_dev_owner_*) until aoe_fini(): a port another owner holds is refused, and
 * code that iterates ownerless ports no longer sees ours. Each port gets one TX queue per
 * polling lcore and as many RX queues as it offers up to that; the allow list (every driven
 * port at first) can change at run time without touching the device. Each RX queue is polled
 * by exactly one lcore; responses that land on the wrong lcore are handed to their owner
 * through SPSC rings (aoe_lcore.c).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_flow.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_names.h"

#define AOE_RX_DESC    1024
#define AOE_TX_DESC    1024
#define AOE_MBUF_CACHE 256
#define AOE_MBUF_MIN   8192
/* Targets an lcore is expected to drive at full window when sizing the pool. */
#define AOE_POOL_TARGETS_HINT 16

/*
 * The MTU of the kernel interface behind a port (af_packet, tap), which the PMD does not
 * report: net_af_packet in 22.11 says 1500 whatever the interface has. 0 when unknown.
 */
static uint16_t
kernel_mtu(uint16_t port_id)
{
	struct rte_eth_dev_info info;
	char ifname[IF_NAMESIZE], path[64];
	unsigned int mtu = 0;
	FILE *f;

	if (rte_eth_dev_info_get(port_id, &info) != 0 || info.if_index == 0 ||
	    if_indextoname(info.if_index, ifname) == NULL)
		return 0;
	snprintf(path, sizeof(path), "/sys/class/net/%s/mtu", ifname);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%u", &mtu) != 1 || mtu > AOE_MTU_MAX)
		mtu = 0;
	fclose(f);
	return (uint16_t)mtu;
}

static int
pool_create(uint16_t max_mtu, bool af_packet_jumbo)
{
	struct aoe_engine *e = &aoe_engine;
	uint32_t n = e->conf.nb_mbufs;
	uint32_t room;

	/* One segment holds a whole frame: jumbo ports get jumbo mbufs. */
	room = (uint32_t)max_mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	room = room <= 2048 ? 2048 : RTE_ALIGN_CEIL(room + 64, 1024);
	/*
	 * A jumbo net_af_packet port needs framesz (and blocksz) raised to a power of two that
	 * holds the frame and the kernel's header, framesz=16384 for MTU 9000, and the PMD
	 * wants each mbuf to hold a whole frame slot.
	 */
	if (af_packet_jumbo && room < 16384)
		room = 16384;
	if (n == 0) {
		n = e->nb_lcores * (e->conf.maxout * AOE_POOL_TARGETS_HINT +
				    AOE_TXBUF_SIZE * e->nb_ports + AOE_HANDOFF_RING_SIZE) +
		    e->nb_ports * e->nb_lcores * (AOE_RX_DESC + AOE_TX_DESC);
		/* Jumbo buffers are big: a smaller floor keeps the pool within -m 256. */
		n = RTE_MAX(n, room > 4096 ? AOE_MBUF_MIN / 2u : (uint32_t)AOE_MBUF_MIN);
	}
	room += RTE_PKTMBUF_HEADROOM;
	e->pool = rte_pktmbuf_pool_create(AOE_MBUF_POOL_NAME, n, AOE_MBUF_CACHE, 0, (uint16_t)room,
					  rte_socket_id());
	if (e->pool == NULL) {
		AOE_LOG(ERR, net, "cannot create a pool of %u mbufs of %u bytes: %s", n, room,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	AOE_LOG(DEBUG, net, "mbuf pool: %u mbufs of %u bytes", n, room);
	return 0;
}

static int
port_configure(struct aoe_port *p)
{
	struct aoe_engine *e = &aoe_engine;
	struct rte_eth_dev_info info;
	struct rte_eth_conf eth_conf;
	uint16_t q;
	int rc;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return rc;
	if (info.max_tx_queues < e->nb_lcores) {
		AOE_LOG(ERR, net,
			"port %s has %u TX queues, %u polling lcores need one each "
			"(poll with fewer: aoe_ports_max_lcores(); net_af_packet: qpairs=%u)",
			p->name, info.max_tx_queues, e->nb_lcores, e->nb_lcores);
		return -EINVAL;
	}
	AOE_LOG(DEBUG, net, "port %s: driver %s, if_index %u, MTU %u-%u, max frame %u", p->name,
		info.driver_name, info.if_index, info.min_mtu, info.max_mtu, info.max_rx_pktlen);
	p->nb_txq = (uint16_t)e->nb_lcores;
	p->nb_rxq = (uint16_t)RTE_MIN(e->nb_lcores, info.max_rx_queues);
	/*
	 * net_af_packet's queues are sockets in a kernel fanout group: the kernel spreads frames
	 * over all of them whether or not they are configured, so every one must be polled.
	 */
	if (strcmp(info.driver_name, "net_af_packet") == 0)
		p->nb_rxq = RTE_MIN(info.max_rx_queues, (uint16_t)AOE_MAX_LCORES);

	memset(&eth_conf, 0, sizeof(eth_conf));
	/* Keep the MTU the interface already has (a veth set to 9000 stays jumbo). */
	eth_conf.rxmode.mtu = p->mtu;
	if (p->mtu > info.max_mtu || p->mtu < info.min_mtu ||
	    (uint32_t)p->mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN > info.max_rx_pktlen) {
		/*
		 * The PMD will not configure it, yet the link carries such frames: memif as
		 * chained buffers when the operator asks for it (--mtu), af_packet because the
		 * kernel interface has that MTU. Frames are sized for it anyway.
		 */
		AOE_LOG(NOTICE, net,
			"port %s: MTU %u is more than its PMD configures (frames up "
			"to %u bytes): frames are sized for %u all the same",
			p->name, p->mtu, info.max_rx_pktlen, p->mtu);
		eth_conf.rxmode.mtu = 0;
	}
	rc = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, &eth_conf);
	if (rc != 0) {
		AOE_LOG(ERR, net, "port %s: configure failed: %s", p->name,
			aoe_ethdev_strerror(rc));
		return rc == -1 ? -EIO : rc;
	}
	for (q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, AOE_RX_DESC,
					    rte_eth_dev_socket_id(p->port_id), NULL, e->pool);
		if (rc != 0) {
			AOE_LOG(ERR, net, "port %s: RX queue %u: %s", p->name, q,
				aoe_ethdev_strerror(rc));
			return rc == -1 ? -EIO : rc;
		}
	}
	for (q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, AOE_TX_DESC,
					    rte_eth_dev_socket_id(p->port_id), NULL);
		if (rc != 0) {
			AOE_LOG(ERR, net, "port %s: TX queue %u: %s", p->name, q,
				aoe_ethdev_strerror(rc));
			return rc == -1 ? -EIO : rc;
		}
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		AOE_LOG(ERR, net, "port %s: start failed: %s", p->name, aoe_ethdev_strerror(rc));
		return rc == -1 ? -EIO : rc;
	}
	rte_eth_macaddr_get(p->port_id, &p->mac);
	return 0;
}

/* RX queue q of every port goes to one lcore; start after the management lcore when there
 * are workers, so data responses land where the I/O runs. */
static void
rxq_assign(void)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int pi, q;

	for (pi = 0; pi < e->nb_ports; pi++) {
		for (q = 0; q < e->ports[pi].nb_rxq; q++) {
			unsigned int idx = (e->mgmt_index + 1 + q) % e->nb_lcores;
			struct aoe_lcore *lc = &e->lcores[idx];

			lc->rxq[lc->nb_rxq].port = (uint16_t)pi;
			lc->rxq[lc->nb_rxq].queue = (uint16_t)q;
			lc->nb_rxq++;
		}
	}
}

/* The RX queue of port @p pi that lcore @p owner polls, or -1. */
static int
owner_queue(unsigned int pi, unsigned int owner)
{
	const struct aoe_lcore *lc = &aoe_engine.lcores[owner];
	unsigned int i;

	for (i = 0; i < lc->nb_rxq; i++)
		if (lc->rxq[i].port == pi)
			return lc->rxq[i].queue;
	return -1;
}

/*
 * Steer each lcore's responses to an RX queue it polls, on NICs that can match the tag's owner
 * bits: EtherType 0x88A2, then the tag's first byte (6 bytes into the AoE header), bits 6-2.
 * Ports that cannot (af_packet, memif and most virtual ports) keep the software hand-off
 * through the SPSC rings, which is always correct, only slower.
 */
static void
flow_steer(unsigned int pi)
{
	struct aoe_engine *e = &aoe_engine;
	struct aoe_port *p = &e->ports[pi];
	unsigned int owner;

	if (e->nb_lcores == 1)
		return;
	for (owner = 0; owner < e->nb_lcores; owner++) {
		int q = owner_queue(pi, owner);
		uint8_t tag_byte = (uint8_t)(owner << 2), tag_mask = 0x7c;
		struct rte_flow_item_eth eth_spec = {.type = RTE_BE16(AOE_ETHERTYPE)};
		struct rte_flow_item_eth eth_mask = {.type = RTE_BE16(0xffff)};
		struct rte_flow_item_raw raw_spec = {
			.relative = 1, .offset = 6, .length = 1, .pattern = &tag_byte};
		struct rte_flow_item_raw raw_mask = {
			.relative = 1, .offset = -1, .length = 0xffff, .pattern = &tag_mask};
		struct rte_flow_item pattern[] = {
			{.type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &eth_spec, .mask = &eth_mask},
			{.type = RTE_FLOW_ITEM_TYPE_RAW, .spec = &raw_spec, .mask = &raw_mask},
			{.type = RTE_FLOW_ITEM_TYPE_END},
		};
		struct rte_flow_action_queue queue = {.index = (uint16_t)q};
		struct rte_flow_action actions[] = {
			{.type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue},
			{.type = RTE_FLOW_ACTION_TYPE_END},
		};
		struct rte_flow_attr attr = {.ingress = 1};
		struct rte_flow_error err;

		if (q < 0)
			continue;
		memset(&err, 0, sizeof(err));
		if (rte_flow_validate(p->port_id, &attr, pattern, actions, &err) == 0)
			p->flows[owner] =
				rte_flow_create(p->port_id, &attr, pattern, actions, &err);
		if (p->flows[owner] == NULL) {
			AOE_LOG(INFO, net,
				"port %s: no hardware steering (%s): responses reach their lcore "
				"through rings",
				p->name, err.message != NULL ? err.message : "rule refused");
			while (owner-- > 0)
				if (p->flows[owner] != NULL)
					rte_flow_destroy(p->port_id, p->flows[owner], &err);
			memset(p->flows, 0, sizeof(p->flows));
			return;
		}
	}
	AOE_LOG(INFO, net, "port %s: responses steered to their lcore's queue by rte_flow",
		p->name);
}

/* Take @p port_id for the engine: it must exist and have no other owner. */
static int
port_take(uint16_t port_id)
{
	struct aoe_engine *e = &aoe_engine;
	struct rte_eth_dev_owner owner;
	struct aoe_port *p;
	int rc;

	if (!rte_eth_dev_is_valid_port(port_id)) {
		AOE_LOG(ERR, net, "port %u does not exist (the EAL made %u ports)", port_id,
			rte_eth_dev_count_total());
		return -ENODEV;
	}
	if (e->nb_ports == AOE_MAX_PORTS) {
		AOE_LOG(ERR, net, "port %u: the engine drives at most %u ports", port_id,
			AOE_MAX_PORTS);
		return -EINVAL;
	}
	memset(&owner, 0, sizeof(owner));
	owner.id = e->owner_id;
	snprintf(owner.name, sizeof(owner.name), "libaoe (%s)",
		 e->conf.program != NULL ? e->conf.program : "");
	rc = rte_eth_dev_owner_set(port_id, &owner);
	if (rc != 0) {
		struct rte_eth_dev_owner other;

		if (rte_eth_dev_owner_get(port_id, &other) == 0 && other.id != RTE_ETH_DEV_NO_OWNER)
			AOE_LOG(ERR, net, "port %u is owned by '%s': not taken", port_id,
				other.name);
		else
			AOE_LOG(ERR, net, "port %u: cannot take ownership: %s", port_id,
				strerror(-rc));
		return rc == -EBUSY || rc == -EPERM ? -EBUSY : rc;
	}
	p = &e->ports[e->nb_ports];
	memset(p, 0, sizeof(*p));
	p->port_id = port_id;
	if (rte_eth_dev_get_name_by_port(port_id, p->name) != 0)
		snprintf(p->name, sizeof(p->name), "port%u", port_id);
	p->mtu = kernel_mtu(port_id);
	if (p->mtu == 0 && (rte_eth_dev_get_mtu(port_id, &p->mtu) != 0 || p->mtu == 0))
		p->mtu = RTE_ETHER_MTU;
	if (e->conf.mtu != 0)
		p->mtu = e->conf.mtu;
	p->allowed = 1;
	e->port_index[port_id] = (int8_t)e->nb_ports;
	e->nb_ports++;
	return 0;
}

/* The ports the configuration names (or every ownerless one), owned by the engine. */
static int
ports_take(void)
{
	struct aoe_engine *e = &aoe_engine;
	uint16_t port_id;
	unsigned int i;
	int rc;

	rc = rte_eth_dev_owner_new(&e->owner_id);
	if (rc != 0) {
		AOE_LOG(ERR, net, "no ethdev owner id: %s", strerror(-rc));
		return rc;
	}
	if (e->conf.all_ports) {
		/* Ports with an owner (another library's, the application's) are not ours. */
		RTE_ETH_FOREACH_DEV(port_id)
		{
			rc = port_take(port_id);
			if (rc != 0)
				return rc;
		}
		if (e->nb_ports == 0) {
			AOE_LOG(ERR, net,
				"no Ethernet port without an owner: give the EAL a device (-a or "
				"--vdev)");
			return -ENODEV;
		}
		return 0;
	}
	for (i = 0; i < e->conf.nb_ports; i++) {
		rc = port_take(e->conf.ports[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Give every port back, ownerless (stopped by the caller when it was started). */
static void
ports_release(void)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int i;

	/* Port by port: rte_eth_dev_owner_delete() would say so in the log at NOTICE. */
	for (i = 0; i < e->nb_ports; i++) {
		rte_eth_dev_owner_unset(e->ports[i].port_id, e->owner_id);
		e->port_index[e->ports[i].port_id] = -1;
	}
	e->nb_ports = 0;
	e->owner_id = RTE_ETH_DEV_NO_OWNER;
}

int
aoe_ports_setup(void)
{
	struct aoe_engine *e = &aoe_engine;
	uint16_t max_mtu = RTE_ETHER_MTU;
	bool af_packet_jumbo = false;
	unsigned int i;
	int rc;

	rc = ports_take();
	if (rc != 0)
		goto fail;
	for (i = 0; i < e->nb_ports; i++) {
		const struct aoe_port *p = &e->ports[i];

		max_mtu = RTE_MAX(max_mtu, p->mtu);
		if (p->mtu > RTE_ETHER_MTU && strncmp(p->name, "net_af_packet", 13) == 0)
			af_packet_jumbo = true;
	}
	rc = pool_create(max_mtu, af_packet_jumbo);
	if (rc != 0)
		goto fail;
	for (i = 0; i < e->nb_ports; i++) {
		rc = port_configure(&e->ports[i]);
		if (rc != 0) {
			AOE_LOG(ERR, net, "port %s was asked for and did not come up",
				e->ports[i].name);
			while (i-- > 0)
				rte_eth_dev_stop(e->ports[i].port_id);
			rte_mempool_free(e->pool);
			e->pool = NULL;
			goto fail;
		}
		AOE_LOG(INFO, net, "port %s: MTU %u, %u RX / %u TX queues", e->ports[i].name,
			e->ports[i].mtu, e->ports[i].nb_rxq, e->ports[i].nb_txq);
	}
	rxq_assign();
	for (i = 0; i < e->nb_ports; i++)
		flow_steer(i);
	return 0;
fail:
	ports_release();
	return rc;
}

int
aoe_ports_max_lcores(const struct aoe_conf *conf)
{
	unsigned int i, max = AOE_MAX_LCORES, n = 0;
	struct rte_eth_dev_info info;
	uint16_t port_id;

	if (conf == NULL || (conf->all_ports == (conf->nb_ports != 0)) ||
	    conf->nb_ports > AOE_MAX_PORTS)
		return -EINVAL;
	if (conf->all_ports) {
		RTE_ETH_FOREACH_DEV(port_id)
		{
			if (rte_eth_dev_info_get(port_id, &info) != 0)
				return -ENODEV;
			max = RTE_MIN(max, (unsigned int)info.max_tx_queues);
			n++;
		}
		if (n == 0)
			return -ENODEV;
	}
	for (i = 0; i < conf->nb_ports; i++) {
		if (!rte_eth_dev_is_valid_port(conf->ports[i]) ||
		    rte_eth_dev_info_get(conf->ports[i], &info) != 0)
			return -ENODEV;
		max = RTE_MIN(max, (unsigned int)info.max_tx_queues);
	}
	return (int)RTE_MAX(max, 1u);
}

void
aoe_ports_teardown(void)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int i;

	for (i = 0; i < e->nb_ports; i++) {
		struct aoe_port *p = &e->ports[i];
		struct rte_flow_error err;
		unsigned int j;

		for (j = 0; j < AOE_MAX_LCORES; j++)
			if (p->flows[j] != NULL)
				rte_flow_destroy(p->port_id, p->flows[j], &err);
		rte_eth_dev_stop(p->port_id);
	}
	ports_release();
	rte_mempool_free(e->pool);
	e->pool = NULL;
}

void
aoe_tx_flush(struct aoe_lcore *lc)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int pi;

	for (pi = 0; pi < e->nb_ports; pi++) {
		struct aoe_txbuf *tb = &lc->txbuf[pi];
		uint16_t sent;

		if (tb->count == 0)
			continue;
		sent = rte_eth_tx_burst(e->ports[pi].port_id, lc->txq, tb->pkts, tb->count);
		lc->stats->tx_frames += sent;
		if (sent != 0) {
			uint64_t now = rte_rdtsc();
			uint16_t i;

			for (i = 0; i < sent; i++)
				if (tb->frames[i] != NULL)
					aoe_frame_departed(tb->frames[i], tb->gens[i], now);
		}
		if (sent < tb->count) {
			memmove(tb->pkts, tb->pkts + sent,
				(tb->count - sent) * sizeof(tb->pkts[0]));
			memmove(tb->frames, tb->frames + sent,
				(tb->count - sent) * sizeof(tb->frames[0]));
			memmove(tb->gens, tb->gens + sent,
				(tb->count - sent) * sizeof(tb->gens[0]));
		}
		tb->count -= sent;
	}
}

int
aoe_iflist_set(const uint16_t *ports, unsigned int nb_ports)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int i, j;

	if (!e->initialised)
		return -ENODEV;
	if (ports == NULL && nb_ports != 0)
		return -EINVAL;
	for (i = 0; i < nb_ports; i++)
		if (ports[i] >= RTE_MAX_ETHPORTS || e->port_index[ports[i]] < 0)
			return -ENODEV;
	for (j = 0; j < e->nb_ports; j++) {
		bool allow = nb_ports == 0;

		for (i = 0; i < nb_ports; i++)
			if (ports[i] == e->ports[j].port_id)
				allow = true;
		if (allow != aoe_port_allowed(j))
			AOE_LOG(INFO, net, "port %s %s the allow list", e->ports[j].name,
				allow ? "added to" : "removed from");
		__atomic_store_n(&e->ports[j].allowed, allow, __ATOMIC_RELEASE);
	}
	aoe_stats_ports_publish();
	return 0;
}

unsigned int
aoe_port_list(uint16_t *port_ids, bool *allowed, unsigned int max)
{
	struct aoe_engine *e = &aoe_engine;
	unsigned int i;

	if (!e->initialised)
		return 0;
	for (i = 0; i < e->nb_ports && i < max; i++) {
		if (port_ids != NULL)
			port_ids[i] = e->ports[i].port_id;
		if (allowed != NULL)
			allowed[i] = aoe_port_allowed(i);
	}
	return e->nb_ports;
}
