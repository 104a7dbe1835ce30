/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-bdev-check: the bdev layer on the real engine, for test_bdev.sh. One command per run:
 *
 *   aoe-bdev-check [EAL options] -- [--deadsecs S] COMMAND ARGS
 *     list WAIT_MS            wait WAIT_MS for targets and their partition tables, then print
 *                             "NAME START BLOCKS" for every bdev
 *     verify NAME BYTES SEED OUT
 *                             write BYTES of a pattern (from SEED) from offset 0 with vectored
 *                             writes cut at random places (inside sectors and frames too),
 *                             read it back with other cuts and compare; the pattern goes to
 *                             file OUT, for the test to compare with the backing file
 *     edges NAME              the last block of NAME is written, one past it is refused
 *                             (-ERANGE), for every kind of I/O
 *     remove NAME             reads at queue depth 16 until the target goes down: REMOVE is
 *                             delivered, the I/O in flight fails at once, new I/O is refused,
 *                             the target stays down,closewait until the close
 *     initfini NAME TIMES     aoe_init, open, write and read back, close, aoe_fini, TIMES times
 *     race NAME SECONDS       a control thread opens and closes NAME as fast as it can while
 *                             the main lcore polls (the test takes the target down and up)
 *     ports AOE_PORT APP_PORT aoe_init's choice of ports: named, all_ports, refusals, and
 *                             ethdev ownership (APP_PORT owned by "the application" first)
 *
 * Prints what it saw on stdout, "FAIL: ..." for anything that went wrong, and exits 1 then.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "aoe.h"
#include "aoe_app.h"
#include "aoe_bdev.h"

static unsigned int deadsecs = 5;
static int failures;

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		printf("FAIL: " __VA_ARGS__);                                                      \
		printf("\n");                                                                      \
		failures++;                                                                        \
	} while (0)

static void
engine_start(void)
{
	struct aoe_conf conf;
	int rc;

	aoe_conf_init(&conf);
	conf.all_ports = true; /* the test bed's port */
	conf.deadsecs = deadsecs;
	conf.discover_interval_s = 1;
	conf.program = "aoe-bdev-check";
	rc = aoe_init(&conf);
	if (rc != 0) {
		printf("FAIL: aoe_init: %s\n", strerror(-rc));
		exit(1);
	}
}

static void
poll_ms(unsigned int ms)
{
	uint64_t end = rte_rdtsc() + ms * rte_get_tsc_hz() / 1000;

	while (rte_rdtsc() < end)
		aoe_lcore_poll();
}

/* Poll until @p name can be opened (its partition table read, for a partition). */
static struct aoe_bdev_desc *
open_when_there(const char *name, bool write, aoe_bdev_event_cb cb, void *ctx)
{
	struct aoe_bdev_desc *desc = NULL;
	int rc = -ENOENT, i;

	for (i = 0; i < 5000 && rc != 0; i++) {
		aoe_lcore_poll();
		rc = aoe_bdev_open(name, write, cb, ctx, &desc);
		if (rc != 0)
			poll_ms(1);
	}
	if (rc != 0) {
		printf("FAIL: cannot open %s: %s\n", name, strerror(-rc));
		exit(1);
	}
	return desc;
}

struct wait {
	unsigned int done;
	int status;
};

static void
io_done(struct aoe_bdev_io *io, int status, void *arg)
{
	struct wait *w = arg;

	w->done++;
	if (status != 0 && w->status == 0)
		w->status = status;
	aoe_bdev_free_io(io);
}

static int
wait_io(struct aoe_io_channel *ch, struct wait *w, unsigned int n, int rc)
{
	if (rc != 0)
		return rc;
	while (w->done < n)
		aoe_bdev_poll(ch);
	return w->status;
}

/* ---- list ---------------------------------------------------------------------------------- */

static int
cmd_list(unsigned int wait_ms)
{
	struct aoe_bdev_info info[64];
	unsigned int i, n;

	poll_ms(wait_ms);
	n = aoe_bdev_list(info, 64);
	for (i = 0; i < n && i < 64; i++)
		printf("%s %" PRIu64 " %" PRIu64 "\n", info[i].name, info[i].start,
		       info[i].num_blocks);
	return 0;
}

