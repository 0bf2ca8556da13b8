// SPDX-License-Identifier: MIT
/*
 * ONNX's quantized node tests (Debian libonnx-testdata) run on the firmware:
 * QLinearConv, QLinearMatMul (2D, 3D), ConvInteger, MatMulInteger. Inputs
 * and attributes are read with the protobuf-c bindings; a CONV2D or MATMUL
 * stream is built directly from the tensors (NCHW data addressed in place
 * through permuted strides, so the output is written in ONNX's layout) and
 * the output is compared bit for bit with output_0.pb.
 *
 * QLinear* scales: real = x_scale * w_scale / y_scale turned into
 * (multiplier, shift) like TFLite's QuantizeMultiplier; run with both
 * rounding modes. ONNX rounds half to even in float; any element that
 * differs must be a proven tie (exact result within 1e-6 of k + 1/2).
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

#include "onnx.pb-c.h"

#include "fwrun.h"
#include "oracle.h"
#include "testlib.h"

#define NODE_DIR "/usr/share/libonnx-testdata/data/node"

struct ten {
	int ndims;
	int64_t dims[6];
	int dtype;		/* ONNX data type */
	int64_t n;
	int64_t *v;		/* integer values */
	double *f;		/* float values */
};

static void *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	void *b = malloc(n > 0 ? (size_t)n : 1);
	assert_non_null(b);
	*len = fread(b, 1, (size_t)n, fp);
	fclose(fp);
	return b;
}

/* Element @i of little-endian raw data of 4-byte elements. */
static int32_t raw_i32(const uint8_t *raw, int64_t i)
{
	int32_t x;
	memcpy(&x, raw + 4 * i, 4);
	return x;
}

static float raw_f32(const uint8_t *raw, int64_t i)
{
	float x;
	memcpy(&x, raw + 4 * i, 4);
	return x;
}

static void ten_from_proto(const Onnx__TensorProto *t, struct ten *o)
{
	memset(o, 0, sizeof(*o));
	o->ndims = (int)t->n_dims;
	o->n = 1;
	for (size_t i = 0; i < t->n_dims; i++) {
		o->dims[i] = t->dims[i];
		o->n *= t->dims[i];
	}
	o->dtype = t->data_type;
	o->v = calloc((size_t)o->n + 1, sizeof(int64_t));
	o->f = calloc((size_t)o->n + 1, sizeof(double));
	const uint8_t *raw = t->has_raw_data ? t->raw_data.data : NULL;
	for (int64_t i = 0; i < o->n; i++) {
		switch (o->dtype) {
		case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
			o->v[i] = raw ? raw[i] : t->int32_data[i];
			break;
		case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
			o->v[i] = raw ? (int8_t)raw[i] : t->int32_data[i];
			break;
		case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
			o->v[i] = raw ? raw_i32(raw, i) : t->int32_data[i];
			break;
		case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
			o->f[i] = raw ? raw_f32(raw, i) : t->float_data[i];
			break;
		default:
			fail_msg("unsupported ONNX dtype %d", o->dtype);
		}
	}
}

static int load_pb(const char *path, struct ten *o)
{
	size_t len;
	void *b = read_file(path, &len);
	if (!b)
		return -1;
	Onnx__TensorProto *t = onnx__tensor_proto__unpack(NULL, len, b);
	free(b);
	assert_non_null(t);
	ten_from_proto(t, o);
	onnx__tensor_proto__free_unpacked(t, NULL);
	return 0;
}

static void ten_free(struct ten *t)
{
	free(t->v);
	free(t->f);
}

struct node {
	char op[32];
	int ninputs;
	int64_t pads[4], strides[2], dilations[2], group;
	struct ten in[9];
	struct ten out;
};

