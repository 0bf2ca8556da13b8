// SPDX-License-Identifier: GPL-2.0-only
/*
 * Synchronisation: binary and timeline in/out syncobjs, wait-before-signal,
 * cross-context and cross-engine dependencies, implicit sync through BO
 * reservations, and with an imported DMA-buf (udmabuf) whose fences the
 * exporter side sees through DMA_BUF_IOCTL_EXPORT_SYNC_FILE.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include <linux/dma-buf.h>

#include "axon_job_test.h"
#include "kselftest_harness.h"

#define BIG	(32u << 20)	/* a BO that takes a while to fill */

FIXTURE(sync) {
	int fd;
	uint32_t ctx_a, ctx_b;
	struct drm_axon_device_info info;
	struct abo x, y;
	struct abo slow_cmd;	/* fills x, the first 4 KiB last */
	uint32_t slow_size;
	struct abo copy_cmd;	/* copies x[0, 4 KiB) to y */
	uint32_t copy_size;
};

FIXTURE_SETUP(sync)
{
	struct axs s;
	uint32_t off;

	self->fd = axon_open_type("npu");
	if (self->fd < 0)
		SKIP(return, "no npu device");
	ASSERT_EQ(0, axon_query_info(self->fd, &self->info));
	ASSERT_EQ(0, actx_new(self->fd, 1, &self->ctx_a));
	ASSERT_EQ(0, actx_new(self->fd, 1, &self->ctx_b));
	ASSERT_EQ(0, abo_new(self->fd, BIG, &self->x));
	ASSERT_EQ(0, abo_new(self->fd, 1 << 20, &self->y));

	axs_init(&s);
	for (off = BIG - (1 << 20); off >= 4096 && off < BIG; off -= 1 << 20)
		axs_fill(&s, self->x.va + off, 256, 4096, 0x77);
	axs_fill(&s, self->x.va, 1, 4096, 0x42);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &self->slow_cmd,
				&self->slow_size));
	axs_free(&s);

	axs_init(&s);
	axs_dma(&s, self->x.va, AXON_ISA_LOC_VA, self->y.va, AXON_ISA_LOC_VA,
		1, 4096);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &self->copy_cmd,
				&self->copy_size));
	axs_free(&s);
}

FIXTURE_TEARDOWN(sync)
{
	if (self->fd >= 0)
		close(self->fd);
}

static struct drm_axon_job slow_job(FIXTURE_DATA(sync) *self,
				    struct drm_axon_job_bo *bo)
{
	*bo = (struct drm_axon_job_bo){ self->x.handle, DRM_AXON_JOB_BO_WRITE };
	return ajob(self->slow_cmd.handle, self->slow_size, bo, 1);
}

static struct drm_axon_job copy_job(FIXTURE_DATA(sync) *self,
				    struct drm_axon_job_bo *bos)
{
	bos[0] = (struct drm_axon_job_bo){ self->x.handle, DRM_AXON_JOB_BO_READ };
	bos[1] = (struct drm_axon_job_bo){ self->y.handle, DRM_AXON_JOB_BO_WRITE };
	return ajob(self->copy_cmd.handle, self->copy_size, bos, 2);
}

/* y[0] == 0x42: the copy ran after the slow fill. */
static int copied_after_fill(FIXTURE_DATA(sync) *self)
{
	return ((uint8_t *)self->y.map)[0] == 0x42 &&
	       ((uint8_t *)self->y.map)[4095] == 0x42;
}

/* Binary out-syncobj of ctx A is the in-sync of ctx B, explicit only. */
TEST_F(sync, binary_cross_context)
{
	struct drm_axon_job_bo b1, b2[2];
	struct drm_axon_job a = slow_job(self, &b1), b = copy_job(self, b2);
	struct drm_axon_sync s = { 0 };

	ASSERT_EQ(0, asyncobj_new(self->fd, false, &s.handle));
	a.flags = b.flags = DRM_AXON_JOB_NO_IMPLICIT_SYNC;
	a.out_syncs = (uintptr_t)&s;
	a.out_sync_count = 1;
	b.in_syncs = (uintptr_t)&s;
	b.in_sync_count = 1;
	b.out_syncs = (uintptr_t)&s;
	b.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_b, &b, 1, NULL));
	ASSERT_EQ(0, asyncobj_wait(self->fd, s.handle, 0, 10000));
	EXPECT_EQ(0, asyncobj_error(self->fd, s.handle, 0));
	EXPECT_TRUE(copied_after_fill(self));
}

