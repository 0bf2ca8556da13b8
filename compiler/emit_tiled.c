// SPDX-License-Identifier: MIT
/*
 * axonc emission on SRAM-resident devices (see emit_tiled.h): an op's
 * untiled packet rewritten into DMA + compute tiles through SRAM; the
 * elementwise-like ops split their iteration space here.
 */
#include <stddef.h>
#include <string.h>

#include "emit_tiled.h"
#include "profiles.h"

uint64_t axc_sram_limit;

static struct axon_isa_tensor get_t(const struct pk *p, size_t field)
{
	struct axon_isa_tensor t;

	memcpy(&t, p->buf + field, sizeof(t));
	return t;
}

/* ---- elementwise, LUT, RESCALE, SOFTMAX, LAYERNORM, REDUCE: split the iteration space ---- */

struct gen_desc {
	size_t in[2], out;	/* tensor fields; in[1] = 0 if none */
	size_t table, table_loc;	/* address / loc field of a table; 0 if none */
	uint64_t table_bytes;
	int keep_last;		/* row operation over dims[3] */
};

static uint64_t gen_bytes(const struct pk *p, const struct gen_desc *gd, const uint64_t len[4])
{
	size_t f[3] = { gd->in[0], gd->in[1], gd->out };
	uint64_t b = gd->table ? ta(gd->table_bytes) : 0;
	int k, i;

	for (k = 0; k < 3; k++) {
		struct axon_isa_tensor t;
		uint64_t n;

		if (!f[k])
			continue;
		t = get_t(p, f[k]);
		n = t_esize(&t);
		for (i = 0; i < 4; i++)
			if (t.dims[i] != 1 && t.strides[i] != 0)
				n *= len[i];
		b += ta(n);
	}
	return b;
}

static int tile_generic(struct tctx *c, const struct pk *p, const struct gen_desc *gd, int opcode)
{
	size_t f[3] = { gd->in[0], gd->in[1], gd->out };
	struct axon_isa_tensor t[3];
	uint64_t D[4], len[4], start[4] = { 0, 0, 0, 0 }, chunk = 0, tab_s = 0, mark;
	int split[4], d = -1, i, k, nt = gd->in[1] ? 3 : 2, slot[3];

	if (!gd->in[1])
		f[1] = f[2];
	for (k = 0; k < nt; k++) {
		t[k] = get_t(p, k == nt - 1 ? gd->out : f[k]);
		slot[k] = src_slot(c, (k == nt - 1 ? gd->out : f[k]) + offsetof(struct axon_isa_tensor, addr));
	}
	for (i = 0; i < 4; i++) {
		D[i] = 1;
		for (k = 0; k < nt; k++)
			if (t[k].dims[i] > D[i])
				D[i] = t[k].dims[i];
		split[i] = D[i] > 1 && !(gd->keep_last && i == 3);
		for (k = 0; k < nt; k++)
			if (t[k].dims[i] != D[i])
				split[i] = 0;
		len[i] = D[i];
	}
	if (gen_bytes(p, gd, len) > c->sram) {
		for (d = 0; d < 4; d++) {
			if (!split[d])
				continue;
			for (i = 0; i < 4; i++)
				len[i] = i < d && split[i] ? 1 : D[i];
			len[d] = 1;
			if (gen_bytes(p, gd, len) <= c->sram)
				break;
		}
		if (d == 4) {
			for (i = 0; i < 4; i++)
				len[i] = split[i] ? 1 : D[i];
			c->e->tile_need = gen_bytes(p, gd, len);
			return -2;
		}
		for (chunk = D[d]; chunk > 1; chunk--) {
			len[d] = chunk;
			if (gen_bytes(p, gd, len) <= c->sram)
				break;
		}
		chunk = balance(D[d], chunk);
		c->e->tile_rows = (int)chunk;
	}
	c->top = 0;
	if (gd->table) {
		uint64_t ta_;
		int ts = src_slot(c, gd->table);

		memcpy(&ta_, p->buf + gd->table, 8);
		tab_s = load_bytes(c, ta_, ts, gd->table_bytes);
	}
	mark = c->top;
	for (;;) {
		struct pk cp;
		struct axon_isa_tensor s[3];
		uint8_t loc = AXON_ISA_LOC_SRAM;

		for (i = 0; i < 4; i++)
			len[i] = d < 0 || i > d || !split[i] ? D[i] : i < d ? 1 :
				(D[i] - start[i] < chunk ? D[i] - start[i] : chunk);
		c->top = mark;
		memset(&cp, 0, sizeof(cp));
		memcpy(cp.buf, p->buf, p->size);
		cp.size = p->size;
		for (k = 0; k < nt; k++) {
			uint64_t st[4], ln[4];

			for (i = 0; i < 4; i++) {
				st[i] = t[k].dims[i] == 1 ? 0 : start[i];
				ln[i] = t[k].dims[i] == 1 ? 1 : len[i];
			}
			if (k < nt - 1) {
				s[k] = load(c, &t[k], slot[k], st, ln);
			} else {
				s[k] = sram_t(salloc(c, nbytes4(ln, t_esize(&t[k]))), t[k].dtype,
					      t[k].zero_point, ln, ln);
			}
			memcpy(cp.buf + (k == nt - 1 ? gd->out : f[k]), &s[k], sizeof(s[k]));
		}
		if (gd->table) {
			memcpy(cp.buf + gd->table, &tab_s, 8);
			memcpy(cp.buf + gd->table_loc, &loc, 1);
		}
		push_compute(c, &cp, opcode);
		{
			uint64_t st[4];

			for (i = 0; i < 4; i++)
				st[i] = t[nt - 1].dims[i] == 1 ? 0 : start[i];
			store(c, &s[nt - 1], &t[nt - 1], slot[nt - 1], st);
		}
		if (d < 0)
			break;
		/* advance: dim d by chunk, then the split dims before it by 1 */
		k = d;
		start[d] += chunk;
		while (start[k] >= D[k]) {
			start[k] = 0;
			do
				k--;
			while (k >= 0 && !split[k]);
			if (k < 0)
				break;
			start[k]++;
		}
		if (k < 0)
			break;
	}
	return 0;
}

