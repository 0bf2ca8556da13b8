// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon kselftests: driver identity, device queries, sysfs, fdinfo and the
 * ioctls a device without a capability must refuse.
 *
 * Copyright (C) 2025 The axon authors
 */

#include "axon_job_test.h"
#include "kselftest_harness.h"

FIXTURE(dev) {
	int fd;
	struct axon_dev d;
	struct drm_axon_device_info info;
};

FIXTURE_SETUP(dev)
{
	self->fd = -1;
	if (axon_find(NULL, &self->d))
		SKIP(return, "no axon device (is axon.ko loaded?)");
	self->fd = open(self->d.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, axon_query_info(self->fd, &self->info));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, version_and_name)
{
	char name[32] = "", desc[128] = "", date[32] = "";
	struct drm_version v = {
		.name = name, .name_len = sizeof(name) - 1,
		.desc = desc, .desc_len = sizeof(desc) - 1,
		.date = date, .date_len = sizeof(date) - 1,
	};

	ASSERT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_STREQ("axon", name);
	EXPECT_EQ(DRM_AXON_DRIVER_MAJOR, v.version_major);
	EXPECT_EQ(DRM_AXON_DRIVER_MINOR, v.version_minor);
	EXPECT_NE(0, strlen(desc));
}

/* Every device answers the query consistently with its sysfs attributes. */
TEST_F(dev, query_every_device)
{
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	int i, n = axon_enum(devs, AXON_MAX_TEST_DEVS);

	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		struct drm_axon_device_info info;
		char path[PATH_MAX], buf[64];
		unsigned long long caps;
		int fd = open(devs[i].node, O_RDWR | O_CLOEXEC);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, axon_query_info(fd, &info));
		close(fd);

		if (!strcmp(devs[i].type, "npu")) {
			EXPECT_EQ(DRM_AXON_DEVICE_TYPE_NPU, info.type);
		} else if (!strcmp(devs[i].type, "dsp")) {
			EXPECT_EQ(DRM_AXON_DEVICE_TYPE_DSP, info.type);
		} else if (!strcmp(devs[i].type, "dpu")) {
			EXPECT_EQ(DRM_AXON_DEVICE_TYPE_DPU, info.type);
		} else {
			ASSERT_TRUE(0) TH_LOG("unexpected type '%s'",
					      devs[i].type);
		}
		EXPECT_LT(0, info.engine_count);
		EXPECT_LT(0, info.sram_size);
		EXPECT_LT(info.va_start, info.va_end);
		EXPECT_LE(info.max_bo_size, info.va_end - info.va_start);
		EXPECT_EQ(0, info.va_start % info.va_alignment);
		EXPECT_EQ((unsigned int)getpagesize(), info.va_alignment);
		EXPECT_NE(0, info.ops);
		EXPECT_NE(0, info.dtypes & (DRM_AXON_DTYPE_INT8 |
					    DRM_AXON_DTYPE_UINT8));
		EXPECT_NE(0, info.fw_version);
		EXPECT_EQ(1, info.isa_version >> 24);
		EXPECT_LT(0, info.macs_per_cycle);
		EXPECT_LT(0, info.clock_khz);
		EXPECT_LT(0, info.max_contexts);
		EXPECT_LT(0, info.max_jobs_per_submit);
		EXPECT_LT(0, info.max_bos_per_job);
		EXPECT_LT(0, info.max_syncs_per_job);
		EXPECT_EQ(0, info.pad);

		snprintf(path, sizeof(path),
			 "/sys/class/accel/accel%d/device/capabilities",
			 devs[i].minor);
		ASSERT_EQ(0, axon_read_file(path, buf, sizeof(buf)));
		caps = strtoull(buf, NULL, 0);
		EXPECT_EQ(info.capabilities, caps);
		snprintf(path, sizeof(path),
			 "/sys/class/accel/accel%d/device/engines",
			 devs[i].minor);
		ASSERT_EQ(0, axon_read_file(path, buf, sizeof(buf)));
		EXPECT_EQ(info.engine_count, strtoul(buf, NULL, 0));
		snprintf(path, sizeof(path),
			 "/sys/class/accel/accel%d/device/sram_size",
			 devs[i].minor);
		ASSERT_EQ(0, axon_read_file(path, buf, sizeof(buf)));
		EXPECT_EQ(info.sram_size, strtoull(buf, NULL, 0));
	}
}

