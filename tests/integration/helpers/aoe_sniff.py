#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lists the AoE frames seen on an interface, both ways, one line each, until SIGTERM/SIGINT
or SECONDS have passed. Prints "ready" on stderr once the socket listens.

usage: aoe_sniff.py IFACE [SECONDS]
line:  out|in shelf=S slot=L cmd=C flags=0xFF error=E tag=0xT [ata=0xCC aflags=0xAA count=N lba=N]
"""
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aoe_frames as af  # noqa: E402


def main(argv):
    if len(argv) not in (1, 2):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    limit = float(argv[1]) if len(argv) == 2 else 3600.0
    # Every protocol: only such sockets see the frames this host sends (ETH_P_AOE ones see
    # only what arrives).
    s = af.raw_socket(argv[0], every=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("ready", file=sys.stderr, flush=True)
    end = time.monotonic() + limit
    s.settimeout(0.1)
    while not stop and time.monotonic() < end:
        try:
            buf, addr = s.recvfrom(65536)
        except (socket.timeout, InterruptedError):
            continue
        f = af.parse(buf)
        if f is None:
            continue
        line = (f"{'out' if addr[2] == af.PACKET_OUTGOING else 'in'} shelf={f.shelf} "
                f"slot={f.slot} cmd={f.cmd} flags={f.flags:#04x} error={f.error} tag={f.tag:#010x}")
        if f.cmd == af.CMD_ATA and len(buf) >= af.ATA_HDR_LEN:
            line += (f" ata={f.cmd_status:#04x} aflags={f.aflags:#04x} count={f.count} "
                     f"lba={f.lba}")
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
