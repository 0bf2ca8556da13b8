// SPDX-License-Identifier: MIT
/*
 * ELTWISE (add, sub, mul, min, max with broadcasting) and RESCALE for the
 * cpu backend, 16 elements at a time (AVX-512), bit-identical to
 * firmware/ops_eltwise.c and firmware/ops_rescale.c:
 *
 *   ADD/SUB/MIN/MAX: x = rescale((a - zp_a) << ls), y likewise (int32,
 *     saturated by rescale()), acc = sat32(x op y), computed in 32 bits
 *     with explicit overflow saturation;
 *   MUL: acc = sat32((a - zp_a) * (b - zp_b)): exact in 32 bits for 8-bit
 *     inputs, in 64 bits otherwise;
 *   RESCALE: acc = in - zp_in (int32 input: zp is 0, acc = in);
 *   out = clamp(zp + rescale(acc, rq_out), act_min, act_max).
 *
 * Outputs identical to an input (the only overlap the ISA allows) are
 * safe: each group of 16 elements is read before it is written.
 */
#include <stdlib.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"

/* x + y saturated to int32 */
static CPUK_AI CPUK_TGT __m512i adds32(__m512i x, __m512i y)
{
	__m512i s = _mm512_add_epi32(x, y);
	__mmask16 o = _mm512_movepi32_mask(_mm512_and_si512(_mm512_xor_si512(x, s),
							    _mm512_xor_si512(y, s)));

	return _mm512_mask_xor_epi32(s, o, _mm512_srai_epi32(x, 31),
				     _mm512_set1_epi32(INT32_MAX));
}

/* x - y saturated to int32 */
static CPUK_AI CPUK_TGT __m512i subs32(__m512i x, __m512i y)
{
	__m512i s = _mm512_sub_epi32(x, y);
	__mmask16 o = _mm512_movepi32_mask(_mm512_and_si512(_mm512_xor_si512(x, y),
							    _mm512_xor_si512(x, s)));

	return _mm512_mask_xor_epi32(s, o, _mm512_srai_epi32(x, 31),
				     _mm512_set1_epi32(INT32_MAX));
}

/* sat32(x * y), x and y int32 of at most 17 bits */
static CPUK_AI CPUK_TGT __m512i muls32(__m512i x, __m512i y)
{
	__m512i pe = cpuk_sat32_64(_mm512_mul_epi32(x, y));
	__m512i po = cpuk_sat32_64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32),
						    _mm512_srli_epi64(y, 32)));

	return _mm512_mask_blend_epi32(0xaaaa, pe, _mm512_slli_epi64(po, 32));
}

struct elt_k {
	uint32_t op, ls, mul8;
	struct cpuk_scale sa, sb, so;
	struct cpuk_clamp q;
};

/* x op y (ADD, SUB, MIN, MAX) of the rescaled inputs */
static CPUK_AI CPUK_TGT __m512i elt_op(__m512i x, __m512i y, uint32_t op)
{
	switch (op) {
	case AXON_ISA_ELT_ADD:
		return adds32(x, y);
	case AXON_ISA_ELT_SUB:
		return subs32(x, y);
	case AXON_ISA_ELT_MIN:
		return _mm512_min_epi32(x, y);
	default:
		return _mm512_max_epi32(x, y);
	}
}

static CPUK_AI CPUK_TGT __m512i elt16(__m512i va, __m512i vb, const struct elt_k *k)
{
	__m512i x, y;

	if (k->op == AXON_ISA_ELT_MUL) {
		x = k->mul8 ? _mm512_mullo_epi32(va, vb) : muls32(va, vb);
	} else {
		const __m128i ls = _mm_cvtsi32_si128((int)k->ls);

		/* |v| <= 65535 << 15 or 255 << 20: no overflow (validator) */
		x = cpuk_resc16(_mm512_sll_epi32(va, ls), &k->sa);
		y = cpuk_resc16(_mm512_sll_epi32(vb, ls), &k->sb);
		x = elt_op(x, y, k->op);
	}
	return cpuk_clamp16(cpuk_resc16(x, &k->so), &k->q);
}