static void check_type(struct __test_metadata *_metadata, const char *type,
		       unsigned int want_type, unsigned long long must_ops)
{
	struct drm_axon_device_info info;
	int fd = axon_open_type(type);

	if (fd == -ENODEV)
		SKIP(return, "no %s device (load axon.ko with emulate=%s)",
		     type, type);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, axon_query_info(fd, &info));
	close(fd);
	EXPECT_EQ(want_type, info.type);
	EXPECT_EQ(must_ops, info.ops & must_ops);
	EXPECT_NE(0, info.capabilities & DRM_AXON_CAP_EMULATED);
	EXPECT_NE(0, info.capabilities & DRM_AXON_CAP_DMABUF_IMPORT);
	EXPECT_NE(0, info.dtypes & DRM_AXON_DTYPE_INT8);
	EXPECT_NE(0, info.dtypes & DRM_AXON_DTYPE_INT32);
}

TEST(query_npu)
{
	check_type(_metadata, "npu", DRM_AXON_DEVICE_TYPE_NPU,
		   DRM_AXON_OP_CONV2D | DRM_AXON_OP_MATMUL);
}

TEST(query_dsp)
{
	check_type(_metadata, "dsp", DRM_AXON_DEVICE_TYPE_DSP,
		   DRM_AXON_OP_SOFTMAX | DRM_AXON_OP_LUT);
}

TEST(query_dpu)
{
	check_type(_metadata, "dpu", DRM_AXON_DEVICE_TYPE_DPU,
		   DRM_AXON_OP_CONV2D);
}

/* The three types have distinct profiles, and the harness loads all three. */
TEST(profiles_differ)
{
	struct drm_axon_device_info npu, dsp, dpu;
	int fn = axon_open_type("npu"), fs = axon_open_type("dsp"),
	    fd = axon_open_type("dpu");

	if (fn < 0 || fs < 0 || fd < 0) {
		if (fn >= 0)
			close(fn);
		if (fs >= 0)
			close(fs);
		if (fd >= 0)
			close(fd);
		SKIP(return, "needs emulate=npu,dsp,dpu");
	}
	ASSERT_EQ(0, axon_query_info(fn, &npu));
	ASSERT_EQ(0, axon_query_info(fs, &dsp));
	ASSERT_EQ(0, axon_query_info(fd, &dpu));
	close(fn);
	close(fs);
	close(fd);
	EXPECT_NE(npu.sram_size, dsp.sram_size);
	EXPECT_NE(npu.sram_size, dpu.sram_size);
	EXPECT_NE(npu.macs_per_cycle, dsp.macs_per_cycle);
	EXPECT_NE(npu.ops, dpu.ops);
	EXPECT_NE(npu.dtypes, dsp.dtypes);
}

/* emulate= order gives the device order (the guest loads npu,dsp,dpu). */
TEST(emulate_order)
{
	const char *list = getenv("AXON_EMULATE");
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	char buf[128], *tok, *save;
	int i = 0, n;

	if (!list)
		SKIP(return, "AXON_EMULATE not set");
	n = axon_enum(devs, AXON_MAX_TEST_DEVS);
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save), i++) {
		ASSERT_LT(i, n);
		EXPECT_STREQ(tok, devs[i].type);
	}
	EXPECT_EQ(i, n);
}

TEST_F(dev, sysfs_attributes)
{
	static const char *const attrs[] = {
		"type", "capabilities", "ops", "dtypes", "engines",
		"sram_size", "macs_per_cycle", "clock_khz",
		"mem_bandwidth_mbps", "fw_version", "isa_version",
	};
	char path[PATH_MAX], buf[64], want[64];
	unsigned int i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(path, sizeof(path),
			 "/sys/class/accel/accel%d/device/%s", self->d.minor,
			 attrs[i]);
		ASSERT_EQ(0, axon_read_file(path, buf, sizeof(buf)))
			TH_LOG("%s", path);
		EXPECT_NE(0, strlen(buf));
	}
	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/fw_version",
		 self->d.minor);
	ASSERT_EQ(0, axon_read_file(path, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "%u.%u.%u", self->info.fw_version >> 24,
		 (self->info.fw_version >> 16) & 0xff,
		 self->info.fw_version & 0xffff);
	EXPECT_STREQ(want, buf);
	/* Read-only: writing fails. */
	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/type",
		 self->d.minor);
	EXPECT_NE(0, axon_write_file(path, "dsp"));
}

