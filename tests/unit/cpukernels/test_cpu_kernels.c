// SPDX-License-Identifier: MIT
/*
 * Proof that the cpu backend's fast kernels (runtime/src/cpu_*.c) are
 * bit-identical to the firmware's reference kernels: randomized sweeps of
 * CONV2D, MATMUL, ELTWISE, RESCALE, POOL, LUT, SOFTMAX and LAYERNORM packets (every dtype,
 * rounding mode, broadcast and layout, in-place outputs, SRAM operands,
 * saturation edges) run through axon_fw_run() twice, with and
 * without the op_override hook, on clones of the same memory; the whole
 * memory (outputs and every other byte, SRAM included) must be equal.
 * Each sweep also checks that the fast kernel really handled most cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "axon_fw.h"
#include "cpu_kernels.h"
#include "stream_builder.h"
#include "tmem.h"

#define SRAM_SIZE (256u << 10)

struct hctx {
	struct tmem *m;
	struct cpuk_cache *cache;
	int use_cache;
	long handled, offered;
};

static void *xlate(void *ctx, u64 va, u64 len, int write)
{
	struct hctx *h = ctx;
	int i = tmem_find(h->m, va, len);

	if (i < 0 || (write && !(h->m->r[i].flags & TMEM_R_WRITE)))
		return NULL;
	return h->m->r[i].mem + (va - h->m->r[i].va);
}

static int override(void *ctx, const struct axon_isa_packet *pk, void *const *ops)
{
	struct hctx *h = ctx;
	int r = cpuk_run(h->cache, pk, ops, h->use_cache ? CPUK_CONST_W : 0);

	h->offered++;
	h->handled += r;
	return r;
}

static uint32_t run(struct tmem *m, const struct sb *s, struct hctx *h, int fast,
		    struct axon_fw_result *res)
{
	struct axon_fw_region map[TMEM_MAX_REGIONS];
	struct axon_fw_limits lim;
	struct axon_fw_env env;

	for (unsigned i = 0; i < m->n; i++) {
		map[i].va = m->r[i].va;
		map[i].size = m->r[i].size;
		map[i].flags = m->r[i].flags;
		map[i].pad = 0;
	}
	memset(&lim, 0, sizeof(lim));
	lim.sram_size = m->sram_size;
	lim.op_mask = ~0ull;
	memset(&env, 0, sizeof(env));
	h->m = m;
	env.ctx = h;
	env.translate = xlate;
	env.sram = m->sram;
	env.sram_size = m->sram_size;
	if (fast)
		env.op_override = override;
	return axon_fw_run(s->buf, s->len, map, m->n, &lim, &env, res);
}

struct sweep {
	long cases, handled, offered, invalid;
};

/* Runs @s on @m (reference) and on a clone (fast): memories must match. */
static void compare(struct tmem *m, const struct sb *s, struct sweep *sw,
		    struct cpuk_cache *cache, const char *what, unsigned it)
{
	struct tmem f;
	struct hctx hr = { 0 }, hf = { 0 };
	struct axon_fw_result rr, rf;
	uint32_t str, stf;
	uint64_t nd;

	tmem_clone(&f, m);
	hf.cache = cache;
	hf.use_cache = cache != NULL;
	str = run(m, s, &hr, 0, &rr);
	stf = run(&f, s, &hf, 1, &rf);
	sw->cases++;
	if (str == AXON_ISA_E_SHAPE || str == AXON_ISA_E_PARAM)
		sw->invalid++;
	sw->handled += hf.handled;
	sw->offered += hf.offered;
	if (str != stf || rr.packet != rf.packet)
		fail_msg("%s #%u: status ref %u (%s) fast %u (%s)", what, it, str,
			 rr.reason, stf, rf.reason);
	nd = tmem_diff(&f, m, 8);
	if (nd)
		fail_msg("%s #%u: %llu bytes differ (fast handled %ld)", what, it,
			 (unsigned long long)nd, hf.handled);
	tmem_free(&f);
}

static void report(const struct sweep *sw, const char *what, double min_frac)
{
	printf("  %s: %ld cases, %ld invalid, fast kernel ran %ld of %ld packets\n",
	       what, sw->cases, sw->invalid, sw->handled, sw->offered);
	if (cpuk_supported())
		assert_true(sw->handled >= (long)(min_frac * (double)sw->offered));
}

/* A sweep's closing check: enough packets ran fast, few cases were invalid. */
static void end_sweep(const struct sweep *sw, const char *what, double min_frac)
{
	report(sw, what, min_frac);
	assert_true(sw->invalid < sw->cases / 10 + 1);
}

/* The end of one random case: finish the stream, compare, free. */
static void finish_case(struct tmem *m, struct sb *s, struct sweep *sw,
			const char *what, unsigned it)
{
	sb_finish(s);
	compare(m, s, sw, NULL, what, it);
	sb_free(s);
	tmem_free(m);
}

/* ---------------------------------------------------------------------- */

static const uint8_t out_dts[] = { AXON_ISA_INT8, AXON_ISA_UINT8, AXON_ISA_INT16,
				   AXON_ISA_INT32 };

static int32_t rand_zp(uint8_t dt)
{
	switch (trand() % 4) {
	case 0:
		return (int32_t)dtype_min(dt);
	case 1:
		return (int32_t)dtype_max(dt);
	case 2:
		return 0;
	default:
		return (int32_t)trand_range(dtype_min(dt), dtype_max(dt));
	}
}

/* ROUND_F32 (ISA 1.1) only once the firmware implements it */
static int fw_has_f32(void)
{
	return axon_fw_rescale(5, 1 << 23, 24, AXON_ISA_ROUND_F32) == 2;
}

static uint8_t rand_round(void)
{
	return (uint8_t)(trand() % (fw_has_f32() ? 3 : 2));	/* SINGLE, DOUBLE, F32 */
}

/* fill_rq() raises smaller shifts to this (and up to 2 more) */
static int rq_min_shift;

/* a scale table of @n entries for accumulators up to about 2^@bits */
static void fill_rq(uint8_t *p, uint32_t n, uint8_t rnd, int bits, int edge)
{
	for (uint32_t i = 0; i < n; i++) {
		int32_t m, s;

		if (rnd == AXON_ISA_ROUND_F32) {
			m = (int32_t)trand_range(1 << 23, (1 << 24) - 1);
			s = 23 + bits - (int)trand_range(5, 9);
		} else {
			m = (int32_t)trand_range(1 << 30, 0x7fffffff);
			s = 31 + bits - (int)trand_range(5, 9);
		}
		if (trand() % 4 == 0) {	/* powers of two: many exact ties */
			int a = (int)trand_range(0, rnd == AXON_ISA_ROUND_F32 ? 23 : 30);

			m = 1 << a;
			s = a + (int)trand_range(1, 6);
		}
		if (edge && trand() % 8 == 0)
			m = trand() % 2 ? 0 : (rnd == AXON_ISA_ROUND_F32 ? (1 << 24) - 1 :
					       0x7fffffff);
		if (edge && trand() % 8 == 0)
			s = trand() % 2 ? 0 : 62;
		if (s < rq_min_shift)
			s = rq_min_shift + (int)((unsigned int)s % 3);
		if (s < 0)
			s = 0;
		if (s > 62)
			s = 62;
		memcpy(p + 8 * i, &m, 4);
		memcpy(p + 8 * i + 4, &s, 4);
	}
}

