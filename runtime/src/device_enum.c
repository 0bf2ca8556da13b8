// SPDX-License-Identifier: MIT
/* Device enumeration through /sys/class/accel, and axon_device_open(). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "internal.h"

#define SYS_ACCEL "/sys/class/accel"

static const char *sys_root(void)
{
	/* For tests: a fake sysfs/dev tree. Not documented as API. */
	const char *r = getenv("AXON_SYSFS_ROOT");

	return r && *r ? r : "";
}

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = 0;
	return 0;
}

static int read_u64(const char *dir, const char *attr, uint64_t *v)
{
	char path[PATH_MAX], buf[64], *end;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	if (read_str(path, buf, sizeof(buf)))
		return -1;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return errno || end == buf ? -1 : 0;
}

static uint32_t parse_type(const char *s)
{
	if (!strcasecmp(s, "npu") || !strcmp(s, "1"))
		return AXON_DEVICE_NPU;
	if (!strcasecmp(s, "dsp") || !strcmp(s, "2"))
		return AXON_DEVICE_DSP;
	if (!strcasecmp(s, "dpu") || !strcmp(s, "3"))
		return AXON_DEVICE_DPU;
	if (!strcasecmp(s, "cpu"))
		return AXON_DEVICE_CPU;
	return 0;
}

/*
 * Fill @info for accel node @name from sysfs only (no open). Returns 0 if
 * the node is an axon device, -1 otherwise.
 */
int info_from_sysfs(const char *name, struct axon_device_info *info)
{
	char path[PATH_MAX], link[PATH_MAX], dir[PATH_MAX], buf[64];
	const char *drv;
	uint64_t v;
	ssize_t n;

	memset(info, 0, sizeof(*info));
	snprintf(path, sizeof(path), "%s" SYS_ACCEL "/%s/device/driver",
		 sys_root(), name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	drv = strrchr(link, '/');
	drv = drv ? drv + 1 : link;
	if (strcmp(drv, "axon"))
		return -1;
	snprintf(info->name, sizeof(info->name), "%s", name);
	snprintf(info->path, sizeof(info->path), "%s/dev/accel/%s", sys_root(), name);
	snprintf(info->driver, sizeof(info->driver), "%s", drv);
	info->index = (uint32_t)strtoul(name + 5, NULL, 10);
	/* Attributes may sit on the accel node or its parent device. */
	for (int pass = 0; pass < 2; pass++) {
		snprintf(dir, sizeof(dir), "%s" SYS_ACCEL "/%s%s", sys_root(), name,
			 pass ? "" : "/device");
		snprintf(path, sizeof(path), "%s/type", dir);
		if (!info->type && !read_str(path, buf, sizeof(buf)))
			info->type = parse_type(buf);
		if (!info->engines && !read_u64(dir, "engines", &v))
			info->engines = (uint32_t)v;
		if (!info->sram_size && !read_u64(dir, "sram_size", &v))
			info->sram_size = v;
		if (!info->caps && !read_u64(dir, "capabilities", &v))
			info->caps = v;
		if (!info->fw_version && !read_u64(dir, "fw_version", &v))
			info->fw_version = (uint32_t)v;
		if (!info->isa_version && !read_u64(dir, "isa_version", &v))
			info->isa_version = (uint32_t)v;
	}
	info->available = access(info->path, R_OK | W_OK) == 0;
	return 0;
}

static int cmp_idx(const void *a, const void *b)
{
	const struct axon_device_info *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Fill up to @max axon accel devices sorted by index; returns the count. */
int enum_accel(struct axon_device_info *infos, int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct axon_device_info *all = NULL, info;
	int n = 0, cap = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s" SYS_ACCEL, sys_root());
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "accel", 5) || !isdigit((unsigned char)de->d_name[5]))
			continue;
		if (info_from_sysfs(de->d_name, &info))
			continue;
		if (info.available) {
			/* Refine with the device's own query (type, SRAM, versions). */
			int fd = open(info.path, O_RDWR | O_CLOEXEC);

			if (fd >= 0) {
				accel_query(fd, &info);
				close(fd);
			}
		}
		if (n == cap) {
			struct axon_device_info *nall;

			cap = cap ? cap * 2 : 8;
			nall = realloc(all, cap * sizeof(*all));
			if (!nall)
				break;
			all = nall;
		}
		all[n++] = info;
	}
	closedir(d);
	if (n)
		qsort(all, n, sizeof(*all), cmp_idx);
	for (int i = 0; i < n && i < max; i++)
		infos[i] = all[i];
	free(all);
	return n;
}

