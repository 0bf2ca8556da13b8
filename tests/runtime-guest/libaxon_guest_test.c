// SPDX-License-Identifier: MIT
/*
 * libaxon's accel backend in the QEMU guest, against the real axon.ko
 * (emulate=npu,dsp,dpu). TAP on stdout. Covers:
 *   - enumeration (the three emulated devices), axon-smi and axon-smi --json;
 *   - buffers: BO alloc/map, PRIME export and import across devices;
 *   - on each device type: packages compiled by axonc (installed in
 *     MODELS_DIR as CASE.TARGET.axb) and hand-built ones give bit-identical
 *     outputs on the device and on the cpu backend;
 *   - inputs bound to udmabuf and dma-heap buffers with no copy;
 *   - a pipeline across two devices (sync_file chaining), async + fence fd;
 *   - fault details (segment, packet, ISA status, source node), and the
 *     error of an unconfigured DPU;
 *   - 8 threads x 200 runs on one device; fault isolation between runs;
 *   - the DPU configuration: dpu-config.bin at probe, malformed files,
 *     axon_device_load_config() / axon-smi config-load as root and not
 *     (config_tests.c);
 *   - device removal (driver unbind) while runs are in flight.
 * Named so that it runs after the kernel's axon_* kselftests (it configures
 * the DPU).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <xf86drm.h>

#include "axon/axon.h"
#include "drm/axon_accel.h"
#include "guest.h"
#include "json_check.h"
#include "pkgs.h"

#ifndef MODELS_DIR
#define MODELS_DIR "/usr/share/axon/test-models"
#endif
#define DRV_DIR "/sys/bus/platform/drivers/axon"

/* ------------------------------------------------------------------ */
/* TAP */
static int n_tests, n_failed;

void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		n_failed++;
	return ok;
}

void skip(const char *name, const char *why)
{
	printf("ok %d %s # SKIP %s\n", ++n_tests, name, why);
	fflush(stdout);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* Devices */
static const char *const type_names[] = { "npu", "dsp", "dpu" };

int find_info(uint32_t type, struct axon_device_info *out)
{
	struct axon_device_info infos[16];
	int n = axon_device_list(infos, 16);

	for (int i = 0; i < n && i < 16; i++) {
		if (infos[i].type == type) {
			*out = infos[i];
			return 0;
		}
	}
	return -1;
}

/* The DPU refuses jobs until configured: load a configuration blob. */
static int configure_dpu(void)
{
	struct drm_axon_device_info di;
	struct drm_axon_query q;
	struct drm_axon_config_load c;
	struct axon_device_info info;
	struct {
		struct drm_axon_blob_header h;
		uint8_t payload[256];
	} blob;
	int fd, rc;

	if (find_info(AXON_DEVICE_DPU, &info))
		return -1;
	fd = open(info.path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&q, 0, sizeof(q));
	q.query_id = DRM_AXON_QUERY_DEVICE_INFO;
	q.size = sizeof(di);
	q.data = (uintptr_t)&di;
	rc = drmIoctl(fd, DRM_IOCTL_AXON_QUERY, &q);
	if (!rc && !(di.state & DRM_AXON_STATE_CONFIGURED)) {
		memset(&blob, 0, sizeof(blob));
		for (unsigned int i = 0; i < sizeof(blob.payload); i++)
			blob.payload[i] = (uint8_t)(i * 7);
		blob.h.magic = DRM_AXON_BLOB_MAGIC;
		blob.h.header_version = DRM_AXON_BLOB_HEADER_VERSION;
		blob.h.kind = DRM_AXON_BLOB_CONFIG;
		blob.h.device_type = DRM_AXON_DEVICE_TYPE_DPU;
		blob.h.version = DRM_AXON_VERSION(1, 0, 0);
		blob.h.payload_size = sizeof(blob.payload);
		blob.h.payload_crc32 = axb_crc32(0, blob.payload, sizeof(blob.payload));
		memset(&c, 0, sizeof(c));
		c.data = (uintptr_t)&blob;
		c.size = sizeof(blob);
		rc = drmIoctl(fd, DRM_IOCTL_AXON_CONFIG_LOAD, &c);
		if (rc)
			diag("CONFIG_LOAD on %s: %s", info.name, strerror(errno));
	}
	close(fd);
	return rc;
}

/* Before configure_dpu(): an unconfigured DPU refuses runs with a clear error. */
static void test_dpu_unconfigured(void)
{
	struct axon_device_info info;
	axon_device *dev = NULL;
	axon_model *m = NULL;
	axon_run *r = NULL;
	int8_t in[PK_N] = { 0 }, out[PK_N];
	uint8_t *pkg = NULL;
	size_t size;
	int rc;

	if (find_info(AXON_DEVICE_DPU, &info) || (info.state & DRM_AXON_STATE_CONFIGURED)) {
		skip("unconfigured dpu", "no dpu, or already configured");
		return;
	}
	pkg = pk_build(PK_ADD, AXB_DEV_DPU, &size);
	CHECK_OK(axon_device_open("dpu", &dev));
	CHECK_OK(axon_model_load_memory(dev, pkg, size, AXON_MODEL_STRICT, &m));
	CHECK_OK(axon_run_create(m, &r));
	CHECK_OK(axon_run_bind_host(r, AXON_INPUT, 0, in, PK_N));
	CHECK_OK(axon_run_bind_host(r, AXON_OUTPUT, 0, out, PK_N));
	rc = axon_run_execute(r, -1);
	CHECK(rc == AXON_E_UNSUPPORTED && strstr(axon_last_error(), "no configuration"),
	      "%s: %s", axon_status_name(rc), axon_last_error());
	diag("%s", axon_last_error());
	result(1, "unconfigured dpu: AXON_E_UNSUPPORTED naming the missing configuration");
	goto out;
fail:
	result(0, "unconfigured dpu");
out:
	axon_run_free(r);
	axon_model_free(m);
	axon_device_close(dev);
	free(pkg);
}

static void test_enumeration(void)
{
	struct axon_device_info infos[16];
	int n = axon_device_list(infos, 16), seen[3] = { 0 };

	CHECK(n >= 4, "%d devices listed", n);
	for (int i = 0; i < n && i < 16; i++) {
		const struct axon_device_info *d = &infos[i];
		axon_device *dev;

		diag("%-7s %-4s engines %u sram %llu KiB caps %#llx available %u",
		     d->name, axon_device_type_name(d->type), d->engines,
		     (unsigned long long)d->sram_size >> 10,
		     (unsigned long long)d->caps, d->available);
		if (d->type == AXON_DEVICE_CPU)
			continue;
		CHECK(d->type >= 1 && d->type <= 3, "type %u", d->type);
		seen[d->type - 1]++;
		CHECK(d->engines >= 1 && d->sram_size > 0 && d->available, "profile");
		CHECK(d->caps & DRM_AXON_CAP_SUBMIT, "no SUBMIT capability");
		CHECK_OK(axon_device_open(d->name, &dev));
		axon_device_close(dev);
	}
	CHECK(infos[n - 1].type == AXON_DEVICE_CPU, "cpu backend last");
	CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1,
	      "npu %d dsp %d dpu %d", seen[0], seen[1], seen[2]);
	result(1, "enumeration: npu, dsp and dpu devices, then the cpu backend");
	return;
fail:
	result(0, "enumeration");
}

