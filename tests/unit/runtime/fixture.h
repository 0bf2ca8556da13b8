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

extern uint8_t fx_weights[FX_N];
/*
 * Two-segment package: npu: arena = in + weights (ELTWISE ADD, identity
 * rescale, uint8 saturating); cpu: out = arena (DMA). float_io: I/O are
 * float32 for the application (scale 0.5, zero point 0).
 */
uint8_t *fx_package(int float_io, size_t *size);
#endif
