// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: ELTWISE add, sub, mul, min, max with independent input
 * rescales and broadcasting through zero strides.
 */
#include "fw_priv.h"

static s32 elt(const struct axon_isa_eltwise *p, s32 a, s32 b)
{
	s64 x, y;

	if (p->op == AXON_ISA_ELT_MUL)
		return fw_sat32((s64)a * b);
	/* |a|, |b| <= 65535 and left_shift <= 15 for int16: fits in s32 */
	x = axon_fw_rescale(a * (1 << p->left_shift), p->rq_a.multiplier,
			    p->rq_a.shift, p->rounding);
	y = axon_fw_rescale(b * (1 << p->left_shift), p->rq_b.multiplier,
			    p->rq_b.shift, p->rounding);
	switch (p->op) {
	case AXON_ISA_ELT_ADD:
		return fw_sat32(x + y);
	case AXON_ISA_ELT_SUB:
		return fw_sat32(x - y);
	case AXON_ISA_ELT_MIN:
		return (s32)(x < y ? x : y);
	default:
		return (s32)(x > y ? x : y);
	}
}

u32 fw_op_eltwise(struct fw_ctx *c, const struct axon_isa_eltwise *p)
{
	struct fw_t a, b, o;
	u32 i0, i1, i2, i3, st;
	u64 ao, bo, oo;
	s32 va, vb;

	st = fw_resolve(c, &p->a, 0, &a);
	if (!st)
		st = fw_resolve(c, &p->b, 0, &b);
	if (!st)
		st = fw_resolve(c, &p->out, 1, &o);
	if (st)
		return st;
	for (i0 = 0; i0 < o.d[0]; i0++) {
		for (i1 = 0; i1 < o.d[1]; i1++) {
			for (i2 = 0; i2 < o.d[2]; i2++) {
				st = fw_yield(c);
				if (st)
					return st;
				ao = fw_off(&a, i0, i1, i2, 0);
				bo = fw_off(&b, i0, i1, i2, 0);
				oo = fw_off(&o, i0, i1, i2, 0);
				for (i3 = 0; i3 < o.d[3]; i3++) {
					va = fw_ld(a.p, a.dt, ao + i3 * a.s[3]) - a.zp;
					vb = fw_ld(b.p, b.dt, bo + i3 * b.s[3]) - b.zp;
					fw_st(o.p, o.dt, oo + i3 * o.s[3],
					      fw_requant(elt(p, va, vb), p->rq_out.multiplier,
							 p->rq_out.shift, p->rounding, o.zp,
							 p->act_min, p->act_max));
				}
			}
		}
	}
	return 0;
}
