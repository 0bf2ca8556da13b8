// SPDX-License-Identifier: MIT
/*
 * axon_fw_rescale() against the oracle: TFLite double rounding against
 * gemmlowp's MultiplyByQuantizedMultiplier (10^5 cases; 10^7 with LONG=1),
 * single rounding against a 128-bit floor computation, hand-computed anchor
 * values for the oracle itself, and the documented out-of-range behaviour.
 */
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
}

static void t_invalid_args(void **st)
{
	(void)st;
	/* documented: out-of-range arguments return 0 */
	assert_int_equal(axon_fw_rescale(1000, -1, 10, AXON_ISA_ROUND_SINGLE), 0);
	assert_int_equal(axon_fw_rescale(1000, INT32_MIN, 10, AXON_ISA_ROUND_DOUBLE), 0);
	assert_int_equal(axon_fw_rescale(1000, 1 << 30, -1, AXON_ISA_ROUND_SINGLE), 0);
	assert_int_equal(axon_fw_rescale(1000, 1 << 30, 63, AXON_ISA_ROUND_DOUBLE), 0);
	assert_int_equal(axon_fw_rescale(1000, 1 << 30, 30, 2), 0);
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
		cmocka_unit_test(t_invalid_args),
		cmocka_unit_test(t_status_str),
	};
	return cmocka_run_group_tests_name("firmware rescale", tests, NULL, NULL);
}
