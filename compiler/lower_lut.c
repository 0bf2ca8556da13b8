// SPDX-License-Identifier: MIT
/*
 * axonc QDQ lowering: float islands -> LUT. A float value that depends
 * elementwise on a single quantized tensor is evaluated for all 256 inputs
 * (inner quantizations simulated as ONNX Runtime performs them).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower_qdq.h"

int lw_lut_from_fn(struct qgraph *q, const struct node *n, int x, const int32_t *table,
		   double so, int32_t zo, int odt)
{
	const struct qval *xv = &q->v[x];
	uint8_t t[256];
	int out, o, i, b;

	for (i = 0; i < 256; i++)
		t[i] = (uint8_t)table[i];
	out = out_act(q, n->name, odt, so, zo, xv->rank, xv->dims, like_nhwc(xv));
	o = new_op(q, Q_LUT, n, NULL, out);
	q->o[o].in[0] = x;
	b = qg_buf(q, QB_CONST, "lut", 256);
	q->b[b].data = xmalloc(256);
	memcpy(q->b[b].data, t, 256);
	q->o[o].aux = b;
	q->o[o].macs = (uint64_t)qv_nelem(xv);
	return out;
}

#define UMAX_DEPTH 64

int elementwise(const struct node *n)
{
	static const char *const ops[] = { "Relu", "Clip", "Sigmoid", "Tanh", "Erf", "Sqrt",
		"Exp", "Neg", "Abs", "HardSigmoid", "HardSwish", "LeakyRelu", "Add", "Sub",
		"Mul", "Div", "Pow", "Min", "Max", "Identity", "Reciprocal", "Softplus", "Elu",
		"Gelu", "Log", "Floor", "Ceil", "Round", "Cast", NULL };
	int i;

	for (i = 0; ops[i]; i++)
		if (is(n, ops[i]))
			return 1;
	return 0;
}

static int merge_src(int *src, int s)
{
	if (*src < 0 || *src == s) {
		*src = s;
		return 0;
	}
	return -1;
}

/* the float value vi depends elementwise on one quantized ONNX value *src */
static int u_find(struct qgraph *q, int vi, int *src, int depth)
{
	struct value *v = G->v[vi];
	const struct node *p;
	double c;
	int k;

	if (depth > UMAX_DEPTH)
		return -1;
	if (v->is_const)
		return uniform_const(v, &c) ? 0 : -1;
	p = prod(q, vi);
	if (!p)
		return -1;
	if (is(p, "DequantizeLinear")) {
		int qv = p->in[0];
		const struct node *qp;
		double s;
		int32_t z;
		int dt;

		if (G->v[qv]->is_const)
			return uniform_const(G->v[qv], &c) ? 0 : -1;
		if (qdq_params(q, p, &s, &z, &dt))
			return -1;
		qp = prod(q, qv);
		if (qp && is(qp, "Cast") && G->v[qv]->nuses == 1)
			qp = prod(q, qp->in[0]);
		if (qp && is(qp, "QuantizeLinear") && G->v[qp->out[0]]->nuses == 1 && v->nuses == 1 &&
		    !G->v[qp->in[0]]->is_input) {
			int s2 = *src;
			const struct node *fp = prod(q, qp->in[0]);

			if (fp && elementwise(fp) && !u_find(q, qp->in[0], &s2, depth + 1) && s2 >= 0 &&
			    G->v[s2]->rank == G->v[qv]->rank && s2 != qv) {
				*src = s2;
				return 0;
			}
		}
		return merge_src(src, qv);
	}
	if (!elementwise(p))
		return -1;
	if (is(p, "Cast") && p->nout && G->v[p->out[0]]->dtype != DT_F32)
		return -1;
	if (is(p, "Clip")) {
		for (k = 1; k < p->nin; k++)
			if (p->in[k] >= 0 && !uniform_const(G->v[p->in[k]], &c))
				return -1;
		return u_find(q, p->in[0], src, depth + 1);
	}
	for (k = 0; k < p->nin; k++)
		if (p->in[k] >= 0 && u_find(q, p->in[k], src, depth + 1))
			return -1;
	return 0;
}

