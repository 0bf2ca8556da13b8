/* SPDX-License-Identifier: MIT */
/*
 * AVX-512 building blocks shared by the cpu backend's fast kernels
 * (cpu_eltwise.c, cpu_pool.c, cpu_lut.c): operand views, dimension
 * collapsing, 16-lane loads and stores of every element type, and the
 * ISA's rescale() for one scale on 16 int32 lanes, bit-identical to
 * axon_fw_rescale() (including its final saturation to int32) for every
 * rounding mode. Only for code compiled with CPUK_TGT and run after
 * cpuk_supported().
 */
#ifndef AXON_CPU_SIMD_H
#define AXON_CPU_SIMD_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "drm/axon_isa.h"

#define CPUK_TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#define CPUK_AI __attribute__((always_inline)) inline

/* ROUND_F32 is implemented by the firmware (cpu_kernels.c). */
int cpuk_f32_ok(void);
/* Nonzero when the CPU has AVX-512 VBMI (cpu_lut.c). */
int cpuk_vbmi(void);

/* An operand: host pointer, type, zero point, dims and element strides. */
struct cpuk_tv {
	uint8_t *p;
	uint32_t dt;
	int32_t zp;
	uint64_t d[4];
	uint64_t s[4];
};

static inline void cpuk_tv_init(struct cpuk_tv *v, const struct axon_isa_tensor *t,
				void *p)
{
	v->p = p;
	v->dt = t->dtype;
	v->zp = t->zero_point;
	for (int i = 0; i < 4; i++) {
		v->d[i] = t->dims[i];
		v->s[i] = t->strides[i];
	}
}

static inline uint32_t cpuk_esize(uint32_t dt)
{
	return dt == AXON_ISA_INT16 ? 2 : dt == AXON_ISA_INT32 ? 4 : 1;
}

static inline int32_t cpuk_ld1(const uint8_t *p, uint32_t dt, uint64_t i)
{
	switch (dt) {
	case AXON_ISA_INT8:
		return (int8_t)p[i];
	case AXON_ISA_UINT8:
		return p[i];
	case AXON_ISA_INT16: {
		int16_t v;

		memcpy(&v, p + 2 * i, 2);
		return v;
	}
	default: {
		int32_t v;

		memcpy(&v, p + 4 * i, 4);
		return v;
	}
	}
}

/*
 * Collapse @n views of the same dims (element (i0..i3) of each at its own
 * strides) into at most 4 dims, innermost last: dims of size 1 dropped and
 * neighbours merged where every view's strides allow. The views' pointers
 * and types are untouched; only d[] and s[] change (d[0..2] outer).
 */
static inline void cpuk_collapse(struct cpuk_tv **v, int n)
{
	uint64_t D[4], S[4][4];
	int nd = 0, k;

	for (int i = 3; i >= 0; i--) {
		if (v[0]->d[i] == 1)
			continue;
		if (nd) {
			for (k = 0; k < n; k++)
				if (v[k]->s[i] != S[k][nd - 1] * D[nd - 1])
					break;
			if (k == n) {
				D[nd - 1] *= v[0]->d[i];
				continue;
			}
		}
		D[nd] = v[0]->d[i];
		for (k = 0; k < n; k++)
			S[k][nd] = v[k]->s[i];
		nd++;
	}
	for (k = 0; k < n; k++)
		for (int i = 0; i < 4; i++) {
			v[k]->d[3 - i] = i < nd ? D[i] : 1;
			v[k]->s[3 - i] = i < nd ? S[k][i] : 0;
		}
}

/*
 * For element-wise ops (every element of the output computed from the
 * same index of each input, in any order): cpuk_collapse(), then, when
 * the output (@v[n - 1]) is not contiguous along the innermost dim but is
 * along another, that dim swapped innermost in every view (channels-last
 * memory described as NCHW) and the views collapsed again.
 */
static inline void cpuk_collapse_ew(struct cpuk_tv **v, int n)
{
	const struct cpuk_tv *o = v[n - 1];
	uint64_t t;
	int i;

	cpuk_collapse(v, n);
	if (o->s[3] == 1)
		return;
	for (i = 2; i >= 0; i--)
		if (o->d[i] > 1 && o->s[i] == 1)
			break;
	if (i < 0)
		return;
	for (int k = 0; k < n; k++) {
		t = v[k]->d[i];
		v[k]->d[i] = v[k]->d[3];
		v[k]->d[3] = t;
		t = v[k]->s[i];
		v[k]->s[i] = v[k]->s[3];
		v[k]->s[3] = t;
	}
	cpuk_collapse(v, n);
}

