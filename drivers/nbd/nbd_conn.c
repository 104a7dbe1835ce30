/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One NBD connection on the control thread: the handshake (nbd_neg.c answers the options), then
 * requests read off the socket, checked (nbd_proto_request_check()), handed to the connection's
 * lcore and answered in the order they complete. Non-blocking throughout: each step reads or
 * writes what the socket takes and returns; the connection's epoll interest says what it waits
 * for. A WRITE's payload is read straight into the buffer the engine builds frames from, a READ's
 * reply is sent with sendmsg from the response frames themselves (a zero-copy read's segments),
 * which then go back to the lcore to be freed; only a read the lcore could not take zero-copy
 * (its frames budget spent) is sent from the buffer the engine filled.
 *
 * Bounds: AOE_NBD_CONN_QD requests and NBD_CONN_BYTES_MAX buffer bytes in flight; a connection
 * at either bound is not read until a reply has gone. Each call reads at most a burst of
 * requests, so a busy client does not starve the others.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rte_ring.h>

#include "aoe_acl.h"
#include "nbd_internal.h"

#define STEP_BURST (4 * AOE_NBD_CONN_QD) /* reads per turn before the next connection's */
#define IOV_BURST  64

/* What the connection does once the option reply has gone. */

static uint8_t skip_buf[64 * 1024]; /* discarded bytes land here (control thread only) */

static void
log_close(struct nbd_conn *c)
{
	NBD_LOG(INFO,
		"connection %" PRIu64 " from %s closed%s%s: %s, %" PRIu64 " requests, %" PRIu64
		" errors",
		c->id, c->peer, c->transmission ? ", export " : "",
		c->transmission ? c->neg.export.name : "",
		c->close_reason != NULL ? c->close_reason : "closed", c->requests, c->errors);
}

struct nbd_conn *
nbd_conn_new(int fd, const char *peer, uint64_t now_ns)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_conn *c;
	unsigned int i;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->out.data = malloc(NBD_NEG_OUT_MIN);
	if (c->out.data == NULL) {
		free(c);
		return NULL;
	}
	c->out.cap = NBD_NEG_OUT_MIN;
	c->fd = fd;
	c->opened_ns = now_ns;
	c->id = ++s->next_conn_id;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->lcore_idx = s->next_lcore++ % s->nb_lcores;
	TAILQ_INIT(&c->free_reqs);
	TAILQ_INIT(&c->replies);
	for (i = 0; i < AOE_NBD_CONN_QD; i++) {
		c->reqs[i].conn = c;
		TAILQ_INSERT_TAIL(&c->free_reqs, &c->reqs[i], link);
	}
	c->put_msg.conn = c;
	c->put_msg.kind = NBD_REQ_CHANNEL_PUT;
	c->out.len = nbd_proto_handshake_encode(c->out.data);
	c->state = NBD_CONN_GREETING;
	NBD_LOG(INFO, "connection %" PRIu64 " from %s opened (lcore %u)", c->id, c->peer,
		s->lcores[c->lcore_idx].lcore_id);
	return c;
}

/* The client left or broke the stream: nothing more is read or sent. */
void
nbd_conn_lose(struct nbd_conn *c, const char *reason)
{
	if (c->fd >= 0) {
		nbd_server_epoll_update(c, 0);
		close(c->fd);
		c->fd = -1;
	}
	nbd_conn_drain(c, reason);
}

/*
 * Read into @p dst until @p *have reaches @p want.
 * Returns 1 when complete, 0 when the socket has no more now, -1 when the client is gone.
 */
