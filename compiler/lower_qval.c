// SPDX-License-Identifier: MIT
/*
 * axonc QDQ lowering: ONNX quantized values -> qvals (graph inputs,
 * constants, the quantized source of a DequantizeLinear) and new ops.
 */
#include <stdlib.h>
#include <string.h>

#include "lower_qdq.h"

int uniform_const(const struct value *v, double *val)
{
	int64_t i;

	if (!v || !v->is_const || v->nelem < 1)
		return 0;
	for (i = 1; i < v->nelem; i++)
		if (value_get_f(v, i) != value_get_f(v, 0))
			return 0;
	*val = value_get_f(v, 0);
	return 1;
}

/* per-tensor (scale, zp, dtype) of a Q or DQ node */
int qdq_params(struct qgraph *q, const struct node *n, double *scale, int32_t *zp, int *dt)
{
	struct value *s = nin(G, n, 1), *z = nin(G, n, 2);
	double sv, zv = 0;

	if (!s || !uniform_const(s, &sv) || !(sv > 0)) {
		axc_error(G, n, "scale must be a positive per-tensor constant");
		return -1;
	}
	if (z && !uniform_const(z, &zv)) {
		axc_error(G, n, "zero point must be a per-tensor constant");
		return -1;
	}
	*scale = (float)sv;
	*zp = (int32_t)zv;
	if (is(n, "QuantizeLinear"))
		*dt = isa_dtype_of(z ? z->dtype : DT_U8);
	else
		*dt = isa_dtype_of(nin(G, n, 0)->dtype);
	if (!*dt || *dt == AXON_ISA_INT32) {
		if (is(n, "DequantizeLinear") && *dt == AXON_ISA_INT32)
			return 0;
		axc_error(G, n, "only int8/uint8 quantization is supported");
		return -1;
	}
	return 0;
}

/* ONNX quantized value -> qval */
int lw_get_q(struct qgraph *q, int vi)
{
	struct value *v = G->v[vi];

	if (q->qv_of[vi] >= 0)
		return q->qv_of[vi];
	if (v->is_input && isa_dtype_of(v->dtype)) {
		int dt = isa_dtype_of(v->dtype), qv;

		if (q->nin >= 16)
			return -1;
		qv = qg_input(q, vi, dt, 1.0, 0, dt, esize(dt));
		q->v[qv].onnx = vi;
		return q->qv_of[vi] = qv;
	}
	if (v->is_const && isa_dtype_of(v->dtype)) {
		int dt = isa_dtype_of(v->dtype), qv;
		int64_t i;
		uint8_t *tmp = xcalloc((size_t)v->nelem + 1, (size_t)esize(dt));

		for (i = 0; i < v->nelem; i++) {
			int64_t x = value_get_i(v, i);

			if (esize(dt) == 1)
				tmp[i] = (uint8_t)x;
			else if (esize(dt) == 2)
				((int16_t *)tmp)[i] = (int16_t)x;
			else
				((int32_t *)tmp)[i] = (int32_t)x;
		}
		qv = qg_const(q, v->name, dt, 1.0, 0, v->rank, v->dims, tmp);
		free(tmp);
		q->v[qv].onnx = vi;
		return q->qv_of[vi] = qv;
	}
	return -1;
}

/* a view of qval x with other quantization parameters */
static int reparam(struct qgraph *q, int x, double scale, int32_t zp)
{
	struct qval *v = &q->v[x];
	int nv;

	if ((float)v->scale == (float)scale && v->zp == zp)
		return x;
	nv = qg_val(q, v->name, v->dtype, scale, zp, v->rank, v->dims, v->buf, v->offset, v->strides);
	q->v[nv].producer = q->v[x].producer;
	return nv;
}

/* float value produced by DequantizeLinear -> its quantized qval (with the
 * DQ's own parameters); -1 if not a per-tensor DQ of an integer tensor. */
int float_src(struct qgraph *q, int vi, const struct node **dqn)
{
	const struct node *p = prod(q, vi);
	double s;
	int32_t zp;
	int dt, x;

	if (!p || !is(p, "DequantizeLinear"))
		return -1;
	if (dqn)
		*dqn = p;
	if (qdq_params(q, p, &s, &zp, &dt))
		return -2;
	x = lw_get_q(q, p->in[0]);
	if (x < 0)
		return -1;
	if (q->b[q->v[x].buf].kind == QB_INPUT && q->v[x].scale == 1.0 && q->v[x].zp == 0) {
		q->v[x].scale = s;	/* integer graph input: params from its DQ */
		q->v[x].zp = zp;
	}
	return reparam(q, x, s, zp);
}

int new_op(struct qgraph *q, int kind, const struct node *n, const struct node *extra, int out)
{
	char *nm = names2(n, extra);
	int o = qg_op(q, kind, nm, n->op);

	free(nm);
	q->o[o].out = out;
	q->v[out].producer = o;
	q->o[o].act_min = qtype_min(q->v[out].dtype);
	q->o[o].act_max = qtype_max(q->v[out].dtype);
	return o;
}

int rq_table(struct qgraph *q, const char *name, const struct rq *r, int count)
{
	int b = qg_buf(q, QB_CONST, name, (uint64_t)count * 8);

	q->b[b].data = xcalloc((size_t)count, 8);
	memcpy(q->b[b].data, r, (size_t)count * 8);
	return b;
}

/* op o's table of n requantizations of its int32 accumulator (input scale
 * xs times weight scale wsc[i], or ws for all if wsc is NULL) to the output
 * scale so; identities if the output stays int32 (out_i32) */
void acc_rq(struct qgraph *q, int o, double xs, const double *wsc, double ws, int64_t n,
	    double so, int out_i32)
{
	struct rq *r = xcalloc((size_t)n, sizeof(*r));
	int64_t i;

	for (i = 0; i < n; i++)
		r[i] = out_i32 ? (struct rq){ 1 << 30, 30 } :
			q->f32_scales ?
			quantize_multiplier_f32((float)scale_ratio_f32(xs, wsc ? wsc[i] : ws, so)) :
			quantize_multiplier(xs * (wsc ? wsc[i] : ws) / so);
	if (q->f32_scales && !out_i32)	/* ORT's float32 requantization, see quant.c */
		q->o[o].rounding = AXON_ISA_ROUND_F32;
	q->o[o].aux = rq_table(q, "rq", r, (int)n);
	q->o[o].aux_count = (int)n;
	free(r);
}
