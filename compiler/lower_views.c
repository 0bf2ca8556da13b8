// SPDX-License-Identifier: MIT
/*
 * axonc QDQ lowering: data movement - Reshape / Flatten / Squeeze /
 * Unsqueeze / Transpose / Split / Slice / Identity as strided views,
 * materialising copies (DMA) and RESCALE.
 */
#include <string.h>

#include "lower_qdq.h"

int lw_rescale(struct qgraph *q, const struct node *n, int x, int dst)
{
	int o = new_op(q, Q_RESCALE, n, NULL, dst);

	q->o[o].in[0] = x;
	if ((float)q->v[x].scale == (float)q->v[dst].scale)
		q->o[o].rq_out = (struct rq){ 1 << 30, 30 };
	else
		q->o[o].rq_out = quantize_multiplier(q->v[x].scale / q->v[dst].scale);
	q->o[o].macs = (uint64_t)qv_nelem(&q->v[dst]);
	return o;
}

/* materialise x into a fresh dense buffer (DMA), or with new params (RESCALE) */
int lw_copy(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt)
{
	const struct qval *xv = &q->v[x];
	int out = out_act(q, n->name, odt, so, zo, xv->rank, xv->dims, 0), o;

	if (q->v[x].dtype == odt && (float)q->v[x].scale == (float)so && q->v[x].zp == zo) {
		o = new_op(q, Q_COPY, n, NULL, out);
		q->o[o].in[0] = x;
	} else {
		lw_rescale(q, n, x, out);
	}
	return out;
}

int view_of(struct qgraph *q, const struct node *n, int x, int rank, const int64_t *dims,
	    const int64_t *strides, int64_t off)
{
	const struct qval *xv = &q->v[x];
	int nv = qg_val(q, n->name, xv->dtype, xv->scale, xv->zp, rank, dims, xv->buf,
			xv->offset + off, strides);

	q->v[nv].producer = xv->producer;
	return nv;
}

static int lw_reshape(struct qgraph *q, const struct node *n, int x, const struct value *o)
{
	int64_t st[MAX_RANK], s = 1;
	int i;

	if (!qv_is_dense(&q->v[x]))
		x = lw_copy(q, n, x, q->v[x].scale, q->v[x].zp, q->v[x].dtype);
	for (i = o->rank - 1; i >= 0; i--) {
		st[i] = s;
		s *= o->dims[i];
	}
	return view_of(q, n, x, o->rank, o->dims, st, 0);
}

int lw_viewop(struct qgraph *q, const struct node *n, int x, int outk)
{
	const struct qval *xv = &q->v[x];
	const struct value *o = G->v[n->out[outk]];
	int64_t dims[MAX_RANK], st[MAX_RANK], off = 0;
	int i;

	if (is(n, "Reshape") || is(n, "Flatten") || is(n, "Squeeze") || is(n, "Unsqueeze"))
		return lw_reshape(q, n, x, o);
	if (is(n, "Identity"))
		return x;
	if (is(n, "Transpose")) {
		int64_t perm[MAX_RANK];

		if (attr_ints(n, "perm", perm, MAX_RANK) < 0)
			for (i = 0; i < xv->rank; i++)
				perm[i] = xv->rank - 1 - i;
		for (i = 0; i < xv->rank; i++) {
			dims[i] = xv->dims[perm[i]];
			st[i] = xv->strides[perm[i]];
		}
		return view_of(q, n, x, xv->rank, dims, st, 0);
	}
	if (is(n, "Split")) {
		int ax = (int)attr_i(n, "axis", 0);
		int64_t start = 0;

		if (ax < 0)
			ax += xv->rank;
		for (i = 0; i < outk; i++)
			start += G->v[n->out[i]]->dims[ax];
		memcpy(dims, xv->dims, sizeof(dims));
		memcpy(st, xv->strides, sizeof(st));
		dims[ax] = o->dims[ax];
		return view_of(q, n, x, xv->rank, dims, st, start * xv->strides[ax]);
	}
	if (is(n, "Slice")) {
		struct value *stv = nin(G, n, 1), *ax = nin(G, n, 3), *sp = nin(G, n, 4);

		memcpy(dims, o->dims, sizeof(dims));
		memcpy(st, xv->strides, sizeof(st));
		for (i = 0; i < stv->nelem; i++) {
			int a = ax ? (int)value_get_i(ax, i) : i;
			int64_t s = value_get_i(stv, i), d, step = sp ? value_get_i(sp, i) : 1;

			if (a < 0)
				a += xv->rank;
			d = xv->dims[a];
			if (step <= 0)
				return -1;
			if (s < 0)
				s += d;
			s = s < 0 ? 0 : s > d ? d : s;
			off += s * xv->strides[a];
			st[a] = xv->strides[a] * step;
		}
		return view_of(q, n, x, xv->rank, dims, st, off);
	}
	return -1;
}

int is_view_op(const struct node *n)
{
	return is(n, "Reshape") || is(n, "Flatten") || is(n, "Squeeze") || is(n, "Unsqueeze") ||
	       is(n, "Transpose") || is(n, "Split") || is(n, "Slice") || is(n, "Identity");
}
