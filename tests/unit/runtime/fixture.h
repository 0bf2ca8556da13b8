/* SPDX-License-Identifier: MIT */
#ifndef FIXTURE_H
#define FIXTURE_H
#include <stddef.h>
#include <stdint.h>

#define FX_N	128	/* elements of every tensor: {1,4,4,8} */
#define VA_IN	0x10000000ull
#define VA_W	0x10100000ull
#define VA_AR	0x10200000ull
#define VA_OUT	0x10300000ull
/* segment 0's SRAM: two operands and the sum, FX_N bytes each */
#define SRAM_A	0
#define SRAM_B	128
#define SRAM_OUT	256
#define FX_SRAM	512
#define FX_SEG0_PACKETS	4	/* DMA in, DMA weights, ELTWISE, DMA out */

extern uint8_t fx_weights[FX_N];
/*
 * Two-segment package: npu: arena = in + weights (ELTWISE ADD in SRAM,
 * identity rescale, uint8 saturating; operands DMAed in and out, as npu
 * segments compute from SRAM); cpu: out = arena (DMA). float_io: I/O are
 * float32 for the application (scale 0.5, zero point 0).
 */
uint8_t *fx_package(int float_io, size_t *size);
#endif
