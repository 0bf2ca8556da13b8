// SPDX-License-Identifier: MIT
/*
 * Faster CONV2D / MATMUL for the cpu backend (AVX-512 VNNI), bit-identical
 * to the firmware's reference kernels. See cpu_kernels.h.
 *
 * Arithmetic. With activations a (int8 or uint8) and weights w (int8 or
 * uint8), the kernels work on a_u = a (uint8) or a + 128 (int8) and on
 * w_s = w (int8) or w - 128 (uint8), with zero points za' and zw' shifted
 * alike, so that (a - za)(w - zw) = (a_u - za')(w_s - zw') and
 *
 *   sum (a_u - za')(w_s - zw') = sum a_u w_s - zw' sum a_u - za' sum w_s
 *                                + K za' zw'
 *
 * where sum a_u w_s is what vpdpbusd computes (uint8 x int8, exact 32-bit
 * partial sums, wrapping adds). Every term is computed modulo 2^32. A
 * kernel only runs when |bias| + K * max|a - za| * max|w - zw| < 2^31, so
 * the exact accumulator fits in int32: the modular result is the exact
 * one, and the reference's sat32() is the identity. Padded taps hold
 * a_u = za' and thus contribute 0, as in the reference.
 *
 * Requantization is vectorised for each rounding mode of axon_isa.h in
 * 64-bit lanes (SINGLE, DOUBLE: the exact integer formulas) or in float32
 * (F32, which the ISA defines as float32 arithmetic, with explicit
 * round-to-nearest-even so the MXCSR mode does not matter).
 * y = zp + clamp(r, act_min - zp, act_max - zp) equals the reference's
 * clamp(zp + sat32(r), act_min, act_max) because the clamp bounds lie
 * inside int32.
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"
#include "axon_fw.h"

#define TGT CPUK_TGT
#define AI CPUK_AI

#define MB	64u	/* rows (output pixels) per block */

struct tv {
	uint8_t *p;
	uint32_t dt;
	int32_t zp;
	uint32_t d[4];
	uint64_t s[4];
};

static void tv_init(struct tv *v, const struct axon_isa_tensor *t, void *p)
{
	v->p = p;
	v->dt = t->dtype;
	v->zp = t->zero_point;
	for (int i = 0; i < 4; i++) {
		v->d[i] = t->dims[i];
		v->s[i] = t->strides[i];
	}
}

static inline uint64_t off4(const struct tv *t, uint64_t a, uint64_t b,
			    uint64_t c, uint64_t d)
{
	return a * t->s[0] + b * t->s[1] + c * t->s[2] + d * t->s[3];
}

static int is8(uint32_t dt)
{
	return dt == AXON_ISA_INT8 || dt == AXON_ISA_UINT8;
}

/* ------------------------------------------------------------------ */
/* CPU and environment */

int cpuk_supported(void)
{
	static int v = -1;

	if (v < 0) {
		__builtin_cpu_init();
		v = __builtin_cpu_supports("avx512f") &&
		    __builtin_cpu_supports("avx512bw") &&
		    __builtin_cpu_supports("avx512vl") &&
		    __builtin_cpu_supports("avx512dq") &&
		    __builtin_cpu_supports("avx512vnni");
	}
	return v;
}

int cpuk_enabled(void)
{
	static int v = -1;

	if (v < 0) {
		const char *e = getenv("AXON_CPU_KERNELS");

		v = !(e && !strcmp(e, "ref")) && cpuk_supported();
	}
	return v;
}

/* ROUND_F32 only once the firmware implements it (ISA 1.1). */
int cpuk_f32_ok(void)
{
	static int v = -1;

	if (v < 0)
		v = axon_fw_rescale(3, 1 << 23, 23, AXON_ISA_ROUND_F32) == 3 &&
		    axon_fw_rescale(5, 1 << 23, 24, AXON_ISA_ROUND_F32) == 2 &&
		    axon_fw_rescale(-7, 1 << 23, 24, AXON_ISA_ROUND_F32) == -4;
	return v;
}

/* ------------------------------------------------------------------ */
/* Requantization parameters, per output channel (padded) */

struct rqp {
	uint32_t mode;
	int64_t *m64, *a64, *b64, *c64;
	float *scale;
	int32_t *m32, *r32, *z32, *s32;	/* ROUND_SINGLE with every shift >= 32 */
	int single_hi;			/* ... that case (2: all > 32), see requant16() */
	int32_t zp;
	int64_t lo, hi;
	void *mem;
};

static float pow2neg(int s)
{
	union { uint32_t u; float f; } x = { .u = (uint32_t)(127 - s) << 23 };

	return x.f;	/* 0 <= s <= 62: a normal float, exact */
}

static int rqp_build(struct rqp *q, const struct axon_isa_rqtab *t,
		     const int32_t *tab, uint32_t nch, int32_t zp,
		     int32_t amin, int32_t amax, uint32_t odt)
{
	uint32_t npad = nch + 48, i;
	int hi32 = 1, gt32 = 1;

	q->mode = t->rounding;
	if (q->mode > AXON_ISA_ROUND_F32)
		return 0;
	if (q->mode == AXON_ISA_ROUND_F32 &&
	    (!cpuk_f32_ok() || odt == AXON_ISA_INT32))
		return 0;
	q->mem = malloc((size_t)npad * (4 * sizeof(int64_t) + sizeof(float) +
					 4 * sizeof(int32_t)));
	if (!q->mem)
		return 0;
	q->m64 = q->mem;
	q->a64 = q->m64 + npad;
	q->b64 = q->a64 + npad;
	q->c64 = q->b64 + npad;
	q->scale = (float *)(q->c64 + npad);
	q->m32 = (int32_t *)(q->scale + npad);
	q->r32 = q->m32 + npad;
	q->z32 = q->r32 + npad;
	q->s32 = q->z32 + npad;
	for (i = 0; i < npad; i++) {
		int32_t mm = 0, ss = 0;

		if (i < nch) {
			uint32_t idx = t->count == 1 ? 0 : i;

			mm = ((const volatile int32_t *)tab)[2 * idx];
			ss = ((const volatile int32_t *)tab)[2 * idx + 1];
			if (mm < 0 || ss < 0 || ss > 62 ||
			    (q->mode == AXON_ISA_ROUND_F32 && mm >= (1 << 24))) {
				free(q->mem);
				return 0;	/* the reference reports it */
			}
		}
		q->m64[i] = mm;
		if (q->mode == AXON_ISA_ROUND_SINGLE) {
			q->a64[i] = ss > 0 ? (int64_t)1 << (ss - 1) : 0;
			q->b64[i] = ss;
			q->c64[i] = 0;
		} else {
			int rs = ss < 31 ? 0 : ss - 31;

			q->a64[i] = ss < 31 ? 31 - ss : 0;
			q->b64[i] = rs;
			q->c64[i] = ((int64_t)1 << rs) - 1;
		}
		q->scale[i] = (float)mm * pow2neg(ss);
		if (i < nch && ss < 32)
			hi32 = 0;
		if (i < nch && ss <= 32)
			gt32 = 0;
		ss = ss < 32 ? 0 : ss - 32;
		q->m32[i] = mm;
		q->s32[i] = ss;
		q->r32[i] = ss ? 1 << (ss - 1) : 0;
		q->z32[i] = !ss;
	}
	q->zp = zp;
	q->lo = (int64_t)amin - zp;
	q->hi = (int64_t)amax - zp;
	q->single_hi = q->mode == AXON_ISA_ROUND_SINGLE && hi32 &&
		       q->lo >= INT32_MIN && q->hi <= INT32_MAX ? 1 + gt32 : 0;
	return 1;
}

