/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NBD server's control thread: listening sockets, epoll, accepting, and the turn that moves
 * answered requests from the lcores' rings to their connections. It sleeps in epoll_wait while
 * nothing is in flight; while requests are on the lcores it wakes every 20 us to collect them
 * (the lcores make no system call, so they cannot wake it), less often while none come back:
 * each wake costs a context switch, on a core that an lcore may be polling.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "nbd_internal.h"

RTE_LOG_REGISTER(aoe_logtype_nbd, aoe.nbd, INFO);

#define NBD_POLL_MIN_NS 20000  /* the sleep while requests are in flight and answers come */
#define NBD_POLL_MAX_NS 160000 /* ... doubled after each turn that found none, up to this */
#define NBD_IDLE_MS	50     /* ... and while none are (it looks at stop in between) */
/* A client has this long to reach the transmission phase. */
#define NBD_HANDSHAKE_NS (UINT64_C(10) * 1000000000u)
#define NBD_EVENTS	 64
#define NBD_ANSWER_BURST 64
#define NBD_LOG_PER_SEC	 10	     /* bad-input log lines per second; the rest are counted */
#define LISTENER_TAG	 UINT64_C(1) /* epoll data of a listener: (index << 1) | 1 */

struct nbd_server nbd_server;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
nbd_server_bad_input(struct nbd_conn *c, const char *fmt, ...)
{
	struct nbd_server *s = &nbd_server;
	uint64_t now = now_ns();
	char msg[512];
	va_list ap;

	s->shm->bad_input++;
	if (now - s->log_window_ns >= 1000000000u) {
		if (s->log_suppressed > 0)
			NBD_LOG(WARNING, "%" PRIu64 " more bad-input messages suppressed",
				s->log_suppressed);
		s->log_window_ns = now;
		s->log_count = 0;
		s->log_suppressed = 0;
	}
	if (s->log_count++ >= NBD_LOG_PER_SEC) {
		s->log_suppressed++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	NBD_LOG(WARNING, "connection %" PRIu64 " from %s: %s", c->id, c->peer, msg);
}

void
nbd_server_epoll_update(struct nbd_conn *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};

	if (c->fd < 0 || events == c->events)
		return;
	if (epoll_ctl(nbd_server.epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = events;
}

/* ---- listening ------------------------------------------------------------------------------ */

static int
listen_unix(struct nbd_listener *l)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, rc;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", l->addr.path);
	/*
	 * A socket left by a daemon that died is replaced; one that a server still listens on, or
	 * anything else at the path, is not.
	 */
	if (lstat(sa.sun_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			NBD_LOG(ERR, "unix:%s exists and is not a socket", sa.sun_path);
			return -EEXIST;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		rc = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		if (fd >= 0)
			close(fd);
		if (rc) {
			NBD_LOG(ERR, "unix:%s: another server listens on it", sa.sun_path);
			return -EADDRINUSE;
		}
		unlink(sa.sun_path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || chmod(sa.sun_path, 0660) != 0 ||
	    listen(fd, 128) != 0) {
		rc = -errno;
		NBD_LOG(ERR, "unix:%s: %s", sa.sun_path, strerror(-rc));
		close(fd);
		return rc;
	}
	l->fd = fd;
	return 0;
}

static int
listen_tcp(struct nbd_listener *l)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res, *ai;
	int fd = -1, rc, one = 1;

	rc = getaddrinfo(l->addr.host, l->addr.port, &hints, &res);
	if (rc != 0) {
		NBD_LOG(ERR, "tcp:%s:%s: %s", l->addr.host, l->addr.port, gai_strerror(rc));
		return -EINVAL;
	}
	rc = -EADDRNOTAVAIL;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			rc = -errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0)
			break;
		rc = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		NBD_LOG(ERR, "tcp:%s:%s: %s", l->addr.host, l->addr.port, strerror(-rc));
		return rc;
	}
	l->fd = fd;
	return 0;
}

static void
close_listeners(void)
{
	struct nbd_server *s = &nbd_server;
	unsigned int i;

	for (i = 0; i < s->nb_listeners; i++) {
		struct nbd_listener *l = &s->listeners[i];

		if (l->fd < 0)
			continue;
		close(l->fd);
		l->fd = -1;
		if (l->addr.kind == NBD_ADDR_UNIX)
			unlink(l->addr.path);
	}
}

