// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon kselftests: DMA-buf export and import (PRIME) within a file, across
 * files, processes and devices, and import of foreign buffers: udmabuf, the
 * dma-heap system heap and vgem.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <sys/wait.h>

#include "axon_test.h"
#include "kselftest_harness.h"

#define SZ	(64 * 1024)

static void fill(void *p, size_t size, uint32_t seed)
{
	uint32_t *w = p;
	size_t i;

	for (i = 0; i < size / 4; i++)
		w[i] = seed * 2654435761u + (uint32_t)i;
}

static int check(const void *p, size_t size, uint32_t seed)
{
	const uint32_t *w = p;
	size_t i;

	for (i = 0; i < size / 4; i++)
		if (w[i] != seed * 2654435761u + (uint32_t)i)
			return -1;
	return 0;
}

static void dmabuf_sync(int buf, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	axon_ioctl(buf, DMA_BUF_IOCTL_SYNC, &s);
}

static int make_heap_buf(size_t size)
{
	struct dma_heap_allocation_data a = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	int ret;

	if (heap < 0)
		return -errno;
	ret = axon_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a);
	close(heap);
	return ret ? ret : (int)a.fd;
}

FIXTURE(prime) {
	int fd;
	struct axon_dev d;
	struct drm_axon_bo_create bo;
	void *map;
};

FIXTURE_SETUP(prime)
{
	self->fd = -1;
	self->map = MAP_FAILED;
	if (axon_find(NULL, &self->d))
		SKIP(return, "no axon device (is axon.ko loaded?)");
	self->fd = open(self->d.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, axon_bo_create(self->fd, SZ, 0, &self->bo));
	self->map = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, self->bo.mmap_offset);
	ASSERT_NE(MAP_FAILED, self->map);
	fill(self->map, SZ, 1);
}

FIXTURE_TEARDOWN(prime)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, SZ);
	if (self->fd >= 0)
		close(self->fd);
}

/* Importing one's own export gives back the same handle and VA. */
TEST_F(prime, export_import_same_fd)
{
	struct drm_axon_bo_info info;
	uint32_t h;
	int buf;

	ASSERT_EQ(0, axon_prime_export(self->fd, self->bo.handle, &buf));
	ASSERT_EQ(0, axon_prime_import(self->fd, buf, &h));
	EXPECT_EQ(self->bo.handle, h);
	ASSERT_EQ(0, axon_bo_info(self->fd, h, &info));
	EXPECT_EQ(self->bo.va, info.va);
	EXPECT_EQ(0, info.bo_flags & DRM_AXON_BO_IMPORTED);
	close(buf);
}

/* Another file of the device gets its own handle and VA; data is shared. */
TEST_F(prime, import_other_fd)
{
	int fd2 = open(self->d.node, O_RDWR | O_CLOEXEC);
	long long total0 = axon_fdinfo(fd2, "drm-total-memory");
	struct drm_axon_bo_create other;
	struct drm_axon_bo_info info;
	uint32_t h, h2;
	uint8_t *p;
	int buf;

	ASSERT_LE(0, fd2);
	/* Occupy va_start in fd2 so the import's VA differs from fd's. */
	ASSERT_EQ(0, axon_bo_create(fd2, 3 * 4096, 0, &other));
	ASSERT_EQ(0, axon_prime_export(self->fd, self->bo.handle, &buf));
	ASSERT_EQ(0, axon_prime_import(fd2, buf, &h));
	ASSERT_EQ(0, axon_prime_import(fd2, buf, &h2));
	EXPECT_EQ(h, h2);	/* one handle per file and buffer */
	ASSERT_EQ(0, axon_bo_info(fd2, h, &info));
	EXPECT_EQ(SZ, info.size);
	EXPECT_NE(self->bo.va, info.va);
	EXPECT_TRUE(info.va >= other.va + other.size + 4096 ||
		    info.va + info.size + 4096 <= other.va);
	EXPECT_EQ(total0 + 3 * 4096 + SZ,
		  axon_fdinfo(fd2, "drm-total-memory"));
	EXPECT_LE(SZ, axon_fdinfo(fd2, "drm-shared-memory"));

	p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		 info.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, check(p, SZ, 1));
	fill(p, SZ, 2);
	EXPECT_EQ(0, check(self->map, SZ, 2));
	munmap(p, SZ);
	close(buf);

	ASSERT_EQ(0, axon_gem_close(fd2, h));
	EXPECT_EQ(total0 + 3 * 4096, axon_fdinfo(fd2, "drm-total-memory"));
	close(fd2);
}

