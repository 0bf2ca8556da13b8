// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: engines and their schedulers.
 *
 * One drm_gpu_scheduler per engine; contexts have one entity per engine
 * (axon_ctx.c). run_job hands the job to the hardware backend (axon_hw.h),
 * which reports completion through axon_job_hw_done(). The hardware fence
 * of a job is allocated at submit and only initialised here, so nothing on
 * the fence-signalling path allocates or takes a sleeping lock.
 *
 * Timeouts are progress-aware: the backend exposes a progress counter that
 * moves with every work unit of the running stream. The timeout handler
 * declares a hang only when the counter has not moved for a whole timeout;
 * otherwise it re-arms. On a hang it stops the scheduler, resets the engine
 * (aborting the stream), bans the guilty context, and resubmits the other
 * jobs. A job that completes between the progress check and the reset is
 * not hung: the backend checks it still runs atomically with the abort, and
 * aborts nothing otherwise (so the job behind it is never cancelled).
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "drm/axon_isa.h"
#include "axon_compat.h"
#include "axon_sched.h"
#include "axon_trace.h"

unsigned int axon_hang_timeout_ms = 500;
module_param_named(hang_timeout_ms, axon_hang_timeout_ms, uint, 0444);
MODULE_PARM_DESC(hang_timeout_ms,
		 "A running job making no progress for this long is hung (ms, default 500)");

/* Jobs the backend of one engine holds at once. */
#define AXON_SCHED_CREDITS	64

/* ------------------------------------------------------------------------
 * Hardware fences
 */

/*
 * A hardware fence outlives its job: it is the parent of the job's
 * scheduler fences, which escape into syncobjs, sync_files and DMA-buf
 * reservations (also of foreign buffers). Its ops live in this module, and
 * the scheduler fences point at the engine's scheduler. So every hardware
 * fence, from allocation at submit to its release, holds a reference on the
 * module and one on the DRM device (which owns the engines): the module
 * cannot be unloaded, nor the device freed, while such a fence exists.
 *
 * The last reference of a fence may be dropped in any context, so the
 * references are dropped from axon_fence_wq, which module exit drains.
 */
struct axon_hw_fence {
	struct dma_fence base;
	struct axon_device *adev;
	struct work_struct put_work;
};

static struct workqueue_struct *axon_fence_wq;

static const char *axon_hw_fence_driver_name(struct dma_fence *fence)
{
	return AXON_DRIVER_NAME;
}

static const char *axon_hw_fence_timeline_name(struct dma_fence *fence)
{
	return "axon-engine";
}

static void axon_hw_fence_put_work(struct work_struct *work)
{
	struct axon_hw_fence *f = container_of(work, struct axon_hw_fence,
					       put_work);

	drm_dev_put(&f->adev->drm);
	if (f->base.ops)
		dma_fence_free(&f->base);
	else
		kfree(f);
	/* axon_sched_module_exit() waits for this work to return. */
	module_put(THIS_MODULE);
}

static void axon_hw_fence_release(struct dma_fence *fence)
{
	struct axon_hw_fence *f = container_of(fence, struct axon_hw_fence,
					       base);

	queue_work(axon_fence_wq, &f->put_work);
}

static const struct dma_fence_ops axon_hw_fence_ops = {
	.get_driver_name = axon_hw_fence_driver_name,
	.get_timeline_name = axon_hw_fence_timeline_name,
	.release = axon_hw_fence_release,
};

/**
 * axon_hw_fence_alloc() - allocate a job's hardware fence (at submit)
 * @adev: device
 *
 * The fence is initialised when the job first reaches run_job. Until then
 * it is released with axon_hw_fence_free() (axon_job_free()).
 *
 * Return: the fence or NULL.
 */
struct dma_fence *axon_hw_fence_alloc(struct axon_device *adev)
{
	struct axon_hw_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	/* Called from an ioctl: the open file holds the module. */
	__module_get(THIS_MODULE);
	drm_dev_get(&adev->drm);
	f->adev = adev;
	INIT_WORK(&f->put_work, axon_hw_fence_put_work);
	return &f->base;
}

/**
 * axon_hw_fence_free() - release a hardware fence never initialised
 * @fence: fence from axon_hw_fence_alloc()
 */
void axon_hw_fence_free(struct dma_fence *fence)
{
	axon_hw_fence_release(fence);
}

static void axon_hw_fence_init(struct axon_job *job)
{
	struct axon_engine *eng = job->eng;
	unsigned long flags;
	u64 seqno;

	spin_lock_irqsave(&eng->fence_lock, flags);
	seqno = ++eng->fence_seqno;
	spin_unlock_irqrestore(&eng->fence_lock, flags);

	dma_fence_init(job->hw_fence, &axon_hw_fence_ops, &eng->fence_lock,
		       eng->fence_context, seqno);
}

