/* SPDX-License-Identifier: MIT */
/*
 * axonc: what the files of the QDQ lowering share (lower_qdq.c drives it;
 * lower_qval.c, lower_consts.c, lower_conv.c, lower_matmul.c,
 * lower_eltwise.c, lower_pool.c, lower_norm.c, lower_lut.c, lower_views.c).
 * Private to those files; the entry points for the rest of axonc are in
 * qir.h.
 */
#ifndef AXONC_LOWER_QDQ_H
#define AXONC_LOWER_QDQ_H

#include <string.h>

#include "qir.h"
#include <axon/axb_format.h>

#define G (q->g)

static inline int is(const struct node *n, const char *op)
{
	return !strcmp(n->op, op);
}

static inline struct node *prod(const struct qgraph *q, int vi)
{
	int p = vi >= 0 ? G->v[vi]->producer : -1;

	return p >= 0 && !G->n[p].dead ? &G->n[p] : NULL;
}

static inline char *names2(const struct node *a, const struct node *b)
{
	return b ? xasprintf("%s,%s", a->name, b->name) : xstrdup(a->name);
}

static inline int out_act(struct qgraph *q, const char *name, int dt, double s, int32_t zp,
			  int rank, const int64_t *dims, int nhwc)
{
	return qg_new_act(q, name, dt, s, zp, rank, dims, nhwc);
}

static inline int like_nhwc(const struct qval *v)
{
	return v->rank == 4 && v->strides[1] == 1 && v->dims[1] > 1;
}

struct wq {
	const struct value *w;	/* integer constant */
	double *scale;		/* per output channel */
	int32_t zp;
	int per_axis;
};

/* lower_qval.c: ONNX values -> qvals, new ops */
int uniform_const(const struct value *v, double *val);
int qdq_params(struct qgraph *q, const struct node *n, double *scale, int32_t *zp, int *dt);
int float_src(struct qgraph *q, int vi, const struct node **dqn);
int new_op(struct qgraph *q, int kind, const struct node *n, const struct node *extra, int out);
int rq_table(struct qgraph *q, const char *name, const struct rq *r, int count);
void acc_rq(struct qgraph *q, int o, double xs, const double *wsc, double ws, int64_t n,
	    double so, int out_i32);

/* lower_consts.c: constant weights, biases and parameter vectors */
int weight_params(struct qgraph *q, const struct node *n, int fv, int64_t nch,
		  int axis_expect, struct wq *wq);
int bias_acc(struct qgraph *q, const struct node *n, int bv, int64_t nch, double sx,
	     const double *sw, double mult, int32_t **out);
int const_floats(struct qgraph *q, int vi, int64_t nch, double *out);

/* lower_conv.c (lw_conv in qir.h) */
int lw_batchnorm(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt);

/* lower_pool.c: pooling and reductions (lw_gap in qir.h) */
int lw_pool(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt);
int reduce_axes(struct qgraph *q, const struct node *n, int rank);
int lw_reduce(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt);

/* lower_norm.c: softmax, layer normalisation (also decomposed) */
int lw_softmax(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt);
int lw_layernorm(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt);
int lw_ln_decomp(struct qgraph *q, int fv, double so, int32_t zo, int odt, int *out);
void ln_prepass(struct qgraph *q, char *skip);

/* lower_lut.c: float islands -> LUT (lw_lut_from_fn in qir.h) */
int elementwise(const struct node *n);
int try_lut(struct qgraph *q, const struct node *qn, int fv, double so, int32_t zo,
	    int odt, int *out);

/* lower_views.c: views, copies, rescales */
int lw_rescale(struct qgraph *q, const struct node *n, int x, int dst);
int lw_copy(struct qgraph *q, const struct node *n, int x, double so, int32_t zo, int odt);
int view_of(struct qgraph *q, const struct node *n, int x, int rank, const int64_t *dims,
	    const int64_t *strides, int64_t off);
int lw_viewop(struct qgraph *q, const struct node *n, int x, int outk);
int is_view_op(const struct node *n);

#endif