/* r = clamp(rescale(v), lo, hi) for 8 int64 lanes holding int32 values */
static AI TGT __m512i rq8(__m512i v, const struct rqp *q, uint32_t n0)
{
	const __m512i zero = _mm512_setzero_si512();
	const __m512i one = _mm512_set1_epi64(1);
	__m512i m = _mm512_loadu_si512(q->m64 + n0), r;

	if (q->mode == AXON_ISA_ROUND_SINGLE) {
		r = _mm512_mul_epi32(v, m);
		r = _mm512_add_epi64(r, _mm512_loadu_si512(q->a64 + n0));
		r = _mm512_srav_epi64(r, _mm512_loadu_si512(q->b64 + n0));
	} else {
		__m512i x = _mm512_sllv_epi64(v, _mm512_loadu_si512(q->a64 + n0));
		__m512i ab, t, h, mask, rem, thr;
		__mmask8 k;

		x = _mm512_max_epi64(x, _mm512_set1_epi64(INT32_MIN));
		x = _mm512_min_epi64(x, _mm512_set1_epi64(INT32_MAX));
		ab = _mm512_mul_epi32(x, m);
		k = _mm512_cmplt_epi64_mask(ab, zero);
		t = _mm512_add_epi64(ab, _mm512_mask_blend_epi64(k,
				_mm512_set1_epi64(1 << 30),
				_mm512_set1_epi64(1 - (1 << 30))));
		k = _mm512_cmplt_epi64_mask(t, zero);	/* truncating / 2^31 */
		t = _mm512_mask_add_epi64(t, k, t,
					  _mm512_set1_epi64(((int64_t)1 << 31) - 1));
		h = _mm512_srai_epi64(t, 31);
		mask = _mm512_loadu_si512(q->c64 + n0);
		rem = _mm512_and_si512(h, mask);
		thr = _mm512_srli_epi64(mask, 1);
		k = _mm512_cmplt_epi64_mask(h, zero);
		thr = _mm512_mask_add_epi64(thr, k, thr, one);
		r = _mm512_srav_epi64(h, _mm512_loadu_si512(q->b64 + n0));
		r = _mm512_mask_add_epi64(r, _mm512_cmpgt_epi64_mask(rem, thr),
					  r, one);
	}
	r = _mm512_max_epi64(r, _mm512_set1_epi64(q->lo));
	return _mm512_min_epi64(r, _mm512_set1_epi64(q->hi));
}

/* 16 int32 accumulators of channels n0.. -> output values (int32) */
static AI TGT __m512i requant16(__m512i acc, const struct rqp *q, uint32_t n0)
{
	__m512i r;

	if (q->single_hi) {
		/*
		 * ROUND_SINGLE, s = 32 + t: with p = acc * m = H 2^32 + L,
		 * (p + 2^(s-1)) >> s = (H + 2^(t-1)) >> t (t > 0) or
		 * H + (L >= 2^31) (t = 0); |H| < 2^30, so all in int32.
		 */
		__m512i m = _mm512_loadu_si512(q->m32 + n0);
		__m512i pe = _mm512_mul_epi32(acc, m);
		__m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32),
					      _mm512_srli_epi64(m, 32));
		__m512i h = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(pe, 32), po);
		__m512i c = _mm512_loadu_si512(q->r32 + n0);

		if (q->single_hi == 1) {	/* some t = 0: carry of L's bit 31 */
			__m512i l = _mm512_mask_blend_epi32(0xaaaa, pe,
							    _mm512_slli_epi64(po, 32));

			c = _mm512_add_epi32(c, _mm512_and_si512(_mm512_srli_epi32(l, 31),
								 _mm512_loadu_si512(q->z32 + n0)));
		}
		r = _mm512_srav_epi32(_mm512_add_epi32(h, c),
				      _mm512_loadu_si512(q->s32 + n0));
		r = _mm512_max_epi32(r, _mm512_set1_epi32((int32_t)q->lo));
		r = _mm512_min_epi32(r, _mm512_set1_epi32((int32_t)q->hi));
	} else if (q->mode == AXON_ISA_ROUND_F32) {
		const int rn = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
		__m512 f = _mm512_cvt_roundepi32_ps(acc, rn);

		f = _mm512_mul_round_ps(f, _mm512_loadu_ps(q->scale + n0), rn);
		f = _mm512_roundscale_ps(f, rn);
		f = _mm512_max_ps(f, _mm512_set1_ps((float)q->lo));
		f = _mm512_min_ps(f, _mm512_set1_ps((float)q->hi));
		r = _mm512_cvt_roundps_epi32(f, rn);
	} else {
		__m512i lo = rq8(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(acc)),
				 q, n0);
		__m512i hi = rq8(_mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(acc, 1)),
				 q, n0 + 8);

		r = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(lo)),
				       _mm512_cvtepi64_epi32(hi), 1);
	}
	return _mm512_add_epi32(r, _mm512_set1_epi32(q->zp));
}

/* ------------------------------------------------------------------ */
/* Packed weights: B[K x N] as [N/16][K/4][16][4] int8, and column sums */

struct gpack {
	uint32_t K, N, Kq, nblk;
	int8_t *w;
	int32_t *colsum;	/* [nblk * 16], sum over k of w_s */
};

static int gp_alloc(struct gpack *g, uint32_t K, uint32_t N)
{
	g->K = K;
	g->N = N;
	g->Kq = (K + 3) / 4;
	g->nblk = (N + 15) / 16;
	g->w = aligned_alloc(64, (size_t)g->nblk * g->Kq * 64 + 64);
	g->colsum = calloc((size_t)g->nblk * 16 + 16, sizeof(int32_t));
	if (!g->w || !g->colsum) {
		free(g->w);
		free(g->colsum);
		return 0;
	}
	memset(g->w, 0, (size_t)g->nblk * g->Kq * 64);
	return 1;
}

