#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send hostile AoE frames at an initiator from inside the test bed's namespace.

aoe_hostile.py IFACE DST_MAC SHELF SLOT SECONDS

Every kind of frame a broken or malicious box on the segment could send: truncated headers,
bad versions and reserved flag bits (with tags of the initiator's lcore 0, so that they reach
its decoder), responses with random (forged) tags for a real target, tags
with the user bit, a known tag from a foreign MAC, config responses from broadcast addresses
or with string lengths past the frame, ATA responses whose data is cut short, requests, and
non-AoE frames. Prints how many of each were sent, as one JSON object.
"""
import json
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aoe_frames as af  # noqa: E402

R = af.FLAG_RSP
OWNER_BITS = 0x1F << 26  # lib/aoe/aoe_tag.h: the polling lcore that sent the frame


def main():
    iface, dst, shelf, slot, seconds = sys.argv[1], af.mac(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4]), float(sys.argv[5])
    sock = af.raw_socket(iface)
    own = sock.getsockname()[4]
    rnd = random.Random(1234)

    def tag():
        return rnd.getrandbits(31)

    def lcore0_tag():
        return tag() & ~OWNER_BITS

    def hdr(flags=R, ver=1, err=0, sh=shelf, sl=slot, cmd=af.CMD_ATA, t=None, src=own):
        return af.hdr(dst, src, sh, sl, cmd, tag() if t is None else t, flags, err, ver)

    def read_rsp(src=own, data_len=1024):
        return af.ata(dst, src, shelf, slot, tag(), af.AFLAG_EXT, 2, af.ATA_DRDY, 0,
                      os.urandom(data_len), flags=R)

    kinds = {
        "truncated": lambda: hdr()[:rnd.randrange(af.ETH_HLEN, af.HDR_LEN)],
        "bad_version": lambda: hdr(ver=2, t=lcore0_tag()) + bytes(12),
        "reserved_flags": lambda: hdr(flags=R | 0x03, t=lcore0_tag()) + bytes(12),
        "forged_tag": read_rsp,
        "user_tag": lambda: hdr(t=0x80000000 | rnd.getrandbits(31)) + bytes(12),
        "foreign_mac": lambda: read_rsp(src=bytes([2, 0, 0, 0, 0, rnd.randrange(256)])),
        "short_data": lambda: read_rsp(data_len=100),
        "cfg_bcast": lambda: af.cfg(dst, own, 0xFFFF, 0xFF, tag(), bufcnt=16, fwver=1,
                                    sectors=2, flags=R),
        "cfg_strlen": lambda: af.cfg(dst, own, shelf, slot, tag(), bufcnt=16, fwver=1,
                                     sectors=2, string=b"x" * 10, strlen=1000, flags=R),
        "error_rsp": lambda: hdr(flags=R | af.FLAG_ERR, err=rnd.randrange(1, 256)),
        "request": lambda: hdr(flags=0) + bytes(12),
        "vendor_cmd": lambda: hdr(cmd=0xF3) + os.urandom(30),
        "not_aoe": lambda: dst + own + struct.pack("!H", 0x0800) + os.urandom(46),
        "garbage": lambda: dst + own + struct.pack("!H", af.ETH_P_AOE) +
        os.urandom(rnd.randrange(0, 200)),
    }
    sent = dict.fromkeys(kinds, 0)
    names = list(kinds)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for _ in range(50):
            k = rnd.choice(names)
            sock.send(kinds[k]())
            sent[k] += 1
        time.sleep(0.002)
    print(json.dumps(sent))


if __name__ == "__main__":
    main()
