// SPDX-License-Identifier: MIT
/*
 * axonc emission: one op of the quantized IR -> its ISA packet (operand
 * tensors as 4-D views with relocations, requantization tables, the op's
 * parameters).
 */
#include <stddef.h>
#include <string.h>

#include "emit_packet.h"

/* fill an ISA tensor for qval vi with explicit 4-D dims/strides */
static int tensor(struct pk *p, size_t field, const struct emitted *e, const struct qgraph *q,
		  int vi, const int64_t *d, const int64_t *s)
{
	struct axon_isa_tensor t;
	const struct qval *v = &q->v[vi];
	uint64_t base;
	int slot = buf_slot(e, q, v->buf, &base), i;

	if (slot < 0)
		return -1;
	memset(&t, 0, sizeof(t));
	t.addr = base + (uint64_t)v->offset * (uint64_t)esize(v->dtype);
	t.loc = AXON_ISA_LOC_VA;
	t.dtype = (uint8_t)v->dtype;
	t.zero_point = v->dtype == AXON_ISA_INT32 ? 0 : v->zp;
	for (i = 0; i < 4; i++) {
		if (d[i] < 1 || d[i] > UINT32_MAX || s[i] < 0 || s[i] > UINT32_MAX)
			return -1;
		t.dims[i] = (uint32_t)d[i];
		t.strides[i] = d[i] == 1 ? 0 : (uint32_t)s[i];
	}
	memcpy(p->buf + field, &t, sizeof(t));
	p->roff[p->nrel] = (uint32_t)(field + offsetof(struct axon_isa_tensor, addr));
	p->rslot[p->nrel++] = slot;
	return 0;
}

static void table_addr(struct pk *p, size_t field, const struct emitted *e,
		       const struct qgraph *q, int b)
{
	uint64_t base = 0;
	int slot = buf_slot(e, q, b, &base);

	memcpy(p->buf + field, &base, 8);
	p->roff[p->nrel] = (uint32_t)field;
	p->rslot[p->nrel++] = slot;
}

/*
 * Collapse an elementwise iteration space to at most 4 dims. views[k] are
 * aligned to the output rank (broadcast dims get stride 0). keep_last keeps
 * the innermost dim separate (row operations).
 */
static int collapse(const struct qgraph *q, int nv, const int *vis, int keep_last,
		    int64_t od[4], int64_t os[][4])
{
	const struct qval *out = &q->v[vis[0]];
	int r = out->rank, i, k, n = 0;
	int64_t st[3][MAX_RANK], gd[MAX_RANK], gs[3][MAX_RANK];

	for (k = 0; k < nv; k++) {
		const struct qval *v = &q->v[vis[k]];

		for (i = 0; i < r; i++) {
			int j = i - (r - v->rank);

			st[k][i] = (j < 0 || v->dims[j] == 1) ? 0 : v->strides[j];
			if (j >= 0 && v->dims[j] != 1 && v->dims[j] != out->dims[i])
				return -1;
		}
	}
	/* innermost first */
	for (i = r - 1; i >= 0; i--) {
		int merge = n > 0;

		if (out->dims[i] == 1 && !(keep_last && i == r - 1))
			continue;
		if (keep_last && n == 1)
			merge = 0;
		for (k = 0; k < nv && merge; k++)
			if (st[k][i] != gs[k][n - 1] * gd[n - 1])
				merge = 0;
		if (merge) {
			gd[n - 1] *= out->dims[i];
			continue;
		}
		if (n == MAX_RANK)
			return -1;
		gd[n] = out->dims[i];
		for (k = 0; k < nv; k++)
			gs[k][n] = st[k][i];
		n++;
	}
	if (keep_last && n == 0) {
		gd[0] = 1;
		for (k = 0; k < nv; k++)
			gs[k][0] = 0;
		n = 1;
	}
	if (n > 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int g = 3 - i;	/* od[3] innermost = group 0 */

		od[i] = g < n ? gd[g] : 1;
		for (k = 0; k < nv; k++)
			os[k][i] = g < n ? gs[k][g] : 0;
	}
	return 0;
}

