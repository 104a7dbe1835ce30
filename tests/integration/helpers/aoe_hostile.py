#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send hostile AoE frames at an initiator from inside the test bed's namespace.

aoe_hostile.py IFACE DST_MAC SHELF SLOT SECONDS

Every kind of frame a broken or malicious box on the segment could send: truncated headers,
bad versions, reserved flag bits, responses with random (forged) tags for a real target, tags
with the user bit, a known tag from a foreign MAC, config responses from broadcast addresses
or with string lengths past the frame, ATA responses whose data is cut short, requests, and
non-AoE frames. Prints how many of each were sent.
"""
import os
import random
import socket
import struct
import sys
import time

ETH_P_AOE = 0x88A2


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def main():
    iface, dst, shelf, slot, seconds = sys.argv[1], mac(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4]), float(sys.argv[5])
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    own = sock.getsockname()[4]
    rnd = random.Random(1234)

    def eth(src=own, etype=ETH_P_AOE):
        return dst + src + struct.pack("!H", etype)

    def hdr(flags=0x18, err=0, sh=shelf, sl=slot, cmd=0, tag=None, src=own):
        if tag is None:
            tag = rnd.getrandbits(31)
        return eth(src) + struct.pack("!BBHBBI", flags, err, sh, sl, cmd, tag)

    kinds = {
        "truncated": lambda: hdr()[:rnd.randrange(14, 24)],
        "bad_version": lambda: hdr(flags=0x28) + bytes(12),
        "reserved_flags": lambda: hdr(flags=0x1b) + bytes(12),
        "forged_tag": lambda: hdr() + bytes([0x40, 0, 2, 0x40]) + bytes(8) + os.urandom(1024),
        "user_tag": lambda: hdr(tag=0x80000000 | rnd.getrandbits(31)) + bytes(12),
        "foreign_mac": lambda: hdr(src=bytes([2, 0, 0, 0, 0, rnd.randrange(256)])) +
        bytes([0x40, 0, 2, 0x40]) + bytes(8) + os.urandom(1024),
        "short_data": lambda: hdr() + bytes([0x40, 0, 2, 0x40]) + bytes(8) + os.urandom(100),
        "cfg_bcast": lambda: hdr(sh=0xffff, sl=0xff, cmd=1) + struct.pack("!HHBBH", 16, 1, 2,
                                                                         0x10, 0),
        "cfg_strlen": lambda: hdr(cmd=1) + struct.pack("!HHBBH", 16, 1, 2, 0x10, 1000) +
        b"x" * 10,
        "error_rsp": lambda: hdr(flags=0x1c, err=rnd.randrange(1, 256)),
        "request": lambda: hdr(flags=0x10) + bytes(12),
        "vendor_cmd": lambda: hdr(cmd=0xf3) + os.urandom(30),
        "not_aoe": lambda: eth(etype=0x0800) + os.urandom(46),
        "garbage": lambda: eth() + os.urandom(rnd.randrange(0, 200)),
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
    print(" ".join(f"{k}={v}" for k, v in sent.items()))


if __name__ == "__main__":
    main()