static void load_node(const char *name, struct node *nd)
{
	char path[512];
	size_t len;
	memset(nd, 0, sizeof(*nd));
	nd->strides[0] = nd->strides[1] = nd->dilations[0] = nd->dilations[1] = nd->group = 1;
	snprintf(path, sizeof(path), NODE_DIR "/%s/model.onnx", name);
	void *b = read_file(path, &len);
	if (!b)
		fail_msg("%s not found (libonnx-testdata)", path);
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, b);
	free(b);
	assert_non_null(m);
	assert_non_null(m->graph);
	assert_int_equal(m->graph->n_node, 1);
	Onnx__NodeProto *n = m->graph->node[0];
	snprintf(nd->op, sizeof(nd->op), "%s", n->op_type);
	nd->ninputs = (int)n->n_input;
	for (size_t i = 0; i < n->n_attribute; i++) {
		Onnx__AttributeProto *a = n->attribute[i];
		if (!strcmp(a->name, "pads"))
			for (size_t k = 0; k < a->n_ints && k < 4; k++)
				nd->pads[k] = a->ints[k];
		else if (!strcmp(a->name, "strides"))
			for (size_t k = 0; k < a->n_ints && k < 2; k++)
				nd->strides[k] = a->ints[k];
		else if (!strcmp(a->name, "dilations"))
			for (size_t k = 0; k < a->n_ints && k < 2; k++)
				nd->dilations[k] = a->ints[k];
		else if (!strcmp(a->name, "group"))
			nd->group = a->i;
		else if (!strcmp(a->name, "auto_pad"))
			assert_true(a->s.len == 0 || !memcmp(a->s.data, "NOTSET", 6));
		else if (strcmp(a->name, "kernel_shape"))
			fail_msg("%s: unhandled attribute %s", name, a->name);
	}
	onnx__model_proto__free_unpacked(m, NULL);
	for (int i = 0; i < nd->ninputs; i++) {
		snprintf(path, sizeof(path), NODE_DIR "/%s/test_data_set_0/input_%d.pb", name, i);
		assert_int_equal(load_pb(path, &nd->in[i]), 0);
	}
	snprintf(path, sizeof(path), NODE_DIR "/%s/test_data_set_0/output_0.pb", name);
	assert_int_equal(load_pb(path, &nd->out), 0);
}

static void node_free(struct node *nd)
{
	for (int i = 0; i < nd->ninputs; i++)
		ten_free(&nd->in[i]);
	ten_free(&nd->out);
}

static uint8_t isa_dtype(int onnx)
{
	switch (onnx) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: return AXON_ISA_UINT8;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return AXON_ISA_INT8;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return AXON_ISA_INT32;
	}
	fail_msg("no ISA dtype for ONNX dtype %d", onnx);
	return 0;
}

/* Places the values of @t in a new VA region; returns its address. */
static uint64_t place(const struct ten *t, uint8_t dt)
{
	unsigned es = dtype_size(dt);
	uint64_t va = va_alloc((uint64_t)t->n * es, TMEM_R_READ | TMEM_R_WRITE);
	uint8_t *p = tmem_ptr(&M, 0, va, (uint64_t)t->n * es);
	for (int64_t i = 0; i < t->n; i++) {
		uint32_t u = (uint32_t)t->v[i];
		for (unsigned k = 0; k < es; k++)
			p[i * es + k] = (uint8_t)(u >> (8 * k));
	}
	return va;
}

/* Rescale table for real scales @r[n]; returns the table. */
static struct axon_isa_rqtab scales(const double *r, uint32_t n, uint8_t rounding)
{
	int32_t m[64], s[64];
	assert_true(n <= 64);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(quantize_multiplier(r[i], &m[i], &s[i]), 0);
	return mk_rqtab(AXON_ISA_LOC_VA, rounding, n, m, s);
}

/* The integer ops' scale: one identity entry (multiplier 2^30, shift 30). */
static struct axon_isa_rqtab identity_rq(void)
{
	int32_t m1 = 1 << 30, s1 = 30;
	return mk_rqtab(0, AXON_ISA_ROUND_SINGLE, 1, &m1, &s1);
}

/*
 * Compares the output (written in ONNX layout at @out_va, @dt) with the
 * reference; an element that differs by 1 is accepted only when @exact[i]
 * (the real result before rounding, from double arithmetic) is a tie.
 * Returns the number of non-tie mismatches; *@ties gets the tie count.
 */
static unsigned compare(const char *name, const struct ten *ref, uint64_t out_va, uint8_t dt,
			const double *exact, unsigned *ties)
{
	unsigned bad = 0;
	*ties = 0;
	unsigned es = dtype_size(dt);
	uint8_t *p = tmem_ptr(&M, 0, out_va, (uint64_t)ref->n * es);
	for (int64_t i = 0; i < ref->n; i++) {
		struct axon_isa_tensor t = tens(0, 0, dt, 0, 1, 1, 1, 1);
		(void)t;
		int64_t got;
		if (dt == AXON_ISA_UINT8)
			got = p[i];
		else if (dt == AXON_ISA_INT8)
			got = (int8_t)p[i];
		else {
			int32_t x;
			memcpy(&x, p + 4 * i, 4);
			got = x;
		}
		if (got == ref->v[i])
			continue;
		int tie = exact && (got - ref->v[i] == 1 || got - ref->v[i] == -1) &&
			  fabs(fabs(exact[i] - floor(exact[i])) - 0.5) < 1e-6;
		if (tie) {
			(*ties)++;
			continue;
		}
		if (bad < 8)
			print_message("    %s[%lld]: got %lld want %lld (exact %.6f)\n", name, (long long)i,
				      (long long)got, (long long)ref->v[i], exact ? exact[i] : 0.0);
		bad++;
	}
	return bad;
}

