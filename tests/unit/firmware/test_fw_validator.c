// SPDX-License-Identifier: MIT
/*
 * Validator: one test per rejection reason of enum axon_isa_status, each
 * starting from a stream that validates and changing one thing. Every
 * rejected stream is also given to axon_fw_run(), which must return the
 * same status without touching memory. Then the runtime failures: FAULT
 * (nothing written outside), TABLE, ABORTED, NOT_VALIDATED.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fwrun.h"
#include "oracle.h"
#include "testlib.h"

#define RW (TMEM_R_READ | TMEM_R_WRITE)

/* A valid CONV2D (all in VA), with a FILL before it; packet 1 is the conv. */
struct base {
	struct sb s;
	struct axon_isa_conv2d *conv;	/* re-fetched after appends */
	size_t conv_off;
	struct axon_isa_tensor in, w, bias, out, fillt;
};

static struct axon_isa_conv2d *conv_of(struct base *b)
{
	return (struct axon_isa_conv2d *)(b->s.buf + b->conv_off);
}

static void base_conv(struct base *b, int finish)
{
	mem_reset();
	b->in = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 3, DIMS(1, 5, 5, 4), L_CONTIG);
	b->w = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(6, 3, 3, 2), L_CONTIG);
	b->bias = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT32, 0, DIMS(1, 1, 1, 6), L_CONTIG);
	b->out = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, -1, DIMS(1, 5, 5, 6), L_CONTIG);
	b->fillt = mkt(AXON_ISA_LOC_SRAM, AXON_ISA_INT8, 0, DIMS(1, 1, 3, 7), L_CONTIG);
	tfill(&b->bias, -1000, 1000);
	int32_t ms[6], ss[6];
	for (int i = 0; i < 6; i++) {
		ms[i] = 1 << 30;
		ss[i] = 38;
	}
	sb_init(&b->s);
	struct axon_isa_fill *f = SB_PUT(&b->s, AXON_OP_FILL, struct axon_isa_fill, 0);
	f->dst = b->fillt;
	f->value = -100;
	b->conv_off = b->s.len;
	struct axon_isa_conv2d *p = SB_PUT(&b->s, AXON_OP_CONV2D, struct axon_isa_conv2d, 0);
	p->in = b->in; p->weight = b->w; p->bias = b->bias; p->out = b->out;
	p->rq = mk_rqtab(AXON_ISA_LOC_VA, AXON_ISA_ROUND_DOUBLE, 6, ms, ss);
	p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
	p->pad_top = p->pad_bottom = p->pad_left = p->pad_right = 1;
	p->groups = 2;
	p->act_min = -128;
	p->act_max = 127;
	if (finish)
		sb_finish(&b->s);
	b->conv = conv_of(b);
}

static void check_ok(struct base *b)
{
	struct axon_fw_result res;
	uint32_t st = tfw_validate_sb(&M, &b->s, NULL, &res);
	if (st)
		print_message("  base stream rejected: %s: %s\n", axon_fw_status_str(st), res.reason);
	assert_int_equal(st, AXON_ISA_OK);
	assert_int_equal(res.status, AXON_ISA_OK);
}

/*
 * Expect @want at packet @pkt (AXON_FW_PACKET_NONE for the header, or -1 =
 * don't care); run() must return the same and leave memory untouched.
 */
static void expect_lim(const struct sb *s, const struct axon_fw_limits *lim, uint32_t want,
		       uint32_t pkt, const char *what)
{
	struct axon_fw_result res;
	uint32_t st = tfw_validate_sb(&M, s, lim, &res);
	print_message("  %-48s -> %s @%d: \"%s\"\n", what, axon_fw_status_str(st), (int)res.packet,
		      res.reason ? res.reason : "(null)");
	assert_int_equal(st, want);
	assert_int_equal(res.status, want);
	if (pkt != (uint32_t)-2)
		assert_int_equal(res.packet, pkt);
	assert_non_null(res.reason);
	assert_true(res.reason[0] != 0);
	assert_string_not_equal(res.reason, "ok");
	struct tmem before;
	tmem_clone(&before, &M);
	struct fwhooks h;
	fwhooks_init(&h, &M);
	st = tfw_run_sb(&M, s, lim, &h, &res);
	assert_int_equal(st, want);
	assert_int_equal(h.translations, 0);	/* never executed */
	assert_int_equal(h.nprog, 0);
	assert_int_equal(tmem_diff(&M, &before, 4), 0);
	tmem_free(&before);
}
#define ANY_PACKET ((uint32_t)-2)

static void expect(const struct sb *s, uint32_t want, uint32_t pkt, const char *what)
{
	expect_lim(s, NULL, want, pkt, what);
}

/* Mutate the base conv: a fresh base each time. */
#define CONV_CASE(want, what, ...) do { \
		struct base b; \
		base_conv(&b, 1); \
		check_ok(&b); \
		struct axon_isa_conv2d *p = b.conv; \
		(void)p; \
		__VA_ARGS__; \
		expect(&b.s, (want), 1, (what)); \
		sb_free(&b.s); \
	} while (0)

#define HDR(b) ((struct axon_isa_stream_header *)(b).s.buf)

static void t_magic(void **st)
{
	(void)st;
	struct base b;
	base_conv(&b, 1);
	HDR(b)->magic ^= 1;
	expect(&b.s, AXON_ISA_E_MAGIC, AXON_FW_PACKET_NONE, "bad magic");
	sb_free(&b.s);
}

