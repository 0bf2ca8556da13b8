// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon kselftests: buffer objects, mmap, per-file device address spaces,
 * fdinfo accounting, and the BO ioctls' error paths.
 *
 * Copyright (C) 2025 The axon authors
 */

#include "axon_test.h"
#include "kselftest_harness.h"

FIXTURE(bo) {
	int fd;
	struct axon_dev d;
	struct drm_axon_device_info info;
	size_t page;
};

FIXTURE_SETUP(bo)
{
	self->fd = -1;
	self->page = getpagesize();
	if (axon_find(NULL, &self->d))
		SKIP(return, "no axon device (is axon.ko loaded?)");
	self->fd = open(self->d.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, axon_query_info(self->fd, &self->info));
}

FIXTURE_TEARDOWN(bo)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(bo, create_basic)
{
	struct drm_axon_bo_create c;

	ASSERT_EQ(0, axon_bo_create(self->fd, 3 * self->page, 0, &c));
	EXPECT_NE(0, c.handle);
	EXPECT_EQ(3 * self->page, c.size);
	EXPECT_LE(self->info.va_start, c.va);
	EXPECT_LE(c.va + c.size, self->info.va_end);
	EXPECT_EQ(0, c.va % self->info.va_alignment);
	EXPECT_NE(0, c.mmap_offset);
	EXPECT_EQ(0, c.mmap_offset % self->page);
	EXPECT_EQ(0, axon_gem_close(self->fd, c.handle));
}

TEST_F(bo, create_rounds_up)
{
	struct drm_axon_bo_create c;

	ASSERT_EQ(0, axon_bo_create(self->fd, 1, 0, &c));
	EXPECT_EQ(self->info.va_alignment, c.size);
	ASSERT_EQ(0, axon_bo_create(self->fd, self->page + 1, 0, &c));
	EXPECT_EQ(2 * self->page, c.size);
}

TEST_F(bo, info_matches_create)
{
	struct drm_axon_bo_create c;
	struct drm_axon_bo_info i;

	ASSERT_EQ(0, axon_bo_create(self->fd, 5 * self->page, DRM_AXON_BO_WC,
				    &c));
	ASSERT_EQ(0, axon_bo_info(self->fd, c.handle, &i));
	EXPECT_EQ(c.size, i.size);
	EXPECT_EQ(c.va, i.va);
	EXPECT_EQ(c.mmap_offset, i.mmap_offset);
	EXPECT_EQ(DRM_AXON_BO_WC, i.bo_flags);
	EXPECT_EQ(0, i.pad);
}

TEST_F(bo, mmap_write_read_back)
{
	size_t size = 16 * self->page, n = size / 4, k;
	struct drm_axon_bo_create c;
	uint32_t *p;

	ASSERT_EQ(0, axon_bo_create(self->fd, size, 0, &c));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 c.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	for (k = 0; k < n; k++)
		ASSERT_EQ(0, p[k]);	/* new BOs are zeroed */
	for (k = 0; k < n; k++)
		p[k] = 0x9e3779b9u * (uint32_t)k;
	ASSERT_EQ(0, munmap(p, size));

	p = mmap(NULL, size, PROT_READ, MAP_SHARED, self->fd, c.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	for (k = 0; k < n; k++)
		ASSERT_EQ(0x9e3779b9u * (uint32_t)k, p[k]);
	/* Resident while mapped. */
	EXPECT_EQ(size, axon_fdinfo(self->fd, "drm-resident-memory"));
	ASSERT_EQ(0, munmap(p, size));
}

TEST_F(bo, mmap_wc)
{
	struct drm_axon_bo_create c;
	uint8_t *p;

	if (!(self->info.capabilities & DRM_AXON_CAP_BO_WC))
		SKIP(return, "no DRM_AXON_CAP_BO_WC");
	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, DRM_AXON_BO_WC, &c));
	p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, c.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x3c, self->page);
	EXPECT_EQ(0x3c, p[self->page - 1]);
	munmap(p, self->page);
}

/* Two mappings of one BO see each other's writes. */
TEST_F(bo, mmap_shared_between_mappings)
{
	struct drm_axon_bo_create c;
	uint8_t *a, *b;

	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	a = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, c.mmap_offset);
	b = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, c.mmap_offset);
	ASSERT_NE(MAP_FAILED, a);
	ASSERT_NE(MAP_FAILED, b);
	a[100] = 0x42;
	EXPECT_EQ(0x42, b[100]);
	b[200] = 0x24;
	EXPECT_EQ(0x24, a[200]);
	munmap(a, self->page);
	munmap(b, self->page);
}