static int tile_emit(struct tctx *c, const struct pk *p, int opcode)
{
	struct gen_desc gd;

	memset(&gd, 0, sizeof(gd));
	switch (opcode) {
	case AXON_OP_CONV2D:
		return tile_conv(c, p);
	case AXON_OP_POOL:
		return tile_pool(c, p);
	case AXON_OP_MATMUL:
		return tile_matmul(c, p);
	case AXON_OP_ELTWISE:
		gd.in[0] = offsetof(struct axon_isa_eltwise, a);
		gd.in[1] = offsetof(struct axon_isa_eltwise, b);
		gd.out = offsetof(struct axon_isa_eltwise, out);
		break;
	case AXON_OP_RESCALE:
		gd.in[0] = offsetof(struct axon_isa_rescale, in);
		gd.out = offsetof(struct axon_isa_rescale, out);
		break;
	case AXON_OP_REDUCE:
		gd.in[0] = offsetof(struct axon_isa_reduce, in);
		gd.out = offsetof(struct axon_isa_reduce, out);
		break;
	case AXON_OP_LUT:
		gd.in[0] = offsetof(struct axon_isa_lut, in);
		gd.out = offsetof(struct axon_isa_lut, out);
		gd.table = offsetof(struct axon_isa_lut, table);
		gd.table_loc = offsetof(struct axon_isa_lut, table_loc);
		gd.table_bytes = 256;
		break;
	case AXON_OP_SOFTMAX:
		gd.in[0] = offsetof(struct axon_isa_softmax, in);
		gd.out = offsetof(struct axon_isa_softmax, out);
		gd.table = offsetof(struct axon_isa_softmax, table);
		gd.table_loc = offsetof(struct axon_isa_softmax, table_loc);
		gd.table_bytes = 512;
		gd.keep_last = 1;
		break;
	case AXON_OP_LAYERNORM: {
		struct axon_isa_tensor in = get_t(p, offsetof(struct axon_isa_layernorm, in));

		gd.in[0] = offsetof(struct axon_isa_layernorm, in);
		gd.out = offsetof(struct axon_isa_layernorm, out);
		gd.table = offsetof(struct axon_isa_layernorm, params);
		gd.table_loc = offsetof(struct axon_isa_layernorm, params_loc);
		gd.table_bytes = (uint64_t)in.dims[3] * 8;
		gd.keep_last = 1;
		break;
	}
	default:
		return -1;
	}
	return tile_generic(c, p, &gd, opcode);
}

static int is_compute(int opcode)
{
	return opcode != AXON_OP_DMA && opcode != AXON_OP_FILL && opcode != AXON_OP_NOP &&
		opcode != AXON_OP_MARKER && opcode != AXON_OP_END;
}

/* emit one op's packet: as is, or tiled through SRAM on SRAM-resident devices */
int finish(struct qgraph *q, struct emitted *e, struct eseg *sg, struct pk *p, int oi,
	   int opcode)
{
	const struct profile *pr = profile_by_device(sg->device);
	struct tctx c;

	if (!pr || !pr->compute_in_sram || !is_compute(opcode)) {
		push(sg, p, oi, opcode);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.q = q;
	c.e = e;
	c.sg = sg;
	c.oi = oi;
	c.sram = pr->sram_size;
	if (axc_sram_limit && axc_sram_limit < c.sram)
		c.sram = axc_sram_limit;
	c.src = p;
	e->tile_rows = 0;
	{
		int rc = tile_emit(&c, p, opcode);

		e->tile_count = c.tiles;
		return rc;
	}
}