static void t_version(void **st)
{
	(void)st;
	struct base b;
	base_conv(&b, 1);
	HDR(b)->version_major = AXON_ISA_VERSION_MAJOR + 1;
	expect(&b.s, AXON_ISA_E_VERSION, AXON_FW_PACKET_NONE, "major version + 1");
	HDR(b)->version_major = AXON_ISA_VERSION_MAJOR;
	HDR(b)->version_minor = AXON_ISA_VERSION_MINOR + 1;
	expect(&b.s, AXON_ISA_E_VERSION, AXON_FW_PACKET_NONE, "minor version above the executor's");
	sb_free(&b.s);
	CONV_CASE(AXON_ISA_E_VERSION, "packet version 2", p->hdr.version = 2);
	CONV_CASE(AXON_ISA_E_VERSION, "packet version 0", p->hdr.version = 0);
}

static void t_size(void **st)
{
	(void)st;
	struct base b;
	struct axon_fw_result res;
	base_conv(&b, 1);
	struct axon_fw_region map[TMEM_MAX_REGIONS];
	uint32_t n = tfw_map(&M, map);
	/* header claims more than the buffer holds */
	assert_int_equal(axon_fw_validate(b.s.buf, b.s.len - 8, map, n, NULL, &res), AXON_ISA_E_SIZE);
	print_message("  %-48s -> %s: \"%s\"\n", "buffer shorter than size_words", axon_fw_status_str(res.status), res.reason);
	assert_true(res.reason && res.reason[0]);
	/* buffer shorter than a header */
	assert_int_equal(axon_fw_validate(b.s.buf, 12, map, n, NULL, &res), AXON_ISA_E_SIZE);
	assert_int_equal(axon_fw_validate(b.s.buf, 0, map, n, NULL, &res), AXON_ISA_E_SIZE);
	sb_free(&b.s);
	base_conv(&b, 1);
	HDR(b)->size_words -= 1;	/* odd: not 8-byte aligned */
	expect(&b.s, AXON_ISA_E_SIZE, ANY_PACKET, "odd size_words");
	HDR(b)->size_words = 2;		/* smaller than the header */
	expect(&b.s, AXON_ISA_E_SIZE, ANY_PACKET, "size_words smaller than the header");
	sb_free(&b.s);
	/* a larger buffer than size_words: the bytes beyond are ignored */
	base_conv(&b, 1);
	size_t len = b.s.len;
	b.s.len += 8;
	if (b.s.len > b.s.cap) {
		b.s.len = len;
	} else {
		memset(b.s.buf + len, 0xff, 8);
		check_ok(&b);
	}
	sb_free(&b.s);
}

static void t_packet(void **st)
{
	(void)st;
	CONV_CASE(AXON_ISA_E_PACKET, "packet size_words odd", p->hdr.size_words -= 1);
	CONV_CASE(AXON_ISA_E_PACKET, "packet size_words 0", p->hdr.size_words = 0);
	CONV_CASE(AXON_ISA_E_PACKET, "packet shorter than its struct", p->hdr.size_words -= 2);
	CONV_CASE(AXON_ISA_E_PACKET, "packet runs past the stream end", p->hdr.size_words += 64);
	/* truncated stream: cut in the middle of the conv packet */
	struct base b;
	base_conv(&b, 0);
	b.s.len = b.conv_off + 40;
	HDR(b)->size_words = (uint32_t)(b.s.len / 4);
	expect(&b.s, AXON_ISA_E_PACKET, 1, "stream truncated inside a packet");
	sb_free(&b.s);
	/* a longer packet than its struct (a later minor version) is fine if zero-padded */
	base_conv(&b, 0);
	sb_packet(&b.s, AXON_OP_NOP, 0, 8);
	struct axon_isa_packet *nop = (void *)(b.s.buf + b.s.len - 8);
	nop->size_words = 2;
	sb_finish(&b.s);
	check_ok(&b);
	sb_free(&b.s);
}

static void t_opcode(void **st)
{
	(void)st;
	CONV_CASE(AXON_ISA_E_OPCODE, "opcode AXON_OP_COUNT", p->hdr.opcode = AXON_OP_COUNT);
	CONV_CASE(AXON_ISA_E_OPCODE, "opcode 63", p->hdr.opcode = 63);
	CONV_CASE(AXON_ISA_E_OPCODE, "opcode 255", p->hdr.opcode = 255);
}

static void t_unsupported(void **st)
{
	(void)st;
	struct base b;
	struct axon_fw_limits lim;
	base_conv(&b, 1);
	tfw_limits_default(&lim, &M);
	lim.op_mask &= ~(1ull << AXON_OP_CONV2D);
	expect_lim(&b.s, &lim, AXON_ISA_E_UNSUPPORTED, 1, "CONV2D not in op_mask");
	lim.op_mask = (1ull << AXON_OP_CONV2D);	/* FILL missing; NOP/END/MARKER always ok */
	expect_lim(&b.s, &lim, AXON_ISA_E_UNSUPPORTED, 0, "FILL not in op_mask");
	lim.op_mask = (1ull << AXON_OP_CONV2D) | (1ull << AXON_OP_FILL);
	struct axon_fw_result res;
	assert_int_equal(tfw_validate_sb(&M, &b.s, &lim, &res), AXON_ISA_OK);
	/* compute operands in VA on a device that computes from SRAM only */
	tfw_limits_default(&lim, &M);
	lim.flags = AXON_FW_L_COMPUTE_IN_SRAM;
	struct axon_fw_result r2;
	uint32_t s2 = tfw_validate_sb(&M, &b.s, &lim, &r2);
	print_message("  %-48s -> %s @%d: \"%s\"\n", "COMPUTE_IN_SRAM, conv operands in VA",
		      axon_fw_status_str(s2), (int)r2.packet, r2.reason);
	assert_int_not_equal(s2, AXON_ISA_OK);
	assert_int_equal(r2.packet, 1);
	/* unknown limits flag */
	lim.flags = 0x80000000u;
	s2 = tfw_validate_sb(&M, &b.s, &lim, &r2);
	print_message("  %-48s -> %s\n", "unknown limits flag", axon_fw_status_str(s2));
	sb_free(&b.s);
}

