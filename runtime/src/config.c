// SPDX-License-Identifier: MIT
/*
 * Device configurations (DPU overlays): axon_device_load_config() checks a
 * configuration blob (struct drm_axon_blob_header + struct
 * drm_axon_dpu_config, drm/axon_accel.h) against the device and loads it
 * with DRM_IOCTL_AXON_CONFIG_LOAD.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xf86drm.h>

#include "internal.h"
#include "drm/axon_accel.h"

/* Same limit as the kernel's CONFIG_LOAD. */
#define CONFIG_MAX_SIZE (16u << 20)

static int check_blob(const axon_device *dev, const uint8_t *data, size_t size,
		      const char *what)
{
	const struct axon_device_info *di = &dev->info;
	struct drm_axon_blob_header h;
	struct drm_axon_dpu_config c;
	const char *why = NULL;

	if (size < sizeof(h))
		return axon_err(AXON_E_FORMAT, "%s: %zu bytes, shorter than the %zu-byte blob header",
				what, size, sizeof(h));
	memcpy(&h, data, sizeof(h));
	if (h.magic != DRM_AXON_BLOB_MAGIC)
		why = "bad magic (not an axon blob)";
	else if (h.header_version != DRM_AXON_BLOB_HEADER_VERSION)
		why = "unsupported blob header version";
	else if (h.kind != DRM_AXON_BLOB_CONFIG)
		why = "not a configuration blob (wrong kind)";
	else if (h.reserved)
		why = "reserved header field not zero";
	else if (!h.version)
		why = "version 0";
	else if (h.payload_size != size - sizeof(h))
		why = "payload size does not match the file size";
	else if (axb_crc32(0, data + sizeof(h), h.payload_size) != h.payload_crc32)
		why = "payload checksum mismatch";
	if (why)
		return axon_err(AXON_E_FORMAT, "%s: %s", what, why);
	if (h.device_type != di->type)
		return axon_err(AXON_E_FORMAT, "%s: built for a %s, %s is a %s", what,
				axon_device_type_name(h.device_type), di->name,
				axon_device_type_name(di->type));
	if (h.payload_size < sizeof(c))
		return axon_err(AXON_E_FORMAT, "%s: payload of %u bytes, a DPU configuration has %zu",
				what, h.payload_size, sizeof(c));
	memcpy(&c, data + sizeof(h), sizeof(c));
	if (c.format != DRM_AXON_DPU_CONFIG_FORMAT || c.size < sizeof(c) ||
	    c.size > h.payload_size)
		return axon_err(AXON_E_FORMAT, "%s: unknown payload format %u (size %u)",
				what, c.format, c.size);
	if (!memchr(c.name, 0, sizeof(c.name)))
		return axon_err(AXON_E_FORMAT, "%s: overlay name not terminated", what);
	if (c.ops & ~di->ops)
		return axon_err(AXON_E_FORMAT, "%s: overlay '%s' has ops %#llx that %s does not implement (it has %#llx)",
				what, c.name, (unsigned long long)(c.ops & ~di->ops),
				di->name, (unsigned long long)di->ops);
	if (c.dtypes & ~di->dtypes)
		return axon_err(AXON_E_FORMAT, "%s: overlay '%s' has dtypes %#x that %s does not implement",
				what, c.name, c.dtypes & ~di->dtypes, di->name);
	if (!c.engine_count || c.engine_count > di->engines)
		return axon_err(AXON_E_FORMAT, "%s: overlay '%s' has %u engines, %s %u",
				what, c.name, c.engine_count, di->name, di->engines);
	if (!c.sram_size || c.sram_size > di->sram_size)
		return axon_err(AXON_E_FORMAT, "%s: overlay '%s' needs %llu bytes of SRAM, %s has %llu",
				what, c.name, (unsigned long long)c.sram_size, di->name,
				(unsigned long long)di->sram_size);
	return 0;
}

