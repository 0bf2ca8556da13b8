// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host tools: blob header writer shared by mkimage and mkdpuconfig.
 */
#include <stdio.h>
#include <string.h>
#include "drm/axon_accel.h"
#include "blob.h"

uint32_t axon_blob_crc32(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *b++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

int axon_blob_write(const char *path, uint32_t kind, uint32_t device_type,
		    uint32_t version, const void *payload, size_t size)
{
	struct drm_axon_blob_header h;
	FILE *f;

	if (!version || size > UINT32_MAX) {
		fprintf(stderr, "%s: version 0 or payload too large\n", path);
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.magic = DRM_AXON_BLOB_MAGIC;
	h.header_version = DRM_AXON_BLOB_HEADER_VERSION;
	h.kind = kind;
	h.device_type = device_type;
	h.version = version;
	h.payload_size = (uint32_t)size;
	h.payload_crc32 = axon_blob_crc32(payload, size);
	f = fopen(path, "wb");
	if (!f || fwrite(&h, sizeof(h), 1, f) != 1 ||
	    fwrite(payload, 1, size, f) != size || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}
