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
	struct fw_rows r;
	u32 i3, st;
	u64 ao, bo, oo;
	s32 va, vb;

	st = fw_resolve(c, &p->a, 0, &a);
	if (!st)
		st = fw_resolve_io(c, &p->b, &b, &p->out, &o);
	if (st)
		return st;
	fw_rows_init(&r, o.d[0], o.d[1], o.d[2]);
	while (fw_rows_next(c, &r)) {
		ao = fw_row_off(&a, r.i);
		bo = fw_row_off(&b, r.i);
		oo = fw_row_off(&o, r.i);
		for (i3 = 0; i3 < o.d[3]; i3++) {
			va = fw_ld(a.p, a.dt, ao + i3 * a.s[3]) - a.zp;
			vb = fw_ld(b.p, b.dt, bo + i3 * b.s[3]) - b.zp;
			fw_st(o.p, o.dt, oo + i3 * o.s[3],
			      fw_requant(elt(p, va, vb), p->rq_out.multiplier,
					 p->rq_out.shift, p->rounding, o.zp,
					 p->act_min, p->act_max));
		}
	}
	return r.st;
}
