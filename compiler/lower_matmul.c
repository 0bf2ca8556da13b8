// SPDX-License-Identifier: MIT
/* axonc QDQ lowering: MatMul / Gemm -> MATMUL. */
#include "lower_qdq.h"

int lw_matmul(struct qgraph *q, const struct node *n, int a, int bq, int b_const,
	      const int8_t *wkn, int wdt, int64_t K, int64_t N, const double *wsc,
	      int32_t wzp, const int32_t *bacc, double so, int32_t zo, int odt, int out_i32)
{
	const struct qval *av;
	int64_t od[MAX_RANK], i, bd[4] = { 1, 1, 1, N }, kd[4] = { 1, 1, K, N };
	int rank, out, o, bias, r_ok;
	double sb;

	if (b_const)
		bq = qg_const(q, "weights", wdt, 1.0, wzp, 4, kd, wkn);
	av = &q->v[a];		/* qg_const may have moved q->v */
	sb = q->v[bq].scale;
	rank = av->rank;
	if (b_const) {
		for (i = 0; i < rank; i++)
			od[i] = av->dims[i];
		od[rank - 1] = N;
	} else {
		const struct qval *bv = &q->v[bq];
		int rb = bv->rank;

		rank = av->rank > rb ? av->rank : rb;
		for (i = 0; i < rank; i++) {
			int64_t da = i - (rank - av->rank) >= 0 ? av->dims[i - (rank - av->rank)] : 1;
			int64_t db = i - (rank - rb) >= 0 ? bv->dims[i - (rank - rb)] : 1;

			od[i] = da > db ? da : db;
		}
		od[rank - 2] = av->dims[av->rank - 2];
		od[rank - 1] = bv->dims[rb - 1];
	}
	(void)r_ok;
	bias = qg_const(q, "bias", AXON_ISA_INT32, 1.0, 0, 4, bd, bacc);
	out = out_act(q, n->name, out_i32 ? AXON_ISA_INT32 : odt, out_i32 ? 1.0 : so,
		      out_i32 ? 0 : zo, rank, od, 0);
	o = new_op(q, Q_MATMUL, n, NULL, out);
	q->o[o].in[0] = a;
	q->o[o].in[1] = bq;
	q->o[o].in[2] = bias;
	acc_rq(q, o, q->v[a].scale, wsc, sb, N, so, out_i32);
	q->o[o].macs = (uint64_t)(qv_nelem(&q->v[out]) * K);
	return out;
}
