// SPDX-License-Identifier: MIT
/* axonc: quantized IR construction helpers, dead-op elimination, dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qir.h"
#include <axon/axb_format.h>

struct qgraph *qg_new(struct graph *g)
{
	struct qgraph *q = xcalloc(1, sizeof(*q));
	int i;

	q->g = g;
	q->qv_of = xmalloc(sizeof(int) * ((size_t)g->nv + 1));
	for (i = 0; i < g->nv; i++)
		q->qv_of[i] = -1;
	q->node_op = xmalloc(sizeof(int) * ((size_t)g->nn + 1));
	for (i = 0; i < g->nn; i++)
		q->node_op[i] = -1;
	q->rounding = AXON_ISA_ROUND_SINGLE;
	return q;
}

void qg_free(struct qgraph *q)
{
	int i;

	if (!q)
		return;
	for (i = 0; i < q->nb; i++) {
		free(q->b[i].name);
		free(q->b[i].data);
	}
	for (i = 0; i < q->nv; i++)
		free(q->v[i].name);
	for (i = 0; i < q->no; i++) {
		free(q->o[i].nodes);
		free(q->o[i].op_type);
		free(q->o[i].detail);
	}
	for (i = 0; i < q->nin; i++)
		free(q->in[i].name);
	for (i = 0; i < q->nout; i++)
		free(q->out[i].name);
	free(q->b);
	free(q->v);
	free(q->o);
	free(q->qv_of);
	free(q->node_op);
	free(q);
}

int esize(int dt)
{
	return dt == AXON_ISA_INT16 ? 2 : dt == AXON_ISA_INT32 || dt == QDT_F32 ? 4 : 1;
}

int qtype_min(int dt)
{
	switch (dt) {
	case AXON_ISA_INT8: return -128;
	case AXON_ISA_UINT8: return 0;
	case AXON_ISA_INT16: return -32768;
	default: return INT32_MIN;
	}
}

int qtype_max(int dt)
{
	switch (dt) {
	case AXON_ISA_INT8: return 127;
	case AXON_ISA_UINT8: return 255;
	case AXON_ISA_INT16: return 32767;
	default: return INT32_MAX;
	}
}

int isa_dtype_of(int t)
{
	switch (t) {
	case DT_S8: return AXON_ISA_INT8;
	case DT_U8: return AXON_ISA_UINT8;
	case DT_S16: return AXON_ISA_INT16;
	case DT_S32: return AXON_ISA_INT32;
	default: return 0;
	}
}

int qg_buf(struct qgraph *q, int kind, const char *name, uint64_t size)
{
	struct qbuf *b;

	if (q->nb == q->cap_b) {
		q->cap_b = q->cap_b ? 2 * q->cap_b : 64;
		q->b = xrealloc(q->b, sizeof(*q->b) * (size_t)q->cap_b);
	}
	b = &q->b[q->nb];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->name = xstrdup(name);
	b->size = size ? size : 1;
	b->first = b->last = -1;
	b->alias = -1;
	b->io = -1;
	return q->nb++;
}

int64_t qv_nelem(const struct qval *v)
{
	int64_t n = 1;
	int i;

	for (i = 0; i < v->rank; i++)
		n *= v->dims[i];
	return n;
}

int qv_is_dense(const struct qval *v)
{
	int64_t s = 1;
	int i;

	for (i = v->rank - 1; i >= 0; i--) {
		if (v->dims[i] != 1 && v->strides[i] != s)
			return 0;
		s *= v->dims[i];
	}
	return 1;
}

int qg_val(struct qgraph *q, const char *name, int dtype, double scale, int32_t zp,
	   int rank, const int64_t *dims, int buf, int64_t off, const int64_t *strides)
{
	struct qval *v;
	int i;

	if (q->nv == q->cap_v) {
		q->cap_v = q->cap_v ? 2 * q->cap_v : 64;
		q->v = xrealloc(q->v, sizeof(*q->v) * (size_t)q->cap_v);
	}
	v = &q->v[q->nv];
	memset(v, 0, sizeof(*v));
	v->name = xstrdup(name);
	v->dtype = dtype;
	v->scale = scale;
	v->zp = zp;
	v->rank = rank;
	for (i = 0; i < rank; i++) {
		v->dims[i] = dims[i];
		v->strides[i] = strides[i];
	}
	v->buf = buf;
	v->offset = off;
	v->producer = -1;
	v->onnx = -1;
	return q->nv++;
}

static void dense_strides(int rank, const int64_t *dims, int64_t *st)
{
	int64_t s = 1;
	int i;

	for (i = rank - 1; i >= 0; i--) {
		st[i] = s;
		s *= dims[i];
	}
}

/* a fresh arena tensor; 4-D tensors are laid out NHWC when nhwc is set */
int qg_new_act(struct qgraph *q, const char *name, int dtype, double scale, int32_t zp,
	       int rank, const int64_t *dims, int nhwc)
{
	int64_t st[MAX_RANK], n = 1;
	int i, b;

	for (i = 0; i < rank; i++)
		n *= dims[i];
	dense_strides(rank, dims, st);
	if (nhwc && rank == 4) {
		st[1] = 1;
		st[3] = dims[1];
		st[2] = dims[1] * dims[3];
		st[0] = dims[1] * dims[2] * dims[3];
	}
	b = qg_buf(q, QB_ARENA, name, (uint64_t)n * (uint64_t)esize(dtype));
	return qg_val(q, name, dtype, scale, zp, rank, dims, b, 0, st);
}

