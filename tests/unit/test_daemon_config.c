/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests app/dpdk-aoe/config.c: every key, every refusal with its line number, comments, blanks,
 * CRLF, a missing final newline, over-long lines, and the precedence defaults < file < command
 * line (config_load()). No DPDK.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "config.h"
#include "options.h"
#include "test_util.h"

static struct options opts;
static char err[1024];

/* Parse @p len bytes (NULs allowed) as the file "t.conf". */
static int
parse_bytes(const char *text, size_t len)
{
	FILE *f = tmpfile();
	int ret;

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	rewind(f);
	options_init(&opts);
	memset(err, 0, sizeof(err));
	ret = config_parse_stream(f, "t.conf", &opts, err, sizeof(err));
	fclose(f);
	return ret;
}

static int
parse(const char *text)
{
	return parse_bytes(text, strlen(text));
}

/* Refused at @p line with a message holding @p frag and an "allowed:". */
#define REFUSED_AT(text, line, frag)                                                               \
	do {                                                                                       \
		char where_[32];                                                                   \
		cr_assert_eq(parse(text), -EINVAL, "accepted: %s", text);                          \
		snprintf(where_, sizeof(where_), "t.conf:%d: ", line);                             \
		cr_assert(strncmp(err, where_, strlen(where_)) == 0,                               \
			  "'%s' does not start "                                                   \
			  "with '%s'",                                                             \
			  err, where_);                                                            \
		cr_assert(strstr(err, frag) != NULL, "'%s' not in '%s'", frag, err);               \
		cr_assert(strstr(err, "; allowed: ") != NULL, "no 'allowed' in '%s'", err);        \
	} while (0)

#define BIT(id) (UINT32_C(1) << (id))

Test(daemon_config, empty_file_keeps_defaults)
{
	struct options def;

	options_init(&def);
	cr_assert_eq(parse(""), 0);
	cr_assert_eq(memcmp(&opts, &def, sizeof(def)), 0);
	cr_assert_str_empty(err);
	cr_assert_eq(parse("\n\n# only a comment\n   \n\t\n"), 0);
	cr_assert_eq(memcmp(&opts, &def, sizeof(def)), 0);
}

Test(daemon_config, every_key)
{
	cr_assert_eq(parse("iflist = net_af_packet0, 1 net_ring0\n"
			   "maxout = 64\n"
			   "deadsecs = 0\n"
			   "discover_interval = 5\n"
			   "discover_wait = 500\n"
			   "status = true\n"
			   "json = true\n"
			   "nbd = unix:/tmp/n.sock\n"
			   "mtu = 9000\n"),
		     0, "%s", err);
	cr_assert_eq(opts.nb_ifs, 3);
	cr_assert_str_eq(opts.ifs[0], "net_af_packet0");
	cr_assert_str_eq(opts.ifs[1], "1");
	cr_assert_str_eq(opts.ifs[2], "net_ring0");
	cr_assert_eq(opts.maxout, 64);
	cr_assert_eq(opts.deadsecs, 0);
	cr_assert_eq(opts.discover_interval_s, 5);
	cr_assert_eq(opts.discover_wait_ms, 500);
	cr_assert(opts.status);
	cr_assert(opts.json);
	cr_assert_eq(opts.mtu, 9000);
	cr_assert_eq(opts.given, BIT(OPTIONS_NB) - 1);

	cr_assert_eq(parse("status = false\njson = false\n"), 0);
	cr_assert_not(opts.status);
	cr_assert_not(opts.json);
	cr_assert_eq(opts.given, BIT(OPTIONS_STATUS) | BIT(OPTIONS_JSON));
}

Test(daemon_config, keys_match_the_allowed_list)
{
	char allowed[256];
	int id;

	snprintf(allowed, sizeof(allowed), " %s ", options_keys_allowed());
	for (id = 0; id < OPTIONS_NB; id++) {
		char word[64];

		snprintf(word, sizeof(word), " %s ", options_key((enum options_id)id));
		cr_assert(strstr(allowed, word) != NULL, "%s missing from '%s'", word, allowed);
		cr_assert_eq(options_by_key(options_key((enum options_id)id)), id);
	}
	cr_assert_null(options_key(OPTIONS_NB));
	cr_assert_eq(options_by_key("discover-interval"), -ENOENT);
	cr_assert_eq(options_by_key("help"), -ENOENT);
}

