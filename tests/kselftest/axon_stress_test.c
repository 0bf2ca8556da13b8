// SPDX-License-Identifier: GPL-2.0-only
/*
 * Load and lifetime: 4 processes x 1000 jobs with no completion lost or
 * duplicated; closing files and destroying contexts with jobs in flight;
 * fdinfo engine busy time; the DPU configuration (unconfigured refusal,
 * CONFIG_LOAD checks and privileges, CONFIG_LOAD right after a completed
 * job); module unload after all of it.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <sys/wait.h>

#include "axon_job_test.h"
#include "kselftest_harness.h"

#define PROCS	4
#define JOBS	1000
#define BATCH	10
/* Bytes of one stream: header, one FILL, END. */
#define STREAM_BYTES	(16 + sizeof(struct axon_isa_fill) + 8)

/* One process: JOBS jobs, each writing its index to its slot. */
static int worker(void)
{
	int fd = axon_open_type("npu");
	struct drm_axon_device_info info;
	struct drm_axon_ctx_status st;
	struct drm_syncobj_timeline_array q = { 0 };
	struct abo cmd, slots;
	uint64_t *points, *vals;
	uint32_t *handles;
	uint32_t ctx, t, i, k;
	int32_t *slot;

	if (fd < 0 || axon_query_info(fd, &info) || actx_new(fd, 1, &ctx) ||
	    asyncobj_new(fd, false, &t))
		return 10;
	if (abo_new(fd, JOBS * 4, &slots) ||
	    abo_new(fd, JOBS * STREAM_BYTES, &cmd))
		return 11;
	memset(slots.map, 0xff, slots.size);
	for (i = 0; i < JOBS; i++) {
		struct axs s;

		axs_init(&s);
		axs_fill32(&s, slots.va + 4 * i, i + 1);
		if (axs_end(&s) != STREAM_BYTES)
			return 12;
		memcpy((uint8_t *)cmd.map + i * STREAM_BYTES, s.w,
		       STREAM_BYTES);
		axs_free(&s);
	}
	for (i = 0; i < JOBS; i += BATCH) {
		struct drm_axon_job jobs[BATCH];
		struct drm_axon_sync outs[BATCH];
		struct drm_axon_job_bo bo = { slots.handle,
					      DRM_AXON_JOB_BO_WRITE };

		for (k = 0; k < BATCH; k++) {
			outs[k] = (struct drm_axon_sync){ t, 0, i + k + 1 };
			jobs[k] = ajob(cmd.handle, STREAM_BYTES, &bo, 1);
			jobs[k].cmd_offset = (uint64_t)(i + k) * STREAM_BYTES;
			jobs[k].engine = (i / BATCH) % info.engine_count;
			jobs[k].flags = DRM_AXON_JOB_NO_IMPLICIT_SYNC;
			jobs[k].out_syncs = (uintptr_t)&outs[k];
			jobs[k].out_sync_count = 1;
		}
		if (asubmit(fd, ctx, jobs, BATCH, NULL))
			return 13;
	}
	if (asyncobj_wait(fd, t, JOBS, 60000))
		return 14;
	/* Every point signalled, exactly once, without error. */
	handles = calloc(JOBS, sizeof(*handles));
	points = calloc(JOBS, sizeof(*points));
	vals = calloc(JOBS, sizeof(*vals));
	for (i = 0; i < JOBS; i++) {
		handles[i] = t;
		points[i] = i + 1;
	}
	{
		struct drm_syncobj_timeline_wait w = {
			.handles = (uintptr_t)handles,
			.points = (uintptr_t)points,
			.count_handles = JOBS,
			.timeout_nsec = axon_now_ns() + 10000000000LL,
			.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
		};

		if (axon_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w))
			return 15;
	}
	q.handles = (uintptr_t)&t;
	q.points = (uintptr_t)vals;
	q.count_handles = 1;
	if (axon_ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &q) || vals[0] != JOBS)
		return 16;
	if (asyncobj_error(fd, t, JOBS) || asyncobj_error(fd, t, 1))
		return 17;
	slot = slots.map;
	for (i = 0; i < JOBS; i++)
		if (slot[i] != (int32_t)(i + 1))
			return 18;
	if (actx_status(fd, ctx, &st) || st.submitted_seqno != JOBS ||
	    st.completed_seqno != JOBS || st.state != DRM_AXON_CTX_STATE_ACTIVE)
		return 19;
	if (axon_fdinfo(fd, "drm-engine-npu0") <= 0)
		return 20;
	close(fd);
	return 0;
}

