// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: the integer rescale primitive and the few wide-integer
 * helpers the operations need (no compiler runtime helpers).
 */
#include "fw_priv.h"

#ifdef __KERNEL__
#include <linux/math64.h>
#endif

/* Unsigned 64-bit division without libgcc; @d must not be 0. */
u64 fw_div_u64(u64 n, u64 d)
{
#if defined(__KERNEL__)
	return div64_u64(n, d);
#elif __SIZEOF_POINTER__ >= 8
	return n / d;
#else
	u64 q = 0, r = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	return q;
#endif
}

/* floor(sqrt(x)) */
u64 fw_isqrt(u64 x)
{
	u64 r = 0, bit = 1ull << 62;

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

/* Number of significant bits of @x (0 for 0); no compiler helper. */
static inline FW_FORCE_INLINE u32 fw_nbits(u64 x)
{
	u32 n = 0;

	if (x >> 32) {
		n += 32;
		x >>= 32;
	}
	if (x >> 16) {
		n += 16;
		x >>= 16;
	}
	if (x >> 8) {
		n += 8;
		x >>= 8;
	}
	if (x >> 4) {
		n += 4;
		x >>= 4;
	}
	if (x >> 2) {
		n += 2;
		x >>= 2;
	}
	if (x >> 1) {
		n += 1;
		x >>= 1;
	}
	return n + (u32)x;
}

/* x / 2^sh rounded to an integer, ties to even; 1 <= sh <= 63 */
static inline FW_FORCE_INLINE u64 fw_rne_shr(u64 x, u32 sh)
{
	u64 q = x >> sh, rem = x & ((1ull << sh) - 1), half = 1ull << (sh - 1);

	if (rem > half || (rem == half && (q & 1)))
		q++;
	return q;
}

/* x rounded to 24 significant bits, ties to even (x < 2^63) */
static inline FW_FORCE_INLINE u64 fw_rne24(u64 x)
{
	u32 nb;

	if (x < (1ull << 24))
		return x;
	nb = fw_nbits(x) - 24;
	return fw_rne_shr(x, nb) << nb;	/* may carry to 2^(nb + 24): exact */
}

/*
 * AXON_ISA_ROUND_F32: float32(float32(v) * float32(m * 2^-s)), rounded to
 * an integer ties to even, in integers: |v| <= 2^31 and m < 2^24, so the
 * exact product is below 2^55 and no float32 intermediate is subnormal.
 */
static s64 fw_rescale_f32(s32 v, s64 m, s32 shift)
{
	u64 a = v < 0 ? (u64)-(s64)v : (u64)v;
	u64 p = fw_rne24(fw_rne24(a) * (u64)m);	/* < 2^55 */
	u64 r = shift ? fw_rne_shr(p, (u32)shift) : p;

	return v < 0 ? -(s64)r : (s64)r;
}

/*
 * AXON_ISA_ROUND_DOUBLE is gemmlowp's
 *   RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x << l, m), rs)
 * i.e. TFLite's MultiplyByQuantizedMultiplier(x, m, 31 - s).
 */
s32 axon_fw_rescale(s32 v, s32 multiplier, s32 shift, u32 rounding)
{
	s64 m = multiplier, r;

	if (multiplier < 0 || shift < 0 || shift > 62)
		return 0;
	if (rounding == AXON_ISA_ROUND_SINGLE) {
		r = (s64)v * m;		/* |r| < 2^62 */
		if (shift > 0)
			r = (r + ((s64)1 << (shift - 1))) >> shift;
	} else if (rounding == AXON_ISA_ROUND_DOUBLE) {
		int l = shift < 31 ? 31 - shift : 0;
		int rs = shift < 31 ? 0 : shift - 31;
		s64 x = fw_sat32((s64)v * ((s64)1 << l));
		s64 ab = x * m;		/* |ab| < 2^62: no overflow */
		s64 t = ab + (ab >= 0 ? (1 << 30) : (1 - (1 << 30)));
		s64 h = t >= 0 ? t >> 31 : -((-t) >> 31);	/* truncate */
		s64 mask = ((s64)1 << rs) - 1;
		s64 rem = h & mask;
		s64 thr = (mask >> 1) + (h < 0 ? 1 : 0);

		r = (h >> rs) + (rem > thr ? 1 : 0);
	} else if (rounding == AXON_ISA_ROUND_F32) {
		if (multiplier >= FW_F32_MULT_LIMIT)
			return 0;
		r = fw_rescale_f32(v, m, shift);
	} else {
		return 0;
	}
	return fw_sat32(r);
}
