// SPDX-License-Identifier: GPL-2.0-only
/*
 * SUBMIT: NOP, FILL and COPY jobs with memory checked, multi-job submits,
 * the job stride, CMD_VA, contexts, and every field's negative cases.
 *
 * Copyright (C) 2025 The axon authors
 */

#include "axon_job_test.h"
#include "kselftest_harness.h"

FIXTURE(submit) {
	int fd;
	uint32_t ctx;
	uint32_t sync;
	struct abo cmd;		/* a NOP stream */
	uint32_t cmd_size;
	struct abo data;
	struct drm_axon_device_info info;
};

FIXTURE_SETUP(submit)
{
	struct axs s;

	self->fd = axon_open_type("npu");
	if (self->fd < 0)
		SKIP(return, "no npu device");
	ASSERT_EQ(0, axon_query_info(self->fd, &self->info));
	ASSERT_EQ(0, actx_new(self->fd, DRM_AXON_CTX_PRIORITY_NORMAL,
			      &self->ctx));
	ASSERT_EQ(0, asyncobj_new(self->fd, false, &self->sync));
	axs_init(&s);
	axs_nop(&s);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &self->cmd, &self->cmd_size));
	axs_free(&s);
	ASSERT_EQ(0, abo_new(self->fd, 1 << 20, &self->data));
}

FIXTURE_TEARDOWN(submit)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Submits one job signalling the fixture's syncobj; returns -errno. */
static int submit_one(FIXTURE_DATA(submit) *self, struct drm_axon_job *j)
{
	struct drm_axon_sync out = { .handle = self->sync };

	j->out_syncs = (uintptr_t)&out;
	j->out_sync_count = 1;
	return asubmit(self->fd, self->ctx, j, 1, NULL);
}

static int run_one(FIXTURE_DATA(submit) *self, struct drm_axon_job *j)
{
	int ret = submit_one(self, j);

	if (ret)
		return ret;
	ret = asyncobj_wait(self->fd, self->sync, 0, 5000);
	if (ret)
		return ret;
	return asyncobj_error(self->fd, self->sync, 0);
}

TEST_F(submit, caps)
{
	EXPECT_NE(0, self->info.capabilities & DRM_AXON_CAP_SUBMIT);
	EXPECT_NE(0, self->info.capabilities & DRM_AXON_CAP_SYNCOBJ_TIMELINE);
	EXPECT_NE(0, self->info.capabilities & DRM_AXON_CAP_IMPLICIT_SYNC);
	EXPECT_EQ(0, self->info.capabilities & DRM_AXON_CAP_CONFIG_LOAD);
	/* ops is the ISA opcode mask: the npu runs every opcode. */
	EXPECT_EQ((1ULL << AXON_OP_COUNT) - 1, self->info.ops);
}

TEST_F(submit, nop)
{
	struct drm_axon_job j = ajob(self->cmd.handle, self->cmd_size, NULL, 0);
	struct drm_axon_ctx_status st;

	ASSERT_EQ(0, run_one(self, &j));
	ASSERT_EQ(0, actx_status(self->fd, self->ctx, &st));
	EXPECT_EQ(1, st.submitted_seqno);
	EXPECT_EQ(1, st.completed_seqno);
	EXPECT_EQ(DRM_AXON_CTX_STATE_ACTIVE, st.state);
}

TEST_F(submit, nop_every_engine)
{
	uint32_t e;

	for (e = 0; e < self->info.engine_count; e++) {
		struct drm_axon_job j = ajob(self->cmd.handle, self->cmd_size,
					     NULL, 0);

		j.engine = e;
		ASSERT_EQ(0, run_one(self, &j));
	}
}

