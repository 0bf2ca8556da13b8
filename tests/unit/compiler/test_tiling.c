// SPDX-License-Identifier: MIT
/*
 * SRAM tiling oracle: tiling never changes integer arithmetic, so every
 * model case compiled for the SRAM-resident devices (npu, dpu: DMA-in /
 * compute-in-SRAM / DMA-out tiles, validated with AXON_FW_L_COMPUTE_IN_SRAM)
 * must give outputs bit-identical to the same case compiled for the cpu
 * (untiled, operands in device memory), both run on libaxon's CPU backend.
 * Also checks that every segment's SRAM need fits its device's SRAM and
 * that npu segments really use SRAM. A fifth build tiles for an npu with
 * only 32 KiB of SRAM, which streams weights per output-channel block and
 * splits every layer into many bands (ops that cannot fit go to the CPU).
 *
 * Cases: $AXON_CASES or ../shared/models/cases next to the repository;
 * skipped if absent.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <axon/axb_format.h>
#include <axon/axon.h>

#include "driver.h"
#include "emit.h"
#include "graph.h"
#include "onnx_builder.h"
#include "profiles.h"

#define MAX_CASES 64
#define NT 5
#define SMALL_SRAM (32u << 10)

static char cases_dir[1024];
static char tmpdir[] = "/tmp/axon-tiling-XXXXXX";
static axon_device *dev;

struct tcase {
	char name[256];
};
static struct tcase tcases[MAX_CASES];

/* largest sram_size of the package's segments compiled for @device (-1: none) */
static int64_t pkg_sram(const char *path, uint32_t device, int *nseg)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;
	int64_t best = -1;
	struct axb_header h;

	*nseg = 0;
	if (!f)
		return -2;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(b);
		return -2;
	}
	fclose(f);
	memcpy(&h, b, sizeof(h));
	for (uint32_t i = 0; i < h.section_count; i++) {
		struct axb_section s;

		memcpy(&s, b + h.section_offset + (uint64_t)i * h.section_entry_size, sizeof(s));
		if (s.type != AXB_SEC_SEGMENTS)
			continue;
		for (uint64_t k = 0; k < s.size / s.entry_size; k++) {
			struct axb_segment sg;

			memcpy(&sg, b + s.offset + k * s.entry_size, sizeof(sg));
			if (sg.device != device)
				continue;
			(*nseg)++;
			if ((int64_t)sg.sram_size > best)
				best = (int64_t)sg.sram_size;
		}
	}
	free(b);
	return best;
}

/* run @axb on @in; returns malloc'ed concatenated output bytes */
static uint8_t *run(const char *axb, struct value *in, size_t *len)
{
	axon_model *m = NULL;
	axon_run *r = NULL;
	struct axon_tensor_info ii;
	uint8_t *out = NULL;
	size_t total = 0, off = 0;
	int i, no;

	if (axon_model_load(dev, axb, 0, &m)) {
		print_error("load %s: %s\n", axb, axon_last_error());
		return NULL;
	}
	no = axon_model_io_count(m, AXON_OUTPUT);
	for (i = 0; i < no; i++) {
		struct axon_tensor_info oi;

		axon_model_io_info(m, AXON_OUTPUT, i, &oi);
		total += oi.size;
	}
	out = calloc(1, total + 1);
	if (axon_run_create(m, &r))
		goto fail;
	axon_model_io_info(m, AXON_INPUT, 0, &ii);
	if (ii.size != (size_t)in->nelem * (size_t)dt_size(in->dtype) ||
	    axon_run_bind_host(r, AXON_INPUT, 0, in->data, ii.size))
		goto fail;
	for (i = 0; i < no; i++) {
		struct axon_tensor_info oi;

		axon_model_io_info(m, AXON_OUTPUT, i, &oi);
		if (axon_run_bind_host(r, AXON_OUTPUT, i, out + off, oi.size))
			goto fail;
		off += oi.size;
	}
	if (axon_run_execute(r, 120000000000ll))
		goto fail;
	axon_run_free(r);
	axon_model_free(m);
	*len = total;
	return out;
fail:
	print_error("%s: %s\n", axb, axon_last_error());
	free(out);
	axon_run_free(r);
	axon_model_free(m);
	return NULL;
}

