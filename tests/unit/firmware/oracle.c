// SPDX-License-Identifier: MIT
/*
 * Oracle for the axon ISA: see oracle.h. Every formula below is transcribed
 * from the comments of uapi/drm/axon_isa.h; where a formula there reads
 * "requant(x)" the code calls requant() with the packet's scale.
 */
#include "oracle.h"

#include <assert.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drm/axon_isa.h"

typedef __int128 i128;

/* ------------------------------------------------------------------------ */
/* gemmlowp, transcribed from gemmlowp/fixedpoint/fixedpoint.h               */

int32_t gemmlowp_srdhm(int32_t a, int32_t b)
{
	int overflow = a == b && a == INT32_MIN;
	int64_t a_64 = a;
	int64_t b_64 = b;
	int64_t ab_64 = a_64 * b_64;
	int32_t nudge = ab_64 >= 0 ? (1 << 30) : (1 - (1 << 30));
	/* C division truncates toward zero, as in gemmlowp */
	int32_t ab_x2_high32 = (int32_t)((ab_64 + nudge) / (1ll << 31));
	return overflow ? INT32_MAX : ab_x2_high32;
}

int32_t gemmlowp_rdbpot(int32_t x, int exponent)
{
	assert(exponent >= 0 && exponent <= 31);
	const int32_t mask = (int32_t)((1ll << exponent) - 1);
	const int32_t zero = 0;
	const int32_t one = 1;
	const int32_t remainder = x & mask;
	const int32_t threshold = (mask >> 1) + ((x < zero) ? one : zero);
	/* x >> exponent on a negative int32 is an arithmetic shift in gcc/clang */
	return (x >> exponent) + ((remainder > threshold) ? one : zero);
}

int32_t oracle_sat32(i128 v)
{
	if (v > INT32_MAX)
		return INT32_MAX;
	if (v < INT32_MIN)
		return INT32_MIN;
	return (int32_t)v;
}

int32_t tflite_mbqm(int32_t x, int32_t qm, int shift)
{
	int left_shift = shift > 0 ? shift : 0;
	int right_shift = shift > 0 ? 0 : -shift;
	int32_t xs = oracle_sat32((i128)x * ((i128)1 << left_shift));
	return gemmlowp_rdbpot(gemmlowp_srdhm(xs, qm), right_shift);
}

