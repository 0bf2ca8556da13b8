// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon kselftests: device unplug (driver unbind) and module unload while
 * files, mappings and exported DMA-bufs are still held, by this and by
 * other processes. The kernel log must stay clean (checked by the QEMU
 * harness).
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/dma-buf.h>
#include <linux/sync_file.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "axon_job_test.h"
#include "kselftest_harness.h"

#define SZ		(32 * 1024)
#define DRV_DIR		"/sys/bus/platform/drivers/axon"

static int pdev_bound(const char *pdev)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), DRV_DIR "/%s", pdev);
	return access(path, F_OK) == 0;
}

static int drv_unbind(const char *pdev)
{
	return axon_write_file(DRV_DIR "/unbind", pdev);
}

static int drv_bind(const char *pdev)
{
	return axon_write_file(DRV_DIR "/bind", pdev);
}

/* The accel device currently bound to platform device @pdev. */
static int find_pdev(const char *pdev, struct axon_dev *out)
{
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	int i, n = axon_enum(devs, AXON_MAX_TEST_DEVS);

	for (i = 0; i < n; i++) {
		if (!strcmp(devs[i].pdev, pdev)) {
			*out = devs[i];
			return 0;
		}
	}
	return -ENODEV;
}

FIXTURE(unplug) {
	struct axon_dev d;
};

FIXTURE_SETUP(unplug)
{
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	int n;

	if (geteuid())
		SKIP(return, "needs root to unbind the driver");
	n = axon_enum(devs, AXON_MAX_TEST_DEVS);
	if (n < 1)
		SKIP(return, "no axon device (is axon.ko loaded?)");
	/* The last device: the others keep working during the test. */
	self->d = devs[n - 1];
}

FIXTURE_TEARDOWN(unplug)
{
	/* Never leave the device unbound for the following tests. */
	if (self->d.pdev[0] && !pdev_bound(self->d.pdev))
		drv_bind(self->d.pdev);
}

/* Rebinding gives a working device of the same type. */
static void check_rebound(struct __test_metadata *_metadata,
			  const struct axon_dev *old)
{
	struct drm_axon_device_info info;
	struct drm_axon_bo_create c;
	struct axon_dev d;
	int fd;

	ASSERT_EQ(0, drv_bind(old->pdev));
	ASSERT_EQ(0, find_pdev(old->pdev, &d));
	EXPECT_STREQ(old->type, d.type);
	fd = open(d.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, axon_query_info(fd, &info));
	ASSERT_EQ(0, axon_bo_create(fd, SZ, 0, &c));
	EXPECT_EQ(info.va_start, c.va);
	close(fd);
}

TEST_F(unplug, unbind_idle_rebind)
{
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, drv_unbind(self->d.pdev));
		EXPECT_FALSE(pdev_bound(self->d.pdev));
		EXPECT_EQ(-ENODEV, find_pdev(self->d.pdev, &(struct axon_dev){}));
		check_rebound(_metadata, &self->d);
	}
}

/*
 * Unbind while this process has the file open with a BO mapped, and another
 * process holds an exported DMA-buf of it: ioctls fail with -ENODEV, the
 * memory stays valid for everyone until the last user lets go.
 */
