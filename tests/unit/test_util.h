/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the unit tests share: output to an in-memory FILE (test_out, read back in test_buf
 * once closed), the length of a NULL-terminated argument vector, and shell commands that make
 * their input. Each test file is a
 * program of its own, so the state here is each file's.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <criterion/criterion.h>

static char *test_buf;
static size_t test_buflen;
static FILE *test_out;

/* Start capturing: test_out writes to memory. */
static inline void
test_out_open(void)
{
	test_buf = NULL;
	test_buflen = 0;
	test_out = open_memstream(&test_buf, &test_buflen);
	cr_assert_not_null(test_out);
}

/* Stop writing: test_buf and test_buflen hold what was written. */
static inline void
test_out_close(void)
{
	fclose(test_out);
	test_out = NULL;
}

/* Forget it all (a .fini). */
static inline void
test_out_free(void)
{
	if (test_out != NULL)
		fclose(test_out);
	test_out = NULL;
	free(test_buf);
	test_buf = NULL;
}

/* argc of a NULL-terminated argv. */
static inline int
test_argc(char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return argc;
}

/* Run a shell command (printf-style) that must succeed: tools the tests use to make their
 * input (sfdisk, sgdisk), which scripts/setup.sh installs. */
static inline void __attribute__((format(printf, 1, 2))) test_run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	cr_assert_eq(rc, 0, "'%s' failed (%d): scripts/setup.sh installs fdisk and gdisk", cmd, rc);
}

#endif /* TEST_UTIL_H */
