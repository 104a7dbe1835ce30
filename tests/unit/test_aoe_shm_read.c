/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/aoe/aoe_shm_read.c against regions the writer's own code (aoe_shm_write.c, what the engine
 * uses) lays out in a temporary file: open checks, the seqcount read, counter sums, the event
 * cursor (merge, lapped rings, overwritten slots) and the error-stream text. Only what a writer
 * never does (a wrong magic, a torn slot) is written here by hand.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aoe_shm_read.h"
#include "aoe_shm_write.h"

static char path[64];
static struct aoe_shm *w; /* the writer's mapping */
static struct aoe_shm_reader r;

/* A region at a unique path @p p (64 bytes), made afresh by the writer as the engine does. */
static struct aoe_shm *
region_create(char *p)
{
	struct aoe_shm *shm;
	int fd;

	snprintf(p, 64, "/tmp/test_aoe_shm_read.XXXXXX");
	fd = mkstemp(p);
	cr_assert(fd >= 0);
	close(fd);
	cr_assert_eq(aoe_shm_create(p, &shm), 0);
	return shm;
}

static void
setup(void)
{
	w = region_create(path);
	w->nb_lcores = 2;
	w->nb_ports = 1;
	w->ports[0].port_id = 3;
	snprintf(w->ports[0].name, sizeof(w->ports[0].name), "net_af_packet0");
	snprintf(w->program, sizeof(w->program), "dpdk-aoe");
	aoe_shm_publish(w);
}

static void
teardown(void)
{
	aoe_shm_close(&r);
	aoe_shm_destroy(w, path);
}

TestSuite(aoe_shm_read, .init = setup, .fini = teardown);

static void
emit(unsigned int lcore, uint64_t time_ns, uint16_t type, uint16_t shelf, uint8_t slot)
{
	struct aoe_shm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.shelf = shelf;
	ev.slot = slot;
	aoe_shm_event_append(&w->events[lcore], &ev, time_ns);
}

Test(aoe_shm_read, open_good_region)
{
	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	cr_assert_not_null(r.shm);
	cr_assert_eq(r.shm->nb_lcores, 2);
	cr_assert_eq(r.shm->pid, (uint64_t)getpid());
	cr_assert(aoe_shm_writer_alive(r.shm));
}

Test(aoe_shm_read, open_refuses_region_before_it_is_published)
{
	char p2[64];
	struct aoe_shm *w2 = region_create(p2);

	cr_assert_eq(aoe_shm_open(&r, NULL, p2), -EPROTO);
	aoe_shm_publish(w2);
	cr_assert_eq(aoe_shm_open(&r, NULL, p2), 0, "%s", r.err);
	aoe_shm_close(&r);
	/* A clean exit: the file is gone, and a reader that still maps it sees the writer gone. */
	cr_assert_eq(aoe_shm_open(&r, NULL, p2), 0, "%s", r.err);
	aoe_shm_destroy(w2, p2);
	cr_assert_eq(access(p2, F_OK), -1);
	cr_assert(!aoe_shm_writer_alive(r.shm));
}

Test(aoe_shm_read, open_refuses_bad_magic_and_version)
{
	w->magic = 1;
	cr_assert_eq(aoe_shm_open(&r, NULL, path), -EPROTO);
	cr_assert_not_null(strstr(r.err, "bad magic"), "%s", r.err);
	cr_assert_null(r.shm);
	w->magic = AOE_SHM_MAGIC;
	w->version = AOE_SHM_VERSION + 1;
	cr_assert_eq(aoe_shm_open(&r, NULL, path), -EPROTO);
	cr_assert_not_null(strstr(r.err, "layout version"), "%s", r.err);
}

Test(aoe_shm_read, open_refuses_short_file)
{
	cr_assert_eq(truncate(path, 100), 0);
	cr_assert_eq(aoe_shm_open(&r, NULL, path), -EPROTO);
}

