// SPDX-License-Identifier: GPL-2.0-only
/*
 * Faults and recovery: MMU faults (unmapped VA, another client's VA, a BO
 * not in the list, a write to a READ BO) fail only that job and ban only
 * its context, touching nothing; invalid streams; injected MMU faults,
 * errors and hangs (timeout, engine reset, next job works); a hung job
 * completing at the timeout (not hung, the next job not cancelled); forced
 * resets; a long job that keeps progressing is not killed; tracepoints.
 *
 * Copyright (C) 2025 The axon authors
 */

#include "axon_job_test.h"
#include "kselftest_harness.h"

FIXTURE(fault) {
	int fd;
	struct axon_dev dev;
	struct drm_axon_device_info info;
	uint32_t ctx, ctx2;
	uint32_t sync;
	struct abo data;
	struct abo nop;
	uint32_t nop_size;
};

FIXTURE_SETUP(fault)
{
	struct axs s;

	ASSERT_EQ(0, axon_find("npu", &self->dev)) SKIP(return, "no npu");
	self->fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, axon_query_info(self->fd, &self->info));
	ASSERT_EQ(0, actx_new(self->fd, 1, &self->ctx));
	ASSERT_EQ(0, actx_new(self->fd, 1, &self->ctx2));
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &self->sync));
	ASSERT_EQ(0, abo_new(self->fd, 1 << 20, &self->data));
	memset(self->data.map, 0xee, self->data.size);
	axs_init(&s);
	axs_nop(&s);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &self->nop, &self->nop_size));
	axs_free(&s);
	axon_debugfs_write(&self->dev, "inject", "none");
}

FIXTURE_TEARDOWN(fault)
{
	axon_debugfs_write(&self->dev, "inject", "none");
	if (self->fd >= 0)
		close(self->fd);
}

/* Runs a stream on @ctx with @bos; returns the fence error (or -errno). */
static int run_stream(FIXTURE_DATA(fault) *self, uint32_t ctx,
		      struct axs *s, struct drm_axon_job_bo *bos,
		      uint32_t nbos, int ms)
{
	struct drm_axon_sync out = { .handle = self->sync };
	struct drm_axon_job j;
	struct abo cmd;
	uint32_t size;
	int ret;

	ret = abo_stream(self->fd, s, &cmd, &size);
	axs_free(s);
	if (ret)
		return ret;
	j = ajob(cmd.handle, size, bos, nbos);
	j.out_syncs = (uintptr_t)&out;
	j.out_sync_count = 1;
	ret = asubmit(self->fd, ctx, &j, 1, NULL);
	if (ret)
		return ret;
	ret = asyncobj_wait(self->fd, self->sync, 0, ms);
	abo_del(self->fd, &cmd);
	return ret ?: asyncobj_error(self->fd, self->sync, 0);
}

static int run_nop(FIXTURE_DATA(fault) *self, uint32_t ctx)
{
	struct axs s;

	axs_init(&s);
	axs_nop(&s);
	return run_stream(self, ctx, &s, NULL, 0, 10000);
}

static bool untouched(const struct abo *b)
{
	const uint8_t *p = b->map;
	uint64_t i;

	for (i = 0; i < b->size; i++)
		if (p[i] != 0xee)
			return false;
	return true;
}

/* The faulting context is banned, the other one is not. */
static void check_banned(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, uint32_t fault,
			 uint64_t va)
{
	struct drm_axon_ctx_status st;

	ASSERT_EQ(0, actx_status(self->fd, self->ctx, &st));
	EXPECT_EQ(DRM_AXON_CTX_STATE_BANNED, st.state);
	EXPECT_EQ(fault, st.fault);
	EXPECT_EQ(1, st.fault_count);
	EXPECT_LE(1, st.fault_seqno);
	EXPECT_GE(st.submitted_seqno, st.fault_seqno);
	if (va)
		EXPECT_EQ(va, st.fault_va);
	EXPECT_EQ(-ECANCELED, run_nop(self, self->ctx));
	ASSERT_EQ(0, actx_status(self->fd, self->ctx2, &st));
	EXPECT_EQ(DRM_AXON_CTX_STATE_ACTIVE, st.state);
	EXPECT_EQ(0, run_nop(self, self->ctx2));
}

TEST_F(fault, mmu_unmapped_va)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	uint64_t va = self->info.va_end - 65536;
	struct axs s;

	axs_init(&s);
	axs_fill(&s, self->data.va, 1, 64, 1);	/* fine */
	axs_fill(&s, va, 1, 64, 1);		/* nothing there */
	EXPECT_EQ(-EFAULT, run_stream(self, self->ctx, &s, &bo, 1, 5000));
	check_banned(_metadata, self, DRM_AXON_FAULT_MMU, va);
	/* Packets before the fault ran; nothing else was written. */
	EXPECT_EQ(1, ((uint8_t *)self->data.map)[0]);
	EXPECT_EQ(0xee, ((uint8_t *)self->data.map)[64]);
}