static void clamp_range(uint8_t dt, int32_t *lo, int32_t *hi)
{
	int64_t a = dtype_min(dt), b = dtype_max(dt);

	if (trand() % 3 == 0) {
		int64_t x = trand_range(a, b), y = trand_range(a, b);

		a = x < y ? x : y;
		b = x < y ? y : x;
	}
	*lo = (int32_t)a;
	*hi = (int32_t)b;
}

enum cshape { C_ANY, C_PW, C_DW, C_DW_WIDE, C_GROUP, C_BIG };

static void conv_sweep(enum cshape shape, uint64_t seed, unsigned iters,
		       const char *what, int cached)
{
	struct sweep sw = { 0 };
	struct cpuk_cache *cache = cached ? cpuk_cache_new() : NULL;

	trand_seed(seed);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t n = (uint32_t)trand_range(1, 2), h, w, cin, cout, G = 1;
		uint32_t kh, kw, sh, sw_, dh, dw, pt, pb, pl, pr, oh, ow, cin_g;
		uint8_t idt = trand() % 2 ? AXON_ISA_UINT8 : AXON_ISA_INT8;
		uint8_t wdt = trand() % 5 ? AXON_ISA_INT8 : AXON_ISA_UINT8;
		uint8_t odt = out_dts[trand() % 4], rnd = rand_round();
		uint32_t idims[4], istr[4], odims[4], ostr[4], cpad, opad, ocs;
		int in_sram = trand() % 4 == 0, out_sram = trand() % 4 == 0;
		int nobias = trand() % 6 == 0, bits;
		struct axon_isa_conv2d *p;
		struct tmem m;
		struct sb s;
		uint64_t vin, vw, vb, vq, vo, t;
		int64_t hh, ww;

		kh = trand() % 3 ? (uint32_t)trand_range(1, 3) * 2 - 1 : (uint32_t)trand_range(1, 4);
		kw = trand() % 4 ? kh : (uint32_t)trand_range(1, 5);
		sh = (uint32_t)trand_range(1, 3);
		sw_ = trand() % 4 ? sh : (uint32_t)trand_range(1, 3);
		dh = trand() % 4 ? 1 : (uint32_t)trand_range(1, 3);
		dw = trand() % 4 ? dh : (uint32_t)trand_range(1, 3);
		h = (uint32_t)trand_range(1, 13);
		w = (uint32_t)trand_range(1, 13);
		cin = (uint32_t)trand_range(1, 40);
		cout = (uint32_t)trand_range(1, 70);
		switch (shape) {
		case C_PW:
			kh = kw = 1;
			dh = dw = 1;
			cin = (uint32_t)trand_range(1, 24) * 4;
			if (trand() % 2)
				sh = sw_ = 1;
			break;
		case C_DW:
			G = cin = cout = (uint32_t)trand_range(1, 80);
			break;
		case C_DW_WIDE:	/* several 64-channel blocks, up to 7x7 taps */
			G = cin = cout = (uint32_t)trand_range(60, 200);
			if (trand() % 2)
				kh = kw = (uint32_t)trand_range(1, 7);
			h = (uint32_t)trand_range(1, 9);
			w = (uint32_t)trand_range(1, 9);
			break;
		case C_GROUP:
			G = (uint32_t)trand_range(2, 4);
			cin = G * (uint32_t)trand_range(1, 12);
			cout = G * (uint32_t)trand_range(1, 20);
			if (trand() % 3 == 0)
				cin = G;	/* depthwise with multiplier */
			break;
		case C_BIG:
			cin = (uint32_t)trand_range(100, 400);
			cout = (uint32_t)trand_range(60, 140);
			h = (uint32_t)trand_range(3, 9);
			w = (uint32_t)trand_range(3, 20);
			break;
		default:
			break;
		}
		pt = (uint32_t)trand_range(0, (kh - 1) * dh < 3 ? (kh - 1) * dh : 3);
		pb = (uint32_t)trand_range(0, (kh - 1) * dh < 3 ? (kh - 1) * dh : 3);
		pl = (uint32_t)trand_range(0, (kw - 1) * dw < 3 ? (kw - 1) * dw : 3);
		pr = (uint32_t)trand_range(0, (kw - 1) * dw < 3 ? (kw - 1) * dw : 3);
		if (shape == C_PW && trand() % 2)
			pt = pb = pl = pr = 0;
		hh = (int64_t)h + pt + pb - (int64_t)dh * (kh - 1) - 1;
		ww = (int64_t)w + pl + pr - (int64_t)dw * (kw - 1) - 1;
		if (hh < 0 || ww < 0) {
			h += (uint32_t)(hh < 0 ? -hh : 0);
			w += (uint32_t)(ww < 0 ? -ww : 0);
			hh = hh < 0 ? 0 : hh;
			ww = ww < 0 ? 0 : ww;
		}
		oh = (uint32_t)(hh / sh + 1);
		ow = (uint32_t)(ww / sw_ + 1);
		cin_g = cin / G;

		/* layouts: padded channels, channel strides */
		cpad = cin + (trand() % 4 == 0 ? (uint32_t)trand_range(1, 5) : 0);
		t = trand() % 6 == 0 ? 2 : 1;	/* input channel stride */
		idims[0] = n; idims[1] = h; idims[2] = w; idims[3] = cin;
		istr[3] = (uint32_t)t;
		istr[2] = (uint32_t)(t * cpad);
		istr[1] = istr[2] * w;
		istr[0] = istr[1] * h;
		ocs = trand() % 6 == 0 ? 2 : 1;
		opad = cout * ocs + (trand() % 4 == 0 ? 3 : 0);
		odims[0] = n; odims[1] = oh; odims[2] = ow; odims[3] = cout;
		ostr[3] = ocs;
		ostr[2] = opad;
		ostr[1] = opad * ow;
		ostr[0] = opad * ow * oh;

		tmem_init(&m, SRAM_SIZE);
		{
			struct axon_isa_tensor ti = tens_s(AXON_ISA_LOC_VA, 0, idt, rand_zp(idt), idims, istr);
			struct axon_isa_tensor to = tens_s(AXON_ISA_LOC_VA, 0, odt,
							   odt == AXON_ISA_INT32 ? 0 : rand_zp(odt),
							   odims, ostr);
			uint64_t isz = tens_span(&ti), osz = tens_span(&to);

			if (in_sram && isz + osz + 64 > SRAM_SIZE)
				in_sram = 0;
			if (out_sram && isz + osz + 64 > SRAM_SIZE)
				out_sram = 0;
			vin = in_sram ? 0 : tmem_add(&m, 0x10000, isz, TMEM_R_READ, 0);
			ti.loc = in_sram ? AXON_ISA_LOC_SRAM : AXON_ISA_LOC_VA;
			ti.addr = vin;
			tmem_rand(&m, ti.loc, ti.addr, isz);
			vw = tmem_add(&m, 0x1000000, (uint64_t)cout * kh * kw * cin_g,
				      TMEM_R_READ, 0);
			tmem_rand(&m, AXON_ISA_LOC_VA, vw, (uint64_t)cout * kh * kw * cin_g);
			vb = tmem_add(&m, 0x2000000, 4ull * cout, TMEM_R_READ, 0);
			vq = tmem_add(&m, 0x3000000, 8ull * cout, TMEM_R_READ, 0);
			vo = out_sram ? (isz + 63) / 64 * 64 :
				tmem_add(&m, 0x4000000, osz, TMEM_R_READ | TMEM_R_WRITE, 0x5a);
			to.loc = out_sram ? AXON_ISA_LOC_SRAM : AXON_ISA_LOC_VA;
			to.addr = vo;

			sb_init(&s);
			p = SB_PUT(&s, AXON_OP_CONV2D, struct axon_isa_conv2d,
				   nobias ? AXON_ISA_F_NO_BIAS : 0);
			p->in = ti;
			p->weight = tens(AXON_ISA_LOC_VA, vw, wdt,
					 trand() % 3 ? (wdt == AXON_ISA_UINT8 ? 128 : 0) : rand_zp(wdt),
					 cout, kh, kw, cin_g);
			p->bias = tens(AXON_ISA_LOC_VA, vb, AXON_ISA_INT32, 0, 1, 1, 1, cout);
			p->out = to;
		}
		{
			uint8_t *bp = tmem_ptr(&m, AXON_ISA_LOC_VA, vb, 4ull * cout);
			int big = trand() % 10 == 0;

			for (uint32_t i = 0; i < cout; i++) {
				int32_t b = big ? (int32_t)((trand() & 0x3fffffff) | 0x40000000) *
					    (trand() % 2 ? 1 : -1) :
					    (int32_t)trand_range(-(1 << 18), 1 << 18);

				memcpy(bp + 4 * i, &b, 4);
			}
		}
		bits = 10;
		for (t = (uint64_t)kh * kw * cin_g * 65025; t >> bits && bits < 31; bits++)
			;
		bits -= (int)trand_range(4, 8);
		p->rq = rqtab(AXON_ISA_LOC_VA, vq, rnd, trand() % 4 ? cout : 1);
		rq_min_shift = it % 2 ? 32 : 0;	/* requant16()'s 32-bit SINGLE path */
		fill_rq(tmem_ptr(&m, AXON_ISA_LOC_VA, vq, 8ull * cout), cout, rnd, bits,
			trand() % 5 == 0);
		rq_min_shift = 0;
		p->stride_h = (uint16_t)sh;
		p->stride_w = (uint16_t)sw_;
		p->dilation_h = (uint16_t)dh;
		p->dilation_w = (uint16_t)dw;
		p->pad_top = (uint16_t)pt;
		p->pad_bottom = (uint16_t)pb;
		p->pad_left = (uint16_t)pl;
		p->pad_right = (uint16_t)pr;
		p->groups = G;
		clamp_range(odt, &p->act_min, &p->act_max);
		sb_finish(&s);
		compare(&m, &s, &sw, cache, what, it);
		if (cache && trand() % 2)	/* rerun: served from the cache */
			compare(&m, &s, &sw, cache, what, it);
		sb_free(&s);
		tmem_free(&m);
	}
	end_sweep(&sw, what, 0.5);
	cpuk_cache_free(cache);
}

