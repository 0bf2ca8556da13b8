// SPDX-License-Identifier: MIT
/*
 * Workload for the axon-trace test: submits N NOP jobs to one axon device
 * from one new context, in SUBMITs of up to 64 jobs, and waits until the
 * last one is done (jobs of a context on one engine complete in order).
 *
 *   axon-trace-workload /dev/accel/accelN N
 *
 * Prints "submitted N jobs to DEV ctx C" on success.
 *
 * Copyright (C) 2025 The axon authors
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

#include <drm/axon_accel.h>
#include <drm/axon_isa.h>

#define BATCH 64

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

static int die(const char *what, int err)
{
	fprintf(stderr, "axon-trace-workload: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	struct drm_axon_job jobs[BATCH];
	struct drm_axon_bo_create bo = { .size = 4096 };
	struct drm_axon_ctx_create ctx = { 0 };
	struct drm_syncobj_create sc = { 0 };
	struct drm_syncobj_wait w = { 0 };
	struct axon_isa_stream_header *h;
	struct axon_isa_packet *p;
	struct drm_axon_sync out;
	struct timespec ts;
	uint32_t *words, n = 0;
	long total, done = 0;
	int fd, ret;

	if (argc != 3 || (total = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: axon-trace-workload /dev/accel/accelN N\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die(argv[1], -errno);
	ret = xioctl(fd, DRM_IOCTL_AXON_CTX_CREATE, &ctx);
	if (ret)
		return die("CTX_CREATE", ret);
	ret = xioctl(fd, DRM_IOCTL_AXON_BO_CREATE, &bo);
	if (ret)
		return die("BO_CREATE", ret);
	words = mmap(NULL, bo.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		     bo.mmap_offset);
	if (words == MAP_FAILED)
		return die("mmap", -errno);

	/* header, NOP, END */
	memset(words, 0, bo.size);
	h = (void *)words;
	h->magic = AXON_ISA_MAGIC;
	h->version_major = AXON_ISA_VERSION_MAJOR;
	h->version_minor = AXON_ISA_VERSION_MINOR;
	n = sizeof(*h) / 4;
	p = (void *)(words + n);
	p->opcode = AXON_OP_NOP;
	p->version = AXON_ISA_PACKET_VERSION;
	p->size_words = sizeof(*p) / 4;
	n += p->size_words;
	p = (void *)(words + n);
	p->opcode = AXON_OP_END;
	p->version = AXON_ISA_PACKET_VERSION;
	p->size_words = sizeof(*p) / 4;
	n += p->size_words;
	h->size_words = n;

	ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
	if (ret)
		return die("SYNCOBJ_CREATE", ret);
	memset(&out, 0, sizeof(out));
	out.handle = sc.handle;

	while (done < total) {
		uint32_t count = total - done > BATCH ? BATCH : total - done;
		struct drm_axon_submit s = {
			.ctx_id = ctx.ctx_id,
			.jobs = (uintptr_t)jobs,
			.job_count = count,
			.job_stride = sizeof(jobs[0]),
		};

		memset(jobs, 0, sizeof(jobs));
		for (uint32_t i = 0; i < count; i++) {
			jobs[i].cmd_handle = bo.handle;
			jobs[i].cmd_size = n * 4;
		}
		if (done + count == total) {
			jobs[count - 1].out_syncs = (uintptr_t)&out;
			jobs[count - 1].out_sync_count = 1;
		}
		ret = xioctl(fd, DRM_IOCTL_AXON_SUBMIT, &s);
		if (ret)
			return die("SUBMIT", ret);
		done += count;
	}

	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.handles = (uintptr_t)&sc.handle;
	w.count_handles = 1;
	w.timeout_nsec = (ts.tv_sec + 60) * 1000000000LL + ts.tv_nsec;
	w.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
	if (ret)
		return die("SYNCOBJ_WAIT", ret);
	printf("submitted %ld jobs to %s ctx %u\n", total, argv[1], ctx.ctx_id);
	munmap(words, bo.size);
	close(fd);
	return 0;
}
