// SPDX-License-Identifier: MIT
/*
 * The bare-metal RISC-V firmware image as a tested executor.
 *
 * Boots build/firmware/axon/axon-fw.bin (the file shipped for
 * /lib/firmware/axon/: blob header checked as the kernel does, then the
 * image inside it, whose code is loaded at load_addr, PC set to
 * entry_point) in qemu-system-riscv64 -machine virt -bios none, and acts
 * as the firmware's host through QEMU's gdbstub: for every case it writes
 * the job's memory regions, SRAM contents, memory map and command stream
 * into guest RAM, fills in the mailbox and rings the doorbell, lets the
 * firmware run until mailbox.done answers, and reads everything back. The
 * same job runs on the host through libaxonfw.a; status, packet index,
 * progress, last marker and every byte of every region and of the SRAM
 * must be identical.
 *
 *   axon-riscv-test --qemu qemu-system-riscv64 --image axon-fw.bin [-v]
 *
 * Prints TAP and "riscv: N passed, N failed"; exit status 0 iff all pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "axon_fw.h"
#include "axon_fw_image.h"
#include "drm/axon_accel.h"
#include "gdbrsp.h"
#include "stream_builder.h"
#include "tmem.h"

/* Guest physical memory plan (virt RAM starts at 0x80000000; -m 64M). */
#define G_RAM_END	0x84000000ull
#define G_FW_LIMIT	0x80100000ull	/* image + bss + stack must end below */
#define G_STREAM	0x80200000ull
#define G_STREAM_MAX	0x00040000ull
#define G_MAP		0x80240000ull
#define G_SRAM		0x80300000ull
#define G_SRAM_MAX	0x00100000ull
#define G_VA_BASE	0x80400000ull	/* job regions from here */
#define RISCV_PC	32		/* gdb register number of pc */
#define JOB_TIMEOUT_MS	30000

static int verbose;

/* ------------------------------------------------------------------ */
/* the firmware image file                                              */

static u32 crc32_ieee(const u8 *p, size_t n)
{
	u32 c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/*
 * The blob header (struct drm_axon_blob_header, kind FIRMWARE, device type
 * 0 = any, version = the image's fw_version) as kernel/axon_fw.c checks it.
 */
static const char *check_blob(const u8 *file, long n)
{
	struct drm_axon_blob_header b;
	const struct axon_fw_image_header *h;
	u32 v;

	if (n < (long)(sizeof(b) + sizeof(*h)))
		return "shorter than the blob and image headers";
	memcpy(&b, file, sizeof(b));
	h = (const void *)(file + sizeof(b));
	v = h->fw_version;
	if (b.magic != DRM_AXON_BLOB_MAGIC || b.header_version != DRM_AXON_BLOB_HEADER_VERSION)
		return "blob: bad magic or header version";
	if (b.kind != DRM_AXON_BLOB_FIRMWARE || b.device_type || b.reserved)
		return "blob: not a firmware blob for any device type";
	if ((u64)b.payload_size + sizeof(b) != (u64)n)
		return "blob: payload size != file size - header";
	if (crc32_ieee(file + sizeof(b), b.payload_size) != b.payload_crc32)
		return "blob: payload crc32 mismatch";
	if (b.version != DRM_AXON_VERSION(v >> 16, (v >> 8) & 0xff, v & 0xff))
		return "blob: version differs from the image's fw_version";
	return NULL;
}

static int load_image(const char *path, const char *raw_out, struct axon_fw_image_header *h)
{
	FILE *f = fopen(path, "rb");
	const char *bad;
	u8 *file, *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < (long)sizeof(*h) ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "riscv: cannot read %s\n", path);
		return -1;
	}
	file = malloc((size_t)n);
	if (!file || fread(file, 1, (size_t)n, f) != (size_t)n)
		return -1;
	fclose(f);
	bad = check_blob(file, n);
	if (bad) {
		fprintf(stderr, "riscv: %s: %s\n", path, bad);
		free(file);
		return -1;
	}
	/* the image: the blob's payload */
	buf = file + sizeof(struct drm_axon_blob_header);
	n -= sizeof(struct drm_axon_blob_header);
	memcpy(h, buf, sizeof(*h));
	if (h->magic != AXON_FW_IMAGE_MAGIC)
		bad = "bad magic";
	else if (h->header_version != AXON_FW_IMAGE_HEADER_VERSION || h->header_size != sizeof(*h))
		bad = "header version/size";
	else if ((u64)h->header_size + h->image_size != (u64)n)
		bad = "file size != header_size + image_size";
	else if (h->arch != AXON_FW_ARCH_RISCV64)
		bad = "arch is not riscv64";
	else if (h->isa_major != AXON_ISA_VERSION_MAJOR)
		bad = "isa_major";
	else if (crc32_ieee(buf + h->header_size, h->image_size) != h->crc32)
		bad = "crc32 mismatch";
	else if (h->load_addr < 0x80000000ull ||
		 h->load_addr + h->image_size + h->bss_size > G_FW_LIMIT ||
		 h->mailbox_addr < h->load_addr ||
		 h->mailbox_addr + sizeof(struct axon_fw_mailbox) >
		 h->load_addr + h->image_size + h->bss_size ||
		 h->entry_point < h->load_addr || h->entry_point >= h->load_addr + h->image_size)
		bad = "footprint (payload + bss_size) outside the test's firmware window or not holding the mailbox";
	if (bad) {
		fprintf(stderr, "riscv: %s: %s\n", path, bad);
		free(file);
		return -1;
	}
	f = fopen(raw_out, "wb");
	if (!f || fwrite(buf + h->header_size, 1, h->image_size, f) != h->image_size || fclose(f)) {
		fprintf(stderr, "riscv: cannot write %s\n", raw_out);
		free(file);
		return -1;
	}
	free(file);
	return 0;
}

/* ------------------------------------------------------------------ */
/* QEMU and the mailbox                                                 */

struct guest {
	pid_t pid;
	struct rsp rsp;
	char dir[64];
	u64 mbox;
	u32 seq;
	long polls;
};

static int guest_start(struct guest *g, const char *qemu, const char *image)
{
	struct axon_fw_image_header h;
	char raw[128], sock[128], log[128], loader[256], gdb[192];

	snprintf(g->dir, sizeof(g->dir), "/tmp/axon-riscv.XXXXXX");
	if (!mkdtemp(g->dir))
		return -1;
	snprintf(raw, sizeof(raw), "%s/payload.raw", g->dir);
	snprintf(sock, sizeof(sock), "%s/gdb.sock", g->dir);
	snprintf(log, sizeof(log), "%s/qemu.log", g->dir);
	if (load_image(image, raw, &h))
		return -1;
	g->mbox = h.mailbox_addr;
	printf("# image %s: payload %u bytes at 0x%llx, entry 0x%llx, mailbox 0x%llx, bss %u, fw %u.%u.%u\n",
	       image, h.image_size, (unsigned long long)h.load_addr,
	       (unsigned long long)h.entry_point, (unsigned long long)h.mailbox_addr, h.bss_size,
	       h.fw_version >> 16, (h.fw_version >> 8) & 0xff, h.fw_version & 0xff);
	snprintf(loader, sizeof(loader), "loader,file=%s,addr=0x%llx,force-raw=on", raw,
		 (unsigned long long)h.load_addr);
	snprintf(gdb, sizeof(gdb), "unix:%s,server=on,wait=off", sock);
	g->pid = fork();
	if (g->pid < 0)
		return -1;
	if (g->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int nul = open("/dev/null", O_RDONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (nul >= 0)
			dup2(nul, 0);
		execlp(qemu, qemu, "-machine", "virt", "-bios", "none", "-m", "64M", "-smp", "1",
		       "-nographic", "-nodefaults", "-serial", "none", "-monitor", "none",
		       "-S", "-gdb", gdb, "-device", loader, (char *)NULL);
		_exit(127);
	}
	if (rsp_connect(&g->rsp, sock, 10000)) {
		fprintf(stderr, "riscv: cannot connect to QEMU's gdbstub (see %s)\n", log);
		return -1;
	}
	char reply[256];
	/* QEMU accepts register access (P/p) only after the target description was read */
	if (rsp_cmd(&g->rsp, "?", reply, sizeof(reply)) ||
	    rsp_cmd(&g->rsp, "qXfer:features:read:target.xml:0,ffb", reply, sizeof(reply))) {
		fprintf(stderr, "riscv: no answer from the gdbstub\n");
		return -1;
	}
	if (rsp_set_reg64(&g->rsp, RISCV_PC, h.entry_point)) {
		fprintf(stderr, "riscv: cannot set the PC to the entry point\n");
		return -1;
	}
	/* boot: wait for the firmware to announce its mailbox */
	struct axon_fw_mailbox mb;
	for (int ms = 0; ms < 10000; ms += 5) {
		struct timespec ts = { 0, 5000000L };

		if (rsp_continue(&g->rsp))
			return -1;
		nanosleep(&ts, NULL);
		if (rsp_stop(&g->rsp) || rsp_read(&g->rsp, g->mbox, &mb, sizeof(mb)))
			return -1;
		if (mb.magic == AXON_FW_MBOX_MAGIC) {
			if (mb.fw_version != h.fw_version) {
				fprintf(stderr, "riscv: mailbox fw_version %x, header %x\n",
					mb.fw_version, h.fw_version);
				return -1;
			}
			g->seq = mb.doorbell;
			printf("# firmware up after %d ms (mailbox magic, fw_version %x)\n", ms + 5,
			       mb.fw_version);
			return 0;
		}
	}
	fprintf(stderr, "riscv: firmware never wrote the mailbox magic\n");
	return -1;
}

static void guest_stop(struct guest *g)
{
	int st;

	rsp_close(&g->rsp);
	if (g->pid > 0) {
		kill(g->pid, SIGTERM);
		waitpid(g->pid, &st, 0);
	}
	if (g->dir[0]) {
		char p[128];

		snprintf(p, sizeof(p), "%s/payload.raw", g->dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/gdb.sock", g->dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/qemu.log", g->dir);
		if (verbose)
			printf("# QEMU's output kept in %s\n", p);
		else
			unlink(p);
		rmdir(g->dir);
	}
}

/* ------------------------------------------------------------------ */
/* jobs                                                                 */

struct job {
	const char *name;
	struct tmem m;
	struct sb s;
	struct axon_fw_limits lim;
	u32 abort;
	u64 next_va;
	/* expected outcome (a rejected stream must be rejected everywhere) */
	u32 want_status;
	u32 want_packet;	/* checked when want_status != OK */
};

struct outcome {
	u32 status, packet, progress, marker;
	const char *reason;
};

static void job_init(struct job *j, const char *name, u64 sram_size)
{
	memset(j, 0, sizeof(*j));
	j->name = name;
	tmem_init(&j->m, sram_size);
	tmem_rand(&j->m, AXON_ISA_LOC_SRAM, 0, sram_size);
	sb_init(&j->s);
	j->lim.sram_size = sram_size;
	j->lim.op_mask = ~0ull;
	j->next_va = G_VA_BASE;
	j->want_status = AXON_ISA_OK;
}

static void job_free(struct job *j)
{
	tmem_free(&j->m);
	sb_free(&j->s);
}

/* A region with a 256-byte unmapped gap before it. */
static u64 region(struct job *j, u64 size, u32 flags, int random, u8 fill)
{
	u64 va = (j->next_va + 255) & ~255ull;

	j->next_va = va + size + 256;
	if (j->next_va > G_RAM_END) {
		fprintf(stderr, "riscv: %s: guest memory plan exceeded\n", j->name);
		exit(2);
	}
	tmem_add(&j->m, va, size, flags, fill);
	if (random)
		tmem_rand(&j->m, AXON_ISA_LOC_VA, va, size);
	return va;
}

/* read-only random input, read/write output (filled with a pattern) */
static u64 IN(struct job *j, u64 size) { return region(j, size, TMEM_R_READ, 1, 0); }
static u64 OUT(struct job *j, u64 size) { return region(j, size, TMEM_R_READ | TMEM_R_WRITE, 0, 0xcd); }
static u8 *P(struct job *j, u64 va, u64 len) { return tmem_ptr(&j->m, AXON_ISA_LOC_VA, va, len); }

static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }

/*
 * scale table of @n entries, multiplier in [2^30, 2^31), shift around @s;
 * for ROUND_F32 (ISA 1.1) the same scales with 24-bit multipliers, a
 * quarter of them 2^23 (float32 products often exactly on ties)
 */
static u64 rqtable(struct job *j, u32 n, int s, u8 rounding)
{
	u64 va = IN(j, 8ull * n);
	u8 *p = P(j, va, 8ull * n);

	for (u32 i = 0; i < n; i++) {
		u32 m = (u32)trand_range(1 << 30, INT32_MAX), sh = (u32)trand_range(s - 1, s + 1);

		if (rounding == AXON_ISA_ROUND_F32) {
			m = trand_range(0, 3) ? m >> 7 : 1u << 23;
			sh -= 7;
		}
		put32(p + 8 * i, m);
		put32(p + 8 * i + 4, sh);
	}
	return va;
}

/* an inline scale; 24-bit multiplier (same scale) for ROUND_F32 */
static struct axon_isa_rq rqr(u8 rounding, s32 m, s32 s)
{
	if (rounding == AXON_ISA_ROUND_F32)
		return rq(m >> 7, s - 7);
	return rq(m, s);
}

/* int32 values in [lo, hi] */
static u64 i32s(struct job *j, u32 n, s32 lo, s32 hi)
{
	u64 va = IN(j, 4ull * n);
	u8 *p = P(j, va, 4ull * n);

	for (u32 i = 0; i < n; i++)
		put32(p + 4 * i, (u32)trand_range(lo, hi));
	return va;
}

static struct axon_isa_tensor T(u64 va, u8 dt, s32 zp, u32 d0, u32 d1, u32 d2, u32 d3)
{
	return tens(AXON_ISA_LOC_VA, va, dt, zp, d0, d1, d2, d3);
}

static struct axon_isa_tensor TS(u64 off, u8 dt, s32 zp, u32 d0, u32 d1, u32 d2, u32 d3)
{
	return tens(AXON_ISA_LOC_SRAM, off, dt, zp, d0, d1, d2, d3);
}

static u64 bytes(u32 d0, u32 d1, u32 d2, u32 d3, u8 dt)
{
	return (u64)d0 * d1 * d2 * d3 * dtype_size(dt);
}

/* ---- host executor: libaxonfw.a ---- */

struct hostctx {
	struct tmem *m;
	u32 abort, progress, marker;
};

static void *host_translate(void *ctx, u64 va, u64 len, int write)
{
	struct hostctx *c = ctx;

	(void)write;
	return tmem_ptr(c->m, AXON_ISA_LOC_VA, va, len);
}

static int host_yield(void *ctx)
{
	return ((struct hostctx *)ctx)->abort != 0;
}

static void host_progress(void *ctx, u32 packet, u32 marker)
{
	struct hostctx *c = ctx;

	c->progress = packet;
	if (marker != AXON_FW_NO_MARKER)
		c->marker = marker;
}

static void run_host(struct job *j, struct tmem *m, struct outcome *o)
{
	struct axon_fw_region map[TMEM_MAX_REGIONS];
	struct hostctx c = { m, j->abort, 0xffffffffu, 0xffffffffu };
	struct axon_fw_env env = { &c, host_translate, m->sram, m->sram_size, host_yield, host_progress,
				   NULL };
	struct axon_fw_result res;

	for (unsigned i = 0; i < m->n; i++) {
		map[i].va = m->r[i].va;
		map[i].size = m->r[i].size;
		map[i].flags = m->r[i].flags;
		map[i].pad = 0;
	}
	axon_fw_run(j->s.buf, j->s.len, map, m->n, &j->lim, &env, &res);
	o->status = res.status;
	o->packet = res.packet;
	o->reason = res.reason;
	o->progress = c.progress;
	o->marker = c.marker;
}

/* ---- guest executor: the RISC-V image through the mailbox ---- */

static int run_guest(struct guest *g, struct job *j, struct tmem *m, struct outcome *o)
{
	struct axon_fw_region map[TMEM_MAX_REGIONS];
	struct axon_fw_mailbox mb;
	struct rsp *r = &g->rsp;

	if (j->s.len > G_STREAM_MAX || m->sram_size > G_SRAM_MAX)
		return -1;
	for (unsigned i = 0; i < m->n; i++) {
		map[i].va = m->r[i].va;
		map[i].size = m->r[i].size;
		map[i].flags = m->r[i].flags;
		map[i].pad = 0;
		if (rsp_write(r, m->r[i].va, m->r[i].mem, m->r[i].size))
			return -1;
	}
	if (rsp_write(r, G_SRAM, m->sram, m->sram_size) ||
	    rsp_write(r, G_STREAM, j->s.buf, j->s.len) ||
	    rsp_write(r, G_MAP, map, sizeof(map[0]) * m->n))
		return -1;

	/* job fields, then the doorbell (the guest is stopped meanwhile) */
	if (rsp_read(r, g->mbox, &mb, sizeof(mb)))
		return -1;
	mb.progress = 0xffffffffu;
	mb.marker = 0xffffffffu;
	mb.abort = j->abort;
	mb.nmap = m->n;
	mb.stream_addr = G_STREAM;
	mb.stream_size = j->s.len;
	mb.map_addr = G_MAP;
	mb.sram_addr = G_SRAM;
	mb.sram_size = m->sram_size;
	mb.op_mask = j->lim.op_mask;
	mb.lim_flags = j->lim.flags;
	mb.pad = 0;
	size_t from = offsetof(struct axon_fw_mailbox, progress);
	if (rsp_write(r, g->mbox + from, (u8 *)&mb + from, sizeof(mb) - from))
		return -1;
	u32 bell = ++g->seq;
	if (rsp_write(r, g->mbox + offsetof(struct axon_fw_mailbox, doorbell), &bell, 4))
		return -1;

	int waited = 0, step = 1;
	for (;;) {
		struct timespec ts = { 0, step * 1000000L };
		u32 done;

		if (rsp_continue(r))
			return -1;
		nanosleep(&ts, NULL);
		waited += step;
		if (rsp_stop(r))
			return -1;
		g->polls++;
		if (rsp_read(r, g->mbox + offsetof(struct axon_fw_mailbox, done), &done, 4))
			return -1;
		if (done == bell)
			break;
		if (waited > JOB_TIMEOUT_MS) {
			u64 pc = 0;

			rsp_get_reg64(r, RISCV_PC, &pc);
			fprintf(stderr, "riscv: %s: no answer after %d ms (pc 0x%llx)\n", j->name,
				waited, (unsigned long long)pc);
			return -1;
		}
		if (step < 16)
			step *= 2;
	}
	if (rsp_read(r, g->mbox, &mb, sizeof(mb)))
		return -1;
	o->status = mb.status;
	o->packet = mb.packet;
	o->progress = mb.progress;
	o->marker = mb.marker;
	o->reason = NULL;
	/* the firmware must not write to the stream or the map */
	u8 *back = malloc(j->s.len + sizeof(map));
	if (!back || rsp_read(r, G_STREAM, back, j->s.len) ||
	    rsp_read(r, G_MAP, back + j->s.len, sizeof(map[0]) * m->n))
		return -1;
	if (memcmp(back, j->s.buf, j->s.len) || memcmp(back + j->s.len, map, sizeof(map[0]) * m->n)) {
		printf("# the firmware modified the stream or the memory map\n");
		o->status = 0xdead;
	}
	free(back);
	for (unsigned i = 0; i < m->n; i++)
		if (rsp_read(r, m->r[i].va, m->r[i].mem, m->r[i].size))
			return -1;
	return rsp_read(r, G_SRAM, m->sram, m->sram_size);
}

