/* SPDX-License-Identifier: MIT */
/*
 * libaxon - run compiled .axb models on axon NPU/DSP/DPU devices, or on the
 * CPU with bit-identical results.
 *
 * Typical use:
 *
 *   axon_device *dev;  axon_model *m;  axon_run *r;
 *   axon_device_open(NULL, &dev);   (AXON_DEVICE, else accel, else cpu)
 *   axon_model_load(dev, "model.axb", 0, &m);
 *   axon_run_create(m, &r);
 *   axon_run_bind_host(r, AXON_INPUT, 0, in, in_size);
 *   axon_run_bind_host(r, AXON_OUTPUT, 0, out, out_size);
 *   axon_run_execute(r, -1);   (or submit, fence, wait)
 *   axon_run_free(r); axon_model_free(m); axon_device_close(dev);
 *
 * Errors: every function that can fail returns an enum axon_status (0 on
 * success, a negative AXON_E_* otherwise) and sets a human-readable,
 * thread-local message read with axon_last_error(). Nothing prints to
 * stdout/stderr, except that AXON_DEBUG=1 in the environment echoes every
 * error message to stderr.
 *
 * Ownership: every object returned through an out-pointer belongs to the
 * caller and is released with its ..._free or ..._close function. A model holds a
 * reference on its device, a run on its model, and a buffer on its device,
 * so they may be released in any order. File descriptors passed in are
 * never taken over (the library dups what it keeps); file descriptors
 * returned belong to the caller.
 *
 * Thread safety: devices, buffers and models are safe to use from several
 * threads at once (a model is immutable once loaded). A run is not: use it
 * from one thread at a time (one run per thread for concurrency).
 * axon_last_error() is per thread.
 *
 * Devices are found through /sys/class/accel (driver "axon"); the library
 * never loads kernel modules (see axon-smi load for that).
 */
#ifndef AXON_AXON_H
#define AXON_AXON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AXON_API_VERSION_MAJOR	1
#define AXON_API_VERSION_MINOR	0

/** enum axon_status - return codes (negative on error). */
enum axon_status {
	AXON_OK = 0,
	AXON_E_INVALID = -1,		/* bad argument or call sequence */
	AXON_E_NOMEM = -2,		/* out of memory */
	AXON_E_NODEV = -3,		/* no such device, or device removed */
	AXON_E_IO = -4,			/* system call / ioctl failure */
	AXON_E_FORMAT = -5,		/* malformed or incompatible .axb package */
	AXON_E_UNSUPPORTED = -6,	/* not supported by this device/backend */
	AXON_E_TIMEOUT = -7,		/* wait timed out */
	AXON_E_FAULT = -8,		/* the run failed on the device (see status) */
	AXON_E_BUSY = -9,		/* a run is still in flight */
	AXON_E_NOTFOUND = -10,		/* name or index not found */
	AXON_E_PERM = -11,		/* permission denied */
};

/** Human-readable message of the last error on this thread ("" if none). */
const char *axon_last_error(void);
/** Short constant name of a status code, e.g. "AXON_E_FORMAT". */
const char *axon_status_name(int status);
/** Library version string, e.g. "1.0.0". */
const char *axon_version(void);

/* ------------------------------------------------------------------ */
/* Devices                                                              */

typedef struct axon_device axon_device;

/** enum axon_device_type - values equal enum axb_device. */
enum axon_device_type {
	AXON_DEVICE_NPU = 1,
	AXON_DEVICE_DSP = 2,
	AXON_DEVICE_DPU = 3,
	AXON_DEVICE_CPU = 4,
};

/* Capability bits (axon_device_info.caps); accel ones mirror DRM_AXON_CAP_*. */
#define AXON_CAP_EMULATED	(1ull << 0)
#define AXON_CAP_DMABUF_IMPORT	(1ull << 1)
#define AXON_CAP_SUBMIT		(1ull << 2)
#define AXON_CAP_CONFIG_LOAD	(1ull << 7)	/* needs a configuration (DPU) */
#define AXON_CAP_SYNC_FILE	(1ull << 62)	/* run fences are sync_files */
#define AXON_CAP_CPU		(1ull << 63)	/* the in-process CPU backend */

