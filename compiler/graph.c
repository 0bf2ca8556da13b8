// SPDX-License-Identifier: MIT
/* axonc: ONNX-level IR helpers, topological order, dump. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

int axc_verbose;

void axc_error(const struct graph *g, const struct node *n, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "axonc: %s", g && g->file ? g->file : "<model>");
	if (n)
		fprintf(stderr, ": node '%s' (%s)", n->name ? n->name : "", n->op ? n->op : "?");
	fprintf(stderr, ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "axonc: out of memory\n");
		exit(2);
	}
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p) {
		fprintf(stderr, "axonc: out of memory\n");
		exit(2);
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "axonc: out of memory\n");
		exit(2);
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t l = strlen(s ? s : "");
	char *p = xmalloc(l + 1);

	memcpy(p, s ? s : "", l + 1);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

struct graph *graph_new(const char *file)
{
	struct graph *g = xcalloc(1, sizeof(*g));

	g->file = xstrdup(file);
	g->name = xstrdup("");
	return g;
}

void value_free(struct value *v)
{
	if (!v)
		return;
	free(v->name);
	free(v->data);
	free(v);
}

void graph_free(struct graph *g)
{
	int i, k;

	if (!g)
		return;
	for (i = 0; i < g->nv; i++)
		value_free(g->v[i]);
	for (i = 0; i < g->nn; i++) {
		struct node *n = &g->n[i];

		free(n->name);
		free(n->op);
		free(n->domain);
		free(n->in);
		free(n->out);
		for (k = 0; k < n->nattr; k++) {
			free(n->attr[k].name);
			free(n->attr[k].s);
			free(n->attr[k].fs);
			free(n->attr[k].is);
			value_free(n->attr[k].t);
		}
		free(n->attr);
	}
	free(g->v);
	free(g->n);
	free(g->inputs);
	free(g->outputs);
	free(g->file);
	free(g->name);
	free(g);
}

int graph_find(const struct graph *g, const char *name)
{
	int i;

	for (i = g->nv - 1; i >= 0; i--)
		if (!strcmp(g->v[i]->name, name))
			return i;
	return -1;
}

int graph_value(struct graph *g, const char *name)
{
	int i = graph_find(g, name);
	struct value *v;

	if (i >= 0)
		return i;
	if (g->nv == g->cap_v) {
		g->cap_v = g->cap_v ? 2 * g->cap_v : 64;
		g->v = xrealloc(g->v, sizeof(*g->v) * (size_t)g->cap_v);
	}
	v = xcalloc(1, sizeof(*v));
	v->name = xstrdup(name);
	v->rank = -1;
	v->producer = -1;
	g->v[g->nv] = v;
	return g->nv++;
}

int graph_add_node(struct graph *g, const char *name, const char *op,
		   const char *domain, int nin, int nout)
{
	struct node *n;

	if (g->nn == g->cap_n) {
		g->cap_n = g->cap_n ? 2 * g->cap_n : 64;
		g->n = xrealloc(g->n, sizeof(*g->n) * (size_t)g->cap_n);
	}
	n = &g->n[g->nn];
	memset(n, 0, sizeof(*n));
	n->name = xstrdup(name);
	n->op = xstrdup(op);
	n->domain = xstrdup(domain);
	n->nin = nin;
	n->nout = nout;
	n->in = xcalloc((size_t)nin + 1, sizeof(int));
	n->out = xcalloc((size_t)nout + 1, sizeof(int));
	return g->nn++;
}

int dt_size(int dtype)
{
	switch (dtype) {
	case DT_U8: case DT_S8: case DT_BOOL: return 1;
	case DT_U16: case DT_S16: case DT_F16: return 2;
	case DT_F32: case DT_S32: case DT_U32: return 4;
	case DT_S64: case DT_F64: case DT_U64: return 8;
	default: return 0;
	}
}

const char *dt_name(int dtype)
{
	static const char *const n[] = { "undef", "f32", "u8", "s8", "u16", "s16",
		"s32", "s64", "string", "bool", "f16", "f64", "u32", "u64" };

	return dtype >= 0 && dtype <= DT_U64 ? n[dtype] : "?";
}

int64_t shape_nelem(int rank, const int64_t *dims)
{
	int64_t n = 1;
	int i;

	if (rank < 0)
		return -1;
	for (i = 0; i < rank; i++) {
		if (dims[i] < 0)
			return -1;
		if (dims[i] && n > (INT64_C(1) << 40) / dims[i])
			return -1;
		n *= dims[i];
	}
	return n;
}

struct value *value_new_const(const char *name, int dtype, int rank, const int64_t *dims)
{
	struct value *v = xcalloc(1, sizeof(*v));
	int64_t n = shape_nelem(rank, dims);

	v->name = xstrdup(name);
	v->dtype = dtype;
	v->rank = rank;
	if (rank > 0)
		memcpy(v->dims, dims, sizeof(int64_t) * (size_t)rank);
	v->is_const = true;
	v->nelem = n < 0 ? 0 : n;
	v->producer = -1;
	v->data = xcalloc((size_t)v->nelem + 1, 8);
	return v;
}

double value_get_f(const struct value *v, int64_t i)
{
	const void *d = v->data;

	switch (v->dtype) {
	case DT_F32: return ((const float *)d)[i];
	case DT_F64: return ((const double *)d)[i];
	case DT_U8: case DT_BOOL: return ((const uint8_t *)d)[i];
	case DT_S8: return ((const int8_t *)d)[i];
	case DT_U16: return ((const uint16_t *)d)[i];
	case DT_S16: return ((const int16_t *)d)[i];
	case DT_S32: return ((const int32_t *)d)[i];
	case DT_U32: return ((const uint32_t *)d)[i];
	case DT_S64: return (double)((const int64_t *)d)[i];
	case DT_U64: return (double)((const uint64_t *)d)[i];
	default: return 0;
	}
}

int64_t value_get_i(const struct value *v, int64_t i)
{
	const void *d = v->data;

	switch (v->dtype) {
	case DT_F32: case DT_F64: {
		double x = value_get_f(v, i);

		if (x != x || x > 9e18 || x < -9e18)
			return 0;
		return (int64_t)x;
	}
	case DT_U8: case DT_BOOL: return ((const uint8_t *)d)[i];
	case DT_S8: return ((const int8_t *)d)[i];
	case DT_U16: return ((const uint16_t *)d)[i];
	case DT_S16: return ((const int16_t *)d)[i];
	case DT_S32: return ((const int32_t *)d)[i];
	case DT_U32: return ((const uint32_t *)d)[i];
	case DT_S64: return ((const int64_t *)d)[i];
	case DT_U64: return (int64_t)((const uint64_t *)d)[i];
	default: return 0;
	}
}

static int64_t sat(double x, double lo, double hi)
{
	if (x != x)
		return 0;
	if (x < lo)
		x = lo;
	if (x > hi)
		x = hi;
	return (int64_t)x;
}

void value_set_f(struct value *v, int64_t i, double x)
{
	void *d = v->data;

	switch (v->dtype) {
	case DT_F32: ((float *)d)[i] = (float)x; break;
	case DT_F64: ((double *)d)[i] = x; break;
	case DT_U8: ((uint8_t *)d)[i] = (uint8_t)sat(x, 0, 255); break;
	case DT_BOOL: ((uint8_t *)d)[i] = x != 0; break;
	case DT_S8: ((int8_t *)d)[i] = (int8_t)sat(x, -128, 127); break;
	case DT_U16: ((uint16_t *)d)[i] = (uint16_t)sat(x, 0, 65535); break;
	case DT_S16: ((int16_t *)d)[i] = (int16_t)sat(x, -32768, 32767); break;
	case DT_S32: ((int32_t *)d)[i] = (int32_t)sat(x, -2147483648.0, 2147483647.0); break;
	case DT_U32: ((uint32_t *)d)[i] = (uint32_t)sat(x, 0, 4294967295.0); break;
	case DT_S64: ((int64_t *)d)[i] = sat(x, -9.2e18, 9.2e18); break;
	case DT_U64: ((uint64_t *)d)[i] = (uint64_t)sat(x, 0, 9.2e18); break;
	default: break;
	}
}

const struct attr *node_attr(const struct node *n, const char *name)
{
	int i;

	for (i = 0; i < n->nattr; i++)
		if (!strcmp(n->attr[i].name, name))
			return &n->attr[i];
	return NULL;
}

int64_t attr_i(const struct node *n, const char *name, int64_t def)
{
	const struct attr *a = node_attr(n, name);

	return a && a->type == AT_I ? a->i : def;
}

double attr_f(const struct node *n, const char *name, double def)
{
	const struct attr *a = node_attr(n, name);

	if (a && a->type == AT_F)
		return a->f;
	if (a && a->type == AT_I)
		return (double)a->i;
	return def;
}

int attr_ints(const struct node *n, const char *name, int64_t *out, int max)
{
	const struct attr *a = node_attr(n, name);
	int i;

	if (!a || a->type != AT_IS)
		return -1;
	if (a->n > max)
		return -2;
	for (i = 0; i < a->n; i++)
		out[i] = a->is[i];
	return a->n;
}

const char *attr_s(const struct node *n, const char *name, const char *def)
{
	const struct attr *a = node_attr(n, name);

	return a && a->type == AT_S ? a->s : def;
}

void graph_count_uses(struct graph *g)
{
	int i, k;

	for (i = 0; i < g->nv; i++) {
		g->v[i]->nuses = 0;
		g->v[i]->producer = -1;
	}
	for (i = 0; i < g->nn; i++) {
		struct node *n = &g->n[i];

		if (n->dead)
			continue;
		for (k = 0; k < n->nin; k++)
			if (n->in[k] >= 0)
				g->v[n->in[k]]->nuses++;
		for (k = 0; k < n->nout; k++)
			if (n->out[k] >= 0)
				g->v[n->out[k]]->producer = i;
	}
	for (i = 0; i < g->noutputs; i++)
		g->v[g->outputs[i]]->nuses++;
}

/* Kahn's algorithm; rejects cycles and values used but never defined. */
int graph_toposort(struct graph *g)
{
	int nn = g->nn, i, k, j, done = 0;
	int *order = xmalloc(sizeof(int) * (size_t)(nn + 1));
	char *ready = xcalloc((size_t)g->nv + 1, 1);
	char *placed = xcalloc((size_t)nn + 1, 1);
	struct node *nw;
	int progress = 1;

	for (i = 0; i < g->nv; i++)
		if (g->v[i]->is_const || g->v[i]->is_input)
			ready[i] = 1;
	while (progress && done < nn) {
		progress = 0;
		for (i = 0; i < nn; i++) {
			struct node *n = &g->n[i];
			int ok = 1;

			if (placed[i])
				continue;
			for (k = 0; k < n->nin && ok; k++)
				if (n->in[k] >= 0 && !ready[n->in[k]])
					ok = 0;
			if (!ok)
				continue;
			placed[i] = 1;
			order[done++] = i;
			progress = 1;
			for (k = 0; k < n->nout; k++)
				if (n->out[k] >= 0)
					ready[n->out[k]] = 1;
		}
	}
	if (done < nn) {
		for (i = 0; i < nn; i++) {
			struct node *n = &g->n[i];

			if (placed[i])
				continue;
			for (k = 0; k < n->nin; k++) {
				int vi = n->in[k];
				int prod = 0;

				if (vi < 0 || ready[vi])
					continue;
				for (j = 0; j < nn; j++)
					for (int o = 0; o < g->n[j].nout; o++)
						if (g->n[j].out[o] == vi)
							prod = 1;
				if (!prod)
					axc_error(g, n, "input '%s' is not produced by any node, initializer or graph input (dangling name)",
						  g->v[vi]->name);
				else
					axc_error(g, n, "input '%s' is part of a cycle", g->v[vi]->name);
				free(order);
				free(ready);
				free(placed);
				return -1;
			}
		}
		free(order);
		free(ready);
		free(placed);
		axc_error(g, NULL, "graph has a cycle");
		return -1;
	}
	nw = xmalloc(sizeof(*nw) * (size_t)(nn + 1));
	for (i = 0; i < nn; i++)
		nw[i] = g->n[order[i]];
	free(g->n);
	g->n = nw;
	g->cap_n = nn + 1;
	free(order);
	free(ready);
	free(placed);
	for (i = 0; i < g->noutputs; i++) {
		struct value *v = g->v[g->outputs[i]];
		int found = v->is_const || v->is_input;

		for (j = 0; j < nn && !found; j++)
			for (k = 0; k < g->n[j].nout; k++)
				if (g->n[j].out[k] == g->outputs[i])
					found = 1;
		if (!found) {
			axc_error(g, NULL, "graph output '%s' is never produced", v->name);
			return -1;
		}
	}
	graph_count_uses(g);
	return 0;
}

