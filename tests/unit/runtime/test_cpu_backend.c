// SPDX-License-Identifier: MIT
/* libaxon cpu backend on hand-built packages, against plain loops. */
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "axon/axon.h"
#include "axb_builder.h"
#include "fixture.h"

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

static axon_model *load_fx(int float_io)
{
	size_t size;
	uint8_t *pkg = fx_package(float_io, &size);
	axon_model *m = NULL;
	int rc = axon_model_load_memory(dev, pkg, size, 0, &m);

	if (rc)
		print_error("load: %s\n", axon_last_error());
	assert_int_equal(rc, AXON_OK);
	free(pkg);
	return m;
}

static void expect_sum(const uint8_t *in, const uint8_t *out)
{
	for (int i = 0; i < FX_N; i++) {
		int v = in[i] + fx_weights[i];

		assert_int_equal(out[i], v > 255 ? 255 : v);
	}
}

static void test_device_list(void **state)
{
	struct axon_device_info infos[16], info;
	int n = axon_device_list(infos, 16);

	(void)state;
	assert_true(n >= 1);
	assert_string_equal(infos[n - 1].name, "cpu");
	assert_int_equal(infos[n - 1].type, AXON_DEVICE_CPU);
	assert_int_equal(axon_device_query(dev, &info), AXON_OK);
	assert_true(info.caps & AXON_CAP_CPU);
	assert_int_equal(axon_device_list(NULL, 0), n);
}

static void test_device_open_specs(void **state)
{
	axon_device *d = NULL;

	(void)state;
	setenv("AXON_DEVICE", "cpu", 1);
	assert_int_equal(axon_device_open(NULL, &d), AXON_OK);
	assert_int_equal(axon_device_query(d, &(struct axon_device_info){0}), AXON_OK);
	axon_device_close(d);
	unsetenv("AXON_DEVICE");
	assert_int_equal(axon_device_open("bogus!", &d), AXON_E_INVALID);
	assert_non_null(strstr(axon_last_error(), "bogus!"));
	assert_int_equal(axon_device_open("accel99", &d), AXON_E_NODEV);
	assert_null(d);
}

static void test_io_info(void **state)
{
	axon_model *m = load_fx(0);
	struct axon_tensor_info ti;
	struct axon_segment_info si;
	struct axon_placement_info pi;

	(void)state;
	assert_int_equal(axon_model_io_count(m, AXON_INPUT), 1);
	assert_int_equal(axon_model_io_count(m, AXON_OUTPUT), 1);
	assert_int_equal(axon_model_io_info(m, AXON_INPUT, 0, &ti), AXON_OK);
	assert_string_equal(ti.name, "input");
	assert_int_equal(ti.rank, 4);
	assert_int_equal(ti.dims[3], 8);
	assert_int_equal(ti.size, FX_N);
	assert_int_equal(ti.dtype, AXON_UINT8);
	assert_true(fabsf(ti.scale - 0.5f) < 1e-9f);
	assert_int_equal(axon_model_io_info(m, AXON_INPUT, 1, &ti), AXON_E_INVALID);
	assert_int_equal(axon_model_io_find(m, AXON_OUTPUT, "output"), 0);
	assert_int_equal(axon_model_io_find(m, AXON_OUTPUT, "nope"), AXON_E_NOTFOUND);
	assert_int_equal(axon_model_segment_count(m), 2);
	assert_int_equal(axon_model_segment_info(m, 0, &si), AXON_OK);
	assert_int_equal(si.compiled_for, AXON_DEVICE_NPU);
	assert_int_equal(si.runs_on, AXON_DEVICE_CPU);
	assert_int_equal(si.packets, FX_SEG0_PACKETS);
	assert_int_equal(axon_model_placement_count(m), 2);
	assert_int_equal(axon_model_placement(m, 1, &pi), AXON_OK);
	assert_string_equal(pi.node, "copy0");
	assert_string_equal(pi.reason_name, "boundary");
	assert_string_equal(axon_model_packet_nodes(m, 0, 0), "add0");
	assert_string_equal(axon_model_packet_nodes(m, 0, 2), "add0");
	assert_null(axon_model_packet_nodes(m, 0, 5));
	axon_model_free(m);
}

