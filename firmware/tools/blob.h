/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Host tools: the struct drm_axon_blob_header every file of
 * /lib/firmware/axon/ starts with (uapi/drm/axon_accel.h), written by
 * mkimage (axon-fw.bin) and mkdpuconfig (dpu-config.bin).
 */
#ifndef _AXON_TOOLS_BLOB_H_
#define _AXON_TOOLS_BLOB_H_

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, as zlib's crc32() and the kernel's crc32_le ^ ~0). */
uint32_t axon_blob_crc32(const void *p, size_t n);

/*
 * Writes @path: a blob header (magic, header version, @kind, @device_type,
 * @version, payload size and CRC-32) followed by @size bytes of @payload.
 * Returns 0, or -1 with the reason printed.
 */
int axon_blob_write(const char *path, uint32_t kind, uint32_t device_type,
		    uint32_t version, const void *payload, size_t size);

#endif /* _AXON_TOOLS_BLOB_H_ */
