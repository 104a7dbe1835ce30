/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One job's I/O loop. It keeps its share of the queue depth full, picks offsets (a slice of the
 * pass for sequential workloads, anywhere in the region for random ones), fills every write with
 * the pattern, checks reads when asked (in place over the frames of a zero-copy read, which
 * aoe_bdev_free_io() then releases), and times each I/O with the TSC into its own histogram.
 * Nothing here allocates, locks or prints while I/O runs.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "aoe_app.h"
#include "aoe_bdev.h"
#include "perf.h"

static int stop_flag;

void
perf_request_stop(void)
{
	/* A lock-free atomic store: also safe from a signal handler. */
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELAXED);
}

bool
perf_stop_requested(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_RELAXED) != 0;
}

int
perf_job_setup(struct perf_job *job, const struct perf_run *run, unsigned int index,
	       unsigned int nb_jobs, unsigned int lcore)
{
	const struct perf_opts *o = run->opts;
	uint64_t total = run->region.nb_ios;
	int socket = (int)rte_lcore_to_socket_id(lcore);
	unsigned int i;

	memset(job, 0, sizeof(*job));
	job->run = run;
	job->index = index;
	job->lcore = lcore;
	job->depth = o->depth / nb_jobs + (index < o->depth % nb_jobs ? 1 : 0);
	/* Contiguous slices keep sequential jobs sequential; random jobs only use the count. */
	job->first_io = total * index / nb_jobs;
	job->nb_ios = total * (index + 1) / nb_jobs - job->first_io;
	/* Each job its own stream: the seed's generator, run on by the job's index. */
	aoe_app_rng_seed(&job->rng, o->seed + index);
	job->phase = o->workload == PERF_WL_VERIFY ? PERF_PHASE_VERIFY_WRITE : PERF_PHASE_IO;

	job->lat = rte_malloc_socket("perf_lat", sizeof(*job->lat), RTE_CACHE_LINE_SIZE, socket);
	job->slots = rte_zmalloc_socket("perf_slots", job->depth * sizeof(*job->slots),
					RTE_CACHE_LINE_SIZE, socket);
	job->free_slots = rte_malloc_socket("perf_free", job->depth * sizeof(*job->free_slots),
					    RTE_CACHE_LINE_SIZE, socket);
	if (job->lat == NULL || job->slots == NULL || job->free_slots == NULL)
		goto nomem;
	perf_lat_init(job->lat);
	for (i = 0; i < job->depth; i++) {
		struct perf_slot *slot = &job->slots[i];

		slot->job = job;
		slot->buf = rte_malloc_socket("perf_buf", o->io_size, RTE_CACHE_LINE_SIZE, socket);
		if (slot->buf == NULL)
			goto nomem;
		job->free_slots[i] = job->depth - 1 - i;
	}
	job->nb_free = job->depth;
	return 0;
nomem:
	perf_job_free(job);
	return -ENOMEM;
}

void
perf_job_free(struct perf_job *job)
{
	unsigned int i;

	if (job->slots != NULL) {
		for (i = 0; i < job->depth; i++)
			rte_free(job->slots[i].buf);
	}
	rte_free(job->slots);
	rte_free(job->free_slots);
	rte_free(job->lat);
	job->slots = NULL;
	job->free_slots = NULL;
	job->lat = NULL;
}

static void
record_failure(struct perf_job *job, const struct perf_slot *slot, int status, bool submit,
	       const struct aoe_bdev_io *io, const struct perf_mismatch *bad)
{
	struct perf_failure *f = &job->failure;

	job->failed++;
	/* Stop everyone: once one I/O failed the figures no longer describe a healthy run, and
	 * a target that timed out would only fail the rest slowly. */
	job->stopping = true;
	perf_request_stop();
	if (job->has_failure)
		return;
	job->has_failure = true;
	memset(f, 0, sizeof(*f));
	f->status = status;
	f->submit = submit;
	f->is_read = slot->is_read;
	f->is_flush = slot->is_flush;
	f->offset = slot->offset;
	f->len = slot->len;
	if (io != NULL) {
		aoe_bdev_io_get_ata_status(io, &f->ata_status, &f->ata_error);
		f->aoe_error = aoe_bdev_io_get_aoe_error(io);
	}
	if (bad != NULL)
		f->bad = *bad;
}

