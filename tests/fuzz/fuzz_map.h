/* SPDX-License-Identifier: MIT */
/*
 * The fake job memory of the stream fuzzer, shared with the corpus
 * generator so that seed streams address mapped memory.
 */
#ifndef AXON_FUZZ_MAP_H
#define AXON_FUZZ_MAP_H

#define FZ_NREG 4
/* va, size, flags (1 = read, 2 = write) */
#define FZ_REGIONS { \
	{ 0x10000, 4096, 3 },	/* activations, read/write */ \
	{ 0x20000, 4096, 1 },	/* weights, read only */ \
	{ 0x30000, 1024, 3 },	/* outputs */ \
	{ 0x40000, 1024, 1 },	/* tables: rq, LUT, softmax, layernorm */ \
}
#define FZ_SRAM_SIZE 8192
/* yield() aborts the run after this many calls: bounds the work per input */
#define FZ_MAX_YIELDS 4096

#endif
