// SPDX-License-Identifier: MIT
/*
 * libaxon-overhead: per-run cost of libaxon over a raw SUBMIT + syncobj
 * wait of the same command stream on the same device (run in the QEMU
 * guest by `make bench`).
 *
 *   raw      the stream (DMA in, DMA weights, ELTWISE ADD in SRAM, DMA out;
 *            4096 int8) in a BO, its operands in three BOs, one context;
 *            each run: DRM_IOCTL_AXON_SUBMIT, drmSyncobjWait
 *   libaxon  the same stream as a package (pkgs.c, PK_ADD), loaded on the
 *            same device; each run: axon_run_execute with the I/O bound to
 *            buffers (no copy), and bound to host memory (copy in/out)
 *
 * Prints the minimum, median and p90 per run of each and the ratios
 * libaxon / raw (each round runs the three once, in turn; under emulation
 * the minimum is the least noisy estimate).
 * Usage: libaxon-overhead [npu|dsp|dpu] [runs (500)]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

#include "axon/axon.h"
#include "drm/axon_accel.h"
#include "pkgs.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

struct stats {
	double min_us, median_us, p90_us;
};

static struct stats stats_of(uint64_t *t, int n)
{
	struct stats s;

	qsort(t, n, sizeof(*t), cmp_u64);
	s.min_us = t[0] / 1000.0;
	s.median_us = t[n / 2] / 1000.0;
	s.p90_us = t[(n * 9) / 10] / 1000.0;
	return s;
}

static int die(const char *what)
{
	fprintf(stderr, "libaxon-overhead: %s: %s\n", what, strerror(errno));
	return 1;
}

struct bo {
	uint32_t handle;
	uint64_t va;
	void *map;
	uint64_t size;
};

static int bo_new(int fd, uint64_t size, struct bo *b)
{
	struct drm_axon_bo_create c = { .size = size };

	if (drmIoctl(fd, DRM_IOCTL_AXON_BO_CREATE, &c))
		return -1;
	b->handle = c.handle;
	b->va = c.va;
	b->size = c.size;
	b->map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      (off_t)c.mmap_offset);
	return b->map == MAP_FAILED ? -1 : 0;
}

struct raw {
	int fd;
	uint32_t ctx;
	struct drm_axon_job_bo bos[3];
	struct drm_axon_sync out;
	struct drm_axon_job job;
	struct bo in, w, o, cmd;
};

static int raw_setup(struct raw *x, const char *path, uint32_t type)
{
	struct drm_axon_ctx_create cc = { .priority = DRM_AXON_CTX_PRIORITY_NORMAL };
	struct sw s;
	size_t n;

	memset(x, 0, sizeof(*x));
	x->fd = open(path, O_RDWR | O_CLOEXEC);
	if (x->fd < 0)
		return die(path);
	if (drmIoctl(x->fd, DRM_IOCTL_AXON_CTX_CREATE, &cc))
		return die("CTX_CREATE");
	x->ctx = cc.ctx_id;
	if (bo_new(x->fd, PK_N, &x->in) || bo_new(x->fd, PK_N, &x->w) ||
	    bo_new(x->fd, PK_N, &x->o))
		return die("BO_CREATE");
	for (int i = 0; i < PK_N; i++) {
		((int8_t *)x->in.map)[i] = (int8_t)(i * 3);
		((int8_t *)x->w.map)[i] = pk_w(i);
	}
	sw_init(&s);
	pk_stream_add(&s, type == AXON_DEVICE_NPU || type == AXON_DEVICE_DPU,
		      x->in.va, x->w.va, x->o.va);
	n = sw_end(&s);
	if (bo_new(x->fd, n, &x->cmd))
		return die("BO_CREATE");
	memcpy(x->cmd.map, s.words, n);
	if (drmSyncobjCreate(x->fd, 0, &x->out.handle))
		return die("syncobj");
	x->bos[0] = (struct drm_axon_job_bo){ x->in.handle, DRM_AXON_JOB_BO_READ };
	x->bos[1] = (struct drm_axon_job_bo){ x->w.handle, DRM_AXON_JOB_BO_READ };
	x->bos[2] = (struct drm_axon_job_bo){ x->o.handle, DRM_AXON_JOB_BO_WRITE };
	x->job.cmd_handle = x->cmd.handle;
	x->job.cmd_size = n;
	x->job.bo_count = 3;
	x->job.bos = (uintptr_t)x->bos;
	x->job.out_syncs = (uintptr_t)&x->out;
	x->job.out_sync_count = 1;
	return 0;
}

/* One raw run: SUBMIT, then wait for the out-syncobj. */
static int raw_run(struct raw *x)
{
	struct drm_axon_submit sub;

	memset(&sub, 0, sizeof(sub));
	sub.ctx_id = x->ctx;
	sub.jobs = (uintptr_t)&x->job;
	sub.job_count = 1;
	sub.job_stride = sizeof(x->job);
	if (drmIoctl(x->fd, DRM_IOCTL_AXON_SUBMIT, &sub))
		return die("SUBMIT");
	if (drmSyncobjWait(x->fd, &x->out.handle, 1, INT64_MAX,
			   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL))
		return die("syncobj wait");
	return 0;
}

struct lib {
	axon_device *dev;
	axon_buffer *bin, *bout;
	axon_model *m;
	axon_run *r;
	int8_t hin[PK_N], hout[PK_N];
	int host;
};

