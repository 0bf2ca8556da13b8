// SPDX-License-Identifier: MIT
/*
 * Every opcode of the ISA over parameter sweeps, firmware against the
 * independent oracle (oracle.c). Each case validates the stream, runs it on
 * the firmware and on the oracle and compares the whole memory: output
 * elements bit for bit and every byte outside them (gaps, neighbours,
 * inputs) unchanged.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fwrun.h"
#include "oracle.h"
#include "testlib.h"

#define MAX_FAILS 4
static const uint8_t DT8[2] = { AXON_ISA_INT8, AXON_ISA_UINT8 };
static const char *const DTN[] = { "?", "i8", "u8", "i16", "i32" };

static uint8_t rand_dt8(void) { return DT8[trand_range(0, 1)]; }
static uint8_t rand_dt_any(void) { return (uint8_t)trand_range(1, 4); }

/* multiplier in [2^30, 2^31) (or an edge), shift near @s */
static void rand_rq(int32_t base_s, int32_t *m, int32_t *s)
{
	int64_t k = trand_range(0, 15);
	*m = (int32_t)trand_range(1 << 30, INT32_MAX);
	*s = (int32_t)trand_range(base_s - 2, base_s + 2);
	if (k == 0)
		*m = 0;
	else if (k == 1)
		*m = INT32_MAX;
	else if (k == 2)
		*m = (int32_t)trand_range(1, 1 << 20);
	else if (k == 3)
		*s = (int32_t)trand_range(0, 62);
	if (*s < 0)
		*s = 0;
	if (*s > 62)
		*s = 62;
}

/*
 * @n scales near shift @base (with @sat: a random shift in 0..40 each), all
 * replaced by the identity (2^30, 30) when @exact.
 */
static void rand_rqs(uint32_t n, int32_t base, int sat, int exact, int32_t *m, int32_t *s)
{
	for (uint32_t i = 0; i < n; i++) {
		rand_rq(sat ? (int32_t)trand_range(0, 40) : base, &m[i], &s[i]);
		if (exact) {
			m[i] = 1 << 30;
			s[i] = 30;
		}
	}
}

/*
 * ISA 1.1 ROUND_F32 runs of the sweeps: with g_f32 set, every rounding mode
 * drawn becomes ROUND_F32 (the random sequence is the same, so the 1.0
 * sweeps keep their cases) and every scale is brought below 2^24 at about
 * the same value; some become 2^23 or keep 4 significant bits, so that
 * float32 products land on ties often.
 */
static int g_f32;

static uint8_t pick_rnd(void)
{
	uint8_t r = (uint8_t)trand_range(0, 1);
	return g_f32 ? AXON_ISA_ROUND_F32 : r;
}

static void f32_scale(uint8_t rnd, int32_t *m, int32_t *s)
{
	if (rnd != AXON_ISA_ROUND_F32)
		return;
	while (*m >= (1 << 24)) {
		*m >>= 1;
		*s -= 1;
	}
	if (*s < 0)
		*s = 0;
	int64_t k = trand_range(0, 7);
	if (k == 0 && *m)
		*m = 1 << 23;
	else if (k == 1)
		*m &= 0xf00000;
	else if (k == 2)
		*m = (1 << 24) - 1;
}

static void f32_rq(uint8_t rnd, struct axon_isa_rq *q)
{
	f32_scale(rnd, &q->multiplier, &q->shift);
}

static struct axon_isa_rqtab mk_rqtab_r(uint8_t loc, uint8_t rnd, uint32_t n, int32_t *m,
					int32_t *s)
{
	for (uint32_t i = 0; i < n; i++)
		f32_scale(rnd, &m[i], &s[i]);
	return mk_rqtab(loc, rnd, n, m, s);
}

static const char *rnd_name(uint8_t r)
{
	return r == AXON_ISA_ROUND_F32 ? "f32" : r ? "double" : "single";
}

static int f32_off(void **st)
{
	(void)st;
	g_f32 = 0;
	return 0;
}

static enum layout rand_layout(void)
{
	return (enum layout)trand_range(0, L_NLAYOUTS - 1);
}

/* A tensor at a random location with a random zero point and layout. */
static struct axon_isa_tensor rand_tensor(uint8_t dt, const uint32_t d[4])
{
	return mkt(rand_loc(), dt, rand_zp(dt), d, rand_layout());
}

static int ilog2u(uint64_t v)
{
	int l = 0;
	while (v > 1) {
		v >>= 1;
		l++;
	}
	return l;
}

struct sweep {
	unsigned cases, fails, ambiguous;
};

/* for (it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) */
static unsigned sweep_start(struct sweep *sw, uint64_t seed)
{
	sw->cases = sw->fails = sw->ambiguous = 0;
	trand_seed(seed);
	return 0;
}

/* Case @it runs (on fresh memory) unless @iters ran or MAX_FAILS failed. */
static int sweep_next(struct sweep *sw, unsigned it, unsigned iters)
{
	if (it >= iters || sw->fails >= MAX_FAILS)
		return 0;
	mem_reset();
	return 1;
}

