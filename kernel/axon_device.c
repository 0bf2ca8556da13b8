// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: device types, capability profiles and the device query ioctl.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/minmax.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>

#include "drm/axon_isa.h"
#include "axon_drv.h"

/* Every emulated device: the emulator backs these capabilities. */
#define AXON_EMU_CAPS	(DRM_AXON_CAP_EMULATED | DRM_AXON_CAP_DMABUF_IMPORT | \
			 DRM_AXON_CAP_BO_WC)

/* Device VA range of every emulated device: 32-bit, first 1 MiB unused. */
#define AXON_EMU_VA_START	SZ_1M
#define AXON_EMU_VA_END		SZ_4G

/*
 * Operations (bit n = ISA opcode n, DRM_AXON_OP_*) of each device type. The
 * submit path hands the same mask to the stream validator.
 *
 * npu: every opcode of the ISA.
 * dsp: a vector DSP without MAC array: no CONV2D or MATMUL (those run on
 *      the NPU); everything else, int16 included.
 * dpu: the fixed-function FPGA overlay: convolution, matrix multiply,
 *      element-wise, pooling, rescale and data movement; no table-driven or
 *      row-wise nonlinearities (LUT, SOFTMAX, LAYERNORM), REDUCE or RESIZE.
 */
#define AXON_OPS_ALWAYS	(DRM_AXON_OP_NOP | DRM_AXON_OP_END | \
			 DRM_AXON_OP_MARKER | DRM_AXON_OP_DMA | \
			 DRM_AXON_OP_FILL)
#define AXON_OPS_NPU	((DRM_AXON_OP_RESCALE << 1) - 1)
#define AXON_OPS_DSP	(AXON_OPS_ALWAYS | DRM_AXON_OP_ELTWISE | \
			 DRM_AXON_OP_POOL | DRM_AXON_OP_REDUCE | \
			 DRM_AXON_OP_LUT | DRM_AXON_OP_SOFTMAX | \
			 DRM_AXON_OP_LAYERNORM | DRM_AXON_OP_RESIZE | \
			 DRM_AXON_OP_RESCALE)
#define AXON_OPS_DPU	(AXON_OPS_ALWAYS | DRM_AXON_OP_CONV2D | \
			 DRM_AXON_OP_MATMUL | DRM_AXON_OP_ELTWISE | \
			 DRM_AXON_OP_POOL | DRM_AXON_OP_RESCALE)

static const struct axon_profile axon_profiles[] = {
	{
		.type = DRM_AXON_DEVICE_TYPE_NPU,
		.name = "npu",
		.engine_count = 2,
		.sram_size = SZ_1M,
		.compute_in_sram = true,
		.ops = AXON_OPS_NPU,
		.dtypes = DRM_AXON_DTYPE_INT8 | DRM_AXON_DTYPE_UINT8 |
			  DRM_AXON_DTYPE_INT32,
		.caps = AXON_EMU_CAPS,
		.macs_per_cycle = 4096,
		.clock_khz = 1000000,
		.mem_bandwidth_mbps = 25600,
		.va_start = AXON_EMU_VA_START,
		.va_end = AXON_EMU_VA_END,
		.max_bo_size = SZ_1G,
	},
	{
		.type = DRM_AXON_DEVICE_TYPE_DSP,
		.name = "dsp",
		.engine_count = 1,
		.sram_size = SZ_256K,
		.ops = AXON_OPS_DSP,
		.dtypes = DRM_AXON_DTYPE_INT8 | DRM_AXON_DTYPE_UINT8 |
			  DRM_AXON_DTYPE_INT16 | DRM_AXON_DTYPE_INT32,
		.caps = AXON_EMU_CAPS,
		.macs_per_cycle = 256,
		.clock_khz = 800000,
		.mem_bandwidth_mbps = 12800,
		.va_start = AXON_EMU_VA_START,
		.va_end = AXON_EMU_VA_END,
		.max_bo_size = SZ_1G,
	},
	{
		.type = DRM_AXON_DEVICE_TYPE_DPU,
		.name = "dpu",
		.engine_count = 1,
		.sram_size = SZ_4M,
		.compute_in_sram = true,
		.ops = AXON_OPS_DPU,
		.dtypes = DRM_AXON_DTYPE_INT8 | DRM_AXON_DTYPE_INT32,
		.caps = AXON_EMU_CAPS,
		.macs_per_cycle = 2048,
		.clock_khz = 300000,
		.mem_bandwidth_mbps = 19200,
		.va_start = AXON_EMU_VA_START,
		.va_end = AXON_EMU_VA_END,
		.max_bo_size = SZ_1G,
	},
};

