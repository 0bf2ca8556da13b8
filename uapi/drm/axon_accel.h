/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * axon: DRM accel uapi for NPU, DSP and FPGA-DPU devices.
 *
 * Copyright (C) 2025 The axon authors
 */

#ifndef _UAPI_AXON_ACCEL_H_
#define _UAPI_AXON_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: axon uapi rules
 *
 * - All structures use fixed-width types and are 64-bit aligned; user
 *   pointers are passed as __u64.
 * - Every pad field and every flag bit not defined here is checked to be zero;
 *   a non-zero value fails the ioctl with -EINVAL.
 * - Ioctl numbers are append-only: never renumbered, reused or removed.
 * - Features are discovered through capability bits
 *   (&drm_axon_device_info.capabilities), never through version checks.
 * - Timeouts are absolute CLOCK_MONOTONIC times in nanoseconds, so a
 *   restarted ioctl does not extend the wait.
 * - Structures passed directly to an ioctl may grow at their end. The DRM
 *   core zero-extends a structure shorter than the kernel's and ignores the
 *   tail of a longer one, so a zero value for a new field must keep the old
 *   behaviour. Structures reached through a pointer carry their size
 *   (&drm_axon_query.size, &drm_axon_submit.job_stride) and a tail unknown to
 *   the kernel must be zero (-E2BIG otherwise).
 * - Every ioctl returns -ENODEV once the device has been unplugged (unbound
 *   or its module unloaded) while the file stays open.
 * - The driver logs the reason for every failure with drm_dbg (enable with
 *   drm.debug=0x2).
 */

/** @DRM_AXON_DRIVER_MAJOR: driver major version. */
#define DRM_AXON_DRIVER_MAJOR		1
/** @DRM_AXON_DRIVER_MINOR: driver minor version. */
#define DRM_AXON_DRIVER_MINOR		0

/*
 * Ioctl numbers, relative to DRM_COMMAND_BASE. Append-only.
 */
#define DRM_AXON_QUERY			0x00
#define DRM_AXON_BO_CREATE		0x01
#define DRM_AXON_BO_INFO		0x02
#define DRM_AXON_BO_WAIT		0x03
#define DRM_AXON_CTX_CREATE		0x04
#define DRM_AXON_CTX_DESTROY		0x05
#define DRM_AXON_SUBMIT			0x06
#define DRM_AXON_CTX_STATUS		0x07
#define DRM_AXON_CONFIG_LOAD		0x08

/**
 * DRM_AXON_VERSION() - pack a major.minor.patch version in a __u32
 * @maj: major, 0..255
 * @min: minor, 0..255
 * @pat: patch, 0..65535
 */
#define DRM_AXON_VERSION(maj, min, pat) \
	((((__u32)(maj) & 0xff) << 24) | (((__u32)(min) & 0xff) << 16) | \
	 ((__u32)(pat) & 0xffff))

/* Device types (&drm_axon_device_info.type). */
/** @DRM_AXON_DEVICE_TYPE_NPU: neural processing unit (MAC arrays). */
#define DRM_AXON_DEVICE_TYPE_NPU	1
/** @DRM_AXON_DEVICE_TYPE_DSP: vector DSP. */
#define DRM_AXON_DEVICE_TYPE_DSP	2
/** @DRM_AXON_DEVICE_TYPE_DPU: FPGA deep-learning processing unit. */
#define DRM_AXON_DEVICE_TYPE_DPU	3

/*
 * Capability bits (&drm_axon_device_info.capabilities). Userspace tests a
 * bit before using the feature it names.
 */
/** @DRM_AXON_CAP_EMULATED: device is the in-kernel emulator. */
#define DRM_AXON_CAP_EMULATED		0x1ULL
/** @DRM_AXON_CAP_DMABUF_IMPORT: foreign DMA-bufs can be imported. */
#define DRM_AXON_CAP_DMABUF_IMPORT	0x2ULL
/** @DRM_AXON_CAP_SUBMIT: contexts and %DRM_IOCTL_AXON_SUBMIT work. */
#define DRM_AXON_CAP_SUBMIT		0x4ULL
/** @DRM_AXON_CAP_SYNCOBJ_TIMELINE: timeline points in &drm_axon_sync. */
#define DRM_AXON_CAP_SYNCOBJ_TIMELINE	0x8ULL
/** @DRM_AXON_CAP_IMPLICIT_SYNC: jobs honour and update BO reservations. */
#define DRM_AXON_CAP_IMPLICIT_SYNC	0x10ULL
/** @DRM_AXON_CAP_CTX_PRIORITY: context priorities are honoured. */
#define DRM_AXON_CAP_CTX_PRIORITY	0x20ULL
/** @DRM_AXON_CAP_FAULT_INFO: %DRM_IOCTL_AXON_CTX_STATUS reports faults. */
#define DRM_AXON_CAP_FAULT_INFO		0x40ULL
/** @DRM_AXON_CAP_CONFIG_LOAD: device needs a configuration before jobs. */
#define DRM_AXON_CAP_CONFIG_LOAD	0x80ULL
/** @DRM_AXON_CAP_BO_WC: %DRM_AXON_BO_WC is supported. */
#define DRM_AXON_CAP_BO_WC		0x100ULL

