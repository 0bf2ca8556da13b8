// SPDX-License-Identifier: MIT
/* In-memory ONNX model builder for tests (see onnx_builder.h). */
#include <stdlib.h>
#include <string.h>

#include "onnx_builder.h"

static void **allocs;
static size_t nallocs, cap_allocs;

void *mb_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	if (nallocs == cap_allocs) {
		cap_allocs = cap_allocs ? 2 * cap_allocs : 256;
		allocs = realloc(allocs, cap_allocs * sizeof(*allocs));
		if (!allocs)
			abort();
	}
	allocs[nallocs++] = p;
	return p;
}

char *mb_str(const char *s)
{
	char *p = mb_alloc(strlen(s) + 1);

	memcpy(p, s, strlen(s));
	return p;
}

void mb_free_all(void)
{
	size_t i;

	for (i = 0; i < nallocs; i++)
		free(allocs[i]);
	free(allocs);
	allocs = NULL;
	nallocs = cap_allocs = 0;
}

Onnx__TensorProto *mb_tensor(const char *name, int dt, int rank, const int64_t *dims,
			     const void *raw, size_t rawlen)
{
	Onnx__TensorProto *t = mb_alloc(sizeof(*t));

	onnx__tensor_proto__init(t);
	t->name = mb_str(name);
	t->has_data_type = 1;
	t->data_type = dt;
	t->n_dims = (size_t)rank;
	t->dims = mb_alloc(sizeof(int64_t) * MB_MAX);
	if (rank)
		memcpy(t->dims, dims, sizeof(int64_t) * (size_t)rank);
	t->has_raw_data = 1;
	t->raw_data.len = rawlen;
	t->raw_data.data = mb_alloc(rawlen);
	if (raw)
		memcpy(t->raw_data.data, raw, rawlen);
	return t;
}

Onnx__NodeProto *mb_node(const char *name, const char *op, int nin, const char *const *ins,
			 int nout, const char *const *outs)
{
	Onnx__NodeProto *n = mb_alloc(sizeof(*n));
	int i;

	onnx__node_proto__init(n);
	n->name = mb_str(name);
	n->op_type = mb_str(op);
	n->input = mb_alloc(sizeof(char *) * MB_MAX);
	n->output = mb_alloc(sizeof(char *) * MB_MAX);
	n->attribute = mb_alloc(sizeof(void *) * MB_MAX);
	for (i = 0; i < nin; i++)
		n->input[n->n_input++] = mb_str(ins[i]);
	for (i = 0; i < nout; i++)
		n->output[n->n_output++] = mb_str(outs[i]);
	return n;
}

static Onnx__AttributeProto *new_attr(Onnx__NodeProto *n, const char *name)
{
	Onnx__AttributeProto *a = mb_alloc(sizeof(*a));

	onnx__attribute_proto__init(a);
	a->name = mb_str(name);
	a->has_type = 1;
	if (n->n_attribute < MB_MAX)
		n->attribute[n->n_attribute++] = a;
	return a;
}

Onnx__AttributeProto *mb_attr_ints(Onnx__NodeProto *n, const char *name, int cnt, const int64_t *v)
{
	Onnx__AttributeProto *a = new_attr(n, name);

	a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
	a->ints = mb_alloc(sizeof(int64_t) * MB_MAX);
	a->n_ints = (size_t)cnt;
	memcpy(a->ints, v, sizeof(int64_t) * (size_t)cnt);
	return a;
}

Onnx__AttributeProto *mb_attr_int(Onnx__NodeProto *n, const char *name, int64_t v)
{
	Onnx__AttributeProto *a = new_attr(n, name);

	a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
	a->has_i = 1;
	a->i = v;
	return a;
}

Onnx__ValueInfoProto *mb_vi(const char *name, int elem, int rank, const int64_t *dims)
{
	Onnx__ValueInfoProto *v = mb_alloc(sizeof(*v));
	Onnx__TypeProto *tp = mb_alloc(sizeof(*tp));
	Onnx__TypeProto__Tensor *tt = mb_alloc(sizeof(*tt));
	Onnx__TensorShapeProto *sh = mb_alloc(sizeof(*sh));
	int i;

	onnx__value_info_proto__init(v);
	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(tt);
	onnx__tensor_shape_proto__init(sh);
	v->name = mb_str(name);
	v->type = tp;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	tt->has_elem_type = 1;
	tt->elem_type = elem;
	tt->shape = sh;
	sh->dim = mb_alloc(sizeof(void *) * MB_MAX);
	for (i = 0; i < rank; i++) {
		Onnx__TensorShapeProto__Dimension *d = mb_alloc(sizeof(*d));

		onnx__tensor_shape_proto__dimension__init(d);
		d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		d->dim_value = dims[i];
		sh->dim[sh->n_dim++] = d;
	}
	return v;
}