/*
 * 4000 jobs under TCG take a few seconds on an idle machine; the harness's
 * default 30 s is too tight on a loaded one, so this test gets 180 s.
 */
FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, four_processes_1000_jobs_each, 180)
{
	pid_t pids[PROCS];
	int i, status;

	if (axon_open_type("npu") < 0)
		SKIP(return, "no npu");
	for (i = 0; i < PROCS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i])
			_exit(worker());
	}
	for (i = 0; i < PROCS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

/* A stream of @n 1 MiB fills of @b. */
static int long_stream(int fd, struct abo *b, int n, struct abo *cmd,
		       uint32_t *size)
{
	struct axs s;
	int i;

	axs_init(&s);
	for (i = 0; i < n; i++)
		axs_fill(&s, b->va, 256, 4096, i);
	i = abo_stream(fd, &s, cmd, size);
	axs_free(&s);
	return i;
}

static int submit_long_jobs(int fd, uint32_t ctx, int count,
			    uint32_t *syncs)
{
	struct drm_axon_job_bo bo;
	struct abo data, cmd;
	uint32_t size;
	int i, ret;

	ret = abo_new(fd, 1 << 20, &data);
	if (!ret)
		ret = long_stream(fd, &data, 16, &cmd, &size);
	if (ret)
		return ret;
	bo = (struct drm_axon_job_bo){ data.handle, DRM_AXON_JOB_BO_WRITE };
	for (i = 0; i < count && !ret; i++) {
		struct drm_axon_job j = ajob(cmd.handle, size, &bo, 1);
		struct drm_axon_sync out = { 0 };

		if (syncs) {
			ret = asyncobj_new(fd, false, &syncs[i]);
			out.handle = syncs[i];
			j.out_syncs = (uintptr_t)&out;
			j.out_sync_count = 1;
		}
		if (!ret)
			ret = asubmit(fd, ctx, &j, 1, NULL);
	}
	return ret;
}

TEST(close_with_jobs_in_flight)
{
	int fd = axon_open_type("npu"), fd2;
	struct drm_axon_job j;
	struct abo nop;
	struct axs s;
	uint32_t ctx, size, sync;

	if (fd < 0)
		SKIP(return, "no npu");
	ASSERT_EQ(0, actx_new(fd, 1, &ctx));
	ASSERT_EQ(0, submit_long_jobs(fd, ctx, 20, NULL));
	close(fd);

	/* The device still works for others. */
	fd2 = axon_open_type("npu");
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, actx_new(fd2, 1, &ctx));
	ASSERT_EQ(0, asyncobj_new(fd2, false, &sync));
	axs_init(&s);
	axs_nop(&s);
	ASSERT_EQ(0, abo_stream(fd2, &s, &nop, &size));
	axs_free(&s);
	j = ajob(nop.handle, size, NULL, 0);
	{
		struct drm_axon_sync out = { .handle = sync };

		j.out_syncs = (uintptr_t)&out;
		j.out_sync_count = 1;
		ASSERT_EQ(0, asubmit(fd2, ctx, &j, 1, NULL));
	}
	EXPECT_EQ(0, asyncobj_wait(fd2, sync, 0, 30000));
	close(fd2);
}

