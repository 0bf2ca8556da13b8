// SPDX-License-Identifier: MIT
/*
 * LUT (256-entry table, 8-bit in and out) for the cpu backend, identical to
 * firmware/ops_lut.c: out = table[in] (uint8 input) or table[in + 128]
 * (int8 input), the table's byte stored as is. Contiguous rows use 64-byte
 * vpermi2b lookups when the CPU has AVX-512 VBMI; other layouts a scalar
 * loop. An output identical to the input is safe: each group of bytes is
 * read before it is written.
 */
#include "cpu_kernels.h"
#include "cpu_simd.h"

int cpuk_vbmi(void)
{
	static int v = -1;

	if (v < 0) {
		__builtin_cpu_init();
		v = __builtin_cpu_supports("avx512vbmi");
	}
	return v;
}

__attribute__((target("avx512f,avx512bw,avx512vbmi")))
static void lut_row_vbmi(const uint8_t *x, uint8_t *o, uint64_t n,
			 const uint8_t *tab, uint8_t flip)
{
	const __m512i t0 = _mm512_loadu_si512(tab), t1 = _mm512_loadu_si512(tab + 64);
	const __m512i t2 = _mm512_loadu_si512(tab + 128), t3 = _mm512_loadu_si512(tab + 192);
	const __m512i fl = _mm512_set1_epi8((char)flip);

	for (uint64_t i = 0; i < n; i += 64) {
		__mmask64 k = n - i >= 64 ? ~0ull : (1ull << (n - i)) - 1;
		__m512i v = _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, x + i), fl);
		__m512i lo = _mm512_permutex2var_epi8(t0, v, t1);
		__m512i hi = _mm512_permutex2var_epi8(t2, v, t3);

		_mm512_mask_storeu_epi8(o + i, k,
					_mm512_mask_blend_epi8(_mm512_movepi8_mask(v), lo, hi));
	}
}

int cpuk_lut(const struct axon_isa_lut *p, void *const *ops)
{
	struct cpuk_tv x, o;
	struct cpuk_tv *v[2] = { &x, &o };
	const uint8_t *tab = ops[2];
	uint8_t flip;
	int vec;

	cpuk_tv_init(&x, &p->in, ops[0]);
	cpuk_tv_init(&o, &p->out, ops[1]);
	if ((x.dt != AXON_ISA_INT8 && x.dt != AXON_ISA_UINT8) ||
	    (o.dt != AXON_ISA_INT8 && o.dt != AXON_ISA_UINT8))
		return 0;
	flip = x.dt == AXON_ISA_INT8 ? 0x80 : 0;
	cpuk_collapse_ew(v, 2);
	vec = cpuk_vbmi() && x.s[3] == 1 && o.s[3] == 1;
	for (uint64_t i0 = 0; i0 < o.d[0]; i0++)
		for (uint64_t i1 = 0; i1 < o.d[1]; i1++)
			for (uint64_t i2 = 0; i2 < o.d[2]; i2++) {
				const uint8_t *px = x.p + i0 * x.s[0] + i1 * x.s[1] + i2 * x.s[2];
				uint8_t *po = o.p + i0 * o.s[0] + i1 * o.s[1] + i2 * o.s[2];

				if (vec) {
					lut_row_vbmi(px, po, o.d[3], tab, flip);
					continue;
				}
				for (uint64_t c = 0; c < o.d[3]; c++)
					po[c * o.s[3]] = tab[(uint8_t)(px[c * x.s[3]] ^ flip)];
			}
	return 1;
}
