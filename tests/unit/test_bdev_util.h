/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the bdev layer's unit tests share (test_aoe_bdev*.c, over the fake engine): a fixture
 * with the engine started and the test on lcore 0, completion callbacks that record what they
 * saw, and event callbacks that count.
 */
#ifndef TEST_BDEV_UTIL_H
#define TEST_BDEV_UTIL_H

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "aoe_bdev.h"
#include "aoe_fake_engine.h"

/* What completions of one kind saw. */
struct done {
	unsigned int n;
	int status;
	int statuses[64]; /* the first 64, in order */
	bool keep;	  /* do not free: the test looks at the I/O first */
	struct aoe_bdev_io *io;
};

static void __attribute__((unused)) io_cb(struct aoe_bdev_io *io, int status, void *arg)
{
	struct done *d = arg;

	if (d->n < sizeof(d->statuses) / sizeof(d->statuses[0]))
		d->statuses[d->n] = status;
	d->n++;
	d->status = status;
	d->io = io;
	if (!d->keep)
		aoe_bdev_free_io(io);
}

/* What a descriptor's event callback saw. */
struct events {
	unsigned int remove;
	unsigned int resize;
	struct aoe_bdev_desc *close_on_remove; /* closed from the callback, as allowed */
	int close_rc;
};

static void __attribute__((unused))
event_cb(enum aoe_bdev_event_type type, struct aoe_bdev *bdev, void *ctx)
{
	struct events *e = ctx;

	(void)bdev;
	if (type == AOE_BDEV_EVENT_REMOVE) {
		e->remove++;
		if (e->close_on_remove != NULL) {
			e->close_rc = aoe_bdev_close(e->close_on_remove);
			e->close_on_remove = NULL;
		}
	} else {
		e->resize++;
	}
}

/* Poll the calling lcore until nothing more completes. */
static void __attribute__((unused)) poll_idle(void)
{
	while (aoe_lcore_poll() > 0)
		;
}

static void __attribute__((unused)) engine_up(void)
{
	fake_lcore_set(0);
	fake_engine_start();
}

static void __attribute__((unused)) engine_down(void)
{
	fake_lcore_set(0);
	fake_hold_completions(false);
	fake_engine_stop();
}

#endif /* TEST_BDEV_UTIL_H */