TEST(process_exit_with_jobs_in_flight)
{
	int status;
	pid_t pid;

	if (axon_open_type("npu") < 0)
		SKIP(return, "no npu");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = axon_open_type("npu");
		uint32_t ctx;

		if (fd < 0 || actx_new(fd, 1, &ctx) ||
		    submit_long_jobs(fd, ctx, 20, NULL))
			_exit(1);
		_exit(0);	/* fd closed by exit with 20 jobs queued */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Destroying a context with queued jobs: every fence still signals. */
TEST(ctx_destroy_with_jobs_queued)
{
	int fd = axon_open_type("npu"), i, err;
	uint32_t ctx, syncs[20];

	if (fd < 0)
		SKIP(return, "no npu");
	ASSERT_EQ(0, actx_new(fd, 1, &ctx));
	ASSERT_EQ(0, submit_long_jobs(fd, ctx, 20, syncs));
	ASSERT_EQ(0, actx_del(fd, ctx));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, asyncobj_wait(fd, syncs[i], 0, 30000));
		err = asyncobj_error(fd, syncs[i], 0);
		EXPECT_TRUE(err == 0 || err == -ESRCH) TH_LOG("err %d", err);
	}
	close(fd);
}

/*
 * CTX_DESTROY while another process sharing the file submits to the same
 * context: every SUBMIT either fails (-ENOENT) or queues jobs whose fences
 * signal; none is pushed to an entity being destroyed (which would drop it
 * without signalling its fence).
 */
TEST(ctx_destroy_races_submit)
{
	int fd = axon_open_type("npu"), iter, status;
	struct drm_axon_job_bo bo;
	struct abo cmd, data;
	uint32_t size;
	struct axs s;

	if (fd < 0)
		SKIP(return, "no npu");
	axs_init(&s);
	axs_nop(&s);
	ASSERT_EQ(0, abo_stream(fd, &s, &cmd, &size));
	axs_free(&s);
	ASSERT_EQ(0, abo_new(fd, 4096, &data));
	bo = (struct drm_axon_job_bo){ data.handle, DRM_AXON_JOB_BO_READ };

	for (iter = 0; iter < 40; iter++) {
		uint32_t ctx, sync;
		int sv[2];
		char c;
		pid_t pid;

		ASSERT_EQ(0, actx_new(fd, 1, &ctx));
		ASSERT_EQ(0, asyncobj_new(fd, false, &sync));
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
					sv));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			struct drm_axon_sync out = { .handle = sync };
			struct drm_axon_job j = ajob(cmd.handle, size, &bo, 1);
			int n = 0, ret;

			j.out_syncs = (uintptr_t)&out;
			j.out_sync_count = 1;
			for (;;) {
				ret = asubmit(fd, ctx, &j, 1, NULL);
				if (ret == -ENOENT)
					break;
				if (ret)
					_exit(10);
				if (++n == 3 && write(sv[1], "g", 1) != 1)
					_exit(11);
			}
			_exit(n >= 3 ? 0 : 12);
		}
		close(sv[1]);
		ASSERT_EQ(1, read(sv[0], &c, 1));
		close(sv[0]);
		usleep(iter * 50);
		ASSERT_EQ(0, actx_del(fd, ctx));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status));
		/* The fence of the last job queued signals. */
		ASSERT_EQ(0, asyncobj_wait(fd, sync, 0, 10000))
			TH_LOG("iteration %d: a job's fence never signalled",
			       iter);
		asyncobj_del(fd, sync);
	}
	close(fd);
}

/*
 * A job's SRAM never shows data of another client, even when the new
 * client's bookkeeping reuses the memory of a closed one.
 */
