// SPDX-License-Identifier: MIT
/*
 * axon-bench: job submission latency and throughput of an axon device.
 *
 *   latency     NOP job submit -> out-syncobj signalled, against a
 *               SYNCOBJ_WAIT on an already-signalled syncobj (the floor
 *               of any ioctl round trip through the syncobj code)
 *   throughput  NOP jobs per second with 1, 8 and 64 jobs in flight
 *               (a timeline syncobj keeps the queue at that depth)
 *
 * Usage: axon-bench [device type (npu)] [iterations (2000)]
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm/axon_accel.h>
#include <drm/axon_isa.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "axon-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret && (errno == EINTR || errno == EAGAIN));
	if (ret)
		die(what);
}

static int open_type(const char *type)
{
	char path[128], buf[16];
	int i, fd;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/sys/class/accel/accel%d/device/type", i);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		memset(buf, 0, sizeof(buf));
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = 0;
		close(fd);
		if (!strncmp(buf, type, strlen(type))) {
			snprintf(path, sizeof(path), "/dev/accel/accel%d", i);
			return open(path, O_RDWR | O_CLOEXEC);
		}
	}
	errno = ENODEV;
	return -1;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t median(int64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp64);
	return v[n / 2];
}

static int fd;
static uint32_t ctx, cmd_handle, cmd_size;

static void submit_nop(uint32_t sync, uint64_t point)
{
	struct drm_axon_sync out = { .handle = sync, .point = point };
	struct drm_axon_job j = {
		.cmd_handle = cmd_handle,
		.cmd_size = cmd_size,
		.flags = DRM_AXON_JOB_NO_IMPLICIT_SYNC,
		.out_syncs = (uintptr_t)&out,
		.out_sync_count = 1,
	};
	struct drm_axon_submit s = {
		.ctx_id = ctx,
		.jobs = (uintptr_t)&j,
		.job_count = 1,
		.job_stride = sizeof(j),
	};

	xioctl(fd, DRM_IOCTL_AXON_SUBMIT, &s, "SUBMIT");
}

static void __attribute__((unused)) wait_point(uint32_t sync, uint64_t point)
{
	struct drm_syncobj_timeline_wait w = {
		.handles = (uintptr_t)&sync,
		.points = (uintptr_t)&point,
		.count_handles = 1,
		.timeout_nsec = INT64_MAX,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};

	xioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w, "SYNCOBJ_TIMELINE_WAIT");
}

static void wait_binary(uint32_t sync)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&sync,
		.count_handles = 1,
		.timeout_nsec = INT64_MAX,
	};

	xioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w, "SYNCOBJ_WAIT");
}

static uint32_t syncobj(int signaled)
{
	struct drm_syncobj_create c = {
		.flags = signaled ? DRM_SYNCOBJ_CREATE_SIGNALED : 0,
	};

	xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c, "SYNCOBJ_CREATE");
	return c.handle;
}

/*
 * A ring of @depth binary syncobjs: job i waits for nothing but reuses slot
 * i % depth once the job submitted @depth earlier has signalled it. Binary
 * syncobjs keep dma_fence_chain (signalled through irq_work, i.e. a timer
 * tick without a local APIC in TCG) out of the measurement.
 */
static double throughput(int depth, int n)
{
	uint32_t ring[64];
	int64_t t0;
	int i;

	for (i = 0; i < depth; i++)
		ring[i] = syncobj(1);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		wait_binary(ring[i % depth]);
		submit_nop(ring[i % depth], 0);
	}
	for (i = 0; i < depth; i++)
		wait_binary(ring[i]);
	return n / ((now_ns() - t0) / 1e9);
}

int main(int argc, char **argv)
{
	const char *type = argc > 1 ? argv[1] : "npu";
	int n = argc > 2 ? atoi(argv[2]) : 2000, i;
	struct drm_axon_ctx_create cc = { .priority = DRM_AXON_CTX_PRIORITY_NORMAL };
	struct drm_axon_bo_create bc = { .size = 4096 };
	struct {
		struct axon_isa_stream_header h;
		struct axon_isa_packet nop, end;
	} stream = {
		.h = { AXON_ISA_MAGIC, AXON_ISA_VERSION_MAJOR,
		       AXON_ISA_VERSION_MINOR, sizeof(stream) / 4, 0 },
		.nop = { AXON_OP_NOP, AXON_ISA_PACKET_VERSION, 0, 2, 0 },
		.end = { AXON_OP_END, AXON_ISA_PACKET_VERSION, 0, 2, 0 },
	};
	struct drm_axon_bo_info bi = { 0 };
	int64_t *lat_wait, *lat_nop;
	double tp[3];
	static const int depths[3] = { 1, 8, 64 };
	uint32_t signaled, b;
	void *map;

	if (n < 10)
		n = 10;
	fd = open_type(type);
	if (fd < 0)
		die(type);
	xioctl(fd, DRM_IOCTL_AXON_CTX_CREATE, &cc, "CTX_CREATE");
	ctx = cc.ctx_id;
	xioctl(fd, DRM_IOCTL_AXON_BO_CREATE, &bc, "BO_CREATE");
	bi.handle = bc.handle;
	xioctl(fd, DRM_IOCTL_AXON_BO_INFO, &bi, "BO_INFO");
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   bi.mmap_offset);
	if (map == MAP_FAILED)
		die("mmap");
	memcpy(map, &stream, sizeof(stream));
	cmd_handle = bc.handle;
	cmd_size = sizeof(stream);

	lat_wait = calloc(n, sizeof(*lat_wait));
	lat_nop = calloc(n, sizeof(*lat_nop));
	signaled = syncobj(1);
	b = syncobj(0);

	for (i = 0; i < n / 10; i++) {		/* warm up */
		submit_nop(b, 0);
		wait_binary(b);
	}
	for (i = 0; i < n; i++) {
		int64_t t0 = now_ns();

		wait_binary(signaled);
		lat_wait[i] = now_ns() - t0;
	}
	for (i = 0; i < n; i++) {
		int64_t t0 = now_ns();

		submit_nop(b, 0);
		wait_binary(b);
		lat_nop[i] = now_ns() - t0;
	}
	for (i = 0; i < 3; i++)
		tp[i] = throughput(depths[i], n);

	{
		int64_t mw = median(lat_wait, n), mn = median(lat_nop, n);

		printf("axon-bench: %s, %d iterations\n", type, n);
		printf("latency: SYNCOBJ_WAIT (signalled) median %lld ns\n",
		       (long long)mw);
		printf("latency: NOP submit->signalled    median %lld ns\n",
		       (long long)mn);
		printf("latency ratio NOP/SYNCOBJ_WAIT: %.1f\n",
		       (double)mn / (mw ? mw : 1));
		for (i = 0; i < 3; i++)
			printf("throughput depth %2d: %.0f jobs/s (x%.2f of depth 1)\n",
			       depths[i], tp[i], tp[i] / tp[0]);
	}
	return 0;
}
