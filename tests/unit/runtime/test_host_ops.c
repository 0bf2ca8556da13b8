// SPDX-License-Identifier: MIT
/*
 * Host segments (.axb minor 1): the HOST_OPS section is verified by the
 * loader (required flag, device, operand ranges, access, dtypes, counts)
 * and run on the cpu backend with ONNX's QuantizeLinear and
 * DynamicQuantizeLinear arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "axon/axon.h"
#include "axb_builder.h"

#define VA_I 0x10000000ull
#define VA_W 0x10100000ull
#define VA_O 0x10200000ull
#define VA_O2 0x10300000ull
#define VA_O3 0x10400000ull

static axon_device *dev;

static int setup(void **state)
{
	(void)state;
	return axon_device_open("cpu", &dev);
}

static int teardown(void **state)
{
	(void)state;
	axon_device_close(dev);
	return 0;
}

static struct axb_section *section(uint8_t *p, uint32_t i)
{
	return (void *)(p + 64 + (size_t)i * sizeof(struct axb_section));
}

/* turn segment 0's STREAM section into its HOST_OPS section */
static void make_host(struct axbb *b, uint8_t *p, size_t n)
{
	struct axb_section *s = section(p, AXBB_SEC_STREAM(b, 0));

	s->type = AXB_SEC_HOST_OPS;
	s->flags = AXB_SECTION_F_REQUIRED;
	s->entry_size = sizeof(struct axb_host_op);
	axbb_fix_crcs(p, n);
}

static struct axbb B;
static struct axb_host_op OPS[2];
static uint8_t W[64];

/* per-axis QuantizeLinear: x f32 [2,3] (axis 1) -> y u8 [2,3] */
static uint8_t *quant_pkg(size_t *n, void (*tweak)(struct axb_host_op *, struct axbb *))
{
	static const uint32_t dims[2] = { 2, 3 };
	static const float sc[3] = { 0.5f, 1.0f, 0.25f };
	static const uint8_t zp[3] = { 10, 128, 0 };
	uint32_t w;
	uint8_t *p;

	axbb_init(&B);
	axbb_add_io(&B, "x", AXB_IO_INPUT, AXB_DTYPE_FLOAT32, AXB_DTYPE_FLOAT32, 2, dims, 1.0f, 0);
	axbb_add_io(&B, "y", AXB_IO_OUTPUT, AXB_DTYPE_UINT8, AXB_DTYPE_UINT8, 2, dims, 1.0f, 0);
	memset(W, 0, sizeof(W));
	memcpy(W, sc, sizeof(sc));
	memcpy(W + 16, zp, sizeof(zp));
	w = axbb_add_weights(&B, W, sizeof(W));
	B.model.targets = 1u << AXB_DEV_CPU;
	axbb_add_slot(&B, AXB_SLOT_INPUT, 0, VA_I, 24, 0, AXB_ACCESS_READ);
	axbb_add_slot(&B, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&B, w), VA_W, sizeof(W), 0,
		      AXB_ACCESS_READ);
	axbb_add_slot(&B, AXB_SLOT_OUTPUT, 1, VA_O, 6, 0, AXB_ACCESS_READ | AXB_ACCESS_WRITE);
	memset(OPS, 0, sizeof(OPS));
	OPS[0].op = AXB_HOST_QUANTIZE;
	OPS[0].channels = 3;
	OPS[0].inner = 1;
	OPS[0].in[0] = (struct axb_host_operand){ 0, AXB_DTYPE_FLOAT32, 0, 6 };
	OPS[0].in[1] = (struct axb_host_operand){ 1, AXB_DTYPE_FLOAT32, 0, 3 };
	OPS[0].in[2] = (struct axb_host_operand){ 1, AXB_DTYPE_UINT8, 16, 3 };
	OPS[0].out[0] = (struct axb_host_operand){ 2, AXB_DTYPE_UINT8, 0, 6 };
	if (tweak)
		tweak(OPS, &B);
	axbb_add_segment(&B, AXB_DEV_CPU, OPS, sizeof(OPS[0]), 0, 0, 0);
	B.segs[0].flags = AXB_SEGMENT_F_HOST;
	if (tweak)
		tweak(NULL, &B);
	p = axbb_finish(&B, n);
	make_host(&B, p, *n);
	return p;
}

