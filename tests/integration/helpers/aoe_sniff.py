#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lists the AoE frames seen on an interface, both ways, one line each, until SIGTERM/SIGINT
or SECONDS have passed. Prints "ready" on stderr once the socket listens.

usage: aoe_sniff.py IFACE [SECONDS]
line:  out|in shelf=S slot=L cmd=C flags=0xFF error=E tag=0xT [ata=0xCC aflags=0xAA count=N lba=N]
"""
import signal
import socket
import struct
import sys
import time

ETH_P_AOE = 0x88A2
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def main(argv):
    if len(argv) not in (1, 2):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    limit = float(argv[1]) if len(argv) == 2 else 3600.0
    # ETH_P_ALL: only such sockets see the frames this host sends (ETH_P_AOE ones see only
    # what arrives).
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((argv[0], ETH_P_ALL))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("ready", file=sys.stderr, flush=True)
    end = time.monotonic() + limit
    s.settimeout(0.1)
    while not stop and time.monotonic() < end:
        try:
            f, addr = s.recvfrom(65536)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if len(f) < 24 or struct.unpack_from("!H", f, 12)[0] != ETH_P_AOE:
            continue
        vf, err, shelf, slot, cmd, tag = struct.unpack("!BBHBBI", f[14:24])
        line = (f"{'out' if addr[2] == PACKET_OUTGOING else 'in'} shelf={shelf} slot={slot} "
                f"cmd={cmd} flags={vf & 0x0f:#04x} error={err} tag={tag:#010x}")
        if cmd == 0 and len(f) >= 36:
            aflags, _, count, ata = struct.unpack("!BBBB", f[24:28])
            lba = int.from_bytes(f[28:34], "little")
            line += f" ata={ata:#04x} aflags={aflags:#04x} count={count} lba={lba}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