static void test_run_host(void **state)
{
	axon_model *m = load_fx(0);
	axon_run *r;
	uint8_t in[FX_N], out[FX_N];
	struct axon_run_status st;

	(void)state;
	for (int i = 0; i < FX_N; i++)
		in[i] = (uint8_t)(255 - i);
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	assert_int_equal(axon_run_execute(r, -1), AXON_E_INVALID);	/* unbound */
	assert_non_null(strstr(axon_last_error(), "not bound"));
	assert_int_equal(axon_run_bind_host(r, AXON_INPUT, 0, in, FX_N - 1), AXON_E_INVALID);
	assert_int_equal(axon_run_bind_host(r, AXON_INPUT, 0, in, FX_N), AXON_OK);
	assert_int_equal(axon_run_bind_host(r, AXON_OUTPUT, 0, out, FX_N), AXON_OK);
	for (int k = 0; k < 3; k++) {
		memset(out, 0xee, sizeof(out));
		in[0] = (uint8_t)k;
		assert_int_equal(axon_run_execute(r, -1), AXON_OK);
		expect_sum(in, out);
	}
	assert_int_equal(axon_run_status(r, &st), AXON_OK);
	assert_int_equal(st.status, AXON_OK);
	assert_int_equal(st.segment, -1);
	axon_run_free(r);
	axon_model_free(m);	/* run freed first; reverse order tested below */
}

static void test_run_buffers_no_copy(void **state)
{
	axon_model *m = load_fx(0);
	axon_buffer *bi, *bo;
	axon_run *r;
	uint8_t *in, *out;

	(void)state;
	assert_int_equal(axon_buffer_alloc(dev, 4096, &bi), AXON_OK);
	assert_int_equal(axon_buffer_alloc(dev, FX_N, &bo), AXON_OK);
	in = axon_buffer_map(bi);
	out = axon_buffer_map(bo);
	assert_non_null(in);
	assert_non_null(out);
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	axon_model_free(m);	/* the run keeps the model alive */
	assert_int_equal(axon_run_bind_buffer(r, AXON_INPUT, 0, bi, 64), AXON_OK);
	assert_int_equal(axon_run_bind_buffer(r, AXON_OUTPUT, 0, bo, 0), AXON_OK);
	assert_int_equal(axon_run_bind_buffer(r, AXON_OUTPUT, 0, bi, 4000), AXON_E_INVALID);
	/* written after binding: the run must see it (no copy at bind time) */
	for (int i = 0; i < FX_N; i++)
		in[64 + i] = (uint8_t)(i * 7);
	assert_int_equal(axon_run_execute(r, -1), AXON_OK);
	expect_sum(in + 64, out);
	axon_buffer_free(bi);	/* still referenced by the run */
	axon_buffer_free(bo);
	for (int i = 0; i < FX_N; i++)
		in[64 + i] = 1;
	assert_int_equal(axon_run_execute(r, -1), AXON_OK);
	expect_sum(in + 64, out);
	axon_run_free(r);
}

static void test_run_dmabuf_fd(void **state)
{
	axon_model *m = load_fx(0);
	axon_buffer *b;
	axon_run *r;
	uint8_t *in, out[FX_N];
	int fd;

	(void)state;
	assert_int_equal(axon_buffer_alloc(dev, FX_N, &b), AXON_OK);
	in = axon_buffer_map(b);
	/* cpu buffers export through /dev/udmabuf, which may be absent */
	if (axon_buffer_export_dmabuf(b, &fd) != AXON_OK) {
		axon_buffer_free(b);
		axon_model_free(m);
		skip();
	}
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	assert_int_equal(axon_run_bind_dmabuf(r, AXON_INPUT, 0, fd, 0), AXON_OK);
	close(fd);
	assert_int_equal(axon_run_bind_host(r, AXON_OUTPUT, 0, out, FX_N), AXON_OK);
	memset(in, 9, FX_N);
	assert_int_equal(axon_run_execute(r, -1), AXON_OK);
	expect_sum(in, out);
	axon_run_free(r);
	axon_buffer_free(b);
	axon_model_free(m);
}

