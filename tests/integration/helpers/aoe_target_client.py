#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The raw-frame client of test_aoe_target.sh: what aoetools cannot send to aoe-target.

usage: aoe_target_client.py IFACE TARGET_MAC [MODE]

MODE full (default): ATA reads and writes (LBA48 and LBA28), errors, FLUSH, CHECK POWER, the
null disk, protocol errors, broadcast queries, reserve/release and the MAC mask list, against a
target serving e7.3 (ram, 16 MiB) and e7.4 (null, 1 GiB). The fault modes run against one
serving e7.3 with that fault: dup-delay-silent (--fault dup=1,delay=20000 --silent-after 3
--silent-for 1500), reorder (reorder=100%), drop (drop=1), corrupt (corrupt=1 --sectors 1).

Prints one "ok - NAME" or "FAIL - NAME WHY" line per check and last "client: N passed, N
failed"; exits 1 when a check failed. A check that a request goes unanswered always comes with
one that the target answers at the same time: silence alone proves nothing.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aoe_frames as af  # noqa: E402

OTHER = bytes.fromhex("020000c0ffee")  # a forged second initiator
OK = (af.ATA_DRDY, 0)  # ATA status and error of a command that succeeded
# How long an answer that must come may take: long, on a loaded host (the wait ends when it
# comes). A check that something stays unanswered waits for an answer to a later request.
ANSWER_S = 2.0


class Checks:
    def __init__(self):
        self.npass = self.nfail = 0

    def result(self, name, cond, why=""):
        if cond:
            self.npass += 1
            print("ok   - " + name, flush=True)
        else:
            self.nfail += 1
            print(f"FAIL - {name} {why}", flush=True)

    def done(self):
        print(f"client: {self.npass} passed, {self.nfail} failed")
        return 1 if self.nfail else 0


class Target:
    """Requests to the target at @tmac, answers by tag (af.Client keeps the others)."""

    def __init__(self, iface, tmac):
        self.c = af.Client(iface)
        self.my = self.c.mac
        self.tmac = tmac

    def send(self, build, src=None, dst=None, **kw):
        """Send build(dst, src, ..., tag=...) and return its tag."""
        tag = self.c.next_tag()
        self.c.send(build(dst or self.tmac, src or self.my, tag=tag, **kw))
        return tag

    def raw(self, shelf, slot, cmd, body=b"", ver=1, flags=0, src=None, dst=None):
        tag = self.c.next_tag()
        self.c.send(af.hdr(dst or self.tmac, src or self.my, shelf, slot, cmd, tag, flags, 0,
                           ver) + body)
        return tag

    def answers(self, tag, timeout=ANSWER_S, want=1):
        return [f for f, _ in self.c.answers(tag, timeout, want)]

    def ata(self, shelf, slot, cmd, lba=0, count=0, aflags=0, data=b"", src=None, want=1,
            timeout=ANSWER_S):
        tag = self.send(lambda d, s, tag: af.ata(d, s, shelf, slot, tag, aflags, count, cmd,
                                                 lba, data), src=src)
        return self.answers(tag, timeout, want)

    def config(self, shelf=7, slot=3, src=None, dst=None):
        return self.send(lambda d, s, tag: af.cfg(d, s, shelf, slot, tag), src=src, dst=dst)

    def identify(self, src=None):
        return self.send(lambda d, s, tag: af.ata(d, s, 7, 3, tag, 0, 1, af.ATA_IDENTIFY, 0),
                         src=src)

    def ignored_while_alive(self, tag):
        """True when @tag gets no answer while a config query sent after it does."""
        control = self.config()
        alive = len(self.answers(control)) == 1
        return alive and self.answers(tag, 0.2) == []


def ata_status(r):
    return (r[0].cmd_status, r[0].err_feature) if r and len(r[0].raw) >= af.ATA_HDR_LEN \
        else None


def aoe_err(r):
    if not r:
        return None
    return r[0].error if r[0].flags & af.FLAG_ERR else 0


