/* SPDX-License-Identifier: MIT */
/* libaxon internals: object layouts shared by the source files. */
#ifndef AXON_INTERNAL_H
#define AXON_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axon/axon.h"
#include "axon/axb_format.h"

#define AXON_EXPORT __attribute__((visibility("default")))

/* error.c */
int axon_err(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int axon_err_errno(int status, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void axon_clear_error(void);
int axon_status_from_errno(int err);

/* ------------------------------------------------------------------ */
enum dev_kind { DEV_CPU, DEV_ACCEL };

struct axon_device {
	atomic_int refs;
	enum dev_kind kind;
	struct axon_device_info info;
	/* accel */
	int fd;
	/*
	 * Runs submit to contexts of their own (struct run_ctx); this shared
	 * one is only created, lazily, when the file runs out of contexts.
	 */
	uint32_t ctx_id;
	uint64_t va_alignment;
	pthread_mutex_t lock;	/* shared context creation and recreation */
	atomic_uint next_engine;	/* engine round robin */
};

void device_get(axon_device *dev);
void device_put(axon_device *dev);
/* device_enum.c */
int enum_accel(struct axon_device_info *infos, int max);
int info_from_sysfs(const char *name, struct axon_device_info *info);
/* device_cpu.c */
void cpu_fill_info(struct axon_device_info *info);
int cpu_open(axon_device *dev);
/* device_accel.c */
int accel_open(axon_device *dev, const char *path);
void accel_close(axon_device *dev);
int accel_query(int fd, struct axon_device_info *info);
int accel_ctx_create(axon_device *dev, uint32_t *id);
void accel_ctx_destroy(axon_device *dev, uint32_t id);
int accel_shared_ctx(axon_device *dev, uint32_t banned, uint32_t *id);
int accel_load_config(axon_device *dev, const void *blob, size_t size,
		      const char *what);

/* ------------------------------------------------------------------ */
enum buf_kind { BUF_CPU_MEMFD, BUF_CPU_DMABUF, BUF_ACCEL_BO };

struct axon_buffer {
	atomic_int refs;
	axon_device *dev;
	enum buf_kind kind;
	size_t size;
	int fd;			/* memfd / dup'ed dma-buf, -1 for BOs */
	void *map;		/* CPU mapping or NULL */
	size_t map_size;
	pthread_mutex_t lock;	/* lazy mapping */
	uint32_t handle;	/* accel GEM handle */
	uint64_t va;		/* accel device VA */
	uint64_t mmap_offset;
};

void buffer_get(axon_buffer *buf);
void buffer_put(axon_buffer *buf);
void *buffer_map_locked(axon_buffer *buf);
/* Obtain a handle for @buf on accel device @dev (import through PRIME if
 * it belongs elsewhere). The returned buffer is a new reference. */
int buffer_on_device(axon_buffer *buf, axon_device *dev, axon_buffer **out);

/* ------------------------------------------------------------------ */
/* package.c: a verified, mapped package. Pointers point into @base. */
struct pkg {
	const uint8_t *base;
	size_t size;
	void *owned;		/* malloc copy, or NULL */
	size_t map_len;		/* mmap length, 0 if not mapped */
	const struct axb_header *hdr;
	const struct axb_section *secs;	/* entry i at secs_base + i * sec_stride */
	const uint8_t *secs_base;
	uint32_t sec_stride;
	uint32_t nsec;
	const char *strings;
	uint64_t strings_size;
	struct axb_model model;
	/* tables: base pointer, entry stride, count */
#define PKG_TABLE(name) const uint8_t *name; uint32_t name##_stride; uint32_t n_##name
	PKG_TABLE(segments);
	PKG_TABLE(slots);
	PKG_TABLE(relocs);
	PKG_TABLE(tensors);
	PKG_TABLE(ios);
	PKG_TABLE(placements);
	PKG_TABLE(debugs);
#undef PKG_TABLE
};

const struct axb_section *pkg_section(const struct pkg *p, uint32_t i);
const char *pkg_str(const struct pkg *p, uint32_t off);
#define PKG_ENTRY(p, tab, i) \
	((const void *)((p)->tab + (size_t)(i) * (p)->tab##_stride))
/* Verify @data (not copied); on success fills @p (pointers into @data). */
int pkg_parse(struct pkg *p, const void *data, size_t size);
int pkg_open_file(struct pkg *p, const char *path);
int pkg_open_memory(struct pkg *p, const void *data, size_t size);
void pkg_close(struct pkg *p);

/* host_ops.c: host segments (AXB_SEGMENT_F_HOST) */
int host_check_segment(const struct pkg *p, uint32_t si);

/* ------------------------------------------------------------------ */
struct seg_rt {
	const struct axb_segment *seg;	/* copy in segcopy */
	struct axb_segment segcopy;
	const uint8_t *stream;
	uint64_t stream_size;
	uint32_t packets;
	axon_device *dev;		/* device it runs on */
	/* accel: per device weights BOs, one per slot of kind WEIGHTS */
	axon_buffer **wbo;		/* [slot_count], NULL for non-weights */
};

struct axon_model {
	atomic_int refs;
	axon_device *dev;		/* primary device */
	struct pkg pkg;
	uint32_t nseg;
	struct seg_rt *segs;
	axon_device *extra[4];		/* other devices opened for segments */
	uint32_t nextra;
	struct axon_tensor_info *io;	/* inputs then outputs */
	uint32_t nin, nout;
	uint32_t max_slots;
	uint64_t max_sram;
	int all_cpu;
	struct cpuk_cache *cpuk;	/* cpu backend: re-packed weights (cpu_kernels.c) */
};

void model_get(axon_model *m);
void model_put(axon_model *m);
const struct axb_io *model_io(const axon_model *m, int dir, int index, int *gidx);
const struct axb_tensor *model_tensor(const axon_model *m, uint32_t t);

/* ------------------------------------------------------------------ */
enum bind_kind { BIND_NONE, BIND_HOST, BIND_BUFFER };

struct binding {
	enum bind_kind kind;
	void *host;		/* BIND_HOST */
	size_t host_size;
	axon_buffer *buf;	/* BIND_BUFFER: user's buffer (ref) */
	size_t offset;
	axon_buffer *staging;	/* host binding or float I/O: device-side copy */
};

struct axon_fw_region;

struct seg_exec {
	/* cpu */
	struct axon_fw_region *map;
	void **host;		/* host pointer per slot */
	/* accel */
	axon_buffer *cmd;	/* patched stream */
	axon_buffer **slotbuf;	/* per slot: buffer on the segment's device */
	uint64_t *slotva;	/* per slot: actual VA of the slot start */
	uint32_t syncobj;	/* out syncobj on the segment's device */
	uint32_t ctx_id;	/* context the job was submitted to */
	int chained;		/* the job waits for an in-fence */
	uint64_t seqno;
	int dirty;
};

/*
 * A run's kernel context on one accel device: created at its first submit
 * there, destroyed with the run, so a fault in one run (which bans its
 * context and cancels that context's queued jobs) never touches another
 * run's jobs. After a ban the next submit replaces it; the banned one is
 * kept (@retired) until then so the failed run can still read its fault.
 */
#define RUN_MAX_CTX 5		/* primary device + axon_model.extra[4] */
struct run_ctx {
	axon_device *dev;
	uint32_t id;
	uint32_t retired;	/* banned context kept for its fault details */
	int shared;		/* @id is dev->ctx_id (out of contexts) */
};

struct axon_run {
	axon_model *model;
	struct run_ctx ctx[RUN_MAX_CTX];
	uint32_t nctx;
	struct binding *bind;	/* [nin + nout] */
	axon_buffer *arena;	/* arena on the primary device (or cpu) */
	void *arena_host;	/* cpu arena */
	uint8_t *sram;		/* cpu SRAM emulation */
	struct seg_exec *ex;	/* [nseg] */
	int submitted;
	int prepared;
	struct axon_run_status st;
	char reason[256];
	uint64_t t0;
	/* async worker (cpu and mixed pipelines) */
	pthread_t thread;
	int thread_live;
	int efd;		/* eventfd signalled at completion, -1 */
	atomic_int done;
	int result;
	int64_t timeout_hint;
};

/* run_cpu.c / run_accel.c */
int cpu_run_segment(axon_run *run, uint32_t s);
int host_run_segment(axon_run *run, uint32_t s);
int accel_prepare_segment(axon_run *run, uint32_t s);
int accel_submit_segment(axon_run *run, uint32_t s, int wait_prev_syncobj,
			 uint32_t prev_dev_syncobj, axon_device *prev_dev);
int accel_wait_segment(axon_run *run, uint32_t s, int64_t timeout_ns);
int accel_fence_fd(axon_run *run, uint32_t s, int *fd);
void accel_release_segment(axon_run *run, uint32_t s);
void accel_release_contexts(axon_run *run);

/* slot memory resolution shared by both backends */
axon_buffer *run_slot_buffer(axon_run *run, uint32_t s, uint32_t k,
			     uint64_t *offset);
void *run_slot_host(axon_run *run, uint32_t s, uint32_t k);

uint64_t now_ns(void);
void run_fault(axon_run *r, int seg, int32_t packet, uint32_t isa,
	       uint64_t va, const char *reason);
int accel_upload_weights(axon_model *m, uint32_t s);
const char *isa_status_name(uint32_t st);

#endif