static void gp_free(struct gpack *g)
{
	free(g->w);
	free(g->colsum);
}

static inline void gp_set(struct gpack *g, uint32_t k, uint32_t n, int8_t v)
{
	g->w[(((size_t)(n / 16) * g->Kq + k / 4) * 16 + n % 16) * 4 + k % 4] = v;
	g->colsum[n] += v;
}

static inline int8_t wconv(uint8_t x, uint32_t dt)
{
	return dt == AXON_ISA_INT8 ? (int8_t)x : (int8_t)(x - 128);
}

/* conv weights of group @g */
static void gp_conv(struct gpack *gp, const struct tv *w, uint32_t g,
		    uint32_t cout_g)
{
	uint32_t kh = w->d[1], kw = w->d[2], cin = w->d[3], k;

	for (uint32_t n = 0; n < cout_g; n++) {
		k = 0;
		for (uint32_t y = 0; y < kh; y++)
			for (uint32_t x = 0; x < kw; x++)
				for (uint32_t c = 0; c < cin; c++, k++)
					gp_set(gp, k, n,
					       wconv(w->p[off4(w, (uint64_t)g * cout_g + n,
							       y, x, c)], w->dt));
	}
}

/* matmul b of batch (i0, i1) */
static void gp_mm(struct gpack *gp, const struct tv *b, uint32_t i0, uint32_t i1)
{
	uint64_t base = off4(b, i0, i1, 0, 0);

	for (uint32_t k = 0; k < gp->K; k++)
		for (uint32_t n = 0; n < gp->N; n++)
			gp_set(gp, k, n, wconv(b->p[base + k * b->s[2] + n * b->s[3]],
					       b->dt));
}

/* ------------------------------------------------------------------ */
/* Cache of packed weights */

struct wobj {
	uint32_t ng;
	struct gpack *g;	/* [ng] */
	int32_t *w32;		/* depthwise: [KH*KW][Cpad] = w - zw */
	int8_t *w8;		/* depthwise, when every w - zw fits int8: see dw8_pack() */
	int32_t *wsum;		/* depthwise: [Cpad] sum over taps of w - zw */
};

static void wobj_free(struct wobj *o)
{
	if (!o)
		return;
	for (uint32_t i = 0; i < o->ng; i++)
		gp_free(&o->g[i]);
	free(o->g);
	free(o->w32);
	free(o->w8);
	free(o->wsum);
	free(o);
}

struct ckey {
	const void *p;
	uint32_t kind, dt, groups, pad;
	int32_t zp;
	uint32_t d[4];
	uint64_t s[4];
};

struct centry {
	struct ckey k;
	struct wobj *o;
	struct centry *next;
};

#define CBUCKETS 64

struct cpuk_cache {
	pthread_mutex_t mu;
	struct centry *b[CBUCKETS];
};

struct cpuk_cache *cpuk_cache_new(void)
{
	struct cpuk_cache *c = calloc(1, sizeof(*c));

	if (c)
		pthread_mutex_init(&c->mu, NULL);
	return c;
}

void cpuk_cache_free(struct cpuk_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < CBUCKETS; i++) {
		struct centry *e = c->b[i], *n;

		for (; e; e = n) {
			n = e->next;
			wobj_free(e->o);
			free(e);
		}
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static pthread_mutex_t slot_mu = PTHREAD_MUTEX_INITIALIZER;

struct cpuk_cache *cpuk_cache_get(struct cpuk_cache **slot)
{
	struct cpuk_cache *c;

	pthread_mutex_lock(&slot_mu);
	if (!*slot)
		*slot = cpuk_cache_new();
	c = *slot;
	pthread_mutex_unlock(&slot_mu);
	return c;
}

enum { K_CONV = 1, K_DW = 2, K_MM = 3 };

typedef struct wobj *(*build_fn)(const struct tv *w, const void *arg);

static void ckey_init(struct ckey *k, uint32_t kind, const struct tv *w,
		      uint32_t groups)
{
	memset(k, 0, sizeof(*k));
	k->p = w->p;
	k->kind = kind;
	k->dt = w->dt;
	k->zp = w->zp;
	k->groups = groups;
	memcpy(k->d, w->d, sizeof(k->d));
	memcpy(k->s, w->s, sizeof(k->s));
}

/* cached (when @c and @cacheable) or fresh (*@own set: caller frees) */
static struct wobj *wobj_get(struct cpuk_cache *c, int cacheable,
			     const struct ckey *k, build_fn fn,
			     const struct tv *w, const void *arg, int *own)
{
	struct centry *e;
	struct wobj *o;
	unsigned int h;

	*own = 0;
	if (!c || !cacheable) {
		*own = 1;
		return fn(w, arg);
	}
	h = (unsigned int)(((uintptr_t)k->p >> 4) ^ k->kind) % CBUCKETS;
	pthread_mutex_lock(&c->mu);
	for (e = c->b[h]; e; e = e->next)
		if (!memcmp(&e->k, k, sizeof(*k)))
			break;
	if (e) {
		o = e->o;
	} else {
		o = fn(w, arg);
		e = o ? malloc(sizeof(*e)) : NULL;
		if (e) {
			e->k = *k;
			e->o = o;
			e->next = c->b[h];
			c->b[h] = e;
		} else if (o) {
			*own = 1;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return o;
}

/* ------------------------------------------------------------------ */
/* GEMM: rows of A (uint8, K padded to 4 with zeros) x packed B */

static AI TGT void ukern(const uint8_t *const *ar, const int mr, const int nb,
			 const int8_t *b0, const int8_t *b1, uint32_t Kq,
			 __m512i acc[4][2])
{
	const uint8_t *a0 = ar[0], *a1 = ar[mr > 1], *a2 = ar[mr > 2 ? 2 : 0];
	const uint8_t *a3 = ar[mr > 3 ? 3 : 0];

	/* fully unrolled, so that the accumulators stay in registers */
#pragma GCC unroll 4
	for (int r = 0; r < 4; r++)
		acc[r][0] = acc[r][1] = _mm512_setzero_si512();
	for (uint32_t q = 0; q < Kq; q++) {
		__m512i w0 = _mm512_load_si512(b0 + 64 * (size_t)q);
		__m512i w1 = nb > 1 ? _mm512_load_si512(b1 + 64 * (size_t)q) : w0;

#pragma GCC unroll 4
		for (int r = 0; r < mr; r++) {
			int32_t av;
			__m512i a;

			memcpy(&av, (r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3) +
			       4 * (size_t)q, 4);
			a = _mm512_set1_epi32(av);
			acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], a, w0);
			if (nb > 1)
				acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], a, w1);
		}
	}
}

