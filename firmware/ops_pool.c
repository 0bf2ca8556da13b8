// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: POOL (max, average with either padding convention, global
 * average) and REDUCE (sum/mean, max, min over any set of dimensions).
 */
#include "fw_priv.h"

static FW_NOINLINE
u32 pool_cell(struct fw_ctx *c, const struct axon_isa_pool *p,
	      const struct fw_t *x, const struct fw_t *o, const void *rq,
	      u32 n, u32 oy, u32 ox)
{
	s64 y0 = (s64)oy * p->stride_h - p->pad_top;
	s64 x0 = (s64)ox * p->stride_w - p->pad_left;
	u32 ya = y0 < 0 ? 0 : (u32)y0, xa = x0 < 0 ? 0 : (u32)x0;
	u32 yb = y0 + p->kernel_h > x->d[1] ? x->d[1] : (u32)(y0 + p->kernel_h);
	u32 xb = x0 + p->kernel_w > x->d[2] ? x->d[2] : (u32)(x0 + p->kernel_w);
	u32 ch, iy, ix, st, cnt, idx;
	s32 mul, sh, v;
	s64 acc;

	/* the validator guarantees ya < yb and xa < xb */
	cnt = p->hdr.flags & AXON_ISA_F_COUNT_PAD ?
	      (u32)p->kernel_h * p->kernel_w : (yb - ya) * (xb - xa);
	idx = p->kind == AXON_ISA_POOL_MAX ? 0 :
	      (cnt < p->rq.count ? cnt : p->rq.count) - 1;
	st = fw_rq_load(c, rq, idx, p->rq.rounding, &mul, &sh);
	if (st)
		return st;
	for (ch = 0; ch < o->d[3]; ch++) {
		acc = p->kind == AXON_ISA_POOL_MAX ? FW_S32_MIN : 0;
		for (iy = ya; iy < yb; iy++) {
			for (ix = xa; ix < xb; ix++) {
				v = fw_ld(x->p, x->dt, fw_off(x, n, iy, ix, ch)) - x->zp;
				if (p->kind == AXON_ISA_POOL_AVG)
					acc += v;
				else if (v > acc)
					acc = v;
			}
		}
		fw_st(o->p, o->dt, fw_off(o, n, oy, ox, ch),
		      fw_requant(acc, mul, sh, p->rq.rounding, o->zp,
				 p->act_min, p->act_max));
	}
	return 0;
}

u32 fw_op_pool(struct fw_ctx *c, const struct axon_isa_pool *p)
{
	struct fw_t x, o;
	struct fw_rows r;
	const void *rq;
	u32 ox, st;

	st = fw_resolve(c, &p->in, 0, &x);
	if (st)
		return st;
	rq = fw_map_rqtab(c, &p->rq);
	if (!rq)
		return AXON_ISA_E_FAULT;
	st = fw_resolve(c, &p->out, 1, &o);
	if (st)
		return st;
	/* rows (n, oy) */
	fw_rows_init(&r, o.d[0], o.d[1], 1);
	while (fw_rows_next(c, &r)) {
		for (ox = 0; ox < o.d[2]; ox++) {
			st = pool_cell(c, p, &x, &o, rq, r.i[0], r.i[1], ox);
			if (st)
				return st;
		}
	}
	return r.st;
}

/* the output element (base[0], base[1], base[2], b3) */
static s64 reduce_cell(const struct axon_isa_reduce *p, const struct fw_t *x,
		       const u32 *base, u32 b3)
{
	u32 len[4], j0, j1, j2, j3;
	s64 acc, v;
	int i;

	for (i = 0; i < 4; i++)
		len[i] = p->axis_mask & (1u << i) ? x->d[i] : 1;
	acc = p->kind == AXON_ISA_REDUCE_SUM ? 0 :
	      (p->kind == AXON_ISA_REDUCE_MAX ? -(1ll << 40) : 1ll << 40);
	for (j0 = 0; j0 < len[0]; j0++)
		for (j1 = 0; j1 < len[1]; j1++)
			for (j2 = 0; j2 < len[2]; j2++)
				for (j3 = 0; j3 < len[3]; j3++) {
					v = (s64)fw_ld(x->p, x->dt,
						       fw_off(x, base[0] + j0, base[1] + j1,
							      base[2] + j2, b3 + j3)) - x->zp;
					if (p->kind == AXON_ISA_REDUCE_SUM)
						acc += v;
					else if (p->kind == AXON_ISA_REDUCE_MAX ? v > acc : v < acc)
						acc = v;
				}
	return acc;
}

u32 fw_op_reduce(struct fw_ctx *c, const struct axon_isa_reduce *p)
{
	struct fw_t x, o;
	struct fw_rows r;
	u32 i3, st;

	st = fw_resolve_io(c, &p->in, &x, &p->out, &o);
	if (st)
		return st;
	fw_rows_init(&r, o.d[0], o.d[1], o.d[2]);
	while (fw_rows_next(c, &r)) {
		for (i3 = 0; i3 < o.d[3]; i3++)
			fw_st(o.p, o.dt, fw_off(&o, r.i[0], r.i[1], r.i[2], i3),
			      fw_requant(reduce_cell(p, &x, r.i, i3),
					 p->rq.multiplier, p->rq.shift,
					 p->rounding, o.zp, p->act_min,
					 p->act_max));
	}
	return r.st;
}
