/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the job-execution kselftests: command streams built with the
 * ISA structs of uapi/drm/axon_isa.h, contexts, SUBMIT, syncobjs.
 *
 * Copyright (C) 2025 The axon authors
 */

#ifndef AXON_JOB_TEST_H
#define AXON_JOB_TEST_H

#include <poll.h>
#include <stdbool.h>

#include <drm/axon_isa.h>

#include "axon_test.h"

/* ------------------------------------------------------------------------
 * Command streams
 */

#define AXS_MAX_WORDS	(1 << 20)

/** struct axs - a command stream being built (in 32-bit words) */
struct axs {
	uint32_t *w;
	uint32_t n;
};

static inline void axs_init(struct axs *s)
{
	struct axon_isa_stream_header h = {
		.magic = AXON_ISA_MAGIC,
		.version_major = AXON_ISA_VERSION_MAJOR,
		.version_minor = AXON_ISA_VERSION_MINOR,
	};

	s->w = calloc(AXS_MAX_WORDS, 4);
	memcpy(s->w, &h, sizeof(h));
	s->n = sizeof(h) / 4;
}

static inline void axs_free(struct axs *s)
{
	free(s->w);
	s->w = NULL;
}

/* Appends a packet whose body struct (header included) is @size bytes. */
static inline void *axs_packet(struct axs *s, uint8_t opcode, size_t size)
{
	struct axon_isa_packet *p = (void *)(s->w + s->n);

	memset(p, 0, size);
	p->opcode = opcode;
	p->version = AXON_ISA_PACKET_VERSION;
	p->size_words = size / 4;
	s->n += size / 4;
	return p;
}

static inline void axs_nop(struct axs *s)
{
	axs_packet(s, AXON_OP_NOP, sizeof(struct axon_isa_packet));
}

static inline void axs_marker(struct axs *s, uint32_t id)
{
	struct axon_isa_marker *m = axs_packet(s, AXON_OP_MARKER, sizeof(*m));

	m->id = id;
}

/* A contiguous {1, 1, rows, cols} tensor. */
static inline void axs_tensor(struct axon_isa_tensor *t, uint64_t addr,
			      uint8_t loc, uint8_t dtype, uint32_t rows,
			      uint32_t cols)
{
	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->loc = loc;
	t->dtype = dtype;
	t->dims[0] = 1;
	t->dims[1] = 1;
	t->dims[2] = rows;
	t->dims[3] = cols;
	t->strides[0] = rows * cols;
	t->strides[1] = rows * cols;
	t->strides[2] = cols;
	t->strides[3] = 1;
}

/* FILL @bytes (a multiple of @cols) int8 bytes at @va with @value. */
static inline void axs_fill(struct axs *s, uint64_t va, uint32_t rows,
			    uint32_t cols, int8_t value)
{
	struct axon_isa_fill *f = axs_packet(s, AXON_OP_FILL, sizeof(*f));

	axs_tensor(&f->dst, va, AXON_ISA_LOC_VA, AXON_ISA_INT8, rows, cols);
	f->value = value;
}

/* FILL one int32 at @va. */
static inline void axs_fill32(struct axs *s, uint64_t va, int32_t value)
{
	struct axon_isa_fill *f = axs_packet(s, AXON_OP_FILL, sizeof(*f));

	axs_tensor(&f->dst, va, AXON_ISA_LOC_VA, AXON_ISA_INT32, 1, 1);
	f->value = value;
}

/* DMA rows x cols int8 from @src to @dst (each loc VA or SRAM). */
static inline void axs_dma(struct axs *s, uint64_t src, uint8_t src_loc,
			   uint64_t dst, uint8_t dst_loc, uint32_t rows,
			   uint32_t cols)
{
	struct axon_isa_dma *d = axs_packet(s, AXON_OP_DMA, sizeof(*d));

	axs_tensor(&d->src, src, src_loc, AXON_ISA_INT8, rows, cols);
	axs_tensor(&d->dst, dst, dst_loc, AXON_ISA_INT8, rows, cols);
}

/* Ends the stream; returns its size in bytes. */
static inline uint32_t axs_end(struct axs *s)
{
	struct axon_isa_stream_header *h = (void *)s->w;

	axs_packet(s, AXON_OP_END, sizeof(struct axon_isa_packet));
	h->size_words = s->n;
	return s->n * 4;
}

/* ------------------------------------------------------------------------
 * BOs with a CPU mapping
 */

/** struct abo - a BO of the test's fd, mapped */
struct abo {
	uint32_t handle;
	uint64_t va;
	uint64_t size;
	void *map;
};

static inline int abo_new(int fd, uint64_t size, struct abo *b)
{
	struct drm_axon_bo_create c;
	int ret = axon_bo_create(fd, size, 0, &c);

	if (ret)
		return ret;
	b->handle = c.handle;
	b->va = c.va;
	b->size = c.size;
	b->map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      c.mmap_offset);
	return b->map == MAP_FAILED ? -errno : 0;
}

static inline void abo_del(int fd, struct abo *b)
{
	if (b->map && b->map != MAP_FAILED)
		munmap(b->map, b->size);
	if (b->handle)
		axon_gem_close(fd, b->handle);
	memset(b, 0, sizeof(*b));
}

