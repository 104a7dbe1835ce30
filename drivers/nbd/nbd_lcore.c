/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lcore side: take requests off this lcore's ring, submit them to the bdev layer, and put
 * them back on the control thread's ring once answered. READs are zero-copy reads: the reply is
 * sent from their frames, and the I/O comes back here (NBD_REQ_RELEASE) to be freed after. No
 * system call, no lock, no wait: a ring that cannot take an answer (it is sized so that it always
 * can) keeps it on a backlog.
 */
#include <errno.h>

#include <rte_lcore.h>
#include <rte_ring.h>

#include "nbd_internal.h"

#define BURST 32

static void
answer(struct nbd_lcore *lc, struct nbd_req *req)
{
	if (!TAILQ_EMPTY(&lc->backlog) || rte_ring_sp_enqueue(lc->to_ctrl, req) != 0)
		TAILQ_INSERT_TAIL(&lc->backlog, req, link);
}

static struct nbd_lcore *
lcore_of(struct nbd_req *req)
{
	return &nbd_server.lcores[req->conn->lcore_idx];
}

static void io_done(struct aoe_bdev_io *io, int status, void *arg);

/* FUA: the write is answered once the target has flushed its cache. */
static int
submit_flush(struct nbd_req *req)
{
	struct nbd_conn *c = req->conn;

	req->flushing = true;
	return aoe_bdev_flush(c->desc, c->ch, io_done, req);
}

static void
io_done(struct aoe_bdev_io *io, int status, void *arg)
{
	struct nbd_req *req = arg;

	if (status == 0 && req->zcopy) {
		/* Zero-copy: the reply is sent from the frames; they come back to be freed. */
		req->zio = io;
		aoe_bdev_io_get_iovec(io, &req->segs, &req->nsegs);
		req->status = 0;
		answer(lcore_of(req), req);
		return;
	}
	aoe_bdev_free_io(io);
	if (status == 0 && (req->wire.flags & NBD_CMD_FLAG_FUA) && !req->flushing) {
		status = submit_flush(req);
		if (status == 0)
			return; /* answered when the flush completes */
	}
	req->status = status;
	answer(lcore_of(req), req);
}

static int
submit(struct nbd_req *req)
{
	struct nbd_conn *c = req->conn;
	const struct nbd_request *w = &req->wire;
	int rc;

	if (c->ch == NULL) {
		c->ch = aoe_bdev_get_io_channel(c->desc, AOE_NBD_CONN_QD);
		if (c->ch == NULL)
			return -ENODEV;
	}
	req->flushing = false;
	req->zcopy = false;
	switch (w->type) {
	case NBD_CMD_READ:
		rc = -ENOBUFS;
		if (w->length <= NBD_ZCOPY_MAX)
			rc = aoe_bdev_zcopy_read(c->desc, c->ch, w->offset, w->length, io_done,
						 req);
		req->zcopy = rc == 0;
		if (rc != -ENOBUFS)
			return rc;
		/* Too large, or the lcore's zero-copy reads hold all the frames they may: into
		 * the buffer the control thread keeps for this case. */
		return aoe_bdev_read(c->desc, c->ch, req->buf, w->offset, w->length, io_done, req);
	case NBD_CMD_WRITE:
		return aoe_bdev_write(c->desc, c->ch, req->buf, w->offset, w->length, io_done, req);
	case NBD_CMD_WRITE_ZEROES:
		return aoe_bdev_write_zeroes(c->desc, c->ch, w->offset, w->length, io_done, req);
	case NBD_CMD_FLUSH:
		return aoe_bdev_flush(c->desc, c->ch, io_done, req);
	default:
		return -EINVAL; /* the control thread answers every other command itself */
	}
}

static void
handle(struct nbd_lcore *lc, struct nbd_req *req)
{
	struct nbd_conn *c = req->conn;
	int rc;

	if (req->kind == NBD_REQ_RELEASE) {
		aoe_bdev_free_io(req->zio);
		req->zio = NULL;
		req->segs = NULL;
		req->nsegs = 0;
		answer(lc, req);
		return;
	}
	if (req->kind == NBD_REQ_CHANNEL_PUT) {
		aoe_bdev_put_io_channel(c->ch);
		c->ch = NULL;
		answer(lc, req);
		return;
	}
	rc = submit(req);
	if (rc != 0) {
		req->status = rc;
		answer(lc, req);
	}
}

int
aoe_nbd_poll(void)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_req *reqs[BURST], *req;
	struct nbd_lcore *lc;
	unsigned int i, n;
	unsigned int id = rte_lcore_id();
	int idx;

	if (!s->initialised || id >= RTE_MAX_LCORE || (idx = s->lcore_index[id]) == 0)
		return 0;
	lc = &s->lcores[idx - 1];
	while ((req = TAILQ_FIRST(&lc->backlog)) != NULL) {
		if (rte_ring_sp_enqueue(lc->to_ctrl, req) != 0)
			break;
		TAILQ_REMOVE(&lc->backlog, req, link);
	}
	n = rte_ring_sc_dequeue_burst(lc->to_lcore, (void **)reqs, BURST, NULL);
	for (i = 0; i < n; i++)
		handle(lc, reqs[i]);
	lc->handled += n;
	return (int)n;
}