static void t_reserved(void **st)
{
	(void)st;
	struct base b;
	base_conv(&b, 1);
	HDR(b)->flags = 1;
	expect(&b.s, AXON_ISA_E_RESERVED, AXON_FW_PACKET_NONE, "stream header flags");
	sb_free(&b.s);
	CONV_CASE(AXON_ISA_E_RESERVED, "packet header reserved", p->hdr.reserved = 1);
	CONV_CASE(AXON_ISA_E_RESERVED, "unknown conv flag", p->hdr.flags = 2);
	CONV_CASE(AXON_ISA_E_RESERVED, "unknown conv flag (bit 15)", p->hdr.flags = 0x8000);
	CONV_CASE(AXON_ISA_E_RESERVED, "conv pad", p->pad = 1);
	CONV_CASE(AXON_ISA_E_RESERVED, "tensor pad", p->weight.pad = 1);
	CONV_CASE(AXON_ISA_E_RESERVED, "rqtab pad", p->rq.pad = 1);
	/* FILL has no flags: COUNT_PAD/NO_BIAS bit is unknown there */
	base_conv(&b, 1);
	((struct axon_isa_packet *)(b.s.buf + 16))->flags = AXON_ISA_F_NO_BIAS;
	expect(&b.s, AXON_ISA_E_RESERVED, 0, "flag on FILL");
	sb_free(&b.s);
	/* bytes past a packet's struct (later minor version fields) must be zero */
	base_conv(&b, 0);
	struct axon_isa_marker *m = (void *)sb_packet(&b.s, AXON_OP_MARKER, 0, 24);
	((uint32_t *)m)[4] = 1;
	sb_finish(&b.s);
	expect(&b.s, AXON_ISA_E_RESERVED, 2, "non-zero bytes after the struct");
	sb_free(&b.s);
	base_conv(&b, 0);
	m = (void *)sb_packet(&b.s, AXON_OP_MARKER, 0, sizeof(*m));
	m->pad = 1;
	sb_finish(&b.s);
	expect(&b.s, AXON_ISA_E_RESERVED, 2, "marker pad");
	sb_free(&b.s);
}

static void t_dtype(void **st)
{
	(void)st;
	CONV_CASE(AXON_ISA_E_DTYPE, "dtype 0", p->in.dtype = 0);
	CONV_CASE(AXON_ISA_E_DTYPE, "dtype 5", p->out.dtype = 5);
	CONV_CASE(AXON_ISA_E_DTYPE, "int32 conv input", p->in.dtype = AXON_ISA_INT32; p->in.dims[3] = 1);
	CONV_CASE(AXON_ISA_E_DTYPE, "int16 weights", p->weight.dtype = AXON_ISA_INT16; p->weight.dims[0] = 3);
	CONV_CASE(AXON_ISA_E_DTYPE, "int8 bias", p->bias.dtype = AXON_ISA_INT8);
}

static void t_shape(void **st)
{
	(void)st;
	CONV_CASE(AXON_ISA_E_SHAPE, "dim 0", p->in.dims[2] = 0);
	CONV_CASE(AXON_ISA_E_SHAPE, "output height wrong", p->out.dims[1] = 4);
	CONV_CASE(AXON_ISA_E_SHAPE, "Cout mismatch with weights", p->out.dims[3] = 5; p->rq.count = 1);
	CONV_CASE(AXON_ISA_E_SHAPE, "output stride 0 (broadcast output)", p->out.strides[2] = 0);
	CONV_CASE(AXON_ISA_E_SHAPE, "Cin/groups != weight dims[3]", p->weight.dims[3] = 1);
	CONV_CASE(AXON_ISA_E_SHAPE, "batch mismatch", p->out.dims[0] = 2; p->out.strides[0] = 0);
}

static void t_param(void **st)
{
	(void)st;
	CONV_CASE(AXON_ISA_E_PARAM, "stride 0", p->stride_h = 0);
	CONV_CASE(AXON_ISA_E_PARAM, "dilation 0", p->dilation_w = 0);
	CONV_CASE(AXON_ISA_E_PARAM, "groups 0", p->groups = 0);
	CONV_CASE(AXON_ISA_E_PARAM, "act_min > act_max", p->act_min = 5; p->act_max = 4);
	CONV_CASE(AXON_ISA_E_PARAM, "act_max outside int8", p->act_max = 128);
	CONV_CASE(AXON_ISA_E_PARAM, "zero point outside int8", p->in.zero_point = 128);
	CONV_CASE(AXON_ISA_E_PARAM, "rounding 3", p->rq.rounding = 3);
	CONV_CASE(AXON_ISA_E_PARAM, "rounding 255", p->rq.rounding = 255);
	CONV_CASE(AXON_ISA_E_PARAM, "rq count 0", p->rq.count = 0);
	CONV_CASE(AXON_ISA_E_PARAM, "rq count neither 1 nor Cout", p->rq.count = 5);
	CONV_CASE(AXON_ISA_E_PARAM, "loc 2", p->in.loc = 2);
}

