/* SPDX-License-Identifier: MIT */
/*
 * Hand-built .axb packages for the guest tests and the overhead benchmark
 * (built with tests/unit/runtime/axb_builder.c). Every tensor is int8
 * {1, 16, 16, 16} (PK_N elements), I/O int8 for the application too, so
 * inputs and outputs can be bound to buffers and DMA-bufs with no copy.
 */
#ifndef RT_GUEST_PKGS_H
#define RT_GUEST_PKGS_H

#include <stddef.h>
#include <stdint.h>

#include "axb_builder.h"

#define PK_N		4096
#define PK_VA_IN	0x10000000ull
#define PK_VA_W		0x10100000ull
#define PK_VA_W2	0x10200000ull
#define PK_VA_AR	0x10300000ull
#define PK_VA_OUT	0x10400000ull

/* The weights added by every package (w2: by the second segment of CHAIN). */
int8_t pk_w(int i);
int8_t pk_w2(int i);
/* LUT package's table, indexed by int8 value + 128. */
int8_t pk_table(int i);
static inline int8_t pk_sat(int v)
{
	return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

/*
 * The ELTWISE ADD packet(s) out = sat(in + w): for @in_sram (npu, dpu:
 * compute operands in SRAM) DMA in, DMA w, ADD in SRAM, DMA out; else one
 * ADD on device VAs. The VA fields are recorded in @s in the order in, w,
 * out.
 */
void pk_stream_add(struct sw *s, int in_sram, uint64_t va_in, uint64_t va_w,
		   uint64_t va_out);

enum pk_kind {
	PK_ADD,		/* one segment on @dev: out = sat(in + w) */
	PK_LUT,		/* dsp: arena = sat(in + w); out = table[arena] */
	PK_CHAIN,	/* npu: arena = sat(in + w); dsp: out = sat(arena + w2) */
	PK_FAULT,	/* dsp: FILL, then an AVG POOL with a bad scale entry */
};

/* malloc'ed package bytes. @dev: AXB_DEV_* for PK_ADD, ignored otherwise. */
uint8_t *pk_build(enum pk_kind kind, uint32_t dev, size_t *size);
/* Expected output of @kind for @in. */
void pk_expect(enum pk_kind kind, const int8_t *in, int8_t *out);

#endif
