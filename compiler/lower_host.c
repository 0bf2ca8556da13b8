// SPDX-License-Identifier: MIT
/*
 * axonc: host operations. Some ONNX computations are float by definition
 * and no integer accelerator runs them:
 *   - QuantizeLinear / DequantizeLinear with per-axis (per-channel) scales
 *     at the model boundary (the runtime's I/O conversion is per tensor);
 *   - DynamicQuantizeLinear (the scale is computed from the data at run
 *     time), also in its expanded form (ReduceMin/ReduceMax/.../Round/Cast
 *     feeding a QuantizeLinear), which is recognised and folded back.
 * They become Q_HOST ops, placed on the CPU with reason AXB_REASON_HOST and
 * emitted into host segments (.axb minor 1, struct axb_host_op).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qir.h"

#define G (q->g)

static int is(const struct node *n, const char *op)
{
	return n && !strcmp(n->op, op);
}

static struct node *prodn(const struct graph *g, int vi)
{
	int p = vi >= 0 && vi < g->nv ? g->v[vi]->producer : -1;

	return p >= 0 && !g->n[p].dead ? &g->n[p] : NULL;
}

static int const_is(const struct graph *g, int vi, double want)
{
	const struct value *v = vi >= 0 ? g->v[vi] : NULL;

	return v && v->is_const && v->nelem == 1 && value_get_f(v, 0) == want;
}

/* a float graph input as a QDT_F32 qval (bound as is by the application) */
static int float_input(struct qgraph *q, int vi, const struct node *n)
{
	struct value *v = G->v[vi];
	int qv;

	if (q->qv_of[vi] >= 0)
		return q->qv_of[vi];
	if (!v->is_input || v->dtype != DT_F32) {
		axc_error(G, n, "host operations read float32 graph inputs only ('%s' is computed)",
			  v->name);
		return -1;
	}
	if (q->nin >= 16) {
		axc_error(G, n, "too many inputs");
		return -1;
	}
	qv = qg_input(q, vi, QDT_F32, 1.0, 0, AXB_DTYPE_FLOAT32, 4);
	q->v[qv].onnx = vi;
	return q->qv_of[vi] = qv;
}

/* its results may only leave the model: nothing downstream is per channel */
static int only_outputs(struct qgraph *q, const struct node *n, int vi)
{
	int i, k;

	for (i = 0; i < G->nn; i++) {
		const struct node *u = &G->n[i];

		if (u->dead)
			continue;
		for (k = 0; k < u->nin; k++)
			if (u->in[k] == vi && !is(u, "Identity")) {
				axc_error(G, n, "'%s' (computed on the host) is consumed by %s '%s'; only graph outputs can take it",
					  G->v[vi]->name, u->op, u->name);
				return -1;
			}
	}
	return 0;
}

static int host_op(struct qgraph *q, const struct node *n, int op, int out)
{
	int o = qg_op(q, Q_HOST, n->name, n->op);

	q->o[o].host_op = op;
	q->o[o].out = out;
	q->o[o].channels = q->o[o].inner = 1;
	q->o[o].device = AXB_DEV_CPU;
	q->o[o].reason = AXB_REASON_HOST;
	q->v[out].producer = o;
	q->o[o].act_min = qtype_min(q->v[out].dtype);
	q->o[o].act_max = qtype_max(q->v[out].dtype);
	q->o[o].macs = 0;
	return o;
}