TEST_F(fault, mmu_other_clients_va)
{
	int other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	struct abo theirs;
	struct axs s;
	uint64_t va;

	ASSERT_LE(0, other);
	ASSERT_EQ(0, abo_new(other, 8 << 20, &theirs));
	memset(theirs.map, 0xee, theirs.size);
	va = theirs.va + (4 << 20);	/* not mapped in our address space */
	axs_init(&s);
	axs_fill(&s, va, 1, 4096, 0x66);
	EXPECT_EQ(-EFAULT, run_stream(self, self->ctx, &s, NULL, 0, 5000));
	check_banned(_metadata, self, DRM_AXON_FAULT_MMU, va);
	EXPECT_TRUE(untouched(&theirs));
	abo_del(other, &theirs);
	close(other);
}

TEST_F(fault, mmu_bo_not_in_list)
{
	struct axs s;

	axs_init(&s);
	axs_fill(&s, self->data.va, 1, 64, 1);
	EXPECT_EQ(-EFAULT, run_stream(self, self->ctx, &s, NULL, 0, 5000));
	check_banned(_metadata, self, DRM_AXON_FAULT_MMU, self->data.va);
	EXPECT_TRUE(untouched(&self->data));
}

TEST_F(fault, mmu_write_to_read_bo)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_READ };
	struct axs s;

	axs_init(&s);
	axs_fill(&s, self->data.va + 128, 1, 64, 1);
	EXPECT_EQ(-EFAULT, run_stream(self, self->ctx, &s, &bo, 1, 5000));
	check_banned(_metadata, self, DRM_AXON_FAULT_MMU, self->data.va + 128);
	EXPECT_TRUE(untouched(&self->data));
}

/* An operand running past the end of its BO touches nothing at all. */
TEST_F(fault, mmu_overrun_into_guard)
{
	struct drm_axon_job_bo bo = { self->data.handle,
				      DRM_AXON_JOB_BO_READ | DRM_AXON_JOB_BO_WRITE };
	struct axs s;

	axs_init(&s);
	axs_dma(&s, self->data.va, AXON_ISA_LOC_VA,
		self->data.va + self->data.size - 2048, AXON_ISA_LOC_VA, 1,
		4096);
	EXPECT_EQ(-EFAULT, run_stream(self, self->ctx, &s, &bo, 1, 5000));
	check_banned(_metadata, self, DRM_AXON_FAULT_MMU, 0);
	EXPECT_TRUE(untouched(&self->data));
}

/* Jobs queued behind the faulting one in its context are cancelled. */
TEST_F(fault, queued_jobs_of_banned_ctx_cancelled)
{
	struct drm_axon_job jobs[4];
	struct drm_axon_sync outs[4];
	struct abo bad;
	struct axs s;
	uint32_t size;
	int i;

	axs_init(&s);
	axs_fill(&s, self->info.va_end - 4096, 1, 64, 1);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &bad, &size));
	axs_free(&s);
	for (i = 0; i < 4; i++) {
		outs[i] = (struct drm_axon_sync){ .point = 0 };
		ASSERT_EQ(0, asyncobj_new(self->fd, false, &outs[i].handle));
		jobs[i] = i ? ajob(self->nop.handle, self->nop_size, NULL, 0) :
			      ajob(bad.handle, size, NULL, 0);
		jobs[i].out_syncs = (uintptr_t)&outs[i];
		jobs[i].out_sync_count = 1;
	}
	ASSERT_EQ(0, asubmit(self->fd, self->ctx, jobs, 4, NULL));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, asyncobj_wait(self->fd, outs[i].handle, 0, 5000));
	EXPECT_EQ(-EFAULT, asyncobj_error(self->fd, outs[0].handle, 0));
	for (i = 1; i < 4; i++)
		EXPECT_EQ(-ECANCELED, asyncobj_error(self->fd, outs[i].handle, 0));
	check_banned(_metadata, self, DRM_AXON_FAULT_MMU, 0);
}