Test(aoe_shm_read, open_says_stale_when_writer_is_gone)
{
	w->alive = 0; /* what aoe_shm_destroy leaves, but with the file still there */
	cr_assert_eq(aoe_shm_open(&r, NULL, path), -ESRCH);
	cr_assert_not_null(strstr(r.err, "stale"), "%s", r.err);
	cr_assert_not_null(strstr(r.err, "dpdk-aoe"), "%s", r.err);
	w->alive = 1;
	w->pid = 0x7ffffff0; /* past pid_max: no such process */
	cr_assert_eq(aoe_shm_open(&r, NULL, path), -ESRCH);
}

Test(aoe_shm_read, open_unknown_prefix_names_it)
{
	cr_assert_eq(aoe_shm_open(&r, "no-such-prefix-aoe-test", NULL), -ENOENT);
	cr_assert_not_null(strstr(r.err, "no dpdk-aoe or aoe-perf running with file prefix "
					 "no-such-prefix-aoe-test (no "),
			   "%s", r.err);
	cr_assert_not_null(strstr(r.err, "/dpdk/no-such-prefix-aoe-test/aoe_stats)"), "%s", r.err);
	cr_assert_eq(aoe_shm_open(&r, "a/b", NULL), -EINVAL);
	cr_assert_eq(aoe_shm_open(&r, NULL, NULL), -EINVAL);
}

Test(aoe_shm_read, target_read_and_seqcount)
{
	struct aoe_shm_target t;
	uint32_t seq;

	seq = aoe_shm_target_begin(&w->targets[0]);
	w->targets[0].shelf = 7;
	w->targets[0].slot = 3;
	w->targets[0].sectors = 16384;
	snprintf(w->targets[0].name, sizeof(w->targets[0].name), "e7.3");
	aoe_shm_target_end(&w->targets[0], seq);
	w->nb_targets = 1;
	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	cr_assert_eq(aoe_shm_target_read(r.shm, 0, &t), 0);
	cr_assert_str_eq(t.name, "e7.3");
	cr_assert_eq(t.sectors, 16384);
	cr_assert_eq(aoe_shm_target_read(r.shm, 1, &t), -ENOENT);
	/* A writer that stays in the middle of an update: the reader gives up, never tears. */
	seq = aoe_shm_target_begin(&w->targets[0]);
	w->targets[0].sectors = 32768;
	cr_assert_eq(aoe_shm_target_read(r.shm, 0, &t), -EAGAIN);
	/* Once it is done, the new description is read whole. */
	aoe_shm_target_end(&w->targets[0], seq);
	cr_assert_eq(aoe_shm_target_read(r.shm, 0, &t), 0);
	cr_assert_eq(t.sectors, 32768);
}

Test(aoe_shm_read, target_sum_over_lcores)
{
	struct aoe_shm_target_sum sum;

	w->sessions[0][0].in_use = 1;
	w->sessions[0][0].stats.frames_tx = 10;
	w->sessions[0][0].stats.aoe_errors[2] = 1;
	w->sessions[0][0].outstanding = 3;
	w->sessions[0][0].srtt_ns = 500;
	w->sessions[0][1].in_use = 1;
	w->sessions[0][1].stats.frames_tx = 5;
	w->sessions[0][1].stats.flush_ext_fallbacks = 2;
	w->sessions[0][1].outstanding = 4;
	w->sessions[0][1].srtt_ns = 900;
	/* Not a session: ignored, and lcores past nb_lcores are never read. */
	w->sessions[0][2].stats.frames_tx = 1000;
	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	aoe_shm_target_sum(r.shm, 0, &sum);
	cr_assert_eq(sum.stats.frames_tx, 15);
	cr_assert_eq(sum.stats.aoe_errors[2], 1);
	cr_assert_eq(sum.stats.flush_ext_fallbacks, 2);
	cr_assert_eq(sum.gauges.outstanding, 7);
	cr_assert_eq(sum.gauges.sessions, 2);
	cr_assert_eq(sum.gauges.srtt_ns, 500);
}

