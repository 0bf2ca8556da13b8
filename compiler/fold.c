// SPDX-License-Identifier: MIT
/*
 * axonc: shape inference and constant folding on the ONNX-level IR.
 * Shape/Reshape/Flatten/Squeeze/Unsqueeze/Slice/Transpose/Gather/Concat/
 * Cast/ConstantOfShape and arithmetic on constants are evaluated here, so
 * that later passes only see real computation. The shapes are inferred in
 * infer.c; this file evaluates nodes on constants (fold_node).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"

/* element offset in v for output multi-index idx of rank r (broadcasting) */
static int64_t bidx(const struct value *v, int r, const int64_t *idx)
{
	int64_t off = 0;
	int i;

	for (i = 0; i < v->rank; i++) {
		int64_t x = idx[i + r - v->rank];

		off = off * v->dims[i] + (v->dims[i] == 1 ? 0 : x);
	}
	return off;
}

static void next_idx(int r, const int64_t *dims, int64_t *idx)
{
	int i;

	for (i = r - 1; i >= 0; i--) {
		if (++idx[i] < dims[i])
			return;
		idx[i] = 0;
	}
}

struct value *replace_const(struct graph *g, int vi, int dtype, int rank,
			    const int64_t *dims)
{
	struct value *old = g->v[vi];
	struct value *c = value_new_const(old->name, dtype, rank, dims);

	c->is_output = old->is_output;
	value_free(old);
	g->v[vi] = c;
	return c;
}

static double apply_bin(const char *op, double a, double b, int isint)
{
	if (!strcmp(op, "Add")) return a + b;
	if (!strcmp(op, "Sub")) return a - b;
	if (!strcmp(op, "Mul")) return a * b;
	if (!strcmp(op, "Div")) {
		if (isint)
			return b == 0 ? 0 : (double)((int64_t)a / (int64_t)b);
		return a / b;
	}
	if (!strcmp(op, "Pow")) return pow(a, b);
	if (!strcmp(op, "Min")) return a < b ? a : b;
	if (!strcmp(op, "Max")) return a > b ? a : b;
	if (!strcmp(op, "Equal")) return a == b;
	return 0;
}

static int all_const(const struct graph *g, const struct node *n)
{
	int k;

	for (k = 0; k < n->nin; k++)
		if (n->in[k] >= 0 && !g->v[n->in[k]]->is_const)
			return 0;
	return 1;
}

