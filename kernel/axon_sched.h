/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * axon: job execution: engines, contexts, jobs.
 *
 * Copyright (C) 2025 The axon authors
 */

#ifndef __AXON_SCHED_H__
#define __AXON_SCHED_H__

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <drm/gpu_scheduler.h>

#include "axon_drv.h"
#include "axon_hw.h"

/* Most engines a device may have (fdinfo counters are sized by it). */
#define AXON_MAX_ENGINES	4

/* Fault injection into the next job run on the device (debugfs). */
enum axon_inject {
	AXON_INJECT_NONE,
	AXON_INJECT_HANG,
	AXON_INJECT_MMU,
	AXON_INJECT_ERROR,
	AXON_INJECT_LATE,
};

/**
 * struct axon_engine - one execution engine and its scheduler
 * @adev: device
 * @index: engine index
 * @name: "<type><index>", fdinfo key and timeline name
 * @sched: the engine's scheduler
 * @fence_lock: lock of the engine's hardware fences
 * @fence_context: dma_fence context of the hardware fences
 * @fence_seqno: last hardware fence seqno (under @fence_lock)
 * @reset_lock: serialises timeout handling and forced resets
 * @seen_progress: progress counter at the last timeout check
 * @reset_count: engine resets so far
 * @busy_ns: time jobs ran on the engine (sysfs utilisation)
 * @hw: backend private state
 */
struct axon_engine {
	struct axon_device *adev;
	unsigned int index;
	char name[16];
	struct drm_gpu_scheduler sched;
	spinlock_t fence_lock;		/* hardware fences */
	u64 fence_context;
	u64 fence_seqno;
	struct mutex reset_lock;	/* timeout handler vs forced reset */
	u64 seen_progress;
	atomic_t reset_count;
	atomic64_t busy_ns;
	void *hw;
};

/**
 * struct axon_client - per-file counters that outlive the file's jobs
 * @ref: the file and every context
 * @id: unique for the module's lifetime (unlike the address)
 * @busy_ns: time jobs of the file ran, per engine
 */
struct axon_client {
	struct kref ref;
	u64 id;
	atomic64_t busy_ns[AXON_MAX_ENGINES];
};

/**
 * struct axon_ctx - an execution context
 * @ref: the file's context table, and every job
 * @adev: device
 * @client: counters of the owning file
 * @id: context id in the file
 * @priority: DRM_AXON_CTX_PRIORITY_*
 * @entities: one scheduler entity per engine
 * @guilty: set when banned; makes the entities cancel later jobs
 * @submit_lock: orders arm and push of the context's jobs
 * @submitted_seqno: seqno of the last job queued (under @submit_lock)
 * @destroyed: the entities are being destroyed: no more pushes (under
 *	@submit_lock)
 * @completed_seqno: seqno of the last job completed
 * @fault_lock: protects the fault fields
 * @banned: a job faulted or hung
 * @fault: DRM_AXON_FAULT_* of the first fault
 * @fault_status: ISA status of the first fault
 * @fault_packet: packet index of the first fault
 * @fault_engine: engine of the first fault
 * @fault_seqno: seqno of the first faulting job
 * @fault_va: device VA of the first MMU fault
 * @fault_count: faults so far
 */
struct axon_ctx {
	struct kref ref;
	struct axon_device *adev;
	struct axon_client *client;
	u32 id;
	u32 priority;
	struct drm_sched_entity entities[AXON_MAX_ENGINES];
	atomic_t guilty;
	struct mutex submit_lock;	/* arm + push order */
	u64 submitted_seqno;
	bool destroyed;
	atomic64_t completed_seqno;
	spinlock_t fault_lock;		/* fault fields */
	bool banned;
	u32 fault;
	u32 fault_status;
	u32 fault_packet;
	u32 fault_engine;
	u64 fault_seqno;
	u64 fault_va;
	u32 fault_count;
};

/**
 * struct axon_job_bo - a BO mapped for a job (the job's MMU view)
 * @va: device VA of the BO in the submitting file
 * @size: BO size
 * @flags: DRM_AXON_JOB_BO_*
 * @obj: GEM object, referenced
 * @mapping: VA mapping, referenced (keeps the VA reserved)
 * @vaddr: kernel mapping of the BO, held for the job's lifetime
 */