int qg_const(struct qgraph *q, const char *name, int dtype, double scale, int32_t zp,
	     int rank, const int64_t *dims, const void *data)
{
	int64_t st[MAX_RANK], n = 1;
	int i, b;

	for (i = 0; i < rank; i++)
		n *= dims[i];
	dense_strides(rank, dims, st);
	b = qg_buf(q, QB_CONST, name, (uint64_t)n * (uint64_t)esize(dtype));
	q->b[b].data = xcalloc((size_t)q->b[b].size, 1);
	memcpy(q->b[b].data, data, (size_t)n * (size_t)esize(dtype));
	return qg_val(q, name, dtype, scale, zp, rank, dims, b, 0, st);
}

/* ONNX graph input vi as a new input buffer (elem bytes per element) and a
 * dense qval of it, registered as model input q->nin; the caller checks
 * that q->nin < 16 */
int qg_input(struct qgraph *q, int vi, int dtype, double scale, int32_t zp, int ext_dtype,
	     int elem)
{
	const struct value *v = q->g->v[vi];
	int64_t st[MAX_RANK], n = 1;
	int i, b, qv;

	for (i = 0; i < v->rank; i++)
		n *= v->dims[i];
	dense_strides(v->rank, v->dims, st);
	b = qg_buf(q, QB_INPUT, v->name, (uint64_t)n * (uint64_t)elem);
	qv = qg_val(q, v->name, dtype, scale, zp, v->rank, v->dims, b, 0, st);
	q->b[b].io = q->nin;
	q->in[q->nin].val = qv;
	q->in[q->nin].onnx = vi;
	q->in[q->nin].ext_dtype = ext_dtype;
	q->in[q->nin].name = xstrdup(v->name);
	q->nin++;
	return qv;
}

int qg_op(struct qgraph *q, int kind, const char *nodes, const char *op_type)
{
	struct qop *o;

	if (q->no == q->cap_o) {
		q->cap_o = q->cap_o ? 2 * q->cap_o : 64;
		q->o = xrealloc(q->o, sizeof(*q->o) * (size_t)q->cap_o);
	}
	o = &q->o[q->no];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->nodes = xstrdup(nodes);
	o->op_type = xstrdup(op_type);
	o->in[0] = o->in[1] = o->in[2] = -1;
	o->out = -1;
	o->aux = -1;
	o->hout[0] = o->hout[1] = -1;
	o->rounding = q->rounding;
	o->stride[0] = o->stride[1] = o->dil[0] = o->dil[1] = 1;
	o->groups = 1;
	o->device = AXB_DEV_CPU;
	return q->no++;
}

const char *qop_name(int kind)
{
	static const char *const n[] = { "conv2d", "matmul", "eltwise", "pool", "lut",
		"softmax", "layernorm", "rescale", "copy", "reduce", "host" };

	return kind >= 0 && kind < Q_NKIND ? n[kind] : "?";
}