Test(aoe_shm_read, lcore_read)
{
	struct aoe_shm_lcore lc;

	w->lcores[1].lcore_id = 5;
	w->lcores[1].stats.rx_port_disallowed = 9;
	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	cr_assert_eq(aoe_shm_lcore_read(r.shm, 1, &lc), 0);
	cr_assert_eq(lc.lcore_id, 5);
	cr_assert_eq(lc.stats.rx_port_disallowed, 9);
	cr_assert_eq(aoe_shm_lcore_read(r.shm, 2, &lc), -ENOENT);
}

Test(aoe_shm_read, events_merge_in_time_order)
{
	struct aoe_shm_event ev[8];
	struct aoe_shm_cursor c;
	uint64_t missed = 0;
	unsigned int n;

	emit(0, 100, AOE_EV_STATE, 1, 1);
	emit(1, 150, AOE_EV_STATE, 1, 2);
	emit(0, 200, AOE_EV_STATE, 1, 3);
	emit(1, 250, AOE_EV_STATE, 1, 4);
	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	aoe_shm_cursor_init(r.shm, &c, UINT64_MAX);
	/* Two at a time: the cursor must only move past what was returned. */
	n = aoe_shm_events_read(r.shm, &c, ev, 2, &missed);
	cr_assert_eq(n, 2);
	cr_assert_eq(ev[0].time_ns, 100);
	cr_assert_eq(ev[1].time_ns, 150);
	n = aoe_shm_events_read(r.shm, &c, ev, 8, &missed);
	cr_assert_eq(n, 2);
	cr_assert_eq(ev[0].slot, 3);
	cr_assert_eq(ev[1].slot, 4);
	cr_assert_eq(missed, 0);
	cr_assert_eq(aoe_shm_events_read(r.shm, &c, ev, 8, &missed), 0);
	/* Following: only what comes next. */
	emit(1, 300, AOE_EV_STATE, 2, 1);
	n = aoe_shm_events_read(r.shm, &c, ev, 8, &missed);
	cr_assert_eq(n, 1);
	cr_assert_eq(ev[0].shelf, 2);
}

Test(aoe_shm_read, cursor_backlog)
{
	struct aoe_shm_event ev[8];
	struct aoe_shm_cursor c;
	unsigned int i;

	for (i = 0; i < 5; i++)
		emit(0, 100 + i, AOE_EV_STATE, 1, (uint8_t)i);
	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	aoe_shm_cursor_init(r.shm, &c, 2);
	cr_assert_eq(aoe_shm_events_read(r.shm, &c, ev, 8, NULL), 2);
	cr_assert_eq(ev[0].slot, 3);
	aoe_shm_cursor_init(r.shm, &c, 0);
	cr_assert_eq(aoe_shm_events_read(r.shm, &c, ev, 8, NULL), 0);
}

Test(aoe_shm_read, events_overflow_counts_missed)
{
	struct aoe_shm_event ev[AOE_SHM_EVENTS];
	struct aoe_shm_cursor c;
	uint64_t missed = 0;
	unsigned int i, n;

	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	aoe_shm_cursor_init(r.shm, &c, 0);
	for (i = 0; i < AOE_SHM_EVENTS + 10; i++)
		emit(0, 1000 + i, AOE_EV_RETRANSMIT, 1, 1);
	n = aoe_shm_events_read(r.shm, &c, ev, AOE_SHM_EVENTS, &missed);
	cr_assert_eq(missed, 10);
	cr_assert_eq(n, AOE_SHM_EVENTS);
	cr_assert_eq(ev[0].seq, 11);
	cr_assert_eq(ev[0].time_ns, 1010);
}

