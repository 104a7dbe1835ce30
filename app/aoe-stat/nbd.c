/* SPDX-License-Identifier: BSD-3-Clause */
/* aoe-stat -v: the NBD server's counters, when the initiator serves NBD (drivers/nbd). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "aoe_shm_read.h"
#include "stat_nbd.h"
#include "nbd_shm_read.h"

int
aoe_stat_nbd(FILE *f, const char *prefix)
{
	static struct nbd_shm s;
	char dir[PATH_MAX];
	unsigned int i;
	int rc;

	rc = aoe_shm_runtime_dir(prefix, dir, sizeof(dir));
	if (rc == 0)
		rc = nbd_shm_snapshot(dir, &s);
	if (rc == -ENOENT)
		return 0; /* no NBD server: nothing to show */
	if (rc != 0) {
		fprintf(f, "nbd: statistics unreadable: %s\n", strerror(-rc));
		return 0;
	}
	fprintf(f, "nbd:");
#define PRINT_TOTAL(name, meaning) fprintf(f, " " #name " %" PRIu64, s.name);
	NBD_SHM_TOTALS(PRINT_TOTAL)
#undef PRINT_TOTAL
	fputc('\n', f);
	for (i = 0; i < s.nb_exports; i++) {
		const struct nbd_export_stats *e = &s.exports[i];

		fprintf(f, "    nbd %.*s:", NBD_SHM_NAME_MAX, e->name);
#define PRINT_COUNTER(name, meaning) fprintf(f, " " #name " %" PRIu64, e->name);
		NBD_SHM_EXPORT_COUNTERS(PRINT_COUNTER)
#undef PRINT_COUNTER
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}