/* Finishes, runs and frees @s. */
static void run_stream(struct sb *s, const char *name)
{
	struct axon_fw_result res;
	sb_finish(s);
	uint32_t st = tfw_run_sb(&M, s, NULL, NULL, &res);
	if (st)
		fail_msg("%s: %s at packet %u: %s", name, axon_fw_status_str(st), res.packet, res.reason);
	sb_free(s);
}

/* Compares the node's output (see compare()), then frees @exact and @nd. */
static unsigned node_done(const char *name, struct node *nd, uint64_t out_va, uint8_t dt,
			  double *exact, unsigned *ties)
{
	unsigned bad = compare(name, &nd->out, out_va, dt, exact, ties);
	free(exact);
	node_free(nd);
	return bad;
}

/* ------------------------------------------------------------------------ */

/* ConvInteger / QLinearConv. @rounding ignored for ConvInteger. */
static unsigned conv_node(const char *name, uint8_t rounding, unsigned *ties)
{
	struct node nd;
	load_node(name, &nd);
	int qlinear = !strcmp(nd.op, "QLinearConv");
	assert_true(qlinear || !strcmp(nd.op, "ConvInteger"));
	struct ten *x = &nd.in[0], *w = qlinear ? &nd.in[3] : &nd.in[1];
	int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
	int64_t Mo = w->dims[0], Cg = w->dims[1], KH = w->dims[2], KW = w->dims[3];
	int64_t OH = nd.out.dims[2], OW = nd.out.dims[3];
	int64_t G = nd.group;
	mem_reset();
	uint8_t xdt = isa_dtype(x->dtype), wdt = isa_dtype(w->dtype), odt = isa_dtype(nd.out.dtype);
	int32_t xzp = 0, wzp = 0, yzp = 0;
	if (qlinear) {
		xzp = (int32_t)nd.in[2].v[0];
		assert_int_equal(nd.in[5].n, 1);	/* per-tensor weight zero point */
		wzp = (int32_t)nd.in[5].v[0];
		yzp = (int32_t)nd.in[7].v[0];
	} else {
		if (nd.ninputs > 2)
			xzp = (int32_t)nd.in[2].v[0];
		if (nd.ninputs > 3) {
			assert_int_equal(nd.in[3].n, 1);
			wzp = (int32_t)nd.in[3].v[0];
		}
	}
	/* NCHW/OIHW data in place: dims {N,H,W,C} with strides {CHW, W, 1, HW} */
	uint32_t xd[4] = { (uint32_t)N, (uint32_t)H, (uint32_t)W, (uint32_t)C };
	uint32_t xs[4] = { (uint32_t)(C * H * W), (uint32_t)W, 1, (uint32_t)(H * W) };
	uint32_t wd[4] = { (uint32_t)Mo, (uint32_t)KH, (uint32_t)KW, (uint32_t)Cg };
	uint32_t ws[4] = { (uint32_t)(Cg * KH * KW), (uint32_t)KW, 1, (uint32_t)(KH * KW) };
	uint32_t od[4] = { (uint32_t)N, (uint32_t)OH, (uint32_t)OW, (uint32_t)Mo };
	uint32_t os[4] = { (uint32_t)(Mo * OH * OW), (uint32_t)OW, 1, (uint32_t)(OH * OW) };
	struct sb s;
	sb_init(&s);
	int has_bias = qlinear && nd.ninputs > 8;
	struct axon_isa_conv2d *p = SB_PUT(&s, AXON_OP_CONV2D, struct axon_isa_conv2d,
					   has_bias ? 0 : AXON_ISA_F_NO_BIAS);
	p->in = tens_s(0, place(x, xdt), xdt, xzp, xd, xs);
	p->weight = tens_s(0, place(w, wdt), wdt, wzp, wd, ws);
	if (has_bias)
		p->bias = tens(0, place(&nd.in[8], AXON_ISA_INT32), AXON_ISA_INT32, 0, 1, 1, 1, (uint32_t)Mo);
	else
		p->bias = tens(0, 0, AXON_ISA_INT32, 0, 1, 1, 1, (uint32_t)Mo);
	struct ten zero_out = nd.out;
	uint64_t out_va = va_alloc((uint64_t)nd.out.n * dtype_size(odt), TMEM_R_READ | TMEM_R_WRITE);
	(void)zero_out;
	p->out = tens_s(0, out_va, odt, yzp, od, os);
	double real[64];
	uint32_t nrq = 1;
	if (qlinear) {
		nrq = (uint32_t)nd.in[4].n;	/* per-channel weight scales allowed */
		for (uint32_t i = 0; i < nrq; i++)
			real[i] = nd.in[1].f[0] * nd.in[4].f[i] / nd.in[6].f[0];
		p->rq = scales(real, nrq, rounding);
	} else {
		p->rq = identity_rq();
	}
	p->stride_h = (uint16_t)nd.strides[0];
	p->stride_w = (uint16_t)nd.strides[1];
	p->dilation_h = (uint16_t)nd.dilations[0];
	p->dilation_w = (uint16_t)nd.dilations[1];
	p->pad_top = (uint16_t)nd.pads[0];
	p->pad_left = (uint16_t)nd.pads[1];
	p->pad_bottom = (uint16_t)nd.pads[2];
	p->pad_right = (uint16_t)nd.pads[3];
	p->groups = (uint32_t)G;
	p->act_min = (int32_t)dtype_min(odt);
	p->act_max = (int32_t)dtype_max(odt);
	run_stream(&s, name);

	/* exact real results (double) for the tie proof, straight from NCHW */
	double *exact = NULL;
	if (qlinear) {
		exact = calloc((size_t)nd.out.n, sizeof(double));
		for (int64_t n = 0; n < N; n++)
			for (int64_t mo = 0; mo < Mo; mo++)
				for (int64_t oy = 0; oy < OH; oy++)
					for (int64_t ox = 0; ox < OW; ox++) {
						int64_t acc = has_bias ? nd.in[8].v[mo] : 0;
						int64_t g = mo / (Mo / G);
						for (int64_t c = 0; c < Cg; c++)
							for (int64_t ky = 0; ky < KH; ky++)
								for (int64_t kx = 0; kx < KW; kx++) {
									int64_t iy = oy * nd.strides[0] - nd.pads[0] + ky * nd.dilations[0];
									int64_t ix = ox * nd.strides[1] - nd.pads[1] + kx * nd.dilations[1];
									if (iy < 0 || iy >= H || ix < 0 || ix >= W)
										continue;
									acc += (x->v[((n * C + g * Cg + c) * H + iy) * W + ix] - xzp) *
									       (w->v[((mo * Cg + c) * KH + ky) * KW + kx] - wzp);
								}
						exact[((n * Mo + mo) * OH + oy) * OW + ox] =
							(double)acc * real[nrq == 1 ? 0 : mo] + yzp;
					}
	}
	return node_done(name, &nd, out_va, odt, exact, ties);
}