/* The dma-buf fd itself can be mapped. */
TEST_F(prime, dmabuf_mmap)
{
	uint8_t *p;
	int buf;

	ASSERT_EQ(0, axon_prime_export(self->fd, self->bo.handle, &buf));
	EXPECT_EQ(SZ, lseek(buf, 0, SEEK_END));
	p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	ASSERT_NE(MAP_FAILED, p);
	dmabuf_sync(buf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
	EXPECT_EQ(0, check(p, SZ, 1));
	fill(p, SZ, 3);
	dmabuf_sync(buf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
	EXPECT_EQ(0, check(self->map, SZ, 3));
	munmap(p, SZ);
	close(buf);
}

/* The exported buffer outlives its handle and the exporting file. */
TEST_F(prime, export_outlives_file)
{
	struct drm_axon_bo_info info;
	uint32_t h;
	uint8_t *p;
	int buf, fd2;

	ASSERT_EQ(0, axon_prime_export(self->fd, self->bo.handle, &buf));
	munmap(self->map, SZ);
	self->map = MAP_FAILED;
	close(self->fd);
	self->fd = -1;

	fd2 = open(self->d.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, axon_prime_import(fd2, buf, &h));
	ASSERT_EQ(0, axon_bo_info(fd2, h, &info));
	p = mmap(NULL, SZ, PROT_READ, MAP_SHARED, fd2, info.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, check(p, SZ, 1));
	munmap(p, SZ);
	close(buf);
	close(fd2);
}

/* Another process gets the buffer over a unix socket. */
TEST_F(prime, import_across_processes)
{
	int sv[2], buf, status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(0, axon_prime_export(self->fd, self->bo.handle, &buf));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct drm_axon_bo_info info;
		int fd, rbuf;
		uint32_t h;
		uint8_t *p;

		close(sv[0]);
		close(buf);
		rbuf = axon_recv_fd(sv[1]);
		fd = open(self->d.node, O_RDWR | O_CLOEXEC);
		if (rbuf < 0 || fd < 0 || axon_prime_import(fd, rbuf, &h) ||
		    axon_bo_info(fd, h, &info))
			_exit(10);
		p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 info.mmap_offset);
		if (p == MAP_FAILED)
			_exit(11);
		if (check(p, SZ, 1))
			_exit(12);
		fill(p, SZ, 4);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(0, axon_send_fd(sv[0], buf));
	close(buf);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, check(self->map, SZ, 4));
	close(sv[0]);
}

/* A buffer of one axon device imported by another is a foreign import. */
TEST_F(prime, import_across_devices)
{
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	struct drm_axon_bo_info info;
	int n = axon_enum(devs, AXON_MAX_TEST_DEVS), i, fd2 = -1, buf;
	uint32_t h;
	uint8_t *p;

	for (i = 0; i < n; i++)
		if (devs[i].minor != self->d.minor)
			break;
	if (i == n)
		SKIP(return, "needs two axon devices");
	fd2 = open(devs[i].node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, axon_prime_export(self->fd, self->bo.handle, &buf));
	ASSERT_EQ(0, axon_prime_import(fd2, buf, &h));
	ASSERT_EQ(0, axon_bo_info(fd2, h, &info));
	EXPECT_EQ(DRM_AXON_BO_IMPORTED, info.bo_flags & DRM_AXON_BO_IMPORTED);
	EXPECT_EQ(SZ, info.size);
	p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		 info.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, check(p, SZ, 1));
	fill(p, SZ, 5);
	EXPECT_EQ(0, check(self->map, SZ, 5));
	munmap(p, SZ);
	close(buf);
	close(fd2);
}

/* Imports a foreign dma-buf and checks data both ways through @cpu. */
static void import_foreign(struct __test_metadata *_metadata, int fd,
			   const struct axon_dev *d, int buf, void *cpu,
			   size_t size)
{
	long long id = axon_fdinfo(fd, "drm-client-id");
	struct drm_axon_bo_info info;
	long long dsize, crc;
	uint32_t h;
	uint8_t *p;
	int ret;

	fill(cpu, size, 6);
	ASSERT_EQ(0, axon_prime_import(fd, buf, &h));
	ASSERT_EQ(0, axon_bo_info(fd, h, &info));
	EXPECT_EQ(DRM_AXON_BO_IMPORTED, info.bo_flags);
	EXPECT_EQ(size, info.size);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, check(p, size, 6));	/* exporter -> axon */
	fill(p, size, 7);
	EXPECT_EQ(0, check(cpu, size, 7));	/* axon -> exporter */
	munmap(p, size);

	/* The driver reaches the pages through its kernel mapping too. */
	ret = axon_debugfs_bo(d, id, info.va, &dsize, &crc);
	if (ret == 0) {
		EXPECT_EQ((long long)size, dsize);
		EXPECT_EQ(axon_crc32(cpu, size), (uint32_t)crc);
		fill(cpu, size, 8);
		ASSERT_EQ(0, axon_debugfs_bo(d, id, info.va, &dsize, &crc));
		EXPECT_EQ(axon_crc32(cpu, size), (uint32_t)crc);
	} else {
		TH_LOG("debugfs not available (%d): kernel mapping unchecked",
		       ret);
	}

	ASSERT_EQ(0, axon_gem_close(fd, h));
}