/* Same across engines of one context. */
TEST_F(sync, binary_cross_engine)
{
	struct drm_axon_job_bo b1, b2[2];
	struct drm_axon_job a = slow_job(self, &b1), b = copy_job(self, b2);
	struct drm_axon_sync s = { 0 };

	if (self->info.engine_count < 2)
		SKIP(return, "one engine");
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &s.handle));
	/* Only the syncobj orders b after a (a is not in x's resv). */
	a.flags = DRM_AXON_JOB_NO_IMPLICIT_SYNC;
	b.engine = 1;
	a.out_syncs = (uintptr_t)&s;
	a.out_sync_count = 1;
	b.in_syncs = (uintptr_t)&s;
	b.in_sync_count = 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &b, 1, NULL));
	ASSERT_EQ(0, abo_wait(self->fd, self->y.handle, 10000));
	EXPECT_TRUE(copied_after_fill(self));
}

/* Timeline: A signals point 5, B waits for it and signals point 6. */
TEST_F(sync, timeline_points)
{
	struct drm_axon_job_bo b1, b2[2];
	struct drm_axon_job a = slow_job(self, &b1), b = copy_job(self, b2);
	struct drm_axon_sync p5 = { 0, 0, 5 }, p6 = { 0, 0, 6 };
	struct drm_syncobj_timeline_array q = { 0 };
	uint64_t val = 0;
	uint32_t t;

	ASSERT_EQ(0, asyncobj_new(self->fd, false, &t));
	p5.handle = p6.handle = t;
	a.flags = b.flags = DRM_AXON_JOB_NO_IMPLICIT_SYNC;
	a.out_syncs = (uintptr_t)&p5;
	a.out_sync_count = 1;
	b.in_syncs = (uintptr_t)&p5;
	b.in_sync_count = 1;
	b.out_syncs = (uintptr_t)&p6;
	b.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_b, &b, 1, NULL));
	ASSERT_EQ(0, asyncobj_wait(self->fd, t, 6, 10000));
	EXPECT_TRUE(copied_after_fill(self));
	q.handles = (uintptr_t)&t;
	q.points = (uintptr_t)&val;
	q.count_handles = 1;
	ASSERT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_QUERY, &q));
	EXPECT_EQ(6, val);
	EXPECT_EQ(0, asyncobj_error(self->fd, t, 5));
	EXPECT_EQ(0, asyncobj_error(self->fd, t, 6));
}

/* One job signalling a binary and two timeline syncobjs. */
TEST_F(sync, several_out_syncs)
{
	struct drm_axon_job_bo b1;
	struct drm_axon_job a = slow_job(self, &b1);
	struct drm_axon_sync outs[3] = { { 0 }, { 0, 0, 1 }, { 0, 0, 100 } };
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, asyncobj_new(self->fd, false, &outs[i].handle));
	a.out_syncs = (uintptr_t)outs;
	a.out_sync_count = 3;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, asyncobj_wait(self->fd, outs[i].handle,
					   outs[i].point, 10000));
}

struct wbs_arg {
	int fd;
	uint32_t ctx;
	struct drm_axon_job job;
	volatile int done;
	int ret;
};

static void *wbs_thread(void *p)
{
	struct wbs_arg *w = p;

	w->ret = asubmit(w->fd, w->ctx, &w->job, 1, NULL);
	w->done = 1;
	return NULL;
}

/*
 * Wait-before-signal: a job waits for timeline point 3 before anything
 * signals it; SUBMIT blocks until the point has a fence, here a job of
 * another context submitted later.
 */
TEST_F(sync, wait_before_signal)
{
	struct drm_axon_job_bo b1, b2[2];
	struct drm_axon_sync in = { 0, DRM_AXON_SYNC_WAIT_FOR_SUBMIT, 3 };
	struct drm_axon_sync out = { 0, 0, 3 };
	struct drm_axon_job a = slow_job(self, &b1);
	struct wbs_arg w = { .fd = self->fd, .ctx = self->ctx_b };
	pthread_t th;
	uint32_t t;

	ASSERT_EQ(0, asyncobj_new(self->fd, false, &t));
	in.handle = out.handle = t;
	w.job = copy_job(self, b2);
	w.job.in_syncs = (uintptr_t)&in;
	w.job.in_sync_count = 1;
	ASSERT_EQ(0, pthread_create(&th, NULL, wbs_thread, &w));
	usleep(200 * 1000);
	EXPECT_EQ(0, w.done);	/* still waiting for the point */

	a.flags = DRM_AXON_JOB_NO_IMPLICIT_SYNC;
	a.out_syncs = (uintptr_t)&out;
	a.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	pthread_join(th, NULL);
	ASSERT_EQ(0, w.ret);
	ASSERT_EQ(0, abo_wait(self->fd, self->y.handle, 10000));
	EXPECT_TRUE(copied_after_fill(self));
}

