/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Access-control requests (aoe_acl.h) on the management lcore. Any thread claims one of
 * AOE_ACL_PENDING_MAX slots and queues its request there; management starts it (one leg per
 * live path of the target), sends and resends its frames, takes the answers that the router
 * hands it (every non-ATA answer goes to management) and publishes the result, which the
 * submitter collects. aoe_acl_req.c holds the request's own state machine.
 *
 * A slot's life, each step one atomic transition of its state:
 *
 *   FREE --submit--> CLAIMED --submit--> QUEUED --mgmt--> RUNNING --mgmt--> DONE --result--> FREE
 *   QUEUED --cancel--> FREE     RUNNING --cancel--> ABANDONED --mgmt--> FREE     DONE --cancel-->
 * FREE
 *
 * Management also runs requests of its own (aoe_acl_diagnose): they have no submitter, and
 * their result only goes to the log.
 *
 * The answers carry a tag of management's (aoe_tag.h) whose slot bits name the request's slot
 * (1 + its index: slot 0 is discovery's) and whose generation is the request's sequence
 * number, so the answer to an earlier request in the same slot is not taken for this one's.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "aoe_acl_req.h"
#include "aoe_internal.h"
#include "aoe_log.h"
#include "aoe_names.h"
#include "aoe_tag.h"

enum slot_state {
	SLOT_FREE,
	SLOT_CLAIMED,
	SLOT_QUEUED,
	SLOT_RUNNING,
	SLOT_DONE,
	SLOT_ABANDONED,
};

#define TAG_SLOT_BASE	    1
#define AOE_ACL_DIAGNOSE_MS 1000
#define SEQ_MASK	    0x7fff /* keeps a handle positive */

struct acl_slot {
	uint32_t state; /* enum slot_state, atomic */
	uint32_t seq;	/* atomic; bumped by each claim */
	uint16_t shelf;
	uint8_t slot;
	bool internal;		  /* management's own: no submitter collects it */
	const char *why;	  /* internal: what made management ask */
	struct aoe_acl_args args; /* the submitter's */
	struct aoe_acl_req req;	  /* management's; its result is the submitter's once DONE */
};

static struct acl_slot slots[AOE_ACL_PENDING_MAX];

_Static_assert(AOE_ACL_LEGS_MAX == AOE_MAX_PATHS, "a request has a leg for each path");

static bool
state_move(struct acl_slot *s, enum slot_state from, enum slot_state to)
{
	uint32_t expected = from;

	return __atomic_compare_exchange_n(&s->state, &expected, to, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static int
handle_make(unsigned int index, uint32_t seq)
{
	return (int)(seq * AOE_ACL_PENDING_MAX + index);
}

/* The slot a handle names, or NULL when the handle is not one of the slot's current one. */
static struct acl_slot *
handle_slot(int handle)
{
	struct acl_slot *s;

	if (handle < 0)
		return NULL;
	s = &slots[(unsigned int)handle % AOE_ACL_PENDING_MAX];
	if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != (uint32_t)handle / AOE_ACL_PENDING_MAX)
		return NULL;
	return s;
}

int
aoe_acl_submit(const char *name, const struct aoe_acl_args *args)
{
	uint16_t shelf;
	uint8_t slot;
	struct aoe_target *t;
	unsigned int i;

	if (!aoe_engine.initialised)
		return -ENODEV;
	if (name == NULL || aoe_name_parse(name, &shelf, &slot) != 0 ||
	    aoe_acl_args_check(args) != 0)
		return -EINVAL;
	t = aoe_target_lookup(shelf, slot);
	if (t == NULL || t->flushed)
		return -ENOENT;
	for (i = 0; i < AOE_ACL_PENDING_MAX; i++) {
		struct acl_slot *s = &slots[i];
		uint32_t seq;

		if (!state_move(s, SLOT_FREE, SLOT_CLAIMED))
			continue;
		seq = (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) + 1) & SEQ_MASK;
		__atomic_store_n(&s->seq, seq, __ATOMIC_RELEASE);
		s->shelf = shelf;
		s->slot = slot;
		s->internal = false;
		s->args = *args;
		__atomic_store_n(&s->state, SLOT_QUEUED, __ATOMIC_RELEASE);
		return handle_make(i, seq);
	}
	return -EBUSY;
}

int
aoe_acl_result(int handle, struct aoe_acl_result *res)
{
	struct acl_slot *s = handle_slot(handle);
	uint32_t state;

	if (s == NULL || res == NULL)
		return -EINVAL;
	state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
	if (state == SLOT_QUEUED || state == SLOT_RUNNING)
		return -EINPROGRESS;
	if (state != SLOT_DONE)
		return -EINVAL;
	*res = s->req.result;
	__atomic_store_n(&s->state, SLOT_FREE, __ATOMIC_RELEASE);
	return 0;
}

void
aoe_acl_cancel(int handle)
{
	struct acl_slot *s = handle_slot(handle);

	if (s == NULL)
		return;
	/* Whichever transition wins, the slot is left to be freed by the one who ends it. */
	if (state_move(s, SLOT_QUEUED, SLOT_FREE) || state_move(s, SLOT_RUNNING, SLOT_ABANDONED))
		return;
	state_move(s, SLOT_DONE, SLOT_FREE);
}

static uint64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
aoe_acl_run(const char *name, const struct aoe_acl_args *args, struct aoe_acl_result *res)
{
	bool polling = aoe_lcore_self() != NULL;
	uint64_t end;
	int handle, rc;

	if (res == NULL)
		return -EINVAL;
	handle = aoe_acl_submit(name, args);
	if (handle < 0)
		return handle;
	end = monotonic_ms() + (args->timeout_ms != 0 ? args->timeout_ms : AOE_ACL_TIMEOUT_MS) +
	      1000;
	for (;;) {
		rc = aoe_acl_result(handle, res);
		if (rc != -EINPROGRESS)
			return rc;
		if (monotonic_ms() >= end)
			break;
		if (polling)
			aoe_lcore_poll();
		else
			usleep(1000);
	}
	aoe_acl_cancel(handle);
	return -ETIMEDOUT;
}

static void
macs_format(const struct aoe_acl_result *r, char *buf, size_t len)
{
	unsigned int i;
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; i < r->nb_macs && used + AOE_MAC_STR_MAX + 1 < len; i++) {
		if (i != 0)
			buf[used++] = ' ';
		aoe_mac_format(r->macs[i].bytes, buf + used, len - used);
		used += strlen(buf + used);
	}
	if (i < r->nb_macs)
		snprintf(buf + used, len - used, " ...");
}

