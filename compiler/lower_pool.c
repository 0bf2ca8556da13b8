// SPDX-License-Identifier: MIT
/*
 * axonc QDQ lowering: MaxPool / AveragePool / GlobalAveragePool -> POOL,
 * ReduceMean / ReduceSum / ReduceMax / ReduceMin -> REDUCE.
 */
#include <stdlib.h>
#include <string.h>

#include "lower_qdq.h"

int lw_gap(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt)
{
	const struct qval *xv = &q->v[x];
	int64_t d[4] = { xv->dims[0], xv->dims[1], 1, 1 };
	int out, o;

	if (xv->rank != 4) {
		axc_error(G, n, "global pooling needs a 4-D input");
		return -1;
	}
	out = out_act(q, n->name, odt, so, zo, 4, d, 1);
	o = new_op(q, Q_POOL, n, NULL, out);
	q->o[o].in[0] = x;
	q->o[o].pool_kind = AXON_ISA_POOL_AVG;
	q->o[o].kernel[0] = (int)xv->dims[2];
	q->o[o].kernel[1] = (int)xv->dims[3];
	q->o[o].rq_out = quantize_multiplier(xv->scale / ((double)(xv->dims[2] * xv->dims[3]) * so));
	q->o[o].aux = rq_table(q, "rq", &q->o[o].rq_out, 1);
	q->o[o].aux_count = 1;
	q->o[o].macs = (uint64_t)qv_nelem(xv);
	return out;
}

int lw_pool(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt)
{
	const struct qval *xv = &q->v[x];
	int64_t ks[2], st[2] = { 1, 1 }, pd[4] = { 0, 0, 0, 0 }, d[4], i;
	int out, o, avg = is(n, "AveragePool");
	const char *ap = attr_s(n, "auto_pad", "NOTSET");
	struct rq *r;
	int cnt;

	if (xv->rank != 4 || attr_ints(n, "kernel_shape", ks, 2) != 2) {
		axc_error(G, n, "only 2-D pooling is supported");
		return -1;
	}
	attr_ints(n, "strides", st, 2);
	attr_ints(n, "pads", pd, 4);
	if (attr_i(n, "ceil_mode", 0) || (strcmp(ap, "NOTSET") && strcmp(ap, "VALID"))) {
		axc_error(G, n, "ceil_mode / auto_pad pooling is not supported");
		return -1;
	}
	{
		int64_t dl[2] = { 1, 1 };

		attr_ints(n, "dilations", dl, 2);
		if (dl[0] != 1 || dl[1] != 1) {
			axc_error(G, n, "dilated pooling is not supported");
			return -1;
		}
	}
	d[0] = xv->dims[0];
	d[1] = xv->dims[1];
	for (i = 0; i < 2; i++)
		d[2 + i] = (xv->dims[2 + i] + pd[i] + pd[i + 2] - ks[i]) / st[i] + 1;
	out = out_act(q, n->name, odt, so, zo, 4, d, 1);
	o = new_op(q, Q_POOL, n, NULL, out);
	q->o[o].in[0] = x;
	q->o[o].pool_kind = avg ? AXON_ISA_POOL_AVG : AXON_ISA_POOL_MAX;
	for (i = 0; i < 2; i++) {
		q->o[o].kernel[i] = (int)ks[i];
		q->o[o].stride[i] = (int)st[i];
	}
	for (i = 0; i < 4; i++)
		q->o[o].pad[i] = (int)pd[i];
	cnt = avg ? (int)(ks[0] * ks[1]) : 1;
	r = xcalloc((size_t)cnt, sizeof(*r));
	for (i = 0; i < cnt; i++)
		r[i] = quantize_multiplier(xv->scale / ((avg ? (double)(i + 1) : 1.0) * so));
	q->o[o].count_pad = avg && attr_i(n, "count_include_pad", 0);
	q->o[o].aux = rq_table(q, "rq", r, cnt);
	q->o[o].aux_count = cnt;
	free(r);
	q->o[o].macs = (uint64_t)(qv_nelem(&q->v[out]) * ks[0] * ks[1]);
	return out;
}

/* reduced axes of a Reduce* node as a bit mask over the input's rank; 0 on error */
int reduce_axes(struct qgraph *q, const struct node *n, int rank)
{
	int64_t ax[MAX_RANK];
	int na = -1, i, mask = 0;
	struct value *av = nin(G, n, 1);

	if (av && av->is_const && av->nelem <= MAX_RANK) {
		na = (int)av->nelem;
		for (i = 0; i < na; i++)
			ax[i] = value_get_i(av, i);
	} else if (av) {
		return 0;
	} else {
		na = attr_ints(n, "axes", ax, MAX_RANK);
	}
	if (na <= 0) {
		if (na == 0 && attr_i(n, "noop_with_empty_axes", 0))
			return 0;
		return (1 << rank) - 1;
	}
	for (i = 0; i < na; i++) {
		int64_t a = ax[i] < 0 ? ax[i] + rank : ax[i];

		if (a < 0 || a >= rank)
			return 0;
		mask |= 1 << a;
	}
	return mask;
}

/* ReduceMean / ReduceSum / ReduceMax / ReduceMin -> REDUCE (rank <= 4) */
int lw_reduce(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt)
{
	const struct qval *xv = &q->v[x];
	int mask = reduce_axes(q, n, xv->rank), keep = (int)attr_i(n, "keepdims", 1);
	int64_t d[MAX_RANK], cnt = 1;
	int r = 0, i, out, o;

	if (!mask || xv->rank > 4 || xv->rank < 1) {
		axc_error(G, n, "reductions need constant axes over an input of rank 1..4");
		return -1;
	}
	for (i = 0; i < xv->rank; i++) {
		if (mask & (1 << i)) {
			cnt *= xv->dims[i];
			if (keep)
				d[r++] = 1;
		} else {
			d[r++] = xv->dims[i];
		}
	}
	if (cnt > AXON_ISA_MAX_TERMS) {
		axc_error(G, n, "reduction over %lld elements (more than 2^24)", (long long)cnt);
		return -1;
	}
	out = out_act(q, n->name, odt, so, zo, r, d, 0);
	o = new_op(q, Q_REDUCE, n, NULL, out);
	q->o[o].in[0] = x;
	q->o[o].axis_mask = mask << (4 - xv->rank);	/* the ISA's right-aligned 4-D */
	q->o[o].reduce_kind = is(n, "ReduceMax") ? AXON_ISA_REDUCE_MAX :
			      is(n, "ReduceMin") ? AXON_ISA_REDUCE_MIN : AXON_ISA_REDUCE_SUM;
	q->o[o].rq_out = quantize_multiplier(xv->scale /
		((is(n, "ReduceMean") ? (double)cnt : 1.0) * so));
	q->o[o].macs = (uint64_t)qv_nelem(xv);
	return out;
}