static void test_run_async_fence(void **state)
{
	axon_model *m = load_fx(0);
	uint8_t in[FX_N], out[FX_N];
	struct pollfd pfd;
	axon_run *r;
	int fd, sf = -1;

	(void)state;
	memset(in, 3, sizeof(in));
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	axon_run_bind_host(r, AXON_INPUT, 0, in, FX_N);
	axon_run_bind_host(r, AXON_OUTPUT, 0, out, FX_N);
	assert_int_equal(axon_run_fence_fd(r, &fd, &sf), AXON_E_INVALID);
	for (int k = 0; k < 5; k++) {
		assert_int_equal(axon_run_submit(r), AXON_OK);
		assert_int_equal(axon_run_submit(r), AXON_E_BUSY);
		assert_int_equal(axon_run_bind_host(r, AXON_INPUT, 0, in, FX_N), AXON_E_BUSY);
		assert_int_equal(axon_run_fence_fd(r, &fd, &sf), AXON_OK);
		assert_int_equal(sf, 0);	/* cpu pipeline: eventfd */
		pfd.fd = fd;
		pfd.events = POLLIN;
		assert_int_equal(poll(&pfd, 1, 10000), 1);
		close(fd);
		assert_int_equal(axon_run_wait(r, -1), AXON_OK);
		expect_sum(in, out);
	}
	axon_run_free(r);
	axon_model_free(m);
}

static void test_float_io(void **state)
{
	axon_model *m = load_fx(1);
	struct axon_tensor_info ti;
	float in[FX_N], out[FX_N];
	axon_run *r;
	axon_buffer *b;

	(void)state;
	axon_model_io_info(m, AXON_INPUT, 0, &ti);
	assert_int_equal(ti.dtype, AXON_FLOAT32);
	assert_int_equal(ti.device_dtype, AXON_UINT8);
	assert_int_equal(ti.size, FX_N * 4);
	for (int i = 0; i < FX_N; i++)
		in[i] = (float)i * 0.25f - 3.0f;	/* /0.5 -> ties round to even */
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	axon_buffer_alloc(dev, 4096, &b);
	assert_int_equal(axon_run_bind_buffer(r, AXON_INPUT, 0, b, 0), AXON_E_UNSUPPORTED);
	axon_buffer_free(b);
	assert_int_equal(axon_run_bind_host(r, AXON_INPUT, 0, in, sizeof(in)), AXON_OK);
	assert_int_equal(axon_run_bind_host(r, AXON_OUTPUT, 0, out, sizeof(out)), AXON_OK);
	assert_int_equal(axon_run_execute(r, -1), AXON_OK);
	for (int i = 0; i < FX_N; i++) {
		float q = nearbyintf(in[i] / 0.5f);
		int qi = q < 0 ? 0 : q > 255 ? 255 : (int)q;
		int s = qi + fx_weights[i];

		s = s > 255 ? 255 : s;
		assert_true(out[i] == (float)s * 0.5f);
	}
	axon_run_free(r);
	axon_model_free(m);
}

/*
 * MATMUL, int8, per-channel scale table, bias, against a plain loop; a dsp
 * segment (dsp engines compute from device memory, npu ones from SRAM).
 */