TEST_F(submit, fill)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	struct drm_axon_job j;
	struct abo cmd;
	struct axs s;
	uint32_t size, i;
	uint8_t *p = self->data.map;

	memset(p, 0x11, self->data.size);
	axs_init(&s);
	axs_fill(&s, self->data.va + 4096, 16, 1024, 0x5a);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &cmd, &size));
	axs_free(&s);
	j = ajob(cmd.handle, size, &bo, 1);
	ASSERT_EQ(0, run_one(self, &j));
	for (i = 0; i < self->data.size; i++) {
		uint8_t want = i >= 4096 && i < 4096 + 16384 ? 0x5a : 0x11;

		if (p[i] != want) {
			ASSERT_EQ(want, p[i]) TH_LOG("byte %u", i);
		}
	}
}

TEST_F(submit, copy_through_sram)
{
	struct drm_axon_job_bo bos[2];
	struct drm_axon_job j;
	struct abo cmd, dst;
	struct axs s;
	uint32_t size, i;
	uint8_t *src = self->data.map, *d;

	ASSERT_EQ(0, abo_new(self->fd, 65536, &dst));
	for (i = 0; i < 65536; i++)
		src[i] = i * 7 + 3;
	axs_init(&s);
	/* VA -> SRAM -> VA, and a direct VA -> VA copy of the second half. */
	axs_dma(&s, self->data.va, AXON_ISA_LOC_VA, 0, AXON_ISA_LOC_SRAM,
		32, 1024);
	axs_dma(&s, 0, AXON_ISA_LOC_SRAM, dst.va, AXON_ISA_LOC_VA, 32, 1024);
	axs_dma(&s, self->data.va + 32768, AXON_ISA_LOC_VA, dst.va + 32768,
		AXON_ISA_LOC_VA, 32, 1024);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &cmd, &size));
	axs_free(&s);
	bos[0] = (struct drm_axon_job_bo){ self->data.handle, DRM_AXON_JOB_BO_READ };
	bos[1] = (struct drm_axon_job_bo){ dst.handle, DRM_AXON_JOB_BO_WRITE };
	j = ajob(cmd.handle, size, bos, 2);
	ASSERT_EQ(0, run_one(self, &j));
	d = dst.map;
	ASSERT_EQ(0, memcmp(d, src, 65536));
}

TEST_F(submit, bo_wait_sees_job)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	struct drm_axon_job j;
	struct abo cmd;
	struct axs s;
	uint32_t size;

	axs_init(&s);
	axs_fill(&s, self->data.va, 256, 4096, 0x33);
	ASSERT_EQ(0, abo_stream(self->fd, &s, &cmd, &size));
	axs_free(&s);
	j = ajob(cmd.handle, size, &bo, 1);
	ASSERT_EQ(0, asubmit(self->fd, self->ctx, &j, 1, NULL));
	ASSERT_EQ(0, abo_wait(self->fd, self->data.handle, 5000));
	EXPECT_EQ(0x33, ((uint8_t *)self->data.map)[1048575]);
}

TEST_F(submit, many_jobs_in_one_submit)
{
	struct drm_axon_job_bo bo = { self->data.handle, DRM_AXON_JOB_BO_WRITE };
	struct drm_axon_job jobs[16];
	struct abo cmds[16];
	uint64_t seqno;
	uint32_t i, size;
	int32_t *p = self->data.map;

	for (i = 0; i < 16; i++) {
		struct axs s;

		axs_init(&s);
		axs_fill32(&s, self->data.va + 4 * i, 100 + i);
		ASSERT_EQ(0, abo_stream(self->fd, &s, &cmds[i], &size));
		axs_free(&s);
		jobs[i] = ajob(cmds[i].handle, size, &bo, 1);
		jobs[i].engine = i % self->info.engine_count;
	}
	ASSERT_EQ(0, asubmit(self->fd, self->ctx, jobs, 16, &seqno));
	EXPECT_EQ(16, seqno);
	ASSERT_EQ(0, abo_wait(self->fd, self->data.handle, 5000));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(100 + i, p[i]);
}