/* ---- verify --------------------------------------------------------------------------------- */

static struct aoe_app_rng rng;

static uint64_t
next_rand(void)
{
	return aoe_app_rng_next(&rng);
}

/* @p len bytes of @p buf in iovecs cut at random places, none longer than 3000 bytes. */
static int
cut(uint8_t *buf, size_t len, struct iovec *iov, int max)
{
	size_t at = 0;
	int n = 0;

	while (at < len && n < max - 1) {
		size_t c = 1 + (size_t)(next_rand() % 3000);

		if (c > len - at)
			c = len - at;
		iov[n++] = (struct iovec){buf + at, c};
		at += c;
	}
	if (at < len)
		iov[n++] = (struct iovec){buf + at, len - at};
	return n;
}

#define CHUNK (256 * 1024)

static int
cmd_verify(const char *name, uint64_t bytes, uint64_t seed, const char *out_path)
{
	struct aoe_bdev_desc *desc = open_when_there(name, true, NULL, NULL);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 4);
	uint8_t *pattern = malloc(bytes), *back = calloc(1, CHUNK);
	struct iovec iov[AOE_BDEV_IOV_MAX];
	unsigned int ios = 0;
	uint64_t off, i;
	FILE *out;

	if (ch == NULL || pattern == NULL || back == NULL) {
		printf("FAIL: no channel or memory\n");
		return 1;
	}
	aoe_app_rng_seed(&rng, seed);
	for (i = 0; i < bytes; i++)
		pattern[i] = (uint8_t)next_rand();
	for (off = 0; off < bytes; off += CHUNK) {
		uint64_t len = bytes - off < CHUNK ? bytes - off : CHUNK;
		struct wait w = {0};
		int n = cut(pattern + off, len, iov, AOE_BDEV_IOV_MAX), rc;

		rc = wait_io(ch, &w, 1, aoe_bdev_writev(desc, ch, iov, n, off, len, io_done, &w));
		if (rc != 0) {
			FAIL("writev at %" PRIu64 ": %s", off, strerror(-rc));
			break;
		}
		memset(back, 0, len);
		n = cut(back, len, iov, AOE_BDEV_IOV_MAX);
		memset(&w, 0, sizeof(w));
		rc = wait_io(ch, &w, 1, aoe_bdev_readv(desc, ch, iov, n, off, len, io_done, &w));
		if (rc != 0) {
			FAIL("readv at %" PRIu64 ": %s", off, strerror(-rc));
			break;
		}
		if (memcmp(back, pattern + off, len) != 0) {
			FAIL("data read back at %" PRIu64 " differs", off);
			break;
		}
		ios += 2;
	}
	out = fopen(out_path, "wb");
	if (out == NULL || fwrite(pattern, 1, bytes, out) != bytes || fclose(out) != 0)
		FAIL("cannot write %s", out_path);
	printf("verified %u vectored I/O on %s, payload %u\n", ios, name,
	       aoe_bdev_get_payload(aoe_bdev_desc_get_bdev(desc)));
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
	free(pattern);
	free(back);
	return failures != 0;
}

/* ---- edges ---------------------------------------------------------------------------------- */