TEST_F(unplug, unbind_with_exported_dmabuf)
{
	struct drm_axon_device_info info;
	struct drm_axon_bo_create c, c2;
	struct drm_axon_bo_info bi;
	int fd, buf, sv[2], status;
	uint32_t *map, k;
	char go = 'g';
	pid_t pid;

	fd = open(self->d.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, axon_bo_create(fd, SZ, 0, &c));
	map = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   c.mmap_offset);
	ASSERT_NE(MAP_FAILED, map);
	for (k = 0; k < SZ / 4; k++)
		map[k] = k ^ 0xabcdef;
	ASSERT_EQ(0, axon_prime_export(fd, c.handle, &buf));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct axon_dev other;
		uint32_t *p;
		int rbuf;

		close(sv[0]);
		rbuf = axon_recv_fd(sv[1]);
		if (rbuf < 0)
			_exit(10);
		/* Wait until the parent has unbound the device. */
		if (read(sv[1], &go, 1) != 1)
			_exit(11);
		p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, rbuf, 0);
		if (p == MAP_FAILED)
			_exit(12);
		for (k = 0; k < SZ / 4; k++)
			if (p[k] != (k ^ 0xabcdef))
				_exit(13);
		for (k = 0; k < SZ / 4; k++)
			p[k] = k * 3;
		munmap(p, SZ);
		/* A still-bound axon device can import it. */
		if (axon_find(NULL, &other) == 0 &&
		    strcmp(other.pdev, self->d.pdev)) {
			int ofd = open(other.node, O_RDWR | O_CLOEXEC);
			struct drm_axon_bo_info oi;
			uint32_t h;

			if (ofd < 0 || axon_prime_import(ofd, rbuf, &h) ||
			    axon_bo_info(ofd, h, &oi))
				_exit(14);
			p = mmap(NULL, SZ, PROT_READ, MAP_SHARED, ofd,
				 oi.mmap_offset);
			if (p == MAP_FAILED || p[7] != 21)
				_exit(15);
			munmap(p, SZ);
			close(ofd);
		}
		close(rbuf);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(0, axon_send_fd(sv[0], buf));
	close(buf);

	ASSERT_EQ(0, drv_unbind(self->d.pdev));
	EXPECT_EQ(-ENODEV, find_pdev(self->d.pdev, &(struct axon_dev){}));

	/* The open file is dead for ioctls... */
	EXPECT_EQ(-ENODEV, axon_query_info(fd, &info));
	EXPECT_EQ(-ENODEV, axon_bo_create(fd, SZ, 0, &c2));
	EXPECT_EQ(-ENODEV, axon_bo_info(fd, c.handle, &bi));
	EXPECT_EQ(-ENODEV, axon_prime_export(fd, c.handle, &buf));
	/* ...but the memory it mapped is still there. */
	EXPECT_EQ(5u ^ 0xabcdef, map[5]);

	ASSERT_EQ(1, write(sv[0], &go, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(3u * 100, map[100]);	/* the child's writes */
	close(sv[0]);

	munmap(map, SZ);
	close(fd);
	check_rebound(_metadata, &self->d);
}

/* Unbind races with a process hammering BO ioctls: it only sees -ENODEV. */
TEST_F(unplug, unbind_during_ioctls)
{
	int sv[2], status;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct drm_axon_bo_create bo;
		int fd = open(self->d.node, O_RDWR | O_CLOEXEC);
		long n = 0;
		int ret;

		if (fd < 0)
			_exit(10);
		for (;;) {
			ret = axon_bo_create(fd, SZ, 0, &bo);
			if (ret == -ENODEV)
				break;
			if (ret)
				_exit(11);
			if (++n == 50 && write(sv[1], &c, 1) != 1)
				_exit(12);
			ret = axon_gem_close(fd, bo.handle);
			if (ret == -ENODEV)
				break;
			if (ret)
				_exit(13);
			if (n > 10000000)
				_exit(14);
		}
		close(fd);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(1, read(sv[0], &c, 1));	/* the child is running */
	ASSERT_EQ(0, drv_unbind(self->d.pdev));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
	check_rebound(_metadata, &self->d);
}

/*
 * The module cannot go while another process holds an exported DMA-buf;
 * once it is released it unloads cleanly and loads again.
 */
TEST(module_unload_with_exported_dmabuf)
{
	const char *ko = getenv("AXON_KO"), *emu = getenv("AXON_EMULATE");
	int fd, buf, kofd, sv[2], status, ret, n;
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	struct drm_axon_bo_create c;
	char params[128], go = 'g';
	pid_t pid;

	if (!ko || geteuid())
		SKIP(return, "needs root and AXON_KO=<path of axon.ko>");
	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kofd);
	fd = axon_open_type(NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, axon_bo_create(fd, SZ, 0, &c));
	ASSERT_EQ(0, axon_prime_export(fd, c.handle, &buf));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint8_t *p;
		int rbuf;

		close(sv[0]);
		close(fd);
		close(buf);
		rbuf = axon_recv_fd(sv[1]);
		if (rbuf < 0)
			_exit(10);
		if (read(sv[1], &go, 1) != 1)
			_exit(11);
		p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, rbuf, 0);
		if (p == MAP_FAILED)
			_exit(12);
		p[0] = 1;
		munmap(p, SZ);
		close(rbuf);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(0, axon_send_fd(sv[0], buf));
	close(buf);

	/* Open file: busy. */
	ret = syscall(SYS_delete_module, "axon", O_NONBLOCK);
	EXPECT_EQ(-1, ret);
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY);
	close(fd);
	/* Only the child's DMA-buf is left: still busy. */
	ret = syscall(SYS_delete_module, "axon", O_NONBLOCK);
	EXPECT_EQ(-1, ret);
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY);

	ASSERT_EQ(1, write(sv[0], &go, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(sv[0]);

	ASSERT_EQ(0, syscall(SYS_delete_module, "axon", O_NONBLOCK))
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(0, axon_enum(devs, AXON_MAX_TEST_DEVS));

	snprintf(params, sizeof(params), "emulate=%s", emu ? emu : "npu");
	ASSERT_EQ(0, syscall(SYS_finit_module, kofd, params, 0))
		TH_LOG("finit_module: %s", strerror(errno));
	close(kofd);
	n = axon_enum(devs, AXON_MAX_TEST_DEVS);
	EXPECT_LT(0, n);
	fd = axon_open_type(NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, axon_bo_create(fd, SZ, 0, &c));
	close(fd);
}

static int load(int kofd, const char *params)
{
	return syscall(SYS_finit_module, kofd, params, 0) ? -errno : 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "axon", O_NONBLOCK) ? -errno : 0;
}