#define M 3
#define K 5
#define N 4
static void test_matmul_per_channel(void **state)
{
	static int8_t a[M * K], wb[K * N];
	static struct {
		int8_t b[K * N];
		uint8_t pad0[64 - K * N];
		int32_t bias[N];
		uint8_t pad1[64 - 4 * N];
		struct axon_isa_rq rq[N];
	} wts;
	struct axbb b;
	struct sw s;
	struct axon_isa_matmul *p;
	uint32_t dims_a[4] = { 1, 1, M, K }, dims_o[4] = { 1, 1, M, N };
	int8_t out[M * N];
	uint8_t *pkg;
	size_t size;
	axon_model *m;
	axon_run *r;
	uint64_t wva = 0x20000000;

	(void)state;
	for (int i = 0; i < M * K; i++)
		a[i] = (int8_t)((i * 37) % 251 - 125);
	for (int i = 0; i < K * N; i++)
		wb[i] = wts.b[i] = (int8_t)((i * 53) % 200 - 100);
	for (int n = 0; n < N; n++) {
		wts.bias[n] = n * 1000 - 1500;
		wts.rq[n].multiplier = 1073741824 + n * 123456789;
		wts.rq[n].shift = 38 + n;
	}
	axbb_init(&b);
	axbb_add_io(&b, "a", AXB_IO_INPUT, AXB_DTYPE_INT8, AXB_DTYPE_INT8, 4, dims_a, 0.1f, 3);
	axbb_add_io(&b, "y", AXB_IO_OUTPUT, AXB_DTYPE_INT8, AXB_DTYPE_INT8, 4, dims_o, 0.2f, -5);
	axbb_add_weights(&b, &wts, sizeof(wts));
	sw_init(&s);
	p = sw_packet(&s, AXON_OP_MATMUL, sizeof(*p));
	p->a = tva(VA_IN, AXON_ISA_INT8, 3, 1, 1, M, K);
	p->b = tva(wva, AXON_ISA_INT8, 0, 1, 1, K, N);
	p->b.strides[0] = p->b.strides[1] = 0;
	p->bias = tva(wva + 64, AXON_ISA_INT32, 0, 1, 1, 1, N);
	p->out = tva(VA_OUT, AXON_ISA_INT8, -5, 1, 1, M, N);
	p->rq.addr = wva + 128;
	p->rq.rounding = AXON_ISA_ROUND_SINGLE;
	p->rq.count = N;
	p->act_min = -128;
	p->act_max = 127;
	sw_va(&s, &p->a.addr);
	sw_va(&s, &p->b.addr);
	sw_va(&s, &p->bias.addr);
	sw_va(&s, &p->out.addr);
	sw_va(&s, &p->rq.addr);
	size = sw_end(&s);
	axbb_add_slot(&b, AXB_SLOT_INPUT, 0, VA_IN, M * K, 0, AXB_ACCESS_READ);
	axbb_add_slot(&b, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&b, 0), wva, sizeof(wts), 0,
		      AXB_ACCESS_READ);
	axbb_add_slot(&b, AXB_SLOT_OUTPUT, 1, VA_OUT, M * N, 0, AXB_ACCESS_WRITE);
	axbb_add_reloc(&b, s.relocs[0], 0);
	axbb_add_reloc(&b, s.relocs[1], 1);
	axbb_add_reloc(&b, s.relocs[2], 1);
	axbb_add_reloc(&b, s.relocs[3], 2);
	axbb_add_reloc(&b, s.relocs[4], 1);
	axbb_add_segment(&b, AXB_DEV_DSP, s.words, size, 0, 0, 0);
	pkg = axbb_finish(&b, &size);
	if (axon_model_load_memory(dev, pkg, size, 0, &m))
		fail_msg("%s", axon_last_error());
	free(pkg);
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	axon_run_bind_host(r, AXON_INPUT, 0, a, sizeof(a));
	axon_run_bind_host(r, AXON_OUTPUT, 0, out, sizeof(out));
	assert_int_equal(axon_run_execute(r, -1), AXON_OK);
	for (int i = 0; i < M; i++) {
		for (int n = 0; n < N; n++) {
			int64_t acc = wts.bias[n], v;

			for (int k = 0; k < K; k++)
				acc += (int64_t)(a[i * K + k] - 3) * wb[k * N + n];
			v = (acc * wts.rq[n].multiplier +
			     (1ll << (wts.rq[n].shift - 1))) >> wts.rq[n].shift;
			v += -5;
			v = v < -128 ? -128 : v > 127 ? 127 : v;
			assert_int_equal(out[i * N + n], v);
		}
	}
	axon_run_free(r);
	axon_model_free(m);
}

