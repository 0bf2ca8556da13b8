// SPDX-License-Identifier: MIT
/* axonc --report: placement table (ops and MAC share per device) and JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "profiles.h"

static const char *const dn[] = { "?", "npu", "dsp", "dpu", "cpu" };
static const char *const rn[] = { "none", "unsupported_op", "dtype", "shape", "sram",
	"boundary", "forced", "target", "other", "host" };

static void jstr(char **p, size_t *n, size_t *cap, const char *s)
{
	size_t need = strlen(s) * 6 + 8;

	if (*n + need > *cap) {
		*cap = (*n + need) * 2;
		*p = xrealloc(*p, *cap);
	}
	(*p)[(*n)++] = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') {
			(*p)[(*n)++] = '\\';
			(*p)[(*n)++] = *s;
		} else if ((unsigned char)*s < 0x20) {
			*n += (size_t)sprintf(*p + *n, "\\u%04x", *s);
		} else {
			(*p)[(*n)++] = *s;
		}
	}
	(*p)[(*n)++] = '"';
	(*p)[*n] = 0;
}

static void jraw(char **p, size_t *n, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static void jraw(char **p, size_t *n, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int l;

	va_start(ap, fmt);
	l = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (*n + (size_t)l + 1 > *cap) {
		*cap = (*n + (size_t)l + 1) * 2;
		*p = xrealloc(*p, *cap);
	}
	va_start(ap, fmt);
	vsnprintf(*p + *n, (size_t)l + 1, fmt, ap);
	va_end(ap);
	*n += (size_t)l;
}

char *report_json(const struct qgraph *q, const struct emitted *e, const char *targets, double ms)
{
	char *p = NULL;
	size_t n = 0, cap = 0;
	int i, first = 1;

	jraw(&p, &n, &cap, "{\"model\":");
	jstr(&p, &n, &cap, q->g->file);
	jraw(&p, &n, &cap, ",\"targets\":");
	jstr(&p, &n, &cap, targets);
	jraw(&p, &n, &cap, ",\"compile_ms\":%.1f,\"rounding\":\"%s\",\"segments\":%d,"
	     "\"memory\":{\"arena\":%llu,\"lower_bound\":%llu,\"ratio\":%.3f},",
	     ms, q->rounding ? "double" : "single", e->nseg,
	     (unsigned long long)q->arena_size, (unsigned long long)q->lower_bound,
	     q->lower_bound ? (double)q->arena_size / (double)q->lower_bound : 1.0);
	/* SRAM-resident segments: bytes the tiled stream addresses vs the device's */
	jraw(&p, &n, &cap, "\"sram\":[");
	for (i = 0; i < e->nseg; i++) {
		const struct profile *pr = profile_by_device(e->seg[i].device);

		if (!pr || !pr->compute_in_sram)
			continue;
		jraw(&p, &n, &cap, "%s{\"segment\":%d,\"device\":\"%s\",\"bytes\":%llu,\"size\":%llu}",
		     first ? "" : ",", i, pr->name, (unsigned long long)e->seg[i].sram_size,
		     (unsigned long long)pr->sram_size);
		first = 0;
	}
	jraw(&p, &n, &cap, "],\"ops\":[");
	first = 1;
	for (i = 0; i < q->no; i++) {
		const struct qop *o = &q->o[i];

		if (o->dead)
			continue;
		jraw(&p, &n, &cap, "%s{\"op\":\"%s\",\"onnx\":", first ? "" : ",", qop_name(o->kind));
		jstr(&p, &n, &cap, o->op_type);
		jraw(&p, &n, &cap, ",\"nodes\":");
		jstr(&p, &n, &cap, o->nodes);
		jraw(&p, &n, &cap, ",\"device\":\"%s\",\"segment\":%d,\"macs\":%llu,\"reason\":\"%s\"",
		     dn[o->device], e->op_seg ? e->op_seg[i] : -1, (unsigned long long)o->macs,
		     rn[o->reason]);
		if (o->tile_rows)
			jraw(&p, &n, &cap, ",\"tile_rows\":%d", o->tile_rows);
		if (o->detail) {
			jraw(&p, &n, &cap, ",\"detail\":");
			jstr(&p, &n, &cap, o->detail);
		}
		jraw(&p, &n, &cap, "}");
		first = 0;
	}
	jraw(&p, &n, &cap, "]}\n");
	return p;
}

void report_table(const struct qgraph *q, const struct emitted *e, FILE *f)
{
	uint64_t macs[5] = { 0 }, tot = 0;
	int ops[5] = { 0 }, i, nops = 0;

	for (i = 0; i < q->no; i++) {
		const struct qop *o = &q->o[i];

		if (o->dead)
			continue;
		ops[o->device]++;
		macs[o->device] += o->macs;
		tot += o->macs;
		nops++;
	}
	fprintf(f, "%-6s %6s %7s %8s\n", "device", "ops", "ops%", "MAC%");
	for (i = 1; i <= 4; i++)
		if (ops[i])
			fprintf(f, "%-6s %6d %6.1f%% %7.1f%%\n", dn[i], ops[i], 100.0 * ops[i] / nops,
				tot ? 100.0 * (double)macs[i] / (double)tot : 0.0);
	for (i = 0; i < q->no; i++) {
		const struct qop *o = &q->o[i];

		if (!o->dead && o->device == 4)
			fprintf(f, "  on cpu: %s (%s): %s: %s\n", qop_name(o->kind), o->nodes, rn[o->reason],
				o->detail ? o->detail : "");
	}
	fprintf(f, "boundary: input quantize and output dequantize run in the runtime\n");
	fprintf(f, "memory: arena %llu bytes, lower bound %llu, ratio %.2f\n",
		(unsigned long long)q->arena_size, (unsigned long long)q->lower_bound,
		q->lower_bound ? (double)q->arena_size / (double)q->lower_bound : 1.0);
	for (i = 0; e && i < e->nseg; i++) {
		const struct profile *pr = profile_by_device(e->seg[i].device);

		if (pr && pr->compute_in_sram)
			fprintf(f, "sram: segment %d (%s): %llu of %llu bytes\n", i, pr->name,
				(unsigned long long)e->seg[i].sram_size, (unsigned long long)pr->sram_size);
	}
}
