/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AoE revision 11 wire codec.
 *
 * Pure functions over byte buffers: no DPDK types, no allocation, no global state, so the codec
 * is unit-tested and fuzzed on its own and shared by the initiator and aoe-target. Decoders
 * validate everything they read and never touch a byte past the length they are given; they
 * return 0 or a negative errno:
 *   -EMSGSIZE        the frame is shorter than the message it claims to hold
 *   -EPROTONOSUPPORT not an AoE frame (EtherType is not 0x88A2)
 *   -EPROTO          an AoE version other than 1
 *   -EBADMSG         a field holds a value the protocol does not allow
 *   -EINVAL          a NULL argument
 * Encoders write a message's header into a caller's buffer and return the number of bytes
 * written, or -ENOSPC when the buffer is too small, or -EINVAL for a value that cannot be sent.
 *
 * All structures here hold host-order values; only the codec knows the wire layout. Frames
 * shorter than the 60-byte Ethernet minimum are legal input (a veth carries them unpadded).
 */
#ifndef AOE_WIRE_H
#define AOE_WIRE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AOE_ETHERTYPE	  0x88A2
#define AOE_VERSION	  1
#define AOE_ETH_ALEN	  6
#define AOE_ETH_HDR_LEN	  14
#define AOE_ETH_MIN_FRAME 60 /**< without FCS: what a sender pads to */
#define AOE_HDR_LEN	  24 /**< Ethernet + AoE common header */
#define AOE_ATA_HDR_LEN	  36 /**< AOE_HDR_LEN + ATA arguments; data follows */
#define AOE_CFG_HDR_LEN	  32 /**< AOE_HDR_LEN + config arguments; string follows */
#define AOE_MASK_HDR_LEN  28 /**< AOE_HDR_LEN + mask list arguments */
#define AOE_MASK_DIR_LEN  8  /**< one MAC mask directive */
#define AOE_RES_HDR_LEN	  26 /**< AOE_HDR_LEN + reserve/release arguments */
#define AOE_SECTOR_SIZE	  512
#define AOE_CFG_STR_MAX	  1024
#define AOE_SHELF_BCAST	  0xffff
#define AOE_SLOT_BCAST	  0xff
/** Tags with this bit set belong to user tools (aoeping, aoe-sancheck), never to an initiator. */
#define AOE_TAG_USER_BIT 0x80000000u

/* Byte 14: version in the high nibble, flags in the low one. */
#define AOE_FLAG_RSP 0x08
#define AOE_FLAG_ERR 0x04

/** AoE commands (byte 19). 0xf0-0xff are vendor specific. */
enum aoe_cmd {
	AOE_CMD_ATA = 0,
	AOE_CMD_CONFIG = 1,
	AOE_CMD_MACMASK = 2,
	AOE_CMD_RESERVE = 3,
};

/** AoE error codes (byte 15), meaningful when AOE_FLAG_ERR is set. */
enum aoe_error {
	AOE_ERR_NONE = 0,
	AOE_ERR_BADCMD = 1,	/**< unrecognised command */
	AOE_ERR_BADARG = 2,	/**< bad argument */
	AOE_ERR_DEVUNAVAIL = 3, /**< device unavailable */
	AOE_ERR_CFG_SET = 4,	/**< config string present */
	AOE_ERR_BADVER = 5,	/**< unsupported version */
	AOE_ERR_RESERVED = 6,	/**< target reserved */
};

/* ATA argument flags (byte 24). */
#define AOE_AFLAG_EXT	0x40 /**< LBA48 */
#define AOE_AFLAG_DEV	0x10 /**< device/head register bit */
#define AOE_AFLAG_ASYNC 0x02 /**< asynchronous write */
#define AOE_AFLAG_WRITE 0x01 /**< data flows to the target */

/* ATA commands an initiator uses. */
#define AOE_ATA_READ	    0x20
#define AOE_ATA_READ_EXT    0x24
#define AOE_ATA_WRITE	    0x30
#define AOE_ATA_WRITE_EXT   0x34
#define AOE_ATA_CHECK_POWER 0xe5
#define AOE_ATA_FLUSH	    0xe7
#define AOE_ATA_FLUSH_EXT   0xea
#define AOE_ATA_IDENTIFY    0xec

