/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reader's side of the statistics region. No DPDK here: aoe-stat links this file (and the
 * codec, for the AoE error texts) without the EAL, and the engine links it for its telemetry.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aoe_shm_read.h"
#include "aoe_wire.h"

/* Far more than a management lcore needs to rewrite one target: a reader that still cannot get
 * a clean copy is looking at a writer that died in the middle of an update. */
#define SEQ_RETRIES 100000

int
aoe_shm_runtime_dir(const char *prefix, char *buf, size_t len)
{
	const char *base = "/var/run";
	int n;

	/* The EAL's own choice (eal_create_runtime_dir): root gets /var/run, others XDG or /tmp. */
	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL || base[0] == '\0')
			base = "/tmp";
	}
	n = snprintf(buf, len, "%s/dpdk/%s", base, prefix);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

bool
aoe_shm_writer_alive(const struct aoe_shm *shm)
{
	pid_t pid = (pid_t)shm->pid;

	if (__atomic_load_n(&shm->alive, __ATOMIC_ACQUIRE) == 0)
		return false;
	/* EPERM means it exists under another user: still alive. */
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static int set_err(struct aoe_shm_reader *r, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
set_err(struct aoe_shm_reader *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return rc;
}

int
aoe_shm_open(struct aoe_shm_reader *r, const char *prefix, const char *path)
{
	const struct aoe_shm *shm;
	char dir[sizeof(r->path)];
	struct stat st;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	if (path != NULL) {
		if (snprintf(r->path, sizeof(r->path), "%s", path) >= (int)sizeof(r->path))
			return set_err(r, -ENAMETOOLONG, "path too long: %s", path);
	} else if (prefix != NULL && prefix[0] != '\0') {
		if (strchr(prefix, '/') != NULL)
			return set_err(r, -EINVAL, "bad file prefix '%s': a prefix has no '/'",
				       prefix);
		if (aoe_shm_runtime_dir(prefix, dir, sizeof(dir)) != 0 ||
		    snprintf(r->path, sizeof(r->path), "%s/%s", dir, AOE_SHM_FILE) >=
			    (int)sizeof(r->path))
			return set_err(r, -ENAMETOOLONG, "file prefix too long: %s", prefix);
	} else {
		return set_err(r, -EINVAL, "no file prefix and no path given");
	}

	fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT && path == NULL)
			return set_err(r, rc,
				       "no dpdk-aoe or aoe-perf running with file prefix %s "
				       "(no %s)",
				       prefix, r->path);
		return set_err(r, rc, "cannot open %s: %s", r->path, strerror(-rc));
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		close(fd);
		return set_err(r, rc, "cannot stat %s: %s", r->path, strerror(-rc));
	}
	/* Check the size before mapping: reading past a short file would raise SIGBUS. */
	if ((uint64_t)st.st_size < sizeof(struct aoe_shm)) {
		close(fd);
		return set_err(r, -EPROTO,
			       "%s is not a statistics region of this version "
			       "(%lld bytes, want %zu)",
			       r->path, (long long)st.st_size, sizeof(struct aoe_shm));
	}
	shm = mmap(NULL, sizeof(*shm), PROT_READ, MAP_SHARED, fd, 0);
	rc = -errno;
	close(fd);
	if (shm == MAP_FAILED)
		return set_err(r, rc, "cannot map %s: %s", r->path, strerror(-rc));
	r->shm = shm;
	r->map_size = sizeof(*shm);
	if (__atomic_load_n(&shm->magic, __ATOMIC_ACQUIRE) != AOE_SHM_MAGIC) {
		rc = set_err(r, -EPROTO,
			     "%s is not a statistics region (bad magic; a writer "
			     "still starting?)",
			     r->path);
		goto fail;
	}
	if (shm->version != AOE_SHM_VERSION || shm->size != sizeof(*shm)) {
		rc = set_err(r, -EPROTO,
			     "%s has layout version %u (%u bytes); this reader knows "
			     "version %u (%zu bytes)",
			     r->path, shm->version, shm->size, AOE_SHM_VERSION, sizeof(*shm));
		goto fail;
	}
	if (!aoe_shm_writer_alive(shm)) {
		rc = set_err(r, -ESRCH,
			     "stale statistics region %s: %s (pid %" PRIu64 ") is no "
			     "longer running",
			     r->path, shm->program[0] ? shm->program : "its writer", shm->pid);
		goto fail;
	}
	return 0;
fail:
	aoe_shm_close(r);
	return rc;
}