/* A job waiting for a failed fence fails with its error without running. */
TEST_F(fault, failed_in_sync_propagates)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	struct drm_axon_sync in = { .handle = self->sync };
	struct drm_axon_sync out = { 0 };
	struct drm_axon_ctx_status st;
	struct drm_axon_job j;
	struct abo cmd;
	struct axs s;
	uint32_t size;

	axs_init(&s);
	axs_fill(&s, self->info.va_end - 4096, 1, 64, 1);
	EXPECT_EQ(-EFAULT, run_stream(self, self->ctx, &s, NULL, 0, 5000));

	axs_init(&s);
	axs_fill(&s, self->data.va, 1, 64, 7);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &cmd, &size));
	axs_free(&s);
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &out.handle));
	j = ajob(cmd.handle, size, &bo, 1);
	j.in_syncs = (uintptr_t)&in;
	j.in_sync_count = 1;
	j.out_syncs = (uintptr_t)&out;
	j.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx2, &j, 1, NULL));
	ASSERT_EQ(0, asyncobj_wait(self->fd, out.handle, 0, 5000));
	EXPECT_EQ(-EFAULT, asyncobj_error(self->fd, out.handle, 0));
	EXPECT_TRUE(untouched(&self->data));
	ASSERT_EQ(0, actx_status(self->fd, self->ctx2, &st));
	EXPECT_EQ(DRM_AXON_CTX_STATE_ACTIVE, st.state);
}

TEST_F(fault, invalid_stream)
{
	struct axs s;

	axs_init(&s);
	axs_nop(&s);
	s.w[0] = 0xdeadbeef;	/* magic */
	EXPECT_EQ(-EINVAL, run_stream(self, self->ctx, &s, NULL, 0, 5000));
	check_banned(_metadata, self, DRM_AXON_FAULT_INVALID_STREAM, 0);
}

/* The dsp has no MATMUL: the stream is refused by the engine. */
TEST(unsupported_opcode_on_dsp)
{
	int fd = axon_open_type("dsp");
	struct drm_axon_sync out = { 0 };
	struct drm_axon_ctx_status st;
	struct drm_axon_device_info info;
	struct drm_axon_job j;
	struct abo cmd;
	struct axs s;
	uint32_t ctx, size;

	if (fd < 0)
		SKIP(return, "no dsp");
	ASSERT_EQ(0, axon_query_info(fd, &info));
	EXPECT_EQ(0, info.ops & DRM_AXON_OP_MATMUL);
	ASSERT_EQ(0, actx_new(fd, 1, &ctx));
	ASSERT_EQ(0, asyncobj_new(fd, false, &out.handle));
	axs_init(&s);
	axs_packet(&s, AXON_OP_MATMUL, sizeof(struct axon_isa_matmul));
	ASSERT_EQ(0, abo_stream(fd, &s, &cmd, &size));
	axs_free(&s);
	j = ajob(cmd.handle, size, NULL, 0);
	j.out_syncs = (uintptr_t)&out;
	j.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(fd, ctx, &j, 1, NULL));
	ASSERT_EQ(0, asyncobj_wait(fd, out.handle, 0, 5000));
	EXPECT_EQ(-EINVAL, asyncobj_error(fd, out.handle, 0));
	ASSERT_EQ(0, actx_status(fd, ctx, &st));
	EXPECT_EQ(DRM_AXON_FAULT_INVALID_STREAM, st.fault);
	EXPECT_EQ(AXON_ISA_E_UNSUPPORTED, st.fault_status);
	EXPECT_EQ(0, st.fault_packet);
	close(fd);
}

TEST_F(fault, inject_mmu)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	struct axs s;

	ASSERT_EQ(0, axon_debugfs_write(&self->dev, "inject", "mmu"));
	axs_init(&s);
	axs_fill(&s, self->data.va, 1, 64, 1);
	EXPECT_EQ(-EFAULT, run_stream(self, self->ctx, &s, &bo, 1, 5000));
	check_banned(_metadata, self, DRM_AXON_FAULT_MMU, self->data.va);
	EXPECT_TRUE(untouched(&self->data));
}

TEST_F(fault, inject_error)
{
	ASSERT_EQ(0, axon_debugfs_write(&self->dev, "inject", "error"));
	EXPECT_EQ(-EIO, run_nop(self, self->ctx));
	check_banned(_metadata, self, DRM_AXON_FAULT_ENGINE, 0);
}

static int hang_timeout_ms(void)
{
	char buf[32];

	if (axon_read_file("/sys/module/axon/parameters/hang_timeout_ms",
			   buf, sizeof(buf)))
		return 500;
	return atoi(buf);
}

static int engine_resets(const struct axon_dev *d)
{
	char path[PATH_MAX], buf[512], *p;
	int n = 0;

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/inject",
		 d->pdev);
	if (axon_read_file(path, buf, sizeof(buf)))
		return -1;
	for (p = buf; (p = strstr(p, "resets ")); p += 7)
		n += atoi(p + 7);
	return n;
}

