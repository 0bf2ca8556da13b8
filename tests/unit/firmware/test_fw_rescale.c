// SPDX-License-Identifier: MIT
/*
 * axon_fw_rescale() against the oracle: TFLite double rounding against
 * gemmlowp's MultiplyByQuantizedMultiplier (10^5 cases; 10^7 with LONG=1),
 * single rounding against a 128-bit floor computation, ISA 1.1 ROUND_F32
 * against real float32 arithmetic (ONNX Runtime's requantization; random,
 * edges and constructed ties), hand-computed anchor values for the oracle
 * itself, and the documented out-of-range behaviour.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "axon_fw.h"
#include "oracle.h"
#include "tmem.h"

static const int32_t V_EDGE[] = { INT32_MIN, INT32_MIN + 1, -65536, -32769, -256, -129, -3, -2, -1,
				  0, 1, 2, 3, 127, 255, 65535, 1 << 30, INT32_MAX - 1, INT32_MAX };
static const int32_t M_EDGE[] = { 0, 1, 2, 3, 1 << 15, (1 << 30) - 1, 1 << 30, (1 << 30) + 1,
				  0x55555555, INT32_MAX - 1, INT32_MAX };
static const int32_t S_EDGE[] = { 0, 1, 2, 15, 29, 30, 31, 32, 33, 46, 60, 61, 62 };
#define NE(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void gen(uint64_t i, int32_t *v, int32_t *m, int32_t *s)
{
	uint64_t k = trand() % 8;
	/* v: edges, around powers of two, small, or uniform */
	if (k == 0)
		*v = V_EDGE[trand() % NE(V_EDGE)];
	else if (k == 1)
		*v = (int32_t)((trand() & 1 ? 1 : -1) * ((int64_t)1 << (trand() % 31)) +
			       trand_range(-2, 2));
	else if (k == 2)
		*v = (int32_t)trand_range(-70000, 70000);
	else
		*v = (int32_t)trand();
	k = trand() % 6;
	*m = k == 0 ? M_EDGE[trand() % NE(M_EDGE)] :
	     k == 1 ? (int32_t)(trand() & 0x7fffffff) :
	     (int32_t)trand_range(1 << 30, INT32_MAX);
	k = trand() % 4;
	*s = k == 0 ? S_EDGE[trand() % NE(S_EDGE)] : (int32_t)trand_range(0, 62);
	/* the first cases: the full cross product of the edge values */
	uint64_t nx = (uint64_t)NE(V_EDGE) * NE(M_EDGE) * NE(S_EDGE);
	if (i < nx) {
		*v = V_EDGE[i % NE(V_EDGE)];
		*m = M_EDGE[(i / NE(V_EDGE)) % NE(M_EDGE)];
		*s = S_EDGE[i / NE(V_EDGE) / NE(M_EDGE)];
	}
}

/* The header's DOUBLE formula taken literally, 128-bit, as a second oracle. */
static int32_t header_double(int32_t v, int32_t m, int32_t s)
{
	int l = s >= 31 ? 0 : 31 - s, rs = s >= 31 ? s - 31 : 0;
	__int128 x = oracle_sat32((__int128)v * ((__int128)1 << l));
	__int128 p = x * m;
	__int128 h = (p + (p >= 0 ? ((__int128)1 << 30) : 1 - ((__int128)1 << 30))) / ((__int128)1 << 31);
	if (rs == 0)
		return oracle_sat32(h);
	__int128 a = h < 0 ? -h : h;	/* round half away from zero */
	__int128 q = (a + ((__int128)1 << (rs - 1))) >> rs;
	return oracle_sat32(h < 0 ? -q : q);
}

