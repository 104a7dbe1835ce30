/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /aoe/ telemetry commands. They run on DPDK's telemetry thread, never on a polling lcore:
 * reads come from the statistics region (the same snapshot rules as aoe-stat: seqcount for
 * targets, plain counters, cursors over the event rings), and control goes through the
 * engine's any-thread requests (aoe_discover, aoe_revalidate, aoe_flush, aoe_iflist_set), which
 * the management lcore carries out.
 *
 * A request the command cannot serve (bad parameter, unknown target, no engine) answers a dict
 * with one "error" key saying what was wrong and what is allowed, rather than a bare null.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "aoe_internal.h"
#include "aoe_shm_read.h"
#include "aoe_telemetry.h"

#define EVENTS_DEFAULT 64
#define EVENTS_MAX     512
/* The telemetry socket answers in one 16 KiB message; leave room for the command and JSON. */
#define EVENTS_REPLY_BUDGET (16 * 1024 - 512)

static int reply_error(struct rte_tel_data *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
reply_error(struct rte_tel_data *d, const char *fmt, ...)
{
	char msg[RTE_TEL_MAX_STRING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

/* The region of the running engine, or NULL (answered with an error) when there is none. */
static const struct aoe_shm *
engine_shm(struct rte_tel_data *d)
{
	const struct aoe_shm *shm = aoe_engine.shm;

	if (!aoe_engine.initialised || shm == NULL) {
		reply_error(d, "the AoE engine is not running");
		return NULL;
	}
	return shm;
}

static bool
param_empty(const char *params)
{
	return params == NULL || params[0] == '\0';
}

/* The stats region slot of target @name; a dict error and -1 when there is none. */
static int
target_find(const struct aoe_shm *shm, const char *name, struct aoe_shm_target *out,
	    struct rte_tel_data *d)
{
	uint16_t shelf;
	uint8_t slot;
	unsigned int i, n;

	if (param_empty(name) || aoe_name_parse(name, &shelf, &slot) != 0) {
		reply_error(d,
			    "bad target '%s'; allowed: e{shelf}.{slot}, e.g. e1.1 (see /aoe/list)",
			    name != NULL ? name : "");
		return -1;
	}
	n = __atomic_load_n(&shm->nb_targets, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++) {
		if (aoe_shm_target_read(shm, i, out) != 0)
			continue;
		if (out->shelf == shelf && out->slot == slot && !out->flushed)
			return (int)i;
	}
	reply_error(d, "no target %s (see /aoe/list)", name);
	return -1;
}

static int
cmd_list(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct aoe_target_info *info;
	unsigned int i, n;

	if (engine_shm(d) == NULL)
		return 0;
	info = malloc(sizeof(*info) * AOE_MAX_TARGETS);
	if (info == NULL)
		return -ENOMEM;
	n = aoe_target_list(info, AOE_MAX_TARGETS);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	for (i = 0; i < n && i < AOE_MAX_TARGETS; i++)
		rte_tel_data_add_array_string(d, info[i].name);
	free(info);
	return 0;
}

/* Telemetry's value of each kind of AOE_TARGET_DESC: booleans as 0/1 (it has no others). */
static void
put_STR(struct rte_tel_data *d, const char *key, const char *value)
{
	/* Telemetry strings hold 127 bytes; a longer config string is cut there. */
	rte_tel_data_add_dict_string(d, key, value);
}

static void
put_U64(struct rte_tel_data *d, const char *key, uint64_t value)
{
	rte_tel_data_add_dict_u64(d, key, value);
}

static void
put_BOOL(struct rte_tel_data *d, const char *key, bool value)
{
	rte_tel_data_add_dict_u64(d, key, value ? 1 : 0);
}

static void
put_MAC(struct rte_tel_data *d, const char *key, const uint8_t *mac)
{
	char s[AOE_MAC_STR_MAX];

	aoe_mac_format(mac, s, sizeof(s));
	rte_tel_data_add_dict_string(d, key, s);
}

static void
put_STATE(struct rte_tel_data *d, const char *key, uint32_t state)
{
	rte_tel_data_add_dict_string(d, key, aoe_state_name(state));
}

#define PUT(key, kind, value) put_##kind(d, #key, value);

static int
cmd_info(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct aoe_shm *shm = engine_shm(d);
	struct aoe_shm_target t;

	if (shm == NULL || target_find(shm, params, &t, d) < 0)
		return 0;
	rte_tel_data_start_dict(d);
	AOE_TARGET_DESC(PUT, &t)
	return 0;
}

/* Every field of @p table in the struct at @p base, under its key: arrays as arrays. */
static int
counters_add(struct rte_tel_data *d, const struct aoe_stats_table *table, const void *base)
{
	unsigned int i, j;

	for (i = 0; i < table->nb_fields; i++) {
		const struct aoe_stats_field *f = &table->fields[i];
		struct rte_tel_data *a;

		if (f->count == 1) {
			rte_tel_data_add_dict_u64(d, f->name, aoe_stats_value(base, f, 0));
			continue;
		}
		a = rte_tel_data_alloc();
		if (a == NULL)
			return -ENOMEM;
		rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
		for (j = 0; j < f->count; j++)
			rte_tel_data_add_array_u64(a, aoe_stats_value(base, f, j));
		rte_tel_data_add_dict_container(d, f->name, a, 0);
	}
	return 0;
}

static int
cmd_stats(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct aoe_shm *shm = engine_shm(d);
	struct aoe_shm_target_sum sum;
	struct aoe_shm_target t;
	int index, rc;

	if (shm == NULL || (index = target_find(shm, params, &t, d)) < 0)
		return 0;
	aoe_shm_target_sum(shm, (unsigned int)index, &sum);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", t.name);
	rte_tel_data_add_dict_string(d, "state", aoe_state_name(t.state));
	rc = counters_add(d, &aoe_target_stats_table, &sum.stats);
	if (rc == 0)
		rc = counters_add(d, &aoe_target_gauges_table, &sum.gauges);
	return rc;
}

/* A whole unsigned decimal number no larger than @max; -1 otherwise. */
static long
parse_uint(const char *s, long max)
{
	char *end;
	long v;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	return v;
}

static int
cmd_lcore_stats(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct aoe_shm *shm = engine_shm(d);
	char ids[RTE_TEL_MAX_STRING_LEN] = "";
	struct aoe_shm_lcore lc;
	unsigned int i;
	size_t off = 0;
	long id;

	if (shm == NULL)
		return 0;
	id = parse_uint(params, RTE_MAX_LCORE - 1);
	for (i = 0; aoe_shm_lcore_read(shm, i, &lc) == 0; i++) {
		if (id >= 0 && lc.lcore_id == (unsigned long)id)
			break;
		off += (size_t)snprintf(ids + off, off < sizeof(ids) ? sizeof(ids) - off : 0,
					"%s%u", off ? " " : "", lc.lcore_id);
		if (off >= sizeof(ids))
			off = sizeof(ids) - 1;
	}
	if (id < 0 || aoe_shm_lcore_read(shm, i, &lc) != 0) {
		/* Finish the list of polling lcores for the message. */
		for (i++; aoe_shm_lcore_read(shm, i, &lc) == 0 && off < sizeof(ids) - 1; i++)
			off += (size_t)snprintf(ids + off, sizeof(ids) - off, " %u", lc.lcore_id);
		return reply_error(d, "bad lcore '%s'; allowed: a polling lcore id (%s)",
				   params != NULL ? params : "", ids);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "lcore_id", lc.lcore_id);
	rte_tel_data_add_dict_u64(d, "is_mgmt", lc.is_mgmt);
	return counters_add(d, &aoe_lcore_stats_table, &lc.stats);
}

static int
cmd_discover(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	if (engine_shm(d) == NULL)
		return 0;
	if (!param_empty(params))
		return reply_error(d, "/aoe/discover takes no parameter");
	aoe_discover();
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "discover", "requested");
	return 0;
}

static int
cmd_revalidate(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	int rc;

	if (engine_shm(d) == NULL)
		return 0;
	rc = aoe_revalidate(params != NULL ? params : "");
	if (rc == -EINVAL)
		return reply_error(d, "bad target '%s'; allowed: e{shelf}.{slot}, e.g. e1.1",
				   params != NULL ? params : "");
	if (rc == -EBUSY)
		return reply_error(d, "%s is down,closewait: it stays down until released", params);
	if (rc != 0)
		return reply_error(d, "no target %s (see /aoe/list)", params);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "revalidate", params);
	return 0;
}

static int
cmd_flush(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const char *what = params != NULL ? params : "";
	int rc;

	if (engine_shm(d) == NULL)
		return 0;
	rc = aoe_flush(what);
	if (rc == -EINVAL)
		return reply_error(d,
				   "bad flush '%s'; allowed: nothing (down targets), all, or "
				   "e{shelf}.{slot}",
				   what);
	if (rc == -ENOENT)
		return reply_error(d, "no target %s (see /aoe/list)", what);
	if (rc == -EBUSY)
		return reply_error(d, "%s is open by an application: not flushed", what);
	if (rc < 0)
		return reply_error(d, "flush '%s' failed: %s", what, strerror(-rc));
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "flush", what[0] != '\0' ? what : "down");
	rte_tel_data_add_dict_u64(d, "targets", (uint64_t)rc);
	return 0;
}

