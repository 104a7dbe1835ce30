/* SPDX-License-Identifier: BSD-3-Clause */
/* The NBD statistics region's reader (see nbd_shm_read.h). DPDK-free. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "nbd_shm_read.h"

int
nbd_shm_snapshot(const char *dir, struct nbd_shm *out)
{
	char path[PATH_MAX];
	ssize_t n;
	pid_t pid;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, NBD_SHM_FILE) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* read(2) of a shared file mapping sees the writer's stores: no mapping needed here. */
	n = pread(fd, out, sizeof(*out), 0);
	close(fd);
	if (n < 0)
		return -errno;
	if ((size_t)n != sizeof(*out) || out->magic != NBD_SHM_MAGIC ||
	    out->version != NBD_SHM_VERSION || out->nb_exports > NBD_SHM_EXPORTS)
		return -EPROTO;
	pid = (pid_t)out->pid;
	if (pid <= 0 || (kill(pid, 0) != 0 && errno != EPERM))
		return -ESRCH;
	return 0;
}
