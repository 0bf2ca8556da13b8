// SPDX-License-Identifier: MIT
#include <string.h>

#include "axb_builder.h"
#include "fixture.h"

uint8_t fx_weights[FX_N];

static struct axbb B;
static struct sw S0, S1;

uint8_t *fx_package(int float_io, size_t *size)
{
	static const uint32_t dims[4] = { 1, 4, 4, 8 };
	struct axon_isa_eltwise *e;
	struct axon_isa_dma *d;
	uint32_t sl, rl, w, ext = float_io ? AXB_DTYPE_FLOAT32 : AXB_DTYPE_UINT8;
	size_t n0, n1;

	for (int i = 0; i < FX_N; i++)
		fx_weights[i] = (uint8_t)(i * 3);
	axbb_init(&B);
	axbb_add_io(&B, "input", AXB_IO_INPUT, AXB_DTYPE_UINT8, ext, 4, dims, 0.5f, 0);
	axbb_add_io(&B, "output", AXB_IO_OUTPUT, AXB_DTYPE_UINT8, ext, 4, dims, 0.5f, 0);
	w = axbb_add_weights(&B, fx_weights, FX_N);
	B.model.arena_size = 4096;
	B.model.targets = (1u << AXB_DEV_NPU) | (1u << AXB_DEV_CPU);

	/*
	 * segment 0 (npu: compute operands in SRAM): DMA in and weights into
	 * SRAM, ELTWISE there, DMA the sum out to the arena.
	 */
	sw_init(&S0);
	d = sw_packet(&S0, AXON_OP_DMA, sizeof(*d));
	d->src = tva(VA_IN, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	d->dst = tsram(SRAM_A, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	sw_va(&S0, &d->src.addr);
	d = sw_packet(&S0, AXON_OP_DMA, sizeof(*d));
	d->src = tva(VA_W, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	d->dst = tsram(SRAM_B, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	sw_va(&S0, &d->src.addr);
	e = sw_packet(&S0, AXON_OP_ELTWISE, sizeof(*e));
	e->a = tsram(SRAM_A, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	e->b = tsram(SRAM_B, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	e->out = tsram(SRAM_OUT, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	e->op = AXON_ISA_ELT_ADD;
	e->rq_a.multiplier = 1 << 30; e->rq_a.shift = 30;
	e->rq_b.multiplier = 1 << 30; e->rq_b.shift = 30;
	e->rq_out.multiplier = 1 << 30; e->rq_out.shift = 30;
	e->act_min = 0;
	e->act_max = 255;
	d = sw_packet(&S0, AXON_OP_DMA, sizeof(*d));
	d->src = tsram(SRAM_OUT, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	d->dst = tva(VA_AR, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	sw_va(&S0, &d->dst.addr);
	n0 = sw_end(&S0);
	sl = B.nslots;
	rl = B.nrelocs;
	axbb_add_slot(&B, AXB_SLOT_INPUT, 0, VA_IN, FX_N, 0, AXB_ACCESS_READ);
	axbb_add_slot(&B, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&B, w), VA_W, FX_N, 0,
		      AXB_ACCESS_READ);
	axbb_add_slot(&B, AXB_SLOT_ARENA, 0, VA_AR, FX_N, 0,
		      AXB_ACCESS_READ | AXB_ACCESS_WRITE);
	axbb_add_reloc(&B, S0.relocs[0], 0);
	axbb_add_reloc(&B, S0.relocs[1], 1);
	axbb_add_reloc(&B, S0.relocs[2], 2);
	axbb_add_segment(&B, AXB_DEV_NPU, S0.words, n0, sl, rl, FX_SRAM);

	/* segment 1 */
	sw_init(&S1);
	d = sw_packet(&S1, AXON_OP_DMA, sizeof(*d));
	d->src = tva(VA_AR, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	d->dst = tva(VA_OUT, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	sw_va(&S1, &d->src.addr);
	sw_va(&S1, &d->dst.addr);
	n1 = sw_end(&S1);
	sl = B.nslots;
	rl = B.nrelocs;
	axbb_add_slot(&B, AXB_SLOT_ARENA, 0, VA_AR, FX_N, 0, AXB_ACCESS_READ);
	axbb_add_slot(&B, AXB_SLOT_OUTPUT, 1, VA_OUT, FX_N, 0, AXB_ACCESS_WRITE);
	axbb_add_reloc(&B, S1.relocs[0], 0);
	axbb_add_reloc(&B, S1.relocs[1], 1);
	axbb_add_segment(&B, AXB_DEV_CPU, S1.words, n1, sl, rl, 0);

	B.placements[0].node = axbb_str(&B, "add0");
	B.placements[0].op_type = axbb_str(&B, "QLinearAdd");
	B.placements[0].device = AXB_DEV_NPU;
	B.placements[1].node = axbb_str(&B, "copy0");
	B.placements[1].op_type = axbb_str(&B, "Identity");
	B.placements[1].device = AXB_DEV_CPU;
	B.placements[1].segment = 1;
	B.placements[1].reason = AXB_REASON_BOUNDARY;
	B.nplacements = 2;
	for (uint32_t k = 0; k < FX_SEG0_PACKETS; k++) {
		B.debugs[k].segment = 0;
		B.debugs[k].packet = k;
		B.debugs[k].nodes = axbb_str(&B, "add0");
	}
	B.debugs[FX_SEG0_PACKETS].segment = 1;
	B.debugs[FX_SEG0_PACKETS].packet = 0;
	B.debugs[FX_SEG0_PACKETS].nodes = axbb_str(&B, "copy0");
	B.ndebugs = FX_SEG0_PACKETS + 1;
	B.segs[0].debug_first = 0;
	B.segs[0].debug_count = FX_SEG0_PACKETS;
	return axbb_finish(&B, size);
}