static void nhwc(const struct qval *v, int64_t d[4], int64_t s[4])
{
	d[0] = v->dims[0]; s[0] = v->strides[0];
	d[1] = v->dims[2]; s[1] = v->strides[2];
	d[2] = v->dims[3]; s[2] = v->strides[3];
	d[3] = v->dims[1]; s[3] = v->strides[1];
}

static void dense4(const struct qval *v, int64_t d[4], int64_t s[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		int j = i - (4 - v->rank);

		d[i] = j >= 0 ? v->dims[j] : 1;
		s[i] = j >= 0 ? v->strides[j] : 0;
	}
}

static void rqtab(struct pk *p, size_t field, const struct emitted *e, const struct qgraph *q,
		  const struct qop *o)
{
	struct axon_isa_rqtab t;

	memset(&t, 0, sizeof(t));
	memcpy(p->buf + field, &t, sizeof(t));
	table_addr(p, field + offsetof(struct axon_isa_rqtab, addr), e, q, o->aux);
	memcpy(&t, p->buf + field, sizeof(t));
	t.loc = AXON_ISA_LOC_VA;
	t.rounding = (uint8_t)o->rounding;
	t.count = (uint32_t)(o->aux_count ? o->aux_count : 1);
	memcpy(p->buf + field, &t, sizeof(t));
}

/* matmul operand: last 4 dims of a view aligned to the output rank */
static int mm_operand(const struct qval *v, const struct qval *out, int is_b_const,
		      int64_t d[4], int64_t s[4])
{
	int r = out->rank, i;

	if (is_b_const) {
		d[0] = d[1] = 1;
		s[0] = s[1] = 0;
		d[2] = v->dims[v->rank - 2];
		d[3] = v->dims[v->rank - 1];
		s[2] = v->strides[v->rank - 2];
		s[3] = v->strides[v->rank - 1];
		return 0;
	}
	for (i = 0; i < r - 4; i++)
		if (out->dims[i] != 1)
			return -1;
	for (i = 0; i < 4; i++) {
		int oi = i - (4 - r), j = oi - (r - v->rank);

		if (oi < 0 || j < 0) {
			d[i] = 1;
			s[i] = 0;
			if (i < 2 && oi >= 0)
				d[i] = out->dims[oi];
			continue;
		}
		d[i] = v->dims[j];
		s[i] = v->strides[j];
		if (i < 2 && d[i] == 1 && out->dims[oi] != 1) {
			d[i] = out->dims[oi];
			s[i] = 0;
		}
	}
	return 0;
}