static void t_overflow(void **st)
{
	(void)st;
	/* span arithmetic: (d-1)*s summed over 4 dims exceeds 64 bits */
	struct base b;
	base_conv(&b, 0);
	struct axon_isa_fill *f = SB_PUT(&b.s, AXON_OP_FILL, struct axon_isa_fill, 0);
	uint32_t d[4] = { 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu };
	f->dst = tens_s(AXON_ISA_LOC_VA, b.out.addr, AXON_ISA_INT32, 0, d, d);
	sb_finish(&b.s);
	expect(&b.s, AXON_ISA_E_OVERFLOW, 2, "span overflows 64 bits");
	sb_free(&b.s);
	/* element count overflows (dims product 2^128) */
	base_conv(&b, 0);
	f = SB_PUT(&b.s, AXON_OP_FILL, struct axon_isa_fill, 0);
	uint32_t s1[4] = { 0, 0, 0, 1 };
	(void)s1;
	f->dst = tens_s(AXON_ISA_LOC_VA, b.out.addr, AXON_ISA_INT8, 0, d, d);
	f->dst.strides[0] = 0x10000000u;
	sb_finish(&b.s);
	expect(&b.s, AXON_ISA_E_OVERFLOW, 2, "span near 2^64");
	sb_free(&b.s);
	/* addr + span wraps around */
	base_conv(&b, 0);
	f = SB_PUT(&b.s, AXON_OP_FILL, struct axon_isa_fill, 0);
	f->dst = tens(AXON_ISA_LOC_VA, UINT64_MAX - 3, AXON_ISA_INT8, 0, 1, 1, 1, 16);
	sb_finish(&b.s);
	struct axon_fw_result res;
	uint32_t st2 = tfw_validate_sb(&M, &b.s, NULL, &res);
	print_message("  %-48s -> %s @%d: \"%s\"\n", "addr + span wraps past 2^64", axon_fw_status_str(st2),
		      (int)res.packet, res.reason);
	assert_true(st2 == AXON_ISA_E_OVERFLOW || st2 == AXON_ISA_E_RANGE);
	sb_free(&b.s);
}

static void t_range(void **st)
{
	(void)st;
	/* one byte past the region: the last element of the input */
	CONV_CASE(AXON_ISA_E_RANGE, "input one byte past its region", p->in.addr += 1);
	CONV_CASE(AXON_ISA_E_RANGE, "input one byte before its region", p->in.addr -= 1);
	CONV_CASE(AXON_ISA_E_RANGE, "output one byte past its region", p->out.addr += 1);
	CONV_CASE(AXON_ISA_E_RANGE, "bias one element past", p->bias.addr += 4);
	CONV_CASE(AXON_ISA_E_RANGE, "rq table one entry past", p->rq.addr += 8);
	CONV_CASE(AXON_ISA_E_RANGE, "unmapped address", p->in.addr = 0x1000);
	{	/* spanning two adjacent regions is not inside one region */
		struct base b;
		base_conv(&b, 1);
		uint64_t end = M.r[M.n - 1].va + M.r[M.n - 1].size;
		tmem_add(&M, end, 4096, RW, 0);
		check_ok(&b);
		struct axon_isa_conv2d *p = b.conv;
		p->out.addr = end - 10;
		expect(&b.s, AXON_ISA_E_RANGE, 1, "output spans two adjacent regions");
		sb_free(&b.s);
	}
	{	/* write into a read-only region */
		struct base b;
		base_conv(&b, 1);
		int i = tmem_find(&M, b.out.addr, 1);
		M.r[i].flags = TMEM_R_READ;
		expect(&b.s, AXON_ISA_E_RANGE, 1, "output in a read-only region");
		M.r[i].flags = TMEM_R_WRITE;
		i = tmem_find(&M, b.in.addr, 1);
		M.r[i].flags = TMEM_R_WRITE;
		expect(&b.s, AXON_ISA_E_RANGE, 1, "input in a write-only region");
		sb_free(&b.s);
	}
	{	/* a LUT table past its region */
		mem_reset();
		struct axon_isa_tensor t = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(1, 1, 2, 8), L_CONTIG);
		struct sb s;
		sb_init(&s);
		struct axon_isa_lut *l = SB_PUT(&s, AXON_OP_LUT, struct axon_isa_lut, 0);
		l->in = t;
		l->out = t;
		l->table = va_alloc(255, TMEM_R_READ);
		sb_finish(&s);
		expect(&s, AXON_ISA_E_RANGE, 0, "LUT table of 255 bytes");
		sb_free(&s);
	}
}

static void t_sram(void **st)
{
	(void)st;
	struct base b;
	base_conv(&b, 1);
	struct axon_isa_fill *f = (void *)(b.s.buf + 16);
	uint64_t span = tens_span(&f->dst);
	f->dst.addr = SRAM_SIZE - span;
	check_ok(&b);
	f->dst.addr = SRAM_SIZE - span + 1;
	expect(&b.s, AXON_ISA_E_SRAM, 0, "SRAM operand one byte past the SRAM");
	f->dst.addr = 0;
	struct axon_fw_limits lim;
	tfw_limits_default(&lim, &M);
	lim.sram_size = span - 1;
	expect_lim(&b.s, &lim, AXON_ISA_E_SRAM, 0, "SRAM smaller than the operand");
	{	/* NULL limits: no SRAM at all */
		struct axon_fw_region map[TMEM_MAX_REGIONS];
		struct axon_fw_result res;
		uint32_t n = tfw_map(&M, map);
		uint32_t r = axon_fw_validate(b.s.buf, b.s.len, map, n, NULL, &res);
		print_message("  %-48s -> %s @%d: \"%s\"\n", "NULL limits: no SRAM", axon_fw_status_str(r),
			      (int)res.packet, res.reason);
		assert_int_equal(r, AXON_ISA_E_SRAM);
		assert_int_equal(res.packet, 0);
	}
	sb_free(&b.s);
}