/**
 * axon_hw_fence_cancelled() - give a job that never ran a signalled parent
 * @job: job killed with its entity (never reached run_job), being freed
 *
 * The scheduler fences of such a job have no parent, so nothing would keep
 * the module and the engine's scheduler (which their timeline name points
 * to) alive while they sit in a sync_file or a reservation. Its hardware
 * fence, initialised and signalled with the scheduler fence's error on a
 * context of its own, becomes their parent and holds both until the
 * scheduler fences are released. drm_sched_entity_kill_jobs_work() has
 * signalled both scheduler fences and checked the parent is unset before
 * calling free_job.
 */
void axon_hw_fence_cancelled(struct axon_job *job)
{
	struct drm_sched_fence *s_fence = job->base.s_fence;
	struct dma_fence *fence = job->hw_fence;
	struct axon_engine *eng = job->eng;

	dma_fence_init(fence, &axon_hw_fence_ops, &eng->fence_lock,
		       eng->fence_context + 1, 0);
	dma_fence_set_error(fence, s_fence->finished.error ?: -ESRCH);
	dma_fence_signal(fence);
	/* The job's reference moves to the scheduler fence. */
	job->hw_fence = NULL;
	/* Pairs with the scheduler's smp_load_acquire() of the parent. */
	smp_store_release(&s_fence->parent, fence);
}

/**
 * axon_sched_module_init() - module-wide state of job execution
 *
 * Return: 0 or -ENOMEM.
 */
int axon_sched_module_init(void)
{
	axon_fence_wq = alloc_workqueue("axon-fence", WQ_UNBOUND, 0);
	return axon_fence_wq ? 0 : -ENOMEM;
}

/**
 * axon_sched_module_exit() - wait for the last fence releases
 *
 * The module's reference count is zero: every fence has been released, but
 * the work dropping the last reference may still be returning.
 */
void axon_sched_module_exit(void)
{
	destroy_workqueue(axon_fence_wq);
}

/* ------------------------------------------------------------------------
 * Completion, called by the backend
 */

/* Fence error and fault class of a run; see struct drm_axon_job. */
static int axon_job_result(struct axon_job *job, u32 *fault)
{
	*fault = DRM_AXON_FAULT_NONE;

	switch (job->status) {
	case AXON_ISA_OK:
		return 0;
	case AXON_ISA_E_FAULT:
	case AXON_ISA_E_RANGE:
		*fault = DRM_AXON_FAULT_MMU;
		return -EFAULT;
	case AXON_ISA_E_ABORTED:
		if (job->timed_out) {
			*fault = DRM_AXON_FAULT_TIMEOUT;
			return -ETIMEDOUT;
		}
		return -ECANCELED;
	case AXON_ISA_E_TABLE:
		*fault = DRM_AXON_FAULT_ENGINE;
		return -EIO;
	default:
		*fault = DRM_AXON_FAULT_INVALID_STREAM;
		return -EINVAL;
	}
}

/* Jobs of a context complete in order per engine; keep the highest. */
static void axon_ctx_completed(struct axon_ctx *ctx, u64 seqno)
{
	s64 old = atomic64_read(&ctx->completed_seqno);

	while (old < (s64)seqno &&
	       !atomic64_try_cmpxchg(&ctx->completed_seqno, &old, seqno))
		;
}

/**
 * axon_job_hw_done() - the backend finished (or gave up) a job
 * @job: job handed to &axon_hw_ops.submit
 *
 * @job->status, @job->packet, @job->fault_va and the timestamps are set, or
 * @job->error is already non-zero for a job that did not run. Signals the
 * hardware fence: the job may be freed as soon as this returns. Runs on the
 * fence-signalling path: no allocation, no sleeping lock.
 */
void axon_job_hw_done(struct axon_job *job)
{
	struct axon_ctx *ctx = job->ctx;
	struct axon_engine *eng = job->eng;
	/* The job, and its reference, may go once the fence signals. */
	struct dma_fence *fence = dma_fence_get(job->hw_fence);
	bool cookie;
	u32 fault = DRM_AXON_FAULT_NONE;
	int error = job->error;

	cookie = dma_fence_begin_signalling();

	if (!error)
		error = axon_job_result(job, &fault);
	if (fault != DRM_AXON_FAULT_NONE) {
		axon_ctx_fault(ctx, job, fault);
		trace_axon_job_fault(job, fault);
	}
	if (job->t_end) {
		s64 ns = ktime_to_ns(ktime_sub(job->t_end, job->t_start));

		atomic64_add(ns, &ctx->client->busy_ns[eng->index]);
		atomic64_add(ns, &eng->busy_ns);
	}
	axon_ctx_completed(ctx, job->seqno);
	/* The job is done with the configuration: CONFIG_LOAD may proceed. */
	axon_job_inflight_done(job);
	trace_axon_job_done(job, error);

	if (error)
		dma_fence_set_error(fence, error);
	dma_fence_signal(fence);

	dma_fence_end_signalling(cookie);
	dma_fence_put(fence);
}