Test(daemon_config, blanks_and_comments)
{
	cr_assert_eq(parse("# dpdk-aoe\n"
			   "   # indented comment = with an equals sign\n"
			   "\n"
			   "\tmaxout\t=\t7\t\n"
			   "deadsecs=9\n"
			   "   discover_wait   =   1   \n"),
		     0, "%s", err);
	cr_assert_eq(opts.maxout, 7);
	cr_assert_eq(opts.deadsecs, 9);
	cr_assert_eq(opts.discover_wait_ms, 1);
	cr_assert_eq(opts.given,
		     BIT(OPTIONS_MAXOUT) | BIT(OPTIONS_DEADSECS) | BIT(OPTIONS_DISCOVER_WAIT));
	/* A '#' after a value is part of it (port names are free text): refused, not hidden. */
	REFUSED_AT("maxout = 64 # frames\n", 1, "'64 # frames' is not a number");
}

Test(daemon_config, crlf_and_missing_final_newline)
{
	cr_assert_eq(parse("# windows\r\nmaxout = 12\r\n\r\nstatus = true\r\n"), 0, "%s", err);
	cr_assert_eq(opts.maxout, 12);
	cr_assert(opts.status);

	cr_assert_eq(parse("maxout = 13\ndeadsecs = 14"), 0, "%s", err);
	cr_assert_eq(opts.maxout, 13);
	cr_assert_eq(opts.deadsecs, 14);

	cr_assert_eq(parse("json = true\r"), 0, "%s", err);
	cr_assert(opts.json);

	/* A bad last line without its newline still has its number. */
	REFUSED_AT("maxout = 13\n\ndeadsecs = x", 3, "deadsecs: 'x' is not a number");
	REFUSED_AT("maxout = 1\r\nbogus = 2\r\n", 2, "unknown key 'bogus'");
}

Test(daemon_config, refusals_name_the_line)
{
	REFUSED_AT("maxout 64\n", 1, "'maxout 64' is not key = value");
	REFUSED_AT("# c\n\nmaxout = 1\niflist\n", 4, "'iflist' is not key = value");
	REFUSED_AT("maxout = 1\n = 5\n", 2, "no key before '='; allowed: iflist maxout");
	REFUSED_AT("\nbogus = 1\n", 2,
		   "unknown key 'bogus'; allowed: iflist maxout deadsecs "
		   "discover_interval discover_wait status json");
	/* The command line's spelling is not a key. */
	REFUSED_AT("discover-wait = 5\n", 1, "unknown key 'discover-wait'");
	REFUSED_AT("help = true\n", 1, "unknown key 'help'");
	REFUSED_AT("config = /etc/x\n", 1, "unknown key 'config'");
	REFUSED_AT("max out = 1\n", 1, "unknown key 'max out'");
	REFUSED_AT("maxout = 1\ndeadsecs = 2\n\nmaxout = 1\n", 4,
		   "maxout given twice (first on line 1); allowed: each key once");
	REFUSED_AT("iflist = 0\niflist = 1\n", 2, "iflist given twice (first on line 1)");
}

Test(daemon_config, values_refused_like_the_command_line)
{
	REFUSED_AT("maxout = 0\n", 1, "maxout: 0 is out of range; allowed: 1..1024 frames");
	REFUSED_AT("mtu = 65536\n", 1, "mtu: 65536 is out of range; allowed: 576..9216 bytes");
	REFUSED_AT("maxout = 1025\n", 1, "maxout: 1025 is out of range; allowed: 1..1024");
	REFUSED_AT("maxout =\n", 1, "maxout: '' is not a number");
	REFUSED_AT("maxout = -1\n", 1, "maxout: '-1' is not a number");
	REFUSED_AT("maxout = 1 2\n", 1, "maxout: '1 2' is not a number");
	REFUSED_AT("deadsecs = 86401\n", 1, "deadsecs: 86401 is out of range; allowed: 0..86400");
	REFUSED_AT("discover_interval = 1.5\n", 1,
		   "discover_interval: '1.5' is not a number; allowed: 0..86400 seconds");
	REFUSED_AT("discover_wait = 0\n", 1,
		   "discover_wait: 0 is out of range; allowed: 1..600000 ms");
	REFUSED_AT("status = yes\n", 1,
		   "status: 'yes' is not a truth value; allowed: true or "
		   "false");
	REFUSED_AT("json = 1\n", 1, "json: '1' is not a truth value");
	REFUSED_AT("status =\n", 1, "status: '' is not a truth value");
	REFUSED_AT("json = TRUE\n", 1, "json: 'TRUE' is not a truth value");
	REFUSED_AT("iflist =\n", 1, "iflist: empty list");
	REFUSED_AT("iflist = ,\n", 1, "iflist: empty list");
	REFUSED_AT("iflist = 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n", 1,
		   "iflist: more than 16 ports; allowed: at most 16");
}