/** struct axon_device_info - what axon_device_list()/axon_device_query() report. */
struct axon_device_info {
	char name[32];		/* "accel0" ... or "cpu" */
	char path[64];		/* "/dev/accel/accel0", or "" for cpu */
	char driver[32];	/* kernel driver name ("axon"), or "cpu" */
	uint32_t type;		/* enum axon_device_type */
	uint32_t index;		/* N of accelN; 0 for cpu */
	uint32_t engines;	/* engines (cpu: 1) */
	uint32_t dtypes;	/* DRM_AXON_DTYPE_* bits */
	uint64_t caps;		/* AXON_CAP_* / DRM_AXON_CAP_* bits */
	uint64_t ops;		/* DRM_AXON_OP_* classes */
	uint64_t sram_size;	/* per-engine SRAM, bytes */
	uint32_t fw_version;	/* DRM_AXON_VERSION() encoded; cpu: firmware lib */
	uint32_t isa_version;	/* DRM_AXON_VERSION() encoded */
	uint32_t driver_version;	/* DRM_AXON_VERSION(major, minor, patch) */
	uint32_t state;		/* AXON_STATE_* (DRM_AXON_STATE_*) */
	uint32_t available;	/* 1 if it can be opened (node present, readable) */
	uint32_t config_version;	/* DPU: loaded configuration, 0 if none */
};

/* axon_device_info.state bits (mirror DRM_AXON_STATE_*). */
#define AXON_STATE_CONFIGURED	(1u << 0)	/* a configuration is loaded */

/** Short name of a device type: "npu", "dsp", "dpu", "cpu" or "?". */
const char *axon_device_type_name(uint32_t type);

/**
 * axon_device_list() - enumerate devices
 * @infos: array to fill, may be NULL to count
 * @max: capacity of @infos
 *
 * Lists every axon accel device in /sys/class/accel in index order,
 * followed by the cpu backend (always present). Returns the number of
 * devices (which may exceed @max: only @max are written), or an error.
 */
int axon_device_list(struct axon_device_info *infos, int max);

/**
 * axon_device_open() - open a device
 * @spec: NULL or "" for the default; "cpu"; a type ("npu", "dsp", "dpu":
 *	first such device); "accelN"; "/dev/accel/accelN"; or a decimal index
 *	into axon_device_list(). The environment variable AXON_DEVICE, when
 *	set and non-empty, replaces a NULL/"" @spec. The default is the first
 *	accel device that can be opened, else the cpu backend.
 * @out: the device
 */
int axon_device_open(const char *spec, axon_device **out);
/** Close a device (objects still referring to it keep it alive). */
void axon_device_close(axon_device *dev);
/**
 * axon_device_query() - describe an open device. @state and
 * @config_version are read from the device at each call.
 */
int axon_device_query(axon_device *dev, struct axon_device_info *info);

/**
 * axon_device_load_config() - load a configuration into a device that
 * needs one before it runs jobs (a DPU: AXON_CAP_CONFIG_LOAD in caps)
 * @dev: the device
 * @path: a configuration file (e.g. /lib/firmware/axon/dpu-config.bin),
 *	or NULL to load @data
 * @data: the configuration blob in memory, when @path is NULL
 * @size: bytes at @data
 *
 * The blob (struct drm_axon_blob_header + struct drm_axon_dpu_config, see
 * drm/axon_accel.h) is checked first: header, checksum, device type, and
 * that the overlay it describes fits the device (ops, data types, SRAM,
 * engines); then it is loaded for every user of the device
 * (DRM_IOCTL_AXON_CONFIG_LOAD). The kernel loads
 * /lib/firmware/axon/dpu-config.bin by itself at probe when it exists.
 *
 * Needs CAP_SYS_ADMIN (root): AXON_E_PERM otherwise. Returns
 * AXON_E_FORMAT for a malformed or unfitting blob, AXON_E_UNSUPPORTED for
 * a device that takes no configuration (npu, dsp, cpu), AXON_E_BUSY while
 * jobs are queued or running on the device, AXON_E_IO for an unreadable
 * file. Thread safety: like every device call; runs submitted concurrently
 * may make it fail with AXON_E_BUSY.
 */
int axon_device_load_config(axon_device *dev, const char *path,
			    const void *data, size_t size);

/* ------------------------------------------------------------------ */
/* Buffers                                                              */

