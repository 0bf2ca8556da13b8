// SPDX-License-Identifier: MIT
/*
 * axonc emission on SRAM-resident devices (emit_tiled.h): CONV2D, POOL and
 * MATMUL tiled in output row bands and output channel / column blocks.
 */
#include <stddef.h>
#include <string.h>

#include "emit_tiled.h"

/* ---- CONV2D: output row bands x output-channel blocks ---- */

struct conv_geo {
	uint64_t N, H, W, Cin, Cout, OH, OW, KH, KW, Cg, G, opg, cpg, sh, dh, pt, pl, pr;
	uint64_t es_in, es_w, es_out, rqn;
	int bias;
};

static uint64_t conv_cin(const struct conv_geo *g, uint64_t cb)
{
	return g->G == 1 ? g->Cin : cb / g->opg * g->cpg;
}

static uint64_t conv_rows_in(const struct conv_geo *g, uint64_t r)
{
	return (r - 1) * g->sh + (g->KH - 1) * g->dh + 1;
}

static uint64_t conv_fixed(const struct conv_geo *g, uint64_t cb)
{
	return ta(cb * g->KH * g->KW * g->Cg * g->es_w) + (g->bias ? ta(cb * 4) : 0) +
		ta((g->rqn == 1 ? 1 : cb) * 8);
}