void mb_add_node(Onnx__GraphProto *g, Onnx__NodeProto *n)
{
	if (g->n_node < MB_MAX)
		g->node[g->n_node++] = n;
}

void mb_add_init(Onnx__GraphProto *g, Onnx__TensorProto *t)
{
	if (g->n_initializer < MB_MAX)
		g->initializer[g->n_initializer++] = t;
}

Onnx__TensorProto *mb_find_init(Onnx__GraphProto *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n_initializer; i++)
		if (!strcmp(g->initializer[i]->name, name))
			return g->initializer[i];
	return NULL;
}

Onnx__NodeProto *mb_find_node(Onnx__GraphProto *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n_node; i++)
		if (!strcmp(g->node[i]->name, name))
			return g->node[i];
	return NULL;
}

Onnx__AttributeProto *mb_find_attr(Onnx__NodeProto *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->n_attribute; i++)
		if (!strcmp(n->attribute[i]->name, name))
			return n->attribute[i];
	return NULL;
}

static Onnx__ModelProto *new_model(Onnx__GraphProto **gp)
{
	Onnx__ModelProto *m = mb_alloc(sizeof(*m));
	Onnx__GraphProto *g = mb_alloc(sizeof(*g));
	Onnx__OperatorSetIdProto *op = mb_alloc(sizeof(*op));

	onnx__model_proto__init(m);
	onnx__graph_proto__init(g);
	onnx__operator_set_id_proto__init(op);
	m->has_ir_version = 1;
	m->ir_version = 8;
	op->domain = mb_str("");
	op->has_version = 1;
	op->version = 13;
	m->opset_import = mb_alloc(sizeof(void *) * MB_MAX);
	m->opset_import[m->n_opset_import++] = op;
	m->producer_name = mb_str("axon-tests");
	m->graph = g;
	g->name = mb_str("g");
	g->node = mb_alloc(sizeof(void *) * MB_MAX);
	g->initializer = mb_alloc(sizeof(void *) * MB_MAX);
	g->input = mb_alloc(sizeof(void *) * MB_MAX);
	g->output = mb_alloc(sizeof(void *) * MB_MAX);
	*gp = g;
	return m;
}

static void scalar_inits(Onnx__GraphProto *g, const char *s_name, float s, const char *zp_name,
			 int zp_dt, int zp)
{
	uint8_t z = (uint8_t)zp;

	mb_add_init(g, mb_tensor(s_name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 0, NULL, &s, 4));
	mb_add_init(g, mb_tensor(zp_name, zp_dt, 0, NULL, &z, 1));
}

Onnx__ModelProto *mb_conv_model(int64_t c, int64_t h, int64_t w)
{
	return mb_conv_model_ex(c, h, w, 1, 1, 1, 1);
}

Onnx__ModelProto *mb_conv_model_ex(int64_t c, int64_t h, int64_t w, int64_t group, int64_t stride,
				   int64_t dil, int64_t pad)
{
	Onnx__GraphProto *g;
	Onnx__ModelProto *m = new_model(&g);
	int64_t oh = (h + 2 * pad - dil * 2 - 1) / stride + 1, ow = (w + 2 * pad - dil * 2 - 1) / stride + 1;
	int64_t xd[4] = { 1, c, h, w }, yd[4] = { 1, c, oh, ow }, wd[4] = { c, c / group, 3, 3 };
	int64_t bd[1] = { c }, ks[2] = { 3, 3 }, pads[4] = { pad, pad, pad, pad };
	int64_t st[2] = { stride, stride }, dl[2] = { dil, dil };
	size_t nw = (size_t)(c * (c / group) * 9), i;
	int8_t *wt = mb_alloc(nw);
	int32_t *b = mb_alloc(sizeof(int32_t) * (size_t)c);
	const char *qi[] = { "x", "x_s", "x_zp" }, *qo[] = { "xq" };
	const char *ci[] = { "xq", "x_s", "x_zp", "w", "w_s", "w_zp", "y_s", "y_zp", "b" };
	const char *co[] = { "yq" }, *di[] = { "yq", "y_s", "y_zp" }, *dout[] = { "y" };
	Onnx__NodeProto *n;

	for (i = 0; i < nw; i++)
		wt[i] = (int8_t)((i * 37) % 255 - 127);
	for (i = 0; i < (size_t)c; i++)
		b[i] = (int32_t)(i * 100) - 50;
	g->input[g->n_input++] = mb_vi("x", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 4, xd);
	g->output[g->n_output++] = mb_vi("y", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 4, yd);
	scalar_inits(g, "x_s", 0.02f, "x_zp", ONNX__TENSOR_PROTO__DATA_TYPE__UINT8, 128);
	scalar_inits(g, "y_s", 0.05f, "y_zp", ONNX__TENSOR_PROTO__DATA_TYPE__UINT8, 120);
	scalar_inits(g, "w_s", 0.003f, "w_zp", ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 0);
	mb_add_init(g, mb_tensor("w", ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 4, wd, wt, nw));
	mb_add_init(g, mb_tensor("b", ONNX__TENSOR_PROTO__DATA_TYPE__INT32, 1, bd, b,
				 sizeof(int32_t) * (size_t)c));
	mb_add_node(g, mb_node("q", "QuantizeLinear", 3, qi, 1, qo));
	n = mb_node("conv", "QLinearConv", 9, ci, 1, co);
	mb_attr_ints(n, "kernel_shape", 2, ks);
	mb_attr_ints(n, "pads", 4, pads);
	mb_attr_ints(n, "strides", 2, st);
	if (dil != 1)
		mb_attr_ints(n, "dilations", 2, dl);
	mb_attr_int(n, "group", group);
	mb_add_node(g, n);
	mb_add_node(g, mb_node("dq", "DequantizeLinear", 3, di, 1, dout));
	return m;
}

