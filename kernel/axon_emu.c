// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: the emulator hardware backend.
 *
 * Each engine is a kernel thread running its jobs, in order, through the
 * firmware command processor (firmware/, axon_fw_run()) with the engine's
 * own SRAM. The emulated MMU (axon_emu_translate()) resolves every operand
 * range through the job's view of the context's address space: only the
 * BOs of the job's list, with the access it declared. Anything else fails
 * the job before the packet touches memory.
 *
 * The interpreter's yield and progress hooks advance the engine's progress
 * counter (read by the timeout handler) and let a reset abort the stream.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <drm/drm_print.h>

#include "axon_fw.h"
#include "axon_sched.h"
#include "axon_trace.h"

/**
 * struct axon_emu_engine - state of one emulated engine
 * @eng: engine
 * @thread: the engine's worker
 * @lock: protects @queue, @running, @abort, @late, @hold, @last_client
 * @queue: jobs waiting for the engine
 * @running: job the engine runs
 * @abort: job a reset aborts
 * @late: running job injected with AXON_INJECT_LATE, waiting for a reset
 * @hold: a reset released @late: the next job waits before it starts
 *	until the reset is over
 * @stopping: the device is going away: cancel everything
 * @work_wq: the worker waits here for jobs
 * @abort_wq: an (injected) hung, late or held job waits here
 * @idle_wq: a reset waits here for the aborted (or late) job to be
 *	reported
 * @progress: progress counter
 * @sram: the engine's SRAM
 * @last_client: id of the client of the last job, to clear SRAM between
 *	clients (an id: a freed client's address may be reused)
 */
struct axon_emu_engine {
	struct axon_engine *eng;
	struct task_struct *thread;
	spinlock_t lock;	/* queue and running job */
	struct list_head queue;
	struct axon_job *running;
	struct axon_job *abort;
	struct axon_job *late;
	bool hold;
	bool stopping;
	wait_queue_head_t work_wq;
	wait_queue_head_t abort_wq;
	wait_queue_head_t idle_wq;
	atomic64_t progress;
	u8 *sram;
	u64 last_client;
};

/* What the interpreter hooks see of one run. */
struct axon_emu_run {
	struct axon_emu_engine *ee;
	struct axon_job *job;
	bool inject_mmu;
};

static bool axon_emu_aborted(struct axon_emu_run *r)
{
	return READ_ONCE(r->ee->abort) == r->job || READ_ONCE(r->ee->stopping);
}

/*
 * The MMU: [va, va + len) must lie inside one BO of the job's list that
 * allows the access. No lock: the job's list is fixed at submit and its BOs
 * stay mapped until the job is freed.
 */
static void *axon_emu_translate(void *ctx, u64 va, u64 len, int write)
{
	struct axon_emu_run *r = ctx;
	struct axon_job *job = r->job;
	u32 need = write ? DRM_AXON_JOB_BO_WRITE : DRM_AXON_JOB_BO_READ;
	u32 lo = 0, hi = job->bo_count;
	const struct axon_job_bo *jbo;

	if (r->inject_mmu) {
		r->inject_mmu = false;
		goto fault;
	}
	/* Last BO starting at or below va. */
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (job->bos[mid].va <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || !len)
		goto fault;
	jbo = &job->bos[lo - 1];
	if (va - jbo->va >= jbo->size || len > jbo->size - (va - jbo->va) ||
	    !(jbo->flags & need))
		goto fault;
	return (u8 *)jbo->vaddr + (va - jbo->va);

fault:
	if (!job->fault_va)
		job->fault_va = va;
	return NULL;
}

static int axon_emu_yield(void *ctx)
{
	struct axon_emu_run *r = ctx;

	atomic64_inc(&r->ee->progress);
	cond_resched();
	return axon_emu_aborted(r);
}

static void axon_emu_progress(void *ctx, u32 packet, u32 marker_id)
{
	struct axon_emu_run *r = ctx;

	atomic64_inc(&r->ee->progress);
}

