/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the axon kselftests: device discovery through
 * /sys/class/accel, ioctl wrappers, fdinfo and debugfs parsing.
 *
 * Copyright (C) 2025 The axon authors
 */

#ifndef AXON_TEST_H
#define AXON_TEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/udmabuf.h>

#include <drm/axon_accel.h>

#define AXON_MAX_TEST_DEVS	16

/** struct axon_dev - one axon device found in sysfs */
struct axon_dev {
	int minor;		/* N of /dev/accel/accelN */
	char node[64];		/* /dev/accel/accelN */
	char type[16];		/* sysfs type: npu, dsp, dpu */
	char pdev[64];		/* platform device name, e.g. axon.0 */
};

static inline int axon_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static inline int axon_write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static inline int axon_dev_cmp(const void *a, const void *b)
{
	return ((const struct axon_dev *)a)->minor -
	       ((const struct axon_dev *)b)->minor;
}

/* Every accel device bound to the axon driver, sorted by minor. */
static inline int axon_enum(struct axon_dev *devs, int max)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *dir;

	dir = opendir("/sys/class/accel");
	if (!dir)
		return 0;
	while ((de = readdir(dir)) && n < max) {
		struct axon_dev *d = &devs[n];
		const char *base;
		ssize_t len;

		if (sscanf(de->d_name, "accel%d", &d->minor) != 1)
			continue;
		snprintf(path, sizeof(path),
			 "/sys/class/accel/%s/device/driver", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = 0;
		base = strrchr(link, '/');
		if (!base || strcmp(base + 1, "axon"))
			continue;
		snprintf(path, sizeof(path), "/sys/class/accel/%s/device/type",
			 de->d_name);
		if (axon_read_file(path, d->type, sizeof(d->type)))
			continue;
		snprintf(path, sizeof(path), "/sys/class/accel/%s/device",
			 de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = 0;
		base = strrchr(link, '/');
		snprintf(d->pdev, sizeof(d->pdev), "%.63s", base ? base + 1 : link);
		snprintf(d->node, sizeof(d->node), "/dev/accel/%.40s", de->d_name);
		n++;
	}
	closedir(dir);
	qsort(devs, n, sizeof(*devs), axon_dev_cmp);
	return n;
}

/* First device of a type (NULL type: any); fills *out. */
static inline int axon_find(const char *type, struct axon_dev *out)
{
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	int i, n = axon_enum(devs, AXON_MAX_TEST_DEVS);

	for (i = 0; i < n; i++) {
		if (!type || !strcmp(devs[i].type, type)) {
			*out = devs[i];
			return 0;
		}
	}
	return -ENODEV;
}

/* Opens the first device of a type (NULL: any); -errno if none. */
static inline int axon_open_type(const char *type)
{
	struct axon_dev d;
	int fd;

	if (axon_find(type, &d))
		return -ENODEV;
	fd = open(d.node, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* ioctl returning 0 or -errno, restarting on EINTR/EAGAIN. */
static inline int axon_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

static inline int axon_query_info(int fd, struct drm_axon_device_info *info)
{
	struct drm_axon_query q = {
		.query_id = DRM_AXON_QUERY_DEVICE_INFO,
		.size = sizeof(*info),
		.data = (uintptr_t)info,
	};

	memset(info, 0, sizeof(*info));
	return axon_ioctl(fd, DRM_IOCTL_AXON_QUERY, &q);
}

static inline int axon_bo_create(int fd, uint64_t size, uint32_t flags,
				 struct drm_axon_bo_create *out)
{
	memset(out, 0, sizeof(*out));
	out->size = size;
	out->flags = flags;
	return axon_ioctl(fd, DRM_IOCTL_AXON_BO_CREATE, out);
}

static inline int axon_bo_info(int fd, uint32_t handle,
			       struct drm_axon_bo_info *out)
{
	memset(out, 0, sizeof(*out));
	out->handle = handle;
	return axon_ioctl(fd, DRM_IOCTL_AXON_BO_INFO, out);
}

static inline int axon_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return axon_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static inline int axon_prime_export(int fd, uint32_t handle, int *dmabuf)
{
	struct drm_prime_handle p = {
		.handle = handle,
		.flags = DRM_CLOEXEC | DRM_RDWR,
	};
	int ret = axon_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);

	if (!ret)
		*dmabuf = p.fd;
	return ret;
}

static inline int axon_prime_import(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle p = { .fd = dmabuf };
	int ret = axon_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);

	if (!ret)
		*handle = p.handle;
	return ret;
}

/* mmap()s a BO of this fd; MAP_FAILED on error. */
static inline void *axon_bo_mmap(int fd, uint32_t handle, size_t size)
{
	struct drm_axon_bo_info info;

	if (axon_bo_info(fd, handle, &info))
		return MAP_FAILED;
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    info.mmap_offset);
}