static inline void
slot_put(struct perf_job *job, struct perf_slot *slot)
{
	job->free_slots[job->nb_free++] = (unsigned int)(slot - job->slots);
}

/* A read's data against the pattern: in the slot's buffer, or in place in the frames of a
 * zero-copy read (its segments). */
static bool
check_read(struct aoe_bdev_io *io, const struct perf_slot *slot, const struct perf_opts *o,
	   struct perf_mismatch *bad)
{
	struct iovec *iov;
	int iovcnt;

	if (!o->zcopy)
		return perf_pattern_check(slot->buf, slot->offset / PERF_SECTOR_SIZE,
					  slot->len / PERF_SECTOR_SIZE, o->seed, slot->gen, bad);
	aoe_bdev_io_get_iovec(io, &iov, &iovcnt);
	return perf_pattern_check_iov(iov, (unsigned int)iovcnt, slot->offset / PERF_SECTOR_SIZE,
				      slot->len / PERF_SECTOR_SIZE, o->seed, slot->gen, bad);
}

static void
io_done(struct aoe_bdev_io *io, int status, void *cb_arg)
{
	struct perf_slot *slot = cb_arg;
	struct perf_job *job = slot->job;
	const struct perf_opts *o = job->run->opts;
	uint64_t now = rte_rdtsc();
	struct perf_mismatch bad;
	bool ok = status == 0;

	if (!ok) {
		record_failure(job, slot, status, false, io, NULL);
	} else if (slot->is_read && (o->check || o->workload == PERF_WL_VERIFY)) {
		ok = check_read(io, slot, o, &bad);
		job->pattern_cycles += rte_rdtsc() - now;
		if (!ok) {
			job->data_errors++;
			record_failure(job, slot, -EILSEQ, false, NULL, &bad);
		}
	}
	if (ok) {
		perf_lat_record(job->lat, now - slot->submit_tsc);
		__atomic_store_n(&job->completed, job->completed + 1, __ATOMIC_RELAXED);
		__atomic_store_n(&job->bytes, job->bytes + slot->len, __ATOMIC_RELAXED);
		if (slot->is_read)
			job->read_ios++;
		else if (!slot->is_flush)
			job->write_ios++;
	}
	aoe_bdev_free_io(io);
	slot_put(job, slot);
	job->outstanding--;
}

/*
 * Decide the next I/O of this job into @p slot. Returns false when there is nothing to issue
 * right now: the pass is issued (and, for verify, the phase must drain before the next one).
 */
static bool
next_io(struct perf_job *job, struct perf_slot *slot)
{
	const struct perf_run *run = job->run;
	const struct perf_opts *o = run->opts;
	bool timed = run->deadline_tsc != 0;
	uint64_t idx, end;

	/* Untimed runs, and every verify phase, issue exactly one pass. */
	if ((!timed || job->phase != PERF_PHASE_IO) && job->pass_issued == job->nb_ios) {
		if (job->phase == PERF_PHASE_IO) {
			job->done = true;
			return false;
		}
		if (job->outstanding != 0)
			return false; /* read back only what has been written */
		if (job->phase == PERF_PHASE_VERIFY_WRITE) {
			job->phase = PERF_PHASE_VERIFY_READ;
		} else if (timed) {
			/* A new pass writes new data: a write that is lost shows in its check. */
			job->phase = PERF_PHASE_VERIFY_WRITE;
			job->gen++;
		} else {
			job->done = true;
			return false;
		}
		job->pass_issued = 0;
		job->pos = 0;
	}

	if (perf_workload_is_random(o->workload)) {
		idx = aoe_app_rng_below(&job->rng, run->region.nb_ios);
	} else {
		idx = job->first_io + job->pos;
		if (++job->pos == job->nb_ios)
			job->pos = 0;
	}
	job->pass_issued++;

	slot->offset = run->region.offset + idx * o->io_size;
	end = run->region.offset + run->region.size;
	slot->len = RTE_MIN(o->io_size, end - slot->offset);
	switch (o->workload) {
	case PERF_WL_READ:
	case PERF_WL_RANDREAD:
		slot->is_read = true;
		break;
	case PERF_WL_RW:
	case PERF_WL_RANDRW:
		slot->is_read = aoe_app_rng_below(&job->rng, 100) < o->read_pct;
		break;
	case PERF_WL_VERIFY:
		slot->is_read = job->phase == PERF_PHASE_VERIFY_READ;
		break;
	default:
		slot->is_read = false;
		break;
	}
	slot->is_flush = o->workload == PERF_WL_FLUSH;
	slot->gen = job->gen;
	if (slot->is_flush)
		slot->len = 0;
	else if (!slot->is_read) {
		uint64_t t0 = rte_rdtsc();

		perf_pattern_fill(slot->buf, slot->offset / PERF_SECTOR_SIZE,
				  slot->len / PERF_SECTOR_SIZE, o->seed, slot->gen);
		job->pattern_cycles += rte_rdtsc() - t0;
	}
	return true;
}