/* Runs one job; fence-signalling path: no allocation, no sleeping lock. */
static void axon_emu_run_job(struct axon_emu_engine *ee, struct axon_job *job)
{
	struct axon_device *adev = ee->eng->adev;
	const struct axon_profile *profile = adev->profile;
	struct axon_emu_run r = { .ee = ee, .job = job };
	const struct axon_fw_env env = {
		.ctx = &r,
		.translate = axon_emu_translate,
		.sram = ee->sram,
		.sram_size = profile->sram_size,
		.yield = axon_emu_yield,
		.progress = axon_emu_progress,
	};
	/* Every device VA: the MMU, not the region list, does the checks. */
	const struct axon_fw_region region = {
		.va = profile->va_start,
		.size = profile->va_end - profile->va_start,
		.flags = AXON_FW_R_READ | AXON_FW_R_WRITE,
	};
	const struct axon_fw_limits lim = {
		.sram_size = profile->sram_size,
		.op_mask = profile->ops,
		.flags = profile->compute_in_sram ? AXON_FW_L_COMPUTE_IN_SRAM : 0,
	};
	struct axon_fw_result res = { .packet = AXON_FW_PACKET_NONE };
	const void *stream;
	u32 i;

	job->t_start = ktime_get();
	job->packet = AXON_FW_PACKET_NONE;

	if (READ_ONCE(ee->stopping)) {
		job->error = -ENODEV;
		return;
	}
	/* Behind a late job (AXON_INJECT_LATE): wait for the reset. */
	if (READ_ONCE(ee->hold)) {
		wake_up_all(&ee->idle_wq);
		wait_event_idle(ee->abort_wq,
				!READ_ONCE(ee->hold) || axon_emu_aborted(&r));
	}
	if (axon_emu_aborted(&r)) {
		job->status = AXON_ISA_E_ABORTED;
		goto out;
	}
	/* Banned context, killed entity, or a failed in-sync: do not run. */
	if (job->base.s_fence->finished.error || READ_ONCE(job->ctx->banned)) {
		job->error = job->base.s_fence->finished.error ?: -ECANCELED;
		return;
	}
	for (i = 0; i < job->in_fence_count; i++) {
		if (job->in_fences[i]->error) {
			job->error = job->in_fences[i]->error;
			return;
		}
	}

	/* No data of another client survives in SRAM. */
	if (ee->last_client != job->ctx->client->id) {
		memset(ee->sram, 0, profile->sram_size);
		ee->last_client = job->ctx->client->id;
	}

	job->inject = atomic_xchg(&adev->inject, AXON_INJECT_NONE);
	switch (job->inject) {
	case AXON_INJECT_HANG:
		wait_event_idle(ee->abort_wq, axon_emu_aborted(&r));
		job->status = AXON_ISA_E_ABORTED;
		goto out;
	case AXON_INJECT_ERROR:
		job->status = AXON_ISA_E_TABLE;
		goto out;
	case AXON_INJECT_LATE:
		/* No progress until a reset releases it, then run normally. */
		spin_lock_irq(&ee->lock);
		ee->late = job;
		spin_unlock_irq(&ee->lock);
		wait_event_idle(ee->abort_wq, READ_ONCE(ee->late) != job ||
				axon_emu_aborted(&r));
		spin_lock_irq(&ee->lock);
		if (ee->late == job)
			ee->late = NULL;
		spin_unlock_irq(&ee->lock);
		if (axon_emu_aborted(&r)) {
			job->status = AXON_ISA_E_ABORTED;
			goto out;
		}
		break;
	default:
		break;
	}

	stream = axon_emu_translate(&r, job->cmd_va, job->cmd_size, 0);
	if (!stream) {
		job->status = AXON_ISA_E_FAULT;
		goto out;
	}
	r.inject_mmu = job->inject == AXON_INJECT_MMU;
	axon_fw_run(stream, job->cmd_size, &region, 1, &lim, &env, &res);
	job->status = res.status;
	job->packet = res.packet;
out:
	job->t_end = ktime_get();
}

static int axon_emu_thread(void *data)
{
	struct axon_emu_engine *ee = data;

	for (;;) {
		struct axon_job *job;

		wait_event_idle(ee->work_wq,
				kthread_should_stop() || !list_empty(&ee->queue));
		spin_lock_irq(&ee->lock);
		job = list_first_entry_or_null(&ee->queue, struct axon_job,
					       hw_link);
		if (job) {
			list_del_init(&job->hw_link);
			ee->running = job;
		}
		spin_unlock_irq(&ee->lock);
		if (!job) {
			if (kthread_should_stop())
				break;
			continue;
		}

		axon_emu_run_job(ee, job);
		/* The job may be freed from here on. */
		axon_job_hw_done(job);

		spin_lock_irq(&ee->lock);
		ee->running = NULL;
		ee->abort = NULL;
		spin_unlock_irq(&ee->lock);
		wake_up_all(&ee->idle_wq);
	}
	return 0;
}

static void axon_emu_submit(struct axon_engine *eng, struct axon_job *job)
{
	struct axon_emu_engine *ee = eng->hw;
	unsigned long flags;

	spin_lock_irqsave(&ee->lock, flags);
	list_add_tail(&job->hw_link, &ee->queue);
	spin_unlock_irqrestore(&ee->lock, flags);
	wake_up(&ee->work_wq);
}

