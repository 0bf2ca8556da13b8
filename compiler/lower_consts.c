// SPDX-License-Identifier: MIT
/*
 * axonc QDQ lowering: constant operands - quantized weights (per tensor or
 * per output channel), biases in accumulator units, float parameter vectors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower_qdq.h"

int weight_params(struct qgraph *q, const struct node *n, int fv, int64_t nch,
		  int axis_expect, struct wq *wq)
{
	const struct node *dq = prod(q, fv);
	struct value *w, *s, *z;
	int64_t i;
	int axis;

	memset(wq, 0, sizeof(*wq));
	if (!dq || !is(dq, "DequantizeLinear")) {
		axc_error(G, n, "weights must be a DequantizeLinear of an integer constant");
		return -1;
	}
	w = nin(G, dq, 0);
	s = nin(G, dq, 1);
	z = nin(G, dq, 2);
	if (!w || !w->is_const || (w->dtype != DT_S8 && w->dtype != DT_U8)) {
		axc_error(G, n, "weights must be a constant int8/uint8 tensor");
		return -1;
	}
	if (!s || !s->is_const || (s->nelem != 1 && s->nelem != nch) || (z && !z->is_const)) {
		axc_error(G, n, "weight scale must be per tensor or per output channel");
		return -1;
	}
	axis = (int)attr_i(dq, "axis", 1);
	if (axis < 0)
		axis += w->rank;
	if (s->nelem > 1 && nch > 1 && axis != axis_expect) {
		axc_error(G, n, "per-channel weight scales must be along the output channels");
		return -1;
	}
	wq->w = w;
	wq->scale = xcalloc((size_t)nch + 1, sizeof(double));
	for (i = 0; i < nch; i++) {
		wq->scale[i] = (float)value_get_f(s, s->nelem == 1 ? 0 : i);
		if (!(wq->scale[i] > 0)) {
			axc_error(G, n, "weight scale must be positive");
			free(wq->scale);
			return -1;
		}
	}
	wq->zp = z ? (int32_t)value_get_i(z, 0) : 0;
	if (z)
		for (i = 1; i < z->nelem; i++)
			if (value_get_i(z, i) != wq->zp) {
				axc_error(G, n, "per-channel weight zero points must be equal");
				free(wq->scale);
				return -1;
			}
	return 0;
}

/* bias in accumulator units: DQ(int32) or float constant, optional */
int bias_acc(struct qgraph *q, const struct node *n, int bv, int64_t nch, double sx,
	     const double *sw, double mult, int32_t **out)
{
	int32_t *b = xcalloc((size_t)nch + 1, sizeof(int32_t));
	const struct node *dq;
	int64_t i;

	*out = b;
	if (bv < 0)
		return 0;
	dq = prod(q, bv);
	if (dq && is(dq, "DequantizeLinear")) {
		struct value *c = nin(G, dq, 0), *s = nin(G, dq, 1), *z = nin(G, dq, 2);

		if (!c || !c->is_const || !s || !s->is_const || (c->nelem != nch && c->nelem != 1) ||
		    (s->nelem != 1 && s->nelem != c->nelem) || (z && !z->is_const)) {
			axc_error(G, n, "bias must be a constant per-channel DequantizeLinear");
			return -1;
		}
		for (i = 0; i < nch; i++) {
			int64_t k = c->nelem == 1 ? 0 : i;
			double bs = value_get_f(s, s->nelem == 1 ? 0 : k);
			int64_t bz = z ? value_get_i(z, z->nelem == 1 ? 0 : k) : 0;
			double acc_s = sx * sw[i];
			int64_t bq = value_get_i(c, k) - bz;
			double r = fabs(bs * mult - acc_s) <= 1e-6 * acc_s ? (double)bq :
				(double)bq * bs * mult / acc_s;

			r = nearbyint(r);
			if (!(r <= INT32_MAX && r >= INT32_MIN)) {	/* NaN too */
				axc_error(G, n, "bias does not fit the int32 accumulator");
				return -1;
			}
			b[i] = (int32_t)r;
		}
		return 0;
	}
	{
		struct value *c = G->v[bv];

		if (!c->is_const || (c->nelem != nch && c->nelem != 1)) {
			axc_error(G, n, "bias must be constant");
			return -1;
		}
		for (i = 0; i < nch; i++) {
			double r = nearbyint(value_get_f(c, c->nelem == 1 ? 0 : i) * mult / (sx * sw[i]));

			if (r > INT32_MAX || r < INT32_MIN) {
				axc_error(G, n, "bias does not fit the int32 accumulator");
				return -1;
			}
			b[i] = (int32_t)r;
		}
	}
	return 0;
}

int const_floats(struct qgraph *q, int vi, int64_t nch, double *out)
{
	const struct node *dq = prod(q, vi);
	int64_t i;

	if (vi < 0)
		return -1;
	if (G->v[vi]->is_const) {
		struct value *c = G->v[vi];

		if (c->nelem != nch && c->nelem != 1)
			return -1;
		for (i = 0; i < nch; i++)
			out[i] = value_get_f(c, c->nelem == 1 ? 0 : i);
		return 0;
	}
	if (dq && is(dq, "DequantizeLinear")) {
		struct value *c = nin(G, dq, 0), *s = nin(G, dq, 1), *z = nin(G, dq, 2);

		if (!c || !c->is_const || !s || !s->is_const || (z && !z->is_const) ||
		    (c->nelem != nch && c->nelem != 1))
			return -1;
		for (i = 0; i < nch; i++) {
			int64_t k = c->nelem == 1 ? 0 : i;

			out[i] = (double)dequantize_f32((int32_t)value_get_i(c, k),
				(float)value_get_f(s, s->nelem == 1 ? 0 : k),
				z ? (int32_t)value_get_i(z, z->nelem == 1 ? 0 : k) : 0);
		}
		return 0;
	}
	return -1;
}
