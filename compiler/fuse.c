// SPDX-License-Identifier: MIT
/*
 * axonc fusion on the quantized IR:
 *   - a LUT that only clamps (same quantization in and out, e.g. a ReLU or
 *     ReLU6 between Q/DQ pairs, PyTorch style) folds into the clamp of the
 *     conv / matmul / eltwise / pool that produces its input;
 *   - LUT after LUT composes into one LUT;
 * each only when the intermediate tensor has no other reader.
 */
#include <stdlib.h>
#include <string.h>

#include "qir.h"

static int readers(const struct qgraph *q, int buf)
{
	int i, k, n = 0;

	for (i = 0; i < q->no; i++) {
		if (q->o[i].dead)
			continue;
		for (k = 0; k < 3; k++)
			if (q->o[i].in[k] >= 0 && q->v[q->o[i].in[k]].buf == buf)
				n++;
	}
	for (i = 0; i < q->nout; i++)
		if (q->v[q->out[i].val].buf == buf)
			n += 100;
	return n;
}

static void append_nodes(struct qop *dst, const struct qop *src)
{
	char *s = xasprintf("%s,%s", dst->nodes, src->nodes);

	free(dst->nodes);
	dst->nodes = s;
}

static int lut_clamp(const struct qgraph *q, const struct qop *l, int32_t *lo, int32_t *hi)
{
	const struct qval *x = &q->v[l->in[0]], *y = &q->v[l->out];
	const uint8_t *t = q->b[l->aux].data;
	int i, first = 1;

	if (x->dtype != y->dtype || x->zp != y->zp || (float)x->scale != (float)y->scale)
		return 0;
	*lo = qtype_min(x->dtype);
	*hi = qtype_max(x->dtype);
	for (i = 0; i < 256; i++) {
		int32_t v = x->dtype == AXON_ISA_INT8 ? i - 128 : i;
		int32_t tv = x->dtype == AXON_ISA_INT8 ? (int8_t)t[i] : t[i];

		if (tv == v)
			continue;
		if (tv > v) {	/* lower clamp: must be a prefix */
			if (!first && tv != *lo)
				return 0;
			*lo = tv;
		} else {
			*hi = tv < *hi ? tv : *hi;
			if (tv != *hi)
				return 0;
		}
		first = 0;
	}
	/* verify */
	for (i = 0; i < 256; i++) {
		int32_t v = x->dtype == AXON_ISA_INT8 ? i - 128 : i;
		int32_t tv = x->dtype == AXON_ISA_INT8 ? (int8_t)t[i] : t[i];
		int32_t c = v < *lo ? *lo : v > *hi ? *hi : v;

		if (c != tv)
			return 0;
	}
	return 1;
}

int fuse_ops(struct qgraph *q)
{
	int i, fused = 0;

	for (i = 0; i < q->no; i++) {
		struct qop *l = &q->o[i], *p;
		int pi;
		int32_t lo, hi;

		if (l->dead || l->kind != Q_LUT)
			continue;
		pi = q->v[l->in[0]].producer;
		if (pi < 0 || q->o[pi].dead || q->o[pi].out != l->in[0] ||
		    readers(q, q->v[l->in[0]].buf) != 1)
			continue;
		p = &q->o[pi];
		if (p->kind == Q_LUT) {
			uint8_t *t1 = q->b[p->aux].data, *t2 = q->b[l->aux].data, t[256];
			int k;

			for (k = 0; k < 256; k++) {
				int idx = q->v[l->in[0]].dtype == AXON_ISA_INT8 ? (uint8_t)((int8_t)t1[k] + 128) : t1[k];

				t[k] = t2[idx];
			}
			memcpy(t2, t, 256);
			l->in[0] = p->in[0];
			append_nodes(l, p);
			{
				char *s = xasprintf("%s", l->nodes);

				free(l->nodes);
				l->nodes = s;
			}
			p->dead = true;
			fused++;
			continue;
		}
		if ((p->kind == Q_CONV || p->kind == Q_MATMUL || p->kind == Q_ELT ||
		     p->kind == Q_POOL || p->kind == Q_RESCALE) && lut_clamp(q, l, &lo, &hi) &&
		    q->v[l->out].rank == q->v[p->out].rank) {
			if (lo > p->act_min)
				p->act_min = lo;
			if (hi < p->act_max)
				p->act_max = hi;
			/* the producer now writes the LUT's output */
			q->v[l->out].producer = pi;
			p->out = l->out;
			append_nodes(p, l);
			l->dead = true;
			fused++;
		}
	}
	return fused;
}
