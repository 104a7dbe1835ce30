/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for aoe-stat's command line (app/aoe-stat/options.c): the input is the
 * command line after the program's name, its arguments separated by NUL bytes (fuzz_argv.h).
 *
 * Checked, as stat_options.h promises: stat_options_parse() returns 0 or -EINVAL and never exits
 * or prints; an error comes with a message; a success (other than --help) holds a file prefix
 * that is empty (the only initiator running) or a name without '/' that fits, and --follow
 * never with --json or -v.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_argv.h"
#include "stat_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stat_opts o;
	struct fuzz_argv a;
	char err[512];
	int rc;

	fuzz_argv_make(&a, "aoe-stat", data, size);
	memset(err, 0x7f, sizeof(err));
	rc = stat_options_parse(a.argc, a.argv, &o, err, sizeof(err));
	CHECK(rc == 0 || rc == -EINVAL);
	if (rc != 0) {
		fuzz_check_err(err, sizeof(err));
	} else if (!o.help) {
		CHECK(memchr(o.prefix, '\0', sizeof(o.prefix)) != NULL);
		CHECK(strchr(o.prefix, '/') == NULL);
		CHECK(!(o.follow && (o.json || o.verbose)));
	}
	fuzz_argv_free(&a);
	return 0;
}