static void mm_sweep(uint64_t seed, unsigned iters, const char *what, int big)
{
	struct sweep sw = { 0 };
	struct cpuk_cache *cache = cpuk_cache_new();

	trand_seed(seed);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t b0 = (uint32_t)trand_range(1, 2), b1 = (uint32_t)trand_range(1, 3);
		uint32_t M = (uint32_t)trand_range(1, big ? 140 : 9);
		uint32_t K = (uint32_t)trand_range(1, big ? 700 : 70);
		uint32_t N = (uint32_t)trand_range(1, big ? 300 : 40);
		uint8_t adt = trand() % 2 ? AXON_ISA_UINT8 : AXON_ISA_INT8;
		uint8_t bdt = trand() % 2 ? AXON_ISA_INT8 : AXON_ISA_UINT8;
		uint8_t odt = out_dts[trand() % 4], rnd = rand_round();
		int bconst = trand() % 2, btrans = trand() % 3 == 0, astr = trand() % 5 == 0;
		int nobias = trand() % 4 == 0, a_sram = trand() % 4 == 0, bits;
		uint32_t ad[4] = { b0, b1, M, K }, as[4], bd[4] = { b0, b1, K, N }, bs[4];
		uint32_t od[4] = { b0, b1, M, N }, os[4];
		struct axon_isa_matmul *p;
		struct axon_isa_tensor ta, tb, to;
		struct tmem m;
		struct sb s;
		uint64_t va, vb, vbi, vq, vo, t, asz;

		as[3] = astr ? 2 : 1;
		as[2] = K * as[3] + (trand() % 3 == 0 ? 5 : 0);
		as[1] = as[2] * M;
		as[0] = as[1] * b1;
		if (trand() % 5 == 0)
			as[1] = 0;	/* broadcast a over b1 */
		if (btrans) {
			bs[2] = 1;
			bs[3] = K;
		} else {
			bs[3] = 1;
			bs[2] = N;
		}
		bs[1] = bconst ? 0 : K * N;
		bs[0] = bconst ? 0 : K * N * b1;
		os[3] = 1;
		os[2] = N;
		os[1] = N * M;
		os[0] = N * M * b1;
		tmem_init(&m, SRAM_SIZE);
		ta = tens_s(AXON_ISA_LOC_VA, 0, adt, rand_zp(adt), ad, as);
		tb = tens_s(AXON_ISA_LOC_VA, 0, bdt,
			    bconst && trand() % 2 ? (bdt == AXON_ISA_UINT8 ? 128 : 0) : rand_zp(bdt),
			    bd, bs);
		to = tens_s(AXON_ISA_LOC_VA, 0, odt, odt == AXON_ISA_INT32 ? 0 : rand_zp(odt),
			    od, os);
		asz = tens_span(&ta);
		if (a_sram && asz > SRAM_SIZE)
			a_sram = 0;
		va = a_sram ? 0 : tmem_add(&m, 0x10000, asz, TMEM_R_READ, 0);
		ta.loc = a_sram ? AXON_ISA_LOC_SRAM : AXON_ISA_LOC_VA;
		ta.addr = va;
		tmem_rand(&m, ta.loc, va, asz);
		vb = tmem_add(&m, 0x1000000, tens_span(&tb), TMEM_R_READ, 0);
		tmem_rand(&m, AXON_ISA_LOC_VA, vb, tens_span(&tb));
		tb.addr = vb;
		vbi = tmem_add(&m, 0x2000000, 4ull * N, TMEM_R_READ, 0);
		vq = tmem_add(&m, 0x3000000, 8ull * N, TMEM_R_READ, 0);
		vo = tmem_add(&m, 0x4000000, tens_span(&to), TMEM_R_READ | TMEM_R_WRITE, 0xa5);
		to.addr = vo;
		{
			uint8_t *bp = tmem_ptr(&m, AXON_ISA_LOC_VA, vbi, 4ull * N);

			for (uint32_t i = 0; i < N; i++) {
				int32_t b = (int32_t)trand_range(-(1 << 20), 1 << 20);

				memcpy(bp + 4 * i, &b, 4);
			}
		}
		sb_init(&s);
		p = SB_PUT(&s, AXON_OP_MATMUL, struct axon_isa_matmul,
			   nobias ? AXON_ISA_F_NO_BIAS : 0);
		p->a = ta;
		p->b = tb;
		p->bias = tens(AXON_ISA_LOC_VA, vbi, AXON_ISA_INT32, 0, 1, 1, 1, N);
		p->out = to;
		bits = 10;
		for (t = (uint64_t)K * 65025; t >> bits && bits < 31; bits++)
			;
		bits -= (int)trand_range(4, 8);
		p->rq = rqtab(AXON_ISA_LOC_VA, vq, rnd, trand() % 4 ? N : 1);
		rq_min_shift = it % 2 ? 32 : 0;
		fill_rq(tmem_ptr(&m, AXON_ISA_LOC_VA, vq, 8ull * N), N, rnd, bits,
			trand() % 5 == 0);
		rq_min_shift = 0;
		clamp_range(odt, &p->act_min, &p->act_max);
		sb_finish(&s);
		compare(&m, &s, &sw, bconst ? cache : NULL, what, it);
		if (bconst)
			compare(&m, &s, &sw, cache, what, it);
		sb_free(&s);
		tmem_free(&m);
	}
	report(&sw, what, 0.5);
	cpuk_cache_free(cache);
}

