// SPDX-License-Identifier: MIT
/*
 * axonc: shape inference on the ONNX-level IR, node by node (infer_node);
 * Constant, Shape, ConstantOfShape, Reshape... of known shapes become
 * constants here, nodes whose inputs are all constant go to fold_node().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"

static int known(const struct value *v)
{
	return v && v->rank >= 0 && shape_nelem(v->rank, v->dims) >= 0;
}

static void set_shape(struct value *v, int dtype, int rank, const int64_t *dims)
{
	if (dtype)
		v->dtype = dtype;
	v->rank = rank;
	if (rank > 0)
		memcpy(v->dims, dims, sizeof(int64_t) * (size_t)rank);
}

static void copy_shape(struct value *o, const struct value *i, int dtype)
{
	set_shape(o, dtype ? dtype : i->dtype, i->rank, i->dims);
}

static int bcast(const struct graph *g, const struct node *n, int nv,
		 struct value **vs, int *rank, int64_t *dims)
{
	int r = 0, i, k;

	for (k = 0; k < nv; k++)
		if (vs[k]->rank > r)
			r = vs[k]->rank;
	for (i = 0; i < r; i++) {
		int64_t d = 1;

		for (k = 0; k < nv; k++) {
			int j = i - (r - vs[k]->rank);
			int64_t e = j >= 0 ? vs[k]->dims[j] : 1;

			if (e == 1)
				continue;
			if (d != 1 && d != e) {
				axc_error(g, n, "shapes are not broadcastable");
				return -1;
			}
			d = e;
		}
		dims[i] = d;
	}
	*rank = r;
	return 0;
}

int norm_axis(int64_t a, int r)
{
	if (a < 0)
		a += r;
	return (a < 0 || a >= (r ? r : 1)) ? -1 : (int)a;
}

static int conv_out(int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1,
		    int ceil_mode, int64_t *out)
{
	int64_t eff = d * (k - 1) + 1, num = in + p0 + p1 - eff;

	if (s < 1 || k < 1 || d < 1 || num < 0)
		return -1;
	*out = (ceil_mode ? (num + s - 1) / s : num / s) + 1;
	return 0;
}

/* Conv-like spatial inference: x [N,C,H,W], kernel from attr or weight */
static int infer_spatial(struct graph *g, struct node *n, const struct value *x,
			 const int64_t *kshape, int64_t cout, struct value *o, int pool)
{
	int64_t st[2] = { 1, 1 }, dl[2] = { 1, 1 }, pd[4] = { 0, 0, 0, 0 }, dims[4];
	const char *ap = attr_s(n, "auto_pad", "NOTSET");
	int ceil_mode = (int)attr_i(n, "ceil_mode", 0), i;

	if (x->rank != 4) {
		axc_error(g, n, "only 2-D (NCHW) spatial operations are supported (input rank %d)", x->rank);
		return -1;
	}
	if (attr_ints(n, "strides", st, 2) == -2 || attr_ints(n, "dilations", dl, 2) == -2 ||
	    attr_ints(n, "pads", pd, 4) == -2) {
		axc_error(g, n, "bad strides/dilations/pads");
		return -1;
	}
	for (i = 0; i < 2; i++) {
		if (st[i] < 1 || dl[i] < 1 || st[i] > 65535 || dl[i] > 65535) {
			axc_error(g, n, "bad stride or dilation");
			return -1;
		}
		if (strcmp(ap, "NOTSET") && strcmp(ap, "VALID")) {
			int64_t in = x->dims[2 + i], outd = (in + st[i] - 1) / st[i];
			int64_t tot = (outd - 1) * st[i] + dl[i] * (kshape[i] - 1) + 1 - in;

			if (tot < 0)
				tot = 0;
			pd[i] = !strcmp(ap, "SAME_UPPER") ? tot / 2 : tot - tot / 2;
			pd[i + 2] = tot - pd[i];
		}
	}
	for (i = 0; i < 4; i++)
		if (pd[i] < 0 || pd[i] > 65535) {
			axc_error(g, n, "bad padding");
			return -1;
		}
	dims[0] = x->dims[0];
	dims[1] = cout;
	for (i = 0; i < 2; i++)
		if (conv_out(x->dims[2 + i], kshape[i], st[i], pool ? 1 : dl[i], pd[i], pd[i + 2],
			     ceil_mode, &dims[2 + i])) {
			axc_error(g, n, "kernel larger than padded input");
			return -1;
		}
	set_shape(o, 0, 4, dims);
	return 0;
}

