#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Reads or writes aoe-perf's data pattern directly in a target's backing file.

In the 512-byte sector at LBA L the 64 little-endian 64-bit words are ((L << 6) | i) XOR seed.
Checking the file itself (not only aoe-perf's own --check) shows the data landed at the right
place on the target, not merely that the initiator reads back what it wrote.

usage: aoe_pattern.py check FILE LBA COUNT [SEED]   exit 0 when every sector matches
       aoe_pattern.py fill  FILE LBA COUNT [SEED]   write the pattern (file size unchanged)
       aoe_pattern.py zero  FILE LBA COUNT          exit 0 when every byte is zero
LBA, COUNT and SEED are decimal or 0x hex. A mismatch prints the first bad LBA, word, the
expected and the found value, and exits 1; a usage error exits 2.
"""
import os
import struct
import sys

SECTOR = 512
CHUNK = 2048  # sectors per read


def sector_words(lba, seed):
    base = lba << 6
    return [((base | i) ^ seed) & 0xFFFFFFFFFFFFFFFF for i in range(64)]


def main(argv):
    if len(argv) not in (4, 5) or argv[0] not in ("check", "fill", "zero"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    op, path = argv[0], argv[1]
    try:
        lba, count = int(argv[2], 0), int(argv[3], 0)
        seed = int(argv[4], 0) if len(argv) == 5 else 0
    except ValueError as e:
        print(f"aoe_pattern: {e}", file=sys.stderr)
        return 2
    if lba < 0 or count <= 0 or not 0 <= seed < 1 << 64:
        print("aoe_pattern: LBA >= 0, COUNT > 0, SEED 0..2^64-1", file=sys.stderr)
        return 2
    size = os.path.getsize(path)
    if (lba + count) * SECTOR > size:
        print(f"aoe_pattern: LBAs {lba}..{lba + count - 1} are past the end of {path} "
              f"({size} bytes)", file=sys.stderr)
        return 2
    if op == "fill":
        with open(path, "r+b") as f:
            f.seek(lba * SECTOR)
            for l in range(lba, lba + count):
                f.write(struct.pack("<64Q", *sector_words(l, seed)))
        return 0
    with open(path, "rb") as f:
        f.seek(lba * SECTOR)
        done = 0
        while done < count:
            n = min(CHUNK, count - done)
            buf = f.read(n * SECTOR)
            for k in range(n):
                l = lba + done + k
                got = struct.unpack_from("<64Q", buf, k * SECTOR)
                want = [0] * 64 if op == "zero" else sector_words(l, seed)
                if list(got) != want:
                    i = next(j for j in range(64) if got[j] != want[j])
                    print(f"mismatch at LBA {l}, word {i}: expected {want[i]:#018x}, "
                          f"found {got[i]:#018x}")
                    return 1
            done += n
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
