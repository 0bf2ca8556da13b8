/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * axon: wrappers over kernel APIs that changed after Linux 6.12.
 *
 * Copyright (C) 2025 The axon authors
 *
 * Which form a kernel has is found by build-time probes
 * (the .c files in kernel/compat/probes/, run by Kbuild.compat into
 * axon_compat_gen.h), never by comparing version numbers: distribution
 * kernels backport API changes. Every wrapper names the probe it follows.
 */

#ifndef __AXON_COMPAT_H__
#define __AXON_COMPAT_H__

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/gpu_scheduler.h>
#include <linux/iosys-map.h>
#include <linux/module.h>

#include "axon_compat_gen.h"

/* sched_init_args: drm_sched_init() with an argument struct (6.15) */
#ifndef AXON_HAVE_SCHED_INIT_ARGS
struct drm_sched_init_args {
	const struct drm_sched_backend_ops *ops;
	struct workqueue_struct *submit_wq;
	struct workqueue_struct *timeout_wq;
	u32 num_rqs;
	u32 credit_limit;
	unsigned int hang_limit;
	long timeout;
	atomic_t *score;
	const char *name;
	struct device *dev;
};
#endif

/**
 * axon_drm_sched_init() - drm_sched_init() with the argument struct
 * @sched: scheduler
 * @args: parameters
 *
 * Return: 0 or a negative errno.
 */
static inline int axon_drm_sched_init(struct drm_gpu_scheduler *sched,
				      const struct drm_sched_init_args *args)
{
#ifdef AXON_HAVE_SCHED_INIT_ARGS
	return drm_sched_init(sched, args);
#else
	return drm_sched_init(sched, args->ops, args->submit_wq, args->num_rqs,
			      args->credit_limit, args->hang_limit,
			      args->timeout, args->timeout_wq, args->score,
			      args->name, args->dev);
#endif
}

/**
 * axon_drm_sched_job_init() - drm_sched_job_init() with a DRM client id
 * @job: job
 * @entity: entity it is queued on
 * @credits: scheduler credits it takes
 * @owner: owner (for the gpu_scheduler tracepoints)
 * @client_id: DRM client id (ignored by kernels before 6.15)
 *
 * Return: 0 or a negative errno.
 */
static inline int axon_drm_sched_job_init(struct drm_sched_job *job,
					  struct drm_sched_entity *entity,
					  u32 credits, void *owner, u64 client_id)
{
#ifdef AXON_HAVE_SCHED_JOB_INIT_CLIENT_ID
	return drm_sched_job_init(job, entity, credits, owner, client_id);
#else
	return drm_sched_job_init(job, entity, credits, owner);
#endif
}

/**
 * axon_drm_file_client_id() - the DRM client id of a file (0 before 6.15)
 * @file: DRM file
 *
 * Return: the id.
 */
static inline u64 axon_drm_file_client_id(const struct drm_file *file)
{
#ifdef AXON_HAVE_DRM_FILE_CLIENT_ID
	return file->client_id;
#else
	return 0;
#endif
}

/**
 * axon_drm_sched_start() - restart a scheduler after a reset
 * @sched: scheduler
 * @errno: error for the fences of jobs that are not resubmitted (kernels
 *         before 6.13 always use -ECANCELED)
 */
static inline void axon_drm_sched_start(struct drm_gpu_scheduler *sched, int errno)
{
#ifdef AXON_HAVE_SCHED_START_ERRNO
	drm_sched_start(sched, errno);
#else
	drm_sched_start(sched);
#endif
}

/* sched_stat_reset: timedout_job() after a reset (_NOMINAL before 6.17) */
#ifdef AXON_HAVE_SCHED_STAT_RESET
#define AXON_SCHED_STAT_RESET	DRM_GPU_SCHED_STAT_RESET
#else
#define AXON_SCHED_STAT_RESET	DRM_GPU_SCHED_STAT_NOMINAL
#endif

/**
 * axon_drm_sched_no_hang() - timedout_job() return for a job that did not hang
 * @sched: its scheduler
 * @job: the job drm_sched_job_timedout() took off the pending list
 *
 * Kernels with DRM_GPU_SCHED_STAT_NO_HANG (6.17) put @job back on the
 * pending list themselves; before, the driver must, or the job is lost.
 * Call with nothing that the scheduler's job list lock nests under held.
 *
 * Return: the status for timedout_job() to return.
 */
static inline enum drm_gpu_sched_stat
axon_drm_sched_no_hang(struct drm_gpu_scheduler *sched, struct drm_sched_job *job)
{
#ifdef AXON_HAVE_SCHED_STAT_NO_HANG
	return DRM_GPU_SCHED_STAT_NO_HANG;
#else
	spin_lock(&sched->job_list_lock);
	list_add(&job->list, &sched->pending_list);
	spin_unlock(&sched->job_list_lock);
	/* Let the free worker see it if it completed meanwhile. */
	drm_sched_wqueue_start(sched);
	return DRM_GPU_SCHED_STAT_NOMINAL;
#endif
}

/**
 * axon_drm_gem_vmap() - kernel mapping of a GEM object, taking its lock
 * @obj: object
 * @map: the mapping
 *
 * drm_gem_vmap_unlocked() until 6.16 renamed it drm_gem_vmap().
 *
 * Return: 0 or a negative errno.
 */
static inline int axon_drm_gem_vmap(struct drm_gem_object *obj,
				    struct iosys_map *map)
{
#ifdef AXON_HAVE_GEM_VMAP_UNLOCKED
	return drm_gem_vmap_unlocked(obj, map);
#else
	return drm_gem_vmap(obj, map);
#endif
}

/**
 * axon_drm_gem_vunmap() - release a mapping from axon_drm_gem_vmap()
 * @obj: object
 * @map: the mapping
 */
static inline void axon_drm_gem_vunmap(struct drm_gem_object *obj,
				       struct iosys_map *map)
{
#ifdef AXON_HAVE_GEM_VMAP_UNLOCKED
	drm_gem_vunmap_unlocked(obj, map);
#else
	drm_gem_vunmap(obj, map);
#endif
}

/*
 * module_import_ns_token: MODULE_IMPORT_NS(DMA_BUF) before 6.13,
 * MODULE_IMPORT_NS("DMA_BUF") since. AXON_IMPORT_NS(DMA_BUF) works on both.
 */
#ifdef AXON_HAVE_MODULE_IMPORT_NS_TOKEN
#define AXON_IMPORT_NS(ns)	MODULE_IMPORT_NS(ns)
#else
#define AXON_IMPORT_NS(ns)	MODULE_IMPORT_NS(#ns)
#endif

/*
 * platform_remove_void: platform_driver.remove returns void since 6.11
 * (before: int, with .remove_new for void). AXON_PLATFORM_REMOVE(fn) sets
 * the right member for a void fn(struct platform_device *).
 */
#ifdef AXON_HAVE_PLATFORM_REMOVE_VOID
#define AXON_PLATFORM_REMOVE(fn)	.remove = (fn)
#else
#define AXON_PLATFORM_REMOVE(fn)	.remove_new = (fn)
#endif

#endif /* __AXON_COMPAT_H__ */
