// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: RESCALE (requantize, or cast between element types).
 */
#include "fw_priv.h"

u32 fw_op_rescale(struct fw_ctx *c, const struct axon_isa_rescale *p)
{
	struct fw_t x, o;
	u32 i0, i1, i2, i3, st;
	u64 xo, oo;
	s64 v;

	st = fw_resolve(c, &p->in, 0, &x);
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
				xo = fw_off(&x, i0, i1, i2, 0);
				oo = fw_off(&o, i0, i1, i2, 0);
				for (i3 = 0; i3 < o.d[3]; i3++) {
					v = (s64)fw_ld(x.p, x.dt, xo + i3 * x.s[3]) - x.zp;
					fw_st(o.p, o.dt, oo + i3 * o.s[3],
					      fw_requant(v, p->rq.multiplier, p->rq.shift,
							 p->rounding, o.zp, p->act_min,
							 p->act_max));
				}
			}
		}
	}
	return 0;
}