static int lib_setup(struct lib *x, const char *name, int host)
{
	struct axon_device_info info;
	uint8_t *pkg;
	size_t size;
	int8_t *pin;

	memset(x, 0, sizeof(*x));
	x->host = host;
	if (axon_device_open(name, &x->dev) || axon_device_query(x->dev, &info))
		goto fail;
	pkg = pk_build(PK_ADD, info.type, &size);
	if (axon_model_load_memory(x->dev, pkg, size, AXON_MODEL_STRICT, &x->m) ||
	    axon_run_create(x->m, &x->r))
		goto fail;
	free(pkg);
	if (axon_buffer_alloc(x->dev, PK_N, &x->bin) ||
	    axon_buffer_alloc(x->dev, PK_N, &x->bout))
		goto fail;
	pin = host ? x->hin : axon_buffer_map(x->bin);
	for (int i = 0; i < PK_N; i++)
		pin[i] = (int8_t)(i * 3);
	if (host ? axon_run_bind_host(x->r, AXON_INPUT, 0, x->hin, PK_N) ||
		   axon_run_bind_host(x->r, AXON_OUTPUT, 0, x->hout, PK_N) :
		   axon_run_bind_buffer(x->r, AXON_INPUT, 0, x->bin, 0) ||
		   axon_run_bind_buffer(x->r, AXON_OUTPUT, 0, x->bout, 0))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "libaxon-overhead: libaxon: %s\n", axon_last_error());
	return 1;
}

static int lib_run(struct lib *x)
{
	if (!axon_run_execute(x->r, -1))
		return 0;
	fprintf(stderr, "libaxon-overhead: libaxon: %s\n", axon_last_error());
	return 1;
}

static const int8_t *lib_result(struct lib *x)
{
	return x->host ? x->hout : axon_buffer_map(x->bout);
}

static void lib_free(struct lib *x)
{
	axon_run_free(x->r);
	axon_buffer_free(x->bin);
	axon_buffer_free(x->bout);
	axon_model_free(x->m);
	axon_device_close(x->dev);
}

/*
 * The three variants run interleaved, one run of each per round, so that
 * the noise of an emulated machine affects them alike.
 */
int main(int argc, char **argv)
{
	const char *type = argc > 1 ? argv[1] : "npu";
	int runs = argc > 2 ? atoi(argv[2]) : 500;
	static int8_t want[PK_N];
	static struct lib buf, host;
	struct axon_device_info info;
	struct stats sr, sb, sh;
	struct raw raw;
	axon_device *dev;
	uint64_t *t[3];

	if (runs < 10)
		runs = 10;
	for (int v = 0; v < 3; v++)
		t[v] = calloc(runs, sizeof(uint64_t));
	if (!t[0] || !t[1] || !t[2] || axon_device_open(type, &dev) ||
	    axon_device_query(dev, &info)) {
		fprintf(stderr, "libaxon-overhead: %s\n", axon_last_error());
		return 1;
	}
	axon_device_close(dev);
	printf("libaxon overhead on %s (%s): %d rounds after 10 warm-up rounds\n",
	       info.name, type, runs);
	printf("stream: %s (%d int8)\n", info.type == AXON_DEVICE_DSP ?
	       "ELTWISE ADD on device memory" :
	       "DMA in, DMA weights, ELTWISE ADD in SRAM, DMA out", PK_N);
	if (raw_setup(&raw, info.path, info.type) || lib_setup(&buf, info.name, 0) ||
	    lib_setup(&host, info.name, 1))
		return 1;
	for (int k = -10; k < runs; k++) {
		uint64_t t0 = now_ns(), t1, t2, t3;

		if (raw_run(&raw))
			return 1;
		t1 = now_ns();
		if (lib_run(&buf))
			return 1;
		t2 = now_ns();
		if (lib_run(&host))
			return 1;
		t3 = now_ns();
		if (k >= 0) {
			t[0][k] = t1 - t0;
			t[1][k] = t2 - t1;
			t[2][k] = t3 - t2;
		}
	}
	for (int i = 0; i < PK_N; i++)
		want[i] = pk_sat((int8_t)(i * 3) + pk_w(i));
	if (memcmp(raw.o.map, want, PK_N) || memcmp(lib_result(&buf), want, PK_N) ||
	    memcmp(lib_result(&host), want, PK_N)) {
		fprintf(stderr, "libaxon-overhead: wrong results\n");
		return 1;
	}
	sr = stats_of(t[0], runs);
	sb = stats_of(t[1], runs);
	sh = stats_of(t[2], runs);
	printf("%-34s %10s %10s %10s\n", "per run (us)", "min", "median", "p90");
	printf("%-34s %10.1f %10.1f %10.1f\n", "raw SUBMIT + syncobj wait",
	       sr.min_us, sr.median_us, sr.p90_us);
	printf("%-34s %10.1f %10.1f %10.1f\n", "libaxon, I/O bound to buffers",
	       sb.min_us, sb.median_us, sb.p90_us);
	printf("%-34s %10.1f %10.1f %10.1f\n", "libaxon, I/O bound to host memory",
	       sh.min_us, sh.median_us, sh.p90_us);
	printf("ratio libaxon/raw, buffers:     median %.3f (%+.1f us), min %.3f (%+.1f us)\n",
	       sb.median_us / sr.median_us, sb.median_us - sr.median_us,
	       sb.min_us / sr.min_us, sb.min_us - sr.min_us);
	printf("ratio libaxon/raw, host memory: median %.3f (%+.1f us), min %.3f (%+.1f us)\n",
	       sh.median_us / sr.median_us, sh.median_us - sr.median_us,
	       sh.min_us / sr.min_us, sh.min_us - sr.min_us);
	lib_free(&buf);
	lib_free(&host);
	close(raw.fd);
	for (int v = 0; v < 3; v++)
		free(t[v]);
	return 0;
}