/**
 * axon_profile_by_name() - profile of a device type
 * @name: "npu", "dsp" or "dpu"
 *
 * Return: the profile, or NULL for an unknown name.
 */
const struct axon_profile *axon_profile_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(axon_profiles); i++)
		if (!strcmp(axon_profiles[i].name, name))
			return &axon_profiles[i];
	return NULL;
}

/**
 * axon_device_init() - initialise the device state before registration
 * @adev: device, embedded in a DRM device not yet registered
 * @profile: capability profile
 * @index: position in the emulate= list
 *
 * Return: 0 or a negative errno.
 */
int axon_device_init(struct axon_device *adev,
		     const struct axon_profile *profile, unsigned int index)
{
	adev->profile = profile;
	adev->index = index;
	adev->caps = profile->caps;
	adev->fw_version = AXON_EMU_FW_VERSION;
	adev->isa_version = DRM_AXON_VERSION(AXON_ISA_VERSION_MAJOR,
					     AXON_ISA_VERSION_MINOR, 0);
	atomic_set(&adev->bo_count, 0);
	return 0;
}

static void axon_fill_device_info(struct axon_device *adev,
				  struct drm_axon_device_info *info)
{
	const struct axon_profile *profile = adev->profile;

	memset(info, 0, sizeof(*info));
	info->type = profile->type;
	info->engine_count = profile->engine_count;
	info->capabilities = adev->caps;
	info->ops = profile->ops;
	info->sram_size = profile->sram_size;
	info->va_start = profile->va_start;
	info->va_end = profile->va_end;
	info->max_bo_size = profile->max_bo_size;
	info->dtypes = profile->dtypes;
	info->fw_version = adev->fw_version;
	info->isa_version = adev->isa_version;
	info->macs_per_cycle = profile->macs_per_cycle;
	info->clock_khz = profile->clock_khz;
	info->mem_bandwidth_mbps = profile->mem_bandwidth_mbps;
	info->va_alignment = PAGE_SIZE;
	info->max_contexts = AXON_MAX_CONTEXTS;
	info->max_jobs_per_submit = AXON_MAX_JOBS_PER_SUBMIT;
	info->max_bos_per_job = AXON_MAX_BOS_PER_JOB;
	info->max_syncs_per_job = AXON_MAX_SYNCS_PER_JOB;
	info->state = READ_ONCE(adev->state);
	info->config_version = READ_ONCE(adev->config_version);
}

/* Version 1 sizes of the query objects: smaller buffers are refused. */
#define AXON_DEVICE_INFO_V1_SIZE	sizeof(struct drm_axon_device_info)

int axon_ioctl_query(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct axon_device *adev = to_axon_device(drm);
	struct drm_axon_query *args = data;
	struct drm_axon_device_info info;
	u32 len;

	if (args->flags || args->pad) {
		drm_dbg(drm, "QUERY: flags %#x or pad %#x not zero\n",
			args->flags, args->pad);
		return -EINVAL;
	}

	switch (args->query_id) {
	case DRM_AXON_QUERY_DEVICE_INFO:
		if (!args->size) {
			args->size = sizeof(info);
			return 0;
		}
		if (args->size < AXON_DEVICE_INFO_V1_SIZE) {
			drm_dbg(drm, "QUERY: size %u below version 1 (%zu)\n",
				args->size, AXON_DEVICE_INFO_V1_SIZE);
			return -EINVAL;
		}
		axon_fill_device_info(adev, &info);
		len = min_t(u32, args->size, sizeof(info));
		if (copy_to_user(u64_to_user_ptr(args->data), &info, len)) {
			drm_dbg(drm, "QUERY: data %#llx not writable\n",
				args->data);
			return -EFAULT;
		}
		args->size = len;
		return 0;
	default:
		drm_dbg(drm, "QUERY: unknown query id %u\n", args->query_id);
		return -EINVAL;
	}
}