/* evaluate data-movement and arithmetic nodes whose inputs are constant */
int fold_node(struct graph *g, struct node *n)
{
	struct value *x = nin(g, n, 0), *o = nout(g, n, 0), *c;
	int64_t i, idx[MAX_RANK];
	int k;

	if (!all_const(g, n) || !x)
		return 0;
	if (is(n, "Reshape") || is(n, "Flatten") || is(n, "Squeeze") || is(n, "Unsqueeze") ||
	    is(n, "Identity")) {
		int64_t dims[MAX_RANK];
		int r = o->rank;

		memcpy(dims, o->dims, sizeof(dims));
		c = replace_const(g, n->out[0], x->dtype, r, dims);
		memcpy(c->data, x->data, (size_t)c->nelem * (size_t)dt_size(x->dtype));
	} else if (is(n, "Cast")) {
		int64_t dims[MAX_RANK];

		memcpy(dims, o->dims, sizeof(dims));
		c = replace_const(g, n->out[0], o->dtype, o->rank, dims);
		for (i = 0; i < c->nelem; i++) {
			if (c->dtype == DT_S64 || c->dtype == DT_S32)
				((c->dtype == DT_S64) ? (void)(((int64_t *)c->data)[i] = value_get_i(x, i)) :
				 (void)(((int32_t *)c->data)[i] = (int32_t)value_get_i(x, i)));
			else
				value_set_f(c, i, value_get_f(x, i));
		}
	} else if (is(n, "Transpose")) {
		int64_t perm[MAX_RANK], dims[MAX_RANK], st[MAX_RANK];
		int r = x->rank, es = dt_size(x->dtype);

		if (attr_ints(n, "perm", perm, MAX_RANK) < 0)
			for (k = 0; k < r; k++)
				perm[k] = r - 1 - k;
		memcpy(dims, o->dims, sizeof(dims));
		st[r - 1] = 1;
		for (k = r - 2; k >= 0; k--)
			st[k] = st[k + 1] * x->dims[k + 1];
		c = replace_const(g, n->out[0], x->dtype, r, dims);
		memset(idx, 0, sizeof(idx));
		for (i = 0; i < c->nelem; i++) {
			int64_t off = 0;

			for (k = 0; k < r; k++)
				off += idx[k] * st[perm[k]];
			memcpy((char *)c->data + i * es, (char *)x->data + off * es, (size_t)es);
			next_idx(r, dims, idx);
		}
	} else if (is(n, "Slice")) {
		struct value *stv = nin(g, n, 1), *ax = nin(g, n, 3), *sp = nin(g, n, 4);
		int64_t start[MAX_RANK] = { 0 }, step[MAX_RANK], dims[MAX_RANK], xs[MAX_RANK];
		int r = x->rank, es = dt_size(x->dtype);

		for (k = 0; k < r; k++)
			step[k] = 1;
		for (i = 0; i < stv->nelem; i++) {
			int a = ax ? norm_axis(value_get_i(ax, i), r) : (int)i;
			int64_t s = value_get_i(stv, i), d = x->dims[a];

			step[a] = sp ? value_get_i(sp, i) : 1;
			if (s < 0)
				s += d;
			if (step[a] > 0)
				s = s < 0 ? 0 : (s > d ? d : s);
			else
				s = s < 0 ? -1 : (s >= d ? d - 1 : s);
			start[a] = s;
		}
		xs[r - 1] = 1;
		for (k = r - 2; k >= 0; k--)
			xs[k] = xs[k + 1] * x->dims[k + 1];
		memcpy(dims, o->dims, sizeof(dims));
		c = replace_const(g, n->out[0], x->dtype, r, dims);
		memset(idx, 0, sizeof(idx));
		for (i = 0; i < c->nelem; i++) {
			int64_t off = 0;

			for (k = 0; k < r; k++)
				off += (start[k] + idx[k] * step[k]) * xs[k];
			memcpy((char *)c->data + i * es, (char *)x->data + off * es, (size_t)es);
			next_idx(r, dims, idx);
		}
	} else if (is(n, "Gather")) {
		struct value *ix = nin(g, n, 1);
		int ax = norm_axis(attr_i(n, "axis", 0), x->rank), es = dt_size(x->dtype);
		int64_t outer = 1, inner = 1, j, d = x->dims[ax], dims[MAX_RANK];

		for (k = 0; k < ax; k++)
			outer *= x->dims[k];
		for (k = ax + 1; k < x->rank; k++)
			inner *= x->dims[k];
		memcpy(dims, o->dims, sizeof(dims));
		c = replace_const(g, n->out[0], x->dtype, o->rank, dims);
		for (i = 0; i < outer; i++)
			for (j = 0; j < ix->nelem; j++) {
				int64_t q = value_get_i(ix, j);

				if (q < 0)
					q += d;
				if (q < 0 || q >= d) {
					axc_error(g, n, "index out of range");
					return -1;
				}
				memcpy((char *)c->data + ((i * ix->nelem + j) * inner) * es,
				       (char *)x->data + ((i * d + q) * inner) * es, (size_t)(inner * es));
			}
	} else if (is(n, "Concat")) {
		int ax = norm_axis(attr_i(n, "axis", 0), x->rank), es = dt_size(x->dtype);
		int64_t outer = 1, inner = 1, pos = 0, dims[MAX_RANK];

		for (k = 0; k < ax; k++)
			outer *= x->dims[k];
		for (k = ax + 1; k < x->rank; k++)
			inner *= x->dims[k];
		memcpy(dims, o->dims, sizeof(dims));
		c = replace_const(g, n->out[0], x->dtype, o->rank, dims);
		for (k = 0; k < n->nin; k++) {
			struct value *v = nin(g, n, k);
			int64_t blk;

			if (!v)
				continue;
			if (v->dtype != x->dtype) {
				axc_error(g, n, "inputs have different types");
				return -1;
			}
			blk = v->dims[ax] * inner;
			for (i = 0; i < outer; i++)
				memcpy((char *)c->data + (i * dims[ax] * inner + pos) * es,
				       (char *)v->data + i * blk * es, (size_t)(blk * es));
			pos += blk;
		}
	} else if (is(n, "Add") || is(n, "Sub") || is(n, "Mul") || is(n, "Div") || is(n, "Pow") ||
		   is(n, "Min") || is(n, "Max") || is(n, "Equal")) {
		struct value *b = nin(g, n, 1);
		int64_t dims[MAX_RANK];
		int isint = x->dtype != DT_F32 && x->dtype != DT_F64;

		if (!b)
			return 0;
		memcpy(dims, o->dims, sizeof(dims));
		c = replace_const(g, n->out[0], o->dtype, o->rank, dims);
		memset(idx, 0, sizeof(idx));
		for (i = 0; i < c->nelem; i++) {
			double r = apply_bin(n->op, value_get_f(x, bidx(x, c->rank, idx)),
					     value_get_f(b, bidx(b, c->rank, idx)), isint);

			if (c->dtype == DT_S64)
				((int64_t *)c->data)[i] = (int64_t)r;
			else
				value_set_f(c, i, r);
			next_idx(c->rank, dims, idx);
		}
	} else if (is(n, "Neg") || is(n, "Sqrt") || is(n, "Reciprocal") || is(n, "Exp")) {
		int64_t dims[MAX_RANK];

		memcpy(dims, o->dims, sizeof(dims));
		c = replace_const(g, n->out[0], o->dtype, o->rank, dims);
		for (i = 0; i < c->nelem; i++) {
			double v = value_get_f(x, i);

			v = is(n, "Neg") ? -v : is(n, "Sqrt") ? sqrt(v) : is(n, "Exp") ? exp(v) : 1.0 / v;
			value_set_f(c, i, v);
		}
	} else {
		return 0;
	}
	n->dead = true;
	return 0;
}

int fold_and_infer(struct graph *g)
{
	int i;

	for (i = 0; i < g->nn; i++) {
		struct node *n = &g->n[i];

		if (n->dead)
			continue;
		if (infer_node(g, n))
			return -1;
	}
	graph_count_uses(g);
	return 0;
}