static CPUK_TGT void elt_run(const struct cpuk_tv *a, const struct cpuk_tv *b,
			     const struct cpuk_tv *o, const struct elt_k *k)
{
	uint32_t ea = cpuk_esize(a->dt), eb = cpuk_esize(b->dt), eo = cpuk_esize(o->dt);
	const __m512i za = _mm512_set1_epi32(a->zp), zb = _mm512_set1_epi32(b->zp);
	uint64_t C = o->d[3];

	for (uint64_t i0 = 0; i0 < o->d[0]; i0++)
		for (uint64_t i1 = 0; i1 < o->d[1]; i1++)
			for (uint64_t i2 = 0; i2 < o->d[2]; i2++) {
				const uint8_t *pa = a->p + ea * (i0 * a->s[0] + i1 * a->s[1] +
								 i2 * a->s[2]);
				const uint8_t *pb = b->p + eb * (i0 * b->s[0] + i1 * b->s[1] +
								 i2 * b->s[2]);
				uint8_t *po = o->p + eo * (i0 * o->s[0] + i1 * o->s[1] +
							   i2 * o->s[2]);

				for (uint64_t c = 0; c < C; c += 16) {
					uint64_t n = C - c < 16 ? C - c : 16;
					__m512i va = cpuk_load16(pa + ea * c * a->s[3], a->dt,
								 a->s[3], n);
					__m512i vb = cpuk_load16(pb + eb * c * b->s[3], b->dt,
								 b->s[3], n);

					va = _mm512_sub_epi32(va, za);
					vb = _mm512_sub_epi32(vb, zb);
					cpuk_store16(po + eo * c * o->s[3], o->dt, o->s[3],
						     elt16(va, vb, k), n);
				}
			}
}

/*
 * ADD/SUB/MIN/MAX with 8-bit inputs: an input's rescaled value is a
 * function of its byte, so it is tabulated (elt16()'s own arithmetic on
 * all 256 bytes) as 4 byte planes and looked up 64 elements at a time
 * with vpermi2b. The planes are interleaved back into int32 by unpacks,
 * which leaves vector j, lane L, element i holding element 16 L + 4 j + i
 * of the 64; the same for both inputs, so the element-wise op and the
 * output rescale run in that order and the lanes are transposed before
 * the stores.
 */
#define ELT_VBMI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512vbmi")))

struct elt_tab {
	uint8_t pl[4][256];
};

static CPUK_TGT void elt_tab_init(struct elt_tab *t, const struct cpuk_tv *v,
				  uint32_t ls, const struct cpuk_scale *s)
{
	const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
					       10, 11, 12, 13, 14, 15);
	const __m128i sh = _mm_cvtsi32_si128((int)ls);

	for (int i = 0; i < 256; i += 16) {
		__m512i r = _mm512_add_epi32(_mm512_set1_epi32(i), iota);

		if (v->dt == AXON_ISA_INT8)
			r = _mm512_srai_epi32(_mm512_slli_epi32(r, 24), 24);
		r = _mm512_sub_epi32(r, _mm512_set1_epi32(v->zp));
		r = cpuk_resc16(_mm512_sll_epi32(r, sh), s);
		for (int j = 0; j < 4; j++)
			_mm_storeu_si128((__m128i *)(t->pl[j] + i),
					 _mm512_cvtepi32_epi8(_mm512_srli_epi32(r, 8 * j)));
	}
}