static void t_overlap(void **st)
{
	(void)st;
	{	/* conv output overlapping its input inside one region */
		mem_reset();
		uint64_t va = va_alloc(4096, RW);
		struct axon_isa_tensor in = tens(AXON_ISA_LOC_VA, va, AXON_ISA_INT8, 0, 1, 5, 5, 4);
		struct axon_isa_tensor w = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(6, 1, 1, 4), L_CONTIG);
		int32_t m1 = 1 << 30, s1 = 36;
		struct sb s;
		sb_init(&s);
		struct axon_isa_conv2d *p = SB_PUT(&s, AXON_OP_CONV2D, struct axon_isa_conv2d, AXON_ISA_F_NO_BIAS);
		p->in = in;
		p->weight = w;
		p->bias = tens(AXON_ISA_LOC_VA, 0, AXON_ISA_INT32, 0, 1, 1, 1, 6);
		p->out = tens(AXON_ISA_LOC_VA, va + 100, AXON_ISA_INT8, 0, 1, 5, 5, 6);
		p->rq = mk_rqtab(AXON_ISA_LOC_VA, AXON_ISA_ROUND_SINGLE, 1, &m1, &s1);
		p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
		p->groups = 1;
		p->act_min = -128;
		p->act_max = 127;
		sb_finish(&s);
		struct axon_fw_result res;
		uint32_t r = tfw_validate_sb(&M, &s, NULL, &res);
		if (r)
			print_message("  adjacent output rejected: %s: %s\n", axon_fw_status_str(r), res.reason);
		assert_int_equal(r, AXON_ISA_OK);	/* adjacent, bias unused (NO_BIAS) */
		p = (void *)(s.buf + 16);
		p->out.addr = va + 99;
		expect(&s, AXON_ISA_E_OVERLAP, 0, "conv output overlaps the input's last byte");
		p->out.addr = va + 100;
		p->weight = tens(AXON_ISA_LOC_VA, va + 249, AXON_ISA_INT8, 0, 6, 1, 1, 4);
		expect(&s, AXON_ISA_E_OVERLAP, 0, "conv weights overlap the output's last byte");
		sb_free(&s);
	}
	{	/* DMA src/dst overlap; eltwise partial overlap */
		mem_reset();
		uint64_t va = va_alloc(1024, RW);
		struct sb s;
		sb_init(&s);
		struct axon_isa_dma *d = SB_PUT(&s, AXON_OP_DMA, struct axon_isa_dma, 0);
		d->src = tens(AXON_ISA_LOC_VA, va, AXON_ISA_INT8, 0, 1, 1, 1, 100);
		d->dst = tens(AXON_ISA_LOC_VA, va + 99, AXON_ISA_INT8, 0, 1, 1, 1, 100);
		sb_finish(&s);
		expect(&s, AXON_ISA_E_OVERLAP, 0, "DMA dst overlaps src by one byte");
		d = (void *)(s.buf + 16);
		d->dst.addr = va + 100;
		struct axon_fw_result res;
		assert_int_equal(tfw_validate_sb(&M, &s, NULL, &res), AXON_ISA_OK);
		sb_free(&s);
		sb_init(&s);
		struct axon_isa_eltwise *e = SB_PUT(&s, AXON_OP_ELTWISE, struct axon_isa_eltwise, 0);
		e->a = tens(AXON_ISA_LOC_VA, va, AXON_ISA_INT8, 0, 1, 1, 1, 64);
		e->b = tens(AXON_ISA_LOC_VA, va + 200, AXON_ISA_INT8, 0, 1, 1, 1, 64);
		e->out = tens(AXON_ISA_LOC_VA, va, AXON_ISA_INT8, 0, 1, 1, 1, 64);
		e->op = AXON_ISA_ELT_ADD;
		e->rq_a = rq(1 << 30, 30);
		e->rq_b = rq(1 << 30, 30);
		e->rq_out = rq(1 << 30, 30);
		e->act_min = -128;
		e->act_max = 127;
		sb_finish(&s);
		assert_int_equal(tfw_validate_sb(&M, &s, NULL, &res), AXON_ISA_OK);	/* identical: ok */
		e = (void *)(s.buf + 16);
		e->out.addr = va + 1;
		expect(&s, AXON_ISA_E_OVERLAP, 0, "eltwise output shifted by one over a");
		e->out.addr = va;
		e->out.strides[3] = 2;
		e->out.dims[3] = 32;
		e->a.dims[3] = 32;
		e->b.dims[3] = 32;
		expect(&s, AXON_ISA_E_OVERLAP, 0, "eltwise output same addr, other strides");
		sb_free(&s);
	}
}

static void t_no_end(void **st)
{
	(void)st;
	struct base b;
	base_conv(&b, 0);
	HDR(b)->size_words = (uint32_t)(b.s.len / 4);
	expect(&b.s, AXON_ISA_E_NO_END, 2, "missing END");
	sb_free(&b.s);
	base_conv(&b, 1);
	sb_nop(&b.s);
	HDR(b)->size_words = (uint32_t)(b.s.len / 4);
	expect(&b.s, AXON_ISA_E_NO_END, 3, "packet after END");
	sb_free(&b.s);
}

/* ------------------------------------------------------------------------ */
/* runtime failures                                                          */

