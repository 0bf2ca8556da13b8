// SPDX-License-Identifier: MIT
/*
 * axonc: ONNX import through the protobuf-c bindings generated from
 * Debian's onnx.proto. Everything read from the file is checked: element
 * types, raw_data sizes, dimensions (no negative or huge shapes), names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "onnx.pb-c.h"

#define MAX_ELEMS (INT64_C(1) << 31)

static int supported_dt(int t)
{
	return t == DT_F32 || t == DT_U8 || t == DT_S8 || t == DT_U16 || t == DT_S16 ||
	       t == DT_S32 || t == DT_S64 || t == DT_BOOL || t == DT_F64 ||
	       t == DT_U32 || t == DT_U64;
}

static struct value *convert_tensor(const struct graph *g, const Onnx__TensorProto *t,
				    const char *name)
{
	int64_t dims[MAX_RANK];
	struct value *v;
	int64_t n;
	size_t i, es;
	int dt = t->has_data_type ? t->data_type : 0;

	if (t->n_dims > MAX_RANK) {
		axc_error(g, NULL, "tensor '%s': rank %zu exceeds %d", name, t->n_dims, MAX_RANK);
		return NULL;
	}
	for (i = 0; i < t->n_dims; i++) {
		if (t->dims[i] < 0 || t->dims[i] > MAX_ELEMS) {
			axc_error(g, NULL, "tensor '%s': invalid dimension %lld", name,
				  (long long)t->dims[i]);
			return NULL;
		}
		dims[i] = t->dims[i];
	}
	n = shape_nelem((int)t->n_dims, dims);
	if (n < 0 || n > MAX_ELEMS) {
		axc_error(g, NULL, "tensor '%s': shape too large", name);
		return NULL;
	}
	if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
		axc_error(g, NULL, "tensor '%s': external data is not supported", name);
		return NULL;
	}
	if (!supported_dt(dt)) {
		axc_error(g, NULL, "tensor '%s': unsupported element type %d", name, dt);
		return NULL;
	}
	es = (size_t)dt_size(dt);
	/* check the payload before allocating what the dims claim */
	if (t->has_raw_data ? t->raw_data.len != (size_t)n * es :
	    (uint64_t)n > (uint64_t)t->n_float_data + t->n_int32_data + t->n_int64_data +
			  t->n_double_data + t->n_uint64_data) {
		axc_error(g, NULL, "tensor '%s': %zu data bytes/elements, expected %lld elements",
			  name, t->has_raw_data ? t->raw_data.len :
			  t->n_float_data + t->n_int32_data + t->n_int64_data + t->n_double_data +
			  t->n_uint64_data, (long long)n);
		return NULL;
	}
	v = value_new_const(name, dt, (int)t->n_dims, dims);
	if (t->has_raw_data) {
		if (t->raw_data.len != (size_t)n * es) {
			axc_error(g, NULL, "tensor '%s': raw_data has %zu bytes, expected %lld",
				  name, t->raw_data.len, (long long)n * (long long)es);
			value_free(v);
			return NULL;
		}
		if (n)
			memcpy(v->data, t->raw_data.data, (size_t)n * es);
		return v;
	}
	switch (dt) {
	case DT_F32:
		if ((int64_t)t->n_float_data != n)
			goto bad;
		if (n)
			memcpy(v->data, t->float_data, (size_t)n * 4);
		break;
	case DT_F64:
		if ((int64_t)t->n_double_data != n)
			goto bad;
		if (n)
			memcpy(v->data, t->double_data, (size_t)n * 8);
		break;
	case DT_S64:
		if ((int64_t)t->n_int64_data != n)
			goto bad;
		if (n)
			memcpy(v->data, t->int64_data, (size_t)n * 8);
		break;
	case DT_U32: case DT_U64:
		if ((int64_t)t->n_uint64_data != n)
			goto bad;
		for (i = 0; i < (size_t)n; i++)
			value_set_f(v, (int64_t)i, (double)t->uint64_data[i]);
		break;
	default:	/* int32_data carries all small integer types */
		if ((int64_t)t->n_int32_data != n)
			goto bad;
		for (i = 0; i < (size_t)n; i++)
			value_set_f(v, (int64_t)i, t->int32_data[i]);
		break;
	}
	return v;
bad:
	axc_error(g, NULL, "tensor '%s': element count of the data does not match its shape", name);
	value_free(v);
	return NULL;
}