static int
cmd_edges(const char *name)
{
	struct aoe_bdev_desc *desc = open_when_there(name, true, NULL, NULL);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 4);
	uint64_t last = aoe_bdev_get_num_blocks(aoe_bdev_desc_get_bdev(desc)) - 1;
	static uint8_t buf[1024];
	struct iovec iov[2] = {{buf, 700}, {buf + 700, 324}};
	struct wait w = {0};
	int rc;

	rc = wait_io(ch, &w, 1, aoe_bdev_write_blocks(desc, ch, buf, last, 1, io_done, &w));
	if (rc != 0)
		FAIL("the last block: %s", strerror(-rc));
	rc = wait_io(ch, &w, 2, aoe_bdev_readv_blocks(desc, ch, iov, 2, last - 1, 2, io_done, &w));
	if (rc != 0)
		FAIL("the last two blocks, vectored: %s", strerror(-rc));
	if ((rc = aoe_bdev_write_blocks(desc, ch, buf, last + 1, 1, io_done, &w)) != -ERANGE)
		FAIL("a write past the end: %d", rc);
	if ((rc = aoe_bdev_readv_blocks(desc, ch, iov, 2, last, 2, io_done, &w)) != -ERANGE)
		FAIL("a vectored read across the end: %d", rc);
	if ((rc = aoe_bdev_write_zeroes_blocks(desc, ch, last, 2, io_done, &w)) != -ERANGE)
		FAIL("write-zeroes across the end: %d", rc);
	printf("%s: block %" PRIu64 " is the last\n", name, last);
	aoe_bdev_put_io_channel(ch);
	aoe_bdev_close(desc);
	return failures != 0;
}

/* ---- remove --------------------------------------------------------------------------------- */

#define DEPTH 16

static struct {
	unsigned int removes;
	uint64_t remove_tsc;
	unsigned int in_flight;
	int first_status;
} rm;

static void
remove_event(enum aoe_bdev_event_type type, struct aoe_bdev *bdev, void *ctx)
{
	(void)bdev;
	(void)ctx;
	if (type == AOE_BDEV_EVENT_REMOVE && rm.removes++ == 0)
		rm.remove_tsc = rte_rdtsc();
}

static void
remove_done(struct aoe_bdev_io *io, int status, void *arg)
{
	(void)arg;
	rm.in_flight--;
	if (status != 0 && rm.first_status == 0)
		rm.first_status = status;
	aoe_bdev_free_io(io);
}

static const char *
state_of(const char *disk)
{
	struct aoe_target_info info;

	return aoe_target_info_get(disk, &info) == 0 ? aoe_target_state_str(info.state) : "none";
}

static int
cmd_remove(const char *name)
{
	struct aoe_bdev_desc *desc = open_when_there(name, false, remove_event, NULL);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, DEPTH);
	uint64_t blocks = aoe_bdev_get_num_blocks(aoe_bdev_desc_get_bdev(desc)), n = 0;
	uint64_t hz = rte_get_tsc_hz(), give_up = rte_rdtsc() + 120 * hz;
	static uint8_t bufs[DEPTH][4096];
	char disk[AOE_NAME_MAX];
	uint16_t shelf;
	uint8_t slot;
	int rc;

	aoe_bdev_name_parse(name, &shelf, &slot, NULL);
	snprintf(disk, sizeof(disk), "e%u.%u", shelf, slot);
	printf("reading %s\n", name);
	fflush(stdout);
	/* Keep DEPTH reads in flight until the target goes down. */
	while (rm.removes == 0 && rte_rdtsc() < give_up) {
		while (rm.in_flight < DEPTH) {
			rc = aoe_bdev_read_blocks(desc, ch, bufs[n % DEPTH], (n * 8) % (blocks - 8),
						  8, remove_done, NULL);
			if (rc != 0)
				break;
			rm.in_flight++;
			n++;
		}
		aoe_bdev_poll(ch);
	}
	if (rm.removes == 0) {
		FAIL("no REMOVE within 120 s");
		return 1;
	}
	/*
	 * Whatever is in flight fails at once (within the lcore's next timer ticks). Taken down by
	 * deadsecs, a target has usually failed this lcore's I/O already (-ETIMEDOUT) by the
	 * time management says so; the unit tests hold I/O in flight across a REMOVE.
	 */
	printf("REMOVE with %u I/O in flight\n", rm.in_flight);
	while (rm.in_flight != 0 && rte_rdtsc() < rm.remove_tsc + hz)
		aoe_bdev_poll(ch);
	if (rm.in_flight != 0)
		FAIL("%u I/O still in flight 1 s after REMOVE", rm.in_flight);
	else
		printf("none in flight after REMOVE (the first failure: %s)\n",
		       strerror(-rm.first_status));
	rc = aoe_bdev_read_blocks(desc, ch, bufs[0], 0, 1, remove_done, NULL);
	printf("a new read: %s\n", rc == 0 ? "accepted" : strerror(-rc));
	if (rc != -ENODEV)
		FAIL("a new read after REMOVE: %d, not -ENODEV", rc);
	poll_ms(2500); /* past the next discovery rounds: held, it must not come back */
	printf("held: %s %s\n", disk, state_of(disk));
	aoe_bdev_put_io_channel(ch);
	rc = aoe_bdev_close(desc);
	if (rc != 0)
		FAIL("close: %d", rc);
	poll_ms(100);
	printf("closed: %s %s\n", disk, state_of(disk));
	return failures != 0;
}

