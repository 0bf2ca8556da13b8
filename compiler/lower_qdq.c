// SPDX-License-Identifier: MIT
/*
 * axonc: lowering of QDQ graphs (and the float parts of QOperator graphs)
 * to the quantized IR.
 *
 * Every QuantizeLinear whose input is computed in float is lowered by
 * looking at what computes that float value from dequantized tensors:
 *   Conv / Gemm / MatMul (+ Relu/Clip)      -> CONV2D / MATMUL (+ clamp)
 *   Add / Sub / Mul / Min / Max (+ Relu)     -> ELTWISE
 *   MaxPool / AveragePool / GlobalAveragePool -> POOL
 *   Softmax / LayerNormalization             -> SOFTMAX / LAYERNORM
 *   BatchNormalization                       -> depthwise 1x1 CONV2D
 *   Reshape/Flatten/Squeeze/Unsqueeze/Transpose/Split/Slice/Identity
 *                                            -> strided views (+ RESCALE)
 *   Concat                                   -> DMA / RESCALE into windows
 * and, for anything else, a "float island": if the value depends
 * elementwise on a single quantized tensor (through any chain of unary
 * functions, scalar arithmetic and inner Q/DQ pairs: HardSigmoid,
 * hard-swish, Sigmoid, Tanh, Erf-GELU, Sqrt, Pow, Div by a constant...), the
 * chain is evaluated for all 256 inputs into a LUT, with the inner
 * quantizations simulated exactly as ONNX Runtime performs them.
 *
 * This file drives it (which float value a QuantizeLinear reads, fused
 * Relu/Clip, Concat, graph outputs); the lowerings per operator are in
 * lower_conv.c, lower_matmul.c, lower_eltwise.c, lower_pool.c,
 * lower_norm.c, lower_lut.c and lower_views.c, on the helpers of
 * lower_qval.c and lower_consts.c (lower_qdq.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower_qdq.h"

static int clamp_of(struct qgraph *q, const struct node *p, double s, int32_t z, int dt,
		    int32_t *lo, int32_t *hi)
{
	double c, l = -INFINITY, h = INFINITY;

	if (is(p, "Relu")) {
		l = 0;
	} else if (is(p, "Clip")) {
		if (G->opset < 11) {
			l = attr_f(p, "min", -INFINITY);
			h = attr_f(p, "max", INFINITY);
		} else {
			if (p->nin > 1 && p->in[1] >= 0) {
				if (!uniform_const(G->v[p->in[1]], &c))
					return -1;
				l = c;
			}
			if (p->nin > 2 && p->in[2] >= 0) {
				if (!uniform_const(G->v[p->in[2]], &c))
					return -1;
				h = c;
			}
		}
	} else {
		return -1;
	}
	*lo = l == -INFINITY ? qtype_min(dt) : quantize_f32((float)l, (float)s, z, dt);
	*hi = h == INFINITY ? qtype_max(dt) : quantize_f32((float)h, (float)s, z, dt);
	return 0;
}

static int structural(const struct node *p)
{
	return is(p, "Conv") || is(p, "Gemm") || is(p, "MatMul") || is(p, "Add") || is(p, "Sub") ||
	       is(p, "Mul") || is(p, "Min") || is(p, "Max") || is(p, "MaxPool") ||
	       is(p, "AveragePool") || is(p, "GlobalAveragePool") || is(p, "GlobalMaxPool") ||
	       is(p, "BatchNormalization");
}

typedef int (*lower_fn)(struct qgraph *q, const struct node *n, int x, double so, int32_t zo,
			int odt);

/* the lowering of node p if it reads one quantized operand (input 0), else NULL */
static lower_fn one_operand(const struct node *p)
{
	static const struct {
		const char *op;
		lower_fn fn;
	} t[] = {
		{ "MaxPool", lw_pool }, { "AveragePool", lw_pool }, { "GlobalAveragePool", lw_gap },
		{ "Softmax", lw_softmax }, { "LayerNormalization", lw_layernorm },
		{ "BatchNormalization", lw_batchnorm },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (is(p, t[i].op))
			return t[i].fn;
	return NULL;
}

/* lower the float value fv quantized by node qn with (so, zo, odt) */
static int lower_to_q(struct qgraph *q, const struct node *qn, int fv, double so, int32_t zo, int odt)
{
	const struct node *p = prod(q, fv), *act = NULL;
	int32_t lo = qtype_min(odt), hi = qtype_max(odt);
	int out = -1, x, k;
	lower_fn one;

	if (!p) {
		axc_error(G, qn, "input '%s' is not computed from quantized tensors", G->v[fv]->name);
		return -1;
	}
	if ((is(p, "Relu") || is(p, "Clip")) && G->v[fv]->nuses == 1 && G->v[p->in[0]]->nuses == 1 &&
	    prod(q, p->in[0]) && structural(prod(q, p->in[0])) &&
	    !clamp_of(q, p, so, zo, odt, &lo, &hi)) {
		act = p;
		fv = p->in[0];
		p = prod(q, fv);
	}
	if (!act && (is(p, "Add") || is(p, "Mul") || is(p, "Div"))) {
		int r = lw_ln_decomp(q, fv, so, zo, odt, &out);

		if (r < 0)
			return -1;
		if (r > 0)
			goto done;
	}
	if (is(p, "Conv")) {
		struct wq w;
		int32_t *b;

		x = float_src(q, p->in[0], NULL);
		if (x < 0)
			goto notq;
		if (weight_params(q, p, p->in[1], G->v[p->in[1]]->dims[0], 0, &w))
			return -1;
		if (bias_acc(q, p, p->nin > 2 ? p->in[2] : -1, G->v[p->in[1]]->dims[0],
			     q->v[x].scale, w.scale, 1.0, &b)) {
			free(w.scale);
			free(b);
			return -1;
		}
		{
			int wvi = prod(q, p->in[1])->in[0];

			out = lw_conv(q, p, x, wvi, w.scale, w.zp, b, so, zo, odt, 0);
		}
		free(w.scale);
		free(b);
	} else if (is(p, "Gemm") || is(p, "MatMul")) {
		int gemm = is(p, "Gemm"), tb = gemm ? (int)attr_i(p, "transB", 0) : 0;
		const struct node *wdq = prod(q, p->in[1]);
		struct value *bw = G->v[p->in[1]];
		int bconst = wdq && is(wdq, "DequantizeLinear") && G->v[wdq->in[0]]->is_const;

		x = float_src(q, p->in[0], NULL);
		if (x < 0)
			goto notq;
		if (gemm && attr_i(p, "transA", 0)) {
			axc_error(G, p, "Gemm with transA is not supported");
			return -1;
		}
		if (bconst) {
			int64_t K = tb ? bw->dims[1] : bw->dims[0], N = tb ? bw->dims[0] : bw->dims[1], i, j;
			double alpha = gemm ? attr_f(p, "alpha", 1.0) : 1.0;
			double beta = gemm ? attr_f(p, "beta", 1.0) : 1.0;
			struct wq w;
			int32_t *b;
			int8_t *kn;
			const struct value *wc;

			if (bw->rank != 2) {
				axc_error(G, p, "constant MatMul weights must be 2-D");
				return -1;
			}
			if (weight_params(q, p, p->in[1], N, tb ? 0 : 1, &w))
				return -1;
			for (i = 0; i < N; i++)
				w.scale[i] *= alpha;
			if (bias_acc(q, p, gemm && p->nin > 2 ? p->in[2] : -1, N, q->v[x].scale,
				     w.scale, beta, &b)) {
				free(w.scale);
				free(b);
				return -1;
			}
			wc = w.w;
			kn = xmalloc((size_t)(K * N) + 1);
			for (i = 0; i < K; i++)
				for (j = 0; j < N; j++)
					kn[i * N + j] = (int8_t)value_get_i(wc, tb ? j * K + i : i * N + j);
			out = lw_matmul(q, p, x, -1, 1, kn, isa_dtype_of(wc->dtype), K, N, w.scale,
					w.zp, b, so, zo, odt, 0);
			free(kn);
			free(w.scale);
			free(b);
		} else {
			int bq = float_src(q, p->in[1], NULL);
			int64_t N = G->v[p->in[1]]->dims[G->v[p->in[1]]->rank - 1];
			int32_t *b;

			if (bq < 0 || gemm)
				goto notq;
			b = xcalloc((size_t)N + 1, sizeof(int32_t));
			out = lw_matmul(q, p, x, bq, 0, NULL, 0, G->v[p->in[0]]->dims[G->v[p->in[0]]->rank - 1],
					N, NULL, 0, b, so, zo, odt, 0);
			free(b);
		}
	} else if (out < 0 && (is(p, "Add") || is(p, "Sub") || is(p, "Mul") || is(p, "Min") ||
			       is(p, "Max"))) {
		int a, b;

		if (!act && try_lut(q, qn, fv, so, zo, odt, &out))
			goto done;
		a = float_src(q, p->in[0], NULL);
		b = float_src(q, p->in[1], NULL);
		if (a < 0 || b < 0)
			goto notq;
		out = lw_elt(q, p, is(p, "Add") ? AXON_ISA_ELT_ADD : is(p, "Sub") ? AXON_ISA_ELT_SUB :
			     is(p, "Mul") ? AXON_ISA_ELT_MUL : is(p, "Min") ? AXON_ISA_ELT_MIN :
			     AXON_ISA_ELT_MAX, a, b, so, zo, odt);
	} else if (out < 0 && (one = one_operand(p))) {
		x = float_src(q, p->in[0], NULL);
		if (x < 0)
			goto notq;
		out = one(q, p, x, so, zo, odt);
	} else if (out < 0 && (is(p, "ReduceMean") || is(p, "ReduceSum") || is(p, "ReduceMax") ||
			       is(p, "ReduceMin")) && (x = float_src(q, p->in[0], NULL)) >= 0) {
		out = lw_reduce(q, p, x, so, zo, odt);
	} else if (out < 0 && is_view_op(p)) {
		int ok = 0;

		x = float_src(q, p->in[0], NULL);
		if (x < 0) {
			if (try_lut(q, qn, fv, so, zo, odt, &out))
				goto done;
			goto notq;
		}
		for (k = 0; k < p->nout; k++)
			if (p->out[k] == fv)
				ok = 1;
		if (!ok)
			goto notq;
		for (k = 0; k < p->nout && p->out[k] != fv; k++)
			;
		out = lw_viewop(q, p, x, k);
		if (out < 0) {
			axc_error(G, p, "cannot express this data movement as a view");
			return -1;
		}
		if ((float)q->v[out].scale != (float)so || q->v[out].zp != zo || q->v[out].dtype != odt) {
			int dst = out_act(q, qn->name, odt, so, zo, q->v[out].rank, q->v[out].dims,
					  like_nhwc(&q->v[out]));

			lw_rescale(q, qn, out, dst);
			out = dst;
		}
	} else if (out < 0 && is(p, "Concat")) {
		const struct value *ov = G->v[fv];
		int ax = (int)attr_i(p, "axis", 0);
		int64_t pos = 0;

		if (ax < 0)
			ax += ov->rank;
		out = out_act(q, p->name, odt, so, zo, ov->rank, ov->dims, 0);
		for (k = 0; k < p->nin; k++) {
			int xi = float_src(q, p->in[k], NULL), w, o;
			struct qval *xv;

			if (xi < 0)
				goto notq;
			xv = &q->v[xi];
			w = view_of(q, p, out, xv->rank, xv->dims, q->v[out].strides,
				    pos * q->v[out].strides[ax]);
			q->v[w].scale = so;
			q->v[w].zp = zo;
			q->v[w].dtype = odt;
			if (xv->dtype == odt && (float)xv->scale == (float)so && xv->zp == zo) {
				o = new_op(q, Q_COPY, p, NULL, w);
				q->o[o].in[0] = xi;
			} else {
				o = lw_rescale(q, p, xi, w);
			}
			q->v[w].producer = o;
			pos += xv->dims[ax];
		}
	} else if (out < 0) {
		if (try_lut(q, qn, fv, so, zo, odt, &out))
			goto done;
		axc_error(G, p, "float operator %s between quantized tensors is not supported%s", p->op,
			  elementwise(p) ? " (not an elementwise function of a single quantized tensor)" : "");
		return -1;
	}
	if (out < 0)
		return -1;
done:
	{
		struct qop *o = &q->o[q->v[out].producer];

		if (act) {
			char *nm = xasprintf("%s,%s", o->nodes, act->name);

			free(o->nodes);
			o->nodes = nm;
			if (lo > o->act_min)
				o->act_min = lo;
			if (hi < o->act_max)
				o->act_max = hi;
		}
		if (!strstr(o->nodes, qn->name)) {
			char *nm = xasprintf("%s,%s", o->nodes, qn->name);

			free(o->nodes);
			o->nodes = nm;
		}
	}
	return out;
notq:
	if (try_lut(q, qn, fv, so, zo, odt, &out))
		goto done;
	axc_error(G, p, "operands are not quantized (no DequantizeLinear of an int8/uint8 tensor)");
	return -1;
}

/* a Q/DQ node with several distinct scales or zero points (per axis) */
static int per_axis(struct qgraph *q, const struct node *n)
{
	struct value *x = nin(G, n, 0), *s = nin(G, n, 1), *z = nin(G, n, 2);
	double c;

	return x && !x->is_const && s && s->is_const && s->nelem > 1 &&
	       (!uniform_const(s, &c) || (z && z->is_const && !uniform_const(z, &c)));
}

static int set_output(struct qgraph *q, int vi, int qv, int ext)
{
	struct qval *v;
	int b;

	if (q->nout >= 16)
		return -1;
	v = &q->v[qv];
	b = v->buf;
	if (q->b[b].kind != QB_ARENA || !qv_is_dense(v) || v->offset ||
	    (uint64_t)qv_nelem(v) * (uint64_t)esize(v->dtype) != q->b[b].size) {
		struct node fake = { .name = G->v[vi]->name, .op = "Output" };
		int nq = lw_copy(q, &fake, qv, v->scale, v->zp, v->dtype);

		qv = nq;
		b = q->v[nq].buf;
	} else {
		int i;

		for (i = 0; i < q->nout; i++)
			if (q->v[q->out[i].val].buf == b) {
				struct node fake = { .name = G->v[vi]->name, .op = "Output" };

				qv = lw_copy(q, &fake, qv, v->scale, v->zp, v->dtype);
				b = q->v[qv].buf;
				break;
			}
	}
	q->b[b].kind = QB_OUTPUT;
	q->b[b].io = q->nin + q->nout;
	q->out[q->nout].val = qv;
	q->out[q->nout].onnx = vi;
	q->out[q->nout].ext_dtype = ext;
	q->out[q->nout].name = xstrdup(G->v[vi]->name);
	q->nout++;
	return 0;
}

static int lower_graph1(struct qgraph *q, const char *skip)
{
	int i;

	for (i = 0; i < G->nn; i++) {
		struct node *n = &G->n[i];
		int before = q->no;

		if (n->dead || skip[i])
			continue;
		if ((is(n, "QuantizeLinear") || is(n, "DequantizeLinear")) && per_axis(q, n)) {
			if (is(n, "QuantizeLinear") ? lw_host_quantize(q, i) : lw_host_dequantize(q, i))
				return -1;
			continue;
		}
		if (is(n, "QuantizeLinear")) {
			double s;
			int32_t z;
			int dt, x = n->in[0], out;

			if (qdq_params(q, n, &s, &z, &dt))
				return -1;
			if (G->v[x]->is_input) {
				if (G->v[x]->dtype != DT_F32) {
					axc_error(G, n, "graph input must be float32");
					return -1;
				}
				if (q->nin >= 16) {
					axc_error(G, n, "too many inputs");
					return -1;
				}
				q->qv_of[n->out[0]] = qg_input(q, x, dt, s, z, AXB_DTYPE_FLOAT32, esize(dt));
				q->node_op[i] = -2;
				continue;
			}
			out = lower_to_q(q, n, x, s, z, dt);
			if (out < 0)
				return -1;
			q->qv_of[n->out[0]] = out;
		} else if (is(n, "DequantizeLinear")) {
			if (G->v[n->in[0]]->is_input) {
				double s;
				int32_t z;
				int dt;

				if (qdq_params(q, n, &s, &z, &dt))
					return -1;
				if (float_src(q, n->out[0], NULL) < 0)
					return -1;
			}
			if (G->v[n->out[0]]->is_output)
				q->node_op[i] = -2;
			continue;
		} else if (is(n, "Cast") || is(n, "Identity")) {
			int x = q->qv_of[n->in[0]];
			struct value *o = G->v[n->out[0]];

			if (x < 0) {
				x = lw_get_q(q, n->in[0]);
				if (x >= 0 && G->v[n->in[0]]->is_const)
					x = -1;
			}
			if (x >= 0) {
				if (q->v[x].dtype == QDT_F32 ? o->dtype != DT_F32 :
				    isa_dtype_of(o->dtype) != q->v[x].dtype) {
					axc_error(G, n, "cast changes the integer type of a quantized tensor");
					return -1;
				}
				q->qv_of[n->out[0]] = x;
			}
			continue;
		} else {
			int r = lower_qop_node(q, i);

			if (r < 0)
				return -1;
		}
		if (q->no > before)
			q->node_op[i] = before;
	}
	for (i = 0; i < G->noutputs; i++) {
		int vi = G->outputs[i];
		const struct node *p = prod(q, vi);
		int qv;

		if (q->qv_of[vi] >= 0 && q->v[q->qv_of[vi]].dtype == QDT_F32) {
			if (set_output(q, vi, q->qv_of[vi], AXB_DTYPE_FLOAT32))
				return -1;
		} else if (p && is(p, "DequantizeLinear")) {
			qv = float_src(q, vi, NULL);
			if (qv < 0) {
				axc_error(G, p, "output '%s' is not quantized", G->v[vi]->name);
				return -1;
			}
			if (set_output(q, vi, qv, AXB_DTYPE_FLOAT32))
				return -1;
		} else if (q->qv_of[vi] >= 0) {
			if (set_output(q, vi, q->qv_of[vi], q->v[q->qv_of[vi]].dtype))
				return -1;
		} else {
			axc_error(G, p, "graph output '%s' is computed in float (no QuantizeLinear/DequantizeLinear at the end)",
				  G->v[vi]->name);
			return -1;
		}
	}
	qg_dce(q);
	return 0;
}

int lower_graph(struct qgraph *q)
{
	char *skip;
	int rc;

	if (host_canonicalize(G) > 0) {
		if (graph_toposort(G))
			return -1;
		graph_count_uses(G);
	}
	skip = xcalloc((size_t)G->nn * 2 + 1, 1);
	ln_prepass(q, skip);
	rc = lower_graph1(q, skip);
	free(skip);
	return rc;
}
