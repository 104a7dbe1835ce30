# SPDX-License-Identifier: BSD-3-Clause
"""AoE frames for the integration tests' Python helpers: build and parse, and a raw socket.

The one place for the wire layout the Python side needs (docs/protocol.md and lib/aoe/aoe_wire.h
are the reference): the Ethernet and AoE common header, ATA arguments, query config, MAC mask
list and reserve/release. Every helper that sends or reads AoE frames uses it.

    from aoe_frames import Frame, ata, cfg, parse, mac, mac_str, raw_socket, Client
"""
import os
import socket
import struct
import time
from dataclasses import dataclass, field

ETH_P_AOE = 0x88A2
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4

FLAG_RSP = 0x08
FLAG_ERR = 0x04
CMD_ATA, CMD_CONFIG, CMD_MASK, CMD_RESERVE = 0, 1, 2, 3
AFLAG_EXT = 0x40
AFLAG_WRITE = 0x01
ATA_READ, ATA_READ_EXT, ATA_WRITE, ATA_WRITE_EXT = 0x20, 0x24, 0x30, 0x34
ATA_IDENTIFY = 0xEC
ATA_DRDY = 0x40
ATA_ERR_BITS = 0xA9  # BSY, DF, DRQ, ERR: any of them and the command did not succeed
BCAST = b"\xff" * 6
ETH_HLEN = 14
HDR_LEN = 24  # Ethernet + AoE common header
ATA_HDR_LEN = 36
SECTOR = 512

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
    version: int = 1
    aflags: int = 0
    err_feature: int = 0
    count: int = 0
    cmd_status: int = 0
    lba: int = 0
    data: bytes = b""
    bufcnt: int = 0
    fwver: int = 0
    sectors: int = 0
    aoever: int = 0
    ccmd: int = 0
    string: bytes = b""
    raw: bytes = field(default=b"", repr=False)

    @property
    def response(self):
        return bool(self.flags & FLAG_RSP)


def hdr(dst, src, shelf, slot, cmd, tag, flags=0, error=0, ver=1):
    return _HDR.pack(dst, src, ETH_P_AOE, (ver << 4) | flags, error, shelf, slot, cmd, tag)


def ata(dst, src, shelf, slot, tag, aflags, count, cmd_status, lba, data=b"", flags=0,
        err_feature=0, error=0):
    """An ATA request or (flags=FLAG_RSP) response; lba is the 48-bit register value."""
    return (hdr(dst, src, shelf, slot, CMD_ATA, tag, flags, error) +
            _ATA.pack(aflags, err_feature, count, cmd_status, lba.to_bytes(6, "little"), 0) +
            data)


def cfg(dst, src, shelf, slot, tag, bufcnt=0, fwver=0, sectors=0, ccmd=0, string=b"",
        flags=0, strlen=None):
    """A query config request or response; @strlen, when given, is the string length the
    frame claims (a lie, for hostile frames)."""
    n = len(string) if strlen is None else strlen
    return (hdr(dst, src, shelf, slot, CMD_CONFIG, tag, flags) +
            _CFG.pack(bufcnt, fwver, sectors, 0x10 | ccmd, n) + string)


def mask(dst, src, shelf, slot, tag, mcmd, directives=()):
    """A MAC mask list request: @directives are (dcmd, mac) pairs (1 add, 2 delete)."""
    body = bytes([0, mcmd, 0, len(directives)])
    body += b"".join(bytes([0, d]) + m for d, m in directives)
    return hdr(dst, src, shelf, slot, CMD_MASK, tag) + body


def reserve(dst, src, shelf, slot, tag, rcmd, macs=()):
    """A reserve/release request: @rcmd 0 read, 1 set, 2 force set."""
    return hdr(dst, src, shelf, slot, CMD_RESERVE, tag) + bytes([rcmd, len(macs)]) + \
        b"".join(macs)


def mask_list(f):
    """(merror, [mac...]) of a mask list response."""
    b = f.raw[HDR_LEN:]
    return b[2], [b[4 + 8 * i + 2:4 + 8 * i + 8] for i in range(b[3])]