/* Who is at the other end: pid and uid for a Unix socket, address and port for TCP. */
static void
peer_name(int fd, const struct sockaddr_storage *sa, char *buf, size_t len)
{
	char host[64], port[8];
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	if (sa->ss_family == AF_UNIX) {
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0)
			snprintf(buf, len, "unix pid %d uid %u", (int)cred.pid, (unsigned)cred.uid);
		else
			snprintf(buf, len, "unix");
	} else if (getnameinfo((const struct sockaddr *)sa, sizeof(*sa), host, sizeof(host), port,
			       sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
		snprintf(buf, len, "%s:%s", host, port);
	} else {
		snprintf(buf, len, "tcp");
	}
}

static void
accept_all(struct nbd_listener *l)
{
	struct nbd_server *s = &nbd_server;

	for (;;) {
		struct sockaddr_storage sa;
		socklen_t salen = sizeof(sa);
		struct epoll_event ev;
		struct nbd_conn *c;
		char peer[80];
		int fd, one = 1;

		memset(&sa, 0, sizeof(sa));
		fd = accept4(l->fd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or a connection that failed before we took it */
		peer_name(fd, &sa, peer, sizeof(peer));
		if (s->nb_conns >= AOE_NBD_MAX_CONNS) {
			s->shm->refused_connections++;
			NBD_LOG(WARNING, "connection from %s refused: %d open already", peer,
				AOE_NBD_MAX_CONNS);
			close(fd);
			continue;
		}
		if (l->addr.kind == NBD_ADDR_TCP)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = nbd_conn_new(fd, peer, now_ns());
		if (c == NULL) {
			NBD_LOG(ERR, "connection from %s refused: out of memory", peer);
			close(fd);
			continue;
		}
		ev.events = EPOLLOUT;
		ev.data.ptr = c;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			c->fd = -1;
			nbd_conn_drain(c, "epoll refused it");
		}
		c->events = EPOLLOUT;
		pthread_mutex_lock(&s->lock);
		TAILQ_INSERT_TAIL(&s->conns, c, link);
		s->nb_conns++;
		pthread_mutex_unlock(&s->lock);
		s->shm->connections = s->nb_conns;
		s->shm->connections_total = s->next_conn_id;
		nbd_conn_progress(c);
	}
}

/* ---- the control thread --------------------------------------------------------------------- */

static unsigned int
collect_answers(void)
{
	struct nbd_server *s = &nbd_server;
	TAILQ_HEAD(, nbd_conn) dirty = TAILQ_HEAD_INITIALIZER(dirty);
	struct nbd_req *reqs[NBD_ANSWER_BURST];
	struct nbd_conn *c;
	unsigned int i, j, n, total = 0;

	for (i = 0; i < s->nb_lcores; i++) {
		do {
			n = rte_ring_sc_dequeue_burst(s->lcores[i].to_ctrl, (void **)reqs,
						      NBD_ANSWER_BURST, NULL);
			for (j = 0; j < n; j++) {
				c = reqs[j]->conn;
				nbd_conn_answered(reqs[j]);
				if (!c->dirty) {
					c->dirty = true;
					TAILQ_INSERT_TAIL(&dirty, c, dirty_link);
				}
			}
			total += n;
		} while (n == NBD_ANSWER_BURST);
	}
	while ((c = TAILQ_FIRST(&dirty)) != NULL) {
		TAILQ_REMOVE(&dirty, c, dirty_link);
		c->dirty = false;
		nbd_conn_progress(c);
	}
	return total;
}

/* Connections whose bdev went, or all of them when stopping, stop reading and drain. */
static void
drain_some(bool all)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_conn *c;

	TAILQ_FOREACH(c, &s->conns, link)
	{
		if (all)
			nbd_conn_drain(c, "the server is stopping");
		else if (__atomic_load_n(&c->gone, __ATOMIC_ACQUIRE) && !c->gone_seen) {
			c->gone_seen = true;
			NBD_LOG(WARNING,
				"connection %" PRIu64 ": %s went down; answering what is in "
				"flight, then closing",
				c->id, c->neg.export.name);
			nbd_conn_drain(c, "the export's AoE target went down");
		} else {
			continue;
		}
		nbd_conn_progress(c);
	}
}

/* A client that has not finished its handshake in time holds a connection for nothing. */
static void
expire_handshakes(uint64_t now)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_conn *c;

	if (now - s->last_expiry_ns < 1000000000u)
		return;
	s->last_expiry_ns = now;
	TAILQ_FOREACH(c, &s->conns, link)
	{
		if (c->transmission || c->fd < 0 || now - c->opened_ns < NBD_HANDSHAKE_NS)
			continue;
		nbd_server_bad_input(c, "no handshake in %u s",
				     (unsigned int)(NBD_HANDSHAKE_NS / 1000000000u));
		nbd_conn_lose(c, "the handshake took too long");
		nbd_conn_progress(c);
	}
}