/* ---- initfini ------------------------------------------------------------------------------- */

static int
cmd_initfini(const char *name, unsigned int times)
{
	static uint8_t out[65536], in[65536];
	unsigned int t, i;

	for (t = 0; t < times; t++) {
		struct aoe_bdev_desc *desc;
		struct aoe_io_channel *ch;
		struct wait w = {0};
		int rc;

		if (t != 0)
			engine_start();
		desc = open_when_there(name, true, NULL, NULL);
		ch = aoe_bdev_get_io_channel(desc, 2);
		if (ch == NULL) {
			FAIL("run %u: no channel: %s", t, rte_strerror(rte_errno));
			return 1;
		}
		for (i = 0; i < sizeof(out); i++)
			out[i] = (uint8_t)(i + t * 31);
		rc = wait_io(ch, &w, 1, aoe_bdev_write(desc, ch, out, 0, sizeof(out), io_done, &w));
		if (rc == 0)
			rc = wait_io(ch, &w, 2,
				     aoe_bdev_read(desc, ch, in, 0, sizeof(in), io_done, &w));
		if (rc != 0 || memcmp(in, out, sizeof(in)) != 0)
			FAIL("run %u: write and read back: %s", t, rc ? strerror(-rc) : "differs");
		aoe_bdev_put_io_channel(ch);
		aoe_bdev_close(desc);
		aoe_fini();
		printf("run %u: up, written, read back, down\n", t + 1);
	}
	engine_start(); /* main() ends with aoe_fini() */
	return failures != 0;
}

/* ---- race ---------------------------------------------------------------------------------- */

static struct {
	const char *name;
	volatile int stop;
	unsigned long opened, refused, bad;
	unsigned int removes, reopens;
	bool removed;
	unsigned int in_flight;
} race;

static void
race_event(enum aoe_bdev_event_type type, struct aoe_bdev *bdev, void *ctx)
{
	(void)bdev;
	(void)ctx;
	if (type == AOE_BDEV_EVENT_REMOVE && ctx != NULL) {
		race.removed = true;
		race.removes++;
	}
}

/* A control thread: not an EAL lcore, no channel, only open and close. */
static void *
race_thread(void *arg)
{
	(void)arg;
	while (!race.stop) {
		struct aoe_bdev_desc *desc;
		int rc = aoe_bdev_open(race.name, true, race_event, NULL, &desc);

		if (rc == 0) {
			race.opened++;
			if (aoe_bdev_close(desc) != 0)
				race.bad++;
		} else if (rc == -ENODEV || rc == -ENOENT) {
			race.refused++;
		} else {
			race.bad++;
		}
	}
	return NULL;
}

static void
race_read_done(struct aoe_bdev_io *io, int status, void *arg)
{
	(void)status;
	(void)arg;
	race.in_flight--;
	aoe_bdev_free_io(io);
}

/*
 * The main lcore is the application that uses the bdev: a read always in flight (a target
 * with nothing outstanding never times out), its descriptor closed on REMOVE and opened again
 * once the target is back, as an application does.
 */
