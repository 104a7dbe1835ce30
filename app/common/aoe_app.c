/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

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
aoe_app_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}