Test(daemon_config, same_validator_as_the_command_line)
{
	struct options cli;
	char cli_err[512];
	const char *file_why, *cli_why;

	cr_assert_eq(options_parse_args(3, (char *[]){"dpdk-aoe", "--maxout", "2000", NULL}, &cli,
					cli_err, sizeof(cli_err)),
		     -EINVAL);
	REFUSED_AT("maxout = 2000\n", 1, "maxout");
	/* After "--maxout: " and "t.conf:1: maxout: " the words are the same. */
	cli_why = strstr(cli_err, ": ") + 2;
	file_why = strstr(err, "maxout: ") + strlen("maxout: ");
	cr_assert_str_eq(file_why, cli_why);
}

Test(daemon_config, iflist_name_length)
{
	char text[128];

	memset(text, 0, sizeof(text));
	strcpy(text, "iflist = ");
	memset(text + strlen(text), 'a', 63);
	cr_assert_eq(parse(text), 0, "%s", err);
	cr_assert_eq(strlen(opts.ifs[0]), 63);
	strcat(text, "a\n");
	REFUSED_AT(text, 1, "at most 63 characters");
}

Test(daemon_config, long_lines)
{
	size_t n = CONFIG_LINE_MAX + 64;
	char *text = malloc(3 * n + 64);
	size_t len;

	cr_assert_not_null(text);

	/* Exactly CONFIG_LINE_MAX characters, with LF or CR LF: accepted. */
	text[0] = '#';
	memset(text + 1, 'x', CONFIG_LINE_MAX - 1);
	strcpy(text + CONFIG_LINE_MAX, "\r\nmaxout = 3\n");
	cr_assert_eq(parse(text), 0, "%s", err);
	cr_assert_eq(opts.maxout, 3);
	strcpy(text + CONFIG_LINE_MAX, "\nmaxout = 4");
	cr_assert_eq(parse(text), 0, "%s", err);
	cr_assert_eq(opts.maxout, 4);

	/* One more: refused with its number, also without a final newline. */
	strcpy(text, "maxout = 1\n\n");
	len = strlen(text);
	memset(text + len, 'x', CONFIG_LINE_MAX + 1);
	strcpy(text + len + CONFIG_LINE_MAX + 1, "\nmaxout = 2\n");
	REFUSED_AT(text, 3, "line longer than 4096 characters; allowed: at most 4096");
	text[len + CONFIG_LINE_MAX + 1] = '\0';
	REFUSED_AT(text, 3, "line longer than 4096");

	/* A CR does not buy a longer line. */
	strcpy(text + len + CONFIG_LINE_MAX + 1, "\r\n");
	REFUSED_AT(text, 3, "line longer than 4096");

	/* Far longer than the buffer, as a value: no overflow, the right line. */
	strcpy(text, "# 1\n# 2\n# 3\n# 4\niflist = ");
	len = strlen(text);
	memset(text + len, 'p', 3 * n - len);
	strcpy(text + 3 * n, "\n");
	REFUSED_AT(text, 5, "line longer than 4096");
	free(text);
}

Test(daemon_config, nul_byte)
{
	static const char text[] = "maxout = 1\nmaxout\0 = 2\n";

	cr_assert_eq(parse_bytes(text, sizeof(text) - 1), -EINVAL);
	cr_assert(strncmp(err, "t.conf:2: NUL byte", 18) == 0, "%s", err);
}

Test(daemon_config, stops_at_the_first_bad_line)
{
	REFUSED_AT("maxout = 5\nbogus\nmaxout = x\n", 2, "is not key = value");
	/* What came before the bad line was applied; nothing after it. */
	cr_assert_eq(opts.maxout, 5);
}

/* ---- files and precedence (config_load) --------------------------------------------------- */

static char dir[] = "/tmp/test_daemon_config.XXXXXX";
static char path_a[128], path_b[128];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	cr_assert_eq(fputs(text, f) >= 0, true);
	cr_assert_eq(fclose(f), 0);
}

static void
files_setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path_a, sizeof(path_a), "%s/a.conf", dir);
	snprintf(path_b, sizeof(path_b), "%s/default.conf", dir);
}

static void
files_teardown(void)
{
	unlink(path_a);
	unlink(path_b);
	rmdir(dir);
}

