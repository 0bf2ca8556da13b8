// SPDX-License-Identifier: MIT
/*
 * axon conformance runner: compiles every model case with axonc for
 * npu+dsp, runs both data sets through libaxon's CPU backend and compares
 * with ONNX Runtime's reference outputs (LSB of the output scale, argmax);
 * then ONNX's quantized node tests from libonnx-testdata.
 *
 *   conformance CASES_DIR [NODE_TESTS_DIR [MORE_CASES_DIR...]]
 * (target: $AXONC_TARGET, default npu+dsp). MORE_CASES_DIR: the repo's own
 * small cases (tests/data/conformance), same layout as CASES_DIR.
 * Exit status 0 only if every case passes.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <axon/axon.h>

#include "driver.h"
#include "graph.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = calloc(1, (size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

/* k-th "key": value in a JSON text (numbers or null -> def) */
static double json_num(const char *j, const char *key, int k, double def)
{
	const char *p = j;
	char pat[64];

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	while (p && (p = strstr(p, pat))) {
		p += strlen(pat);
		while (*p == ' ' || *p == ':')
			p++;
		if (k-- == 0)
			return strncmp(p, "null", 4) ? atof(p) : def;
	}
	return def;
}

static int exists(const char *p)
{
	struct stat st;

	return !stat(p, &st);
}

struct result {
	double max_lsb;
	int argmax_ok, ok;
};

/*
 * run one .axb on the CPU backend; inputs float or raw. Output k is written
 * to outs[k] (capacity caps[k] bytes, as the model's I/O dtype says: float32
 * when it dequantizes, else raw integers); oi[k] describes it.
 */
static int run_model(axon_device *dev, const char *axb, int nin, struct value **ins,
		     int nout, void **outs, const size_t *caps, struct axon_tensor_info *oi,
		     char *place, size_t placelen)
{
	axon_model *m = NULL;
	axon_run *r = NULL;
	int i, ret = -1, np, counts[8] = { 0 };

	if (axon_model_load(dev, axb, 0, &m)) {
		fprintf(stderr, "  load: %s\n", axon_last_error());
		return -1;
	}
	np = axon_model_placement_count(m);
	for (i = 0; i < np; i++) {
		struct axon_placement_info pi;

		if (!axon_model_placement(m, i, &pi) && pi.segment != 0xffffffffu && pi.device < 8)
			counts[pi.device]++;
	}
	if (place)
		snprintf(place, placelen, "npu %d, dsp %d, dpu %d, cpu %d", counts[1], counts[2],
			 counts[3], counts[4]);
	if (axon_run_create(m, &r))
		goto out;
	if (axon_model_io_count(m, AXON_INPUT) != nin) {
		fprintf(stderr, "  model has %d inputs, test has %d\n",
			axon_model_io_count(m, AXON_INPUT), nin);
		goto out;
	}
	for (i = 0; i < nin; i++) {
		struct axon_tensor_info ii;

		axon_model_io_info(m, AXON_INPUT, i, &ii);
		if (ii.size != (size_t)ins[i]->nelem * (size_t)dt_size(ins[i]->dtype)) {
			fprintf(stderr, "  input %d: size %zu, test data %lld\n", i, ii.size,
				(long long)ins[i]->nelem * dt_size(ins[i]->dtype));
			goto out;
		}
		if (axon_run_bind_host(r, AXON_INPUT, i, ins[i]->data, ii.size))
			goto out;
	}
	if (axon_model_io_count(m, AXON_OUTPUT) != nout) {
		fprintf(stderr, "  model has %d outputs, test has %d\n",
			axon_model_io_count(m, AXON_OUTPUT), nout);
		goto out;
	}
	for (i = 0; i < nout; i++) {
		axon_model_io_info(m, AXON_OUTPUT, i, &oi[i]);
		if (oi[i].size > caps[i]) {
			fprintf(stderr, "  output %d: %zu bytes, test data has %zu\n", i, oi[i].size,
				caps[i]);
			goto out;
		}
		if (axon_run_bind_host(r, AXON_OUTPUT, i, outs[i], oi[i].size))
			goto out;
	}
	if (axon_run_execute(r, 60000000000ll)) {
		fprintf(stderr, "  run: %s\n", axon_last_error());
		goto out;
	}
	ret = 0;
out:
	if (ret && axon_last_error())
		fprintf(stderr, "  %s\n", axon_last_error());
	axon_run_free(r);
	axon_model_free(m);
	return ret;
}