/*
 * Operations the device executes (&drm_axon_device_info.ops): bit n is set
 * when the engines execute command-stream opcode n (enum axon_isa_opcode in
 * drm/axon_isa.h). This is the mask the kernel's stream validator enforces:
 * a stream using an opcode whose bit is clear fails its job with
 * %DRM_AXON_FAULT_INVALID_STREAM. NOP, END and MARKER are always set.
 */
/** @DRM_AXON_OP_NOP: AXON_OP_NOP. */
#define DRM_AXON_OP_NOP			(1ULL << 0)
/** @DRM_AXON_OP_END: AXON_OP_END. */
#define DRM_AXON_OP_END			(1ULL << 1)
/** @DRM_AXON_OP_MARKER: AXON_OP_MARKER. */
#define DRM_AXON_OP_MARKER		(1ULL << 2)
/** @DRM_AXON_OP_DMA: AXON_OP_DMA (copy, transpose, pad, concat). */
#define DRM_AXON_OP_DMA			(1ULL << 3)
/** @DRM_AXON_OP_FILL: AXON_OP_FILL. */
#define DRM_AXON_OP_FILL		(1ULL << 4)
/** @DRM_AXON_OP_CONV2D: AXON_OP_CONV2D (grouped and depthwise included). */
#define DRM_AXON_OP_CONV2D		(1ULL << 5)
/** @DRM_AXON_OP_MATMUL: AXON_OP_MATMUL. */
#define DRM_AXON_OP_MATMUL		(1ULL << 6)
/** @DRM_AXON_OP_ELTWISE: AXON_OP_ELTWISE. */
#define DRM_AXON_OP_ELTWISE		(1ULL << 7)
/** @DRM_AXON_OP_POOL: AXON_OP_POOL. */
#define DRM_AXON_OP_POOL		(1ULL << 8)
/** @DRM_AXON_OP_REDUCE: AXON_OP_REDUCE. */
#define DRM_AXON_OP_REDUCE		(1ULL << 9)
/** @DRM_AXON_OP_LUT: AXON_OP_LUT. */
#define DRM_AXON_OP_LUT			(1ULL << 10)
/** @DRM_AXON_OP_SOFTMAX: AXON_OP_SOFTMAX. */
#define DRM_AXON_OP_SOFTMAX		(1ULL << 11)
/** @DRM_AXON_OP_LAYERNORM: AXON_OP_LAYERNORM. */
#define DRM_AXON_OP_LAYERNORM		(1ULL << 12)
/** @DRM_AXON_OP_RESIZE: AXON_OP_RESIZE. */
#define DRM_AXON_OP_RESIZE		(1ULL << 13)
/** @DRM_AXON_OP_RESCALE: AXON_OP_RESCALE. */
#define DRM_AXON_OP_RESCALE		(1ULL << 14)

/* Data types (&drm_axon_device_info.dtypes). */
/** @DRM_AXON_DTYPE_INT8: signed 8-bit. */
#define DRM_AXON_DTYPE_INT8		0x1U
/** @DRM_AXON_DTYPE_UINT8: unsigned 8-bit. */
#define DRM_AXON_DTYPE_UINT8		0x2U
/** @DRM_AXON_DTYPE_INT16: signed 16-bit. */
#define DRM_AXON_DTYPE_INT16		0x4U
/** @DRM_AXON_DTYPE_INT32: signed 32-bit (accumulators, bias). */
#define DRM_AXON_DTYPE_INT32		0x8U

/* Device state bits (&drm_axon_device_info.state). */
/** @DRM_AXON_STATE_CONFIGURED: a configuration is loaded (DPU). */
#define DRM_AXON_STATE_CONFIGURED	0x1U

/* Query ids (&drm_axon_query.query_id). */
/** @DRM_AXON_QUERY_DEVICE_INFO: returns &struct drm_axon_device_info. */
#define DRM_AXON_QUERY_DEVICE_INFO	0

/**
 * struct drm_axon_query - argument of %DRM_IOCTL_AXON_QUERY
 *
 * Copies the object selected by @query_id to @data. With @size zero, only
 * writes the size the kernel would copy to @size (data untouched). Otherwise
 * @size must be at least the size of version 1 of the object; the kernel
 * copies min(@size, its own size) bytes and writes that count to @size, so
 * objects can grow at their end.
 *
 * Errors: -EINVAL unknown @query_id, non-zero @flags or @pad, or @size
 * non-zero but smaller than version 1 of the object; -EFAULT @data not
 * writable; -ENODEV device unplugged.
 */
