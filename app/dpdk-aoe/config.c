/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-aoe configuration file parsing (format in config.h). The values are never interpreted
 * here: options_set() does that for the file exactly as for the command line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config.h"

/* How much of a bad line a message quotes: enough to find it, not a screenful. */
#define QUOTE_MAX 64

static const char blanks[] = " \t\r";

static int __attribute__((format(printf, 5, 6)))
line_fail(char *err, size_t errlen, const char *name, unsigned int lineno, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int len;

	if (err == NULL || errlen == 0)
		return -EINVAL;
	len = snprintf(err, errlen, "%s:%u: ", name, lineno);
	n = len < 0 ? 0 : (size_t)len;
	if (n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Strip blanks at both ends in place; a CR before the LF is one of them. */
static char *
trim(char *s)
{
	size_t len;

	s += strspn(s, blanks);
	len = strlen(s);
	while (len > 0 && strchr(blanks, s[len - 1]) != NULL)
		len--;
	s[len] = '\0';
	return s;
}

/*
 * One line, without its end. Returns its length, or -1 at the end of the stream with nothing
 * read. *too_long: more than CONFIG_LINE_MAX characters (the rest is skipped up to the line's
 * end, so the next line is still counted right); *nul: the line holds a NUL byte.
 */
static long
read_line(FILE *f, char *buf, size_t size, bool *too_long, bool *nul)
{
	size_t len = 0;
	bool any = false;
	int c;

	*too_long = false;
	*nul = false;
	while ((c = getc(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (c == '\0')
			*nul = true;
		if (len + 1 < size)
			buf[len++] = (char)c;
		else
			*too_long = true;
	}
	buf[len] = '\0';
	if (!any)
		return -1;
	return (long)len;
}

static int
parse_line(char *line, const char *name, unsigned int lineno, struct options *opts,
	   unsigned int *first_line, char *err, size_t errlen)
{
	char why[512];
	char *eq, *key, *value, *text;
	int id;

	text = trim(line);
	if (*text == '\0' || *text == '#')
		return 0;
	eq = strchr(text, '=');
	if (eq == NULL)
		return line_fail(err, errlen, name, lineno,
				 "'%.*s%s' is not key = value; allowed: key = value, a comment "
				 "starting with # or a blank line",
				 QUOTE_MAX, text, strlen(text) > QUOTE_MAX ? "..." : "");
	*eq = '\0';
	key = trim(text);
	value = trim(eq + 1);
	if (*key == '\0')
		return line_fail(err, errlen, name, lineno, "no key before '='; allowed: %s",
				 options_keys_allowed());
	id = options_by_key(key);
	if (id < 0)
		return line_fail(err, errlen, name, lineno, "unknown key '%.*s%s'; allowed: %s",
				 QUOTE_MAX, key, strlen(key) > QUOTE_MAX ? "..." : "",
				 options_keys_allowed());
	if (first_line[id] != 0)
		return line_fail(err, errlen, name, lineno,
				 "%s given twice (first on line %u); allowed: each key once", key,
				 first_line[id]);
	if (options_set(opts, (enum options_id)id, value, why, sizeof(why)) != 0)
		return line_fail(err, errlen, name, lineno, "%s: %s", key, why);
	first_line[id] = lineno;
	/* What is checked only after the EAL starts (iflist's ports) says where it came from. */
	opts->line[id] = lineno;
	opts->file = name;
	return 0;
}

int
config_parse_stream(FILE *f, const char *name, struct options *opts, char *err, size_t errlen)
{
	/* One more than a line may hold: a CR before the LF does not count against it. */
	char line[CONFIG_LINE_MAX + 2];
	unsigned int first_line[OPTIONS_NB] = {0};
	unsigned int lineno = 0;
	bool too_long, nul;
	long len;
	int ret;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	while ((len = read_line(f, line, sizeof(line), &too_long, &nul)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (too_long || len > CONFIG_LINE_MAX)
			return line_fail(err, errlen, name, lineno,
					 "line longer than %d characters; allowed: at most %d",
					 CONFIG_LINE_MAX, CONFIG_LINE_MAX);
		if (nul)
			return line_fail(err, errlen, name, lineno,
					 "NUL byte in the line; allowed: text");
		ret = parse_line(line, name, lineno, opts, first_line, err, errlen);
		if (ret != 0)
			return ret;
	}
	if (ferror(f)) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s:%u: cannot read: %s", name, lineno + 1,
				 strerror(errno != 0 ? errno : EIO));
		return -EIO;
	}
	return 0;
}

int
config_parse_file(const char *path, struct options *opts, char *err, size_t errlen)
{
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (f == NULL) {
		ret = -errno;
		if (err != NULL && errlen > 0)
			snprintf(err, errlen,
				 "%s: cannot open: %s; allowed: a readable file (--config FILE) or "
				 "--no-config",
				 path, strerror(-ret));
		return ret;
	}
	errno = 0;
	ret = config_parse_stream(f, path, opts, err, errlen);
	fclose(f);
	return ret;
}

int
config_load(const struct options *cli, const char *default_path, struct options *out, char *err,
	    size_t errlen)
{
	const char *path = cli->config != NULL ? cli->config : default_path;
	int ret;

	options_init(out);
	if (!cli->no_config && path != NULL) {
		ret = config_parse_file(path, out, err, errlen);
		/* The default file is optional; a file the operator named is not. */
		if (ret == -ENOENT && cli->config == NULL) {
			options_init(out);
			if (err != NULL && errlen > 0)
				err[0] = '\0';
			ret = 0;
		}
		if (ret != 0)
			return ret;
	}
	options_merge(out, cli);
	return options_check(out, err, errlen);
}