/*
 * Value of an fdinfo key of a DRM fd, in bytes for memory keys
 * ("drm-total-memory:\t12 KiB"); -1 if absent.
 */
static inline long long axon_fdinfo(int fd, const char *key)
{
	char path[64], line[256];
	long long val = -1;
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char unit[16] = "";
		long long v;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		if (sscanf(line + klen + 1, "%lld %15s", &v, unit) < 1)
			break;
		if (!strcmp(unit, "KiB"))
			v <<= 10;
		else if (!strcmp(unit, "MiB"))
			v <<= 20;
		else if (!strcmp(unit, "GiB"))
			v <<= 30;
		val = v;
		break;
	}
	fclose(f);
	return val;
}

/* Live BOs of the device, from debugfs "info"; -errno if unavailable. */
static inline long axon_debugfs_bo_count(const struct axon_dev *d)
{
	char path[PATH_MAX], buf[256], *p;

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/info",
		 d->pdev);
	if (axon_read_file(path, buf, sizeof(buf)))
		return -ENOENT;
	p = strstr(buf, "bos ");
	return p ? strtol(p + 4, NULL, 10) : -EPROTO;
}

/*
 * Memory key of fdinfo; the optional keys (resident, purgeable, active) are
 * only printed once the file has a BO, their absence means 0.
 */
static inline long long axon_fdinfo_mem(int fd, const char *key)
{
	long long v = axon_fdinfo(fd, key);

	return v < 0 ? 0 : v;
}

/* zlib/IEEE CRC-32, as the driver's debugfs prints it. */
static inline uint32_t axon_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = ~0U;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

/* Sends / receives one fd over a unix socket. */
static inline int axon_send_fd(int sock, int fd)
{
	char c = 'F';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static inline int axon_recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -errno;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * debugfs line of a BO ("  va 0x... size N ... crc32 0x...") mapped at @va
 * in the client @client_id of device @d; fills *crc (-1 if no checksum).
 */
static inline int axon_debugfs_bo(const struct axon_dev *d,
				  long long client_id, uint64_t va,
				  long long *size, long long *crc)
{
	char path[PATH_MAX], line[512];
	int in_client = 0, found = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/clients",
		 d->pdev);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lva, id;
		unsigned int c;
		char *p;

		if (sscanf(line, "client %llu", &id) == 1) {
			in_client = (long long)id == client_id;
			continue;
		}
		if (!in_client || sscanf(line, "  va %llx size %lld", &lva,
					 size) != 2 || lva != va)
			continue;
		*crc = -1;
		p = strstr(line, "crc32 ");
		if (p && sscanf(p, "crc32 %x", &c) == 1)
			*crc = c;
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

/*
 * A udmabuf over a sealed memfd: returns the dma-buf fd (or -errno), *memfd
 * set to the memfd (or < 0) for the caller to map and close.
 */
static inline int axon_make_udmabuf(size_t size, int *memfd)
{
	struct udmabuf_create c = { 0 };
	int dev, buf;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	*memfd = memfd_create("axon-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (*memfd < 0 || ftruncate(*memfd, size) ||
	    fcntl(*memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		close(dev);
		return -errno;
	}
	c.memfd = *memfd;
	c.flags = UDMABUF_FLAGS_CLOEXEC;
	c.size = size;
	buf = ioctl(dev, UDMABUF_CREATE, &c);
	if (buf < 0)
		buf = -errno;
	close(dev);
	return buf;
}

/* vgem's fence ioctls (include/uapi/drm/vgem_drm.h; not in libdrm's headers). */
struct vgem_fence_attach {
	__u32 handle;
	__u32 flags;
	__u32 out_fence;
	__u32 pad;
};

struct vgem_fence_signal {
	__u32 fence;
	__u32 flags;
};

#define VGEM_FENCE_WRITE	0x1
#define IOCTL_VGEM_FENCE_ATTACH	DRM_IOWR(DRM_COMMAND_BASE + 0x1, \
					 struct vgem_fence_attach)
#define IOCTL_VGEM_FENCE_SIGNAL	DRM_IOW(DRM_COMMAND_BASE + 0x2, \
					struct vgem_fence_signal)

/* A vgem card node, or -ENODEV. */
static inline int axon_open_vgem(void)
{
	char path[64], name[32];
	int i, fd;

	for (i = 0; i < 16; i++) {
		struct drm_version v = { .name = name, .name_len = 31 };

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!axon_ioctl(fd, DRM_IOCTL_VERSION, &v) &&
		    !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -ENODEV;
}

#endif /* AXON_TEST_H */