def mode_dup_delay_silent(t, ck):
    # dup=1, delay=20 ms, silent for 1.5 s after 3 ATA answers.
    tag = t.identify()
    got = t.c.answers(tag, ANSWER_S, 3)  # a third copy never comes: this waits it out
    ck.result("dup=1: every answer comes twice", len(got) == 2, repr(len(got)))
    first = got[0][1] if got else None
    # The time of the first copy, not of the wait for a third one.
    ck.result("delay=20000: the first answer comes after 20 ms, not after the wait",
              first is not None and 0.020 <= first < ANSWER_S / 2, repr(first))
    for _ in range(2):
        n = len(t.answers(t.identify(), ANSWER_S, 2))
        ck.result("dup=1: answers 2 and 3 come twice too", n == 2, repr(n))
    # Silent for 1.5 s from the third answer: the fourth request comes at once, the fifth
    # 1.7 s later.
    tag4 = t.identify()
    r4 = t.answers(tag4, 0.5)
    time.sleep(1.2)
    r5 = t.answers(t.identify(), ANSWER_S, 2)
    ck.result("--silent-after 3: the 4th request gets no answer, and after --silent-for 1500 "
              "the next gets both copies again", r4 == [] and len(r5) == 2,
              repr((len(r4), len(r5))))


def mode_reorder(t, ck):
    ta, tb = t.identify(), t.identify()
    order = []
    end = time.monotonic() + ANSWER_S
    while len(order) < 2 and time.monotonic() < end:
        f = t.c.next_response(0.2)
        if f is not None:
            order.append(f.tag)
    ck.result("reorder=100%: the second answer overtakes the first", order == [tb, ta],
              repr(order))
    n = len(t.answers(t.identify()))
    ck.result("reorder: a lone held answer still goes out after a while", n == 1, repr(n))


def mode_drop(t, ck):
    # The target's counters (checked by the test) show it got both and dropped the answers.
    ck.result("drop=1: no answer", t.answers(t.identify(), 0.5) == [])
    ck.result("drop=1: not even to a config query", t.answers(t.config(), 0.5) == [])


def mode_corrupt(t, ck):
    # corrupt=1 flips one bit of the data or of the tag in every answer: compare with what
    # was written before corruption could matter (writes are answered, corrupted, too).
    pat = bytes((i * 13 + 1) & 0xFF for i in range(512))
    t.send(lambda d, s, tag: af.ata(d, s, 7, 3, tag, af.AFLAG_EXT | af.AFLAG_WRITE, 1,
                                    af.ATA_WRITE_EXT, 0, pat))
    # Drop the write's answer, whatever its tag became, so reads pair with their answers.
    t.c.next_response(ANSWER_S)
    t.c.drain(0.3)
    bad = 0
    for i in range(20):
        tag = t.send(lambda d, s, tag: af.ata(d, s, 7, 3, tag, af.AFLAG_EXT, 1,
                                              af.ATA_READ_EXT, 0))
        f = None
        end = time.monotonic() + ANSWER_S / 2
        while time.monotonic() < end:
            g = t.c.next_response(0.1)
            if g is not None and g.cmd == af.CMD_ATA and len(g.raw) >= af.ATA_HDR_LEN:
                f = g
                break
        if f is None:
            continue
        tag_bad = f.tag != tag
        data_bad = f.data[:512] != pat
        if tag_bad != data_bad:  # exactly one of the two is damaged
            bad += 1
        else:
            print(f"corrupt: answer {i}: tag {f.tag:x}, sent {tag:x}, {len(f.raw)} bytes")
    ck.result(f"corrupt=1: every answer has its tag or its data damaged ({bad}/20)", bad == 20)