static int compile(const char *name, const char *target, const char *tag, char *axb, size_t len)
{
	char model[1400];
	struct axc_opts o;

	snprintf(model, sizeof(model), "%s/%s/model.onnx", cases_dir, name);
	snprintf(axb, len < 1500 ? len : 1500, "%s/%s.%s%s.axb", tmpdir, name, target, tag);
	memset(&o, 0, sizeof(o));
	o.input = model;
	o.output = axb;
	o.targets = target;
	o.quiet = 1;
	return axc_compile(&o);
}

static void test_case(void **state)
{
	const struct tcase *tc = *state;
	static const char *const targets[] = { "cpu", "npu", "dpu", "npu+dsp", "npu" };
	char axb[NT][1700];
	int t, set;

	for (t = 0; t < NT; t++) {
		axc_sram_limit = t == NT - 1 ? SMALL_SRAM : 0;
		assert_int_equal(compile(tc->name, targets[t], t == NT - 1 ? "small" : "", axb[t],
					 sizeof(axb[t])), 0);
		axc_sram_limit = 0;
	}
	for (t = 1; t < NT; t++) {
		static const uint32_t devs[] = { AXB_DEV_NPU, AXB_DEV_DPU };

		for (int d = 0; d < 2; d++) {
			const struct profile *p = profile_by_device((int)devs[d]);
			int nseg;
			int64_t s = pkg_sram(axb[t], devs[d], &nseg);

			assert_true(s >= -1);
			if (nseg) {
				/* SRAM-resident: something in SRAM, never more than the device has */
				assert_true(s > 0);
				assert_true((uint64_t)s <= (t == NT - 1 ? SMALL_SRAM : p->sram_size));
				print_message("  %-26s %-8s %-3s segments %d, SRAM %7lld of %7llu bytes\n",
					      tc->name, t == NT - 1 ? "npu/32K" : targets[t], p->name, nseg,
					      (long long)s, (unsigned long long)(t == NT - 1 ? SMALL_SRAM : p->sram_size));
			}
		}
	}
	for (set = 0; set < 2; set++) {
		char path[1700];
		struct value *in;
		uint8_t *ref;
		size_t rlen = 0;

		snprintf(path, sizeof(path), "%s/%s/test_data_set_%d/input_0.pb", cases_dir, tc->name, set);
		in = import_tensor_file(path);
		if (!in)
			continue;
		ref = run(axb[0], in, &rlen);
		assert_non_null(ref);
		for (t = 1; t < NT; t++) {
			size_t len = 0;
			uint8_t *o = run(axb[t], in, &len);

			assert_non_null(o);
			assert_int_equal(len, rlen);
			if (memcmp(o, ref, len))
				print_error("%s set %d: %s output differs from the untiled cpu output\n",
					    tc->name, set, targets[t]);
			assert_memory_equal(o, ref, len);
			free(o);
		}
		free(ref);
		value_free(in);
	}
	for (t = 0; t < NT; t++)
		unlink(axb[t]);
}

/*
 * Convolution geometries the model cases lack (grouped, dilated, strided,
 * padding wider than a band) on tiny SRAMs: bands of one row, all-padding
 * bands (FILL), output-channel blocks aligned to groups.
 */
