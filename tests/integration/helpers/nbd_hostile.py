#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hostile NBD clients against dpdk-aoe's server while a good client keeps working.

    nbd_hostile.py SOCKET EXPORT BACKING_FILE

Raw-socket clients send garbage, bad magic, unknown options and commands, oversized and
out-of-bounds requests, short payloads, and vanish mid-request; one holds 100 connections at
once; one stalls (sends reads and never reads the replies). Each must get the protocol's error
or lose its own connection, and nothing may be written where it was not asked to go. Meanwhile
a libnbd client writes and verifies its own region without a single error and keeps making
progress while the stalled client holds its requests. Prints 'ok NAME' / 'not ok NAME: why';
exits 1 when one failed.
"""
import os
import socket
import struct
import sys
import threading
import time

import nbd

SOCK, EXPORT, BACKING = sys.argv[1], sys.argv[2], sys.argv[3]
URI = f"nbd+unix:///{EXPORT}?socket={SOCK}"
OPT_MAGIC = b"IHAVEOPT"
REQ_MAGIC = 0x25609513
REP_MAGIC = 0x3E889045565A9
failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print(f"ok {name}", flush=True)
    else:
        failed += 1
        print(f"not ok {name}: {why}", flush=True)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError(f"closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def closed_by_server(s, timeout=5):
    """True when the server closes the connection (reading whatever it still sends)."""
    s.settimeout(timeout)
    try:
        while s.recv(65536):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def connect(flags=3):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(SOCK)
    greeting = recv_exact(s, 18)
    assert greeting[:16] == b"NBDMAGIC" + OPT_MAGIC, greeting
    if flags is not None:
        s.sendall(struct.pack(">I", flags))
    return s


def option(s, opt, data=b""):
    s.sendall(OPT_MAGIC + struct.pack(">II", opt, len(data)) + data)


def opt_reply(s):
    magic, opt, rtype, length = struct.unpack(">QIII", recv_exact(s, 20))
    assert magic == REP_MAGIC, hex(magic)
    return rtype, recv_exact(s, length)


def go(s, name):
    """NBD_OPT_GO; returns the replies until the final one."""
    n = name.encode()
    option(s, 7, struct.pack(">I", len(n)) + n + struct.pack(">H", 0))
    replies = []
    while True:
        rtype, data = opt_reply(s)
        replies.append((rtype, data))
        if rtype == 1 or rtype & 0x80000000:
            return replies


def transmission():
    s = connect()
    replies = go(s, EXPORT)
    assert replies[-1][0] == 1, replies
    size = struct.unpack(">Q", replies[0][1][2:10])[0]
    return s, size


def request(s, typ, offset, length, flags=0, cookie=1, payload=b""):
    s.sendall(struct.pack(">IHHQQI", REQ_MAGIC, flags, typ, cookie, offset, length) + payload)


def simple_reply(s, data_len=0):
    magic, err, cookie = struct.unpack(">IIQ", recv_exact(s, 16))
    assert magic == 0x67446698, hex(magic)
    data = recv_exact(s, data_len) if err == 0 and data_len else b""
    return err, cookie, data


def on_disk(offset, length):
    with open(BACKING, "rb") as f:
        f.seek(offset)
        return f.read(length)


# ---- the good client -------------------------------------------------------------------------
good = {"iterations": 0, "error": None, "stop": False}


def good_client():
    h = nbd.NBD()
    h.connect_uri(URI)
    region = 40 << 20
    try:
        while not good["stop"]:
            data = os.urandom(256 << 10)
            off = region + (good["iterations"] % 32) * (256 << 10)
            h.pwrite(data, off)
            if h.pread(len(data), off) != data:
                raise RuntimeError(f"read back differs at {off}")
            good["iterations"] += 1
    except Exception as e:  # noqa: BLE001 - any failure of the good client is the finding
        good["error"] = repr(e)
    h.shutdown()


t = threading.Thread(target=good_client)
t.start()

# ---- handshake -------------------------------------------------------------------------------
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(SOCK)
s.sendall(os.urandom(4096))
check("garbage instead of a handshake: disconnected", closed_by_server(s))
s = connect(flags=0x80000001)
check("unknown client flags: disconnected", closed_by_server(s))
s = connect()
s.sendall(b"IHAVEOPX" + struct.pack(">II", 7, 0))
check("bad option magic: disconnected", closed_by_server(s))
s = connect()
option(s, 0x1234, b"abc")
rtype, msg = opt_reply(s)
check("unknown option: NBD_REP_ERR_UNSUP with a message", rtype == 0x80000001 and b"allowed" in msg,
      f"{rtype:#x} {msg!r}")
option(s, 7, os.urandom(1 << 20))
rtype, msg = opt_reply(s)
check("a 1 MiB option: NBD_REP_ERR_TOO_BIG, connection kept", rtype == 0x80000009, f"{rtype:#x}")
r = go(s, "")
check("GO '' with several exports: ERR_UNKNOWN naming them",
      r[-1][0] == 0x80000006 and b"exports: e1.1" in r[-1][1], repr(r))
r = go(s, "e7.7")
check("GO to an unknown export: ERR_UNKNOWN", r[-1][0] == 0x80000006, repr(r))
option(s, 7, struct.pack(">I", 1000) + b"e1")
rtype, msg = opt_reply(s)
check("GO with a name length past the data: ERR_INVALID", rtype == 0x80000003, f"{rtype:#x}")
option(s, 2)
check("ABORT: acknowledged and closed", opt_reply(s)[0] == 1 and closed_by_server(s))
s = connect()
s.sendall(OPT_MAGIC + struct.pack(">II", 7, 500))
s.close()  # vanishes mid-option

# ---- transmission ----------------------------------------------------------------------------
s, size = transmission()
canary, canary0 = on_disk(size - 4096, 4096), on_disk(0, 1 << 20)
request(s, 99, 0, 512)
check("unknown command: EINVAL", simple_reply(s)[0] == 22)
request(s, 0, (1 << 64) - 512, 1024)
check("offset plus length overflowing: EINVAL", simple_reply(s)[0] == 22)
request(s, 1, size - 512, 1024, payload=os.urandom(1024))
check("WRITE past the end: ENOSPC, its payload consumed", simple_reply(s)[0] == 28)
big = (32 << 20) + 512
request(s, 1, 0, big, payload=b"\xa5" * big)
check("WRITE over the 32 MiB maximum: EINVAL, its payload consumed", simple_reply(s)[0] == 22)
request(s, 0, size - 4096, 4096, cookie=77)
err, cookie, data = simple_reply(s, 4096)
check("the stream is still in step: a READ works", err == 0 and cookie == 77 and data == canary)
request(s, 1, size - 4096, 1 << 20, payload=os.urandom(1000))
s.close()  # a short payload, then gone
s, _ = transmission()
s.sendall(struct.pack(">IHH", REQ_MAGIC, 0, 0))
s.close()  # half a header, then gone
s, _ = transmission()
s.sendall(struct.pack(">IHHQQI", 0xDEADBEEF, 0, 0, 1, 0, 512))
check("bad request magic: disconnected", closed_by_server(s))

# ---- many connections, and a stalled one -----------------------------------------------------
many = []
try:
    for i in range(100):
        many.append(transmission()[0])
    for i, c in enumerate(many):
        request(c, 0, i * 4096, 4096, cookie=i)
    ok = all(simple_reply(c, 4096)[0] == 0 for c in many)
    check("100 connections at once, each answered", ok)
except Exception as e:  # noqa: BLE001
    check("100 connections at once, each answered", False, repr(e))
for c in many:
    c.close()

stalled, _ = transmission()
stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
stalled.settimeout(10)
for i in range(200):  # more than it may have in flight: the server stops reading it
    try:
        request(stalled, 0, 0, 1 << 20, cookie=i)
    except socket.timeout:
        break
before = good["iterations"]
time.sleep(3)
check("the good client progresses while a client stalls",
      good["iterations"] > before + 3, f"{before} -> {good['iterations']}")
stalled.close()

good["stop"] = True
t.join(30)
check("the good client saw no error", good["error"] is None and good["iterations"] > 0,
      f"{good['error']}, {good['iterations']} iterations")
check("nothing hostile was written (the last 4 KiB, the first 1 MiB)",
      on_disk(size - 4096, 4096) == canary and on_disk(0, 1 << 20) == canary0)
sys.exit(1 if failed else 0)