/* Finishes, checks and frees @s; @fmt... describes the case. */
__attribute__((format(printf, 3, 4)))
static void sweep_case(struct sweep *sw, struct sb *s, const char *fmt, ...)
{
	char what[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	sb_finish(s);
	uint64_t d = tfw_check(&M, s, what);
	if (d == TFW_AMBIGUOUS)
		sw->ambiguous++;
	else if (d)
		sw->fails++;
	sw->cases++;
	sb_free(s);
}

static void sweep_done(struct sweep *sw, const char *name)
{
	print_message("  %s: %u cases, %u mismatching%s\n", name, sw->cases - sw->ambiguous,
		      sw->fails, sw->ambiguous ? " (some skipped as ambiguous)" : "");
	assert_int_equal(sw->fails, 0);
}

/* ------------------------------------------------------------------------ */
/* CONV2D                                                                    */

enum conv_variant { CV_PLAIN, CV_GROUPED, CV_DEPTHWISE, CV_DILATED_PADDED, CV_INT16_WIDE,
		    CV_SATURATE, CV_1X1_STRIDED };

static void conv_sweep(enum conv_variant v, uint64_t seed, unsigned iters, const char *name)
{
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) {
		uint32_t N = (uint32_t)trand_range(1, 2), G = 1, cpg, opg;
		uint32_t KH = (uint32_t)trand_range(1, 3), KW = (uint32_t)trand_range(1, 3);
		uint32_t sh = (uint32_t)trand_range(1, 2), sw_ = (uint32_t)trand_range(1, 2);
		uint32_t dh = 1, dw = 1, pt = 0, pb = 0, pl = 0, pr = 0;
		cpg = (uint32_t)trand_range(1, 4);
		opg = (uint32_t)trand_range(1, 3);
		uint8_t idt = rand_dt8(), wdt = rand_dt8(), odt = rand_dt8();
		switch (v) {
		case CV_PLAIN:
			pt = (uint32_t)trand_range(0, 1); pb = pt; pl = pt; pr = pt;
			break;
		case CV_GROUPED:
			G = (uint32_t)trand_range(2, 4);
			pt = (uint32_t)trand_range(0, 1); pl = (uint32_t)trand_range(0, 1);
			break;
		case CV_DEPTHWISE:
			G = (uint32_t)trand_range(1, 8); cpg = 1; opg = (uint32_t)trand_range(1, 2);
			pt = pb = KH / 2; pl = pr = KW / 2;
			sh = sw_ = (uint32_t)trand_range(1, 2);
			break;
		case CV_DILATED_PADDED:
			dh = (uint32_t)trand_range(1, 3); dw = (uint32_t)trand_range(1, 3);
			pt = (uint32_t)trand_range(0, 3); pb = (uint32_t)trand_range(0, 3);
			pl = (uint32_t)trand_range(0, 3); pr = (uint32_t)trand_range(0, 3);
			sh = (uint32_t)trand_range(1, 3); sw_ = (uint32_t)trand_range(1, 3);
			break;
		case CV_INT16_WIDE:
			idt = AXON_ISA_INT16; odt = rand_dt_any();
			pt = (uint32_t)trand_range(0, 2); pr = (uint32_t)trand_range(0, 2);
			break;
		case CV_SATURATE:
			odt = rand_dt_any();
			break;
		case CV_1X1_STRIDED:
			KH = KW = 1; sh = (uint32_t)trand_range(1, 4); sw_ = (uint32_t)trand_range(1, 4);
			cpg = (uint32_t)trand_range(1, 16); opg = (uint32_t)trand_range(1, 8);
			break;
		}
		/* a quarter of the cases: int32 output with the identity scale, exact accumulators */
		int exact_acc = v != CV_SATURATE && trand_range(0, 3) == 0;
		if (exact_acc)
			odt = AXON_ISA_INT32;
		uint32_t Cin = G * cpg, Cout = G * opg;
		int64_t minH = (int64_t)dh * (KH - 1) + 1 - pt - pb, minW = (int64_t)dw * (KW - 1) + 1 - pl - pr;
		uint32_t H = (uint32_t)trand_range(minH < 1 ? 1 : minH, (minH < 1 ? 1 : minH) + 6);
		uint32_t W = (uint32_t)trand_range(minW < 1 ? 1 : minW, (minW < 1 ? 1 : minW) + 6);
		uint32_t OH = (H + pt + pb - dh * (KH - 1) - 1) / sh + 1;
		uint32_t OW = (W + pl + pr - dw * (KW - 1) - 1) / sw_ + 1;

		struct axon_isa_tensor in = rand_tensor(idt, DIMS(N, H, W, Cin));
		struct axon_isa_tensor w = rand_tensor(wdt, DIMS(Cout, KH, KW, cpg));
		struct axon_isa_tensor bias = mkt(rand_loc(), AXON_ISA_INT32, 0, DIMS(1, 1, 1, Cout),
						  trand_range(0, 1) ? L_GAP : L_CONTIG);
		struct axon_isa_tensor out = rand_tensor(odt, DIMS(N, OH, OW, Cout));
		if (idt == AXON_ISA_INT16)
			in.zero_point = (int32_t)trand_range(-1000, 1000);
		int sat = v == CV_SATURATE;
		tfill(&bias, sat ? INT32_MIN : -40000, sat ? INT32_MAX : 40000);
		if (sat && trand_range(0, 1)) {	/* all-extreme inputs: sat32 of the sum */
			tfill(&in, dtype_max(idt), dtype_max(idt));
			tfill(&w, dtype_min(wdt), dtype_min(wdt));
		}
		uint32_t nrq = trand_range(0, 1) ? Cout : 1;
		int32_t ms[64], ss[64];
		int base = 31 + (idt == AXON_ISA_INT16 ? 14 : 6) + ilog2u(KH * KW * cpg) / 2 -
			   (odt == AXON_ISA_INT32 ? 16 : odt == AXON_ISA_INT16 ? 8 : 0);
		rand_rqs(nrq, base, sat, exact_acc, ms, ss);
		uint8_t rnd = pick_rnd();
		uint16_t flags = trand_range(0, 3) == 0 ? AXON_ISA_F_NO_BIAS : 0;

		struct sb s;
		sb_init(&s);
		struct axon_isa_conv2d *p = SB_PUT(&s, AXON_OP_CONV2D, struct axon_isa_conv2d, flags);
		p->in = in; p->weight = w; p->bias = bias; p->out = out;
		p->rq = mk_rqtab_r(rand_loc(), rnd, nrq, ms, ss);
		p->stride_h = (uint16_t)sh; p->stride_w = (uint16_t)sw_;
		p->dilation_h = (uint16_t)dh; p->dilation_w = (uint16_t)dw;
		p->pad_top = (uint16_t)pt; p->pad_bottom = (uint16_t)pb;
		p->pad_left = (uint16_t)pl; p->pad_right = (uint16_t)pr;
		p->groups = G;
		rand_act(odt, &p->act_min, &p->act_max);
		sweep_case(&sw, &s, "%s #%u: N%u H%u W%u Cin%u Cout%u G%u K%ux%u s%u,%u d%u,%u pad t%u b%u l%u r%u "
			 "%s*%s->%s zp %d,%d,%d rq%u %s%s act[%d,%d]", name, it, N, H, W, Cin, Cout, G,
			 KH, KW, sh, sw_, dh, dw, pt, pb, pl, pr, DTN[idt], DTN[wdt], DTN[odt],
			 in.zero_point, w.zero_point, out.zero_point, nrq, rnd_name(rnd),
			 flags ? " nobias" : "", p->act_min, p->act_max);
	}
	sweep_done(&sw, name);
}

static void t_conv_plain(void **st) { (void)st; conv_sweep(CV_PLAIN, 101, 150, "conv plain"); }
static void t_conv_grouped(void **st) { (void)st; conv_sweep(CV_GROUPED, 102, 150, "conv grouped"); }
static void t_conv_depthwise(void **st) { (void)st; conv_sweep(CV_DEPTHWISE, 103, 150, "conv depthwise"); }
static void t_conv_dilated(void **st) { (void)st; conv_sweep(CV_DILATED_PADDED, 104, 200, "conv dilated/padded/strided"); }
static void t_conv_int16(void **st) { (void)st; conv_sweep(CV_INT16_WIDE, 105, 100, "conv int16 in, any out"); }
static void t_conv_saturate(void **st) { (void)st; conv_sweep(CV_SATURATE, 106, 150, "conv saturation edges"); }
static void t_conv_1x1(void **st) { (void)st; conv_sweep(CV_1X1_STRIDED, 107, 100, "conv 1x1 strided"); }

/* ------------------------------------------------------------------------ */
/* MATMUL                                                                    */

enum mm_variant { MM_PLAIN, MM_FC_CONST, MM_TRANSPOSED, MM_INT16, MM_BROADCAST_A };

