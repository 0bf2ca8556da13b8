/* SPDX-License-Identifier: MIT */
/* axonc: private to the shape inference (infer.c) and constant folding (fold.c). */
#ifndef AXONC_FOLD_H
#define AXONC_FOLD_H

#include <string.h>

#include "graph.h"

static inline int is(const struct node *n, const char *op)
{
	return !strcmp(n->op, op);
}

/* fold.c */
struct value *replace_const(struct graph *g, int vi, int dtype, int rank,
			    const int64_t *dims);
int fold_node(struct graph *g, struct node *n);

/* infer.c */
int norm_axis(int64_t a, int r);
int infer_node(struct graph *g, struct node *n);

#endif