/* Bad scale table entry: the fast kernel declines, the reference faults. */
static void t_bad_table(void **st)
{
	struct sweep sw = { 0 };
	struct tmem m;
	struct sb s;
	struct axon_isa_matmul *p;
	uint64_t va, vb, vq, vo;
	int32_t e[2] = { -5, 3 };

	(void)st;
	trand_seed(77);
	tmem_init(&m, 0);
	va = tmem_add(&m, 0x10000, 64, TMEM_R_READ, 0);
	tmem_rand(&m, AXON_ISA_LOC_VA, va, 64);
	vb = tmem_add(&m, 0x20000, 64, TMEM_R_READ, 0);
	tmem_rand(&m, AXON_ISA_LOC_VA, vb, 64);
	vq = tmem_add(&m, 0x30000, 8, TMEM_R_READ, 0);
	memcpy(tmem_ptr(&m, AXON_ISA_LOC_VA, vq, 8), e, 8);
	vo = tmem_add(&m, 0x40000, 64, TMEM_R_READ | TMEM_R_WRITE, 0);
	sb_init(&s);
	p = SB_PUT(&s, AXON_OP_MATMUL, struct axon_isa_matmul, AXON_ISA_F_NO_BIAS);
	p->a = tens(AXON_ISA_LOC_VA, va, AXON_ISA_UINT8, 3, 1, 1, 8, 8);
	p->b = tens(AXON_ISA_LOC_VA, vb, AXON_ISA_INT8, 0, 1, 1, 8, 8);
	p->out = tens(AXON_ISA_LOC_VA, vo, AXON_ISA_UINT8, 0, 1, 1, 8, 8);
	p->rq = rqtab(AXON_ISA_LOC_VA, vq, AXON_ISA_ROUND_SINGLE, 1);
	p->act_min = 0;
	p->act_max = 255;
	sb_finish(&s);
	compare(&m, &s, &sw, NULL, "bad table", 0);
	assert_int_equal(sw.handled, 0);
	sb_free(&s);
	tmem_free(&m);
}

/* ---------------------------------------------------------------------- */
/* ELTWISE, RESCALE, POOL, LUT (cpu_eltwise.c, cpu_pool.c, cpu_lut.c) */

static const uint8_t in_dts[] = { AXON_ISA_INT8, AXON_ISA_UINT8, AXON_ISA_INT16 };

enum lay {
	L_FULL,		/* contiguous */
	L_PAD,		/* padded rows */
	L_CS2,		/* channel stride 2 */
	L_TRANS,	/* dims 2 and 3 swapped in memory */
	L_OUTPUTS,	/* the layouts above are allowed for outputs */
	L_SCALAR = L_OUTPUTS,	/* all strides 0 */
	L_CHAN,		/* per channel: {0, 0, 0, 1} */
	L_ROW,		/* broadcast over dim 2 */
	L_OUTER,	/* broadcast over dims 0 and 1 */
	L_COUNT
};

static void layout(const uint32_t *d, uint32_t *s, enum lay l)
{
	uint32_t pad = l == L_PAD ? (uint32_t)trand_range(1, 5) : 0;

	switch (l) {
	case L_SCALAR:
		s[0] = s[1] = s[2] = s[3] = 0;
		return;
	case L_CHAN:
		s[0] = s[1] = s[2] = 0;
		s[3] = 1;
		return;
	case L_TRANS:
		s[2] = 1;
		s[3] = d[2];
		s[1] = d[2] * d[3];
		s[0] = s[1] * d[1];
		return;
	default:
		break;
	}
	s[3] = l == L_CS2 ? 2 : 1;
	s[2] = d[3] * s[3] + pad;
	s[1] = s[2] * d[2];
	s[0] = s[1] * d[1];
	if (l == L_ROW)
		s[2] = 0;
	if (l == L_OUTER)
		s[0] = s[1] = 0;
}

static void rand_dims(uint32_t *d, int big)
{
	d[0] = (uint32_t)trand_range(1, 2);
	d[1] = (uint32_t)trand_range(1, 3);
	d[2] = (uint32_t)trand_range(1, big ? 30 : 9);
	d[3] = (uint32_t)(trand() % 4 == 0 ? trand_range(1, 3) :
			  trand_range(1, big ? 200 : 40));
}

/* random values, or only extreme ones */
static void fill_vals(struct tmem *m, const struct axon_isa_tensor *t)
{
	uint64_t n = tens_span(t);
	uint8_t *p = tmem_ptr(m, t->loc, t->addr, n);
	static const uint8_t ex[] = { 0x00, 0x7f, 0x80, 0xff, 0x01, 0xfe };

	tmem_rand(m, t->loc, t->addr, n);
	if (trand() % 4 == 0)
		for (uint64_t i = 0; i < n; i++)
			p[i] = ex[trand() % sizeof(ex)];
}

/* one inline scale for values up to about 2^@bits */
static struct axon_isa_rq rand_rq(uint8_t rnd, int bits, int edge)
{
	struct axon_isa_rq r;
	uint8_t e[8];

	fill_rq(e, 1, rnd, bits, edge);
	memcpy(&r.multiplier, e, 4);
	memcpy(&r.shift, e + 4, 4);
	return r;
}