/* ATA status (response cmd/status byte) and error register bits. */
#define AOE_ATA_ST_ERR	  0x01
#define AOE_ATA_ST_DRQ	  0x08
#define AOE_ATA_ST_DF	  0x20
#define AOE_ATA_ST_DRDY	  0x40
#define AOE_ATA_ST_BSY	  0x80
#define AOE_ATA_ST_FAILED (AOE_ATA_ST_BSY | AOE_ATA_ST_DF | AOE_ATA_ST_DRQ | AOE_ATA_ST_ERR)
#define AOE_ATA_ER_ABRT	  0x04
#define AOE_ATA_ER_IDNF	  0x10

/** Query config subcommands (low nibble of byte 27). */
enum aoe_cfg_cmd {
	AOE_CFG_READ = 0,
	AOE_CFG_TEST_EXACT = 1,
	AOE_CFG_TEST_PREFIX = 2,
	AOE_CFG_SET = 3, /**< set if empty, else error AOE_ERR_CFG_SET */
	AOE_CFG_FORCE_SET = 4,
};

/** MAC mask list commands, errors and directive commands. */
enum aoe_mask_cmd { AOE_MASK_READ = 0, AOE_MASK_EDIT = 1 };
enum aoe_mask_err {
	AOE_MASK_ERR_NONE = 0,
	AOE_MASK_ERR_UNSPEC = 1,
	AOE_MASK_ERR_BADDIR = 2,
	AOE_MASK_ERR_FULL = 3
};
enum aoe_mask_dcmd { AOE_MASK_DIR_NONE = 0, AOE_MASK_DIR_ADD = 1, AOE_MASK_DIR_DEL = 2 };

/** Reserve/release commands. */
enum aoe_res_cmd { AOE_RES_READ = 0, AOE_RES_SET = 1, AOE_RES_FORCE_SET = 2 };

/** Ethernet + AoE common header, host order. */
struct aoe_hdr {
	uint8_t dst[AOE_ETH_ALEN];
	uint8_t src[AOE_ETH_ALEN];
	uint8_t version; /**< high nibble of byte 14 */
	uint8_t flags;	 /**< AOE_FLAG_* (low nibble of byte 14) */
	uint8_t error;	 /**< enum aoe_error */
	uint16_t shelf;
	uint8_t slot;
	uint8_t cmd; /**< enum aoe_cmd */
	uint32_t tag;
};

/** ATA command arguments. */
struct aoe_ata {
	uint8_t aflags;	     /**< AOE_AFLAG_* */
	uint8_t err_feature; /**< error register in a response, feature in a request */
	uint8_t sector_count;
	uint8_t cmd_status;  /**< ATA command in a request, ATA status in a response */
	uint64_t lba;	     /**< 6 LBA bytes, LBA28 device bits kept */
	const uint8_t *data; /**< decode: data after the header, NULL when none */
	size_t data_len;     /**< decode: bytes from offset 36 to the end of the frame */
};

/** Query config arguments. */
struct aoe_cfg {
	uint16_t bufcnt; /**< requests the target queues */
	uint16_t fwver;
	uint8_t sector_count; /**< max sectors per ATA frame as sent (0 means 2, see
				 aoe_cfg_sectors) */
	uint8_t aoe_version;  /**< high nibble of byte 27 */
	uint8_t ccmd;	      /**< enum aoe_cfg_cmd */
	uint16_t str_len;     /**< at most AOE_CFG_STR_MAX */
	const uint8_t *str;   /**< decode: points into the frame; encode: copied after the header */
};

/** One MAC mask list directive. */
struct aoe_mask_dir {
	uint8_t dcmd; /**< enum aoe_mask_dcmd */
	uint8_t mac[AOE_ETH_ALEN];
};

/** MAC mask list arguments. Directives are read and written with aoe_mask_dir_get/put. */
struct aoe_mask {
	uint8_t mcmd;	/**< enum aoe_mask_cmd */
	uint8_t merror; /**< enum aoe_mask_err */
	uint8_t dir_count;
	const uint8_t *dirs; /**< decode: first directive in the frame */
};

/** Reserve/release arguments. MACs are read with aoe_res_mac_get. */
struct aoe_res {
	uint8_t rcmd; /**< enum aoe_res_cmd */
	uint8_t mac_count;
	const uint8_t *macs; /**< decode: first MAC in the frame */
};