static void test_quantize_per_axis(void **state)
{
	static const float x[6] = { 1.0f, -3.5f, 2.0f, 100.0f, 2.5f, -0.125f };
	/* channel c = i % 3: round_half_even(x / scale) + zp, saturated */
	static const uint8_t want[6] = { 12, 124, 8, 210, 130, 0 };
	uint8_t y[6], *p;
	axon_model *m;
	axon_run *r;
	size_t n;

	(void)state;
	p = quant_pkg(&n, NULL);
	assert_int_equal(axon_model_load_memory(dev, p, n, 0, &m), AXON_OK);
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	assert_int_equal(axon_run_bind_host(r, AXON_INPUT, 0, (void *)x, sizeof(x)), AXON_OK);
	assert_int_equal(axon_run_bind_host(r, AXON_OUTPUT, 0, y, sizeof(y)), AXON_OK);
	assert_int_equal(axon_run_execute(r, -1), AXON_OK);
	assert_memory_equal(y, want, 6);
	axon_run_free(r);
	axon_model_free(m);
	free(p);
}

/* ONNX's DynamicQuantizeLinear example */
static void tweak_dynq(struct axb_host_op *o)
{
	memset(o, 0, sizeof(*o));
	o->op = AXB_HOST_DYNAMIC_QUANTIZE;
	o->channels = o->inner = 1;
	o->in[0] = (struct axb_host_operand){ 0, AXB_DTYPE_FLOAT32, 0, 6 };
	o->out[0] = (struct axb_host_operand){ 1, AXB_DTYPE_UINT8, 0, 6 };
	o->out[1] = (struct axb_host_operand){ 2, AXB_DTYPE_FLOAT32, 0, 1 };
	o->out[2] = (struct axb_host_operand){ 3, AXB_DTYPE_UINT8, 0, 1 };
}

static void test_dynamic_quantize(void **state)
{
	static const uint32_t d6[1] = { 6 }, d1[1] = { 1 };
	static const float x[6] = { 0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f };
	static const uint8_t want[6] = { 153, 255, 0, 26, 221, 179 };
	uint8_t y[6], zp, *p;
	float sc;
	axon_model *m;
	axon_run *r;
	size_t n;

	(void)state;
	axbb_init(&B);
	axbb_add_io(&B, "x", AXB_IO_INPUT, AXB_DTYPE_FLOAT32, AXB_DTYPE_FLOAT32, 1, d6, 1.0f, 0);
	axbb_add_io(&B, "y", AXB_IO_OUTPUT, AXB_DTYPE_UINT8, AXB_DTYPE_UINT8, 1, d6, 1.0f, 0);
	axbb_add_io(&B, "y_scale", AXB_IO_OUTPUT, AXB_DTYPE_FLOAT32, AXB_DTYPE_FLOAT32, 1, d1,
		    1.0f, 0);
	axbb_add_io(&B, "y_zero_point", AXB_IO_OUTPUT, AXB_DTYPE_UINT8, AXB_DTYPE_UINT8, 1, d1,
		    1.0f, 0);
	B.model.targets = 1u << AXB_DEV_CPU;
	axbb_add_slot(&B, AXB_SLOT_INPUT, 0, VA_I, 24, 0, AXB_ACCESS_READ);
	axbb_add_slot(&B, AXB_SLOT_OUTPUT, 1, VA_O, 6, 0, AXB_ACCESS_READ | AXB_ACCESS_WRITE);
	axbb_add_slot(&B, AXB_SLOT_OUTPUT, 2, VA_O2, 4, 0, AXB_ACCESS_READ | AXB_ACCESS_WRITE);
	axbb_add_slot(&B, AXB_SLOT_OUTPUT, 3, VA_O3, 1, 0, AXB_ACCESS_READ | AXB_ACCESS_WRITE);
	memset(OPS, 0, sizeof(OPS));
	tweak_dynq(OPS);
	axbb_add_segment(&B, AXB_DEV_CPU, OPS, sizeof(OPS[0]), 0, 0, 0);
	B.segs[0].flags = AXB_SEGMENT_F_HOST;
	p = axbb_finish(&B, &n);
	make_host(&B, p, n);
	assert_int_equal(axon_model_load_memory(dev, p, n, 0, &m), AXON_OK);
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	assert_int_equal(axon_run_bind_host(r, AXON_INPUT, 0, (void *)x, sizeof(x)), AXON_OK);
	assert_int_equal(axon_run_bind_host(r, AXON_OUTPUT, 0, y, sizeof(y)), AXON_OK);
	assert_int_equal(axon_run_bind_host(r, AXON_OUTPUT, 1, &sc, sizeof(sc)), AXON_OK);
	assert_int_equal(axon_run_bind_host(r, AXON_OUTPUT, 2, &zp, 1), AXON_OK);
	assert_int_equal(axon_run_execute(r, -1), AXON_OK);
	assert_memory_equal(y, want, 6);
	assert_true(sc == 5.0f / 255.0f);
	assert_int_equal(zp, 153);
	axon_run_free(r);
	axon_model_free(m);
	free(p);
}

