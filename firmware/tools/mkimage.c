// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host tool: wrap a raw firmware binary into an axon firmware image
 * (struct axon_fw_image_header + payload).
 *
 * mkimage RAW OUT LOAD_ADDR ENTRY MAILBOX BSS_SIZE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "axon_fw.h"
#include "axon_fw_image.h"

static u32 crc32_ieee(const u8 *p, size_t n)
{
	u32 c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

int main(int argc, char **argv)
{
	struct axon_fw_image_header h;
	FILE *f;
	u8 *buf;
	long n;

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
	buf = malloc(n);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
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
	h.crc32 = crc32_ieee(buf, n);
	h.arch = AXON_FW_ARCH_RISCV64;
	h.load_addr = strtoull(argv[3], NULL, 0);
	h.entry_point = strtoull(argv[4], NULL, 0);
	h.mailbox_addr = strtoull(argv[5], NULL, 0);
	h.bss_size = (u32)strtoul(argv[6], NULL, 0);
	f = fopen(argv[2], "wb");
	if (!f || fwrite(&h, sizeof(h), 1, f) != 1 ||
	    fwrite(buf, 1, n, f) != (size_t)n || fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	free(buf);
	printf("%s: %zu bytes (payload %ld, crc32 %08x)\n", argv[2],
	       sizeof(h) + (size_t)n, n, h.crc32);
	return 0;
}
