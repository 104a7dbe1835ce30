/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests app/dpdk-aoe/options.c: every option, every refusal, the defaults. No DPDK. */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "options.h"
#include "test_util.h"

static struct options opts;
static char err[512];

static int
parse_v(char **argv)
{
	memset(err, 0, sizeof(err));
	return options_parse(test_argc(argv), argv, &opts, err, sizeof(err));
}

#define PARSE(...)   parse_v((char *[]){"dpdk-aoe", __VA_ARGS__, NULL})
#define PARSE_NONE() parse_v((char *[]){"dpdk-aoe", NULL})

/* A refusal: -EINVAL and a message that contains every given fragment. */
#define REFUSED(frag1, frag2, ...)                                                                 \
	do {                                                                                       \
		cr_assert_eq(PARSE(__VA_ARGS__), -EINVAL);                                         \
		cr_assert(strstr(err, frag1) != NULL, "'%s' not in '%s'", frag1, err);             \
		cr_assert(strstr(err, frag2) != NULL, "'%s' not in '%s'", frag2, err);             \
	} while (0)

Test(daemon_options, defaults)
{
	cr_assert_eq(PARSE_NONE(), 0);
	cr_assert_not(opts.help);
	cr_assert_not(opts.status);
	cr_assert_not(opts.json);
	cr_assert_eq(opts.maxout, 128);
	cr_assert_eq(opts.deadsecs, 180);
	cr_assert_eq(opts.discover_interval_s, 60);
	cr_assert_eq(opts.discover_wait_ms, 2000);
	cr_assert_eq(opts.nb_ifs, 0);
	cr_assert_eq(opts.mtu, 0, "each port's own");
	cr_assert_str_empty(err);
}

Test(daemon_options, help)
{
	cr_assert_eq(PARSE("--help"), 0);
	cr_assert(opts.help);
	cr_assert_eq(PARSE("-h"), 0);
	cr_assert(opts.help);
}

Test(daemon_options, maxout)
{
	cr_assert_eq(PARSE("--maxout", "1"), 0);
	cr_assert_eq(opts.maxout, 1);
	cr_assert_eq(PARSE("--maxout", "1024"), 0);
	cr_assert_eq(opts.maxout, 1024);
	cr_assert_eq(PARSE("--maxout=64"), 0);
	cr_assert_eq(opts.maxout, 64);
	REFUSED("--maxout", "1..1024", "--maxout", "0");
	REFUSED("--maxout", "1..1024", "--maxout", "1025");
	REFUSED("--maxout", "not a number", "--maxout", "abc");
	REFUSED("--maxout", "not a number", "--maxout", "");
	REFUSED("--maxout", "not a number", "--maxout", "-1");
	REFUSED("--maxout", "not a number", "--maxout", "+5");
	REFUSED("--maxout", "not a number", "--maxout", " 5");
	REFUSED("--maxout", "not a number", "--maxout", "5x");
	REFUSED("--maxout", "out of range", "--maxout", "99999999999999999999999");
}

/* The MTU frames are sized for, on links whose port does not report it (memif). */
Test(daemon_options, mtu)
{
	cr_assert_eq(PARSE("--mtu", "9000"), 0);
	cr_assert_eq(opts.mtu, 9000);
	cr_assert_eq(PARSE("--mtu=576"), 0);
	cr_assert_eq(opts.mtu, 576);
	cr_assert_eq(PARSE("--mtu", "9216"), 0);
	cr_assert_eq(opts.mtu, 9216);
	REFUSED("--mtu", "576..9216 bytes", "--mtu", "575");
	REFUSED("--mtu", "576..9216 bytes", "--mtu", "9217");
	REFUSED("--mtu", "576..9216 bytes", "--mtu", "0");
	REFUSED("--mtu", "not a number", "--mtu", "jumbo");
	REFUSED("--mtu", "not a number", "--mtu", "");
}

Test(daemon_options, deadsecs)
{
	cr_assert_eq(PARSE("--deadsecs", "0"), 0);
	cr_assert_eq(opts.deadsecs, 0);
	cr_assert_eq(PARSE("--deadsecs", "86400"), 0);
	cr_assert_eq(opts.deadsecs, 86400);
	REFUSED("--deadsecs", "0..86400", "--deadsecs", "86401");
	REFUSED("--deadsecs", "not a number", "--deadsecs", "1.5");
}