TEST_F(prime, import_udmabuf)
{
	int memfd = -1, buf = axon_make_udmabuf(SZ, &memfd);
	void *cpu;

	if (buf == -ENOENT)
		SKIP(return, "no /dev/udmabuf");
	ASSERT_LE(0, buf);
	cpu = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, cpu);
	import_foreign(_metadata, self->fd, &self->d, buf, cpu, SZ);
	munmap(cpu, SZ);
	close(buf);
	close(memfd);
}

TEST_F(prime, import_dma_heap)
{
	int buf = make_heap_buf(SZ);
	void *cpu;

	if (buf == -ENOENT)
		SKIP(return, "no /dev/dma_heap/system");
	ASSERT_LE(0, buf);
	cpu = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	ASSERT_NE(MAP_FAILED, cpu);
	import_foreign(_metadata, self->fd, &self->d, buf, cpu, SZ);
	munmap(cpu, SZ);
	close(buf);
}

TEST_F(prime, import_vgem)
{
	struct drm_mode_create_dumb dumb = {
		.width = SZ / 4, .height = 1, .bpp = 32,
	};
	int vgem = axon_open_vgem(), buf;
	void *cpu;

	if (vgem < 0)
		SKIP(return, "no vgem device (modprobe vgem)");
	ASSERT_EQ(0, axon_ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb));
	ASSERT_EQ(SZ, dumb.size);
	ASSERT_EQ(0, axon_prime_export(vgem, dumb.handle, &buf));
	cpu = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	ASSERT_NE(MAP_FAILED, cpu);
	import_foreign(_metadata, self->fd, &self->d, buf, cpu, SZ);
	munmap(cpu, SZ);
	close(buf);
	close(vgem);
}

/* A closed import frees its VA; importing again works. */
TEST_F(prime, reimport_after_close)
{
	int memfd = -1, buf = axon_make_udmabuf(SZ, &memfd);
	struct drm_axon_bo_info a, b;
	long long total0;
	uint32_t h;

	if (buf == -ENOENT)
		SKIP(return, "no /dev/udmabuf");
	ASSERT_LE(0, buf);
	total0 = axon_fdinfo(self->fd, "drm-total-memory");
	ASSERT_EQ(0, axon_prime_import(self->fd, buf, &h));
	ASSERT_EQ(0, axon_bo_info(self->fd, h, &a));
	EXPECT_EQ(total0 + SZ, axon_fdinfo(self->fd, "drm-total-memory"));
	ASSERT_EQ(0, axon_gem_close(self->fd, h));
	EXPECT_EQ(total0, axon_fdinfo(self->fd, "drm-total-memory"));
	EXPECT_EQ(-ENOENT, axon_bo_info(self->fd, h, &b));
	ASSERT_EQ(0, axon_prime_import(self->fd, buf, &h));
	ASSERT_EQ(0, axon_bo_info(self->fd, h, &b));
	EXPECT_EQ(a.va, b.va);
	close(buf);
	close(memfd);
}

TEST_F(prime, wait_imported)
{
	int buf = make_heap_buf(SZ);
	struct drm_axon_bo_wait w = { 0 };

	if (buf == -ENOENT)
		SKIP(return, "no /dev/dma_heap/system");
	ASSERT_LE(0, buf);
	ASSERT_EQ(0, axon_prime_import(self->fd, buf, &w.handle));
	EXPECT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT, &w));
	close(buf);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bo_wait(int fd, uint32_t handle, uint32_t flags, int64_t deadline)
{
	struct drm_axon_bo_wait w = {
		.handle = handle, .flags = flags, .timeout_ns = deadline,
	};

	return axon_ioctl(fd, DRM_IOCTL_AXON_BO_WAIT, &w);
}

/*
 * BO_WAIT sees another driver's fences on an imported buffer: read fences
 * only without DRM_AXON_BO_WAIT_WRITERS, absolute deadlines, and a wake-up
 * as soon as the fence signals.
 */