/* A point signalled from the CPU satisfies a waiting submit too. */
TEST_F(sync, wait_before_cpu_signal)
{
	struct drm_axon_job_bo b2[2];
	struct drm_axon_sync in = { 0, DRM_AXON_SYNC_WAIT_FOR_SUBMIT, 7 };
	struct wbs_arg w = { .fd = self->fd, .ctx = self->ctx_b };
	struct drm_syncobj_timeline_array sig = { 0 };
	uint64_t point = 7;
	pthread_t th;
	uint32_t t;

	ASSERT_EQ(0, asyncobj_new(self->fd, false, &t));
	in.handle = t;
	w.job = copy_job(self, b2);
	w.job.in_syncs = (uintptr_t)&in;
	w.job.in_sync_count = 1;
	ASSERT_EQ(0, pthread_create(&th, NULL, wbs_thread, &w));
	usleep(100 * 1000);
	EXPECT_EQ(0, w.done);
	sig.handles = (uintptr_t)&t;
	sig.points = (uintptr_t)&point;
	sig.count_handles = 1;
	ASSERT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL,
				&sig));
	pthread_join(th, NULL);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, abo_wait(self->fd, self->y.handle, 10000));
}

static void on_alarm(int sig)
{
}

/* A signal interrupts a waiting submit; nothing is queued. */
TEST_F(sync, wait_before_signal_interrupted)
{
	struct drm_axon_job_bo b2[2];
	struct drm_axon_sync in = { 0, DRM_AXON_SYNC_WAIT_FOR_SUBMIT, 1 };
	struct drm_axon_job j = copy_job(self, b2);
	struct drm_axon_submit s = {
		.ctx_id = self->ctx_b,
		.jobs = (uintptr_t)&j,
		.job_count = 1,
		.job_stride = sizeof(j),
	};
	struct sigaction sa = { .sa_handler = on_alarm };
	struct drm_axon_ctx_status st;
	uint32_t t;
	int ret;

	ASSERT_EQ(0, asyncobj_new(self->fd, false, &t));
	in.handle = t;
	j.in_syncs = (uintptr_t)&in;
	j.in_sync_count = 1;
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm(1);
	ret = ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &s);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINTR, errno);
	ASSERT_EQ(0, actx_status(self->fd, self->ctx_b, &st));
	EXPECT_EQ(0, st.submitted_seqno);
}

/* Implicit sync between contexts: B reads what A writes, no syncobj. */
TEST_F(sync, implicit_cross_context)
{
	struct drm_axon_job_bo b1, b2[2];
	struct drm_axon_job a = slow_job(self, &b1), b = copy_job(self, b2);

	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_b, &b, 1, NULL));
	ASSERT_EQ(0, abo_wait(self->fd, self->y.handle, 10000));
	EXPECT_TRUE(copied_after_fill(self));
}

/* Implicit sync between jobs of one submit on different engines. */
TEST_F(sync, implicit_within_submit)
{
	struct drm_axon_job_bo b1, b2[2];
	struct drm_axon_job jobs[2] = { slow_job(self, &b1), copy_job(self, b2) };

	jobs[1].engine = self->info.engine_count - 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, jobs, 2, NULL));
	ASSERT_EQ(0, abo_wait(self->fd, self->y.handle, 10000));
	EXPECT_TRUE(copied_after_fill(self));
}

/* NO_IMPLICIT_SYNC: the job's fence is not in the reservation. */
TEST_F(sync, no_implicit_sync_not_in_resv)
{
	struct drm_axon_job_bo b1;
	struct drm_axon_job a = slow_job(self, &b1);
	struct drm_axon_sync s = { 0 };

	ASSERT_EQ(0, asyncobj_new(self->fd, false, &s.handle));
	a.out_syncs = (uintptr_t)&s;
	a.out_sync_count = 1;
	a.flags = DRM_AXON_JOB_NO_IMPLICIT_SYNC;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	EXPECT_EQ(0, abo_wait(self->fd, self->x.handle, 0));
	ASSERT_EQ(0, asyncobj_wait(self->fd, s.handle, 0, 10000));

	a.flags = 0;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	EXPECT_EQ(-ETIMEDOUT, abo_wait(self->fd, self->x.handle, 0));
	EXPECT_EQ(0, abo_wait(self->fd, self->x.handle, 10000));
}