/* ------------------------------------------------------------------------
 * Scheduler backend
 */

static struct dma_fence *axon_sched_run_job(struct drm_sched_job *sched_job)
{
	struct axon_job *job = to_axon_job(sched_job);
	struct axon_device *adev = job->eng->adev;

	/* A resubmit after a reset: the backend still holds the job. */
	if (job->hw_queued)
		return dma_fence_get(job->hw_fence);

	axon_hw_fence_init(job);
	job->hw_queued = true;
	trace_axon_job_run(job);
	adev->hw_ops->submit(job->eng, job);
	return dma_fence_get(job->hw_fence);
}

/*
 * Stops the scheduler, resets the engine and resumes. With @hung set (a
 * timeout), the backend resets only if @hung still runs; if it completed
 * (or had not started) meanwhile, nothing is aborted or reset.
 */
static void axon_sched_recover(struct axon_engine *eng,
			       struct axon_job *hung)
{
	struct axon_device *adev = eng->adev;
	bool reset;

	drm_sched_stop(&eng->sched, hung ? &hung->base : NULL);
	reset = adev->hw_ops->reset(eng, hung);
	if (reset) {
		atomic_inc(&eng->reset_count);
		trace_axon_engine_reset(eng, hung);
	}
	/* Before the restart: @hung may be freed as soon as it runs. */
	if (hung && reset) {
		drm_warn(&adev->drm,
			 "%s: context %u job %llu made no progress for %u ms: engine reset\n",
			 eng->name, hung->ctx->id, hung->seqno,
			 axon_hang_timeout_ms);
	} else if (hung) {
		/* Completed between the progress check and the reset. */
		WRITE_ONCE(hung->timed_out, false);
		drm_dbg(&adev->drm,
			"%s: context %u job %llu completed at its timeout: not hung\n",
			eng->name, hung->ctx->id, hung->seqno);
	}
	eng->seen_progress = adev->hw_ops->query(eng, AXON_HW_QUERY_PROGRESS);
	drm_sched_resubmit_jobs(&eng->sched);
	axon_drm_sched_start(&eng->sched, 0);
}

static enum drm_gpu_sched_stat
axon_sched_timedout_job(struct drm_sched_job *sched_job)
{
	struct axon_job *job = to_axon_job(sched_job);
	struct axon_engine *eng = job->eng;
	struct axon_device *adev = eng->adev;
	enum drm_gpu_sched_stat stat;
	u64 progress;

	mutex_lock(&eng->reset_lock);

	progress = adev->hw_ops->query(eng, AXON_HW_QUERY_PROGRESS);
	if (dma_fence_is_signaled(job->hw_fence) ||
	    progress != eng->seen_progress) {
		/* Completed meanwhile, or still progressing: not a hang. */
		eng->seen_progress = progress;
		/* Back on the pending list (axon_compat.h). */
		stat = axon_drm_sched_no_hang(&eng->sched, sched_job);
		mutex_unlock(&eng->reset_lock);
		return stat;
	}

	/* Read by axon_job_hw_done() if the reset aborts the job. */
	WRITE_ONCE(job->timed_out, true);
	/*
	 * If the job completed meanwhile, nothing is aborted or reset; the
	 * scheduler was still stopped and restarted with the job back on its
	 * pending list: the status is that of a reset either way.
	 */
	axon_sched_recover(eng, job);
	mutex_unlock(&eng->reset_lock);
	return AXON_SCHED_STAT_RESET;
}

/**
 * axon_sched_force_reset() - reset an engine on request (debugfs)
 * @eng: engine
 *
 * A job running on the engine is aborted with -ECANCELED; its context is
 * not banned. Queued jobs run after the reset.
 *
 * Return: 0.
 */
int axon_sched_force_reset(struct axon_engine *eng)
{
	mutex_lock(&eng->reset_lock);
	drm_info(&eng->adev->drm, "%s: reset requested\n", eng->name);
	axon_sched_recover(eng, NULL);
	mutex_unlock(&eng->reset_lock);
	return 0;
}

