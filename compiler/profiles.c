// SPDX-License-Identifier: MIT
/*
 * axonc device profiles. They mirror the kernel's emulated devices
 * (kernel/axon_device.c): same op masks, data types and SRAM sizes. A SoC
 * vendor adds an entry here for new silicon. compute_in_sram: the device's
 * compute units read and write SRAM only (the firmware validates its streams
 * with AXON_FW_L_COMPUTE_IN_SRAM); axonc tiles every op through the SRAM.
 */
#include <string.h>

#include "profiles.h"
#include "qir.h"
#include <axon/axb_format.h>

#define OPB(x)	(1ull << (x))
#define OPS_ALWAYS (OPB(AXON_OP_NOP) | OPB(AXON_OP_END) | OPB(AXON_OP_MARKER) | \
		    OPB(AXON_OP_DMA) | OPB(AXON_OP_FILL))
#define DTB(x)	(1u << (x))

const struct profile axc_profiles[] = {
	{ "npu", AXB_DEV_NPU, (OPB(AXON_OP_RESCALE) << 1) - 1,
	  DTB(AXON_ISA_INT8) | DTB(AXON_ISA_UINT8) | DTB(AXON_ISA_INT32),
	  1u << 20, 1, 1, 4096 },
	{ "dpu", AXB_DEV_DPU, OPS_ALWAYS | OPB(AXON_OP_CONV2D) | OPB(AXON_OP_MATMUL) |
	  OPB(AXON_OP_ELTWISE) | OPB(AXON_OP_POOL) | OPB(AXON_OP_RESCALE),
	  DTB(AXON_ISA_INT8) | DTB(AXON_ISA_INT32), 4u << 20, 1, 1, 2048 },
	{ "dsp", AXB_DEV_DSP, OPS_ALWAYS | OPB(AXON_OP_ELTWISE) | OPB(AXON_OP_POOL) |
	  OPB(AXON_OP_REDUCE) | OPB(AXON_OP_LUT) | OPB(AXON_OP_SOFTMAX) |
	  OPB(AXON_OP_LAYERNORM) | OPB(AXON_OP_RESIZE) | OPB(AXON_OP_RESCALE),
	  DTB(AXON_ISA_INT8) | DTB(AXON_ISA_UINT8) | DTB(AXON_ISA_INT16) | DTB(AXON_ISA_INT32),
	  256u << 10, 0, 1, 256 },
	{ "cpu", AXB_DEV_CPU, (OPB(AXON_OP_COUNT)) - 1, 0xffffffffu, 1u << 20, 0, 0, 1 },
};
const int axc_nprofiles = sizeof(axc_profiles) / sizeof(axc_profiles[0]);

const struct profile *profile_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < axc_nprofiles; i++)
		if (strlen(axc_profiles[i].name) == len && !strncmp(axc_profiles[i].name, name, len))
			return &axc_profiles[i];
	return NULL;
}

const struct profile *profile_by_device(int device)
{
	int i;

	for (i = 0; i < axc_nprofiles; i++)
		if (axc_profiles[i].device == device)
			return &axc_profiles[i];
	return NULL;
}