def reserve_list(f):
    """[mac...] of a reserve/release response."""
    b = f.raw[HDR_LEN:]
    return [b[2 + 6 * i:8 + 6 * i] for i in range(b[1])]


def parse(buf):
    """A Frame, or None when @buf is not an AoE frame with a whole common header."""
    if len(buf) < _HDR.size:
        return None
    dst, src, etype, vf, err, shelf, slot, cmd, tag = _HDR.unpack_from(buf)
    if etype != ETH_P_AOE:
        return None
    f = Frame(dst, src, vf & 0x0F, err, shelf, slot, cmd, tag, version=vf >> 4, raw=bytes(buf))
    if cmd == CMD_ATA and len(buf) >= _HDR.size + _ATA.size:
        f.aflags, f.err_feature, f.count, f.cmd_status, lba, _ = _ATA.unpack_from(buf,
                                                                                 _HDR.size)
        f.lba = int.from_bytes(lba, "little")
        f.data = bytes(buf[_HDR.size + _ATA.size:])
    elif cmd == CMD_CONFIG and len(buf) >= _HDR.size + _CFG.size:
        f.bufcnt, f.fwver, f.sectors, vc, n = _CFG.unpack_from(buf, _HDR.size)
        f.aoever, f.ccmd = vc >> 4, vc & 0x0F
        f.string = bytes(buf[_HDR.size + _CFG.size:_HDR.size + _CFG.size + n])
    return f


def identify_sectors(block):
    """(lba48, sectors) from a 512-byte IDENTIFY DEVICE block: words 83/86 bit 10 say LBA48
    (words 100-103 then), else words 60-61."""
    w = struct.unpack("<256H", block[:SECTOR])
    lba48 = bool(w[83] & (1 << 10) or w[86] & (1 << 10))
    if lba48:
        return True, w[100] | w[101] << 16 | w[102] << 32 | w[103] << 48
    return False, w[60] | w[61] << 16


def raw_socket(iface, every=False):
    """A raw socket on @iface: AoE frames only, or with @every also what this host sends."""
    proto = ETH_P_ALL if every else ETH_P_AOE
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(proto))
    s.bind((iface, proto))
    return s


class Client:
    """An initiator made of a raw socket: sends requests with tags of its own and collects the
    responses that carry them. Tags have the high bit set, as user tools' do. A response read
    while waiting for another tag is kept for later (up to BACKLOG of them), so that a check
    that something went unanswered sees an answer that came meanwhile."""

    BACKLOG = 1024

    def __init__(self, iface):
        self.sock = raw_socket(iface)
        self.mac = self.sock.getsockname()[4]
        self._tag = 0x80000000 | (os.getpid() & 0xFFFF) << 12
        self._kept = []  # (Frame, arrival time), oldest first

    def next_tag(self):
        self._tag = 0x80000000 | ((self._tag + 1) & 0x7FFFFFFF)
        return self._tag

    def send(self, frame):
        self.sock.send(frame)

    def _read(self, deadline):
        """The next response off the socket with its arrival time, or None at @deadline."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                buf = self.sock.recv(65536)
            except socket.timeout:
                return None
            f = parse(buf)
            if f is not None and f.response:
                return f, time.monotonic()

    def answers(self, tag, timeout=0.5, want=1):
        """[(Frame, seconds from the call)]: responses carrying @tag, until @want arrived or
        @timeout passed."""
        t0 = time.monotonic()
        got = [(f, at - t0) for f, at in self._kept if f.tag == tag][:want]
        self._kept = [x for x in self._kept if x[0].tag != tag]
        while len(got) < want:
            r = self._read(t0 + timeout)
            if r is None:
                break
            if r[0].tag == tag:
                got.append((r[0], r[1] - t0))
            else:
                self._kept = (self._kept + [r])[-self.BACKLOG:]
        return got

    def next_response(self, timeout):
        """The oldest response not taken yet, whatever its tag, or None after @timeout."""
        if self._kept:
            return self._kept.pop(0)[0]
        r = self._read(time.monotonic() + timeout)
        return r[0] if r else None

    def drain(self, quiet=0.3):
        """Drop what was kept and what arrives until nothing came for @quiet seconds."""
        self._kept = []
        while self._read(time.monotonic() + quiet) is not None:
            pass