static int matmul_shape(struct graph *g, struct node *n, const struct value *a,
			const struct value *b, struct value *o, int dtype)
{
	int64_t dims[MAX_RANK];
	int r, i;
	struct value aa = *a, bb = *b;

	if (a->rank < 1 || b->rank < 1) {
		axc_error(g, n, "MatMul operands must have rank >= 1");
		return -1;
	}
	if (a->rank == 1 || b->rank == 1) {
		if (a->rank == 1 && b->rank == 2 && a->dims[0] == b->dims[0]) {
			set_shape(o, dtype, 1, &b->dims[1]);
			return 0;
		}
		axc_error(g, n, "1-D MatMul operands not supported");
		return -1;
	}
	if (a->dims[a->rank - 1] != b->dims[b->rank - 2]) {
		axc_error(g, n, "MatMul inner dimensions differ (%lld vs %lld)",
			  (long long)a->dims[a->rank - 1], (long long)b->dims[b->rank - 2]);
		return -1;
	}
	aa.rank -= 2;
	bb.rank -= 2;
	{
		struct value *vs[2] = { &aa, &bb };

		if (bcast(g, n, 2, vs, &r, dims))
			return -1;
	}
	if (r + 2 > MAX_RANK)
		return -1;
	dims[r] = a->dims[a->rank - 2];
	dims[r + 1] = b->dims[b->rank - 1];
	(void)i;
	set_shape(o, dtype, r + 2, dims);
	return 0;
}