static inline __mmask16 cpuk_mask16(uint64_t cnt)
{
	return cnt >= 16 ? 0xffff : (__mmask16)((1u << cnt) - 1);
}

/* @cnt (<= 16) elements at @p, element stride @st (0: broadcast), as int32 */
static CPUK_AI CPUK_TGT __m512i cpuk_load16(const uint8_t *p, uint32_t dt,
					    uint64_t st, uint64_t cnt)
{
	__mmask16 k = cpuk_mask16(cnt);
	int32_t t[16];

	if (st == 1) {
		switch (dt) {
		case AXON_ISA_INT8:
			return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(k, p));
		case AXON_ISA_UINT8:
			return _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(k, p));
		case AXON_ISA_INT16:
			return _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, p));
		default:
			return _mm512_maskz_loadu_epi32(k, p);
		}
	}
	if (st == 0)
		return _mm512_set1_epi32(cpuk_ld1(p, dt, 0));
	for (uint32_t i = 0; i < 16; i++)
		t[i] = i < cnt ? cpuk_ld1(p, dt, i * st) : 0;
	return _mm512_loadu_si512(t);
}

/* store @cnt (<= 16) values at @p (element 0), element stride @cs */
static CPUK_AI CPUK_TGT void cpuk_store16(uint8_t *p, uint32_t dt, uint64_t cs,
					  __m512i v, uint64_t cnt)
{
	__mmask16 k = cpuk_mask16(cnt);

	if (cs == 1) {
		if (dt == AXON_ISA_INT16)
			_mm512_mask_cvtepi32_storeu_epi16(p, k, v);
		else if (dt == AXON_ISA_INT32)
			_mm512_mask_storeu_epi32(p, k, v);
		else
			_mm512_mask_cvtepi32_storeu_epi8(p, k, v);
	} else {
		int32_t t[16];

		_mm512_storeu_si512(t, v);
		for (uint32_t i = 0; i < cnt; i++) {
			if (dt == AXON_ISA_INT16) {
				int16_t x = (int16_t)t[i];

				memcpy(p + 2 * i * cs, &x, 2);
			} else if (dt == AXON_ISA_INT32) {
				memcpy(p + 4 * i * cs, &t[i], 4);
			} else {
				p[i * cs] = (uint8_t)t[i];
			}
		}
	}
}

/* One scale (multiplier, shift, rounding) prepared for cpuk_resc16(). */
struct cpuk_scale {
	uint32_t mode;
	int32_t m;
	int64_t rnd;		/* SINGLE: rounding term */
	int32_t sh;		/* SINGLE: shift; DOUBLE: right shift rs */
	int32_t l;		/* DOUBLE: left shift */
	int64_t mask;		/* DOUBLE: 2^rs - 1 */
	float f;		/* F32: m * 2^-s, exact */
};

/* 0 when (m, s, mode) is outside the ISA's ranges (the reference decides) */
static inline int cpuk_scale_init(struct cpuk_scale *c, int32_t m, int32_t s,
				  uint32_t mode)
{
	union { uint32_t u; float f; } p2;

	if (m < 0 || s < 0 || s > 62 || mode > AXON_ISA_ROUND_F32)
		return 0;
	if (mode == AXON_ISA_ROUND_F32 && (m >= (1 << 24) || !cpuk_f32_ok()))
		return 0;
	c->mode = mode;
	c->m = m;
	if (mode == AXON_ISA_ROUND_SINGLE) {
		c->rnd = s > 0 ? (int64_t)1 << (s - 1) : 0;
		c->sh = s;
		c->l = 0;
		c->mask = 0;
	} else {
		c->rnd = 0;
		c->l = s < 31 ? 31 - s : 0;
		c->sh = s < 31 ? 0 : s - 31;
		c->mask = ((int64_t)1 << c->sh) - 1;
	}
	p2.u = (uint32_t)(127 - s) << 23;	/* 2^-s, a normal float */
	c->f = (float)m * p2.f;			/* m < 2^24: exact */
	return 1;
}

/* sat32 of 8 int64 lanes */
static CPUK_AI CPUK_TGT __m512i cpuk_sat32_64(__m512i r)
{
	r = _mm512_max_epi64(r, _mm512_set1_epi64(INT32_MIN));
	return _mm512_min_epi64(r, _mm512_set1_epi64(INT32_MAX));
}