/* MatMulInteger / QLinearMatMul */
static unsigned matmul_node(const char *name, uint8_t rounding, unsigned *ties)
{
	struct node nd;
	load_node(name, &nd);
	int qlinear = !strcmp(nd.op, "QLinearMatMul");
	assert_true(qlinear || !strcmp(nd.op, "MatMulInteger"));
	struct ten *A = &nd.in[0], *B = qlinear ? &nd.in[3] : &nd.in[1];
	int32_t azp = 0, bzp = 0, yzp = 0;
	if (qlinear) {
		azp = (int32_t)nd.in[2].v[0];
		bzp = (int32_t)nd.in[5].v[0];
		yzp = (int32_t)nd.in[7].v[0];
		assert_int_equal(nd.in[5].n, 1);
	} else {
		if (nd.ninputs > 2)
			azp = (int32_t)nd.in[2].v[0];
		if (nd.ninputs > 3)
			bzp = (int32_t)nd.in[3].v[0];
	}
	/* right-align to 4-D; batch dims of size 1 broadcast with stride 0 */
	uint32_t ad[4] = { 1, 1, 1, 1 }, bd[4] = { 1, 1, 1, 1 }, od[4];
	for (int i = 0; i < A->ndims; i++)
		ad[4 - A->ndims + i] = (uint32_t)A->dims[i];
	for (int i = 0; i < B->ndims; i++)
		bd[4 - B->ndims + i] = (uint32_t)B->dims[i];
	uint32_t as[4] = { ad[1] * ad[2] * ad[3], ad[2] * ad[3], ad[3], 1 };
	uint32_t bs[4] = { bd[1] * bd[2] * bd[3], bd[2] * bd[3], bd[3], 1 };
	for (int k = 0; k < 2; k++) {
		od[k] = ad[k] > bd[k] ? ad[k] : bd[k];
		if (ad[k] == 1) {
			as[k] = 0;
			ad[k] = od[k];
		}
		if (bd[k] == 1) {
			bs[k] = 0;
			bd[k] = od[k];
		}
	}
	od[2] = ad[2];
	od[3] = bd[3];
	uint32_t K = ad[3];
	assert_int_equal(bd[2], K);
	mem_reset();
	uint8_t adt = isa_dtype(A->dtype), bdt = isa_dtype(B->dtype), odt = isa_dtype(nd.out.dtype);
	struct sb s;
	sb_init(&s);
	struct axon_isa_matmul *p = SB_PUT(&s, AXON_OP_MATMUL, struct axon_isa_matmul, AXON_ISA_F_NO_BIAS);
	p->a = tens_s(0, place(A, adt), adt, azp, ad, as);
	p->b = tens_s(0, place(B, bdt), bdt, bzp, bd, bs);
	p->bias = tens(0, 0, AXON_ISA_INT32, 0, 1, 1, 1, od[3]);
	uint64_t out_va = va_alloc((uint64_t)nd.out.n * dtype_size(odt), TMEM_R_READ | TMEM_R_WRITE);
	p->out = tens(0, out_va, odt, yzp, od[0], od[1], od[2], od[3]);
	double real = 1.0;
	if (qlinear) {
		real = nd.in[1].f[0] * nd.in[4].f[0] / nd.in[6].f[0];
		p->rq = scales(&real, 1, rounding);
	} else {
		p->rq = identity_rq();
	}
	p->act_min = (int32_t)dtype_min(odt);
	p->act_max = (int32_t)dtype_max(odt);
	run_stream(&s, name);
	double *exact = NULL;
	if (qlinear) {
		exact = calloc((size_t)nd.out.n, sizeof(double));
		for (uint32_t b0 = 0; b0 < od[0]; b0++)
			for (uint32_t b1 = 0; b1 < od[1]; b1++)
				for (uint32_t m = 0; m < od[2]; m++)
					for (uint32_t n = 0; n < od[3]; n++) {
						int64_t acc = 0;
						for (uint32_t k = 0; k < K; k++)
							acc += (A->v[b0 * as[0] + b1 * as[1] + m * as[2] + k] - azp) *
							       (B->v[b0 * bs[0] + b1 * bs[1] + k * bs[2] + n] - bzp);
						exact[((b0 * od[1] + b1) * od[2] + m) * od[3] + n] = (double)acc * real + yzp;
					}
	}
	return node_done(name, &nd, out_va, odt, exact, ties);
}