/* ------------------------------------------------------------------ */
/* the cases                                                            */

static int32_t act_lo(u8 dt) { return (int32_t)dtype_min(dt); }
static int32_t act_hi(u8 dt) { return (int32_t)dtype_max(dt); }

struct convp {
	u32 n, h, w, cin, cout, kh, kw, groups;
	u16 sh, sw, dh, dw, pt, pb, pl, pr;
	u8 idt, wdt, odt, rounding;
	int per_channel, no_bias;
};

static void add_conv(struct job *j, const struct convp *c)
{
	u32 oh = (c->h + c->pt + c->pb - c->dh * (c->kh - 1) - 1) / c->sh + 1;
	u32 ow = (c->w + c->pl + c->pr - c->dw * (c->kw - 1) - 1) / c->sw + 1;
	u32 cg = c->cin / c->groups;
	s32 zi = c->idt == AXON_ISA_UINT8 ? 128 : c->idt == AXON_ISA_INT8 ? -3 : 0;
	s32 zw = c->wdt == AXON_ISA_UINT8 ? 120 : 2;
	s32 zo = c->odt == AXON_ISA_UINT8 ? 130 : c->odt == AXON_ISA_INT8 ? 5 : 0;
	u64 in = IN(j, bytes(c->n, c->h, c->w, c->cin, c->idt));
	u64 w = IN(j, bytes(c->cout, c->kh, c->kw, cg, c->wdt));
	u64 b = i32s(j, c->cout, -20000, 20000);
	u64 o = OUT(j, bytes(c->n, oh, ow, c->cout, c->odt));
	/* accumulator ~ 2^(8+8+log2 terms); bring it to ~8 bits */
	int terms = 0;
	for (u32 t = c->kh * c->kw * cg; t > 1; t >>= 1)
		terms++;
	int s = 31 + 16 + terms / 2 - 7 + (c->idt == AXON_ISA_INT16 ? 8 : 0) +
		(c->odt == AXON_ISA_INT16 ? -8 : 0);
	u64 t = rqtable(j, c->per_channel ? c->cout : 1, s, c->rounding);
	struct axon_isa_conv2d *p = SB_PUT(&j->s, AXON_OP_CONV2D, struct axon_isa_conv2d,
					   c->no_bias ? AXON_ISA_F_NO_BIAS : 0);

	p->in = T(in, c->idt, zi, c->n, c->h, c->w, c->cin);
	p->weight = T(w, c->wdt, zw, c->cout, c->kh, c->kw, cg);
	p->bias = T(b, AXON_ISA_INT32, 0, 1, 1, 1, c->cout);
	p->out = T(o, c->odt, zo, c->n, oh, ow, c->cout);
	p->rq = rqtab(AXON_ISA_LOC_VA, t, c->rounding, c->per_channel ? c->cout : 1);
	p->stride_h = c->sh;
	p->stride_w = c->sw;
	p->dilation_h = c->dh;
	p->dilation_w = c->dw;
	p->pad_top = c->pt;
	p->pad_bottom = c->pb;
	p->pad_left = c->pl;
	p->pad_right = c->pr;
	p->groups = c->groups;
	p->act_min = act_lo(c->odt) + (c->odt == AXON_ISA_INT32 ? 0 : 3);
	p->act_max = act_hi(c->odt) - (c->odt == AXON_ISA_INT32 ? 0 : 2);
}

static void c_conv_pad_stride(struct job *j)
{
	struct convp c = { 1, 9, 11, 8, 16, 3, 3, 1, 2, 2, 1, 1, 1, 2, 0, 1,
			   AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_ROUND_SINGLE, 1, 0 };
	add_conv(j, &c);
}

static void c_conv_groups_double(struct job *j)
{
	struct convp c = { 2, 8, 7, 12, 8, 3, 2, 4, 1, 2, 2, 1, 2, 1, 1, 0,
			   AXON_ISA_UINT8, AXON_ISA_UINT8, AXON_ISA_UINT8, AXON_ISA_ROUND_DOUBLE, 1, 0 };
	add_conv(j, &c);
}

static void c_conv_depthwise_i16(struct job *j)
{
	struct convp c = { 1, 10, 10, 16, 16, 3, 3, 16, 1, 1, 1, 1, 1, 1, 1, 1,
			   AXON_ISA_INT16, AXON_ISA_INT8, AXON_ISA_INT16, AXON_ISA_ROUND_DOUBLE, 1, 1 };
	add_conv(j, &c);
}

static void c_conv_pointwise_tensor_scale(struct job *j)
{
	struct convp c = { 1, 6, 6, 32, 24, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
			   AXON_ISA_INT8, AXON_ISA_UINT8, AXON_ISA_INT32, AXON_ISA_ROUND_SINGLE, 0, 0 };
	add_conv(j, &c);
}

static void c_conv_dilated_depth_mult(struct job *j)
{
	/* depthwise with channel multiplier 2, dilation 2, stride 2, both roundings */
	struct convp c = { 1, 12, 9, 6, 12, 3, 3, 6, 2, 1, 2, 2, 2, 2, 2, 1,
			   AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_ROUND_SINGLE, 1, 0 };
	add_conv(j, &c);
	c.rounding = AXON_ISA_ROUND_DOUBLE;
	add_conv(j, &c);
}

static void add_matmul(struct job *j, u32 b0, u32 b1, u32 m, u32 k, u32 n, int fc,
		       u8 adt, u8 odt, u8 rounding)
{
	u64 a = IN(j, bytes(b0, b1, m, k, adt));
	u64 b = IN(j, fc ? (u64)k * n : bytes(b0, b1, k, n, AXON_ISA_INT8));
	u64 bias = i32s(j, n, -5000, 5000);
	u64 o = OUT(j, bytes(b0, b1, m, n, odt));
	int terms = 0;
	for (u32 t = k; t > 1; t >>= 1)
		terms++;
	int s = 31 + 16 + terms / 2 - 7 + (adt == AXON_ISA_INT16 ? 8 : 0) - (odt == AXON_ISA_INT16 ? 8 : 0);
	u64 t = rqtable(j, n, s, rounding);
	struct axon_isa_matmul *p = SB_PUT(&j->s, AXON_OP_MATMUL, struct axon_isa_matmul, 0);

	p->a = T(a, adt, adt == AXON_ISA_UINT8 ? 100 : adt == AXON_ISA_INT8 ? -7 : 0, b0, b1, m, k);
	if (fc) {
		/* constant weights stored transposed {N, K}: strides express b = W^T */
		u32 d[4] = { b0, b1, k, n }, st[4] = { 0, 0, 1, k };

		p->b = tens_s(AXON_ISA_LOC_VA, b, AXON_ISA_INT8, 1, d, st);
	} else {
		p->b = T(b, AXON_ISA_INT8, -1, b0, b1, k, n);
	}
	p->bias = T(bias, AXON_ISA_INT32, 0, 1, 1, 1, n);
	p->out = T(o, odt, odt == AXON_ISA_INT8 ? -4 : odt == AXON_ISA_UINT8 ? 127 : 0, b0, b1, m, n);
	p->rq = rqtab(AXON_ISA_LOC_VA, t, rounding, n);
	p->act_min = act_lo(odt);
	p->act_max = act_hi(odt);
}

static void c_matmul_batched(struct job *j)
{
	add_matmul(j, 2, 3, 5, 17, 7, 0, AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_ROUND_DOUBLE);
}

static void c_matmul_fc(struct job *j)
{
	add_matmul(j, 1, 1, 4, 64, 10, 1, AXON_ISA_UINT8, AXON_ISA_INT16, AXON_ISA_ROUND_SINGLE);
	add_matmul(j, 1, 2, 3, 33, 5, 1, AXON_ISA_INT16, AXON_ISA_UINT8, AXON_ISA_ROUND_DOUBLE);
}

static void add_eltwise(struct job *j, u8 op, u8 rounding, u32 bcast, u8 dt, u8 odt, int inplace)
{
	u32 d[4] = { 1, 4, 5, 6 };
	u64 a = OUT(j, bytes(1, 4, 5, 6, dt));
	tmem_rand(&j->m, AXON_ISA_LOC_VA, a, bytes(1, 4, 5, 6, dt));
	/* bcast 0: full, 1: per-channel, 2: scalar, 3: per-row (H) */
	u64 b = IN(j, bytes(1, 4, 5, 6, dt));
	u32 bs[4] = { 0, 30, 6, 1 };
	if (bcast == 1) {
		bs[1] = 0;
		bs[2] = 0;
	} else if (bcast == 2) {
		memset(bs, 0, sizeof(bs));
	} else if (bcast == 3) {
		bs[1] = 1;
		bs[2] = 0;
		bs[3] = 0;
	}
	u64 o = inplace ? a : OUT(j, bytes(1, 4, 5, 6, odt));
	struct axon_isa_eltwise *p = SB_PUT(&j->s, AXON_OP_ELTWISE, struct axon_isa_eltwise, 0);
	s32 za = dt == AXON_ISA_UINT8 ? 128 : dt == AXON_ISA_INT8 ? 3 : -10;

	p->a = T(a, dt, za, 1, 4, 5, 6);
	p->b = tens_s(AXON_ISA_LOC_VA, b, dt, dt == AXON_ISA_UINT8 ? 90 : -2, d, bs);
	p->out = inplace ? p->a : T(o, odt, odt == AXON_ISA_UINT8 ? 120 : 0, 1, 4, 5, 6);
	p->op = op;
	p->rounding = rounding;
	if (op == AXON_ISA_ELT_MUL) {
		p->rq_out = rqr(rounding, 1518500250, 31 + (dt == AXON_ISA_INT16 ? 14 : 6));
	} else {
		p->left_shift = dt == AXON_ISA_INT16 ? 15 : 20;
		p->rq_a = rqr(rounding, 1395864371, 31);
		p->rq_b = rqr(rounding, 1876499845, 32);
		p->rq_out = rqr(rounding, 1431655765,
				30 + p->left_shift - (odt == AXON_ISA_INT16 ? 7 : 0));
	}
	p->act_min = act_lo(odt);
	p->act_max = act_hi(odt) - 1;
}

