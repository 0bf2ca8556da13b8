// SPDX-License-Identifier: MIT
/*
 * axonc memory planning of the activation arena. Every arena buffer lives
 * from the op that first writes it to the last op that reads it (inclusive,
 * so an op's output never overlaps its inputs). Buffers are placed largest
 * first at the lowest offset that does not collide in time and space. The
 * lower bound is the largest sum of simultaneously live buffers; the ratio
 * arena/lower bound is reported.
 */
#include <stdlib.h>
#include <string.h>

#include "qir.h"

#define ALIGN 64

static uint64_t al(uint64_t x)
{
	return (x + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
}

static int cmp_size(const void *a, const void *b, void *ctx);
static const struct qgraph *sort_q;

static int cmp(const void *a, const void *b)
{
	return cmp_size(a, b, (void *)sort_q);
}

static int cmp_size(const void *a, const void *b, void *ctx)
{
	const struct qgraph *q = ctx;
	const struct qbuf *x = &q->b[*(const int *)a], *y = &q->b[*(const int *)b];

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return x->first - y->first;
}

int memplan(struct qgraph *q)
{
	int i, k, n = 0, t, j;
	int *ids = xcalloc((size_t)q->nb + 1, sizeof(int));
	uint64_t lb = 0, top = 0;

	for (i = 0; i < q->nb; i++) {
		q->b[i].first = q->b[i].last = -1;
		q->b[i].offset = 0;
	}
	for (i = 0; i < q->no; i++) {
		struct qop *o = &q->o[i];
		int bs[4] = { o->in[0], o->in[1], o->in[2], o->out };

		if (o->dead)
			continue;
		for (k = 0; k < 4; k++) {
			struct qbuf *b;

			if (bs[k] < 0)
				continue;
			b = &q->b[q->v[bs[k]].buf];
			if (b->first < 0)
				b->first = i;
			b->last = i;
		}
	}
	for (i = 0; i < q->nb; i++)
		if (q->b[i].kind == QB_ARENA && q->b[i].first >= 0)
			ids[n++] = i;
	/* lower bound */
	for (t = 0; t < q->no; t++) {
		uint64_t s = 0;

		if (q->o[t].dead)
			continue;
		for (j = 0; j < n; j++)
			if (q->b[ids[j]].first <= t && t <= q->b[ids[j]].last)
				s += al(q->b[ids[j]].size);
		if (s > lb)
			lb = s;
	}
	sort_q = q;
	qsort(ids, (size_t)n, sizeof(int), cmp);
	for (j = 0; j < n; j++) {
		struct qbuf *b = &q->b[ids[j]];
		uint64_t off = 0;
		int moved = 1;

		while (moved) {
			moved = 0;
			for (k = 0; k < j; k++) {
				struct qbuf *c = &q->b[ids[k]];

				if (c->last < b->first || b->last < c->first)
					continue;
				if (off < c->offset + al(c->size) && c->offset < off + al(b->size)) {
					off = c->offset + al(c->size);
					moved = 1;
				}
			}
		}
		b->offset = off;
		if (off + al(b->size) > top)
			top = off + al(b->size);
	}
	q->arena_size = top;
	q->lower_bound = lb;
	free(ids);
	return 0;
}