/* DOUBLE rounding of 8 int64 lanes holding int32 values */
static CPUK_AI CPUK_TGT __m512i cpuk_rdouble8(__m512i v, const struct cpuk_scale *c)
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i x, ab, t, h, mask, rem, thr, r;
	__mmask8 k;

	x = cpuk_sat32_64(_mm512_sll_epi64(v, _mm_cvtsi32_si128(c->l)));
	ab = _mm512_mul_epi32(x, _mm512_set1_epi64(c->m));
	k = _mm512_cmplt_epi64_mask(ab, zero);
	t = _mm512_add_epi64(ab, _mm512_mask_blend_epi64(k, _mm512_set1_epi64(1 << 30),
							 _mm512_set1_epi64(1 - (1 << 30))));
	k = _mm512_cmplt_epi64_mask(t, zero);	/* truncating / 2^31 */
	t = _mm512_mask_add_epi64(t, k, t, _mm512_set1_epi64(((int64_t)1 << 31) - 1));
	h = _mm512_srai_epi64(t, 31);
	mask = _mm512_set1_epi64(c->mask);
	rem = _mm512_and_si512(h, mask);
	thr = _mm512_srli_epi64(mask, 1);
	k = _mm512_cmplt_epi64_mask(h, zero);
	thr = _mm512_mask_add_epi64(thr, k, thr, _mm512_set1_epi64(1));
	r = _mm512_sra_epi64(h, _mm_cvtsi32_si128(c->sh));
	r = _mm512_mask_add_epi64(r, _mm512_cmpgt_epi64_mask(rem, thr), r,
				  _mm512_set1_epi64(1));
	return cpuk_sat32_64(r);
}

/* axon_fw_rescale(v, m, s, mode) on 16 int32 lanes */
static CPUK_AI CPUK_TGT __m512i cpuk_resc16(__m512i v, const struct cpuk_scale *c)
{
	__m512i re, ro;

	if (c->mode == AXON_ISA_ROUND_F32) {
		const int rn = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
		__m512 f = _mm512_cvt_roundepi32_ps(v, rn);
		__mmask16 big;

		f = _mm512_mul_round_ps(f, _mm512_set1_ps(c->f), rn);
		f = _mm512_roundscale_ps(f, rn);
		big = _mm512_cmp_ps_mask(f, _mm512_set1_ps(2147483648.0f), _CMP_GE_OQ);
		/* below -2^31 converts to INT32_MIN: saturated already */
		return _mm512_mask_blend_epi32(big, _mm512_cvt_roundps_epi32(f, rn),
					       _mm512_set1_epi32(INT32_MAX));
	}
	if (c->mode == AXON_ISA_ROUND_SINGLE) {
		const __m512i m = _mm512_set1_epi64(c->m);
		const __m512i rnd = _mm512_set1_epi64(c->rnd);
		const __m128i sh = _mm_cvtsi32_si128(c->sh);

		re = _mm512_mul_epi32(v, m);	/* low halves: signed */
		ro = _mm512_mul_epi32(_mm512_srli_epi64(v, 32), m);
		re = cpuk_sat32_64(_mm512_sra_epi64(_mm512_add_epi64(re, rnd), sh));
		ro = cpuk_sat32_64(_mm512_sra_epi64(_mm512_add_epi64(ro, rnd), sh));
	} else {
		re = cpuk_rdouble8(_mm512_srai_epi64(_mm512_slli_epi64(v, 32), 32), c);
		ro = cpuk_rdouble8(_mm512_srai_epi64(v, 32), c);
	}
	return _mm512_mask_blend_epi32(0xaaaa, re, _mm512_slli_epi64(ro, 32));
}

/*
 * requant: y = clamp(zp + r, lo, hi) for r already int32, computed as
 * zp + clamp(r, lo - zp, hi - zp); see cpuk_clamp_init().
 */
struct cpuk_clamp {
	int32_t lo, hi, zp;
};

/* 0 when lo - zp or hi - zp leaves int32 (the reference decides) */
static inline int cpuk_clamp_init(struct cpuk_clamp *q, int32_t zp, int32_t lo,
				  int32_t hi)
{
	int64_t a = (int64_t)lo - zp, b = (int64_t)hi - zp;

	if (a < INT32_MIN || b > INT32_MAX || a > INT32_MAX || b < INT32_MIN)
		return 0;
	q->lo = (int32_t)a;
	q->hi = (int32_t)b;
	q->zp = zp;
	return 1;
}

static CPUK_AI CPUK_TGT __m512i cpuk_clamp16(__m512i r, const struct cpuk_clamp *q)
{
	r = _mm512_max_epi32(r, _mm512_set1_epi32(q->lo));
	r = _mm512_min_epi32(r, _mm512_set1_epi32(q->hi));
	return _mm512_add_epi32(r, _mm512_set1_epi32(q->zp));
}

#endif