static void parity(uint64_t n, unsigned rounding)
{
	uint64_t mismatches = 0, oracle_disagree = 0;
	struct timespec t0, t1;
	trand_seed(rounding ? 0xd0b1e : 0x5171e);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 0; i < n; i++) {
		int32_t v, m, s;
		gen(i, &v, &m, &s);
		int32_t want = oracle_rescale(v, m, s, rounding);
		if (rounding == AXON_ISA_ROUND_DOUBLE && want != header_double(v, m, s))
			oracle_disagree++;
		int32_t got = axon_fw_rescale(v, m, s, rounding);
		if (got != want) {
			if (mismatches < 10)
				print_message("  mismatch: rescale(%d, %d, %d, %s) = %d, want %d\n", v, m,
					      s, rounding ? "double" : "single", got, want);
			mismatches++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("  %s rounding: %llu cases, %llu mismatches, %.2f s\n",
		      rounding ? "double (gemmlowp)" : "single", (unsigned long long)n,
		      (unsigned long long)mismatches, secs);
	assert_int_equal(oracle_disagree, 0);
	assert_int_equal(mismatches, 0);
}

/* ------------------------------------------------------------------------ */
/* ROUND_F32 (ISA 1.1)                                                       */

static const int32_t MF_EDGE[] = { 0, 1, 2, 3, 255, 1 << 12, (1 << 23) - 1, 1 << 23, (1 << 23) + 1,
				   0xaaaaaa, 0x555555, (1 << 24) - 2, (1 << 24) - 1 };

static int nbits(uint64_t x)
{
	int n = 0;
	while (x) {
		n++;
		x >>= 1;
	}
	return n;
}

static void gen_f32(uint64_t i, int32_t *v, int32_t *m, int32_t *s)
{
	uint64_t nx = (uint64_t)NE(V_EDGE) * NE(MF_EDGE) * NE(S_EDGE);
	if (i < nx) {
		*v = V_EDGE[i % NE(V_EDGE)];
		*m = MF_EDGE[(i / NE(V_EDGE)) % NE(MF_EDGE)];
		*s = S_EDGE[i / NE(V_EDGE) / NE(MF_EDGE)];
		return;
	}
	uint64_t k = trand() % 8;
	if (k == 0)
		*v = V_EDGE[trand() % NE(V_EDGE)];
	else if (k == 1)	/* around powers of two, 2^24 (float32's integer limit) included */
		*v = (int32_t)((trand() & 1 ? 1 : -1) * ((int64_t)1 << (trand() % 31)) +
			       trand_range(-3, 3));
	else if (k == 2)
		*v = (int32_t)trand_range(-70000, 70000);
	else if (k == 3)	/* beyond 24 bits: float(v) rounds */
		*v = (int32_t)((trand() & 1 ? 1 : -1) * trand_range(1 << 24, INT32_MAX));
	else
		*v = (int32_t)trand() >> (trand() % 32);
	k = trand() % 6;
	*m = k == 0 ? MF_EDGE[trand() % NE(MF_EDGE)] :
	     k == 1 ? (int32_t)(trand() & 0xffffff) :
	     k == 2 ? (int32_t)((trand() & 0xffffff) >> (trand() % 24)) :
	     (int32_t)trand_range(1 << 23, (1 << 24) - 1);
	k = trand() % 4;
	if (k == 0) {
		*s = S_EDGE[trand() % NE(S_EDGE)];
	} else if (k == 1) {
		*s = (int32_t)trand_range(0, 62);
	} else {	/* results of a few bits to ~2^20: where rounding matters */
		int64_t b = nbits((uint64_t)llabs((long long)*v)) + nbits((uint64_t)*m) - trand_range(1, 21);
		*s = (int32_t)(b < 0 ? 0 : b > 62 ? 62 : b);
	}
}

/* The header's integer description of ROUND_F32, 128-bit, as a second oracle. */
static unsigned __int128 rne_shr128(unsigned __int128 x, int sh)
{
	if (sh <= 0)
		return x;
	unsigned __int128 q = x >> sh, rem = x - (q << sh), half = (unsigned __int128)1 << (sh - 1);
	if (rem > half || (rem == half && (q & 1)))
		q++;
	return q;
}

static unsigned __int128 rne24_128(unsigned __int128 x)
{
	int sh = 0;
	while ((x >> sh) >= ((unsigned __int128)1 << 24))
		sh++;
	return rne_shr128(x, sh) << sh;
}

static int32_t header_f32(int32_t v, int32_t m, int32_t s)
{
	unsigned __int128 a = rne24_128((unsigned __int128)llabs((long long)v));
	unsigned __int128 p = rne24_128(a * (unsigned __int128)m);
	unsigned __int128 r = rne_shr128(p, s);
	return oracle_sat32(v < 0 ? -(__int128)r : (__int128)r);
}

struct f32_stats {
	uint64_t cases, mismatches, header_disagree, ties_exact, ties_rounded;
};

/* is the float32 product v * (m * 2^-s) exactly k + 1/2 (and was it exact)? */
static int f32_tie(int32_t v, int32_t m, int32_t s, int *exact)
{
	volatile float y = (float)v * ldexpf((float)m, -s);
	float f = floorf(y);
	if (y - f != 0.5f || fabsf(y) >= 2147483648.0f)
		return 0;
	/* exact product is a tie iff 2 * float(v) * m == (2k + 1) * 2^s */
	__int128 fv = (__int128)(float)v;
	__int128 lhs = 2 * fv * m, rhs = (__int128)(2 * (double)f + 1) * ((__int128)1 << s);
	*exact = lhs == rhs && fv == v;
	return 1;
}

static void f32_one(struct f32_stats *st, int32_t v, int32_t m, int32_t s)
{
	int32_t want = oracle_rescale_f32(v, m, s);
	int exact;
	if (want != header_f32(v, m, s))
		st->header_disagree++;
	if (f32_tie(v, m, s, &exact)) {
		if (exact)
			st->ties_exact++;
		else
			st->ties_rounded++;
	}
	int32_t got = axon_fw_rescale(v, m, s, AXON_ISA_ROUND_F32);
	if (got != want) {
		if (st->mismatches < 10)
			print_message("  mismatch: rescale(%d, %d, %d, f32) = %d, want %d\n", v, m, s,
				      got, want);
		st->mismatches++;
	}
	st->cases++;
}

static uint64_t ncases(void);

static void t_f32_parity(void **state)
{
	(void)state;
	struct f32_stats st = { 0 };
	struct timespec t0, t1;
	uint64_t n = ncases();
	trand_seed(0xf32f32);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 0; i < n; i++) {
		int32_t v, m, s;
		gen_f32(i, &v, &m, &s);
		f32_one(&st, v, m, s);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("  f32 rounding (float32, ORT): %llu cases, %llu mismatches, %llu ties among "
		      "them, %.2f s\n", (unsigned long long)st.cases,
		      (unsigned long long)st.mismatches,
		      (unsigned long long)(st.ties_exact + st.ties_rounded), secs);
	assert_int_equal(st.header_disagree, 0);
	assert_int_equal(st.mismatches, 0);
}

/*
 * Ties constructed so that the float32 product is exactly k + 1/2:
 *  - exact: v = ov * 2^i, m = om * 2^j with ov * om < 2^24 (product exact),
 *    s = i + j + 1;
 *  - rounded: the exact product is within half a float32 ulp of a
 *    half-integer but not on it (ONNX Runtime then rounds the tie to even,
 *    the README's "acc 18165, S 0.0020093587" case); v near T / m with
 *    T = (2k + 1) 2^(s - 1) of 48 bits, kept when float32 lands on T.
 * Both signs; all must agree with the float32 oracle.
 */
static void t_f32_ties(void **state)
{
	(void)state;
	struct f32_stats st = { 0 };
	uint64_t n = ncases() / 4, tries = 0;
	trand_seed(0x71e5);
	while (st.ties_exact < n) {
		int bm = (int)trand_range(1, 23), bv = (int)trand_range(1, 24 - bm);
		int64_t om = trand_range((int64_t)1 << (bm - 1), ((int64_t)1 << bm) - 1) | 1;
		int64_t ov = trand_range((int64_t)1 << (bv - 1), ((int64_t)1 << bv) - 1) | 1;
		int j = (int)trand_range(0, 24 - bm), i = (int)trand_range(0, 31 - bv);
		int32_t m = (int32_t)(om << j);
		int64_t v = (ov << i) * (trand() & 1 ? 1 : -1);
		int32_t s = i + j + 1;
		if (m >= (1 << 24) || v > INT32_MAX || v < INT32_MIN || s > 62)
			continue;
		f32_one(&st, (int32_t)v, m, s);
	}
	while (st.ties_rounded < n) {
		tries++;
		int bm = (int)trand_range(2, 24), bo = (int)trand_range(2, 24);
		int32_t m = (int32_t)trand_range((int64_t)1 << (bm - 1), ((int64_t)1 << bm) - 1);
		int64_t o = trand_range((int64_t)1 << (bo - 1), ((int64_t)1 << bo) - 1) | 1;
		int e = 24 + bm - bo;	/* T has 24 + bm bits: half its ulp is >= m / 2 */
		__int128 T = (__int128)o << e;		/* T / 2^(e + 1) = o / 2 */
		__int128 v = (T + m / 2) / m + (trand() % 8 ? 0 : trand_range(-1, 1));
		if (v > INT32_MAX || v < 1)
			continue;
		int32_t vv = (int32_t)v * (trand() & 1 ? 1 : -1);
		int exact;
		if (!f32_tie(vv, m, e + 1, &exact) || exact)
			continue;
		f32_one(&st, vv, m, e + 1);
	}
	print_message("  f32 ties: %llu exact half-integer products, %llu products float32 rounds "
		      "onto a half-integer (%llu tries), %llu mismatches\n",
		      (unsigned long long)st.ties_exact, (unsigned long long)st.ties_rounded,
		      (unsigned long long)tries, (unsigned long long)st.mismatches);
	assert_int_equal(st.header_disagree, 0);
	assert_int_equal(st.mismatches, 0);
}

static uint64_t ncases(void)
{
	const char *l = getenv("LONG");
	return (l && *l && *l != '0') ? 10000000ull : 100000ull;
}

static void t_double_parity(void **st) { (void)st; parity(ncases(), AXON_ISA_ROUND_DOUBLE); }
static void t_single_parity(void **st) { (void)st; parity(ncases(), AXON_ISA_ROUND_SINGLE); }

/* Values computed by hand from the definitions, anchoring the oracle. */
static void t_oracle_anchors(void **st)
{
	(void)st;
	/* SRDHM: round(a*b / 2^31), ties: +1.5 -> 2, -1.5 -> -1 (truncating division) */
	assert_int_equal(gemmlowp_srdhm(3, 1 << 30), 2);
	assert_int_equal(gemmlowp_srdhm(-3, 1 << 30), -1);
	assert_int_equal(gemmlowp_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
	assert_int_equal(gemmlowp_srdhm(INT32_MAX, INT32_MAX), INT32_MAX - 1);
	/* RDBPOT: round half away from zero */
	assert_int_equal(gemmlowp_rdbpot(5, 1), 3);
	assert_int_equal(gemmlowp_rdbpot(-5, 1), -3);
	assert_int_equal(gemmlowp_rdbpot(-6, 2), -2);	/* -1.5 -> -2 */
	assert_int_equal(gemmlowp_rdbpot(6, 2), 2);	/* 1.5 -> 2 */
	assert_int_equal(gemmlowp_rdbpot(-7, 2), -2);
	assert_int_equal(gemmlowp_rdbpot(INT32_MIN, 31), -1);
	/* rescale: m = 2^30, s = 31 is 0.5 */
	assert_int_equal(oracle_rescale(3, 1 << 30, 31, AXON_ISA_ROUND_SINGLE), 2);	/* 1.5 -> 2 */
	assert_int_equal(oracle_rescale(-3, 1 << 30, 31, AXON_ISA_ROUND_SINGLE), -1);	/* -1.5 -> -1 */
	assert_int_equal(oracle_rescale(-3, 1 << 30, 31, AXON_ISA_ROUND_DOUBLE), -1);
	assert_int_equal(oracle_rescale(-5, 1 << 30, 32, AXON_ISA_ROUND_DOUBLE), -1);	/* -1.25 */
	assert_int_equal(oracle_rescale(-6, 1 << 30, 32, AXON_ISA_ROUND_DOUBLE), -2);	/* -1.5 away */
	assert_int_equal(oracle_rescale(-6, 1 << 30, 32, AXON_ISA_ROUND_SINGLE), -1);	/* -1.5 up */
	/* identity and saturation */
	assert_int_equal(oracle_rescale(INT32_MIN, 1 << 30, 30, AXON_ISA_ROUND_SINGLE), INT32_MIN);
	assert_int_equal(oracle_rescale(1 << 29, 1 << 30, 30, AXON_ISA_ROUND_DOUBLE), 1 << 29);
	/*
	 * (2^30, 30) is not the identity in DOUBLE rounding for |v| >= 2^30: the
	 * pre-shift sat32(v << 1) saturates first (gemmlowp behaves the same).
	 */
	assert_int_equal(oracle_rescale(INT32_MAX, 1 << 30, 30, AXON_ISA_ROUND_DOUBLE), 1 << 30);
	assert_int_equal(oracle_rescale(INT32_MAX, INT32_MAX, 0, AXON_ISA_ROUND_SINGLE), INT32_MAX);
	/* x = sat32(-2^62) = -2^31; SRDHM(-2^31, 2^31 - 1) = trunc(-(2^31 - 1) - (2^30 - 1)/2^31) */
	assert_int_equal(oracle_rescale(INT32_MIN, INT32_MAX, 0, AXON_ISA_ROUND_DOUBLE), INT32_MIN + 1);
	/* double rounding differs from single: 0.75 * 2 ... x=1, m=3*2^29 (0.75), s=31+1 -> 0.375 */
	assert_int_equal(oracle_rescale(1, 3 << 29, 32, AXON_ISA_ROUND_SINGLE), 0);
	assert_int_equal(oracle_rescale(1, 3 << 29, 32, AXON_ISA_ROUND_DOUBLE), 1);
	/* TFLite QuantizeMultiplier */
	int32_t m, s;
	assert_int_equal(quantize_multiplier(0.5, &m, &s), 0);
	assert_int_equal(m, 1 << 30);
	assert_int_equal(s, 31);
	assert_int_equal(quantize_multiplier(1.0, &m, &s), 0);
	assert_int_equal(m, 1 << 30);
	assert_int_equal(s, 30);
	assert_int_equal(quantize_multiplier(0.0078125 * 3, &m, &s), 0);	/* 3/128 */
	assert_int_equal(m, 3 << 29);
	assert_int_equal(s, 31 + 5);
	/* ROUND_F32: float32 ties to even, symmetric */
	assert_int_equal(oracle_rescale(5, 1 << 23, 24, AXON_ISA_ROUND_F32), 2);	/* 2.5 -> 2 */
	assert_int_equal(oracle_rescale(7, 1 << 23, 24, AXON_ISA_ROUND_F32), 4);	/* 3.5 -> 4 */
	assert_int_equal(oracle_rescale(-5, 1 << 23, 24, AXON_ISA_ROUND_F32), -2);
	assert_int_equal(oracle_rescale(-7, 1 << 23, 24, AXON_ISA_ROUND_F32), -4);
	/* (float)(2^24 + 1) = 2^24: the input is rounded first */
	assert_int_equal(oracle_rescale((1 << 24) + 1, 1, 0, AXON_ISA_ROUND_F32), 1 << 24);
	assert_int_equal(oracle_rescale((1 << 24) + 3, 1, 0, AXON_ISA_ROUND_F32), (1 << 24) + 4);
	/* the README's case: exact 36.5000012, float32 product 36.5, ORT 36 */
	float S = 0.0020093587f;
	int e;
	float fr = frexpf(S, &e);
	int32_t m24 = (int32_t)ldexpf(fr, 24), s24 = 24 - e;
	assert_int_equal(ldexpf((float)m24, -s24), S);
	assert_int_equal(oracle_rescale(18165, m24, s24, AXON_ISA_ROUND_F32), 36);
	assert_int_equal(axon_fw_rescale(18165, m24, s24, AXON_ISA_ROUND_F32), 36);
	assert_int_equal(axon_fw_rescale(18165, m24, s24, AXON_ISA_ROUND_SINGLE), 37);
	/* saturation: 2^31 * (2^24 - 1) */
	assert_int_equal(oracle_rescale(INT32_MIN, (1 << 24) - 1, 0, AXON_ISA_ROUND_F32), INT32_MIN);
	assert_int_equal(oracle_rescale(INT32_MAX, (1 << 24) - 1, 0, AXON_ISA_ROUND_F32), INT32_MAX);
	assert_int_equal(oracle_rescale(INT32_MIN, 1 << 23, 23, AXON_ISA_ROUND_F32), INT32_MIN);
}

static void t_invalid_args(void **st)
{
	(void)st;
	/* documented: out-of-range arguments return 0 */
	assert_int_equal(axon_fw_rescale(1000, -1, 10, AXON_ISA_ROUND_SINGLE), 0);
	assert_int_equal(axon_fw_rescale(1000, INT32_MIN, 10, AXON_ISA_ROUND_DOUBLE), 0);
	assert_int_equal(axon_fw_rescale(1000, 1 << 30, -1, AXON_ISA_ROUND_SINGLE), 0);
	assert_int_equal(axon_fw_rescale(1000, 1 << 30, 63, AXON_ISA_ROUND_DOUBLE), 0);
	assert_int_equal(axon_fw_rescale(1000, 1 << 30, 30, 3), 0);
	assert_int_equal(axon_fw_rescale(1000, 1 << 24, 24, AXON_ISA_ROUND_F32), 0);	/* m >= 2^24 */
	assert_int_equal(axon_fw_rescale(1000, INT32_MAX, 24, AXON_ISA_ROUND_F32), 0);
	assert_int_equal(axon_fw_rescale(1000, (1 << 24) - 1, 24, AXON_ISA_ROUND_F32), 1000);
	assert_int_equal(axon_fw_rescale(1000, 1 << 23, 63, AXON_ISA_ROUND_F32), 0);
	assert_int_equal(axon_fw_rescale(1000, 1 << 30, 30, 0xffffffffu), 0);
	/* and the extremes of the valid range are accepted */
	assert_int_equal(axon_fw_rescale(1000, 1 << 30, 30, AXON_ISA_ROUND_DOUBLE), 1000);
	assert_int_equal(axon_fw_rescale(INT32_MAX, INT32_MAX, 62, AXON_ISA_ROUND_SINGLE),
			 oracle_rescale(INT32_MAX, INT32_MAX, 62, AXON_ISA_ROUND_SINGLE));
}

static void t_status_str(void **st)
{
	(void)st;
	for (uint32_t i = 0; i < AXON_ISA_E_COUNT; i++) {
		const char *s = axon_fw_status_str(i);
		assert_non_null(s);
		assert_true(s[0] != 0);
		for (uint32_t j = 0; j < i; j++)
			assert_string_not_equal(s, axon_fw_status_str(j));
	}
	assert_string_equal(axon_fw_status_str(AXON_ISA_E_COUNT), "unknown status");
	assert_string_equal(axon_fw_status_str(0xffffffffu), "unknown status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_oracle_anchors),
		cmocka_unit_test(t_double_parity),
		cmocka_unit_test(t_single_parity),
		cmocka_unit_test(t_f32_parity),
		cmocka_unit_test(t_f32_ties),
		cmocka_unit_test(t_invalid_args),
		cmocka_unit_test(t_status_str),
	};
	return cmocka_run_group_tests_name("firmware rescale", tests, NULL, NULL);
}