static bool
reap(void)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_conn *c, *next;
	bool busy = false;

	for (c = TAILQ_FIRST(&s->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, link);
		if (c->at_lcore > 0)
			busy = true;
		if (!nbd_conn_finished(c))
			continue;
		pthread_mutex_lock(&s->lock);
		TAILQ_REMOVE(&s->conns, c, link);
		s->nb_conns--;
		pthread_mutex_unlock(&s->lock);
		s->shm->connections = s->nb_conns;
		nbd_conn_free(c);
	}
	return busy;
}

static void *
control_thread(void *arg)
{
	struct nbd_server *s = &nbd_server;
	struct epoll_event events[NBD_EVENTS];
	bool busy = false, stopping = false;
	uint64_t poll_ns = NBD_POLL_MIN_NS;
	unsigned int answers;
	int i, n;

	RTE_SET_USED(arg);
	/* Short sleeps while requests are in flight: not the default 50 us of slack. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	for (;;) {
		struct timespec ts = {.tv_sec = busy ? 0 : NBD_IDLE_MS / 1000,
				      .tv_nsec = busy ? (long)poll_ns
						      : (NBD_IDLE_MS % 1000) * 1000000};

		n = epoll_pwait2(s->epfd, events, NBD_EVENTS, &ts, NULL);
		for (i = 0; i < n; i++) {
			uint64_t tag = events[i].data.u64;

			if (tag & LISTENER_TAG)
				accept_all(&s->listeners[tag >> 1]);
			else
				nbd_conn_io(events[i].data.ptr, events[i].events);
		}
		answers = collect_answers();
		if (answers > 0 || n > 0)
			poll_ns = NBD_POLL_MIN_NS;
		else if (poll_ns < NBD_POLL_MAX_NS)
			poll_ns *= 2;
		if (__atomic_load_n(&s->gone_gen, __ATOMIC_ACQUIRE) != s->gone_seen) {
			s->gone_seen = __atomic_load_n(&s->gone_gen, __ATOMIC_ACQUIRE);
			drain_some(false);
		}
		if (s->stop && !stopping) {
			stopping = true;
			close_listeners();
			drain_some(true);
		}
		expire_handshakes(now_ns());
		busy = reap();
		if ((stopping && s->nb_conns == 0) || s->abandon)
			break;
	}
	__atomic_store_n(&s->stopped, true, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- the statistics region ------------------------------------------------------------------ */

/*
 * Counters go to <runtime dir>/aoe_nbd_stats for aoe-stat; where that file cannot be made, to
 * memory of our own (telemetry still shows them).
 */
static int
stats_map(void)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_shm *shm = MAP_FAILED;
	int fd;

	snprintf(s->shm_path, sizeof(s->shm_path), "%s/%s", rte_eal_get_runtime_dir(),
		 NBD_SHM_FILE);
	unlink(s->shm_path);
	fd = open(s->shm_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0 && ftruncate(fd, sizeof(*shm)) == 0)
		shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);
	if (shm == MAP_FAILED) {
		NBD_LOG(WARNING, "cannot map %s (%s): aoe-stat will not show the NBD counters",
			s->shm_path, strerror(errno));
		unlink(s->shm_path);
		s->shm_path[0] = '\0';
		shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		if (shm == MAP_FAILED)
			return -ENOMEM;
	}
	shm->magic = NBD_SHM_MAGIC;
	shm->version = NBD_SHM_VERSION;
	shm->pid = (uint64_t)getpid();
	s->shm = shm;
	return 0;
}

static void
stats_unmap(void)
{
	struct nbd_server *s = &nbd_server;

	if (s->shm == NULL)
		return;
	munmap(s->shm, sizeof(*s->shm));
	s->shm = NULL;
	if (s->shm_path[0] != '\0')
		unlink(s->shm_path);
}

/* ---- the API -------------------------------------------------------------------------------- */