/** What a receiver routes a frame on: read from the fixed header, nothing else validated. */
struct aoe_route {
	const uint8_t *dst; /**< destination MAC, in the frame */
	uint8_t flags;	    /**< AOE_FLAG_* (low nibble of byte 14) */
	uint8_t cmd;	    /**< enum aoe_cmd */
	uint32_t tag;
};

/**
 * Read the routing fields of a frame: a poll loop's first look, before the owner decodes the
 * whole header with aoe_hdr_decode.
 * @return 0, -EMSGSIZE (shorter than the common header) or -EPROTONOSUPPORT (not 0x88A2).
 */
static inline int
aoe_route_decode(const uint8_t *frame, size_t len, struct aoe_route *r)
{
	if (len < AOE_HDR_LEN)
		return -EMSGSIZE;
	if (frame[12] != (AOE_ETHERTYPE >> 8) || frame[13] != (AOE_ETHERTYPE & 0xff))
		return -EPROTONOSUPPORT;
	r->dst = frame;
	r->flags = frame[14] & 0x0f;
	r->cmd = frame[19];
	r->tag = ((uint32_t)frame[20] << 24) | ((uint32_t)frame[21] << 16) |
		 ((uint32_t)frame[22] << 8) | frame[23];
	return 0;
}

/**
 * Decode the Ethernet and AoE common header.
 *
 * Checks the length, the EtherType, the version (1) and that no reserved flag bit is set.
 * The command is not checked here (vendor commands are legal); the per-command decoders check it.
 *
 * @return 0, -EINVAL, -EMSGSIZE, -EPROTONOSUPPORT, -EPROTO or -EBADMSG.
 */
int aoe_hdr_decode(const uint8_t *frame, size_t len, struct aoe_hdr *hdr);

/**
 * Encode the Ethernet and AoE common header (version 1 is always written).
 * @return AOE_HDR_LEN, -EINVAL or -ENOSPC.
 */
int aoe_hdr_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr);

/**
 * Decode an ATA message (hdr->cmd must be AOE_CMD_ATA).
 *
 * A request with AOE_AFLAG_WRITE must carry sector_count * 512 bytes of data, and a sector
 * count of 0 on a read or write command is legal only for non-data commands; a response is
 * checked for shape only, since its data length depends on the command it answers
 * (see aoe_ata_rsp_data_ok). An error response carries no data and is always accepted.
 *
 * @return 0, -EINVAL, -EMSGSIZE or -EBADMSG.
 */
int aoe_ata_decode(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr,
		   struct aoe_ata *ata);

/**
 * Encode an ATA message header (common header + ATA arguments). Data, if any, is the caller's
 * to place at frame + AOE_ATA_HDR_LEN.
 * @return AOE_ATA_HDR_LEN, -EINVAL or -ENOSPC.
 */
int aoe_ata_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr,
		   const struct aoe_ata *ata);

/** True when a response to a read of @p sectors sectors carries all of their data. */
static inline bool
aoe_ata_rsp_data_ok(const struct aoe_ata *ata, unsigned int sectors)
{
	return ata->data_len >= (size_t)sectors * AOE_SECTOR_SIZE;
}

/**
 * Fill @p ata for a READ/WRITE SECTORS command: the EXT form with AOE_AFLAG_EXT when @p lba48,
 * else the LBA28 form with the device bits (lba3 = (lba3 & 0x0f) | 0xe0).
 * @return 0, or -EINVAL when the LBA does not fit the addressing mode or @p count is 0.
 */
int aoe_ata_rw_setup(struct aoe_ata *ata, bool write, bool lba48, uint64_t lba, uint8_t count);

/** The LBA an ATA request addresses, with LBA28 device bits stripped when not EXT. */
uint64_t aoe_ata_lba(const struct aoe_ata *ata);

/**
 * Decode a query config message (hdr->cmd must be AOE_CMD_CONFIG). Checks the string length
 * against AOE_CFG_STR_MAX and against the frame, and the subcommand (0-4).
 * @return 0, -EINVAL, -EMSGSIZE or -EBADMSG.
 */
int aoe_cfg_decode(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr,
		   struct aoe_cfg *cfg);

/**
 * Encode a query config message, string included.
 * @return the frame length written, -EINVAL (str_len over 1024, bad ccmd) or -ENOSPC.
 */
int aoe_cfg_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr,
		   const struct aoe_cfg *cfg);