void
aoe_shm_close(struct aoe_shm_reader *r)
{
	if (r->shm != NULL)
		munmap((void *)(uintptr_t)r->shm, r->map_size);
	r->shm = NULL;
	r->map_size = 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
aoe_shm_find(char (*prefixes)[256], unsigned int max)
{
	char base[4096], file[4096 + 512];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	/* The runtime directory of the empty prefix is the directory of every prefix. */
	if (aoe_shm_runtime_dir("", base, sizeof(base)) != 0)
		return -ENAMETOOLONG;
	d = opendir(base);
	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= 256)
			continue;
		snprintf(file, sizeof(file), "%s%s/%s", base, de->d_name, AOE_SHM_FILE);
		if (access(file, R_OK) != 0)
			continue;
		if (n < max)
			snprintf(prefixes[n], 256, "%s", de->d_name);
		n++;
	}
	closedir(d);
	qsort(prefixes, n < max ? n : max, sizeof(prefixes[0]), cmp_str);
	return (int)n;
}

int
aoe_shm_target_read(const struct aoe_shm *shm, unsigned int index, struct aoe_shm_target *out)
{
	const struct aoe_shm_target *st;
	unsigned int i;
	uint32_t s1, s2;

	if (index >= AOE_SHM_MAX_TARGETS ||
	    index >= __atomic_load_n(&shm->nb_targets, __ATOMIC_ACQUIRE))
		return -ENOENT;
	st = &shm->targets[index];
	for (i = 0; i < SEQ_RETRIES; i++) {
		s1 = __atomic_load_n(&st->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		memcpy(out, st, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&st->seq, __ATOMIC_RELAXED);
		if (s1 == s2) {
			/* Strings are NUL-terminated by the writer; make sure of it anyway. */
			out->name[sizeof(out->name) - 1] = '\0';
			out->port_name[sizeof(out->port_name) - 1] = '\0';
			out->ports[sizeof(out->ports) - 1] = '\0';
			out->model[sizeof(out->model) - 1] = '\0';
			out->serial[sizeof(out->serial) - 1] = '\0';
			out->firmware[sizeof(out->firmware) - 1] = '\0';
			out->config[sizeof(out->config) - 1] = '\0';
			return 0;
		}
	}
	return -EAGAIN;
}

#define GAUGE_FIELD(name, dim) AOE_STATS_FIELD(struct aoe_target_gauges, name),

static const struct aoe_stats_field gauge_fields[] = {AOE_TARGET_GAUGES(GAUGE_FIELD)};

const struct aoe_stats_table aoe_target_gauges_table = {
	.fields = gauge_fields,
	.nb_fields = sizeof(gauge_fields) / sizeof(gauge_fields[0]),
	.nb_values = sizeof(struct aoe_target_gauges) / sizeof(uint64_t),
};

void
aoe_shm_target_sum(const struct aoe_shm *shm, unsigned int index, struct aoe_shm_target_sum *out)
{
	unsigned int l, k, nb_lcores = shm->nb_lcores;
	struct aoe_target_gauges *g = &out->gauges;

	memset(out, 0, sizeof(*out));
	if (index >= AOE_SHM_MAX_TARGETS)
		return;
	if (nb_lcores > AOE_SHM_MAX_LCORES)
		nb_lcores = AOE_SHM_MAX_LCORES;
	for (l = 0; l < nb_lcores; l++) {
		const struct aoe_shm_session *ss = &shm->sessions[index][l];
		const uint64_t *src = (const uint64_t *)&ss->stats;
		uint64_t *dst = (uint64_t *)&out->stats;

		if (__atomic_load_n(&ss->in_use, __ATOMIC_ACQUIRE) == 0)
			continue;
		/* aoe_target_stats is nothing but 64-bit counters (aoe_stats_fields.c checks). */
		for (k = 0; k < aoe_target_stats_table.nb_values; k++)
			dst[k] += __atomic_load_n(&src[k], __ATOMIC_RELAXED);
		g->outstanding += __atomic_load_n(&ss->outstanding, __ATOMIC_RELAXED);
		g->cwnd += __atomic_load_n(&ss->cwnd, __ATOMIC_RELAXED);
		if (g->sessions++ == 0) {
			g->srtt_ns = __atomic_load_n(&ss->srtt_ns, __ATOMIC_RELAXED);
			g->rttvar_ns = __atomic_load_n(&ss->rttvar_ns, __ATOMIC_RELAXED);
			g->rto_ns = __atomic_load_n(&ss->rto_ns, __ATOMIC_RELAXED);
		}
	}
}

static int
row_cmp(const void *a, const void *b)
{
	const struct aoe_shm_row *x = a, *y = b;

	return aoe_target_order(x->t.shelf, x->t.slot, y->t.shelf, y->t.slot);
}

struct aoe_shm_row *
aoe_shm_rows(const struct aoe_shm *shm, unsigned int *count)
{
	unsigned int i, n = 0, slots = __atomic_load_n(&shm->nb_targets, __ATOMIC_ACQUIRE);
	struct aoe_shm_row *rows;

	if (slots > AOE_SHM_MAX_TARGETS)
		slots = AOE_SHM_MAX_TARGETS;
	rows = calloc(slots ? slots : 1, sizeof(*rows));
	if (rows == NULL)
		return NULL;
	for (i = 0; i < slots; i++) {
		struct aoe_shm_row *r = &rows[n];

		if (aoe_shm_target_read(shm, i, &r->t) != 0 || r->t.flushed)
			continue;
		aoe_shm_target_sum(shm, i, &r->sum);
		r->index = i;
		n++;
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	*count = n;
	return rows;
}

int
aoe_shm_lcore_read(const struct aoe_shm *shm, unsigned int index, struct aoe_shm_lcore *out)
{
	if (index >= shm->nb_lcores || index >= AOE_SHM_MAX_LCORES)
		return -ENOENT;
	memcpy(out, &shm->lcores[index], sizeof(*out));
	return 0;
}

static unsigned int
nb_rings(const struct aoe_shm *shm)
{
	return shm->nb_lcores < AOE_SHM_MAX_LCORES ? shm->nb_lcores : AOE_SHM_MAX_LCORES;
}

void
aoe_shm_cursor_init(const struct aoe_shm *shm, struct aoe_shm_cursor *c, uint64_t backlog)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < nb_rings(shm); i++) {
		uint64_t head = __atomic_load_n(&shm->events[i].head, __ATOMIC_ACQUIRE);

		c->last[i] = head > backlog ? head - backlog : 0;
	}
}