static void test_conv_geometries(void **state)
{
	static const int64_t geo[][6] = {	/* c, hw, group, stride, dil, pad */
		{ 8, 20, 2, 1, 1, 1 }, { 8, 20, 4, 2, 2, 2 }, { 8, 17, 1, 2, 1, 3 },
		{ 8, 16, 8, 1, 3, 3 }, { 12, 9, 3, 3, 1, 4 }, { 16, 12, 1, 1, 2, 0 },
	};
	static const uint64_t srams[] = { 0, 4096, 1536 };
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(geo) / sizeof(geo[0]); i++) {
		const int64_t *gm = geo[i];
		int64_t nx = gm[0] * gm[1] * gm[1], j;
		char model[300], axb[2][300];
		uint8_t *ref = NULL, *pb;
		size_t len, rlen = 0;
		struct value in;
		FILE *f;
		float *x = calloc((size_t)nx, sizeof(float));

		for (j = 0; j < nx; j++)
			x[j] = (float)((j * 7919) % 255 - 128) * 0.02f;
		memset(&in, 0, sizeof(in));
		in.data = x;
		in.nelem = nx;
		in.dtype = DT_F32;
		pb = mb_pack(mb_conv_model_ex(gm[0], gm[1], gm[1], gm[2], gm[3], gm[4], gm[5]), &len);
		mb_free_all();
		snprintf(model, sizeof(model), "%s/conv%zu.onnx", tmpdir, i);
		f = fopen(model, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(pb, 1, len, f), len);
		fclose(f);
		free(pb);
		for (k = 0; k < 1 + sizeof(srams) / sizeof(srams[0]); k++) {
			struct axc_opts o;
			uint8_t *out;
			size_t olen = 0;

			memset(&o, 0, sizeof(o));
			snprintf(axb[k ? 1 : 0], sizeof(axb[0]), "%s/conv%zu.%zu.axb", tmpdir, i, k);
			o.input = model;
			o.output = axb[k ? 1 : 0];
			o.targets = k ? "npu" : "cpu";
			o.quiet = 1;
			axc_sram_limit = k ? srams[k - 1] : 0;
			assert_int_equal(axc_compile(&o), 0);
			axc_sram_limit = 0;
			out = run(axb[k ? 1 : 0], &in, &olen);
			assert_non_null(out);
			if (!k) {
				ref = out;
				rlen = olen;
				continue;
			}
			assert_int_equal(olen, rlen);
			{
				int nseg;
				int64_t sr = pkg_sram(axb[1], AXB_DEV_NPU, &nseg);

				/* the convolution runs tiled on the npu, inside the SRAM given */
				if (!(nseg > 0 && sr > 0))
					print_error("geometry %zu sram %zu: %d npu segments, sram %lld\n", i, k, nseg, (long long)sr);
				assert_true(nseg > 0 && sr > 0);
				if (srams[k - 1])
					assert_true((uint64_t)sr <= srams[k - 1]);
			}
			if (memcmp(out, ref, olen))
				print_error("conv geometry %zu, npu SRAM %llu: differs from cpu\n", i,
					    (unsigned long long)srams[k - 1]);
			assert_memory_equal(out, ref, olen);
			free(out);
			unlink(axb[1]);
		}
		free(ref);
		free(x);
		unlink(axb[0]);
		unlink(model);
	}
}

static void test_no_cases(void **state)
{
	(void)state;
	skip();
}

int main(void)
{
	struct CMUnitTest tests[MAX_CASES + 1];
	struct dirent **ents;
	const char *env = getenv("AXON_CASES");
	int n, i, nt = 0, rc;

	snprintf(cases_dir, sizeof(cases_dir), "%s", env ? env : AXON_TOP "/../shared/models/cases");
	if (!mkdtemp(tmpdir) || axon_device_open("cpu", &dev)) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	n = scandir(cases_dir, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char p[1400 + 256];

		snprintf(p, sizeof(p), "%s/%s/model.onnx", cases_dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && nt < MAX_CASES && !access(p, R_OK)) {
			snprintf(tcases[nt].name, sizeof(tcases[nt].name), "%s", ents[i]->d_name);
			memset(&tests[nt], 0, sizeof(tests[nt]));
			tests[nt].name = tcases[nt].name;
			tests[nt].test_func = test_case;
			tests[nt].initial_state = &tcases[nt];
			nt++;
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	if (!nt) {
		memset(&tests[0], 0, sizeof(tests[0]));
		tests[0].name = "no model cases (AXON_CASES)";
		tests[0].test_func = test_no_cases;
		nt = 1;
	}
	memset(&tests[nt], 0, sizeof(tests[nt]));
	tests[nt].name = "conv_geometries_small_sram";
	tests[nt++].test_func = test_conv_geometries;
	rc = _cmocka_run_group_tests("compiler/tiling: tiled npu/dpu == untiled cpu, bit-exact",
				     tests, (size_t)nt, NULL, NULL);
	axon_device_close(dev);
	rmdir(tmpdir);
	return rc;
}