/* What a finished request did, in the log: the operator's record of ACL changes. */
static void
result_log(const struct acl_slot *s)
{
	const struct aoe_acl_result *r = &s->req.result;
	const char *op = aoe_acl_op_name(s->args.op);
	char name[AOE_NAME_MAX], macs[4 * AOE_MAC_STR_MAX];

	aoe_target_format_name(name, sizeof(name), s->shelf, s->slot);
	macs_format(r, macs, sizeof(macs));
	if (r->status == 0)
		AOE_LOG(INFO, disc, "%s: %s done, %u of %u paths answered%s%s%s", name, op,
			r->nb_answered, r->nb_paths, r->nb_macs ? " (" : "", macs,
			r->nb_macs ? ")" : "");
	else if (r->status == -EACCES)
		AOE_LOG(WARNING, disc, "%s: %s refused: reserved by another initiator (%s)", name,
			op, macs);
	else
		AOE_LOG(WARNING, disc, "%s: %s failed: %s (%u of %u paths answered)", name, op,
			aoe_strerror(r->status), r->nb_answered, r->nb_paths);
}

static bool
mac_in(const uint8_t *mac, const struct aoe_acl_mac *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (memcmp(mac, list[i].bytes, sizeof(list[i].bytes)) == 0)
			return true;
	return false;
}

/*
 * What a mask list read says of a target that does not answer our ATA: a list that leaves all
 * our MACs out is the reason (aoe-target answers config and mask commands from such MACs); no
 * answer at all is what vblade gives a MAC it masks, and what a target that left gives.
 */
