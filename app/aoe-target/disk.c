/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aoe-target disk backends: null (reads answer whatever the mbuf holds, writes vanish), ram
 * (a sparse anonymous mapping) and file (synchronous pread/pwrite, for tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#include "aoe_target.h"

/* The number between @s and @end, at most @max. */
static int
parse_part(const char *s, const char *end, uint64_t max, uint64_t *out)
{
	char buf[24];

	if (end - s <= 0 || (size_t)(end - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = '\0';
	return aoe_app_parse_u64(buf, 0, max, out);
}

/* "SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH" */
int
tgt_disk_parse(const char *spec, struct tgt_disk *d, char *err, size_t err_len)
{
	const char *dot, *eq, *colon, *arg;
	uint64_t shelf, slot, bytes;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	dot = strchr(spec, '.');
	eq = strchr(spec, '=');
	if (dot == NULL || eq == NULL || dot > eq) {
		snprintf(err, err_len,
			 "--disk '%s': expected SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH", spec);
		return -EINVAL;
	}
	if (parse_part(spec, dot, AOE_SHELF_BCAST - 1, &shelf) != 0 ||
	    parse_part(dot + 1, eq, AOE_SLOT_BCAST - 1, &slot) != 0) {
		snprintf(
			err, err_len,
			"--disk '%s': shelf must be 0-65534 and slot 0-254 (decimal; 65535 and 255 "
			"are the broadcast addresses)",
			spec);
		return -EINVAL;
	}
	d->shelf = (uint16_t)shelf;
	d->slot = (uint8_t)slot;
	colon = strchr(eq + 1, ':');
	if (colon == NULL) {
		snprintf(err, err_len,
			 "--disk '%s': backend must be null:SIZE, ram:SIZE or file:PATH", spec);
		return -EINVAL;
	}
	arg = colon + 1;
	if ((size_t)(colon - eq - 1) == 4 && strncmp(eq + 1, "file", 4) == 0) {
		if (*arg == '\0') {
			snprintf(err, err_len, "--disk '%s': file: needs a path", spec);
			return -EINVAL;
		}
		d->kind = TGT_DISK_FILE;
		d->path = strdup(arg);
		if (d->path == NULL)
			return -ENOMEM;
		return 0;
	}
	if ((size_t)(colon - eq - 1) == 4 && strncmp(eq + 1, "null", 4) == 0)
		d->kind = TGT_DISK_NULL;
	else if ((size_t)(colon - eq - 1) == 3 && strncmp(eq + 1, "ram", 3) == 0)
		d->kind = TGT_DISK_RAM;
	else {
		snprintf(err, err_len,
			 "--disk '%s': unknown backend '%.*s' (allowed: null, ram, file)", spec,
			 (int)(colon - eq - 1), eq + 1);
		return -EINVAL;
	}
	if (aoe_app_parse_size(arg, 1, UINT64_MAX, &bytes) != 0 || bytes % AOE_SECTOR_SIZE != 0) {
		snprintf(
			err, err_len,
			"--disk '%s': size '%s' must be a non-zero multiple of 512 bytes, plain or "
			"with a k, m, g or t suffix (powers of 1024)",
			spec, arg);
		return -EINVAL;
	}
	d->sectors = bytes / AOE_SECTOR_SIZE;
	return 0;
}

int
tgt_disk_open(struct tgt_disk *d, char *err, size_t err_len)
{
	struct stat sb;
	uint64_t bytes;

	switch (d->kind) {
	case TGT_DISK_NULL:
		return 0;
	case TGT_DISK_RAM:
		d->ram_len = d->sectors * AOE_SECTOR_SIZE;
		/* Sparse: pages appear on first write, reads of untouched pages see zeroes. */
		d->ram = mmap(NULL, d->ram_len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (d->ram == MAP_FAILED) {
			d->ram = NULL;
			snprintf(err, err_len, "e%u.%u: cannot map %zu bytes of RAM: %s", d->shelf,
				 d->slot, d->ram_len, strerror(errno));
			return -ENOMEM;
		}
		return 0;
	case TGT_DISK_FILE:
		d->fd = open(d->path, O_RDWR | O_CLOEXEC);
		if (d->fd < 0) {
			snprintf(err, err_len, "e%u.%u: cannot open '%s' read-write: %s", d->shelf,
				 d->slot, d->path, strerror(errno));
			return -errno;
		}
		if (fstat(d->fd, &sb) != 0)
			goto fail;
		if (S_ISBLK(sb.st_mode)) {
			if (ioctl(d->fd, BLKGETSIZE64, &bytes) != 0)
				goto fail;
		} else if (S_ISREG(sb.st_mode)) {
			bytes = (uint64_t)sb.st_size;
		} else {
			snprintf(err, err_len,
				 "e%u.%u: '%s' is neither a regular file nor a block "
				 "device",
				 d->shelf, d->slot, d->path);
			close(d->fd);
			d->fd = -1;
			return -EINVAL;
		}
		d->sectors = bytes / AOE_SECTOR_SIZE;
		if (d->sectors == 0) {
			snprintf(err, err_len, "e%u.%u: '%s' is smaller than one 512-byte sector",
				 d->shelf, d->slot, d->path);
			close(d->fd);
			d->fd = -1;
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
fail:
	snprintf(err, err_len, "e%u.%u: cannot size '%s': %s", d->shelf, d->slot, d->path,
		 strerror(errno));
	close(d->fd);
	d->fd = -1;
	return -EIO;
}

void
tgt_disk_close(struct tgt_disk *d)
{
	if (d->ram != NULL)
		munmap(d->ram, d->ram_len);
	d->ram = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	free(d->path);
	d->path = NULL;
}

/* Full-length positional I/O: a regular file may return short counts on signals. */
static int
file_io(int fd, uint8_t *buf, size_t len, off_t off, bool write)
{
	while (len > 0) {
		ssize_t n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			/* A file that shrank under us: what is past its end reads as zeroes. */
			if (write)
				return -EIO;
			memset(buf, 0, len);
			return 0;
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* The caller has checked lba + count against d->sectors. */
int
tgt_disk_read(struct tgt_disk *d, uint64_t lba, unsigned int count, uint8_t *dst)
{
	size_t len = (size_t)count * AOE_SECTOR_SIZE;

	switch (d->kind) {
	case TGT_DISK_NULL:
		return 0;
	case TGT_DISK_RAM:
		memcpy(dst, d->ram + lba * AOE_SECTOR_SIZE, len);
		return 0;
	case TGT_DISK_FILE:
		return file_io(d->fd, dst, len, (off_t)(lba * AOE_SECTOR_SIZE), false);
	}
	return -EINVAL;
}

int
tgt_disk_write(struct tgt_disk *d, uint64_t lba, unsigned int count, const uint8_t *src)
{
	size_t len = (size_t)count * AOE_SECTOR_SIZE;

	switch (d->kind) {
	case TGT_DISK_NULL:
		return 0;
	case TGT_DISK_RAM:
		memcpy(d->ram + lba * AOE_SECTOR_SIZE, src, len);
		return 0;
	case TGT_DISK_FILE:
		return file_io(d->fd, (uint8_t *)(uintptr_t)src, len,
			       (off_t)(lba * AOE_SECTOR_SIZE), true);
	}
	return -EINVAL;
}

int
tgt_disk_flush(struct tgt_disk *d)
{
	if (d->kind == TGT_DISK_FILE && fsync(d->fd) != 0)
		return -errno;
	return 0;
}
