// SPDX-License-Identifier: MIT
/*
 * Malformed and unsupported models: axonc must fail with a clear message
 * (file name, node name where there is one, reason), a non-zero status and
 * no crash (the unit tests run under ASan/UBSan). Models are built in
 * memory (onnx_builder.c) from a valid QOperator convolution and a valid
 * QDQ MatMul+Add, then broken one way each.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "driver.h"
#include "onnx_builder.h"

static char tmpdir[] = "/tmp/axon-malformed-XXXXXX";
static char errbuf[8192];
static char path[256];

/* compile @len bytes saved as @name.onnx; stderr captured in errbuf */
static int compile_bytes(const char *name, const void *buf, size_t len)
{
	char out[300], cap[300];
	struct axc_opts o;
	FILE *f;
	int fd, saved, rc;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s.onnx", tmpdir, name);
	snprintf(out, sizeof(out), "%s/out.axb", tmpdir);
	snprintf(cap, sizeof(cap), "%s/stderr.txt", tmpdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	memset(&o, 0, sizeof(o));
	o.input = path;
	o.output = out;
	o.targets = "npu+dsp";
	o.quiet = 1;
	fflush(stderr);
	saved = dup(2);
	fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	close(fd);
	rc = axc_compile(&o);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fd = open(cap, O_RDONLY);
	n = read(fd, errbuf, sizeof(errbuf) - 1);
	close(fd);
	errbuf[n > 0 ? n : 0] = 0;
	unlink(out);
	/* the in-memory entry point (fuzzer) must agree that this is an error */
	if (rc) {
		saved = dup(2);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		close(fd);
		assert_int_not_equal(axc_check_buffer(buf, len), 0);
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
	}
	return rc;
}

static int compile_model(const char *name, const Onnx__ModelProto *m)
{
	size_t len;
	uint8_t *b = mb_pack(m, &len);
	int rc = compile_bytes(name, b, len);

	free(b);
	return rc;
}

/*
 * Inconsistent but harmless inputs the importer currently accepts (it takes
 * the kernel size from the weights, ignores ONNX domains): they must not
 * crash; if rejected, the message must name the file.
 */
static void expect_no_crash(const char *name, const Onnx__ModelProto *m)
{
	int rc = compile_model(name, m);

	print_message("  %-22s -> %s", name, rc ? errbuf : "accepted (known gap)\n");
	if (rc)
		assert_non_null(strstr(errbuf, path));
	mb_free_all();
}

/* the model must be rejected, naming the file, @node (or NULL) and @what (or NULL) */
static void expect_error(const char *name, const Onnx__ModelProto *m, const char *node,
			 const char *what)
{
	int rc = compile_model(name, m);

	print_message("  %-22s -> %s", name, errbuf[0] ? errbuf : "(no message)\n");
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(errbuf, path));
	if (node) {
		char q[128];

		snprintf(q, sizeof(q), "'%s'", node);
		assert_non_null(strstr(errbuf, q));
	}
	if (what)
		assert_non_null(strstr(errbuf, what));
	mb_free_all();
}

static Onnx__GraphProto *G(Onnx__ModelProto *m)
{
	return m->graph;
}

static void test_valid_models_compile(void **state)
{
	(void)state;
	assert_int_equal(compile_model("valid_conv", mb_conv_model(4, 6, 6)), 0);
	mb_free_all();
	assert_int_equal(compile_model("valid_matmul", mb_matmul_model(16, 8)), 0);
	mb_free_all();
}

static void test_not_onnx(void **state)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34, 0x08, 0x80 };
	char big[4096];

	(void)state;
	assert_int_not_equal(compile_bytes("empty", "", 0), 0);
	assert_non_null(strstr(errbuf, path));
	assert_int_not_equal(compile_bytes("junk", junk, sizeof(junk)), 0);
	assert_non_null(strstr(errbuf, path));
	memset(big, 'A', sizeof(big));
	assert_int_not_equal(compile_bytes("text", big, sizeof(big)), 0);
	assert_non_null(strstr(errbuf, path));
	{
		struct axc_opts o;

		memset(&o, 0, sizeof(o));
		o.input = "/nonexistent/model.onnx";
		o.targets = "npu";
		o.quiet = 1;
		assert_int_not_equal(axc_compile(&o), 0);
	}
}

/* every prefix of two valid models: an error naming the file, or a model */
static void test_truncated(void **state)
{
	Onnx__ModelProto *ms[2];
	int k, errs = 0, oks = 0;

	(void)state;
	ms[0] = mb_conv_model(4, 6, 6);
	ms[1] = mb_matmul_model(16, 8);
	for (k = 0; k < 2; k++) {
		size_t len, l;
		uint8_t *b = mb_pack(ms[k], &len);

		for (l = 0; l < len; l += l < 256 ? 1 : 7) {
			int rc = compile_bytes("truncated", b, l);

			if (rc) {
				errs++;
				assert_non_null(strstr(errbuf, path));
			} else {
				oks++;
			}
		}
		free(b);
	}
	print_message("  truncated prefixes: %d rejected with a message, %d still valid models\n",
		      errs, oks);
	assert_true(errs > 0);
	mb_free_all();
}

