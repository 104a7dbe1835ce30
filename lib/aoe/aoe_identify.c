/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ATA IDENTIFY DEVICE data: what the initiator learns from a disk, and what aoe-target answers.
 *
 * The block is 256 little-endian 16-bit words; ATA strings put each word's high byte first.
 */
#include <errno.h>
#include <string.h>

#include "aoe_wire.h"

#define ID_SERIAL	  10 /* words 10-19 */
#define ID_SERIAL_WORDS	  10
#define ID_FIRMWARE	  23 /* words 23-26 */
#define ID_FIRMWARE_WORDS 4
#define ID_MODEL	  27 /* words 27-46 */
#define ID_MODEL_WORDS	  20
#define ID_CAPS		  49
#define ID_LBA28_CAP	  60 /* words 60-61 */
#define ID_CMDSET_SUP2	  83
#define ID_CMDSET_SUP3	  84
#define ID_CMDSET_ENA2	  86
#define ID_CMDSET_DEF	  87
#define ID_LBA48_CAP	  100 /* words 100-103 */

#define ID_CAPS_LBA	    (1u << 9)
#define ID_CMDSET_LBA48	    (1u << 10)
#define ID_CMDSET_FLUSH	    (1u << 12)
#define ID_CMDSET_FLUSH_EXT (1u << 13)
#define ID_CMDSET_VALID	    (1u << 14)		     /* words 83, 84, 87: bits 15:14 = 01 */
#define ID_CMDSET_SIG_MASK  0xc000u		     /* bits 15:14: 01 marks a word valid */
#define ID_LBA28_MAX	    UINT64_C(0x0fffffff)     /* sectors: LBAs below 2^28 */
#define ID_LBA48_MAX	    UINT64_C(0xffffffffffff) /* sectors: LBAs below 2^48 */

static uint16_t
word_get(const uint8_t *data, unsigned int w)
{
	return (uint16_t)(data[2 * w] | (data[2 * w + 1] << 8));
}

/* Bits 15:14 = 01: the word (83, 84, 87) and what it vouches for hold real values. */
static bool
word_valid(uint16_t w)
{
	return (w & ID_CMDSET_SIG_MASK) == ID_CMDSET_VALID;
}

static void
word_put(uint8_t *data, unsigned int w, uint16_t v)
{
	data[2 * w] = (uint8_t)v;
	data[2 * w + 1] = (uint8_t)(v >> 8);
}

/* Copy @p words words of ATA string into @p out (2 * words + 1 bytes), printable and trimmed. */
static void
string_get(const uint8_t *data, unsigned int first, unsigned int words, char *out)
{
	unsigned int i, n = 2 * words;
	uint8_t c;

	for (i = 0; i < words; i++) {
		out[2 * i] = (char)data[2 * (first + i) + 1];
		out[2 * i + 1] = (char)data[2 * (first + i)];
	}
	/* Drives pad with spaces, some with NULs: neither is part of the name. */
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		n--;
	out[n] = '\0';
	for (i = 0; i < n; i++) {
		c = (uint8_t)out[i];
		if (c < 0x20 || c > 0x7e)
			out[i] = '?';
	}
}

static void
string_put(uint8_t *data, unsigned int first, unsigned int words, const char *s)
{
	size_t len = s != NULL ? strnlen(s, 2 * words) : 0;
	unsigned int i;
	char pad[2 * ID_MODEL_WORDS];

	memset(pad, ' ', sizeof(pad));
	if (len)
		memcpy(pad, s, len);
	for (i = 0; i < words; i++) {
		data[2 * (first + i)] = (uint8_t)pad[2 * i + 1];
		data[2 * (first + i) + 1] = (uint8_t)pad[2 * i];
	}
}

