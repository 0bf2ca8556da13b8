// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: MATMUL (batched matrix multiply, fully connected) and the
 * dot product shared with CONV2D.
 */
#include "fw_priv.h"

static inline FW_FORCE_INLINE
s64 dot_t(const u8 *a, u32 adt, u64 sa, s32 za, const u8 *b, u32 bdt, u64 sb,
	  s32 zb, u32 n)
{
	s64 acc = 0;
	s32 acc32;
	u32 i, j, blk;

	if (sa == 1 && sb == 1 && adt != AXON_ISA_INT16 && bdt != AXON_ISA_INT16) {
		/* |product| <= 255 * 255: 32767 of them fit in s32 */
		for (i = 0; i < n; i += blk) {
			blk = n - i < 32767 ? n - i : 32767;
			acc32 = 0;
			for (j = i; j < i + blk; j++)
				acc32 += (fw_ld(a, adt, j) - za) * (fw_ld(b, bdt, j) - zb);
			acc += acc32;
		}
	} else if (sa == 1 && sb == 1) {
		for (i = 0; i < n; i++)
			acc += (s64)(fw_ld(a, adt, i) - za) * (fw_ld(b, bdt, i) - zb);
	} else {
		for (i = 0; i < n; i++)
			acc += (s64)(fw_ld(a, adt, i * sa) - za) *
			       (fw_ld(b, bdt, i * sb) - zb);
	}
	return acc;
}

#define DT2(x, y)	((x) * 8 + (y))

/*
 * sum over i < n of (a[aoff + i * astride] - zp_a) * (b[boff + i * bstride]
 * - zp_b); a and b are int8/uint8/int16.
 */
s64 fw_dot(const struct fw_t *a, u64 aoff, u64 astride,
	   const struct fw_t *b, u64 boff, u64 bstride, u32 n)
{
	const u8 *pa = a->p + aoff * fw_esize(a->dt);
	const u8 *pb = b->p + boff * fw_esize(b->dt);
	s32 za = a->zp, zb = b->zp;

	switch (DT2(a->dt, b->dt)) {
	case DT2(AXON_ISA_INT8, AXON_ISA_INT8):
		return dot_t(pa, AXON_ISA_INT8, astride, za, pb, AXON_ISA_INT8, bstride, zb, n);
	case DT2(AXON_ISA_INT8, AXON_ISA_UINT8):
		return dot_t(pa, AXON_ISA_INT8, astride, za, pb, AXON_ISA_UINT8, bstride, zb, n);
	case DT2(AXON_ISA_UINT8, AXON_ISA_INT8):
		return dot_t(pa, AXON_ISA_UINT8, astride, za, pb, AXON_ISA_INT8, bstride, zb, n);
	case DT2(AXON_ISA_UINT8, AXON_ISA_UINT8):
		return dot_t(pa, AXON_ISA_UINT8, astride, za, pb, AXON_ISA_UINT8, bstride, zb, n);
	case DT2(AXON_ISA_INT16, AXON_ISA_INT8):
		return dot_t(pa, AXON_ISA_INT16, astride, za, pb, AXON_ISA_INT8, bstride, zb, n);
	case DT2(AXON_ISA_INT16, AXON_ISA_UINT8):
		return dot_t(pa, AXON_ISA_INT16, astride, za, pb, AXON_ISA_UINT8, bstride, zb, n);
	default:	/* any pair with an int16 b */
		return dot_t(pa, a->dt, astride, za, pb, b->dt, bstride, zb, n);
	}
}

/* one output row out[i0, i1, m, :] */
static FW_NOINLINE
u32 mm_row(struct fw_ctx *c, const struct axon_isa_matmul *p,
	   const struct fw_t *a, const struct fw_t *b, const struct fw_t *bias,
	   const struct fw_t *o, const void *rq, u32 i0, u32 i1, u32 m)
{
	u32 n, st, K = a->d[3];
	s32 mul, sh;
	s64 acc;

	for (n = 0; n < o->d[3]; n++) {
		acc = bias ? fw_ld(bias->p, AXON_ISA_INT32, n * bias->s[3]) : 0;
		acc += fw_dot(a, fw_off(a, i0, i1, m, 0), a->s[3],
			      b, fw_off(b, i0, i1, 0, n), b->s[2], K);
		st = fw_rq_load(c, rq, p->rq.count == 1 ? 0 : n, p->rq.rounding,
				&mul, &sh);
		if (st)
			return st;
		fw_st(o->p, o->dt, fw_off(o, i0, i1, m, n),
		      fw_requant(acc, mul, sh, p->rq.rounding, o->zp,
				 p->act_min, p->act_max));
	}
	return 0;
}

u32 fw_op_matmul(struct fw_ctx *c, const struct axon_isa_matmul *p)
{
	struct fw_t a, b, bias, o;
	struct fw_rows r;
	const void *rq;
	bool has_bias = !(p->hdr.flags & AXON_ISA_F_NO_BIAS);
	u32 st;

	st = fw_resolve(c, &p->a, 0, &a);
	if (!st)
		st = fw_resolve(c, &p->b, 0, &b);
	if (!st && has_bias)
		st = fw_resolve(c, &p->bias, 0, &bias);
	if (st)
		return st;
	rq = fw_map_rqtab(c, &p->rq);
	if (!rq)
		return AXON_ISA_E_FAULT;
	st = fw_resolve(c, &p->out, 1, &o);
	if (st)
		return st;

	fw_rows_init(&r, o.d[0], o.d[1], o.d[2]);
	while (fw_rows_next(c, &r)) {
		st = mm_row(c, p, &a, &b, has_bias ? &bias : NULL, &o, rq,
			    r.i[0], r.i[1], r.i[2]);
		if (st)
			return st;
	}
	return r.st;
}
