// SPDX-License-Identifier: MIT
/*
 * Runs: bindings, memory resolution of slots, the segment pipeline
 * (blocking, async, fences) and per-run status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "axon_fw.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static axon_device *home_device(axon_model *m)
{
	/* Arena and staging buffers live on the first segment's device. */
	return m->segs[0].dev;
}

static void release_exec(axon_run *r)
{
	axon_model *m = r->model;

	for (uint32_t s = 0; r->ex && s < m->nseg; s++) {
		struct seg_exec *e = &r->ex[s];

		if (m->segs[s].dev->kind == DEV_ACCEL)
			accel_release_segment(r, s);
		free(e->map);
		free(e->host);
		e->map = NULL;
		e->host = NULL;
	}
	r->prepared = 0;
}

static int alloc_home(axon_run *r, size_t size, axon_buffer **out)
{
	return axon_buffer_alloc(home_device(r->model), size, out);
}

AXON_EXPORT int axon_run_create(axon_model *m, axon_run **out)
{
	axon_run *r;
	int rc = 0;

	if (!m || !out)
		return axon_err(AXON_E_INVALID, "axon_run_create: bad arguments");
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return axon_err(AXON_E_NOMEM, "out of memory");
	r->model = m;
	model_get(m);
	r->efd = -1;
	r->st.segment = -1;
	r->st.packet = -1;
	r->st.reason = r->reason;
	r->st.nodes = "";
	r->bind = calloc(m->nin + m->nout + 1, sizeof(*r->bind));
	r->ex = calloc(m->nseg, sizeof(*r->ex));
	if (!r->bind || !r->ex)
		rc = axon_err(AXON_E_NOMEM, "out of memory");
	if (!rc && m->pkg.model.arena_size)
		rc = alloc_home(r, m->pkg.model.arena_size, &r->arena);
	if (!rc && m->max_sram) {
		r->sram = calloc(1, m->max_sram);
		if (!r->sram)
			rc = axon_err(AXON_E_NOMEM, "out of memory for SRAM");
	}
	if (rc) {
		axon_run_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static void unbind(struct binding *b)
{
	buffer_put(b->buf);
	buffer_put(b->staging);
	memset(b, 0, sizeof(*b));
}

AXON_EXPORT void axon_run_free(axon_run *r)
{
	if (!r)
		return;
	if (r->submitted)
		axon_run_wait(r, -1);
	release_exec(r);
	accel_release_contexts(r);
	for (uint32_t i = 0; r->bind && i < r->model->nin + r->model->nout; i++)
		unbind(&r->bind[i]);
	buffer_put(r->arena);
	if (r->efd >= 0)
		close(r->efd);
	free(r->sram);
	free(r->ex);
	free(r->bind);
	model_put(r->model);
	free(r);
}

static int check_bind(axon_run *r, int dir, int index, int *g)
{
	if (!r || !model_io(r->model, dir, index, g))
		return axon_err(AXON_E_INVALID, "bad %s index %d",
				dir == AXON_INPUT ? "input" : "output", index);
	if (r->submitted)
		return axon_err(AXON_E_BUSY, "cannot rebind while the run is in flight");
	return 0;
}

AXON_EXPORT int axon_run_bind_host(axon_run *r, int dir, int index, void *ptr,
				   size_t size)
{
	const struct axon_tensor_info *ti;
	struct binding *b;
	int g, rc = check_bind(r, dir, index, &g);

	if (rc)
		return rc;
	ti = &r->model->io[g];
	if (!ptr || size != ti->size)
		return axon_err(AXON_E_INVALID, "%s '%s' is %zu bytes, %zu given",
				dir == AXON_INPUT ? "input" : "output", ti->name,
				ti->size, size);
	b = &r->bind[g];
	if (!b->staging || b->kind != BIND_HOST) {
		axon_buffer *st;
		size_t dsize = ti->size / axon_dtype_size(ti->dtype) *
			       axon_dtype_size(ti->device_dtype);

		rc = alloc_home(r, dsize, &st);
		if (rc)
			return rc;
		unbind(b);
		b->staging = st;
		if (!axon_buffer_map(st))
			return AXON_E_IO;
	}
	b->kind = BIND_HOST;
	b->host = ptr;
	b->host_size = size;
	r->prepared = 0;
	return 0;
}

AXON_EXPORT int axon_run_bind_buffer(axon_run *r, int dir, int index,
				     axon_buffer *buf, size_t offset)
{
	const struct axon_tensor_info *ti;
	struct binding *b;
	int g, rc = check_bind(r, dir, index, &g);

	if (rc)
		return rc;
	ti = &r->model->io[g];
	if (!buf)
		return axon_err(AXON_E_INVALID, "NULL buffer");
	if (ti->dtype != ti->device_dtype)
		return axon_err(AXON_E_UNSUPPORTED,
				"'%s' is %s for the application and %s on the device: bind host memory",
				ti->name, axon_dtype_name(ti->dtype),
				axon_dtype_name(ti->device_dtype));
	if (offset > buf->size || buf->size - offset < ti->size)
		return axon_err(AXON_E_INVALID, "buffer of %zu bytes at offset %zu too small for '%s' (%zu bytes)",
				buf->size, offset, ti->name, ti->size);
	if (offset % 64)
		return axon_err(AXON_E_INVALID, "buffer offset must be 64-byte aligned");
	b = &r->bind[g];
	unbind(b);
	buffer_get(buf);
	b->kind = BIND_BUFFER;
	b->buf = buf;
	b->offset = offset;
	r->prepared = 0;
	return 0;
}

AXON_EXPORT int axon_run_bind_dmabuf(axon_run *r, int dir, int index, int fd,
				     size_t offset)
{
	axon_buffer *buf;
	int g, rc = check_bind(r, dir, index, &g);

	if (rc)
		return rc;
	rc = axon_buffer_import_dmabuf(home_device(r->model), fd, 0, &buf);
	if (rc)
		return rc;
	rc = axon_run_bind_buffer(r, dir, index, buf, offset);
	buffer_put(buf);
	return rc;
}

/* The buffer and offset holding slot k of segment s (home device). */
axon_buffer *run_slot_buffer(axon_run *r, uint32_t s, uint32_t k, uint64_t *off)
{
	const struct pkg *p = &r->model->pkg;
	const struct axb_segment *sg = r->model->segs[s].seg;
	const struct axb_slot *sl = PKG_ENTRY(p, slots, sg->slot_first + k);
	struct binding *b;

	switch (sl->kind) {
	case AXB_SLOT_ARENA:
		*off = sl->offset;
		return r->arena;
	case AXB_SLOT_INPUT:
	case AXB_SLOT_OUTPUT:
		b = &r->bind[sl->ref];
		*off = b->kind == BIND_BUFFER ? b->offset : 0;
		return b->kind == BIND_BUFFER ? b->buf : b->staging;
	default:
		return NULL;	/* weights: not a run buffer */
	}
}

void *run_slot_host(axon_run *r, uint32_t s, uint32_t k)
{
	const struct pkg *p = &r->model->pkg;
	const struct axb_segment *sg = r->model->segs[s].seg;
	const struct axb_slot *sl = PKG_ENTRY(p, slots, sg->slot_first + k);
	axon_buffer *b;
	uint64_t off;
	uint8_t *m;

	if (sl->kind == AXB_SLOT_WEIGHTS)
		return (void *)(p->base + pkg_section(p, sl->ref)->offset + sl->offset);
	b = run_slot_buffer(r, s, k, &off);
	if (!b)
		return NULL;
	m = axon_buffer_map(b);
	return m ? m + off : NULL;
}

static int check_bound(axon_run *r)
{
	axon_model *m = r->model;

	for (uint32_t i = 0; i < m->nin + m->nout; i++)
		if (r->bind[i].kind == BIND_NONE)
			return axon_err(AXON_E_INVALID, "%s '%s' is not bound",
					i < m->nin ? "input" : "output", m->io[i].name);
	return 0;
}

static int prepare(axon_run *r)
{
	axon_model *m = r->model;
	int rc;

	if (r->prepared)
		return 0;
	release_exec(r);
	rc = check_bound(r);
	if (rc)
		return rc;
	for (uint32_t s = 0; s < m->nseg; s++) {
		const struct axb_segment *sg = m->segs[s].seg;
		struct seg_exec *e = &r->ex[s];

		if (m->segs[s].dev->kind == DEV_ACCEL) {
			rc = accel_prepare_segment(r, s);
			if (rc)
				return rc;
			continue;
		}
		e->map = calloc(sg->slot_count, sizeof(*e->map));
		e->host = calloc(sg->slot_count, sizeof(*e->host));
		if (!e->map || !e->host)
			return axon_err(AXON_E_NOMEM, "out of memory");
		for (uint32_t k = 0; k < sg->slot_count; k++) {
			e->host[k] = run_slot_host(r, s, k);
			if (!e->host[k])
				return AXON_E_IO;
		}
	}
	r->prepared = 1;
	return 0;
}

/* ONNX QuantizeLinear: saturate(round_half_even(x / scale) + zp). */
static void quantize(const float *x, void *q, size_t n, uint32_t dt, float scale,
		     int32_t zp)
{
	long lo = dt == AXON_INT8 ? -128 : dt == AXON_UINT8 ? 0 : -32768;
	long hi = dt == AXON_INT8 ? 127 : dt == AXON_UINT8 ? 255 : 32767;

	for (size_t i = 0; i < n; i++) {
		float v = nearbyintf(x[i] / scale);
		long iv;

		if (isnan(v))
			v = 0;
		iv = v < -65536.0f ? -65536 : v > 65536.0f ? 65536 : (long)v;
		iv += zp;
		iv = iv < lo ? lo : iv > hi ? hi : iv;
		if (dt == AXON_INT8)
			((int8_t *)q)[i] = (int8_t)iv;
		else if (dt == AXON_UINT8)
			((uint8_t *)q)[i] = (uint8_t)iv;
		else
			((int16_t *)q)[i] = (int16_t)iv;
	}
}

static void dequantize(const void *q, float *x, size_t n, uint32_t dt,
		       float scale, int32_t zp)
{
	for (size_t i = 0; i < n; i++) {
		long v = dt == AXON_INT8 ? ((const int8_t *)q)[i] :
			 dt == AXON_UINT8 ? ((const uint8_t *)q)[i] :
			 ((const int16_t *)q)[i];

		x[i] = (float)(v - zp) * scale;
	}
}

static void copy_in(axon_run *r)
{
	axon_model *m = r->model;

	for (uint32_t i = 0; i < m->nin; i++) {
		struct binding *b = &r->bind[i];
		const struct axon_tensor_info *ti = &m->io[i];
		void *dst;

		if (b->kind != BIND_HOST)
			continue;
		dst = b->staging->map;
		if (ti->dtype == ti->device_dtype)
			memcpy(dst, b->host, ti->size);
		else
			quantize(b->host, dst, ti->size / 4, ti->device_dtype,
				 ti->scale, ti->zero_point);
	}
}

static void copy_out(axon_run *r)
{
	axon_model *m = r->model;

	for (uint32_t i = m->nin; i < m->nin + m->nout; i++) {
		struct binding *b = &r->bind[i];
		const struct axon_tensor_info *ti = &m->io[i];

		if (b->kind != BIND_HOST)
			continue;
		if (ti->dtype == ti->device_dtype)
			memcpy(b->host, b->staging->map, ti->size);
		else
			dequantize(b->staging->map, b->host, ti->size / 4,
				   ti->device_dtype, ti->scale, ti->zero_point);
	}
}

static void set_status(axon_run *r, int status, int seg, int32_t packet,
		       uint32_t isa, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void set_status(axon_run *r, int status, int seg, int32_t packet,
		       uint32_t isa, const char *fmt, ...)
{
	va_list ap;
	const char *nodes = NULL;

	r->st.status = status;
	r->st.segment = seg;
	r->st.packet = packet;
	r->st.isa_status = isa;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	if (seg >= 0 && packet >= 0)
		nodes = axon_model_packet_nodes(r->model, seg, (uint32_t)packet);
	r->st.nodes = nodes ? nodes : "";
}

void run_fault(axon_run *r, int seg, int32_t packet, uint32_t isa,
	       uint64_t va, const char *reason)
{
	char where[32] = "";

	if (packet >= 0)
		snprintf(where, sizeof(where), ", packet %d", packet);
	set_status(r, AXON_E_FAULT, seg, packet, isa, "segment %d (%s)%s: %s",
		   seg, r->model->segs[seg].dev->info.name, where, reason);
	r->st.fault_va = va;
}

/*
 * Run segments [first, nseg) in order, waiting for each (used by the
 * blocking path and by the async worker of pipelines with cpu segments).
 */
static int run_sequential(axon_run *r, int64_t timeout_ns)
{
	axon_model *m = r->model;
	axon_device *prev = NULL;
	int rc;

	for (uint32_t s = 0; s < m->nseg; s++) {
		if (m->segs[s].dev->kind == DEV_CPU) {
			rc = cpu_run_segment(r, s);
		} else {
			rc = accel_submit_segment(r, s, 0, 0, prev);
			if (!rc)
				rc = accel_wait_segment(r, s, timeout_ns);
		}
		if (rc)
			return rc;
		prev = m->segs[s].dev;
	}
	return 0;
}

static void finish(axon_run *r, int rc)
{
	r->result = rc;
	if (!rc) {
		r->st.status = AXON_OK;
		r->reason[0] = 0;
	} else if (r->st.status == AXON_OK) {
		set_status(r, rc, -1, -1, 0, "%s", axon_last_error());
	}
	r->st.duration_ns = now_ns() - r->t0;
}

static void *worker(void *arg)
{
	axon_run *r = arg;
	uint64_t one = 1;

	finish(r, run_sequential(r, -1));
	atomic_store(&r->done, 1);
	if (write(r->efd, &one, sizeof(one)) < 0)
		r->result = r->result ? r->result : AXON_E_IO;
	return NULL;
}

static int all_accel(axon_model *m)
{
	for (uint32_t s = 0; s < m->nseg; s++)
		if (m->segs[s].dev->kind != DEV_ACCEL)
			return 0;
	return 1;
}

static int start(axon_run *r)
{
	int rc;

	if (!r)
		return axon_err(AXON_E_INVALID, "NULL run");
	if (r->submitted)
		return axon_err(AXON_E_BUSY, "run already in flight");
	rc = prepare(r);
	if (rc)
		return rc;
	memset(&r->st, 0, sizeof(r->st));
	r->st.segment = -1;
	r->st.packet = -1;
	r->st.reason = r->reason;
	r->st.nodes = "";
	r->reason[0] = 0;
	r->t0 = now_ns();
	copy_in(r);
	return 0;
}

AXON_EXPORT int axon_run_submit(axon_run *r)
{
	axon_model *m;
	int rc = start(r);

	if (rc)
		return rc;
	m = r->model;
	atomic_store(&r->done, 0);
	if (all_accel(m)) {
		axon_device *prev = NULL;

		for (uint32_t s = 0; s < m->nseg; s++) {
			rc = accel_submit_segment(r, s, s > 0, 0, prev);
			if (rc) {
				/* Earlier segments are queued: drain them. */
				for (uint32_t j = 0; j < s; j++)
					accel_wait_segment(r, j, -1);
				finish(r, rc);
				return rc;
			}
			prev = m->segs[s].dev;
		}
		r->thread_live = 0;
	} else {
		if (r->efd < 0)
			r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (r->efd < 0)
			return axon_err_errno(AXON_E_IO, errno, "eventfd");
		rc = pthread_create(&r->thread, NULL, worker, r);
		if (rc)
			return axon_err_errno(AXON_E_IO, rc, "cannot start the run thread");
		r->thread_live = 1;
	}
	r->submitted = 1;
	return 0;
}

AXON_EXPORT int axon_run_wait(axon_run *r, int64_t timeout_ns)
{
	axon_model *m;
	int rc;

	if (!r)
		return axon_err(AXON_E_INVALID, "NULL run");
	if (!r->submitted)
		return r->result ? axon_err(r->result, "%s", r->reason) : 0;
	m = r->model;
	if (r->thread_live) {
		if (!atomic_load(&r->done)) {
			struct pollfd pfd = { .fd = r->efd, .events = POLLIN };
			int ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);

			if (poll(&pfd, 1, ms) == 0 && !atomic_load(&r->done))
				return axon_err(AXON_E_TIMEOUT, "run still in progress");
		}
		pthread_join(r->thread, NULL);
		r->thread_live = 0;
		{
			uint64_t v;

			if (read(r->efd, &v, sizeof(v)) < 0)
				v = 0;	/* already drained */
			(void)v;
		}
		rc = r->result;
	} else {
		rc = accel_wait_segment(r, m->nseg - 1, timeout_ns);
		if (rc == AXON_E_TIMEOUT)
			return rc;
		/*
		 * A failed segment fails the ones after it (their in-fence has
		 * its error): report the first failing one, in order, so that
		 * its context's fault details are read before any recovery.
		 */
		if (rc) {
			for (uint32_t s = 0; s < m->nseg; s++) {
				rc = accel_wait_segment(r, s, 0);
				if (rc)
					break;
			}
		}
		finish(r, rc);
	}
	r->submitted = 0;
	if (rc)
		return axon_err(rc, "%s", r->reason);
	copy_out(r);
	return 0;
}

AXON_EXPORT int axon_run_execute(axon_run *r, int64_t timeout_ns)
{
	int rc;

	if (!r)
		return axon_err(AXON_E_INVALID, "NULL run");
	if (all_accel(r->model)) {
		rc = axon_run_submit(r);
		return rc ? rc : axon_run_wait(r, timeout_ns);
	}
	rc = start(r);
	if (rc)
		return rc;
	rc = run_sequential(r, timeout_ns);
	finish(r, rc);
	if (rc)
		return axon_err(rc, "%s", r->reason);
	copy_out(r);
	return 0;
}

AXON_EXPORT int axon_run_fence_fd(axon_run *r, int *fd, int *is_sync_file)
{
	if (!r || !fd)
		return axon_err(AXON_E_INVALID, "axon_run_fence_fd: bad arguments");
	*fd = -1;
	if (!r->submitted)
		return axon_err(AXON_E_INVALID, "no run in flight");
	if (!r->thread_live) {
		if (is_sync_file)
			*is_sync_file = 1;
		return accel_fence_fd(r, r->model->nseg - 1, fd);
	}
	if (is_sync_file)
		*is_sync_file = 0;
	*fd = fcntl(r->efd, F_DUPFD_CLOEXEC, 0);
	return *fd < 0 ? axon_err_errno(AXON_E_IO, errno, "dup") : 0;
}

AXON_EXPORT int axon_run_status(const axon_run *r, struct axon_run_status *st)
{
	if (!r || !st)
		return axon_err(AXON_E_INVALID, "axon_run_status: bad arguments");
	*st = r->st;
	return 0;
}

AXON_EXPORT const char *axon_dtype_name(uint32_t dt)
{
	switch (dt) {
	case AXON_INT8: return "int8";
	case AXON_UINT8: return "uint8";
	case AXON_INT16: return "int16";
	case AXON_INT32: return "int32";
	case AXON_FLOAT32: return "float32";
	default: return "?";
	}
}

AXON_EXPORT unsigned int axon_dtype_size(uint32_t dt)
{
	return axb_dtype_size(dt);
}