static void matmul_sweep(enum mm_variant v, uint64_t seed, unsigned iters, const char *name)
{
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) {
		uint32_t B0 = (uint32_t)trand_range(1, 2), B1 = (uint32_t)trand_range(1, 3);
		uint32_t Mx = (uint32_t)trand_range(1, 8), K = (uint32_t)trand_range(1, 24),
			 Nx = (uint32_t)trand_range(1, 8);
		uint8_t adt = rand_dt8(), bdt = rand_dt8(), odt = trand_range(0, 3) ? rand_dt8() : rand_dt_any();
		int exact_acc = trand_range(0, 3) == 0;	/* int32 out, identity scale */
		if (exact_acc)
			odt = AXON_ISA_INT32;
		if (v == MM_INT16) {
			adt = AXON_ISA_INT16;
			bdt = trand_range(0, 1) ? AXON_ISA_INT16 : rand_dt8();
		}
		struct axon_isa_tensor a, b;
		enum layout la = rand_layout();
		enum layout lb = rand_layout();
		a = mkt(rand_loc(), adt, rand_zp(adt), DIMS(B0, B1, Mx, K), la);
		if (v == MM_FC_CONST || v == MM_TRANSPOSED) {
			/* b stored as [N][K] (transposed): strides {0/.., .., 1, K} */
			uint32_t bs = v == MM_FC_CONST ? 0 : Nx * K;
			uint32_t d[4] = { B0, B1, K, Nx };
			uint32_t str[4] = { v == MM_FC_CONST ? 0 : B1 * bs, bs, 1, K };
			uint64_t nel = v == MM_FC_CONST ? (uint64_t)Nx * K : (uint64_t)B0 * B1 * Nx * K;
			b = tens_s(AXON_ISA_LOC_VA, 0, bdt, rand_zp(bdt), d, str);
			b.addr = va_alloc(nel * dtype_size(bdt), TMEM_R_READ);
			if (v == MM_TRANSPOSED) {	/* a transposed too: stored [K][M] */
				uint32_t ast[4] = { B1 * Mx * K, Mx * K, 1, Mx };
				a = tens_s(AXON_ISA_LOC_VA, 0, adt, rand_zp(adt), a.dims, ast);
				a.addr = va_alloc((uint64_t)B0 * B1 * Mx * K * dtype_size(adt), TMEM_R_READ);
			}
		} else {
			b = mkt(rand_loc(), bdt, rand_zp(bdt), DIMS(B0, B1, K, Nx), lb);
		}
		if (v == MM_BROADCAST_A) {	/* one A for all batches */
			a.strides[0] = 0;
			a.strides[1] = 0;
		}
		if (adt == AXON_ISA_INT16)
			a.zero_point = (int32_t)trand_range(-500, 500);
		if (bdt == AXON_ISA_INT16)
			b.zero_point = (int32_t)trand_range(-500, 500);
		struct axon_isa_tensor bias = mkt(rand_loc(), AXON_ISA_INT32, 0, DIMS(1, 1, 1, Nx), L_GAP);
		tfill(&bias, trand_range(0, 7) ? -50000 : INT32_MIN, trand_range(0, 7) ? 50000 : INT32_MAX);
		struct axon_isa_tensor out = rand_tensor(odt, DIMS(B0, B1, Mx, Nx));
		uint32_t nrq = trand_range(0, 1) ? Nx : 1;
		int32_t ms[8], ss[8];
		int base = 31 + 6 + ilog2u(K) / 2 + (adt == AXON_ISA_INT16 ? 8 : 0) +
			   (bdt == AXON_ISA_INT16 ? 8 : 0) - (odt == AXON_ISA_INT32 ? 16 : 0);
		rand_rqs(nrq, base, 0, exact_acc, ms, ss);
		uint8_t rnd = pick_rnd();
		uint16_t flags = trand_range(0, 3) == 0 ? AXON_ISA_F_NO_BIAS : 0;
		struct sb s;
		sb_init(&s);
		struct axon_isa_matmul *p = SB_PUT(&s, AXON_OP_MATMUL, struct axon_isa_matmul, flags);
		p->a = a; p->b = b; p->bias = bias; p->out = out;
		p->rq = mk_rqtab_r(rand_loc(), rnd, nrq, ms, ss);
		rand_act(odt, &p->act_min, &p->act_max);
		sweep_case(&sw, &s, "%s #%u: B%ux%u M%u K%u N%u %s*%s->%s zp %d,%d,%d rq%u %s%s",
			 name, it, B0, B1, Mx, K, Nx, DTN[adt], DTN[bdt], DTN[odt], a.zero_point,
			 b.zero_point, out.zero_point, nrq, rnd_name(rnd), flags ? " nobias" : "");
	}
	sweep_done(&sw, name);
}

static void t_mm_plain(void **st) { (void)st; matmul_sweep(MM_PLAIN, 201, 200, "matmul batched"); }
static void t_mm_fc(void **st) { (void)st; matmul_sweep(MM_FC_CONST, 202, 150, "matmul fully-connected (b batch stride 0)"); }
static void t_mm_transposed(void **st) { (void)st; matmul_sweep(MM_TRANSPOSED, 203, 150, "matmul transposed operands"); }
static void t_mm_int16(void **st) { (void)st; matmul_sweep(MM_INT16, 204, 100, "matmul int16"); }
static void t_mm_bcast(void **st) { (void)st; matmul_sweep(MM_BROADCAST_A, 205, 100, "matmul broadcast a"); }

/* ------------------------------------------------------------------------ */
/* ELTWISE                                                                   */

static void eltwise_sweep(int inplace, int int16, uint64_t seed, unsigned iters, const char *name)
{
	struct sweep sw;
	static const char *const opn[] = { "add", "sub", "mul", "min", "max" };
	for (unsigned it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) {
		uint32_t d[4];
		for (int k = 0; k < 4; k++)
			d[k] = (uint32_t)trand_range(1, k == 3 ? 9 : 4);
		uint8_t op = (uint8_t)trand_range(0, 4);
		uint8_t adt = int16 ? AXON_ISA_INT16 : rand_dt8();
		uint8_t bdt = int16 ? AXON_ISA_INT16 : rand_dt8();
		uint8_t odt = int16 ? (trand_range(0, 1) ? AXON_ISA_INT16 : rand_dt8()) : rand_dt8();
		if (inplace)
			odt = adt;
		struct axon_isa_tensor a = rand_tensor(adt, d);
		struct axon_isa_tensor b = rand_tensor(bdt, d);
		/* broadcasting of b (and sometimes a): scalar, per-channel, random dims */
		int bc = (int)trand_range(0, 3);
		for (int k = 0; k < 4; k++) {
			if (bc == 1 || (bc == 2 && k != 3) || (bc == 3 && trand_range(0, 1)))
				b.strides[k] = 0;
			if (!inplace && trand_range(0, 5) == 0)
				a.strides[k] = 0;
		}
		struct axon_isa_tensor out;
		if (inplace) {
			out = a;
			out.zero_point = rand_zp(odt);
			if (trand_range(0, 1)) {	/* the output is b instead */
				b = mkt(rand_loc(), adt, rand_zp(adt), d, L_GAP);
				bdt = adt;
				out = b;
				out.zero_point = rand_zp(odt);
			}
		} else {
			out = rand_tensor(odt, d);
		}
		struct sb s;
		sb_init(&s);
		struct axon_isa_eltwise *p = SB_PUT(&s, AXON_OP_ELTWISE, struct axon_isa_eltwise, 0);
		p->a = a; p->b = b; p->out = out;
		p->op = op;
		p->rounding = pick_rnd();
		int wide = adt == AXON_ISA_INT16 || bdt == AXON_ISA_INT16;
		if (op == AXON_ISA_ELT_MUL) {
			rand_rq(31 + 7 + (wide ? 16 : 0), &p->rq_out.multiplier, &p->rq_out.shift);
		} else {
			p->left_shift = (uint8_t)trand_range(0, wide ? 15 : 20);
			rand_rq(31 + p->left_shift - 8, &p->rq_a.multiplier, &p->rq_a.shift);
			rand_rq(31 + p->left_shift - 8, &p->rq_b.multiplier, &p->rq_b.shift);
			rand_rq(31 - 8 + (wide ? 8 : 0), &p->rq_out.multiplier, &p->rq_out.shift);
		}
		if (op != AXON_ISA_ELT_MUL) {
			f32_rq(p->rounding, &p->rq_a);
			f32_rq(p->rounding, &p->rq_b);
		}
		f32_rq(p->rounding, &p->rq_out);
		rand_act(odt, &p->act_min, &p->act_max);
		sweep_case(&sw, &s, "%s #%u: %s dims %ux%ux%ux%u %s,%s->%s bcast %d ls %u rq a %d/%d b %d/%d o %d/%d %s",
			 name, it, opn[op], d[0], d[1], d[2], d[3], DTN[adt], DTN[bdt], DTN[odt], bc,
			 p->left_shift, p->rq_a.multiplier, p->rq_a.shift, p->rq_b.multiplier,
			 p->rq_b.shift, p->rq_out.multiplier, p->rq_out.shift,
			 rnd_name(p->rounding));
	}
	sweep_done(&sw, name);
}

static void t_elt(void **st) { (void)st; eltwise_sweep(0, 0, 301, 400, "eltwise 8-bit broadcast"); }
static void t_elt_inplace(void **st) { (void)st; eltwise_sweep(1, 0, 302, 200, "eltwise in place"); }
static void t_elt_int16(void **st) { (void)st; eltwise_sweep(0, 1, 303, 200, "eltwise int16"); }