/* per-axis parameters of a Q/DQ node: channels, inner, scale and zp qvals */
static int axis_params(struct qgraph *q, const struct node *n, const struct value *x, int o,
		       int zdt)
{
	const struct value *s = nin(G, n, 1), *z = nin(G, n, 2);
	int axis = (int)attr_i(n, "axis", 1), i;
	int64_t nch, inner = 1, d[1];
	float *sc;

	if (!s || !s->is_const || (z && !z->is_const)) {
		axc_error(G, n, "scale and zero point must be constants");
		return -1;
	}
	if (axis < 0)
		axis += x->rank;
	nch = s->nelem;
	if (nch > 1) {
		if (s->rank != 1 || axis < 0 || axis >= x->rank || x->dims[axis] != nch ||
		    (z && z->nelem != nch)) {
			axc_error(G, n, "per-axis scale of %lld entries does not match axis %d",
				  (long long)nch, axis);
			return -1;
		}
		for (i = axis + 1; i < x->rank; i++)
			inner *= x->dims[i];
	} else if (nch != 1 || (z && z->nelem != 1)) {
		axc_error(G, n, "bad scale / zero point shape");
		return -1;
	}
	if (nch > UINT32_MAX || inner > UINT32_MAX)
		return -1;
	sc = xcalloc((size_t)nch, sizeof(float));
	for (i = 0; i < nch; i++) {
		sc[i] = (float)value_get_f(s, i);
		if (!(sc[i] > 0) || isinf(sc[i])) {
			axc_error(G, n, "scale must be positive and finite");
			free(sc);
			return -1;
		}
	}
	d[0] = nch;
	q->o[o].in[1] = qg_const(q, "host_scale", QDT_F32, 1.0, 0, 1, d, sc);
	free(sc);
	if (z) {
		uint8_t *zb = xcalloc((size_t)nch, 4);

		for (i = 0; i < nch; i++) {
			int64_t v = value_get_i(z, i);

			if (zdt == AXON_ISA_INT32)
				((int32_t *)zb)[i] = (int32_t)v;
			else
				zb[i] = (uint8_t)v;
		}
		q->o[o].in[2] = qg_const(q, "host_zp", zdt, 1.0, 0, 1, d, zb);
		free(zb);
	}
	q->o[o].channels = (uint32_t)nch;
	q->o[o].inner = (uint32_t)inner;
	return 0;
}

/* QuantizeLinear of a float graph input that the runtime cannot do itself */
int lw_host_quantize(struct qgraph *q, int ni)
{
	const struct node *n = &G->n[ni];
	const struct value *x = nin(G, n, 0), *z = nin(G, n, 2);
	int dt = isa_dtype_of(z ? z->dtype : DT_U8), xi, out, o;

	if (dt != AXON_ISA_INT8 && dt != AXON_ISA_UINT8) {
		axc_error(G, n, "only int8/uint8 quantization is supported");
		return -1;
	}
	if (only_outputs(q, n, n->out[0]))
		return -1;
	xi = float_input(q, n->in[0], n);
	if (xi < 0)
		return -1;
	out = qg_new_act(q, n->name, dt, 1.0, 0, x->rank, x->dims, 0);
	o = host_op(q, n, AXB_HOST_QUANTIZE, out);
	q->o[o].in[0] = xi;
	q->o[o].detail = xstrdup("per-channel quantization of a float input: float arithmetic, run on the host");
	if (axis_params(q, n, x, o, dt))
		return -1;
	q->qv_of[n->out[0]] = out;
	q->node_op[ni] = o;
	return 0;
}

/* DequantizeLinear with per-axis parameters whose result leaves the model */
int lw_host_dequantize(struct qgraph *q, int ni)
{
	const struct node *n = &G->n[ni];
	const struct value *x = nin(G, n, 0);
	int xi, out, o;

	if (only_outputs(q, n, n->out[0]))
		return -1;
	xi = lw_get_q(q, n->in[0]);
	if (xi < 0 || (q->v[xi].dtype != AXON_ISA_INT8 && q->v[xi].dtype != AXON_ISA_UINT8 &&
		       q->v[xi].dtype != AXON_ISA_INT32)) {
		axc_error(G, n, "input is not an int8/uint8/int32 tensor");
		return -1;
	}
	if (!qv_is_dense(&q->v[xi]) || q->v[xi].offset) {
		axc_error(G, n, "host operations need dense operands");
		return -1;
	}
	out = qg_new_act(q, n->name, QDT_F32, 1.0, 0, x->rank, x->dims, 0);
	o = host_op(q, n, AXB_HOST_DEQUANTIZE, out);
	q->o[o].in[0] = xi;
	q->o[o].detail = xstrdup("per-channel dequantization of an output: float arithmetic, run on the host");
	if (axis_params(q, n, x, o, q->v[xi].dtype))
		return -1;
	q->qv_of[n->out[0]] = out;
	q->node_op[ni] = o;
	return 0;
}