TEST_F(bo, mmap_past_end_fails)
{
	struct drm_axon_bo_create c;
	void *p;

	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	p = mmap(NULL, 2 * self->page, PROT_READ, MAP_SHARED, self->fd,
		 c.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(bo, mmap_stale_offset_fails)
{
	struct drm_axon_bo_create c;
	void *p;

	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	ASSERT_EQ(0, axon_gem_close(self->fd, c.handle));
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, self->fd,
		 c.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, self->fd,
		 0x7fff0000ull * self->page);
	EXPECT_EQ(MAP_FAILED, p);
}

/* An mmap offset of one file is not usable through another. */
TEST_F(bo, mmap_other_file_fails)
{
	struct drm_axon_bo_create c;
	int fd2 = open(self->d.node, O_RDWR | O_CLOEXEC);
	void *p;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, fd2, c.mmap_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	close(fd2);
}

/* VAs are unique, aligned, in range, and ranges (plus guard) never overlap. */
TEST_F(bo, va_unique_no_overlap)
{
	enum { N = 64 };
	struct drm_axon_bo_create c[N];
	int i, j;

	for (i = 0; i < N; i++)
		ASSERT_EQ(0, axon_bo_create(self->fd,
					    (1 + (i * 7) % 13) * self->page - 5,
					    0, &c[i]));
	for (i = 0; i < N; i++) {
		EXPECT_LE(self->info.va_start, c[i].va);
		EXPECT_LE(c[i].va + c[i].size, self->info.va_end);
		EXPECT_EQ(0, c[i].va % self->info.va_alignment);
		for (j = 0; j < N; j++) {
			if (i == j)
				continue;
			/* [va, va + size + guard page) are disjoint. */
			ASSERT_TRUE(c[i].va + c[i].size + self->page <= c[j].va ||
				    c[j].va + c[j].size + self->page <= c[i].va)
				TH_LOG("BO %d [%llx,+%llx) overlaps BO %d [%llx,+%llx)",
				       i, c[i].va, c[i].size, j, c[j].va,
				       c[j].size);
		}
	}
}

TEST_F(bo, va_reuse_after_close)
{
	struct drm_axon_bo_create a, b, c;

	ASSERT_EQ(0, axon_bo_create(self->fd, 8 * self->page, 0, &a));
	ASSERT_EQ(0, axon_bo_create(self->fd, 8 * self->page, 0, &b));
	ASSERT_EQ(0, axon_gem_close(self->fd, a.handle));
	ASSERT_EQ(0, axon_bo_create(self->fd, 8 * self->page, 0, &c));
	EXPECT_EQ(a.va, c.va);
	EXPECT_NE(b.va, c.va);
}

/* Each file has its own address space: the first BO of each gets va_start. */
TEST_F(bo, va_per_file)
{
	struct drm_axon_bo_create a, b;
	int fd2 = open(self->d.node, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &a));
	ASSERT_EQ(0, axon_bo_create(fd2, self->page, 0, &b));
	EXPECT_EQ(self->info.va_start, a.va);
	EXPECT_EQ(self->info.va_start, b.va);
	/* ... and its own handle namespace. */
	EXPECT_EQ(-EINVAL, axon_gem_close(fd2, b.handle + 1));
	close(fd2);
}

/* A full address space says -ENOSPC, and recovers when BOs are freed. */
TEST_F(bo, va_space_exhaustion)
{
	uint64_t span = self->info.va_end - self->info.va_start;
	uint64_t size = self->info.max_bo_size;
	struct drm_axon_bo_create c;
	uint32_t handles[256];
	int n = 0, ret, i;

	while ((ret = axon_bo_create(self->fd, size, 0, &c)) == 0) {
		ASSERT_LT(n, 256);
		handles[n++] = c.handle;
	}
	EXPECT_EQ(-ENOSPC, ret);
	EXPECT_EQ(span / (size + self->page), (uint64_t)n);
	/* Freed ranges are handed out again. */
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, axon_gem_close(self->fd, handles[i]));
	ASSERT_EQ(0, axon_bo_create(self->fd, size, 0, &c));
	EXPECT_EQ(self->info.va_start, c.va);
}

