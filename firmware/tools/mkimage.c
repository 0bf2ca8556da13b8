// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host tool: wrap a raw firmware binary into the axon firmware file
 * (axon/axon-fw.bin): a struct drm_axon_blob_header (kind FIRMWARE, device
 * type 0 = any, version = AXON_FW_VERSION as DRM_AXON_VERSION(); written
 * by blob.c) whose payload is the image: struct axon_fw_image_header +
 * the raw binary.
 *
 * mkimage RAW OUT LOAD_ADDR ENTRY MAILBOX BSS_SIZE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "axon_fw.h"
#include "axon_fw_image.h"
#include "drm/axon_accel.h"
#include "blob.h"

int main(int argc, char **argv)
{
	struct axon_fw_image_header h;
	FILE *f;
	u8 *buf;
	long n;
	int ret;

	if (argc != 7) {
		fprintf(stderr, "usage: %s RAW OUT LOAD ENTRY MAILBOX BSS\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END)) {
		perror(argv[1]);
		return 1;
	}
	n = ftell(f);
	if (n <= 0 || fseek(f, 0, SEEK_SET)) {
		perror(argv[1]);
		return 1;
	}
	/* the image header, then the raw binary */
	buf = malloc(sizeof(h) + n);
	if (!buf || fread(buf + sizeof(h), 1, n, f) != (size_t)n) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	memset(&h, 0, sizeof(h));
	h.magic = AXON_FW_IMAGE_MAGIC;
	h.header_version = AXON_FW_IMAGE_HEADER_VERSION;
	h.header_size = sizeof(h);
	h.fw_version = AXON_FW_VERSION;
	h.isa_major = AXON_ISA_VERSION_MAJOR;
	h.isa_minor = AXON_ISA_VERSION_MINOR;
	h.image_size = (u32)n;
	h.crc32 = axon_blob_crc32(buf + sizeof(h), n);
	h.arch = AXON_FW_ARCH_RISCV64;
	h.load_addr = strtoull(argv[3], NULL, 0);
	h.entry_point = strtoull(argv[4], NULL, 0);
	h.mailbox_addr = strtoull(argv[5], NULL, 0);
	h.bss_size = (u32)strtoul(argv[6], NULL, 0);
	memcpy(buf, &h, sizeof(h));
	ret = axon_blob_write(argv[2], DRM_AXON_BLOB_FIRMWARE, 0,
			      DRM_AXON_VERSION(AXON_FW_VERSION_MAJOR,
					       AXON_FW_VERSION_MINOR,
					       AXON_FW_VERSION_PATCH),
			      buf, sizeof(h) + n);
	free(buf);
	if (ret)
		return 1;
	printf("%s: %zu bytes (blob header %zu, image header %zu, code %ld, crc32 %08x)\n",
	       argv[2], sizeof(struct drm_axon_blob_header) + sizeof(h) + n,
	       sizeof(struct drm_axon_blob_header), sizeof(h), n, h.crc32);
	return 0;
}