/*
 * An access-control request's result: what the target said, or why it did not. The lists are
 * those of the first path that answered (paths_differ says when another said otherwise).
 */
static int
acl_reply(struct rte_tel_data *d, const char *name, enum aoe_acl_op op,
	  const struct aoe_acl_result *r)
{
	char s[RTE_TEL_MAX_STRING_LEN];
	struct rte_tel_data *macs = NULL;
	unsigned int i;

	if (r->nb_macs != 0 || op == AOE_ACL_MASK_READ || op == AOE_ACL_MASK_EDIT ||
	    op >= AOE_ACL_RESERVE_READ) {
		macs = rte_tel_data_alloc();
		if (macs == NULL)
			return -ENOMEM;
		rte_tel_data_start_array(macs, RTE_TEL_STRING_VAL);
		for (i = 0; i < r->nb_macs; i++) {
			aoe_mac_format(r->macs[i].bytes, s, sizeof(s));
			rte_tel_data_add_array_string(macs, s);
		}
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "target", name);
	rte_tel_data_add_dict_string(d, "op", aoe_acl_op_name(op));
	rte_tel_data_add_dict_string(d, "result", r->status == 0 ? "ok" : aoe_strerror(r->status));
	rte_tel_data_add_dict_int(d, "errno", -r->status);
	rte_tel_data_add_dict_u64(d, "paths", r->nb_paths);
	rte_tel_data_add_dict_u64(d, "answered", r->nb_answered);
	rte_tel_data_add_dict_u64(d, "aoe_error", r->aoe_error);
	rte_tel_data_add_dict_u64(d, "mask_error", r->mask_error);
	rte_tel_data_add_dict_u64(d, "paths_differ", r->paths_differ);
	if (r->nb_answered != 0)
		put_MAC(d, "from", r->from.bytes);
	if (op <= AOE_ACL_CONFIG_FORCE_SET) {
		/* Telemetry strings hold 127 bytes; unprintables as '?' as in /aoe/info. */
		for (i = 0; i < r->config_len && i < sizeof(s) - 1; i++)
			s[i] = isprint(r->config[i]) ? (char)r->config[i] : '?';
		s[i] = '\0';
		rte_tel_data_add_dict_string(d, "config", s);
	}
	if (macs != NULL)
		rte_tel_data_add_dict_container(d, op <= AOE_ACL_MASK_EDIT ? "mask" : "reserved",
						macs, 0);
	return 0;
}