char *run_cmd(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t got;

	if (!f || !buf) {
		if (f)
			pclose(f);
		free(buf);
		return NULL;
	}
	while ((got = fread(buf + n, 1, cap - 1 - n, f)) > 0) {
		n += got;
		if (n == cap - 1) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[n] = 0;
	if (pclose(f) != 0) {
		diag("'%s' failed:\n%s", cmd, buf);
		free(buf);
		return NULL;
	}
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_smi(void)
{
	char *txt = run_cmd("axon-smi 2>&1"), *json = NULL;
	char err[128];

	CHECK(txt, "axon-smi failed");
	CHECK(strstr(txt, " npu ") && strstr(txt, " dsp ") && strstr(txt, " dpu "),
	      "axon-smi output:\n%s", txt);
	json = run_cmd("axon-smi --json");
	CHECK(json, "axon-smi --json failed");
	CHECK(json_check(json, err, sizeof(err)) == 0, "not JSON: %s\n%s", err, json);
	CHECK(count(json, "\"type\": \"npu\"") == 1 && count(json, "\"type\": \"dsp\"") == 1 &&
	      count(json, "\"type\": \"dpu\"") == 1, "JSON devices:\n%s", json);
	diag("axon-smi --json: %zu bytes of valid JSON", strlen(json));
	result(1, "axon-smi lists the three devices; --json parses as JSON");
	free(txt);
	free(json);
	return;
fail:
	free(txt);
	free(json);
	result(0, "axon-smi");
}

/* ------------------------------------------------------------------ */
/* Buffers */
static void test_buffers(void)
{
	axon_device *npu = NULL, *dsp = NULL, *cpu = NULL;
	axon_buffer *a = NULL, *b = NULL, *c = NULL;
	uint8_t *pa, *pb, *pc;
	int fd = -1;

	CHECK_OK(axon_device_open("npu", &npu));
	CHECK_OK(axon_device_open("dsp", &dsp));
	CHECK_OK(axon_device_open("cpu", &cpu));
	CHECK_OK(axon_buffer_alloc(npu, 10000, &a));
	CHECK(axon_buffer_size(a) >= 10000, "size %zu", axon_buffer_size(a));
	pa = axon_buffer_map(a);
	CHECK(pa, "map: %s", axon_last_error());
	for (int i = 0; i < 10000; i++)
		CHECK(pa[i] == 0, "BO not zeroed at %d", i);
	for (int i = 0; i < 10000; i++)
		pa[i] = (uint8_t)(i * 5 + 1);
	CHECK_OK(axon_buffer_export_dmabuf(a, &fd));
	CHECK_OK(axon_buffer_import_dmabuf(dsp, fd, 0, &b));
	CHECK_OK(axon_buffer_import_dmabuf(cpu, fd, 0, &c));
	pb = axon_buffer_map(b);
	pc = axon_buffer_map(c);
	CHECK(pb && pc, "map of imports: %s", axon_last_error());
	CHECK(!memcmp(pa, pb, 10000) && !memcmp(pa, pc, 10000), "contents differ");
	pb[17] = 0xab;		/* shared pages, not copies */
	CHECK(pa[17] == 0xab && pc[17] == 0xab, "write through the import not seen");
	result(1, "buffers: BO alloc/map, PRIME export, import on dsp and cpu share pages");
	goto out;
fail:
	result(0, "buffers");
out:
	if (fd >= 0)
		close(fd);
	axon_buffer_free(a);
	axon_buffer_free(b);
	axon_buffer_free(c);
	axon_device_close(npu);
	axon_device_close(dsp);
	axon_device_close(cpu);
}

/* ------------------------------------------------------------------ */
/* Device vs cpu */
struct io_set {
	int nin, nout;
	void *in[8], *out[8];
	size_t in_size[8], out_size[8];
};

static void io_free(struct io_set *s)
{
	for (int i = 0; i < s->nin; i++)
		free(s->in[i]);
	for (int i = 0; i < s->nout; i++)
		free(s->out[i]);
	memset(s, 0, sizeof(*s));
}

/* Inputs: exactly representable values of the device's quantization. */
static int io_alloc(axon_model *m, struct io_set *s, unsigned int seed)
{
	struct axon_tensor_info ti;

	memset(s, 0, sizeof(*s));
	s->nin = axon_model_io_count(m, AXON_INPUT);
	s->nout = axon_model_io_count(m, AXON_OUTPUT);
	if (s->nin < 0 || s->nin > 8 || s->nout < 0 || s->nout > 8)
		return -1;
	for (int i = 0; i < s->nin; i++) {
		size_t n;

		if (axon_model_io_info(m, AXON_INPUT, i, &ti))
			return -1;
		s->in_size[i] = ti.size;
		s->in[i] = malloc(ti.size);
		if (!s->in[i])
			return -1;
		n = ti.size / axon_dtype_size(ti.dtype);
		for (size_t k = 0; k < n; k++) {
			int lo = ti.device_dtype == AXON_INT8 ? -128 : 0;
			int q = lo + (int)(rand_r(&seed) % 256);

			if (ti.dtype == AXON_FLOAT32)
				((float *)s->in[i])[k] = (float)(q - ti.zero_point) * ti.scale;
			else if (axon_dtype_size(ti.dtype) == 1)
				((uint8_t *)s->in[i])[k] = (uint8_t)q;
			else
				memset((uint8_t *)s->in[i] + k * axon_dtype_size(ti.dtype), q,
				       axon_dtype_size(ti.dtype));
		}
	}
	for (int i = 0; i < s->nout; i++) {
		if (axon_model_io_info(m, AXON_OUTPUT, i, &ti))
			return -1;
		s->out_size[i] = ti.size;
		s->out[i] = calloc(1, ti.size);
		if (!s->out[i])
			return -1;
	}
	return 0;
}

static int run_once(axon_model *m, struct io_set *s, struct axon_run_status *st)
{
	axon_run *r;
	int rc;

	rc = axon_run_create(m, &r);
	if (rc)
		return rc;
	for (int i = 0; !rc && i < s->nin; i++)
		rc = axon_run_bind_host(r, AXON_INPUT, i, s->in[i], s->in_size[i]);
	for (int i = 0; !rc && i < s->nout; i++)
		rc = axon_run_bind_host(r, AXON_OUTPUT, i, s->out[i], s->out_size[i]);
	if (!rc)
		rc = axon_run_execute(r, 60ll * 1000000000);
	if (st)
		axon_run_status(r, st);
	axon_run_free(r);
	return rc;
}

/* Segments of @m running on an accel device. */
static int accel_segments(axon_model *m, char *where, size_t len)
{
	struct axon_segment_info si;
	int n = axon_model_segment_count(m), on = 0;

	where[0] = 0;
	for (int s = 0; s < n; s++) {
		if (axon_model_segment_info(m, s, &si))
			continue;
		if (si.runs_on != AXON_DEVICE_CPU)
			on++;
		snprintf(where + strlen(where), len - strlen(where), "%s%s:%s",
			 s ? " " : "", axon_device_type_name(si.compiled_for), si.device);
	}
	return on;
}

/*
 * Load @pkg (file, or bytes) on the @type device and on the cpu backend,
 * run both on two input sets, compare the outputs byte for byte.
 * Returns the number of accel segments (< 0 on failure).
 */
static int compare_on(const char *type, const char *path, const uint8_t *bytes,
		      size_t size, const char *label)
{
	axon_device *dev = NULL, *cpu = NULL;
	axon_model *md = NULL, *mc = NULL;
	struct io_set a = { 0 }, b = { 0 };
	struct axon_run_status st;
	char where[512];
	int on = -1;

	CHECK_OK(axon_device_open(type, &dev));
	CHECK_OK(axon_device_open("cpu", &cpu));
	if (path) {
		CHECK_OK(axon_model_load(dev, path, 0, &md));
		CHECK_OK(axon_model_load(cpu, path, 0, &mc));
	} else {
		CHECK_OK(axon_model_load_memory(dev, bytes, size, 0, &md));
		CHECK_OK(axon_model_load_memory(cpu, bytes, size, 0, &mc));
	}
	on = accel_segments(md, where, sizeof(where));
	for (unsigned int seed = 1; seed <= 2; seed++) {
		CHECK(!io_alloc(md, &a, seed * 7919) && !io_alloc(mc, &b, seed * 7919),
		      "I/O allocation");
		CHECK(a.nout >= 1, "no output");
		memset(&st, 0, sizeof(st));
		if (run_once(md, &a, &st)) {
			diag("%s on %s: %s (segment %d packet %d: %s)", label, type,
			     axon_last_error(), st.segment, st.packet, st.reason);
			goto fail;
		}
		CHECK_OK(run_once(mc, &b, NULL));
		for (int i = 0; i < a.nout; i++)
			CHECK(!memcmp(a.out[i], b.out[i], a.out_size[i]),
			      "%s: output %d differs between %s and cpu", label, i, type);
		io_free(&a);
		io_free(&b);
	}
	diag("%s: identical on %s and cpu (segments %s)", label, type, where);
	goto out;
fail:
	on = -1;
out:
	io_free(&a);
	io_free(&b);
	axon_model_free(md);
	axon_model_free(mc);
	axon_device_close(dev);
	axon_device_close(cpu);
	return on;
}

static void test_compiled_models(void)
{
	int total[3] = { 0 }, accel[3] = { 0 }, bad[3] = { 0 };
	struct dirent **names = NULL;
	int n = scandir(MODELS_DIR, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[PATH_MAX], *dot, target[16];
		const char *f = names[i]->d_name;
		size_t len = strlen(f);
		int t, on;

		if (len < 5 || strcmp(f + len - 4, ".axb"))
			goto next;
		snprintf(path, sizeof(path), "%s/%s", MODELS_DIR, f);
		dot = strchr(f, '.');
		snprintf(target, sizeof(target), "%.*s", (int)(len - 4 - (dot - f) - 1),
			 dot + 1);
		for (t = 0; t < 3 && strcmp(target, type_names[t]); t++)
			;
		if (t == 3)
			goto next;
		total[t]++;
		on = compare_on(type_names[t], path, NULL, 0, f);
		if (on < 0)
			bad[t]++;
		else if (on > 0)
			accel[t]++;
next:
		free(names[i]);
	}
	free(names);
	for (int t = 0; t < 3; t++) {
		if (!total[t]) {
			skip(type_names[t], "no compiled package in " MODELS_DIR);
			continue;
		}
		result(!bad[t] && accel[t] > 0,
		       "axonc packages on %s: %d of %d identical to the cpu backend, %d with segments on the device",
		       type_names[t], total[t] - bad[t], total[t], accel[t]);
	}
}

static void test_handbuilt(void)
{
	static const struct { enum pk_kind k; uint32_t dev; const char *type, *label; } c[] = {
		{ PK_ADD, AXB_DEV_NPU, "npu", "ADD in SRAM (npu)" },
		{ PK_ADD, AXB_DEV_DSP, "dsp", "ADD (dsp)" },
		{ PK_LUT, AXB_DEV_DSP, "dsp", "ADD + LUT (dsp)" },
		{ PK_ADD, AXB_DEV_DPU, "dpu", "ADD in SRAM (dpu)" },
		{ PK_CHAIN, 0, "npu", "npu -> dsp pipeline" },
	};

	for (unsigned int i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t size;
		uint8_t *pkg = pk_build(c[i].k, c[i].dev, &size);
		axon_device *dev = NULL;
		axon_model *m = NULL;
		axon_run *r = NULL;
		int8_t in[PK_N], out[PK_N], want[PK_N];
		int on = compare_on(c[i].type, NULL, pkg, size, c[i].label);

		CHECK(on >= 1, "%s: %d accel segments", c[i].label, on);
		/* and against plain loops */
		CHECK_OK(axon_device_open(c[i].type, &dev));
		CHECK_OK(axon_model_load_memory(dev, pkg, size, AXON_MODEL_STRICT * 0, &m));
		CHECK_OK(axon_run_create(m, &r));
		for (int k = 0; k < PK_N; k++)
			in[k] = (int8_t)(k * 37 + 11);
		CHECK_OK(axon_run_bind_host(r, AXON_INPUT, 0, in, PK_N));
		CHECK_OK(axon_run_bind_host(r, AXON_OUTPUT, 0, out, PK_N));
		CHECK_OK(axon_run_execute(r, -1));
		pk_expect(c[i].k, in, want);
		CHECK(!memcmp(out, want, PK_N), "%s: wrong values", c[i].label);
		result(1, "hand-built %s: device = cpu backend = reference loop (%d accel segment%s)",
		       c[i].label, on, on > 1 ? "s" : "");
		goto out;
fail:
		result(0, "hand-built %s", c[i].label);
out:
		axon_run_free(r);
		axon_model_free(m);
		axon_device_close(dev);
		free(pkg);
	}
}

/* ------------------------------------------------------------------ */
/* DMA-buf inputs with no copy */
struct ext_buf {
	int fd;			/* dma-buf */
	int memfd;
	uint8_t *map;
	size_t size;
};

static void ext_free(struct ext_buf *e)
{
	if (e->map)
		munmap(e->map, e->size);
	if (e->fd >= 0)
		close(e->fd);
	if (e->memfd >= 0)
		close(e->memfd);
	memset(e, 0, sizeof(*e));
	e->fd = e->memfd = -1;
}

static int udmabuf_new(struct ext_buf *e, size_t size)
{
	struct udmabuf_create uc;
	int u;

	e->fd = e->memfd = -1;
	e->size = size;
	e->map = NULL;
	e->memfd = memfd_create("udmabuf-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (e->memfd < 0 || ftruncate(e->memfd, (off_t)size) ||
	    fcntl(e->memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		return -1;
	u = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (u < 0)
		return -1;
	memset(&uc, 0, sizeof(uc));
	uc.memfd = (uint32_t)e->memfd;
	uc.flags = UDMABUF_FLAGS_CLOEXEC;
	uc.size = size;
	e->fd = ioctl(u, UDMABUF_CREATE, &uc);
	close(u);
	if (e->fd < 0)
		return -1;
	/* CPU access through the memfd: the same pages */
	e->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, e->memfd, 0);
	return e->map == MAP_FAILED ? (e->map = NULL, -1) : 0;
}

static int heap_new(struct ext_buf *e, size_t size)
{
	struct dma_heap_allocation_data a;
	int h;

	e->fd = e->memfd = -1;
	e->size = size;
	e->map = NULL;
	h = open("/dev/dma_heap/system", O_RDWR | O_CLOEXEC);
	if (h < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.len = size;
	a.fd_flags = O_RDWR | O_CLOEXEC;
	if (ioctl(h, DMA_HEAP_IOCTL_ALLOC, &a)) {
		close(h);
		return -1;
	}
	close(h);
	e->fd = (int)a.fd;
	e->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, e->fd, 0);
	return e->map == MAP_FAILED ? (e->map = NULL, -1) : 0;
}

static void cpu_access(const struct ext_buf *e, int end, int write)
{
	struct dma_buf_sync s = {
		.flags = (end ? DMA_BUF_SYNC_END : DMA_BUF_SYNC_START) |
			 (write ? DMA_BUF_SYNC_RW : DMA_BUF_SYNC_READ),
	};

	if (e->memfd < 0)
		ioctl(e->fd, DMA_BUF_IOCTL_SYNC, &s);
}

static void fill_in(const struct ext_buf *e, int k)
{
	cpu_access(e, 0, 1);
	for (int i = 0; i < PK_N; i++)
		e->map[i] = (uint8_t)(i * 3 + k * 101);
	cpu_access(e, 1, 1);
}

static void test_dmabuf_binding(const char *type, uint32_t dev_type, int in_heap)
{
	struct ext_buf in = { .fd = -1, .memfd = -1 }, out = { .fd = -1, .memfd = -1 };
	axon_device *dev = NULL;
	axon_model *m = NULL;
	axon_run *r = NULL;
	int8_t want[PK_N];
	uint8_t *pkg;
	size_t size;
	const char *kind = in_heap ? "dma-heap" : "udmabuf";

	pkg = pk_build(PK_ADD, dev_type, &size);
	if (in_heap ? heap_new(&in, PK_N) : udmabuf_new(&in, PK_N)) {
		skip(kind, in_heap ? "no /dev/dma_heap/system" : "no /dev/udmabuf");
		goto out;
	}
	CHECK(!heap_new(&out, PK_N), "dma-heap allocation: %s", strerror(errno));
	CHECK_OK(axon_device_open(type, &dev));
	CHECK_OK(axon_model_load_memory(dev, pkg, size, 0, &m));
	CHECK_OK(axon_run_create(m, &r));
	CHECK_OK(axon_run_bind_dmabuf(r, AXON_INPUT, 0, in.fd, 0));
	CHECK_OK(axon_run_bind_dmabuf(r, AXON_OUTPUT, 0, out.fd, 0));
	/* Written after binding, never rebound: each run sees the new values. */
	for (int k = 0; k < 3; k++) {
		fill_in(&in, k);
		CHECK_OK(axon_run_execute(r, -1));
		pk_expect(PK_ADD, (const int8_t *)in.map, want);
		cpu_access(&out, 0, 0);
		CHECK(!memcmp(out.map, want, PK_N), "run %d: output buffer wrong", k);
		cpu_access(&out, 1, 0);
	}
	result(1, "%s input and dma-heap output bound on %s with no copy: writes after binding are seen by 3 runs",
	       kind, type);
	goto out;
fail:
	result(0, "%s binding on %s", kind, type);
out:
	axon_run_free(r);
	axon_model_free(m);
	axon_device_close(dev);
	ext_free(&in);
	ext_free(&out);
	free(pkg);
}

/* ------------------------------------------------------------------ */
static void test_async_fence(void)
{
	axon_device *dev = NULL;
	axon_model *m = NULL;
	axon_run *r = NULL;
	int8_t in[PK_N], out[PK_N], want[PK_N];
	struct pollfd pfd = { .fd = -1, .events = POLLIN };
	int sync_file = 0;
	uint8_t *pkg;
	size_t size;

	pkg = pk_build(PK_CHAIN, 0, &size);
	CHECK_OK(axon_device_open("npu", &dev));
	CHECK_OK(axon_model_load_memory(dev, pkg, size, 0, &m));
	CHECK_OK(axon_run_create(m, &r));
	for (int k = 0; k < PK_N; k++)
		in[k] = (int8_t)(k * 5 - 77);
	CHECK_OK(axon_run_bind_host(r, AXON_INPUT, 0, in, PK_N));
	CHECK_OK(axon_run_bind_host(r, AXON_OUTPUT, 0, out, PK_N));
	for (int k = 0; k < 5; k++) {
		in[0] = (int8_t)k;
		CHECK_OK(axon_run_submit(r));
		CHECK_OK(axon_run_fence_fd(r, &pfd.fd, &sync_file));
		CHECK(sync_file, "fence of an all-accel pipeline is not a sync_file");
		CHECK(poll(&pfd, 1, 30000) == 1, "fence not signalled in 30 s");
		close(pfd.fd);
		pfd.fd = -1;
		CHECK_OK(axon_run_wait(r, 0));
		pk_expect(PK_CHAIN, in, want);
		CHECK(!memcmp(out, want, PK_N), "run %d: wrong output", k);
	}
	result(1, "npu -> dsp pipeline: async submit, sync_file fence, 5 runs correct");
	goto out;
fail:
	result(0, "async pipeline");
out:
	if (pfd.fd >= 0)
		close(pfd.fd);
	axon_run_free(r);
	axon_model_free(m);
	axon_device_close(dev);
	free(pkg);
}

static void test_fault(void)
{
	axon_device *dev = NULL;
	axon_model *m = NULL, *good = NULL;
	axon_run *r = NULL;
	struct axon_run_status st;
	int8_t in[PK_N] = { 0 }, out[PK_N], want[PK_N];
	uint8_t *pkg, *gpkg;
	size_t size, gsize;

	pkg = pk_build(PK_FAULT, 0, &size);
	gpkg = pk_build(PK_ADD, AXB_DEV_DSP, &gsize);
	CHECK_OK(axon_device_open("dsp", &dev));
	CHECK_OK(axon_model_load_memory(dev, pkg, size, AXON_MODEL_STRICT, &m));
	CHECK_OK(axon_run_create(m, &r));
	CHECK_OK(axon_run_bind_host(r, AXON_INPUT, 0, in, PK_N));
	CHECK_OK(axon_run_bind_host(r, AXON_OUTPUT, 0, out, PK_N));
	for (int k = 0; k < 2; k++) {
		int rc = axon_run_execute(r, -1);

		CHECK(rc == AXON_E_FAULT, "run %d: %s (%s)", k, axon_status_name(rc),
		      axon_last_error());
		CHECK_OK(axon_run_status(r, &st));
		diag("fault: %s", st.reason);
		CHECK(st.status == AXON_E_FAULT && st.segment == 0, "status %d segment %d",
		      st.status, st.segment);
		CHECK(st.packet == 1, "packet %d", st.packet);
		CHECK(st.isa_status == AXON_ISA_E_TABLE, "isa status %u", st.isa_status);
		CHECK(!strcmp(st.nodes, "avgpool_7"), "nodes '%s'", st.nodes);
		CHECK(strstr(st.reason, "packet 1"), "reason '%s'", st.reason);
	}
	axon_run_free(r);
	r = NULL;
	/* The device (a fresh context) still runs good jobs. */
	CHECK_OK(axon_model_load_memory(dev, gpkg, gsize, AXON_MODEL_STRICT, &good));
	CHECK_OK(axon_run_create(good, &r));
	for (int k = 0; k < PK_N; k++)
		in[k] = (int8_t)k;
	CHECK_OK(axon_run_bind_host(r, AXON_INPUT, 0, in, PK_N));
	CHECK_OK(axon_run_bind_host(r, AXON_OUTPUT, 0, out, PK_N));
	CHECK_OK(axon_run_execute(r, -1));
	pk_expect(PK_ADD, in, want);
	CHECK(!memcmp(out, want, PK_N), "wrong output after the fault");
	result(1, "fault on dsp: AXON_E_FAULT with segment 0, packet 1, ISA status, node; device recovers");
	goto out;
fail:
	result(0, "fault details");
out:
	axon_run_free(r);
	axon_model_free(m);
	axon_model_free(good);
	axon_device_close(dev);
	free(pkg);
	free(gpkg);
}

/* ------------------------------------------------------------------ */
/* Threads */
#define THREADS 8
#define RUNS 200

struct worker {
	pthread_t t;
	axon_model *m;
	int id;
	int runs, bad, err;
	int stop_on_error;
	atomic_int *stop;
	int first_err;
	char msg[200];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int8_t in[PK_N], out[PK_N], want[PK_N];
	axon_run *r = NULL;

	if (axon_run_create(w->m, &r) ||
	    axon_run_bind_host(r, AXON_INPUT, 0, in, PK_N) ||
	    axon_run_bind_host(r, AXON_OUTPUT, 0, out, PK_N)) {
		w->err++;
		w->first_err = AXON_E_IO;
		snprintf(w->msg, sizeof(w->msg), "%s", axon_last_error());
		axon_run_free(r);
		return NULL;
	}
	for (int k = 0; k < RUNS || w->stop; k++) {
		int rc;

		if (w->stop && atomic_load(w->stop))
			break;
		for (int i = 0; i < PK_N; i++)
			in[i] = (int8_t)(i * (w->id + 1) + k);
		rc = axon_run_execute(r, 20ll * 1000000000);
		w->runs++;
		if (rc) {
			if (!w->err++) {
				w->first_err = rc;
				snprintf(w->msg, sizeof(w->msg), "%s", axon_last_error());
			}
			if (w->stop_on_error)
				break;
			continue;
		}
		pk_expect(PK_ADD, in, want);
		if (memcmp(out, want, PK_N))
			w->bad++;
	}
	axon_run_free(r);
	return NULL;
}

static void test_threads(void)
{
	struct worker w[THREADS];
	axon_device *dev = NULL;
	axon_model *m = NULL;
	uint8_t *pkg;
	size_t size;
	int runs = 0, bad = 0, err = 0;
	uint64_t t0;

	pkg = pk_build(PK_ADD, AXB_DEV_NPU, &size);
	CHECK_OK(axon_device_open("npu", &dev));
	CHECK_OK(axon_model_load_memory(dev, pkg, size, AXON_MODEL_STRICT, &m));
	memset(w, 0, sizeof(w));
	t0 = now_ms();
	for (int i = 0; i < THREADS; i++) {
		w[i].m = m;
		w[i].id = i;
		CHECK(!pthread_create(&w[i].t, NULL, worker_main, &w[i]), "pthread_create");
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(w[i].t, NULL);
		runs += w[i].runs;
		bad += w[i].bad;
		err += w[i].err;
		if (w[i].err)
			diag("thread %d: %d errors, first: %s", i, w[i].err, w[i].msg);
	}
	diag("%d runs in %llu ms", runs, (unsigned long long)(now_ms() - t0));
	CHECK(runs == THREADS * RUNS && !bad && !err, "%d runs, %d wrong, %d errors",
	      runs, bad, err);
	result(1, "%d threads x %d runs on one npu: all outputs correct", THREADS, RUNS);
	goto out;
fail:
	result(0, "threads");
out:
	axon_model_free(m);
	axon_device_close(dev);
	free(pkg);
}

/* ------------------------------------------------------------------ */
/* Device removal while runs are in flight */
static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -errno;
	close(fd);
	return rc;
}

static int pdev_of(const char *accel, char *pdev, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *b;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/accel/%s/device", accel);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	b = strrchr(link, '/');
	b = b ? b + 1 : link;
	if (strlen(b) >= len)
		return -1;
	memcpy(pdev, b, strlen(b) + 1);
	return 0;
}

static void test_unbind(void)
{
	struct worker w[4];
	struct axon_device_info info;
	axon_device *dev = NULL, *again = NULL;
	axon_model *m = NULL;
	uint8_t *pkg;
	size_t size;
	char pdev[64] = "";
	int started = 0, bound = 1, errs = 0, runs = 0, bad = 0;
	atomic_int stop = 0;

	if (geteuid()) {
		skip("unbind", "needs root");
		return;
	}
	pkg = pk_build(PK_ADD, AXB_DEV_DSP, &size);
	CHECK(!find_info(AXON_DEVICE_DSP, &info), "no dsp");
	CHECK(!pdev_of(info.name, pdev, sizeof(pdev)), "no platform device for %s", info.name);
	CHECK_OK(axon_device_open(info.name, &dev));
	CHECK_OK(axon_model_load_memory(dev, pkg, size, AXON_MODEL_STRICT, &m));
	memset(w, 0, sizeof(w));
	for (int i = 0; i < 4; i++) {
		w[i].m = m;
		w[i].id = i;
		w[i].stop = &stop;
		w[i].stop_on_error = 1;
		CHECK(!pthread_create(&w[i].t, NULL, worker_main, &w[i]), "pthread_create");
		started++;
	}
	usleep(300 * 1000);
	CHECK(!write_str(DRV_DIR "/unbind", pdev), "unbind %s: %s", pdev, strerror(errno));
	bound = 0;
	usleep(300 * 1000);
	atomic_store(&stop, 1);
	for (int i = 0; i < started; i++) {
		pthread_join(w[i].t, NULL);
		runs += w[i].runs;
		bad += w[i].bad;
		if (w[i].err) {
			errs++;
			diag("thread %d: %d runs, then %s: %s", i, w[i].runs,
			     axon_status_name(w[i].first_err), w[i].msg);
		}
	}
	started = 0;
	CHECK(!bad, "%d wrong outputs before the removal", bad);
	CHECK(errs == 4, "%d of 4 threads saw an error", errs);
	for (int i = 0; i < 4; i++)
		CHECK(w[i].first_err == AXON_E_NODEV || w[i].first_err == AXON_E_FAULT ||
		      w[i].first_err == AXON_E_IO, "thread %d: %s", i,
		      axon_status_name(w[i].first_err));
	CHECK(axon_device_open("dsp", &again) == AXON_E_NODEV, "dsp still opens");
	diag("after removal: %s", axon_last_error());
	axon_model_free(m);
	m = NULL;
	axon_device_close(dev);
	dev = NULL;
	CHECK(!write_str(DRV_DIR "/bind", pdev), "bind %s", pdev);
	bound = 1;
	for (int i = 0; i < 40 && find_info(AXON_DEVICE_DSP, &info); i++)
		usleep(50 * 1000);
	CHECK(compare_on("dsp", NULL, pkg, size, "ADD (dsp) after rebind") == 1,
	      "dsp does not run after rebind");
	result(1, "dsp unbound during runs (%d done): every thread got an error, no crash; rebind works",
	       runs);
	goto out;
fail:
	atomic_store(&stop, 1);
	for (int i = 0; i < started; i++)
		pthread_join(w[i].t, NULL);
	result(0, "unbind during runs");
out:
	if (!bound && pdev[0])
		write_str(DRV_DIR "/bind", pdev);
	axon_device_close(again);
	axon_model_free(m);
	axon_device_close(dev);
	free(pkg);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (axon_device_list(NULL, 0) < 2) {
		printf("1..0 # SKIP no axon device (is axon.ko loaded?)\n");
		return 4;
	}
	test_dpu_unconfigured();
	test_config_firmware();
	test_config_load();
	if (configure_dpu())
		diag("the dpu could not be configured");
	test_enumeration();
	test_smi();
	test_buffers();
	test_compiled_models();
	test_handbuilt();
	test_dmabuf_binding("npu", AXB_DEV_NPU, 0);
	test_dmabuf_binding("npu", AXB_DEV_NPU, 1);
	test_dmabuf_binding("dsp", AXB_DEV_DSP, 0);
	test_dmabuf_binding("dpu", AXB_DEV_DPU, 1);
	test_async_fence();
	test_fault();
	test_fault_isolation();
	test_threads();
	test_unbind();
	printf("1..%d\n", n_tests);
	diag("%d passed, %d failed", n_tests - n_failed, n_failed);
	return n_failed ? 1 : 0;
}
