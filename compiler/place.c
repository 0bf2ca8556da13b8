// SPDX-License-Identifier: MIT
/*
 * axonc placement: each op goes to the most capable device of the target
 * list (by MACs per cycle) that supports its opcode and the data types of
 * all its operands; otherwise to the CPU backend with a reason code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiles.h"
#include "qir.h"
#include <axon/axb_format.h>

static int dtypes_ok(const struct qgraph *q, const struct qop *o, const struct profile *p)
{
	int k;

	if (!(p->dtypes & (1u << q->v[o->out].dtype)))
		return 0;
	for (k = 0; k < 3; k++)
		if (o->in[k] >= 0 && !(p->dtypes & (1u << q->v[o->in[k]].dtype)))
			return 0;
	return 1;
}

int place_ops(struct qgraph *q, const char *targets, char *err, size_t errlen)
{
	const struct profile *tp[8];
	int nt = 0, i, j;
	const char *s = targets;

	while (*s) {
		size_t l = strcspn(s, "+,");
		const struct profile *p = profile_by_name(s, l);

		if (!p || nt == 8) {
			snprintf(err, errlen, "unknown device profile '%.*s' (known: npu, dsp, dpu, cpu)",
				 (int)l, s);
			return -1;
		}
		tp[nt++] = p;
		s += l;
		if (*s)
			s++;
	}
	if (!nt) {
		snprintf(err, errlen, "empty target list");
		return -1;
	}
	/* most capable first */
	for (i = 0; i < nt; i++)
		for (j = i + 1; j < nt; j++)
			if (tp[j]->macs_per_cycle > tp[i]->macs_per_cycle) {
				const struct profile *t = tp[i];

				tp[i] = tp[j];
				tp[j] = t;
			}
	for (i = 0; i < q->no; i++) {
		struct qop *o = &q->o[i];
		int oc = qop_opcode(o), any_acc = 0, op_ok = 0, placed = 0;

		if (o->dead)
			continue;
		if (o->kind == Q_HOST) {	/* float work: the host, whatever the targets */
			o->device = AXB_DEV_CPU;
			o->reason = AXB_REASON_HOST;
			continue;
		}
		free(o->detail);
		o->detail = NULL;
		for (j = 0; j < nt && !placed; j++) {
			const struct profile *p = tp[j];

			if (!p->accelerator)
				continue;
			any_acc = 1;
			if (!(p->op_mask & (1ull << oc)))
				continue;
			op_ok = 1;
			if (!dtypes_ok(q, o, p))
				continue;
			o->device = p->device;
			o->reason = AXB_REASON_NONE;
			placed = 1;
		}
		if (placed)
			continue;
		o->device = AXB_DEV_CPU;
		if (!any_acc) {
			o->reason = AXB_REASON_TARGET;
			o->detail = xstrdup("no accelerator in the target list");
		} else if (op_ok) {
			o->reason = AXB_REASON_DTYPE;
			o->detail = xasprintf("%s: operand data type not supported by the targets",
					      qop_name(o->kind));
		} else {
			o->reason = AXB_REASON_UNSUPPORTED_OP;
			o->detail = xasprintf("%s is not implemented by %s", qop_name(o->kind), targets);
		}
	}
	return 0;
}