struct gemm_out {
	uint8_t *const *orow;	/* per row: byte address of channel 0 */
	uint32_t dt;
	uint64_t cs;		/* channel stride, elements */
	uint32_t qoff;		/* channel of column 0 in the rq tables */
};

static TGT void gemm_rows(const uint8_t *const *arow, const int32_t *rowcorr,
			  uint32_t M, const struct gpack *gp, const int32_t *cterm,
			  const struct rqp *q, const struct gemm_out *go)
{
	uint32_t es = cpuk_esize(go->dt);

	for (uint32_t nb0 = 0; nb0 < gp->nblk; nb0 += 2) {
		int nb = gp->nblk - nb0 >= 2 ? 2 : 1;
		const int8_t *b0 = gp->w + (size_t)nb0 * gp->Kq * 64;
		const int8_t *b1 = b0 + (size_t)gp->Kq * 64;

		for (uint32_t m0 = 0; m0 < M; m0 += 4) {
			int mr = M - m0 >= 4 ? 4 : (int)(M - m0);
			__m512i acc[4][2];

			if (nb == 2) {
				switch (mr) {
				case 4: ukern(arow + m0, 4, 2, b0, b1, gp->Kq, acc); break;
				case 3: ukern(arow + m0, 3, 2, b0, b1, gp->Kq, acc); break;
				case 2: ukern(arow + m0, 2, 2, b0, b1, gp->Kq, acc); break;
				default: ukern(arow + m0, 1, 2, b0, b1, gp->Kq, acc); break;
				}
			} else {
				switch (mr) {
				case 4: ukern(arow + m0, 4, 1, b0, b1, gp->Kq, acc); break;
				case 3: ukern(arow + m0, 3, 1, b0, b1, gp->Kq, acc); break;
				case 2: ukern(arow + m0, 2, 1, b0, b1, gp->Kq, acc); break;
				default: ukern(arow + m0, 1, 1, b0, b1, gp->Kq, acc); break;
				}
			}
			for (int r = 0; r < mr; r++) {
				__m512i rc = _mm512_set1_epi32(rowcorr ? rowcorr[m0 + r] : 0);

				for (int j = 0; j < nb; j++) {
					uint32_t n0 = (nb0 + j) * 16;
					uint32_t cnt = gp->N - n0 < 16 ? gp->N - n0 : 16;
					__m512i v = _mm512_add_epi32(acc[r][j],
							_mm512_loadu_si512(cterm + n0));

					v = _mm512_sub_epi32(v, rc);
					v = requant16(v, q, go->qoff + n0);
					cpuk_store16(go->orow[m0 + r] + (uint64_t)es * go->cs * n0,
						go->dt, go->cs, v, cnt);
				}
			}
		}
	}
}

/* cterm[n] = bias[n] - za' * colsum[n] + K * za' * zw'  (mod 2^32) */
static void make_cterm(int32_t *ct, const struct gpack *gp, const int32_t *bias,
		       uint32_t za, int32_t zw)
{
	for (uint32_t n = 0; n < gp->nblk * 16; n++) {
		uint32_t v = n < gp->N && bias ? (uint32_t)bias[n] : 0;

		v -= za * (uint32_t)gp->colsum[n];
		v += (uint32_t)gp->K * za * (uint32_t)zw;
		ct[n] = (int32_t)v;
	}
}

/* |bias| + K * max|a - za| * max|w - zw| < 2^31 ? */
static int bounded(uint64_t K, uint32_t za_u, int32_t zw_s, const int32_t *bias,
		   uint32_t nb)
{
	uint64_t ma = za_u > 255 - za_u ? za_u : 255 - za_u;
	uint64_t mw = (uint64_t)(zw_s + 128 > 127 - zw_s ? zw_s + 128 : 127 - zw_s);
	uint64_t mb = 0, t;

	for (uint32_t i = 0; bias && i < nb; i++) {
		t = bias[i] < 0 ? (uint64_t)-(int64_t)bias[i] : (uint64_t)bias[i];
		mb = t > mb ? t : mb;
	}
	if (K > AXON_ISA_MAX_TERMS)
		return 0;
	return K * ma * mw + mb <= INT32_MAX;
}

static int32_t *load_bias(const void *p, const struct axon_isa_tensor *t,
			  uint32_t n, int has)
{
	int32_t *b = calloc((size_t)n + 32, sizeof(int32_t));

	if (b && has)
		for (uint32_t i = 0; i < n; i++)
			memcpy(&b[i], (const uint8_t *)p + 4 * (uint64_t)i * t->strides[3], 4);
	return b;
}

/* ------------------------------------------------------------------ */
/* CONV2D */

struct conv_arg {
	uint32_t groups, cout_g;
};

static struct wobj *build_conv(const struct tv *w, const void *arg)
{
	const struct conv_arg *a = arg;
	struct wobj *o = calloc(1, sizeof(*o));
	uint32_t K = w->d[1] * w->d[2] * w->d[3];

	if (!o)
		return NULL;
	o->g = calloc(a->groups, sizeof(*o->g));
	if (!o->g) {
		free(o);
		return NULL;
	}
	for (uint32_t g = 0; g < a->groups; g++) {
		if (!gp_alloc(&o->g[g], K, a->cout_g)) {
			wobj_free(o);
			return NULL;
		}
		o->ng = g + 1;
		gp_conv(&o->g[g], w, g, a->cout_g);
	}
	return o;
}

/*
 * Depthwise weights for conv_dw8(): for each block b of 64 channels and
 * group g of 4 taps, 4 vectors j of 64 bytes; byte 4 * i + u of 128-bit
 * lane L of vector j holds w - zw of tap 4 g + u, channel 64 b + 16 L +
 * 4 j + i (0 past the last tap or channel). This is the order in which
 * dw8_gather() interleaves 4 taps of 64 input channels.
 */
static size_t dw8_idx(uint32_t ng, uint32_t c, uint32_t t)
{
	uint32_t b = c / 64, L = c % 64 / 16, j = c % 16 / 4, i = c % 4;

	return (((size_t)b * ng + t / 4) * 4 + j) * 64 + L * 16 + i * 4 + t % 4;
}

static void dw8_pack(struct wobj *o, uint32_t C, uint32_t taps)
{
	uint32_t cp = (C + 15) / 16 * 16, ng = (taps + 3) / 4, cb = (C + 63) / 64;

	for (size_t i = 0; i < (size_t)taps * C; i++) {
		int32_t v = o->w32[i / C * cp + i % C];

		if (v < -128 || v > 127)
			return;		/* conv_dw() only */
	}
	o->w8 = calloc((size_t)cb * ng * 256, 1);
	o->wsum = calloc((size_t)cb * 64, sizeof(int32_t));
	if (!o->w8 || !o->wsum) {
		free(o->w8);
		free(o->wsum);
		o->w8 = NULL;
		o->wsum = NULL;
		return;
	}
	for (uint32_t t = 0; t < taps; t++)
		for (uint32_t c = 0; c < C; c++) {
			int32_t v = o->w32[(size_t)t * cp + c];

			o->w8[dw8_idx(ng, c, t)] = (int8_t)v;
			o->wsum[c] += v;
		}
}

