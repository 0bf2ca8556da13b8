// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: the SUBMIT ioctl and the lifetime of jobs.
 *
 * A submit is handled in three phases:
 *
 * 1. Every job is copied, checked and prepared: BOs looked up and mapped
 *    for the kernel, in-sync fences resolved, out-syncobjs and timeline
 *    chain nodes found and allocated, the hardware fence allocated, the
 *    scheduler job initialised. Any failure releases everything: nothing
 *    was queued.
 * 2. The BOs of jobs using implicit sync are locked (drm_exec), fence
 *    slots reserved and the reservations' fences added as dependencies.
 *    Any failure still queues nothing.
 * 3. Under the context's submit lock, the jobs are armed, ordered against
 *    each other where they share BOs across engines, and pushed; their
 *    fences go into the reservations and the out-syncobjs. Nothing here can
 *    fail, except allocating cross-engine dependencies before the first
 *    push.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include "axon_compat.h"
#include "axon_sched.h"
#include "axon_trace.h"

#define AXON_JOB_FLAGS		(DRM_AXON_JOB_NO_IMPLICIT_SYNC | \
				 DRM_AXON_JOB_CMD_VA)
#define AXON_JOB_BO_FLAGS	(DRM_AXON_JOB_BO_READ | DRM_AXON_JOB_BO_WRITE)
#define AXON_SYNC_IN_FLAGS	DRM_AXON_SYNC_WAIT_FOR_SUBMIT