static uint64_t conv_band(const struct conv_geo *g, uint64_t r, uint64_t cb)
{
	return ta(conv_rows_in(g, r) * (g->W + g->pl + g->pr) * conv_cin(g, cb) * g->es_in) +
		ta(r * g->OW * cb * g->es_out);
}
int tile_conv(struct tctx *c, const struct pk *p)
{
	struct axon_isa_conv2d k;
	struct conv_geo g;
	uint64_t unit, cb = 0, r, nblk, c0, n, oy0;
	int s_in, s_w, s_b, s_o, s_rq;

	memcpy(&k, p->buf, sizeof(k));
	memset(&g, 0, sizeof(g));
	g.N = k.in.dims[0]; g.H = k.in.dims[1]; g.W = k.in.dims[2]; g.Cin = k.in.dims[3];
	g.Cout = k.out.dims[3]; g.OH = k.out.dims[1]; g.OW = k.out.dims[2];
	g.KH = k.weight.dims[1]; g.KW = k.weight.dims[2]; g.Cg = k.weight.dims[3];
	g.G = k.groups ? k.groups : 1;
	g.opg = g.Cout / g.G;
	g.cpg = g.Cin / g.G;
	g.sh = k.stride_h; g.dh = k.dilation_h;
	g.pt = k.pad_top; g.pl = k.pad_left; g.pr = k.pad_right;
	g.es_in = t_esize(&k.in); g.es_w = t_esize(&k.weight); g.es_out = t_esize(&k.out);
	g.rqn = k.rq.count;
	g.bias = !(k.hdr.flags & AXON_ISA_F_NO_BIAS);
	if (!g.opg || !g.cpg || !g.sh || !g.dh)
		return -1;
	unit = g.G == 1 ? 1 : g.opg;
	for (nblk = 1; nblk * unit <= g.Cout; nblk++) {
		cb = (g.Cout / unit + nblk - 1) / nblk * unit;
		if (conv_fixed(&g, cb) + conv_band(&g, 1, cb) <= c->sram)
			break;
	}
	if (nblk * unit > g.Cout) {
		c->e->tile_need = conv_fixed(&g, unit) + conv_band(&g, 1, unit);
		return -2;
	}
	for (r = g.OH; r > 1; r--)
		if (conv_fixed(&g, cb) + conv_band(&g, r, cb) <= c->sram)
			break;
	r = balance(g.OH, r);
	c->e->tile_rows = (int)r;
	s_in = src_slot(c, offsetof(struct axon_isa_conv2d, in.addr));
	s_w = src_slot(c, offsetof(struct axon_isa_conv2d, weight.addr));
	s_b = src_slot(c, offsetof(struct axon_isa_conv2d, bias.addr));
	s_o = src_slot(c, offsetof(struct axon_isa_conv2d, out.addr));
	s_rq = src_slot(c, offsetof(struct axon_isa_conv2d, rq.addr));
	for (c0 = 0; c0 < g.Cout; c0 += cb) {
		uint64_t cbn = g.Cout - c0 < cb ? g.Cout - c0 : cb, cin = conv_cin(&g, cbn);
		uint64_t ci0 = g.G == 1 ? 0 : c0 / g.opg * g.cpg, rqc = g.rqn == 1 ? 1 : cbn;
		uint64_t st[4] = { c0, 0, 0, 0 }, ln[4] = { cbn, g.KH, g.KW, g.Cg };
		uint64_t bst[4] = { 0, 0, 0, c0 }, bln[4] = { 1, 1, 1, cbn };
		struct axon_isa_tensor w_s, b_s;
		uint64_t rq_s;

		c->top = 0;
		w_s = load(c, &k.weight, s_w, st, ln);
		if (g.bias)
			b_s = load(c, &k.bias, s_b, bst, bln);
		else
			b_s = k.bias;
		rq_s = load_bytes(c, k.rq.addr + (g.rqn == 1 ? 0 : c0 * 8), s_rq, rqc * 8);
		{
			uint64_t mark = c->top;

			for (n = 0; n < g.N; n++)
				for (oy0 = 0; oy0 < g.OH; oy0 += r) {
					uint64_t rr = g.OH - oy0 < r ? g.OH - oy0 : r;
					int64_t iy_s = (int64_t)(oy0 * g.sh) - (int64_t)g.pt;
					uint64_t rows = conv_rows_in(&g, rr);
					int64_t iy_e = iy_s + (int64_t)rows;
					int64_t a = iy_s < 0 ? 0 : iy_s, b = iy_e > (int64_t)g.H ? (int64_t)g.H : iy_e;
					uint64_t Wp = g.W + g.pl + g.pr;
					uint64_t dl[4] = { 1, rows, Wp, cin }, ol[4] = { 1, rr, g.OW, cbn };
					struct axon_isa_tensor in_s, out_s;
					struct pk cp;
					struct axon_isa_conv2d *kk = (void *)cp.buf;

					c->top = mark;
					in_s = sram_t(salloc(c, nbytes4(dl, g.es_in)), k.in.dtype,
						      k.in.zero_point, dl, dl);
					if (b > a) {
						uint64_t ss[4] = { n, (uint64_t)a, 0, ci0 };
						uint64_t sl[4] = { 1, (uint64_t)(b - a), g.W, cin };
						uint64_t pb[4] = { 0, (uint64_t)(a - iy_s), g.pl, 0 };
						uint64_t pa[4] = { 0, (uint64_t)(iy_e - b), g.pr, 0 };
						struct axon_isa_tensor src = va_slice(&k.in, ss, sl);

						t_dma(c, &src, s_in, &in_s, -1, pb, pa);
					} else {
						struct pk fp;
						struct axon_isa_fill *f = (void *)fp.buf;

						memset(&fp, 0, sizeof(fp));
						fp.size = sizeof(*f);
						f->dst = in_s;
						f->value = k.in.zero_point;
						push(c->sg, &fp, c->oi, AXON_OP_FILL);
					}
					out_s = sram_t(salloc(c, nbytes4(ol, g.es_out)), k.out.dtype,
						       k.out.zero_point, ol, ol);
					memset(&cp, 0, sizeof(cp));
					memcpy(cp.buf, p->buf, sizeof(k));
					cp.size = p->size;
					kk->in = in_s;
					kk->weight = w_s;
					kk->bias = b_s;
					kk->out = out_s;
					kk->rq.addr = rq_s;
					kk->rq.loc = AXON_ISA_LOC_SRAM;
					kk->rq.count = (uint32_t)rqc;
					kk->pad_top = kk->pad_bottom = kk->pad_left = kk->pad_right = 0;
					kk->groups = (uint32_t)(g.G == 1 ? 1 : cbn / g.opg);
					push_compute(c, &cp, AXON_OP_CONV2D);
					{
						uint64_t os[4] = { n, oy0, 0, c0 };

						store(c, &out_s, &k.out, s_o, os);
					}
				}
		}
	}
	return 0;
}