static struct wobj *build_dw(const struct tv *w, const void *arg)
{
	uint32_t C = w->d[0], cp = (C + 15) / 16 * 16, taps = w->d[1] * w->d[2];
	struct wobj *o = calloc(1, sizeof(*o));

	(void)arg;
	if (!o)
		return NULL;
	o->w32 = calloc((size_t)taps * cp + 16, sizeof(int32_t));
	if (!o->w32) {
		free(o);
		return NULL;
	}
	for (uint32_t t = 0; t < taps; t++)
		for (uint32_t c = 0; c < C; c++) {
			uint8_t x = w->p[off4(w, c, t / w->d[2], t % w->d[2], 0)];
			int32_t v = w->dt == AXON_ISA_INT8 ? (int8_t)x : x;

			o->w32[(size_t)t * cp + c] = v - w->zp;
		}
	dw8_pack(o, C, taps);
	return o;
}

static TGT void conv_dw(const struct axon_isa_conv2d *p, const struct tv *in,
			const struct tv *w, const struct tv *out,
			const int32_t *bias, const struct rqp *q, const int32_t *w32)
{
	uint32_t C = out->d[3], cp = (C + 15) / 16 * 16;
	uint32_t kh = w->d[1], kw = w->d[2], es = cpuk_esize(out->dt), nv;
	const __m512i za = _mm512_set1_epi32(in->zp);
	const uint8_t *src[256];
	uint32_t tap[256];

	for (uint32_t n = 0; n < out->d[0]; n++)
		for (uint32_t oy = 0; oy < out->d[1]; oy++)
			for (uint32_t ox = 0; ox < out->d[2]; ox++) {
				int64_t y0 = (int64_t)oy * p->stride_h - p->pad_top;
				int64_t x0 = (int64_t)ox * p->stride_w - p->pad_left;
				uint8_t *ob = out->p + (uint64_t)es * off4(out, n, oy, ox, 0);

				nv = 0;
				for (uint32_t ky = 0; ky < kh; ky++) {
					int64_t iy = y0 + (int64_t)ky * p->dilation_h;

					if (iy < 0 || iy >= in->d[1])
						continue;
					for (uint32_t kx = 0; kx < kw; kx++) {
						int64_t ix = x0 + (int64_t)kx * p->dilation_w;

						if (ix < 0 || ix >= in->d[2])
							continue;
						src[nv] = in->p + off4(in, n, iy, ix, 0);
						tap[nv++] = ky * kw + kx;
					}
				}
				for (uint32_t c0 = 0; c0 < C; c0 += 16) {
					uint32_t cnt = C - c0 < 16 ? C - c0 : 16;
					__mmask16 k = cnt >= 16 ? 0xffff :
						      (__mmask16)((1u << cnt) - 1);
					__m512i acc = _mm512_loadu_si512(bias + c0);

					for (uint32_t t = 0; t < nv; t++) {
						__m128i b = _mm_maskz_loadu_epi8(k, src[t] + c0);
						__m512i a = in->dt == AXON_ISA_INT8 ?
							_mm512_cvtepi8_epi32(b) :
							_mm512_cvtepu8_epi32(b);

						a = _mm512_sub_epi32(a, za);
						acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(a,
							_mm512_loadu_si512(w32 + (size_t)tap[t] * cp + c0)));
					}
					cpuk_store16(ob + (uint64_t)es * out->s[3] * c0, out->dt,
						out->s[3], requant16(acc, q, c0), cnt);
				}
			}
}

/* 4 taps of 64 channels (from @c0 of each of @s[0..3]) into @a[0..3] */
static AI TGT void dw8_mac4(const uint8_t *const *s, uint32_t c0, __mmask64 k,
			    const int x8, const int8_t *wb, __m512i *a)
{
	const __m512i vx = _mm512_set1_epi8(x8 ? (char)0x80 : 0);
	__m512i t0 = _mm512_maskz_loadu_epi8(k, s[0] + c0);
	__m512i t1 = _mm512_maskz_loadu_epi8(k, s[1] + c0);
	__m512i t2 = _mm512_maskz_loadu_epi8(k, s[2] + c0);
	__m512i t3 = _mm512_maskz_loadu_epi8(k, s[3] + c0);
	__m512i l01, h01;
	__m512i l23, h23;

	if (x8) {	/* int8 input: a_u = a ^ 0x80 */
		t0 = _mm512_xor_si512(t0, vx);
		t1 = _mm512_xor_si512(t1, vx);
		t2 = _mm512_xor_si512(t2, vx);
		t3 = _mm512_xor_si512(t3, vx);
	}
	l01 = _mm512_unpacklo_epi8(t0, t1);
	h01 = _mm512_unpackhi_epi8(t0, t1);
	l23 = _mm512_unpacklo_epi8(t2, t3);
	h23 = _mm512_unpackhi_epi8(t2, t3);
	a[0] = _mm512_dpbusd_epi32(a[0], _mm512_unpacklo_epi16(l01, l23),
				   _mm512_loadu_si512(wb));
	a[1] = _mm512_dpbusd_epi32(a[1], _mm512_unpackhi_epi16(l01, l23),
				   _mm512_loadu_si512(wb + 64));
	a[2] = _mm512_dpbusd_epi32(a[2], _mm512_unpacklo_epi16(h01, h23),
				   _mm512_loadu_si512(wb + 128));
	a[3] = _mm512_dpbusd_epi32(a[3], _mm512_unpackhi_epi16(h01, h23),
				   _mm512_loadu_si512(wb + 192));
}

