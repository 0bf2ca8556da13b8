// SPDX-License-Identifier: MIT
/* Buffers: cpu (memfd pages, mapped DMA-bufs) and accel (GEM BOs, PRIME). */
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>

#include "internal.h"
#include "drm/axon_accel.h"

static axon_buffer *buf_new(axon_device *dev, enum buf_kind kind, size_t size)
{
	axon_buffer *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	atomic_init(&b->refs, 1);
	pthread_mutex_init(&b->lock, NULL);
	b->dev = dev;
	device_get(dev);
	b->kind = kind;
	b->size = size;
	b->fd = -1;
	return b;
}

void buffer_get(axon_buffer *buf)
{
	atomic_fetch_add(&buf->refs, 1);
}

void buffer_put(axon_buffer *b)
{
	if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
		return;
	if (b->map)
		munmap(b->map, b->map_size);
	if (b->fd >= 0)
		close(b->fd);
	if (b->kind == BUF_ACCEL_BO && b->handle) {
		struct drm_gem_close c = { .handle = b->handle };

		drmIoctl(b->dev->fd, DRM_IOCTL_GEM_CLOSE, &c);
	}
	pthread_mutex_destroy(&b->lock);
	device_put(b->dev);
	free(b);
}

static size_t page_round(size_t s)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (s + pg - 1) / pg * pg;
}

static int accel_bo_info(axon_buffer *b)
{
	struct drm_axon_bo_info bi;

	memset(&bi, 0, sizeof(bi));
	bi.handle = b->handle;
	if (drmIoctl(b->dev->fd, DRM_IOCTL_AXON_BO_INFO, &bi))
		return axon_err_errno(axon_status_from_errno(errno), errno,
				      "%s: BO_INFO", b->dev->info.name);
	b->va = bi.va;
	b->mmap_offset = bi.mmap_offset;
	if (!b->size || b->size > bi.size)
		b->size = bi.size;
	return 0;
}

AXON_EXPORT int axon_buffer_alloc(axon_device *dev, size_t size, axon_buffer **out)
{
	axon_buffer *b;

	if (!dev || !out || !size)
		return axon_err(AXON_E_INVALID, "axon_buffer_alloc: bad arguments");
	*out = NULL;
	if (dev->kind == DEV_CPU) {
		b = buf_new(dev, BUF_CPU_MEMFD, size);
		if (!b)
			return axon_err(AXON_E_NOMEM, "out of memory");
		b->fd = memfd_create("axon-buffer", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (b->fd < 0 || ftruncate(b->fd, page_round(size)) < 0) {
			int e = errno;

			buffer_put(b);
			return axon_err_errno(axon_status_from_errno(e), e,
					      "memfd for a %zu-byte buffer", size);
		}
		/* udmabuf needs the size sealed against shrinking. */
		fcntl(b->fd, F_ADD_SEALS, F_SEAL_SHRINK);
	} else {
		struct drm_axon_bo_create c;

		memset(&c, 0, sizeof(c));
		c.size = size;
		if (drmIoctl(dev->fd, DRM_IOCTL_AXON_BO_CREATE, &c))
			return axon_err_errno(axon_status_from_errno(errno), errno,
					      "%s: BO_CREATE of %zu bytes",
					      dev->info.name, size);
		b = buf_new(dev, BUF_ACCEL_BO, size);
		if (!b) {
			struct drm_gem_close gc = { .handle = c.handle };

			drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &gc);
			return axon_err(AXON_E_NOMEM, "out of memory");
		}
		b->handle = c.handle;
		b->va = c.va;
		b->mmap_offset = c.mmap_offset;
	}
	*out = b;
	return 0;
}