static void
diagnosis_log(const struct acl_slot *s)
{
	const struct aoe_acl_result *r = &s->req.result;
	char name[AOE_NAME_MAX], list[4 * AOE_MAC_STR_MAX], ours[4 * AOE_MAC_STR_MAX];
	struct aoe_acl_result mine;
	unsigned int i;
	bool admitted = false;

	aoe_target_format_name(name, sizeof(name), s->shelf, s->slot);
	macs_format(r, list, sizeof(list));
	memset(&mine, 0, sizeof(mine));
	for (i = 0; i < s->req.nb_ours; i++) {
		memcpy(mine.macs[i].bytes, s->req.ours[i], AOE_ETH_ALEN);
		admitted = admitted || mac_in(s->req.ours[i], r->macs, r->nb_macs);
	}
	mine.nb_macs = s->req.nb_ours;
	macs_format(&mine, ours, sizeof(ours));
	if (r->nb_answered == 0)
		AOE_LOG(WARNING, disc,
			"%s: %s, and no answer to a MAC mask list read either: the target left, or "
			"its MAC mask list leaves out this initiator (%s)",
			name, s->why, ours);
	else if (r->status == 0 && r->nb_macs != 0 && !admitted)
		AOE_LOG(ERR, disc,
			"%s: %s: its MAC mask list (%s) leaves out this initiator (%s): access "
			"denied by the target",
			name, s->why, list, ours);
	else
		AOE_LOG(INFO, disc, "%s: %s; its MAC mask list (%s) does not leave us out", name,
			s->why, r->nb_macs ? list : "empty");
}

void
aoe_acl_diagnose(struct aoe_target *t, const char *why)
{
	unsigned int i;

	for (i = 0; i < AOE_ACL_PENDING_MAX; i++) {
		struct acl_slot *s = &slots[i];

		if (!state_move(s, SLOT_FREE, SLOT_CLAIMED))
			continue;
		__atomic_store_n(&s->seq,
				 (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) + 1) & SEQ_MASK,
				 __ATOMIC_RELEASE);
		s->shelf = t->shelf;
		s->slot = t->slot;
		s->internal = true;
		s->why = why;
		memset(&s->args, 0, sizeof(s->args));
		s->args.op = AOE_ACL_MASK_READ;
		s->args.timeout_ms = AOE_ACL_DIAGNOSE_MS;
		__atomic_store_n(&s->state, SLOT_QUEUED, __ATOMIC_RELEASE);
		return;
	}
	AOE_LOG(DEBUG, disc, "%s: %s; not diagnosed: every request slot is busy", t->name, why);
}

static void
slot_finish(struct acl_slot *s)
{
	if (s->internal) {
		diagnosis_log(s);
		__atomic_store_n(&s->state, SLOT_FREE, __ATOMIC_RELEASE);
		return;
	}
	result_log(s);
	if (!state_move(s, SLOT_RUNNING, SLOT_DONE))
		__atomic_store_n(&s->state, SLOT_FREE, __ATOMIC_RELEASE); /* abandoned */
}

static void
slot_start(struct aoe_lcore *lc, struct acl_slot *s, unsigned int index, uint64_t now)
{
	const struct aoe_engine *e = &aoe_engine;
	uint32_t seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	uint32_t timeout_ms = s->args.timeout_ms != 0 ? s->args.timeout_ms : AOE_ACL_TIMEOUT_MS;
	struct aoe_target *t = aoe_target_lookup(s->shelf, s->slot);
	uint32_t i, n;

	aoe_acl_req_init(&s->req, &s->args, s->shelf, s->slot,
			 aoe_tag_make(lc->index, TAG_SLOT_BASE + index, (uint16_t)seq), now,
			 AOE_ACL_RETRY_MS * e->tsc_hz / 1000, timeout_ms * e->tsc_hz / 1000);
	if (t == NULL || t->flushed) {
		aoe_acl_req_done(&s->req, UINT64_MAX);
		s->req.result.status = -ENOENT;
		slot_finish(s);
		return;
	}
	n = __atomic_load_n(&t->nb_paths, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++) {
		const struct aoe_path *p = &t->paths[i];

		if (p->retired || !aoe_port_allowed(p->port))
			continue;
		aoe_acl_req_add_leg(&s->req, p->port, e->ports[p->port].mac.addr_bytes,
				    p->mac.addr_bytes);
	}
	AOE_LOG(INFO, disc, "%s: %s on %u path(s)", t->name, aoe_acl_op_name(s->args.op),
		s->req.nb_legs);
}