struct drm_axon_query {
	/** @query_id: one of DRM_AXON_QUERY_*. */
	__u32 query_id;
	/** @flags: must be zero. */
	__u32 flags;
	/** @size: in: bytes available at @data; out: bytes written. */
	__u32 size;
	/** @pad: must be zero. */
	__u32 pad;
	/** @data: user pointer the object is written to. */
	__u64 data;
};

/**
 * struct drm_axon_device_info - device profile, %DRM_AXON_QUERY_DEVICE_INFO
 *
 * Every engine of a device is identical; per-engine figures are given once.
 */
struct drm_axon_device_info {
	/** @type: one of DRM_AXON_DEVICE_TYPE_*. */
	__u32 type;
	/** @engine_count: engines; jobs name one in [0, engine_count). */
	__u32 engine_count;
	/** @capabilities: DRM_AXON_CAP_* bits. */
	__u64 capabilities;
	/** @ops: DRM_AXON_OP_* bits: bit n = ISA opcode n is executed. */
	__u64 ops;
	/** @sram_size: on-chip SRAM per engine, bytes. */
	__u64 sram_size;
	/** @va_start: first device virtual address handed out to BOs. */
	__u64 va_start;
	/** @va_end: end (exclusive) of the device virtual address range. */
	__u64 va_end;
	/** @max_bo_size: largest size %DRM_IOCTL_AXON_BO_CREATE accepts. */
	__u64 max_bo_size;
	/** @dtypes: DRM_AXON_DTYPE_* element types. */
	__u32 dtypes;
	/** @fw_version: firmware version, DRM_AXON_VERSION() encoded. */
	__u32 fw_version;
	/** @isa_version: command-stream ISA version, DRM_AXON_VERSION(). */
	__u32 isa_version;
	/** @macs_per_cycle: int8 multiply-accumulates per cycle per engine. */
	__u32 macs_per_cycle;
	/** @clock_khz: engine clock in kHz. */
	__u32 clock_khz;
	/** @mem_bandwidth_mbps: device memory bandwidth in MB/s. */
	__u32 mem_bandwidth_mbps;
	/** @va_alignment: alignment and granule of device VAs, bytes. */
	__u32 va_alignment;
	/** @max_contexts: contexts per file. */
	__u32 max_contexts;
	/** @max_jobs_per_submit: largest &drm_axon_submit.job_count. */
	__u32 max_jobs_per_submit;
	/** @max_bos_per_job: largest &drm_axon_job.bo_count. */
	__u32 max_bos_per_job;
	/** @max_syncs_per_job: largest in_sync_count and out_sync_count. */
	__u32 max_syncs_per_job;
	/** @state: DRM_AXON_STATE_* bits, sampled at query time. */
	__u32 state;
	/** @config_version: version of the loaded configuration, 0 if none. */
	__u32 config_version;
	/** @pad: zero. */
	__u32 pad;
};

/* BO creation flags (&drm_axon_bo_create.flags). */
/** @DRM_AXON_BO_WC: CPU mappings are write-combined, not cached. */
#define DRM_AXON_BO_WC			0x1U
/** @DRM_AXON_BO_IMPORTED: reported by BO_INFO only: imported DMA-buf. */
#define DRM_AXON_BO_IMPORTED		0x80000000U

/**
 * struct drm_axon_bo_create - argument of %DRM_IOCTL_AXON_BO_CREATE
 *
 * Creates a zeroed shmem buffer object and maps it in the file's device
 * address space. The size is rounded up to &drm_axon_device_info.va_alignment.
 * Each BO is followed by an unmapped guard granule in the device address
 * space, so a device access past its end faults.
 *
 * Errors: -EINVAL @size zero, unknown @flags, non-zero @pad; -E2BIG @size
 * above &drm_axon_device_info.max_bo_size; -ENOSPC the device address space
 * of this file is full; -ENOMEM out of memory; -ENODEV device unplugged.
 */
struct drm_axon_bo_create {
	/** @size: in: requested size in bytes; out: rounded size. */
	__u64 size;
	/** @flags: DRM_AXON_BO_* creation flags. */
	__u32 flags;
	/** @handle: out: GEM handle. */
	__u32 handle;
	/** @va: out: device virtual address in this file's address space. */
	__u64 va;
	/** @mmap_offset: out: offset to pass to mmap() on the DRM fd. */
	__u64 mmap_offset;
	/** @pad: must be zero. */
	__u64 pad;
};