TEST_F(dev, query_size_probe)
{
	struct drm_axon_query q = { .query_id = DRM_AXON_QUERY_DEVICE_INFO };

	ASSERT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
	EXPECT_EQ(sizeof(struct drm_axon_device_info), q.size);
}

/* A larger buffer gets the kernel's size; the rest is left alone. */
TEST_F(dev, query_larger_buffer)
{
	unsigned char buf[sizeof(struct drm_axon_device_info) + 64];
	struct drm_axon_query q = {
		.query_id = DRM_AXON_QUERY_DEVICE_INFO,
		.size = sizeof(buf),
		.data = (uintptr_t)buf,
	};
	unsigned int i;

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
	EXPECT_EQ(sizeof(struct drm_axon_device_info), q.size);
	EXPECT_EQ(0, memcmp(buf, &self->info, q.size));
	for (i = q.size; i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
}

TEST_F(dev, query_short_buffer)
{
	struct drm_axon_device_info info;
	struct drm_axon_query q = {
		.query_id = DRM_AXON_QUERY_DEVICE_INFO,
		.size = sizeof(info) - 8,
		.data = (uintptr_t)&info,
	};

	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
	q.size = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
}

TEST_F(dev, query_bad_id)
{
	struct drm_axon_device_info info;
	struct drm_axon_query q = {
		.size = sizeof(info),
		.data = (uintptr_t)&info,
	};

	q.query_id = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
	q.query_id = 0xffffffff;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
}

TEST_F(dev, query_nonzero_flags_pad)
{
	struct drm_axon_device_info info;
	struct drm_axon_query q = {
		.query_id = DRM_AXON_QUERY_DEVICE_INFO,
		.size = sizeof(info),
		.data = (uintptr_t)&info,
	};

	q.flags = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
	q.flags = 0;
	q.pad = 0x80000000;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
	q.pad = 0;
	EXPECT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
}

TEST_F(dev, query_bad_pointer)
{
	struct drm_axon_query q = {
		.query_id = DRM_AXON_QUERY_DEVICE_INFO,
		.size = sizeof(struct drm_axon_device_info),
		.data = 8,
	};

	EXPECT_EQ(-EFAULT, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
	q.data = (uintptr_t)-4096;
	EXPECT_EQ(-EFAULT, axon_ioctl(self->fd, DRM_IOCTL_AXON_QUERY, &q));
}

/*
 * A struct cut short before .size is zero-extended by the DRM core: it is
 * a size probe, and writes nothing through .data.
 */
TEST_F(dev, query_short_struct)
{
	unsigned long req = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
				 DRM_COMMAND_BASE + DRM_AXON_QUERY, 8);
	struct drm_axon_device_info info;
	struct drm_axon_query q = {
		.query_id = DRM_AXON_QUERY_DEVICE_INFO,
		.size = sizeof(info),
		.data = (uintptr_t)&info,
	};

	memset(&info, 0x5a, sizeof(info));
	ASSERT_EQ(0, axon_ioctl(self->fd, req, &q));
	EXPECT_EQ(0x5a5a5a5a, info.type);
	/* .flags lies inside the 8 bytes: still checked. */
	q.flags = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, req, &q));
}

/*
 * Context and job ioctls follow DRM_AXON_CAP_SUBMIT, which every axon
 * device has: on each, a context can be created, queried, used and
 * destroyed, after which it is gone.
 */