/* ---- POOL: output row bands x channel blocks; the pool keeps its padding ---- */
int tile_pool(struct tctx *c, const struct pk *p)
{
	struct axon_isa_pool k;
	uint64_t N, H, W, C, OH, OW, KH, sh, pt, es_in, es_out, rqb, cb = 0, r, nblk, c0, n, oy0;
	int s_in, s_o, s_rq;
	uint64_t rq_s;

	memcpy(&k, p->buf, sizeof(k));
	N = k.in.dims[0]; H = k.in.dims[1]; W = k.in.dims[2]; C = k.in.dims[3];
	OH = k.out.dims[1]; OW = k.out.dims[2];
	KH = k.kernel_h; sh = k.stride_h; pt = k.pad_top;
	es_in = t_esize(&k.in); es_out = t_esize(&k.out);
	rqb = (uint64_t)k.rq.count * 8;
	if (!sh || !KH)
		return -1;
#define POOL_NEED(r_, cb_) (ta(rqb) + ta((((r_) - 1) * sh + KH) * W * (cb_) * es_in) + \
			    ta((r_) * OW * (cb_) * es_out))
	for (nblk = 1; nblk <= C; nblk++) {
		cb = (C + nblk - 1) / nblk;
		if (POOL_NEED(1, cb) <= c->sram)
			break;
	}
	if (nblk > C) {
		c->e->tile_need = POOL_NEED(1, 1);
		return -2;
	}
	for (r = OH; r > 1; r--)
		if (POOL_NEED(r, cb) <= c->sram)
			break;
#undef POOL_NEED
	r = balance(OH, r);
	c->e->tile_rows = (int)r;
	s_in = src_slot(c, offsetof(struct axon_isa_pool, in.addr));
	s_o = src_slot(c, offsetof(struct axon_isa_pool, out.addr));
	s_rq = src_slot(c, offsetof(struct axon_isa_pool, rq.addr));
	c->top = 0;
	rq_s = load_bytes(c, k.rq.addr, s_rq, rqb);
	{
		uint64_t mark = c->top;

		for (c0 = 0; c0 < C; c0 += cb)
			for (n = 0; n < N; n++)
				for (oy0 = 0; oy0 < OH; oy0 += r) {
					uint64_t cbn = C - c0 < cb ? C - c0 : cb;
					uint64_t rr = OH - oy0 < r ? OH - oy0 : r;
					int64_t iy_s = (int64_t)(oy0 * sh) - (int64_t)pt;
					int64_t iy_e = iy_s + (int64_t)((rr - 1) * sh + KH);
					int64_t a = iy_s < 0 ? 0 : iy_s, b = iy_e > (int64_t)H ? (int64_t)H : iy_e;
					uint64_t ss[4] = { n, (uint64_t)a, 0, c0 };
					uint64_t sl[4] = { 1, (uint64_t)(b - a), W, cbn };
					uint64_t ol[4] = { 1, rr, OW, cbn }, os[4] = { n, oy0, 0, c0 };
					struct axon_isa_tensor in_s, out_s;
					struct pk cp;
					struct axon_isa_pool *kk = (void *)cp.buf;

					if (b <= a)
						return -1;
					c->top = mark;
					in_s = load(c, &k.in, s_in, ss, sl);
					out_s = sram_t(salloc(c, nbytes4(ol, es_out)), k.out.dtype,
						       k.out.zero_point, ol, ol);
					memset(&cp, 0, sizeof(cp));
					memcpy(cp.buf, p->buf, sizeof(k));
					cp.size = p->size;
					kk->in = in_s;
					kk->out = out_s;
					kk->rq.addr = rq_s;
					kk->rq.loc = AXON_ISA_LOC_SRAM;
					kk->pad_top = (uint16_t)(a - iy_s);
					kk->pad_bottom = (uint16_t)(iy_e - b);
					push_compute(c, &cp, AXON_OP_POOL);
					store(c, &out_s, &k.out, s_o, os);
				}
	}
	return 0;
}

/* ---- MATMUL: batches x row bands x output-column blocks (K never split) ---- */
int tile_matmul(struct tctx *c, const struct pk *p)
{
	struct axon_isa_matmul k;
	uint64_t B0, B1, M, K, N, es_a, es_b, es_o, rqn, nb = 0, mr, nblk, n0, b0, b1, m0;
	int bias, bconst, s_a, s_b, s_bias, s_o, s_rq;

	memcpy(&k, p->buf, sizeof(k));
	B0 = k.out.dims[0]; B1 = k.out.dims[1]; M = k.out.dims[2]; N = k.out.dims[3];
	K = k.a.dims[3];
	es_a = t_esize(&k.a); es_b = t_esize(&k.b); es_o = t_esize(&k.out);
	rqn = k.rq.count;
	bias = !(k.hdr.flags & AXON_ISA_F_NO_BIAS);
	bconst = (k.b.dims[0] == 1 || !k.b.strides[0]) && (k.b.dims[1] == 1 || !k.b.strides[1]);
#define MM_FIXED(nb_) (ta(K * (nb_) * es_b) + (bias ? ta((nb_) * 4) : 0) + \
		       ta((rqn == 1 ? 1 : (nb_)) * 8))
