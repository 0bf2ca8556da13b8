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
	struct fw_rows r;
	const u16 *pb = p->pad_before;
	const u32 *i = r.i;
	u32 i3, st, dt, b3, n3;
	u64 so, doff;
	s32 zp;

	st = fw_resolve_io(c, &p->src, &s, &p->dst, &d);
	if (st)
		return st;
	dt = d.dt;
	zp = d.zp;
	b3 = pb[3];
	n3 = s.d[3];
	fw_rows_init(&r, d.d[0], d.d[1], d.d[2]);
	while (fw_rows_next(c, &r)) {
		doff = fw_row_off(&d, i);
		if (!inside(i[0], pb[0], s.d[0]) || !inside(i[1], pb[1], s.d[1]) ||
		    !inside(i[2], pb[2], s.d[2])) {
			for (i3 = 0; i3 < d.d[3]; i3++)
				fw_st(d.p, dt, doff + i3 * d.s[3], zp);
			continue;
		}
		so = fw_off(&s, i[0] - pb[0], i[1] - pb[1], i[2] - pb[2], 0);
		for (i3 = 0; i3 < b3; i3++)
			fw_st(d.p, dt, doff + i3 * d.s[3], zp);
		for (i3 = 0; i3 < n3; i3++)
			fw_st(d.p, dt, doff + (u64)(i3 + b3) * d.s[3],
			      fw_ld(s.p, dt, so + i3 * s.s[3]));
		for (i3 = b3 + n3; i3 < d.d[3]; i3++)
			fw_st(d.p, dt, doff + i3 * d.s[3], zp);
	}
	return r.st;
}

u32 fw_op_fill(struct fw_ctx *c, const struct axon_isa_fill *p)
{
	struct fw_t d;
	struct fw_rows r;
	u32 i3, st;
	u64 off;

	st = fw_resolve(c, &p->dst, 1, &d);
	if (st)
		return st;
	fw_rows_init(&r, d.d[0], d.d[1], d.d[2]);
	while (fw_rows_next(c, &r)) {
		off = fw_row_off(&d, r.i);
		for (i3 = 0; i3 < d.d[3]; i3++)
			fw_st(d.p, d.dt, off + i3 * d.s[3], p->value);
	}
	return r.st;
}