/* Run @p args on target @p name and answer its result, or why there is none. */
static int
acl_command(struct rte_tel_data *d, const char *name, const struct aoe_acl_args *args)
{
	struct aoe_acl_result *r = malloc(sizeof(*r));
	int rc;

	if (r == NULL)
		return -ENOMEM;
	rc = aoe_acl_run(name, args, r);
	if (rc == -EINVAL)
		reply_error(d, "bad target '%s'; allowed: e{shelf}.{slot}, e.g. e1.1", name);
	else if (rc == -ENOENT)
		reply_error(d, "no target %s (see /aoe/list)", name);
	else if (rc == -EBUSY)
		reply_error(d, "%d access-control requests in flight already: try again",
			    AOE_ACL_PENDING_MAX);
	else if (rc == -ETIMEDOUT)
		reply_error(d, "the management lcore did not carry the request out in time");
	else if (rc != 0)
		reply_error(d, "%s: %s", name, strerror(-rc));
	else
		rc = acl_reply(d, name, args->op, r);
	free(r);
	return rc == -ENOMEM ? rc : 0;
}

/*
 * What an access-control command asks, from the words after its target name: @p word (empty
 * when none) and @p rest (what follows the word's comma, NULL when nothing does; it may hold
 * commas: a config string), @p after (everything after the name's comma: mask edits). Fills
 * @p args and returns true, or answers an error and returns false.
 */
typedef bool (*acl_parse_t)(struct rte_tel_data *d, const char *cmd, const char *word,
			    const char *rest, const char *after, struct aoe_acl_args *args);

