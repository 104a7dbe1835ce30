/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tags: what an initiator puts in a request so the response finds its frame in O(1).
 *
 *   bit 31      always 0: user tools (aoeping, aoe-sancheck) own tags with it set
 *   bits 30-26  owner: index of the polling lcore that sent the frame (its session owns the slot)
 *   bits 25-16  slot in the owner's per-target frame table
 *   bits 15-0   generation: bumped on every transmission of the slot, so a response to an older
 *               transmission (late, duplicate or forged) is recognised and refused
 *
 * The target is found from the response's shelf.slot, the owner's session for that target from
 * the owner bits, and the frame from the slot bits; the generation then decides.
 */
#ifndef AOE_TAG_H
#define AOE_TAG_H

#include <stdint.h>

#define AOE_TAG_OWNER_SHIFT 26
#define AOE_TAG_OWNER_MASK  0x1fu
#define AOE_TAG_SLOT_SHIFT  16
#define AOE_TAG_SLOT_MASK   0x3ffu
#define AOE_TAG_GEN_MASK    0xffffu
#define AOE_TAG_MAX_OWNERS  (AOE_TAG_OWNER_MASK + 1)
#define AOE_TAG_MAX_SLOTS   (AOE_TAG_SLOT_MASK + 1)

static inline uint32_t
aoe_tag_make(unsigned int owner, unsigned int slot, uint16_t gen)
{
	return ((owner & AOE_TAG_OWNER_MASK) << AOE_TAG_OWNER_SHIFT) |
	       ((slot & AOE_TAG_SLOT_MASK) << AOE_TAG_SLOT_SHIFT) | gen;
}

static inline unsigned int
aoe_tag_owner(uint32_t tag)
{
	return (tag >> AOE_TAG_OWNER_SHIFT) & AOE_TAG_OWNER_MASK;
}

static inline unsigned int
aoe_tag_slot(uint32_t tag)
{
	return (tag >> AOE_TAG_SLOT_SHIFT) & AOE_TAG_SLOT_MASK;
}

static inline uint16_t
aoe_tag_gen(uint32_t tag)
{
	return (uint16_t)(tag & AOE_TAG_GEN_MASK);
}

#endif /* AOE_TAG_H */
