/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the option parsers' fuzz targets share: an input made into a command line. The input's
 * NUL bytes separate the arguments ("--\0-T\0e1.1" is "-- -T e1.1"), after the program's name.
 * Each argument gets an allocation of its own, exactly as long as it is, so that
 * AddressSanitizer sees a parser that reads past the end of one.
 */
#ifndef FUZZ_ARGV_H
#define FUZZ_ARGV_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

/* Enough for every option of every program, twice over; more only slows the fuzzer down. */
#define FUZZ_ARGV_MAX 64

struct fuzz_argv {
	int argc;
	char *argv[FUZZ_ARGV_MAX + 2];	/* what the parser gets (getopt may permute it) */
	char *owned[FUZZ_ARGV_MAX + 1]; /* the same strings, in order, to free */
};

static inline char *
fuzz_argv_dup(const void *p, size_t len)
{
	char *s = malloc(len + 1);

	CHECK(s != NULL);
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* Fill @p a from @p data: argv[0] = @p prog, then the input's arguments, then NULL. */
static inline void
fuzz_argv_make(struct fuzz_argv *a, const char *prog, const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nul;

	a->argc = 0;
	a->owned[a->argc] = fuzz_argv_dup(prog, strlen(prog));
	a->argv[a->argc] = a->owned[a->argc];
	a->argc++;
	while (p < end && a->argc <= FUZZ_ARGV_MAX) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (nul == NULL)
			nul = end;
		a->owned[a->argc] = fuzz_argv_dup(p, (size_t)(nul - p));
		a->argv[a->argc] = a->owned[a->argc];
		a->argc++;
		p = nul + 1;
	}
	a->argv[a->argc] = NULL;
}

static inline void
fuzz_argv_free(struct fuzz_argv *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->owned[i]);
	a->argc = 0;
}

/* An error message: set, terminated within its buffer. */
static inline void
fuzz_check_err(const char *err, size_t len)
{
	CHECK(memchr(err, '\0', len) != NULL);
	CHECK(err[0] != '\0');
}

#endif /* FUZZ_ARGV_H */