/* the table values of the 64 bytes @x, in the order described above */
static CPUK_AI ELT_VBMI void elt_tab64(__m512i x, const struct elt_tab *t,
				       __m512i *v)
{
	__mmask64 h = _mm512_movepi8_mask(x);
	__m512i p[4], l01, h01, l23, h23;

	for (int j = 0; j < 4; j++) {
		const uint8_t *pl = t->pl[j];
		__m512i lo = _mm512_permutex2var_epi8(_mm512_loadu_si512(pl), x,
						      _mm512_loadu_si512(pl + 64));
		__m512i hi = _mm512_permutex2var_epi8(_mm512_loadu_si512(pl + 128), x,
						      _mm512_loadu_si512(pl + 192));

		p[j] = _mm512_mask_blend_epi8(h, lo, hi);
	}
	l01 = _mm512_unpacklo_epi8(p[0], p[1]);
	h01 = _mm512_unpackhi_epi8(p[0], p[1]);
	l23 = _mm512_unpacklo_epi8(p[2], p[3]);
	h23 = _mm512_unpackhi_epi8(p[2], p[3]);
	v[0] = _mm512_unpacklo_epi16(l01, l23);
	v[1] = _mm512_unpackhi_epi16(l01, l23);
	v[2] = _mm512_unpacklo_epi16(h01, h23);
	v[3] = _mm512_unpackhi_epi16(h01, h23);
}

static ELT_VBMI void elt_run8(const struct cpuk_tv *a, const struct cpuk_tv *b,
			      const struct cpuk_tv *o, const struct elt_k *k,
			      const struct elt_tab *ta, const struct elt_tab *tb)
{
	uint32_t eo = cpuk_esize(o->dt);
	uint64_t C = o->d[3];

	for (uint64_t i0 = 0; i0 < o->d[0]; i0++)
		for (uint64_t i1 = 0; i1 < o->d[1]; i1++)
			for (uint64_t i2 = 0; i2 < o->d[2]; i2++) {
				const uint8_t *pa = a->p + i0 * a->s[0] + i1 * a->s[1] +
						    i2 * a->s[2];
				const uint8_t *pb = b->p + i0 * b->s[0] + i1 * b->s[1] +
						    i2 * b->s[2];
				uint8_t *po = o->p + eo * (i0 * o->s[0] + i1 * o->s[1] +
							   i2 * o->s[2]);

				for (uint64_t c = 0; c < C; c += 64) {
					uint64_t n = C - c < 64 ? C - c : 64;
					__mmask64 m = n == 64 ? ~0ull : (1ull << n) - 1;
					__m512i x[4], y[4], t0, t1, t2, t3;

					elt_tab64(_mm512_maskz_loadu_epi8(m, pa + c), ta, x);
					elt_tab64(_mm512_maskz_loadu_epi8(m, pb + c), tb, y);
					for (int j = 0; j < 4; j++)
						x[j] = cpuk_clamp16(cpuk_resc16(elt_op(x[j], y[j], k->op),
										&k->so), &k->q);
					t0 = _mm512_shuffle_i32x4(x[0], x[1], 0x44);
					t1 = _mm512_shuffle_i32x4(x[0], x[1], 0xee);
					t2 = _mm512_shuffle_i32x4(x[2], x[3], 0x44);
					t3 = _mm512_shuffle_i32x4(x[2], x[3], 0xee);
					x[0] = _mm512_shuffle_i32x4(t0, t2, 0x88);
					x[1] = _mm512_shuffle_i32x4(t0, t2, 0xdd);
					x[2] = _mm512_shuffle_i32x4(t1, t3, 0x88);
					x[3] = _mm512_shuffle_i32x4(t1, t3, 0xdd);
					for (uint64_t L = 0; L < 4 && 16 * L < n; L++)
						cpuk_store16(po + eo * (c + 16 * L), o->dt, 1, x[L],
							     n - 16 * L);
				}
			}
}