/* ------------------------------------------------------------------------ */
/* POOL                                                                      */

static void pool_sweep(int global, uint64_t seed, unsigned iters, const char *name)
{
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) {
		uint8_t kind = (uint8_t)trand_range(0, 1);
		uint32_t N = (uint32_t)trand_range(1, 2), C = (uint32_t)trand_range(1, 6);
		uint32_t kh = (uint32_t)trand_range(1, 3), kw = (uint32_t)trand_range(1, 3);
		uint32_t sh = (uint32_t)trand_range(1, 3), swd = (uint32_t)trand_range(1, 3);
		uint32_t pt = (uint32_t)trand_range(0, kh - 1), pb = (uint32_t)trand_range(0, kh - 1);
		uint32_t pl = (uint32_t)trand_range(0, kw - 1), pr = (uint32_t)trand_range(0, kw - 1);
		uint32_t H = (uint32_t)trand_range(kh, kh + 6), W = (uint32_t)trand_range(kw, kw + 6);
		if (global) {
			kind = AXON_ISA_POOL_AVG;
			H = (uint32_t)trand_range(1, 12); W = (uint32_t)trand_range(1, 12);
			kh = H; kw = W; sh = swd = 1; pt = pb = pl = pr = 0;
		}
		uint32_t OH = (H + pt + pb - kh) / sh + 1, OW = (W + pl + pr - kw) / swd + 1;
		uint8_t idt = trand_range(0, 4) ? rand_dt8() : AXON_ISA_INT16;
		uint8_t odt = idt == AXON_ISA_INT16 ? rand_dt_any() : rand_dt8();
		struct axon_isa_tensor in = rand_tensor(idt, DIMS(N, H, W, C));
		struct axon_isa_tensor out = rand_tensor(odt, DIMS(N, OH, OW, C));
		uint16_t flags = (kind == AXON_ISA_POOL_AVG && trand_range(0, 1)) ? AXON_ISA_F_COUNT_PAD : 0;
		uint8_t rnd = pick_rnd();
		int32_t ms[256], ss[256];
		uint32_t nrq = 1;
		if (kind == AXON_ISA_POOL_MAX) {
			if (trand_range(0, 1)) {
				ms[0] = 1 << 30; ss[0] = 30;	/* identity */
			} else {
				rand_rq(31 + (idt == AXON_ISA_INT16 ? 8 : 0), &ms[0], &ss[0]);
			}
		} else {
			/* 1/n folded in per divisor, or a single entry (possibly too short) */
			nrq = trand_range(0, 3) ? kh * kw : (uint32_t)trand_range(1, kh * kw);
			double os = idt == AXON_ISA_INT16 && odt != AXON_ISA_INT16 ? 1.0 / 256 : 1.0;
			for (uint32_t i = 0; i < nrq; i++)
				assert_int_equal(quantize_multiplier(os / (i + 1), &ms[i], &ss[i]), 0);
		}
		struct sb s;
		sb_init(&s);
		struct axon_isa_pool *p = SB_PUT(&s, AXON_OP_POOL, struct axon_isa_pool, flags);
		p->in = in; p->out = out;
		p->rq = mk_rqtab_r(rand_loc(), rnd, nrq, ms, ss);
		p->kind = kind;
		p->kernel_h = (uint16_t)kh; p->kernel_w = (uint16_t)kw;
		p->stride_h = (uint16_t)sh; p->stride_w = (uint16_t)swd;
		p->pad_top = (uint16_t)pt; p->pad_bottom = (uint16_t)pb;
		p->pad_left = (uint16_t)pl; p->pad_right = (uint16_t)pr;
		rand_act(odt, &p->act_min, &p->act_max);
		sweep_case(&sw, &s, "%s #%u: %s%s N%u H%u W%u C%u k%ux%u s%u,%u pad %u,%u,%u,%u %s->%s rq%u %s",
			 name, it, kind ? "avg" : "max", flags ? " count_pad" : "", N, H, W, C, kh, kw, sh,
			 swd, pt, pb, pl, pr, DTN[idt], DTN[odt], nrq, rnd_name(rnd));
	}
	sweep_done(&sw, name);
}

static void t_pool(void **st) { (void)st; pool_sweep(0, 401, 300, "pool max/avg"); }
static void t_pool_global(void **st) { (void)st; pool_sweep(1, 402, 100, "pool global average"); }

/* ------------------------------------------------------------------------ */
/* REDUCE                                                                    */

static void reduce_sweep(uint64_t seed, unsigned iters, const char *name)
{
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) {
		uint32_t d[4], od[4];
		uint8_t mask = (uint8_t)trand_range(1, 15);
		for (int k = 0; k < 4; k++) {
			d[k] = (uint32_t)trand_range(1, 6);
			od[k] = (mask >> k & 1) ? 1 : d[k];
		}
		uint8_t idt = trand_range(0, 4) ? rand_dt8() : AXON_ISA_INT16, odt = rand_dt_any();
		struct axon_isa_tensor in = rand_tensor(idt, d);
		struct axon_isa_tensor out = rand_tensor(odt, od);
		struct sb s;
		sb_init(&s);
		struct axon_isa_reduce *p = SB_PUT(&s, AXON_OP_REDUCE, struct axon_isa_reduce, 0);
		p->in = in; p->out = out;
		p->kind = (uint8_t)trand_range(0, 2);
		p->axis_mask = mask;
		p->rounding = pick_rnd();
		uint64_t n = (uint64_t)tens_elems(&in) / tens_elems(&out);
		if (p->kind == AXON_ISA_REDUCE_SUM && trand_range(0, 1))
			assert_int_equal(quantize_multiplier(1.0 / (double)n, &p->rq.multiplier, &p->rq.shift), 0);
		else
			rand_rq(31 + (idt == AXON_ISA_INT16 ? 8 : 0) - (odt == AXON_ISA_INT32 ? 8 : 0),
				&p->rq.multiplier, &p->rq.shift);
		f32_rq(p->rounding, &p->rq);
		rand_act(odt, &p->act_min, &p->act_max);
		sweep_case(&sw, &s, "reduce #%u: kind %u mask 0x%x dims %ux%ux%ux%u %s->%s rq %d/%d %s",
			 it, p->kind, mask, d[0], d[1], d[2], d[3], DTN[idt], DTN[odt], p->rq.multiplier,
			 p->rq.shift, rnd_name(p->rounding));
	}
	sweep_done(&sw, name);
}

static void t_reduce(void **st) { (void)st; reduce_sweep(501, 300, "reduce sum/max/min (mean)"); }

/* ------------------------------------------------------------------------ */
/* LUT, SOFTMAX, LAYERNORM                                                   */

static void t_lut(void **st)
{
	(void)st;
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, 601); sweep_next(&sw, it, 100); it++) {
		uint32_t d[4] = { (uint32_t)trand_range(1, 3), (uint32_t)trand_range(1, 5),
				  (uint32_t)trand_range(1, 5), (uint32_t)trand_range(1, 17) };
		uint8_t idt = rand_dt8(), odt = rand_dt8();
		int inplace = trand_range(0, 2) == 0;
		struct axon_isa_tensor in = rand_tensor(idt, d);
		struct axon_isa_tensor out;
		if (inplace) {
			odt = idt;
			out = in;
		} else {
			out = rand_tensor(odt, d);
		}
		uint8_t tl = rand_loc();
		uint64_t tab = tl ? sram_alloc(256) : va_alloc(256, TMEM_R_READ);
		struct sb s;
		sb_init(&s);
		struct axon_isa_lut *p = SB_PUT(&s, AXON_OP_LUT, struct axon_isa_lut, 0);
		p->in = in; p->out = out; p->table = tab; p->table_loc = tl;
		sweep_case(&sw, &s, "lut #%u: %s->%s%s dims %ux%ux%ux%u table %s", it, DTN[idt],
			 DTN[odt], inplace ? " in place" : "", d[0], d[1], d[2], d[3], tl ? "sram" : "va");
	}
	sweep_done(&sw, "lut");
}

