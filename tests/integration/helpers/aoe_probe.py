#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A user-space AoE query config (and with -i an ATA IDENTIFY DEVICE) to SHELF.SLOT on IFACE.

usage: aoe_probe.py IFACE SHELF SLOT [-i] [-t SECONDS]

aoetools' aoeping cannot be used on a veth: it drops every frame shorter than 60 bytes, and
vblade's config replies are 32 bytes there (nothing pads them). Prints key=value lines (shelf,
slot, mac, bufcnt, fwver, maxsect, aoever, config: the config string, bytes past ASCII
escaped; with -i lba48 and sectors); exits 0 on an answer, 1
on timeout or a failed IDENTIFY, 2 on a usage or socket error.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aoe_frames as af  # noqa: E402


def main(argv):
    args = list(argv)
    ident = "-i" in args
    timeout = 3.0
    if "-t" in args:
        i = args.index("-t")
        timeout = float(args[i + 1])
        del args[i:i + 2]
    args = [a for a in args if a != "-i"]
    if len(args) != 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    ifname, shelf, slot = args[0], int(args[1], 0), int(args[2], 0)
    try:
        c = af.Client(ifname)
    except OSError as e:
        print(f"aoe_probe: {ifname}: {e}", file=sys.stderr)
        return 2
    deadline = time.monotonic() + timeout

    def exchange(frame, tag, cmd):
        c.send(frame)
        for f, _ in c.answers(tag, max(0.0, deadline - time.monotonic())):
            if f.shelf == shelf and f.slot == slot and f.cmd == cmd:
                return f
        return None

    tag = c.next_tag()
    f = exchange(af.cfg(af.BCAST, c.mac, shelf, slot, tag), tag, af.CMD_CONFIG)
    if f is None:
        print(f"aoe_probe: no config answer from e{shelf}.{slot} on {ifname} in {timeout:g} s",
              file=sys.stderr)
        return 1
    print(f"shelf={shelf}\nslot={slot}\nmac={af.mac_str(f.src)}\nbufcnt={f.bufcnt}\n"
          f"fwver={f.fwver:#x}\nmaxsect={f.sectors}\naoever={f.aoever}\n"
          f"config={f.string.decode('ascii', 'backslashreplace')!s}")
    if ident:
        tag = c.next_tag()
        r = exchange(af.ata(f.src, c.mac, shelf, slot, tag, 0, 1, af.ATA_IDENTIFY, 0), tag,
                     af.CMD_ATA)
        if r is None:
            print(f"aoe_probe: no IDENTIFY answer from e{shelf}.{slot}", file=sys.stderr)
            return 1
        if r.flags & af.FLAG_ERR or r.cmd_status & af.ATA_ERR_BITS or len(r.data) < af.SECTOR:
            print(f"aoe_probe: IDENTIFY failed: flags={r.flags:#x} error={r.error} "
                  f"status={r.cmd_status:#x}", file=sys.stderr)
            return 1
        lba48, sectors = af.identify_sectors(r.data)
        print(f"lba48={int(lba48)}\nsectors={sectors}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