/* A bad scale table entry fails at run time: status names the packet. */
static void test_run_fault_details(void **state)
{
	static struct axon_isa_rq bad[1] = { { -5, 3 } };
	struct axbb b;
	struct sw s;
	struct axon_isa_pool *p;
	struct axon_isa_fill *f;
	uint32_t dims[4] = { 1, 2, 2, 4 };
	uint8_t in[16], out[16];
	struct axon_run_status st;
	uint8_t *pkg;
	size_t size;
	axon_model *m;
	axon_run *r;

	(void)state;
	axbb_init(&b);
	axbb_add_io(&b, "x", AXB_IO_INPUT, AXB_DTYPE_UINT8, AXB_DTYPE_UINT8, 4, dims, 1, 0);
	axbb_add_io(&b, "y", AXB_IO_OUTPUT, AXB_DTYPE_UINT8, AXB_DTYPE_UINT8, 4, dims, 1, 0);
	axbb_add_weights(&b, bad, sizeof(bad));
	sw_init(&s);
	f = sw_packet(&s, AXON_OP_FILL, sizeof(*f));
	f->dst = tva(VA_OUT, AXON_ISA_UINT8, 0, 1, 2, 2, 4);
	f->value = 7;
	sw_va(&s, &f->dst.addr);
	p = sw_packet(&s, AXON_OP_POOL, sizeof(*p));
	p->in = tva(VA_IN, AXON_ISA_UINT8, 0, 1, 2, 2, 4);
	p->out = tva(VA_OUT, AXON_ISA_UINT8, 0, 1, 2, 2, 4);
	p->rq.addr = VA_W;
	p->rq.count = 1;
	p->kind = AXON_ISA_POOL_AVG;
	p->kernel_h = p->kernel_w = 1;
	p->stride_h = p->stride_w = 1;
	p->act_min = 0;
	p->act_max = 255;
	sw_va(&s, &p->in.addr);
	sw_va(&s, &p->out.addr);
	sw_va(&s, &p->rq.addr);
	size = sw_end(&s);
	axbb_add_slot(&b, AXB_SLOT_INPUT, 0, VA_IN, 16, 0, AXB_ACCESS_READ);
	axbb_add_slot(&b, AXB_SLOT_WEIGHTS, AXBB_SEC_WEIGHTS(&b, 0), VA_W, sizeof(bad), 0,
		      AXB_ACCESS_READ);
	axbb_add_slot(&b, AXB_SLOT_OUTPUT, 1, VA_OUT, 16, 0, AXB_ACCESS_WRITE);
	axbb_add_reloc(&b, s.relocs[0], 2);
	axbb_add_reloc(&b, s.relocs[1], 0);
	axbb_add_reloc(&b, s.relocs[2], 2);
	axbb_add_reloc(&b, s.relocs[3], 1);
	axbb_add_segment(&b, AXB_DEV_DSP, s.words, size, 0, 0, 0);
	b.debugs[0].segment = 0;
	b.debugs[0].packet = 1;
	b.debugs[0].nodes = axbb_str(&b, "avgpool_7");
	b.ndebugs = 1;
	b.segs[0].debug_count = 1;
	pkg = axbb_finish(&b, &size);
	if (axon_model_load_memory(dev, pkg, size, 0, &m))
		fail_msg("%s", axon_last_error());
	free(pkg);
	memset(in, 1, sizeof(in));
	assert_int_equal(axon_run_create(m, &r), AXON_OK);
	axon_run_bind_host(r, AXON_INPUT, 0, in, sizeof(in));
	axon_run_bind_host(r, AXON_OUTPUT, 0, out, sizeof(out));
	assert_int_equal(axon_run_execute(r, -1), AXON_E_FAULT);
	assert_int_equal(axon_run_status(r, &st), AXON_OK);
	assert_int_equal(st.status, AXON_E_FAULT);
	assert_int_equal(st.segment, 0);
	assert_int_equal(st.packet, 1);
	assert_int_equal(st.isa_status, AXON_ISA_E_TABLE);
	assert_string_equal(st.nodes, "avgpool_7");
	assert_non_null(strstr(st.reason, "packet 1"));
	assert_non_null(strstr(axon_last_error(), "packet 1"));
	axon_run_free(r);
	axon_model_free(m);
}

#define THREADS 8
#define RUNS 50
static axon_model *shared_model;

static void *thread_main(void *arg)
{
	uintptr_t id = (uintptr_t)arg, bad = 0;
	uint8_t in[FX_N], out[FX_N];
	axon_run *r;

	if (axon_run_create(shared_model, &r))
		return (void *)1;
	axon_run_bind_host(r, AXON_INPUT, 0, in, FX_N);
	axon_run_bind_host(r, AXON_OUTPUT, 0, out, FX_N);
	for (int k = 0; k < RUNS; k++) {
		for (int i = 0; i < FX_N; i++)
			in[i] = (uint8_t)(id * 31 + k + i);
		if (axon_run_execute(r, -1))
			bad++;
		for (int i = 0; i < FX_N; i++) {
			int v = in[i] + fx_weights[i];

			bad += out[i] != (v > 255 ? 255 : v);
		}
	}
	axon_run_free(r);
	return (void *)bad;
}

static void test_threads(void **state)
{
	pthread_t t[THREADS];
	void *res;

	(void)state;
	shared_model = load_fx(0);
	for (uintptr_t i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, thread_main, (void *)i);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], &res);
		assert_int_equal((uintptr_t)res, 0);
	}
	axon_model_free(shared_model);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_list),
		cmocka_unit_test(test_device_open_specs),
		cmocka_unit_test(test_io_info),
		cmocka_unit_test(test_run_host),
		cmocka_unit_test(test_run_buffers_no_copy),
		cmocka_unit_test(test_run_dmabuf_fd),
		cmocka_unit_test(test_run_async_fence),
		cmocka_unit_test(test_float_io),
		cmocka_unit_test(test_matmul_per_channel),
		cmocka_unit_test(test_run_fault_details),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("runtime_cpu_backend", tests, setup, teardown);
}