static float u_eval(struct qgraph *q, int vi, int src, int32_t xq, int depth)
{
	struct value *v = G->v[vi];
	const struct node *p;
	float a, b = 0;
	double c;

	if (depth > UMAX_DEPTH + 2)
		return 0;
	if (v->is_const) {
		uniform_const(v, &c);
		return (float)c;
	}
	p = prod(q, vi);
	if (!p)
		return 0;
	if (is(p, "DequantizeLinear")) {
		int qv = p->in[0];
		double s;
		int32_t z;
		int dt;
		const struct node *qp;
		int32_t iq;

		qdq_params(q, p, &s, &z, &dt);
		if (G->v[qv]->is_const) {
			uniform_const(G->v[qv], &c);
			return dequantize_f32((int32_t)c, (float)s, z);
		}
		if (qv == src)
			return dequantize_f32(xq, (float)s, z);
		qp = prod(q, qv);
		if (qp && is(qp, "Cast"))
			qp = prod(q, qp->in[0]);
		if (!qp || !is(qp, "QuantizeLinear"))
			return 0;
		{
			double qs;
			int32_t qz;
			int qdt;

			qdq_params(q, qp, &qs, &qz, &qdt);
			iq = quantize_f32(u_eval(q, qp->in[0], src, xq, depth + 1), (float)qs, qz, qdt);
		}
		return dequantize_f32(iq, (float)s, z);
	}
	a = u_eval(q, p->in[0], src, xq, depth + 1);
	if (p->nin > 1 && p->in[1] >= 0 && !is(p, "Clip"))
		b = u_eval(q, p->in[1], src, xq, depth + 1);
	if (is(p, "Relu")) return a > 0 ? a : 0;
	if (is(p, "Clip")) {
		float lo = -INFINITY, hi = INFINITY;

		if (p->nin > 1 && p->in[1] >= 0 && uniform_const(G->v[p->in[1]], &c))
			lo = (float)c;
		if (p->nin > 2 && p->in[2] >= 0 && uniform_const(G->v[p->in[2]], &c))
			hi = (float)c;
		if (G->opset < 11) {
			lo = (float)attr_f(p, "min", -INFINITY);
			hi = (float)attr_f(p, "max", INFINITY);
		}
		return a < lo ? lo : a > hi ? hi : a;
	}
	if (is(p, "Sigmoid")) return 1.0f / (1.0f + expf(-a));
	if (is(p, "Tanh")) return tanhf(a);
	if (is(p, "Erf")) return erff(a);
	if (is(p, "Sqrt")) return sqrtf(a);
	if (is(p, "Exp")) return expf(a);
	if (is(p, "Log")) return logf(a);
	if (is(p, "Neg")) return -a;
	if (is(p, "Abs")) return fabsf(a);
	if (is(p, "Floor")) return floorf(a);
	if (is(p, "Ceil")) return ceilf(a);
	if (is(p, "Round")) return nearbyintf(a);
	if (is(p, "Reciprocal")) return 1.0f / a;
	if (is(p, "Softplus")) return logf(1.0f + expf(a));
	if (is(p, "Identity") || is(p, "Cast")) return a;
	if (is(p, "HardSigmoid")) {
		float y = (float)attr_f(p, "alpha", 0.2) * a + (float)attr_f(p, "beta", 0.5);

		return y < 0 ? 0 : y > 1 ? 1 : y;
	}
	if (is(p, "HardSwish")) {
		float y = a / 6.0f + 0.5f;

		return a * (y < 0 ? 0 : y > 1 ? 1 : y);
	}
	if (is(p, "LeakyRelu")) return a >= 0 ? a : a * (float)attr_f(p, "alpha", 0.01);
	if (is(p, "Elu")) return a >= 0 ? a : (float)attr_f(p, "alpha", 1.0) * (expf(a) - 1);
	if (is(p, "Gelu")) {
		if (!strcmp(attr_s(p, "approximate", "none"), "tanh"))
			return 0.5f * a * (1 + tanhf(0.7978845608f * (a + 0.044715f * a * a * a)));
		return 0.5f * a * (1 + erff(a * 0.70710678f));
	}
	if (is(p, "Add")) return a + b;
	if (is(p, "Sub")) return a - b;
	if (is(p, "Mul")) return a * b;
	if (is(p, "Div")) return a / b;
	if (is(p, "Pow")) return b == 2.0f ? a * a : powf(a, b);
	if (is(p, "Min")) return a < b ? a : b;
	if (is(p, "Max")) return a > b ? a : b;
	return 0;
}

int try_lut(struct qgraph *q, const struct node *qn, int fv, double so, int32_t zo,
	    int odt, int *out)
{
	int src = -1, x, i;
	int32_t t[256];
	const struct node *p = prod(q, fv);

	if (!p || u_find(q, fv, &src, 0) || src < 0)
		return 0;
	if (G->v[src]->rank != G->v[fv]->rank ||
	    shape_nelem(G->v[src]->rank, G->v[src]->dims) != shape_nelem(G->v[fv]->rank, G->v[fv]->dims))
		return 0;
	x = lw_get_q(q, src);
	if (x < 0 || esize(q->v[x].dtype) != 1)
		return 0;
	for (i = 0; i < 256; i++) {
		int32_t xq = q->v[x].dtype == AXON_ISA_INT8 ? i - 128 : i;

		t[i] = quantize_f32(u_eval(q, fv, src, xq, 0), (float)so, zo, odt);
	}
	*out = lw_lut_from_fn(q, p, x, t, so, zo, odt);
	free(q->o[q->v[*out].producer].nodes);
	q->o[q->v[*out].producer].nodes = xasprintf("%s,%s", p->name, qn->name);
	return 1;
}