int quantize_multiplier(double real, int32_t *m, int32_t *s)
{
	if (!(real > 0.0)) {
		*m = 0;
		*s = 0;
		return real == 0.0 ? 0 : -1;
	}
	int shift;
	double q = frexp(real, &shift);
	int64_t q_fixed = (int64_t)round(q * (double)(1ll << 31));
	if (q_fixed == (1ll << 31)) {
		q_fixed /= 2;
		++shift;
	}
	if (shift < -31) {
		shift = 0;
		q_fixed = 0;
	}
	/* TFLite shift -> ISA shift: real = m * 2^(shift - 31) = m / 2^(31 - shift) */
	if (31 - shift < 0 || 31 - shift > 62)
		return -1;
	*m = (int32_t)q_fixed;
	*s = 31 - shift;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* rescale, as in the header's "Integer arithmetic" section                  */

int oracle_rq_valid(int32_t m, int32_t s)
{
	return m >= 0 && s >= 0 && s <= 62;
}

/* floor(x / 2^s) written as a division, not as a shift */
static i128 floor_div_pow2(i128 x, int s)
{
	i128 d = (i128)1 << s;
	i128 q = x / d;		/* truncates toward zero */
	if (x % d != 0 && x < 0)
		q -= 1;
	return q;
}

int oracle_rq_valid_mode(int32_t m, int32_t s, unsigned mode)
{
	return oracle_rq_valid(m, s) && (mode != AXON_ISA_ROUND_F32 || m < (1 << 24));
}

/*
 * ROUND_F32 is defined as ONNX Runtime computes it (MlasRequantizeOutput):
 * float32 arithmetic, here with real floats, not with the header's integer
 * description. The scale m * 2^-s is a float32 exactly (m < 2^24).
 */
_Static_assert(FLT_EVAL_METHOD == 0, "float expressions must be evaluated in float");

int32_t oracle_rescale_f32(int32_t v, int32_t m, int32_t s)
{
	assert(oracle_rq_valid_mode(m, s, AXON_ISA_ROUND_F32));
	assert(fegetround() == FE_TONEAREST);
	volatile float scale = ldexpf((float)m, -s);	/* exact */
	volatile float x = (float)v;			/* round to nearest even */
	volatile float y = x * scale;			/* one float32 multiply */
	float r = nearbyintf(y);			/* ties to even */
	if (r >= 2147483648.0f)
		return INT32_MAX;
	if (r < -2147483648.0f)
		return INT32_MIN;
	return (int32_t)r;
}

int32_t oracle_rescale(int32_t v, int32_t m, int32_t s, unsigned mode)
{
	assert(oracle_rq_valid_mode(m, s, mode));
	if (mode == AXON_ISA_ROUND_F32)
		return oracle_rescale_f32(v, m, s);
	if (mode == AXON_ISA_ROUND_SINGLE) {
		i128 r = (i128)v * m + (s > 0 ? (i128)1 << (s - 1) : 0);
		return oracle_sat32(floor_div_pow2(r, s));
	}
	assert(mode == AXON_ISA_ROUND_DOUBLE);
	/* ISA shift s <-> TFLite shift 31 - s */
	return tflite_mbqm(v, m, 31 - s);
}

static int64_t requant(i128 acc, int32_t m, int32_t s, unsigned mode, int32_t zp,
		       int32_t amin, int32_t amax)
{
	int64_t y = (int64_t)zp + oracle_rescale(oracle_sat32(acc), m, s, mode);
	if (y < amin)
		y = amin;
	if (y > amax)
		y = amax;
	return y;
}

/* ------------------------------------------------------------------------ */
/* element access                                                            */

struct octx {
	struct tmem *m;
	struct oracle_trace *tr;
	int fault;
};

static unsigned esize(unsigned dt)
{
	return dt == AXON_ISA_INT32 ? 4 : dt == AXON_ISA_INT16 ? 2 : 1;
}

static uint8_t *eptr(struct octx *c, const struct axon_isa_tensor *t, const uint64_t i[4])
{
	uint64_t e = 0;
	for (int k = 0; k < 4; k++) {
		assert(i[k] < t->dims[k]);
		e += i[k] * t->strides[k];
	}
	uint8_t *p = tmem_ptr(c->m, t->loc, t->addr + e * esize(t->dtype), esize(t->dtype));
	if (!p) {
		c->fault = 1;
		static uint8_t dummy[4];
		return dummy;
	}
	return p;
}

static int64_t ld_raw(const uint8_t *p, unsigned dt)
{
	switch (dt) {
	case AXON_ISA_INT8: return (int8_t)p[0];
	case AXON_ISA_UINT8: return p[0];
	case AXON_ISA_INT16: return (int16_t)(uint16_t)(p[0] | p[1] << 8);
	default:
		return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				 (uint32_t)p[3] << 24);
	}
}

static void st_raw(uint8_t *p, unsigned dt, int64_t v)
{
	uint32_t u = (uint32_t)v;
	p[0] = (uint8_t)u;
	if (dt == AXON_ISA_INT16 || dt == AXON_ISA_INT32)
		p[1] = (uint8_t)(u >> 8);
	if (dt == AXON_ISA_INT32) {
		p[2] = (uint8_t)(u >> 16);
		p[3] = (uint8_t)(u >> 24);
	}
}

static int64_t ld(struct octx *c, const struct axon_isa_tensor *t, uint64_t a, uint64_t b,
		  uint64_t d, uint64_t e)
{
	uint64_t i[4] = { a, b, d, e };
	return ld_raw(eptr(c, t, i), t->dtype);
}

static int64_t type_min(unsigned dt)
{
	return dt == AXON_ISA_INT8 ? -128 : dt == AXON_ISA_UINT8 ? 0 :
	       dt == AXON_ISA_INT16 ? -32768 : INT32_MIN;
}

static int64_t type_max(unsigned dt)
{
	return dt == AXON_ISA_INT8 ? 127 : dt == AXON_ISA_UINT8 ? 255 :
	       dt == AXON_ISA_INT16 ? 32767 : INT32_MAX;
}

/*
 * Outputs are computed into a value buffer first and stored at the end, so
 * that in-place operations read only original inputs.
 */
struct obuf {
	const struct axon_isa_tensor *t;
	int64_t *v;
	uint64_t n;
};