TEST_F(submit, stride_larger_with_zero_tail)
{
	struct {
		struct drm_axon_job j;
		uint64_t future[3];
	} big[2];
	struct drm_axon_submit sub = {
		.ctx_id = self->ctx,
		.jobs = (uintptr_t)big,
		.job_count = 2,
		.job_stride = sizeof(big[0]),
	};

	memset(big, 0, sizeof(big));
	big[0].j = ajob(self->cmd.handle, self->cmd_size, NULL, 0);
	big[1].j = ajob(self->cmd.handle, self->cmd_size, NULL, 0);
	ASSERT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &sub));
	EXPECT_EQ(2, sub.seqno);
	big[1].future[2] = 1;
	EXPECT_EQ(-E2BIG, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &sub));
}

TEST_F(submit, cmd_va)
{
	struct drm_axon_job_bo bo = { self->cmd.handle, DRM_AXON_JOB_BO_READ };
	struct drm_axon_job j = ajob(0, self->cmd_size, &bo, 1);

	j.flags = DRM_AXON_JOB_CMD_VA;
	j.cmd_offset = self->cmd.va;
	ASSERT_EQ(0, run_one(self, &j));
}

TEST_F(submit, priorities)
{
	uint32_t lo, hi;
	struct drm_axon_job j = ajob(self->cmd.handle, self->cmd_size, NULL, 0);

	ASSERT_EQ(0, actx_new(self->fd, DRM_AXON_CTX_PRIORITY_LOW, &lo));
	ASSERT_EQ(0, actx_new(self->fd, DRM_AXON_CTX_PRIORITY_HIGH, &hi));
	EXPECT_NE(lo, hi);
	EXPECT_EQ(0, asubmit(self->fd, lo, &j, 1, NULL));
	EXPECT_EQ(0, asubmit(self->fd, hi, &j, 1, NULL));
	EXPECT_EQ(0, actx_del(self->fd, lo));
	EXPECT_EQ(0, actx_del(self->fd, hi));
}

TEST_F(submit, ctx_create_negative)
{
	struct drm_axon_ctx_create c = { .priority = 3 };

	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_CTX_CREATE, &c));
	c.priority = 1;
	c.flags = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_CTX_CREATE, &c));
	c.flags = 0;
	c.pad = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_CTX_CREATE, &c));
	c.pad = 0;
	c.extensions = 8;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_CTX_CREATE, &c));
}

TEST_F(submit, ctx_limit_and_destroy)
{
	uint32_t ids[128], n = 0, i;
	struct drm_axon_ctx_destroy d = { .ctx_id = self->ctx, .pad = 1 };
	struct drm_axon_ctx_status st = { .ctx_id = self->ctx, .flags = 1 };
	int ret;

	while (n < 128) {
		ret = actx_new(self->fd, 1, &ids[n]);
		if (ret)
			break;
		n++;
	}
	EXPECT_EQ(-ENOSPC, ret);
	EXPECT_EQ(self->info.max_contexts, n + 1);
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, actx_del(self->fd, ids[i]));
	EXPECT_EQ(-ENOENT, actx_del(self->fd, ids[0]));
	EXPECT_EQ(-ENOENT, actx_del(self->fd, 0));
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_CTX_DESTROY, &d));
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_CTX_STATUS, &st));
	st.flags = 0;
	st.ctx_id = 999;
	EXPECT_EQ(-ENOENT, axon_ioctl(self->fd, DRM_IOCTL_AXON_CTX_STATUS, &st));
}

/* --- negative cases: every field of drm_axon_submit --- */

