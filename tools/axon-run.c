// SPDX-License-Identifier: MIT
/*
 * axon-run: run a compiled .axb model with libaxon.
 *   axon-run MODEL.axb [--device cpu|npu|dsp|dpu|accelN] --input FILE...
 *            [--output FILE...] [--reference FILE...] [--runs N] [--json]
 * Files: ONNX TensorProto (.pb), NumPy (.npy) or raw bytes (anything else).
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "axon/axon.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "onnx.pb-c.h"

#define MAXF 32

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "axon-run: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n)
		die("%s: read error", path);
	fclose(f);
	*size = n;
	return buf;
}

static int ends(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static int onnx_dtype(uint32_t dt)
{
	switch (dt) {
	case AXON_FLOAT32: return ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	case AXON_UINT8: return ONNX__TENSOR_PROTO__DATA_TYPE__UINT8;
	case AXON_INT8: return ONNX__TENSOR_PROTO__DATA_TYPE__INT8;
	case AXON_INT16: return ONNX__TENSOR_PROTO__DATA_TYPE__INT16;
	case AXON_INT32: return ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
	default: return 0;
	}
}

static const char *npy_descr(uint32_t dt)
{
	switch (dt) {
	case AXON_FLOAT32: return "<f4";
	case AXON_UINT8: return "|u1";
	case AXON_INT8: return "|i1";
	case AXON_INT16: return "<i2";
	case AXON_INT32: return "<i4";
	default: return "?";
	}
}

/* Load a tensor file into exactly ti->size bytes of ti->dtype. */
static void *load_tensor(const char *path, const struct axon_tensor_info *ti)
{
	size_t size;
	uint8_t *raw = read_file(path, &size);
	uint8_t *out = malloc(ti->size);

	if (ends(path, ".pb")) {
		Onnx__TensorProto *t = onnx__tensor_proto__unpack(NULL, size, raw);
		size_t es = axon_dtype_size(ti->dtype), n = ti->size / es;

		if (!t)
			die("%s: not an ONNX TensorProto", path);
		if (t->data_type != onnx_dtype(ti->dtype))
			die("%s: data type %d, the model's '%s' is %s", path, t->data_type,
			    ti->name, axon_dtype_name(ti->dtype));
		if (t->has_raw_data && t->raw_data.len == ti->size) {
			memcpy(out, t->raw_data.data, ti->size);
		} else if (ti->dtype == AXON_FLOAT32 && t->n_float_data == n) {
			memcpy(out, t->float_data, ti->size);
		} else if (t->n_int32_data == n) {
			for (size_t i = 0; i < n; i++) {
				int32_t v = t->int32_data[i];

				memcpy(out + i * es, &v, es);	/* little-endian truncation */
			}
		} else {
			die("%s: %zu bytes expected for '%s'", path, ti->size, ti->name);
		}
		onnx__tensor_proto__free_unpacked(t, NULL);
	} else if (ends(path, ".npy")) {
		uint16_t hl;
		const char *hdr;

		if (size < 10 || memcmp(raw, "\x93NUMPY", 6))
			die("%s: not a .npy file", path);
		hl = raw[1 + 7] | raw[9] << 8;
		if (raw[6] != 1)
			hl = 0, die("%s: only .npy version 1 is supported", path);
		hdr = (const char *)raw + 10;
		if (!memmem(hdr, hl, npy_descr(ti->dtype), 3))
			die("%s: dtype is not %s", path, npy_descr(ti->dtype));
		if (memmem(hdr, hl, "'fortran_order': True", 21))
			die("%s: Fortran order is not supported", path);
		if (size - 10 - hl != ti->size)
			die("%s: %zu data bytes, '%s' needs %zu", path, size - 10 - hl,
			    ti->name, ti->size);
		memcpy(out, raw + 10 + hl, ti->size);
	} else {
		if (size != ti->size)
			die("%s: %zu bytes, '%s' needs %zu", path, size, ti->name, ti->size);
		memcpy(out, raw, size);
	}
	free(raw);
	return out;
}