/**
 * struct drm_axon_bo_info - argument of %DRM_IOCTL_AXON_BO_INFO
 *
 * Describes a BO of this file, created here or imported (PRIME fd, GEM
 * flink). An imported BO gets its VA in this file's address space when its
 * handle is created.
 *
 * Errors: -EINVAL non-zero @flags or @pad; -ENOENT @handle unknown;
 * -ENOMEM no mmap offset could be allocated; -ENODEV device unplugged.
 */
struct drm_axon_bo_info {
	/** @handle: GEM handle. */
	__u32 handle;
	/** @flags: must be zero. */
	__u32 flags;
	/** @size: out: size in bytes. */
	__u64 size;
	/** @va: out: device virtual address in this file's address space. */
	__u64 va;
	/** @mmap_offset: out: offset to pass to mmap() on the DRM fd. */
	__u64 mmap_offset;
	/** @bo_flags: out: creation flags, plus %DRM_AXON_BO_IMPORTED. */
	__u32 bo_flags;
	/** @pad: must be zero. */
	__u32 pad;
};

/* BO wait flags (&drm_axon_bo_wait.flags). */
/** @DRM_AXON_BO_WAIT_WRITERS: wait for writers only (before a CPU read). */
#define DRM_AXON_BO_WAIT_WRITERS	0x1U

/**
 * struct drm_axon_bo_wait - argument of %DRM_IOCTL_AXON_BO_WAIT
 *
 * Waits until every job using the BO (or, with %DRM_AXON_BO_WAIT_WRITERS,
 * every job writing it) has completed, including fences another driver put
 * on an imported DMA-buf.
 *
 * Errors: -EINVAL unknown @flags, non-zero @pad; -ENOENT @handle unknown;
 * -ETIMEDOUT still busy at @timeout_ns (also when @timeout_ns is already
 * past: a poll); -ERESTARTSYS/-EINTR interrupted by a signal (restartable,
 * the deadline is absolute); -ENODEV device unplugged.
 */
struct drm_axon_bo_wait {
	/** @handle: GEM handle. */
	__u32 handle;
	/** @flags: DRM_AXON_BO_WAIT_* flags. */
	__u32 flags;
	/** @timeout_ns: absolute CLOCK_MONOTONIC deadline in nanoseconds. */
	__s64 timeout_ns;
	/** @pad: must be zero. */
	__u64 pad;
};

/* Context priorities (&drm_axon_ctx_create.priority). */
/** @DRM_AXON_CTX_PRIORITY_LOW: background work. */
#define DRM_AXON_CTX_PRIORITY_LOW	0
/** @DRM_AXON_CTX_PRIORITY_NORMAL: default. */
#define DRM_AXON_CTX_PRIORITY_NORMAL	1
/** @DRM_AXON_CTX_PRIORITY_HIGH: latency sensitive; needs CAP_SYS_NICE. */
#define DRM_AXON_CTX_PRIORITY_HIGH	2

/**
 * struct drm_axon_ext - header of an extension in an extension chain
 *
 * Structures with an ``extensions`` field take a user pointer to a chain
 * of extension structures, each starting with this header. Version 1
 * defines no extension: a non-zero ``extensions`` fails with -EINVAL.
 */