/* 1000 create/map/destroy cycles leave the file's memory at its baseline. */
TEST_F(bo, create_destroy_1000_cycles)
{
	long long total0 = axon_fdinfo(self->fd, "drm-total-memory");
	long long res0 = axon_fdinfo_mem(self->fd, "drm-resident-memory");
	long bos0 = axon_debugfs_bo_count(&self->d);
	struct drm_axon_bo_create keep, c;
	uint64_t first_va = 0;
	int i;

	ASSERT_LE(0, total0);
	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &keep));
	for (i = 0; i < 1000; i++) {
		size_t size = (1 + i % 16) * self->page;
		uint8_t *p;

		ASSERT_EQ(0, axon_bo_create(self->fd, size, 0, &c));
		if (i == 0)
			first_va = c.va;
		else
			ASSERT_EQ(first_va, c.va);	/* VA recycled */
		if (i % 10 == 0) {
			p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
				 self->fd, c.mmap_offset);
			ASSERT_NE(MAP_FAILED, p);
			p[size - 1] = (uint8_t)i;
			ASSERT_EQ(res0 + (long long)size,
				  axon_fdinfo_mem(self->fd,
						  "drm-resident-memory"));
			ASSERT_EQ(0, munmap(p, size));
		}
		ASSERT_EQ(0, axon_gem_close(self->fd, c.handle));
	}
	ASSERT_EQ(0, axon_gem_close(self->fd, keep.handle));
	EXPECT_EQ(total0, axon_fdinfo(self->fd, "drm-total-memory"));
	EXPECT_EQ(res0, axon_fdinfo_mem(self->fd, "drm-resident-memory"));
	/* Device-wide: every BO was freed, not just unlinked from the file. */
	if (bos0 >= 0)
		EXPECT_EQ(bos0, axon_debugfs_bo_count(&self->d));
}

TEST_F(bo, wait_idle)
{
	struct drm_axon_bo_create c;
	struct drm_axon_bo_wait w = { 0 };
	struct timespec ts;

	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	w.handle = c.handle;
	w.timeout_ns = 0;	/* already past: a poll */
	EXPECT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT, &w));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.timeout_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec + 1000000;
	w.flags = DRM_AXON_BO_WAIT_WRITERS;
	EXPECT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT, &w));
	w.timeout_ns = -1;
	EXPECT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT, &w));
}

/* ---- BO_CREATE error paths ---- */

TEST_F(bo, create_zero_size)
{
	struct drm_axon_bo_create c;

	EXPECT_EQ(-EINVAL, axon_bo_create(self->fd, 0, 0, &c));
}

TEST_F(bo, create_huge_size)
{
	struct drm_axon_bo_create c;

	EXPECT_EQ(-E2BIG, axon_bo_create(self->fd, self->info.max_bo_size + 1,
					 0, &c));
	EXPECT_EQ(-E2BIG, axon_bo_create(self->fd, 1ULL << 62, 0, &c));
	EXPECT_EQ(-E2BIG, axon_bo_create(self->fd, ~0ULL, 0, &c));
	/* The limit itself is fine (nothing is allocated until touched). */
	EXPECT_EQ(0, axon_bo_create(self->fd, self->info.max_bo_size, 0, &c));
}

TEST_F(bo, create_unknown_flags)
{
	struct drm_axon_bo_create c;
	unsigned int bit;

	for (bit = 1; bit < 32; bit++)
		EXPECT_EQ(-EINVAL, axon_bo_create(self->fd, self->page,
						  1U << bit, &c))
			TH_LOG("flag bit %u accepted", bit);
	/* Output-only flag. */
	EXPECT_EQ(-EINVAL, axon_bo_create(self->fd, self->page,
					  DRM_AXON_BO_IMPORTED, &c));
}

TEST_F(bo, create_nonzero_pad)
{
	struct drm_axon_bo_create c = { .size = 4096, .pad = 1 };

	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_CREATE, &c));
	c.pad = 1ULL << 63;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_CREATE, &c));
}

/* A struct cut before .size reads as size 0. */
TEST_F(bo, create_short_struct)
{
	unsigned long req0 = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
				  DRM_COMMAND_BASE + DRM_AXON_BO_CREATE, 0);
	struct drm_axon_bo_create c = { .size = 4096 };

	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, req0, &c));
}

/* Handles and memory are not created by failing calls. */
TEST_F(bo, create_failures_leak_nothing)
{
	long long total0 = axon_fdinfo(self->fd, "drm-total-memory");
	struct drm_axon_bo_create c;
	int i;

	for (i = 0; i < 100; i++) {
		EXPECT_EQ(-EINVAL, axon_bo_create(self->fd, self->page, 2, &c));
		EXPECT_EQ(-E2BIG, axon_bo_create(self->fd, ~0ULL, 0, &c));
	}
	EXPECT_EQ(total0, axon_fdinfo(self->fd, "drm-total-memory"));
	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	EXPECT_EQ(1, c.handle);
}