Test(daemon_options, discover_interval)
{
	cr_assert_eq(PARSE("--discover-interval", "0"), 0);
	cr_assert_eq(opts.discover_interval_s, 0);
	cr_assert_eq(PARSE("--discover-interval", "5"), 0);
	cr_assert_eq(opts.discover_interval_s, 5);
	REFUSED("--discover-interval", "0..86400", "--discover-interval", "86401");
	REFUSED("--discover-interval", "not a number", "--discover-interval", "1m");
}

Test(daemon_options, discover_wait)
{
	cr_assert_eq(PARSE("--discover-wait", "1"), 0);
	cr_assert_eq(opts.discover_wait_ms, 1);
	cr_assert_eq(PARSE("--discover-wait", "600000"), 0);
	cr_assert_eq(opts.discover_wait_ms, 600000);
	REFUSED("--discover-wait", "1..600000", "--discover-wait", "0");
	REFUSED("--discover-wait", "1..600000", "--discover-wait", "600001");
	REFUSED("--discover-wait", "not a number", "--discover-wait", "2s");
}

Test(daemon_options, status_and_json)
{
	cr_assert_eq(PARSE("--status"), 0);
	cr_assert(opts.status);
	cr_assert_not(opts.json);
	cr_assert_eq(PARSE("--status", "--json"), 0);
	cr_assert(opts.status);
	cr_assert(opts.json);
	cr_assert_eq(PARSE("--json", "--status"), 0);
	cr_assert(opts.json);
	REFUSED("--json", "only with --status", "--json");
}

