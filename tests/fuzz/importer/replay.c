// SPDX-License-Identifier: MIT
/* Replays files through the importer fuzz target once (gcc, ASan+UBSan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int main(int argc, char **argv)
{
	int i, n = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	/* the compiler's error messages go away, sanitizer reports do not */
	__sanitizer_set_report_fd((void *)(long)dup(2));
	if (!freopen("/dev/null", "w", stderr))
		return 1;
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *b;
		long len;

		if (!f) {
			printf("importer replay: cannot open %s\n", argv[i]);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		fseek(f, 0, SEEK_SET);
		b = malloc((size_t)len + 1);
		if (!b || fread(b, 1, (size_t)len, f) != (size_t)len) {
			printf("importer replay: cannot read %s\n", argv[i]);
			return 1;
		}
		fclose(f);
		if (isatty(1)) {	/* names the input a report is about */
			fprintf(stdout, "%s\r", argv[i]);
			fflush(stdout);
		}
		LLVMFuzzerTestOneInput(b, (size_t)len);
		free(b);
		n++;
	}
	printf("importer replay: %d inputs, no crash\n", n);
	return 0;
}