TEST(sram_cleared_between_clients)
{
	const uint32_t rows = 16, cols = 1024, n = rows * cols;
	int iter;

	if (axon_find("npu", &(struct axon_dev){}))
		SKIP(return, "no npu");
	for (iter = 0; iter < 20; iter++) {
		struct drm_axon_job_bo bo;
		struct drm_axon_job j;
		struct abo cmd, buf;
		uint32_t ctx, size, i, nonzero = 0;
		struct axs s;
		int fd;

		/* Client A leaves a secret in engine 0's SRAM. */
		fd = axon_open_type("npu");
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, actx_new(fd, 1, &ctx));
		ASSERT_EQ(0, abo_new(fd, n, &buf));
		memset(buf.map, 0xa5, n);
		axs_init(&s);
		axs_dma(&s, buf.va, AXON_ISA_LOC_VA, 0, AXON_ISA_LOC_SRAM,
			rows, cols);
		ASSERT_EQ(0, abo_stream(fd, &s, &cmd, &size));
		axs_free(&s);
		bo = (struct drm_axon_job_bo){ buf.handle, DRM_AXON_JOB_BO_READ };
		j = ajob(cmd.handle, size, &bo, 1);
		ASSERT_EQ(0, asubmit(fd, ctx, &j, 1, NULL));
		ASSERT_EQ(0, abo_wait(fd, buf.handle, 5000));
		abo_del(fd, &cmd);
		abo_del(fd, &buf);
		close(fd);
		/* Let the job be freed, and with it client A. */
		usleep(20000);

		/* Client B reads engine 0's SRAM. */
		fd = axon_open_type("npu");
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, actx_new(fd, 1, &ctx));
		ASSERT_EQ(0, abo_new(fd, n, &buf));
		axs_init(&s);
		axs_dma(&s, 0, AXON_ISA_LOC_SRAM, buf.va, AXON_ISA_LOC_VA,
			rows, cols);
		ASSERT_EQ(0, abo_stream(fd, &s, &cmd, &size));
		axs_free(&s);
		bo = (struct drm_axon_job_bo){ buf.handle, DRM_AXON_JOB_BO_WRITE };
		j = ajob(cmd.handle, size, &bo, 1);
		ASSERT_EQ(0, asubmit(fd, ctx, &j, 1, NULL));
		ASSERT_EQ(0, abo_wait(fd, buf.handle, 5000));
		for (i = 0; i < n; i++)
			nonzero += ((uint8_t *)buf.map)[i] != 0;
		EXPECT_EQ(0, nonzero)
			TH_LOG("iteration %d: %u bytes of client A's SRAM",
			       iter, nonzero);
		abo_del(fd, &cmd);
		abo_del(fd, &buf);
		close(fd);
		if (nonzero)
			break;
	}
}

TEST(fdinfo_engine_busy_time)
{
	int fd = axon_open_type("npu");
	uint32_t ctx, sync;

	if (fd < 0)
		SKIP(return, "no npu");
	EXPECT_EQ(0, axon_fdinfo(fd, "drm-engine-npu0"));
	EXPECT_EQ(0, axon_fdinfo(fd, "drm-engine-npu1"));
	ASSERT_EQ(0, actx_new(fd, 1, &ctx));
	ASSERT_EQ(0, submit_long_jobs(fd, ctx, 1, &sync));
	ASSERT_EQ(0, asyncobj_wait(fd, sync, 0, 30000));
	EXPECT_LT(0, axon_fdinfo(fd, "drm-engine-npu0"));
	/* Kept after the context is gone. */
	ASSERT_EQ(0, actx_del(fd, ctx));
	EXPECT_LT(0, axon_fdinfo(fd, "drm-engine-npu0"));
	close(fd);
}

/* --- DPU configuration --- */

static size_t make_blob(uint8_t *buf, uint32_t kind, uint32_t type,
			uint32_t payload)
{
	struct drm_axon_blob_header *h = (void *)buf;
	uint32_t i;

	memset(h, 0, sizeof(*h));
	h->magic = DRM_AXON_BLOB_MAGIC;
	h->header_version = DRM_AXON_BLOB_HEADER_VERSION;
	h->kind = kind;
	h->device_type = type;
	h->version = DRM_AXON_VERSION(1, 2, 3);
	h->payload_size = payload;
	for (i = 0; i < payload; i++)
		buf[sizeof(*h) + i] = i * 13;
	h->payload_crc32 = axon_crc32(buf + sizeof(*h), payload);
	return sizeof(*h) + payload;
}

