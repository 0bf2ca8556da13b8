/* SPDX-License-Identifier: MIT */
/* Shared helpers of the firmware test binaries: operand placement. */
#ifndef AXON_TEST_TESTLIB_H
#define AXON_TEST_TESTLIB_H

#include <stdint.h>
#include "stream_builder.h"
#include "tmem.h"

extern struct tmem M;	/* the memory of the current case */

enum layout {
	L_CONTIG = 0,	/* dense, innermost dimension fastest */
	L_GAP,		/* gaps between elements and rows (never written) */
	L_PERM,		/* dense in a random dimension order (a transpose) */
	L_NLAYOUTS
};

#define SRAM_SIZE (256 * 1024)

void mem_reset(void);
/* New VA region of exactly @bytes (random content) with @flags. */
uint64_t va_alloc(uint64_t bytes, uint32_t flags);
uint64_t sram_alloc(uint64_t bytes);
/* Tensor of the given shape and layout with freshly allocated random storage. */
struct axon_isa_tensor mkt(uint8_t loc, uint8_t dtype, int32_t zp, const uint32_t d[4],
			   enum layout lay);
#define DIMS(a, b, c, e) ((const uint32_t[4]){ (a), (b), (c), (e) })
/* Element access through a tensor descriptor. */
void tput(const struct axon_isa_tensor *t, uint32_t i0, uint32_t i1, uint32_t i2, uint32_t i3,
	  int64_t v);
int64_t tget(const struct axon_isa_tensor *t, uint32_t i0, uint32_t i1, uint32_t i2, uint32_t i3);
/* Random values in [lo, hi] into every element. */
void tfill(const struct axon_isa_tensor *t, int64_t lo, int64_t hi);
/* Rescale table of @n entries at @loc. */
struct axon_isa_rqtab mk_rqtab(uint8_t loc, uint8_t rounding, uint32_t n, const int32_t *m,
			       const int32_t *s);
/* Random dtype-valid zero point (0 for int32; small for int16 when @small). */
int32_t rand_zp(uint8_t dtype);
uint8_t rand_loc(void);
/* Random clamp inside the dtype range (full range half of the time). */
void rand_act(uint8_t dtype, int32_t *amin, int32_t *amax);

#endif