/* Bad emulate= lists are refused at load; any list gives its devices. */
TEST(module_emulate_param)
{
	const char *ko = getenv("AXON_KO"), *emu = getenv("AXON_EMULATE");
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	char params[128];
	int kofd;

	if (!ko || geteuid())
		SKIP(return, "needs root and AXON_KO=<path of axon.ko>");
	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kofd);
	EXPECT_EQ(-EEXIST, load(kofd, "emulate=npu"));
	ASSERT_EQ(0, unload());

	EXPECT_EQ(-EINVAL, load(kofd, "emulate=gpu"));
	EXPECT_EQ(-EINVAL, load(kofd, "emulate=npu,xyz"));
	EXPECT_EQ(-EINVAL, load(kofd, "emulate=,"));
	EXPECT_EQ(-E2BIG, load(kofd, "emulate=npu,npu,npu,npu,npu,npu,npu,npu,npu"));
	EXPECT_EQ(0, axon_enum(devs, AXON_MAX_TEST_DEVS));

	ASSERT_EQ(0, load(kofd, "emulate=dpu,npu,dpu"));
	ASSERT_EQ(3, axon_enum(devs, AXON_MAX_TEST_DEVS));
	EXPECT_STREQ("dpu", devs[0].type);
	EXPECT_STREQ("npu", devs[1].type);
	EXPECT_STREQ("dpu", devs[2].type);
	ASSERT_EQ(0, unload());

	/* No parameter: one NPU. */
	ASSERT_EQ(0, load(kofd, ""));
	ASSERT_EQ(1, axon_enum(devs, AXON_MAX_TEST_DEVS));
	EXPECT_STREQ("npu", devs[0].type);
	ASSERT_EQ(0, unload());

	snprintf(params, sizeof(params), "emulate=%s", emu ? emu : "npu");
	ASSERT_EQ(0, load(kofd, params));
	close(kofd);
}

/*
 * Unloads the module; a fence of ours released just before may still be
 * dropping its module reference from a work item: retry for a while.
 */
static int unload_settled(void)
{
	int i, ret = 0;

	for (i = 0; i < 200; i++) {
		ret = unload();
		if (ret != -EWOULDBLOCK && ret != -EBUSY)
			break;
		usleep(10000);
	}
	return ret;
}

