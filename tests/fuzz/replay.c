// SPDX-License-Identifier: MIT
/* Runs the fuzz target once on each file named (corpus replay, no fuzzing). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		if (!fp) {
			perror(argv[i]);
			return 1;
		}
		fseek(fp, 0, SEEK_END);
		long len = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		uint8_t *b = malloc(len > 0 ? (size_t)len : 1);
		size_t got = fread(b, 1, (size_t)len, fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(b, got);
		free(b);
		n++;
	}
	printf("fuzz-replay: %d input(s), no crash\n", n);
	return 0;
}
