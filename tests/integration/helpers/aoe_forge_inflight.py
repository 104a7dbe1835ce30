#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Forge answers to the requests an initiator has in flight, from inside the target's namespace.

aoe_forge_inflight.py IFACE INITIATOR_MAC SECONDS

Watches IFACE for the initiator's ATA read requests and answers each (not retransmissions) at
once, before the real, delayed target does, with one forged answer carrying the request's own
tag, in turn:

  wrong_dest    from the target's MAC to another initiator's MAC (what a promiscuous port sees)
  foreign_src   from a MAC that is not the target's
  wrong_lba     the LBA one sector off
  wrong_count   a sector count larger than asked
  wrong_flags   the LBA48 flag flipped
  stale_gen     the tag of a transmission 8 generations back

Every forged answer carries data that is not the disk's, so one that is accepted breaks the
verify that runs at the same time. Prints the number sent of each kind as one JSON object.
"""
import json
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aoe_frames as af  # noqa: E402

OTHER_INITIATOR = bytes([0x02, 0xAA, 0, 0, 0, 0x01])
FOREIGN_TARGET = bytes([0x02, 0xBB, 0, 0, 0, 0x02])
KINDS = ["wrong_dest", "foreign_src", "wrong_lba", "wrong_count", "wrong_flags", "stale_gen"]


def forged(kind, req, initiator):
    """The forged answer of @kind to request @req (a parsed frame)."""
    dst, src = initiator, req.dst
    tag, aflags, count, lba = req.tag, req.aflags, 0, req.lba
    if kind == "wrong_dest":
        dst = OTHER_INITIATOR
    elif kind == "foreign_src":
        src = FOREIGN_TARGET
    elif kind == "wrong_lba":
        lba = (req.lba + 1) & ((1 << 48) - 1)
    elif kind == "wrong_count":
        count = req.count + 1
    elif kind == "wrong_flags":
        aflags ^= af.AFLAG_EXT
    elif kind == "stale_gen":
        tag = (tag & 0xFFFF0000) | ((tag - 8) & 0xFFFF)
    data = os.urandom(req.count * 512)
    return af.ata(dst, src, req.shelf, req.slot, tag, aflags, count, af.ATA_DRDY, lba, data,
                  flags=af.FLAG_RSP)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    iface, initiator, seconds = argv[0], af.mac(argv[1]), float(argv[2])
    s = af.raw_socket(iface, every=True)
    sent = dict.fromkeys(KINDS, 0)
    n = 0
    # Tags (less the generation) of requests the real target has not answered yet: a
    # retransmission is not forged at, since the answer to the first copy may complete the
    # frame before the forged answer arrives, which would make it "unexpected".
    open_slots = set()
    end = time.monotonic() + seconds
    print("ready", file=sys.stderr, flush=True)
    while time.monotonic() < end:
        if not select.select([s], [], [], 0.1)[0]:
            continue
        buf, addr = s.recvfrom(65536)
        f = af.parse(buf)
        if f is None or f.cmd != af.CMD_ATA:
            continue
        if addr[2] == af.PACKET_OUTGOING:
            if f.response and f.dst == initiator:
                open_slots.discard(f.tag >> 16)
            continue
        req = f
        if (req.response or req.src != initiator or
                req.cmd_status not in (af.ATA_READ, af.ATA_READ_EXT) or req.count == 0):
            continue
        if req.tag >> 16 in open_slots:
            continue
        open_slots.add(req.tag >> 16)
        kind = KINDS[n % len(KINDS)]
        n += 1
        s.send(forged(kind, req, initiator))
        sent[kind] += 1
    print(json.dumps(sent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