/* place tensor @t (addr/loc set here) in SRAM (at *@sram_off) or a new VA region */
static void place(struct tmem *m, struct axon_isa_tensor *t, uint64_t va, int sram,
		  uint64_t *sram_off, uint32_t flags)
{
	uint64_t n = tens_span(t);

	if (sram && *sram_off + n + 64 <= SRAM_SIZE) {
		t->loc = AXON_ISA_LOC_SRAM;
		t->addr = *sram_off;
		*sram_off = (*sram_off + n + 63) / 64 * 64;
		tmem_rand(m, t->loc, t->addr, n);
		return;
	}
	t->loc = AXON_ISA_LOC_VA;
	t->addr = tmem_add(m, va, n, flags, 0x5a);
}

static void elt_sweep(uint64_t seed, unsigned iters, const char *what, int big)
{
	struct sweep sw = { 0 };

	trand_seed(seed);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t d[4], sa[4], sb[4], so[4];
		uint8_t adt = in_dts[trand() % 3], bdt = in_dts[trand() % 3];
		uint8_t odt = out_dts[trand() % 4], rnd = rand_round(), op = trand() % 5;
		int inplace = trand() % 5 == 0 ? 1 + (int)(trand() % 2) : 0;
		int i16 = adt == AXON_ISA_INT16 || bdt == AXON_ISA_INT16;
		int bits = i16 ? 16 : 8;
		uint64_t so_ = 0;
		struct axon_isa_eltwise *p;
		struct axon_isa_tensor ta, tb, to;
		struct tmem m;
		struct sb s;

		rand_dims(d, big);
		layout(d, sa, (enum lay)(trand() % L_COUNT));
		layout(d, sb, (enum lay)(trand() % L_COUNT));
		layout(d, so, (enum lay)(trand() % L_OUTPUTS));
		tmem_init(&m, SRAM_SIZE);
		ta = tens_s(0, 0, adt, rand_zp(adt), d, sa);
		tb = tens_s(0, 0, bdt, rand_zp(bdt), d, sb);
		to = tens_s(0, 0, odt, odt == AXON_ISA_INT32 ? 0 : rand_zp(odt), d, so);
		if (inplace == 1) {	/* out identical to a */
			ta.dtype = odt = to.dtype = adt;
			to.zero_point = rand_zp(adt);
			memcpy(ta.strides, so, sizeof(so));
		} else if (inplace == 2) {
			tb.dtype = odt = to.dtype = bdt;
			to.zero_point = rand_zp(bdt);
			memcpy(tb.strides, so, sizeof(so));
		}
		place(&m, &ta, 0x10000, trand() % 4 == 0, &so_,
		      TMEM_R_READ | (inplace == 1 ? TMEM_R_WRITE : 0));
		fill_vals(&m, &ta);
		place(&m, &tb, 0x1000000, trand() % 4 == 0, &so_,
		      TMEM_R_READ | (inplace == 2 ? TMEM_R_WRITE : 0));
		fill_vals(&m, &tb);
		if (inplace) {
			struct axon_isa_tensor *src = inplace == 1 ? &ta : &tb;

			to.loc = src->loc;
			to.addr = src->addr;
		} else {
			place(&m, &to, 0x4000000, trand() % 4 == 0, &so_,
			      TMEM_R_READ | TMEM_R_WRITE);
		}
		sb_init(&s);
		p = SB_PUT(&s, AXON_OP_ELTWISE, struct axon_isa_eltwise, 0);
		p->a = ta;
		p->b = tb;
		p->out = to;
		p->op = op;
		p->rounding = rnd;
		if (op == AXON_ISA_ELT_MUL) {
			p->rq_out = rand_rq(rnd, 2 * bits, trand() % 5 == 0);
		} else {
			p->left_shift = (uint8_t)(trand() % 3 ? trand_range(0, i16 ? 15 : 20) :
						  (i16 ? 15 : 20));
			p->rq_a = rand_rq(rnd, bits + p->left_shift, trand() % 5 == 0);
			p->rq_b = rand_rq(rnd, bits + p->left_shift, trand() % 5 == 0);
			p->rq_out = rand_rq(rnd, bits + 5, trand() % 5 == 0);
		}
		clamp_range(odt, &p->act_min, &p->act_max);
		finish_case(&m, &s, &sw, what, it);
	}
	end_sweep(&sw, what, 0.9);
}

static void rescale_sweep(uint64_t seed, unsigned iters, const char *what)
{
	struct sweep sw = { 0 };

	trand_seed(seed);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t d[4], sx[4], so[4];
		uint8_t xdt = out_dts[trand() % 4], odt = out_dts[trand() % 4];
		uint8_t rnd = rand_round();
		int inplace = trand() % 4 == 0, bits;
		uint64_t so_ = 0;
		struct axon_isa_rescale *p;
		struct axon_isa_tensor tx, to;
		struct tmem m;
		struct sb s;

		rand_dims(d, 1);
		layout(d, sx, (enum lay)(trand() % L_COUNT));
		layout(d, so, (enum lay)(trand() % L_OUTPUTS));
		if (inplace) {	/* identical: same element size */
			static const uint8_t same[4][2] = {
				{ AXON_ISA_INT8, AXON_ISA_UINT8 }, { AXON_ISA_UINT8, AXON_ISA_INT8 },
				{ AXON_ISA_INT16, AXON_ISA_INT16 }, { AXON_ISA_INT32, AXON_ISA_INT32 },
			};
			int k = (int)(trand() % 4);

			xdt = same[k][0];
			odt = same[k][trand() % 2];
			memcpy(sx, so, sizeof(so));
		}
		tmem_init(&m, SRAM_SIZE);
		tx = tens_s(0, 0, xdt, xdt == AXON_ISA_INT32 ? 0 : rand_zp(xdt), d, sx);
		to = tens_s(0, 0, odt, odt == AXON_ISA_INT32 ? 0 : rand_zp(odt), d, so);
		place(&m, &tx, 0x10000, trand() % 4 == 0, &so_,
		      TMEM_R_READ | (inplace ? TMEM_R_WRITE : 0));
		fill_vals(&m, &tx);
		if (inplace) {
			to.loc = tx.loc;
			to.addr = tx.addr;
		} else {
			place(&m, &to, 0x4000000, trand() % 4 == 0, &so_,
			      TMEM_R_READ | TMEM_R_WRITE);
		}
		sb_init(&s);
		p = SB_PUT(&s, AXON_OP_RESCALE, struct axon_isa_rescale, 0);
		p->in = tx;
		p->out = to;
		p->rounding = rnd;
		bits = xdt == AXON_ISA_INT32 ? 31 : xdt == AXON_ISA_INT16 ? 16 : 8;
		p->rq = rand_rq(rnd, bits + 4, trand() % 4 == 0);
		if (trand() % 8 == 0)	/* the cast scale */
			p->rq = rnd == AXON_ISA_ROUND_F32 ? rq(1 << 23, 23) : rq(1 << 30, 30);
		clamp_range(odt, &p->act_min, &p->act_max);
		finish_case(&m, &s, &sw, what, it);
	}
	end_sweep(&sw, what, 0.9);
}