TEST(submit_ioctls_on_every_device)
{
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	int i, n = axon_enum(devs, AXON_MAX_TEST_DEVS);

	if (n < 1)
		SKIP(return, "no axon device (is axon.ko loaded?)");
	for (i = 0; i < n; i++) {
		struct drm_axon_ctx_create cc = {
			.priority = DRM_AXON_CTX_PRIORITY_NORMAL,
		};
		struct drm_axon_ctx_destroy cd = { 0 };
		struct drm_axon_ctx_status cs = { 0 };
		struct drm_axon_device_info info;
		struct drm_axon_job job = { .cmd_size = 8 };
		struct drm_axon_submit s = {
			.jobs = (uintptr_t)&job, .job_count = 1,
			.job_stride = sizeof(job),
		};
		int fd = open(devs[i].node, O_RDWR | O_CLOEXEC);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, axon_query_info(fd, &info));
		ASSERT_NE(0, info.capabilities & DRM_AXON_CAP_SUBMIT)
			TH_LOG("%s has no DRM_AXON_CAP_SUBMIT", devs[i].node);
		ASSERT_EQ(0, axon_ioctl(fd, DRM_IOCTL_AXON_CTX_CREATE, &cc));
		EXPECT_NE(0, cc.ctx_id);
		cs.ctx_id = cc.ctx_id;
		ASSERT_EQ(0, axon_ioctl(fd, DRM_IOCTL_AXON_CTX_STATUS, &cs));
		EXPECT_EQ(DRM_AXON_CTX_STATE_ACTIVE, cs.state);
		EXPECT_EQ(0, cs.submitted_seqno);
		/* No BO with handle 0: the job is refused, nothing queued. */
		s.ctx_id = cc.ctx_id;
		if (info.state & DRM_AXON_STATE_CONFIGURED ||
		    !(info.capabilities & DRM_AXON_CAP_CONFIG_LOAD)) {
			EXPECT_EQ(-ENOENT, axon_ioctl(fd, DRM_IOCTL_AXON_SUBMIT,
						      &s));
		} else {
			EXPECT_EQ(-ENODATA, axon_ioctl(fd, DRM_IOCTL_AXON_SUBMIT,
						       &s));
		}
		cd.ctx_id = cc.ctx_id;
		ASSERT_EQ(0, axon_ioctl(fd, DRM_IOCTL_AXON_CTX_DESTROY, &cd));
		EXPECT_EQ(-ENOENT, axon_ioctl(fd, DRM_IOCTL_AXON_CTX_STATUS,
					      &cs));
		EXPECT_EQ(-ENOENT, axon_ioctl(fd, DRM_IOCTL_AXON_SUBMIT, &s));
		EXPECT_EQ(-ENOENT, axon_ioctl(fd, DRM_IOCTL_AXON_CTX_DESTROY,
					      &cd));
		close(fd);
	}
}

/*
 * sysfs utilisation: engine_busy_ns has one counter per engine, and the
 * engine a job ran on counts its run time.
 */
TEST(sysfs_engine_busy_ns)
{
	unsigned long long before[8] = { 0 }, after[8] = { 0 };
	struct drm_axon_device_info info;
	struct drm_axon_job_bo bo;
	struct drm_axon_job j;
	char path[PATH_MAX], buf[256];
	struct abo cmd, dst;
	uint32_t ctx, size, e;
	struct axon_dev d;
	struct axs s;
	int fd, k, n;

	if (axon_find("npu", &d))
		SKIP(return, "no npu device");
	fd = open(d.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, axon_query_info(fd, &info));
	ASSERT_GE(8, info.engine_count);
	snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/engine_busy_ns",
		 d.minor);
	EXPECT_NE(0, axon_write_file(path, "0"));	/* read-only */
	ASSERT_EQ(0, actx_new(fd, DRM_AXON_CTX_PRIORITY_NORMAL, &ctx));
	ASSERT_EQ(0, abo_new(fd, 1 << 20, &dst));
	axs_init(&s);
	for (k = 0; k < 8; k++)
		axs_fill(&s, dst.va, 1024, 1024, k);
	ASSERT_EQ(0, abo_stream(fd, &s, &cmd, &size));
	axs_free(&s);
	bo = (struct drm_axon_job_bo){ dst.handle, DRM_AXON_JOB_BO_WRITE };

	for (e = 0; e < info.engine_count; e++) {
		char *p = buf, *end;

		ASSERT_EQ(0, axon_read_file(path, buf, sizeof(buf)));
		for (n = 0; n < 8; n++, p = end) {
			before[n] = strtoull(p, &end, 10);
			if (end == p)
				break;
		}
		ASSERT_EQ(info.engine_count, n) TH_LOG("'%s'", buf);

		j = ajob(cmd.handle, size, &bo, 1);
		j.engine = e;
		ASSERT_EQ(0, asubmit(fd, ctx, &j, 1, NULL));
		ASSERT_EQ(0, abo_wait(fd, dst.handle, 5000));

		ASSERT_EQ(0, axon_read_file(path, buf, sizeof(buf)));
		p = buf;
		for (n = 0; n < 8; n++, p = end) {
			after[n] = strtoull(p, &end, 10);
			if (end == p)
				break;
		}
		ASSERT_EQ(info.engine_count, n);
		for (k = 0; k < n; k++) {
			if (k == (int)e) {
				EXPECT_LT(before[k], after[k]);
			} else {
				EXPECT_EQ(before[k], after[k]);
			}
		}
	}
	abo_del(fd, &cmd);
	abo_del(fd, &dst);
	close(fd);
}