static int reload(void)
{
	const char *ko = getenv("AXON_KO"), *emu = getenv("AXON_EMULATE");
	char params[128];
	int kofd, ret;

	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	if (kofd < 0)
		return -errno;
	snprintf(params, sizeof(params), "emulate=%s", emu ? emu : "npu");
	ret = load(kofd, params);
	close(kofd);
	return ret;
}

/* A udmabuf over a sealed memfd (not kept), or -errno. */
static int udmabuf_new(size_t size)
{
	int memfd = -1, buf = axon_make_udmabuf(size, &memfd);

	if (memfd >= 0)
		close(memfd);
	return buf;
}

static int syncobj_sync_file(int fd, uint32_t syncobj)
{
	struct drm_syncobj_handle h = {
		.handle = syncobj,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};
	int ret = axon_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);

	return ret ? ret : h.fd;
}

/*
 * Status of a sync_file (1 signalled, 0 pending, < 0 error), after
 * SYNC_IOC_FILE_INFO also read every fence's driver and timeline names.
 */
static int sync_file_status(int sf)
{
	struct sync_fence_info fi[4];
	struct sync_file_info info = { 0 };

	info.num_fences = 4;
	info.sync_fence_info = (uintptr_t)fi;
	memset(fi, 0, sizeof(fi));
	if (ioctl(sf, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	return info.status;
}

static void check_unload_busy(struct __test_metadata *_metadata)
{
	int ret = unload();

	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY)
		TH_LOG("delete_module with a fence alive: %d", ret);
	if (!ret)
		ASSERT_EQ(0, reload());
}

/*
 * Fences of a job outlive its file: in a sync_file, and in the reservation
 * of an imported foreign buffer (udmabuf). While they exist the module
 * cannot be unloaded; they stay usable (poll, info), and once released the
 * module unloads cleanly.
 */
TEST(module_unload_with_job_fence)
{
	struct drm_axon_sync out = { 0 };
	struct drm_axon_job_bo bos[2];
	struct drm_axon_job job;
	struct abo dst = { 0 }, cmd = { 0 };
	int fd, sf, sf2 = -1, ubuf;
	struct pollfd pfd;
	uint32_t ctx, size, uh = 0, n = 1;
	struct axs s;

	if (!getenv("AXON_KO") || geteuid())
		SKIP(return, "needs root and AXON_KO=<path of axon.ko>");
	fd = axon_open_type("npu");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, actx_new(fd, DRM_AXON_CTX_PRIORITY_NORMAL, &ctx));
	ASSERT_EQ(0, abo_new(fd, 4096, &dst));
	ubuf = udmabuf_new(4096);
	if (ubuf >= 0)
		ASSERT_EQ(0, axon_prime_import(fd, ubuf, &uh));
	axs_init(&s);
	axs_fill(&s, dst.va, 1, 64, 0x5a);
	ASSERT_EQ(0, abo_stream(fd, &s, &cmd, &size));
	axs_free(&s);
	bos[0] = (struct drm_axon_job_bo){ dst.handle, DRM_AXON_JOB_BO_WRITE };
	if (uh)
		bos[n++] = (struct drm_axon_job_bo){ uh, DRM_AXON_JOB_BO_WRITE };
	ASSERT_EQ(0, asyncobj_new(fd, false, &out.handle));
	job = ajob(cmd.handle, size, bos, n);
	job.out_syncs = (uintptr_t)&out;
	job.out_sync_count = 1;
	ASSERT_EQ(0, asubmit(fd, ctx, &job, 1, NULL));
	ASSERT_EQ(0, asyncobj_wait(fd, out.handle, 0, 5000));
	EXPECT_EQ(0x5a, ((int8_t *)dst.map)[63]);

	sf = syncobj_sync_file(fd, out.handle);
	ASSERT_LE(0, sf);
	abo_del(fd, &dst);
	abo_del(fd, &cmd);
	close(fd);
	if (ubuf >= 0) {
		struct dma_buf_export_sync_file e = {
			.flags = DMA_BUF_SYNC_WRITE, .fd = -1,
		};

		ASSERT_EQ(0, ioctl(ubuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &e));
		sf2 = e.fd;
	}

	/* Our fences are alive: the module stays. */
	check_unload_busy(_metadata);
	pfd = (struct pollfd){ .fd = sf, .events = POLLIN };
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(1, sync_file_status(sf));
	if (sf2 >= 0)
		EXPECT_EQ(1, sync_file_status(sf2));
	close(sf);
	if (sf2 >= 0)
		close(sf2);
	if (ubuf >= 0) {
		/* The foreign buffer's reservation still holds our fence. */
		check_unload_busy(_metadata);
		close(ubuf);
	}
	ASSERT_EQ(0, unload_settled());
	ASSERT_EQ(0, reload());
}

