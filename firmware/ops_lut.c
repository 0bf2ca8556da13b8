// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: LUT, a 256-entry table for any 8-bit unary function.
 */
#include "fw_priv.h"

u32 fw_op_lut(struct fw_ctx *c, const struct axon_isa_lut *p)
{
	struct fw_t x, o;
	const u8 *tab;
	u32 i0, i1, i2, i3, st, bias;
	u64 xo, oo;
	s32 v;

	st = fw_resolve(c, &p->in, 0, &x);
	if (st)
		return st;
	tab = fw_map(c, p->table_loc, p->table, 256, 0);
	if (!tab) {
		c->reason = "table address translation failed";
		return AXON_ISA_E_FAULT;
	}
	st = fw_resolve(c, &p->out, 1, &o);
	if (st)
		return st;
	bias = x.dt == AXON_ISA_INT8 ? 128 : 0;
	for (i0 = 0; i0 < o.d[0]; i0++) {
		for (i1 = 0; i1 < o.d[1]; i1++) {
			for (i2 = 0; i2 < o.d[2]; i2++) {
				st = fw_yield(c);
				if (st)
					return st;
				xo = fw_off(&x, i0, i1, i2, 0);
				oo = fw_off(&o, i0, i1, i2, 0);
				for (i3 = 0; i3 < o.d[3]; i3++) {
					v = tab[(fw_ld(x.p, x.dt, xo + i3 * x.s[3]) + bias) & 255];
					if (o.dt == AXON_ISA_INT8)
						v = (s8)v;
					fw_st(o.p, o.dt, oo + i3 * o.s[3], v);
				}
			}
		}
	}
	return 0;
}