typedef struct axon_buffer axon_buffer;

/**
 * axon_buffer_alloc() - allocate device memory (accel: a GEM BO; cpu:
 * memfd-backed pages), zeroed.
 */
int axon_buffer_alloc(axon_device *dev, size_t size, axon_buffer **out);
/**
 * axon_buffer_import_dmabuf() - wrap a DMA-buf (camera, GPU, dma-heap,
 * udmabuf). The fd is not taken over. @size 0 means the DMA-buf's size.
 * accel: PRIME import (needs AXON_CAP_DMABUF_IMPORT); cpu: mmap of the fd.
 */
int axon_buffer_import_dmabuf(axon_device *dev, int fd, size_t size,
			      axon_buffer **out);
/**
 * axon_buffer_export_dmabuf() - a new DMA-buf fd for the buffer (caller
 * closes it). accel: PRIME export; cpu: through /dev/udmabuf when present
 * (AXON_E_UNSUPPORTED otherwise).
 */
int axon_buffer_export_dmabuf(axon_buffer *buf, int *fd);
/**
 * axon_buffer_map() - CPU pointer to the buffer's contents, valid until the
 * buffer is freed (the mapping is created once and shared). NULL on error.
 */
void *axon_buffer_map(axon_buffer *buf);
/** Size in bytes. */
size_t axon_buffer_size(const axon_buffer *buf);
/** Release the buffer (runs still bound to it keep it alive). */
void axon_buffer_free(axon_buffer *buf);

/* ------------------------------------------------------------------ */
/* Models                                                               */

typedef struct axon_model axon_model;

/* axon_model_load() flags */
/*
 * Every segment must run on the opened device's type (or it is a cpu
 * segment / the device is the cpu): no fallback to other devices or to the
 * cpu backend.
 */
#define AXON_MODEL_STRICT	(1u << 0)

/**
 * axon_model_load() - map and verify a .axb package
 *
 * The file is mmap()ed; the header, every section, offset, size, index,
 * string and checksum is verified, and every stream is validated by the
 * firmware validator against its segment's memory map, before the model is
 * returned. Segments compiled for the opened device's type run on it;
 * other accelerator segments run on the first device of their type, else
 * on the cpu backend (bit-identical, slower) unless AXON_MODEL_STRICT.
 * With the cpu device, everything runs on the cpu.
 */
int axon_model_load(axon_device *dev, const char *path, unsigned int flags,
		    axon_model **out);
/** Same from memory; the bytes are copied. */
int axon_model_load_memory(axon_device *dev, const void *data, size_t size,
			   unsigned int flags, axon_model **out);
void axon_model_free(axon_model *model);

enum axon_io_dir {
	AXON_INPUT = 1,
	AXON_OUTPUT = 2,
};

/* Element types; values equal enum axb_dtype. */
enum axon_dtype {
	AXON_INT8 = 1,
	AXON_UINT8 = 2,
	AXON_INT16 = 3,
	AXON_INT32 = 4,
	AXON_FLOAT32 = 16,
};
const char *axon_dtype_name(uint32_t dtype);
unsigned int axon_dtype_size(uint32_t dtype);

#define AXON_MAX_RANK 8

/** struct axon_tensor_info - a model input or output. */
struct axon_tensor_info {
	const char *name;	/* valid while the model lives */
	uint32_t dtype;		/* what the application binds (enum axon_dtype) */
	uint32_t device_dtype;	/* what the device computes on */
	uint32_t rank;
	uint32_t dims[AXON_MAX_RANK];
	size_t size;		/* bytes in @dtype */
	float scale;		/* quantization of the device tensor */
	int32_t zero_point;
};

/** Number of inputs or outputs. */
int axon_model_io_count(const axon_model *model, int dir);
int axon_model_io_info(const axon_model *model, int dir, int index,
		       struct axon_tensor_info *info);
/** Index of the input/output called @name, or AXON_E_NOTFOUND. */
int axon_model_io_find(const axon_model *model, int dir, const char *name);