/* Submit until the depth is full or there is nothing to issue. Returns how many went out. */
static unsigned int
submit_some(struct perf_job *job)
{
	struct aoe_bdev_desc *desc = job->run->desc;
	struct perf_slot *slot;
	unsigned int n = 0;
	int rc;

	while (!job->stopping && (job->retry != NULL || (!job->done && job->nb_free > 0))) {
		if (job->retry != NULL) {
			/* Already off the free stack, and already counted in the pass. */
			slot = job->retry;
			job->retry = NULL;
		} else {
			slot = &job->slots[job->free_slots[job->nb_free - 1]];
			if (!next_io(job, slot))
				break;
			job->nb_free--;
		}
		slot->submit_tsc = rte_rdtsc();
		if (slot->is_flush)
			rc = aoe_bdev_flush(desc, job->ch, io_done, slot);
		else if (slot->is_read && job->run->opts->zcopy)
			rc = aoe_bdev_zcopy_read(desc, job->ch, slot->offset, slot->len, io_done,
						 slot);
		else if (slot->is_read)
			rc = aoe_bdev_read(desc, job->ch, slot->buf, slot->offset, slot->len,
					   io_done, slot);
		else
			rc = aoe_bdev_write(desc, job->ch, slot->buf, slot->offset, slot->len,
					    io_done, slot);
		if (rc == 0) {
			job->outstanding++;
			n++;
			continue;
		}
		if (rc == -ENOMEM || (rc == -ENOBUFS && job->outstanding != 0)) {
			/* The channel is full, or the lcore's zero-copy reads hold all the frames
			 * they may: the same I/O goes first after a completion. */
			job->retry = slot;
			break;
		}
		slot_put(job, slot);
		record_failure(job, slot, rc, true, NULL, NULL);
	}
	return n;
}

/*
 * The job's loop: submit, poll, account. One clock read per iteration: the end of one is the
 * start of the next (nothing runs between them), and a read of the TSC costs tens of cycles in
 * a virtual machine.
 */
int
perf_job_run(struct perf_job *job)
{
	const struct perf_run *run = job->run;
	uint64_t t0 = rte_rdtsc(), t1;
	unsigned int n;
	int rc;

	if (job->nb_ios == 0)
		job->done = true;
	for (;; t0 = t1) {
		if (!job->stopping &&
		    (perf_stop_requested() || (run->deadline_tsc != 0 && t0 >= run->deadline_tsc)))
			job->stopping = true;
		n = submit_some(job);
		if (job->outstanding == 0 && (job->stopping || (job->done && job->retry == NULL)))
			break;
		rc = aoe_bdev_poll(job->ch);
		if (rc < 0) {
			/* Nothing can complete now; the caller reports it. */
			perf_request_stop();
			return rc;
		}
		t1 = rte_rdtsc();
		if (rc > 0 || n > 0)
			job->busy_cycles += t1 - t0;
		if (run->tick != NULL)
			run->tick(t1, run->tick_arg);
	}
	return 0;
}
