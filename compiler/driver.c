// SPDX-License-Identifier: MIT
/* axonc pipeline: import -> fold -> lower -> place -> fuse -> tile -> plan -> emit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"
#include "emit.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int bind_inputs(struct graph *g, const struct axc_opts *o)
{
	int i, k;

	for (i = 0; i < o->nbind; i++) {
		int vi = graph_find(g, o->bind_name[i]);
		struct value *c;

		if (vi < 0 || !g->v[vi]->is_input) {
			fprintf(stderr, "axonc: --bind: '%s' is not a graph input\n", o->bind_name[i]);
			return -1;
		}
		c = import_tensor_file(o->bind_file[i]);
		if (!c)
			return -1;
		free(c->name);
		c->name = xstrdup(g->v[vi]->name);
		value_free(g->v[vi]);
		g->v[vi] = c;
		for (k = 0; k < g->ninputs; k++)
			if (g->inputs[k] == vi) {
				memmove(&g->inputs[k], &g->inputs[k + 1], sizeof(int) * (size_t)(g->ninputs - k - 1));
				g->ninputs--;
				break;
			}
	}
	return 0;
}

int axc_compile(const struct axc_opts *o)
{
	double t0 = now_ms();
	struct graph *g = import_onnx(o->input);
	struct qgraph *q = NULL;
	struct emitted e;
	char err[256], *json = NULL;
	int ret = 1;

	memset(&e, 0, sizeof(e));
	if (!g)
		return 1;
	if (bind_inputs(g, o) || graph_toposort(g))
		goto out;
	if (o->dump)
		graph_dump(g, "import");
	if (fold_and_infer(g))
		goto out;
	if (o->dump)
		graph_dump(g, "fold+shape inference");
	q = qg_new(g);
	if (lower_graph(q))
		goto out;
	if (o->dump)
		qg_dump(q, "lower (QDQ/QOp -> integer ops, NHWC views)");
	if (place_ops(q, o->targets, err, sizeof(err))) {
		fprintf(stderr, "axonc: %s\n", err);
		goto out;
	}
	if (o->dump)
		qg_dump(q, "place");
	fuse_ops(q);
	qg_dce(q);
	place_ops(q, o->targets, err, sizeof(err));
	if (o->dump)
		qg_dump(q, "fuse");
	tile_ops(q);
	if (o->dump)
		qg_dump(q, "tile");
	memplan(q);
	if (emit_all(q, &e))
		goto out;
	if (o->dump)
		disasm(q, &e);
	json = report_json(q, &e, o->targets, now_ms() - t0);
	if (o->output && axb_write(o->output, q, &e, json))
		goto out;
	if (o->report) {
		FILE *f = fopen(o->report, "w");

		if (!f || fputs(json, f) < 0) {
			fprintf(stderr, "axonc: cannot write %s\n", o->report);
			if (f)
				fclose(f);
			goto out;
		}
		fclose(f);
		report_table(q, &e, stdout);
	}
	if (!o->quiet)
		printf("axonc: %s -> %s: %d segments, arena %llu bytes (%.2f x lower bound), %.0f ms\n",
		       o->input, o->output ? o->output : "(none)", e.nseg,
		       (unsigned long long)q->arena_size,
		       q->lower_bound ? (double)q->arena_size / (double)q->lower_bound : 1.0,
		       now_ms() - t0);
	ret = 0;
out:
	free(json);
	emit_free(&e);
	qg_free(q);
	graph_free(g);
	return ret;
}

int axc_check_buffer(const uint8_t *data, size_t len)
{
	struct graph *g = import_onnx_buffer("<fuzz>", data, len);
	struct qgraph *q;
	struct emitted e;
	char err[128];
	int ret = 1;

	if (!g)
		return 1;
	memset(&e, 0, sizeof(e));
	q = qg_new(g);
	if (!fold_and_infer(g) && !lower_graph(q) && !place_ops(q, "npu+dsp", err, sizeof(err))) {
		fuse_ops(q);
		qg_dce(q);
		memplan(q);
		ret = emit_all(q, &e) ? 1 : 0;
	}
	emit_free(&e);
	qg_free(q);
	graph_free(g);
	return ret;
}