/* Cases and node tests that met their target, for the totals line. */
static int passed_total;

static int model_cases(axon_device *dev, const char *dir, const char *target, const char *tmp)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), i, fails = 0;

	if (n < 0) {
		perror(dir);
		return 1;
	}
	printf("\n%-26s %-30s %9s %7s %7s %6s %9s %s\n", "case", "placement (nodes)",
	       "LSB 0/1", "limit", "argmax", "mem", "compile", "result");
	for (i = 0; i < n; i++) {
		char path[1024], axb[1024], rep[1024], place[128] = "-";
		struct axc_opts o;
		double t0, ct, ratio = 0, lsb[2] = { -1, -1 }, limit[2] = { 1, 1 };
		int set, ok = 1, argmax_ok = 1, classifier = 0;
		char *meta, lsbs[32], lims[32];

		if (ents[i]->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/model.onnx", dir, ents[i]->d_name);
		if (!exists(path))
			continue;
		snprintf(axb, sizeof(axb), "%s/%s.axb", tmp, ents[i]->d_name);
		snprintf(rep, sizeof(rep), "%s/%s.json", tmp, ents[i]->d_name);
		memset(&o, 0, sizeof(o));
		o.input = path;
		o.output = axb;
		o.targets = target;
		o.quiet = 1;
		o.report = NULL;
		t0 = now_ms();
		unlink(axb);
		if (axc_compile(&o)) {
			printf("%-26s %-30s %9s %6s %7s %6s %9s FAIL (compile)\n", ents[i]->d_name, "-",
			       "-", "-", "-", "-", "-");
			fails++;
			continue;
		}
		ct = now_ms() - t0;
		{
			/* report JSON is inside the package; recompile cheaply for the ratio */
			FILE *f;
			char *pkg = NULL;

			(void)f;
			pkg = slurp(axb);
			if (pkg) {
				struct stat st;
				size_t len, k;

				stat(axb, &st);
				len = (size_t)st.st_size;
				for (k = 0; k + 8 < len; k++)
					if (!memcmp(pkg + k, "\"ratio\":", 8)) {
						ratio = atof(pkg + k + 8);
						break;
					}
				free(pkg);
			}
		}
		snprintf(path, sizeof(path), "%s/%s/meta.json", dir, ents[i]->d_name);
		meta = slurp(path);
		for (set = 0; set < 2; set++) {
			struct value *in, *ref;
			float *out;
			struct axon_tensor_info oi;
			double scale;
			int64_t k, am = 0, ar = 0;
			size_t cap;
			void *op;

			lsb[set] = -1;
			snprintf(path, sizeof(path), "%s/%s/test_data_set_%d/input_0.pb", dir,
				 ents[i]->d_name, set);
			in = import_tensor_file(path);
			snprintf(path, sizeof(path), "%s/%s/test_data_set_%d/output_0.pb", dir,
				 ents[i]->d_name, set);
			ref = import_tensor_file(path);
			if (!in || !ref) {
				value_free(in);
				value_free(ref);
				ok = 0;
				break;
			}
			out = calloc((size_t)ref->nelem + 1, sizeof(float));
			cap = (size_t)ref->nelem * 4;
			op = out;
			if (run_model(dev, axb, 1, &in, 1, &op, &cap, &oi, place, sizeof(place)) ||
			    oi.dtype != AXON_FLOAT32) {
				ok = 0;
				free(out);
				value_free(in);
				value_free(ref);
				break;
			}
			/* one LSB is the output scale; both sides are on its grid */
			scale = json_num(meta ? meta : "", "output_scale", set, 0);
			if (!(scale > 0))
				scale = oi.scale;
			limit[set] = json_num(meta ? meta : "", "fused_vs_unfused_max_lsb", set, 0) + 1;
			lsb[set] = 0;
			for (k = 0; k < ref->nelem; k++) {
				double d = rint(fabs((double)out[k] - value_get_f(ref, k)) / scale);

				if (d > lsb[set])
					lsb[set] = d;
				if (out[k] > out[am])
					am = k;
				if (value_get_f(ref, k) > value_get_f(ref, ar))
					ar = k;
			}
			if (lsb[set] > limit[set] + 1e-3)
				ok = 0;
			classifier = ref->rank == 2 && ref->dims[0] == 1;
			if (classifier && am != ar) {
				/* a tie in the reference is not a disagreement */
				if (fabs((double)out[ar] - (double)out[am]) > 1e-6)
					argmax_ok = 0;
			}
			free(out);
			value_free(in);
			value_free(ref);
		}
		free(meta);
		if (!argmax_ok)
			ok = 0;
		snprintf(lsbs, sizeof(lsbs), "%.0f/%.0f", lsb[0], lsb[1]);
		snprintf(lims, sizeof(lims), "%.0f/%.0f", floor(limit[0] + 1e-3), floor(limit[1] + 1e-3));
		printf("%-26s %-30s %9s %7s %7s %6.2f %7.0fms %s\n", ents[i]->d_name, place,
		       lsb[0] < 0 || lsb[1] < 0 ? "-" : lsbs, lims,
		       classifier ? (argmax_ok ? "ok" : "DIFF") : "n/a", ratio, ct,
		       ok ? "pass" : "FAIL");
		fails += !ok;
		passed_total += ok;
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return fails;
}

static const char *const node_tests[] = {
	"test_qlinearconv", "test_qlinearmatmul_2D", "test_qlinearmatmul_3D",
	"test_quantizelinear", "test_quantizelinear_axis", "test_dequantizelinear",
	"test_dequantizelinear_axis", "test_convinteger_with_padding",
	"test_convinteger_without_padding", "test_basic_convinteger", "test_matmulinteger",
	"test_dynamicquantizelinear", "test_dynamicquantizelinear_expanded",
	"test_dynamicquantizelinear_max_adjusted", "test_dynamicquantizelinear_max_adjusted_expanded",
	"test_dynamicquantizelinear_min_adjusted", "test_dynamicquantizelinear_min_adjusted_expanded",
	NULL
};

/* input names of a model, in order (graph inputs that are not initializers) */
static int input_names(const char *model, char names[][128], int max)
{
	struct graph *g = import_onnx(model);
	int i, n = 0;

	if (!g)
		return -1;
	for (i = 0; i < g->ninputs && n < max; i++)
		snprintf(names[n++], 128, "%s", g->v[g->inputs[i]]->name);
	graph_free(g);
	return n;
}

static int node_cases(axon_device *dev, const char *dir, const char *target, const char *tmp)
{
	int i, fails = 0, pass = 0;

	printf("\n%-50s %-10s %s\n", "ONNX node test", "max diff", "result");
	for (i = 0; node_tests[i]; i++) {
		char model[1024], axb[1024], path[1024], names[16][128], files[16][1024];
		struct axc_opts o;
		int nin, k, ok = 1, nref;
		struct value *in = NULL, *refs[4] = { NULL };
		void *outs[4] = { NULL };
		size_t caps[4] = { 0 };
		double maxd = 0;
		struct axon_tensor_info oi[4];

		snprintf(model, sizeof(model), "%s/%s/model.onnx", dir, node_tests[i]);
		nin = input_names(model, names, 16);
		if (nin < 1) {
			printf("%-50s %-10s FAIL (import)\n", node_tests[i], "-");
			fails++;
			continue;
		}
		memset(&o, 0, sizeof(o));
		o.input = model;
		snprintf(axb, sizeof(axb), "%s/%s.axb", tmp, node_tests[i]);
		o.output = axb;
		o.targets = target;
		o.quiet = 1;
		for (k = 1; k < nin; k++) {
			snprintf(files[k], sizeof(files[k]), "%s/%s/test_data_set_0/input_%d.pb", dir,
				 node_tests[i], k);
			o.bind_name[o.nbind] = names[k];
			o.bind_file[o.nbind++] = files[k];
		}
		if (axc_compile(&o)) {
			printf("%-50s %-10s FAIL (compile, see above)\n", node_tests[i], "-");
			fails++;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s/test_data_set_0/input_0.pb", dir, node_tests[i]);
		in = import_tensor_file(path);
		for (nref = 0; nref < 4; nref++) {
			snprintf(path, sizeof(path), "%s/%s/test_data_set_0/output_%d.pb", dir,
				 node_tests[i], nref);
			if (!exists(path))
				break;
			refs[nref] = import_tensor_file(path);
			if (!refs[nref])
				break;
			caps[nref] = (size_t)refs[nref]->nelem * 4;
			outs[nref] = calloc((size_t)refs[nref]->nelem + 1, 4);
		}
		if (!in || !nref || (nref < 4 && refs[nref])) {
			ok = 0;
		} else if (run_model(dev, axb, 1, &in, nref, outs, caps, oi, NULL, 0)) {
			ok = 0;
		} else {
			/* float outputs: in LSB of their scale when quantized, else
			 * exact up to float rounding; integer outputs: exact +- 1 */
			for (k = 0; k < nref; k++) {
				int64_t j;

				for (j = 0; j < refs[k]->nelem; j++) {
					double got, want = value_get_f(refs[k], j), d;

					switch (oi[k].dtype) {
					case AXON_FLOAT32: got = ((float *)outs[k])[j]; break;
					case AXON_INT8: got = ((int8_t *)outs[k])[j]; break;
					case AXON_UINT8: got = ((uint8_t *)outs[k])[j]; break;
					case AXON_INT32: got = ((int32_t *)outs[k])[j]; break;
					default: got = NAN;
					}
					d = fabs(got - want);
					if (oi[k].dtype == AXON_FLOAT32)
						d = oi[k].device_dtype == AXON_FLOAT32 ?
							(d <= 1e-6 * fabs(want) ? 0 : 2) : d / oi[k].scale;
					if (!(d <= maxd))
						maxd = d;
				}
			}
			if (!(maxd <= 1.0 + 1e-6))
				ok = 0;
		}
		value_free(in);
		for (k = 0; k < nref; k++) {
			value_free(refs[k]);
			free(outs[k]);
		}
		printf("%-50s %-10.2f %s\n", node_tests[i], maxd, ok ? "pass" : "FAIL");
		fails += !ok;
		pass += ok;
	}
	passed_total += pass;
	printf("ONNX node tests: %d/%d pass\n", pass, pass + fails);
	return fails;
}

int main(int argc, char **argv)
{
	const char *cases = argc > 1 ? argv[1] : "../shared/models/cases";
	const char *nodes = argc > 2 ? argv[2] : "/usr/share/libonnx-testdata/data/node";
	const char *target = getenv("AXONC_TARGET") ? getenv("AXONC_TARGET") : "npu+dsp";
	char tmp[] = "/tmp/axon-conformance-XXXXXX";
	axon_device *dev;
	int f1, f2 = 0;

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	if (axon_device_open("cpu", &dev)) {
		fprintf(stderr, "cannot open the cpu backend: %s\n", axon_last_error());
		return 1;
	}
	printf("axon conformance: target %s, CPU backend, tolerance fused_vs_unfused_max_lsb + 1\n",
	       target);
	f1 = model_cases(dev, cases, target, tmp);
	for (int i = 3; i < argc; i++)
		f1 += model_cases(dev, argv[i], target, tmp);
	if (exists(nodes))
		f2 = node_cases(dev, nodes, target, tmp);
	else
		printf("(libonnx-testdata not installed: node tests skipped)\n");
	axon_device_close(dev);
	printf("\nmodel cases failing: %d; node tests failing: %d\n", f1, f2);
	printf("conformance: %d passed, %d failed\n", passed_total, f1 + f2);
	return (f1 || f2) ? 1 : 0;
}