/* channels @c0.. (@rem of them left) of one output pixel at @ob */
static AI TGT void dw8_block(const uint8_t *const *src, uint32_t ng,
			     uint32_t c0, uint32_t rem, const int x8,
			     const int8_t *wb, const int32_t *ct,
			     const struct rqp *q, uint8_t *ob, const struct tv *out)
{
	__mmask64 k = rem >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << rem) - 1;
	uint32_t es = cpuk_esize(out->dt);
	__m512i a[4], x0, x1, x2, x3, v[4];

	for (int j = 0; j < 4; j++)
		a[j] = _mm512_loadu_si512(ct + c0 + 16 * j);
	for (uint32_t g = 0; g < ng; g++)
		dw8_mac4(src + 4 * g, c0, k, x8, wb + 256 * (size_t)g, a);
	/* a[j] lane L holds channels 16 L + 4 j ..: transpose the lanes */
	x0 = _mm512_shuffle_i32x4(a[0], a[1], 0x44);
	x1 = _mm512_shuffle_i32x4(a[0], a[1], 0xee);
	x2 = _mm512_shuffle_i32x4(a[2], a[3], 0x44);
	x3 = _mm512_shuffle_i32x4(a[2], a[3], 0xee);
	v[0] = _mm512_shuffle_i32x4(x0, x2, 0x88);
	v[1] = _mm512_shuffle_i32x4(x0, x2, 0xdd);
	v[2] = _mm512_shuffle_i32x4(x1, x3, 0x88);
	v[3] = _mm512_shuffle_i32x4(x1, x3, 0xdd);
	for (uint32_t L = 0; L < 4 && L * 16 < rem; L++) {
		uint32_t c = c0 + 16 * L;

		cpuk_store16(ob + (uint64_t)es * out->s[3] * c, out->dt, out->s[3],
			requant16(v[L], q, c), rem - 16 * L < 16 ? rem - 16 * L : 16);
	}
}

/*
 * Depthwise with vpdpbusd: 4 taps x 64 channels per step. Every tap is
 * read (padded taps from @zb, which holds a_u = za'), so
 *   acc = bias - za' sum_t (w - zw) + sum_t a_u (w - zw)   (mod 2^32)
 * with (w - zw) in int8 (dw8_pack()); taps past the last have weight 0.
 * The 4 accumulators hold channels 16 L + 4 j + i (vector j, lane L,
 * element i) and are transposed by 128-bit lanes before requantization.
 */
static TGT int conv_dw8(const struct axon_isa_conv2d *p, const struct tv *in,
			 const struct tv *w, const struct tv *out,
			 const int32_t *bias, const struct rqp *q,
			 const struct wobj *wo, uint32_t za_u)
{
	uint32_t C = out->d[3], cb = (C + 63) / 64, es = cpuk_esize(out->dt);
	uint32_t kh = w->d[1], kw = w->d[2], taps = kh * kw, ng = (taps + 3) / 4;
	uint8_t xr = in->dt == AXON_ISA_INT8 ? 0x80 : 0;
	uint8_t *zb = malloc((size_t)cb * 64);
	int32_t *ct = malloc((size_t)cb * 64 * sizeof(int32_t));
	const uint8_t *src[256];
	int ok = 0;

	if (!zb || !ct)
		goto out;
	memset(zb, (int)(za_u ^ xr), (size_t)cb * 64);
	for (uint32_t c = 0; c < cb * 64; c++) {
		uint32_t v = c < C ? (uint32_t)bias[c] -
			     za_u * (uint32_t)wo->wsum[c] : 0;

		ct[dw8_idx(1, c, 0) / 4] = (int32_t)v;
	}
	for (uint32_t t = taps; t < ng * 4; t++)
		src[t] = zb;
	for (uint32_t n = 0; n < out->d[0]; n++)
		for (uint32_t oy = 0; oy < out->d[1]; oy++)
			for (uint32_t ox = 0; ox < out->d[2]; ox++) {
				int64_t y0 = (int64_t)oy * p->stride_h - p->pad_top;
				int64_t x0 = (int64_t)ox * p->stride_w - p->pad_left;
				uint8_t *ob = out->p + (uint64_t)es * off4(out, n, oy, ox, 0);

				for (uint32_t ky = 0; ky < kh; ky++) {
					int64_t iy = y0 + (int64_t)ky * p->dilation_h;

					for (uint32_t kx = 0; kx < kw; kx++) {
						int64_t ix = x0 + (int64_t)kx * p->dilation_w;

						src[ky * kw + kx] = iy < 0 || iy >= in->d[1] ||
							ix < 0 || ix >= in->d[2] ? zb :
							in->p + off4(in, n, (uint64_t)iy,
								     (uint64_t)ix, 0);
					}
				}
				for (uint32_t b = 0; b < cb; b++) {
					const int8_t *wb = wo->w8 + (size_t)b * ng * 256;

					if (xr)
						dw8_block(src, ng, b * 64, C - b * 64, 1,
							  wb, ct, q, ob, out);
					else
						dw8_block(src, ng, b * 64, C - b * 64, 0,
							  wb, ct, q, ob, out);
				}
			}
	ok = 1;
out:
	free(zb);
	free(ct);
	return ok;
}

/* @n bytes from @s to @d, each xor @xr (im2col of a run of pixels) */
static AI TGT void patch_copy(uint8_t *d, const uint8_t *s, uint32_t n,
			      uint8_t xr)
{
	const __m512i vx = _mm512_set1_epi8((char)xr);

	for (; n >= 64; n -= 64, s += 64, d += 64)
		_mm512_storeu_si512(d, _mm512_xor_si512(_mm512_loadu_si512(s), vx));
	if (n) {
		__mmask64 k = ((__mmask64)1 << n) - 1;

		_mm512_mask_storeu_epi8(d, k, _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, s), vx));
	}
}