static void t_fault(void **st)
{
	(void)st;
	struct base b;
	base_conv(&b, 1);
	check_ok(&b);
	/* expected: the FILL (packet 0) done, the conv faulting before any write */
	struct tmem want;
	tmem_clone(&want, &M);
	struct fwhooks h;
	struct axon_fw_result res;
	struct sb first;
	sb_init(&first);
	struct axon_isa_fill *f = SB_PUT(&first, AXON_OP_FILL, struct axon_isa_fill, 0);
	*f = *(struct axon_isa_fill *)(b.s.buf + 16);
	sb_finish(&first);
	struct oracle_trace tr;
	assert_int_equal(oracle_run(&want, first.buf, first.len, &tr), AXON_ISA_OK);
	sb_free(&first);
	const uint64_t fail_at[] = { b.w.addr + 5, b.out.addr + tens_span(&b.out) - 1, b.in.addr,
				     b.conv->rq.addr };
	const char *const names[] = { "weights", "output (last byte)", "input", "rq table" };
	for (int k = 0; k < 4; k++) {
		struct tmem got;
		tmem_clone(&got, &M);
		fwhooks_init(&h, &got);
		h.fail_lo = fail_at[k];
		h.fail_hi = fail_at[k] + 1;
		uint32_t r = tfw_run_sb(&got, &b.s, NULL, &h, &res);
		print_message("  translate NULL for the %-24s -> %s @%u: \"%s\"\n", names[k],
			      axon_fw_status_str(r), res.packet, res.reason);
		assert_int_equal(r, AXON_ISA_E_FAULT);
		assert_int_equal(res.packet, 1);
		assert_true(res.reason && res.reason[0]);
		assert_int_equal(tmem_diff(&got, &want, 8), 0);	/* nothing written by the conv */
		tmem_free(&got);
	}
	tmem_free(&want);
	sb_free(&b.s);
}

static void t_table(void **st)
{
	(void)st;
	const int32_t bad[][2] = { { -1, 30 }, { INT32_MIN, 30 }, { 1 << 30, 63 }, { 1 << 30, -1 },
				   { 1 << 30, 0x7fffffff } };
	for (int k = 0; k < 5; k++) {
		struct base b;
		base_conv(&b, 1);
		check_ok(&b);
		uint8_t *tab = tmem_ptr(&M, 0, b.conv->rq.addr, 48);
		memcpy(tab + 8 * 4, &bad[k][0], 4);	/* entry 4 */
		memcpy(tab + 8 * 4 + 4, &bad[k][1], 4);
		struct axon_fw_result res;
		assert_int_equal(tfw_validate_sb(&M, &b.s, NULL, &res), AXON_ISA_OK);	/* checked when used */
		uint32_t r = tfw_run_sb(&M, &b.s, NULL, NULL, &res);
		print_message("  rq entry 4 = (%d, %d) -> %s @%u: \"%s\"\n", bad[k][0], bad[k][1],
			      axon_fw_status_str(r), res.packet, res.reason);
		assert_int_equal(r, AXON_ISA_E_TABLE);
		assert_int_equal(res.packet, 1);
		assert_true(res.reason && res.reason[0]);
		sb_free(&b.s);
	}
	/* ROUND_F32 tables (ISA 1.1): m < 2^24 is checked when the entry is used */
	const int32_t badf[][2] = { { 1 << 24, 40 }, { INT32_MAX, 40 }, { (1 << 24) + 1, 0 } };
	for (int k = 0; k < 4; k++) {
		struct base b;
		base_conv(&b, 1);
		b.conv->rq.rounding = AXON_ISA_ROUND_F32;
		uint8_t *tab = tmem_ptr(&M, 0, b.conv->rq.addr, 48);
		int32_t good[2] = { (1 << 24) - 1, 40 };
		const int32_t *e = k < 3 ? badf[k] : good;
		memcpy(tab + 8 * 4, &e[0], 4);	/* entry 4 */
		memcpy(tab + 8 * 4 + 4, &e[1], 4);
		for (int i = 0; i < 6; i++)
			if (i != 4) {	/* the others: in range */
				int32_t m = 1 << 23, sh = 31;
				memcpy(tab + 8 * i, &m, 4);
				memcpy(tab + 8 * i + 4, &sh, 4);
			}
		struct axon_fw_result res;
		assert_int_equal(tfw_validate_sb(&M, &b.s, NULL, &res), AXON_ISA_OK);
		uint32_t r = tfw_run_sb(&M, &b.s, NULL, NULL, &res);
		print_message("  f32 rq entry 4 = (%d, %d) -> %s @%u: \"%s\"\n", e[0], e[1],
			      axon_fw_status_str(r), res.packet, res.reason);
		assert_int_equal(r, k < 3 ? AXON_ISA_E_TABLE : AXON_ISA_OK);
		if (k < 3)
			assert_int_equal(res.packet, 1);
		sb_free(&b.s);
	}
	/* AVG pool: the entry for the window's divisor is the bad one */
	mem_reset();
	struct axon_isa_tensor in = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(1, 4, 4, 2), L_CONTIG);
	struct axon_isa_tensor out = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(1, 4, 4, 2), L_CONTIG);
	int32_t ms[9], ss[9];
	for (int i = 0; i < 9; i++) {
		ms[i] = 1 << 30;
		ss[i] = 30;
	}
	ss[3] = 70;	/* divisor 4: only corner windows of a 3x3 pad-1 pool */
	struct sb s;
	sb_init(&s);
	struct axon_isa_pool *p = SB_PUT(&s, AXON_OP_POOL, struct axon_isa_pool, 0);
	p->in = in; p->out = out; p->kind = AXON_ISA_POOL_AVG;
	p->rq = mk_rqtab(AXON_ISA_LOC_VA, AXON_ISA_ROUND_SINGLE, 9, ms, ss);
	p->kernel_h = p->kernel_w = 3;
	p->stride_h = p->stride_w = 1;
	p->pad_top = p->pad_bottom = p->pad_left = p->pad_right = 1;
	p->act_min = -128; p->act_max = 127;
	sb_finish(&s);
	struct axon_fw_result res;
	assert_int_equal(tfw_run_sb(&M, &s, NULL, NULL, &res), AXON_ISA_E_TABLE);
	sb_free(&s);
}