static void t_softmax(void **st)
{
	(void)st;
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, 701); sweep_next(&sw, it, 120); it++) {
		uint32_t rowlen = (uint32_t)(trand_range(0, 5) ? trand_range(1, 40) : trand_range(200, 700));
		uint32_t d[4] = { 1, (uint32_t)trand_range(1, 2), (uint32_t)trand_range(1, 4), rowlen };
		uint8_t idt = rand_dt8(), odt = rand_dt8();
		struct axon_isa_tensor in = rand_tensor(idt, d);
		struct axon_isa_tensor out = mkt(rand_loc(), odt, odt == AXON_ISA_INT8 ? -128 : 0, d, rand_layout());
		if (trand_range(0, 5) == 0)
			out.zero_point = rand_zp(odt);
		uint8_t tl = rand_loc();
		uint64_t tab = tl ? sram_alloc(512) : va_alloc(512, TMEM_R_READ);
		uint8_t *tp = tmem_ptr(&M, tl, tab, 512);
		int kind = (int)trand_range(0, 5);
		double beta_scale = 0.02 + (double)trand_range(0, 1000) / 2000.0;
		for (int i = 0; i < 256; i++) {
			uint16_t v;
			if (kind == 0)
				v = (uint16_t)trand();			/* arbitrary table */
			else if (kind == 1)
				v = 0;					/* sum 0 -> zp_out */
			else
				v = (uint16_t)lround(32768.0 * exp(-(double)i * beta_scale));
			tp[2 * i] = (uint8_t)v;
			tp[2 * i + 1] = (uint8_t)(v >> 8);
		}
		struct sb s;
		sb_init(&s);
		struct axon_isa_softmax *p = SB_PUT(&s, AXON_OP_SOFTMAX, struct axon_isa_softmax, 0);
		p->in = in; p->out = out; p->table = tab; p->table_loc = tl;
		int64_t om = trand_range(0, 6);
		p->out_mult = om == 0 ? (uint32_t)INT32_MAX : om == 1 ? (uint32_t)trand_range(1, 1 << 20) :
			      odt == AXON_ISA_UINT8 ? 256 : 256;
		sweep_case(&sw, &s, "softmax #%u: rows %ux%u len %u %s->%s zp %d,%d table kind %d out_mult %u",
			 it, d[1], d[2], rowlen, DTN[idt], DTN[odt], in.zero_point, out.zero_point, kind,
			 p->out_mult);
	}
	sweep_done(&sw, "softmax");
}

/*
 * @zb < 0: the ISA 1.0 sweep (z_bits 0, SINGLE/DOUBLE); else ISA 1.1 with
 * z_bits @zb (0 meaning 11) and all three rounding modes, plus rows with
 * one outlier at the extreme of the type (largest |z|, about
 * sqrt(n) * 2^F: the no-overflow bound for n = 1024 and F = 20).
 */
static void layernorm_sweep(uint64_t seed, unsigned iters, int zb, const char *name)
{
	struct sweep sw;
	int F = zb > 0 ? zb : 11;
	for (unsigned it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) {
		uint32_t n = (uint32_t)(it == 0 ? 1024 : it == 1 ? 1 : trand_range(0, 7) ? trand_range(1, 64) : trand_range(65, 1024));
		uint32_t d[4] = { 1, (uint32_t)trand_range(1, 2), (uint32_t)trand_range(1, 3), n };
		uint8_t idt = rand_dt8(), odt = rand_dt8();
		struct axon_isa_tensor in = rand_tensor(idt, d);
		if (trand_range(0, 5) == 0)	/* constant rows: V = 0 */
			tfill(&in, 7, 7);
		if (zb >= 0 && it % 4 == 1) {	/* one outlier per row, extremes of the type */
			int hi = (int)trand_range(0, 1);
			for (uint32_t r1 = 0; r1 < d[1]; r1++)
				for (uint32_t r2 = 0; r2 < d[2]; r2++)
					for (uint32_t e = 0; e < n; e++)
						tput(&in, 0, r1, r2, e,
						     (e == 0) == hi ? dtype_max(idt) : dtype_min(idt));
		}
		struct axon_isa_tensor out = rand_tensor(odt, d);
		uint8_t pl = rand_loc();
		uint64_t par = pl ? sram_alloc(8ull * n) : va_alloc(8ull * n, TMEM_R_READ);
		uint8_t *pp = tmem_ptr(&M, pl, par, 8ull * n);
		for (uint32_t i = 0; i < 2 * n; i++) {
			int32_t v = (int32_t)(i < n ? trand_range(-3000, 3000) : trand_range(-5000000, 5000000));
			if (trand_range(0, 50) == 0)
				v = trand_range(0, 1) ? INT32_MAX : INT32_MIN;
			memcpy(pp + 4 * i, &v, 4);
		}
		struct sb s;
		sb_init(&s);
		struct axon_isa_layernorm *p = SB_PUT(&s, AXON_OP_LAYERNORM, struct axon_isa_layernorm, 0);
		p->in = in; p->out = out; p->params = par; p->params_loc = pl;
		p->rounding = pick_rnd();
		if (zb >= 0) {
			p->z_bits = (uint8_t)zb;
			p->rounding = (uint8_t)trand_range(0, 2);
		}
		int64_t e = trand_range(0, 4);
		p->eps_term = e == 0 ? 0 : e == 1 ? UINT64_MAX : e == 2 ? ((uint64_t)trand() >> 1) :
			      (uint64_t)trand_range(0, 1000000);
		rand_rq(31 + F + 10 - 7, &p->rq.multiplier, &p->rq.shift);	/* QF * gamma */
		f32_rq(p->rounding, &p->rq);
		rand_act(odt, &p->act_min, &p->act_max);
		sweep_case(&sw, &s, "%s #%u: rows %ux%u n %u %s->%s eps %llu z_bits %u rq %d/%d %s",
			 name, it, d[1], d[2], n, DTN[idt], DTN[odt], (unsigned long long)p->eps_term,
			 p->z_bits, p->rq.multiplier, p->rq.shift, rnd_name(p->rounding));
	}
	sweep_done(&sw, name);
}

static void t_layernorm(void **st) { (void)st; layernorm_sweep(801, 120, -1, "layernorm"); }
static void t_layernorm_z0(void **st) { (void)st; layernorm_sweep(811, 60, 0, "layernorm 1.1 z_bits 0 (Q11)"); }
static void t_layernorm_z11(void **st) { (void)st; layernorm_sweep(812, 60, 11, "layernorm z_bits 11"); }
static void t_layernorm_z15(void **st) { (void)st; layernorm_sweep(815, 80, 15, "layernorm z_bits 15"); }
static void t_layernorm_z20(void **st) { (void)st; layernorm_sweep(820, 80, 20, "layernorm z_bits 20"); }

/* ------------------------------------------------------------------------ */
/* RESIZE (exactly representable coordinates only, see oracle.c)            */