int accel_load_config(axon_device *dev, const void *data, size_t size,
		      const char *what)
{
	struct drm_axon_config_load cl;
	int rc, err;

	if (!(dev->info.caps & DRM_AXON_CAP_CONFIG_LOAD))
		return axon_err(AXON_E_UNSUPPORTED, "%s (%s) takes no configuration (no DRM_AXON_CAP_CONFIG_LOAD)",
				dev->info.name, axon_device_type_name(dev->info.type));
	rc = check_blob(dev, data, size, what);
	if (rc)
		return rc;
	memset(&cl, 0, sizeof(cl));
	cl.data = (uintptr_t)data;
	cl.size = (uint32_t)size;
	/*
	 * EBUSY: jobs of some client are queued or running on the DPU (the
	 * kernel stops counting a job when it completes). Give jobs that are
	 * about to complete a little time (1 s) before reporting it.
	 */
	for (int tries = 0;; tries++) {
		if (!drmIoctl(dev->fd, DRM_IOCTL_AXON_CONFIG_LOAD, &cl))
			return 0;
		err = errno;
		if (err != EBUSY || tries == 50)
			break;
		usleep(20 * 1000);
	}
	switch (err) {
	case EPERM:
	case EACCES:
		return axon_err(AXON_E_PERM, "loading a configuration into %s needs CAP_SYS_ADMIN (run as root): %s",
				dev->info.name, strerror(err));
	case EBUSY:
		return axon_err(AXON_E_BUSY, "%s: jobs are queued or running; load the configuration when the device is idle",
				dev->info.name);
	case EINVAL:
		return axon_err(AXON_E_FORMAT, "%s: %s refused by the kernel (its log says why with drm.debug=0x2)",
				dev->info.name, what);
	case ENODEV:
		return axon_err(AXON_E_NODEV, "%s: device removed", dev->info.name);
	default:
		return axon_err_errno(axon_status_from_errno(err), err,
				      "%s: CONFIG_LOAD of %s", dev->info.name, what);
	}
}

static int read_file(const char *path, uint8_t **out, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return axon_err_errno(axon_status_from_errno(errno) == AXON_E_PERM ?
				      AXON_E_PERM : AXON_E_IO, errno, "cannot open %s", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return axon_err(AXON_E_IO, "%s is not a regular file", path);
	}
	if ((uint64_t)st.st_size > CONFIG_MAX_SIZE) {
		close(fd);
		return axon_err(AXON_E_FORMAT, "%s: %lld bytes, a configuration has at most %u",
				path, (long long)st.st_size, CONFIG_MAX_SIZE);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return axon_err(AXON_E_NOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return axon_err_errno(AXON_E_IO, err, "reading %s", path);
		}
		got += (size_t)n;
	}
	close(fd);
	*out = buf;
	*size = got;
	return 0;
}

AXON_EXPORT int axon_device_load_config(axon_device *dev, const char *path,
					const void *data, size_t size)
{
	uint8_t *buf = NULL;
	int rc;

	if (!dev || (!path && (!data || !size)))
		return axon_err(AXON_E_INVALID, "axon_device_load_config: bad arguments");
	if (dev->kind != DEV_ACCEL)
		return axon_err(AXON_E_UNSUPPORTED, "the %s backend takes no configuration",
				dev->info.name);
	if (size > CONFIG_MAX_SIZE)
		return axon_err(AXON_E_FORMAT, "configuration of %zu bytes, at most %u",
				size, CONFIG_MAX_SIZE);
	if (path) {
		rc = read_file(path, &buf, &size);
		if (rc)
			return rc;
		data = buf;
	}
	rc = accel_load_config(dev, data, size, path ? path : "configuration blob");
	free(buf);
	if (!rc)
		axon_clear_error();
	return rc;
}

_Static_assert(AXON_CAP_CONFIG_LOAD == DRM_AXON_CAP_CONFIG_LOAD, "cap mirrors uapi");
_Static_assert(AXON_STATE_CONFIGURED == DRM_AXON_STATE_CONFIGURED, "state mirrors uapi");
