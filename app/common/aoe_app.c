/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>

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