static void ob_init(struct obuf *o, const struct axon_isa_tensor *t)
{
	o->t = t;
	o->n = (uint64_t)t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
	o->v = calloc(o->n ? o->n : 1, sizeof(int64_t));
	assert(o->v);
}

static int64_t *ob_at(struct obuf *o, uint64_t a, uint64_t b, uint64_t d, uint64_t e)
{
	const uint32_t *D = o->t->dims;
	return &o->v[((a * D[1] + b) * D[2] + d) * D[3] + e];
}

static void ob_store(struct octx *c, struct obuf *o)
{
	const uint32_t *D = o->t->dims;
	for (uint64_t a = 0; a < D[0]; a++)
		for (uint64_t b = 0; b < D[1]; b++)
			for (uint64_t d = 0; d < D[2]; d++)
				for (uint64_t e = 0; e < D[3]; e++) {
					int64_t v = *ob_at(o, a, b, d, e);
					assert(v >= type_min(o->t->dtype) && v <= type_max(o->t->dtype));
					uint64_t i[4] = { a, b, d, e };
					st_raw(eptr(c, o->t, i), o->t->dtype, v);
				}
	free(o->v);
}

#define FOR4(t, a, b, d, e) \
	for (uint64_t a = 0; a < (t)->dims[0]; a++) \
	for (uint64_t b = 0; b < (t)->dims[1]; b++) \
	for (uint64_t d = 0; d < (t)->dims[2]; d++) \
	for (uint64_t e = 0; e < (t)->dims[3]; e++)

/* Reads rq table entry @idx; returns 0 if invalid (-> E_TABLE). */
static int rq_entry(struct octx *c, const struct axon_isa_rqtab *t, uint32_t idx,
		    int32_t *m, int32_t *s)
{
	uint8_t *p = tmem_ptr(c->m, t->loc, t->addr + (uint64_t)idx * 8, 8);
	if (!p) {
		c->fault = 1;
		return 0;
	}
	*m = (int32_t)ld_raw(p, AXON_ISA_INT32);
	*s = (int32_t)ld_raw(p + 4, AXON_ISA_INT32);
	return oracle_rq_valid_mode(*m, *s, t->rounding);
}

/* ------------------------------------------------------------------------ */
/* operations                                                                */