/* The next event of ring @i after the cursor, without consuming it. Events the writer has
 * overwritten are skipped (the cursor moves past them) and counted. */
static bool
ring_peek(const struct aoe_shm *shm, unsigned int i, struct aoe_shm_cursor *c,
	  struct aoe_shm_event *ev, uint64_t *missed)
{
	const struct aoe_shm_event_ring *r = &shm->events[i];

	for (;;) {
		uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		const struct aoe_shm_event *slot;
		uint64_t want, s1, s2;

		if (c->last[i] >= head)
			return false;
		if (head - c->last[i] > AOE_SHM_EVENTS) {
			*missed += head - c->last[i] - AOE_SHM_EVENTS;
			c->last[i] = head - AOE_SHM_EVENTS;
		}
		want = c->last[i] + 1;
		slot = &r->ring[(want - 1) & (AOE_SHM_EVENTS - 1)];
		s1 = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);
		if (s1 == want) {
			memcpy(ev, slot, sizeof(*ev));
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			s2 = __atomic_load_n(&slot->seq, __ATOMIC_RELAXED);
			if (s2 == want) {
				ev->seq = want;
				return true;
			}
		}
		/* The writer lapped us on this very slot while we looked. */
		(*missed)++;
		c->last[i] = want;
	}
}

unsigned int
aoe_shm_events_read(const struct aoe_shm *shm, struct aoe_shm_cursor *c, struct aoe_shm_event *out,
		    unsigned int max, uint64_t *missed)
{
	struct aoe_shm_event cand[AOE_SHM_MAX_LCORES];
	bool have[AOE_SHM_MAX_LCORES];
	unsigned int i, n = 0, rings = nb_rings(shm);
	uint64_t lost = 0;

	for (i = 0; i < rings; i++)
		have[i] = ring_peek(shm, i, c, &cand[i], &lost);
	/* Each ring is in time order already: merging takes the oldest head each time. */
	while (n < max) {
		int best = -1;

		for (i = 0; i < rings; i++)
			if (have[i] && (best < 0 || cand[i].time_ns < cand[best].time_ns))
				best = (int)i;
		if (best < 0)
			break;
		out[n++] = cand[best];
		c->last[best] = cand[best].seq;
		have[best] = ring_peek(shm, (unsigned int)best, c, &cand[best], &lost);
	}
	if (missed != NULL)
		*missed += lost;
	return n;
}