TEST_F(dev, config_load_needs_cap)
{
	char blob[64] = { 0 };
	struct drm_axon_config_load cl = {
		.data = (uintptr_t)blob, .size = sizeof(blob),
	};

	if (self->info.capabilities & DRM_AXON_CAP_CONFIG_LOAD)
		SKIP(return, "device has DRM_AXON_CAP_CONFIG_LOAD");
	EXPECT_EQ(-EOPNOTSUPP, axon_ioctl(self->fd, DRM_IOCTL_AXON_CONFIG_LOAD,
					  &cl));
	EXPECT_EQ(0, self->info.state & DRM_AXON_STATE_CONFIGURED);
	EXPECT_EQ(0, self->info.config_version);
}

/* Numbers past the table are not ours: the DRM core refuses them. */
TEST_F(dev, unknown_ioctl)
{
	unsigned long req = DRM_IOWR(DRM_COMMAND_BASE + 0x3f,
				     struct drm_axon_query);
	struct drm_axon_query q = { 0 };

	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, req, &q));
}

TEST_F(dev, fdinfo_keys)
{
	struct drm_axon_bo_create bo;
	long long total;

	EXPECT_LE(0, axon_fdinfo(self->fd, "drm-client-id"));
	total = axon_fdinfo(self->fd, "drm-total-memory");
	ASSERT_LE(0, total);
	ASSERT_EQ(0, axon_bo_create(self->fd, 1 << 20, 0, &bo));
	EXPECT_EQ(total + (1 << 20), axon_fdinfo(self->fd, "drm-total-memory"));
	/* Not touched yet: not resident. */
	EXPECT_EQ(0, axon_fdinfo(self->fd, "drm-resident-memory"));
	EXPECT_EQ(0, axon_gem_close(self->fd, bo.handle));
	EXPECT_EQ(total, axon_fdinfo(self->fd, "drm-total-memory"));
}

TEST_F(dev, fdinfo_driver_name)
{
	char path[64], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", self->fd);
	f = fopen(path, "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "drm-driver:\taxon\n"))
			found = 1;
	fclose(f);
	EXPECT_EQ(1, found);
}

/* Each open file is its own client. */
TEST_F(dev, client_ids_distinct)
{
	int fd2 = open(self->d.node, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd2);
	EXPECT_NE(axon_fdinfo(self->fd, "drm-client-id"),
		  axon_fdinfo(fd2, "drm-client-id"));
	close(fd2);
}

TEST_F(dev, debugfs_info)
{
	char path[PATH_MAX], buf[256];

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/info",
		 self->d.pdev);
	if (axon_read_file(path, buf, sizeof(buf)))
		SKIP(return, "no debugfs info for %s (not mounted?)",
		     self->d.pdev);
	EXPECT_EQ(0, strncmp(buf, "type ", 5));
	EXPECT_NE(NULL, strstr(buf, self->d.type));
	EXPECT_NE(NULL, strstr(buf, "bos "));
}

TEST_HARNESS_MAIN