/* Command line then config_load() with default file @p def: the daemon's sequence. */
static int
load_v(const char *def, char **argv)
{
	struct options cli;
	int ret;

	memset(err, 0, sizeof(err));
	ret = options_parse_args(test_argc(argv), argv, &cli, err, sizeof(err));
	if (ret != 0)
		return ret;
	return config_load(&cli, def, &opts, err, sizeof(err));
}

#define LOAD(def, ...) load_v(def, (char *[]){"dpdk-aoe", __VA_ARGS__, NULL})
#define LOAD_NONE(def) load_v(def, (char *[]){"dpdk-aoe", NULL})

Test(daemon_config, file_then_command_line, .init = files_setup, .fini = files_teardown)
{
	write_file(path_a, "maxout = 64\ndeadsecs = 10\niflist = 0, 1\ndiscover_wait = 500\n");

	cr_assert_eq(LOAD(NULL, "--config", path_a), 0, "%s", err);
	cr_assert_eq(opts.maxout, 64);
	cr_assert_eq(opts.deadsecs, 10);
	cr_assert_eq(opts.discover_wait_ms, 500);
	cr_assert_eq(opts.discover_interval_s, 60);
	cr_assert_eq(opts.nb_ifs, 2);

	/* Given on the command line: it wins, wherever --config stands. */
	cr_assert_eq(LOAD(NULL, "--maxout", "32", "--config", path_a), 0, "%s", err);
	cr_assert_eq(opts.maxout, 32);
	cr_assert_eq(opts.deadsecs, 10);
	cr_assert_eq(LOAD(NULL, "--config", path_a, "--maxout", "32"), 0, "%s", err);
	cr_assert_eq(opts.maxout, 32);

	/* Also when the command line gives the default value. */
	cr_assert_eq(LOAD(NULL, "--config", path_a, "--deadsecs", "180"), 0, "%s", err);
	cr_assert_eq(opts.deadsecs, 180);

	/* The command line's iflist replaces the file's, it does not add to it. */
	cr_assert_eq(LOAD(NULL, "--config", path_a, "--iflist", "net_tap0"), 0, "%s", err);
	cr_assert_eq(opts.nb_ifs, 1);
	cr_assert_str_eq(opts.ifs[0], "net_tap0");
	cr_assert_str_eq(opts.config, path_a);
}

Test(daemon_config, flags_combine_across_sources, .init = files_setup, .fini = files_teardown)
{
	write_file(path_a, "status = true\n");
	cr_assert_eq(LOAD(NULL, "--config", path_a, "--json"), 0, "%s", err);
	cr_assert(opts.status);
	cr_assert(opts.json);

	write_file(path_a, "json = true\nstatus = true\n");
	cr_assert_eq(LOAD(NULL, "--config", path_a), 0, "%s", err);
	cr_assert(opts.json);

	/* json without status is refused wherever each came from. */
	write_file(path_a, "json = true\n");
	cr_assert_eq(LOAD(NULL, "--config", path_a), -EINVAL);
	cr_assert(strstr(err, "only with --status") != NULL, "%s", err);
	write_file(path_a, "status = false\n");
	cr_assert_eq(LOAD(NULL, "--config", path_a, "--json"), -EINVAL);
	cr_assert_eq(LOAD(NULL, "--config", path_a, "--json", "--status"), 0, "%s", err);
}

Test(daemon_config, default_file, .init = files_setup, .fini = files_teardown)
{
	/* Missing default: the defaults, no error. */
	cr_assert_eq(LOAD_NONE(path_b), 0, "%s", err);
	cr_assert_eq(opts.maxout, 128);
	cr_assert_str_empty(err);
	cr_assert_eq(LOAD(path_b, "--maxout", "2"), 0, "%s", err);
	cr_assert_eq(opts.maxout, 2);

	/* Present: read. */
	write_file(path_b, "maxout = 77\n");
	cr_assert_eq(LOAD_NONE(path_b), 0, "%s", err);
	cr_assert_eq(opts.maxout, 77);

	/* --no-config skips it; --config replaces it. */
	cr_assert_eq(LOAD(path_b, "--no-config"), 0, "%s", err);
	cr_assert_eq(opts.maxout, 128);
	write_file(path_a, "deadsecs = 1\n");
	cr_assert_eq(LOAD(path_b, "--config", path_a), 0, "%s", err);
	cr_assert_eq(opts.maxout, 128);
	cr_assert_eq(opts.deadsecs, 1);

	/* A bad default file is an error like any other. */
	write_file(path_b, "\nmaxout = many\n");
	cr_assert_eq(LOAD_NONE(path_b), -EINVAL);
	cr_assert(strstr(err, ":2: maxout: 'many' is not a number") != NULL, "%s", err);
	cr_assert(strncmp(err, path_b, strlen(path_b)) == 0, "%s", err);
}

