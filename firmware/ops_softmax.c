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
	const u16 *tab;
	u32 i0, i1, i2, i3, st, len;
	u64 xo, oo, sum, q;
	s32 xmax, v, lo, hi;
	s64 y;

	st = fw_resolve(c, &p->in, 0, &x);
	if (st)
		return st;
	tab = fw_map(c, p->table_loc, p->table, 512, 0);
	if (!tab) {
		c->reason = "table address translation failed";
		return AXON_ISA_E_FAULT;
	}
	st = fw_resolve(c, &p->out, 1, &o);
	if (st)
		return st;
	len = x.d[3];
	lo = fw_dt_min(o.dt);
	hi = fw_dt_max(o.dt);
	for (i0 = 0; i0 < o.d[0]; i0++) {
		for (i1 = 0; i1 < o.d[1]; i1++) {
			for (i2 = 0; i2 < o.d[2]; i2++) {
				st = fw_yield(c);
				if (st)
					return st;
				xo = fw_off(&x, i0, i1, i2, 0);
				oo = fw_off(&o, i0, i1, i2, 0);
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
		}
	}
	return 0;
}
