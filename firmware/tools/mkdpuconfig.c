// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host tool: write a DPU configuration file (axon/dpu-config.bin): a
 * struct drm_axon_blob_header (kind CONFIG, device type DPU, CRC-32 of the
 * payload; written by blob.c) followed by a struct drm_axon_dpu_config
 * describing the
 * overlay (see uapi/drm/axon_accel.h). The defaults describe the overlay
 * the emulated DPU implements (kernel/axon_device.c, profile "dpu").
 *
 * mkdpuconfig [--ops MASK] [--dtypes MASK] [--sram BYTES] [--engines N]
 *             [--macs N] [--clock-khz N] [--name NAME] [--version X.Y.Z] OUT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drm/axon_accel.h"
#include "blob.h"

/*
 * The emulated DPU's overlay: data movement, CONV2D, MATMUL, ELTWISE,
 * POOL, RESCALE on int8 (int32 accumulators), 4 MiB SRAM, one engine.
 */
#define DEF_OPS (DRM_AXON_OP_NOP | DRM_AXON_OP_END | DRM_AXON_OP_MARKER | \
		 DRM_AXON_OP_DMA | DRM_AXON_OP_FILL | DRM_AXON_OP_CONV2D | \
		 DRM_AXON_OP_MATMUL | DRM_AXON_OP_ELTWISE | DRM_AXON_OP_POOL | \
		 DRM_AXON_OP_RESCALE)

static int bad_args(const char *me)
{
	fprintf(stderr,
		"usage: %s [--ops MASK] [--dtypes MASK] [--sram BYTES] [--engines N]\n"
		"          [--macs N] [--clock-khz N] [--name NAME] [--version X.Y.Z] OUT\n",
		me);
	return 2;
}

int main(int argc, char **argv)
{
	struct {
		struct drm_axon_dpu_config c;
	} b;
	unsigned int maj = 1, min = 0, pat = 0;
	const char *out = NULL;

	memset(&b, 0, sizeof(b));
	b.c.format = DRM_AXON_DPU_CONFIG_FORMAT;
	b.c.size = sizeof(b.c);
	b.c.ops = DEF_OPS;
	b.c.dtypes = DRM_AXON_DTYPE_INT8 | DRM_AXON_DTYPE_INT32;
	b.c.sram_size = 4u << 20;
	b.c.engine_count = 1;
	b.c.macs_per_cycle = 2048;
	b.c.clock_khz = 300000;
	snprintf(b.c.name, sizeof(b.c.name), "axon-dpu-int8");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (a[0] != '-') {
			if (out)
				return bad_args(argv[0]);
			out = a;
			continue;
		}
		if (!v)
			return bad_args(argv[0]);
		i++;
		if (!strcmp(a, "--ops"))
			b.c.ops = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--dtypes"))
			b.c.dtypes = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--sram"))
			b.c.sram_size = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--engines"))
			b.c.engine_count = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--macs"))
			b.c.macs_per_cycle = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--clock-khz"))
			b.c.clock_khz = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--name") && strlen(v) < sizeof(b.c.name))
			snprintf(b.c.name, sizeof(b.c.name), "%s", v);
		else if (strcmp(a, "--version") ||
			 sscanf(v, "%u.%u.%u", &maj, &min, &pat) != 3 ||
			 maj > 255 || min > 255 || pat > 65535 || !(maj | min | pat))
			return bad_args(argv[0]);
	}
	if (!out)
		return bad_args(argv[0]);
	if (axon_blob_write(out, DRM_AXON_BLOB_CONFIG, DRM_AXON_DEVICE_TYPE_DPU,
			    DRM_AXON_VERSION(maj, min, pat), &b.c, sizeof(b.c)))
		return 1;
	printf("%s: DPU configuration '%s' version %u.%u.%u, %zu bytes (crc32 %08x)\n",
	       out, b.c.name, maj, min, pat,
	       sizeof(struct drm_axon_blob_header) + sizeof(b.c),
	       axon_blob_crc32(&b.c, sizeof(b.c)));
	return 0;
}