static int config_load(int fd, const void *blob, uint32_t size)
{
	struct drm_axon_config_load c = {
		.data = (uintptr_t)blob,
		.size = size,
	};

	return axon_ioctl(fd, DRM_IOCTL_AXON_CONFIG_LOAD, &c);
}

FIXTURE(dpu) {
	int fd;
	uint32_t ctx;
	struct abo nop;
	uint32_t nop_size;
	uint8_t blob[4096];
	size_t blob_size;
};

FIXTURE_SETUP(dpu)
{
	struct axs s;

	self->fd = axon_open_type("dpu");
	if (self->fd < 0)
		SKIP(return, "no dpu");
	ASSERT_EQ(0, actx_new(self->fd, 1, &self->ctx));
	axs_init(&s);
	axs_nop(&s);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &self->nop, &self->nop_size));
	axs_free(&s);
	self->blob_size = make_blob(self->blob, DRM_AXON_BLOB_CONFIG,
				    DRM_AXON_DEVICE_TYPE_DPU, 1000);
}

FIXTURE_TEARDOWN(dpu)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dpu, unconfigured_refuses_jobs)
{
	struct drm_axon_device_info info;
	struct drm_axon_job j = ajob(self->nop.handle, self->nop_size, NULL, 0);

	ASSERT_EQ(0, axon_query_info(self->fd, &info));
	EXPECT_NE(0, info.capabilities & DRM_AXON_CAP_CONFIG_LOAD);
	if (info.state & DRM_AXON_STATE_CONFIGURED)
		SKIP(return, "already configured");
	EXPECT_EQ(0, info.config_version);
	EXPECT_EQ(-ENODATA, asubmit(self->fd, self->ctx, &j, 1, NULL));
}

TEST_F(dpu, config_load_negative)
{
	struct drm_axon_config_load c = {
		.data = (uintptr_t)self->blob,
		.size = self->blob_size,
	};
	uint8_t bad[4096];
	int npu = axon_open_type("npu");

	c.flags = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_CONFIG_LOAD, &c));
	c.flags = 0;
	c.pad = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_CONFIG_LOAD, &c));
	EXPECT_EQ(-EINVAL, config_load(self->fd, self->blob, 0));
	EXPECT_EQ(-EINVAL, config_load(self->fd, self->blob, 16));
	EXPECT_EQ(-E2BIG, config_load(self->fd, self->blob, 64 << 20));
	EXPECT_EQ(-EFAULT, config_load(self->fd, (void *)8, 100));
	memcpy(bad, self->blob, self->blob_size);
	bad[0] ^= 1;					/* magic */
	EXPECT_EQ(-EINVAL, config_load(self->fd, bad, self->blob_size));
	memcpy(bad, self->blob, self->blob_size);
	bad[4] = 2;					/* header version */
	EXPECT_EQ(-EINVAL, config_load(self->fd, bad, self->blob_size));
	memcpy(bad, self->blob, self->blob_size);
	bad[self->blob_size - 1] ^= 0x80;		/* checksum */
	EXPECT_EQ(-EINVAL, config_load(self->fd, bad, self->blob_size));
	EXPECT_EQ(-EINVAL, config_load(self->fd, self->blob,
				       self->blob_size - 1));
	make_blob(bad, DRM_AXON_BLOB_FIRMWARE, DRM_AXON_DEVICE_TYPE_DPU, 1000);
	EXPECT_EQ(-EINVAL, config_load(self->fd, bad, self->blob_size));
	make_blob(bad, DRM_AXON_BLOB_CONFIG, DRM_AXON_DEVICE_TYPE_NPU, 1000);
	EXPECT_EQ(-EINVAL, config_load(self->fd, bad, self->blob_size));
	if (npu >= 0) {
		EXPECT_EQ(-EOPNOTSUPP, config_load(npu, self->blob,
						   self->blob_size));
		close(npu);
	}
}