/*
 * A hung job: the timeout fires, the engine resets, the job fails with
 * -ETIMEDOUT and bans its context; a job of another context queued behind
 * it on the same engine still runs, and so does the next one.
 */
TEST_F(fault, injected_hang_resets_engine)
{
	struct drm_axon_job hung = ajob(self->nop.handle, self->nop_size,
					NULL, 0);
	struct drm_axon_sync out_h = { 0 }, out_b = { 0 };
	struct drm_axon_job behind = hung;
	int resets = engine_resets(&self->dev);
	int64_t t0;
	int tmo = hang_timeout_ms();

	ASSERT_EQ(0, asyncobj_new(self->fd, false, &out_h.handle));
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &out_b.handle));
	ASSERT_EQ(0, axon_debugfs_write(&self->dev, "inject", "hang"));
	hung.out_syncs = (uintptr_t)&out_h;
	hung.out_sync_count = 1;
	behind.out_syncs = (uintptr_t)&out_b;
	behind.out_sync_count = 1;
	t0 = axon_now_ns();
	ASSERT_EQ(0, asubmit(self->fd, self->ctx, &hung, 1, NULL));
	usleep(20 * 1000);
	ASSERT_EQ(0, asubmit(self->fd, self->ctx2, &behind, 1, NULL));
	ASSERT_EQ(0, asyncobj_wait(self->fd, out_h.handle, 0, 10 * tmo + 5000));
	EXPECT_GE(axon_now_ns() - t0, tmo * 1000000LL);
	EXPECT_EQ(-ETIMEDOUT, asyncobj_error(self->fd, out_h.handle, 0));
	ASSERT_EQ(0, asyncobj_wait(self->fd, out_b.handle, 0, 5000));
	EXPECT_EQ(0, asyncobj_error(self->fd, out_b.handle, 0));
	EXPECT_EQ(resets + 1, engine_resets(&self->dev));
	check_banned(_metadata, self, DRM_AXON_FAULT_TIMEOUT, 0);
}

/*
 * A job found hung that completes between the timeout handler's progress
 * check and the engine reset ("late" injection: it completes just as the
 * reset starts, and the job behind it is held on the engine until the
 * reset is over) is not hung: it succeeds, its context is not banned, the
 * engine is not reset, and the job behind it, of another context, is not
 * cancelled.
 */
TEST_F(fault, hung_job_completing_at_timeout)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	struct drm_axon_job late = ajob(self->nop.handle, self->nop_size,
					NULL, 0);
	struct drm_axon_sync out_l = { 0 }, out_b = { 0 };
	int resets = engine_resets(&self->dev);
	struct drm_axon_ctx_status st;
	struct drm_axon_job behind;
	int tmo = hang_timeout_ms();
	const uint8_t *p = self->data.map;
	struct abo cmd;
	uint32_t size;
	struct axs s;
	int64_t t0;

	axs_init(&s);
	axs_fill(&s, self->data.va, 16, 4096, 0x5a);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &cmd, &size));
	axs_free(&s);
	behind = ajob(cmd.handle, size, &bo, 1);
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &out_l.handle));
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &out_b.handle));
	ASSERT_EQ(0, axon_debugfs_write(&self->dev, "inject", "late"));
	late.out_syncs = (uintptr_t)&out_l;
	late.out_sync_count = 1;
	behind.out_syncs = (uintptr_t)&out_b;
	behind.out_sync_count = 1;
	t0 = axon_now_ns();
	ASSERT_EQ(0, asubmit(self->fd, self->ctx, &late, 1, NULL));
	usleep(20 * 1000);
	ASSERT_EQ(0, asubmit(self->fd, self->ctx2, &behind, 1, NULL));
	ASSERT_EQ(0, asyncobj_wait(self->fd, out_l.handle, 0, 10 * tmo + 5000));
	EXPECT_GE(axon_now_ns() - t0, tmo * 1000000LL);
	EXPECT_EQ(0, asyncobj_error(self->fd, out_l.handle, 0));
	ASSERT_EQ(0, asyncobj_wait(self->fd, out_b.handle, 0, 5000));
	EXPECT_EQ(0, asyncobj_error(self->fd, out_b.handle, 0));
	EXPECT_EQ(0x5a, p[0]);
	EXPECT_EQ(0x5a, p[16 * 4096 - 1]);
	EXPECT_EQ(resets, engine_resets(&self->dev));
	ASSERT_EQ(0, actx_status(self->fd, self->ctx, &st));
	EXPECT_EQ(DRM_AXON_CTX_STATE_ACTIVE, st.state);
	EXPECT_EQ(0, st.fault_count);
	ASSERT_EQ(0, actx_status(self->fd, self->ctx2, &st));
	EXPECT_EQ(DRM_AXON_CTX_STATE_ACTIVE, st.state);
	EXPECT_EQ(0, st.fault_count);
	EXPECT_EQ(0, run_nop(self, self->ctx));
	abo_del(self->fd, &cmd);
}