static void pool_sweep(uint64_t seed, unsigned iters, const char *what, int global)
{
	struct sweep sw = { 0 };

	trand_seed(seed);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t n = (uint32_t)trand_range(1, 2), h = (uint32_t)trand_range(1, 12);
		uint32_t w = (uint32_t)trand_range(1, 12), C = (uint32_t)trand_range(1, 70);
		uint32_t kh = (uint32_t)trand_range(1, 4), kw = trand() % 3 ? kh : (uint32_t)trand_range(1, 4);
		uint32_t sh = (uint32_t)trand_range(1, 3), sw_ = trand() % 3 ? sh : (uint32_t)trand_range(1, 3);
		uint32_t pt, pb, pl, pr, oh, ow, d[4], od[4], sx[4], so[4], cnt;
		uint8_t xdt = in_dts[trand() % 3], odt = out_dts[trand() % 4], rnd = rand_round();
		int avg = trand() % 3 != 0, bits, edge = trand() % 5 == 0;
		uint64_t so_ = 0, vq;
		struct axon_isa_pool *p;
		struct axon_isa_tensor tx, to;
		struct tmem m;
		struct sb s;
		uint8_t *q;

		if (global) {
			kh = h;
			kw = w;
			sh = sw_ = 1;
			avg = trand() % 5 != 0;
		}
		pt = (uint32_t)trand_range(0, kh - 1 < 2 ? kh - 1 : 2);
		pb = (uint32_t)trand_range(0, kh - 1 < 2 ? kh - 1 : 2);
		pl = (uint32_t)trand_range(0, kw - 1 < 2 ? kw - 1 : 2);
		pr = (uint32_t)trand_range(0, kw - 1 < 2 ? kw - 1 : 2);
		if (global || trand() % 3 == 0)
			pt = pb = pl = pr = 0;
		if (h + pt + pb < kh)
			h = kh;
		if (w + pl + pr < kw)
			w = kw;
		oh = (h + pt + pb - kh) / sh + 1;
		ow = (w + pl + pr - kw) / sw_ + 1;
		d[0] = n; d[1] = h; d[2] = w; d[3] = C;
		od[0] = n; od[1] = oh; od[2] = ow; od[3] = C;
		layout(d, sx, (enum lay)(trand() % L_OUTPUTS));
		layout(od, so, (enum lay)(trand() % L_OUTPUTS));
		tmem_init(&m, SRAM_SIZE);
		tx = tens_s(0, 0, xdt, rand_zp(xdt), d, sx);
		to = tens_s(0, 0, odt, odt == AXON_ISA_INT32 ? 0 : rand_zp(odt), od, so);
		place(&m, &tx, 0x10000, trand() % 4 == 0, &so_, TMEM_R_READ);
		fill_vals(&m, &tx);
		place(&m, &to, 0x4000000, trand() % 4 == 0, &so_, TMEM_R_READ | TMEM_R_WRITE);
		cnt = !avg ? 1 : trand() % 3 == 0 ? 1 :
		      (uint32_t)trand_range(1, kh * kw + 2);
		vq = tmem_add(&m, 0x3000000, 8ull * cnt, TMEM_R_READ, 0);
		q = tmem_ptr(&m, AXON_ISA_LOC_VA, vq, 8ull * cnt);
		bits = (xdt == AXON_ISA_INT16 ? 16 : 8) + (avg ? 4 : 0);
		fill_rq(q, cnt, rnd, bits, edge);
		if (trand() % 2 && avg)	/* 1/n folded in, as the compiler does */
			for (uint32_t i = 0; i < cnt; i++) {
				int32_t mm = rnd == AXON_ISA_ROUND_F32 ? (int32_t)((1 << 23) / (i + 1)) :
					     (int32_t)((1u << 30) / (i + 1)), ss = rnd == AXON_ISA_ROUND_F32 ? 23 : 30;

				memcpy(q + 8 * i, &mm, 4);
				memcpy(q + 8 * i + 4, &ss, 4);
			}
		sb_init(&s);
		p = SB_PUT(&s, AXON_OP_POOL, struct axon_isa_pool,
			   avg && trand() % 2 ? AXON_ISA_F_COUNT_PAD : 0);
		p->in = tx;
		p->out = to;
		p->rq = rqtab(AXON_ISA_LOC_VA, vq, rnd, cnt);
		if (trand() % 6 == 0 && so_ + 8ull * cnt <= SRAM_SIZE) {	/* table in SRAM */
			memcpy(tmem_ptr(&m, AXON_ISA_LOC_SRAM, so_, 8ull * cnt), q, 8ull * cnt);
			p->rq.loc = AXON_ISA_LOC_SRAM;
			p->rq.addr = so_;
		}
		p->kind = avg ? AXON_ISA_POOL_AVG : AXON_ISA_POOL_MAX;
		p->kernel_h = (uint16_t)kh;
		p->kernel_w = (uint16_t)kw;
		p->stride_h = (uint16_t)sh;
		p->stride_w = (uint16_t)sw_;
		p->pad_top = (uint16_t)pt;
		p->pad_bottom = (uint16_t)pb;
		p->pad_left = (uint16_t)pl;
		p->pad_right = (uint16_t)pr;
		clamp_range(odt, &p->act_min, &p->act_max);
		finish_case(&m, &s, &sw, what, it);
	}
	end_sweep(&sw, what, 0.8);
}

static void lut_sweep(uint64_t seed, unsigned iters, const char *what)
{
	struct sweep sw = { 0 };

	trand_seed(seed);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t d[4], sx[4], so[4];
		uint8_t xdt = trand() % 2 ? AXON_ISA_INT8 : AXON_ISA_UINT8;
		uint8_t odt = trand() % 2 ? AXON_ISA_INT8 : AXON_ISA_UINT8;
		int inplace = trand() % 4 == 0;
		uint64_t so_ = 0, vt;
		struct axon_isa_lut *p;
		struct axon_isa_tensor tx, to;
		struct tmem m;
		struct sb s;

		rand_dims(d, 1);
		layout(d, sx, (enum lay)(trand() % L_COUNT));
		layout(d, so, (enum lay)(trand() % L_OUTPUTS));
		if (inplace)
			memcpy(sx, so, sizeof(so));
		tmem_init(&m, SRAM_SIZE);
		tx = tens_s(0, 0, xdt, rand_zp(xdt), d, sx);
		to = tens_s(0, 0, odt, rand_zp(odt), d, so);
		place(&m, &tx, 0x10000, trand() % 4 == 0, &so_,
		      TMEM_R_READ | (inplace ? TMEM_R_WRITE : 0));
		fill_vals(&m, &tx);
		if (inplace) {
			to.loc = tx.loc;
			to.addr = tx.addr;
		} else {
			place(&m, &to, 0x4000000, trand() % 4 == 0, &so_,
			      TMEM_R_READ | TMEM_R_WRITE);
		}
		sb_init(&s);
		p = SB_PUT(&s, AXON_OP_LUT, struct axon_isa_lut, 0);
		p->in = tx;
		p->out = to;
		if (trand() % 4 == 0 && so_ + 256 <= SRAM_SIZE) {
			vt = so_;
			p->table_loc = AXON_ISA_LOC_SRAM;
		} else {
			vt = tmem_add(&m, 0x3000000, 256, TMEM_R_READ, 0);
			p->table_loc = AXON_ISA_LOC_VA;
		}
		tmem_rand(&m, p->table_loc, vt, 256);
		p->table = vt;
		finish_case(&m, &s, &sw, what, it);
	}
	end_sweep(&sw, what, 0.9);
}

