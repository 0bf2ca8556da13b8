// SPDX-License-Identifier: MIT
/* Hand-built packages for the guest tests and the benchmark (see pkgs.h). */
#include <stdlib.h>
#include <string.h>

#include "pkgs.h"

#define D4 1, 16, 16, 16
#define SR_A	0
#define SR_B	PK_N
#define SR_OUT	(2 * PK_N)
#define SR_SIZE	(3 * PK_N)

static int8_t W[PK_N], W2[PK_N], T[256];

int8_t pk_w(int i)
{
	return (int8_t)((i * 7) % 61 - 30);
}

int8_t pk_w2(int i)
{
	return (int8_t)((i * 13) % 41 - 20);
}

int8_t pk_table(int i)
{
	return (int8_t)(127 - i);	/* a decreasing map: out = -1 - x */
}

static void fill_tables(void)
{
	for (int i = 0; i < PK_N; i++) {
		W[i] = pk_w(i);
		W2[i] = pk_w2(i);
	}
	for (int i = 0; i < 256; i++)
		T[i] = pk_table(i);
}

static void add_params(struct axon_isa_eltwise *e)
{
	e->op = AXON_ISA_ELT_ADD;
	e->rq_a.multiplier = 1 << 30;
	e->rq_a.shift = 30;
	e->rq_b.multiplier = 1 << 30;
	e->rq_b.shift = 30;
	e->rq_out.multiplier = 1 << 30;
	e->rq_out.shift = 30;
	e->act_min = -128;
	e->act_max = 127;
}

void pk_stream_add(struct sw *s, int in_sram, uint64_t va_in, uint64_t va_w,
		   uint64_t va_out)
{
	struct axon_isa_eltwise *e;
	struct axon_isa_dma *d;

	if (!in_sram) {
		e = sw_packet(s, AXON_OP_ELTWISE, sizeof(*e));
		e->a = tva(va_in, AXON_ISA_INT8, 0, D4);
		e->b = tva(va_w, AXON_ISA_INT8, 0, D4);
		e->out = tva(va_out, AXON_ISA_INT8, 0, D4);
		add_params(e);
		sw_va(s, &e->a.addr);
		sw_va(s, &e->b.addr);
		sw_va(s, &e->out.addr);
		return;
	}
	d = sw_packet(s, AXON_OP_DMA, sizeof(*d));
	d->src = tva(va_in, AXON_ISA_INT8, 0, D4);
	d->dst = tsram(SR_A, AXON_ISA_INT8, 0, D4);
	sw_va(s, &d->src.addr);
	d = sw_packet(s, AXON_OP_DMA, sizeof(*d));
	d->src = tva(va_w, AXON_ISA_INT8, 0, D4);
	d->dst = tsram(SR_B, AXON_ISA_INT8, 0, D4);
	sw_va(s, &d->src.addr);
	e = sw_packet(s, AXON_OP_ELTWISE, sizeof(*e));
	e->a = tsram(SR_A, AXON_ISA_INT8, 0, D4);
	e->b = tsram(SR_B, AXON_ISA_INT8, 0, D4);
	e->out = tsram(SR_OUT, AXON_ISA_INT8, 0, D4);
	add_params(e);
	d = sw_packet(s, AXON_OP_DMA, sizeof(*d));
	d->src = tsram(SR_OUT, AXON_ISA_INT8, 0, D4);
	d->dst = tva(va_out, AXON_ISA_INT8, 0, D4);
	sw_va(s, &d->dst.addr);
}

static void relocs(struct axbb *b, const struct sw *s, const uint16_t *slot)
{
	for (uint32_t i = 0; i < s->nrel; i++)
		axbb_add_reloc(b, s->relocs[i], slot[i]);
}

static void io(struct axbb *b)
{
	static const uint32_t dims[4] = { D4 };

	axbb_add_io(b, "x", AXB_IO_INPUT, AXB_DTYPE_INT8, AXB_DTYPE_INT8, 4, dims,
		    0.25f, 0);
	axbb_add_io(b, "y", AXB_IO_OUTPUT, AXB_DTYPE_INT8, AXB_DTYPE_INT8, 4, dims,
		    0.25f, 0);
}

static void place(struct axbb *b, const char *node, const char *op, uint32_t dev,
		  uint32_t seg)
{
	struct axb_placement *p = &b->placements[b->nplacements++];

	p->node = axbb_str(b, node);
	p->op_type = axbb_str(b, op);
	p->device = dev;
	p->segment = seg;
}