def mode_full(t, ck):
    my, ok = t.my, OK
    # Reads and writes on the ram disk e7.3, LBA48 and LBA28 forms.
    pat = bytes((i * 7 + 3) & 0xFF for i in range(1024))
    r = t.ata(7, 3, af.ATA_WRITE_EXT, lba=100, count=2, aflags=0x41, data=pat)
    ck.result("WRITE SECTORS EXT 2 sectors succeeds", ata_status(r) == ok, repr(ata_status(r)))
    r = t.ata(7, 3, af.ATA_READ_EXT, lba=100, count=2, aflags=0x40)
    ck.result("READ SECTORS EXT reads the data back", bool(r) and r[0].data[:1024] == pat)
    r = t.ata(7, 3, af.ATA_READ, lba=101 | (0xE0 << 24), count=1)
    ck.result("READ SECTORS (LBA28, device bits set) reads the same data",
              bool(r) and r[0].cmd_status == af.ATA_DRDY and r[0].data[:512] == pat[512:])
    r = t.ata(7, 3, af.ATA_WRITE, lba=200 | (0xE0 << 24), count=1, aflags=0x01, data=pat[:512])
    r2 = t.ata(7, 3, af.ATA_READ_EXT, lba=200, count=1, aflags=0x40)
    ck.result("WRITE SECTORS (LBA28) lands at the stripped LBA",
              ata_status(r) == ok and bool(r2) and r2[0].data[:512] == pat[:512])
    if r:
        h = r[0]
        ck.result("ATA response echoes shelf, slot, command, tag and comes from the target",
                  h.shelf == 7 and h.slot == 3 and h.cmd == 0 and h.src == t.tmac and
                  h.dst == my and h.version == 1 and len(h.raw) >= 60, repr(h))
    r = t.ata(7, 3, af.ATA_READ_EXT, lba=32767, count=2, aflags=0x40)
    ck.result("read past the end: ATA ERR with IDNF", ata_status(r) == (0x41, 0x10),
              repr(ata_status(r)))
    r = t.ata(7, 3, 0x99)
    ck.result("unknown ATA command: ATA ERR with ABRT", ata_status(r) == (0x41, 0x04),
              repr(ata_status(r)))
    r = t.ata(7, 3, af.ATA_WRITE_EXT, lba=0, count=2, aflags=0x41, data=pat[:512])
    ck.result("short write data: AoE error 2", aoe_err(r) == 2, repr(aoe_err(r)))
    r = t.ata(7, 3, 0xEA)
    ck.result("FLUSH CACHE EXT succeeds", ata_status(r) == ok, repr(ata_status(r)))
    r = t.ata(7, 3, 0xE7)
    ck.result("FLUSH CACHE succeeds", ata_status(r) == ok, repr(ata_status(r)))
    r = t.ata(7, 3, 0xE5)
    ck.result("CHECK POWER MODE answers active (0xff)",
              bool(r) and r[0].cmd_status == af.ATA_DRDY and r[0].count == 0xFF)
    r = t.ata(7, 4, af.ATA_READ_EXT, lba=2097152 - 2, count=2, aflags=0x40)
    ck.result("null disk answers a read of its last sectors",
              ata_status(r) == ok and len(r[0].data) >= 1024)
    r = t.ata(7, 4, af.ATA_WRITE_EXT, lba=5, count=2, aflags=0x41, data=pat)
    ck.result("null disk accepts a write", ata_status(r) == ok)
    r = t.ata(7, 3, af.ATA_READ_EXT, lba=0, count=3, aflags=0x40)
    ck.result("more sectors than the config allows: AoE error 2", aoe_err(r) == 2,
              repr(aoe_err(r)))

    # Protocol errors.
    r = t.answers(t.raw(7, 3, 0x42))
    ck.result("unknown AoE command: error 1", aoe_err(r) == 1, repr(aoe_err(r)))
    r = t.answers(t.raw(7, 3, af.CMD_CONFIG, bytes(8), ver=2))
    ck.result("AoE version 2: error 5", aoe_err(r) == 5 and r[0].version == 1, repr(aoe_err(r)))
    ck.result("a frame with the response flag is ignored (a query after it is answered)",
              t.ignored_while_alive(t.raw(7, 3, af.CMD_CONFIG, bytes(8), flags=af.FLAG_RSP)))
    ck.result("an address with no disk is ignored (e7.3 answers meanwhile)",
              t.ignored_while_alive(t.raw(9, 9, af.CMD_CONFIG, bytes(8))))
    r = t.answers(t.config(0xFFFF, 0xFF, dst=af.BCAST), ANSWER_S, 3)
    ck.result("broadcast query: one answer per disk",
              sorted((f.shelf, f.slot) for f in r) == [(7, 3), (7, 4)], repr(len(r)))
    if r:
        f = r[0]
        ck.result("config answer: bufcnt 256, 2 sectors, AoE version 1",
                  f.bufcnt == 256 and f.sectors == 2 and f.aoever == 1,
                  repr((f.bufcnt, f.sectors, f.aoever)))

    # Reserve/release.
    def res(rcmd, macs, src=None):
        return t.answers(t.send(lambda d, s, tag: af.reserve(d, s, 7, 3, tag, rcmd, macs),
                                src=src))

    def res_is(r, macs):
        return bool(r) and aoe_err(r) == 0 and af.reserve_list(r[0]) == macs

    ck.result("reserve list starts empty", res_is(res(0, []), []))
    ck.result("reserve set with our MAC", res_is(res(1, [my]), [my]))
    r = t.ata(7, 3, af.ATA_IDENTIFY, count=1, src=OTHER)
    ck.result("reserved target answers another initiator with error 6", aoe_err(r) == 6,
              repr(aoe_err(r)))
    r = t.ata(7, 3, af.ATA_IDENTIFY, count=1)
    ck.result("reserved target serves its holder", ata_status(r) == ok)
    r = res(1, [OTHER], src=OTHER)
    ck.result("reserve set by a non-holder: error 6", aoe_err(r) == 6, repr(aoe_err(r)))
    ck.result("reserve force set takes it over", res_is(res(2, [OTHER], src=OTHER), [OTHER]))
    r = t.ata(7, 3, af.ATA_IDENTIFY, count=1)
    ck.result("former holder now gets error 6", aoe_err(r) == 6, repr(aoe_err(r)))
    ck.result("holder releases with an empty set", res_is(res(1, [], src=OTHER), []))
    r = t.ata(7, 3, af.ATA_IDENTIFY, count=1)
    ck.result("released target serves everyone", ata_status(r) == ok)

    # MAC mask list.
    def mask(mcmd, dirs):
        r = t.answers(t.send(lambda d, s, tag: af.mask(d, s, 7, 3, tag, mcmd, dirs)))
        return af.mask_list(r[0]) if r else None

    ck.result("mask list starts empty", mask(0, []) == (0, []))
    ck.result("mask edit adds our MAC", mask(1, [(1, my)]) == (0, [my]))
    other = t.identify(src=OTHER)
    r = t.ata(7, 3, af.ATA_IDENTIFY, count=1)
    ck.result("masked target ignores ATA from a MAC not listed while it serves a listed one",
              t.answers(other, 0.2) == [] and ata_status(r) == ok)
    n = len(t.answers(t.config(src=OTHER)))
    ck.result("masked target still answers config queries", n == 1, repr(n))
    m = mask(1, [(7, OTHER)])
    ck.result("bad directive: merror 2", m is not None and m[0] == 2, repr(m))
    many = [(1, bytes([2, 0, 0, 0, i >> 8, i & 0xFF])) for i in range(70)]
    m = mask(1, many)
    ck.result("mask list full: merror 3", m is not None and m[0] == 3 and len(m[1]) == 64,
              repr(m and (m[0], len(m[1]))))
    ck.result("mask edit deletes everything",
              mask(1, [(2, mac) for _, mac in many] + [(2, my)]) == (0, []))
    r = t.ata(7, 3, af.ATA_IDENTIFY, count=1, src=OTHER)
    ck.result("empty mask list serves everyone again", ata_status(r) == ok)


MODES = {"full": mode_full, "dup-delay-silent": mode_dup_delay_silent, "reorder": mode_reorder,
         "drop": mode_drop, "corrupt": mode_corrupt}


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] not in MODES):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    ck = Checks()
    MODES[argv[2] if len(argv) == 3 else "full"](Target(argv[0], af.mac(argv[1])), ck)
    return ck.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