Test(aoe_shm_read, overwritten_slot_is_skipped_and_counted)
{
	struct aoe_shm_event ev[4];
	struct aoe_shm_cursor c;
	uint64_t missed = 0;

	emit(0, 100, AOE_EV_STATE, 1, 1);
	emit(0, 200, AOE_EV_STATE, 1, 2);
	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	aoe_shm_cursor_init(r.shm, &c, UINT64_MAX);
	/* The writer caught between invalidating the first slot and filling it again (what
	 * aoe_shm_event_append does first). */
	w->events[0].ring[0].seq = 0;
	cr_assert_eq(aoe_shm_events_read(r.shm, &c, ev, 4, &missed), 1);
	cr_assert_eq(missed, 1);
	cr_assert_eq(ev[0].slot, 2);
}

static void
event_text(struct aoe_shm_event *ev, char *buf, size_t len)
{
	ev->time_ns = 1700000000123456789ull; /* 2023-11-14T22:13:20.123 */
	ev->shelf = 7;
	ev->slot = 3;
	memcpy(ev->src, "\xaa\xbb\xcc\xdd\xee\xff", 6);
	memcpy(ev->dst, "\x11\x22\x33\x44\x55\x66", 6);
	ev->port = 3;
	aoe_shm_event_format(r.shm, ev, buf, len);
}

Test(aoe_shm_read, event_format_kernel_texts)
{
	struct aoe_shm_event ev;
	char buf[AOE_SHM_EVENT_STR_MAX];

	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_RETRANSMIT;
	ev.old_tag = 0x0c001234;
	ev.new_tag = 0x0c001235;
	ev.nout = 3;
	event_text(&ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2023-11-14T22:13:20.123 retransmit e7.3 oldtag=0c001234 "
			      "newtag=0c001235 s=aa:bb:cc:dd:ee:ff d=11:22:33:44:55:66 nout=3");
	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_UNEXPECTED;
	ev.old_tag = 0x10;
	event_text(&ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2023-11-14T22:13:20.123 unexpected rsp e7.3 tag=00000010 "
			      "s=aa:bb:cc:dd:ee:ff d=11:22:33:44:55:66");
	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_AOE_ERROR;
	ev.code = 2;
	event_text(&ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2023-11-14T22:13:20.123 error packet from e7.3@net_af_packet0; "
			      "ecode=2 'bad argument'");
	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_ATA_ERROR;
	ev.ata_cmd = 0x25;
	ev.ata_status = 0x51;
	ev.ata_error = 0x10;
	ev.lba = 123456;
	event_text(&ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2023-11-14T22:13:20.123 ata error e7.3 cmd=25h stat=51h err=10h "
			      "lba=123456");
	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_STATE;
	ev.nout = 1; /* up */
	ev.code = 2; /* down */
	event_text(&ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2023-11-14T22:13:20.123 e7.3 state up -> down");
	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_LATE;
	ev.old_tag = 1;
	ev.new_tag = 2;
	event_text(&ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2023-11-14T22:13:20.123 late rsp e7.3 tag=00000001 "
			      "curtag=00000002 s=aa:bb:cc:dd:ee:ff d=11:22:33:44:55:66");
}

Test(aoe_shm_read, worst_case_line_fits_telemetry_string)
{
	struct aoe_shm_event ev;
	char buf[AOE_SHM_EVENT_STR_MAX];

	cr_assert_eq(aoe_shm_open(&r, NULL, path), 0, "%s", r.err);
	memset(&ev, 0, sizeof(ev));
	ev.type = AOE_EV_RETRANSMIT;
	ev.old_tag = 0xffffffff;
	ev.new_tag = 0xffffffff;
	ev.nout = 1024; /* one session's frames in flight: at most AOE_MAXOUT_MAX */
	event_text(&ev, buf, sizeof(buf));
	ev.shelf = 65534;
	ev.slot = 254;
	aoe_shm_event_format(r.shm, &ev, buf, sizeof(buf));
	/* DPDK telemetry strings hold 127 bytes. */
	cr_assert_lt(strlen(buf), 128, "%zu: %s", strlen(buf), buf);
}