static void c_eltwise_broadcast(struct job *j)
{
	add_eltwise(j, AXON_ISA_ELT_ADD, AXON_ISA_ROUND_SINGLE, 2, AXON_ISA_INT8, AXON_ISA_INT8, 0);
	add_eltwise(j, AXON_ISA_ELT_SUB, AXON_ISA_ROUND_DOUBLE, 1, AXON_ISA_UINT8, AXON_ISA_UINT8, 0);
	add_eltwise(j, AXON_ISA_ELT_MUL, AXON_ISA_ROUND_DOUBLE, 0, AXON_ISA_INT8, AXON_ISA_INT8, 1);
}

static void c_eltwise_minmax_i16(struct job *j)
{
	add_eltwise(j, AXON_ISA_ELT_MIN, AXON_ISA_ROUND_SINGLE, 3, AXON_ISA_INT16, AXON_ISA_INT16, 0);
	add_eltwise(j, AXON_ISA_ELT_MAX, AXON_ISA_ROUND_DOUBLE, 1, AXON_ISA_UINT8, AXON_ISA_INT32, 0);
	add_eltwise(j, AXON_ISA_ELT_MUL, AXON_ISA_ROUND_SINGLE, 2, AXON_ISA_INT16, AXON_ISA_INT16, 0);
}

static void add_pool(struct job *j, u8 kind, u16 flags, u32 h, u32 w, u32 c, u16 kh, u16 kw,
		     u16 sh, u16 sw, u16 pt, u16 pb, u16 pl, u16 pr, u8 dt, u8 odt, u8 rounding)
{
	u32 oh = (h + pt + pb - kh) / sh + 1, ow = (w + pl + pr - kw) / sw + 1;
	u64 in = IN(j, bytes(2, h, w, c, dt));
	u64 o = OUT(j, bytes(2, oh, ow, c, odt));
	u32 cnt = kind == AXON_ISA_POOL_MAX ? 1 : (u32)kh * kw;
	u64 t = IN(j, 8ull * cnt);
	u8 *tp = P(j, t, 8ull * cnt);

	for (u32 i = 0; i < cnt; i++) {	/* entry i: divide by i + 1 */
		u64 m = ((1ull << 31) - 1) / (i + 1);

		u32 sh = kind == AXON_ISA_POOL_MAX ? 31 : 31 - (odt == AXON_ISA_INT16 ? 4 : 0);

		if (rounding == AXON_ISA_ROUND_F32) {
			m >>= 7;
			sh -= 7;
		}
		put32(tp + 8 * i, (u32)m);
		put32(tp + 8 * i + 4, sh);
	}
	struct axon_isa_pool *p = SB_PUT(&j->s, AXON_OP_POOL, struct axon_isa_pool, flags);

	p->in = T(in, dt, dt == AXON_ISA_UINT8 ? 128 : -1, 2, h, w, c);
	p->out = T(o, odt, odt == AXON_ISA_UINT8 ? 128 : odt == AXON_ISA_INT32 ? 0 : 1, 2, oh, ow, c);
	p->rq = rqtab(AXON_ISA_LOC_VA, t, rounding, cnt);
	p->kind = kind;
	p->kernel_h = kh;
	p->kernel_w = kw;
	p->stride_h = sh;
	p->stride_w = sw;
	p->pad_top = pt;
	p->pad_bottom = pb;
	p->pad_left = pl;
	p->pad_right = pr;
	p->act_min = act_lo(odt);
	p->act_max = act_hi(odt);
}

static void c_pool(struct job *j)
{
	add_pool(j, AXON_ISA_POOL_MAX, 0, 9, 8, 5, 3, 3, 2, 2, 1, 1, 1, 0,
		 AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_ROUND_SINGLE);
	add_pool(j, AXON_ISA_POOL_AVG, 0, 7, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1,
		 AXON_ISA_UINT8, AXON_ISA_UINT8, AXON_ISA_ROUND_DOUBLE);
	add_pool(j, AXON_ISA_POOL_AVG, AXON_ISA_F_COUNT_PAD, 7, 6, 3, 2, 3, 1, 2, 1, 0, 2, 1,
		 AXON_ISA_INT16, AXON_ISA_INT16, AXON_ISA_ROUND_SINGLE);
	/* global average pooling: window = input, one scale (1/49) */
	u64 in = IN(j, bytes(1, 7, 7, 16, AXON_ISA_INT8));
	u64 o = OUT(j, 16);
	u64 t = IN(j, 8);
	put32(P(j, t, 8), (u32)(((1ull << 31) - 1) / 49));
	put32(P(j, t, 8) + 4, 31);
	struct axon_isa_pool *p = SB_PUT(&j->s, AXON_OP_POOL, struct axon_isa_pool, 0);
	p->in = T(in, AXON_ISA_INT8, 4, 1, 7, 7, 16);
	p->out = T(o, AXON_ISA_INT8, -2, 1, 1, 1, 16);
	p->rq = rqtab(AXON_ISA_LOC_VA, t, AXON_ISA_ROUND_DOUBLE, 1);
	p->kind = AXON_ISA_POOL_AVG;
	p->kernel_h = 7;
	p->kernel_w = 7;
	p->stride_h = 1;
	p->stride_w = 1;
	p->act_min = -128;
	p->act_max = 127;
}

static void add_reduce(struct job *j, u8 kind, u8 mask, u8 dt, u8 odt, u8 rounding, s32 m, s32 s)
{
	u32 d[4] = { 2, 5, 6, 7 }, od[4];

	for (int i = 0; i < 4; i++)
		od[i] = mask & (1u << i) ? 1 : d[i];
	u64 in = IN(j, bytes(d[0], d[1], d[2], d[3], dt));
	u64 o = OUT(j, bytes(od[0], od[1], od[2], od[3], odt));
	struct axon_isa_reduce *p = SB_PUT(&j->s, AXON_OP_REDUCE, struct axon_isa_reduce, 0);

	p->in = T(in, dt, dt == AXON_ISA_UINT8 ? 128 : 0, d[0], d[1], d[2], d[3]);
	p->out = T(o, odt, odt == AXON_ISA_UINT8 ? 100 : odt == AXON_ISA_INT32 ? 0 : -3,
		   od[0], od[1], od[2], od[3]);
	p->kind = kind;
	p->axis_mask = mask;
	p->rounding = rounding;
	p->rq = rqr(rounding, m, s);
	p->act_min = act_lo(odt);
	p->act_max = act_hi(odt);
}

static void c_reduce(struct job *j)
{
	/* MEAN over H, W: 1/30 folded into the scale */
	add_reduce(j, AXON_ISA_REDUCE_SUM, 6, AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_ROUND_SINGLE,
		   (s32)(((1ull << 31) - 1) / 30), 31);
	add_reduce(j, AXON_ISA_REDUCE_MAX, 8, AXON_ISA_UINT8, AXON_ISA_UINT8, AXON_ISA_ROUND_DOUBLE,
		   1 << 30, 30);
	add_reduce(j, AXON_ISA_REDUCE_MIN, 5, AXON_ISA_INT16, AXON_ISA_INT8, AXON_ISA_ROUND_SINGLE,
		   1 << 30, 38);
	add_reduce(j, AXON_ISA_REDUCE_SUM, 15, AXON_ISA_INT32, AXON_ISA_INT32, AXON_ISA_ROUND_DOUBLE,
		   1 << 30, 36);
}

static void c_lut(struct job *j)
{
	u64 tab = IN(j, 256), tab2 = IN(j, 256);
	u64 in = IN(j, 3 * 50);
	u64 o = OUT(j, 3 * 50);
	u64 io = OUT(j, 77);
	u8 *tp = P(j, tab, 256);

	for (int i = 0; i < 256; i++) {	/* a sigmoid-like int8 -> uint8 table */
		double x = (i - 128) / 16.0;

		tp[i] = (u8)lround(255.0 / (1.0 + exp(-x)));
	}
	tmem_rand(&j->m, AXON_ISA_LOC_VA, io, 77);
	struct axon_isa_lut *p = SB_PUT(&j->s, AXON_OP_LUT, struct axon_isa_lut, 0);
	p->in = T(in, AXON_ISA_INT8, 0, 1, 3, 5, 10);
	p->out = T(o, AXON_ISA_UINT8, 0, 1, 3, 5, 10);
	p->table = tab;
	/* in place, uint8 -> uint8 */
	p = SB_PUT(&j->s, AXON_OP_LUT, struct axon_isa_lut, 0);
	p->in = T(io, AXON_ISA_UINT8, 0, 1, 1, 7, 11);
	p->out = p->in;
	p->table = tab2;
}