static TGT int conv_gemm(const struct axon_isa_conv2d *p, const struct tv *in,
			 const struct tv *w, const struct tv *out,
			 const int32_t *bias, const struct rqp *q,
			 const struct wobj *wo, uint32_t za_u, int32_t zw_s)
{
	uint32_t G = p->groups, cin_g = w->d[3], cout_g = out->d[3] / G;
	uint32_t kh = w->d[1], kw = w->d[2], K = kh * kw * cin_g;
	uint32_t Kp = (K + 3) / 4 * 4, es = cpuk_esize(out->dt);
	uint8_t xr = in->dt == AXON_ISA_INT8 ? 0x80 : 0;
	int direct = kh == 1 && kw == 1 && !p->pad_top && !p->pad_left &&
		     !p->pad_bottom && !p->pad_right && !xr && in->s[3] == 1 &&
		     cin_g % 4 == 0;
	int run = p->dilation_w == 1 && in->s[3] == 1 && in->s[2] == cin_g;
	uint64_t P = (uint64_t)out->d[0] * out->d[1] * out->d[2];
	uint8_t *abuf = direct ? NULL : malloc((size_t)MB * Kp);
	int32_t *ct = malloc(((size_t)wo->g[0].nblk * 16 + 16) * G * sizeof(int32_t));
	const uint8_t *arow[MB];
	uint8_t *orow[MB];
	int32_t rowcorr[MB];
	uint32_t pn[MB], py[MB], px[MB];
	struct gemm_out go;
	int ok = 0;

	if ((!direct && !abuf) || !ct)
		goto out;
	for (uint32_t g = 0; g < G; g++)
		make_cterm(ct + (size_t)g * (wo->g[0].nblk * 16 + 16), &wo->g[g],
			   bias + (size_t)g * cout_g, za_u, zw_s);
	go.dt = out->dt;
	go.cs = out->s[3];
	go.orow = orow;
	for (uint64_t p0 = 0, n = 0, oy = 0, ox = 0; p0 < P; p0 += MB) {
		uint32_t M = P - p0 < MB ? (uint32_t)(P - p0) : MB;

		for (uint32_t i = 0; i < M; i++) {
			pn[i] = (uint32_t)n;
			py[i] = (uint32_t)oy;
			px[i] = (uint32_t)ox;
			if (++ox == out->d[2]) {
				ox = 0;
				if (++oy == out->d[1]) {
					oy = 0;
					n++;
				}
			}
		}
		for (uint32_t g = 0; g < G; g++) {
			uint64_t c0 = (uint64_t)g * cin_g;

			for (uint32_t i = 0; i < M; i++) {
				int64_t y0 = (int64_t)py[i] * p->stride_h - p->pad_top;
				int64_t x0 = (int64_t)px[i] * p->stride_w - p->pad_left;
				uint8_t *d;
				uint32_t sum = 0;

				orow[i] = out->p + (uint64_t)es *
					  off4(out, pn[i], py[i], px[i], (uint64_t)g * cout_g);
				if (direct) {
					arow[i] = in->p + off4(in, pn[i], (uint64_t)y0,
							       (uint64_t)x0, c0);
					if (zw_s)
						for (uint32_t k = 0; k < K; k++)
							sum += arow[i][k];
					rowcorr[i] = (int32_t)(sum * (uint32_t)zw_s);
					continue;
				}
				d = abuf + (size_t)i * Kp;
				arow[i] = d;
				for (uint32_t ky = 0; ky < kh; ky++) {
					int64_t iy = y0 + (int64_t)ky * p->dilation_h;

					if (run && iy >= 0 && iy < in->d[1] && x0 >= 0 &&
					    x0 + kw <= in->d[2]) {
						/* kw pixels of cin_g channels: one run */
						patch_copy(d, in->p + off4(in, pn[i], (uint64_t)iy,
									   (uint64_t)x0, c0),
							   kw * cin_g, xr);
						d += kw * cin_g;
						continue;
					}
					for (uint32_t kx = 0; kx < kw; kx++, d += cin_g) {
						int64_t ix = x0 + (int64_t)kx * p->dilation_w;
						const uint8_t *s;

						if (iy < 0 || iy >= in->d[1] || ix < 0 ||
						    ix >= in->d[2]) {
							memset(d, (int)za_u, cin_g);
							continue;
						}
						s = in->p + off4(in, pn[i], (uint64_t)iy,
								 (uint64_t)ix, c0);
						if (in->s[3] == 1 && !xr)
							memcpy(d, s, cin_g);
						else if (in->s[3] == 1)
							for (uint32_t c = 0; c < cin_g; c++)
								d[c] = s[c] ^ xr;
						else
							for (uint32_t c = 0; c < cin_g; c++)
								d[c] = s[c * in->s[3]] ^ xr;
					}
				}
				memset(d, 0, Kp - K);
				if (zw_s)
					for (uint32_t k = 0; k < K; k++)
						sum += arow[i][k];
				rowcorr[i] = (int32_t)(sum * (uint32_t)zw_s);
			}
			go.qoff = g * cout_g;
			gemm_rows(arow, zw_s ? rowcorr : NULL, M, &wo->g[g],
				  ct + (size_t)g * (wo->g[0].nblk * 16 + 16), q, &go);
		}
	}
	ok = 1;
out:
	free(abuf);
	free(ct);
	return ok;
}

/*
 * A dense (NHWC) copy of @in, whose channels are strided (the NCHW input
 * of a first layer), as *@d: im2col then copies whole runs of pixels.
 * NULL when too large or out of memory (the strided path runs).
 */
static uint8_t *dense_copy(const struct tv *in, struct tv *d)
{
	uint64_t N = in->d[0], H = in->d[1], W = in->d[2], C = in->d[3];
	uint64_t n = N * H * W * C;
	uint8_t *b = n <= (64u << 20) ? malloc(n ? n : 1) : NULL;

	if (!b)
		return NULL;
	for (uint64_t i = 0; i < N; i++)
		for (uint64_t c = 0; c < C; c++)
			for (uint64_t y = 0; y < H; y++) {
				uint8_t *o = b + ((i * H + y) * W) * C + c;

				for (uint64_t x = 0; x < W; x++)
					o[x * C] = in->p[off4(in, i, y, x, c)];
			}
	*d = *in;
	d->p = b;
	d->s[3] = 1;
	d->s[2] = C;
	d->s[1] = W * C;
	d->s[0] = H * W * C;
	return b;
}

static int conv_run(struct cpuk_cache *c, const struct axon_isa_conv2d *p,
		    void *const *ops, unsigned int cm)
{
	struct tv in, w, out;
	struct rqp q;
	struct ckey key;
	struct wobj *wo;
	struct conv_arg ca;
	int32_t *bias;
	uint32_t G = p->groups, cin_g, cout_g, taps, za_u;
	int32_t zw_s;
	int own, ok = 0, dw;

	tv_init(&in, &p->in, ops[0]);
	tv_init(&w, &p->weight, ops[1]);
	tv_init(&out, &p->out, ops[3]);
	if (!is8(in.dt) || !is8(w.dt))
		return 0;
	cin_g = w.d[3];
	cout_g = out.d[3] / G;
	taps = w.d[1] * w.d[2];
	za_u = (uint32_t)(in.zp + (in.dt == AXON_ISA_INT8 ? 128 : 0));
	zw_s = w.zp - (w.dt == AXON_ISA_UINT8 ? 128 : 0);
	dw = cin_g == 1 && cout_g == 1 && in.s[3] == 1 && taps <= 256;
	bias = load_bias(ops[2], &p->bias, out.d[3],
			 !(p->hdr.flags & AXON_ISA_F_NO_BIAS));
	if (!bias)
		return 0;
	if (!bounded((uint64_t)taps * cin_g, za_u, zw_s, bias, out.d[3]) ||
	    !rqp_build(&q, &p->rq, ops[4], out.d[3], out.zp, p->act_min,
		       p->act_max, out.dt)) {
		free(bias);
		return 0;
	}
	ca.groups = G;
	ca.cout_g = cout_g;
	ckey_init(&key, dw ? K_DW : K_CONV, &w, G);
	wo = wobj_get(c, !!(cm & CPUK_CONST_W), &key, dw ? build_dw : build_conv,
		      &w, &ca, &own);
	if (wo) {
		if (dw && wo->w8 && za_u <= 255) {
			ok = conv_dw8(p, &in, &w, &out, bias, &q, wo, za_u);
		} else if (dw) {
			conv_dw(p, &in, &w, &out, bias, &q, wo->w32);
			ok = 1;
		} else {
			struct tv din;
			uint8_t *db = G == 1 && in.s[3] != 1 ? dense_copy(&in, &din) : NULL;

			ok = conv_gemm(p, db ? &din : &in, &w, &out, bias, &q, wo,
				       za_u, zw_s);
			free(db);
		}
		if (own)
			wobj_free(wo);
	}
	free(q.mem);
	free(bias);
	return ok;
}