static void save_tensor(const char *path, const struct axon_tensor_info *ti,
			const void *data)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		die("%s: %s", path, strerror(errno));
	if (ends(path, ".pb")) {
		Onnx__TensorProto t = ONNX__TENSOR_PROTO__INIT;
		int64_t dims[AXON_MAX_RANK];
		size_t len;
		uint8_t *buf;

		for (uint32_t i = 0; i < ti->rank; i++)
			dims[i] = ti->dims[i];
		t.n_dims = ti->rank;
		t.dims = dims;
		t.has_data_type = 1;
		t.data_type = onnx_dtype(ti->dtype);
		t.name = (char *)ti->name;
		t.has_raw_data = 1;
		t.raw_data.len = ti->size;
		t.raw_data.data = (uint8_t *)data;
		len = onnx__tensor_proto__get_packed_size(&t);
		buf = malloc(len);
		onnx__tensor_proto__pack(&t, buf);
		fwrite(buf, 1, len, f);
		free(buf);
	} else if (ends(path, ".npy")) {
		char hdr[256], shape[128] = "";
		size_t n = 0, hl;

		for (uint32_t i = 0; i < ti->rank; i++)
			n += snprintf(shape + n, sizeof(shape) - n, "%u,%s", ti->dims[i],
				      i + 1 < ti->rank ? " " : "");
		if (ti->rank > 1)
			shape[strlen(shape) - 1] = 0;
		hl = snprintf(hdr, sizeof(hdr),
			      "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
			      npy_descr(ti->dtype), shape);
		while ((10 + hl + 1) % 64)
			hdr[hl++] = ' ';
		hdr[hl++] = '\n';
		fwrite("\x93NUMPY\x01\x00", 1, 8, f);
		fputc((int)(hl & 0xff), f);
		fputc((int)(hl >> 8), f);
		fwrite(hdr, 1, hl, f);
		fwrite(data, 1, ti->size, f);
	} else {
		fwrite(data, 1, ti->size, f);
	}
	if (fclose(f))
		die("%s: write error", path);
}

/* max |a - b| in LSB of the device tensor's quantization */
static double lsb_diff(const struct axon_tensor_info *ti, const void *a,
		       const void *b, size_t *nmis)
{
	size_t es = axon_dtype_size(ti->dtype), n = ti->size / es;
	double m = 0;

	*nmis = 0;
	for (size_t i = 0; i < n; i++) {
		double x, y, d;

		switch (ti->dtype) {
		case AXON_FLOAT32:
			x = ((const float *)a)[i] / ti->scale;
			y = ((const float *)b)[i] / ti->scale;
			break;
		case AXON_UINT8: x = ((const uint8_t *)a)[i]; y = ((const uint8_t *)b)[i]; break;
		case AXON_INT8: x = ((const int8_t *)a)[i]; y = ((const int8_t *)b)[i]; break;
		case AXON_INT16: x = ((const int16_t *)a)[i]; y = ((const int16_t *)b)[i]; break;
		default: x = ((const int32_t *)a)[i]; y = ((const int32_t *)b)[i]; break;
		}
		d = fabs(x - y);
		if (d > 1e-6)
			(*nmis)++;
		if (d > m)
			m = d;
	}
	return m;
}

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: axon-run MODEL.axb [--device cpu|npu|dsp|dpu|accelN] --input FILE...\n"
		"                [--output FILE...] [--reference FILE...] [--runs N] [--json]\n"
		"files: ONNX TensorProto (.pb), NumPy (.npy) or raw bytes\n");
	exit(2);
}

/* Values and argmax of a small output (e.g. a classifier's scores). */
static void print_small(const struct axon_tensor_info *ti, const void *buf)
{
	size_t n = ti->size / axon_dtype_size(ti->dtype), best = 0;
	double bv = 0;

	if (!n || n > 16)
		return;
	printf("output    '%s' =", ti->name);
	for (size_t k = 0; k < n; k++) {
		double v;

		switch (ti->dtype) {
		case AXON_FLOAT32: v = ((const float *)buf)[k]; break;
		case AXON_INT8: v = ((const int8_t *)buf)[k]; break;
		case AXON_UINT8: v = ((const uint8_t *)buf)[k]; break;
		case AXON_INT16: v = ((const int16_t *)buf)[k]; break;
		default: v = ((const int32_t *)buf)[k]; break;
		}
		if (!k || v > bv) {
			bv = v;
			best = k;
		}
		printf(" %.6g", v);
	}
	printf("  (argmax %zu)\n", best);
}