#define MM_BAND(m_, nb_) (ta((m_) * K * es_a) + ta((m_) * (nb_) * es_o))
	for (nblk = 1; nblk <= N; nblk++) {
		nb = (N + nblk - 1) / nblk;
		if (MM_FIXED(nb) + MM_BAND(1, nb) <= c->sram)
			break;
	}
	if (nblk > N) {
		c->e->tile_need = MM_FIXED(1) + MM_BAND(1, 1);
		return -2;
	}
	for (mr = M; mr > 1; mr--)
		if (MM_FIXED(nb) + MM_BAND(mr, nb) <= c->sram)
			break;
	mr = balance(M, mr);
	c->e->tile_rows = (int)mr;
	s_a = src_slot(c, offsetof(struct axon_isa_matmul, a.addr));
	s_b = src_slot(c, offsetof(struct axon_isa_matmul, b.addr));
	s_bias = src_slot(c, offsetof(struct axon_isa_matmul, bias.addr));
	s_o = src_slot(c, offsetof(struct axon_isa_matmul, out.addr));
	s_rq = src_slot(c, offsetof(struct axon_isa_matmul, rq.addr));
	for (n0 = 0; n0 < N; n0 += nb) {
		uint64_t nbn = N - n0 < nb ? N - n0 : nb, rqc = rqn == 1 ? 1 : nbn;
		uint64_t bst[4] = { 0, 0, 0, n0 }, bln[4] = { 1, 1, 1, nbn };
		struct axon_isa_tensor bias_s = k.bias, b_s = k.b;
		uint64_t rq_s, mark;

		c->top = 0;
		if (bias)
			bias_s = load(c, &k.bias, s_bias, bst, bln);
		rq_s = load_bytes(c, k.rq.addr + (rqn == 1 ? 0 : n0 * 8), s_rq, rqc * 8);
		if (bconst) {
			uint64_t st[4] = { 0, 0, 0, n0 }, ln[4] = { 1, 1, K, nbn };

			b_s = load(c, &k.b, s_b, st, ln);
		}
		mark = c->top;
		for (b0 = 0; b0 < B0; b0++)
			for (b1 = 0; b1 < B1; b1++) {
				uint64_t mark2;

				c->top = mark;
				if (!bconst) {
					uint64_t st[4] = { k.b.dims[0] == 1 ? 0 : b0, k.b.dims[1] == 1 ? 0 : b1, 0, n0 };
					uint64_t ln[4] = { 1, 1, K, nbn };

					b_s = load(c, &k.b, s_b, st, ln);
				}
				mark2 = c->top;
				for (m0 = 0; m0 < M; m0 += mr) {
					uint64_t mm = M - m0 < mr ? M - m0 : mr;
					uint64_t ast[4] = { k.a.dims[0] == 1 ? 0 : b0, k.a.dims[1] == 1 ? 0 : b1, m0, 0 };
					uint64_t aln[4] = { 1, 1, mm, K };
					uint64_t ol[4] = { 1, 1, mm, nbn }, os[4] = { b0, b1, m0, n0 };
					struct axon_isa_tensor a_s, out_s;
					struct pk cp;
					struct axon_isa_matmul *kk = (void *)cp.buf;

					c->top = mark2;
					a_s = load(c, &k.a, s_a, ast, aln);
					out_s = sram_t(salloc(c, nbytes4(ol, es_o)), k.out.dtype,
						       k.out.zero_point, ol, ol);
					memset(&cp, 0, sizeof(cp));
					memcpy(cp.buf, p->buf, sizeof(k));
					cp.size = p->size;
					kk->a = a_s;
					kk->b = b_s;
					kk->bias = bias_s;
					kk->out = out_s;
					kk->rq.addr = rq_s;
					kk->rq.loc = AXON_ISA_LOC_SRAM;
					kk->rq.count = (uint32_t)rqc;
					push_compute(c, &cp, AXON_OP_MATMUL);
					store(c, &out_s, &k.out, s_o, os);
				}
			}
	}
#undef MM_FIXED
#undef MM_BAND
	return 0;
}