AXON_EXPORT const char *axon_device_type_name(uint32_t type)
{
	switch (type) {
	case AXON_DEVICE_NPU: return "npu";
	case AXON_DEVICE_DSP: return "dsp";
	case AXON_DEVICE_DPU: return "dpu";
	case AXON_DEVICE_CPU: return "cpu";
	default: return "?";
	}
}

AXON_EXPORT int axon_device_list(struct axon_device_info *infos, int max)
{
	int n;

	if (max < 0 || (max && !infos))
		return axon_err(AXON_E_INVALID, "axon_device_list: bad arguments");
	n = enum_accel(infos, max);
	if (n < max)
		cpu_fill_info(&infos[n]);
	return n + 1;
}

void device_get(axon_device *dev)
{
	atomic_fetch_add(&dev->refs, 1);
}

void device_put(axon_device *dev)
{
	if (!dev || atomic_fetch_sub(&dev->refs, 1) != 1)
		return;
	if (dev->kind == DEV_ACCEL)
		accel_close(dev);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

static int open_info(const struct axon_device_info *info, axon_device **out)
{
	axon_device *dev = calloc(1, sizeof(*dev));
	int rc;

	if (!dev)
		return axon_err(AXON_E_NOMEM, "out of memory");
	atomic_init(&dev->refs, 1);
	pthread_mutex_init(&dev->lock, NULL);
	dev->fd = -1;
	dev->info = *info;
	if (info->type == AXON_DEVICE_CPU) {
		dev->kind = DEV_CPU;
		rc = cpu_open(dev);
	} else {
		dev->kind = DEV_ACCEL;
		rc = accel_open(dev, info->path);
	}
	if (rc) {
		dev->kind = DEV_CPU;	/* nothing to close */
		device_put(dev);
		return rc;
	}
	*out = dev;
	return 0;
}

AXON_EXPORT int axon_device_open(const char *spec, axon_device **out)
{
	struct axon_device_info infos[64], cpu;
	const char *env = getenv("AXON_DEVICE");
	int n, want_type = 0;
	char *end;

	if (!out)
		return axon_err(AXON_E_INVALID, "axon_device_open: NULL out");
	*out = NULL;
	if (!spec || !*spec)
		spec = env && *env ? env : "";
	cpu_fill_info(&cpu);
	if (!strcmp(spec, "cpu"))
		return open_info(&cpu, out);
	n = enum_accel(infos, 64);
	if (n > 64)
		n = 64;
	if (!*spec) {
		for (int i = 0; i < n; i++)
			if (infos[i].available && !open_info(&infos[i], out))
				return 0;
		return open_info(&cpu, out);
	}
	want_type = parse_type(spec);
	if (want_type) {
		for (int i = 0; i < n; i++)
			if (infos[i].type == (uint32_t)want_type)
				return open_info(&infos[i], out);
		return axon_err(AXON_E_NODEV, "no %s device found in " SYS_ACCEL
				" (is the axon module loaded?)", spec);
	}
	if (isdigit((unsigned char)spec[0])) {
		long idx = strtol(spec, &end, 10);

		if (*end)
			return axon_err(AXON_E_INVALID, "bad device spec '%s'", spec);
		if (idx < n)
			return open_info(&infos[idx], out);
		if (idx == n)
			return open_info(&cpu, out);
		return axon_err(AXON_E_NODEV, "no device with index %ld (%d present)",
				idx, n + 1);
	}
	for (int i = 0; i < n; i++) {
		if (!strcmp(spec, infos[i].name) || !strcmp(spec, infos[i].path))
			return open_info(&infos[i], out);
	}
	if (!strncmp(spec, "accel", 5) || !strncmp(spec, "/dev/accel/", 11))
		return axon_err(AXON_E_NODEV, "%s is not an axon device", spec);
	return axon_err(AXON_E_INVALID,
			"bad device spec '%s' (cpu, npu, dsp, dpu, accelN, /dev/accel/accelN or an index)",
			spec);
}

AXON_EXPORT void axon_device_close(axon_device *dev)
{
	device_put(dev);
}

AXON_EXPORT int axon_device_query(axon_device *dev, struct axon_device_info *info)
{
	if (!dev || !info)
		return axon_err(AXON_E_INVALID, "axon_device_query: NULL argument");
	*info = dev->info;
	if (dev->kind == DEV_ACCEL) {
		/* The state (DPU configured) changes: read it afresh. */
		struct axon_device_info now = dev->info;
		int rc = accel_query(dev->fd, &now);

		if (rc)
			return rc;
		info->state = now.state;
		info->config_version = now.config_version;
	}
	return 0;
}