static void resize_sweep(uint64_t seed, unsigned iters, unsigned min_exact, const char *name)
{
	static const uint32_t sizes[][2] = {
		{ 2, 4 }, { 4, 2 }, { 3, 6 }, { 4, 8 }, { 5, 5 }, { 8, 4 }, { 3, 5 }, { 5, 3 },
		{ 1, 3 }, { 3, 1 }, { 2, 8 }, { 6, 3 }, { 5, 9 }, { 9, 5 }, { 3, 12 }, { 4, 7 },
	};
	static const char *const cn[] = { "half_pixel", "align_corners", "asymmetric" };
	unsigned exact[2][3] = { { 0 } };
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) {
		uint8_t mode = (uint8_t)trand_range(0, 1), coord = (uint8_t)trand_range(0, 2);
		const uint32_t *hs = sizes[trand_range(0, 15)], *ws = sizes[trand_range(0, 15)];
		uint32_t N = (uint32_t)trand_range(1, 2), C = (uint32_t)trand_range(1, 4);
		/* int16 only for NEAREST: the firmware rejects int16 BILINEAR (E_DTYPE) */
		uint8_t idt = (trand_range(0, 4) || mode) ? rand_dt8() : AXON_ISA_INT16;
		uint8_t odt = idt == AXON_ISA_INT16 ? AXON_ISA_INT16 : rand_dt8();
		struct axon_isa_tensor in = rand_tensor(idt, DIMS(N, hs[0], ws[0], C));
		struct axon_isa_tensor out = rand_tensor(odt, DIMS(N, hs[1], ws[1], C));
		struct sb s;
		sb_init(&s);
		struct axon_isa_resize *p = SB_PUT(&s, AXON_OP_RESIZE, struct axon_isa_resize, 0);
		p->in = in; p->out = out; p->mode = mode; p->coord = coord;
		p->rounding = pick_rnd();
		if (trand_range(0, 1))	/* identity scale, with 2^20 folded in for bilinear */
			p->rq = rq(1 << 30, mode == AXON_ISA_RESIZE_BILINEAR ? 50 : 30);
		else
			rand_rq(31 + (mode ? 20 : 0), &p->rq.multiplier, &p->rq.shift);
		f32_rq(p->rounding, &p->rq);
		rand_act(odt, &p->act_min, &p->act_max);
		unsigned before = sw.ambiguous;
		sweep_case(&sw, &s, "resize #%u: %s %s %ux%u -> %ux%u C%u %s->%s rq %d/%d %s", it,
			 mode ? "bilinear" : "nearest", cn[coord], hs[0], ws[0], hs[1], ws[1], C, DTN[idt],
			 DTN[odt], p->rq.multiplier, p->rq.shift, rnd_name(p->rounding));
		if (sw.ambiguous == before)
			exact[mode][coord]++;
	}
	for (int m = 0; m < 2; m++)
		for (int c = 0; c < 3; c++) {
			print_message("  resize %s %s: %u exact cases\n", m ? "bilinear" : "nearest", cn[c],
				      exact[m][c]);
			assert_true(exact[m][c] >= min_exact);
		}
	sweep_done(&sw, name);
}

static void t_resize(void **st) { (void)st; resize_sweep(901, 400, 10, "resize"); }

/* ------------------------------------------------------------------------ */
/* RESCALE                                                                   */

static void rescale_sweep(uint64_t seed, unsigned iters, const char *name)
{
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, seed); sweep_next(&sw, it, iters); it++) {
		uint32_t d[4] = { (uint32_t)trand_range(1, 3), (uint32_t)trand_range(1, 4),
				  (uint32_t)trand_range(1, 4), (uint32_t)trand_range(1, 9) };
		uint8_t idt = rand_dt_any(), odt = rand_dt_any();
		struct axon_isa_tensor in = rand_tensor(idt, d);
		struct axon_isa_tensor out;
		int inplace = dtype_size(idt) == dtype_size(odt) && trand_range(0, 2) == 0;
		if (inplace) {
			out = in;
			out.dtype = odt;
			out.zero_point = rand_zp(odt);
		} else {
			out = rand_tensor(odt, d);
		}
		struct sb s;
		sb_init(&s);
		struct axon_isa_rescale *p = SB_PUT(&s, AXON_OP_RESCALE, struct axon_isa_rescale, 0);
		p->in = in; p->out = out;
		p->rounding = pick_rnd();
		if (trand_range(0, 3) == 0)
			p->rq = rq(1 << 30, 30);	/* identity: a cast with saturation */
		else
			rand_rq(31 + 8 * ((int)dtype_size(idt) - (int)dtype_size(odt)), &p->rq.multiplier,
				&p->rq.shift);
		f32_rq(p->rounding, &p->rq);
		rand_act(odt, &p->act_min, &p->act_max);
		sweep_case(&sw, &s, "rescale #%u: %s->%s%s zp %d,%d rq %d/%d %s act[%d,%d]", it,
			 DTN[idt], DTN[odt], inplace ? " in place" : "", in.zero_point, out.zero_point,
			 p->rq.multiplier, p->rq.shift, rnd_name(p->rounding), p->act_min,
			 p->act_max);
	}
	sweep_done(&sw, name);
}

static void t_rescale_op(void **st) { (void)st; rescale_sweep(1001, 300, "rescale/cast"); }

/* ------------------------------------------------------------------------ */
/* DMA and FILL                                                              */

static void t_dma(void **st)
{
	(void)st;
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, 1101); sweep_next(&sw, it, 300); it++) {
		uint32_t d[4], od[4];
		uint16_t pb[4], pa[4];
		uint8_t dt = rand_dt_any();
		int padded = trand_range(0, 1);
		for (int k = 0; k < 4; k++) {
			d[k] = (uint32_t)trand_range(1, 5);
			pb[k] = padded ? (uint16_t)trand_range(0, 2) : 0;
			pa[k] = padded ? (uint16_t)trand_range(0, 2) : 0;
			od[k] = d[k] + pb[k] + pa[k];
		}
		/* VA->VA, VA->SRAM, SRAM->SRAM, SRAM->VA */
		uint8_t sl = rand_loc(), dl = rand_loc();
		struct axon_isa_tensor src = mkt(sl, dt, rand_zp(dt), d, rand_layout());
		struct axon_isa_tensor dst = mkt(dl, dt, rand_zp(dt), od, rand_layout());
		if (trand_range(0, 4) == 0)	/* broadcast a source dimension */
			src.strides[trand_range(0, 3)] = 0;
		struct sb s;
		sb_init(&s);
		struct axon_isa_dma *p = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		p->src = src; p->dst = dst;
		memcpy(p->pad_before, pb, sizeof(pb));
		memcpy(p->pad_after, pa, sizeof(pa));
		sweep_case(&sw, &s, "dma #%u: %s %s->%s dims %ux%ux%ux%u pad %u%u%u%u/%u%u%u%u strides %u,%u,%u,%u -> %u,%u,%u,%u",
			 it, DTN[dt], sl ? "sram" : "va", dl ? "sram" : "va", d[0], d[1], d[2], d[3], pb[0],
			 pb[1], pb[2], pb[3], pa[0], pa[1], pa[2], pa[3], src.strides[0], src.strides[1],
			 src.strides[2], src.strides[3], dst.strides[0], dst.strides[1], dst.strides[2],
			 dst.strides[3]);
	}
	sweep_done(&sw, "dma (padding, VA/SRAM, transposes)");
}