static void c_softmax(struct job *j)
{
	u64 tab = IN(j, 512);
	u8 *tp = P(j, tab, 512);

	for (int i = 0; i < 256; i++) {
		u16 v = (u16)lround(32768.0 * exp(-(double)i * 0.11));

		tp[2 * i] = (u8)v;
		tp[2 * i + 1] = (u8)(v >> 8);
	}
	u64 in = IN(j, 3 * 37), o = OUT(j, 3 * 37);
	struct axon_isa_softmax *p = SB_PUT(&j->s, AXON_OP_SOFTMAX, struct axon_isa_softmax, 0);
	p->in = T(in, AXON_ISA_INT8, -5, 1, 1, 3, 37);
	p->out = T(o, AXON_ISA_UINT8, 0, 1, 1, 3, 37);
	p->table = tab;
	p->out_mult = 256;
	u64 in2 = IN(j, 2 * 300), o2 = OUT(j, 2 * 300);
	p = SB_PUT(&j->s, AXON_OP_SOFTMAX, struct axon_isa_softmax, 0);
	p->in = T(in2, AXON_ISA_UINT8, 7, 1, 2, 1, 300);
	p->out = T(o2, AXON_ISA_INT8, -128, 1, 2, 1, 300);
	p->table = tab;
	p->out_mult = 256;
}

static void add_layernorm_z(struct job *j, u32 n, u8 dt, u8 odt, u8 rounding, u64 eps, u8 zb)
{
	u64 in = IN(j, bytes(1, 2, 3, n, dt));
	u64 o = OUT(j, bytes(1, 2, 3, n, odt));
	u64 par = IN(j, 8ull * n);
	u8 *pp = P(j, par, 8ull * n);

	for (u32 i = 0; i < 2 * n; i++)
		put32(pp + 4 * i, (u32)(i < n ? trand_range(-3000, 3000) : trand_range(-5000000, 5000000)));
	struct axon_isa_layernorm *p = SB_PUT(&j->s, AXON_OP_LAYERNORM, struct axon_isa_layernorm, 0);
	p->in = T(in, dt, dt == AXON_ISA_UINT8 ? 128 : 1, 1, 2, 3, n);
	p->out = T(o, odt, odt == AXON_ISA_UINT8 ? 128 : 0, 1, 2, 3, n);
	p->params = par;
	p->rounding = rounding;
	p->eps_term = eps;
	p->z_bits = zb;
	p->rq = rqr(rounding, 1317922825, 45 + (zb ? zb - 11 : 0) - (odt == AXON_ISA_INT16 ? 8 : 0));
	p->act_min = act_lo(odt);
	p->act_max = act_hi(odt);
}

static void add_layernorm(struct job *j, u32 n, u8 dt, u8 odt, u8 rounding, u64 eps)
{
	add_layernorm_z(j, n, dt, odt, rounding, eps, 0);
}

static void c_layernorm(struct job *j)
{
	add_layernorm(j, 24, AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_ROUND_SINGLE, 1000);
	add_layernorm(j, 77, AXON_ISA_UINT8, AXON_ISA_INT16, AXON_ISA_ROUND_DOUBLE, 0);
}

static void add_resize(struct job *j, u8 mode, u8 coord, u8 rounding, u32 h, u32 w, u32 oh, u32 ow,
		       u8 dt, u8 odt)
{
	u64 in = IN(j, bytes(1, h, w, 3, dt));
	u64 o = OUT(j, bytes(1, oh, ow, 3, odt));
	struct axon_isa_resize *p = SB_PUT(&j->s, AXON_OP_RESIZE, struct axon_isa_resize, 0);

	p->in = T(in, dt, dt == AXON_ISA_UINT8 ? 128 : -1, 1, h, w, 3);
	p->out = T(o, odt, odt == AXON_ISA_UINT8 ? 128 : odt == AXON_ISA_INT32 ? 0 : 2, 1, oh, ow, 3);
	p->mode = mode;
	p->coord = coord;
	p->rounding = rounding;
	/* bilinear: Q20 accumulator, scale 0.9 * 2^-20; nearest: 0.9 */
	p->rq = rqr(rounding, 1932735283, mode == AXON_ISA_RESIZE_BILINEAR ? 51 : 31);
	p->act_min = act_lo(odt);
	p->act_max = act_hi(odt);
}

static void c_resize(struct job *j)
{
	add_resize(j, AXON_ISA_RESIZE_NEAREST, AXON_ISA_COORD_HALF_PIXEL, AXON_ISA_ROUND_SINGLE,
		   5, 7, 11, 13, AXON_ISA_INT8, AXON_ISA_INT8);
	add_resize(j, AXON_ISA_RESIZE_NEAREST, AXON_ISA_COORD_ALIGN_CORNERS, AXON_ISA_ROUND_DOUBLE,
		   9, 8, 4, 3, AXON_ISA_INT16, AXON_ISA_INT16);
	add_resize(j, AXON_ISA_RESIZE_NEAREST, AXON_ISA_COORD_ASYMMETRIC, AXON_ISA_ROUND_SINGLE,
		   4, 4, 8, 6, AXON_ISA_UINT8, AXON_ISA_UINT8);
	add_resize(j, AXON_ISA_RESIZE_BILINEAR, AXON_ISA_COORD_HALF_PIXEL, AXON_ISA_ROUND_DOUBLE,
		   6, 5, 13, 9, AXON_ISA_UINT8, AXON_ISA_UINT8);
	add_resize(j, AXON_ISA_RESIZE_BILINEAR, AXON_ISA_COORD_ALIGN_CORNERS, AXON_ISA_ROUND_SINGLE,
		   7, 9, 3, 17, AXON_ISA_INT8, AXON_ISA_INT8);
	add_resize(j, AXON_ISA_RESIZE_BILINEAR, AXON_ISA_COORD_ASYMMETRIC, AXON_ISA_ROUND_SINGLE,
		   3, 3, 1, 8, AXON_ISA_INT8, AXON_ISA_INT16);
}

static void add_rescale(struct job *j, u8 dt, u8 odt, u8 rounding, s32 m, s32 s, int inplace)
{
	u64 in = OUT(j, bytes(1, 3, 4, 9, dt));
	tmem_rand(&j->m, AXON_ISA_LOC_VA, in, bytes(1, 3, 4, 9, dt));
	u64 o = inplace ? in : OUT(j, bytes(1, 3, 4, 9, odt));
	struct axon_isa_rescale *p = SB_PUT(&j->s, AXON_OP_RESCALE, struct axon_isa_rescale, 0);

	p->in = T(in, dt, dt == AXON_ISA_UINT8 ? 128 : dt == AXON_ISA_INT8 ? -9 : 0, 1, 3, 4, 9);
	p->out = T(o, odt, odt == AXON_ISA_UINT8 ? 3 : odt == AXON_ISA_INT8 ? 10 : 0, 1, 3, 4, 9);
	p->rounding = rounding;
	p->rq = rqr(rounding, m, s);
	p->act_min = act_lo(odt) + (odt == AXON_ISA_INT32 ? 0 : 1);
	p->act_max = act_hi(odt);
}

static void c_rescale(struct job *j)
{
	add_rescale(j, AXON_ISA_INT8, AXON_ISA_INT16, AXON_ISA_ROUND_SINGLE, 1 << 30, 22, 0);
	add_rescale(j, AXON_ISA_INT32, AXON_ISA_UINT8, AXON_ISA_ROUND_DOUBLE, 1789569707, 55, 0);
	add_rescale(j, AXON_ISA_UINT8, AXON_ISA_INT8, AXON_ISA_ROUND_DOUBLE, 1431655765, 31, 1);
	add_rescale(j, AXON_ISA_INT16, AXON_ISA_INT32, AXON_ISA_ROUND_SINGLE, 2147483647, 20, 0);
}

static void c_dma(struct job *j)
{
	/* padding in all four dims, dst zero point as fill */
	u64 src = IN(j, bytes(2, 5, 6, 7, AXON_ISA_INT8));
	u64 dst = OUT(j, bytes(3, 8, 9, 10, AXON_ISA_INT8));
	struct axon_isa_dma *p = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	p->src = T(src, AXON_ISA_INT8, 0, 2, 5, 6, 7);
	p->dst = T(dst, AXON_ISA_INT8, -7, 3, 8, 9, 10);
	u16 pb[4] = { 1, 1, 2, 0 }, pa[4] = { 0, 2, 1, 3 };
	memcpy(p->pad_before, pb, sizeof(pb));
	memcpy(p->pad_after, pa, sizeof(pa));

	/* transpose NHWC -> NCHW of int16 through permuted src strides */
	u64 ts = IN(j, bytes(1, 4, 5, 6, AXON_ISA_INT16));
	u64 td = OUT(j, bytes(1, 6, 4, 5, AXON_ISA_INT16));
	u32 dims[4] = { 1, 6, 4, 5 }, st[4] = { 120, 1, 30, 6 };
	p = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	p->src = tens_s(AXON_ISA_LOC_VA, ts, AXON_ISA_INT16, 0, dims, st);
	p->dst = T(td, AXON_ISA_INT16, 0, 1, 6, 4, 5);

	/* concat along C: two DMAs into windows of {1,3,4,5+7} */
	u64 c1 = IN(j, bytes(1, 3, 4, 5, AXON_ISA_UINT8)), c2 = IN(j, bytes(1, 3, 4, 7, AXON_ISA_UINT8));
	u64 cd = OUT(j, bytes(1, 3, 4, 12, AXON_ISA_UINT8));
	u32 cdim1[4] = { 1, 3, 4, 5 }, cdim2[4] = { 1, 3, 4, 7 }, cst[4] = { 144, 48, 12, 1 };
	p = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	p->src = T(c1, AXON_ISA_UINT8, 0, 1, 3, 4, 5);
	p->dst = tens_s(AXON_ISA_LOC_VA, cd, AXON_ISA_UINT8, 0, cdim1, cst);
	p = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	p->src = T(c2, AXON_ISA_UINT8, 0, 1, 3, 4, 7);
	p->dst = tens_s(AXON_ISA_LOC_VA, cd + 5, AXON_ISA_UINT8, 0, cdim2, cst);

	/* broadcast src (stride 0), int32, and FILL of a strided window */
	u64 bs = IN(j, 4 * 3), bd = OUT(j, 4 * 2 * 3 * 3);
	u32 bdim[4] = { 1, 2, 3, 3 }, bst[4] = { 0, 0, 0, 1 };
	p = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	p->src = tens_s(AXON_ISA_LOC_VA, bs, AXON_ISA_INT32, 0, bdim, bst);
	p->dst = T(bd, AXON_ISA_INT32, 0, 1, 2, 3, 3);
	u64 fd = OUT(j, bytes(1, 6, 6, 4, AXON_ISA_INT16));
	u32 fdim[4] = { 1, 3, 3, 2 }, fst[4] = { 144, 48, 8, 1 };
	struct axon_isa_fill *f = SB_PUT(&j->s, AXON_OP_FILL, struct axon_isa_fill, 0);
	f->dst = tens_s(AXON_ISA_LOC_VA, fd + 2 * 13, AXON_ISA_INT16, 0, fdim, fst);
	f->value = -12345;
}

