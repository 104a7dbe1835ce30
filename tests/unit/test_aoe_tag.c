/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests lib/aoe/aoe_tag.h: the tag layout that routes responses to their frame. */
#include <criterion/criterion.h>

#include "aoe_tag.h"
#include "aoe_wire.h"

Test(tag, round_trip_every_field)
{
	unsigned int owner, slot;

	for (owner = 0; owner < AOE_TAG_MAX_OWNERS; owner += 3) {
		for (slot = 0; slot < AOE_TAG_MAX_SLOTS; slot += 97) {
			uint32_t tag = aoe_tag_make(owner, slot, (uint16_t)(owner * 1000 + slot));

			cr_expect_eq(aoe_tag_owner(tag), owner);
			cr_expect_eq(aoe_tag_slot(tag), slot);
			cr_expect_eq(aoe_tag_gen(tag), (uint16_t)(owner * 1000 + slot));
		}
	}
}

Test(tag, high_bit_always_clear)
{
	/* aoeping and aoe-sancheck own tags with the high bit set. */
	uint32_t tag = aoe_tag_make(AOE_TAG_MAX_OWNERS - 1, AOE_TAG_MAX_SLOTS - 1, 0xffff);

	cr_expect_eq(tag & AOE_TAG_USER_BIT, 0);
	cr_expect_eq(tag, 0x7fffffffu);
}

Test(tag, out_of_range_fields_are_masked)
{
	uint32_t tag = aoe_tag_make(AOE_TAG_MAX_OWNERS, AOE_TAG_MAX_SLOTS, 1);

	cr_expect_eq(tag & AOE_TAG_USER_BIT, 0);
	cr_expect_eq(aoe_tag_owner(tag), 0);
	cr_expect_eq(aoe_tag_slot(tag), 0);
}

Test(tag, generations_differ_per_transmission)
{
	cr_expect_neq(aoe_tag_make(2, 5, 7), aoe_tag_make(2, 5, 8));
	cr_expect_neq(aoe_tag_make(2, 5, 7), aoe_tag_make(3, 5, 7));
	cr_expect_neq(aoe_tag_make(2, 5, 7), aoe_tag_make(2, 6, 7));
}