/* CONFIG_LOAD and high-priority contexts need capabilities. */
TEST_F(dpu, privileges)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t ctx;

		/* Dropping root drops every capability. */
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(1);
		if (config_load(self->fd, self->blob, self->blob_size) != -EPERM)
			_exit(2);
		if (actx_new(self->fd, DRM_AXON_CTX_PRIORITY_HIGH, &ctx) != -EPERM)
			_exit(3);
		if (actx_new(self->fd, DRM_AXON_CTX_PRIORITY_NORMAL, &ctx))
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(dpu, config_load_then_jobs_run)
{
	struct drm_axon_device_info info;
	struct drm_axon_sync out = { 0 };
	struct drm_axon_job j = ajob(self->nop.handle, self->nop_size, NULL, 0);

	ASSERT_EQ(0, config_load(self->fd, self->blob, self->blob_size));
	ASSERT_EQ(0, axon_query_info(self->fd, &info));
	EXPECT_NE(0, info.state & DRM_AXON_STATE_CONFIGURED);
	EXPECT_EQ(DRM_AXON_VERSION(1, 2, 3), info.config_version);
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &out.handle));
	j.out_syncs = (uintptr_t)&out;
	j.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(self->fd, self->ctx, &j, 1, NULL));
	EXPECT_EQ(0, asyncobj_wait(self->fd, out.handle, 0, 5000));
	EXPECT_EQ(0, asyncobj_error(self->fd, out.handle, 0));
}

/*
 * A job counts as in flight for CONFIG_LOAD until it completes, not until
 * the scheduler frees it a little later: once its out-syncobj signalled, a
 * CONFIG_LOAD must succeed at once (no -EBUSY, no retry).
 */
TEST_F(dpu, config_load_right_after_job)
{
	struct drm_axon_sync out = { 0 };
	struct drm_axon_job j = ajob(self->nop.handle, self->nop_size, NULL, 0);
	int i;

	ASSERT_EQ(0, config_load(self->fd, self->blob, self->blob_size));
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &out.handle));
	j.out_syncs = (uintptr_t)&out;
	j.out_sync_count = 1;
	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, asubmit(self->fd, self->ctx, &j, 1, NULL));
		ASSERT_EQ(0, asyncobj_wait(self->fd, out.handle, 0, 5000));
		ASSERT_EQ(0, asyncobj_error(self->fd, out.handle, 0));
		ASSERT_EQ(0, config_load(self->fd, self->blob,
					 self->blob_size))
			TH_LOG("iteration %d", i);
	}
}

/* Last: jobs were in flight when files closed; the module unloads. */
TEST(unload_after_jobs)
{
	const char *ko = getenv("AXON_KO"), *em = getenv("AXON_EMULATE");
	char cmd[PATH_MAX + 64];
	int fd = axon_open_type("npu"), status, i;
	pid_t pid;

	if (fd < 0 || !ko)
		SKIP(return, "no npu or AXON_KO");
	close(fd);
	/* A process exits with jobs queued (its BO mmaps die with it). */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t ctx;

		fd = axon_open_type("npu");
		if (fd < 0 || actx_new(fd, 1, &ctx) ||
		    submit_long_jobs(fd, ctx, 4, NULL))
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The jobs' fences hold the module until they are released. */
	for (i = 0; i < 600 && system("rmmod axon 2>/dev/null"); i++)
		usleep(50000);
	ASSERT_GT(600, i) TH_LOG("rmmod still fails after 30 s");
	snprintf(cmd, sizeof(cmd), "insmod %s emulate=%s", ko,
		 em ? em : "npu,dsp,dpu");
	ASSERT_EQ(0, system(cmd));
	fd = axon_open_type("npu");
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