Test(daemon_options, iflist)
{
	cr_assert_eq(PARSE("--iflist", "0,1"), 0);
	cr_assert_eq(opts.nb_ifs, 2);
	cr_assert_str_eq(opts.ifs[0], "0");
	cr_assert_str_eq(opts.ifs[1], "1");

	cr_assert_eq(PARSE("--iflist", " net_af_packet0, net_ring0\tnet_tap0 "), 0);
	cr_assert_eq(opts.nb_ifs, 3);
	cr_assert_str_eq(opts.ifs[0], "net_af_packet0");
	cr_assert_str_eq(opts.ifs[1], "net_ring0");
	cr_assert_str_eq(opts.ifs[2], "net_tap0");

	/* Repeated options add to the list. */
	cr_assert_eq(PARSE("--iflist", "0", "--iflist", "net_af_packet1"), 0);
	cr_assert_eq(opts.nb_ifs, 2);
	cr_assert_str_eq(opts.ifs[1], "net_af_packet1");

	REFUSED("--iflist", "empty", "--iflist", "");
	REFUSED("--iflist", "empty", "--iflist", " , ");
	REFUSED("--iflist", "at most 16", "--iflist", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16");
	cr_assert_eq(PARSE("--iflist", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"), 0);
	cr_assert_eq(opts.nb_ifs, 16);
}

Test(daemon_options, iflist_name_length)
{
	char name[80];

	memset(name, 'a', 63);
	name[63] = '\0';
	cr_assert_eq(PARSE("--iflist", name), 0);
	cr_assert_str_eq(opts.ifs[0], name);
	name[63] = 'a';
	name[64] = '\0';
	REFUSED("--iflist", "at most 63", "--iflist", name);
}

Test(daemon_options, refusals)
{
	REFUSED("unknown option '--bogus'", "--iflist", "--bogus");
	REFUSED("unknown option '-x'", "--discover-wait", "-x");
	REFUSED("--maxout", "missing argument", "--maxout");
	REFUSED("--iflist", "missing argument", "--status", "--iflist");
	REFUSED("unexpected argument 'extra'", "allowed", "--status", "extra");
}

Test(daemon_options, reparse_resets_state)
{
	/* getopt keeps global state; a second parse must start from the defaults again. */
	cr_assert_eq(PARSE("--status", "--maxout", "7", "--iflist", "0"), 0);
	cr_assert_eq(PARSE("--deadsecs", "3"), 0);
	cr_assert_not(opts.status);
	cr_assert_eq(opts.maxout, 128);
	cr_assert_eq(opts.deadsecs, 3);
	cr_assert_eq(opts.nb_ifs, 0);
}

/* A fake EAL: ports 0-2 exist; 0 is net_af_packet0, 1 is net_ring0, 2 is net_tap0. */
static const char *const fake_names[] = {"net_af_packet0", "net_ring0", "net_tap0"};

static bool
fake_id_valid(uint16_t port_id, void *arg)
{
	(void)arg;
	return port_id < 3;
}

static int
fake_by_name(const char *name, uint16_t *port_id, void *arg)
{
	uint16_t i;

	(void)arg;
	for (i = 0; i < 3; i++) {
		if (strcmp(name, fake_names[i]) == 0) {
			*port_id = i;
			return 0;
		}
	}
	return -ENODEV;
}

static const struct options_port_ops fake_ops = {
	.id_valid = fake_id_valid,
	.by_name = fake_by_name,
};

Test(daemon_options, resolve_ports)
{
	uint16_t ports[AOE_MAX_PORTS], n = 99;

	cr_assert_eq(PARSE_NONE(), 0);
	cr_assert_eq(options_resolve_ports(&opts, &fake_ops, ports, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 0, "no --iflist means every port");

	cr_assert_eq(PARSE("--iflist", "net_tap0, 0"), 0);
	cr_assert_eq(options_resolve_ports(&opts, &fake_ops, ports, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(ports[0], 2);
	cr_assert_eq(ports[1], 0);

	/* The same port by id and by name is used once. */
	cr_assert_eq(PARSE("--iflist", "0,net_af_packet0,1,net_ring0,0"), 0);
	cr_assert_eq(options_resolve_ports(&opts, &fake_ops, ports, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(ports[0], 0);
	cr_assert_eq(ports[1], 1);
}

Test(daemon_options, resolve_unknown_ports)
{
	uint16_t ports[AOE_MAX_PORTS], n;

	cr_assert_eq(PARSE("--iflist", "0,net_bogus9"), 0);
	cr_assert_eq(options_resolve_ports(&opts, &fake_ops, ports, &n, err, sizeof(err)), -ENODEV);
	cr_assert(strstr(err, "'net_bogus9'") != NULL, "%s", err);

	cr_assert_eq(PARSE("--iflist", "7"), 0);
	cr_assert_eq(options_resolve_ports(&opts, &fake_ops, ports, &n, err, sizeof(err)), -ENODEV);
	cr_assert(strstr(err, "id 7") != NULL, "%s", err);

	/* Too big for a port id: it can only be a name, and there is no such name. */
	cr_assert_eq(PARSE("--iflist", "65536"), 0);
	cr_assert_eq(options_resolve_ports(&opts, &fake_ops, ports, &n, err, sizeof(err)), -ENODEV);
	cr_assert(strstr(err, "'65536'") != NULL, "%s", err);
}

static int
cmdline_v(char **argv)
{
	memset(err, 0, sizeof(err));
	return options_parse_cmdline(test_argc(argv), argv, &opts, err, sizeof(err));
}

#define CMDLINE(...) cmdline_v((char *[]){"dpdk-aoe", __VA_ARGS__, NULL})

Test(daemon_options, cmdline)
{
	/* No "--": every argument is the EAL's, and the daemon runs with its defaults. */
	cr_assert_eq(CMDLINE("-l", "0", "--no-pci"), 0, "%s", err);
	cr_assert_not(opts.status);
	cr_assert_eq(CMDLINE("-l", "0", "--", "--status", "--json"), 0, "%s", err);
	cr_assert(opts.status);
	cr_assert(opts.json);
	/* A dpdk-aoe option before any "--" is named, not handed to the EAL to refuse. */
	cr_assert_eq(CMDLINE("-l", "0", "--status"), -EINVAL);
	cr_assert(strstr(err, "'--status' comes before any '--'") != NULL, "%s", err);
	cr_assert_eq(CMDLINE("--maxout=5", "-l", "0"), -EINVAL);
	cr_assert(strstr(err, "'--maxout=5' comes before any '--'") != NULL, "%s", err);
	/* Help anywhere, before the EAL could print its own. */
	cr_assert_eq(CMDLINE("-l", "0", "--help"), 0, "%s", err);
	cr_assert(opts.help);
	cr_assert_eq(CMDLINE("-h"), 0, "%s", err);
	cr_assert(opts.help);
	/* -h in a group of letters after the "--" is help too. */
	cr_assert_eq(CMDLINE("-l", "0", "--", "-hh"), 0, "%s", err);
	cr_assert(opts.help);
}

Test(daemon_options, numbers_as_every_program_reads_them)
{
	cr_assert_eq(PARSE("--maxout", "0x40"), 0, "%s", err);
	cr_assert_eq(opts.maxout, 64);
	REFUSED("--maxout", "not a number", "--maxout", "0x");
	REFUSED("--maxout", "not a number", "--maxout", "4k");
}

Test(daemon_options, nbd)
{
	cr_assert_eq(PARSE("--nbd", "unix:/tmp/a.sock", "--nbd", "tcp:127.0.0.1:10809"), 0);
	cr_assert_eq(opts.nb_nbd, 2);
	cr_assert_str_eq(opts.nbd[0], "unix:/tmp/a.sock");
	cr_assert_str_eq(opts.nbd[1], "tcp:127.0.0.1:10809");
	cr_assert_eq(PARSE("--nbd", "unix:/a,tcp:[::1]:1"), 0);
	cr_assert_eq(opts.nb_nbd, 2);
	REFUSED("--nbd", "allowed: unix:PATH or tcp:HOST:PORT", "--nbd", "tcp:localhost");
	REFUSED("--nbd", "allowed", "--nbd", "");
	REFUSED("--nbd", "--status", "--nbd", "unix:/a", "--status");
	REFUSED("--nbd", "at most 8", "--nbd", "unix:/1,unix:/2,unix:/3,unix:/4,unix:/5,unix:/6",
		"--nbd", "unix:/7,unix:/8,unix:/9");
}

Test(daemon_options, acl_actions)
{
	cr_assert_eq(PARSE("--config-string", "e1.1"), 0);
	cr_assert_eq(opts.acl_action, OPTIONS_ACL_CONFIG_STRING);
	cr_assert_str_eq(opts.acl_target, "e1.1");
	cr_assert_eq(opts.acl.op, AOE_ACL_CONFIG_READ);
	cr_assert_eq(PARSE("--config-string", "e1.1", "--set", "owner=a,b"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_CONFIG_SET);
	cr_assert_eq(opts.acl.config_len, 9);
	cr_assert(memcmp(opts.acl.config, "owner=a,b", 9) == 0);
	cr_assert_eq(PARSE("--force", "--config-string", "e1.1", "--set", "x"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_CONFIG_FORCE_SET);
	cr_assert_eq(PARSE("--config-string", "e1.1", "--test", "x"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_CONFIG_TEST);
	cr_assert_eq(PARSE("--config-string", "e1.1", "--test-prefix", ""), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_CONFIG_TEST_PREFIX);
	cr_assert_eq(opts.acl.config_len, 0);
	cr_assert_eq(PARSE("--mask", "e2.3"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_MASK_READ);
	cr_assert_eq(PARSE("--mask", "e2.3", "--edit", "+02:00:00:00:00:01,-02-00-00-00-00-0A"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_MASK_EDIT);
	cr_assert_eq(opts.acl.nb_dirs, 2);
	cr_assert(opts.acl.dirs[0].add);
	cr_assert_not(opts.acl.dirs[1].add);
	cr_assert_eq(opts.acl.dirs[1].mac.bytes[5], 0x0a);
	cr_assert_eq(PARSE("--reserve", "e1.1"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_RESERVE);
	cr_assert_eq(PARSE("--reserve", "e1.1", "--force"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_RESERVE_FORCE);
	cr_assert_eq(PARSE("--release", "e1.1"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_RELEASE);
	cr_assert_eq(PARSE("--release", "e1.1", "--force"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_RELEASE_FORCE);
	cr_assert_eq(PARSE("--reservation", "e1.1", "--discover-wait", "500"), 0);
	cr_assert_eq(opts.acl.op, AOE_ACL_RESERVE_READ);
	cr_assert_eq(opts.discover_wait_ms, 500);
}

Test(daemon_options, acl_refusals)
{
	char big[AOE_ACL_CONFIG_MAX + 2];

	REFUSED("--reserve and --release", "one action", "--reserve", "e1.1", "--release", "e1.1");
	REFUSED("--set", "allowed only with", "--set", "x");
	REFUSED("--force", "allowed only with", "--mask", "e1.1", "--force");
	REFUSED("--force", "allowed only with", "--config-string", "e1.1", "--force");
	REFUSED("--set", "only with --config-string", "--reserve", "e1.1", "--set", "x");
	REFUSED("--edit", "only with --mask", "--config-string", "e1.1", "--edit", "+x");
	REFUSED("one of them", "--test", "--config-string", "e1.1", "--set", "a", "--test", "b");
	REFUSED("--edit", "not a MAC address", "--mask", "e1.1", "--edit", "+02:00:00:00:00");
	REFUSED("--edit", "+MAC (add) or -MAC", "--mask", "e1.1", "--edit", "02:00:00:00:00:01");
	REFUSED("--edit", "no edits", "--mask", "e1.1", "--edit", ", ,");
	REFUSED("--reserve", "bad target", "--reserve", "e1234567890.12345");
	REFUSED("--reserve", "--status", "--reserve", "e1.1", "--status");
	REFUSED("--mask", "--nbd", "--mask", "e1.1", "--nbd", "unix:/a");
	REFUSED("--config-string", "--json", "--config-string", "e1.1", "--json", "--status");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	REFUSED("--set", "at most 1024", "--config-string", "e1.1", "--set", big);
}