static int
read_into(struct nbd_conn *c, void *dst, uint64_t want, uint32_t *have)
{
	while (*have < want) {
		ssize_t n = recv(c->fd, (uint8_t *)dst + *have, want - *have, 0);

		if (n > 0) {
			*have += (uint32_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		nbd_conn_lose(c, n == 0 ? "the client closed the connection"
					: "the connection failed while reading");
		return -1;
	}
	return 1;
}

/* Discard c->skip bytes. Same returns as read_into(). */
static int
skip_bytes(struct nbd_conn *c)
{
	while (c->skip > 0) {
		uint32_t got = 0;
		uint64_t want = c->skip < sizeof(skip_buf) ? c->skip : sizeof(skip_buf);
		int rc = read_into(c, skip_buf, want, &got);

		c->skip -= got;
		if (rc <= 0)
			return rc;
	}
	return 1;
}

/* Send c->out from c->in_len (the bytes of it sent so far). 1 when all went, 0, -1. */
static int
send_out(struct nbd_conn *c)
{
	while (c->in_len < c->out.len) {
		ssize_t n =
			send(c->fd, c->out.data + c->in_len, c->out.len - c->in_len, MSG_NOSIGNAL);

		if (n > 0) {
			c->in_len += (uint32_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			c->out_blocked = true;
			return 0;
		}
		nbd_conn_lose(c, "the connection failed while writing");
		return -1;
	}
	c->out_blocked = false;
	return 1;
}

static void
expect(struct nbd_conn *c, enum nbd_conn_state state, uint32_t want)
{
	c->state = state;
	c->in_len = 0;
	c->in_want = want;
}

static void
enter_transmission(struct nbd_conn *c)
{
	const struct nbd_neg_export *e = &c->neg.export;

	c->transmission = true;
	c->limits = (struct nbd_limits){
		.size = e->size,
		.block_min = NBD_BLOCK_MIN,
		.payload_max = NBD_PAYLOAD_MAX,
		.read_only = e->read_only,
		.structured = c->neg.structured,
		.base_allocation = c->neg.base_allocation,
	};
	c->stats = nbd_export_stats_get(e->name);
	if (c->stats != NULL) {
		c->stats->connections++;
		c->stats->open++;
	}
	NBD_LOG(INFO, "connection %" PRIu64 " from %s: export %s, %" PRIu64 " bytes%s%s%s", c->id,
		c->peer, e->name, e->size, e->read_only ? ", read-only" : "",
		c->neg.structured ? ", structured replies" : "",
		c->limits.base_allocation ? ", base:allocation" : "");
	/* The handshake's buffers are not needed any more. */
	free(c->out.data);
	c->out.data = NULL;
	c->out.len = c->out.cap = 0;
	expect(c, NBD_CONN_REQ_HDR, NBD_REQUEST_LEN);
}

static void
option_done(struct nbd_conn *c, enum nbd_neg_result res, uint32_t refused_before)
{
	if (c->neg.refused != refused_before)
		nbd_server_bad_input(c, "option %s refused: %s", nbd_proto_opt_name(c->opt.option),
				     c->neg.why);
	c->after_reply = res;
	c->state = NBD_CONN_OPT_REPLY;
	c->in_len = 0; /* bytes of the reply sent */
}

/* One step of the handshake. Returns 1 to go on, 0 to wait for the socket, -1 when closed. */
static int
handshake_step(struct nbd_conn *c)
{
	struct nbd_neg_ops ops = nbd_export_ops;
	uint32_t refused = c->neg.refused;
	int rc;

	ops.arg = c;
	switch (c->state) {
	case NBD_CONN_GREETING:
		rc = send_out(c);
		if (rc == 1)
			expect(c, NBD_CONN_CLIENT_FLAGS, NBD_CLIENT_FLAGS_LEN);
		return rc;
	case NBD_CONN_CLIENT_FLAGS:
		rc = read_into(c, c->in, c->in_want, &c->in_len);
		if (rc != 1)
			return rc;
		if (nbd_proto_client_flags_parse(c->in, &c->neg.client_flags) != 0) {
			nbd_server_bad_input(c, "client flags 0x%02x%02x%02x%02x refused", c->in[0],
					     c->in[1], c->in[2], c->in[3]);
			nbd_conn_lose(c, "bad client flags");
			return -1;
		}
		expect(c, NBD_CONN_OPT_HDR, NBD_OPT_HDR_LEN);
		return 1;
	case NBD_CONN_OPT_HDR:
		rc = read_into(c, c->in, c->in_want, &c->in_len);
		if (rc != 1)
			return rc;
		if (nbd_proto_opt_hdr_parse(c->in, &c->opt) != 0) {
			nbd_server_bad_input(c, "option without the IHAVEOPT magic");
			nbd_conn_lose(c, "bad option magic");
			return -1;
		}
		if (c->opt.length > NBD_OPT_DATA_MAX) {
			c->skip = c->opt.length;
			c->state = NBD_CONN_OPT_SKIP;
		} else {
			expect(c, NBD_CONN_OPT_DATA, c->opt.length);
		}
		return 1;
	case NBD_CONN_OPT_DATA:
		rc = read_into(c, c->in, c->in_want, &c->in_len);
		if (rc != 1)
			return rc;
		c->out.len = 0;
		option_done(
			c,
			nbd_neg_option(&c->neg, &ops, c->opt.option, c->in, c->opt.length, &c->out),
			refused);
		return 1;
	case NBD_CONN_OPT_SKIP:
		rc = skip_bytes(c);
		if (rc != 1)
			return rc;
		c->out.len = 0;
		option_done(c, nbd_neg_too_big(&c->neg, c->opt.option, c->opt.length, &c->out),
			    refused);
		return 1;
	case NBD_CONN_OPT_REPLY:
		rc = send_out(c);
		if (rc != 1)
			return rc;
		if (c->after_reply == NBD_NEG_CLOSE) {
			nbd_conn_lose(c, c->neg.why[0] != '\0' ? c->neg.why : "the client aborted");
			return -1;
		}
		if (c->after_reply == NBD_NEG_TRANSMIT)
			enter_transmission(c);
		else
			expect(c, NBD_CONN_OPT_HDR, NBD_OPT_HDR_LEN);
		return 1;
	default:
		return 0;
	}
}

/* ---- transmission ---------------------------------------------------------------------------- */

static void
reply_queue(struct nbd_conn *c, struct nbd_req *req)
{
	req->sent = 0;
	TAILQ_INSERT_TAIL(&c->replies, req, link);
}

static void
reply_error(struct nbd_conn *c, struct nbd_req *req, uint32_t error, const char *msg)
{
	req->nbd_error = error;
	req->data_len = 0;
	if (c->limits.structured && req->wire.type == NBD_CMD_READ)
		req->reply_len = (uint32_t)nbd_proto_error_chunk_encode(
			req->reply, sizeof(req->reply), req->wire.cookie, error, msg);
	else
		req->reply_len = (uint32_t)nbd_proto_simple_reply_encode(req->reply, error,
									 req->wire.cookie);
	c->errors++;
	if (c->stats != NULL)
		c->stats->errors++;
	reply_queue(c, req);
}

static void
reply_ok(struct nbd_conn *c, struct nbd_req *req)
{
	const struct nbd_request *w = &req->wire;

	req->nbd_error = 0;
	req->data_len = 0;
	if (w->type == NBD_CMD_READ) {
		req->data_len = w->length;
		req->reply_len =
			(uint32_t)(c->limits.structured
					   ? nbd_proto_offset_data_encode(req->reply, w->cookie,
									  w->offset, w->length)
					   : nbd_proto_simple_reply_encode(req->reply, 0,
									   w->cookie));
	} else if (w->type == NBD_CMD_BLOCK_STATUS) {
		/* No cache, no holes: the whole range is data, allocated. */
		req->reply_len = (uint32_t)nbd_proto_block_status_encode(
			req->reply, w->cookie, NBD_META_BASE_ALLOCATION_ID, w->length, 0);
	} else {
		req->reply_len = (uint32_t)nbd_proto_simple_reply_encode(req->reply, 0, w->cookie);
	}
	reply_queue(c, req);
}

static void
req_recycle(struct nbd_conn *c, struct nbd_req *req)
{
	c->bytes_in_flight -= req->charged;
	req->charged = 0;
	if (req->buf_cap > NBD_BUF_KEEP) {
		free(req->buf);
		req->buf = NULL;
		req->buf_cap = 0;
	}
	c->in_flight--;
	TAILQ_INSERT_HEAD(&c->free_reqs, req, link);
}

/*
 * This side is done with @p req (its reply has gone, or never will): a zero-copy READ's I/O,
 * whose frames the reply was sent from, goes back to the lcore to be freed first, and the
 * request comes back (NBD_REQ_RELEASE) to be recycled. The connection waits for it to close.
 */
static void
req_done(struct nbd_conn *c, struct nbd_req *req)
{
	struct nbd_lcore *lc = &nbd_server.lcores[c->lcore_idx];

	if (req->zio == NULL) {
		req_recycle(c, req);
		return;
	}
	req->kind = NBD_REQ_RELEASE;
	c->at_lcore++;
	/* The ring holds every request of every connection: it cannot be full. */
	if (rte_ring_sp_enqueue(lc->to_lcore, req) != 0) {
		NBD_LOG(ERR, "connection %" PRIu64 ": a read's frames not released", c->id);
		c->at_lcore--;
		req->zio = NULL;
		req_recycle(c, req);
	}
}

/*
 * The data of a zero-copy READ's reply from byte @p off on: its segments, into @p iov from
 * iov[*n] on. False when the array filled up first (the rest goes in the next sendmsg).
 */
static bool
segs_add(const struct nbd_req *req, uint64_t off, struct iovec *iov, unsigned int *n)
{
	int i;

	for (i = 0; i < req->nsegs; i++) {
		size_t len = req->segs[i].iov_len;

		if (off >= len) {
			off -= len;
			continue;
		}
		if (*n == IOV_BURST)
			return false;
		iov[*n].iov_base = (uint8_t *)req->segs[i].iov_base + off;
		iov[(*n)++].iov_len = len - off;
		off = 0;
	}
	return true;
}

static void
dispatch(struct nbd_conn *c, struct nbd_req *req)
{
	struct nbd_lcore *lc = &nbd_server.lcores[c->lcore_idx];

	req->kind = NBD_REQ_IO;
	req->status = 0;
	c->at_lcore++;
	c->dispatched = true;
	if (c->stats != NULL)
		c->stats->in_flight++;
	/* The ring holds every request of every connection: it cannot be full. */
	if (rte_ring_sp_enqueue(lc->to_lcore, req) != 0) {
		req->status = -ENOBUFS;
		nbd_conn_answered(req);
	}
}

/* A buffer for a READ or WRITE. 0, or -EAGAIN (over the connection's budget: wait). */
static int
take_buffer(struct nbd_conn *c, struct nbd_req *req)
{
	uint32_t len = req->wire.length;

	if (c->bytes_in_flight != 0 && c->bytes_in_flight + len > NBD_CONN_BYTES_MAX)
		return -EAGAIN;
	if (req->buf_cap < len) {
		free(req->buf);
		req->buf_cap = 0;
		if (posix_memalign((void **)&req->buf, 4096, len) != 0) {
			req->buf = NULL;
			return -ENOMEM;
		}
		req->buf_cap = len;
	}
	c->bytes_in_flight += len;
	req->charged = len;
	return 0;
}

/* A request whose header has been read: refuse it, answer it here, or hand it on. */
static void
request_start(struct nbd_conn *c, struct nbd_req *req)
{
	const struct nbd_request *w = &req->wire;
	uint32_t payload = nbd_proto_request_payload(w);
	uint32_t err = nbd_proto_request_check(w, &c->limits);
	int rc;

	if (err == 0 && (w->type == NBD_CMD_READ || w->type == NBD_CMD_WRITE)) {
		rc = take_buffer(c, req);
		if (rc == -EAGAIN) {
			c->cur = req;
			c->state = NBD_CONN_REQ_WAIT;
			return;
		}
		if (rc != 0)
			err = NBD_ENOMEM;
	}
	if (err != 0) {
		nbd_server_bad_input(c, "%s of %" PRIu32 " bytes at %" PRIu64 " refused: error %u",
				     nbd_proto_cmd_name(w->type), w->length, w->offset, err);
		reply_error(c, req, err, err == NBD_ENOMEM ? "out of memory" : "invalid request");
		if (payload != 0) {
			c->skip = payload;
			c->state = NBD_CONN_REQ_SKIP;
			return;
		}
		expect(c, NBD_CONN_REQ_HDR, NBD_REQUEST_LEN);
		return;
	}
	switch (w->type) {
	case NBD_CMD_WRITE:
		c->cur = req;
		req->received = 0;
		c->state = NBD_CONN_REQ_PAYLOAD;
		return;
	case NBD_CMD_READ:
	case NBD_CMD_FLUSH:
	case NBD_CMD_WRITE_ZEROES:
		dispatch(c, req);
		break;
	default: /* CACHE: nothing is cached, nothing to prefetch; BLOCK_STATUS */
		reply_ok(c, req);
		break;
	}
	expect(c, NBD_CONN_REQ_HDR, NBD_REQUEST_LEN);
}

/* One step of the transmission phase. Returns 1 to go on, 0 to wait, -1 when closed. */
static int
transmission_step(struct nbd_conn *c)
{
	struct nbd_req *req;
	int rc;

	switch (c->state) {
	case NBD_CONN_REQ_HDR:
		if (TAILQ_EMPTY(&c->free_reqs))
			return 0; /* full: read again once a reply has gone */
		rc = read_into(c, c->in, c->in_want, &c->in_len);
		if (rc != 1)
			return rc;
		req = TAILQ_FIRST(&c->free_reqs);
		if (nbd_proto_request_parse(c->in, &req->wire) != 0) {
			nbd_server_bad_input(c, "request without the request magic");
			nbd_conn_lose(c, "bad request magic: the stream cannot be followed");
			return -1;
		}
		if (req->wire.type == NBD_CMD_DISC) {
			nbd_conn_drain(c, "the client disconnected (DISC)");
			return -1;
		}
		TAILQ_REMOVE(&c->free_reqs, req, link);
		c->in_flight++;
		c->requests++;
		if (c->stats != NULL)
			c->stats->requests++;
		request_start(c, req);
		return 1;
	case NBD_CONN_REQ_WAIT:
		req = c->cur;
		c->cur = NULL;
		request_start(c, req);
		return c->state == NBD_CONN_REQ_WAIT ? 0 : 1;
	case NBD_CONN_REQ_PAYLOAD:
		req = c->cur;
		rc = read_into(c, req->buf, req->wire.length, &req->received);
		if (rc != 1)
			return rc;
		c->cur = NULL;
		if (c->stats != NULL)
			c->stats->write_bytes += req->wire.length;
		dispatch(c, req);
		expect(c, NBD_CONN_REQ_HDR, NBD_REQUEST_LEN);
		return 1;
	case NBD_CONN_REQ_SKIP:
		rc = skip_bytes(c);
		if (rc != 1)
			return rc;
		expect(c, NBD_CONN_REQ_HDR, NBD_REQUEST_LEN);
		return 1;
	default:
		return 0;
	}
}

/* Send what is queued, in order, as many replies per system call as fit. 1, 0 (wait), -1. */
static int
send_replies(struct nbd_conn *c)
{
	struct iovec iov[IOV_BURST];
	struct msghdr msg;
	struct nbd_req *req;
	unsigned int n;
	ssize_t sent;

	while (!TAILQ_EMPTY(&c->replies)) {
		n = 0;
		TAILQ_FOREACH(req, &c->replies, link)
		{
			uint64_t off = req->sent;

			if (n + 2 > IOV_BURST)
				break;
			if (off < req->reply_len) {
				iov[n].iov_base = req->reply + off;
				iov[n++].iov_len = req->reply_len - off;
				off = 0;
			} else {
				off -= req->reply_len;
			}
			if (req->data_len > off && req->zio != NULL) {
				if (!segs_add(req, off, iov, &n))
					break;
			} else if (req->data_len > off) {
				iov[n].iov_base = req->buf + off;
				iov[n++].iov_len = req->data_len - off;
			}
		}
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = n;
		sent = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 && errno == EAGAIN) {
			c->out_blocked = true;
			return 0;
		}
		if (sent <= 0) {
			nbd_conn_lose(c, "the connection failed while writing");
			return -1;
		}
		while ((req = TAILQ_FIRST(&c->replies)) != NULL && sent > 0) {
			uint64_t left = req->reply_len + req->data_len - req->sent;

			if ((uint64_t)sent < left) {
				req->sent += (uint64_t)sent;
				break;
			}
			sent -= (ssize_t)left;
			TAILQ_REMOVE(&c->replies, req, link);
			req_done(c, req);
		}
	}
	c->out_blocked = false;
	return 1;
}

void
nbd_conn_answered(struct nbd_req *req)
{
	struct nbd_conn *c = req->conn;
	uint32_t err;

	c->at_lcore--;
	if (req->kind == NBD_REQ_CHANNEL_PUT) {
		c->state = NBD_CONN_CLOSED;
		return;
	}
	if (req->kind == NBD_REQ_RELEASE) {
		req_recycle(c, req); /* its frames are freed */
		return;
	}
	if (c->stats != NULL)
		c->stats->in_flight--;
	if (c->fd < 0) {
		req_done(c, req); /* nobody to answer */
		return;
	}
	err = nbd_proto_error(req->status);
	if (err != 0) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%s: %s", c->neg.export.name, aoe_strerror(req->status));
		reply_error(c, req, err, msg);
		return;
	}
	if (req->wire.type == NBD_CMD_READ && c->stats != NULL)
		c->stats->read_bytes += req->wire.length;
	reply_ok(c, req);
}

void
nbd_conn_drain(struct nbd_conn *c, const char *reason)
{
	if (c->close_reason == NULL)
		c->close_reason = reason;
	if (c->state == NBD_CONN_DRAIN || c->state == NBD_CONN_CLOSING ||
	    c->state == NBD_CONN_CLOSED)
		return;
	if (c->cur != NULL) {
		/* A request half read (or waiting for buffer room) is never answered. */
		struct nbd_req *req = c->cur;

		c->cur = NULL;
		req_recycle(c, req);
	}
	c->state = NBD_CONN_DRAIN;
}

/* DRAIN: once every request is answered and sent, close; the channel goes back on the lcore. */
static void
drain_step(struct nbd_conn *c)
{
	struct nbd_lcore *lc = &nbd_server.lcores[c->lcore_idx];

	if (c->at_lcore > 0 || (c->fd >= 0 && !TAILQ_EMPTY(&c->replies)))
		return;
	if (c->fd >= 0) {
		nbd_server_epoll_update(c, 0);
		close(c->fd);
		c->fd = -1;
	}
	while (!TAILQ_EMPTY(&c->replies)) {
		struct nbd_req *req = TAILQ_FIRST(&c->replies);

		TAILQ_REMOVE(&c->replies, req, link);
		req_done(c, req);
	}
	if (c->at_lcore > 0)
		return; /* zero-copy reads' frames are being freed: the channel goes after them */
	if (!c->dispatched) {
		c->state = NBD_CONN_CLOSED;
		return;
	}
	c->state = NBD_CONN_CLOSING;
	c->at_lcore++;
	if (rte_ring_sp_enqueue(lc->to_lcore, &c->put_msg) != 0) {
		/* Cannot happen (the ring holds every request); leak the channel, not the conn. */
		NBD_LOG(ERR, "connection %" PRIu64 ": channel not returned", c->id);
		c->at_lcore--;
		c->state = NBD_CONN_CLOSED;
	}
}

static bool
wants_input(const struct nbd_conn *c)
{
	switch (c->state) {
	case NBD_CONN_CLIENT_FLAGS:
	case NBD_CONN_OPT_HDR:
	case NBD_CONN_OPT_DATA:
	case NBD_CONN_OPT_SKIP:
	case NBD_CONN_REQ_PAYLOAD:
	case NBD_CONN_REQ_SKIP:
		return true;
	case NBD_CONN_REQ_HDR:
		return !TAILQ_EMPTY(&c->free_reqs);
	default:
		return false;
	}
}

void
nbd_conn_progress(struct nbd_conn *c)
{
	unsigned int steps = 0;
	uint32_t events = 0;

	if (c->fd >= 0 && !TAILQ_EMPTY(&c->replies))
		send_replies(c);
	/* A burst at most: level-triggered epoll brings the connection back for the rest. */
	while (c->fd >= 0 && steps++ < STEP_BURST &&
	       (c->transmission ? transmission_step(c) : handshake_step(c)) > 0)
		;
	if (c->fd >= 0 && !TAILQ_EMPTY(&c->replies))
		send_replies(c);
	if (c->state == NBD_CONN_DRAIN)
		drain_step(c);
	if (c->fd < 0)
		return;
	if (wants_input(c))
		events |= EPOLLIN;
	if (c->out_blocked)
		events |= EPOLLOUT;
	nbd_server_epoll_update(c, events);
}

void
nbd_conn_io(struct nbd_conn *c, uint32_t events)
{
	if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN)) {
		nbd_conn_lose(c, "the connection was reset");
		if (c->state == NBD_CONN_DRAIN)
			drain_step(c);
		return;
	}
	nbd_conn_progress(c);
}

bool
nbd_conn_finished(struct nbd_conn *c)
{
	return c->state == NBD_CONN_CLOSED;
}

void
nbd_conn_free(struct nbd_conn *c)
{
	unsigned int i;

	log_close(c);
	if (c->stats != NULL)
		c->stats->open--;
	aoe_bdev_close(c->desc);
	for (i = 0; i < AOE_NBD_CONN_QD; i++)
		free(c->reqs[i].buf);
	free(c->out.data);
	free(c);
}
