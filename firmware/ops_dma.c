// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: DMA (strided 4-D copy with zero-point padding; also the
 * lowering of TRANSPOSE and CONCAT) and FILL.
 */
#include "fw_priv.h"

static bool inside(u32 i, u32 before, u32 n)
{
	return i >= before && i - before < n;
}

u32 fw_op_dma(struct fw_ctx *c, const struct axon_isa_dma *p)
{
	struct fw_t s, d;
	u32 i0, i1, i2, i3, st, dt, b3, n3;
	u64 so, doff;
	s32 zp;

	st = fw_resolve(c, &p->src, 0, &s);
	if (!st)
		st = fw_resolve(c, &p->dst, 1, &d);
	if (st)
		return st;
	dt = d.dt;
	zp = d.zp;
	b3 = p->pad_before[3];
	n3 = s.d[3];
	for (i0 = 0; i0 < d.d[0]; i0++) {
		for (i1 = 0; i1 < d.d[1]; i1++) {
			for (i2 = 0; i2 < d.d[2]; i2++) {
				bool row = inside(i0, p->pad_before[0], s.d[0]) &&
					   inside(i1, p->pad_before[1], s.d[1]) &&
					   inside(i2, p->pad_before[2], s.d[2]);

				st = fw_yield(c);
				if (st)
					return st;
				doff = fw_off(&d, i0, i1, i2, 0);
				if (!row) {
					for (i3 = 0; i3 < d.d[3]; i3++)
						fw_st(d.p, dt, doff + i3 * d.s[3], zp);
					continue;
				}
				so = fw_off(&s, i0 - p->pad_before[0],
					    i1 - p->pad_before[1],
					    i2 - p->pad_before[2], 0);
				for (i3 = 0; i3 < b3; i3++)
					fw_st(d.p, dt, doff + i3 * d.s[3], zp);
				for (i3 = 0; i3 < n3; i3++)
					fw_st(d.p, dt, doff + (u64)(i3 + b3) * d.s[3],
					      fw_ld(s.p, dt, so + i3 * s.s[3]));
				for (i3 = b3 + n3; i3 < d.d[3]; i3++)
					fw_st(d.p, dt, doff + i3 * d.s[3], zp);
			}
		}
	}
	return 0;
}

u32 fw_op_fill(struct fw_ctx *c, const struct axon_isa_fill *p)
{
	struct fw_t d;
	u32 i0, i1, i2, i3, st;
	u64 off;

	st = fw_resolve(c, &p->dst, 1, &d);
	if (st)
		return st;
	for (i0 = 0; i0 < d.d[0]; i0++) {
		for (i1 = 0; i1 < d.d[1]; i1++) {
			for (i2 = 0; i2 < d.d[2]; i2++) {
				st = fw_yield(c);
				if (st)
					return st;
				off = fw_off(&d, i0, i1, i2, 0);
				for (i3 = 0; i3 < d.d[3]; i3++)
					fw_st(d.p, d.dt, off + i3 * d.s[3], p->value);
			}
		}
	}
	return 0;
}