/* Writes a stream into a fresh BO. */
static inline int abo_stream(int fd, struct axs *s, struct abo *b,
			     uint32_t *size)
{
	int ret;

	*size = axs_end(s);
	ret = abo_new(fd, *size, b);
	if (!ret)
		memcpy(b->map, s->w, *size);
	return ret;
}

/* ------------------------------------------------------------------------
 * Contexts, SUBMIT, syncobjs
 */

static inline int actx_new(int fd, uint32_t prio, uint32_t *id)
{
	struct drm_axon_ctx_create c = { .priority = prio };
	int ret = axon_ioctl(fd, DRM_IOCTL_AXON_CTX_CREATE, &c);

	*id = c.ctx_id;
	return ret;
}

static inline int actx_del(int fd, uint32_t id)
{
	struct drm_axon_ctx_destroy d = { .ctx_id = id };

	return axon_ioctl(fd, DRM_IOCTL_AXON_CTX_DESTROY, &d);
}

static inline int actx_status(int fd, uint32_t id,
			      struct drm_axon_ctx_status *st)
{
	memset(st, 0, sizeof(*st));
	st->ctx_id = id;
	return axon_ioctl(fd, DRM_IOCTL_AXON_CTX_STATUS, st);
}

/* A job running @cmd (size @size) with BO list @bos. */
static inline struct drm_axon_job ajob(uint32_t cmd, uint32_t size,
				       struct drm_axon_job_bo *bos,
				       uint32_t nbos)
{
	struct drm_axon_job j = {
		.cmd_handle = cmd,
		.cmd_size = size,
		.bos = (uintptr_t)bos,
		.bo_count = nbos,
	};

	return j;
}

static inline int asubmit(int fd, uint32_t ctx, struct drm_axon_job *jobs,
			  uint32_t count, uint64_t *seqno)
{
	struct drm_axon_submit s = {
		.ctx_id = ctx,
		.jobs = (uintptr_t)jobs,
		.job_count = count,
		.job_stride = sizeof(*jobs),
	};
	int ret = axon_ioctl(fd, DRM_IOCTL_AXON_SUBMIT, &s);

	if (seqno)
		*seqno = s.seqno;
	return ret;
}

static inline int asyncobj_new(int fd, bool signaled, uint32_t *handle)
{
	struct drm_syncobj_create c = {
		.flags = signaled ? DRM_SYNCOBJ_CREATE_SIGNALED : 0,
	};
	int ret = axon_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);

	*handle = c.handle;
	return ret;
}

static inline int asyncobj_del(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle };

	return axon_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

static inline int64_t axon_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Waits for a binary syncobj (point 0) or a timeline point, @ms at most. */
static inline int asyncobj_wait(int fd, uint32_t handle, uint64_t point,
				int ms)
{
	struct drm_syncobj_timeline_wait w = {
		.handles = (uintptr_t)&handle,
		.points = (uintptr_t)&point,
		.count_handles = 1,
		.timeout_nsec = axon_now_ns() + ms * 1000000LL,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};

	return axon_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

/* Error of the fence in a syncobj (point 0: binary), through a sync_file. */
static inline int asyncobj_error(int fd, uint32_t handle, uint64_t point)
{
	struct drm_syncobj_transfer t = { 0 };
	struct drm_syncobj_handle h = { 0 };
	uint32_t tmp = handle;
	int ret;

	if (point) {
		/* Move the point to a binary syncobj first. */
		ret = asyncobj_new(fd, false, &tmp);
		if (ret)
			return ret;
		t.src_handle = handle;
		t.src_point = point;
		t.dst_handle = tmp;
		ret = axon_ioctl(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &t);
		if (ret)
			return ret;
	}
	h.handle = tmp;
	h.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
	ret = axon_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
	if (point)
		asyncobj_del(fd, tmp);
	if (ret)
		return ret;
	{
		/* SYNC_IOC_FILE_INFO: status < 0 is the fence error. */
		struct sync_fi {
			char name[32];
			int32_t status;
			uint32_t flags;
			uint32_t num_fences;
			uint32_t pad;
			uint64_t sync_fence_info;
		} info = { 0 };

		ret = ioctl(h.fd, _IOWR('>', 4, struct sync_fi), &info);
		close(h.fd);
		if (ret)
			return -errno;
		return info.status < 0 ? info.status : 0;
	}
}

/* Waits for every job using the BO (BO_WAIT), @ms at most. */
static inline int abo_wait(int fd, uint32_t handle, int ms)
{
	struct drm_axon_bo_wait w = {
		.handle = handle,
		.timeout_ns = axon_now_ns() + ms * 1000000LL,
	};

	return axon_ioctl(fd, DRM_IOCTL_AXON_BO_WAIT, &w);
}

/* debugfs file of the device @d, written. */
static inline int axon_debugfs_write(const struct axon_dev *d,
				     const char *file, const char *s)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/%s",
		 d->pdev, file);
	return axon_write_file(path, s);
}

#endif /* AXON_JOB_TEST_H */
