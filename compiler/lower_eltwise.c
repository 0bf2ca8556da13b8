// SPDX-License-Identifier: MIT
/* axonc QDQ lowering: Add / Sub / Mul / Min / Max -> ELTWISE. */
#include "lower_qdq.h"

static void bshape(const struct qval *a, const struct qval *b, int *rank, int64_t *d)
{
	int r = a->rank > b->rank ? a->rank : b->rank, i;

	for (i = 0; i < r; i++) {
		int64_t x = i - (r - a->rank) >= 0 ? a->dims[i - (r - a->rank)] : 1;
		int64_t y = i - (r - b->rank) >= 0 ? b->dims[i - (r - b->rank)] : 1;

		d[i] = x > y ? x : y;
	}
	*rank = r;
}

int lw_elt(struct qgraph *q, const struct node *n, int op, int a, int b, double so,
	   int32_t zo, int odt)
{
	struct qval *av = &q->v[a], *bv = &q->v[b];
	int64_t d[MAX_RANK];
	int rank, out, o, nh;

	bshape(av, bv, &rank, d);
	nh = (av->rank == rank && like_nhwc(av)) || (bv->rank == rank && like_nhwc(bv));
	out = out_act(q, n->name, odt, so, zo, rank, d, nh);
	o = new_op(q, Q_ELT, n, NULL, out);
	q->o[o].in[0] = a;
	q->o[o].in[1] = b;
	q->o[o].elt_op = op;
	if (op == AXON_ISA_ELT_MUL) {
		q->o[o].rq_out = quantize_multiplier(q->v[a].scale * q->v[b].scale / so);
	} else {
		double sa = q->v[a].scale, sb = q->v[b].scale, tm = 2 * (sa > sb ? sa : sb);

		q->o[o].left_shift = 20;
		q->o[o].rq_a = quantize_multiplier(sa / tm);
		q->o[o].rq_b = quantize_multiplier(sb / tm);
		q->o[o].rq_out = quantize_multiplier(tm / ((double)(1 << 20) * so));
	}
	q->o[o].macs = (uint64_t)qv_nelem(&q->v[out]);
	return out;
}
