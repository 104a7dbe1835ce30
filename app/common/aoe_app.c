/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aoe_app.h"

void
aoe_app_size_gb(uint64_t sectors, char *buf, size_t len)
{
	/* Milli-GB = sectors * 512 / 10^6 = sectors * 64 / 125000, split so nothing overflows. */
	uint64_t milli = sectors / 125000 * 64 + sectors % 125000 * 64 / 125000;

	snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 "GB", milli / 1000, milli % 1000);
}

void
aoe_app_json_string(FILE *f, const char *s, size_t max)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < max && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void
aoe_app_json_counters(FILE *f, const struct aoe_stats_table *table, const void *base)
{
	unsigned int i, j;

	for (i = 0; i < table->nb_fields; i++) {
		const struct aoe_stats_field *fl = &table->fields[i];

		fprintf(f, ", \"%s\": ", fl->name);
		if (fl->count == 1) {
			fprintf(f, "%" PRIu64, aoe_stats_value(base, fl, 0));
			continue;
		}
		fputc('[', f);
		for (j = 0; j < fl->count; j++)
			fprintf(f, "%s%" PRIu64, j ? ", " : "", aoe_stats_value(base, fl, j));
		fputc(']', f);
	}
}

#define TEXT_WIDTH 100

static void
text_item(struct aoe_app_text *t, const char *item)
{
	size_t len = strlen(item);

	/* Room for ", ", the item and the "," that ends the line if another item follows. */
	if (t->col != 0 && t->col + 2 + len + 1 > TEXT_WIDTH) {
		fputs(",\n", t->f);
		t->col = 0;
	}
	if (t->col == 0) {
		fputs(t->indent, t->f);
		t->col = strlen(t->indent);
	} else {
		fputs(", ", t->f);
		t->col += 2;
	}
	fputs(item, t->f);
	t->col += len;
}

void
aoe_app_text_counters(struct aoe_app_text *t, const struct aoe_stats_table *table, const void *base)
{
	char item[TEXT_WIDTH * 4];
	unsigned int i, j;

	for (i = 0; i < table->nb_fields; i++) {
		const struct aoe_stats_field *fl = &table->fields[i];
		size_t n = (size_t)snprintf(item, sizeof(item), "%s", fl->name);

		if (fl->count == 1)
			snprintf(item + n, sizeof(item) - n, " %" PRIu64,
				 aoe_stats_value(base, fl, 0));
		for (j = 0; fl->count > 1 && j < fl->count && n < sizeof(item); j++)
			n += (size_t)snprintf(item + n, sizeof(item) - n, " %u:%" PRIu64, j,
					      aoe_stats_value(base, fl, j));
		text_item(t, item);
	}
}

void
aoe_app_text_end(struct aoe_app_text *t)
{
	if (t->col != 0)
		fputc('\n', t->f);
	t->col = 0;
}

int
aoe_app_flush(FILE *f)
{
	if (fflush(f) != 0)
		return errno != 0 ? -errno : -EIO;
	return ferror(f) ? -EIO : 0;
}

int
aoe_app_getopt_err(int c, char **argv, char *err, size_t errlen)
{
	if (c == ':')
		return aoe_errf(err, errlen, "%s needs a value (see --help)", argv[optind - 1]);
	/* Within "-vx", argv[optind - 1] is what came before, not "-x": name the letter. */
	if (optopt != 0)
		return aoe_errf(err, errlen, "unknown option '-%c' (see --help)", optopt);
	return aoe_errf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
}

/* "-X" with X one of getopt's short option letters, or "--name[=...]" of a long option. */
static bool
is_option(const char *arg, const char *shortopts, const struct option *longopts)
{
	size_t len;
	int i;

	if (arg[0] != '-' || arg[1] == '\0' || strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
		return false;
	if (arg[1] != '-')
		return arg[1] != ':' && arg[1] != '+' && strchr(shortopts, arg[1]) != NULL;
	len = strcspn(arg + 2, "=");
	for (i = 0; longopts[i].name != NULL; i++)
		if (strlen(longopts[i].name) == len && strncmp(arg + 2, longopts[i].name, len) == 0)
			return true;
	return false;
}

int
aoe_app_cmdline(const struct aoe_app_cmdline *c, int argc, char **argv, void *arg, bool *help,
		char *err, size_t errlen)
{
	int i, rc, app_argc = 1, misplaced = 0;
	bool dashes = false;
	char **app_argv;

	*help = false;
	app_argv = calloc((size_t)argc + 1, sizeof(*app_argv));
	if (app_argv == NULL) {
		aoe_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	app_argv[0] = argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && !dashes) {
			dashes = true;
			continue;
		}
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			*help = true;
		if (dashes)
			app_argv[app_argc++] = argv[i];
		else if (misplaced == 0 && is_option(argv[i], c->shortopts, c->longopts))
			misplaced = i;
	}
	/* Before a "--", an argument is the EAL's; only without one is it surely misplaced. */
	if (*help)
		rc = 0;
	else if (!dashes && misplaced > 0)
		rc = aoe_errf(err, errlen,
			      "'%s' comes before any '--': %s's options follow the EAL's after "
			      "'--' (%s [EAL options] -- %s)",
			      argv[misplaced], c->prog, c->prog, c->synopsis);
	else if (!dashes && c->needs_options)
		rc = aoe_errf(err, errlen,
			      "no '--' and no %s options: they follow the EAL's after '--' (%s "
			      "[EAL options] -- %s)",
			      c->prog, c->prog, c->synopsis);
	else
		rc = c->parse(app_argc, app_argv, arg, err, errlen);
	free(app_argv);
	return rc;
}

int
aoe_app_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned int base = 10, digit;
	uint64_t v = 0;
	bool overflow = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			digit = (unsigned int)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			digit = (unsigned int)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return -EINVAL;
		if (v > (UINT64_MAX - digit) / base)
			overflow = true;
		v = v * base + digit;
	}
	if (overflow || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
aoe_app_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	static const char suffixes[] = "kmgt";
	char digits[32];
	size_t len = strlen(s);
	unsigned int shift = 0;
	const char *suffix;
	uint64_t v;
	int rc;

	if (len > 0 && (suffix = strchr(suffixes, tolower((unsigned char)s[len - 1]))) != NULL &&
	    *suffix != '\0') {
		shift = 10 * (unsigned int)(suffix - suffixes + 1);
		len--;
	}
	if (len == 0 || len >= sizeof(digits) || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	memcpy(digits, s, len);
	digits[len] = '\0';
	/* Decimal only: "0x" would make "0x1k" a size. */
	if (strspn(digits, "0123456789") != len)
		return -EINVAL;
	rc = aoe_app_parse_u64(digits, 0, UINT64_MAX >> shift, &v);
	if (rc != 0)
		return rc;
	v <<= shift;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
aoe_app_stdio_check(void)
{
	int fd, rc = 0;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (fd == 1)
			rc = -EBADF;
		/* open() takes the lowest free descriptor: this one. */
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return -EBADF;
	}
	return rc;
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
aoe_app_rng_seed(struct aoe_app_rng *r, uint64_t seed)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

bool
aoe_app_devarg(const char *args, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key), n;
	const char *p = args;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, ",");
			if (n == 0 || n >= len)
				return false;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return true;
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return false;
}