TEST_F(prime, wait_foreign_fence)
{
	struct drm_mode_create_dumb dumb = {
		.width = SZ / 4, .height = 1, .bpp = 32,
	};
	struct vgem_fence_attach rd = { 0 }, wr = { .flags = VGEM_FENCE_WRITE };
	struct vgem_fence_signal sig = { 0 };
	int vgem = axon_open_vgem(), buf, status;
	int64_t t0;
	uint32_t h;
	pid_t pid;

	if (vgem < 0)
		SKIP(return, "no vgem device (modprobe vgem)");
	ASSERT_EQ(0, axon_ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb));
	ASSERT_EQ(0, axon_prime_export(vgem, dumb.handle, &buf));
	ASSERT_EQ(0, axon_prime_import(self->fd, buf, &h));
	EXPECT_EQ(0, bo_wait(self->fd, h, 0, 0));

	/* A reader on the buffer. */
	rd.handle = dumb.handle;
	ASSERT_EQ(0, axon_ioctl(vgem, IOCTL_VGEM_FENCE_ATTACH, &rd));
	EXPECT_EQ(-ETIMEDOUT, bo_wait(self->fd, h, 0, 0));
	t0 = now_ns();
	EXPECT_EQ(-ETIMEDOUT, bo_wait(self->fd, h, 0, t0 + 20000000));
	EXPECT_LE(t0 + 20000000, now_ns());
	EXPECT_EQ(0, bo_wait(self->fd, h, DRM_AXON_BO_WAIT_WRITERS, 0));
	sig.fence = rd.out_fence;
	ASSERT_EQ(0, axon_ioctl(vgem, IOCTL_VGEM_FENCE_SIGNAL, &sig));
	EXPECT_EQ(0, bo_wait(self->fd, h, 0, 0));

	/* A writer, signalled by another process while we wait. */
	wr.handle = dumb.handle;
	ASSERT_EQ(0, axon_ioctl(vgem, IOCTL_VGEM_FENCE_ATTACH, &wr));
	EXPECT_EQ(-ETIMEDOUT, bo_wait(self->fd, h, DRM_AXON_BO_WAIT_WRITERS, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		usleep(100000);
		sig.fence = wr.out_fence;
		_exit(axon_ioctl(vgem, IOCTL_VGEM_FENCE_SIGNAL, &sig) ? 1 : 0);
	}
	t0 = now_ns();
	EXPECT_EQ(0, bo_wait(self->fd, h, DRM_AXON_BO_WAIT_WRITERS,
			     t0 + 5000000000LL));
	EXPECT_GT(t0 + 4000000000LL, now_ns());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, bo_wait(self->fd, h, 0, 0));
	close(buf);
	close(vgem);
}

/* An import into a file whose address space is full fails with -ENOSPC. */
TEST_F(prime, import_va_space_full)
{
	struct drm_axon_device_info info;
	struct drm_axon_bo_create c;
	uint64_t left, page = getpagesize();
	uint32_t h, last = 0;
	int fd2, buf;

	fd2 = open(self->d.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, axon_query_info(fd2, &info));
	left = info.va_end - info.va_start;
	/* Every BO takes its size plus one guard page of VA. */
	while (left >= 2 * page) {
		uint64_t size = left - page;

		if (size > info.max_bo_size)
			size = info.max_bo_size;
		ASSERT_EQ(0, axon_bo_create(fd2, size, 0, &c));
		last = c.handle;
		left -= size + page;
	}
	EXPECT_EQ(-ENOSPC, axon_bo_create(fd2, page, 0, &c));
	ASSERT_EQ(0, axon_prime_export(self->fd, self->bo.handle, &buf));
	EXPECT_EQ(-ENOSPC, axon_prime_import(fd2, buf, &h));
	/* Room again after a close. */
	ASSERT_EQ(0, axon_gem_close(fd2, last));
	ASSERT_EQ(0, axon_prime_import(fd2, buf, &h));
	close(buf);
	close(fd2);
}

TEST_F(prime, import_bad_fd)
{
	int memfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	uint32_t h;

	EXPECT_EQ(-EBADF, axon_prime_import(self->fd, -1, &h));
	EXPECT_EQ(-EBADF, axon_prime_import(self->fd, 1000, &h));
	ASSERT_LE(0, memfd);
	EXPECT_EQ(-EINVAL, axon_prime_import(self->fd, memfd, &h));
	close(memfd);
}

TEST_F(prime, export_bad_handle)
{
	int buf;

	EXPECT_EQ(-ENOENT, axon_prime_export(self->fd, 0, &buf));
	EXPECT_EQ(-ENOENT, axon_prime_export(self->fd, self->bo.handle + 100,
					     &buf));
	ASSERT_EQ(0, axon_gem_close(self->fd, self->bo.handle));
	EXPECT_EQ(-ENOENT, axon_prime_export(self->fd, self->bo.handle, &buf));
}

TEST_HARNESS_MAIN