void
aoe_shm_time_format(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000u);
	struct tm tm;
	size_t n;

	if (gmtime_r(&sec, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) == 0) {
		snprintf(buf, len, "%" PRIu64, ns);
		return;
	}
	snprintf(buf + n, len - n, ".%03u", (unsigned int)(ns % 1000000000u / 1000000u));
}

static void
port_format(const struct aoe_shm *shm, uint16_t port_id, char *buf, size_t len)
{
	unsigned int i, n;

	if (shm != NULL) {
		n = __atomic_load_n(&shm->nb_ports, __ATOMIC_ACQUIRE);
		for (i = 0; i < n && i < AOE_SHM_MAX_PORTS; i++) {
			if (shm->ports[i].port_id == port_id && shm->ports[i].name[0] != '\0') {
				snprintf(buf, len, "%.*s", (int)sizeof(shm->ports[i].name) - 1,
					 shm->ports[i].name);
				return;
			}
		}
	}
	snprintf(buf, len, "port%u", port_id);
}

int
aoe_shm_event_format(const struct aoe_shm *shm, const struct aoe_shm_event *ev, char *buf,
		     size_t len)
{
	char when[AOE_SHM_TIME_MAX], src[AOE_MAC_STR_MAX], dst[AOE_MAC_STR_MAX];
	char port[AOE_PORT_NAME_MAX];
	unsigned int shelf = ev->shelf, slot = ev->slot;

	aoe_shm_time_format(ev->time_ns, when, sizeof(when));
	aoe_mac_format(ev->src, src, sizeof(src));
	aoe_mac_format(ev->dst, dst, sizeof(dst));
	port_format(shm, ev->port, port, sizeof(port));
	switch (ev->type) {
	case AOE_EV_RETRANSMIT:
		return snprintf(buf, len,
				"%s retransmit e%u.%u oldtag=%08x newtag=%08x s=%s d=%s "
				"nout=%u",
				when, shelf, slot, ev->old_tag, ev->new_tag, src, dst, ev->nout);
	case AOE_EV_UNEXPECTED:
		return snprintf(buf, len, "%s unexpected rsp e%u.%u tag=%08x s=%s d=%s", when,
				shelf, slot, ev->old_tag, src, dst);
	case AOE_EV_LATE:
		return snprintf(buf, len, "%s late rsp e%u.%u tag=%08x curtag=%08x s=%s d=%s", when,
				shelf, slot, ev->old_tag, ev->new_tag, src, dst);
	case AOE_EV_WRONG_SOURCE:
		return snprintf(buf, len, "%s wrong source e%u.%u tag=%08x s=%s d=%s port=%s", when,
				shelf, slot, ev->old_tag, src, dst, port);
	case AOE_EV_WRONG_FIELDS:
		return snprintf(buf, len, "%s wrong fields e%u.%u tag=%08x s=%s d=%s port=%s", when,
				shelf, slot, ev->old_tag, src, dst, port);
	case AOE_EV_AOE_ERROR:
		return snprintf(buf, len, "%s error packet from e%u.%u@%s; ecode=%u '%s'", when,
				shelf, slot, port, ev->code, aoe_error_str(ev->code));
	case AOE_EV_ATA_ERROR:
		return snprintf(buf, len,
				"%s ata error e%u.%u cmd=%02xh stat=%02xh err=%02xh "
				"lba=%" PRIu64,
				when, shelf, slot, ev->ata_cmd, ev->ata_status, ev->ata_error,
				ev->lba);
	case AOE_EV_STATE:
		/* nout carries the state it left. */
		return snprintf(buf, len, "%s e%u.%u state %s -> %s", when, shelf, slot,
				aoe_state_name(ev->nout), aoe_state_name(ev->code));
	case AOE_EV_PATH:
		return snprintf(buf, len, "%s e%u.%u path %s@%s %s", when, shelf, slot, src, port,
				ev->code ? "up" : "failed");
	default:
		return snprintf(buf, len, "%s event type %u e%u.%u", when, ev->type, shelf, slot);
	}
}