AXON_EXPORT int axon_buffer_import_dmabuf(axon_device *dev, int fd, size_t size,
					  axon_buffer **out)
{
	off_t end;
	axon_buffer *b;

	if (!dev || !out || fd < 0)
		return axon_err(AXON_E_INVALID, "axon_buffer_import_dmabuf: bad arguments");
	*out = NULL;
	end = lseek(fd, 0, SEEK_END);	/* dma-bufs report their size this way */
	if (end > 0 && !size)
		size = (size_t)end;
	if (end > 0 && size > (size_t)end)
		return axon_err(AXON_E_INVALID, "DMA-buf is %lld bytes, %zu requested",
				(long long)end, size);
	if (!size)
		return axon_err(AXON_E_INVALID, "DMA-buf size unknown; pass it");
	if (dev->kind == DEV_CPU) {
		b = buf_new(dev, BUF_CPU_DMABUF, size);
		if (!b)
			return axon_err(AXON_E_NOMEM, "out of memory");
		b->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (b->fd < 0) {
			buffer_put(b);
			return axon_err_errno(AXON_E_IO, errno, "dup of the DMA-buf fd");
		}
	} else {
		uint32_t h;

		if (!(dev->info.caps & DRM_AXON_CAP_DMABUF_IMPORT))
			return axon_err(AXON_E_UNSUPPORTED, "%s cannot import DMA-bufs",
					dev->info.name);
		if (drmPrimeFDToHandle(dev->fd, fd, &h))
			return axon_err_errno(axon_status_from_errno(errno), errno,
					      "%s: PRIME import", dev->info.name);
		b = buf_new(dev, BUF_ACCEL_BO, size);
		if (!b) {
			struct drm_gem_close gc = { .handle = h };

			drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &gc);
			return axon_err(AXON_E_NOMEM, "out of memory");
		}
		b->handle = h;
		if (accel_bo_info(b)) {
			buffer_put(b);
			return AXON_E_IO;
		}
		if (b->size < size) {
			buffer_put(b);
			return axon_err(AXON_E_INVALID, "imported BO smaller than %zu", size);
		}
		b->size = size;
	}
	*out = b;
	return 0;
}

AXON_EXPORT int axon_buffer_export_dmabuf(axon_buffer *b, int *fd)
{
	if (!b || !fd)
		return axon_err(AXON_E_INVALID, "axon_buffer_export_dmabuf: bad arguments");
	*fd = -1;
	if (b->kind == BUF_ACCEL_BO) {
		if (drmPrimeHandleToFD(b->dev->fd, b->handle, DRM_CLOEXEC | DRM_RDWR, fd))
			return axon_err_errno(axon_status_from_errno(errno), errno,
					      "%s: PRIME export", b->dev->info.name);
		return 0;
	}
	if (b->kind == BUF_CPU_DMABUF) {
		*fd = fcntl(b->fd, F_DUPFD_CLOEXEC, 0);
		return *fd < 0 ? axon_err_errno(AXON_E_IO, errno, "dup") : 0;
	}
	/* memfd -> DMA-buf through udmabuf */
	{
		struct udmabuf_create uc = {
			.memfd = (uint32_t)b->fd,
			.flags = UDMABUF_FLAGS_CLOEXEC,
			.offset = 0,
			.size = page_round(b->size),
		};
		int u = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);

		if (u < 0)
			return axon_err_errno(AXON_E_UNSUPPORTED, errno,
					      "cpu buffers are exported through /dev/udmabuf");
		*fd = ioctl(u, UDMABUF_CREATE, &uc);
		close(u);
		if (*fd < 0) {
			*fd = -1;
			return axon_err_errno(AXON_E_IO, errno, "UDMABUF_CREATE");
		}
	}
	return 0;
}

void *buffer_map_locked(axon_buffer *b)
{
	void *m;
	size_t len = page_round(b->size);

	if (b->map)
		return b->map;
	if (b->kind == BUF_ACCEL_BO)
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->dev->fd,
			 (off_t)b->mmap_offset);
	else
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
	if (m == MAP_FAILED) {
		axon_err_errno(AXON_E_IO, errno, "cannot map a %zu-byte buffer", b->size);
		return NULL;
	}
	b->map_size = len;
	b->map = m;
	return m;
}

AXON_EXPORT void *axon_buffer_map(axon_buffer *b)
{
	void *m;

	if (!b) {
		axon_err(AXON_E_INVALID, "axon_buffer_map: NULL buffer");
		return NULL;
	}
	pthread_mutex_lock(&b->lock);
	m = buffer_map_locked(b);
	pthread_mutex_unlock(&b->lock);
	return m;
}

AXON_EXPORT size_t axon_buffer_size(const axon_buffer *b)
{
	return b ? b->size : 0;
}

AXON_EXPORT void axon_buffer_free(axon_buffer *b)
{
	buffer_put(b);
}

int buffer_on_device(axon_buffer *b, axon_device *dev, axon_buffer **out)
{
	int fd, rc;

	if (b->dev == dev || dev->kind == DEV_CPU) {
		buffer_get(b);
		*out = b;
		return 0;
	}
	rc = axon_buffer_export_dmabuf(b, &fd);
	if (rc)
		return rc;
	rc = axon_buffer_import_dmabuf(dev, fd, b->size, out);
	close(fd);
	return rc;
}