/* CONCAT along channels and a transpose chain VA -> SRAM -> SRAM -> VA. */
static void t_dma_concat_chain(void **st)
{
	(void)st;
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, 1102); sweep_next(&sw, it, 60); it++) {
		uint8_t dt = rand_dt_any();
		uint32_t H = (uint32_t)trand_range(1, 4), W = (uint32_t)trand_range(1, 4);
		uint32_t c1 = (uint32_t)trand_range(1, 5), c2 = (uint32_t)trand_range(1, 5);
		struct axon_isa_tensor x1 = mkt(AXON_ISA_LOC_VA, dt, 0, DIMS(1, H, W, c1), L_CONTIG);
		struct axon_isa_tensor x2 = mkt(AXON_ISA_LOC_VA, dt, 0, DIMS(1, H, W, c2), L_GAP);
		struct axon_isa_tensor y = mkt(AXON_ISA_LOC_VA, dt, 0, DIMS(1, H, W, c1 + c2), L_CONTIG);
		struct sb s;
		sb_init(&s);
		struct axon_isa_dma *p = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		p->src = x1;
		p->dst = y;
		p->dst.dims[3] = c1;
		p = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		p->src = x2;
		p->dst = y;
		p->dst.dims[3] = c2;
		p->dst.addr += (uint64_t)c1 * dtype_size(dt);
		/* y (NHWC) -> SRAM as NCHW (transpose) -> SRAM copy -> VA back as NHWC */
		uint32_t C = c1 + c2;
		uint64_t sz = (uint64_t)H * W * C * dtype_size(dt);
		uint64_t s1 = sram_alloc(sz), s2 = sram_alloc(sz);
		struct axon_isa_tensor ynchw_view = y;	/* dims {1,C,H,W} over NHWC data */
		uint32_t vd[4] = { 1, C, H, W }, vs[4] = { H * W * C, 1, W * C, C };
		ynchw_view = tens_s(AXON_ISA_LOC_VA, y.addr, dt, 0, vd, vs);
		p = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		p->src = ynchw_view;
		p->dst = tens(AXON_ISA_LOC_SRAM, s1, dt, 0, 1, C, H, W);
		p = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		p->src = tens(AXON_ISA_LOC_SRAM, s1, dt, 0, 1, C, H, W);
		p->dst = tens(AXON_ISA_LOC_SRAM, s2, dt, 0, 1, C, H, W);
		struct axon_isa_tensor back = mkt(AXON_ISA_LOC_VA, dt, 0, DIMS(1, H, W, C), L_CONTIG);
		p = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		uint32_t bd[4] = { 1, H, W, C }, bs[4] = { C * H * W, W, 1, H * W };
		p->src = tens_s(AXON_ISA_LOC_SRAM, s2, dt, 0, bd, bs);
		p->dst = back;
		sweep_case(&sw, &s, "concat+transpose chain #%u: %s H%u W%u C%u+%u", it, DTN[dt], H, W, c1, c2);
	}
	sweep_done(&sw, "dma concat windows + transpose chain");
}

static void t_fill(void **st)
{
	(void)st;
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, 1201); sweep_next(&sw, it, 100); it++) {
		uint32_t d[4] = { (uint32_t)trand_range(1, 3), (uint32_t)trand_range(1, 4),
				  (uint32_t)trand_range(1, 4), (uint32_t)trand_range(1, 9) };
		uint8_t dt = rand_dt_any();
		struct axon_isa_tensor t = rand_tensor(dt, d);
		struct sb s;
		sb_init(&s);
		struct axon_isa_fill *p = SB_PUT(&s, AXON_OP_FILL, struct axon_isa_fill, 0);
		p->dst = t;
		int64_t e = trand_range(0, 3);
		p->value = (int32_t)(e == 0 ? dtype_min(dt) : e == 1 ? dtype_max(dt) :
				     trand_range(dtype_min(dt), dtype_max(dt)));
		sweep_case(&sw, &s, "fill #%u: %s value %d", it, DTN[dt], p->value);
	}
	sweep_done(&sw, "fill");
}

/* ------------------------------------------------------------------------ */
/* a multi-op pipeline: DMA in, CONV in SRAM, LUT, POOL, DMA out             */

static void t_pipeline(void **st)
{
	(void)st;
	struct sweep sw;
	for (unsigned it = sweep_start(&sw, 1301); sweep_next(&sw, it, 30); it++) {
		uint32_t H = (uint32_t)trand_range(3, 8), W = (uint32_t)trand_range(3, 8);
		uint32_t C = (uint32_t)trand_range(1, 4), K = (uint32_t)trand_range(1, 6);
		struct axon_isa_tensor x = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, rand_zp(AXON_ISA_INT8),
					       DIMS(1, H, W, C), L_CONTIG);
		uint64_t xs = sram_alloc((uint64_t)(H + 2) * (W + 2) * C);
		struct axon_isa_tensor xp = tens(AXON_ISA_LOC_SRAM, xs, AXON_ISA_INT8, x.zero_point, 1, H + 2, W + 2, C);
		struct axon_isa_tensor w = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(K, 3, 3, C), L_CONTIG);
		struct axon_isa_tensor b = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT32, 0, DIMS(1, 1, 1, K), L_CONTIG);
		tfill(&b, -2000, 2000);
		uint64_t ys = sram_alloc((uint64_t)H * W * K);
		struct axon_isa_tensor y = tens(AXON_ISA_LOC_SRAM, ys, AXON_ISA_INT8, -3, 1, H, W, K);
		uint64_t zs = sram_alloc((uint64_t)(H / 2) * (W / 2) * K);
		struct axon_isa_tensor z = tens(AXON_ISA_LOC_SRAM, zs, AXON_ISA_INT8, -3, 1, H / 2, W / 2, K);
		struct axon_isa_tensor out = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, -3, DIMS(1, H / 2, W / 2, K), L_CONTIG);
		int32_t ms[8], ss[8];
		for (uint32_t i = 0; i < K; i++)
			rand_rq(31 + 6 + 2, &ms[i], &ss[i]);
		struct sb s;
		sb_init(&s);
		sb_marker(&s, 100);
		struct axon_isa_dma *d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		d->src = x; d->dst = xp;
		for (int k = 1; k <= 2; k++)
			d->pad_before[k] = d->pad_after[k] = 1;
		sb_marker(&s, 101);
		struct axon_isa_conv2d *c = SB_PUT(&s, AXON_OP_CONV2D, struct axon_isa_conv2d, 0);
		c->in = xp; c->weight = w; c->bias = b; c->out = y;
		c->rq = mk_rqtab(AXON_ISA_LOC_SRAM, AXON_ISA_ROUND_DOUBLE, K, ms, ss);
		c->stride_h = c->stride_w = c->dilation_h = c->dilation_w = 1;
		c->groups = 1; c->act_min = -3; c->act_max = 127;
		struct axon_isa_lut *l = SB_PUT(&s, AXON_OP_LUT, struct axon_isa_lut, 0);
		l->in = y; l->out = y; l->table = va_alloc(256, TMEM_R_READ);
		sb_nop(&s);
		struct axon_isa_pool *pl = SB_PUT(&s, AXON_OP_POOL, struct axon_isa_pool, 0);
		pl->in = y; pl->out = z; pl->kind = AXON_ISA_POOL_MAX;
		int32_t one_m = 1 << 30, one_s = 30;
		pl->rq = mk_rqtab(AXON_ISA_LOC_VA, AXON_ISA_ROUND_SINGLE, 1, &one_m, &one_s);
		pl->kernel_h = pl->kernel_w = pl->stride_h = pl->stride_w = 2;
		pl->act_min = -128; pl->act_max = 127;
		d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		d->src = z; d->dst = out;
		sb_marker(&s, 102);
		sweep_case(&sw, &s, "pipeline #%u: H%u W%u C%u K%u", it, H, W, C, K);
	}
	sweep_done(&sw, "pipeline dma/conv/lut/pool/dma through SRAM");
}

/* ------------------------------------------------------------------------ */
/* MARKER progress and yield abort                                           */

static void t_markers(void **st)
{
	(void)st;
	mem_reset();
	struct sb s;
	sb_init(&s);
	sb_marker(&s, 7);				/* packet 0 */
	sb_nop(&s);					/* 1 */
	struct axon_isa_tensor t = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(1, 1, 4, 4), L_CONTIG);
	struct axon_isa_fill *f = SB_PUT(&s, AXON_OP_FILL, struct axon_isa_fill, 0);	/* 2 */
	f->dst = t;
	f->value = 5;
	sb_marker(&s, 0xdeadbeef);			/* 3 */
	sb_marker(&s, 0);				/* 4 */
	sb_finish(&s);
	struct fwhooks h;
	struct axon_fw_result res;
	fwhooks_init(&h, &M);
	assert_int_equal(tfw_run_sb(&M, &s, NULL, &h, &res), AXON_ISA_OK);
	/*
	 * progress() after every completed packet, in order, with the marker id
	 * for MARKERs and AXON_FW_NO_MARKER for the others.
	 */
	uint32_t want_id[5] = { 7, AXON_FW_NO_MARKER, AXON_FW_NO_MARKER, 0xdeadbeef, 0 };
	print_message("  progress hook called %u times\n", h.nprog);
	assert_true(h.nprog == 5 || h.nprog == 6);	/* END may or may not be reported */
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(h.prog_packet[i], i);
		assert_int_equal(h.prog_id[i], want_id[i]);
	}
	if (h.nprog == 6) {
		assert_int_equal(h.prog_packet[5], 5);
		assert_int_equal(h.prog_id[5], AXON_FW_NO_MARKER);
	}
	assert_int_equal(tget(&t, 0, 0, 3, 3), 5);
	sb_free(&s);
}