/* DynamicQuantizeLinear(x) -> y, y_scale, y_zero_point */
int lw_host_dynq(struct qgraph *q, int ni)
{
	const struct node *n = &G->n[ni];
	const struct value *x = nin(G, n, 0);
	int xi, out, o, k;
	int64_t one[1] = { 1 };

	if (!x || n->nout < 1)
		return -1;
	for (k = 0; k < n->nout; k++)
		if (n->out[k] >= 0 && only_outputs(q, n, n->out[k]))
			return -1;
	xi = float_input(q, n->in[0], n);
	if (xi < 0)
		return -1;
	out = qg_new_act(q, n->name, AXON_ISA_UINT8, 1.0, 0, x->rank, x->dims, 0);
	o = host_op(q, n, AXB_HOST_DYNAMIC_QUANTIZE, out);
	q->o[o].in[0] = xi;
	q->o[o].detail = xstrdup("DynamicQuantizeLinear computes its scale from the data in float: run on the host");
	for (k = 1; k < 3; k++) {
		int vi = k < n->nout ? n->out[k] : -1;
		const struct value *ov = vi >= 0 ? G->v[vi] : NULL;
		int hv = qg_new_act(q, ov ? ov->name : "dynq", k == 1 ? QDT_F32 : AXON_ISA_UINT8, 1.0,
				    0, ov && ov->rank >= 0 ? ov->rank : 1, ov && ov->rank > 0 ? ov->dims : one, 0);

		q->v[hv].producer = o;
		q->o[o].hout[k - 1] = hv;
		if (vi >= 0)
			q->qv_of[vi] = hv;
	}
	q->qv_of[n->out[0]] = out;
	q->node_op[ni] = o;
	return 0;
}

/*
 * The expanded DynamicQuantizeLinear (ONNX's function body, as exporters
 * and the *_expanded node tests write it):
 *   lo = Min(ReduceMin(x), 0); hi = Max(ReduceMax(x), 0)
 *   S = Div(Sub(hi, lo), 255)
 *   Z = Cast<uint8>(Round(Clip(Sub(0, Div(lo, S)), 0, 255)))
 *   y = QuantizeLinear(x, S, Z)
 * becomes y, S, Z = DynamicQuantizeLinear(x); the pattern's other nodes
 * are left to dead-code elimination.
 */
static int match_dynq(struct graph *g, struct node *qn)
{
	int x = qn->in[0], s = qn->nin > 1 ? qn->in[1] : -1, z = qn->nin > 2 ? qn->in[2] : -1;
	struct node *div = prodn(g, s), *sub, *hi, *lo, *rmax, *rmin, *cast, *rnd, *clip, *zs, *zd;
	int *outs;

	if (!div || !is(div, "Div") || !const_is(g, div->in[1], 255.0))
		return 0;
	sub = prodn(g, div->in[0]);
	if (!is(sub, "Sub"))
		return 0;
	hi = prodn(g, sub->in[0]);
	lo = prodn(g, sub->in[1]);
	if (!is(hi, "Max") || !is(lo, "Min") || !const_is(g, hi->in[1], 0) ||
	    !const_is(g, lo->in[1], 0))
		return 0;
	rmax = prodn(g, hi->in[0]);
	rmin = prodn(g, lo->in[0]);
	if (!is(rmax, "ReduceMax") || !is(rmin, "ReduceMin") || rmax->in[0] != x ||
	    rmin->in[0] != x || rmax->nin != 1 || rmin->nin != 1 ||
	    attr_i(rmax, "keepdims", 1) || attr_i(rmin, "keepdims", 1) ||
	    node_attr(rmax, "axes") || node_attr(rmin, "axes"))
		return 0;
	cast = prodn(g, z);
	if (!is(cast, "Cast") || attr_i(cast, "to", 0) != DT_U8)
		return 0;
	rnd = prodn(g, cast->in[0]);
	clip = rnd && is(rnd, "Round") ? prodn(g, rnd->in[0]) : NULL;
	if (!is(clip, "Clip") || clip->nin < 3 || !const_is(g, clip->in[1], 0) ||
	    !const_is(g, clip->in[2], 255.0))
		return 0;
	zs = prodn(g, clip->in[0]);
	if (!is(zs, "Sub") || !const_is(g, zs->in[0], 0))
		return 0;
	zd = prodn(g, zs->in[1]);
	if (!is(zd, "Div") || zd->in[0] != lo->out[0] || zd->in[1] != s)
		return 0;
	/* y, S, Z = DynamicQuantizeLinear(x) */
	outs = xcalloc(3, sizeof(int));
	outs[0] = qn->out[0];
	outs[1] = s;
	outs[2] = z;
	free(qn->out);
	qn->out = outs;
	qn->nout = 3;
	qn->nin = 1;
	free(qn->op);
	qn->op = xstrdup("DynamicQuantizeLinear");
	g->v[s]->producer = (int)(qn - g->n);
	g->v[z]->producer = (int)(qn - g->n);
	/* the nodes that computed S and Z: their outputs are now the DQL's */
	div->dead = cast->dead = rnd->dead = clip->dead = zs->dead = zd->dead = true;
	div->out[0] = cast->out[0] = -1;
	return 1;
}