static uint32_t op_dma(struct octx *c, const struct axon_isa_dma *p)
{
	struct obuf o;
	ob_init(&o, &p->dst);
	FOR4(&p->dst, a, b, d, e) {
		int64_t idx[4] = { (int64_t)a - p->pad_before[0], (int64_t)b - p->pad_before[1],
				   (int64_t)d - p->pad_before[2], (int64_t)e - p->pad_before[3] };
		int inside = 1;
		for (int k = 0; k < 4; k++)
			if (idx[k] < 0 || idx[k] >= (int64_t)p->src.dims[k])
				inside = 0;
		*ob_at(&o, a, b, d, e) = inside ? ld(c, &p->src, (uint64_t)idx[0], (uint64_t)idx[1],
						     (uint64_t)idx[2], (uint64_t)idx[3])
					 : p->dst.zero_point;
	}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_fill(struct octx *c, const struct axon_isa_fill *p)
{
	struct obuf o;
	ob_init(&o, &p->dst);
	FOR4(&p->dst, a, b, d, e)
		*ob_at(&o, a, b, d, e) = p->value;
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_conv2d(struct octx *c, const struct axon_isa_conv2d *p, int no_bias)
{
	const struct axon_isa_tensor *in = &p->in, *w = &p->weight, *out = &p->out;
	const int64_t H = in->dims[1], W = in->dims[2], Cin = in->dims[3];
	const int64_t Cout = out->dims[3], G = p->groups;
	const int64_t KH = w->dims[1], KW = w->dims[2], cpg = Cin / G, opg = Cout / G;
	struct obuf o;
	ob_init(&o, out);
	FOR4(out, n, oy, ox, oc) {
		int64_t g = (int64_t)oc / opg;
		i128 acc = 0;
		for (int64_t ky = 0; ky < KH; ky++)
			for (int64_t kx = 0; kx < KW; kx++)
				for (int64_t ic = 0; ic < cpg; ic++) {
					int64_t iy = (int64_t)oy * p->stride_h - p->pad_top + ky * p->dilation_h;
					int64_t ix = (int64_t)ox * p->stride_w - p->pad_left + kx * p->dilation_w;
					if (iy < 0 || iy >= H || ix < 0 || ix >= W)
						continue;	/* padded tap: contributes 0 */
					int64_t x = ld(c, in, n, (uint64_t)iy, (uint64_t)ix,
						       (uint64_t)(g * cpg + ic)) - in->zero_point;
					int64_t wv = ld(c, w, oc, (uint64_t)ky, (uint64_t)kx, (uint64_t)ic) -
						     w->zero_point;
					acc += (i128)x * wv;
				}
		int64_t bias = no_bias ? 0 : ld(c, &p->bias, 0, 0, 0, oc);
		int32_t m, s;
		if (!rq_entry(c, &p->rq, p->rq.count == 1 ? 0 : (uint32_t)oc, &m, &s)) {
			free(o.v);
			return AXON_ISA_E_TABLE;
		}
		*ob_at(&o, n, oy, ox, oc) = requant(oracle_sat32(bias + acc), m, s, p->rq.rounding,
						    out->zero_point, p->act_min, p->act_max);
	}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_matmul(struct octx *c, const struct axon_isa_matmul *p, int no_bias)
{
	const struct axon_isa_tensor *A = &p->a, *B = &p->b, *out = &p->out;
	const uint64_t K = A->dims[3];
	struct obuf o;
	ob_init(&o, out);
	FOR4(out, b0, b1, mm, nn) {
		i128 acc = 0;
		for (uint64_t k = 0; k < K; k++)
			acc += (i128)(ld(c, A, b0, b1, mm, k) - A->zero_point) *
			       (ld(c, B, b0, b1, k, nn) - B->zero_point);
		int64_t bias = no_bias ? 0 : ld(c, &p->bias, 0, 0, 0, nn);
		int32_t m, s;
		if (!rq_entry(c, &p->rq, p->rq.count == 1 ? 0 : (uint32_t)nn, &m, &s)) {
			free(o.v);
			return AXON_ISA_E_TABLE;
		}
		*ob_at(&o, b0, b1, mm, nn) = requant(oracle_sat32(bias + acc), m, s, p->rq.rounding,
						     out->zero_point, p->act_min, p->act_max);
	}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_eltwise(struct octx *c, const struct axon_isa_eltwise *p)
{
	const struct axon_isa_tensor *A = &p->a, *B = &p->b, *out = &p->out;
	struct obuf o;
	ob_init(&o, out);
	FOR4(out, i0, i1, i2, i3) {
		int64_t a = ld(c, A, i0, i1, i2, i3) - A->zero_point;
		int64_t b = ld(c, B, i0, i1, i2, i3) - B->zero_point;
		i128 r;
		if (p->op == AXON_ISA_ELT_MUL) {
			r = (i128)a * b;
		} else {
			int32_t a2 = oracle_rescale(oracle_sat32((i128)a * ((i128)1 << p->left_shift)),
						    p->rq_a.multiplier, p->rq_a.shift, p->rounding);
			int32_t b2 = oracle_rescale(oracle_sat32((i128)b * ((i128)1 << p->left_shift)),
						    p->rq_b.multiplier, p->rq_b.shift, p->rounding);
			switch (p->op) {
			case AXON_ISA_ELT_ADD: r = (i128)a2 + b2; break;
			case AXON_ISA_ELT_SUB: r = (i128)a2 - b2; break;
			case AXON_ISA_ELT_MIN: r = a2 < b2 ? a2 : b2; break;
			default: r = a2 > b2 ? a2 : b2; break;
			}
		}
		*ob_at(&o, i0, i1, i2, i3) = requant(r, p->rq_out.multiplier, p->rq_out.shift,
						     p->rounding, out->zero_point, p->act_min, p->act_max);
	}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_pool(struct octx *c, const struct axon_isa_pool *p, int count_pad)
{
	const struct axon_isa_tensor *in = &p->in, *out = &p->out;
	const int64_t H = in->dims[1], W = in->dims[2];
	struct obuf o;
	ob_init(&o, out);
	FOR4(out, n, oy, ox, ch) {
		i128 sum = 0;
		int64_t mx = INT64_MIN, taps = 0;
		for (int64_t ky = 0; ky < p->kernel_h; ky++)
			for (int64_t kx = 0; kx < p->kernel_w; kx++) {
				int64_t iy = (int64_t)oy * p->stride_h - p->pad_top + ky;
				int64_t ix = (int64_t)ox * p->stride_w - p->pad_left + kx;
				if (iy < 0 || iy >= H || ix < 0 || ix >= W)
					continue;
				int64_t v = ld(c, in, n, (uint64_t)iy, (uint64_t)ix, ch) - in->zero_point;
				sum += v;
				if (v > mx)
					mx = v;
				taps++;
			}
		assert(taps > 0);	/* tests never build windows with no valid tap */
		int32_t m, s;
		i128 acc;
		uint32_t entry;
		if (p->kind == AXON_ISA_POOL_MAX) {
			acc = mx;
			entry = 0;
		} else {
			int64_t div = count_pad ? (int64_t)p->kernel_h * p->kernel_w : taps;
			acc = oracle_sat32(sum);
			entry = (uint32_t)((div < (int64_t)p->rq.count ? div : (int64_t)p->rq.count) - 1);
		}
		if (!rq_entry(c, &p->rq, entry, &m, &s)) {
			free(o.v);
			return AXON_ISA_E_TABLE;
		}
		*ob_at(&o, n, oy, ox, ch) = requant(acc, m, s, p->rq.rounding, out->zero_point,
						    p->act_min, p->act_max);
	}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_reduce(struct octx *c, const struct axon_isa_reduce *p)
{
	const struct axon_isa_tensor *in = &p->in, *out = &p->out;
	struct obuf o;
	ob_init(&o, out);
	FOR4(out, o0, o1, o2, o3) {
		uint64_t oi[4] = { o0, o1, o2, o3 }, lo[4], hi[4];
		for (int k = 0; k < 4; k++) {
			lo[k] = (p->axis_mask >> k & 1) ? 0 : oi[k];
			hi[k] = (p->axis_mask >> k & 1) ? in->dims[k] : oi[k] + 1;
		}
		i128 acc = p->kind == AXON_ISA_REDUCE_SUM ? 0 :
			   p->kind == AXON_ISA_REDUCE_MAX ? (i128)INT64_MIN : (i128)INT64_MAX;
		for (uint64_t a = lo[0]; a < hi[0]; a++)
			for (uint64_t b = lo[1]; b < hi[1]; b++)
				for (uint64_t d = lo[2]; d < hi[2]; d++)
					for (uint64_t e = lo[3]; e < hi[3]; e++) {
						int64_t v = ld(c, in, a, b, d, e) - in->zero_point;
						if (p->kind == AXON_ISA_REDUCE_SUM)
							acc += v;
						else if (p->kind == AXON_ISA_REDUCE_MAX)
							acc = v > acc ? v : acc;
						else
							acc = v < acc ? v : acc;
					}
		*ob_at(&o, o0, o1, o2, o3) = requant(oracle_sat32(acc), p->rq.multiplier, p->rq.shift,
						     p->rounding, out->zero_point, p->act_min, p->act_max);
	}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_lut(struct octx *c, const struct axon_isa_lut *p)
{
	uint8_t *tab = tmem_ptr(c->m, p->table_loc, p->table, 256);
	if (!tab)
		return AXON_ISA_E_FAULT;
	struct obuf o;
	ob_init(&o, &p->out);
	FOR4(&p->out, a, b, d, e) {
		int64_t x = ld(c, &p->in, a, b, d, e);
		int64_t idx = p->in.dtype == AXON_ISA_UINT8 ? x : x + 128;
		*ob_at(&o, a, b, d, e) = ld_raw(tab + idx, p->out.dtype);
	}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_softmax(struct octx *c, const struct axon_isa_softmax *p)
{
	const struct axon_isa_tensor *in = &p->in, *out = &p->out;
	uint8_t *tab = tmem_ptr(c->m, p->table_loc, p->table, 512);
	if (!tab)
		return AXON_ISA_E_FAULT;
	struct obuf o;
	ob_init(&o, out);
	for (uint64_t a = 0; a < in->dims[0]; a++)
		for (uint64_t b = 0; b < in->dims[1]; b++)
			for (uint64_t d = 0; d < in->dims[2]; d++) {
				int64_t xmax = INT64_MIN;
				for (uint64_t e = 0; e < in->dims[3]; e++) {
					int64_t x = ld(c, in, a, b, d, e);
					xmax = x > xmax ? x : xmax;
				}
				uint64_t sum = 0;
				for (uint64_t e = 0; e < in->dims[3]; e++) {
					int64_t i = xmax - ld(c, in, a, b, d, e);
					sum += (uint64_t)ld_raw(tab + 2 * i, AXON_ISA_INT16) & 0xffff;
				}
				for (uint64_t e = 0; e < in->dims[3]; e++) {
					int64_t y;
					if (sum == 0) {
						y = out->zero_point;
					} else {
						int64_t i = xmax - ld(c, in, a, b, d, e);
						uint64_t t = (uint64_t)ld_raw(tab + 2 * i, AXON_ISA_INT16) & 0xffff;
						uint64_t q = (t * p->out_mult + sum / 2) / sum;
						y = out->zero_point + (int64_t)q;
						if (y < type_min(out->dtype))
							y = type_min(out->dtype);
						if (y > type_max(out->dtype))
							y = type_max(out->dtype);
					}
					*ob_at(&o, a, b, d, e) = y;
				}
			}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

/* floor(sqrt(v)) for any 64-bit v */
static uint64_t isqrt_u64(uint64_t v)
{
	uint64_t r = (uint64_t)sqrt((double)v);
	while ((unsigned __int128)r * r > v)
		r--;
	while ((unsigned __int128)(r + 1) * (r + 1) <= v)
		r++;
	return r;
}

static i128 div_round_half_away(i128 num, i128 den)
{
	assert(den > 0);
	i128 a = num < 0 ? -num : num;
	i128 q = (2 * a + den) / (2 * den);	/* floor(a/den + 1/2) */
	return num < 0 ? -q : q;
}

static uint32_t op_layernorm(struct octx *c, const struct axon_isa_layernorm *p)
{
	const struct axon_isa_tensor *in = &p->in, *out = &p->out;
	const uint64_t n = in->dims[3];
	uint8_t *par = tmem_ptr(c->m, p->params_loc, p->params, 8 * n);
	if (!par)
		return AXON_ISA_E_FAULT;
	struct obuf o;
	ob_init(&o, out);
	int64_t *dv = calloc(n, sizeof(*dv));
	assert(dv);
	/* z is Q(z_bits), z_bits 0 meaning 11 */
	const i128 zone = (i128)1 << (p->z_bits ? p->z_bits : 11);
	for (uint64_t a = 0; a < in->dims[0]; a++)
		for (uint64_t b = 0; b < in->dims[1]; b++)
			for (uint64_t d = 0; d < in->dims[2]; d++) {
				int64_t S = 0;
				for (uint64_t e = 0; e < n; e++)
					S += ld(c, in, a, b, d, e) - in->zero_point;
				unsigned __int128 V = 0;
				for (uint64_t e = 0; e < n; e++) {
					dv[e] = (int64_t)n * (ld(c, in, a, b, d, e) - in->zero_point) - S;
					V += (unsigned __int128)((i128)dv[e] * dv[e]);
				}
				assert(V <= UINT64_MAX);
				unsigned __int128 Vn = V * n;
				assert(Vn <= UINT64_MAX);
				unsigned __int128 rad = Vn + p->eps_term;
				if (rad > UINT64_MAX)
					rad = UINT64_MAX;	/* "added with saturation" */
				uint64_t den = isqrt_u64((uint64_t)rad);
				for (uint64_t e = 0; e < n; e++) {
					i128 z = den ? div_round_half_away((i128)dv[e] * (i128)n * zone, den) : 0;
					int64_t gq = ld_raw(par + 4 * e, AXON_ISA_INT32);
					int64_t bq = ld_raw(par + 4 * (n + e), AXON_ISA_INT32);
					*ob_at(&o, a, b, d, e) = requant(oracle_sat32(z * gq + bq), p->rq.multiplier,
									 p->rq.shift, p->rounding, out->zero_point,
									 p->act_min, p->act_max);
				}
			}
	free(dv);
	ob_store(c, &o);
	return AXON_ISA_OK;
}

/*
 * RESIZE. The header leaves the Q10 coordinate formulas to
 * firmware/ops_resize.c, which this oracle must not copy. It computes the
 * exact rational source coordinate instead; whenever that coordinate is not
 * exactly representable in Q10 (bilinear) or lies within 1/256 of a
 * rounding boundary without being on it (nearest), the result depends on
 * the unspecified Q10 details and the oracle reports "ambiguous".
 */
struct coord {
	int64_t num, den;	/* source coordinate = num / den, den > 0 */
};

static struct coord src_coord(unsigned mode, int64_t o, int64_t in_sz, int64_t out_sz)
{
	struct coord k;
	switch (mode) {
	case AXON_ISA_COORD_HALF_PIXEL:	/* (o + 0.5) * in / out - 0.5 */
		k.num = (2 * o + 1) * in_sz - out_sz;
		k.den = 2 * out_sz;
		break;
	case AXON_ISA_COORD_ALIGN_CORNERS:
		k.num = out_sz > 1 ? o * (in_sz - 1) : 0;
		k.den = out_sz > 1 ? out_sz - 1 : 1;
		break;
	default:	/* asymmetric */
		k.num = o * in_sz;
		k.den = out_sz;
		break;
	}
	return k;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

static int64_t clampi(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int64_t nearest_index(struct octx *c, unsigned coord, struct coord k, int64_t in_sz)
{
	int64_t idx;
	/* distance check against the rounding boundary, in units of 1/(2 den) */
	int64_t twice = 2 * k.num;	/* src * 2den */
	int64_t boundary_off;		/* src - boundary, scaled by 2den */
	if (coord == AXON_ISA_COORD_ASYMMETRIC) {
		idx = floor_div(k.num, k.den);	/* floor */
		boundary_off = twice - 2 * k.den * idx;
	} else if (coord == AXON_ISA_COORD_HALF_PIXEL) {
		/* round half down: ceil(src - 1/2) */
		idx = -floor_div(-(twice - k.den), 2 * k.den);
		boundary_off = twice - (2 * idx - 1) * k.den;	/* src - (idx - 1/2) */
	} else {
		/* round half up: floor(src + 1/2) */
		idx = floor_div(twice + k.den, 2 * k.den);
		boundary_off = twice - (2 * idx - 1) * k.den;
	}
	/* boundary_off in [0, 2den); near either boundary (but not on one) is ambiguous */
	int64_t lo = boundary_off, hi = 2 * k.den - boundary_off;
	if ((lo != 0 && lo * 256 < 2 * k.den) || (hi != 0 && hi * 256 < 2 * k.den))
		c->tr->ambiguous = 1;
	return clampi(idx, 0, in_sz - 1);
}

static uint32_t op_resize(struct octx *c, const struct axon_isa_resize *p)
{
	const struct axon_isa_tensor *in = &p->in, *out = &p->out;
	const int64_t H = in->dims[1], W = in->dims[2], OH = out->dims[1], OW = out->dims[2];
	struct obuf o;
	ob_init(&o, out);
	FOR4(out, n, oy, ox, ch) {
		struct coord ky = src_coord(p->coord, (int64_t)oy, H, OH);
		struct coord kx = src_coord(p->coord, (int64_t)ox, W, OW);
		i128 acc;
		if (p->mode == AXON_ISA_RESIZE_NEAREST) {
			int64_t iy = nearest_index(c, p->coord, ky, H);
			int64_t ix = nearest_index(c, p->coord, kx, W);
			acc = ld(c, in, n, (uint64_t)iy, (uint64_t)ix, ch) - in->zero_point;
		} else {
			if ((ky.num * 1024) % ky.den || (kx.num * 1024) % kx.den)
				c->tr->ambiguous = 1;
			int64_t qy = floor_div(ky.num * 1024, ky.den);	/* Q10 */
			int64_t qx = floor_div(kx.num * 1024, kx.den);
			int64_t y0 = floor_div(qy, 1024), x0 = floor_div(qx, 1024);
			int64_t fy = qy - y0 * 1024, fx = qx - x0 * 1024;
			int64_t ys[2] = { clampi(y0, 0, H - 1), clampi(y0 + 1, 0, H - 1) };
			int64_t xs[2] = { clampi(x0, 0, W - 1), clampi(x0 + 1, 0, W - 1) };
			int64_t wy[2] = { 1024 - fy, fy }, wx[2] = { 1024 - fx, fx };
			acc = 0;
			for (int i = 0; i < 2; i++)
				for (int j = 0; j < 2; j++)
					acc += (i128)(ld(c, in, n, (uint64_t)ys[i], (uint64_t)xs[j], ch) -
						      in->zero_point) * wy[i] * wx[j];
		}
		*ob_at(&o, n, oy, ox, ch) = requant(oracle_sat32(acc), p->rq.multiplier, p->rq.shift,
						    p->rounding, out->zero_point, p->act_min, p->act_max);
	}
	ob_store(c, &o);
	return AXON_ISA_OK;
}

static uint32_t op_rescale(struct octx *c, const struct axon_isa_rescale *p)
{
	struct obuf o;
	ob_init(&o, &p->out);
	FOR4(&p->out, a, b, d, e)
		*ob_at(&o, a, b, d, e) = requant(ld(c, &p->in, a, b, d, e) - p->in.zero_point,
						 p->rq.multiplier, p->rq.shift, p->rounding,
						 p->out.zero_point, p->act_min, p->act_max);
	ob_store(c, &o);
	return AXON_ISA_OK;
}

/* ------------------------------------------------------------------------ */

#define BODY(type) \
	type body; \
	memset(&body, 0, sizeof(body)); \
	memcpy(&body, pk, sizeof(body) < bytes ? sizeof(body) : bytes)

uint32_t oracle_run(struct tmem *m, const void *stream, uint64_t size, struct oracle_trace *tr)
{
	struct octx c = { m, tr, 0 };
	const uint8_t *s = stream;
	uint64_t off = sizeof(struct axon_isa_stream_header);
	memset(tr, 0, sizeof(*tr));
	for (uint32_t idx = 0; off < size; idx++) {
		const uint8_t *pk = s + off;
		struct axon_isa_packet h;
		memcpy(&h, pk, sizeof(h));
		uint64_t bytes = (uint64_t)h.size_words * 4;
		uint32_t st = AXON_ISA_OK;
		tr->packet = idx;
		switch (h.opcode) {
		case AXON_OP_NOP:
			break;
		case AXON_OP_END:
			return AXON_ISA_OK;
		case AXON_OP_MARKER: {
			BODY(struct axon_isa_marker);
			if (tr->nmarkers < 64) {
				tr->marker_packet[tr->nmarkers] = idx;
				tr->marker_id[tr->nmarkers] = body.id;
			}
			tr->nmarkers++;
			break;
		}
		case AXON_OP_DMA: { BODY(struct axon_isa_dma); st = op_dma(&c, &body); break; }
		case AXON_OP_FILL: { BODY(struct axon_isa_fill); st = op_fill(&c, &body); break; }
		case AXON_OP_CONV2D: {
			BODY(struct axon_isa_conv2d);
			st = op_conv2d(&c, &body, h.flags & AXON_ISA_F_NO_BIAS);
			break;
		}
		case AXON_OP_MATMUL: {
			BODY(struct axon_isa_matmul);
			st = op_matmul(&c, &body, h.flags & AXON_ISA_F_NO_BIAS);
			break;
		}
		case AXON_OP_ELTWISE: { BODY(struct axon_isa_eltwise); st = op_eltwise(&c, &body); break; }
		case AXON_OP_POOL: {
			BODY(struct axon_isa_pool);
			st = op_pool(&c, &body, h.flags & AXON_ISA_F_COUNT_PAD);
			break;
		}
		case AXON_OP_REDUCE: { BODY(struct axon_isa_reduce); st = op_reduce(&c, &body); break; }
		case AXON_OP_LUT: { BODY(struct axon_isa_lut); st = op_lut(&c, &body); break; }
		case AXON_OP_SOFTMAX: { BODY(struct axon_isa_softmax); st = op_softmax(&c, &body); break; }
		case AXON_OP_LAYERNORM: { BODY(struct axon_isa_layernorm); st = op_layernorm(&c, &body); break; }
		case AXON_OP_RESIZE: { BODY(struct axon_isa_resize); st = op_resize(&c, &body); break; }
		case AXON_OP_RESCALE: { BODY(struct axon_isa_rescale); st = op_rescale(&c, &body); break; }
		default:
			return AXON_ISA_E_OPCODE;
		}
		if (c.fault)
			return AXON_ISA_E_FAULT;
		if (st != AXON_ISA_OK)
			return st;
		off += bytes;
	}
	return AXON_ISA_E_NO_END;
}
