#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every NBD command and flag against one export, through libnbd in strict mode, then the
server's own refusals with libnbd's client-side checks turned off.

    nbd_strict.py URI BACKING_FILE

The writes land in the first 8 MiB of the export; each is checked through the export and in the
target's backing file (read after a FLUSH). Prints one 'ok NAME' or 'not ok NAME: why' line per
check; exits 1 when one failed.
"""
import errno
import os
import sys

import nbd

uri, backing = sys.argv[1], sys.argv[2]
failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print(f"ok {name}")
    else:
        failed += 1
        print(f"not ok {name}: {why}")


def on_disk(offset, length):
    with open(backing, "rb") as f:
        f.seek(offset)
        return f.read(length)


def expect_error(name, errnum, fn):
    try:
        fn()
    except nbd.Error as e:
        check(name, e.errnum == errnum, f"errno {e.errnum} ({e}), wanted {errnum}")
        return
    check(name, False, "the server accepted it")


h = nbd.NBD()
h.set_strict_mode(nbd.STRICT_COMMANDS | nbd.STRICT_FLAGS | nbd.STRICT_BOUNDS |
                  nbd.STRICT_ZERO_SIZE | nbd.STRICT_ALIGN)
h.add_meta_context(nbd.CONTEXT_BASE_ALLOCATION)
h.set_request_structured_replies(True)
h.connect_uri(uri)
size = h.get_size()
check("structured replies negotiated", h.get_structured_replies_negotiated())
check("base:allocation negotiated", h.can_meta_context(nbd.CONTEXT_BASE_ALLOCATION))
check("flags: flush fua zero multi-conn cache, no trim, writable",
      h.can_flush() and h.can_fua() and h.can_zero() and h.can_multi_conn() and h.can_cache()
      and not h.can_trim() and not h.is_read_only())
check("block sizes 512 / 4096 / >= 32 MiB",
      h.get_block_size(nbd.SIZE_MINIMUM) == 512 and h.get_block_size(nbd.SIZE_PREFERRED) == 4096
      and h.get_block_size(nbd.SIZE_MAXIMUM) >= 32 << 20)

data = os.urandom(1 << 20)
h.pwrite(data, 1 << 20)
check("WRITE 1 MiB then READ returns it", h.pread(1 << 20, 1 << 20) == data)
fua = os.urandom(4096)
h.pwrite(fua, 2 << 20, nbd.CMD_FLAG_FUA)
check("WRITE with FUA reaches the backing file", on_disk(2 << 20, 4096) == fua)
big = os.urandom(32 << 20) if size >= 40 << 20 else None
if big is not None:
    h.pwrite(big, 8 << 20)
    check("a 32 MiB WRITE and READ (the maximum)", h.pread(32 << 20, 8 << 20) == big)
h.zero(64 << 10, (1 << 20) + 4096)
check("WRITE_ZEROES zeroes its range only",
      h.pread(64 << 10, (1 << 20) + 4096) == bytes(64 << 10)
      and h.pread(4096, 1 << 20) == data[:4096]
      and h.pread(4096, (1 << 20) + 4096 + (64 << 10)) == data[4096 + (64 << 10):8192 + (64 << 10)])
h.pwrite(os.urandom(8192), 3 << 20)
h.zero(4096, 3 << 20, nbd.CMD_FLAG_FUA | nbd.CMD_FLAG_NO_HOLE)
check("WRITE_ZEROES with FUA and NO_HOLE reaches the backing file",
      on_disk(3 << 20, 4096) == bytes(4096) and on_disk((3 << 20) + 4096, 4096) != bytes(4096))
h.flush()
check("FLUSH: the backing file has the 1 MiB write", on_disk((1 << 20) + (512 << 10), 4096)
      == data[512 << 10:(512 << 10) + 4096])
h.cache(1 << 20, 0)
check("CACHE is accepted", True)
ext = []
h.block_status(1 << 20, 0, lambda ctx, off, e, err: ext.append((ctx, off, list(e))) or 0)
check("BLOCK_STATUS: one data extent over the range",
      ext == [(nbd.CONTEXT_BASE_ALLOCATION, 0, [1 << 20, 0])], str(ext))
ext.clear()
h.block_status(size, 0, lambda ctx, off, e, err: ext.append(list(e)) or 0, nbd.CMD_FLAG_REQ_ONE)
check("BLOCK_STATUS with REQ_ONE to the end", ext == [[size, 0]], str(ext))
check("READ of the last sector", len(h.pread(512, size - 512)) == 512)

# What libnbd would refuse itself, sent anyway: the server must refuse it the same way.
canary_end, canary_start = os.urandom(512), os.urandom(512)
h.pwrite(canary_end, size - 512, nbd.CMD_FLAG_FUA)
h.pwrite(canary_start, 512, nbd.CMD_FLAG_FUA)
h.set_strict_mode(0)
expect_error("unaligned READ is EINVAL", errno.EINVAL, lambda: h.pread(100, 0))
expect_error("unaligned WRITE is EINVAL", errno.EINVAL, lambda: h.pwrite(b"x" * 100, 512))
expect_error("READ past the end is EINVAL", errno.EINVAL, lambda: h.pread(1024, size - 512))
expect_error("WRITE past the end is ENOSPC", errno.ENOSPC, lambda: h.pwrite(bytes(1024), size - 512))
expect_error("WRITE_ZEROES past the end is ENOSPC", errno.ENOSPC, lambda: h.zero(4096, size))
expect_error("TRIM (not advertised) is EINVAL", errno.EINVAL, lambda: h.trim(4096, 0))
expect_error("READ over the maximum is EINVAL", errno.EINVAL, lambda: h.pread((32 << 20) + 512, 0))
expect_error("READ with FUA is EINVAL", errno.EINVAL, lambda: h.pread(512, 0, nbd.CMD_FLAG_FUA))
expect_error("READ of zero bytes is EINVAL", errno.EINVAL, lambda: h.pread(0, 0))
check("the connection still works after the refusals", h.pread(4096, 1 << 20) == data[:4096])
h.flush()
check("the refused writes changed nothing",
      on_disk(size - 512, 512) == canary_end and on_disk(512, 512) == canary_start)
h.shutdown()
sys.exit(1 if failed else 0)