/** struct axon_segment_info - one stage of the model's pipeline. */
struct axon_segment_info {
	const char *name;
	uint32_t compiled_for;	/* enum axon_device_type */
	uint32_t runs_on;	/* enum axon_device_type actually used */
	const char *device;	/* device name it runs on ("accel0", "cpu") */
	uint32_t packets;	/* packets in the stream (END excluded) */
	uint64_t stream_size;	/* bytes */
	uint64_t macs;
};
int axon_model_segment_count(const axon_model *model);
int axon_model_segment_info(const axon_model *model, int index,
			    struct axon_segment_info *info);

/** struct axon_placement_info - a source node's placement (from the package). */
struct axon_placement_info {
	const char *node;
	const char *op_type;
	uint32_t device;	/* enum axon_device_type */
	uint32_t segment;	/* 0xffffffff: folded away */
	uint32_t reason;	/* enum axb_reason */
	const char *reason_name;	/* e.g. "unsupported-op", "" if none */
	const char *detail;
	uint64_t macs;
};
int axon_model_placement_count(const axon_model *model);
int axon_model_placement(const axon_model *model, int index,
			 struct axon_placement_info *info);
/** Source node names of a packet (debug map), or NULL. */
const char *axon_model_packet_nodes(const axon_model *model, int segment,
				    uint32_t packet);

/* ------------------------------------------------------------------ */
/* Runs                                                                 */

typedef struct axon_run axon_run;

/**
 * axon_run_create() - an execution instance of a model: its own
 * activation memory, command streams and bindings. Reusable: bind once,
 * execute many times. Create one per thread for concurrency.
 */
int axon_run_create(axon_model *model, axon_run **out);
void axon_run_free(axon_run *run);

/**
 * axon_run_bind_host() - bind an input/output to application memory.
 * Inputs are copied (and quantized if the I/O is float) when the run is
 * submitted; outputs are copied back when it completes (axon_run_wait or
 * axon_run_execute). @size must equal the tensor's size.
 */
int axon_run_bind_host(axon_run *run, int dir, int index, void *ptr,
		       size_t size);
/**
 * axon_run_bind_buffer() - bind to @buf at @offset, with no copy: the
 * device reads/writes the buffer directly. Only for I/O whose dtype equals
 * device_dtype. The run holds a reference on @buf.
 */
int axon_run_bind_buffer(axon_run *run, int dir, int index, axon_buffer *buf,
			 size_t offset);
/** axon_run_bind_dmabuf() - import @fd (not taken over) and bind it, no copy. */
int axon_run_bind_dmabuf(axon_run *run, int dir, int index, int fd,
			 size_t offset);

/** Blocking: submit and wait. @timeout_ns relative, < 0 = forever. */
int axon_run_execute(axon_run *run, int64_t timeout_ns);
/** Asynchronous: start the run; returns when it is queued. */
int axon_run_submit(axon_run *run);
/**
 * axon_run_wait() - wait for a submitted run (relative @timeout_ns, < 0
 * forever; 0 polls). Copies host-bound outputs back. Returns AXON_OK,
 * AXON_E_TIMEOUT (still running), or AXON_E_FAULT (see axon_run_status).
 */
int axon_run_wait(axon_run *run, int64_t timeout_ns);
/**
 * axon_run_fence_fd() - a new fd that becomes readable (POLLIN) when the
 * submitted run completes; the caller closes it. When the run ends on an
 * accel device it is a sync_file (usable as an in-fence by other drivers;
 * *is_sync_file = 1); when the pipeline ends on the cpu it is an eventfd
 * (*is_sync_file = 0), which only supports poll/select/epoll. Still call
 * axon_run_wait() to collect the status and host-bound outputs.
 */
int axon_run_fence_fd(axon_run *run, int *fd, int *is_sync_file);

/** struct axon_run_status - outcome of the last run. */
struct axon_run_status {
	int status;		/* AXON_OK or AXON_E_* */
	int segment;		/* failing segment, -1 if none */
	int32_t packet;		/* failing packet index, -1 if unknown */
	uint32_t isa_status;	/* enum axon_isa_status, 0 if none */
	uint64_t fault_va;	/* faulting device VA (accel MMU), 0 if none */
	const char *reason;	/* human-readable, valid until the next run */
	const char *nodes;	/* source nodes of the packet, or "" */
	uint64_t duration_ns;	/* submit to completion */
};
int axon_run_status(const axon_run *run, struct axon_run_status *status);

#ifdef __cplusplus
}
#endif

#endif /* AXON_AXON_H */
