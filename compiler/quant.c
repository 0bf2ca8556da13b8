// SPDX-License-Identifier: MIT
/*
 * axonc: integer scale arithmetic.
 *
 * quantize_multiplier() follows TFLite's QuantizeMultiplier: real =
 * q * 2^e with q in [0.5, 1), multiplier = round(q * 2^31) and the ISA
 * shift = 31 - e (a right shift; left shifts of real >= 1 are covered by
 * the ISA's DOUBLE rounding convention and by the 64-bit SINGLE product).
 *
 * Rounding mode per source format (documented choice):
 *   - QOperator QLinearConv / QLinearMatMul (ONNX Runtime's kernels):
 *     ROUND_F32 (ISA 1.1). ORT requantizes the int32 accumulator in
 *     float32: y = nearbyintf(fl32(acc) * S), S = fl32(fl32(xs * ws) / ys).
 *     The multiplier is S's 24-bit mantissa exactly
 *     (quantize_multiplier_f32()), and ROUND_F32 reproduces the float32
 *     multiply and its ties to even bit for bit.
 *   - QDQ graphs and every other op (ONNX Runtime's unoptimised reference
 *     computes DQ -> float op -> Q in float, and QuantizeLinear divides
 *     by the scale): ROUND_SINGLE, the correctly rounded exact product,
 *     which differs from the float reference only by its float error.
 *   - TFLite-style sources (none imported yet) would use ROUND_DOUBLE,
 *     which reproduces gemmlowp bit for bit.
 * Streams are always written as ISA 1.1 (AXON_ISA_VERSION_MINOR).
 */
#include <math.h>

#include "qir.h"

struct rq quantize_multiplier(double real)
{
	struct rq r = { 0, 0 };
	int e;
	double q;
	int64_t m;

	if (!(real > 0) || real != real)
		return r;
	q = frexp(real, &e);
	m = llround(q * 2147483648.0);
	if (m == (INT64_C(1) << 31)) {
		m /= 2;
		e++;
	}
	r.m = (int32_t)m;
	r.s = 31 - e;
	while (r.s > 62) {	/* tiny scales: drop precision */
		r.m >>= 1;
		r.s--;
	}
	if (r.s < 0) {		/* huge scales cannot be represented */
		r.m = 0x7fffffff;
		r.s = 0;
	}
	return r;
}

/*
 * ROUND_F32 multiplier: the float32 scale @s exactly as m * 2^-sh with
 * m < 2^24 (its mantissa); scales below 2^-38 lose low bits (sh <= 62).
 */
struct rq quantize_multiplier_f32(float s)
{
	struct rq r = { 0, 0 };
	int e;
	float q;

	if (!(s > 0) || s != s)
		return r;
	q = frexpf(s, &e);	/* s = q * 2^e, q in [0.5, 1) */
	r.m = (int32_t)ldexpf(q, 24);
	r.s = 24 - e;
	while (r.s > 62) {
		r.m >>= 1;
		r.s--;
	}
	if (r.s < 0) {		/* s >= 2^24: not a requantization scale */
		r.m = (1 << 24) - 1;
		r.s = 0;
	}
	return r;
}

/*
 * The scale of a QLinearConv / QLinearMatMul requantization as ONNX Runtime
 * forms it: x_scale * w_scale / y_scale evaluated in float32. Its 24-bit
 * mantissa fits the 31-bit multiplier exactly, so rescale() then computes
 * the exact product acc * S that ONNX Runtime rounds; using the double
 * quotient instead moves values that lie within ~1e-7 of a rounding
 * boundary, and deep networks amplify those 1-LSB flips.
 */
double scale_ratio_f32(double xs, double ws, double ys)
{
	float p = (float)xs * (float)ws;

	return (double)(p / (float)ys);
}

int32_t quantize_f32(float x, float scale, int32_t zp, int dt)
{
	float v = x / scale;
	double r;

	if (v != v)
		v = 0;
	r = nearbyintf(v) + (double)zp;
	if (r < qtype_min(dt))
		r = qtype_min(dt);
	if (r > qtype_max(dt))
		r = qtype_max(dt);
	return (int32_t)r;
}

float dequantize_f32(int32_t q, float scale, int32_t zp)
{
	return (float)(q - zp) * scale;
}

int32_t rescale_ref(int64_t v, struct rq r, int rounding)
{
	int64_t x;

	(void)rounding;
	x = v * r.m + (r.s > 0 ? (INT64_C(1) << (r.s - 1)) : 0);
	x >>= r.s;
	if (x > INT32_MAX)
		x = INT32_MAX;
	if (x < INT32_MIN)
		x = INT32_MIN;
	return (int32_t)x;
}
