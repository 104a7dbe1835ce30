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
	fprintf(f,
		"nbd: %" PRIu64 " listener(s), %" PRIu64 " connection(s) open, %" PRIu64
		" accepted, %" PRIu64 " refused, bad input %" PRIu64 "\n",
		s.listeners, s.connections, s.connections_total, s.refused_connections,
		s.bad_input);
	for (i = 0; i < s.nb_exports; i++) {
		const struct nbd_export_stats *e = &s.exports[i];

		fprintf(f,
			"    nbd %-10.*s open %" PRIu64 " (of %" PRIu64 "), requests %" PRIu64
			", read %" PRIu64 " B, written %" PRIu64 " B, errors %" PRIu64
			", in flight %" PRIu64 "\n",
			NBD_SHM_NAME_MAX, e->name, e->open, e->connections, e->requests,
			e->read_bytes, e->write_bytes, e->errors, e->in_flight);
	}
	return ferror(f) ? -EIO : 0;
}
