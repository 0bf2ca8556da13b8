/* SPDX-License-Identifier: MIT */
/*
 * axonc ONNX-level IR: values (tensors) and nodes, as imported, then
 * constant-folded and shape-inferred. Constant data is held in its ONNX
 * element type (see enum dt) in a private, naturally aligned buffer.
 */
#ifndef AXONC_GRAPH_H
#define AXONC_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_RANK 8

/* ONNX element types we keep (numbering = TensorProto.DataType). */
enum dt {
	DT_UNDEF = 0, DT_F32 = 1, DT_U8 = 2, DT_S8 = 3, DT_U16 = 4, DT_S16 = 5,
	DT_S32 = 6, DT_S64 = 7, DT_STRING = 8, DT_BOOL = 9, DT_F16 = 10,
	DT_F64 = 11, DT_U32 = 12, DT_U64 = 13,
};

enum attr_type { AT_NONE, AT_F, AT_I, AT_S, AT_T, AT_FS, AT_IS };

struct value;

struct attr {
	char *name;
	int type;
	double f;
	int64_t i;
	char *s;
	struct value *t;	/* AT_T: a detached constant value */
	int n;
	double *fs;
	int64_t *is;
};

struct value {
	char *name;
	int dtype;		/* enum dt, DT_UNDEF if unknown */
	int rank;		/* -1 if unknown */
	int64_t dims[MAX_RANK];
	bool is_const;
	void *data;		/* is_const: nelem elements of dtype */
	int64_t nelem;
	int producer;		/* node index, -1 for inputs/constants */
	int nuses;
	bool is_input, is_output;
};

struct node {
	char *name;
	char *op;
	char *domain;
	int nin, nout;
	int *in;		/* value index, -1 for an omitted optional input */
	int *out;
	int nattr;
	struct attr *attr;
	bool dead;
};

struct graph {
	char *file;		/* for messages */
	char *name;
	int64_t opset;		/* default domain */
	int64_t ms_opset;	/* com.microsoft, 0 if absent */
	struct value **v;
	int nv, cap_v;
	struct node *n;
	int nn, cap_n;
	int *inputs, ninputs;	/* graph inputs (non-initializer) */
	int *outputs, noutputs;
};

/* error reporting: every failure goes through here (no crash, no exit). */
void axc_error(const struct graph *g, const struct node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
extern int axc_verbose;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct graph *graph_new(const char *file);
void graph_free(struct graph *g);
int graph_value(struct graph *g, const char *name);	/* find or create */
int graph_find(const struct graph *g, const char *name);	/* -1 if none */
int graph_add_node(struct graph *g, const char *name, const char *op,
		   const char *domain, int nin, int nout);
struct value *value_new_const(const char *name, int dtype, int rank,
			      const int64_t *dims);
void value_free(struct value *v);
int dt_size(int dtype);
const char *dt_name(int dtype);
int64_t shape_nelem(int rank, const int64_t *dims);	/* -1 if overflow/unknown */

double value_get_f(const struct value *v, int64_t i);
int64_t value_get_i(const struct value *v, int64_t i);
void value_set_f(struct value *v, int64_t i, double x);

const struct attr *node_attr(const struct node *n, const char *name);
int64_t attr_i(const struct node *n, const char *name, int64_t def);
double attr_f(const struct node *n, const char *name, double def);
int attr_ints(const struct node *n, const char *name, int64_t *out, int max);
const char *attr_s(const struct node *n, const char *name, const char *def);

static inline struct value *nin(const struct graph *g, const struct node *n, int k)
{
	return (k < n->nin && n->in[k] >= 0) ? g->v[n->in[k]] : NULL;
}
static inline struct value *nout(const struct graph *g, const struct node *n, int k)
{
	return (k < n->nout && n->out[k] >= 0) ? g->v[n->out[k]] : NULL;
}

/* import_onnx.c */
struct graph *import_onnx(const char *path);
struct graph *import_onnx_buffer(const char *name, const uint8_t *buf, size_t len);
struct value *import_tensor_file(const char *path);	/* a serialized TensorProto */

/* graph.c */
int graph_toposort(struct graph *g);	/* orders nodes, detects cycles */
void graph_count_uses(struct graph *g);
void graph_dump(const struct graph *g, const char *title);

/* fold.c */
int fold_and_infer(struct graph *g);

#endif
