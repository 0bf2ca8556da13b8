/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * axon: shared driver structures.
 *
 * Copyright (C) 2025 The axon authors
 */

#ifndef __AXON_DRV_H__
#define __AXON_DRV_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>
#include <drm/drm_print.h>

#include "drm/axon_accel.h"

#define AXON_DRIVER_NAME	"axon"
#define AXON_DRIVER_DESC	"axon NPU/DSP/DPU accelerator"

/* Most devices the emulate= module parameter may create. */
#define AXON_MAX_DEVICES	8

/* Version reported by the built-in (emulated) firmware. */
#define AXON_EMU_FW_VERSION	DRM_AXON_VERSION(1, 0, 0)

/* ------------------------------------------------------------------------
 * Device profiles (axon_device.c)
 */

/**
 * struct axon_profile - static capability profile of a device type
 * @type: DRM_AXON_DEVICE_TYPE_*
 * @name: sysfs and emulate= name ("npu", "dsp", "dpu")
 * @engine_count: engines of the device
 * @sram_size: on-chip SRAM per engine, bytes
 * @compute_in_sram: compute operands must be in SRAM (streams are validated
 *	with AXON_FW_L_COMPUTE_IN_SRAM; only DMA and FILL address device VAs)
 * @ops: DRM_AXON_OP_* bits (bit n = ISA opcode n)
 * @dtypes: DRM_AXON_DTYPE_* element types
 * @caps: DRM_AXON_CAP_* bits the device always has
 * @macs_per_cycle: int8 MACs per cycle per engine
 * @clock_khz: engine clock
 * @mem_bandwidth_mbps: memory bandwidth, MB/s
 * @va_start: first device VA handed out
 * @va_end: end (exclusive) of the device VA range
 * @max_bo_size: largest BO
 */
struct axon_profile {
	u32 type;
	const char *name;
	u32 engine_count;
	u64 sram_size;
	bool compute_in_sram;
	u64 ops;
	u32 dtypes;
	u64 caps;
	u32 macs_per_cycle;
	u32 clock_khz;
	u32 mem_bandwidth_mbps;
	u64 va_start;
	u64 va_end;
	u64 max_bo_size;
};

const struct axon_profile *axon_profile_by_name(const char *name);

/* Limits advertised for submission (enforced by the submit path). */
#define AXON_MAX_CONTEXTS		64
#define AXON_MAX_JOBS_PER_SUBMIT	64
#define AXON_MAX_BOS_PER_JOB		256
#define AXON_MAX_SYNCS_PER_JOB		64

/* ------------------------------------------------------------------------
 * Device
 */

/**
 * struct axon_device - one accelerator instance (/dev/accel/accelN)
 * @drm: DRM device, embedded; its lifetime is the axon_device's
 * @profile: capability profile of the device type
 * @index: position of the device in the emulate= list
 * @caps: DRM_AXON_CAP_* advertised (profile caps plus backend features)
 * @fw_version: DRM_AXON_VERSION() of the running firmware
 * @isa_version: DRM_AXON_VERSION() of the command-stream ISA
 * @config_version: version of the loaded configuration, 0 if none
 * @state: DRM_AXON_STATE_* bits
 * @bo_count: live BOs of this device (debugfs, leak checks)
 */
struct axon_device {
	struct drm_device drm;
	const struct axon_profile *profile;
	unsigned int index;
	u64 caps;
	u32 fw_version;
	u32 isa_version;
	u32 config_version;
	u32 state;
	atomic_t bo_count;

	/* Job execution (axon_sched.h): */
	/** @hw_ops: hardware backend (axon_hw.h) */
	const struct axon_hw_ops *hw_ops;
	/** @hw_priv: backend private data */
	void *hw_priv;
	/** @engines: profile->engine_count engines and their schedulers */
	struct axon_engine *engines;
	/** @config_lock: serialises configuration loads against submits */
	struct mutex config_lock;
	/**
	 * @jobs_inflight: jobs pushed and not yet completed (their hardware
	 * fence signalled) or cancelled; CONFIG_LOAD needs it at 0
	 */
	atomic_t jobs_inflight;
	/** @inject: AXON_INJECT_* for the next job run (debugfs) */
	atomic_t inject;
};

#define to_axon_device(dev) container_of(dev, struct axon_device, drm)

int axon_device_init(struct axon_device *adev,
		     const struct axon_profile *profile, unsigned int index);

/* ------------------------------------------------------------------------
 * Per-file device address space (axon_vm.c)
 */