/** Sectors per ATA frame a config response allows (a sector count of 0 means 2). */
static inline unsigned int
aoe_cfg_sectors(const struct aoe_cfg *cfg)
{
	return cfg->sector_count ? cfg->sector_count : 2;
}

/**
 * Decode a MAC mask list message (hdr->cmd must be AOE_CMD_MACMASK): directive count against the
 * frame length, mcmd (0-1), each directive's dcmd (0-2).
 * @return 0, -EINVAL, -EMSGSIZE or -EBADMSG.
 */
int aoe_mask_decode(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr,
		    struct aoe_mask *mask);

/**
 * Encode a MAC mask list message with @p mask->dir_count directives taken from @p dirs.
 * @return the frame length written, -EINVAL or -ENOSPC.
 */
int aoe_mask_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr,
		    const struct aoe_mask *mask, const struct aoe_mask_dir *dirs);

/** Directive @p i (< mask->dir_count) of a decoded MAC mask list. */
void aoe_mask_dir_get(const struct aoe_mask *mask, unsigned int i, struct aoe_mask_dir *dir);

/**
 * Decode a reserve/release message (hdr->cmd must be AOE_CMD_RESERVE): rcmd (0-2), MAC count
 * against the frame length.
 * @return 0, -EINVAL, -EMSGSIZE or -EBADMSG.
 */
int aoe_res_decode(const uint8_t *frame, size_t len, const struct aoe_hdr *hdr,
		   struct aoe_res *res);

/**
 * Encode a reserve/release message with @p res->mac_count MACs from @p macs (6 bytes each).
 * @return the frame length written, -EINVAL or -ENOSPC.
 */
int aoe_res_encode(uint8_t *frame, size_t cap, const struct aoe_hdr *hdr, const struct aoe_res *res,
		   const uint8_t (*macs)[AOE_ETH_ALEN]);

/** MAC @p i (< res->mac_count) of a decoded reserve/release message. */
void aoe_res_mac_get(const struct aoe_res *res, unsigned int i, uint8_t mac[AOE_ETH_ALEN]);

/** Text for an AoE error code, e.g. "bad argument"; "unknown error" for others. */
const char *aoe_error_str(uint8_t error);

/** Text for a decoder's negative errno, e.g. "truncated frame". */
const char *aoe_decode_strerror(int rc);

/** What an ATA IDENTIFY DEVICE response says about a disk. */
struct aoe_identify {
	uint64_t sectors; /**< addressable 512-byte sectors, within the addressing mode */
	bool lba48;	  /**< word 83 or 86, bit 10 */
	bool flush_ext;	  /**< FLUSH CACHE EXT supported (word 83 or 86, bit 13) */
	char model[41];	  /**< words 27-46, byte-swapped, trailing spaces trimmed */
	char serial[21];  /**< words 10-19 */
	char firmware[9]; /**< words 23-26 */
};

/**
 * Parse a 512-byte IDENTIFY DEVICE data block. Word 83 counts only when its bits 15:14 are 01,
 * word 86 only when word 87's are. Capacity from words 100-103 when LBA48 is supported (at most
 * 2^48 - 1 sectors), else words 60-61 (at most 2^28 - 1); strings made printable (anything
 * outside 0x20-0x7e becomes '?').
 * @return 0, -EINVAL (NULL) or -EMSGSIZE (@p len < 512).
 */
int aoe_identify_parse(const uint8_t *data, size_t len, struct aoe_identify *id);

/**
 * Build a 512-byte IDENTIFY DEVICE block, as a target answers: @p sectors of capacity (LBA48
 * words and, capped at 0x0fffffff, LBA28 words), strings space-padded and byte-swapped.
 */
void aoe_identify_build(uint8_t data[AOE_SECTOR_SIZE], uint64_t sectors, const char *model,
			const char *serial, const char *firmware);

/**
 * Make a built IDENTIFY block describe an LBA28-only disk, as old drives are: LBA48 and
 * FLUSH CACHE EXT bits cleared in words 83 and 86, words 100-103 zeroed, capacity in words
 * 60-61 capped at 2^28 - 1.
 */
void aoe_identify_set_lba28(uint8_t data[AOE_SECTOR_SIZE]);

#ifdef __cplusplus
}
#endif

#endif /* AOE_WIRE_H */
