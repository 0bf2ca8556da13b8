// SPDX-License-Identifier: MIT
/*
 * axonc: lowering of QOperator nodes (QLinearConv, QLinearMatMul,
 * ConvInteger, MatMulInteger, and com.microsoft QLinearAdd, QLinearMul,
 * QLinearGlobalAveragePool, QLinearSigmoid, QLinearLeakyRelu).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qir.h"

#define G (q->g)

static int is(const struct node *n, const char *op)
{
	return !strcmp(n->op, op);
}

static int scal(struct qgraph *q, const struct node *n, int k, double *v)
{
	struct value *c = nin(G, n, k);
	int64_t i;

	if (!c) {
		*v = 0;
		return 0;
	}
	if (!c->is_const || c->nelem < 1)
		goto bad;
	for (i = 1; i < c->nelem; i++)
		if (value_get_f(c, i) != value_get_f(c, 0))
			goto bad;
	*v = value_get_f(c, 0);
	return 0;
bad:
	axc_error(G, n, "input %d must be a per-tensor constant", k);
	return -1;
}

/* quantized input k with scale/zp inputs ks, kz */
static int qin(struct qgraph *q, const struct node *n, int k, int ks, int kz)
{
	double s = 1, z = 0;
	int x = n->in[k] >= 0 ? lw_get_q(q, n->in[k]) : -1;
	int nv;
	struct qval *v;

	if (x < 0) {
		axc_error(G, n, "input %d is not a quantized tensor", k);
		return -1;
	}
	if (ks >= 0 && scal(q, n, ks, &s))
		return -1;
	if (kz >= 0 && scal(q, n, kz, &z))
		return -1;
	if (ks < 0)
		s = 1;
	v = &q->v[x];
	if (q->b[v->buf].kind == QB_INPUT && v->scale == 1.0 && v->zp == 0) {
		v->scale = s;
		v->zp = (int32_t)z;
	}
	if ((float)v->scale == (float)s && v->zp == (int32_t)z)
		return x;
	nv = qg_val(q, v->name, v->dtype, s, (int32_t)z, v->rank, v->dims, v->buf, v->offset, v->strides);
	q->v[nv].producer = q->v[x].producer;
	return nv;
}

static int wparams(struct qgraph *q, const struct node *n, int kw, int ks, int kz, int64_t nch,
		   double **sc, int32_t *zp)
{
	struct value *s = ks >= 0 ? nin(G, n, ks) : NULL, *z = kz >= 0 ? nin(G, n, kz) : NULL;
	int64_t i;

	(void)kw;
	*sc = xcalloc((size_t)nch + 1, sizeof(double));
	*zp = 0;
	for (i = 0; i < nch; i++)
		(*sc)[i] = 1.0;
	if (s) {
		if (!s->is_const || (s->nelem != 1 && s->nelem != nch)) {
			axc_error(G, n, "weight scale must be per tensor or per output channel");
			goto fail;
		}
		for (i = 0; i < nch; i++)
			(*sc)[i] = (float)value_get_f(s, s->nelem == 1 ? 0 : i);
	}
	if (z) {
		if (!z->is_const) {
			axc_error(G, n, "weight zero point must be constant");
			goto fail;
		}
		*zp = (int32_t)value_get_i(z, 0);
		for (i = 1; i < z->nelem; i++)
			if (value_get_i(z, i) != *zp) {
				axc_error(G, n, "per-channel weight zero points must be equal");
				goto fail;
			}
	}
	return 0;
fail:
	free(*sc);	/* callers only free it on success */
	*sc = NULL;
	return -1;
}

static int32_t *bias32(struct qgraph *q, const struct node *n, int k, int64_t nch)
{
	struct value *b = nin(G, n, k);
	int32_t *r = xcalloc((size_t)nch + 1, sizeof(int32_t));
	int64_t i;

	if (!b)
		return r;
	if (!b->is_const || (b->nelem != nch && b->nelem != 1)) {
		axc_error(G, n, "bias must be a constant int32 vector");
		free(r);
		return NULL;
	}
	for (i = 0; i < nch; i++)
		r[i] = (int32_t)value_get_i(b, b->nelem == 1 ? 0 : i);
	return r;
}

static int lower_qop_node1(struct qgraph *q, int ni);

static int conv_like(struct qgraph *q, struct node *n, int integer)
{
	int x, wk = integer ? 1 : 3, out;
	struct value *w = nin(G, n, wk), *o = nout(G, n, 0);
	double *sc, so = 1, zo = 0;
	int32_t wzp, *b;

	if (!w || !w->is_const || w->rank != 4 || (w->dtype != DT_S8 && w->dtype != DT_U8)) {
		axc_error(G, n, "weights must be a constant int8/uint8 4-D tensor");
		return -1;
	}
	x = integer ? qin(q, n, 0, -1, 2) : qin(q, n, 0, 1, 2);
	if (x < 0)
		return -1;
	if (integer ? wparams(q, n, 1, -1, 3, w->dims[0], &sc, &wzp) :
	    wparams(q, n, 3, 4, 5, w->dims[0], &sc, &wzp))
		return -1;
	if (!integer && (scal(q, n, 6, &so) || scal(q, n, 7, &zo))) {
		free(sc);
		return -1;
	}
	b = integer ? xcalloc((size_t)w->dims[0] + 1, sizeof(int32_t)) : bias32(q, n, 8, w->dims[0]);
	if (!b) {
		free(sc);
		return -1;
	}
	out = lw_conv(q, n, x, n->in[wk], sc, wzp, b, so, (int32_t)zo, isa_dtype_of(o->dtype), integer);
	free(sc);
	free(b);
	if (out < 0)
		return -1;
	q->qv_of[n->out[0]] = out;
	return 1;
}

