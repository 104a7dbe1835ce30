/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe's event lines. The --status table and JSON are aoe-stat's (app/common's
 * aoe_app_status.c, from the engine's statistics region).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_names.h"
#include "status.h"

/* Fields are fixed arrays filled by the engine: never read past them, terminated or not. */
/* clang-format off */
#define FIELD(info, member) \
	(int)strnlen((info)->member, sizeof((info)->member)), (info)->member
/* clang-format on */

int
status_print_event(FILE *f, time_t when, enum aoe_target_event event,
		   const struct aoe_target_info *info)
{
	char stamp[64], size[32];
	struct tm tm;

	if (localtime_r(&when, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "%lld", (long long)when);
	aoe_app_size_gb(info->sectors, size, sizeof(size));

	switch (event) {
	case AOE_EVENT_TARGET_UP:
		fprintf(f, "%s %.*s up %s %.*s payload %" PRIu32 "\n", stamp, FIELD(info, name),
			size, FIELD(info, port_name), info->payload);
		break;
	case AOE_EVENT_TARGET_DOWN:
		fprintf(f, "%s %.*s down\n", stamp, FIELD(info, name));
		break;
	case AOE_EVENT_TARGET_RESIZED:
		fprintf(f, "%s %.*s resized %s\n", stamp, FIELD(info, name), size);
		break;
	default:
		fprintf(f, "%s %.*s event %d\n", stamp, FIELD(info, name), (int)event);
		break;
	}
	return aoe_app_flush(f);
}

/* A config string as printable text: anything else as '?', as aoe-stat shows it. */
static void
print_config(FILE *f, const uint8_t *s, unsigned int len)
{
	unsigned int i;

	fputc('"', f);
	for (i = 0; i < len; i++)
		fputc(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?', f);
	fputc('"', f);
}

static void
print_macs(FILE *f, const struct aoe_acl_mac *macs, unsigned int n, const struct aoe_acl_mac *ours,
	   unsigned int nb_ours)
{
	char s[AOE_MAC_STR_MAX];
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		aoe_mac_format(macs[i].bytes, s, sizeof(s));
		fprintf(f, "%s%s", i ? " " : "", s);
		for (j = 0; j < nb_ours; j++)
			if (memcmp(macs[i].bytes, ours[j].bytes, sizeof(ours[j].bytes)) == 0)
				fputs(" (this initiator)", f);
	}
}

/* What the target says now, after a request that was done. */
static void
print_done(FILE *f, const char *name, const struct aoe_acl_args *args,
	   const struct aoe_acl_result *r, const struct aoe_acl_mac *ours, unsigned int nb_ours)
{
	fprintf(f, "%s ", name);
	switch (args->op) {
	case AOE_ACL_CONFIG_READ:
	case AOE_ACL_CONFIG_SET:
	case AOE_ACL_CONFIG_FORCE_SET:
		fputs(args->op == AOE_ACL_CONFIG_READ ? "config string " : "config string set: ",
		      f);
		print_config(f, r->config, r->config_len);
		break;
	case AOE_ACL_CONFIG_TEST:
	case AOE_ACL_CONFIG_TEST_PREFIX:
		fputs(args->op == AOE_ACL_CONFIG_TEST ? "config string is "
						      : "config string starts "
							"with ",
		      f);
		print_config(f, args->config, args->config_len);
		break;
	case AOE_ACL_MASK_READ:
	case AOE_ACL_MASK_EDIT:
		if (r->nb_macs == 0) {
			fputs("mask list empty: every initiator may use it", f);
			break;
		}
		fputs("mask list: ", f);
		print_macs(f, r->macs, r->nb_macs, ours, nb_ours);
		break;
	default:
		if (r->nb_macs == 0) {
			fputs(args->op == AOE_ACL_RESERVE_READ ? "not reserved"
							       : "released: not "
								 "reserved",
			      f);
			break;
		}
		fputs("reserved for ", f);
		print_macs(f, r->macs, r->nb_macs, ours, nb_ours);
		break;
	}
	fputc('\n', f);
	if (r->paths_differ) {
		char mac[AOE_MAC_STR_MAX];

		aoe_mac_format(r->from.bytes, mac, sizeof(mac));
		fprintf(f, "%s warning: its paths answered differently; the above is %s's answer\n",
			name, mac);
	}
}

/* Why a request was not done, and what the operator may do about it. */
static void
print_failed(FILE *f, const char *name, const struct aoe_acl_args *args,
	     const struct aoe_acl_result *r, const struct aoe_acl_mac *ours, unsigned int nb_ours)
{
	const char *op = aoe_acl_op_name(args->op);

	fprintf(f, "dpdk-aoe: %s: ", name);
	switch (r->status) {
	case -EACCES:
		fprintf(f, "%s refused: %s (", op, aoe_strerror(r->status));
		print_macs(f, r->macs, r->nb_macs, ours, nb_ours);
		fputs(args->op == AOE_ACL_RESERVE || args->op == AOE_ACL_RELEASE
			      ? "); --force takes it from its holder"
			      : ")",
		      f);
		break;
	case -EEXIST:
		fputs("config string not set: one is present, ", f);
		print_config(f, r->config, r->config_len);
		fputs("; --force replaces it", f);
		break;
	case -ENOMSG:
		fputs("config string is not ", f);
		print_config(f, args->config, args->config_len);
		fputs(args->op == AOE_ACL_CONFIG_TEST_PREFIX ? "... (no path answered the test)"
							     : " (no path answered the test)",
		      f);
		break;
	case -ETIMEDOUT:
		fprintf(f,
			"%s: no answer from %u of %u paths in %u ms (a target whose MAC mask list "
			"leaves this initiator out answers nothing)",
			op, r->nb_paths - r->nb_answered, r->nb_paths,
			args->timeout_ms ? args->timeout_ms : AOE_ACL_TIMEOUT_MS);
		break;
	default:
		fprintf(f, "%s failed: %s", op, aoe_strerror(r->status));
		if (r->aoe_error != 0 || r->mask_error != 0)
			fprintf(f, " (AoE error %u, mask list error %u)", r->aoe_error,
				r->mask_error);
		break;
	}
	fputc('\n', f);
}

int
status_print_acl(FILE *out, FILE *err, const char *name, const struct aoe_acl_args *args,
		 const struct aoe_acl_result *res, const struct aoe_acl_mac *ours,
		 unsigned int nb_ours)
{
	if (res->status != 0) {
		print_failed(err, name, args, res, ours, nb_ours);
		return 0;
	}
	print_done(out, name, args, res, ours, nb_ours);
	return aoe_app_flush(out);
}