int emit_op(struct qgraph *q, struct emitted *e, struct eseg *sg, int oi)
{
	struct qop *o = &q->o[oi];
	struct pk p;
	int64_t d[4], s[4], d2[4], s2[4], od[4], os[3][4];
	int vis[3];

	memset(&p, 0, sizeof(p));
	switch (o->kind) {
	case Q_CONV: {
		struct axon_isa_conv2d *c = (void *)p.buf;

		p.size = sizeof(*c);
		nhwc(&q->v[o->in[0]], d, s);
		if (tensor(&p, offsetof(struct axon_isa_conv2d, in), e, q, o->in[0], d, s))
			return -1;
		dense4(&q->v[o->in[1]], d, s);
		tensor(&p, offsetof(struct axon_isa_conv2d, weight), e, q, o->in[1], d, s);
		dense4(&q->v[o->in[2]], d, s);
		tensor(&p, offsetof(struct axon_isa_conv2d, bias), e, q, o->in[2], d, s);
		nhwc(&q->v[o->out], d, s);
		if (tensor(&p, offsetof(struct axon_isa_conv2d, out), e, q, o->out, d, s))
			return -1;
		rqtab(&p, offsetof(struct axon_isa_conv2d, rq), e, q, o);
		c->stride_h = (uint16_t)o->stride[0];
		c->stride_w = (uint16_t)o->stride[1];
		c->dilation_h = (uint16_t)o->dil[0];
		c->dilation_w = (uint16_t)o->dil[1];
		c->pad_top = (uint16_t)o->pad[0];
		c->pad_left = (uint16_t)o->pad[1];
		c->pad_bottom = (uint16_t)o->pad[2];
		c->pad_right = (uint16_t)o->pad[3];
		c->groups = (uint32_t)o->groups;
		c->act_min = o->act_min;
		c->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_CONV2D);
	}
	case Q_MATMUL: {
		struct axon_isa_matmul *m = (void *)p.buf;
		const struct qval *out = &q->v[o->out];
		const struct qval *bv = &q->v[o->in[1]];
		/* constant weights shared by every batch; a batched constant
		 * (QLinearMatMul with a 3-D B) is addressed like an activation */
		int bconst = q->b[bv->buf].kind == QB_CONST &&
			     qv_nelem(bv) == bv->dims[bv->rank - 2] * bv->dims[bv->rank - 1];

		p.size = sizeof(*m);
		if (mm_operand(&q->v[o->in[0]], out, 0, d, s) ||
		    tensor(&p, offsetof(struct axon_isa_matmul, a), e, q, o->in[0], d, s))
			return -1;
		if (mm_operand(&q->v[o->in[1]], out, bconst, d, s) ||
		    tensor(&p, offsetof(struct axon_isa_matmul, b), e, q, o->in[1], d, s))
			return -1;
		dense4(&q->v[o->in[2]], d, s);
		tensor(&p, offsetof(struct axon_isa_matmul, bias), e, q, o->in[2], d, s);
		if (mm_operand(out, out, 0, d, s) ||
		    tensor(&p, offsetof(struct axon_isa_matmul, out), e, q, o->out, d, s))
			return -1;
		rqtab(&p, offsetof(struct axon_isa_matmul, rq), e, q, o);
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_MATMUL);
	}
	case Q_POOL: {
		struct axon_isa_pool *m = (void *)p.buf;

		p.size = sizeof(*m);
		nhwc(&q->v[o->in[0]], d, s);
		nhwc(&q->v[o->out], d2, s2);
		if (tensor(&p, offsetof(struct axon_isa_pool, in), e, q, o->in[0], d, s) ||
		    tensor(&p, offsetof(struct axon_isa_pool, out), e, q, o->out, d2, s2))
			return -1;
		rqtab(&p, offsetof(struct axon_isa_pool, rq), e, q, o);
		m->hdr.flags = o->count_pad ? AXON_ISA_F_COUNT_PAD : 0;
		m->kind = (uint8_t)o->pool_kind;
		m->kernel_h = (uint16_t)o->kernel[0];
		m->kernel_w = (uint16_t)o->kernel[1];
		m->stride_h = (uint16_t)o->stride[0];
		m->stride_w = (uint16_t)o->stride[1];
		m->pad_top = (uint16_t)o->pad[0];
		m->pad_left = (uint16_t)o->pad[1];
		m->pad_bottom = (uint16_t)o->pad[2];
		m->pad_right = (uint16_t)o->pad[3];
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_POOL);
	}
	case Q_REDUCE: {
		/* ONNX axes of a rank <= 4 input, right-aligned to the ISA's 4-D;
		 * o->axis_mask holds the 4-D bits; out keeps 1 in reduced dims */
		struct axon_isa_reduce *m = (void *)p.buf;
		const struct qval *iv = &q->v[o->in[0]], *ov = &q->v[o->out];
		int i, j = ov->rank - 1, pad = 4 - iv->rank, keep = ov->rank == iv->rank;

		if (iv->rank > 4)
			return -1;
		for (i = 3; i >= 0; i--) {
			int red = o->axis_mask & (1 << i);

			d[i] = i < pad ? 1 : iv->dims[i - pad];
			s[i] = i < pad ? 0 : iv->strides[i - pad];
			d2[i] = red ? 1 : d[i];
			s2[i] = 0;
			if (i < pad || red)
				continue;
			if (keep) {	/* keepdims=1 */
				s2[i] = ov->strides[i - pad];
				continue;
			}
			if (j < 0 || ov->dims[j] != d2[i])	/* keepdims=0: dims dropped */
				return -1;
			s2[i] = ov->strides[j--];
		}
		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_reduce, in), e, q, o->in[0], d, s) ||
		    tensor(&p, offsetof(struct axon_isa_reduce, out), e, q, o->out, d2, s2))
			return -1;
		m->kind = (uint8_t)o->reduce_kind;
		m->axis_mask = (uint8_t)o->axis_mask;
		m->rounding = (uint8_t)o->rounding;
		m->rq.multiplier = o->rq_out.m;
		m->rq.shift = o->rq_out.s;
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_REDUCE);
	}
	default:
		break;
	}
	vis[0] = o->out;
	vis[1] = o->in[0];
	vis[2] = o->in[1];
	if (collapse(q, o->kind == Q_ELT ? 3 : 2, vis, o->kind == Q_SOFTMAX || o->kind == Q_LAYERNORM,
		     od, os))
		return -1;
	switch (o->kind) {
	case Q_ELT: {
		struct axon_isa_eltwise *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_eltwise, a), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_eltwise, b), e, q, o->in[1], od, os[2]) ||
		    tensor(&p, offsetof(struct axon_isa_eltwise, out), e, q, o->out, od, os[0]))
			return -1;
		m->op = (uint8_t)o->elt_op;
		m->rounding = (uint8_t)o->rounding;
		m->left_shift = (uint8_t)o->left_shift;
		m->rq_a.multiplier = o->rq_a.m;
		m->rq_a.shift = o->rq_a.s;
		m->rq_b.multiplier = o->rq_b.m;
		m->rq_b.shift = o->rq_b.s;
		m->rq_out.multiplier = o->rq_out.m;
		m->rq_out.shift = o->rq_out.s;
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_ELTWISE);
	}
	case Q_LUT: {
		struct axon_isa_lut *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_lut, in), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_lut, out), e, q, o->out, od, os[0]))
			return -1;
		table_addr(&p, offsetof(struct axon_isa_lut, table), e, q, o->aux);
		m->table_loc = AXON_ISA_LOC_VA;
		return finish(q, e, sg, &p, oi, AXON_OP_LUT);
	}
	case Q_SOFTMAX: {
		struct axon_isa_softmax *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_softmax, in), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_softmax, out), e, q, o->out, od, os[0]))
			return -1;
		table_addr(&p, offsetof(struct axon_isa_softmax, table), e, q, o->aux);
		m->table_loc = AXON_ISA_LOC_VA;
		m->out_mult = o->out_mult;
		return finish(q, e, sg, &p, oi, AXON_OP_SOFTMAX);
	}
	case Q_LAYERNORM: {
		struct axon_isa_layernorm *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_layernorm, in), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_layernorm, out), e, q, o->out, od, os[0]))
			return -1;
		table_addr(&p, offsetof(struct axon_isa_layernorm, params), e, q, o->aux);
		m->params_loc = AXON_ISA_LOC_VA;
		m->rounding = (uint8_t)o->rounding;
		m->eps_term = o->eps_term;
		m->z_bits = (uint8_t)(o->z_bits == 11 ? 0 : o->z_bits);
		m->rq.multiplier = o->rq_out.m;
		m->rq.shift = o->rq_out.s;
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_LAYERNORM);
	}
	case Q_RESCALE: {
		struct axon_isa_rescale *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_rescale, in), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_rescale, out), e, q, o->out, od, os[0]))
			return -1;
		m->rounding = (uint8_t)o->rounding;
		m->rq.multiplier = o->rq_out.m;
		m->rq.shift = o->rq_out.s;
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_RESCALE);
	}
	case Q_COPY: {
		p.size = sizeof(struct axon_isa_dma);
		if (tensor(&p, offsetof(struct axon_isa_dma, src), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_dma, dst), e, q, o->out, od, os[0]))
			return -1;
		return finish(q, e, sg, &p, oi, AXON_OP_DMA);
	}
	default:
		return -1;
	}
}
