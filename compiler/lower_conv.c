// SPDX-License-Identifier: MIT
/*
 * axonc QDQ lowering: Conv -> CONV2D, BatchNormalization -> depthwise 1x1
 * CONV2D.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower_qdq.h"

int lw_conv(struct qgraph *q, const struct node *n, int x, int wv, const double *wsc,
	    int32_t wzp, const int32_t *bacc, double so, int32_t zo, int odt, int out_i32)
{
	const struct qval *xv = &q->v[x];
	const struct value *w = G->v[wv];
	int64_t co = w->dims[0], ci = w->dims[1], kh = w->dims[2], kw = w->dims[3];
	int64_t st[2] = { 1, 1 }, dl[2] = { 1, 1 }, pd[4] = { 0, 0, 0, 0 };
	int64_t od[4], i, a, b2, c;
	const char *ap = attr_s(n, "auto_pad", "NOTSET");
	int wdt = isa_dtype_of(w->dtype), wq, bq, out, o;
	uint8_t *pk;
	int64_t wd[4] = { co, kh, kw, ci };
	int64_t bd[4] = { 1, 1, 1, co };

	attr_ints(n, "strides", st, 2);
	attr_ints(n, "dilations", dl, 2);
	attr_ints(n, "pads", pd, 4);
	if (strcmp(ap, "NOTSET") && strcmp(ap, "VALID"))
		for (i = 0; i < 2; i++) {
			int64_t in = xv->dims[2 + i], outd = (in + st[i] - 1) / st[i];
			int64_t tot = (outd - 1) * st[i] + dl[i] * (w->dims[2 + i] - 1) + 1 - in;

			if (tot < 0)
				tot = 0;
			pd[i] = !strcmp(ap, "SAME_UPPER") ? tot / 2 : tot - tot / 2;
			pd[i + 2] = tot - pd[i];
		}
	if (!wdt || esize(wdt) != 1) {
		axc_error(G, n, "weights must be int8/uint8");
		return -1;
	}
	pk = xmalloc((size_t)(co * ci * kh * kw) + 1);
	for (i = 0; i < co; i++)
		for (a = 0; a < kh; a++)
			for (b2 = 0; b2 < kw; b2++)
				for (c = 0; c < ci; c++)
					pk[((i * kh + a) * kw + b2) * ci + c] =
						(uint8_t)value_get_i(w, ((i * ci + c) * kh + a) * kw + b2);
	wq = qg_const(q, w->name, wdt, 1.0, wzp, 4, wd, pk);
	free(pk);
	bq = qg_const(q, "bias", AXON_ISA_INT32, 1.0, 0, 4, bd, bacc);
	xv = &q->v[x];		/* qg_const may have moved q->v */
	od[0] = xv->dims[0];
	od[1] = co;
	for (i = 0; i < 2; i++)
		od[2 + i] = (xv->dims[2 + i] + pd[i] + pd[i + 2] - dl[i] * (w->dims[2 + i] - 1) - 1) / st[i] + 1;
	out = out_act(q, n->name, out_i32 ? AXON_ISA_INT32 : odt, out_i32 ? 1.0 : so,
		      out_i32 ? 0 : zo, 4, od, 1);
	o = new_op(q, Q_CONV, n, NULL, out);
	q->o[o].in[0] = x;
	q->o[o].in[1] = wq;
	q->o[o].in[2] = bq;
	acc_rq(q, o, q->v[x].scale, wsc, 0, co, so, out_i32);
	for (i = 0; i < 2; i++) {
		q->o[o].stride[i] = (int)st[i];
		q->o[o].dil[i] = (int)dl[i];
	}
	for (i = 0; i < 4; i++)	/* ONNX pads: top, left, bottom, right */
		q->o[o].pad[i] = (int)pd[i];
	q->o[o].groups = (int)attr_i(n, "group", 1);
	q->o[o].macs = (uint64_t)(od[0] * od[2] * od[3] * co * kh * kw * ci);
	return out;
}

/* BatchNormalization on a quantized tensor: a depthwise 1x1 convolution
 * with weight 127 and a per-channel scale that carries gamma/sqrt(var+eps) */
int lw_batchnorm(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt)
{
	const struct qval *xv = &q->v[x];
	int64_t c = xv->rank >= 2 ? xv->dims[1] : 0, i;
	double *p[4], *sw;
	int32_t *bacc;
	struct value *w;
	int64_t wd[4] = { c, 1, 1, 1 };
	int wvi, out, k;
	struct node fake;

	if (xv->rank != 4) {
		axc_error(G, n, "BatchNormalization needs a 4-D input");
		return -1;
	}
	for (k = 0; k < 4; k++) {
		p[k] = xcalloc((size_t)c, sizeof(double));
		if (const_floats(q, n->in[k + 1], c, p[k])) {
			axc_error(G, n, "parameters must be constants");
			for (; k >= 0; k--)
				free(p[k]);
			return -1;
		}
	}
	sw = xcalloc((size_t)c, sizeof(double));
	bacc = xcalloc((size_t)c, sizeof(int32_t));
	w = value_new_const("bn_w", DT_S8, 4, wd);
	for (i = 0; i < c; i++) {
		double a = p[0][i] / sqrt(p[3][i] + attr_f(n, "epsilon", 1e-5));
		double bb = p[1][i] - p[2][i] * a;

		((int8_t *)w->data)[i] = a >= 0 ? 127 : -127;
		sw[i] = fabs(a) / 127.0;
		if (sw[i] == 0)
			sw[i] = 1e-12;
		bacc[i] = (int32_t)nearbyint(bb / (xv->scale * sw[i]));
	}
	wvi = graph_value(G, xasprintf("%s_bn_weight", n->name));
	value_free(G->v[wvi]);
	G->v[wvi] = w;
	fake = *n;
	fake.nattr = 0;
	{
		struct attr ga = { .name = "group", .type = AT_I, .i = c };

		fake.attr = &ga;
		fake.nattr = 1;
		out = lw_conv(q, &fake, x, wvi, sw, 0, bacc, so, zo, odt, 0);
	}
	for (k = 0; k < 4; k++)
		free(p[k]);
	free(sw);
	free(bacc);
	return out;
}
