/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe output formats. Everything here writes to a FILE * and reads nothing but its
 * arguments; aoe_target_state_str() is the only library call, so the words for states are
 * the same ones every other tool prints.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

static int
cmp_target(const void *a, const void *b)
{
	const struct aoe_target_info *x = a, *y = b;

	if (x->shelf != y->shelf)
		return x->shelf < y->shelf ? -1 : 1;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return 0;
}

void
status_sort(struct aoe_target_info *targets, unsigned int n)
{
	if (n > 1)
		qsort(targets, n, sizeof(*targets), cmp_target);
}

/* Fields are fixed arrays filled by the engine: never read past them, terminated or not. */
/* clang-format off */
#define FIELD(info, member) \
	(int)strnlen((info)->member, sizeof((info)->member)), (info)->member
/* clang-format on */
#define JSON_FIELD(f, info, member) aoe_app_json_string(f, (info)->member, sizeof((info)->member))

int
status_print_text(FILE *f, struct aoe_target_info *targets, unsigned int n)
{
	char size[32], name[AOE_NAME_MAX + 1], port[sizeof(targets->port_name) + 1], payload[16];
	unsigned int i;

	status_sort(targets, n);
	for (i = 0; i < n; i++) {
		const struct aoe_target_info *t = &targets[i];

		snprintf(name, sizeof(name), "%.*s", FIELD(t, name));
		snprintf(port, sizeof(port), "%.*s", FIELD(t, port_name));
		snprintf(payload, sizeof(payload), "%" PRIu32, t->payload);
		aoe_app_size_gb(t->sectors, size, sizeof(size));
		fprintf(f, "%10s %15s %10s %-5s %-14s\n", name, size, port, payload,
			aoe_target_state_str(t->state));
	}
	return ferror(f) ? -EIO : 0;
}

static void
print_json_target(FILE *f, const struct aoe_target_info *t)
{
	const uint8_t *m = t->mac.addr_bytes;

	fputs("{\"name\": ", f);
	JSON_FIELD(f, t, name);
	fprintf(f, ", \"shelf\": %u, \"slot\": %u", t->shelf, t->slot);
	fprintf(f, ", \"mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\"", m[0], m[1], m[2], m[3], m[4],
		m[5]);
	fputs(", \"port\": ", f);
	JSON_FIELD(f, t, port_name);
	fprintf(f, ", \"port_id\": %u, \"paths\": %u", t->port, t->nb_paths);
	fprintf(f, ", \"sectors\": %" PRIu64 ", \"size_bytes\": %" PRIu64, t->sectors,
		t->sectors * 512);
	fprintf(f, ", \"payload\": %" PRIu32 ", \"sectors_per_frame\": %u", t->payload,
		t->sectors_per_frame);
	fputs(", \"state\": ", f);
	aoe_app_json_string(f, aoe_target_state_str(t->state), SIZE_MAX);
	fprintf(f, ", \"open\": %s", t->open ? "true" : "false");
	fputs(", \"firmware\": ", f);
	JSON_FIELD(f, t, firmware);
	fprintf(f, ", \"fwver\": %u, \"bufcnt\": %u, \"lba48\": %s", t->fwver, t->bufcnt,
		t->lba48 ? "true" : "false");
	fputs(", \"model\": ", f);
	JSON_FIELD(f, t, model);
	fputs(", \"serial\": ", f);
	JSON_FIELD(f, t, serial);
	fputs(", \"config\": ", f);
	JSON_FIELD(f, t, config);
	fputc('}', f);
}

int
status_print_json(FILE *f, struct aoe_target_info *targets, unsigned int n)
{
	unsigned int i;

	status_sort(targets, n);
	if (n == 0) {
		fputs("{\"targets\": []}\n", f);
		return ferror(f) ? -EIO : 0;
	}
	fputs("{\"targets\": [\n", f);
	for (i = 0; i < n; i++) {
		fputs("  ", f);
		print_json_target(f, &targets[i]);
		fputs(i + 1 < n ? ",\n" : "\n", f);
	}
	fputs("]}\n", f);
	return ferror(f) ? -EIO : 0;
}

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
	fflush(f);
	return ferror(f) ? -EIO : 0;
}