static int convert_attr(struct graph *g, struct node *n, struct attr *a,
			const Onnx__AttributeProto *p)
{
	size_t i;

	a->name = xstrdup(p->name ? p->name : "");
	switch (p->has_type ? p->type : 0) {
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
		a->type = AT_F;
		a->f = p->f;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
		a->type = AT_I;
		a->i = p->i;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
		a->type = AT_S;
		a->s = xmalloc(p->s.len + 1);
		if (p->s.len)
			memcpy(a->s, p->s.data, p->s.len);
		a->s[p->s.len] = 0;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR:
		if (!p->t) {
			axc_error(g, n, "attribute '%s' has no tensor", a->name);
			return -1;
		}
		a->type = AT_T;
		a->t = convert_tensor(g, p->t, n->name);
		if (!a->t)
			return -1;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
		a->type = AT_FS;
		a->n = (int)p->n_floats;
		a->fs = xcalloc(p->n_floats + 1, sizeof(double));
		for (i = 0; i < p->n_floats; i++)
			a->fs[i] = p->floats[i];
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
		a->type = AT_IS;
		a->n = (int)p->n_ints;
		a->is = xcalloc(p->n_ints + 1, sizeof(int64_t));
		for (i = 0; i < p->n_ints; i++)
			a->is[i] = p->ints[i];
		break;
	default:
		/* graphs, strings lists, sparse tensors: kept as "unknown" */
		a->type = AT_NONE;
		break;
	}
	return 0;
}

static int set_type(struct graph *g, struct value *v, const Onnx__ValueInfoProto *vi, int strict)
{
	const Onnx__TypeProto *tp = vi->type;
	const Onnx__TypeProto__Tensor *tt;
	size_t i;

	if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type) {
		if (strict) {
			axc_error(g, NULL, "graph input/output '%s' is not a tensor", v->name);
			return -1;
		}
		return 0;
	}
	tt = tp->tensor_type;
	if (tt->has_elem_type)
		v->dtype = tt->elem_type;
	if (!tt->shape)
		return 0;
	if (tt->shape->n_dim > MAX_RANK) {
		axc_error(g, NULL, "'%s': rank %zu exceeds %d", v->name, tt->shape->n_dim, MAX_RANK);
		return -1;
	}
	v->rank = (int)tt->shape->n_dim;
	for (i = 0; i < tt->shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];

		if (d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
			if (d->dim_value < 0 || d->dim_value > MAX_ELEMS) {
				axc_error(g, NULL, "'%s': invalid dimension %lld", v->name,
					  (long long)d->dim_value);
				return -1;
			}
			v->dims[i] = d->dim_value;
		} else {
			/* symbolic (batch) dimension: compile for 1 */
			v->dims[i] = strict ? 1 : -1;
		}
	}
	if (strict && shape_nelem(v->rank, v->dims) > MAX_ELEMS) {
		axc_error(g, NULL, "'%s': shape too large", v->name);
		return -1;
	}
	return 0;
}

static struct graph *convert_model(const char *file, const Onnx__ModelProto *m)
{
	struct graph *g = graph_new(file);
	const Onnx__GraphProto *gp = m->graph;
	size_t i, k;