static void test_wrong_types(void **state)
{
	Onnx__ModelProto *m;

	(void)state;
	m = mb_conv_model(4, 6, 6);	/* float weights for QLinearConv */
	mb_find_init(G(m), "w")->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	expect_error("float_weights", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* string-typed input */
	G(m)->input[0]->type->tensor_type->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__STRING;
	expect_error("string_input", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* raw_data shorter than the dims say */
	mb_find_init(G(m), "w")->raw_data.len = 10;
	expect_error("short_raw_data", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* int64 zero point */
	mb_find_init(G(m), "y_zp")->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
	expect_error("int64_zero_point", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* kernel_shape as a scalar attribute */
	{
		Onnx__AttributeProto *a = mb_find_attr(mb_find_node(G(m), "conv"), "kernel_shape");

		a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
		a->n_ints = 0;
		a->has_f = 1;
		a->f = 3.5f;
	}
	expect_no_crash("attr_wrong_type", m);
	m = mb_conv_model(4, 6, 6);	/* zero scale */
	{
		float z = 0.0f;

		memcpy(mb_find_init(G(m), "y_s")->raw_data.data, &z, 4);
	}
	expect_error("zero_scale", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* per-channel weight zero points that differ */
	{
		int64_t d1[1] = { 4 };
		int8_t z[4] = { 0, 1, 0, 0 };
		Onnx__TensorProto *t = mb_tensor("w_zp", ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 1, d1, z, 4);
		size_t i;

		for (i = 0; i < G(m)->n_initializer; i++)
			if (!strcmp(G(m)->initializer[i]->name, "w_zp"))
				G(m)->initializer[i] = t;
	}
	expect_error("weight_zp_per_channel", m, "conv", NULL);
}

static void test_missing_and_dangling(void **state)
{
	Onnx__ModelProto *m;
	Onnx__GraphProto *g;
	size_t i;

	(void)state;
	m = mb_conv_model(4, 6, 6);	/* weight initializer removed */
	g = G(m);
	for (i = 0; i < g->n_initializer; i++)
		if (!strcmp(g->initializer[i]->name, "w")) {
			g->initializer[i] = g->initializer[--g->n_initializer];
			break;
		}
	expect_error("missing_initializer", m, "conv", "'w'");
	m = mb_conv_model(4, 6, 6);	/* dangling input name */
	mb_find_node(G(m), "dq")->input[0] = mb_str("no_such_tensor");
	expect_error("dangling_input", m, "dq", "no_such_tensor");
	m = mb_conv_model(4, 6, 6);	/* output nobody produces */
	G(m)->output[0]->name = mb_str("y_missing");
	expect_error("unproduced_output", m, NULL, "y_missing");
	m = mb_conv_model(4, 6, 6);	/* no graph at all */
	m->graph = NULL;
	expect_error("no_graph", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* node with no inputs */
	mb_find_node(G(m), "conv")->n_input = 0;
	expect_error("no_inputs", m, NULL, NULL);
}

static void test_cycles(void **state)
{
	Onnx__ModelProto *m;

	(void)state;
	m = mb_conv_model(4, 6, 6);	/* q reads conv's output: q -> conv -> q */
	mb_find_node(G(m), "q")->input[0] = mb_str("yq");
	expect_error("cycle", m, NULL, "cycle");
	m = mb_conv_model(4, 6, 6);	/* a node reading its own output */
	mb_find_node(G(m), "conv")->input[0] = mb_str("yq");
	expect_error("self_loop", m, NULL, "cycle");
	m = mb_conv_model(4, 6, 6);	/* two producers of one name */
	mb_find_node(G(m), "q")->output[0] = mb_str("yq");
	expect_error("duplicate_output", m, NULL, NULL);
}

static void test_shapes(void **state)
{
	Onnx__ModelProto *m;
	int64_t big = (int64_t)1 << 40;

	(void)state;
	m = mb_conv_model(4, 6, 6);	/* huge spatial dims */
	G(m)->input[0]->type->tensor_type->shape->dim[2]->dim_value = big;
	G(m)->input[0]->type->tensor_type->shape->dim[3]->dim_value = big;
	expect_error("huge_input", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* huge but int32-sized dims: no allocation storm */
	G(m)->input[0]->type->tensor_type->shape->dim[2]->dim_value = 1 << 20;
	G(m)->input[0]->type->tensor_type->shape->dim[3]->dim_value = 1 << 20;
	expect_error("huge_activation", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* a weight claiming 2^62 elements */
	mb_find_init(G(m), "w")->dims[0] = (int64_t)1 << 62;
	expect_error("huge_weight", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* zero-size dim */
	G(m)->input[0]->type->tensor_type->shape->dim[2]->dim_value = 0;
	expect_error("zero_dim", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* negative dim */
	G(m)->input[0]->type->tensor_type->shape->dim[3]->dim_value = -5;
	expect_error("negative_dim", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* weight channels do not match the input */
	G(m)->input[0]->type->tensor_type->shape->dim[1]->dim_value = 5;
	expect_error("channel_mismatch", m, "conv", NULL);
	m = mb_matmul_model(16, 8);	/* K mismatch */
	G(m)->input[0]->type->tensor_type->shape->dim[1]->dim_value = 17;
	expect_error("matmul_k_mismatch", m, NULL, NULL);
	m = mb_conv_model(4, 6, 6);	/* kernel larger than the padded input */
	G(m)->input[0]->type->tensor_type->shape->dim[2]->dim_value = 1;
	{
		int64_t p0[4] = { 0, 0, 0, 0 };

		memcpy(mb_find_attr(mb_find_node(G(m), "conv"), "pads")->ints, p0, sizeof(p0));
	}
	expect_error("kernel_too_big", m, NULL, NULL);
}

static void test_absurd_attributes(void **state)
{
	static const struct {
		const char *name, *attr;
		int n;
		int64_t v[4];
	} cases[] = {
		{ "negative_pads", "pads", 4, { -1, -1, -1, -1 } },
		{ "huge_pads", "pads", 4, { 1 << 30, 1, 1, 1 } },
		{ "zero_stride", "strides", 2, { 0, 1 } },
		{ "negative_stride", "strides", 2, { -2, 1 } },
		{ "huge_stride", "strides", 2, { (int64_t)1 << 40, 1 } },
		{ "zero_dilation", "dilations", 2, { 0, 1 } },
		{ "negative_dilation", "dilations", 2, { 1, -3 } },
		{ "huge_dilation", "dilations", 2, { 1000000, 1000000 } },
		{ "kernel_mismatch", "kernel_shape", 2, { 5, 5 } },
		{ "short_pads", "pads", 1, { 1 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Onnx__ModelProto *m = mb_conv_model(4, 6, 6);
		Onnx__NodeProto *n = mb_find_node(G(m), "conv");
		Onnx__AttributeProto *a = mb_find_attr(n, cases[i].attr);

		if (!a)
			a = mb_attr_ints(n, cases[i].attr, cases[i].n, cases[i].v);
		memcpy(a->ints, cases[i].v, sizeof(int64_t) * (size_t)cases[i].n);
		a->n_ints = (size_t)cases[i].n;
		if (!strcmp(cases[i].attr, "kernel_shape") || cases[i].n == 1)
			expect_no_crash(cases[i].name, m);
		else
			expect_error(cases[i].name, m, "conv", NULL);
	}
	{
		Onnx__ModelProto *m = mb_conv_model(4, 6, 6);	/* group 3 does not divide 4 */

		mb_find_attr(mb_find_node(G(m), "conv"), "group")->i = 3;
		expect_error("group_not_dividing", m, "conv", NULL);
		m = mb_conv_model(4, 6, 6);
		mb_find_attr(mb_find_node(G(m), "conv"), "group")->i = 0;
		expect_error("group_zero", m, "conv", NULL);
		m = mb_conv_model(4, 6, 6);
		mb_find_attr(mb_find_node(G(m), "conv"), "group")->i = -4;
		expect_error("group_negative", m, "conv", NULL);
	}
}

static void test_unsupported(void **state)
{
	Onnx__ModelProto *m;

	(void)state;
	m = mb_conv_model(4, 6, 6);
	mb_find_node(G(m), "conv")->op_type = mb_str("FancyConv");
	expect_error("unknown_op", m, "conv", "FancyConv");
	m = mb_conv_model(4, 6, 6);
	mb_find_node(G(m), "conv")->op_type = mb_str("Einsum");
	expect_error("unsupported_op", m, "conv", "Einsum");
	m = mb_matmul_model(16, 8);	/* a float op between quantized tensors with no integer form */
	mb_find_node(G(m), "matmul")->op_type = mb_str("Atan2");
	expect_error("float_island_op", m, "matmul", NULL);
	m = mb_conv_model(4, 6, 6);	/* a custom domain */
	mb_find_node(G(m), "conv")->domain = mb_str("com.example");
	expect_no_crash("custom_domain", m);
	m = mb_conv_model(4, 6, 6);	/* opset outside 10..17 */
	m->opset_import[0]->version = 3;
	expect_error("old_opset", m, NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_models_compile),
		cmocka_unit_test(test_not_onnx),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_missing_and_dangling),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_absurd_attributes),
		cmocka_unit_test(test_unsupported),
	};
	int rc;

	if (!mkdtemp(tmpdir))
		return 1;
	rc = cmocka_run_group_tests_name("compiler/malformed: clear errors, no crash", tests,
					 NULL, NULL);
	{
		char p[300];

		snprintf(p, sizeof(p), "%s/truncated.onnx", tmpdir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/stderr.txt", tmpdir);
		unlink(p);
		if (system("true") == 0) {
			char cmd[400];

			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
			if (system(cmd))
				rc = rc ? rc : 1;
		}
	}
	return rc;
}