int main(int argc, char **argv)
{
	const char *model_path = NULL, *device = NULL;
	const char *ins[MAXF], *outs[MAXF], *refs[MAXF];
	int nin = 0, nout = 0, nref = 0, runs = 1, json = 0, list = 0, rc = 0;
	axon_device *dev;
	axon_model *m;
	axon_run *r;
	struct axon_device_info di;
	struct axon_tensor_info ti;
	void *ibuf[MAXF], *obuf[MAXF];
	uint64_t *lat;
	int mi, mo, tty = isatty(2);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		int *cnt = NULL;

		if (!strcmp(a, "--device") && i + 1 < argc)
			device = argv[++i];
		else if (!strcmp(a, "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(a, "--json"))
			json = 1;
		else if (!strcmp(a, "--list"))
			list = 1;
		else if (!strcmp(a, "--input")) { dst = ins; cnt = &nin; }
		else if (!strcmp(a, "--output")) { dst = outs; cnt = &nout; }
		else if (!strcmp(a, "--reference")) { dst = refs; cnt = &nref; }
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage();
		else if (a[0] == '-')
			die("unknown option %s (see --help)", a);
		else if (!model_path)
			model_path = a;
		else
			die("unexpected argument %s", a);
		if (dst) {
			while (i + 1 < argc && argv[i + 1][0] != '-' && *cnt < MAXF)
				dst[(*cnt)++] = argv[++i];
		}
	}
	if (!model_path || runs < 1)
		usage();
	if (axon_device_open(device, &dev))
		die("%s", axon_last_error());
	axon_device_query(dev, &di);
	if (axon_model_load(dev, model_path, 0, &m))
		die("%s", axon_last_error());
	mi = axon_model_io_count(m, AXON_INPUT);
	mo = axon_model_io_count(m, AXON_OUTPUT);
	if (list || nin != mi) {
		FILE *o = list ? stdout : stderr;

		fprintf(o, "%s: %d input(s), %d output(s)\n", model_path, mi, mo);
		for (int d = AXON_INPUT; d <= AXON_OUTPUT; d++)
			for (int i = 0; i < axon_model_io_count(m, d); i++) {
				axon_model_io_info(m, d, i, &ti);
				fprintf(o, "  %s %d '%s' %s [", d == AXON_INPUT ? "input" : "output",
					i, ti.name, axon_dtype_name(ti.dtype));
				for (uint32_t k = 0; k < ti.rank; k++)
					fprintf(o, "%s%u", k ? "," : "", ti.dims[k]);
				fprintf(o, "] scale %g zero point %d\n", ti.scale, ti.zero_point);
			}
		if (list)
			return 0;
		die("%d --input file(s) given, the model has %d input(s)", nin, mi);
	}
	if ((nout && nout != mo) || (nref && nref != mo))
		die("--output/--reference need %d file(s)", mo);
	if (axon_run_create(m, &r))
		die("%s", axon_last_error());
	for (int i = 0; i < mi; i++) {
		axon_model_io_info(m, AXON_INPUT, i, &ti);
		ibuf[i] = load_tensor(ins[i], &ti);
		if (axon_run_bind_host(r, AXON_INPUT, i, ibuf[i], ti.size))
			die("%s", axon_last_error());
	}
	for (int i = 0; i < mo; i++) {
		axon_model_io_info(m, AXON_OUTPUT, i, &ti);
		obuf[i] = calloc(1, ti.size);
		if (axon_run_bind_host(r, AXON_OUTPUT, i, obuf[i], ti.size))
			die("%s", axon_last_error());
	}
	/* warm-up (not timed), then the timed runs */
	if (axon_run_execute(r, -1)) {
		struct axon_run_status st;

		axon_run_status(r, &st);
		die("run failed: %s%s%s", st.reason, *st.nodes ? " (node " : "",
		    *st.nodes ? st.nodes : "");
	}
	lat = calloc(runs, sizeof(*lat));
	for (int k = 0; k < runs; k++) {
		uint64_t t0 = now();

		if (axon_run_execute(r, -1))
			die("run %d failed: %s", k, axon_last_error());
		lat[k] = now() - t0;
		if (tty && runs >= 20 && (k % (runs / 20) == 0 || k == runs - 1)) {
			int w = 30, f = (k + 1) * w / runs;

			fprintf(stderr, "\r[%.*s%*s] %d/%d", f,
				"==============================", w - f, "", k + 1, runs);
			if (k == runs - 1)
				fputc('\n', stderr);
		}
	}
	qsort(lat, runs, sizeof(*lat), cmp_u64);
	for (int i = 0; i < nout; i++) {
		axon_model_io_info(m, AXON_OUTPUT, i, &ti);
		save_tensor(outs[i], &ti, obuf[i]);
	}
	if (json) {
		printf("{\"model\": \"%s\", \"device\": \"%s\", \"device_type\": \"%s\", "
		       "\"runs\": %d, \"latency_us\": {\"median\": %.1f, \"p90\": %.1f, \"min\": %.1f}, ",
		       model_path, di.name, axon_device_type_name(di.type), runs,
		       lat[runs / 2] / 1e3, lat[(runs * 9) / 10 < runs ? (runs * 9) / 10 : runs - 1] / 1e3,
		       lat[0] / 1e3);
		printf("\"segments\": [");
		for (int s = 0; s < axon_model_segment_count(m); s++) {
			struct axon_segment_info si;

			axon_model_segment_info(m, s, &si);
			printf("%s{\"name\": \"%s\", \"compiled_for\": \"%s\", \"device\": \"%s\", \"packets\": %u}",
			       s ? ", " : "", si.name, axon_device_type_name(si.compiled_for),
			       si.device, si.packets);
		}
		printf("], \"outputs\": [");
	} else {
		printf("model     %s\ndevice    %s (%s)\n", model_path, di.name,
		       axon_device_type_name(di.type));
		printf("latency   median %.1f us, p90 %.1f us over %d run(s) after 1 warm-up\n",
		       lat[runs / 2] / 1e3, lat[(runs * 9) / 10 < runs ? (runs * 9) / 10 : runs - 1] / 1e3,
		       runs);
		for (int s = 0; s < axon_model_segment_count(m); s++) {
			struct axon_segment_info si;

			axon_model_segment_info(m, s, &si);
			printf("segment   %d %-8s compiled for %s, runs on %s, %u packets\n", s,
			       si.name, axon_device_type_name(si.compiled_for), si.device,
			       si.packets);
		}
		{
			int np = axon_model_placement_count(m), per[5] = { 0 };
			struct axon_placement_info pi;

			for (int i = 0; i < np; i++) {
				axon_model_placement(m, i, &pi);
				per[pi.device < 5 ? pi.device : 0]++;
			}
			int folded = 0;

			for (int i = 0; i < np; i++) {
				axon_model_placement(m, i, &pi);
				if (pi.segment == 0xffffffffu)
					folded++;
			}
			if (np)
				printf("placement %d node(s): npu %d, dsp %d, dpu %d, cpu %d (%d folded at compile time)\n",
				       np, per[1], per[2], per[3], per[4] - folded, folded);
			for (int i = 0; i < np; i++) {
				axon_model_placement(m, i, &pi);
				if (pi.device == AXON_DEVICE_CPU && pi.segment != 0xffffffffu)
					printf("          %s (%s) on cpu: %s%s%s\n", pi.node, pi.op_type,
					       pi.reason_name, *pi.detail ? ", " : "", pi.detail);
			}
		}
	}
	for (int i = 0; i < mo; i++) {
		size_t mis = 0;
		double d = -1;

		axon_model_io_info(m, AXON_OUTPUT, i, &ti);
		if (nref) {
			void *ref = load_tensor(refs[i], &ti);

			d = lsb_diff(&ti, obuf[i], ref, &mis);
			free(ref);
			if (d > 1.0)
				rc = 1;
		}
		if (json)
			printf("%s{\"name\": \"%s\"%s", i ? ", " : "", ti.name, nref ? ", " : "");
		if (json && nref)
			printf("\"max_lsb\": %.3f, \"mismatches\": %zu", d, mis);
		if (json)
			printf("}");
		if (!json)
			print_small(&ti, obuf[i]);
		if (!json && nref)
			printf("output    '%s': max difference %.3f LSB, %zu element(s) differ\n",
			       ti.name, d, mis);
	}
	if (json)
		printf("]}\n");
	axon_run_free(r);
	axon_model_free(m);
	axon_device_close(dev);
	for (int i = 0; i < mi; i++)
		free(ibuf[i]);
	for (int i = 0; i < mo; i++)
		free(obuf[i]);
	free(lat);
	return rc;
}
