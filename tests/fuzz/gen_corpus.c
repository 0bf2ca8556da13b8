// SPDX-License-Identifier: MIT
/*
 * Writes the fuzzer's seed corpus: small valid streams of every opcode,
 * addressing the fake memory map of fuzz_map.h. Each stream is checked to
 * validate before it is written.  Usage: gen_corpus DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axon_fw.h"
#include "fuzz_map.h"
#include "stream_builder.h"

#define ACT 0x10000ull
#define WGT 0x20000ull
#define OUT 0x30000ull
#define TAB 0x40000ull
#define LUTT (TAB + 0x100)
#define SMT (TAB + 0x200)
#define VA AXON_ISA_LOC_VA
#define SR AXON_ISA_LOC_SRAM

static const char *dir;
static int count, failed;

static void emit(struct sb *s, const char *name)
{
	static const struct { uint64_t va, size; uint32_t flags; } regs[FZ_NREG] = FZ_REGIONS;
	struct axon_fw_region map[FZ_NREG];
	memset(map, 0, sizeof(map));
	for (int i = 0; i < FZ_NREG; i++) {
		map[i].va = regs[i].va;
		map[i].size = regs[i].size;
		map[i].flags = regs[i].flags;
	}
	struct axon_fw_limits lim = { FZ_SRAM_SIZE, ~0ull, 0, 0 };
	struct axon_fw_result res;
	sb_finish(s);
	u32 st = axon_fw_validate(s->buf, s->len, map, FZ_NREG, &lim, &res);
	if (st) {
		fprintf(stderr, "gen_corpus: %s does not validate: %s at %u: %s\n", name,
			axon_fw_status_str(st), res.packet, res.reason);
		failed++;
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(s->buf, 1, s->len, fp) != s->len) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	count++;
	sb_free(s);
}

static struct axon_isa_tensor T(uint8_t loc, uint64_t a, uint8_t dt, int32_t zp, uint32_t d0,
				uint32_t d1, uint32_t d2, uint32_t d3)
{
	return tens(loc, a, dt, zp, d0, d1, d2, d3);
}

int main(int argc, char **argv)
{
	struct sb s;
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	dir = argv[1];

	sb_init(&s);
	sb_nop(&s);
	sb_marker(&s, 42);
	emit(&s, "marker");

	for (uint8_t dt = AXON_ISA_INT8; dt <= AXON_ISA_INT32; dt++) {
		sb_init(&s);
		struct axon_isa_fill *f = SB_PUT(&s, AXON_OP_FILL, struct axon_isa_fill, 0);
		f->dst = T(dt & 1 ? VA : SR, dt & 1 ? ACT : 64, dt, 0, 1, 3, 5, 7);
		f->value = dt == AXON_ISA_UINT8 ? 200 : -5;
		char n[32];
		snprintf(n, sizeof(n), "fill-%u", dt);
		emit(&s, n);
	}

	/* DMA VA -> SRAM (padded), SRAM -> SRAM (transposed), SRAM -> VA */
	sb_init(&s);
	struct axon_isa_dma *d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(VA, ACT, AXON_ISA_INT8, 0, 1, 4, 4, 3);
	d->dst = T(SR, 0, AXON_ISA_INT8, -3, 1, 6, 6, 3);
	d->pad_before[1] = d->pad_before[2] = d->pad_after[1] = d->pad_after[2] = 1;
	d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
	{
		uint32_t dims[4] = { 1, 3, 6, 6 }, st[4] = { 108, 1, 18, 3 };
		d->src = tens_s(SR, 0, AXON_ISA_INT8, 0, dims, st);
		d->dst = T(SR, 512, AXON_ISA_INT8, 0, 1, 3, 6, 6);
	}
	d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(SR, 512, AXON_ISA_INT8, 0, 1, 3, 6, 6);
	d->dst = T(VA, OUT, AXON_ISA_INT8, 0, 1, 3, 6, 6);
	emit(&s, "dma-chain");

	sb_init(&s);
	d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(VA, ACT, AXON_ISA_INT16, 0, 2, 3, 4, 5);
	d->src.strides[1] = 0;
	d->dst = T(VA, OUT, AXON_ISA_INT16, 7, 2, 3, 4, 7);
	d->pad_after[3] = 2;
	emit(&s, "dma-broadcast-int16");

	/* CONV2D grouped, padded, per-channel rq; and depthwise in SRAM */
	for (int v = 0; v < 3; v++) {
		sb_init(&s);
		struct axon_isa_conv2d *c = SB_PUT(&s, AXON_OP_CONV2D, struct axon_isa_conv2d, v == 2 ? AXON_ISA_F_NO_BIAS : 0);
		uint32_t G = v == 1 ? 4 : 2, cpg = v == 1 ? 1 : 2, Cout = v == 1 ? 4 : 8;
		c->in = T(v == 1 ? SR : VA, v == 1 ? 1024 : ACT, v == 2 ? AXON_ISA_INT16 : AXON_ISA_INT8, 3, 1, 6, 6, G * cpg);
		c->weight = T(VA, WGT, AXON_ISA_INT8, 0, Cout, 3, 3, cpg);
		c->bias = T(VA, WGT + 0x400, AXON_ISA_INT32, 0, 1, 1, 1, Cout);
		uint32_t sd = v == 2 ? 2 : 1, OH = (6 + 2 - 2 * 1 - 1) / sd + 1;
		c->out = T(VA, OUT, v == 2 ? AXON_ISA_INT32 : AXON_ISA_INT8, v == 2 ? 0 : -1, 1, OH, OH, Cout);
		c->rq = rqtab(VA, TAB, (uint8_t)(v & 1), Cout);
		c->stride_h = c->stride_w = (uint16_t)sd;
		c->dilation_h = c->dilation_w = 1;
		c->pad_top = c->pad_bottom = c->pad_left = c->pad_right = 1;
		c->groups = G;
		c->act_min = v == 2 ? INT32_MIN : -128;
		c->act_max = v == 2 ? INT32_MAX : 127;
		char n[32];
		snprintf(n, sizeof(n), "conv-%d", v);
		emit(&s, n);
	}

	/* MATMUL: batched activations x constant weights (batch stride 0) */
	sb_init(&s);
	struct axon_isa_matmul *m = SB_PUT(&s, AXON_OP_MATMUL, struct axon_isa_matmul, 0);
	m->a = T(VA, ACT, AXON_ISA_UINT8, 128, 1, 2, 4, 8);
	m->b = T(VA, WGT, AXON_ISA_INT8, 0, 1, 2, 8, 4);
	m->b.strides[1] = 0;
	m->bias = T(VA, WGT + 0x400, AXON_ISA_INT32, 0, 1, 1, 1, 4);
	m->out = T(SR, 0, AXON_ISA_UINT8, 10, 1, 2, 4, 4);
	m->rq = rqtab(VA, TAB, AXON_ISA_ROUND_DOUBLE, 1);
	m->act_min = 0;
	m->act_max = 255;
	emit(&s, "matmul");

	/* ELTWISE add with per-channel broadcast; mul in place */
	for (uint8_t op = 0; op <= AXON_ISA_ELT_MAX; op++) {
		sb_init(&s);
		struct axon_isa_eltwise *e = SB_PUT(&s, AXON_OP_ELTWISE, struct axon_isa_eltwise, 0);
		e->a = T(VA, ACT, AXON_ISA_INT8, 1, 1, 4, 4, 8);
		e->b = T(VA, WGT, AXON_ISA_INT8, -2, 1, 4, 4, 8);
		e->b.strides[1] = e->b.strides[2] = 0;
		e->out = op == AXON_ISA_ELT_MUL ? e->a : T(VA, OUT, AXON_ISA_INT8, 0, 1, 4, 4, 8);
		e->op = op;
		e->rounding = op & 1;
		if (op != AXON_ISA_ELT_MUL) {
			e->left_shift = 20;
			e->rq_a = rq(1 << 30, 31 + 20);
			e->rq_b = rq(1 << 30, 31 + 20);
		}
		e->rq_out = rq(1 << 30, 31);
		e->act_min = -128;
		e->act_max = 127;
		char n[32];
		snprintf(n, sizeof(n), "eltwise-%u", op);
		emit(&s, n);
	}

	/* POOL max / avg (count pad) / global */
	for (int v = 0; v < 3; v++) {
		sb_init(&s);
		struct axon_isa_pool *p = SB_PUT(&s, AXON_OP_POOL, struct axon_isa_pool, v == 1 ? AXON_ISA_F_COUNT_PAD : 0);
		p->in = T(VA, ACT, AXON_ISA_INT8, 0, 1, 6, 6, 4);
		p->kind = v ? AXON_ISA_POOL_AVG : AXON_ISA_POOL_MAX;
		uint32_t k = v == 2 ? 6 : 3, sd = v == 2 ? 1 : 2, pd = v == 2 ? 0 : 1;
		uint32_t OH = (6 + 2 * pd - k) / sd + 1;
		p->out = T(VA, OUT, AXON_ISA_INT8, 0, 1, OH, OH, 4);
		p->rq = rqtab(VA, TAB, AXON_ISA_ROUND_SINGLE, v == 0 ? 1 : v == 1 ? 9 : 1);
		p->kernel_h = p->kernel_w = (uint16_t)k;
		p->stride_h = p->stride_w = (uint16_t)sd;
		p->pad_top = p->pad_bottom = p->pad_left = p->pad_right = (uint16_t)pd;
		p->act_min = -128;
		p->act_max = 127;
		char n[32];
		snprintf(n, sizeof(n), "pool-%d", v);
		emit(&s, n);
	}

	for (uint8_t k = 0; k <= AXON_ISA_REDUCE_MIN; k++) {
		sb_init(&s);
		struct axon_isa_reduce *r = SB_PUT(&s, AXON_OP_REDUCE, struct axon_isa_reduce, 0);
		r->in = T(VA, ACT, AXON_ISA_INT8, 0, 2, 3, 4, 5);
		r->out = T(VA, OUT, AXON_ISA_INT16, 0, 2, 1, 1, 5);
		r->kind = k;
		r->axis_mask = 0x6;
		r->rounding = k & 1;
		r->rq = rq(1 << 30, 33);
		r->act_min = -32768;
		r->act_max = 32767;
		char n[32];
		snprintf(n, sizeof(n), "reduce-%u", k);
		emit(&s, n);
	}

	sb_init(&s);
	struct axon_isa_lut *l = SB_PUT(&s, AXON_OP_LUT, struct axon_isa_lut, 0);
	l->in = T(VA, ACT, AXON_ISA_INT8, 0, 1, 2, 8, 8);
	l->out = l->in;
	l->table = LUTT;
	emit(&s, "lut");

	sb_init(&s);
	struct axon_isa_softmax *x = SB_PUT(&s, AXON_OP_SOFTMAX, struct axon_isa_softmax, 0);
	x->in = T(VA, ACT, AXON_ISA_UINT8, 0, 1, 1, 4, 10);
	x->out = T(VA, OUT, AXON_ISA_UINT8, 0, 1, 1, 4, 10);
	x->table = SMT;
	x->out_mult = 256;
	emit(&s, "softmax");

	sb_init(&s);
	struct axon_isa_layernorm *ln = SB_PUT(&s, AXON_OP_LAYERNORM, struct axon_isa_layernorm, 0);
	ln->in = T(VA, ACT, AXON_ISA_INT8, 0, 1, 1, 3, 16);
	ln->out = T(SR, 0, AXON_ISA_INT8, 0, 1, 1, 3, 16);
	ln->params = WGT + 0x800;
	ln->rounding = AXON_ISA_ROUND_DOUBLE;
	ln->eps_term = 1000;
	ln->rq = rq(1 << 30, 40);
	ln->act_min = -128;
	ln->act_max = 127;
	emit(&s, "layernorm");

	for (int v = 0; v < 6; v++) {
		sb_init(&s);
		struct axon_isa_resize *r = SB_PUT(&s, AXON_OP_RESIZE, struct axon_isa_resize, 0);
		r->in = T(VA, ACT, AXON_ISA_INT8, 0, 1, 4, 4, 3);
		r->out = T(VA, OUT, AXON_ISA_INT8, 0, 1, v & 1 ? 8 : 3, 6, 3);
		r->mode = (uint8_t)(v / 3);
		r->coord = (uint8_t)(v % 3);
		r->rq = rq(1 << 30, r->mode ? 50 : 30);
		r->act_min = -128;
		r->act_max = 127;
		char n[32];
		snprintf(n, sizeof(n), "resize-%d", v);
		emit(&s, n);
	}

	for (uint8_t dt = AXON_ISA_INT8; dt <= AXON_ISA_INT32; dt++) {
		sb_init(&s);
		struct axon_isa_rescale *r = SB_PUT(&s, AXON_OP_RESCALE, struct axon_isa_rescale, 0);
		r->in = T(VA, ACT, dt, 0, 1, 2, 3, 4);
		r->out = T(VA, OUT, (uint8_t)(AXON_ISA_INT32 + 1 - dt), 0, 1, 2, 3, 4);
		r->rounding = dt & 1;
		r->rq = rq(1 << 30, 32);
		r->act_min = (int32_t)dtype_min(r->out.dtype);
		r->act_max = (int32_t)dtype_max(r->out.dtype);
		char n[32];
		snprintf(n, sizeof(n), "rescale-%u", dt);
		emit(&s, n);
	}

	/* a pipeline through SRAM with markers */
	sb_init(&s);
	sb_marker(&s, 1);
	d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(VA, ACT, AXON_ISA_INT8, 0, 1, 6, 6, 4);
	d->dst = T(SR, 0, AXON_ISA_INT8, 0, 1, 8, 8, 4);
	d->pad_before[1] = d->pad_before[2] = d->pad_after[1] = d->pad_after[2] = 1;
	struct axon_isa_conv2d *c = SB_PUT(&s, AXON_OP_CONV2D, struct axon_isa_conv2d, 0);
	c->in = T(SR, 0, AXON_ISA_INT8, 0, 1, 8, 8, 4);
	c->weight = T(VA, WGT, AXON_ISA_INT8, 0, 4, 3, 3, 4);
	c->bias = T(VA, WGT + 0x400, AXON_ISA_INT32, 0, 1, 1, 1, 4);
	c->out = T(SR, 512, AXON_ISA_INT8, 0, 1, 6, 6, 4);
	c->rq = rqtab(VA, TAB, AXON_ISA_ROUND_DOUBLE, 4);
	c->stride_h = c->stride_w = c->dilation_h = c->dilation_w = 1;
	c->groups = 1;
	c->act_min = -128;
	c->act_max = 127;
	l = SB_PUT(&s, AXON_OP_LUT, struct axon_isa_lut, 0);
	l->in = T(SR, 512, AXON_ISA_INT8, 0, 1, 6, 6, 4);
	l->out = l->in;
	l->table = LUTT;
	sb_marker(&s, 2);
	d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(SR, 512, AXON_ISA_INT8, 0, 1, 6, 6, 4);
	d->dst = T(VA, OUT, AXON_ISA_INT8, 0, 1, 6, 6, 4);
	emit(&s, "pipeline");

	printf("gen_corpus: %d seed stream(s) in %s, %d invalid\n", count, dir, failed);
	return failed ? 1 : 0;
}
