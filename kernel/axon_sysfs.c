// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: sysfs attributes of the device (/sys/class/accel/accelN/device/).
 *
 *   type            npu, dsp or dpu
 *   capabilities    DRM_AXON_CAP_* bits, hex
 *   ops, dtypes     DRM_AXON_OP_* and DRM_AXON_DTYPE_* bits, hex
 *   engines         engine count
 *   sram_size       SRAM per engine, bytes
 *   macs_per_cycle, clock_khz, mem_bandwidth_mbps   throughput figures
 *   fw_version, isa_version   major.minor.patch
 *   engine_busy_ns  utilisation: for each engine, in engine order and
 *                   separated by spaces, the nanoseconds jobs have run on
 *                   it since the device was probed (sample it twice and
 *                   divide the difference by the elapsed time)
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/device.h>
#include <linux/platform_device.h>
#include <linux/sysfs.h>

#include "axon_sched.h"

static struct axon_device *axon_sysfs_dev(struct device *dev)
{
	return platform_get_drvdata(to_platform_device(dev));
}

static ssize_t axon_version_show(char *buf, u32 v)
{
	return sysfs_emit(buf, "%u.%u.%u\n", v >> 24, (v >> 16) & 0xff,
			  v & 0xffff);
}

static ssize_t type_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", axon_sysfs_dev(dev)->profile->name);
}
static DEVICE_ATTR_RO(type);

static ssize_t capabilities_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", axon_sysfs_dev(dev)->caps);
}
static DEVICE_ATTR_RO(capabilities);

static ssize_t ops_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", axon_sysfs_dev(dev)->profile->ops);
}
static DEVICE_ATTR_RO(ops);

static ssize_t dtypes_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x%x\n", axon_sysfs_dev(dev)->profile->dtypes);
}
static DEVICE_ATTR_RO(dtypes);

static ssize_t engines_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  axon_sysfs_dev(dev)->profile->engine_count);
}
static DEVICE_ATTR_RO(engines);

static ssize_t sram_size_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", axon_sysfs_dev(dev)->profile->sram_size);
}
static DEVICE_ATTR_RO(sram_size);

static ssize_t macs_per_cycle_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  axon_sysfs_dev(dev)->profile->macs_per_cycle);
}
static DEVICE_ATTR_RO(macs_per_cycle);

static ssize_t clock_khz_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", axon_sysfs_dev(dev)->profile->clock_khz);
}
static DEVICE_ATTR_RO(clock_khz);

static ssize_t mem_bandwidth_mbps_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  axon_sysfs_dev(dev)->profile->mem_bandwidth_mbps);
}
static DEVICE_ATTR_RO(mem_bandwidth_mbps);

static ssize_t fw_version_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return axon_version_show(buf, axon_sysfs_dev(dev)->fw_version);
}
static DEVICE_ATTR_RO(fw_version);

static ssize_t isa_version_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return axon_version_show(buf, axon_sysfs_dev(dev)->isa_version);
}
static DEVICE_ATTR_RO(isa_version);

static ssize_t engine_busy_ns_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct axon_device *adev = axon_sysfs_dev(dev);
	unsigned int i;
	ssize_t len = 0;

	for (i = 0; i < adev->profile->engine_count; i++)
		len += sysfs_emit_at(buf, len, "%s%lld", i ? " " : "",
				     (s64)atomic64_read(&adev->engines[i].busy_ns));
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(engine_busy_ns);

static struct attribute *axon_sysfs_attrs[] = {
	&dev_attr_type.attr,
	&dev_attr_capabilities.attr,
	&dev_attr_ops.attr,
	&dev_attr_dtypes.attr,
	&dev_attr_engines.attr,
	&dev_attr_sram_size.attr,
	&dev_attr_macs_per_cycle.attr,
	&dev_attr_clock_khz.attr,
	&dev_attr_mem_bandwidth_mbps.attr,
	&dev_attr_fw_version.attr,
	&dev_attr_isa_version.attr,
	&dev_attr_engine_busy_ns.attr,
	NULL,
};

static const struct attribute_group axon_sysfs_group = {
	.attrs = axon_sysfs_attrs,
};

/* Added by the driver core after probe, removed before remove. */
const struct attribute_group *axon_sysfs_groups[] = {
	&axon_sysfs_group,
	NULL,
};