int infer_node(struct graph *g, struct node *n)
{
	struct value *x = nin(g, n, 0), *o = nout(g, n, 0);
	int i, k;

	if (!o)
		return 0;
	if (is(n, "Constant")) {
		const struct attr *a = node_attr(n, "value");
		struct value *c;

		if (a && a->type == AT_T) {
			c = replace_const(g, n->out[0], a->t->dtype, a->t->rank, a->t->dims);
			memcpy(c->data, a->t->data, (size_t)c->nelem * (size_t)dt_size(c->dtype));
		} else if ((a = node_attr(n, "value_float")) && a->type == AT_F) {
			c = replace_const(g, n->out[0], DT_F32, 0, NULL);
			value_set_f(c, 0, a->f);
		} else if ((a = node_attr(n, "value_int")) && a->type == AT_I) {
			c = replace_const(g, n->out[0], DT_S64, 0, NULL);
			((int64_t *)c->data)[0] = a->i;
		} else if ((a = node_attr(n, "value_ints")) && a->type == AT_IS) {
			int64_t d = a->n;

			c = replace_const(g, n->out[0], DT_S64, 1, &d);
			memcpy(c->data, a->is, sizeof(int64_t) * (size_t)a->n);
		} else if ((a = node_attr(n, "value_floats")) && a->type == AT_FS) {
			int64_t d = a->n;

			c = replace_const(g, n->out[0], DT_F32, 1, &d);
			for (i = 0; i < a->n; i++)
				value_set_f(c, i, a->fs[i]);
		} else {
			axc_error(g, n, "unsupported Constant form");
			return -1;
		}
		n->dead = true;
		return 0;
	}
	for (k = 0; k < n->nin; k++) {
		struct value *v = nin(g, n, k);

		if (v && !known(v)) {
			axc_error(g, n, "shape of input '%s' is unknown", v->name);
			return -1;
		}
	}
	if (!x && !is(n, "ConstantOfShape")) {
		axc_error(g, n, "missing first input");
		return -1;
	}
	if (is(n, "QuantizeLinear") || is(n, "DequantizeLinear") || is(n, "DynamicQuantizeLinear")) {
		struct value *zp = nin(g, n, 2);
		int dt = is(n, "DequantizeLinear") ? DT_F32 : (zp ? zp->dtype : DT_U8);

		if (is(n, "DynamicQuantizeLinear")) {
			dt = DT_U8;
			for (k = 1; k < n->nout; k++) {
				struct value *oo = nout(g, n, k);

				if (oo)
					set_shape(oo, k == 1 ? DT_F32 : DT_U8, 0, NULL);
			}
		}
		if (n->nin < 2 && !is(n, "DynamicQuantizeLinear")) {
			axc_error(g, n, "needs a scale input");
			return -1;
		}
		copy_shape(o, x, dt);
	} else if (is(n, "Cast")) {
		copy_shape(o, x, (int)attr_i(n, "to", 0));
		if (!dt_size(o->dtype)) {
			axc_error(g, n, "unsupported Cast target type");
			return -1;
		}
	} else if (is(n, "Identity") || is(n, "Relu") || is(n, "Clip") || is(n, "Sigmoid") ||
		   is(n, "Tanh") || is(n, "Erf") || is(n, "Sqrt") || is(n, "HardSigmoid") ||
		   is(n, "HardSwish") || is(n, "Exp") || is(n, "Neg") || is(n, "Abs") ||
		   is(n, "LeakyRelu") || is(n, "Softmax") || is(n, "LayerNormalization") ||
		   is(n, "BatchNormalization") || is(n, "Reciprocal") || is(n, "Log") ||
		   is(n, "Floor") || is(n, "Ceil") || is(n, "Round") || is(n, "Elu") ||
		   is(n, "Selu") || is(n, "Softplus") || is(n, "Gelu") || is(n, "Mish") ||
		   is(n, "QLinearSigmoid") || is(n, "QLinearLeakyRelu") || is(n, "QLinearSoftmax")) {
		copy_shape(o, x, 0);
		if (is(n, "QLinearSigmoid") || is(n, "QLinearLeakyRelu") || is(n, "QLinearSoftmax")) {
			struct value *zp = nin(g, n, 4);

			o->dtype = zp ? zp->dtype : x->dtype;
		}
	} else if (is(n, "Add") || is(n, "Sub") || is(n, "Mul") || is(n, "Div") || is(n, "Pow") ||
		   is(n, "Min") || is(n, "Max") || is(n, "Equal") || is(n, "Where") ||
		   is(n, "QLinearAdd") || is(n, "QLinearMul")) {
		struct value *vs[3];
		int64_t dims[MAX_RANK];
		int r, nv = 0, dt = x->dtype;

		if (is(n, "QLinearAdd") || is(n, "QLinearMul")) {
			if (!nin(g, n, 3)) {
				axc_error(g, n, "missing input B");
				return -1;
			}
			vs[nv++] = x;
			vs[nv++] = nin(g, n, 3);
			dt = nin(g, n, 7) ? nin(g, n, 7)->dtype : x->dtype;
		} else {
			for (k = 0; k < n->nin && nv < 3; k++)
				if (nin(g, n, k))
					vs[nv++] = nin(g, n, k);
			if (nv < 2) {
				axc_error(g, n, "needs two inputs");
				return -1;
			}
			if (is(n, "Where"))
				dt = vs[1]->dtype;
			if (is(n, "Equal"))
				dt = DT_BOOL;
		}
		if (bcast(g, n, nv, vs, &r, dims))
			return -1;
		set_shape(o, dt, r, dims);
	} else if (is(n, "Shape")) {
		int64_t d = x->rank;
		struct value *c = replace_const(g, n->out[0], DT_S64, 1, &d);
		int64_t st = attr_i(n, "start", 0), en = attr_i(n, "end", x->rank);

		if (st < 0) st += x->rank;
		if (en < 0) en += x->rank;
		if (st < 0) st = 0;
		if (en > x->rank) en = x->rank;
		if (en < st) en = st;
		c->dims[0] = c->nelem = en - st;
		for (i = 0; i < en - st; i++)
			((int64_t *)c->data)[i] = x->dims[st + i];
		n->dead = true;
		return 0;
	} else if (is(n, "ConstantOfShape")) {
		const struct attr *a = node_attr(n, "value");
		int64_t dims[MAX_RANK];
		struct value *c;
		int r;

		if (!x || !x->is_const || x->rank != 1 || x->nelem > MAX_RANK) {
			axc_error(g, n, "shape input must be a constant 1-D tensor of rank <= %d", MAX_RANK);
			return -1;
		}
		r = (int)x->nelem;
		for (i = 0; i < r; i++) {
			dims[i] = value_get_i(x, i);
			if (dims[i] < 0 || dims[i] > (INT64_C(1) << 31)) {
				axc_error(g, n, "invalid shape");
				return -1;
			}
		}
		if (shape_nelem(r, dims) < 0 || shape_nelem(r, dims) > (INT64_C(1) << 28)) {
			axc_error(g, n, "shape too large");
			return -1;
		}
		c = replace_const(g, n->out[0], a && a->type == AT_T ? a->t->dtype : DT_F32, r, dims);
		for (i = 0; i < c->nelem; i++)
			value_set_f(c, i, a && a->type == AT_T && a->t->nelem ? value_get_f(a->t, 0) : 0);
		n->dead = true;
		return 0;
	} else if (is(n, "Reshape")) {
		struct value *s = nin(g, n, 1);
		int64_t dims[MAX_RANK], tot = shape_nelem(x->rank, x->dims), p = 1;
		int neg = -1, r;

		if (!s || !s->is_const || s->rank != 1 || s->nelem > MAX_RANK) {
			axc_error(g, n, "shape input must be a constant 1-D tensor of rank <= %d", MAX_RANK);
			return -1;
		}
		r = (int)s->nelem;
		for (i = 0; i < r; i++) {
			dims[i] = value_get_i(s, i);
			if (dims[i] == 0 && !attr_i(n, "allowzero", 0))
				dims[i] = i < x->rank ? x->dims[i] : 0;
			if (dims[i] == -1) {
				if (neg >= 0) {
					axc_error(g, n, "more than one -1 in the shape");
					return -1;
				}
				neg = i;
				continue;
			}
			if (dims[i] < 0 || dims[i] > (INT64_C(1) << 31)) {
				axc_error(g, n, "invalid shape");
				return -1;
			}
			p *= dims[i];
			if (p > (INT64_C(1) << 40))
				return -1;
		}
		if (neg >= 0)
			dims[neg] = p ? tot / p : 0;
		if (shape_nelem(r, dims) != tot) {
			axc_error(g, n, "reshape changes the element count");
			return -1;
		}
		set_shape(o, x->dtype, r, dims);
	} else if (is(n, "Flatten")) {
		int ax = (int)attr_i(n, "axis", 1);
		int64_t dims[2] = { 1, 1 };

		if (ax < 0)
			ax += x->rank;
		if (ax < 0 || ax > x->rank) {
			axc_error(g, n, "bad axis");
			return -1;
		}
		for (i = 0; i < x->rank; i++)
			dims[i >= ax] *= x->dims[i];
		set_shape(o, x->dtype, 2, dims);
	} else if (is(n, "Squeeze") || is(n, "Unsqueeze")) {
		int64_t axes[MAX_RANK], dims[MAX_RANK];
		int na = attr_ints(n, "axes", axes, MAX_RANK), r, j;
		char mark[MAX_RANK * 2] = { 0 };
		struct value *a = nin(g, n, 1);

		if (a) {
			if (!a->is_const || a->nelem > MAX_RANK) {
				axc_error(g, n, "axes must be constant");
				return -1;
			}
			na = (int)a->nelem;
			for (i = 0; i < na; i++)
				axes[i] = value_get_i(a, i);
		}
		if (is(n, "Squeeze")) {
			r = 0;
			for (i = 0; i < x->rank; i++) {
				int sq = 0;

				if (na < 0)
					sq = x->dims[i] == 1;
				for (j = 0; j < na; j++)
					if (norm_axis(axes[j], x->rank) == i)
						sq = 1;
				if (!sq)
					dims[r++] = x->dims[i];
			}
		} else {
			r = x->rank + (na > 0 ? na : 0);
			if (na <= 0 || r > MAX_RANK) {
				axc_error(g, n, "bad axes");
				return -1;
			}
			for (j = 0; j < na; j++) {
				int ax = norm_axis(axes[j], r);

				if (ax < 0) {
					axc_error(g, n, "bad axis");
					return -1;
				}
				mark[ax] = 1;
			}
			for (i = 0, j = 0; i < r; i++)
				dims[i] = mark[i] ? 1 : (j < x->rank ? x->dims[j++] : 1);
		}
		set_shape(o, x->dtype, r, dims);
	} else if (is(n, "Transpose")) {
		int64_t perm[MAX_RANK], dims[MAX_RANK];
		int np = attr_ints(n, "perm", perm, MAX_RANK);
		char seen[MAX_RANK] = { 0 };

		if (np < 0) {
			np = x->rank;
			for (i = 0; i < np; i++)
				perm[i] = np - 1 - i;
		}
		if (np != x->rank) {
			axc_error(g, n, "perm length differs from rank");
			return -1;
		}
		for (i = 0; i < np; i++) {
			if (perm[i] < 0 || perm[i] >= np || seen[perm[i]]) {
				axc_error(g, n, "invalid perm");
				return -1;
			}
			seen[perm[i]] = 1;
			dims[i] = x->dims[perm[i]];
		}
		set_shape(o, x->dtype, np, dims);
	} else if (is(n, "Slice")) {
		int64_t dims[MAX_RANK];
		struct value *st = nin(g, n, 1), *en = nin(g, n, 2), *ax = nin(g, n, 3), *sp = nin(g, n, 4);
		int64_t cnt;

		memcpy(dims, x->dims, sizeof(dims));
		if (!st || !en || !st->is_const || !en->is_const || (ax && !ax->is_const) ||
		    (sp && !sp->is_const) || st->nelem != en->nelem) {
			axc_error(g, n, "only constant starts/ends/axes/steps are supported");
			return -1;
		}
		cnt = st->nelem;
		for (i = 0; i < cnt; i++) {
			int a = ax ? norm_axis(value_get_i(ax, i), x->rank) : (int)i;
			int64_t s = value_get_i(st, i), e = value_get_i(en, i),
				step = sp ? value_get_i(sp, i) : 1, d;

			if (a < 0 || step == 0 || (ax && ax->nelem != cnt) || (sp && sp->nelem != cnt)) {
				axc_error(g, n, "bad axes or steps");
				return -1;
			}
			d = x->dims[a];
			if (s < 0) s += d;
			if (e < 0) e += d;
			if (step > 0) {
				s = s < 0 ? 0 : (s > d ? d : s);
				e = e < 0 ? 0 : (e > d ? d : e);
				dims[a] = e > s ? (e - s + step - 1) / step : 0;
			} else {
				s = s < 0 ? -1 : (s >= d ? d - 1 : s);
				e = e < -1 ? -1 : (e >= d ? d - 1 : e);
				dims[a] = s > e ? (s - e - step - 1) / -step : 0;
			}
		}
		set_shape(o, x->dtype, x->rank, dims);
	} else if (is(n, "Gather")) {
		struct value *ix = nin(g, n, 1);
		int ax = norm_axis(attr_i(n, "axis", 0), x->rank), r = 0;
		int64_t dims[MAX_RANK];

		if (!ix || ax < 0 || x->rank - 1 + ix->rank > MAX_RANK) {
			axc_error(g, n, "bad Gather");
			return -1;
		}
		for (i = 0; i < ax; i++)
			dims[r++] = x->dims[i];
		for (i = 0; i < ix->rank; i++)
			dims[r++] = ix->dims[i];
		for (i = ax + 1; i < x->rank; i++)
			dims[r++] = x->dims[i];
		set_shape(o, x->dtype, r, dims);
	} else if (is(n, "Concat")) {
		int ax = norm_axis(attr_i(n, "axis", 0), x->rank);
		int64_t dims[MAX_RANK];

		if (ax < 0) {
			axc_error(g, n, "bad axis");
			return -1;
		}
		memcpy(dims, x->dims, sizeof(dims));
		dims[ax] = 0;
		for (k = 0; k < n->nin; k++) {
			struct value *v = nin(g, n, k);

			if (!v)
				continue;
			if (v->rank != x->rank) {
				axc_error(g, n, "inputs have different ranks");
				return -1;
			}
			for (i = 0; i < x->rank; i++)
				if (i != ax && v->dims[i] != x->dims[i]) {
					axc_error(g, n, "inputs have different shapes");
					return -1;
				}
			dims[ax] += v->dims[ax];
		}
		set_shape(o, x->dtype, x->rank, dims);
	} else if (is(n, "Split")) {
		int ax = norm_axis(attr_i(n, "axis", 0), x->rank);
		int64_t sp[16];
		int ns = attr_ints(n, "split", sp, 16);
		struct value *s = nin(g, n, 1);
		int64_t tot = 0;

		if (ax < 0 || n->nout > 16) {
			axc_error(g, n, "bad Split");
			return -1;
		}
		if (s) {
			if (!s->is_const || s->nelem > 16) {
				axc_error(g, n, "split sizes must be constant");
				return -1;
			}
			ns = (int)s->nelem;
			for (i = 0; i < ns; i++)
				sp[i] = value_get_i(s, i);
		}
		if (ns < 0) {
			ns = n->nout;
			for (i = 0; i < ns; i++)
				sp[i] = (x->dims[ax] + ns - 1) / ns;
			sp[ns - 1] = x->dims[ax] - sp[0] * (ns - 1);
		}
		if (ns != n->nout) {
			axc_error(g, n, "split count differs from outputs");
			return -1;
		}
		for (k = 0; k < ns; k++) {
			struct value *oo = nout(g, n, k);
			int64_t dims[MAX_RANK];

			if (sp[k] < 0) {
				axc_error(g, n, "negative split");
				return -1;
			}
			tot += sp[k];
			memcpy(dims, x->dims, sizeof(dims));
			dims[ax] = sp[k];
			if (oo)
				set_shape(oo, x->dtype, x->rank, dims);
		}
		if (tot != x->dims[ax]) {
			axc_error(g, n, "split sizes do not add up");
			return -1;
		}
	} else if (is(n, "Conv") || is(n, "ConvInteger") || is(n, "QLinearConv")) {
		struct value *w = nin(g, n, is(n, "QLinearConv") ? 3 : 1);
		int64_t grp = attr_i(n, "group", 1);

		if (!w || w->rank != 4 || x->rank != 4 || grp < 1 || x->dims[1] % grp ||
		    w->dims[1] * grp != x->dims[1] || w->dims[0] % grp) {
			axc_error(g, n, "weight shape does not match input channels/groups");
			return -1;
		}
		if (infer_spatial(g, n, x, &w->dims[2], w->dims[0], o, 0))
			return -1;
		o->dtype = is(n, "Conv") ? DT_F32 : is(n, "ConvInteger") ? DT_S32 :
			(nin(g, n, 7) ? nin(g, n, 7)->dtype : DT_U8);
	} else if (is(n, "MaxPool") || is(n, "AveragePool")) {
		int64_t ks[2];

		if (attr_ints(n, "kernel_shape", ks, 2) != 2) {
			axc_error(g, n, "kernel_shape must have 2 entries");
			return -1;
		}
		if (ks[0] < 1 || ks[1] < 1 || ks[0] > 65535 || ks[1] > 65535) {
			axc_error(g, n, "bad kernel_shape");
			return -1;
		}
		if (infer_spatial(g, n, x, ks, x->rank == 4 ? x->dims[1] : 0, o, 1))
			return -1;
		o->dtype = x->dtype;
		if (n->nout > 1) {
			axc_error(g, n, "MaxPool indices output is not supported");
			return -1;
		}
	} else if (is(n, "GlobalAveragePool") || is(n, "GlobalMaxPool") ||
		   is(n, "QLinearGlobalAveragePool")) {
		int64_t dims[MAX_RANK];

		if (x->rank < 3) {
			axc_error(g, n, "input rank must be >= 3");
			return -1;
		}
		if (attr_i(n, "channels_last", 0)) {
			axc_error(g, n, "channels_last=1 is not supported");
			return -1;
		}
		for (i = 0; i < x->rank; i++)
			dims[i] = i < 2 ? x->dims[i] : 1;
		set_shape(o, x->dtype, x->rank, dims);
		if (is(n, "QLinearGlobalAveragePool") && nin(g, n, 4))
			o->dtype = nin(g, n, 4)->dtype;
	} else if (is(n, "ReduceMean") || is(n, "ReduceSum") || is(n, "ReduceMax") ||
		   is(n, "ReduceMin")) {
		int64_t axes[MAX_RANK], dims[MAX_RANK];
		int na = attr_ints(n, "axes", axes, MAX_RANK), keep = (int)attr_i(n, "keepdims", 1), r = 0;
		char red[MAX_RANK] = { 0 };
		struct value *a = nin(g, n, 1);

		if (a && a->is_const && a->nelem <= MAX_RANK) {
			na = (int)a->nelem;
			for (i = 0; i < na; i++)
				axes[i] = value_get_i(a, i);
		}
		for (i = 0; i < x->rank; i++)
			red[i] = na <= 0;
		for (i = 0; i < na; i++) {
			int ax = norm_axis(axes[i], x->rank);

			if (ax < 0) {
				axc_error(g, n, "bad axis");
				return -1;
			}
			red[ax] = 1;
		}
		for (i = 0; i < x->rank; i++) {
			if (!red[i])
				dims[r++] = x->dims[i];
			else if (keep)
				dims[r++] = 1;
		}
		set_shape(o, x->dtype, r, dims);
	} else if (is(n, "Gemm") || is(n, "QGemm")) {
		struct value *w = nin(g, n, is(n, "QGemm") ? 3 : 1);
		int ta = (int)attr_i(n, "transA", 0), tb = (int)attr_i(n, "transB", 0);
		int64_t dims[2];

		if (!w || x->rank != 2 || w->rank != 2) {
			axc_error(g, n, "Gemm operands must be 2-D");
			return -1;
		}
		if (x->dims[ta ? 0 : 1] != w->dims[tb ? 1 : 0]) {
			axc_error(g, n, "Gemm inner dimensions differ");
			return -1;
		}
		dims[0] = x->dims[ta ? 1 : 0];
		dims[1] = w->dims[tb ? 0 : 1];
		set_shape(o, DT_F32, 2, dims);
		if (is(n, "QGemm"))
			o->dtype = nin(g, n, 7) ? nin(g, n, 7)->dtype : DT_F32;
	} else if (is(n, "MatMul") || is(n, "MatMulInteger") || is(n, "QLinearMatMul")) {
		struct value *b = nin(g, n, is(n, "QLinearMatMul") ? 3 : 1);

		if (!b) {
			axc_error(g, n, "missing B");
			return -1;
		}
		if (matmul_shape(g, n, x, b, o, is(n, "MatMul") ? DT_F32 : is(n, "MatMulInteger") ?
				 DT_S32 : (nin(g, n, 7) ? nin(g, n, 7)->dtype : DT_U8)))
			return -1;
	} else {
		axc_error(g, n, "unsupported operator %s%s%s", n->domain[0] ? n->domain : "",
			  n->domain[0] ? "::" : "", n->op);
		return -1;
	}
	if (shape_nelem(o->rank, o->dims) < 0 || shape_nelem(o->rank, o->dims) > (INT64_C(1) << 31)) {
		axc_error(g, n, "output shape too large");
		return -1;
	}
	return fold_node(g, n);
}
