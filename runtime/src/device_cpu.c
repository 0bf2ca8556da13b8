// SPDX-License-Identifier: MIT
/* The cpu backend: firmware/ interpreter in-process, SRAM in memory. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "axon_fw.h"
#include "drm/axon_isa.h"

/* SRAM emulated for cpu segments: the largest any emulated device has. */
#define CPU_SRAM_SIZE	(4u << 20)

void cpu_fill_info(struct axon_device_info *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "cpu");
	snprintf(info->driver, sizeof(info->driver), "cpu");
	info->type = AXON_DEVICE_CPU;
	info->engines = 1;
	info->dtypes = 0xf;
	info->caps = AXON_CAP_CPU;
	info->ops = ~0ull >> (64 - 11);
	info->sram_size = CPU_SRAM_SIZE;
	info->isa_version = ((uint32_t)AXON_ISA_VERSION_MAJOR << 24) |
			    ((uint32_t)AXON_ISA_VERSION_MINOR << 16);
	info->fw_version = info->isa_version;
	info->driver_version = (1u << 24);
	info->available = 1;
}

int cpu_open(axon_device *dev)
{
	(void)dev;
	return 0;
}
