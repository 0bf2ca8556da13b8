// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: LUT, a 256-entry table for any 8-bit unary function.
 */
#include "fw_priv.h"

u32 fw_op_lut(struct fw_ctx *c, const struct axon_isa_lut *p)
{
	struct fw_t x, o;
	struct fw_rows r;
	const u8 *tab;
	u32 i3, st, bias;
	u64 xo, oo;
	s32 v;

	st = fw_resolve(c, &p->in, 0, &x);
	if (st)
		return st;
	tab = fw_map_table(c, p->table_loc, p->table, 256);
	if (!tab)
		return AXON_ISA_E_FAULT;
	st = fw_resolve(c, &p->out, 1, &o);
	if (st)
		return st;
	bias = x.dt == AXON_ISA_INT8 ? 128 : 0;
	fw_rows_init(&r, o.d[0], o.d[1], o.d[2]);
	while (fw_rows_next(c, &r)) {
		xo = fw_row_off(&x, r.i);
		oo = fw_row_off(&o, r.i);
		for (i3 = 0; i3 < o.d[3]; i3++) {
			v = tab[(fw_ld(x.p, x.dt, xo + i3 * x.s[3]) + bias) & 255];
			if (o.dt == AXON_ISA_INT8)
				v = (s8)v;
			fw_st(o.p, o.dt, oo + i3 * o.s[3], v);
		}
	}
	return r.st;
}