/* ------------------------------------------------------------------------ */
/* ISA 1.1: ROUND_F32 and LAYERNORM z_bits, and their gating by version_minor */

static void set_minor(struct sb *s, uint16_t minor)
{
	((struct axon_isa_stream_header *)s->buf)->version_minor = minor;
}

/* One RESCALE, one ELTWISE ADD, one REDUCE, one RESIZE: inline rq, packets 0..3. */
static void inline_rq_stream(struct sb *s, uint8_t rnd, int which, int32_t m)
{
	mem_reset();
	struct axon_isa_tensor a = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 1, DIMS(1, 2, 3, 4), L_CONTIG);
	struct axon_isa_tensor o[4];
	for (int i = 0; i < 4; i++)
		o[i] = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, -2, DIMS(1, 2, 3, i == 2 ? 1 : 4), L_CONTIG);
	sb_init(s);
	struct axon_isa_rescale *r = SB_PUT(s, AXON_OP_RESCALE, struct axon_isa_rescale, 0);
	r->in = a; r->out = o[0]; r->rounding = rnd; r->rq = rq(which == 0 ? m : 1 << 23, 23);
	r->act_min = -128; r->act_max = 127;
	struct axon_isa_eltwise *e = SB_PUT(s, AXON_OP_ELTWISE, struct axon_isa_eltwise, 0);
	e->a = a; e->b = a; e->out = o[1]; e->op = AXON_ISA_ELT_ADD; e->rounding = rnd;
	e->rq_a = rq(1 << 23, 23);
	e->rq_b = rq(which == 1 ? m : 1 << 23, 23);
	e->rq_out = rq(1 << 22, 23);
	e->act_min = -128; e->act_max = 127;
	struct axon_isa_reduce *d = SB_PUT(s, AXON_OP_REDUCE, struct axon_isa_reduce, 0);
	d->in = a; d->out = o[2]; d->kind = AXON_ISA_REDUCE_SUM; d->axis_mask = 8; d->rounding = rnd;
	d->rq = rq(which == 2 ? m : 1 << 21, 23);
	d->act_min = -128; d->act_max = 127;
	struct axon_isa_resize *z = SB_PUT(s, AXON_OP_RESIZE, struct axon_isa_resize, 0);
	z->in = a; z->out = o[3]; z->mode = AXON_ISA_RESIZE_NEAREST; z->rounding = rnd;
	z->rq = rq(which == 3 ? m : 1 << 23, 23);
	z->act_min = -128; z->act_max = 127;
	sb_finish(s);
}

/* LAYERNORM over rows of 16 with @zb fraction bits and rounding @rnd. */
static void ln_stream(struct sb *s, uint8_t zb, uint8_t rnd, int32_t m)
{
	mem_reset();
	struct axon_isa_tensor in = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(1, 1, 2, 16), L_CONTIG);
	struct axon_isa_tensor out = mkt(AXON_ISA_LOC_VA, AXON_ISA_INT8, 0, DIMS(1, 1, 2, 16), L_CONTIG);
	uint64_t par = va_alloc(8 * 16, TMEM_R_READ);
	sb_init(s);
	struct axon_isa_layernorm *p = SB_PUT(s, AXON_OP_LAYERNORM, struct axon_isa_layernorm, 0);
	p->in = in; p->out = out; p->params = par; p->params_loc = AXON_ISA_LOC_VA;
	p->rounding = rnd; p->z_bits = zb; p->rq = rq(m, 30);
	p->act_min = -128; p->act_max = 127;
	sb_finish(s);
}

/* expect(), then the reason string too */
static void expect_why(const struct sb *s, uint32_t want, uint32_t pkt, const char *what,
		       const char *reason)
{
	struct axon_fw_result res;
	expect(s, want, pkt, what);
	tfw_validate_sb(&M, s, NULL, &res);
	assert_string_equal(res.reason, reason);
}