static void axon_sched_free_job(struct drm_sched_job *sched_job)
{
	axon_job_free(to_axon_job(sched_job));
}

static const struct drm_sched_backend_ops axon_sched_ops = {
	.run_job = axon_sched_run_job,
	.timedout_job = axon_sched_timedout_job,
	.free_job = axon_sched_free_job,
};

/* ------------------------------------------------------------------------
 * Setup and teardown
 */

static void axon_sched_fini(struct drm_device *drm, void *data)
{
	struct axon_device *adev = to_axon_device(drm);
	unsigned int i;

	/*
	 * Every file is closed: no entity is left, but jobs may still run.
	 * The backend completes them; then the free worker releases them.
	 */
	adev->hw_ops->fini(adev);
	for (i = 0; i < adev->profile->engine_count; i++) {
		struct drm_gpu_scheduler *sched = &adev->engines[i].sched;
		unsigned int tries = 0;

		while (tries++ < 1000) {
			bool empty;

			spin_lock(&sched->job_list_lock);
			empty = list_empty(&sched->pending_list);
			spin_unlock(&sched->job_list_lock);
			if (empty)
				break;
			usleep_range(5000, 10000);
		}
		drm_WARN_ON(drm, tries > 1000);
		drm_sched_fini(sched);
	}
}

/**
 * axon_sched_init() - engines, schedulers and the hardware backend
 * @adev: device being probed
 *
 * Torn down when the DRM device is released (every file closed).
 *
 * Return: 0 or a negative errno.
 */
int axon_sched_init(struct axon_device *adev)
{
	struct drm_device *drm = &adev->drm;
	unsigned int i, count = adev->profile->engine_count;
	int ret;

	if (drm_WARN_ON(drm, count > AXON_MAX_ENGINES))
		return -EINVAL;

	mutex_init(&adev->config_lock);
	atomic_set(&adev->jobs_inflight, 0);
	atomic_set(&adev->inject, AXON_INJECT_NONE);
	adev->hw_ops = &axon_emu_hw_ops;

	adev->engines = drmm_kcalloc(drm, count, sizeof(*adev->engines),
				     GFP_KERNEL);
	if (!adev->engines)
		return -ENOMEM;

	for (i = 0; i < count; i++) {
		struct axon_engine *eng = &adev->engines[i];

		eng->adev = adev;
		eng->index = i;
		snprintf(eng->name, sizeof(eng->name), "%s%u",
			 adev->profile->name, i);
		spin_lock_init(&eng->fence_lock);
		/* The second context: fences of jobs that never ran. */
		eng->fence_context = dma_fence_context_alloc(2);
		mutex_init(&eng->reset_lock);
	}

	ret = adev->hw_ops->init(adev);
	if (ret)
		return ret;

	for (i = 0; i < count; i++) {
		struct axon_engine *eng = &adev->engines[i];
		const struct drm_sched_init_args args = {
			.ops = &axon_sched_ops,
			.num_rqs = DRM_SCHED_PRIORITY_COUNT,
			.credit_limit = AXON_SCHED_CREDITS,
			.timeout = msecs_to_jiffies(axon_hang_timeout_ms),
			.name = eng->name,
			.dev = drm->dev,
		};

		ret = axon_drm_sched_init(&eng->sched, &args);
		if (ret) {
			while (i--)
				drm_sched_fini(&adev->engines[i].sched);
			adev->hw_ops->fini(adev);
			return ret;
		}
	}

	ret = drmm_add_action_or_reset(drm, axon_sched_fini, NULL);
	if (ret)
		return ret;

	adev->caps |= DRM_AXON_CAP_SUBMIT | DRM_AXON_CAP_SYNCOBJ_TIMELINE |
		      DRM_AXON_CAP_IMPLICIT_SYNC | DRM_AXON_CAP_CTX_PRIORITY |
		      DRM_AXON_CAP_FAULT_INFO;
	return 0;
}

/**
 * axon_sched_show_fdinfo() - per-client engine busy time
 * @p: printer
 * @file: DRM file
 *
 * Prints "drm-engine-<name>: <ns> ns" for every engine: the time jobs of
 * this file ran on it, including jobs of contexts destroyed since.
 */
void axon_sched_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct axon_file *afile = to_axon_file(file);
	struct axon_device *adev = afile->adev;
	unsigned int i;

	for (i = 0; i < adev->profile->engine_count; i++)
		drm_printf(p, "drm-engine-%s:\t%llu ns\n",
			   adev->engines[i].name,
			   (u64)atomic64_read(&afile->client->busy_ns[i]));
}