/**
 * struct axon_vm - device virtual address space of one file
 * @ref: references: the file, and every mapping
 * @adev: device
 * @lock: protects @mm
 * @mm: VA allocator over [profile->va_start, profile->va_end)
 *
 * Every BO with a handle in the file has exactly one &struct axon_mapping
 * here. The VM outlives the file while mappings (e.g. held by jobs) remain.
 */
struct axon_vm {
	struct kref ref;
	struct axon_device *adev;
	struct mutex lock;		/* protects mm */
	struct drm_mm mm;
};

/**
 * struct axon_mapping - a BO mapped in one file's address space
 * @ref: references: one for all handles of the file, one per user (job)
 * @vm: address space, referenced
 * @bo: buffer object, referenced
 * @node: VA range: the BO, followed by an unmapped guard granule
 * @bo_link: entry in &axon_bo.mappings
 * @handle_count: handles of @vm's file naming @bo (under bo->mappings_lock)
 */
struct axon_mapping {
	struct kref ref;
	struct axon_vm *vm;
	struct axon_bo *bo;
	struct drm_mm_node node;
	struct list_head bo_link;
	unsigned int handle_count;
};

/* Size of the unmapped gap after each BO in the device address space. */
#define AXON_VA_GUARD		PAGE_SIZE

struct axon_vm *axon_vm_create(struct axon_device *adev);
void axon_vm_put(struct axon_vm *vm);
int axon_vm_map_bo(struct axon_vm *vm, struct axon_bo *bo);
void axon_vm_unmap_bo(struct axon_vm *vm, struct axon_bo *bo);
struct axon_mapping *axon_vm_find_bo(struct axon_vm *vm, struct axon_bo *bo);
struct axon_mapping *axon_vm_lookup(struct axon_vm *vm, u64 va, u64 size);
void axon_mapping_put(struct axon_mapping *mapping);

static inline u64 axon_mapping_va(const struct axon_mapping *mapping)
{
	return mapping->node.start;
}

/* ------------------------------------------------------------------------
 * Per-file state (axon_drv.c)
 */

/**
 * struct axon_file - driver state of one open file
 * @adev: device
 * @vm: the file's device address space
 *
 * @ctxs: contexts (struct axon_ctx), ids from 1 (axon_ctx.c)
 * @client: per-engine busy-time counters for fdinfo (axon_sched.c)
 */
struct axon_file {
	struct axon_device *adev;
	struct axon_vm *vm;
	struct xarray ctxs;
	struct axon_client *client;
};

static inline struct axon_file *to_axon_file(struct drm_file *file)
{
	return file->driver_priv;
}

/* ------------------------------------------------------------------------
 * Buffer objects (axon_gem.c)
 */

/**
 * struct axon_bo - shmem-backed or imported buffer object
 * @base: shmem GEM object
 * @flags: DRM_AXON_BO_* creation flags
 * @mappings_lock: protects @mappings and mapping handle counts
 * @mappings: &struct axon_mapping of every file the BO has a handle in
 */
struct axon_bo {
	struct drm_gem_shmem_object base;
	u32 flags;
	struct mutex mappings_lock;	/* protects mappings */
	struct list_head mappings;
};

static inline struct axon_bo *to_axon_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct axon_bo, base);
}

static inline bool axon_bo_is_imported(const struct axon_bo *bo)
{
	return bo->base.base.import_attach;
}

struct drm_gem_object *axon_gem_create_object(struct drm_device *drm,
					      size_t size);
void *axon_bo_vmap(struct axon_bo *bo);
void axon_bo_vunmap(struct axon_bo *bo, void *vaddr);
bool axon_bo_has_pages(struct axon_bo *bo);
struct drm_gem_object *
axon_gem_prime_import_sg_table(struct drm_device *drm,
			       struct dma_buf_attachment *attach,
			       struct sg_table *sgt);

/* ------------------------------------------------------------------------
 * Ioctls
 */

int axon_ioctl_query(struct drm_device *drm, void *data, struct drm_file *file);
int axon_ioctl_bo_create(struct drm_device *drm, void *data,
			 struct drm_file *file);
int axon_ioctl_bo_info(struct drm_device *drm, void *data,
		       struct drm_file *file);
int axon_ioctl_bo_wait(struct drm_device *drm, void *data,
		       struct drm_file *file);

/* ------------------------------------------------------------------------
 * sysfs and debugfs
 */

extern const struct attribute_group *axon_sysfs_groups[];
void axon_debugfs_init(struct axon_device *adev);

#endif /* __AXON_DRV_H__ */