TEST_F(submit, submit_bad_args)
{
	struct drm_axon_job j = ajob(self->cmd.handle, self->cmd_size, NULL, 0);
	struct drm_axon_submit s = {
		.ctx_id = self->ctx,
		.jobs = (uintptr_t)&j,
		.job_count = 1,
		.job_stride = sizeof(j),
	};
	struct drm_axon_submit t;

	t = s; t.flags = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
	t = s; t.extensions = (uintptr_t)&j;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
	t = s; t.job_count = 0;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
	t = s; t.job_count = self->info.max_jobs_per_submit + 1;
	EXPECT_EQ(-E2BIG, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
	t = s; t.job_stride = sizeof(j) - 8;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
	t = s; t.job_stride = sizeof(j) + 4;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
	t = s; t.ctx_id = 12345;
	EXPECT_EQ(-ENOENT, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
	t = s; t.jobs = 8;
	EXPECT_EQ(-EFAULT, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
	t = s;
	EXPECT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_SUBMIT, &t));
}

/* Each bad job fails with @err; the context's seqno does not move. */
#define EXPECT_JOB_ERR(err, mutate) do {				\
	struct drm_axon_job _j = ajob(self->cmd.handle, self->cmd_size, \
				      NULL, 0);				\
	struct drm_axon_ctx_status _st;					\
	mutate;								\
	EXPECT_EQ(err, asubmit(self->fd, self->ctx, &_j, 1, NULL));	\
	ASSERT_EQ(0, actx_status(self->fd, self->ctx, &_st));		\
	EXPECT_EQ(0, _st.submitted_seqno);				\
} while (0)

TEST_F(submit, job_bad_flags_engine_ext)
{
	EXPECT_JOB_ERR(-EINVAL, _j.flags = 0x80);
	EXPECT_JOB_ERR(-EINVAL, _j.engine = self->info.engine_count);
	EXPECT_JOB_ERR(-EINVAL, _j.extensions = (uintptr_t)&_j);
}

TEST_F(submit, job_bad_cmd)
{
	EXPECT_JOB_ERR(-EINVAL, _j.cmd_size = 0);
	EXPECT_JOB_ERR(-EINVAL, _j.cmd_size = 12);
	EXPECT_JOB_ERR(-EINVAL, _j.cmd_offset = 4);
	EXPECT_JOB_ERR(-EINVAL, _j.cmd_offset = self->cmd.size);
	EXPECT_JOB_ERR(-EINVAL, _j.cmd_offset = ~7ULL);
	EXPECT_JOB_ERR(-ENOENT, _j.cmd_handle = 9999);
	EXPECT_JOB_ERR(-ENOENT, _j.cmd_handle = 0);
	/* CMD_VA: handle must be 0, VA inside a READ BO of the list. */
	EXPECT_JOB_ERR(-EINVAL, { _j.flags = DRM_AXON_JOB_CMD_VA;
				  _j.cmd_offset = self->cmd.va; });
	EXPECT_JOB_ERR(-EINVAL, { _j.flags = DRM_AXON_JOB_CMD_VA;
				  _j.cmd_handle = 0;
				  _j.cmd_offset = self->cmd.va; });
}

TEST_F(submit, job_bad_bo_list)
{
	struct drm_axon_job_bo bos[2] = {
		{ self->data.handle, DRM_AXON_JOB_BO_READ },
		{ self->data.handle, DRM_AXON_JOB_BO_WRITE },
	};
	struct drm_axon_job_bo bad = { self->data.handle, 0 };
	struct drm_axon_job_bo bad2 = { self->data.handle, 4 };
	struct drm_axon_job_bo stale = { 7777, DRM_AXON_JOB_BO_READ };

	EXPECT_JOB_ERR(-EINVAL, { _j.bos = (uintptr_t)bos; _j.bo_count = 2; });
	EXPECT_JOB_ERR(-EINVAL, { _j.bos = (uintptr_t)&bad; _j.bo_count = 1; });
	EXPECT_JOB_ERR(-EINVAL, { _j.bos = (uintptr_t)&bad2; _j.bo_count = 1; });
	EXPECT_JOB_ERR(-ENOENT, { _j.bos = (uintptr_t)&stale; _j.bo_count = 1; });
	EXPECT_JOB_ERR(-EFAULT, { _j.bos = 16; _j.bo_count = 1; });
	EXPECT_JOB_ERR(-E2BIG, { _j.bos = (uintptr_t)bos;
				 _j.bo_count = self->info.max_bos_per_job + 1; });
}

