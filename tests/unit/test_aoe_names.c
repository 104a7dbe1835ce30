/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/aoe/aoe_names.h: the state names every program prints, the order every target list
 * follows and the MAC format of every output.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "aoe_names.h"

Test(aoe_names, state_names)
{
	cr_assert_str_eq(aoe_state_name(AOE_TARGET_PROBING), "probing");
	cr_assert_str_eq(aoe_state_name(AOE_TARGET_UP), "up");
	cr_assert_str_eq(aoe_state_name(AOE_TARGET_DOWN), "down");
	cr_assert_str_eq(aoe_state_name(AOE_TARGET_DOWN_CLOSEWAIT), "down,closewait");
	cr_assert_str_eq(aoe_state_name(4), "unknown");
	cr_assert_str_eq(aoe_state_name(UINT32_MAX), "unknown");
}

struct addr {
	uint16_t shelf;
	uint8_t slot;
};

static int
addr_cmp(const void *a, const void *b)
{
	const struct addr *x = a, *y = b;

	return aoe_target_order(x->shelf, x->slot, y->shelf, y->slot);
}

Test(aoe_names, target_order_is_numeric)
{
	struct addr a[] = {{10, 1}, {9, 10}, {9, 2}, {100, 0}, {9, 1}, {0, 255}, {65534, 0}};
	const struct addr want[] = {{0, 255}, {9, 1},	{9, 2},	   {9, 10},
				    {10, 1},  {100, 0}, {65534, 0}};
	unsigned int i;

	qsort(a, sizeof(a) / sizeof(a[0]), sizeof(a[0]), addr_cmp);
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		cr_assert_eq(a[i].shelf, want[i].shelf, "entry %u", i);
		cr_assert_eq(a[i].slot, want[i].slot, "entry %u", i);
	}
	cr_assert_eq(aoe_target_order(1, 1, 1, 1), 0);
	cr_assert_lt(aoe_target_order(1, 254, 2, 0), 0);
	cr_assert_gt(aoe_target_order(2, 0, 1, 254), 0);
}

Test(aoe_names, mac_format)
{
	const uint8_t mac[6] = {0x02, 0x00, 0xab, 0xCD, 0x0e, 0xff};
	char buf[AOE_MAC_STR_MAX];

	aoe_mac_format(mac, buf, sizeof(buf));
	cr_assert_str_eq(buf, "02:00:ab:cd:0e:ff");
}
