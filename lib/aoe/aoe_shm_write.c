/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The statistics region as its one writer lays it out (aoe_shm_write.h). No DPDK: what the
 * engine publishes and what the reader's unit test builds come from the same code.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "aoe_shm_write.h"

uint64_t
aoe_shm_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int
aoe_shm_create(const char *path, struct aoe_shm **shmp)
{
	struct aoe_shm *shm;
	int fd, rc;

	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, sizeof(*shm)) != 0) {
		rc = -errno;
		close(fd);
		unlink(path);
		return rc;
	}
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	rc = -errno;
	close(fd);
	if (shm == MAP_FAILED) {
		unlink(path);
		return rc;
	}
	shm->version = AOE_SHM_VERSION;
	shm->size = sizeof(*shm);
	shm->pid = (uint64_t)getpid();
	shm->start_time_ns = aoe_shm_realtime_ns();
	shm->alive = 1;
	*shmp = shm;
	return 0;
}

void
aoe_shm_publish(struct aoe_shm *shm)
{
	__atomic_store_n(&shm->magic, AOE_SHM_MAGIC, __ATOMIC_RELEASE);
}

void
aoe_shm_destroy(struct aoe_shm *shm, const char *path)
{
	__atomic_store_n(&shm->alive, 0, __ATOMIC_RELEASE);
	munmap(shm, sizeof(*shm));
	unlink(path);
}

uint32_t
aoe_shm_target_begin(struct aoe_shm_target *st)
{
	uint32_t seq = st->seq;

	__atomic_store_n(&st->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return seq;
}

void
aoe_shm_target_end(struct aoe_shm_target *st, uint32_t seq)
{
	__atomic_store_n(&st->seq, seq + 2, __ATOMIC_RELEASE);
}

void
aoe_shm_event_append(struct aoe_shm_event_ring *r, struct aoe_shm_event *ev, uint64_t time_ns)
{
	uint64_t seq = r->head + 1;
	struct aoe_shm_event *slot = &r->ring[(seq - 1) & (AOE_SHM_EVENTS - 1)];

	__atomic_store_n(&slot->seq, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ev->time_ns = time_ns;
	memcpy((uint8_t *)slot + sizeof(slot->seq), (const uint8_t *)ev + sizeof(ev->seq),
	       sizeof(*slot) - sizeof(slot->seq));
	__atomic_store_n(&slot->seq, seq, __ATOMIC_RELEASE);
	__atomic_store_n(&r->head, seq, __ATOMIC_RELEASE);
}