static int matmul_like(struct qgraph *q, struct node *n, int integer)
{
	int bk = integer ? 1 : 3, a, out;
	struct value *bw = nin(G, n, bk), *o = nout(G, n, 0);
	double so = 1, zo = 0, *sc = NULL;
	int32_t wzp = 0, *b;
	int64_t K, N;

	a = integer ? qin(q, n, 0, -1, 2) : qin(q, n, 0, 1, 2);
	if (a < 0 || !bw)
		return -1;
	if (!integer && (scal(q, n, 6, &so) || scal(q, n, 7, &zo)))
		return -1;
	K = bw->dims[bw->rank - 2 >= 0 ? bw->rank - 2 : 0];
	N = bw->dims[bw->rank - 1];
	b = xcalloc((size_t)N + 1, sizeof(int32_t));
	if (bw->is_const && bw->rank == 2) {
		int8_t *kn = xmalloc((size_t)(K * N) + 1);
		int64_t i;

		if (integer ? wparams(q, n, 1, -1, 3, N, &sc, &wzp) : wparams(q, n, 3, 4, 5, N, &sc, &wzp)) {
			free(kn);
			free(b);
			free(sc);
			return -1;
		}
		for (i = 0; i < K * N; i++)
			kn[i] = (int8_t)value_get_i(bw, i);
		out = lw_matmul(q, n, a, -1, 1, kn, isa_dtype_of(bw->dtype), K, N, sc, wzp, b, so,
				(int32_t)zo, isa_dtype_of(o->dtype), integer);
		free(kn);
		free(sc);
	} else {
		int bq = integer ? qin(q, n, 1, -1, 3) : qin(q, n, 3, 4, 5);

		if (bq < 0) {
			free(b);
			return -1;
		}
		out = lw_matmul(q, n, a, bq, 0, NULL, 0, K, N, NULL, 0, b, so, (int32_t)zo,
				isa_dtype_of(o->dtype), integer);
	}
	free(b);
	if (out < 0)
		return -1;
	q->qv_of[n->out[0]] = out;
	return 1;
}

int lower_qop_node(struct qgraph *q, int ni)
{
	int r;

	q->f32_scales = 1;
	r = lower_qop_node1(q, ni);
	q->f32_scales = 0;
	return r;
}

static int lower_qop_node1(struct qgraph *q, int ni)
{
	struct node *n = &G->n[ni];
	struct value *o = nout(G, n, 0);
	double so = 1, zo = 0;
	int out = -1;

	if (is(n, "QLinearConv"))
		return conv_like(q, n, 0);
	if (is(n, "ConvInteger"))
		return conv_like(q, n, 1);
	if (is(n, "QLinearMatMul"))
		return matmul_like(q, n, 0);
	if (is(n, "MatMulInteger"))
		return matmul_like(q, n, 1);
	if (is(n, "QLinearAdd") || is(n, "QLinearMul")) {
		int a = qin(q, n, 0, 1, 2), b = qin(q, n, 3, 4, 5);

		if (a < 0 || b < 0 || scal(q, n, 6, &so) || scal(q, n, 7, &zo))
			return -1;
		out = lw_elt(q, n, is(n, "QLinearAdd") ? AXON_ISA_ELT_ADD : AXON_ISA_ELT_MUL, a, b, so,
			     (int32_t)zo, isa_dtype_of(o->dtype));
	} else if (is(n, "QLinearGlobalAveragePool")) {
		int x = qin(q, n, 0, 1, 2);

		if (x < 0 || scal(q, n, 3, &so) || scal(q, n, 4, &zo))
			return -1;
		out = lw_gap(q, n, x, so, (int32_t)zo, isa_dtype_of(o->dtype));
	} else if (is(n, "QLinearSigmoid") || is(n, "QLinearLeakyRelu")) {
		int x = qin(q, n, 0, 1, 2), i;
		int32_t t[256];
		double alpha = attr_f(n, "alpha", 0.01);

		if (x < 0 || scal(q, n, 3, &so) || scal(q, n, 4, &zo))
			return -1;
		for (i = 0; i < 256; i++) {
			int32_t xq = q->v[x].dtype == AXON_ISA_INT8 ? i - 128 : i;
			float f = dequantize_f32(xq, (float)q->v[x].scale, q->v[x].zp);

			f = is(n, "QLinearSigmoid") ? 1.0f / (1.0f + expf(-f)) : (f >= 0 ? f : f * (float)alpha);
			t[i] = quantize_f32(f, (float)so, (int32_t)zo, isa_dtype_of(o->dtype));
		}
		out = lw_lut_from_fn(q, n, x, t, so, (int32_t)zo, isa_dtype_of(o->dtype));
	} else if (is(n, "DynamicQuantizeLinear")) {
		return lw_host_dynq(q, ni) ? -1 : 1;
	} else {
		/* float ops are lowered when a QuantizeLinear consumes them */
		return 0;
	}
	if (out < 0)
		return -1;
	q->qv_of[n->out[0]] = out;
	return 1;
}