/* malformed host segments: every one rejected with a message, no crash */
static int bad_case;

static void tweak_bad(struct axb_host_op *o, struct axbb *b)
{
	if (o) {
		switch (bad_case) {
		case 0: o->op = 77; break;			/* unknown opcode */
		case 1: o->in[0].count = 7; break;		/* past the input slot */
		case 2: o->out[0].slot = 1; break;		/* writes the weights */
		case 3: o->channels = 4; break;			/* scale count mismatch */
		case 4: o->in[1].dtype = AXB_DTYPE_UINT8; break;	/* scale not float */
		case 5: o->out[0].slot = 9; break;		/* no such slot */
		case 6: o->flags = 1; break;			/* unknown flag */
		case 7: o->in[0].offset = 2; break;		/* misaligned */
		case 8: o->inner = 0; break;
		case 9: o->out[1].count = 1; break;		/* absent needs dtype */
		}
		return;
	}
	switch (bad_case) {
	case 10: b->segs[0].device = AXB_DEV_NPU; break;	/* host ops off the cpu */
	case 11: b->segs[0].flags = AXB_SEGMENT_F_HOST | 2; break;
	case 12: b->segs[0].reloc_count = 1; break;
	}
}

static void test_malformed(void **state)
{
	axon_model *m;
	uint8_t *p;
	size_t n;

	(void)state;
	for (bad_case = 0; bad_case <= 12; bad_case++) {
		p = quant_pkg(&n, tweak_bad);
		m = NULL;
		assert_int_not_equal(axon_model_load_memory(dev, p, n, 0, &m), AXON_OK);
		assert_null(m);
		assert_non_null(strstr(axon_last_error(), "invalid package"));
		free(p);
	}
	/* HOST_OPS must be REQUIRED; entry_size at least the v1 struct */
	p = quant_pkg(&n, NULL);
	section(p, AXBB_SEC_STREAM(&B, 0))->flags = 0;
	axbb_fix_crcs(p, n);
	assert_int_not_equal(axon_model_load_memory(dev, p, n, 0, &m), AXON_OK);
	free(p);
	p = quant_pkg(&n, NULL);
	section(p, AXBB_SEC_STREAM(&B, 0))->entry_size = 80;
	axbb_fix_crcs(p, n);
	assert_int_not_equal(axon_model_load_memory(dev, p, n, 0, &m), AXON_OK);
	free(p);
	/* a host segment pointing at a STREAM, a stream segment at HOST_OPS */
	p = quant_pkg(&n, NULL);
	section(p, AXBB_SEC_STREAM(&B, 0))->type = AXB_SEC_STREAM;
	section(p, AXBB_SEC_STREAM(&B, 0))->entry_size = 0;
	axbb_fix_crcs(p, n);
	assert_int_not_equal(axon_model_load_memory(dev, p, n, 0, &m), AXON_OK);
	free(p);
	/* random corruption of the table: rejected or run, never a crash */
	for (int it = 0; it < 300; it++) {
		uint8_t *t;

		p = quant_pkg(&n, NULL);
		t = p + section(p, AXBB_SEC_STREAM(&B, 0))->offset;
		t[rand() % sizeof(struct axb_host_op)] ^= (uint8_t)(1u << (rand() % 8));
		axbb_fix_crcs(p, n);
		m = NULL;
		if (axon_model_load_memory(dev, p, n, 0, &m) == AXON_OK) {
			static float x[6];
			static uint8_t y[6];
			axon_run *r;

			assert_int_equal(axon_run_create(m, &r), AXON_OK);
			axon_run_bind_host(r, AXON_INPUT, 0, x, sizeof(x));
			axon_run_bind_host(r, AXON_OUTPUT, 0, y, sizeof(y));
			axon_run_execute(r, -1);
			axon_run_free(r);
			axon_model_free(m);
		}
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantize_per_axis),
		cmocka_unit_test(test_dynamic_quantize),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("runtime host ops", tests, setup, teardown);
}