/*
 * A job that never ran: its process exits while the job waits for a
 * foreign (vgem) fence, so the scheduler kills it. Its fence, kept in a
 * sync_file by another process, fails with -ESRCH and still keeps the
 * module (and the scheduler its timeline name points into) alive.
 */
TEST(module_unload_with_killed_job_fence)
{
	struct drm_mode_create_dumb dumb = { .width = 1024, .height = 1,
					     .bpp = 32 };
	struct vgem_fence_attach wr = { .flags = VGEM_FENCE_WRITE };
	struct vgem_fence_signal sig = { 0 };
	int vgem, buf, sv[2], sf, status;
	struct pollfd pfd;
	pid_t pid;

	if (!getenv("AXON_KO") || geteuid())
		SKIP(return, "needs root and AXON_KO=<path of axon.ko>");
	vgem = axon_open_vgem();
	if (vgem < 0)
		SKIP(return, "no vgem device (modprobe vgem)");
	ASSERT_EQ(0, axon_ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb));
	ASSERT_EQ(0, axon_prime_export(vgem, dumb.handle, &buf));
	wr.handle = dumb.handle;
	ASSERT_EQ(0, axon_ioctl(vgem, IOCTL_VGEM_FENCE_ATTACH, &wr));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct drm_axon_sync out = { 0 };
		struct drm_axon_job_bo bo = { 0, DRM_AXON_JOB_BO_READ };
		struct drm_axon_job job;
		struct abo cmd = { 0 };
		uint32_t ctx, size;
		struct axs s;
		int fd, f;

		close(sv[0]);
		close(vgem);
		fd = axon_open_type("npu");
		if (fd < 0 || actx_new(fd, DRM_AXON_CTX_PRIORITY_NORMAL, &ctx) ||
		    axon_prime_import(fd, buf, &bo.handle))
			_exit(10);
		axs_init(&s);
		axs_nop(&s);
		if (abo_stream(fd, &s, &cmd, &size) ||
		    asyncobj_new(fd, false, &out.handle))
			_exit(11);
		job = ajob(cmd.handle, size, &bo, 1);
		job.out_syncs = (uintptr_t)&out;
		job.out_sync_count = 1;
		/* Waits for vgem's write fence (implicit sync). */
		if (asubmit(fd, ctx, &job, 1, NULL))
			_exit(12);
		f = syncobj_sync_file(fd, out.handle);
		if (f < 0 || axon_send_fd(sv[1], f))
			_exit(13);
		/* Exit with the job queued: it is killed, never run. */
		_exit(0);
	}
	close(sv[1]);
	close(buf);
	sf = axon_recv_fd(sv[0]);
	ASSERT_LE(0, sf);
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, sync_file_status(sf));

	sig.fence = wr.out_fence;
	ASSERT_EQ(0, axon_ioctl(vgem, IOCTL_VGEM_FENCE_SIGNAL, &sig));
	pfd = (struct pollfd){ .fd = sf, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_EQ(-ESRCH, sync_file_status(sf));

	check_unload_busy(_metadata);
	EXPECT_EQ(-ESRCH, sync_file_status(sf));
	close(sf);
	close(vgem);
	ASSERT_EQ(0, unload_settled());
	ASSERT_EQ(0, reload());
}

TEST_HARNESS_MAIN