int host_canonicalize(struct graph *g)
{
	int i, n = 0;

	for (i = 0; i < g->nn; i++)
		if (!g->n[i].dead && !strcmp(g->n[i].op, "QuantizeLinear") && g->n[i].nin >= 3 &&
		    g->n[i].in[1] >= 0 && !g->v[g->n[i].in[1]]->is_const)
			n += match_dynq(g, &g->n[i]);
	return n;
}

/* ------------------------------------------------------------------ */
/* emission into a host segment */

#include "emit.h"

static int operand(const struct qgraph *q, const struct emitted *e, int vi,
		   struct axb_host_operand *o)
{
	const struct qval *v;
	uint64_t base;
	int slot;

	if (vi < 0)
		return 0;
	v = &q->v[vi];
	slot = buf_slot(e, q, v->buf, &base);
	if (slot < 0 || !qv_is_dense(v))
		return -1;
	o->slot = (uint32_t)slot;
	o->dtype = (uint32_t)v->dtype;
	o->offset = base - e->slot[slot].va + (uint64_t)v->offset * (uint64_t)esize(v->dtype);
	o->count = (uint64_t)qv_nelem(v);
	return 0;
}

int host_emit(const struct qgraph *q, const struct emitted *e, struct eseg *sg, int oi)
{
	const struct qop *o = &q->o[oi];
	struct axb_host_op h;
	size_t words = sizeof(h) / 4;
	int k;

	if (o->kind != Q_HOST)
		return -1;
	memset(&h, 0, sizeof(h));
	h.op = (uint32_t)o->host_op;
	h.channels = o->channels;
	h.inner = o->inner;
	for (k = 0; k < 3; k++)
		if (operand(q, e, o->in[k], &h.in[k]))
			return -1;
	if (operand(q, e, o->out, &h.out[0]) || operand(q, e, o->hout[0], &h.out[1]) ||
	    operand(q, e, o->hout[1], &h.out[2]))
		return -1;
	if (sg->nwords + words > sg->cap) {
		sg->cap = (sg->nwords + words) * 2 + 64;
		sg->words = xrealloc(sg->words, sg->cap * 4);
	}
	memcpy(sg->words + sg->nwords, &h, sizeof(h));
	sg->nwords += words;
	if (sg->npackets == sg->cap_d) {
		sg->cap_d = sg->cap_d ? 2 * sg->cap_d : 64;
		sg->dbg_op = xrealloc(sg->dbg_op, sizeof(int) * (size_t)sg->cap_d);
	}
	sg->dbg_op[sg->npackets++] = oi;
	return 0;
}