/* POOL with a bad entry among those a window uses: declined, same fault */
static void t_pool_bad_table(void **st)
{
	struct sweep sw = { 0 };
	struct tmem m;
	struct sb s;
	struct axon_isa_pool *p;
	uint64_t vx, vq, vo;
	int32_t e[4] = { 1 << 30, 30, 5, 63 };

	(void)st;
	trand_seed(78);
	tmem_init(&m, 0);
	vx = tmem_add(&m, 0x10000, 4 * 4 * 8, TMEM_R_READ, 0);
	tmem_rand(&m, AXON_ISA_LOC_VA, vx, 4 * 4 * 8);
	vq = tmem_add(&m, 0x30000, 16, TMEM_R_READ, 0);
	memcpy(tmem_ptr(&m, AXON_ISA_LOC_VA, vq, 16), e, 16);
	vo = tmem_add(&m, 0x40000, 4 * 4 * 8, TMEM_R_READ | TMEM_R_WRITE, 0);
	sb_init(&s);
	p = SB_PUT(&s, AXON_OP_POOL, struct axon_isa_pool, 0);
	p->in = tens(AXON_ISA_LOC_VA, vx, AXON_ISA_UINT8, 3, 1, 4, 4, 8);
	p->out = tens(AXON_ISA_LOC_VA, vo, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	p->rq = rqtab(AXON_ISA_LOC_VA, vq, AXON_ISA_ROUND_SINGLE, 2);
	p->kind = AXON_ISA_POOL_AVG;
	p->kernel_h = p->kernel_w = 2;
	p->stride_h = p->stride_w = 1;
	p->pad_bottom = p->pad_right = 1;
	p->act_min = 0;
	p->act_max = 255;
	sb_finish(&s);
	compare(&m, &s, &sw, NULL, "pool bad table", 0);
	assert_int_equal(sw.handled, 0);
	sb_free(&s);
	tmem_free(&m);
}

/* ---------------------------------------------------------------------- */
/* SOFTMAX, LAYERNORM (cpu_norm.c) */

/* a row length: short, odd tails, vector multiples +- 1, or up to @max */
static uint32_t rand_len(uint32_t max)
{
	static const uint32_t edge[] = { 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65,
					 127, 128, 129, 255, 256, 257, 511, 1023, 1024 };

	switch (trand() % 4) {
	case 0:
		return edge[trand() % (sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return (uint32_t)trand_range(1, 40);
	case 2:
		return (uint32_t)trand_range(1, 1024);
	default:
		return (uint32_t)trand_range(1, max);
	}
}

/* dims for rows of @n elements, at most about 2^16 elements in all */
static void norm_dims(uint32_t *d, uint32_t n)
{
	uint32_t rows = n > 4096 ? 1 : (uint32_t)trand_range(1, n > 256 ? 8 : 40);

	d[0] = rows > 4 && trand() % 2 ? 2 : 1;
	d[1] = rows > 8 && trand() % 2 ? 2 : 1;
	d[2] = (rows + d[0] * d[1] - 1) / (d[0] * d[1]);
	d[3] = n;
}

/*
 * input values: random, extremes only, constant rows, or a narrow range
 * (small sums and variances: many exact ties in the roundings)
 */
static void norm_fill(struct tmem *m, const struct axon_isa_tensor *t)
{
	uint64_t n = tens_span(t);
	uint8_t *p = tmem_ptr(m, t->loc, t->addr, n);
	uint8_t base = (uint8_t)trand(), w = (uint8_t)trand_range(2, 4);

	switch (trand() % 5) {
	case 0:
		memset(p, base, n);
		break;
	case 1:
		for (uint64_t i = 0; i < n; i++)
			p[i] = (uint8_t)(base + trand() % w);
		break;
	default:
		fill_vals(m, t);
		break;
	}
}

/* a table / params buffer of @n bytes in SRAM or VA (table_loc in *@loc) */
static uint64_t norm_buf(struct tmem *m, uint64_t n, uint64_t *so, uint8_t *loc)
{
	uint64_t a;

	if (trand() % 4 == 0 && *so + n <= SRAM_SIZE) {
		a = *so;
		*so = (*so + n + 63) / 64 * 64;
		*loc = AXON_ISA_LOC_SRAM;
	} else {
		a = tmem_add(m, 0x3000000, n, TMEM_R_READ, 0);
		*loc = AXON_ISA_LOC_VA;
	}
	tmem_rand(m, *loc, a, n);
	return a;
}

static void sm_table(uint8_t *t)
{
	unsigned int kind = trand() % 7;
	uint32_t k = (uint32_t)trand_range(1, 4000);

	for (int i = 0; i < 256; i++) {
		uint16_t v;
		uint64_t e = 32768;

		switch (kind) {
		case 0:		/* exp-like: 2^15 * (1 - k / 2^12)^i */
			for (int j = 0; j < i && e; j++)
				e = e * (4096 - k) >> 12;
			v = (uint16_t)e;
			break;
		case 1:		/* all zero: sum 0 */
			v = 0;
			break;
		case 2:		/* only T[0] */
			v = i ? 0 : (uint16_t)trand_range(1, 0xffff);
			break;
		case 3:
			v = 0xffff;
			break;
		case 4:		/* tiny: small odd and even sums, many ties */
			v = (uint16_t)(trand() % 4);
			break;
		default:
			v = (uint16_t)trand();
			break;
		}
		memcpy(t + 2 * i, &v, 2);
	}
}

static void sm_sweep(uint64_t seed, unsigned iters, const char *what, uint32_t max)
{
	struct sweep sw = { 0 };

	trand_seed(seed);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t d[4], sx[4], so[4];
		uint8_t xdt = trand() % 2 ? AXON_ISA_INT8 : AXON_ISA_UINT8;
		uint8_t odt = trand() % 2 ? AXON_ISA_INT8 : AXON_ISA_UINT8;
		uint64_t so_ = 0, vt;
		struct axon_isa_softmax *p;
		struct axon_isa_tensor tx, to;
		struct tmem m;
		struct sb s;

		norm_dims(d, rand_len(max));
		layout(d, sx, (enum lay)(trand() % L_COUNT));
		layout(d, so, (enum lay)(trand() % L_OUTPUTS));
		tmem_init(&m, SRAM_SIZE);
		tx = tens_s(0, 0, xdt, rand_zp(xdt), d, sx);
		to = tens_s(0, 0, odt, rand_zp(odt), d, so);
		place(&m, &tx, 0x10000, trand() % 4 == 0, &so_, TMEM_R_READ);
		norm_fill(&m, &tx);
		place(&m, &to, 0x4000000, trand() % 4 == 0, &so_,
		      TMEM_R_READ | TMEM_R_WRITE);
		sb_init(&s);
		p = SB_PUT(&s, AXON_OP_SOFTMAX, struct axon_isa_softmax, 0);
		p->in = tx;
		p->out = to;
		vt = norm_buf(&m, 512, &so_, &p->table_loc);
		sm_table(tmem_ptr(&m, p->table_loc, vt, 512));
		p->table = vt;
		switch (trand() % 5) {
		case 0:
			p->out_mult = 256;
			break;
		case 1:
			p->out_mult = trand() % 2 ? 0x7fffffff : (uint32_t)trand_range(0, 3);
			break;
		default:
			p->out_mult = (uint32_t)trand_range(0, trand() % 2 ? 0x7fffffff : 1024);
			break;
		}
		finish_case(&m, &s, &sw, what, it);
	}
	end_sweep(&sw, what, 0.9);
}

static void ln_sweep(uint64_t seed, unsigned iters, const char *what)
{
	static const uint8_t zb[] = { 0, 11, 17, 20 };
	struct sweep sw = { 0 };

	trand_seed(seed);
	for (unsigned it = 0; it < iters; it++) {
		uint32_t d[4], sx[4], so[4], n;
		uint8_t xdt = trand() % 2 ? AXON_ISA_INT8 : AXON_ISA_UINT8;
		uint8_t odt = out_dts[trand() % 4], rnd = rand_round();
		uint64_t so_ = 0, vp;
		int gb = (int)trand_range(0, 20), f;
		uint8_t *prm;
		struct axon_isa_layernorm *p;
		struct axon_isa_tensor tx, to;
		struct tmem m;
		struct sb s;

		n = rand_len(1024);
		norm_dims(d, n);
		layout(d, sx, (enum lay)(trand() % L_COUNT));
		layout(d, so, (enum lay)(trand() % L_OUTPUTS));
		tmem_init(&m, SRAM_SIZE);
		tx = tens_s(0, 0, xdt, rand_zp(xdt), d, sx);
		to = tens_s(0, 0, odt, odt == AXON_ISA_INT32 ? 0 : rand_zp(odt), d, so);
		place(&m, &tx, 0x10000, trand() % 4 == 0, &so_, TMEM_R_READ);
		norm_fill(&m, &tx);
		place(&m, &to, 0x4000000, trand() % 4 == 0, &so_,
		      TMEM_R_READ | TMEM_R_WRITE);
		sb_init(&s);
		p = SB_PUT(&s, AXON_OP_LAYERNORM, struct axon_isa_layernorm, 0);
		p->in = tx;
		p->out = to;
		vp = norm_buf(&m, (uint64_t)n * 8, &so_, &p->params_loc);
		prm = tmem_ptr(&m, p->params_loc, vp, (uint64_t)n * 8);
		for (uint32_t i = 0; i < 2 * n; i++) {
			int32_t v = (int32_t)trand_range(-(1 << gb), 1 << gb);

			if (trand() % 16 == 0)
				v = trand() % 2 ? INT32_MAX : INT32_MIN;
			memcpy(prm + 4 * i, &v, 4);
		}
		p->params = vp;
		p->z_bits = trand() % 3 ? zb[trand() % 4] : (uint8_t)trand_range(11, 20);
		f = p->z_bits ? p->z_bits : 11;
		switch (trand() % 5) {
		case 0:
			p->eps_term = 0;
			break;
		case 1:
			p->eps_term = trand() % 2 ? ~0ull : 1ull << 62;
			break;
		case 2:
			p->eps_term = (uint64_t)trand_range(1, trand() % 2 ? 1000 : 5);
			break;
		default:
			p->eps_term = (uint64_t)trand_range(0, (int64_t)1 << 40);
			break;
		}
		p->rounding = rnd;
		p->rq = rand_rq(rnd, f + 4 + gb, trand() % 5 == 0);
		clamp_range(odt, &p->act_min, &p->act_max);
		finish_case(&m, &s, &sw, what, it);
	}
	end_sweep(&sw, what, 0.9);
}

static void t_softmax(void **st) { (void)st; sm_sweep(17, 600, "softmax", 1024); }
static void t_softmax_long(void **st) { (void)st; sm_sweep(18, 30, "softmax long", 65536); }
static void t_layernorm(void **st) { (void)st; ln_sweep(19, 800, "layernorm"); }

static void t_elt(void **st) { (void)st; elt_sweep(11, 1500, "eltwise", 0); }
static void t_elt_big(void **st) { (void)st; elt_sweep(12, 150, "eltwise large", 1); }
static void t_rescale(void **st) { (void)st; rescale_sweep(13, 800, "rescale"); }
static void t_pool(void **st) { (void)st; pool_sweep(14, 800, "pool", 0); }
static void t_pool_global(void **st) { (void)st; pool_sweep(15, 200, "pool global", 1); }
static void t_lut(void **st) { (void)st; lut_sweep(16, 500, "lut"); }

static void t_conv_any(void **st) { (void)st; conv_sweep(C_ANY, 1, 400, "conv general", 0); }
static void t_conv_pw(void **st) { (void)st; conv_sweep(C_PW, 2, 300, "conv pointwise", 1); }
static void t_conv_dw(void **st) { (void)st; conv_sweep(C_DW, 3, 300, "conv depthwise", 1); }
static void t_conv_dw_wide(void **st)
{
	(void)st;
	conv_sweep(C_DW_WIDE, 8, 150, "conv depthwise wide", 1);
}
static void t_conv_group(void **st) { (void)st; conv_sweep(C_GROUP, 4, 200, "conv grouped", 0); }
static void t_conv_big(void **st) { (void)st; conv_sweep(C_BIG, 5, 30, "conv large K", 1); }
static void t_mm_small(void **st) { (void)st; mm_sweep(6, 400, "matmul small", 0); }
static void t_mm_big(void **st) { (void)st; mm_sweep(7, 40, "matmul large", 1); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_conv_any),
		cmocka_unit_test(t_conv_pw),
		cmocka_unit_test(t_conv_dw),
		cmocka_unit_test(t_conv_dw_wide),
		cmocka_unit_test(t_conv_group),
		cmocka_unit_test(t_conv_big),
		cmocka_unit_test(t_mm_small),
		cmocka_unit_test(t_mm_big),
		cmocka_unit_test(t_bad_table),
		cmocka_unit_test(t_elt),
		cmocka_unit_test(t_elt_big),
		cmocka_unit_test(t_rescale),
		cmocka_unit_test(t_pool),
		cmocka_unit_test(t_pool_global),
		cmocka_unit_test(t_pool_bad_table),
		cmocka_unit_test(t_lut),
		cmocka_unit_test(t_softmax),
		cmocka_unit_test(t_softmax_long),
		cmocka_unit_test(t_layernorm),
	};

	printf("cpu kernels: %s\n", cpuk_supported() ? "AVX-512 VNNI" :
	       "not supported on this CPU (reference only)");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