/* ------------------------------------------------------------------ */
/* MATMUL */

struct mm_arg {
	uint32_t i0, i1;
};

static struct wobj *build_mm(const struct tv *b, const void *arg)
{
	const struct mm_arg *a = arg;
	struct wobj *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->g = calloc(1, sizeof(*o->g));
	if (!o->g || !gp_alloc(o->g, b->d[2], b->d[3])) {
		free(o->g);
		free(o);
		return NULL;
	}
	o->ng = 1;
	gp_mm(o->g, b, a->i0, a->i1);
	return o;
}

static int mm_run(struct cpuk_cache *c, const struct axon_isa_matmul *p,
		  void *const *ops, unsigned int cm)
{
	struct tv a, b, out;
	struct rqp q;
	struct ckey key;
	struct wobj *wo = NULL;
	struct mm_arg ma;
	struct gemm_out go;
	int32_t *bias, *ct = NULL;
	uint32_t K, N, Kp, za_u, es;
	int32_t zw_s;
	int own = 0, ok = 0, bconst, direct;
	uint8_t *abuf = NULL, xr;
	const uint8_t *arow[MB];
	uint8_t *orow[MB];
	int32_t rowcorr[MB];

	tv_init(&a, &p->a, ops[0]);
	tv_init(&b, &p->b, ops[1]);
	tv_init(&out, &p->out, ops[3]);
	if (!is8(a.dt) || !is8(b.dt))
		return 0;
	K = a.d[3];
	N = out.d[3];
	Kp = (K + 3) / 4 * 4;
	es = cpuk_esize(out.dt);
	za_u = (uint32_t)(a.zp + (a.dt == AXON_ISA_INT8 ? 128 : 0));
	zw_s = b.zp - (b.dt == AXON_ISA_UINT8 ? 128 : 0);
	xr = a.dt == AXON_ISA_INT8 ? 0x80 : 0;
	direct = !xr && a.s[3] == 1 && K % 4 == 0;
	bconst = b.s[0] == 0 && b.s[1] == 0;
	bias = load_bias(ops[2], &p->bias, N, !(p->hdr.flags & AXON_ISA_F_NO_BIAS));
	if (!bias)
		return 0;
	if (!bounded(K, za_u, zw_s, bias, N) ||
	    !rqp_build(&q, &p->rq, ops[4], N, out.zp, p->act_min, p->act_max,
		       out.dt)) {
		free(bias);
		return 0;
	}
	ct = malloc(((size_t)(N + 15) / 16 * 16 + 16) * sizeof(int32_t));
	abuf = direct ? NULL : malloc((size_t)MB * Kp);
	if (!ct || (!direct && !abuf))
		goto out;
	go.dt = out.dt;
	go.cs = out.s[3];
	go.orow = orow;
	go.qoff = 0;
	for (uint32_t i0 = 0; i0 < out.d[0]; i0++)
		for (uint32_t i1 = 0; i1 < out.d[1]; i1++) {
			if (!wo || !bconst) {
				if (wo && own)
					wobj_free(wo);
				ma.i0 = bconst ? 0 : i0;
				ma.i1 = bconst ? 0 : i1;
				ckey_init(&key, K_MM, &b, 0);
				wo = wobj_get(c, bconst && (cm & CPUK_CONST_W), &key,
					      build_mm, &b, &ma, &own);
				if (!wo)
					goto out;
				make_cterm(ct, wo->g, bias, za_u, zw_s);
			}
			for (uint32_t m0 = 0; m0 < out.d[2]; m0 += MB) {
				uint32_t M = out.d[2] - m0 < MB ? out.d[2] - m0 : MB;

				for (uint32_t i = 0; i < M; i++) {
					const uint8_t *s = a.p + off4(&a, i0, i1, m0 + i, 0);
					uint32_t sum = 0;

					orow[i] = out.p + (uint64_t)es * off4(&out, i0, i1, m0 + i, 0);
					if (direct) {
						arow[i] = s;
					} else {
						uint8_t *d = abuf + (size_t)i * Kp;

						for (uint32_t k = 0; k < K; k++)
							d[k] = s[k * a.s[3]] ^ xr;
						memset(d + K, 0, Kp - K);
						arow[i] = d;
					}
					if (zw_s)
						for (uint32_t k = 0; k < K; k++)
							sum += arow[i][k];
					rowcorr[i] = (int32_t)(sum * (uint32_t)zw_s);
				}
				gemm_rows(arow, zw_s ? rowcorr : NULL, M, wo->g, ct, &q, &go);
			}
		}
	ok = 1;
out:
	if (wo && own)
		wobj_free(wo);
	free(abuf);
	free(ct);
	free(q.mem);
	free(bias);
	return ok;
}

int cpuk_run(struct cpuk_cache *c, const struct axon_isa_packet *pk,
	     void *const *ops, unsigned int const_mask)
{
	if (!cpuk_supported())
		return 0;
	if (pk->opcode == AXON_OP_CONV2D)
		return conv_run(c, (const struct axon_isa_conv2d *)pk, ops, const_mask);
	if (pk->opcode == AXON_OP_MATMUL)
		return mm_run(c, (const struct axon_isa_matmul *)pk, ops, const_mask);
	if (pk->opcode == AXON_OP_ELTWISE)
		return cpuk_eltwise((const struct axon_isa_eltwise *)pk, ops);
	if (pk->opcode == AXON_OP_RESCALE)
		return cpuk_rescale((const struct axon_isa_rescale *)pk, ops);
	if (pk->opcode == AXON_OP_POOL)
		return cpuk_pool((const struct axon_isa_pool *)pk, ops);
	if (pk->opcode == AXON_OP_LUT)
		return cpuk_lut((const struct axon_isa_lut *)pk, ops);
	if (pk->opcode == AXON_OP_SOFTMAX)
		return cpuk_softmax((const struct axon_isa_softmax *)pk, ops);
	if (pk->opcode == AXON_OP_LAYERNORM)
		return cpuk_layernorm((const struct axon_isa_layernorm *)pk, ops);
	return 0;
}