struct nodecase {
	const char *name;
	int conv;
	int qlinear;
};

static const struct nodecase CASES[] = {
	{ "test_basic_convinteger", 1, 0 },
	{ "test_convinteger_with_padding", 1, 0 },
	{ "test_convinteger_without_padding", 1, 0 },
	{ "test_matmulinteger", 0, 0 },
	{ "test_qlinearconv", 1, 1 },
	{ "test_qlinearmatmul_2D", 0, 1 },
	{ "test_qlinearmatmul_3D", 0, 1 },
};

static void t_node(void **state)
{
	const struct nodecase *c = *state;
	unsigned total_bad = 0;
	for (uint8_t r = 0; r < (c->qlinear ? 2 : 1); r++) {
		unsigned ties = 0;
		unsigned bad = c->conv ? conv_node(c->name, r, &ties) : matmul_node(c->name, r, &ties);
		const char *mode = !c->qlinear ? "" : r ? " (double rounding)" : " (single rounding)";
		if (bad)
			print_message("node %s%s: FAIL, %u element(s) differ\n", c->name, mode, bad);
		else if (ties)
			print_message("node %s%s: PASS, %u element(s) differ by 1 on proven float ties\n",
				      c->name, mode, ties);
		else
			print_message("node %s%s: PASS (bit-exact)\n", c->name, mode);
		/* single rounding (the ONNX path) must be exact up to ties; double is reported */
		if (r == AXON_ISA_ROUND_SINGLE)
			total_bad += bad;
	}
	assert_int_equal(total_bad, 0);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(CASES) / sizeof(CASES[0])];
	for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
		struct CMUnitTest t = { CASES[i].name, t_node, NULL, NULL, (void *)&CASES[i] };
		tests[i] = t;
	}
	int r = _cmocka_run_group_tests("ONNX quantized node tests", tests,
					sizeof(CASES) / sizeof(CASES[0]), NULL, NULL);
	mem_reset();
	tmem_free(&M);
	return r;
}