TEST_F(submit, job_bad_syncs)
{
	struct drm_axon_sync bad_flags = { self->sync, 0x100, 0 };
	struct drm_axon_sync out_flags = { self->sync, 1, 0 };
	struct drm_axon_sync stale = { 4242, 0, 0 };
	struct drm_axon_sync unsignalled = { self->sync, 0, 0 };
	struct drm_axon_sync point = { self->sync, 0, 5 };

	EXPECT_JOB_ERR(-EINVAL, { _j.in_syncs = (uintptr_t)&bad_flags;
				  _j.in_sync_count = 1; });
	EXPECT_JOB_ERR(-EINVAL, { _j.out_syncs = (uintptr_t)&out_flags;
				  _j.out_sync_count = 1; });
	EXPECT_JOB_ERR(-ENOENT, { _j.in_syncs = (uintptr_t)&stale;
				  _j.in_sync_count = 1; });
	EXPECT_JOB_ERR(-ENOENT, { _j.out_syncs = (uintptr_t)&stale;
				  _j.out_sync_count = 1; });
	/* No fence yet, no WAIT_FOR_SUBMIT. */
	EXPECT_JOB_ERR(-EINVAL, { _j.in_syncs = (uintptr_t)&unsignalled;
				  _j.in_sync_count = 1; });
	EXPECT_JOB_ERR(-EINVAL, { _j.in_syncs = (uintptr_t)&point;
				  _j.in_sync_count = 1; });
	EXPECT_JOB_ERR(-EFAULT, { _j.in_syncs = 24; _j.in_sync_count = 1; });
	EXPECT_JOB_ERR(-EFAULT, { _j.out_syncs = 24; _j.out_sync_count = 1; });
	EXPECT_JOB_ERR(-E2BIG, { _j.in_syncs = (uintptr_t)&stale;
				 _j.in_sync_count = self->info.max_syncs_per_job + 1; });
	EXPECT_JOB_ERR(-E2BIG, { _j.out_syncs = (uintptr_t)&stale;
				 _j.out_sync_count = self->info.max_syncs_per_job + 1; });
}

/* A bad job anywhere in a submit queues nothing. */
TEST_F(submit, all_or_nothing)
{
	struct drm_axon_job jobs[4];
	struct drm_axon_sync out = { .handle = self->sync };
	struct drm_axon_ctx_status st;
	int i;

	for (i = 0; i < 4; i++)
		jobs[i] = ajob(self->cmd.handle, self->cmd_size, NULL, 0);
	jobs[0].out_syncs = (uintptr_t)&out;
	jobs[0].out_sync_count = 1;
	jobs[3].cmd_handle = 31337;
	EXPECT_EQ(-ENOENT, asubmit(self->fd, self->ctx, jobs, 4, NULL));
	ASSERT_EQ(0, actx_status(self->fd, self->ctx, &st));
	EXPECT_EQ(0, st.submitted_seqno);
	/* The out-syncobj of job 0 was not touched. */
	EXPECT_EQ(-ETIME, asyncobj_wait(self->fd, self->sync, 0, 0));
}

TEST(ctx_of_other_file)
{
	int a = axon_open_type("npu"), b = axon_open_type("npu");
	uint32_t ctx;
	struct drm_axon_ctx_status st;

	if (a < 0 || b < 0)
		SKIP(return, "no npu device");
	ASSERT_EQ(0, actx_new(a, 1, &ctx));
	EXPECT_EQ(-ENOENT, actx_status(b, ctx, &st));
	EXPECT_EQ(-ENOENT, actx_del(b, ctx));
	close(a);
	close(b);
}

TEST_HARNESS_MAIN