/* The late job was reported, and the engine holds the next one or idles. */
static bool axon_emu_late_done(struct axon_emu_engine *ee,
			       struct axon_job *late)
{
	bool done;

	spin_lock_irq(&ee->lock);
	done = ee->running != late &&
	       (ee->running || list_empty(&ee->queue));
	spin_unlock_irq(&ee->lock);
	return done;
}

/*
 * AXON_INJECT_LATE: the timeout handler found the running job hung, and
 * now resets the engine. Let the job complete first, and the engine start
 * the next one (held before it runs until the reset is over).
 */
static void axon_emu_release_late(struct axon_emu_engine *ee)
{
	struct axon_job *late;

	spin_lock_irq(&ee->lock);
	late = ee->late;
	if (late) {
		ee->late = NULL;
		ee->hold = true;
	}
	spin_unlock_irq(&ee->lock);
	if (!late)
		return;
	wake_up_all(&ee->abort_wq);
	wait_event(ee->idle_wq, axon_emu_late_done(ee, late));
}

static bool axon_emu_reset(struct axon_engine *eng, struct axon_job *hung)
{
	struct axon_emu_engine *ee = eng->hw;
	struct axon_job *job;
	bool reset = true;

	axon_emu_release_late(ee);

	spin_lock_irq(&ee->lock);
	job = ee->running;
	/*
	 * The job found hung completed after the timeout handler looked (or
	 * has not started): whatever runs now is innocent. A job is aborted
	 * only while it is ee->running, so the check and the abort are atomic.
	 */
	if (hung && (job != hung || dma_fence_is_signaled(hung->hw_fence))) {
		job = NULL;
		reset = false;
	}
	ee->abort = job;
	ee->hold = false;
	spin_unlock_irq(&ee->lock);
	wake_up_all(&ee->abort_wq);
	if (job)
		wait_event(ee->idle_wq, READ_ONCE(ee->running) != job);
	return reset;
}

static int axon_emu_power(struct axon_device *adev, bool on)
{
	return 0;
}

static u64 axon_emu_query(struct axon_engine *eng, enum axon_hw_query what)
{
	struct axon_emu_engine *ee = eng->hw;

	switch (what) {
	case AXON_HW_QUERY_PROGRESS:
		return atomic64_read(&ee->progress);
	case AXON_HW_QUERY_BUSY:
		return !!READ_ONCE(ee->running);
	case AXON_HW_QUERY_FW_VERSION:
		return AXON_EMU_FW_VERSION;
	}
	return 0;
}

static void axon_emu_fini_engine(struct axon_emu_engine *ee)
{
	if (ee->thread) {
		WRITE_ONCE(ee->stopping, true);
		wake_up_all(&ee->abort_wq);
		kthread_stop(ee->thread);
	}
	vfree(ee->sram);
	kfree(ee);
}

static void axon_emu_fini(struct axon_device *adev)
{
	unsigned int i;

	for (i = 0; i < adev->profile->engine_count; i++) {
		struct axon_engine *eng = &adev->engines[i];

		if (eng->hw)
			axon_emu_fini_engine(eng->hw);
		eng->hw = NULL;
	}
}

static int axon_emu_init(struct axon_device *adev)
{
	unsigned int i;

	for (i = 0; i < adev->profile->engine_count; i++) {
		struct axon_engine *eng = &adev->engines[i];
		struct axon_emu_engine *ee;

		ee = kzalloc(sizeof(*ee), GFP_KERNEL);
		if (!ee)
			goto err;
		eng->hw = ee;
		ee->eng = eng;
		spin_lock_init(&ee->lock);
		INIT_LIST_HEAD(&ee->queue);
		init_waitqueue_head(&ee->work_wq);
		init_waitqueue_head(&ee->abort_wq);
		init_waitqueue_head(&ee->idle_wq);
		atomic64_set(&ee->progress, 0);
		ee->sram = vzalloc(adev->profile->sram_size);
		if (!ee->sram)
			goto err;
		ee->thread = kthread_run(axon_emu_thread, ee, "axon-%s",
					 eng->name);
		if (IS_ERR(ee->thread)) {
			ee->thread = NULL;
			goto err;
		}
	}
	return 0;

err:
	axon_emu_fini(adev);
	return -ENOMEM;
}

const struct axon_hw_ops axon_emu_hw_ops = {
	.name = "emulator",
	.init = axon_emu_init,
	.fini = axon_emu_fini,
	.submit = axon_emu_submit,
	.reset = axon_emu_reset,
	.power = axon_emu_power,
	.query = axon_emu_query,
};