static void print_shape(FILE *f, const struct value *v)
{
	int i;

	fprintf(f, "%s[", dt_name(v->dtype));
	if (v->rank < 0)
		fprintf(f, "?");
	for (i = 0; i < v->rank; i++)
		fprintf(f, "%s%lld", i ? "," : "", (long long)v->dims[i]);
	fprintf(f, "]");
}

void graph_dump(const struct graph *g, const char *title)
{
	int i, k, live = 0;

	for (i = 0; i < g->nn; i++)
		live += !g->n[i].dead;
	printf("=== IR after %s: %d nodes (opset %lld)\n", title, live, (long long)g->opset);
	for (i = 0; i < g->nn; i++) {
		const struct node *n = &g->n[i];

		if (n->dead)
			continue;
		printf("  %-18s %-28s (", n->op, n->name);
		for (k = 0; k < n->nin; k++) {
			const struct value *v = nin(g, n, k);

			printf("%s", k ? ", " : "");
			if (!v) {
				printf("-");
				continue;
			}
			if (v->is_const)
				printf("const ");
			print_shape(stdout, v);
		}
		printf(") -> ");
		for (k = 0; k < n->nout; k++) {
			const struct value *v = nout(g, n, k);

			if (v) {
				printf("%s%s:", k ? ", " : "", v->name);
				print_shape(stdout, v);
			}
		}
		printf("\n");
	}
}