static bool
parse_config_string(struct rte_tel_data *d, const char *cmd __rte_unused, const char *word,
		    const char *rest, const char *after __rte_unused, struct aoe_acl_args *args)
{
	static const struct {
		const char *word;
		enum aoe_acl_op op;
	} verbs[] = {
		{"set", AOE_ACL_CONFIG_SET},
		{"force", AOE_ACL_CONFIG_FORCE_SET},
		{"test", AOE_ACL_CONFIG_TEST},
		{"prefix", AOE_ACL_CONFIG_TEST_PREFIX},
	};
	unsigned int i;

	args->op = AOE_ACL_CONFIG_READ;
	if (word[0] == '\0')
		return true;
	for (i = 0; i < RTE_DIM(verbs) && strcmp(word, verbs[i].word) != 0; i++)
		;
	if (i == RTE_DIM(verbs)) {
		reply_error(d,
			    "bad action '%s'; allowed: NAME (read), NAME,set,STRING (if empty), "
			    "NAME,force,STRING, NAME,test,STRING or NAME,prefix,STRING",
			    word);
		return false;
	}
	args->op = verbs[i].op;
	if (rest == NULL)
		rest = "";
	args->config_len = (uint16_t)strnlen(rest, AOE_ACL_CONFIG_MAX);
	memcpy(args->config, rest, args->config_len);
	return true;
}

static bool
parse_mask(struct rte_tel_data *d, const char *cmd __rte_unused, const char *word,
	   const char *rest __rte_unused, const char *after, struct aoe_acl_args *args)
{
	char why[256];

	args->op = AOE_ACL_MASK_READ;
	if (word[0] == '\0')
		return true;
	args->op = AOE_ACL_MASK_EDIT;
	if (aoe_acl_dirs_parse(after, args, why, sizeof(why)) == 0)
		return true;
	reply_error(d, "%s", why);
	return false;
}

/* /aoe/reserve and /aoe/release: NAME, NAME,force, and (reserve) NAME,read. */
static bool
parse_reserve(struct rte_tel_data *d, const char *cmd, const char *word, const char *rest,
	      const char *after __rte_unused, struct aoe_acl_args *args)
{
	bool release = strcmp(cmd, "/aoe/release") == 0;

	if (word[0] == '\0')
		args->op = release ? AOE_ACL_RELEASE : AOE_ACL_RESERVE;
	else if (strcmp(word, "force") == 0 && rest == NULL)
		args->op = release ? AOE_ACL_RELEASE_FORCE : AOE_ACL_RESERVE_FORCE;
	else if (!release && strcmp(word, "read") == 0 && rest == NULL)
		args->op = AOE_ACL_RESERVE_READ;
	else {
		reply_error(d, "bad action '%s'; allowed: NAME, NAME,force%s", word,
			    release ? "" : " or NAME,read");
		return false;
	}
	return true;
}

/* "NAME[,WORD[,REST]]": the target, then what @p parse makes of the rest; run it, answer. */
static int
acl_telemetry(const char *cmd, const char *params, struct rte_tel_data *d, acl_parse_t parse)
{
	char name[AOE_NAME_MAX], word[32];
	const char *after = "", *rest = NULL;
	struct aoe_acl_args *args;
	size_t n;
	int rc = 0;

	if (engine_shm(d) == NULL)
		return 0;
	if (param_empty(params))
		return reply_error(d, "no target; allowed: e{shelf}.{slot}, e.g. e1.1");
	n = strcspn(params, ",");
	if (n >= AOE_NAME_MAX)
		return reply_error(d, "bad target '%.*s'; allowed: e{shelf}.{slot}, e.g. e1.1",
				   (int)RTE_MIN(n, (size_t)32), params);
	memcpy(name, params, n);
	name[n] = '\0';
	if (params[n] == ',')
		after = params + n + 1;
	n = RTE_MIN(strcspn(after, ","), sizeof(word) - 1);
	memcpy(word, after, n);
	word[n] = '\0';
	if (after[n] == ',')
		rest = after + n + 1;
	args = calloc(1, sizeof(*args));
	if (args == NULL)
		return -ENOMEM;
	if (parse(d, cmd, word, rest, after, args))
		rc = acl_command(d, name, args);
	free(args);
	return rc;
}

static int
cmd_config_string(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return acl_telemetry(cmd, params, d, parse_config_string);
}

static int
cmd_mask(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return acl_telemetry(cmd, params, d, parse_mask);
}

static int
cmd_reserve(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return acl_telemetry(cmd, params, d, parse_reserve);
}