/* A stream taking several timeouts while progressing completes. */
TEST_F(fault, long_progressing_job_completes)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	struct drm_axon_ctx_status st;
	int tmo = hang_timeout_ms();
	int64_t t0, dt;
	int n = 16, i;
	struct axs s;

	/* Calibrate: grow the stream until it runs for 3 timeouts. */
	for (;;) {
		axs_init(&s);
		for (i = 0; i < n; i++)
			axs_fill(&s, self->data.va, 256, 4096, i);
		t0 = axon_now_ns();
		ASSERT_EQ(0, run_stream(self, self->ctx, &s, &bo, 1,
					20 * tmo + 60000));
		dt = axon_now_ns() - t0;
		if (dt > 3LL * tmo * 1000000 || n >= 65536)
			break;
		n = n * 4 > 65536 ? 65536 : n * 4;
	}
	TH_LOG("%d fills of 1 MiB ran %lld ms (timeout %d ms)", n,
	       (long long)dt / 1000000, tmo);
	EXPECT_GT(dt, 3LL * tmo * 1000000);
	ASSERT_EQ(0, actx_status(self->fd, self->ctx, &st));
	EXPECT_EQ(DRM_AXON_CTX_STATE_ACTIVE, st.state);
	EXPECT_EQ(0, st.fault_count);
}

TEST_F(fault, forced_reset_idle)
{
	int resets = engine_resets(&self->dev);

	ASSERT_EQ(0, axon_debugfs_write(&self->dev, "reset", "0"));
	EXPECT_EQ(resets + 1, engine_resets(&self->dev));
	EXPECT_EQ(0, run_nop(self, self->ctx));
	EXPECT_EQ(-EINVAL, axon_debugfs_write(&self->dev, "reset", "99"));
}

/* A forced reset aborts the running job (-ECANCELED) without a ban. */
TEST_F(fault, forced_reset_running)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	struct drm_axon_sync out = { .handle = self->sync };
	struct drm_axon_ctx_status st;
	struct drm_axon_job j;
	struct abo cmd;
	struct axs s;
	uint32_t size;
	int i;

	axs_init(&s);
	for (i = 0; i < 20000; i++)
		axs_fill(&s, self->data.va, 256, 4096, i);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &cmd, &size));
	axs_free(&s);
	j = ajob(cmd.handle, size, &bo, 1);
	j.out_syncs = (uintptr_t)&out;
	j.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx, &j, 1, NULL));
	usleep(100 * 1000);
	ASSERT_EQ(0, axon_debugfs_write(&self->dev, "reset", "0"));
	ASSERT_EQ(0, asyncobj_wait(self->fd, self->sync, 0, 10000));
	EXPECT_EQ(-ECANCELED, asyncobj_error(self->fd, self->sync, 0));
	ASSERT_EQ(0, actx_status(self->fd, self->ctx, &st));
	EXPECT_EQ(DRM_AXON_CTX_STATE_ACTIVE, st.state);
	EXPECT_EQ(0, run_nop(self, self->ctx));
}

static int trace_write(const char *file, const char *s)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/kernel/tracing/%s", file);
	return axon_write_file(path, s);
}

TEST_F(fault, tracepoints)
{
	static char buf[1 << 16];
	struct axs s;
	int fd;
	ssize_t n;

	if (trace_write("events/axon/enable", "1"))
		SKIP(return, "no tracefs");
	trace_write("trace", "");
	EXPECT_EQ(0, run_nop(self, self->ctx2));
	axs_init(&s);
	axs_fill(&s, self->info.va_end - 4096, 1, 64, 1);
	EXPECT_EQ(-EFAULT, run_stream(self, self->ctx, &s, NULL, 0, 5000));
	trace_write("events/axon/enable", "0");
	fd = open("/sys/kernel/tracing/trace", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = 0;
	EXPECT_NE(NULL, strstr(buf, "axon_job_submit"));
	EXPECT_NE(NULL, strstr(buf, "axon_job_run"));
	EXPECT_NE(NULL, strstr(buf, "axon_job_done"));
	EXPECT_NE(NULL, strstr(buf, "axon_job_fault"));
}

TEST_HARNESS_MAIN
