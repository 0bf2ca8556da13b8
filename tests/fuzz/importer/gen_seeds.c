// SPDX-License-Identifier: MIT
/*
 * Seed corpus for the importer fuzzer: the builder's small valid models
 * (convolution QOperator, MatMul QDQ, a few sizes) and truncated variants.
 *   gen_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "onnx_builder.h"

static void save(const char *dir, const char *name, const uint8_t *b, size_t len)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "wb");
	if (!f || fwrite(b, 1, len, f) != len) {
		perror(p);
		exit(1);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	static const int64_t conv[][3] = { { 1, 3, 3 }, { 4, 6, 6 }, { 8, 5, 7 } };
	static const int64_t mm[][2] = { { 4, 2 }, { 16, 8 } };
	char name[64];
	size_t len, l;
	uint8_t *b;
	int i;

	if (argc != 2)
		return 2;
	for (i = 0; i < 3; i++) {
		b = mb_pack(mb_conv_model(conv[i][0], conv[i][1], conv[i][2]), &len);
		snprintf(name, sizeof(name), "seed-conv-%d", i);
		save(argv[1], name, b, len);
		if (i == 1)
			for (l = 16; l < len; l += len / 12) {
				snprintf(name, sizeof(name), "seed-conv-trunc-%zu", l);
				save(argv[1], name, b, l);
			}
		free(b);
		mb_free_all();
	}
	for (i = 0; i < 2; i++) {
		b = mb_pack(mb_matmul_model(mm[i][0], mm[i][1]), &len);
		snprintf(name, sizeof(name), "seed-matmul-%d", i);
		save(argv[1], name, b, len);
		if (i == 1)
			for (l = 16; l < len; l += len / 8) {
				snprintf(name, sizeof(name), "seed-matmul-trunc-%zu", l);
				save(argv[1], name, b, l);
			}
		free(b);
		mb_free_all();
	}
	return 0;
}