int cpuk_eltwise(const struct axon_isa_eltwise *p, void *const *ops)
{
	struct cpuk_tv a, b, o;
	struct cpuk_tv *v[3] = { &a, &b, &o };
	struct elt_k k;

	if (p->op > AXON_ISA_ELT_MAX)
		return 0;
	cpuk_tv_init(&a, &p->a, ops[0]);
	cpuk_tv_init(&b, &p->b, ops[1]);
	cpuk_tv_init(&o, &p->out, ops[2]);
	if (a.dt == AXON_ISA_INT32 || b.dt == AXON_ISA_INT32)
		return 0;
	k.op = p->op;
	k.ls = p->left_shift;
	k.mul8 = a.dt != AXON_ISA_INT16 && b.dt != AXON_ISA_INT16;
	if (k.ls > (k.mul8 ? 20u : 15u))
		return 0;
	if (p->op != AXON_ISA_ELT_MUL &&
	    (!cpuk_scale_init(&k.sa, p->rq_a.multiplier, p->rq_a.shift, p->rounding) ||
	     !cpuk_scale_init(&k.sb, p->rq_b.multiplier, p->rq_b.shift, p->rounding)))
		return 0;
	if (!cpuk_scale_init(&k.so, p->rq_out.multiplier, p->rq_out.shift, p->rounding) ||
	    !cpuk_clamp_init(&k.q, o.zp, p->act_min, p->act_max))
		return 0;
	cpuk_collapse_ew(v, 3);
	if (p->op != AXON_ISA_ELT_MUL && k.mul8 && a.s[3] == 1 &&
	    b.s[3] == 1 && o.s[3] == 1 && cpuk_vbmi() &&
	    o.d[0] * o.d[1] * o.d[2] * o.d[3] >= 256) {
		struct elt_tab ta, tb;

		elt_tab_init(&ta, &a, k.ls, &k.sa);
		elt_tab_init(&tb, &b, k.ls, &k.sb);
		elt_run8(&a, &b, &o, &k, &ta, &tb);
		return 1;
	}
	elt_run(&a, &b, &o, &k);
	return 1;
}

static CPUK_TGT void rescale_run(const struct cpuk_tv *x, const struct cpuk_tv *o,
				 const struct cpuk_scale *s, const struct cpuk_clamp *q)
{
	uint32_t ex = cpuk_esize(x->dt), eo = cpuk_esize(o->dt);
	const __m512i zx = _mm512_set1_epi32(x->zp);
	uint64_t C = o->d[3];

	for (uint64_t i0 = 0; i0 < o->d[0]; i0++)
		for (uint64_t i1 = 0; i1 < o->d[1]; i1++)
			for (uint64_t i2 = 0; i2 < o->d[2]; i2++) {
				const uint8_t *px = x->p + ex * (i0 * x->s[0] + i1 * x->s[1] +
								 i2 * x->s[2]);
				uint8_t *po = o->p + eo * (i0 * o->s[0] + i1 * o->s[1] +
							   i2 * o->s[2]);

				for (uint64_t c = 0; c < C; c += 16) {
					uint64_t n = C - c < 16 ? C - c : 16;
					__m512i v = cpuk_load16(px + ex * c * x->s[3], x->dt,
								x->s[3], n);

					v = _mm512_sub_epi32(v, zx);
					cpuk_store16(po + eo * c * o->s[3], o->dt, o->s[3],
						     cpuk_clamp16(cpuk_resc16(v, s), q), n);
				}
			}
}

int cpuk_rescale(const struct axon_isa_rescale *p, void *const *ops)
{
	struct cpuk_tv x, o;
	struct cpuk_tv *v[2] = { &x, &o };
	struct cpuk_scale s;
	struct cpuk_clamp q;

	cpuk_tv_init(&x, &p->in, ops[0]);
	cpuk_tv_init(&o, &p->out, ops[1]);
	if (x.dt == AXON_ISA_INT32 && x.zp)
		return 0;	/* in - zp could leave int32 */
	if (!cpuk_scale_init(&s, p->rq.multiplier, p->rq.shift, p->rounding) ||
	    !cpuk_clamp_init(&q, o.zp, p->act_min, p->act_max))
		return 0;
	cpuk_collapse_ew(v, 2);
	rescale_run(&x, &o, &s, &q);
	return 1;
}
