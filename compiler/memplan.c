// SPDX-License-Identifier: MIT
/*
 * axonc memory planning of the activation arena. Every arena buffer lives
 * from the op that first writes it to the last op that reads it (inclusive,
 * so an op's output never overlaps its inputs). Buffers are placed largest
 * first at the lowest offset that does not collide in time and space. The
 * lower bound is the largest sum of simultaneously live buffers; the ratio
 * arena/lower bound is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qir.h"

#define ALIGN 64

static uint64_t al(uint64_t x)
{
	return (x + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
}

#define NSTRAT 8	/* orders 0..3, each first fit and best fit */
static const struct qgraph *sort_q;
static int sort_strat;

/* 0: size desc; 1: lifetime desc; 2: size x lifetime desc; 3: first use asc */
static int cmp(const void *a, const void *b)
{
	const struct qbuf *x = &sort_q->b[*(const int *)a], *y = &sort_q->b[*(const int *)b];
	uint64_t kx, ky;

	switch (sort_strat % 4) {
	case 1:
		kx = (uint64_t)(x->last - x->first);
		ky = (uint64_t)(y->last - y->first);
		break;
	case 2:
		kx = al(x->size) * (uint64_t)(x->last - x->first + 1);
		ky = al(y->size) * (uint64_t)(y->last - y->first + 1);
		break;
	case 3:
		kx = (uint64_t)(INT32_MAX - x->first);
		ky = (uint64_t)(INT32_MAX - y->first);
		break;
	default:
		kx = x->size;
		ky = y->size;
	}
	if (kx != ky)
		return kx < ky ? 1 : -1;
	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	if (x->first != y->first)
		return x->first - y->first;
	return *(const int *)a - *(const int *)b;
}

static int cmp_u64pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/*
 * place buffers in @order at the lowest free gap (@bestfit: the smallest
 * gap that fits, else the top); offsets in @off; returns the top
 */
static uint64_t place(const struct qgraph *q, const int *order, int n, uint64_t *off, int bestfit)
{
	uint64_t top = 0, (*iv)[2] = xcalloc((size_t)n + 1, sizeof(*iv));
	int j, k;

	for (j = 0; j < n; j++) {
		const struct qbuf *b = &q->b[order[j]];
		uint64_t at = 0, sz = al(b->size);
		int m = 0;

		for (k = 0; k < j; k++) {
			const struct qbuf *c = &q->b[order[k]];

			if (c->last < b->first || b->last < c->first)
				continue;
			iv[m][0] = off[k];
			iv[m][1] = off[k] + al(c->size);
			m++;
		}
		qsort(iv, (size_t)m, sizeof(*iv), cmp_u64pair);
		if (bestfit) {
			uint64_t end = 0, gap_best = UINT64_MAX, at_best = 0;

			for (k = 0; k <= m; k++) {
				uint64_t next = k < m ? iv[k][0] : UINT64_MAX;

				if (next > end && next - end >= sz && next - end < gap_best) {
					gap_best = next - end;
					at_best = end;
				}
				if (k < m && iv[k][1] > end)
					end = iv[k][1];
			}
			at = at_best;
		} else {
			for (k = 0; k < m; k++) {
				if (iv[k][0] >= at + sz)
					break;
				if (iv[k][1] > at)
					at = iv[k][1];
			}
		}
		off[j] = at;
		if (at + sz > top)
			top = at + sz;
	}
	free(iv);
	return top;
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
		int bs[6] = { o->in[0], o->in[1], o->in[2], o->out, o->hout[0], o->hout[1] };

		if (o->dead)
			continue;
		for (k = 0; k < 6; k++) {
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
	/*
	 * Several placement orders, each placing every buffer at the lowest
	 * gap among the already placed buffers it is live with; the smallest
	 * arena wins (largest first is optimal on chains, other orders help
	 * around branches such as squeeze-excitation blocks).
	 */
	{
		uint64_t *off = xcalloc((size_t)n + 1, sizeof(uint64_t));
		uint64_t *best = xcalloc((size_t)n + 1, sizeof(uint64_t));
		int *order = xcalloc((size_t)n + 1, sizeof(int));
		int strat;

		top = UINT64_MAX;
		for (strat = 0; strat < NSTRAT; strat++) {
			uint64_t t2;

			memcpy(order, ids, sizeof(int) * (size_t)n);
			sort_q = q;
			sort_strat = strat;
			qsort(order, (size_t)n, sizeof(int), cmp);
			t2 = place(q, order, n, off, strat >= 4);
			if (getenv("AXC_MEMDBG"))
				fprintf(stderr, "memplan strategy %d: %llu (lb %llu)\n", strat, (unsigned long long)t2, (unsigned long long)lb);
			if (t2 < top) {
				top = t2;
				for (j = 0; j < n; j++)
					best[j] = off[j];
				memcpy(ids, order, sizeof(int) * (size_t)n);
			}
		}
		for (j = 0; j < n; j++)
			q->b[ids[j]].offset = best[j];
		if (!n)
			top = 0;
		free(off);
		free(best);
		free(order);
	}
	q->arena_size = top;
	q->lower_bound = lb;
	free(ids);
	return 0;
}
