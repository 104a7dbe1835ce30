/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Target names, e{shelf}.{slot}: pure code, so that what needs no engine (the bdev layer's
 * unit tests, over a fake one) parses them as the engine does.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "aoe.h"
#include "aoe_wire.h"

int
aoe_name_parse(const char *name, uint16_t *shelf, uint8_t *slot)
{
	unsigned long s, l;
	const char *p;
	char *end;

	if (name == NULL || name[0] != 'e' || !isdigit((unsigned char)name[1]))
		return -EINVAL;
	p = name + 1;
	if (p[0] == '0' && isdigit((unsigned char)p[1]))
		return -EINVAL;
	s = strtoul(p, &end, 10);
	if (*end != '.' || s >= AOE_SHELF_BCAST || end - p > 5)
		return -EINVAL;
	p = end + 1;
	if (!isdigit((unsigned char)p[0]) || (p[0] == '0' && isdigit((unsigned char)p[1])))
		return -EINVAL;
	l = strtoul(p, &end, 10);
	if (*end != '\0' || l >= AOE_SLOT_BCAST || end - p > 3)
		return -EINVAL;
	if (shelf != NULL)
		*shelf = (uint16_t)s;
	if (slot != NULL)
		*slot = (uint8_t)l;
	return 0;
}