static int sync_file_ready(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/*
 * A job writing an imported udmabuf: the exporter side sees its fence
 * through EXPORT_SYNC_FILE, and the data once it signals.
 */
TEST_F(sync, dmabuf_export_sync_file)
{
	struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_READ };
	struct drm_axon_job_bo bo;
	struct drm_axon_bo_info info;
	struct drm_axon_job j;
	struct abo cmd;
	struct axs s;
	uint32_t handle, size, off;
	int memfd = -1, buf;
	uint8_t *cpu;

	buf = axon_make_udmabuf(BIG, &memfd);
	if (buf == -ENOENT)
		SKIP(return, "no /dev/udmabuf");
	ASSERT_LE(0, buf);
	ASSERT_EQ(0, axon_prime_import(self->fd, buf, &handle));
	ASSERT_EQ(0, axon_bo_info(self->fd, handle, &info));
	cpu = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, cpu);

	axs_init(&s);
	for (off = 0; off < BIG; off += 1 << 20)
		axs_fill(&s, info.va + off, 256, 4096, 0x3c);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &cmd, &size));
	axs_free(&s);
	bo = (struct drm_axon_job_bo){ handle, DRM_AXON_JOB_BO_WRITE };
	j = ajob(cmd.handle, size, &bo, 1);
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &j, 1, NULL));

	ASSERT_EQ(0, ioctl(buf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex));
	EXPECT_EQ(0, sync_file_ready(ex.fd, 0));	/* still running */
	EXPECT_EQ(1, sync_file_ready(ex.fd, 10000));
	EXPECT_EQ(0x3c, cpu[0]);
	EXPECT_EQ(0x3c, cpu[BIG - 1]);
	close(ex.fd);
	munmap(cpu, BIG);
	close(memfd);
	close(buf);
}

/*
 * The other direction: a fence imported into the udmabuf's reservation
 * (DMA_BUF_IOCTL_IMPORT_SYNC_FILE) orders a job using the buffer, without
 * any syncobj on the job.
 */
TEST_F(sync, dmabuf_import_sync_file)
{
	struct dma_buf_import_sync_file im = { .flags = DMA_BUF_SYNC_WRITE };
	struct drm_syncobj_handle h = {
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};
	struct drm_axon_job_bo b1, bos[2];
	struct drm_axon_job a = slow_job(self, &b1), b;
	struct drm_axon_bo_info info;
	struct drm_axon_sync s = { 0 };
	struct abo cmd;
	struct axs st;
	uint32_t handle, size;
	int memfd = -1, buf;
	uint8_t *cpu;

	buf = axon_make_udmabuf(1 << 20, &memfd);
	if (buf == -ENOENT)
		SKIP(return, "no /dev/udmabuf");
	ASSERT_LE(0, buf);
	ASSERT_EQ(0, axon_prime_import(self->fd, buf, &handle));
	ASSERT_EQ(0, axon_bo_info(self->fd, handle, &info));
	cpu = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, cpu);

	/* A: slow fill of x, outside x's reservation; its fence -> udmabuf. */
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &s.handle));
	a.flags = DRM_AXON_JOB_NO_IMPLICIT_SYNC;
	a.out_syncs = (uintptr_t)&s;
	a.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_a, &a, 1, NULL));
	h.handle = s.handle;
	ASSERT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h));
	im.fd = h.fd;
	ASSERT_EQ(0, ioctl(buf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &im));
	close(h.fd);

	/* B copies x[0, 4 KiB) into the udmabuf: ordered only by its resv. */
	axs_init(&st);
	axs_dma(&st, self->x.va, AXON_ISA_LOC_VA, info.va, AXON_ISA_LOC_VA,
		1, 4096);
	ASSERT_EQ(0, abo_stream(self->fd, &st, &cmd, &size));
	axs_free(&st);
	bos[0] = (struct drm_axon_job_bo){ self->x.handle, DRM_AXON_JOB_BO_READ };
	bos[1] = (struct drm_axon_job_bo){ handle, DRM_AXON_JOB_BO_WRITE };
	b = ajob(cmd.handle, size, bos, 2);
	ASSERT_EQ(0, asubmit(self->fd, self->ctx_b, &b, 1, NULL));
	ASSERT_EQ(0, abo_wait(self->fd, handle, 10000));
	EXPECT_EQ(0x42, cpu[0]);
	EXPECT_EQ(0x42, cpu[4095]);
	munmap(cpu, 1 << 20);
	close(memfd);
	close(buf);
}

TEST_HARNESS_MAIN