Onnx__ModelProto *mb_matmul_model(int64_t k, int64_t nn)
{
	Onnx__GraphProto *g;
	Onnx__ModelProto *m = new_model(&g);
	int64_t xd[2] = { 1, k }, wd[2] = { k, nn }, bd[1] = { nn }, yd[2] = { 1, nn };
	size_t nw = (size_t)(k * nn), i;
	int8_t *wt = mb_alloc(nw);
	int32_t *b = mb_alloc(sizeof(int32_t) * (size_t)nn);
	const char *q1[] = { "x", "x_s", "x_zp" }, *q1o[] = { "xq" };
	const char *d1[] = { "xq", "x_s", "x_zp" }, *d1o[] = { "xf" };
	const char *dw[] = { "w", "w_s", "w_zp" }, *dwo[] = { "wf" };
	const char *db[] = { "b", "b_s", "b_zp" }, *dbo[] = { "bf" };
	const char *mm[] = { "xf", "wf" }, *mmo[] = { "mm" };
	const char *ad[] = { "mm", "bf" }, *ado[] = { "yf" };
	const char *q2[] = { "mm", "y_s", "y_zp" }, *q2o[] = { "yq" };
	const char *d2[] = { "yq", "y_s", "y_zp" }, *d2o[] = { "y" };

	for (i = 0; i < nw; i++)
		wt[i] = (int8_t)((i * 53) % 251 - 125);
	for (i = 0; i < (size_t)nn; i++)
		b[i] = (int32_t)(i * 7) - 20;
	g->input[g->n_input++] = mb_vi("x", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, xd);
	g->output[g->n_output++] = mb_vi("y", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, yd);
	scalar_inits(g, "x_s", 0.02f, "x_zp", ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 0);
	scalar_inits(g, "y_s", 0.1f, "y_zp", ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 3);
	scalar_inits(g, "w_s", 0.004f, "w_zp", ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 0);
	{
		float bs = 0.02f * 0.004f;
		int32_t bz = 0;

		mb_add_init(g, mb_tensor("b_s", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 0, NULL, &bs, 4));
		mb_add_init(g, mb_tensor("b_zp", ONNX__TENSOR_PROTO__DATA_TYPE__INT32, 0, NULL, &bz, 4));
	}
	mb_add_init(g, mb_tensor("w", ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 2, wd, wt, nw));
	mb_add_init(g, mb_tensor("b", ONNX__TENSOR_PROTO__DATA_TYPE__INT32, 1, bd, b,
				 sizeof(int32_t) * (size_t)nn));
	mb_add_node(g, mb_node("q_in", "QuantizeLinear", 3, q1, 1, q1o));
	mb_add_node(g, mb_node("dq_in", "DequantizeLinear", 3, d1, 1, d1o));
	mb_add_node(g, mb_node("dq_w", "DequantizeLinear", 3, dw, 1, dwo));
	mb_add_node(g, mb_node("matmul", "MatMul", 2, mm, 1, mmo));
	(void)db; (void)dbo; (void)ad; (void)ado;	/* bias: see the header */
	mb_add_node(g, mb_node("q_out", "QuantizeLinear", 3, q2, 1, q2o));
	mb_add_node(g, mb_node("dq_out", "DequantizeLinear", 3, d2, 1, d2o));
	return m;
}

uint8_t *mb_pack(const Onnx__ModelProto *m, size_t *len)
{
	size_t n = onnx__model_proto__get_packed_size(m);
	uint8_t *b = malloc(n ? n : 1);

	if (!b)
		abort();
	*len = onnx__model_proto__pack(m, b);
	return b;
}
