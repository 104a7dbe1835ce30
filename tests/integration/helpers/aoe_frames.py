# SPDX-License-Identifier: BSD-3-Clause
"""AoE frames for the integration tests' Python helpers: build and parse, and a raw socket.

One place for the wire layout the Python side needs (docs/protocol.md and lib/aoe/aoe_wire.h
are the reference): the Ethernet and AoE common header, ATA arguments and query config.

    from aoe_frames import Frame, ata, cfg, parse, mac, mac_str, raw_socket
"""
import socket
import struct
from dataclasses import dataclass, field

ETH_P_AOE = 0x88A2
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4

FLAG_RSP = 0x08
FLAG_ERR = 0x04
CMD_ATA = 0
CMD_CONFIG = 1
AFLAG_EXT = 0x40
AFLAG_WRITE = 0x01
ATA_READ, ATA_READ_EXT, ATA_WRITE, ATA_WRITE_EXT = 0x20, 0x24, 0x30, 0x34
ATA_IDENTIFY = 0xEC
ATA_DRDY = 0x40
BCAST = b"\xff" * 6

_HDR = struct.Struct("!6s6sHBBHBBI")  # dst src type ver|flags error shelf slot cmd tag
_ATA = struct.Struct("!BBBB6sH")  # aflags err/feature count cmd/status lba(le) reserved
_CFG = struct.Struct("!HHBBH")  # bufcnt fwver sectors ver|ccmd strlen


def mac(s):
    """b'...' from 'aa:bb:cc:dd:ee:ff'."""
    return bytes(int(x, 16) for x in s.split(":"))


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


@dataclass
class Frame:
    """A decoded AoE frame; ATA or config arguments when the frame holds them."""
    dst: bytes
    src: bytes
    flags: int
    error: int
    shelf: int
    slot: int
    cmd: int
    tag: int
    aflags: int = 0
    err_feature: int = 0
    count: int = 0
    cmd_status: int = 0
    lba: int = 0
    data: bytes = b""
    bufcnt: int = 0
    sectors: int = 0
    raw: bytes = field(default=b"", repr=False)

    @property
    def response(self):
        return bool(self.flags & FLAG_RSP)


def hdr(dst, src, shelf, slot, cmd, tag, flags=0, error=0):
    return _HDR.pack(dst, src, ETH_P_AOE, 0x10 | flags, error, shelf, slot, cmd, tag)


def ata(dst, src, shelf, slot, tag, aflags, count, cmd_status, lba, data=b"", flags=0,
        err_feature=0, error=0):
    """An ATA request or (flags=FLAG_RSP) response; lba is the 48-bit register value."""
    return (hdr(dst, src, shelf, slot, CMD_ATA, tag, flags, error) +
            _ATA.pack(aflags, err_feature, count, cmd_status, lba.to_bytes(6, "little"), 0) +
            data)


def cfg(dst, src, shelf, slot, tag, bufcnt=0, fwver=0, sectors=0, ccmd=0, string=b"",
        flags=0):
    return (hdr(dst, src, shelf, slot, CMD_CONFIG, tag, flags) +
            _CFG.pack(bufcnt, fwver, sectors, 0x10 | ccmd, len(string)) + string)


def parse(buf):
    """A Frame, or None when @buf is not an AoE frame with a whole common header."""
    if len(buf) < _HDR.size:
        return None
    dst, src, etype, vf, err, shelf, slot, cmd, tag = _HDR.unpack_from(buf)
    if etype != ETH_P_AOE:
        return None
    f = Frame(dst, src, vf & 0x0F, err, shelf, slot, cmd, tag, raw=bytes(buf))
    if cmd == CMD_ATA and len(buf) >= _HDR.size + _ATA.size:
        f.aflags, f.err_feature, f.count, f.cmd_status, lba, _ = _ATA.unpack_from(buf,
                                                                                 _HDR.size)
        f.lba = int.from_bytes(lba, "little")
        f.data = bytes(buf[_HDR.size + _ATA.size:])
    elif cmd == CMD_CONFIG and len(buf) >= _HDR.size + _CFG.size:
        f.bufcnt, _, f.sectors, _, _ = _CFG.unpack_from(buf, _HDR.size)
    return f


def raw_socket(iface, every=False):
    """A raw socket on @iface: AoE frames only, or with @every also what this host sends."""
    proto = ETH_P_ALL if every else ETH_P_AOE
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(proto))
    s.bind((iface, proto))
    return s