static int
make_rings(const struct aoe_nbd_conf *conf)
{
	struct nbd_server *s = &nbd_server;
	/* Every request of every connection, and each connection's channel-put message. */
	unsigned int size = AOE_NBD_MAX_CONNS * (AOE_NBD_CONN_QD + 1);
	unsigned int i;
	char name[RTE_RING_NAMESIZE];

	for (i = 0; i < conf->nb_lcores; i++) {
		struct nbd_lcore *lc = &s->lcores[i];
		unsigned int id = conf->lcores[i];

		if (id >= RTE_MAX_LCORE || s->lcore_index[id] != 0) {
			NBD_LOG(ERR, "lcore %u: not an lcore, or given twice", id);
			return -EINVAL;
		}
		lc->lcore_id = id;
		TAILQ_INIT(&lc->backlog);
		snprintf(name, sizeof(name), "nbd_in_%u", id);
		lc->to_lcore = rte_ring_create(name, size, rte_lcore_to_socket_id(id),
					       RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		snprintf(name, sizeof(name), "nbd_out_%u", id);
		lc->to_ctrl = rte_ring_create(name, size, SOCKET_ID_ANY,
					      RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (lc->to_lcore == NULL || lc->to_ctrl == NULL)
			return -ENOMEM;
		s->lcore_index[id] = (int)i + 1;
		s->nb_lcores++;
	}
	return 0;
}

static void
release(void)
{
	struct nbd_server *s = &nbd_server;
	unsigned int i;

	close_listeners();
	stats_unmap();
	if (s->epfd >= 0)
		close(s->epfd);
	for (i = 0; i < s->nb_lcores; i++) {
		rte_ring_free(s->lcores[i].to_lcore);
		rte_ring_free(s->lcores[i].to_ctrl);
	}
	memset(s, 0, sizeof(*s));
	s->epfd = -1;
}

int
aoe_nbd_init(const struct aoe_nbd_conf *conf)
{
	struct nbd_server *s = &nbd_server;
	unsigned int i;
	char err[256];
	int rc;

	if (s->initialised)
		return -EALREADY;
	if (conf == NULL || conf->nb_lcores == 0 || conf->nb_lcores > RTE_DIM(s->lcores) ||
	    conf->nb_listen == 0 || conf->nb_listen > AOE_NBD_MAX_LISTEN) {
		NBD_LOG(ERR, "configuration: 1..%zu lcores and 1..%d addresses allowed",
			RTE_DIM(s->lcores), AOE_NBD_MAX_LISTEN);
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	s->epfd = -1;
	TAILQ_INIT(&s->conns);
	pthread_mutex_init(&s->lock, NULL);
	for (i = 0; i < conf->nb_listen; i++) {
		s->listeners[i].fd = -1;
		if (nbd_addr_parse(conf->listen[i], &s->listeners[i].addr, err, sizeof(err)) != 0) {
			NBD_LOG(ERR, "%s", err);
			return -EINVAL;
		}
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		return -errno;
	rc = stats_map();
	if (rc == 0)
		rc = make_rings(conf);
	for (i = 0; rc == 0 && i < conf->nb_listen; i++) {
		struct nbd_listener *l = &s->listeners[i];
		struct epoll_event ev = {.events = EPOLLIN,
					 .data.u64 = (uint64_t)i << 1 | LISTENER_TAG};

		s->nb_listeners++;
		s->shm->listeners = s->nb_listeners;
		rc = l->addr.kind == NBD_ADDR_UNIX ? listen_unix(l) : listen_tcp(l);
		if (rc == 0 && epoll_ctl(s->epfd, EPOLL_CTL_ADD, l->fd, &ev) != 0)
			rc = -errno;
		if (rc == 0)
			NBD_LOG(INFO, "listening on %s", conf->listen[i]);
	}
	if (rc == 0)
		rc = nbd_telemetry_register();
	if (rc == 0) {
		s->initialised = true;
		rc = -rte_ctrl_thread_create(&s->thread, "aoe-nbd", NULL, control_thread, NULL);
		if (rc != 0)
			s->initialised = false;
	}
	if (rc != 0)
		release();
	return rc;
}

void
aoe_nbd_stop(void)
{
	__atomic_store_n(&nbd_server.stop, true, __ATOMIC_RELEASE);
}

bool
aoe_nbd_stopped(void)
{
	return !nbd_server.initialised || __atomic_load_n(&nbd_server.stopped, __ATOMIC_ACQUIRE);
}

void
aoe_nbd_fini(void)
{
	struct nbd_server *s = &nbd_server;
	struct nbd_conn *c;
	unsigned int left = 0;

	if (!s->initialised)
		return;
	aoe_nbd_stop();
	/*
	 * The thread ends once every connection is closed, which needs the lcores to answer: the
	 * caller polled until aoe_nbd_stopped() or gave up. Connections still waiting for the
	 * engine are left where they are; aoe_fini() cancels their I/O into rings that stay.
	 */
	if (aoe_nbd_stopped()) {
		pthread_join(s->thread, NULL);
	} else {
		__atomic_store_n(&s->abandon, true, __ATOMIC_RELEASE);
		pthread_join(s->thread, NULL);
		TAILQ_FOREACH(c, &s->conns, link)
		left += c->at_lcore;
		NBD_LOG(WARNING, "%u requests still in the engine at exit: left unanswered", left);
		close_listeners();
		s->initialised = false;
		return;
	}
	release();
}
