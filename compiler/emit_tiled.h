/* SPDX-License-Identifier: MIT */
/* axonc emission, private to emit_tiled.c, emit_tiled_ops.c, emit_sram.c. */
#ifndef AXONC_EMIT_TILED_H
#define AXONC_EMIT_TILED_H

#include "emit_packet.h"

/*
 * SRAM-resident devices (profile compute_in_sram, validated with
 * AXON_FW_L_COMPUTE_IN_SRAM): every compute packet reads and writes SRAM
 * only. The untiled packet built by emit_ops.c (VA operands) is rewritten
 * into
 *
 *   DMA constants in (weights, bias, scale tables, LUTs) - once per op when
 *   they fit ("resident"), else once per output-channel block (streamed);
 *   per tile: DMA the input band in (halo rows included; convolution
 *   padding becomes zero-point padding of the DMA: pad_before/pad_after),
 *   compute SRAM -> SRAM, DMA the output band out to its VA view.
 *
 * Tiles split output rows (and output channels or columns when the
 * constants do not fit); a sum of products is never split, so every output
 * element is computed by the same integer arithmetic as the untiled packet
 * and the results are bit-identical. SRAM is a bump allocation per op
 * (64-byte aligned buffers); a segment needs the largest op's SRAM.
 * No double buffering: the emulated engines run DMA and compute in order.
 */
#define SRAM_ALIGN 64

struct tctx {
	struct qgraph *q;
	struct emitted *e;
	struct eseg *sg;
	int oi;
	uint64_t sram;		/* SRAM size of the device */
	const struct pk *src;	/* the untiled packet (relocation slots) */
	uint64_t top;		/* bump allocator */
	int tiles;
};

/* emit_sram.c: SRAM allocation and the DMA of tiles */
uint64_t ta(uint64_t x);
uint64_t salloc(struct tctx *c, uint64_t bytes);
int src_slot(const struct tctx *c, size_t field);
uint64_t t_esize(const struct axon_isa_tensor *t);
struct axon_isa_tensor va_slice(const struct axon_isa_tensor *t, const uint64_t start[4],
				const uint64_t len[4]);
struct axon_isa_tensor sram_t(uint64_t addr, int dtype, int32_t zp, const uint64_t len[4],
			      const uint64_t stored[4]);
uint64_t nbytes4(const uint64_t d[4], uint64_t es);
void t_dma(struct tctx *c, const struct axon_isa_tensor *src, int sslot,
	   const struct axon_isa_tensor *dst, int dslot, const uint64_t *pb, const uint64_t *pa);
struct axon_isa_tensor load(struct tctx *c, const struct axon_isa_tensor *t, int slot,
			    const uint64_t start[4], const uint64_t len[4]);
uint64_t load_bytes(struct tctx *c, uint64_t addr, int slot, uint64_t bytes);
void store(struct tctx *c, const struct axon_isa_tensor *sram, const struct axon_isa_tensor *out,
	   int slot, const uint64_t start[4]);
void push_compute(struct tctx *c, struct pk *p, int opcode);
uint64_t balance(uint64_t n, uint64_t max);

/* emit_tiled_ops.c: CONV2D, POOL, MATMUL in bands */
int tile_conv(struct tctx *c, const struct pk *p);
int tile_pool(struct tctx *c, const struct pk *p);
int tile_matmul(struct tctx *c, const struct pk *p);

#endif
