// SPDX-License-Identifier: MIT
/*
 * SOFTMAX and LAYERNORM for the cpu backend, identical to
 * firmware/ops_softmax.c and firmware/ops_layernorm.c. The per-row scalar
 * parts (the row's sum, den = isqrt(V * n + eps_term)) are computed exactly
 * as the firmware does; the per-element parts run on 16 lanes, the 64-bit
 * divisions as a double-precision quotient corrected to the exact floor
 * (dividends below 2^53, so the estimate is off by at most one).
 */
#include <stdlib.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"

/* floor(n / d) on 8 lanes, n < 2^53, 0 < d < 2^53 */
static CPUK_AI CPUK_TGT __m512i udiv8(__m512i n, __m512i d, __m512d dd)
{
	const __m512i one = _mm512_set1_epi64(1);
	__m512i q, r;

	q = _mm512_cvttpd_epu64(_mm512_div_pd(_mm512_cvtepu64_pd(n), dd));
	r = _mm512_sub_epi64(n, _mm512_mullo_epi64(q, d));
	q = _mm512_mask_sub_epi64(q, _mm512_cmplt_epi64_mask(r, _mm512_setzero_si512()),
				  q, one);
	return _mm512_mask_add_epi64(q, _mm512_cmpge_epi64_mask(r, d), q, one);
}

/* int32 lanes of the even / odd halves of 8 64-bit lanes, back to 16 */
static CPUK_AI CPUK_TGT __m512i join16(__m512i ev, __m512i od)
{
	return _mm512_mask_blend_epi32(0xaaaa, ev, _mm512_slli_epi64(od, 32));
}

static CPUK_AI CPUK_TGT __m512i ev64(__m512i v)
{
	return _mm512_srai_epi64(_mm512_slli_epi64(v, 32), 32);
}

static CPUK_AI CPUK_TGT __m512i od64(__m512i v)
{
	return _mm512_srai_epi64(v, 32);
}

/* ------------------------------------------------------------------ */
/* SOFTMAX */

struct sm_row {
	const uint8_t *x;
	uint8_t *o;
	uint64_t n, xs, os;
	uint32_t xdt, odt;
	const int32_t *tab;	/* T[0..255] widened */
	uint64_t mult;
	int64_t zp, lo, hi;
};

static CPUK_AI CPUK_TGT __m512i sm_d(const struct sm_row *r, uint64_t i, __m512i vmax)
{
	__m512i v = cpuk_load16(r->x + i * r->xs, r->xdt, r->xs, r->n - i);

	/* xmax - x lies in 0..255 for 8-bit inputs: no clamp needed */
	return _mm512_sub_epi32(vmax, v);
}

static CPUK_TGT void sm_run_row(const struct sm_row *r)
{
	__m512i acc = _mm512_set1_epi32(INT32_MIN), s32 = _mm512_setzero_si512();
	__m512i vmax, t, n, qe, qo, y, zp, lo, hi, lim, vs, half;
	__m512d ds;
	uint64_t sum, i;
	int32_t xmax;

	for (i = 0; i < r->n; i += 16)
		acc = _mm512_mask_max_epi32(acc, cpuk_mask16(r->n - i), acc,
					    cpuk_load16(r->x + i * r->xs, r->xdt,
							r->xs, r->n - i));
	xmax = _mm512_reduce_max_epi32(acc);
	vmax = _mm512_set1_epi32(xmax);
	/* per lane at most 4096 terms < 2^16: no overflow */
	for (i = 0; i < r->n; i += 16) {
		__mmask16 k = cpuk_mask16(r->n - i);

		t = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), k,
						sm_d(r, i, vmax), r->tab, 4);
		s32 = _mm512_add_epi32(s32, t);
	}
	sum = (uint64_t)_mm512_reduce_add_epi64(
		_mm512_add_epi64(_mm512_cvtepu32_epi64(_mm512_castsi512_si256(s32)),
				 _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(s32, 1))));
	zp = _mm512_set1_epi64(r->zp);
	lo = _mm512_set1_epi64(r->lo);
	hi = _mm512_set1_epi64(r->hi);
	lim = _mm512_set1_epi64((int64_t)1 << 40);
	vs = _mm512_set1_epi64((int64_t)(sum ? sum : 1));
	ds = _mm512_set1_pd((double)(sum ? sum : 1));
	half = _mm512_set1_epi64((int64_t)(sum / 2));
	for (i = 0; i < r->n; i += 16) {
		if (sum) {
			t = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(),
							cpuk_mask16(r->n - i),
							sm_d(r, i, vmax), r->tab, 4);
			/* T * out_mult + sum / 2 < 2^47 + 2^31 */
			n = _mm512_add_epi64(_mm512_mul_epu32(t, _mm512_set1_epi64(r->mult)),
					     half);
			qe = udiv8(n, vs, ds);
			n = _mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64(t, 32),
							      _mm512_set1_epi64(r->mult)),
					     half);
			qo = udiv8(n, vs, ds);
		} else {
			qe = qo = _mm512_setzero_si512();
		}
		y = _mm512_add_epi64(zp, _mm512_min_epu64(qe, lim));
		qe = _mm512_min_epi64(_mm512_max_epi64(y, lo), hi);
		y = _mm512_add_epi64(zp, _mm512_min_epu64(qo, lim));
		qo = _mm512_min_epi64(_mm512_max_epi64(y, lo), hi);
		cpuk_store16(r->o + i * r->os, r->odt, r->os, join16(qe, qo),
			     r->n - i < 16 ? r->n - i : 16);
	}
}