static int
cmd_race(const char *name, unsigned int seconds)
{
	uint64_t end = rte_rdtsc() + seconds * rte_get_tsc_hz();
	struct aoe_bdev_desc *desc = open_when_there(name, false, race_event, &race);
	struct aoe_io_channel *ch = aoe_bdev_get_io_channel(desc, 1);
	static uint8_t buf[4096];
	pthread_t th;

	race.name = name;
	if (ch == NULL || pthread_create(&th, NULL, race_thread, NULL) != 0) {
		FAIL("no channel or no thread");
		return 1;
	}
	printf("racing\n");
	while (rte_rdtsc() < end) {
		aoe_lcore_poll();
		if (desc == NULL) {
			if (aoe_bdev_open(name, false, race_event, &race, &desc) != 0) {
				desc = NULL;
				continue;
			}
			race.reopens++;
			race.removed = false;
			ch = aoe_bdev_get_io_channel(desc, 1);
			if (ch == NULL) {
				aoe_bdev_close(desc);
				desc = NULL;
			}
		} else if (race.removed && race.in_flight == 0) {
			aoe_bdev_put_io_channel(ch);
			if (aoe_bdev_close(desc) != 0)
				FAIL("close after REMOVE");
			desc = NULL;
		} else if (race.in_flight == 0 && !race.removed &&
			   aoe_bdev_read(desc, ch, buf, 0, sizeof(buf), race_read_done, NULL) ==
				   0) {
			race.in_flight++;
		}
	}
	race.stop = 1;
	pthread_join(th, NULL);
	while (race.in_flight != 0)
		aoe_lcore_poll();
	if (desc != NULL) {
		aoe_bdev_put_io_channel(ch);
		aoe_bdev_close(desc);
	}
	printf("race: %lu opens, %lu refused, %lu bad; %u removes, %u reopens\n", race.opened,
	       race.refused, race.bad, race.removes, race.reopens);
	if (race.bad != 0 || race.opened == 0 || race.refused == 0 || race.removes == 0)
		FAIL("opens and refusals both expected, nothing else");
	return failures != 0;
}

/* ---- ports ---------------------------------------------------------------------------------- */

static int
init_with(const uint16_t *ports, unsigned int n, bool all)
{
	struct aoe_conf conf;
	unsigned int i;

	aoe_conf_init(&conf);
	for (i = 0; i < n; i++)
		conf.ports[i] = ports[i];
	conf.nb_ports = (uint16_t)n;
	conf.all_ports = all;
	conf.program = "aoe-bdev-check";
	return aoe_init(&conf);
}

static void
expect_init(const char *what, int want, const uint16_t *ports, unsigned int n, bool all)
{
	int rc = init_with(ports, n, all);

	if (rc == 0)
		aoe_fini();
	if (rc != want)
		FAIL("%s: aoe_init %d, want %d", what, rc, want);
	else
		printf("%s: %s\n", what, rc == 0 ? "ok" : strerror(-rc));
}

/* Whose the port is now, in @p o: "" when nobody's. */
static const char *
owner_of(uint16_t port, struct rte_eth_dev_owner *o)
{
	if (rte_eth_dev_owner_get(port, o) != 0 || o->id == RTE_ETH_DEV_NO_OWNER)
		o->name[0] = '\0';
	return o->name;
}

/*
 * The ports the engine takes: the ones named, or all ownerless ones when all_ports says so;
 * an application's own port (net_null0 here, owned before aoe_init) is never taken.
 */