/*
 * SRAM use, as a compiler emits it for a COMPUTE_IN_SRAM device: DMA
 * inputs in (with padding), conv + eltwise + lut in SRAM, SRAM->SRAM copy,
 * DMA out; markers between stages.
 */
static void c_sram_pipeline(struct job *j)
{
	u64 x = IN(j, bytes(1, 8, 8, 8, AXON_ISA_INT8));
	u64 w = IN(j, bytes(8, 3, 3, 8, AXON_ISA_INT8));
	u64 b = i32s(j, 8, -1000, 1000);
	u64 t = rqtable(j, 8, 31 + 16 + 3 - 7, AXON_ISA_ROUND_DOUBLE);
	u64 lut = IN(j, 256);
	u64 y = OUT(j, bytes(1, 8, 8, 8, AXON_ISA_INT8));
	u64 y2 = OUT(j, bytes(1, 8, 8, 8, AXON_ISA_INT8));
	/* SRAM plan */
	const u64 s_x = 0, s_w = 1024, s_b = 1664, s_t = 1696, s_y = 1792, s_z = 2304,
		  s_l = 2816, s_c = 3072;

	j->lim.flags = AXON_FW_L_COMPUTE_IN_SRAM;
	sb_marker(&j->s, 100);
	struct axon_isa_dma *d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(x, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	d->dst = TS(s_x, AXON_ISA_INT8, -3, 1, 10, 10, 8);	/* padded by the DMA */
	d->pad_before[1] = d->pad_before[2] = 1;
	d->pad_after[1] = d->pad_after[2] = 1;
	d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(w, AXON_ISA_INT8, 0, 1, 1, 1, 576);
	d->dst = TS(s_w, AXON_ISA_INT8, 0, 1, 1, 1, 576);
	d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(b, AXON_ISA_INT32, 0, 1, 1, 1, 8);
	d->dst = TS(s_b, AXON_ISA_INT32, 0, 1, 1, 1, 8);
	d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(t, AXON_ISA_INT32, 0, 1, 1, 1, 16);
	d->dst = TS(s_t, AXON_ISA_INT32, 0, 1, 1, 1, 16);
	d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(lut, AXON_ISA_UINT8, 0, 1, 1, 1, 256);
	d->dst = TS(s_l, AXON_ISA_UINT8, 0, 1, 1, 1, 256);
	sb_marker(&j->s, 101);
	struct axon_isa_conv2d *c = SB_PUT(&j->s, AXON_OP_CONV2D, struct axon_isa_conv2d, 0);
	c->in = TS(s_x, AXON_ISA_INT8, -3, 1, 10, 10, 8);
	c->weight = TS(s_w, AXON_ISA_INT8, 1, 8, 3, 3, 8);
	c->bias = TS(s_b, AXON_ISA_INT32, 0, 1, 1, 1, 8);
	c->out = TS(s_y, AXON_ISA_INT8, 2, 1, 8, 8, 8);
	c->rq = rqtab(AXON_ISA_LOC_SRAM, s_t, AXON_ISA_ROUND_DOUBLE, 8);
	c->stride_h = c->stride_w = c->dilation_h = c->dilation_w = 1;
	c->groups = 1;
	c->act_min = -100;
	c->act_max = 127;
	struct axon_isa_eltwise *e = SB_PUT(&j->s, AXON_OP_ELTWISE, struct axon_isa_eltwise, 0);
	u32 xd[4] = { 1, 8, 8, 8 }, xs[4] = { 800, 80, 8, 1 };
	e->a = TS(s_y, AXON_ISA_INT8, 2, 1, 8, 8, 8);
	e->b = tens_s(AXON_ISA_LOC_SRAM, s_x + 88, AXON_ISA_INT8, -3, xd, xs);	/* residual */
	e->out = TS(s_z, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	e->op = AXON_ISA_ELT_ADD;
	e->rounding = AXON_ISA_ROUND_SINGLE;
	e->left_shift = 20;
	e->rq_a = rq(1 << 30, 31);
	e->rq_b = rq(1 << 30, 31);
	e->rq_out = rq(1 << 30, 48);
	e->act_min = -128;
	e->act_max = 127;
	struct axon_isa_lut *l = SB_PUT(&j->s, AXON_OP_LUT, struct axon_isa_lut, 0);
	l->in = TS(s_z, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	l->out = l->in;
	l->table = s_l;
	l->table_loc = AXON_ISA_LOC_SRAM;
	sb_marker(&j->s, 102);
	d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = TS(s_z, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	d->dst = TS(s_c, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = TS(s_c, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	d->dst = T(y, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = TS(s_y, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	d->dst = T(y2, AXON_ISA_INT8, 0, 1, 8, 8, 8);
	sb_marker(&j->s, 103);
}

/* ---- rejected and failing streams: same status and packet everywhere ---- */

/* an operand one byte past its region: E_RANGE, nothing executed */
static void c_bad_range(struct job *j)
{
	c_rescale(j);
	u64 in = IN(j, 64), o = OUT(j, 64);
	struct axon_isa_dma *d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);
	d->src = T(in, AXON_ISA_INT8, 0, 1, 1, 1, 64);
	d->dst = T(o + 1, AXON_ISA_INT8, 0, 1, 1, 1, 64);
	j->want_status = AXON_ISA_E_RANGE;
	j->want_packet = sb_last(&j->s);
}

static void c_bad_opcode(struct job *j)
{
	c_lut(j);
	sb_packet(&j->s, 200, 0, 16);
	j->want_status = AXON_ISA_E_OPCODE;
	j->want_packet = sb_last(&j->s);
}

static void c_bad_magic(struct job *j)
{
	c_lut(j);
	((struct axon_isa_stream_header *)j->s.buf)->magic ^= 1;
	j->want_status = AXON_ISA_E_MAGIC;
	j->want_packet = AXON_FW_PACKET_NONE;
}

static void c_unsupported(struct job *j)
{
	c_lut(j);
	c_conv_pad_stride(j);
	j->lim.op_mask = ~(1ull << AXON_OP_CONV2D);
	j->want_status = AXON_ISA_E_UNSUPPORTED;
	j->want_packet = sb_last(&j->s);
}

static void c_compute_not_in_sram(struct job *j)
{
	u64 in = IN(j, 64);
	struct axon_isa_dma *d = SB_PUT(&j->s, AXON_OP_DMA, struct axon_isa_dma, 0);

	d->src = T(in, AXON_ISA_INT8, 0, 1, 1, 1, 64);
	d->dst = TS(64, AXON_ISA_INT8, 0, 1, 1, 1, 64);
	c_lut(j);	/* its first LUT reads VA memory */
	j->lim.flags = AXON_FW_L_COMPUTE_IN_SRAM;
	j->want_status = AXON_ISA_E_SRAM;
	j->want_packet = 1;
}

static void c_aborted(struct job *j)
{
	c_matmul_batched(j);
	j->abort = 1;
	j->want_status = AXON_ISA_E_ABORTED;
	j->want_packet = 0;
}

/* a bad scale table entry is found while running: earlier packets ran */
static void c_bad_table_runtime(struct job *j)
{
	c_lut(j);
	c_conv_groups_double(j);
	/* the table of the conv is the last region added by add_conv */
	struct tregion *r = &j->m.r[j->m.n - 1];
	put32(r->mem + 8 * 5, 0x80000000u);	/* negative multiplier, entry 5 */
	j->want_status = AXON_ISA_E_TABLE;
	j->want_packet = sb_last(&j->s);
}

/* ---- ISA 1.1: ROUND_F32 everywhere a rounding mode is, LAYERNORM z_bits ---- */

#define F32 AXON_ISA_ROUND_F32

static void c_f32_conv(struct job *j)
{
	struct convp c = { 1, 9, 11, 8, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0,
			   AXON_ISA_UINT8, AXON_ISA_UINT8, AXON_ISA_UINT8, F32, 1, 0 };
	struct convp dw = { 1, 8, 8, 12, 12, 3, 3, 12, 1, 1, 1, 1, 1, 1, 1, 1,
			    AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_INT8, F32, 1, 0 };

	add_conv(j, &c);
	add_conv(j, &dw);
}

static void c_f32_matmul(struct job *j)
{
	add_matmul(j, 2, 3, 5, 17, 7, 0, AXON_ISA_INT8, AXON_ISA_INT8, F32);
	add_matmul(j, 1, 1, 4, 64, 10, 1, AXON_ISA_UINT8, AXON_ISA_INT16, F32);
}

static void c_f32_eltwise_pool(struct job *j)
{
	add_eltwise(j, AXON_ISA_ELT_ADD, F32, 2, AXON_ISA_INT8, AXON_ISA_INT8, 0);
	add_eltwise(j, AXON_ISA_ELT_MUL, F32, 0, AXON_ISA_UINT8, AXON_ISA_UINT8, 1);
	add_pool(j, AXON_ISA_POOL_AVG, 0, 7, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1,
		 AXON_ISA_UINT8, AXON_ISA_UINT8, F32);
	add_reduce(j, AXON_ISA_REDUCE_SUM, 6, AXON_ISA_INT8, AXON_ISA_INT8, F32,
		   (s32)(((1ull << 31) - 1) / 30), 31);
}

static void c_f32_resize_rescale(struct job *j)
{
	add_eltwise(j, AXON_ISA_ELT_MAX, F32, 3, AXON_ISA_INT16, AXON_ISA_INT16, 0);
	add_resize(j, AXON_ISA_RESIZE_BILINEAR, AXON_ISA_COORD_HALF_PIXEL, F32,
		   6, 5, 13, 9, AXON_ISA_UINT8, AXON_ISA_UINT8);
	add_rescale(j, AXON_ISA_INT32, AXON_ISA_UINT8, F32, 1789569707, 55, 0);
	add_rescale(j, AXON_ISA_INT16, AXON_ISA_INT8, F32, 1 << 30, 33, 0);
}

static void c_layernorm_zbits(struct job *j)
{
	add_layernorm_z(j, 24, AXON_ISA_INT8, AXON_ISA_INT8, F32, 1000, 15);
	add_layernorm_z(j, 77, AXON_ISA_UINT8, AXON_ISA_INT16, AXON_ISA_ROUND_DOUBLE, 0, 20);
	add_layernorm_z(j, 1024, AXON_ISA_UINT8, AXON_ISA_UINT8, AXON_ISA_ROUND_SINGLE, 5, 20);
	add_layernorm_z(j, 40, AXON_ISA_INT8, AXON_ISA_INT8, F32, 0, 11);
}

/* a ROUND_F32 table entry with m = 2^24 is found while running */
static void c_f32_bad_table_runtime(struct job *j)
{
	struct convp c = { 1, 5, 5, 4, 6, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1,
			   AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_INT8, F32, 1, 0 };

	c_lut(j);
	add_conv(j, &c);
	put32(j->m.r[j->m.n - 1].mem + 8 * 3, 1u << 24);	/* the conv's table, entry 3 */
	j->want_status = AXON_ISA_E_TABLE;
	j->want_packet = sb_last(&j->s);
}

/* a 1.1 feature in a stream that declares ISA 1.0 */
static void c_f32_in_isa10(struct job *j)
{
	c_lut(j);
	add_layernorm_z(j, 24, AXON_ISA_INT8, AXON_ISA_INT8, AXON_ISA_ROUND_SINGLE, 1000, 0);
	add_rescale(j, AXON_ISA_INT8, AXON_ISA_INT16, F32, 1 << 30, 22, 0);
	((struct axon_isa_stream_header *)j->s.buf)->version_minor = 0;
	j->want_status = AXON_ISA_E_PARAM;
	j->want_packet = sb_last(&j->s);
}

/* ---- random sweeps (seeded): shapes, strides, paddings, types, roundings ---- */

static u32 rr(u32 lo, u32 hi) { return (u32)trand_range(lo, hi); }
static u8 rdt8(void) { return trand_range(0, 1) ? AXON_ISA_INT8 : AXON_ISA_UINT8; }
static u8 rdt_in(void) { return (u8)rr(AXON_ISA_INT8, AXON_ISA_INT16); }
static u8 rdt_any(void) { return (u8)rr(AXON_ISA_INT8, AXON_ISA_INT32); }

static void s_conv(struct job *j)
{
	struct convp c;

	memset(&c, 0, sizeof(c));
	u32 g = rr(1, 4), cg = rr(1, 6), og = rr(1, 3);

	if (trand_range(0, 3) == 0) {	/* depthwise */
		cg = 1;
		g = rr(2, 16);
	}
	c.n = rr(1, 2);
	c.groups = g;
	c.cin = g * cg;
	c.cout = g * og;
	c.kh = rr(1, 4);
	c.kw = rr(1, 4);
	c.sh = (u16)rr(1, 3);
	c.sw = (u16)rr(1, 3);
	c.dh = (u16)rr(1, 2);
	c.dw = (u16)rr(1, 2);
	c.pt = (u16)rr(0, 2);
	c.pb = (u16)rr(0, 2);
	c.pl = (u16)rr(0, 2);
	c.pr = (u16)rr(0, 2);
	/* the dilated kernel fits the padded input */
	c.h = rr(1, 9) + c.dh * (c.kh - 1);
	c.w = rr(1, 9) + c.dw * (c.kw - 1);
	c.idt = rdt_in();
	c.wdt = rdt8();
	c.odt = rdt_any();
	c.rounding = (u8)rr(0, 1);
	c.per_channel = (int)rr(0, 1);
	c.no_bias = trand_range(0, 4) == 0;
	add_conv(j, &c);
}

static void s_matmul(struct job *j)
{
	add_matmul(j, rr(1, 2), rr(1, 3), rr(1, 9), rr(1, 70), rr(1, 12), (int)rr(0, 1), rdt_in(),
		   rdt_any(), (u8)rr(0, 1));
}

static void s_eltwise(struct job *j)
{
	u8 op = (u8)rr(AXON_ISA_ELT_ADD, AXON_ISA_ELT_MAX);
	u8 dt = rdt_in();

	add_eltwise(j, op, (u8)rr(0, 1), rr(0, 3), dt, rdt_any(), 0);
}

static void s_pool(struct job *j)
{
	u16 kh = (u16)rr(1, 4), kw = (u16)rr(1, 4);
	u16 pt = (u16)rr(0, kh - 1u), pb = (u16)rr(0, kh - 1u), pl = (u16)rr(0, kw - 1u),
	    pr = (u16)rr(0, kw - 1u);

	add_pool(j, (u8)rr(0, 1), trand_range(0, 1) ? AXON_ISA_F_COUNT_PAD : 0, kh + rr(0, 7),
		 kw + rr(0, 7), rr(1, 9), kh, kw, (u16)rr(1, 3), (u16)rr(1, 3), pt, pb, pl, pr,
		 rdt_in(), rdt_any(), (u8)rr(0, 1));
}

static void s_resize(struct job *j)
{
	u8 mode = (u8)rr(0, 1);

	add_resize(j, mode, (u8)rr(0, 2), (u8)rr(0, 1), rr(1, 9), rr(1, 9), rr(1, 20), rr(1, 20),
		   mode == AXON_ISA_RESIZE_BILINEAR ? rdt8() : rdt_in(), rdt_any());
}

/* ISA 1.1: the sweeps above with ROUND_F32, and LAYERNORM with random z_bits */
static void s_f32(struct job *j)
{
	struct convp c;
	u32 g = rr(1, 4), cg = rr(1, 6), og = rr(1, 3);

	memset(&c, 0, sizeof(c));
	c.n = 1;
	c.groups = g;
	c.cin = g * cg;
	c.cout = g * og;
	c.kh = rr(1, 3);
	c.kw = rr(1, 3);
	c.sh = (u16)rr(1, 2);
	c.sw = (u16)rr(1, 2);
	c.dh = 1;
	c.dw = 1;
	c.pt = (u16)rr(0, 1);
	c.pl = (u16)rr(0, 1);
	c.h = rr(1, 8) + c.kh - 1;
	c.w = rr(1, 8) + c.kw - 1;
	c.idt = rdt_in();
	c.wdt = rdt8();
	c.odt = rdt_any();
	c.rounding = F32;
	c.per_channel = (int)rr(0, 1);
	add_conv(j, &c);
	add_matmul(j, rr(1, 2), rr(1, 2), rr(1, 6), rr(1, 40), rr(1, 8), (int)rr(0, 1), rdt_in(),
		   rdt_any(), F32);
}

static void s_f32_zbits(struct job *j)
{
	add_eltwise(j, (u8)rr(AXON_ISA_ELT_ADD, AXON_ISA_ELT_MAX), F32, rr(0, 3), rdt_in(),
		    rdt_any(), 0);
	add_layernorm_z(j, rr(1, 200), rdt8(), rdt_any(), (u8)rr(0, 2),
			trand_range(0, 2) ? (u64)rr(0, 1000000) : 0, (u8)(trand_range(0, 3) ? rr(11, 20) : 0));
}

static void s_layernorm_softmax(struct job *j)
{
	add_layernorm(j, rr(1, 200), rdt8(), rdt_any(), (u8)rr(0, 1),
		      trand_range(0, 2) ? (u64)rr(0, 1000000) : 0);
	c_softmax(j);
}

struct tcase {
	const char *name;
	void (*fn)(struct job *j);
	u64 sram;
	unsigned reps;	/* random sweeps: jobs with seeds 1000 * (index + 1) + rep */
};

static const struct tcase cases[] = {
	{ "conv2d pad/stride, per-channel, single rounding", c_conv_pad_stride, 0, 1 },
	{ "conv2d groups 4, dilation, uint8, double rounding", c_conv_groups_double, 0, 1 },
	{ "conv2d depthwise int16, no bias", c_conv_depthwise_i16, 0, 1 },
	{ "conv2d 1x1 per-tensor scale, int32 out", c_conv_pointwise_tensor_scale, 0, 1 },
	{ "conv2d depth multiplier 2, dilation 2, both roundings", c_conv_dilated_depth_mult, 0, 1 },
	{ "matmul batched, activation rhs", c_matmul_batched, 0, 1 },
	{ "matmul fully connected, transposed weights", c_matmul_fc, 0, 1 },
	{ "eltwise add/sub/mul, scalar/channel/full broadcast, in place", c_eltwise_broadcast, 0, 1 },
	{ "eltwise min/max/mul int16/uint8/int32", c_eltwise_minmax_i16, 0, 1 },
	{ "pool max/avg/count_pad/global", c_pool, 0, 1 },
	{ "reduce mean/max/min/sum", c_reduce, 0, 1 },
	{ "lut int8->uint8, in place", c_lut, 0, 1 },
	{ "softmax rows 37 and 300", c_softmax, 0, 1 },
	{ "layernorm n=24 and n=77, both roundings", c_layernorm, 0, 1 },
	{ "resize nearest x3 / bilinear x3 coordinate modes", c_resize, 0, 1 },
	{ "rescale casts, in place", c_rescale, 0, 1 },
	{ "dma padding/transpose/concat/broadcast, fill", c_dma, 0, 1 },
	{ "sram pipeline (compute in SRAM), markers", c_sram_pipeline, 4096, 1 },
	{ "reject: operand one byte past its region", c_bad_range, 0, 1 },
	{ "reject: unknown opcode", c_bad_opcode, 0, 1 },
	{ "reject: bad stream magic", c_bad_magic, 0, 1 },
	{ "reject: opcode not in op_mask", c_unsupported, 0, 1 },
	{ "reject: compute operand outside SRAM", c_compute_not_in_sram, 256, 1 },
	{ "abort flag set", c_aborted, 0, 1 },
	{ "runtime: bad scale table entry", c_bad_table_runtime, 0, 1 },
	{ "sweep: conv2d (groups, depthwise, stride, dilation, padding, dtypes)", s_conv, 0, 40 },
	{ "sweep: matmul / fully connected", s_matmul, 0, 30 },
	{ "sweep: eltwise ops and broadcasts", s_eltwise, 0, 30 },
	{ "sweep: pool max/avg with padding", s_pool, 0, 30 },
	{ "sweep: resize modes and sizes", s_resize, 0, 30 },
	{ "sweep: layernorm + softmax", s_layernorm_softmax, 0, 15 },
	{ "isa 1.1: ROUND_F32 conv2d grouped and depthwise", c_f32_conv, 0, 1 },
	{ "isa 1.1: ROUND_F32 matmul batched and fully connected", c_f32_matmul, 0, 1 },
	{ "isa 1.1: ROUND_F32 eltwise add/mul in place, avg pool, reduce", c_f32_eltwise_pool, 0, 1 },
	{ "isa 1.1: ROUND_F32 eltwise max int16, resize, rescale", c_f32_resize_rescale, 0, 1 },
	{ "isa 1.1: layernorm z_bits 15/20/20 (n=1024)/11", c_layernorm_zbits, 0, 1 },
	{ "isa 1.1 runtime: ROUND_F32 table entry 2^24", c_f32_bad_table_runtime, 0, 1 },
	{ "isa 1.1 reject: ROUND_F32 in a 1.0 stream", c_f32_in_isa10, 0, 1 },
	{ "isa 1.1 sweep: ROUND_F32 conv2d + matmul", s_f32, 0, 30 },
	{ "isa 1.1 sweep: ROUND_F32 eltwise + layernorm z_bits, any rounding", s_f32_zbits, 0, 30 },
};

/* ------------------------------------------------------------------ */

static int changed(const struct tmem *a, const struct tmem *b)
{
	if (memcmp(a->sram, b->sram, a->sram_size))
		return 1;
	for (unsigned i = 0; i < a->n; i++)
		if (memcmp(a->r[i].mem, b->r[i].mem, a->r[i].size))
			return 1;
	return 0;
}

/* bytes a job wrote and how many distinct values they hold (diagnostics) */
static void written(const struct tmem *after, const struct tmem *before, u64 *n, unsigned *distinct)
{
	u8 seen[256] = { 0 };

	*n = 0;
	*distinct = 0;
	for (unsigned i = 0; i <= after->n; i++) {
		const u8 *a = i < after->n ? after->r[i].mem : after->sram;
		const u8 *b = i < after->n ? before->r[i].mem : before->sram;
		u64 sz = i < after->n ? after->r[i].size : after->sram_size;

		for (u64 k = 0; k < sz; k++) {
			if (a[k] == b[k])
				continue;
			(*n)++;
			*distinct += !seen[a[k]];
			seen[a[k]] = 1;
		}
	}
}

struct stats {
	unsigned jobs, packets;
	u64 bytes;
	u32 status, packet;	/* of the last job */
};

/* One job on both executors; 1 = identical, 0 = differ, -1 = guest lost. */
static int run_job(struct guest *g, const struct tcase *tc, unsigned seed, struct stats *st)
{
	struct job j;
	struct tmem hm, gm;
	struct outcome ho, go;
	int ok = 1;

	trand_seed(seed);
	job_init(&j, tc->name, tc->sram);
	tc->fn(&j);
	sb_finish(&j.s);
	tmem_clone(&hm, &j.m);
	tmem_clone(&gm, &j.m);
	run_host(&j, &hm, &ho);
	if (run_guest(g, &j, &gm, &go)) {
		ok = -1;
		goto out;
	}
	if (ho.status != j.want_status ||
	    (j.want_status != AXON_ISA_OK && ho.packet != j.want_packet)) {
		printf("# host: %s at packet %u (%s), expected %s at %u: test case is wrong\n",
		       axon_fw_status_str(ho.status), ho.packet, ho.reason,
		       axon_fw_status_str(j.want_status), j.want_packet);
		ok = 0;
	}
	if (go.status != ho.status || go.packet != ho.packet) {
		printf("# status: riscv %s at packet %u, host %s at packet %u\n",
		       axon_fw_status_str(go.status), go.packet,
		       axon_fw_status_str(ho.status), ho.packet);
		ok = 0;
	}
	if (go.progress != ho.progress || go.marker != ho.marker) {
		printf("# progress/marker: riscv %d/%d, host %d/%d\n", (int)go.progress,
		       (int)go.marker, (int)ho.progress, (int)ho.marker);
		ok = 0;
	}
	if (tmem_diff(&gm, &hm, 8))
		ok = 0;
	/* outputs of a successful job must have been written */
	if (ho.status == AXON_ISA_OK && !changed(&hm, &j.m)) {
		printf("# job wrote nothing: test case is wrong\n");
		ok = 0;
	}
	st->jobs++;
	st->packets += j.s.npackets;
	st->bytes += hm.sram_size;
	for (unsigned i = 0; i < hm.n; i++)
		st->bytes += hm.r[i].size;
	st->status = go.status;
	st->packet = go.packet;
	if (!ok || verbose) {
		u64 nw;
		unsigned dv;

		written(&hm, &j.m, &nw, &dv);
		printf("#   %s (seed %u): host reason: %s; %llu bytes changed, %u distinct values\n",
		       tc->name, seed, ho.reason, (unsigned long long)nw, dv);
	}
out:
	tmem_free(&hm);
	tmem_free(&gm);
	job_free(&j);
	return ok;
}

static int run_case(struct guest *g, const struct tcase *tc, unsigned idx)
{
	struct stats st = { 0, 0, 0, 0, 0 };
	unsigned reps = tc->reps ? tc->reps : 1, bad = 0;
	int lost = 0;

	for (unsigned r = 0; r < reps && !lost; r++) {
		int ok = run_job(g, tc, 1000 * (idx + 1) + r, &st);

		bad += ok <= 0;
		lost = ok < 0;
	}
	printf("%s %u - %s # ", bad ? "not ok" : "ok", idx + 1, tc->name);
	if (lost)
		printf("guest run failed\n");
	else if (reps == 1)
		printf("%s at packet %u, %u packets, %llu bytes compared\n",
		       axon_fw_status_str(st.status), st.packet, st.packets,
		       (unsigned long long)st.bytes);
	else
		printf("%u jobs (%u differ), %u packets, %llu bytes compared\n", st.jobs, bad,
		       st.packets, (unsigned long long)st.bytes);
	return lost ? -1 : !bad;
}

int main(int argc, char **argv)
{
	const char *qemu = "qemu-system-riscv64", *image = NULL;
	struct guest g;
	struct timespec t0, t1;
	unsigned n = sizeof(cases) / sizeof(cases[0]), pass = 0, fail = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--qemu") && i + 1 < argc)
			qemu = argv[++i];
		else if (!strcmp(argv[i], "--image") && i + 1 < argc)
			image = argv[++i];
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else
			image = NULL, i = argc;
	}
	if (!image) {
		fprintf(stderr, "usage: %s [--qemu QEMU] --image axon-fw.bin [-v]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&g, 0, sizeof(g));
	printf("TAP version 13\n1..%u\n", n);
	if (guest_start(&g, qemu, image)) {
		guest_stop(&g);
		printf("Bail out! firmware image did not boot\nriscv: 0 passed, %u failed\n", n);
		return 1;
	}
	for (unsigned i = 0; i < n; i++) {
		int r = run_case(&g, &cases[i], i);

		if (r > 0) {
			pass++;
			continue;
		}
		fail++;
		if (r < 0) {	/* the guest is gone or hung: the rest cannot run */
			for (unsigned k = i + 1; k < n; k++, fail++)
				printf("not ok %u - %s # not run\n", k + 1, cases[k].name);
			break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %u jobs through the mailbox, %ld polls, %.2f s\n", g.seq, g.polls,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	guest_stop(&g);
	printf("riscv: %u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
