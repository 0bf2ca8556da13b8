// SPDX-License-Identifier: MIT
/* The accel backend's device side: open, query, contexts, configuration. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "internal.h"
#include "drm/axon_accel.h"

int accel_query(int fd, struct axon_device_info *info)
{
	struct drm_axon_device_info di;
	struct drm_axon_query q;
	drmVersionPtr v;

	v = drmGetVersion(fd);
	if (!v)
		return axon_err_errno(AXON_E_IO, errno, "drmGetVersion on %s", info->name);
	if (strcmp(v->name, "axon")) {
		drmFreeVersion(v);
		return axon_err(AXON_E_NODEV, "%s is driven by %s, not axon", info->name,
				v->name);
	}
	info->driver_version = ((uint32_t)v->version_major << 24) |
			       ((uint32_t)v->version_minor << 16) |
			       (uint32_t)(v->version_patchlevel & 0xffff);
	drmFreeVersion(v);
	memset(&di, 0, sizeof(di));
	memset(&q, 0, sizeof(q));
	q.query_id = DRM_AXON_QUERY_DEVICE_INFO;
	q.size = sizeof(di);
	q.data = (uintptr_t)&di;
	if (drmIoctl(fd, DRM_IOCTL_AXON_QUERY, &q))
		return axon_err_errno(axon_status_from_errno(errno), errno,
				      "%s: DEVICE_INFO query", info->name);
	info->type = di.type;
	info->engines = di.engine_count;
	info->caps = di.capabilities;
	if (di.capabilities & DRM_AXON_CAP_SUBMIT)
		info->caps |= AXON_CAP_SYNC_FILE;
	info->ops = di.ops;
	info->sram_size = di.sram_size;
	info->dtypes = di.dtypes;
	info->fw_version = di.fw_version;
	info->isa_version = di.isa_version;
	info->state = di.state;
	info->config_version = di.config_version;
	info->available = 1;
	return 0;
}

/* A new context at normal priority. */
int accel_ctx_create(axon_device *dev, uint32_t *id)
{
	struct drm_axon_ctx_create c;

	memset(&c, 0, sizeof(c));
	c.priority = DRM_AXON_CTX_PRIORITY_NORMAL;
	if (drmIoctl(dev->fd, DRM_IOCTL_AXON_CTX_CREATE, &c)) {
		int err = errno, rc;

		rc = axon_err_errno(axon_status_from_errno(err), err,
				    "%s: context creation", dev->info.name);
		errno = err;	/* ENOSPC: out of contexts, see run_ctx_get() */
		return rc;
	}
	*id = c.ctx_id;
	return 0;
}

void accel_ctx_destroy(axon_device *dev, uint32_t id)
{
	struct drm_axon_ctx_destroy d;

	if (!id || dev->fd < 0)
		return;
	memset(&d, 0, sizeof(d));
	d.ctx_id = id;
	drmIoctl(dev->fd, DRM_IOCTL_AXON_CTX_DESTROY, &d);	/* ENODEV: gone */
}

/*
 * The device's shared context, for runs that could not get one of their
 * own (the file is out of contexts): created on first use; replaced when
 * it is still @banned (0: just get it).
 */
int accel_shared_ctx(axon_device *dev, uint32_t banned, uint32_t *id)
{
	int rc = 0;

	pthread_mutex_lock(&dev->lock);
	if (banned && dev->ctx_id == banned) {
		accel_ctx_destroy(dev, dev->ctx_id);
		dev->ctx_id = 0;
	}
	if (!dev->ctx_id)
		rc = accel_ctx_create(dev, &dev->ctx_id);
	*id = dev->ctx_id;
	pthread_mutex_unlock(&dev->lock);
	return rc;
}

int accel_open(axon_device *dev, const char *path)
{
	struct drm_axon_device_info di;
	struct drm_axon_query q;
	int rc;

	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return axon_err_errno(axon_status_from_errno(errno), errno,
				      "cannot open %s", path);
	rc = accel_query(dev->fd, &dev->info);
	if (rc)
		goto fail;
	memset(&di, 0, sizeof(di));
	memset(&q, 0, sizeof(q));
	q.query_id = DRM_AXON_QUERY_DEVICE_INFO;
	q.size = sizeof(di);
	q.data = (uintptr_t)&di;
	if (!drmIoctl(dev->fd, DRM_IOCTL_AXON_QUERY, &q))
		dev->va_alignment = di.va_alignment;
	return 0;	/* contexts are created by the runs, when they submit */
fail:
	close(dev->fd);
	dev->fd = -1;
	return rc;
}

void accel_close(axon_device *dev)
{
	if (dev->fd < 0)
		return;
	accel_ctx_destroy(dev, dev->ctx_id);
	close(dev->fd);
	dev->fd = -1;
}