static int is8(uint32_t dt)
{
	return dt == AXON_ISA_INT8 || dt == AXON_ISA_UINT8;
}

int cpuk_softmax(const struct axon_isa_softmax *p, void *const *ops)
{
	const uint8_t *tb = ops[2];
	struct cpuk_tv x, o;
	struct sm_row r;
	int32_t tab[256];

	cpuk_tv_init(&x, &p->in, ops[0]);
	cpuk_tv_init(&o, &p->out, ops[1]);
	if (!is8(x.dt) || !is8(o.dt) || !tb || x.d[3] != o.d[3] || !x.d[3] ||
	    x.d[3] > 65536 || p->out_mult >= 1u << 31)
		return 0;
	for (int i = 0; i < 256; i++) {
		uint16_t v;

		memcpy(&v, tb + 2 * i, 2);
		tab[i] = v;
	}
	r.tab = tab;
	r.n = o.d[3];
	r.xs = x.s[3];
	r.os = o.s[3];
	r.xdt = x.dt;
	r.odt = o.dt;
	r.mult = p->out_mult;
	r.zp = o.zp;
	r.lo = o.dt == AXON_ISA_INT8 ? -128 : 0;
	r.hi = o.dt == AXON_ISA_INT8 ? 127 : 255;
	for (uint64_t i0 = 0; i0 < o.d[0]; i0++)
		for (uint64_t i1 = 0; i1 < o.d[1]; i1++)
			for (uint64_t i2 = 0; i2 < o.d[2]; i2++) {
				r.x = x.p + i0 * x.s[0] + i1 * x.s[1] + i2 * x.s[2];
				r.o = o.p + i0 * o.s[0] + i1 * o.s[1] + i2 * o.s[2];
				sm_run_row(&r);
			}
	return 1;
}

/* ------------------------------------------------------------------ */
/* LAYERNORM */