/* Sets every packet of segment @seg to @node in the debug map. */
static void debug(struct axbb *b, uint32_t seg, uint32_t packets, const char *node)
{
	b->segs[seg].debug_first = b->ndebugs;
	b->segs[seg].debug_count = packets;
	for (uint32_t k = 0; k < packets; k++) {
		b->debugs[b->ndebugs].segment = seg;
		b->debugs[b->ndebugs].packet = k;
		b->debugs[b->ndebugs++].nodes = axbb_str(b, node);
	}
}

static struct axbb B;
static struct sw S0, S1;

uint8_t *pk_build(enum pk_kind kind, uint32_t dev, size_t *size)
{
	uint32_t w, w2, t, sl, rl;
	int sram;
	size_t n;

	fill_tables();
	axbb_init(&B);
	io(&B);
	sw_init(&S0);
	sw_init(&S1);
	switch (kind) {
	case PK_ADD: {
		static const uint16_t sl0[] = { 0, 1, 2 };	/* in, w, out */

		sram = dev == AXB_DEV_NPU || dev == AXB_DEV_DPU;
		w = axbb_add_weights(&B, W, sizeof(W));
		pk_stream_add(&S0, sram, PK_VA_IN, PK_VA_W, PK_VA_OUT);
		n = sw_end(&S0);
		axbb_add_slot(&B, AXB_SLOT_INPUT, 0, PK_VA_IN, PK_N, 0, AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&B, w), PK_VA_W, PK_N, 0,
			      AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_OUTPUT, 1, PK_VA_OUT, PK_N, 0, AXB_ACCESS_WRITE);
		relocs(&B, &S0, sl0);
		axbb_add_segment(&B, dev, S0.words, n, 0, 0, sram ? SR_SIZE : 0);
		place(&B, "add", "QLinearAdd", dev, 0);
		debug(&B, 0, sram ? 4 : 1, "add");
		B.model.targets = 1u << dev;
		break;
	}
	case PK_LUT: {
		/* ADD: in, w, arena; LUT: arena, out, table */
		static const uint16_t sl0[] = { 0, 1, 3, 3, 4, 2 };
		struct axon_isa_lut *l;

		w = axbb_add_weights(&B, W, sizeof(W));
		t = axbb_add_weights(&B, T, sizeof(T));
		pk_stream_add(&S0, 0, PK_VA_IN, PK_VA_W, PK_VA_AR);
		l = sw_packet(&S0, AXON_OP_LUT, sizeof(*l));
		l->in = tva(PK_VA_AR, AXON_ISA_INT8, 0, D4);
		l->out = tva(PK_VA_OUT, AXON_ISA_INT8, 0, D4);
		l->table = PK_VA_W2;
		l->table_loc = AXON_ISA_LOC_VA;
		sw_va(&S0, &l->in.addr);
		sw_va(&S0, &l->out.addr);
		sw_va(&S0, &l->table);
		n = sw_end(&S0);
		axbb_add_slot(&B, AXB_SLOT_INPUT, 0, PK_VA_IN, PK_N, 0, AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&B, w), PK_VA_W, PK_N, 0,
			      AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&B, t), PK_VA_W2, 256, 0,
			      AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_ARENA, 0, PK_VA_AR, PK_N, 0,
			      AXB_ACCESS_READ | AXB_ACCESS_WRITE);
		axbb_add_slot(&B, AXB_SLOT_OUTPUT, 1, PK_VA_OUT, PK_N, 0, AXB_ACCESS_WRITE);
		relocs(&B, &S0, sl0);
		axbb_add_segment(&B, AXB_DEV_DSP, S0.words, n, 0, 0, 0);
		B.model.arena_size = PK_N;
		place(&B, "add", "QLinearAdd", AXB_DEV_DSP, 0);
		place(&B, "lut", "Tanh", AXB_DEV_DSP, 0);
		B.model.targets = 1u << AXB_DEV_DSP;
		break;
	}
	case PK_CHAIN: {
		static const uint16_t sl0[] = { 0, 1, 2 };
		static const uint16_t sl1[] = { 0, 1, 2 };

		w = axbb_add_weights(&B, W, sizeof(W));
		w2 = axbb_add_weights(&B, W2, sizeof(W2));
		pk_stream_add(&S0, 1, PK_VA_IN, PK_VA_W, PK_VA_AR);
		n = sw_end(&S0);
		sl = B.nslots;
		rl = B.nrelocs;
		axbb_add_slot(&B, AXB_SLOT_INPUT, 0, PK_VA_IN, PK_N, 0, AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&B, w), PK_VA_W, PK_N, 0,
			      AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_ARENA, 0, PK_VA_AR, PK_N, 0,
			      AXB_ACCESS_READ | AXB_ACCESS_WRITE);
		relocs(&B, &S0, sl0);
		axbb_add_segment(&B, AXB_DEV_NPU, S0.words, n, sl, rl, SR_SIZE);
		pk_stream_add(&S1, 0, PK_VA_AR, PK_VA_W2, PK_VA_OUT);
		n = sw_end(&S1);
		sl = B.nslots;
		rl = B.nrelocs;
		axbb_add_slot(&B, AXB_SLOT_ARENA, 0, PK_VA_AR, PK_N, 0, AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&B, w2), PK_VA_W2, PK_N, 0,
			      AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_OUTPUT, 1, PK_VA_OUT, PK_N, 0, AXB_ACCESS_WRITE);
		relocs(&B, &S1, sl1);
		axbb_add_segment(&B, AXB_DEV_DSP, S1.words, n, sl, rl, 0);
		B.model.arena_size = PK_N;
		place(&B, "add1", "QLinearAdd", AXB_DEV_NPU, 0);
		place(&B, "add2", "QLinearAdd", AXB_DEV_DSP, 1);
		B.model.targets = (1u << AXB_DEV_NPU) | (1u << AXB_DEV_DSP);
		break;
	}
	case PK_FAULT: {
		static const struct axon_isa_rq bad[1] = { { -5, 3 } };
		static const uint16_t sl0[] = { 2, 0, 2, 1 };
		struct axon_isa_pool *p;
		struct axon_isa_fill *f;

		w = axbb_add_weights(&B, bad, sizeof(bad));
		f = sw_packet(&S0, AXON_OP_FILL, sizeof(*f));
		f->dst = tva(PK_VA_OUT, AXON_ISA_INT8, 0, D4);
		f->value = 7;
		sw_va(&S0, &f->dst.addr);
		p = sw_packet(&S0, AXON_OP_POOL, sizeof(*p));
		p->in = tva(PK_VA_IN, AXON_ISA_INT8, 0, D4);
		p->out = tva(PK_VA_OUT, AXON_ISA_INT8, 0, D4);
		p->rq.addr = PK_VA_W;
		p->rq.count = 1;
		p->kind = AXON_ISA_POOL_AVG;
		p->kernel_h = p->kernel_w = 1;
		p->stride_h = p->stride_w = 1;
		p->act_min = -128;
		p->act_max = 127;
		sw_va(&S0, &p->in.addr);
		sw_va(&S0, &p->out.addr);
		sw_va(&S0, &p->rq.addr);
		n = sw_end(&S0);
		axbb_add_slot(&B, AXB_SLOT_INPUT, 0, PK_VA_IN, PK_N, 0, AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&B, w), PK_VA_W,
			      sizeof(bad), 0, AXB_ACCESS_READ);
		axbb_add_slot(&B, AXB_SLOT_OUTPUT, 1, PK_VA_OUT, PK_N, 0, AXB_ACCESS_WRITE);
		relocs(&B, &S0, sl0);
		axbb_add_segment(&B, AXB_DEV_DSP, S0.words, n, 0, 0, 0);
		debug(&B, 0, 2, "fill_0");
		B.debugs[1].nodes = axbb_str(&B, "avgpool_7");
		place(&B, "avgpool_7", "AveragePool", AXB_DEV_DSP, 0);
		B.model.targets = 1u << AXB_DEV_DSP;
		break;
	}
	}
	return axbb_finish(&B, size);
}

void pk_expect(enum pk_kind kind, const int8_t *in, int8_t *out)
{
	for (int i = 0; i < PK_N; i++) {
		int8_t a = pk_sat(in[i] + pk_w(i));

		switch (kind) {
		case PK_ADD: out[i] = a; break;
		case PK_LUT: out[i] = pk_table(a + 128); break;
		case PK_CHAIN: out[i] = pk_sat(a + pk_w2(i)); break;
		case PK_FAULT: out[i] = 7; break;
		}
	}
}
