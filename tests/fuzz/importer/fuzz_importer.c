// SPDX-License-Identifier: MIT
/*
 * libFuzzer target on axonc's importer and lowering: the bytes are an ONNX
 * ModelProto; axc_check_buffer() imports, folds, infers shapes, lowers,
 * places (npu+dsp), fuses, tiles, plans memory and emits streams, with
 * no file I/O. Any crash, leak or sanitizer report is a bug; rejecting
 * the model is fine.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* error messages are the normal outcome: fuzz-run passes -close_fd_mask=2 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	axc_check_buffer(data, size);
	return 0;
}