int qop_opcode(const struct qop *op)
{
	static const int oc[] = { AXON_OP_CONV2D, AXON_OP_MATMUL, AXON_OP_ELTWISE,
		AXON_OP_POOL, AXON_OP_LUT, AXON_OP_SOFTMAX, AXON_OP_LAYERNORM,
		AXON_OP_RESCALE, AXON_OP_DMA, AXON_OP_REDUCE, AXON_OP_NOP };

	return oc[op->kind];
}

/* remove ops whose results nobody reads */
int qg_dce(struct qgraph *q)
{
	char *needbuf = xcalloc((size_t)q->nb + 1, 1);
	int i, k, changed = 1, removed = 0;

	while (changed) {
		changed = 0;
		memset(needbuf, 0, (size_t)q->nb + 1);
		for (i = 0; i < q->nout; i++)
			needbuf[q->v[q->out[i].val].buf] = 1;
		for (i = 0; i < q->no; i++) {
			if (q->o[i].dead)
				continue;
			for (k = 0; k < 3; k++)
				if (q->o[i].in[k] >= 0)
					needbuf[q->v[q->o[i].in[k]].buf] = 1;
		}
		for (i = q->no - 1; i >= 0; i--) {
			struct qop *o = &q->o[i];

			if (o->dead || needbuf[q->v[o->out].buf])
				continue;
			if (o->kind == Q_HOST && ((o->hout[0] >= 0 && needbuf[q->v[o->hout[0]].buf]) ||
						  (o->hout[1] >= 0 && needbuf[q->v[o->hout[1]].buf])))
				continue;
			o->dead = true;
			changed = 1;
			removed++;
		}
	}
	free(needbuf);
	return removed;
}

static void pval(const struct qgraph *q, int vi)
{
	const struct qval *v = &q->v[vi];
	static const char *const dn[] = { "?", "s8", "u8", "s16", "s32" };
	int i;

	printf("%%%d:%s[", vi, v->dtype == QDT_F32 ? "f32" : dn[v->dtype <= 4 ? v->dtype : 0]);
	for (i = 0; i < v->rank; i++)
		printf("%s%lld", i ? "," : "", (long long)v->dims[i]);
	printf("]");
	if (!qv_is_dense(v)) {
		printf("{");
		for (i = 0; i < v->rank; i++)
			printf("%s%lld", i ? "," : "", (long long)v->strides[i]);
		printf("}");
	}
	printf("@b%d", v->buf);
	if (v->offset)
		printf("+%lld", (long long)v->offset);
	if (v->dtype != AXON_ISA_INT32)
		printf(" s=%.6g z=%d", v->scale, v->zp);
}

void qg_dump(const struct qgraph *q, const char *title)
{
	static const char *const dev[] = { "?", "npu", "dsp", "dpu", "cpu" };
	int i, k, live = 0;

	for (i = 0; i < q->no; i++)
		live += !q->o[i].dead;
	printf("=== IR after %s: %d ops\n", title, live);
	for (i = 0; i < q->nin; i++) {
		printf("  input  ");
		pval(q, q->in[i].val);
		printf("\n");
	}
	for (i = 0; i < q->no; i++) {
		const struct qop *o = &q->o[i];

		if (o->dead)
			continue;
		printf("  #%-3d %-3s %-9s ", i, dev[o->device <= 4 ? o->device : 0], qop_name(o->kind));
		pval(q, o->out);
		printf(" <- ");
		for (k = 0; k < 3; k++)
			if (o->in[k] >= 0) {
				if (k)
					printf(", ");
				pval(q, o->in[k]);
			}
		if (o->act_min != qtype_min(q->v[o->out].dtype) || o->act_max != qtype_max(q->v[o->out].dtype))
			printf(" clamp[%d,%d]", o->act_min, o->act_max);
		if (o->tile_rows)
			printf(" tiles(rows=%d)", o->tile_rows);
		printf("   ; %s\n", o->nodes);
	}
	for (i = 0; i < q->nout; i++) {
		printf("  output ");
		pval(q, q->out[i].val);
		printf("\n");
	}
}