static void t_isa11(void **st)
{
	(void)st;
	struct sb s;
	struct axon_fw_result res;
	char what[96];

	/* ROUND_F32 in a scale table: a 1.1 feature */
	CONV_CASE(AXON_ISA_E_PARAM, "ROUND_F32 table in a 1.0 stream",
		  p->rq.rounding = AXON_ISA_ROUND_F32; set_minor(&b.s, 0));
	CONV_CASE(AXON_ISA_E_PARAM, "rounding 3 in a 1.0 stream", p->rq.rounding = 3; set_minor(&b.s, 0));
	{	/* the same stream as 1.0 with DOUBLE is fine */
		struct base b;
		base_conv(&b, 1);
		set_minor(&b.s, 0);
		check_ok(&b);
		sb_free(&b.s);
	}
	/* inline scales: ROUND_F32 needs m < 2^24, and ISA 1.1 */
	for (int which = 0; which < 4; which++) {
		static const char *const on[] = { "rescale", "eltwise rq_b", "reduce", "resize" };
		inline_rq_stream(&s, AXON_ISA_ROUND_F32, which, (1 << 24) - 1);
		assert_int_equal(tfw_validate_sb(&M, &s, NULL, &res), AXON_ISA_OK);
		assert_int_equal(tfw_run_sb(&M, &s, NULL, NULL, &res), AXON_ISA_OK);
		set_minor(&s, 0);
		snprintf(what, sizeof(what), "%s: ROUND_F32 in a 1.0 stream", on[which]);
		expect_why(&s, AXON_ISA_E_PARAM, 0, what, "ROUND_F32 needs ISA 1.1");
		sb_free(&s);
		for (int k = 0; k < 3; k++) {
			const int32_t bad[] = { 1 << 24, (1 << 24) + 1, INT32_MAX };
			inline_rq_stream(&s, AXON_ISA_ROUND_F32, which, bad[k]);
			snprintf(what, sizeof(what), "%s: ROUND_F32 multiplier %d", on[which], bad[k]);
			expect(&s, AXON_ISA_E_PARAM, (uint32_t)which, what);
			assert_int_equal(tfw_validate_sb(&M, &s, NULL, &res), AXON_ISA_E_PARAM);
			assert_string_equal(res.reason, "ROUND_F32 scale multiplier not below 2^24");
			sb_free(&s);
			/* the same multiplier is fine in the 1.0 modes */
			inline_rq_stream(&s, AXON_ISA_ROUND_SINGLE, which, bad[k]);
			assert_int_equal(tfw_validate_sb(&M, &s, NULL, &res), AXON_ISA_OK);
			sb_free(&s);
		}
	}
	/* LAYERNORM z_bits: 0 or 11..20, and not in a 1.0 stream */
	for (int zb = 0; zb < 256; zb++) {
		ln_stream(&s, (uint8_t)zb, AXON_ISA_ROUND_SINGLE, 1 << 30);
		int ok = zb == 0 || (zb >= 11 && zb <= 20);
		uint32_t got = tfw_validate_sb(&M, &s, NULL, &res);
		if (ok) {
			assert_int_equal(got, AXON_ISA_OK);
			assert_int_equal(tfw_run_sb(&M, &s, NULL, NULL, &res), AXON_ISA_OK);
		} else if (zb == 10 || zb == 21 || zb == 255 || zb == 1) {
			snprintf(what, sizeof(what), "layernorm z_bits %d", zb);
			expect_why(&s, AXON_ISA_E_PARAM, 0, what, "layernorm: z_bits outside 11..20");
		} else {
			assert_int_equal(got, AXON_ISA_E_PARAM);
		}
		set_minor(&s, 0);
		got = tfw_validate_sb(&M, &s, NULL, &res);
		assert_int_equal(got, zb == 0 ? AXON_ISA_OK : AXON_ISA_E_PARAM);
		if (zb == 15 || zb == 11) {
			snprintf(what, sizeof(what), "layernorm z_bits %d in a 1.0 stream", zb);
			expect_why(&s, AXON_ISA_E_PARAM, 0, what, "layernorm: z_bits needs ISA 1.1");
		}
		sb_free(&s);
	}
	ln_stream(&s, 15, AXON_ISA_ROUND_SINGLE, 1 << 30);
	((struct axon_isa_layernorm *)(s.buf + 16))->pad = 1;
	expect(&s, AXON_ISA_E_RESERVED, 0, "layernorm pad (after z_bits)");
	sb_free(&s);
	ln_stream(&s, 20, AXON_ISA_ROUND_F32, 1 << 24);
	expect(&s, AXON_ISA_E_PARAM, 0, "layernorm ROUND_F32 multiplier 2^24");
	sb_free(&s);
	ln_stream(&s, 20, AXON_ISA_ROUND_F32, (1 << 24) - 1);
	assert_int_equal(tfw_run_sb(&M, &s, NULL, NULL, &res), AXON_ISA_OK);
	sb_free(&s);
}

static struct sb *modify_stream;
static int modify_yield(void *ctx)
{
	(void)ctx;
	struct axon_isa_conv2d *p = (void *)(modify_stream->buf + 16 + sizeof(struct axon_isa_fill) +
					     ((8 - sizeof(struct axon_isa_fill) % 8) % 8));
	p->stride_h = 2;	/* still a valid-looking packet, but not the one validated */
	return 0;
}

static void t_not_validated(void **st)
{
	(void)st;
	struct base b;
	base_conv(&b, 1);
	check_ok(&b);
	/* the stream changes while it runs: the interpreter re-checks each packet */
	modify_stream = &b.s;
	struct axon_fw_region map[TMEM_MAX_REGIONS];
	uint32_t n = tfw_map(&M, map);
	struct fwhooks h;
	fwhooks_init(&h, &M);
	struct axon_fw_env env;
	memset(&env, 0, sizeof(env));
	env.ctx = &h;
	env.sram = M.sram;
	env.sram_size = M.sram_size;
	env.yield = modify_yield;
	env.translate = tfw_translate_hook;
	struct axon_fw_limits lim;
	tfw_limits_default(&lim, &M);
	struct axon_fw_result res;
	uint32_t r = axon_fw_run(b.s.buf, b.s.len, map, n, &lim, &env, &res);
	print_message("  %-48s -> %s @%u: \"%s\"\n", "stream modified during the run",
		      axon_fw_status_str(r), res.packet, res.reason);
	assert_int_equal(r, AXON_ISA_E_NOT_VALIDATED);
	assert_int_equal(res.packet, 1);
	sb_free(&b.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_magic),
		cmocka_unit_test(t_version),
		cmocka_unit_test(t_size),
		cmocka_unit_test(t_packet),
		cmocka_unit_test(t_opcode),
		cmocka_unit_test(t_unsupported),
		cmocka_unit_test(t_reserved),
		cmocka_unit_test(t_dtype),
		cmocka_unit_test(t_shape),
		cmocka_unit_test(t_param),
		cmocka_unit_test(t_overflow),
		cmocka_unit_test(t_range),
		cmocka_unit_test(t_sram),
		cmocka_unit_test(t_overlap),
		cmocka_unit_test(t_no_end),
		cmocka_unit_test(t_fault),
		cmocka_unit_test(t_table),
		cmocka_unit_test(t_not_validated),
		cmocka_unit_test(t_isa11),
	};
	int r = cmocka_run_group_tests_name("firmware validator and runtime faults", tests, NULL, NULL);
	mem_reset();
	tmem_free(&M);
	return r;
}
