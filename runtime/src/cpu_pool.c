// SPDX-License-Identifier: MIT
/*
 * POOL (max, average with either padding convention, global average) for
 * the cpu backend, 16 channels at a time (AVX-512), bit-identical to
 * firmware/ops_pool.c:
 *
 *   MAX: acc = max over the window's valid taps of (in - zp_in);
 *   AVG: acc = sum over the valid taps of (in - zp_in), with scale entry
 *        min(n, count) - 1 (n: valid taps, or kh * kw with COUNT_PAD);
 *   out = clamp(zp + rescale(acc), act_min, act_max).
 *
 * The sum is kept in int32; the kernel only runs when kh * kw * max|in -
 * zp_in| < 2^31, so it is exact and the reference's sat32() is the
 * identity. Every scale entry a window could use is checked first: a bad
 * one makes the kernel decline (nothing written), and the reference
 * reports it.
 */
#include <stdlib.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"

static CPUK_TGT void pool_run(const struct axon_isa_pool *p, const struct cpuk_tv *x,
			      const struct cpuk_tv *o, const struct cpuk_scale *sc,
			      uint32_t nsc, const struct cpuk_clamp *q)
{
	uint32_t ex = cpuk_esize(x->dt), eo = cpuk_esize(o->dt);
	int avg = p->kind == AXON_ISA_POOL_AVG;
	uint64_t C = o->d[3];

	for (uint64_t n = 0; n < o->d[0]; n++)
		for (uint64_t oy = 0; oy < o->d[1]; oy++)
			for (uint64_t ox = 0; ox < o->d[2]; ox++) {
				int64_t y0 = (int64_t)oy * p->stride_h - p->pad_top;
				int64_t x0 = (int64_t)ox * p->stride_w - p->pad_left;
				uint64_t ya = y0 < 0 ? 0 : (uint64_t)y0;
				uint64_t xa = x0 < 0 ? 0 : (uint64_t)x0;
				uint64_t yb = y0 + p->kernel_h > (int64_t)x->d[1] ? x->d[1] :
					      (uint64_t)(y0 + p->kernel_h);
				uint64_t xb = x0 + p->kernel_w > (int64_t)x->d[2] ? x->d[2] :
					      (uint64_t)(x0 + p->kernel_w);
				uint32_t taps = (uint32_t)((yb - ya) * (xb - xa));
				uint32_t cnt = p->hdr.flags & AXON_ISA_F_COUNT_PAD ?
					       (uint32_t)p->kernel_h * p->kernel_w : taps;
				const struct cpuk_scale *s = avg ?
					&sc[(cnt < nsc ? cnt : nsc) - 1] : &sc[0];
				const __m512i zsum = _mm512_set1_epi32((int32_t)
							((uint32_t)taps * (uint32_t)x->zp));
				const uint8_t *base = x->p + ex * n * x->s[0];
				uint8_t *po = o->p + eo * (n * o->s[0] + oy * o->s[1] +
							   ox * o->s[2]);

				for (uint64_t c = 0; c < C; c += 16) {
					uint64_t m = C - c < 16 ? C - c : 16;
					__m512i acc = avg ? _mm512_setzero_si512() :
						      _mm512_set1_epi32(INT32_MIN);

					for (uint64_t iy = ya; iy < yb; iy++)
						for (uint64_t ix = xa; ix < xb; ix++) {
							__m512i v = cpuk_load16(base +
								ex * (iy * x->s[1] + ix * x->s[2] +
								      c * x->s[3]),
								x->dt, x->s[3], m);

							acc = avg ? _mm512_add_epi32(acc, v) :
								    _mm512_max_epi32(acc, v);
						}
					/* wrapping int32 arithmetic: the exact sum fits */
					acc = _mm512_sub_epi32(acc, avg ? zsum :
							       _mm512_set1_epi32(x->zp));
					cpuk_store16(po + eo * c * o->s[3], o->dt, o->s[3],
						     cpuk_clamp16(cpuk_resc16(acc, s), q), m);
				}
			}
}

int cpuk_pool(const struct axon_isa_pool *p, void *const *ops)
{
	struct cpuk_tv x, o;
	struct cpuk_scale *sc;
	struct cpuk_clamp q;
	uint64_t taps = (uint64_t)p->kernel_h * p->kernel_w, ma;
	uint32_t nsc, i;
	int ok = 0;

	cpuk_tv_init(&x, &p->in, ops[0]);
	cpuk_tv_init(&o, &p->out, ops[1]);
	if (x.dt == AXON_ISA_INT32 || !p->rq.count || !p->kernel_h || !p->kernel_w ||
	    p->kind > AXON_ISA_POOL_AVG)
		return 0;
	/* max |in - zp| (and max |in|) for the int32 sum */
	ma = x.dt == AXON_ISA_INT16 ? 65536 : 256;
	if (taps * ma >= (1ull << 31))
		return 0;
	nsc = p->kind == AXON_ISA_POOL_MAX ? 1 :
	      (uint32_t)(p->rq.count < taps ? p->rq.count : taps);
	sc = malloc(nsc * sizeof(*sc));
	if (!sc)
		return 0;
	for (i = 0; i < nsc; i++) {
		const volatile int32_t *e = (const volatile int32_t *)ops[2] + 2 * (uint64_t)i;

		if (!cpuk_scale_init(&sc[i], e[0], e[1], p->rq.rounding))
			break;
	}
	if (i == nsc && cpuk_clamp_init(&q, o.zp, p->act_min, p->act_max)) {
		pool_run(p, &x, &o, sc, nsc, &q);
		ok = 1;
	}
	free(sc);
	return ok;
}