static void t_yield_abort(void **st)
{
	(void)st;
	mem_reset();
	struct sb s;
	sb_init(&s);
	struct axon_isa_tensor t = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(1, 8, 8, 8), L_CONTIG);
	for (int i = 0; i < 20; i++) {
		struct axon_isa_fill *f = SB_PUT(&s, AXON_OP_FILL, struct axon_isa_fill, 0);
		f->dst = t;
		f->value = i;
	}
	sb_marker(&s, 1);
	sb_finish(&s);
	struct fwhooks h;
	struct axon_fw_result res;
	fwhooks_init(&h, &M);
	assert_int_equal(tfw_run_sb(&M, &s, NULL, &h, &res), AXON_ISA_OK);
	long total = h.yields;
	long marker_at = -1;	/* yields seen when the marker completed */
	for (unsigned i = 0; i < h.nprog && i < 256; i++)
		if (h.prog_id[i] == 1)
			marker_at = h.prog_yield[i];
	assert_true(marker_at > 0);
	print_message("  %ld yields for 21 work packets\n", total);
	assert_true(total >= 20);	/* at least one between work units */
	/* abort at every possible point: E_ABORTED, nothing after */
	for (long k = 0; k < total; k++) {
		fwhooks_init(&h, &M);
		h.abort_after = k;
		uint32_t r = tfw_run_sb(&M, &s, NULL, &h, &res);
		assert_int_equal(r, AXON_ISA_E_ABORTED);
		assert_int_equal(res.status, AXON_ISA_E_ABORTED);
		assert_int_equal(h.yields, k + 1);	/* no yield after the abort */
		if (k + 1 <= marker_at) {	/* aborted before the marker: never reported */
			for (unsigned i = 0; i < h.nprog && i < 256; i++)
				assert_int_not_equal(h.prog_id[i], 1);
			assert_true(h.nprog <= 20);
		}
	}
	sb_free(&s);
}

/* ------------------------------------------------------------------------ */
/* ISA 1.1: the sweeps again with ROUND_F32 (other seeds)                    */

#define F32_TEST(name, call) \
	static void name(void **st) { (void)st; g_f32 = 1; call; g_f32 = 0; }
F32_TEST(t_f32_conv_plain, conv_sweep(CV_PLAIN, 5101, 150, "f32 conv plain"))
F32_TEST(t_f32_conv_depthwise, conv_sweep(CV_DEPTHWISE, 5103, 150, "f32 conv depthwise"))
F32_TEST(t_f32_conv_dilated, conv_sweep(CV_DILATED_PADDED, 5104, 100, "f32 conv dilated/padded/strided"))
F32_TEST(t_f32_conv_int16, conv_sweep(CV_INT16_WIDE, 5105, 100, "f32 conv int16 in, any out"))
F32_TEST(t_f32_conv_saturate, conv_sweep(CV_SATURATE, 5106, 150, "f32 conv saturation edges"))
F32_TEST(t_f32_mm_plain, matmul_sweep(MM_PLAIN, 5201, 150, "f32 matmul batched"))
F32_TEST(t_f32_mm_fc, matmul_sweep(MM_FC_CONST, 5202, 100, "f32 matmul fully-connected"))
F32_TEST(t_f32_mm_int16, matmul_sweep(MM_INT16, 5204, 100, "f32 matmul int16"))
F32_TEST(t_f32_elt, eltwise_sweep(0, 0, 5301, 300, "f32 eltwise 8-bit broadcast"))
F32_TEST(t_f32_elt_int16, eltwise_sweep(0, 1, 5303, 150, "f32 eltwise int16"))
F32_TEST(t_f32_pool, pool_sweep(0, 5401, 200, "f32 pool max/avg"))
F32_TEST(t_f32_pool_global, pool_sweep(1, 5402, 100, "f32 pool global average"))
F32_TEST(t_f32_reduce, reduce_sweep(5501, 200, "f32 reduce sum/max/min (mean)"))
F32_TEST(t_f32_resize, resize_sweep(5901, 300, 5, "f32 resize"))
F32_TEST(t_f32_rescale_op, rescale_sweep(6001, 300, "f32 rescale/cast"))

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_conv_plain),
		cmocka_unit_test(t_conv_grouped),
		cmocka_unit_test(t_conv_depthwise),
		cmocka_unit_test(t_conv_dilated),
		cmocka_unit_test(t_conv_int16),
		cmocka_unit_test(t_conv_saturate),
		cmocka_unit_test(t_conv_1x1),
		cmocka_unit_test(t_mm_plain),
		cmocka_unit_test(t_mm_fc),
		cmocka_unit_test(t_mm_transposed),
		cmocka_unit_test(t_mm_int16),
		cmocka_unit_test(t_mm_bcast),
		cmocka_unit_test(t_elt),
		cmocka_unit_test(t_elt_inplace),
		cmocka_unit_test(t_elt_int16),
		cmocka_unit_test(t_pool),
		cmocka_unit_test(t_pool_global),
		cmocka_unit_test(t_reduce),
		cmocka_unit_test(t_lut),
		cmocka_unit_test(t_softmax),
		cmocka_unit_test(t_layernorm),
		cmocka_unit_test(t_resize),
		cmocka_unit_test(t_rescale_op),
		cmocka_unit_test(t_dma),
		cmocka_unit_test(t_dma_concat_chain),
		cmocka_unit_test(t_fill),
		cmocka_unit_test(t_pipeline),
		cmocka_unit_test(t_markers),
		cmocka_unit_test(t_yield_abort),
		cmocka_unit_test(t_layernorm_z0),
		cmocka_unit_test(t_layernorm_z11),
		cmocka_unit_test(t_layernorm_z15),
		cmocka_unit_test(t_layernorm_z20),
		cmocka_unit_test_teardown(t_f32_conv_plain, f32_off),
		cmocka_unit_test_teardown(t_f32_conv_depthwise, f32_off),
		cmocka_unit_test_teardown(t_f32_conv_dilated, f32_off),
		cmocka_unit_test_teardown(t_f32_conv_int16, f32_off),
		cmocka_unit_test_teardown(t_f32_conv_saturate, f32_off),
		cmocka_unit_test_teardown(t_f32_mm_plain, f32_off),
		cmocka_unit_test_teardown(t_f32_mm_fc, f32_off),
		cmocka_unit_test_teardown(t_f32_mm_int16, f32_off),
		cmocka_unit_test_teardown(t_f32_elt, f32_off),
		cmocka_unit_test_teardown(t_f32_elt_int16, f32_off),
		cmocka_unit_test_teardown(t_f32_pool, f32_off),
		cmocka_unit_test_teardown(t_f32_pool_global, f32_off),
		cmocka_unit_test_teardown(t_f32_reduce, f32_off),
		cmocka_unit_test_teardown(t_f32_resize, f32_off),
		cmocka_unit_test_teardown(t_f32_rescale_op, f32_off),
	};
	int r = cmocka_run_group_tests_name("firmware ops vs oracle", tests, NULL, NULL);
	mem_reset();
	tmem_free(&M);
	return r;
}