static int
cmd_ports(const char *aoe_name, const char *app_name)
{
	struct rte_eth_dev_owner mine = {.name = "the application"}, o1, o2;
	uint16_t aoe_port, app_port, none = RTE_MAX_ETHPORTS - 1;
	struct aoe_conf conf;
	uint16_t ids[AOE_MAX_PORTS];
	bool allowed[AOE_MAX_PORTS];
	int rc;

	if (rte_eth_dev_get_port_by_name(aoe_name, &aoe_port) != 0 ||
	    rte_eth_dev_get_port_by_name(app_name, &app_port) != 0) {
		FAIL("no port %s or %s", aoe_name, app_name);
		return 1;
	}
	aoe_conf_init(&conf);
	if ((rc = aoe_ports_max_lcores(&conf)) != -EINVAL)
		FAIL("aoe_ports_max_lcores without ports: %d", rc);
	conf.all_ports = true;
	printf("max lcores, all ports: %d\n", aoe_ports_max_lcores(&conf));
	expect_init("no port named", -EINVAL, NULL, 0, false);
	expect_init("ports and all_ports", -EINVAL, &aoe_port, 1, true);
	expect_init("a port named twice", -EINVAL, (uint16_t[]){aoe_port, aoe_port}, 2, false);
	expect_init("a port that does not exist", -ENODEV, &none, 1, false);
	if (aoe_init(NULL) != -EINVAL)
		FAIL("aoe_init(NULL)");
	/* The application owns one port: named, it is refused; all_ports leaves it alone. */
	if (rte_eth_dev_owner_new(&mine.id) != 0 || rte_eth_dev_owner_set(app_port, &mine) != 0) {
		FAIL("the application cannot own %s", app_name);
		return 1;
	}
	expect_init("the application's port named", -EBUSY, &app_port, 1, false);
	expect_init("ours and the application's named", -EBUSY, (uint16_t[]){aoe_port, app_port}, 2,
		    false);
	if (owner_of(aoe_port, &o1)[0] != '\0')
		FAIL("%s still owned after a refused aoe_init: '%s'", aoe_name, o1.name);
	rc = init_with(NULL, 0, true);
	if (rc != 0) {
		FAIL("all_ports next to the application's port: %s", strerror(-rc));
		return 1;
	}
	printf("all ports: the engine drives %u port(s)\n", aoe_port_list(ids, allowed, 16));
	if (aoe_port_list(ids, allowed, 16) != 1 || ids[0] != aoe_port)
		FAIL("all_ports took another port than %s", aoe_name);
	printf("%s owned by '%s', %s by '%s'\n", aoe_name, owner_of(aoe_port, &o1), app_name,
	       owner_of(app_port, &o2));
	if (strcmp(o1.name, "libaoe (aoe-bdev-check)") != 0 ||
	    strcmp(o2.name, "the application") != 0)
		FAIL("owners wrong");
	aoe_fini();
	if (owner_of(aoe_port, &o1)[0] != '\0')
		FAIL("%s still owned after aoe_fini: '%s'", aoe_name, o1.name);
	else
		printf("after aoe_fini: %s has no owner\n", aoe_name);
	/* And named: the same port again, after the engine gave it back. */
	expect_init("our port named, after aoe_fini", 0, &aoe_port, 1, false);
	rte_eth_dev_owner_unset(app_port, mine.id);
	return failures != 0;
}

int
main(int argc, char **argv)
{
	int ret, rc = 2;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 2;
	argc -= ret;
	argv += ret;
	if (argc > 2 && strcmp(argv[1], "--deadsecs") == 0) {
		deadsecs = (unsigned int)atoi(argv[2]);
		argc -= 2;
		argv += 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "ports") == 0) {
		rc = cmd_ports(argv[2], argv[3]);
		rte_eal_cleanup();
		return rc;
	}
	engine_start();
	if (argc == 3 && strcmp(argv[1], "list") == 0)
		rc = cmd_list((unsigned int)atoi(argv[2]));
	else if (argc == 6 && strcmp(argv[1], "verify") == 0)
		rc = cmd_verify(argv[2], strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0),
				argv[5]);
	else if (argc == 3 && strcmp(argv[1], "edges") == 0)
		rc = cmd_edges(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "remove") == 0)
		rc = cmd_remove(argv[2]);
	else if (argc == 4 && strcmp(argv[1], "initfini") == 0)
		rc = cmd_initfini(argv[2], (unsigned int)atoi(argv[3]));
	else if (argc == 4 && strcmp(argv[1], "race") == 0)
		rc = cmd_race(argv[2], (unsigned int)atoi(argv[3]));
	else
		fprintf(stderr, "usage: aoe-bdev-check [EAL options] -- [--deadsecs S] "
				"list|verify|edges|remove|initfini|race ARGS\n");
	aoe_fini();
	rte_eal_cleanup();
	return rc;
}