/* floor(sqrt(x)), as firmware/rescale.c */
static uint64_t isqrt64(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

struct ln_row {
	const uint8_t *x;
	uint8_t *o;
	uint64_t xs, os;
	uint32_t n, xdt, odt, fbits;
	int32_t zp;
	uint64_t eps;
	const int32_t *gamma, *beta;
	struct cpuk_scale sc;
	struct cpuk_clamp cl;
};

static CPUK_AI CPUK_TGT __m512i ln_xc(const struct ln_row *r, uint32_t i)
{
	return _mm512_sub_epi32(cpuk_load16(r->x + i * r->xs, r->xdt, r->xs, r->n - i),
				_mm512_set1_epi32(r->zp));
}

/* z * gamma + beta, saturated to int32, on 8 64-bit lanes */
static CPUK_AI CPUK_TGT __m512i ln_affine(__m512i num, __m512i vden, __m512d dden,
					  __m512i hden, int zero, __m512i g, __m512i b)
{
	__m512i z, q;

	if (zero) {
		z = _mm512_setzero_si512();
	} else {
		q = udiv8(_mm512_add_epi64(_mm512_abs_epi64(num), hden), vden, dden);
		z = _mm512_mask_sub_epi64(q, _mm512_cmplt_epi64_mask(num, _mm512_setzero_si512()),
					  _mm512_setzero_si512(), q);
	}
	return cpuk_sat32_64(_mm512_add_epi64(_mm512_mullo_epi64(z, g), b));
}

static CPUK_TGT void ln_run_row(const struct ln_row *r)
{
	const uint32_t n = r->n;
	__m512i s32 = _mm512_setzero_si512(), v64 = _mm512_setzero_si512();
	__m512i vsum, vn, d, nf, vden, hden, g, b, ae, ao;
	__m512d dden;
	int64_t sum;
	uint64_t var, t, den;
	uint32_t i;

	/* |xc| <= 255, n <= 1024: int32 sums, |d| < 2^19 */
	for (i = 0; i < n; i += 16)
		s32 = _mm512_add_epi32(s32, _mm512_maskz_mov_epi32(cpuk_mask16(n - i),
								   ln_xc(r, i)));
	sum = _mm512_reduce_add_epi32(s32);
	vsum = _mm512_set1_epi32((int32_t)sum);
	vn = _mm512_set1_epi32((int32_t)n);
	for (i = 0; i < n; i += 16) {
		d = _mm512_maskz_sub_epi32(cpuk_mask16(n - i),
					   _mm512_mullo_epi32(vn, ln_xc(r, i)), vsum);
		v64 = _mm512_add_epi64(v64, _mm512_mul_epi32(d, d));
		d = _mm512_srli_epi64(d, 32);
		v64 = _mm512_add_epi64(v64, _mm512_mul_epi32(d, d));
	}
	var = (uint64_t)_mm512_reduce_add_epi64(v64);
	t = var * n;
	t = t + r->eps < t ? ~0ull : t + r->eps;
	den = isqrt64(t);
	vden = _mm512_set1_epi64((int64_t)(den ? den : 1));
	dden = _mm512_set1_pd((double)(den ? den : 1));
	hden = _mm512_set1_epi64((int64_t)(den / 2));
	nf = _mm512_set1_epi64((int64_t)n << r->fbits);	/* <= 2^30 */
	for (i = 0; i < n; i += 16) {
		__mmask16 k = cpuk_mask16(n - i);

		d = _mm512_sub_epi32(_mm512_mullo_epi32(vn, ln_xc(r, i)), vsum);
		g = _mm512_maskz_loadu_epi32(k, r->gamma + i);
		b = _mm512_maskz_loadu_epi32(k, r->beta + i);
		/* |d * n * 2^F| < 2^49 */
		ae = ln_affine(_mm512_mul_epi32(d, nf), vden, dden, hden, !den,
			       ev64(g), ev64(b));
		ao = ln_affine(_mm512_mul_epi32(_mm512_srli_epi64(d, 32), nf), vden, dden,
			       hden, !den, od64(g), od64(b));
		cpuk_store16(r->o + (uint64_t)i * r->os * cpuk_esize(r->odt), r->odt, r->os,
			     cpuk_clamp16(cpuk_resc16(join16(ae, ao), &r->sc), &r->cl),
			     n - i < 16 ? n - i : 16);
	}
}

int cpuk_layernorm(const struct axon_isa_layernorm *p, void *const *ops)
{
	struct cpuk_tv x, o;
	struct ln_row r;
	uint32_t es;

	cpuk_tv_init(&x, &p->in, ops[0]);
	cpuk_tv_init(&o, &p->out, ops[1]);
	if (!is8(x.dt) || !ops[2] || x.d[3] != o.d[3] || !x.d[3] || x.d[3] > 1024 ||
	    (p->z_bits && (p->z_bits < 11 || p->z_bits > 20)) ||
	    o.dt < AXON_ISA_INT8 || o.dt > AXON_ISA_INT32 ||
	    !cpuk_scale_init(&r.sc, p->rq.multiplier, p->rq.shift, p->rounding) ||
	    !cpuk_clamp_init(&r.cl, o.zp, p->act_min, p->act_max))
		return 0;
	r.n = (uint32_t)x.d[3];
	r.xs = x.s[3];
	r.os = o.s[3];
	r.xdt = x.dt;
	r.odt = o.dt;
	r.fbits = p->z_bits ? p->z_bits : 11;
	r.zp = x.zp;
	r.eps = p->eps_term;
	r.gamma = ops[2];
	r.beta = r.gamma + r.n;
	es = cpuk_esize(o.dt);
	for (uint64_t i0 = 0; i0 < o.d[0]; i0++)
		for (uint64_t i1 = 0; i1 < o.d[1]; i1++)
			for (uint64_t i2 = 0; i2 < o.d[2]; i2++) {
				r.x = x.p + i0 * x.s[0] + i1 * x.s[1] + i2 * x.s[2];
				r.o = o.p + es * (i0 * o.s[0] + i1 * o.s[1] + i2 * o.s[2]);
				ln_run_row(&r);
			}
	return 1;
}
