// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: CONV2D (grouped and depthwise included). Transposed
 * convolution is lowered by the compiler (see axon_isa.h).
 */
#include "fw_priv.h"

struct conv_run {
	struct fw_t in, w, bias, out;
	const void *rq;
	bool has_bias;
};

static FW_NOINLINE
u32 conv_pixel(struct fw_ctx *c, const struct axon_isa_conv2d *p,
	       const struct conv_run *r, u32 n, u32 oy, u32 ox)
{
	const struct fw_t *in = &r->in, *w = &r->w, *o = &r->out;
	u32 kh = w->d[1], kw = w->d[2], cin_g = w->d[3];
	u32 cout_g = o->d[3] / p->groups, g, oc, ky, kx, st;
	s64 y0 = (s64)oy * p->stride_h - p->pad_top;
	s64 x0 = (s64)ox * p->stride_w - p->pad_left;
	s64 iy, ix, acc;
	u64 io, wo;
	s32 mul, sh;

	for (g = 0; g < p->groups; g++) {
		for (oc = g * cout_g; oc < (g + 1) * cout_g; oc++) {
			acc = r->has_bias ? fw_ld(r->bias.p, AXON_ISA_INT32,
						  oc * r->bias.s[3]) : 0;
			for (ky = 0; ky < kh; ky++) {
				iy = y0 + (s64)ky * p->dilation_h;
				if (iy < 0 || iy >= in->d[1])
					continue;
				for (kx = 0; kx < kw; kx++) {
					ix = x0 + (s64)kx * p->dilation_w;
					if (ix < 0 || ix >= in->d[2])
						continue;
					io = fw_off(in, n, iy, ix, (u64)g * cin_g);
					wo = fw_off(w, oc, ky, kx, 0);
					if (cin_g == 1)	/* depthwise: no call per tap */
						acc += (s64)(fw_ld(in->p, in->dt, io) - in->zp) *
						       (fw_ld(w->p, w->dt, wo) - w->zp);
					else
						acc += fw_dot(in, io, in->s[3], w, wo, w->s[3],
							      cin_g);
				}
			}
			st = fw_rq_load(c, r->rq, p->rq.count == 1 ? 0 : oc,
					p->rq.rounding, &mul, &sh);
			if (st)
				return st;
			fw_st(o->p, o->dt, fw_off(o, n, oy, ox, oc),
			      fw_requant(acc, mul, sh, p->rq.rounding, o->zp,
					 p->act_min, p->act_max));
		}
	}
	return 0;
}

u32 fw_op_conv2d(struct fw_ctx *c, const struct axon_isa_conv2d *p)
{
	struct conv_run r;
	struct fw_rows rows;
	u32 ox, st;

	r.has_bias = !(p->hdr.flags & AXON_ISA_F_NO_BIAS);
	st = fw_resolve(c, &p->in, 0, &r.in);
	if (!st)
		st = fw_resolve(c, &p->weight, 0, &r.w);
	if (!st && r.has_bias)
		st = fw_resolve(c, &p->bias, 0, &r.bias);
	if (st)
		return st;
	r.rq = fw_map_rqtab(c, &p->rq);
	if (!r.rq)
		return AXON_ISA_E_FAULT;
	st = fw_resolve(c, &p->out, 1, &r.out);
	if (st)
		return st;

	/* rows (n, oy) */
	fw_rows_init(&rows, r.out.d[0], r.out.d[1], 1);
	while (fw_rows_next(c, &rows)) {
		for (ox = 0; ox < r.out.d[2]; ox++) {
			st = conv_pixel(c, p, &r, rows.i[0], rows.i[1], ox);
			if (st)
				return st;
		}
	}
	return rows.st;
}
