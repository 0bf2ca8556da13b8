// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: execution contexts and their ioctls.
 *
 * A context has a priority and one scheduler entity per engine; it shares
 * the file's address space. A job that faults or hangs bans its context:
 * later jobs are cancelled and SUBMIT fails with -ECANCELED.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "axon_sched.h"

static atomic64_t axon_client_ids = ATOMIC64_INIT(0);

static void axon_client_release(struct kref *ref)
{
	kfree(container_of(ref, struct axon_client, ref));
}

static void axon_client_put(struct axon_client *client)
{
	kref_put(&client->ref, axon_client_release);
}

/**
 * axon_ctx_file_init() - context state of a new file
 * @afile: file
 *
 * Return: 0 or -ENOMEM.
 */
int axon_ctx_file_init(struct axon_file *afile)
{
	afile->client = kzalloc(sizeof(*afile->client), GFP_KERNEL);
	if (!afile->client)
		return -ENOMEM;
	kref_init(&afile->client->ref);
	afile->client->id = atomic64_inc_return(&axon_client_ids);
	xa_init_flags(&afile->ctxs, XA_FLAGS_ALLOC1);
	return 0;
}

static void axon_ctx_release(struct kref *ref)
{
	struct axon_ctx *ctx = container_of(ref, struct axon_ctx, ref);

	axon_client_put(ctx->client);
	mutex_destroy(&ctx->submit_lock);
	kfree(ctx);
}

/**
 * axon_ctx_put() - drop a context reference
 * @ctx: context, may be NULL
 */
void axon_ctx_put(struct axon_ctx *ctx)
{
	if (ctx)
		kref_put(&ctx->ref, axon_ctx_release);
}

/**
 * axon_ctx_lookup() - a context of a file
 * @afile: file
 * @id: context id
 *
 * Return: a referenced context or NULL.
 */
struct axon_ctx *axon_ctx_lookup(struct axon_file *afile, u32 id)
{
	struct axon_ctx *ctx;

	xa_lock(&afile->ctxs);
	ctx = xa_load(&afile->ctxs, id);
	if (ctx && !kref_get_unless_zero(&ctx->ref))
		ctx = NULL;
	xa_unlock(&afile->ctxs);
	return ctx;
}

/*
 * Queued jobs get up to a second to reach the engine, then are cancelled
 * (-ESRCH); jobs already on the engine keep their context reference.
 */
static void axon_ctx_destroy(struct axon_ctx *ctx)
{
	unsigned int i;

	/*
	 * A SUBMIT that looked the context up before it left the table must
	 * not push to entities being destroyed: the scheduler would drop such
	 * jobs without ever signalling their fences.
	 */
	mutex_lock(&ctx->submit_lock);
	ctx->destroyed = true;
	mutex_unlock(&ctx->submit_lock);

	for (i = 0; i < ctx->adev->profile->engine_count; i++)
		drm_sched_entity_destroy(&ctx->entities[i]);
	axon_ctx_put(ctx);
}

/**
 * axon_ctx_file_fini() - destroy the contexts of a closing file
 * @afile: file
 */
void axon_ctx_file_fini(struct axon_file *afile)
{
	struct axon_ctx *ctx;
	unsigned long id;

	xa_for_each(&afile->ctxs, id, ctx) {
		xa_erase(&afile->ctxs, id);
		axon_ctx_destroy(ctx);
	}
	xa_destroy(&afile->ctxs);
	axon_client_put(afile->client);
}

/**
 * axon_ctx_fault() - record a fault of a job and ban its context
 * @ctx: context
 * @job: faulting job
 * @fault: DRM_AXON_FAULT_*
 *
 * Fence-signalling path: spinlock only.
 */
void axon_ctx_fault(struct axon_ctx *ctx, struct axon_job *job, u32 fault)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (!ctx->banned) {
		ctx->banned = true;
		ctx->fault = fault;
		ctx->fault_status = job->status;
		ctx->fault_packet = job->packet;
		ctx->fault_engine = job->eng->index;
		ctx->fault_seqno = job->seqno;
		ctx->fault_va = job->fault_va;
	}
	ctx->fault_count++;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	/* Entities cancel the jobs they pop from now on. */
	atomic_set(&ctx->guilty, 1);
}

static enum drm_sched_priority axon_ctx_sched_priority(u32 priority)
{
	switch (priority) {
	case DRM_AXON_CTX_PRIORITY_LOW:
		return DRM_SCHED_PRIORITY_LOW;
	case DRM_AXON_CTX_PRIORITY_HIGH:
		return DRM_SCHED_PRIORITY_HIGH;
	default:
		return DRM_SCHED_PRIORITY_NORMAL;
	}
}

