/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for dpdk-aoe's command line (app/dpdk-aoe/options.c, app/common/aoe_app.c's
 * split at "--"): the input is the command line after the program's name, its arguments
 * separated by NUL bytes (fuzz_argv.h).
 *
 * Checked, as options.h promises: options_parse_cmdline() returns 0 or -EINVAL (-ENOMEM) and
 * never exits or prints; an error comes with a message; a success leaves every setting within
 * its documented range (maxout 1..AOE_MAXOUT_MAX, deadsecs, discover interval and wait within
 * theirs, at most AOE_MAX_PORTS non-empty port names without separators, a non-empty --config
 * and never with --no-config). options_check() refuses exactly --json without --status, and
 * options_resolve_ports() yields each port once. AddressSanitizer checks reads and leaks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_argv.h"
#include "fuzz_daemon.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a;
	struct options o;
	char err[512];
	int rc;

	fuzz_argv_make(&a, "dpdk-aoe", data, size);
	memset(err, 0x7f, sizeof(err));
	rc = options_parse_cmdline(a.argc, a.argv, &o, err, sizeof(err));
	CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc != 0) {
		fuzz_check_err(err, sizeof(err));
	} else {
		CHECK(o.config == NULL || o.config[0] != '\0');
		CHECK(!(o.config != NULL && o.no_config));
		fuzz_check_options(&o);
	}
	fuzz_argv_free(&a);
	return 0;
}