struct axon_job_bo {
	u64 va;
	u64 size;
	u32 flags;
	struct drm_gem_object *obj;
	struct axon_mapping *mapping;
	void *vaddr;
};

/**
 * struct axon_job - one job
 * @base: scheduler job
 * @ctx: context, referenced
 * @eng: engine
 * @flags: DRM_AXON_JOB_*
 * @seqno: per-context sequence number
 * @cmd_va: device VA of the command stream
 * @cmd_size: stream size
 * @bo_count: entries in @bos
 * @bos: BOs the job may access, sorted by VA
 * @in_fence_count: entries in @in_fences
 * @in_fences: in-sync fences, referenced, checked for errors at run time
 * @hw_fence: hardware fence, allocated at submit, initialised by run_job
 * @hw_queued: handed to the backend (a resubmit returns the same fence)
 * @inflight: counted in &axon_device.jobs_inflight: from its push until it
 *	completes (axon_job_hw_done()), or until it is freed if it never ran
 * @hw_link: backend queue entry
 * @timed_out: the timeout handler declared the job hung
 * @inject: AXON_INJECT_* applied to this run
 * @status: enum axon_isa_status of the run
 * @packet: packet index of @status
 * @fault_va: VA of an MMU fault
 * @error: fence error of the run
 * @t_submit: ktime of SUBMIT
 * @t_start: ktime the engine started the job
 * @t_end: ktime the engine finished the job
 */
struct axon_job {
	struct drm_sched_job base;
	struct axon_ctx *ctx;
	struct axon_engine *eng;
	u32 flags;
	u64 seqno;
	u64 cmd_va;
	u64 cmd_size;
	u32 bo_count;
	struct axon_job_bo *bos;
	u32 in_fence_count;
	struct dma_fence **in_fences;
	struct dma_fence *hw_fence;
	bool hw_queued;
	bool inflight;
	struct list_head hw_link;
	bool timed_out;
	u32 inject;
	u32 status;
	u32 packet;
	u64 fault_va;
	int error;
	ktime_t t_submit;
	ktime_t t_start;
	ktime_t t_end;
};

static inline struct axon_job *to_axon_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct axon_job, base);
}

/* axon_sched.c */
extern unsigned int axon_hang_timeout_ms;
int axon_sched_init(struct axon_device *adev);
int axon_sched_module_init(void);
void axon_sched_module_exit(void);
struct dma_fence *axon_hw_fence_alloc(struct axon_device *adev);
void axon_hw_fence_free(struct dma_fence *fence);
void axon_hw_fence_cancelled(struct axon_job *job);
void axon_job_hw_done(struct axon_job *job);
void axon_job_inflight_done(struct axon_job *job);
void axon_job_free(struct axon_job *job);
int axon_sched_force_reset(struct axon_engine *eng);
void axon_sched_show_fdinfo(struct drm_printer *p, struct drm_file *file);

/* axon_ctx.c */
int axon_ctx_file_init(struct axon_file *afile);
void axon_ctx_file_fini(struct axon_file *afile);
struct axon_ctx *axon_ctx_lookup(struct axon_file *afile, u32 id);
void axon_ctx_put(struct axon_ctx *ctx);
void axon_ctx_fault(struct axon_ctx *ctx, struct axon_job *job, u32 fault);
int axon_ioctl_ctx_create(struct drm_device *drm, void *data,
			  struct drm_file *file);
int axon_ioctl_ctx_destroy(struct drm_device *drm, void *data,
			   struct drm_file *file);
int axon_ioctl_ctx_status(struct drm_device *drm, void *data,
			  struct drm_file *file);

/* axon_job.c */
int axon_ioctl_submit(struct drm_device *drm, void *data,
		      struct drm_file *file);

/* axon_fw.c */
int axon_fw_load(struct axon_device *adev);
int axon_ioctl_config_load(struct drm_device *drm, void *data,
			   struct drm_file *file);

/* axon_inject.c */
void axon_inject_debugfs_init(struct axon_device *adev);

#endif /* __AXON_SCHED_H__ */