/* ---- BO_INFO error paths ---- */

TEST_F(bo, info_bad_handle)
{
	struct drm_axon_bo_info i;

	EXPECT_EQ(-ENOENT, axon_bo_info(self->fd, 0, &i));
	EXPECT_EQ(-ENOENT, axon_bo_info(self->fd, 12345, &i));
	EXPECT_EQ(-ENOENT, axon_bo_info(self->fd, ~0U, &i));
}

TEST_F(bo, info_stale_handle)
{
	struct drm_axon_bo_create c;
	struct drm_axon_bo_info i;

	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	ASSERT_EQ(0, axon_gem_close(self->fd, c.handle));
	EXPECT_EQ(-ENOENT, axon_bo_info(self->fd, c.handle, &i));
	EXPECT_EQ(-EINVAL, axon_gem_close(self->fd, c.handle));
}

TEST_F(bo, info_other_file_handle)
{
	struct drm_axon_bo_create c;
	struct drm_axon_bo_info i;
	int fd2 = open(self->d.node, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	EXPECT_EQ(-ENOENT, axon_bo_info(fd2, c.handle, &i));
	close(fd2);
}

TEST_F(bo, info_nonzero_flags_pad)
{
	struct drm_axon_bo_create c;
	struct drm_axon_bo_info i = { 0 };

	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	i.handle = c.handle;
	i.flags = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_INFO, &i));
	i.flags = 0;
	i.pad = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_INFO, &i));
	i.pad = 0;
	EXPECT_EQ(0, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_INFO, &i));
}

/* A struct cut before .handle reads as handle 0. */
TEST_F(bo, info_short_struct)
{
	unsigned long req0 = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
				  DRM_COMMAND_BASE + DRM_AXON_BO_INFO, 0);
	struct drm_axon_bo_create c;
	struct drm_axon_bo_info i = { 0 };

	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	i.handle = c.handle;
	EXPECT_EQ(-ENOENT, axon_ioctl(self->fd, req0, &i));
}

/* ---- BO_WAIT error paths ---- */

TEST_F(bo, wait_bad_and_stale_handle)
{
	struct drm_axon_bo_create c;
	struct drm_axon_bo_wait w = { .handle = 999 };

	EXPECT_EQ(-ENOENT, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT, &w));
	w.handle = 0;
	EXPECT_EQ(-ENOENT, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT, &w));
	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	ASSERT_EQ(0, axon_gem_close(self->fd, c.handle));
	w.handle = c.handle;
	EXPECT_EQ(-ENOENT, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT, &w));
}

TEST_F(bo, wait_unknown_flags_pad)
{
	struct drm_axon_bo_create c;
	struct drm_axon_bo_wait w = { 0 };
	unsigned int bit;

	ASSERT_EQ(0, axon_bo_create(self->fd, self->page, 0, &c));
	w.handle = c.handle;
	for (bit = 1; bit < 32; bit++) {
		w.flags = 1U << bit;
		EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT,
					      &w));
	}
	w.flags = 0;
	w.pad = 1;
	EXPECT_EQ(-EINVAL, axon_ioctl(self->fd, DRM_IOCTL_AXON_BO_WAIT, &w));
}

/* The device's debugfs lists this client's BOs at their VAs. */
TEST_F(bo, debugfs_lists_client_bos)
{
	long long id = axon_fdinfo(self->fd, "drm-client-id");
	struct drm_axon_bo_create c;
	long long size, crc;
	uint8_t *p;
	int ret;

	ASSERT_EQ(0, axon_bo_create(self->fd, 3 * self->page, 0, &c));
	ret = axon_debugfs_bo(&self->d, id, c.va, &size, &crc);
	if (ret == -ENOENT && access("/sys/kernel/debug/accel", F_OK))
		SKIP(return, "debugfs not mounted");
	ASSERT_EQ(0, ret);
	EXPECT_EQ((long long)c.size, size);
	EXPECT_EQ(-1, crc);	/* never touched: no pages, no checksum */

	p = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 c.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x77, c.size);
	p[12345 % c.size] = 1;
	ASSERT_EQ(0, axon_debugfs_bo(&self->d, id, c.va, &size, &crc));
	EXPECT_EQ(axon_crc32(p, c.size), (uint32_t)crc);
	munmap(p, c.size);

	ASSERT_EQ(0, axon_gem_close(self->fd, c.handle));
	EXPECT_EQ(-ENOENT, axon_debugfs_bo(&self->d, id, c.va, &size, &crc));
}

TEST_HARNESS_MAIN