struct drm_axon_ext {
	/** @next: user pointer to the next extension, 0 ends the chain. */
	__u64 next;
	/** @name: extension id. */
	__u32 name;
	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * struct drm_axon_ctx_create - argument of %DRM_IOCTL_AXON_CTX_CREATE
 *
 * Creates an execution context of this file. Jobs of one context on one
 * engine run in submission order. Contexts share the file's address space.
 *
 * Errors: -EINVAL unknown @priority, non-zero @flags, @pad or @extensions;
 * -EPERM %DRM_AXON_CTX_PRIORITY_HIGH without CAP_SYS_NICE; -ENOSPC
 * &drm_axon_device_info.max_contexts reached; -ENOMEM; -EOPNOTSUPP
 * %DRM_AXON_CAP_SUBMIT not set; -ENODEV device unplugged.
 */
struct drm_axon_ctx_create {
	/** @priority: DRM_AXON_CTX_PRIORITY_*. */
	__u32 priority;
	/** @flags: must be zero. */
	__u32 flags;
	/** @ctx_id: out: context id, never 0. */
	__u32 ctx_id;
	/** @pad: must be zero. */
	__u32 pad;
	/** @extensions: extension chain (&struct drm_axon_ext), 0 for none. */
	__u64 extensions;
};

/**
 * struct drm_axon_ctx_destroy - argument of %DRM_IOCTL_AXON_CTX_DESTROY
 *
 * Destroys a context. Jobs already running on an engine complete; jobs
 * still queued are given up to the hang timeout to start, then cancelled
 * (fence error -ESRCH). Every fence of the context signals. Closing the file
 * destroys all its contexts the same way.
 *
 * Errors: -EINVAL non-zero @pad; -ENOENT @ctx_id unknown; -EOPNOTSUPP
 * %DRM_AXON_CAP_SUBMIT not set; -ENODEV device unplugged.
 */
struct drm_axon_ctx_destroy {
	/** @ctx_id: context id. */
	__u32 ctx_id;
	/** @pad: must be zero. */
	__u32 pad;
};

/* BO list entry flags (&drm_axon_job_bo.flags); at least one is set. */
/** @DRM_AXON_JOB_BO_READ: the job reads the BO. */
#define DRM_AXON_JOB_BO_READ		0x1U
/** @DRM_AXON_JOB_BO_WRITE: the job writes the BO. */
#define DRM_AXON_JOB_BO_WRITE		0x2U

/**
 * struct drm_axon_job_bo - a BO a job accesses
 *
 * The device MMU maps, for the job, only the BOs of its list (and the
 * command-stream BO): any other access faults the job.
 */
struct drm_axon_job_bo {
	/** @handle: GEM handle. */
	__u32 handle;
	/** @flags: DRM_AXON_JOB_BO_READ and/or DRM_AXON_JOB_BO_WRITE. */
	__u32 flags;
};

/* Sync flags (&drm_axon_sync.flags). */
/**
 * @DRM_AXON_SYNC_WAIT_FOR_SUBMIT: in-syncs only: if the syncobj (or its
 * timeline point) has no fence yet, SUBMIT waits, interruptibly, until one
 * is attached (wait-before-signal) instead of failing with -EINVAL. Nothing
 * is queued before every in-sync has its fence.
 */
#define DRM_AXON_SYNC_WAIT_FOR_SUBMIT	0x1U

/**
 * struct drm_axon_sync - a syncobj a job waits for or signals
 *
 * In-syncs: the job runs after the syncobj's fence (or the fence of timeline
 * point @point) has signalled; a fence with an error fails the job with that
 * error without running it. Out-syncs: a binary syncobj's fence is replaced
 * by the job's fence; a timeline syncobj gets the job's fence at @point.
 */
struct drm_axon_sync {
	/** @handle: DRM syncobj handle. */
	__u32 handle;
	/** @flags: DRM_AXON_SYNC_* flags (in-syncs); must be zero for out-syncs. */
	__u32 flags;
	/**
	 * @point: timeline point; 0 for a binary syncobj. Non-zero needs
	 * %DRM_AXON_CAP_SYNCOBJ_TIMELINE.
	 */
	__u64 point;
};

/* Job flags (&drm_axon_job.flags). */
/**
 * @DRM_AXON_JOB_NO_IMPLICIT_SYNC: do not wait for the fences in the BOs'
 * reservations, and do not add this job's fence to them; userspace orders
 * the job with explicit syncobjs only.
 */
#define DRM_AXON_JOB_NO_IMPLICIT_SYNC	0x1U
/**
 * @DRM_AXON_JOB_CMD_VA: the command stream is addressed by device VA:
 * &drm_axon_job.cmd_offset is a VA inside a BO of the job's list and
 * &drm_axon_job.cmd_handle must be 0.
 */
#define DRM_AXON_JOB_CMD_VA		0x2U

/**
 * struct drm_axon_job - one job of a submit
 *
 * The command stream is &cmd_size bytes at &cmd_offset in BO &cmd_handle
 * (which is implicitly in the BO list, READ). Userspace's element size for
 * this struct is &drm_axon_submit.job_stride.
 *
 * The stream itself is checked when the job runs (by the engine, against
 * &drm_axon_device_info.ops and the SRAM size). The job's fence (reported
 * through its out-syncs and the BOs' reservations) then signals with:
 *
 * - 0: the stream ran to its END;
 * - -EFAULT: an operand lies outside the BOs of the job's list, or writes a
 *   BO listed READ only (%DRM_AXON_FAULT_MMU; nothing was accessed);
 * - -EINVAL: the stream failed validation (%DRM_AXON_FAULT_INVALID_STREAM);
 * - -ETIMEDOUT: the job made no progress for the hang timeout (module
 *   parameter ``hang_timeout_ms``) and the engine was reset
 *   (%DRM_AXON_FAULT_TIMEOUT);
 * - -EIO: the engine reported an error, e.g. a bad scale-table entry
 *   (%DRM_AXON_FAULT_ENGINE);
 * - -ECANCELED: the job did not run because its context was banned by an
 *   earlier fault, or the engine was reset while it was queued behind the
 *   faulting job of its context;
 * - -ESRCH: the job did not run because its context was destroyed;
 * - the error of an in-sync fence that failed, the job not having run.
 *
 * Every error but the last three bans the context
 * (%DRM_AXON_CTX_STATE_BANNED): its later jobs are cancelled and SUBMIT
 * fails with -ECANCELED. Other contexts are not affected.
 */
struct drm_axon_job {
	/** @engine: engine index, below &drm_axon_device_info.engine_count. */
	__u32 engine;
	/** @flags: DRM_AXON_JOB_* flags. */
	__u32 flags;
	/** @cmd_handle: GEM handle of the BO holding the command stream. */
	__u32 cmd_handle;
	/** @bo_count: entries at @bos. */
	__u32 bo_count;
	/** @cmd_offset: byte offset of the stream in the BO (or VA). */
	__u64 cmd_offset;
	/** @cmd_size: stream size in bytes, non-zero. */
	__u64 cmd_size;
	/** @bos: user pointer to @bo_count &struct drm_axon_job_bo. */
	__u64 bos;
	/** @in_syncs: user pointer to @in_sync_count &struct drm_axon_sync. */
	__u64 in_syncs;
	/** @out_syncs: user pointer to @out_sync_count &struct drm_axon_sync. */
	__u64 out_syncs;
	/** @in_sync_count: syncobjs waited for before the job runs. */
	__u32 in_sync_count;
	/** @out_sync_count: syncobjs signalled with the job's fence. */
	__u32 out_sync_count;
	/** @extensions: extension chain (&struct drm_axon_ext), 0 for none. */
	__u64 extensions;
};

/**
 * struct drm_axon_submit - argument of %DRM_IOCTL_AXON_SUBMIT
 *
 * Queues @job_count jobs on context @ctx_id. The whole submit is validated
 * (handles, ranges, syncobjs, pads, flags) before any job is queued: either
 * every job is queued or none is. Jobs get consecutive per-context sequence
 * numbers; @seqno returns the last one. Jobs of one context on one engine
 * run in order; unless %DRM_AXON_JOB_NO_IMPLICIT_SYNC is set, a job also
 * waits for the fences of its BOs' reservations (writers for a READ BO, all
 * for a WRITE BO, including other drivers' fences on imported DMA-bufs) and
 * adds its fence to them (READ or WRITE usage).
 *
 * Errors: -EINVAL non-zero @flags or pads, unknown job flags, @job_count 0,
 * @job_stride smaller than version 1 of &struct drm_axon_job or not a
 * multiple of 8, engine out of range, @cmd_size 0, @cmd_offset or @cmd_size
 * not a multiple of 8, command range outside its BO (or, with
 * %DRM_AXON_JOB_CMD_VA, not inside one BO of the list, or @cmd_handle
 * non-zero), BO entry flags neither READ nor WRITE or unknown, the same BO
 * twice in a job's list, unknown sync flags, an in-sync without a fence (and
 * without %DRM_AXON_SYNC_WAIT_FOR_SUBMIT), a timeline point without
 * %DRM_AXON_CAP_SYNCOBJ_TIMELINE, a non-zero extension chain;
 * -E2BIG counts above the device limits, or a job tail beyond the kernel's
 * struct that is not zero; -ENOENT unknown context, BO or syncobj handle;
 * -EFAULT a user pointer is invalid; -ECANCELED the context is banned
 * after a fault or hang; -ENODATA the device needs a configuration
 * (%DRM_AXON_CAP_CONFIG_LOAD) and none is loaded; -ENOMEM; -ERESTARTSYS
 * interrupted (nothing queued); -EOPNOTSUPP %DRM_AXON_CAP_SUBMIT not set;
 * -ENODEV device unplugged.
 */
struct drm_axon_submit {
	/** @ctx_id: context id from %DRM_IOCTL_AXON_CTX_CREATE. */
	__u32 ctx_id;
	/** @flags: must be zero. */
	__u32 flags;
	/** @jobs: user pointer to @job_count jobs, @job_stride bytes apart. */
	__u64 jobs;
	/** @job_count: number of jobs, non-zero. */
	__u32 job_count;
	/** @job_stride: bytes between jobs, userspace's sizeof(struct job). */
	__u32 job_stride;
	/** @extensions: extension chain (&struct drm_axon_ext), 0 for none. */
	__u64 extensions;
	/** @seqno: out: sequence number of the last job queued. */
	__u64 seqno;
};

/* Context states (&drm_axon_ctx_status.state). */
/** @DRM_AXON_CTX_STATE_ACTIVE: the context accepts jobs. */
#define DRM_AXON_CTX_STATE_ACTIVE	0
/** @DRM_AXON_CTX_STATE_BANNED: a job faulted or hung; submits fail. */
#define DRM_AXON_CTX_STATE_BANNED	1

/* Fault codes (&drm_axon_ctx_status.fault). */
/** @DRM_AXON_FAULT_NONE: no fault. */
#define DRM_AXON_FAULT_NONE		0
/** @DRM_AXON_FAULT_MMU: access outside the job's mapped BOs. */
#define DRM_AXON_FAULT_MMU		1
/** @DRM_AXON_FAULT_TIMEOUT: no progress for the hang timeout. */
#define DRM_AXON_FAULT_TIMEOUT		2
/** @DRM_AXON_FAULT_INVALID_STREAM: the stream failed validation. */
#define DRM_AXON_FAULT_INVALID_STREAM	3
/** @DRM_AXON_FAULT_ENGINE: the engine reported an error. */
#define DRM_AXON_FAULT_ENGINE		4

/**
 * struct drm_axon_ctx_status - argument of %DRM_IOCTL_AXON_CTX_STATUS
 *
 * Reports a context's progress and its first fault. A job counts as
 * completed once its fence has signalled, successfully or not.
 *
 * Errors: -EINVAL non-zero @flags; -ENOENT @ctx_id unknown;
 * -EOPNOTSUPP %DRM_AXON_CAP_SUBMIT not set; -ENODEV device unplugged.
 */
struct drm_axon_ctx_status {
	/** @ctx_id: context id. */
	__u32 ctx_id;
	/** @flags: must be zero. */
	__u32 flags;
	/** @state: out: DRM_AXON_CTX_STATE_*. */
	__u32 state;
	/** @fault: out: DRM_AXON_FAULT_* of the first fault. */
	__u32 fault;
	/** @submitted_seqno: out: seqno of the last job queued. */
	__u64 submitted_seqno;
	/** @completed_seqno: out: seqno of the last job completed. */
	__u64 completed_seqno;
	/** @fault_seqno: out: seqno of the faulting job, 0 if none. */
	__u64 fault_seqno;
	/** @fault_va: out: faulting device VA for %DRM_AXON_FAULT_MMU. */
	__u64 fault_va;
	/** @fault_engine: out: engine of the faulting job. */
	__u32 fault_engine;
	/** @fault_count: out: faults seen on this context. */
	__u32 fault_count;
	/**
	 * @fault_status: out: enum axon_isa_status the engine reported for
	 * the faulting job (AXON_ISA_E_FAULT for an MMU fault).
	 */
	__u32 fault_status;
	/** @fault_packet: out: index of the packet concerned, or ~0. */
	__u32 fault_packet;
};

/* Blob kinds (&drm_axon_blob_header.kind). */
/**
 * @DRM_AXON_BLOB_FIRMWARE: firmware image, /lib/firmware/axon/axon-fw.bin
 * (payload: the control-core image with its own header,
 * firmware/include/axon_fw_image.h).
 */
#define DRM_AXON_BLOB_FIRMWARE		1
/** @DRM_AXON_BLOB_CONFIG: DPU configuration, axon/dpu-config.bin. */
#define DRM_AXON_BLOB_CONFIG		2

/** @DRM_AXON_BLOB_MAGIC: &drm_axon_blob_header.magic, "AXBL". */
#define DRM_AXON_BLOB_MAGIC		0x4c425841U
/** @DRM_AXON_BLOB_HEADER_VERSION: header layout version understood. */
#define DRM_AXON_BLOB_HEADER_VERSION	1

/**
 * struct drm_axon_blob_header - header of firmware and configuration files
 *
 * Every file in /lib/firmware/axon/ starts with this header, followed by
 * @payload_size bytes: the firmware image (axon-fw.bin, kind
 * %DRM_AXON_BLOB_FIRMWARE, read by each device at probe; missing or
 * malformed: the built-in emulator firmware is used, with a log line) and
 * the DPU configuration (dpu-config.bin at probe, or
 * %DRM_IOCTL_AXON_CONFIG_LOAD). A blob with a wrong magic, header version,
 * kind, device type, size or checksum, or non-zero reserved fields is
 * refused with a log line (and -EINVAL from the ioctl).
 */
struct drm_axon_blob_header {
	/** @magic: %DRM_AXON_BLOB_MAGIC. */
	__u32 magic;
	/** @header_version: %DRM_AXON_BLOB_HEADER_VERSION. */
	__u32 header_version;
	/** @kind: DRM_AXON_BLOB_*. */
	__u32 kind;
	/**
	 * @device_type: DRM_AXON_DEVICE_TYPE_* the blob is built for; 0 means
	 * any device type (firmware images: one image runs on the control
	 * core of every type). Configurations name %DRM_AXON_DEVICE_TYPE_DPU.
	 */
	__u32 device_type;
	/** @version: blob version, DRM_AXON_VERSION() encoded, non-zero. */
	__u32 version;
	/** @payload_size: bytes following the header. */
	__u32 payload_size;
	/** @payload_crc32: CRC-32 (IEEE, as zlib's crc32()) of the payload. */
	__u32 payload_crc32;
	/** @reserved: must be zero. */
	__u32 reserved;
};

/** @DRM_AXON_DPU_CONFIG_FORMAT: &drm_axon_dpu_config.format understood. */
#define DRM_AXON_DPU_CONFIG_FORMAT	1

/**
 * struct drm_axon_dpu_config - payload of a DPU configuration blob
 *
 * A configuration file (axon/dpu-config.bin) is a &struct
 * drm_axon_blob_header (kind %DRM_AXON_BLOB_CONFIG, device type
 * %DRM_AXON_DEVICE_TYPE_DPU, @payload_crc32 over what follows it) followed
 * by this payload, little-endian. It describes the FPGA overlay the
 * configuration loads: what it computes (@ops, @dtypes) with which
 * resources (@engine_count, @sram_size). A real DPU backend would program
 * the overlay from the bytes that follow (@size onwards); the emulated DPU
 * implements one fixed overlay, and its kernel checks the header and the
 * checksum only. Userspace (libaxon's axon_device_load_config(), axon-smi
 * config-load) also checks this payload against the device's reported
 * profile (&drm_axon_device_info) before loading it. The default file is
 * generated at build time by firmware/tools/mkdpuconfig.c.
 */
struct drm_axon_dpu_config {
	/** @format: %DRM_AXON_DPU_CONFIG_FORMAT. */
	__u32 format;
	/** @size: bytes of this structure in the file, at least 72. */
	__u32 size;
	/** @ops: DRM_AXON_OP_* the overlay implements. */
	__u64 ops;
	/** @sram_size: on-chip SRAM the overlay uses per engine, bytes. */
	__u64 sram_size;
	/** @dtypes: DRM_AXON_DTYPE_* the overlay computes on. */
	__u32 dtypes;
	/** @engine_count: engines (compute pipelines) of the overlay. */
	__u32 engine_count;
	/** @macs_per_cycle: int8 multiply-accumulates per cycle and engine. */
	__u32 macs_per_cycle;
	/** @clock_khz: overlay clock. */
	__u32 clock_khz;
	/** @name: overlay name, NUL-terminated. */
	char name[32];
};

/**
 * struct drm_axon_config_load - argument of %DRM_IOCTL_AXON_CONFIG_LOAD
 *
 * Loads a configuration (&struct drm_axon_blob_header of kind
 * %DRM_AXON_BLOB_CONFIG, followed by its payload) into a device with
 * %DRM_AXON_CAP_CONFIG_LOAD, for every file. Reserved to CAP_SYS_ADMIN.
 * The same blob is loaded at probe from /lib/firmware/axon/dpu-config.bin
 * through request_firmware when present; without it the device stays
 * unconfigured and SUBMIT fails with -ENODATA.
 *
 * Errors: -EPERM no CAP_SYS_ADMIN; -EOPNOTSUPP device has no
 * %DRM_AXON_CAP_CONFIG_LOAD; -EINVAL non-zero @flags or @pad, @size zero,
 * malformed or wrong-version blob; -E2BIG @size too large; -EFAULT bad
 * @data; -EBUSY jobs are queued or running; -ENODEV device unplugged.
 */
struct drm_axon_config_load {
	/** @data: user pointer to the configuration blob. */
	__u64 data;
	/** @size: blob size in bytes. */
	__u32 size;
	/** @flags: must be zero. */
	__u32 flags;
	/** @pad: must be zero. */
	__u64 pad;
};

/*
 * Ioctl requests.
 */
#define DRM_IOCTL_AXON_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AXON_QUERY, struct drm_axon_query)
#define DRM_IOCTL_AXON_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AXON_BO_CREATE, struct drm_axon_bo_create)
#define DRM_IOCTL_AXON_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AXON_BO_INFO, struct drm_axon_bo_info)
#define DRM_IOCTL_AXON_BO_WAIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_AXON_BO_WAIT, struct drm_axon_bo_wait)
#define DRM_IOCTL_AXON_CTX_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AXON_CTX_CREATE, struct drm_axon_ctx_create)
#define DRM_IOCTL_AXON_CTX_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_AXON_CTX_DESTROY, struct drm_axon_ctx_destroy)
#define DRM_IOCTL_AXON_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AXON_SUBMIT, struct drm_axon_submit)
#define DRM_IOCTL_AXON_CTX_STATUS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_AXON_CTX_STATUS, struct drm_axon_ctx_status)
#define DRM_IOCTL_AXON_CONFIG_LOAD \
	DRM_IOW(DRM_COMMAND_BASE + DRM_AXON_CONFIG_LOAD, struct drm_axon_config_load)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_AXON_ACCEL_H_ */