static void
leg_send(struct aoe_lcore *lc, struct acl_slot *s, unsigned int i)
{
	const struct aoe_engine *e = &aoe_engine;
	struct aoe_acl_leg *leg = &s->req.legs[i];
	struct rte_mbuf *m = rte_pktmbuf_alloc(e->pool);
	int len;

	if (m == NULL) {
		lc->stats->mbuf_alloc_failed++;
		return; /* sent again at the next retry */
	}
	len = aoe_acl_req_encode(&s->req, i, rte_pktmbuf_mtod(m, uint8_t *),
				 rte_pktmbuf_tailroom(m));
	if (len < 0 || len - AOE_ETH_HDR_LEN > e->ports[leg->port].mtu) {
		/* A mask edit too long for the port: that path cannot be asked. */
		rte_pktmbuf_free(m);
		leg->answered = true;
		leg->status = len < 0 ? len : -EMSGSIZE;
		return;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = m->data_len;
	aoe_tx_enqueue(lc, leg->port, m, NULL, 0);
}

unsigned int
aoe_acl_poll(struct aoe_lcore *lc, uint64_t now)
{
	unsigned int i, work = 0;
	int leg;

	for (i = 0; i < AOE_ACL_PENDING_MAX; i++) {
		struct acl_slot *s = &slots[i];
		uint32_t state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);

		if (state == SLOT_QUEUED) {
			if (!state_move(s, SLOT_QUEUED, SLOT_RUNNING))
				continue; /* cancelled */
			slot_start(lc, s, i, now);
			state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
			work++;
		}
		if (state != SLOT_RUNNING && state != SLOT_ABANDONED)
			continue;
		while ((leg = aoe_acl_req_due(&s->req, now)) >= 0) {
			leg_send(lc, s, (unsigned int)leg);
			work++;
		}
		if (aoe_acl_req_done(&s->req, now))
			slot_finish(s);
	}
	return work;
}

bool
aoe_acl_rx(struct aoe_lcore *lc, struct rte_mbuf *m, const struct aoe_hdr *hdr)
{
	unsigned int index = aoe_tag_slot(hdr->tag) - TAG_SLOT_BASE;
	bool plain_config = hdr->cmd == AOE_CMD_CONFIG && !(hdr->flags & AOE_FLAG_ERR);
	struct acl_slot *s;
	uint32_t state;
	int rc;

	if (aoe_tag_owner(hdr->tag) != lc->index || index >= AOE_ACL_PENDING_MAX)
		return false; /* not a request's: management's own */
	s = &slots[index];
	state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
	if ((state != SLOT_RUNNING && state != SLOT_ABANDONED) ||
	    aoe_tag_gen(hdr->tag) != (uint16_t)__atomic_load_n(&s->seq, __ATOMIC_RELAXED)) {
		AOE_LOG(DEBUG, disc, "an answer to an access-control request no longer waited for");
		return !plain_config;
	}
	rc = aoe_acl_req_answer(&s->req, (uint8_t)aoe_engine.port_index[m->port],
				rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m));
	if (rc != 0 && rc != -EALREADY && rc != -ENOENT) {
		lc->stats->rx_malformed++;
		AOE_LOG(DEBUG, disc, "access-control answer refused: %s", aoe_decode_strerror(rc));
	}
	/* A config answer also tells management what the target now says. */
	return !plain_config;
}

void
aoe_acl_fini(void)
{
	unsigned int i;

	for (i = 0; i < AOE_ACL_PENDING_MAX; i++) {
		struct acl_slot *s = &slots[i];

		/* Whoever waits is told; what nobody waits for is dropped. */
		if (s->internal && (state_move(s, SLOT_QUEUED, SLOT_FREE) ||
				    state_move(s, SLOT_RUNNING, SLOT_FREE)))
			continue;
		if (state_move(s, SLOT_QUEUED, SLOT_RUNNING))
			memset(&s->req.result, 0, sizeof(s->req.result));
		if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == SLOT_RUNNING) {
			s->req.result.status = -ECANCELED;
			state_move(s, SLOT_RUNNING, SLOT_DONE);
		}
		state_move(s, SLOT_ABANDONED, SLOT_FREE);
	}
}
