// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: integer SOFTMAX along the innermost dimension, with a
 * compiler-computed 256-entry exp table.
 */
#include "fw_priv.h"

/* T[xmax - x]; the index is clamped in case the input changes under us */
static u64 tab_at(const u16 *t, s32 d)
{
	if (d < 0)
		d = 0;
	if (d > 255)
		d = 255;
	return FW_READ_ONCE(t[d]);
}

u32 fw_op_softmax(struct fw_ctx *c, const struct axon_isa_softmax *p)
{
	struct fw_t x, o;
	struct fw_rows r;
	const u16 *tab;
	u32 i3, st, len;
	u64 xo, oo, sum, q;
	s32 xmax, v, lo, hi;
	s64 y;

	st = fw_resolve(c, &p->in, 0, &x);
	if (st)
		return st;
	tab = fw_map_table(c, p->table_loc, p->table, 512);
	if (!tab)
		return AXON_ISA_E_FAULT;
	st = fw_resolve(c, &p->out, 1, &o);
	if (st)
		return st;
	len = x.d[3];
	lo = fw_dt_min(o.dt);
	hi = fw_dt_max(o.dt);
	fw_rows_init(&r, o.d[0], o.d[1], o.d[2]);
	while (fw_rows_next(c, &r)) {
		xo = fw_row_off(&x, r.i);
		oo = fw_row_off(&o, r.i);
		xmax = FW_S32_MIN;
		for (i3 = 0; i3 < len; i3++) {
			v = fw_ld(x.p, x.dt, xo + i3 * x.s[3]);
			if (v > xmax)
				xmax = v;
		}
		sum = 0;
		for (i3 = 0; i3 < len; i3++) {
			v = fw_ld(x.p, x.dt, xo + i3 * x.s[3]);
			sum += tab_at(tab, xmax - v);
		}
		for (i3 = 0; i3 < len; i3++) {
			q = 0;
			if (sum)
				q = fw_div_u64(tab_at(tab, xmax -
						      fw_ld(x.p, x.dt, xo + i3 * x.s[3])) *
					       p->out_mult + sum / 2, sum);
			y = (s64)o.zp + (q > (1ull << 40) ? (1ll << 40) : (s64)q);
			fw_st(o.p, o.dt, oo + i3 * o.s[3],
			      y < lo ? lo : (y > hi ? hi : (s32)y));
		}
	}
	return r.st;
}