/* The engine's ports and which are allowed, as three parallel arrays. */
static int
iflist_reply(struct rte_tel_data *d)
{
	uint16_t ids[AOE_MAX_PORTS];
	bool allowed[AOE_MAX_PORTS];
	struct rte_tel_data *a_ids, *a_names, *a_allowed;
	char name[RTE_ETH_NAME_MAX_LEN];
	unsigned int i, n;

	n = aoe_port_list(ids, allowed, AOE_MAX_PORTS);
	a_ids = rte_tel_data_alloc();
	a_names = rte_tel_data_alloc();
	a_allowed = rte_tel_data_alloc();
	if (a_ids == NULL || a_names == NULL || a_allowed == NULL) {
		rte_tel_data_free(a_ids);
		rte_tel_data_free(a_names);
		rte_tel_data_free(a_allowed);
		return -ENOMEM;
	}
	rte_tel_data_start_array(a_ids, RTE_TEL_U64_VAL);
	rte_tel_data_start_array(a_names, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(a_allowed, RTE_TEL_STRING_VAL);
	for (i = 0; i < n && i < AOE_MAX_PORTS; i++) {
		if (rte_eth_dev_get_name_by_port(ids[i], name) != 0)
			snprintf(name, sizeof(name), "port%u", ids[i]);
		rte_tel_data_add_array_u64(a_ids, ids[i]);
		rte_tel_data_add_array_string(a_names, name);
		if (allowed[i])
			rte_tel_data_add_array_string(a_allowed, name);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_container(d, "port_ids", a_ids, 0);
	rte_tel_data_add_dict_container(d, "ports", a_names, 0);
	rte_tel_data_add_dict_container(d, "allowed", a_allowed, 0);
	return 0;
}

static int
cmd_iflist(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	uint16_t ports[AOE_MAX_PORTS];
	unsigned int n = 0, i;
	char buf[1024], *tok, *save = NULL;
	int rc;

	if (engine_shm(d) == NULL)
		return 0;
	if (param_empty(params))
		return iflist_reply(d);
	if (snprintf(buf, sizeof(buf), "%s", params) >= (int)sizeof(buf))
		return reply_error(d, "port list too long");
	if (strcmp(buf, "all") != 0) {
		for (tok = strtok_r(buf, " ,\t", &save); tok != NULL;
		     tok = strtok_r(NULL, " ,\t", &save)) {
			uint16_t id;
			long v = parse_uint(tok, RTE_MAX_ETHPORTS - 1);

			if (v >= 0)
				id = (uint16_t)v;
			else if (rte_eth_dev_get_port_by_name(tok, &id) != 0)
				return reply_error(d,
						   "no port named '%s'; allowed: port ids or names "
						   "(/aoe/iflist lists them), or all",
						   tok);
			for (i = 0; i < n && ports[i] != id; i++)
				;
			if (i < n)
				continue;
			if (n == AOE_MAX_PORTS)
				return reply_error(d, "too many ports; at most %u", AOE_MAX_PORTS);
			ports[n++] = id;
		}
		if (n == 0)
			return reply_error(d, "empty port list; allowed: port ids or names "
					      "separated by spaces or commas, or all");
	}
	rc = aoe_iflist_set(ports, n);
	if (rc == -ENODEV)
		return reply_error(d,
				   "a port in '%s' is not one the engine drives "
				   "(/aoe/iflist lists them)",
				   params);
	if (rc != 0)
		return reply_error(d, "iflist '%s' failed: %s", params, strerror(-rc));
	return iflist_reply(d);
}

static int
cmd_events(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct aoe_shm *shm = engine_shm(d);
	struct aoe_shm_event chunk[64], *keep;
	char line[AOE_SHM_EVENT_STR_MAX];
	struct aoe_shm_cursor c;
	unsigned int got, i, first;
	uint64_t total = 0;
	size_t bytes = 0;
	long want = EVENTS_DEFAULT;

	if (shm == NULL)
		return 0;
	if (!param_empty(params)) {
		want = parse_uint(params, EVENTS_MAX);
		if (want <= 0)
			return reply_error(d, "bad count '%s'; allowed: 1..%u (default %u)", params,
					   EVENTS_MAX, EVENTS_DEFAULT);
	}
	keep = malloc(sizeof(*keep) * (size_t)want);
	if (keep == NULL)
		return -ENOMEM;
	/* Up to @want from every ring, merged; the newest @want overall are kept (circularly). */
	aoe_shm_cursor_init(shm, &c, (uint64_t)want);
	while ((got = aoe_shm_events_read(shm, &c, chunk, RTE_DIM(chunk), NULL)) > 0) {
		for (i = 0; i < got; i++)
			keep[(total + i) % (uint64_t)want] = chunk[i];
		total += got;
	}
	got = total < (uint64_t)want ? (unsigned int)total : (unsigned int)want;
	/* The reply is one socket message: drop the oldest lines that would not fit. */
	for (first = got; first > 0; first--) {
		const struct aoe_shm_event *ev = &keep[(total - got + first - 1) % (uint64_t)want];
		int n = aoe_shm_event_format(shm, ev, line, sizeof(line));

		bytes += (size_t)RTE_MIN(n, RTE_TEL_MAX_STRING_LEN - 1) + 4;
		if (bytes > EVENTS_REPLY_BUDGET)
			break;
	}
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	for (i = first; i < got; i++) {
		aoe_shm_event_format(shm, &keep[(total - got + i) % (uint64_t)want], line,
				     sizeof(line));
		rte_tel_data_add_array_string(d, line);
	}
	free(keep);
	return 0;
}

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} commands[] = {
	{"/aoe/list", cmd_list, "AoE targets, sorted by shelf and slot. No parameters"},
	{"/aoe/info", cmd_info, "One target's description. Parameter: target name (e1.1)"},
	{"/aoe/stats", cmd_stats,
	 "One target's counters summed over lcores, window and RTT. "
	 "Parameter: target name"},
	{"/aoe/lcore_stats", cmd_lcore_stats, "One polling lcore's counters. Parameter: lcore id"},
	{"/aoe/discover", cmd_discover,
	 "Broadcast a query config on every allowed port. "
	 "No parameters"},
	{"/aoe/revalidate", cmd_revalidate,
	 "Query a target's config and size again. "
	 "Parameter: target name"},
	{"/aoe/flush", cmd_flush,
	 "Remove targets from the table. Parameter: none (down targets), "
	 "all, or a target name"},
	{"/aoe/iflist", cmd_iflist,
	 "Ports and the allow list; with a parameter (port names or ids "
	 "separated by spaces or commas, or all) set the allow list"},
	{"/aoe/config_string", cmd_config_string,
	 "Read, set or test a target's config string. Parameters: NAME[,set|force|test|prefix,"
	 "STRING]"},
	{"/aoe/mask", cmd_mask,
	 "Read or edit a target's MAC mask list. Parameters: NAME[,+MAC,-MAC...]"},
	{"/aoe/reserve", cmd_reserve,
	 "Reserve a target for this initiator's MACs. Parameters: NAME[,force|read]"},
	{"/aoe/release", cmd_reserve, "Release a target's reservation. Parameters: NAME[,force]"},
	{"/aoe/events", cmd_events,
	 "The newest error-stream events as text, oldest first. "
	 "Parameter: how many, 1-512 (default 64)"},
};

/*
 * Commands run on the telemetry thread while aoe_fini() may tear the engine down on another:
 * each runs under the read side of this lock, and aoe_telemetry_stop() takes the write side
 * to mark the engine stopped, so a command either finishes before the teardown starts or sees
 * the engine gone. DPDK 22.11 cannot unregister a command.
 */
static pthread_rwlock_t engine_lock = PTHREAD_RWLOCK_INITIALIZER;

static int
cmd_dispatch(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;
	int rc = -EINVAL;

	for (i = 0; i < RTE_DIM(commands); i++)
		if (strcmp(commands[i].cmd, cmd) == 0)
			break;
	if (i == RTE_DIM(commands))
		return -EINVAL;
	pthread_rwlock_rdlock(&engine_lock);
	rc = commands[i].fn(cmd, params, d);
	pthread_rwlock_unlock(&engine_lock);
	return rc;
}

void
aoe_telemetry_stop(void)
{
	pthread_rwlock_wrlock(&engine_lock);
	aoe_engine.initialised = false;
	pthread_rwlock_unlock(&engine_lock);
}

int
aoe_telemetry_init(void)
{
	static unsigned int nb_registered;
	unsigned int i;
	int rc;

	/* Telemetry keeps commands for the life of the process and would list a command
	 * registered twice twice: register each once, resuming after a failed attempt. */
	for (i = nb_registered; i < RTE_DIM(commands); i++) {
		rc = rte_telemetry_register_cmd(commands[i].cmd, cmd_dispatch, commands[i].help);
		if (rc != 0)
			return rc;
		nb_registered = i + 1;
	}
	return 0;
}