int
aoe_identify_parse(const uint8_t *data, size_t len, struct aoe_identify *id)
{
	uint16_t sup, ena;
	uint64_t sectors = 0;
	unsigned int i;

	if (data == NULL || id == NULL)
		return -EINVAL;
	if (len < AOE_SECTOR_SIZE)
		return -EMSGSIZE;

	memset(id, 0, sizeof(*id));
	/*
	 * Word 83 counts only when its own bits 15:14 are 01, word 86 only when word 87's are
	 * (ATA8-ACS): a block of 0x0000 or 0xffff words claims nothing.
	 */
	sup = word_valid(word_get(data, ID_CMDSET_SUP2)) ? word_get(data, ID_CMDSET_SUP2) : 0;
	ena = word_valid(word_get(data, ID_CMDSET_DEF)) ? word_get(data, ID_CMDSET_ENA2) : 0;
	id->lba48 = ((sup | ena) & ID_CMDSET_LBA48) != 0;
	id->flush_ext = ((sup | ena) & ID_CMDSET_FLUSH_EXT) != 0;

	if (id->lba48)
		for (i = 0; i < 4; i++)
			sectors |= (uint64_t)word_get(data, ID_LBA48_CAP + i) << (16 * i);
	/* A disk that claims LBA48 but leaves its words empty still has an LBA28 capacity. */
	if (sectors == 0) {
		sectors = word_get(data, ID_LBA28_CAP) |
			  ((uint64_t)word_get(data, ID_LBA28_CAP + 1) << 16);
		/* What the mode can address, whatever the words claim. */
		if (sectors > ID_LBA28_MAX)
			sectors = ID_LBA28_MAX;
	} else if (sectors > ID_LBA48_MAX) {
		sectors = ID_LBA48_MAX;
	}
	id->sectors = sectors;

	string_get(data, ID_MODEL, ID_MODEL_WORDS, id->model);
	string_get(data, ID_SERIAL, ID_SERIAL_WORDS, id->serial);
	string_get(data, ID_FIRMWARE, ID_FIRMWARE_WORDS, id->firmware);
	return 0;
}

void
aoe_identify_build(uint8_t data[AOE_SECTOR_SIZE], uint64_t sectors, const char *model,
		   const char *serial, const char *firmware)
{
	uint64_t lba28 = sectors < ID_LBA28_MAX ? sectors : ID_LBA28_MAX;
	uint16_t cmdset = ID_CMDSET_VALID | ID_CMDSET_FLUSH_EXT | ID_CMDSET_FLUSH | ID_CMDSET_LBA48;
	unsigned int i;

	if (data == NULL)
		return;
	memset(data, 0, AOE_SECTOR_SIZE);
	string_put(data, ID_SERIAL, ID_SERIAL_WORDS, serial);
	string_put(data, ID_FIRMWARE, ID_FIRMWARE_WORDS, firmware);
	string_put(data, ID_MODEL, ID_MODEL_WORDS, model);
	word_put(data, ID_CAPS, ID_CAPS_LBA);
	word_put(data, ID_LBA28_CAP, (uint16_t)lba28);
	word_put(data, ID_LBA28_CAP + 1, (uint16_t)(lba28 >> 16));
	/* Words 84 and 87 only mark their neighbours valid, as real drives fill them. */
	word_put(data, ID_CMDSET_SUP2, cmdset);
	word_put(data, ID_CMDSET_SUP3, ID_CMDSET_VALID);
	/* Word 86 says what is enabled; its bits 15:14 are no validity mark: leave them 0. */
	word_put(data, ID_CMDSET_ENA2, cmdset & (uint16_t)~ID_CMDSET_VALID);
	word_put(data, ID_CMDSET_DEF, ID_CMDSET_VALID);
	for (i = 0; i < 4; i++)
		word_put(data, ID_LBA48_CAP + i, (uint16_t)(sectors >> (16 * i)));
}

void
aoe_identify_set_lba28(uint8_t data[AOE_SECTOR_SIZE])
{
	uint64_t sectors = (uint64_t)word_get(data, ID_LBA28_CAP) |
			   (uint64_t)word_get(data, ID_LBA28_CAP + 1) << 16;
	uint16_t ext = ID_CMDSET_LBA48 | ID_CMDSET_FLUSH_EXT;
	unsigned int i;

	word_put(data, ID_CMDSET_SUP2, word_get(data, ID_CMDSET_SUP2) & (uint16_t)~ext);
	word_put(data, ID_CMDSET_ENA2, word_get(data, ID_CMDSET_ENA2) & (uint16_t)~ext);
	for (i = 0; i < 4; i++)
		word_put(data, ID_LBA48_CAP + i, 0);
	if (sectors > ID_LBA28_MAX)
		sectors = ID_LBA28_MAX;
	word_put(data, ID_LBA28_CAP, (uint16_t)sectors);
	word_put(data, ID_LBA28_CAP + 1, (uint16_t)(sectors >> 16));
}