/* An out-syncobj of a job being submitted. */
struct axon_out_sync {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/* A job being submitted, with what only the submit needs. */
struct axon_submit_job {
	struct axon_job *job;
	u32 out_count;
	struct axon_out_sync *outs;
};

/**
 * axon_job_inflight_done() - a pushed job no longer counts in flight
 * @job: job
 *
 * Called when the job completes (axon_job_hw_done(), before its hardware
 * fence signals, so a CONFIG_LOAD issued once the fence is seen signalled
 * finds the count dropped), and from axon_job_free() for a job that never
 * ran. The two are ordered (the job is freed after its fences signalled),
 * and only the first call counts. Fence-signalling path: no lock.
 */
void axon_job_inflight_done(struct axon_job *job)
{
	if (job->inflight) {
		job->inflight = false;
		atomic_dec(&job->ctx->adev->jobs_inflight);
	}
}

/**
 * axon_job_free() - release a job, prepared or completed
 * @job: job
 *
 * Called by the scheduler's free_job, or by SUBMIT for a job never pushed.
 * May sleep.
 */
void axon_job_free(struct axon_job *job)
{
	u32 i;

	/* Pushed, never run: killed with its entity. */
	if (job->t_submit && job->base.s_fence && !job->hw_fence->ops)
		axon_hw_fence_cancelled(job);
	if (job->base.s_fence)
		drm_sched_job_cleanup(&job->base);

	for (i = 0; i < job->bo_count; i++) {
		struct axon_job_bo *jbo = &job->bos[i];

		if (jbo->vaddr)
			axon_bo_vunmap(to_axon_bo(jbo->obj), jbo->vaddr);
		axon_mapping_put(jbo->mapping);
		drm_gem_object_put(jbo->obj);
	}
	kvfree(job->bos);

	for (i = 0; i < job->in_fence_count; i++)
		dma_fence_put(job->in_fences[i]);
	kfree(job->in_fences);

	if (job->hw_fence) {
		if (job->hw_fence->ops)
			dma_fence_put(job->hw_fence);
		else
			axon_hw_fence_free(job->hw_fence);
	}
	axon_job_inflight_done(job);
	axon_ctx_put(job->ctx);
	kfree(job);
}

static void axon_submit_job_free(struct axon_submit_job *sj)
{
	u32 i;

	for (i = 0; i < sj->out_count; i++) {
		if (sj->outs[i].syncobj)
			drm_syncobj_put(sj->outs[i].syncobj);
		dma_fence_chain_free(sj->outs[i].chain);
	}
	kfree(sj->outs);
	sj->outs = NULL;
	sj->out_count = 0;
	if (sj->job)
		axon_job_free(sj->job);
	sj->job = NULL;
}

static int axon_job_bo_cmp(const void *a, const void *b)
{
	const struct axon_job_bo *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

/* Looks up the BO list (and the command BO), maps every BO. */
static int axon_job_get_bos(struct drm_device *drm, struct drm_file *file,
			    struct axon_job *job,
			    const struct drm_axon_job *uj, u32 idx)
{
	struct axon_vm *vm = to_axon_file(file)->vm;
	struct drm_axon_job_bo *ubos;
	struct drm_gem_object *cmd_obj = NULL, *cmd_key = NULL;
	u32 i, j, n = uj->bo_count;
	int ret = 0;

	if (!(uj->flags & DRM_AXON_JOB_CMD_VA)) {
		cmd_obj = drm_gem_object_lookup(file, uj->cmd_handle);
		if (!cmd_obj) {
			drm_dbg(drm, "SUBMIT: job %u: no command BO %u\n",
				idx, uj->cmd_handle);
			return -ENOENT;
		}
		if (uj->cmd_offset > cmd_obj->size ||
		    uj->cmd_size > cmd_obj->size - uj->cmd_offset) {
			drm_dbg(drm, "SUBMIT: job %u: stream [%#llx, +%#llx) outside its BO of %zu bytes\n",
				idx, uj->cmd_offset, uj->cmd_size,
				cmd_obj->size);
			drm_gem_object_put(cmd_obj);
			return -EINVAL;
		}
	}

	ubos = kvmalloc_array(max(n, 1U), sizeof(*ubos), GFP_KERNEL);
	job->bos = kvcalloc(n + 1, sizeof(*job->bos), GFP_KERNEL);
	if (!ubos || !job->bos) {
		ret = -ENOMEM;
		goto out;
	}
	if (n && copy_from_user(ubos, u64_to_user_ptr(uj->bos),
				n * sizeof(*ubos))) {
		drm_dbg(drm, "SUBMIT: job %u: BO list %#llx not readable\n",
			idx, uj->bos);
		ret = -EFAULT;
		goto out;
	}

	for (i = 0; i < n; i++) {
		struct drm_gem_object *obj;

		if (!ubos[i].flags || ubos[i].flags & ~AXON_JOB_BO_FLAGS) {
			drm_dbg(drm, "SUBMIT: job %u: BO entry %u flags %#x invalid\n",
				idx, i, ubos[i].flags);
			ret = -EINVAL;
			goto out;
		}
		obj = drm_gem_object_lookup(file, ubos[i].handle);
		if (!obj) {
			drm_dbg(drm, "SUBMIT: job %u: BO entry %u: no handle %u\n",
				idx, i, ubos[i].handle);
			ret = -ENOENT;
			goto out;
		}
		for (j = 0; j < job->bo_count; j++) {
			if (job->bos[j].obj == obj) {
				drm_dbg(drm, "SUBMIT: job %u: BO handle %u listed twice\n",
					idx, ubos[i].handle);
				drm_gem_object_put(obj);
				ret = -EINVAL;
				goto out;
			}
		}
		job->bos[job->bo_count].obj = obj;
		job->bos[job->bo_count].flags = ubos[i].flags;
		job->bo_count++;
	}

	/* The command BO is in the list, at least READ. */
	if (cmd_obj) {
		for (j = 0; j < job->bo_count; j++)
			if (job->bos[j].obj == cmd_obj)
				break;
		if (j < job->bo_count) {
			job->bos[j].flags |= DRM_AXON_JOB_BO_READ;
			drm_gem_object_put(cmd_obj);
		} else {
			job->bos[j].obj = cmd_obj;
			job->bos[j].flags = DRM_AXON_JOB_BO_READ;
			job->bo_count++;
		}
		cmd_key = cmd_obj;
		cmd_obj = NULL;
	}

	for (i = 0; i < job->bo_count; i++) {
		struct axon_job_bo *jbo = &job->bos[i];
		struct axon_bo *bo = to_axon_bo(jbo->obj);
		void *vaddr;

		jbo->mapping = axon_vm_find_bo(vm, bo);
		if (!jbo->mapping) {
			drm_dbg(drm, "SUBMIT: job %u: BO without a VA\n", idx);
			ret = -ENOENT;
			goto out;
		}
		jbo->va = axon_mapping_va(jbo->mapping);
		jbo->size = jbo->obj->size;
		vaddr = axon_bo_vmap(bo);
		if (IS_ERR(vaddr)) {
			ret = PTR_ERR(vaddr);
			drm_dbg(drm, "SUBMIT: job %u: BO at %#llx: vmap failed: %d\n",
				idx, jbo->va, ret);
			goto out;
		}
		jbo->vaddr = vaddr;
		if (jbo->obj == cmd_key)
			job->cmd_va = jbo->va + uj->cmd_offset;
	}

	if (uj->flags & DRM_AXON_JOB_CMD_VA)
		job->cmd_va = uj->cmd_offset;
	job->cmd_size = uj->cmd_size;

	/* The MMU looks ranges up by VA. */
	sort(job->bos, job->bo_count, sizeof(*job->bos), axon_job_bo_cmp,
	     NULL);

	if (uj->flags & DRM_AXON_JOB_CMD_VA) {
		for (i = 0; i < job->bo_count; i++) {
			const struct axon_job_bo *jbo = &job->bos[i];

			if (job->cmd_va >= jbo->va &&
			    job->cmd_va - jbo->va <= jbo->size &&
			    job->cmd_size <= jbo->size -
					     (job->cmd_va - jbo->va) &&
			    jbo->flags & DRM_AXON_JOB_BO_READ)
				break;
		}
		if (i == job->bo_count) {
			drm_dbg(drm, "SUBMIT: job %u: stream VA [%#llx, +%#llx) not inside one READ BO of the list\n",
				idx, job->cmd_va, job->cmd_size);
			ret = -EINVAL;
			goto out;
		}
	}
out:
	drm_gem_object_put(cmd_obj);
	kvfree(ubos);
	return ret;
}

/* Resolves the in-syncs to fences (waiting for submission if asked to). */
static int axon_job_get_in_syncs(struct drm_device *drm,
				 struct drm_file *file, struct axon_job *job,
				 const struct drm_axon_job *uj, u32 idx)
{
	struct drm_axon_sync *syncs;
	u32 i, n = uj->in_sync_count;
	int ret = 0;

	if (!n)
		return 0;
	syncs = kmalloc_array(n, sizeof(*syncs), GFP_KERNEL);
	job->in_fences = kcalloc(n, sizeof(*job->in_fences), GFP_KERNEL);
	if (!syncs || !job->in_fences) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(syncs, u64_to_user_ptr(uj->in_syncs),
			   n * sizeof(*syncs))) {
		drm_dbg(drm, "SUBMIT: job %u: in-syncs %#llx not readable\n",
			idx, uj->in_syncs);
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (syncs[i].flags & ~AXON_SYNC_IN_FLAGS) {
			drm_dbg(drm, "SUBMIT: job %u: in-sync %u flags %#x unknown\n",
				idx, i, syncs[i].flags);
			ret = -EINVAL;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		u64 flags = syncs[i].flags & DRM_AXON_SYNC_WAIT_FOR_SUBMIT ?
			    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT : 0;
		struct dma_fence *fence;

		ret = drm_syncobj_find_fence(file, syncs[i].handle,
					     syncs[i].point, flags, &fence);
		if (ret) {
			drm_dbg(drm, "SUBMIT: job %u: in-sync %u (handle %u point %llu): %s (%d)\n",
				idx, i, syncs[i].handle, syncs[i].point,
				ret == -ENOENT ? "no such syncobj" :
				ret == -EINVAL ? "no fence (submitted yet?)" :
				"wait failed", ret);
			goto out;
		}
		job->in_fences[job->in_fence_count++] = fence;
	}
out:
	kfree(syncs);
	return ret;
}

static int axon_job_get_out_syncs(struct drm_device *drm,
				  struct drm_file *file,
				  struct axon_submit_job *sj,
				  const struct drm_axon_job *uj, u32 idx)
{
	struct drm_axon_sync *syncs;
	u32 i, n = uj->out_sync_count;
	int ret = 0;

	if (!n)
		return 0;
	syncs = kmalloc_array(n, sizeof(*syncs), GFP_KERNEL);
	sj->outs = kcalloc(n, sizeof(*sj->outs), GFP_KERNEL);
	if (!syncs || !sj->outs) {
		ret = -ENOMEM;
		goto out;
	}
	sj->out_count = n;
	if (copy_from_user(syncs, u64_to_user_ptr(uj->out_syncs),
			   n * sizeof(*syncs))) {
		drm_dbg(drm, "SUBMIT: job %u: out-syncs %#llx not readable\n",
			idx, uj->out_syncs);
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct axon_out_sync *os = &sj->outs[i];

		if (syncs[i].flags) {
			drm_dbg(drm, "SUBMIT: job %u: out-sync %u flags %#x not zero\n",
				idx, i, syncs[i].flags);
			ret = -EINVAL;
			goto out;
		}
		os->syncobj = drm_syncobj_find(file, syncs[i].handle);
		if (!os->syncobj) {
			drm_dbg(drm, "SUBMIT: job %u: out-sync %u: no syncobj %u\n",
				idx, i, syncs[i].handle);
			ret = -ENOENT;
			goto out;
		}
		os->point = syncs[i].point;
		if (os->point) {
			os->chain = dma_fence_chain_alloc();
			if (!os->chain) {
				ret = -ENOMEM;
				goto out;
			}
		}
	}
out:
	kfree(syncs);
	return ret;
}

/* Phase 1 for one job: check and prepare everything. */
static int axon_job_prepare(struct drm_device *drm, struct drm_file *file,
			    struct axon_ctx *ctx, struct axon_submit_job *sj,
			    const struct drm_axon_job *uj, u32 idx)
{
	struct axon_device *adev = to_axon_device(drm);
	struct axon_job *job;
	u32 i;
	int ret;

	if (uj->flags & ~AXON_JOB_FLAGS) {
		drm_dbg(drm, "SUBMIT: job %u: unknown flags %#x\n", idx,
			uj->flags & ~AXON_JOB_FLAGS);
		return -EINVAL;
	}
	if (uj->extensions) {
		drm_dbg(drm, "SUBMIT: job %u: extensions %#llx: none defined\n",
			idx, uj->extensions);
		return -EINVAL;
	}
	if (uj->engine >= adev->profile->engine_count) {
		drm_dbg(drm, "SUBMIT: job %u: engine %u, device has %u\n",
			idx, uj->engine, adev->profile->engine_count);
		return -EINVAL;
	}
	if (!uj->cmd_size || !IS_ALIGNED(uj->cmd_size, 8) ||
	    !IS_ALIGNED(uj->cmd_offset, 8)) {
		drm_dbg(drm, "SUBMIT: job %u: stream offset %#llx size %#llx: zero or not 8-byte aligned\n",
			idx, uj->cmd_offset, uj->cmd_size);
		return -EINVAL;
	}
	if ((uj->flags & DRM_AXON_JOB_CMD_VA) && uj->cmd_handle) {
		drm_dbg(drm, "SUBMIT: job %u: CMD_VA with cmd_handle %u\n",
			idx, uj->cmd_handle);
		return -EINVAL;
	}
	if (uj->bo_count > AXON_MAX_BOS_PER_JOB ||
	    uj->in_sync_count > AXON_MAX_SYNCS_PER_JOB ||
	    uj->out_sync_count > AXON_MAX_SYNCS_PER_JOB) {
		drm_dbg(drm, "SUBMIT: job %u: %u BOs, %u in-syncs, %u out-syncs: above %u/%u\n",
			idx, uj->bo_count, uj->in_sync_count,
			uj->out_sync_count, AXON_MAX_BOS_PER_JOB,
			AXON_MAX_SYNCS_PER_JOB);
		return -E2BIG;
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	kref_get(&ctx->ref);
	job->ctx = ctx;
	job->eng = &adev->engines[uj->engine];
	job->flags = uj->flags;
	INIT_LIST_HEAD(&job->hw_link);
	sj->job = job;

	ret = axon_job_get_bos(drm, file, job, uj, idx);
	if (ret)
		return ret;
	ret = axon_job_get_out_syncs(drm, file, sj, uj, idx);
	if (ret)
		return ret;
	ret = axon_job_get_in_syncs(drm, file, job, uj, idx);
	if (ret)
		return ret;

	job->hw_fence = axon_hw_fence_alloc(adev);
	if (!job->hw_fence)
		return -ENOMEM;

	ret = axon_drm_sched_job_init(&job->base, &ctx->entities[uj->engine],
				      1, ctx, axon_drm_file_client_id(file));
	if (ret)
		return ret;

	for (i = 0; i < job->in_fence_count; i++) {
		ret = drm_sched_job_add_dependency(&job->base,
						   dma_fence_get(job->in_fences[i]));
		if (ret)
			return ret;
	}
	return 0;
}

static bool axon_job_implicit(const struct axon_job *job)
{
	return !(job->flags & DRM_AXON_JOB_NO_IMPLICIT_SYNC);
}

/* Phase 2: lock the reservations, reserve slots, add implicit deps. */
static int axon_submit_lock(struct drm_device *drm, struct drm_exec *exec,
			    struct axon_submit_job *sjs, u32 count)
{
	u32 i, b;
	int ret = 0;

	drm_exec_until_all_locked(exec) {
		for (i = 0; i < count; i++) {
			struct axon_job *job = sjs[i].job;

			if (!axon_job_implicit(job))
				continue;
			for (b = 0; b < job->bo_count; b++) {
				ret = drm_exec_prepare_obj(exec, job->bos[b].obj,
							   count);
				drm_exec_retry_on_contention(exec);
				if (ret) {
					drm_dbg(drm, "SUBMIT: locking BOs: %d\n",
						ret);
					return ret;
				}
			}
		}
	}

	for (i = 0; i < count; i++) {
		struct axon_job *job = sjs[i].job;

		if (!axon_job_implicit(job))
			continue;
		for (b = 0; b < job->bo_count; b++) {
			struct axon_job_bo *jbo = &job->bos[b];
			bool write = jbo->flags & DRM_AXON_JOB_BO_WRITE;

			ret = drm_sched_job_add_implicit_dependencies(&job->base,
								      jbo->obj,
								      write);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static bool axon_jobs_conflict(const struct axon_job *a,
			       const struct axon_job *b)
{
	u32 i, j;

	for (i = 0; i < a->bo_count; i++)
		for (j = 0; j < b->bo_count; j++)
			if (a->bos[i].obj == b->bos[j].obj &&
			    ((a->bos[i].flags | b->bos[j].flags) &
			     DRM_AXON_JOB_BO_WRITE))
				return true;
	return false;
}

/*
 * Phase 3, under the submit lock: jobs on different engines sharing a BO
 * (one writing it) run in submission order, as implicit sync would order
 * them across submits.
 */
static int axon_submit_order(struct axon_submit_job *sjs, u32 count)
{
	struct dma_fence *fence;
	u32 i, j;
	int ret;

	for (i = 1; i < count; i++) {
		struct axon_job *job = sjs[i].job;

		if (!axon_job_implicit(job))
			continue;
		for (j = 0; j < i; j++) {
			struct axon_job *prev = sjs[j].job;

			if (!axon_job_implicit(prev) || prev->eng == job->eng ||
			    !axon_jobs_conflict(prev, job))
				continue;
			fence = dma_fence_get(&prev->base.s_fence->finished);
			ret = drm_sched_job_add_dependency(&job->base, fence);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void axon_submit_push(struct axon_submit_job *sj)
{
	struct axon_job *job = sj->job;
	struct dma_fence *fence = &job->base.s_fence->finished;
	u32 i;

	atomic_inc(&job->ctx->adev->jobs_inflight);
	job->inflight = true;
	job->t_submit = ktime_get();
	trace_axon_job_submit(job);
	drm_sched_entity_push_job(&job->base);

	if (axon_job_implicit(job))
		for (i = 0; i < job->bo_count; i++)
			dma_resv_add_fence(job->bos[i].obj->resv, fence,
					   job->bos[i].flags & DRM_AXON_JOB_BO_WRITE ?
					   DMA_RESV_USAGE_WRITE :
					   DMA_RESV_USAGE_READ);

	for (i = 0; i < sj->out_count; i++) {
		struct axon_out_sync *os = &sj->outs[i];

		if (os->point) {
			drm_syncobj_add_point(os->syncobj, os->chain, fence,
					      os->point);
			os->chain = NULL;
		} else {
			drm_syncobj_replace_fence(os->syncobj, fence);
		}
	}
}

static int axon_submit_check_args(struct drm_device *drm,
				  const struct drm_axon_submit *args)
{
	if (args->flags || args->extensions) {
		drm_dbg(drm, "SUBMIT: flags %#x or extensions %#llx not zero\n",
			args->flags, args->extensions);
		return -EINVAL;
	}
	if (!args->job_count) {
		drm_dbg(drm, "SUBMIT: no job\n");
		return -EINVAL;
	}
	if (args->job_count > AXON_MAX_JOBS_PER_SUBMIT) {
		drm_dbg(drm, "SUBMIT: %u jobs, at most %u\n", args->job_count,
			AXON_MAX_JOBS_PER_SUBMIT);
		return -E2BIG;
	}
	if (args->job_stride < sizeof(struct drm_axon_job) ||
	    !IS_ALIGNED(args->job_stride, 8)) {
		drm_dbg(drm, "SUBMIT: job stride %u: below %zu or not a multiple of 8\n",
			args->job_stride, sizeof(struct drm_axon_job));
		return -EINVAL;
	}
	return 0;
}

static int axon_submit_copy_job(struct drm_device *drm,
				const struct drm_axon_submit *args, u32 idx,
				struct drm_axon_job *uj)
{
	void __user *ptr = u64_to_user_ptr(args->jobs +
					   (u64)idx * args->job_stride);
	int ret;

	if (copy_from_user(uj, ptr, sizeof(*uj))) {
		drm_dbg(drm, "SUBMIT: job %u not readable\n", idx);
		return -EFAULT;
	}
	if (args->job_stride > sizeof(*uj)) {
		ret = check_zeroed_user(ptr + sizeof(*uj),
					args->job_stride - sizeof(*uj));
		if (ret < 0) {
			drm_dbg(drm, "SUBMIT: job %u not readable\n", idx);
			return -EFAULT;
		}
		if (!ret) {
			drm_dbg(drm, "SUBMIT: job %u: fields unknown to this kernel are set\n",
				idx);
			return -E2BIG;
		}
	}
	return 0;
}

int axon_ioctl_submit(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct axon_device *adev = to_axon_device(drm);
	struct axon_file *afile = to_axon_file(file);
	struct drm_axon_submit *args = data;
	struct axon_submit_job *sjs = NULL;
	struct drm_exec exec;
	bool config_locked = false;
	struct axon_ctx *ctx;
	u32 i, count;
	int ret;

	ret = axon_submit_check_args(drm, args);
	if (ret)
		return ret;
	count = args->job_count;

	ctx = axon_ctx_lookup(afile, args->ctx_id);
	if (!ctx) {
		drm_dbg(drm, "SUBMIT: no context %u\n", args->ctx_id);
		return -ENOENT;
	}
	if (READ_ONCE(ctx->banned)) {
		drm_dbg(drm, "SUBMIT: context %u is banned\n", ctx->id);
		ret = -ECANCELED;
		goto out_ctx;
	}
	if ((adev->caps & DRM_AXON_CAP_CONFIG_LOAD) &&
	    !(READ_ONCE(adev->state) & DRM_AXON_STATE_CONFIGURED)) {
		drm_dbg(drm, "SUBMIT: device has no configuration loaded\n");
		ret = -ENODATA;
		goto out_ctx;
	}

	sjs = kvcalloc(count, sizeof(*sjs), GFP_KERNEL);
	if (!sjs) {
		ret = -ENOMEM;
		goto out_ctx;
	}

	/* Phase 1 */
	for (i = 0; i < count; i++) {
		struct drm_axon_job uj;

		ret = axon_submit_copy_job(drm, args, i, &uj);
		if (ret)
			goto out_jobs;
		ret = axon_job_prepare(drm, file, ctx, &sjs[i], &uj, i);
		if (ret)
			goto out_jobs;
	}

	/* Phase 2 */
	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT |
		      DRM_EXEC_IGNORE_DUPLICATES, 0);
	ret = axon_submit_lock(drm, &exec, sjs, count);
	if (ret)
		goto out_exec;

	/* Phase 3 */
	ret = mutex_lock_interruptible(&ctx->submit_lock);
	if (ret)
		goto out_exec;
	if (ctx->destroyed) {
		drm_dbg(drm, "SUBMIT: context %u was destroyed\n", ctx->id);
		ret = -ENOENT;
		goto out_unlock;
	}
	if (READ_ONCE(ctx->banned)) {
		drm_dbg(drm, "SUBMIT: context %u is banned\n", ctx->id);
		ret = -ECANCELED;
		goto out_unlock;
	}
	/*
	 * A device that needs a configuration: CONFIG_LOAD checks that no job
	 * is in flight under config_lock, so the check above is repeated and
	 * the jobs are counted in flight under it too.
	 */
	if (adev->caps & DRM_AXON_CAP_CONFIG_LOAD) {
		ret = mutex_lock_interruptible(&adev->config_lock);
		if (ret)
			goto out_unlock;
		config_locked = true;
		if (!(adev->state & DRM_AXON_STATE_CONFIGURED)) {
			drm_dbg(drm, "SUBMIT: device has no configuration loaded\n");
			ret = -ENODATA;
			goto out_unlock;
		}
	}
	for (i = 0; i < count; i++) {
		drm_sched_job_arm(&sjs[i].job->base);
		sjs[i].job->seqno = ctx->submitted_seqno + 1 + i;
	}
	ret = axon_submit_order(sjs, count);
	if (ret)
		goto out_unlock;
	for (i = 0; i < count; i++) {
		axon_submit_push(&sjs[i]);
		/* The scheduler owns the job now. */
		sjs[i].job = NULL;
	}
	ctx->submitted_seqno += count;
	args->seqno = ctx->submitted_seqno;

out_unlock:
	if (config_locked)
		mutex_unlock(&adev->config_lock);
	mutex_unlock(&ctx->submit_lock);
out_exec:
	drm_exec_fini(&exec);
out_jobs:
	for (i = 0; i < count; i++)
		axon_submit_job_free(&sjs[i]);
	kvfree(sjs);
out_ctx:
	axon_ctx_put(ctx);
	return ret;
}