int axon_ioctl_ctx_create(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct axon_device *adev = to_axon_device(drm);
	struct axon_file *afile = to_axon_file(file);
	struct drm_axon_ctx_create *args = data;
	unsigned int i, count = adev->profile->engine_count;
	struct axon_ctx *ctx;
	u32 id;
	int ret;

	if (args->flags || args->pad || args->extensions) {
		drm_dbg(drm, "CTX_CREATE: flags %#x, pad %#x or extensions %#llx not zero\n",
			args->flags, args->pad, args->extensions);
		return -EINVAL;
	}
	if (args->priority > DRM_AXON_CTX_PRIORITY_HIGH) {
		drm_dbg(drm, "CTX_CREATE: unknown priority %u\n",
			args->priority);
		return -EINVAL;
	}
	if (args->priority == DRM_AXON_CTX_PRIORITY_HIGH &&
	    !capable(CAP_SYS_NICE)) {
		drm_dbg(drm, "CTX_CREATE: high priority needs CAP_SYS_NICE\n");
		return -EPERM;
	}

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->ref);
	ctx->adev = adev;
	ctx->priority = args->priority;
	mutex_init(&ctx->submit_lock);
	spin_lock_init(&ctx->fault_lock);
	atomic64_set(&ctx->completed_seqno, 0);
	kref_get(&afile->client->ref);
	ctx->client = afile->client;

	for (i = 0; i < count; i++) {
		struct drm_gpu_scheduler *sched = &adev->engines[i].sched;

		ret = drm_sched_entity_init(&ctx->entities[i],
					    axon_ctx_sched_priority(args->priority),
					    &sched, 1, &ctx->guilty);
		if (ret)
			goto err_entities;
	}

	ret = xa_alloc(&afile->ctxs, &id, ctx,
		       XA_LIMIT(1, AXON_MAX_CONTEXTS), GFP_KERNEL);
	if (ret) {
		drm_dbg(drm, "CTX_CREATE: %u contexts already\n",
			AXON_MAX_CONTEXTS);
		if (ret == -EBUSY)
			ret = -ENOSPC;
		goto err_entities;
	}
	ctx->id = id;
	args->ctx_id = id;
	return 0;

err_entities:
	while (i--)
		drm_sched_entity_destroy(&ctx->entities[i]);
	axon_ctx_put(ctx);
	return ret;
}

int axon_ioctl_ctx_destroy(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct axon_file *afile = to_axon_file(file);
	struct drm_axon_ctx_destroy *args = data;
	struct axon_ctx *ctx;

	if (args->pad) {
		drm_dbg(drm, "CTX_DESTROY: pad %#x not zero\n", args->pad);
		return -EINVAL;
	}
	ctx = xa_erase(&afile->ctxs, args->ctx_id);
	if (!ctx) {
		drm_dbg(drm, "CTX_DESTROY: no context %u\n", args->ctx_id);
		return -ENOENT;
	}
	axon_ctx_destroy(ctx);
	return 0;
}

int axon_ioctl_ctx_status(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct axon_file *afile = to_axon_file(file);
	struct drm_axon_ctx_status *args = data;
	struct axon_ctx *ctx;

	if (args->flags) {
		drm_dbg(drm, "CTX_STATUS: flags %#x not zero\n", args->flags);
		return -EINVAL;
	}
	ctx = axon_ctx_lookup(afile, args->ctx_id);
	if (!ctx) {
		drm_dbg(drm, "CTX_STATUS: no context %u\n", args->ctx_id);
		return -ENOENT;
	}

	mutex_lock(&ctx->submit_lock);
	args->submitted_seqno = ctx->submitted_seqno;
	mutex_unlock(&ctx->submit_lock);
	args->completed_seqno = atomic64_read(&ctx->completed_seqno);

	spin_lock_irq(&ctx->fault_lock);
	args->state = ctx->banned ? DRM_AXON_CTX_STATE_BANNED :
				    DRM_AXON_CTX_STATE_ACTIVE;
	args->fault = ctx->fault;
	args->fault_seqno = ctx->fault_seqno;
	args->fault_va = ctx->fault_va;
	args->fault_engine = ctx->fault_engine;
	args->fault_count = ctx->fault_count;
	args->fault_status = ctx->fault_status;
	args->fault_packet = ctx->banned ? ctx->fault_packet : ~0U;
	spin_unlock_irq(&ctx->fault_lock);

	axon_ctx_put(ctx);
	return 0;
}