Test(daemon_config, named_file_must_exist, .init = files_setup, .fini = files_teardown)
{
	cr_assert_eq(LOAD(NULL, "--config", path_a), -ENOENT);
	cr_assert(strstr(err, path_a) != NULL, "%s", err);
	cr_assert(strstr(err, "cannot open") != NULL, "%s", err);
	cr_assert(strstr(err, "allowed: ") != NULL, "%s", err);

	/* A directory opens but cannot be read. */
	cr_assert_lt(LOAD(NULL, "--config", dir), 0);
	cr_assert(strstr(err, dir) != NULL, "%s", err);
}

Test(daemon_config, config_options)
{
	struct options cli;

	cr_assert_eq(
		options_parse_args(4, (char *[]){"dpdk-aoe", "--config", "a", "--no-config", NULL},
				   &cli, err, sizeof(err)),
		-EINVAL);
	cr_assert(strstr(err, "--no-config") != NULL, "%s", err);
	cr_assert_eq(options_parse_args(
			     5, (char *[]){"dpdk-aoe", "--config", "a", "--config", "b", NULL},
			     &cli, err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "given twice") != NULL, "%s", err);
	cr_assert_eq(options_parse_args(3, (char *[]){"dpdk-aoe", "--config", "", NULL}, &cli, err,
					sizeof(err)),
		     -EINVAL);
	cr_assert_eq(options_parse_args(2, (char *[]){"dpdk-aoe", "--config", NULL}, &cli, err,
					sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "missing argument") != NULL, "%s", err);
	cr_assert_eq(options_parse_args(3,
					(char *[]){"dpdk-aoe", "--config=x.conf", "--json", NULL},
					&cli, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(cli.config, "x.conf");
	cr_assert_not(cli.no_config);
	cr_assert_eq(cli.given, BIT(OPTIONS_JSON));
	cr_assert_str_not_empty(options_config_default());
	cr_assert(strstr(options_config_default(), "dpdk-aoe/dpdk-aoe.conf") != NULL);
}

static bool
no_port_id(uint16_t port_id, void *arg)
{
	(void)arg;
	return port_id == 0;
}

static int
no_port_name(const char *name, uint16_t *port_id, void *arg)
{
	(void)arg;
	if (strcmp(name, "net_tap0") != 0)
		return -ENODEV;
	*port_id = 0;
	return 0;
}

/* The iflist is checked against the EAL's ports only after the EAL starts: its refusal still
 * names the file and line it came from, or the option. */
Test(daemon_config, iflist_refusal_names_its_line, .init = files_setup, .fini = files_teardown)
{
	const struct options_port_ops ops = {.id_valid = no_port_id, .by_name = no_port_name};
	uint16_t ports[AOE_MAX_PORTS], n;
	char want[600];

	write_file(path_a, "maxout = 64\niflist = net_tap0, net_bogus9\n");
	cr_assert_eq(LOAD(NULL, "--config", path_a), 0, "%s", err);
	cr_assert_eq(options_resolve_ports(&opts, &ops, ports, &n, err, sizeof(err)), -ENODEV);
	snprintf(want, sizeof(want), "%s:2: iflist: no port named 'net_bogus9'", path_a);
	cr_assert(strstr(err, want) == err, "want '%s' in '%s'", want, err);

	/* The command line's iflist replaces the file's: its refusal names the option. */
	cr_assert_eq(LOAD(NULL, "--config", path_a, "--iflist", "7"), 0, "%s", err);
	cr_assert_eq(options_resolve_ports(&opts, &ops, ports, &n, err, sizeof(err)), -ENODEV);
	cr_assert(strstr(err, "--iflist: no port with id 7") == err, "%s", err);

	/* A good list from the file resolves. */
	write_file(path_a, "iflist = net_tap0\n");
	cr_assert_eq(LOAD(NULL, "--config", path_a), 0, "%s", err);
	cr_assert_eq(options_resolve_ports(&opts, &ops, ports, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 1);
}

Test(daemon_config, nbd_key)
{
	cr_assert_eq(parse("nbd = unix:/run/dpdk-aoe/nbd.sock, tcp:127.0.0.1:10809\n"), 0, "%s",
		     err);
	cr_assert_eq(opts.nb_nbd, 2);
	cr_assert_str_eq(opts.nbd[1], "tcp:127.0.0.1:10809");
	REFUSED_AT("nbd = tcp:nowhere\n", 1, "nbd: 'tcp:nowhere' has no port");
}
