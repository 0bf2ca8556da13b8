// SPDX-License-Identifier: MIT
/*
 * make demo, in the guest: a buffer round trip through every device with
 * libaxon. A 4 KiB buffer is allocated on the npu and filled through its
 * CPU mapping; on each device (npu -> dsp -> dpu -> cpu backend) a tiny
 * ELTWISE ADD job (y = sat(x + w), a hand-built package) reads the buffer
 * in place and writes a new one, which is exported as a DMA-buf and
 * imported by the next device, where the bytes are checked through the
 * CPU mapping before its job runs. One line per step; exit 1 on any
 * mismatch or error. An unconfigured DPU is configured first with the
 * default dpu-config.bin (axon_device_load_config, as root).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "axon/axon.h"
#include "pkgs.h"

#define DPU_CONFIG "/usr/share/axon/firmware/dpu-config.bin"

static const char *const chain[] = { "npu", "dsp", "dpu", "cpu" };
#define NDEV (int)(sizeof(chain) / sizeof(chain[0]))

static int fail(const char *who, const char *what, int rc)
{
	printf("  %-12s FAILED: %s: %s (%s)\n", who, what, axon_last_error(),
	       axon_status_name(rc));
	return 1;
}

/* Bytes of @buf equal @want? Prints the first difference. */
static int same(axon_buffer *buf, const int8_t *want, const char *who)
{
	const int8_t *p = axon_buffer_map(buf);

	if (!p)
		return fail(who, "map", AXON_E_IO), 0;
	for (int i = 0; i < PK_N; i++) {
		if (p[i] != want[i]) {
			printf("  %-12s FAILED: byte %d is %d, expected %d\n", who, i, p[i],
			       want[i]);
			return 0;
		}
	}
	return 1;
}

static void show(char *s, size_t n, const int8_t *v)
{
	snprintf(s, n, "%02x %02x %02x %02x %02x %02x ...", (uint8_t)v[0], (uint8_t)v[1],
		 (uint8_t)v[2], (uint8_t)v[3], (uint8_t)v[4], (uint8_t)v[5]);
}

/* A DPU refuses jobs until configured: load the default configuration. */
static int configure(axon_device *dev, const char *who)
{
	struct axon_device_info info;
	int rc;

	if (axon_device_query(dev, &info) || !(info.caps & AXON_CAP_CONFIG_LOAD) ||
	    (info.state & AXON_STATE_CONFIGURED))
		return 0;
	rc = axon_device_load_config(dev, DPU_CONFIG, NULL, 0);
	if (rc)
		return fail(who, "configuration", rc);
	axon_device_query(dev, &info);
	printf("  %-12s unconfigured: loaded %s (config %u.%u.%u)\n", who, DPU_CONFIG,
	       info.config_version >> 24, (info.config_version >> 16) & 0xff,
	       info.config_version & 0xffff);
	return 0;
}

int main(void)
{
	int8_t want[PK_N], next[PK_N];
	axon_buffer *cur = NULL;	/* the data, on the current device */
	axon_device *dev = NULL;
	int fd = -1, err = 0;
	char hex[64], who[64], prev[32] = "";
	uint8_t *pkg;
	size_t size;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pkg = pk_build(PK_ADD, AXB_DEV_NPU, &size);
	printf("buffer round trip: %d bytes, npu -> dsp -> dpu -> cpu; DMA-buf between devices, a y = x + w job on each\n",
	       PK_N);
	for (int d = 0; d < NDEV && !err; d++) {
		struct axon_device_info info;
		axon_buffer *out = NULL;
		axon_model *m = NULL;
		axon_run *r = NULL;
		int rc;

		rc = axon_device_open(chain[d], &dev);
		if (rc) {
			err = fail(chain[d], "open", rc);
			break;
		}
		axon_device_query(dev, &info);
		if (strcmp(info.name, chain[d]))
			snprintf(who, sizeof(who), "%s %s", chain[d], info.name);
		else
			snprintf(who, sizeof(who), "%s backend", chain[d]);
		if (!d) {
			int8_t *p;

			rc = axon_buffer_alloc(dev, PK_N, &cur);
			p = rc ? NULL : axon_buffer_map(cur);
			if (!p) {
				err = fail(who, "alloc/map", rc ? rc : AXON_E_IO);
				goto next;
			}
			for (int i = 0; i < PK_N; i++)
				p[i] = want[i] = (int8_t)(i * 37 + 11);
			show(hex, sizeof(hex), want);
			printf("  %-12s allocated %d bytes, wrote %s through the CPU mapping\n",
			       who, PK_N, hex);
		} else {
			rc = axon_buffer_import_dmabuf(dev, fd, 0, &cur);
			close(fd);
			fd = -1;
			if (rc) {
				err = fail(who, "DMA-buf import", rc);
				goto next;
			}
			if (!same(cur, want, who)) {
				err = 1;
				goto next;
			}
			printf("  %-12s imported %s's DMA-buf: %d bytes identical through the CPU mapping\n",
			       who, prev, PK_N);
		}
		/* the job: reads the buffer in place, writes a new one */
		err = configure(dev, who);
		if (err)
			goto next;
		rc = axon_model_load_memory(dev, pkg, size, 0, &m);
		if (!rc)
			rc = axon_run_create(m, &r);
		if (!rc)
			rc = axon_buffer_alloc(dev, PK_N, &out);
		if (!rc)
			rc = axon_run_bind_buffer(r, AXON_INPUT, 0, cur, 0);
		if (!rc)
			rc = axon_run_bind_buffer(r, AXON_OUTPUT, 0, out, 0);
		if (!rc)
			rc = axon_run_execute(r, 10ll * 1000000000);
		if (rc) {
			err = fail(who, "ELTWISE ADD job", rc);
			goto next;
		}
		pk_expect(PK_ADD, want, next);
		if (!same(out, next, who)) {
			err = 1;
			goto next;
		}
		memcpy(want, next, PK_N);
		show(hex, sizeof(hex), want);
		printf("  %-12s ELTWISE ADD job on the buffer, no copy: y = %s, correct\n", who, hex);
		if (d + 1 < NDEV) {
			rc = axon_buffer_export_dmabuf(out, &fd);
			if (rc) {
				err = fail(who, "DMA-buf export", rc);
				goto next;
			}
			printf("  %-12s exported the result as DMA-buf fd %d\n", who, fd);
		}
next:
		axon_run_free(r);
		axon_model_free(m);
		axon_buffer_free(cur);
		cur = out;
		snprintf(prev, sizeof(prev), "%s", chain[d]);
		axon_device_close(dev);
		dev = NULL;
	}
	axon_buffer_free(cur);
	if (fd >= 0)
		close(fd);
	free(pkg);
	printf("buffer round trip: %s\n", err ? "FAILED" : "every step correct");
	return err ? 1 : 0;
}