	if (!gp) {
		axc_error(g, NULL, "model has no graph");
		goto fail;
	}
	free(g->name);
	g->name = xstrdup(gp->name ? gp->name : "");
	g->opset = -1;
	for (i = 0; i < m->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *o = m->opset_import[i];
		const char *d = o->domain ? o->domain : "";

		if (!*d || !strcmp(d, "ai.onnx"))
			g->opset = o->has_version ? o->version : 0;
		else if (!strcmp(d, "com.microsoft"))
			g->ms_opset = o->has_version ? o->version : 1;
	}
	if (g->opset < 0) {
		axc_error(g, NULL, "model imports no default-domain opset");
		goto fail;
	}
	if (g->opset < 10 || g->opset > 21) {
		axc_error(g, NULL, "opset %lld is not supported (10 to 17; up to 21 accepted)",
			  (long long)g->opset);
		goto fail;
	}
	for (i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *t = gp->initializer[i];
		const char *name = t->name ? t->name : "";
		struct value *c;
		int vi;

		if (!*name) {
			axc_error(g, NULL, "initializer %zu has no name", i);
			goto fail;
		}
		c = convert_tensor(g, t, name);
		if (!c)
			goto fail;
		vi = graph_value(g, name);
		if (g->v[vi]->is_const) {
			axc_error(g, NULL, "initializer '%s' defined twice", name);
			value_free(c);
			goto fail;
		}
		value_free(g->v[vi]);
		g->v[vi] = c;
	}
	g->inputs = xcalloc(gp->n_input + 1, sizeof(int));
	for (i = 0; i < gp->n_input; i++) {
		const Onnx__ValueInfoProto *vi = gp->input[i];
		int idx;

		if (!vi->name || !*vi->name) {
			axc_error(g, NULL, "graph input %zu has no name", i);
			goto fail;
		}
		idx = graph_value(g, vi->name);
		if (g->v[idx]->is_const)
			continue;	/* initializer listed as input (IR < 4) */
		if (set_type(g, g->v[idx], vi, 1))
			goto fail;
		if (g->v[idx]->rank < 0) {
			axc_error(g, NULL, "graph input '%s' has no shape", vi->name);
			goto fail;
		}
		g->v[idx]->is_input = true;
		g->inputs[g->ninputs++] = idx;
	}
	for (i = 0; i < gp->n_value_info; i++) {
		const Onnx__ValueInfoProto *vi = gp->value_info[i];

		if (vi->name && *vi->name) {
			int idx = graph_value(g, vi->name);

			if (!g->v[idx]->is_const && set_type(g, g->v[idx], vi, 0))
				goto fail;
		}
	}
	for (i = 0; i < gp->n_node; i++) {
		const Onnx__NodeProto *np = gp->node[i];
		char *nm = (np->name && *np->name) ? xstrdup(np->name) :
			xasprintf("%s_%zu", np->op_type ? np->op_type : "node", i);
		int ni = graph_add_node(g, nm, np->op_type ? np->op_type : "",
					np->domain ? np->domain : "", (int)np->n_input, (int)np->n_output);
		struct node *n = &g->n[ni];

		free(nm);
		if (!np->op_type || !*np->op_type) {
			axc_error(g, n, "node has no op_type");
			goto fail;
		}
		for (k = 0; k < np->n_input; k++)
			n->in[k] = (np->input[k] && *np->input[k]) ? graph_value(g, np->input[k]) : -1;
		for (k = 0; k < np->n_output; k++) {
			int vi;

			if (!np->output[k] || !*np->output[k]) {
				n->out[k] = -1;
				continue;
			}
			vi = graph_value(g, np->output[k]);
			if (g->v[vi]->is_const || g->v[vi]->is_input) {
				axc_error(g, n, "output '%s' redefines an initializer or graph input",
					  np->output[k]);
				goto fail;
			}
			for (int j = 0; j < ni; j++)
				for (int o = 0; o < g->n[j].nout; o++)
					if (g->n[j].out[o] == vi) {
						axc_error(g, n, "output '%s' is produced twice", np->output[k]);
						goto fail;
					}
			n->out[k] = vi;
		}
		n->attr = xcalloc(np->n_attribute + 1, sizeof(struct attr));
		n->nattr = (int)np->n_attribute;
		for (k = 0; k < np->n_attribute; k++)
			if (convert_attr(g, n, &n->attr[k], np->attribute[k]))
				goto fail;
	}
	g->outputs = xcalloc(gp->n_output + 1, sizeof(int));
	for (i = 0; i < gp->n_output; i++) {
		const Onnx__ValueInfoProto *vi = gp->output[i];
		int idx;

		if (!vi->name || !*vi->name) {
			axc_error(g, NULL, "graph output %zu has no name", i);
			goto fail;
		}
		idx = graph_find(g, vi->name);
		if (idx < 0) {
			axc_error(g, NULL, "graph output '%s' is never produced (dangling name)", vi->name);
			goto fail;
		}
		set_type(g, g->v[idx], vi, 0);
		g->v[idx]->is_output = true;
		g->outputs[g->noutputs++] = idx;
	}
	if (!g->ninputs || !g->noutputs) {
		axc_error(g, NULL, "graph needs at least one input and one output");
		goto fail;
	}
	if (graph_toposort(g))
		goto fail;
	return g;
fail:
	graph_free(g);
	return NULL;
}

struct graph *import_onnx_buffer(const char *name, const uint8_t *buf, size_t len)
{
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
	struct graph *g;

	if (!m) {
		fprintf(stderr, "axonc: %s: not a valid ONNX model (protobuf parse failed: truncated or corrupt)\n",
			name);
		return NULL;
	}
	g = convert_model(name, m);
	onnx__model_proto__free_unpacked(m, NULL);
	return g;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f) {
		fprintf(stderr, "axonc: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "axonc: %s: read error\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

struct graph *import_onnx(const char *path)
{
	size_t len;
	uint8_t *buf = read_file(path, &len);
	struct graph *g;

	if (!buf)
		return NULL;
	g = import_onnx_buffer(path, buf, len);
	free(buf);
	return g;
}

struct value *import_tensor_file(const char *path)
{
	size_t len;
	uint8_t *buf = read_file(path, &len);
	Onnx__TensorProto *t;
	struct value *v;
	struct graph *g;

	if (!buf)
		return NULL;
	t = onnx__tensor_proto__unpack(NULL, len, buf);
	free(buf);
	if (!t) {
		fprintf(stderr, "axonc: %s: not a TensorProto\n", path);
		return NULL;
	}
	g = graph_new(path);
	v = convert_tensor(g, t, t->name ? t->name : "");
	graph_free(g);
	onnx__tensor_proto__free_unpacked(t, NULL);
	return v;
}
