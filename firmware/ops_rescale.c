// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: RESCALE (requantize, or cast between element types).
 */
#include "fw_priv.h"

u32 fw_op_rescale(struct fw_ctx *c, const struct axon_isa_rescale *p)
{
	struct fw_t x, o;
	struct fw_rows r;
	u32 i3, st;
	u64 xo, oo;
	s64 v;

	st = fw_resolve_io(c, &p->in, &x, &p->out, &o);
	if (st)
		return st;
	fw_rows_init(&r, o.d[0], o.d[1], o.d[2]);
	while (fw_rows_next(c, &r)) {
		xo = fw_row_off(&x, r.i);
		oo = fw_row_off(&o, r.i);
		for (i3 = 0; i3 < o.d[3]; i3++) {
			v = (s64)fw_ld(x.p, x.dt, xo + i3 * x.s[3]) - x.zp;
			fw_st(o.p, o.dt, oo + i3 * o.s[3],
			      fw_requant(v, p->rq.multiplier, p->rq.shift,
					 p->rounding, o.zp, p->act_min,
					 p->act_max));
		}
	}
	return r.st;
}
