/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe's event lines. The --status table and JSON are aoe-stat's (app/common's
 * aoe_app_status.c, from the engine's statistics region).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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
