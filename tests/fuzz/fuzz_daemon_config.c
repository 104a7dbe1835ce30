/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for dpdk-aoe's configuration file (app/dpdk-aoe/config.c, with the
 * validators of options.c it calls): the input is the file's bytes, read as a stream.
 *
 * Checked, as config.h promises: config_parse_stream() returns 0 or -EINVAL (a bad line; -EIO
 * cannot happen on memory) and never exits or prints; a refusal says "NAME:LINE: ..." with LINE
 * a line the input has; an acceptance leaves every setting within its documented range (as the
 * command line's, fuzz_daemon.h), each setting given recorded on a line the input has, and the
 * file's name kept for later messages. AddressSanitizer checks reads and leaks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_daemon.h"

#define NAME "fuzz.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines of the input as config.c counts them: a last line without its LF counts too. */
static unsigned int
count_lines(const uint8_t *data, size_t size)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n + (size > 0 && data[size - 1] != '\n' ? 1 : 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int lines = count_lines(data, size), line;
	struct options o;
	char err[512];
	FILE *f;
	int rc, id;

	/* fmemopen() refuses an empty buffer: an empty file is the empty stream of /dev/null. */
	f = size > 0 ? fmemopen((void *)(uintptr_t)data, size, "r") : fopen("/dev/null", "r");
	CHECK(f != NULL);
	options_init(&o);
	memset(err, 0x7f, sizeof(err));
	rc = config_parse_stream(f, NAME, &o, err, sizeof(err));
	fclose(f);
	CHECK(rc == 0 || rc == -EINVAL);
	if (rc != 0) {
		fuzz_check_err(err, sizeof(err));
		CHECK(sscanf(err, NAME ":%u: ", &line) == 1);
		CHECK(line >= 1 && line <= lines);
		return 0;
	}
	fuzz_check_options(&o);
	for (id = 0; id < OPTIONS_NB; id++) {
		if (o.given & (UINT32_C(1) << id)) {
			CHECK(o.line[id] >= 1 && o.line[id] <= lines);
			CHECK(o.file != NULL && strcmp(o.file, NAME) == 0);
		} else {
			CHECK(o.line[id] == 0);
		}
	}
	return 0;
}
