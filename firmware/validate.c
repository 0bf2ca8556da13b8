// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: stream validator. Checks a whole stream before anything
 * runs; every rejection has a status, the packet index and a stable reason.
 */
#include "fw_priv.h"

#define DT_BIT(d)	(1u << (d))
#define DT_8		(DT_BIT(AXON_ISA_INT8) | DT_BIT(AXON_ISA_UINT8))
#define DT_816		(DT_8 | DT_BIT(AXON_ISA_INT16))
#define DT_ALL		(DT_816 | DT_BIT(AXON_ISA_INT32))

/* A byte range touched by an operand, for the overlap rules. */
struct fw_range {
	u64 addr;
	u64 len;
	u32 loc;
};

static u32 fail(struct fw_vctx *v, u32 status, const char *reason)
{
	v->reason = reason;
	return status;
}

u32 fw_body_size(u32 opcode)
{
	switch (opcode) {
	case AXON_OP_NOP:
	case AXON_OP_END:
		return sizeof(struct axon_isa_packet);
	case AXON_OP_MARKER:
		return sizeof(struct axon_isa_marker);
	case AXON_OP_DMA:
		return sizeof(struct axon_isa_dma);
	case AXON_OP_FILL:
		return sizeof(struct axon_isa_fill);
	case AXON_OP_CONV2D:
		return sizeof(struct axon_isa_conv2d);
	case AXON_OP_MATMUL:
		return sizeof(struct axon_isa_matmul);
	case AXON_OP_ELTWISE:
		return sizeof(struct axon_isa_eltwise);
	case AXON_OP_POOL:
		return sizeof(struct axon_isa_pool);
	case AXON_OP_REDUCE:
		return sizeof(struct axon_isa_reduce);
	case AXON_OP_LUT:
		return sizeof(struct axon_isa_lut);
	case AXON_OP_SOFTMAX:
		return sizeof(struct axon_isa_softmax);
	case AXON_OP_LAYERNORM:
		return sizeof(struct axon_isa_layernorm);
	case AXON_OP_RESIZE:
		return sizeof(struct axon_isa_resize);
	case AXON_OP_RESCALE:
		return sizeof(struct axon_isa_rescale);
	default:
		return 0;
	}
}

static u32 allowed_flags(u32 opcode)
{
	switch (opcode) {
	case AXON_OP_CONV2D:
	case AXON_OP_MATMUL:
		return AXON_ISA_F_NO_BIAS;
	case AXON_OP_POOL:
		return AXON_ISA_F_COUNT_PAD;
	default:
		return 0;
	}
}

/*
 * Copy bytes [@from, @nbytes) (multiples of 8; at most sizeof(*pk)) of a
 * packet into @pk. Every word is read exactly once (memory may change under
 * us), and the compiler cannot turn the loop into a memcpy() call.
 */
u32 fw_copy_packet(union fw_pkt *pk, const u8 *src, u32 from, u32 nbytes)
{
	const u64 *s = (const u64 *)src;
	u32 i, n = nbytes / 8;

	if (n > ARRAY_LEN(pk->w))
		n = ARRAY_LEN(pk->w);
	for (i = from / 8; i < n; i++)
		pk->w[i] = FW_READ_ONCE(s[i]);
	return n * 8;
}

/* Bytes an operand may touch, 0 on overflow or invalid dims. */
static u64 span_elems(const u32 *dims, const u32 *strides)
{
	u64 sum = 0, t;
	int i;

	for (i = 0; i < 4; i++) {
		if (!dims[i])
			return 0;
		t = (u64)(dims[i] - 1) * strides[i];	/* < 2^64 */
		if (sum + t < sum)
			return 0;
		sum += t;
	}
	if (sum == ~0ull)
		return 0;
	return sum + 1;
}

u64 axon_fw_tensor_bytes(const struct axon_isa_tensor *t)
{
	u64 n;

	if (t->dtype < AXON_ISA_INT8 || t->dtype > AXON_ISA_INT32)
		return 0;
	n = span_elems(t->dims, t->strides);
	if (n > ~0ull / 4)
		return 0;
	return n * fw_esize(t->dtype);
}

static bool zp_ok(u32 dt, s32 zp)
{
	return zp >= fw_dt_min(dt) && zp <= fw_dt_max(dt) &&
	       (dt != AXON_ISA_INT32 || zp == 0);
}

/* Check that [addr, addr + len) is accessible; record it in @r. */
static u32 chk_loc(struct fw_vctx *v, u32 loc, u64 addr, u64 len, int write,
		   struct fw_range *r)
{
	u32 need = write ? AXON_FW_R_WRITE : AXON_FW_R_READ;
	bool inside = false;
	u32 i;

	r->addr = addr;
	r->len = len;
	r->loc = loc;
	if (addr + len < addr)
		return fail(v, AXON_ISA_E_OVERFLOW, "operand address range wraps around");
	if (loc == AXON_ISA_LOC_SRAM) {
		if (addr > v->sram_size || len > v->sram_size - addr)
			return fail(v, AXON_ISA_E_SRAM, "operand outside the engine's SRAM");
		return 0;
	}
	/* callers checked that loc is VA or SRAM */
	if (v->compute && (v->lflags & AXON_FW_L_COMPUTE_IN_SRAM))
		return fail(v, AXON_ISA_E_SRAM,
			    "compute operand must be in SRAM on this device");
	for (i = 0; i < v->nmap; i++) {
		const struct axon_fw_region *m = &v->map[i];

		if (addr < m->va || addr - m->va > m->size ||
		    len > m->size - (addr - m->va))
			continue;
		if ((m->flags & need) == need)
			return 0;
		inside = true;
	}
	if (!inside)
		return fail(v, AXON_ISA_E_RANGE, "operand outside the job's memory map");
	return fail(v, AXON_ISA_E_RANGE, write ? "output region is not writable" :
		    "input region is not readable");
}

/* Outputs: no zero stride, no two elements at the same address. */
static u32 chk_no_alias(struct fw_vctx *v, const struct axon_isa_tensor *t)
{
	u64 st[4], dm[4], ext = 1;
	int n = 0, i, j;

	for (i = 0; i < 4; i++) {
		if (t->dims[i] == 1)
			continue;
		if (!t->strides[i])
			return fail(v, AXON_ISA_E_SHAPE, "output has a zero stride");
		st[n] = t->strides[i];
		dm[n++] = t->dims[i];
	}
	for (i = 1; i < n; i++) {	/* insertion sort by stride */
		for (j = i; j > 0 && st[j - 1] > st[j]; j--) {
			u64 ts = st[j], td = dm[j];

			st[j] = st[j - 1];
			dm[j] = dm[j - 1];
			st[j - 1] = ts;
			dm[j - 1] = td;
		}
	}
	for (i = 0; i < n; i++) {
		if (st[i] < ext)
			return fail(v, AXON_ISA_E_SHAPE, "output strides alias elements");
		ext += (dm[i] - 1) * st[i];	/* bounded by the span check */
	}
	return 0;
}

/* Generic operand checks; @dts: allowed dtypes (DT_BIT mask). */
static u32 chk_tensor(struct fw_vctx *v, const struct axon_isa_tensor *t,
		      u32 dts, int write, struct fw_range *r)
{
	u64 n, bytes;
	u32 st;
	int i;

	if (t->pad)
		return fail(v, AXON_ISA_E_RESERVED, "tensor pad not zero");
	if (t->dtype < AXON_ISA_INT8 || t->dtype > AXON_ISA_INT32)
		return fail(v, AXON_ISA_E_DTYPE, "invalid tensor dtype");
	if (!(dts & DT_BIT(t->dtype)))
		return fail(v, AXON_ISA_E_DTYPE, "dtype not allowed for this operand");
	if (!zp_ok(t->dtype, t->zero_point))
		return fail(v, AXON_ISA_E_PARAM, "zero point not representable in dtype");
	if (t->loc != AXON_ISA_LOC_VA && t->loc != AXON_ISA_LOC_SRAM)
		return fail(v, AXON_ISA_E_PARAM, "invalid operand location");
	for (i = 0; i < 4; i++)
		if (!t->dims[i])
			return fail(v, AXON_ISA_E_SHAPE, "tensor dimension is zero");
	n = span_elems(t->dims, t->strides);
	if (!n || n > ~0ull / 4)
		return fail(v, AXON_ISA_E_OVERFLOW, "tensor byte size overflows");
	bytes = n * fw_esize(t->dtype);
	if (write) {
		st = chk_no_alias(v, t);
		if (st)
			return st;
	}
	st = chk_loc(v, t->loc, t->addr, bytes, write, r);
	if (st)
		return st;
	if (t->addr & (fw_esize(t->dtype) - 1))
		return fail(v, AXON_ISA_E_PARAM, "tensor address not aligned to its element size");
	return 0;
}

static u32 chk_buf(struct fw_vctx *v, u32 loc, u64 addr, u64 len, u32 align,
		   struct fw_range *r)
{
	if (loc != AXON_ISA_LOC_VA && loc != AXON_ISA_LOC_SRAM)
		return fail(v, AXON_ISA_E_PARAM, "invalid table location");
	u32 st = chk_loc(v, loc, addr, len, 0, r);

	if (st)
		return st;
	if (addr & (align - 1))
		return fail(v, AXON_ISA_E_PARAM, "table address misaligned");
	return 0;
}

static u32 chk_round(struct fw_vctx *v, u32 rnd)
{
	if (rnd == AXON_ISA_ROUND_F32 && v->minor < 1)
		return fail(v, AXON_ISA_E_PARAM, "ROUND_F32 needs ISA 1.1");
	if (rnd != AXON_ISA_ROUND_SINGLE && rnd != AXON_ISA_ROUND_DOUBLE &&
	    rnd != AXON_ISA_ROUND_F32)
		return fail(v, AXON_ISA_E_PARAM, "invalid rounding mode");
	return 0;
}

/* An inline scale used with rounding mode @rnd (already checked). */
static u32 chk_rq(struct fw_vctx *v, const struct axon_isa_rq *rq, u32 rnd)
{
	if (rq->multiplier < 0)
		return fail(v, AXON_ISA_E_PARAM, "scale multiplier negative");
	if (rq->shift < 0 || rq->shift > 62)
		return fail(v, AXON_ISA_E_PARAM, "scale shift outside 0..62");
	if (rnd == AXON_ISA_ROUND_F32 && rq->multiplier >= FW_F32_MULT_LIMIT)
		return fail(v, AXON_ISA_E_PARAM, "ROUND_F32 scale multiplier not below 2^24");
	return 0;
}

/* @n1: the other allowed count besides 1 (0: any count >= 1). */
static u32 chk_rqtab(struct fw_vctx *v, const struct axon_isa_rqtab *t,
		     u32 n1, struct fw_range *r)
{
	if (t->pad)
		return fail(v, AXON_ISA_E_RESERVED, "scale table pad not zero");
	if (chk_round(v, t->rounding))
		return AXON_ISA_E_PARAM;	/* entries are checked at use */
	if (!t->count)
		return fail(v, AXON_ISA_E_PARAM, "scale table count is zero");
	if (n1 && t->count != 1 && t->count != n1)
		return fail(v, AXON_ISA_E_PARAM, "scale table count must be 1 or per channel");
	return chk_buf(v, t->loc, t->addr, (u64)t->count * 8, 4, r);
}

static u32 chk_act(struct fw_vctx *v, u32 dt, s32 lo, s32 hi)
{
	if (lo > hi)
		return fail(v, AXON_ISA_E_PARAM, "act_min greater than act_max");
	if (lo < fw_dt_min(dt) || hi > fw_dt_max(dt))
		return fail(v, AXON_ISA_E_PARAM, "activation clamp outside the output type");
	return 0;
}

static bool same_dims(const struct axon_isa_tensor *a,
		      const struct axon_isa_tensor *b)
{
	int i;

	for (i = 0; i < 4; i++)
		if (a->dims[i] != b->dims[i])
			return false;
	return true;
}

/* Same elements at the same places (in-place operation). */
static bool identical(const struct axon_isa_tensor *a,
		      const struct axon_isa_tensor *b)
{
	int i;

	if (a->addr != b->addr || a->loc != b->loc ||
	    fw_esize(a->dtype) != fw_esize(b->dtype) || !same_dims(a, b))
		return false;
	for (i = 0; i < 4; i++)
		if (a->strides[i] != b->strides[i])
			return false;
	return true;
}

static bool overlaps(const struct fw_range *a, const struct fw_range *b)
{
	return a->loc == b->loc && a->addr < b->addr + b->len &&
	       b->addr < a->addr + a->len;
}

/* @skip: bit i set: input i may be identical to the output (checked). */
static u32 chk_overlap(struct fw_vctx *v, const struct fw_range *out,
		       const struct fw_range *in, int nin, u32 skip)
{
	int i;

	for (i = 0; i < nin; i++) {
		if (skip & (1u << i))
			continue;
		if (overlaps(out, &in[i]))
			return fail(v, AXON_ISA_E_OVERLAP, "output overlaps an input");
	}
	return 0;
}

static u32 chk_pad(struct fw_vctx *v, const u8 *p, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (p[i])
			return fail(v, AXON_ISA_E_RESERVED, "packet pad field not zero");
	return 0;
}

static u32 v_dma(struct fw_vctx *v, const struct axon_isa_dma *p)
{
	u32 st;
	struct fw_range in, out;
	int i;

	st = chk_tensor(v, &p->src, DT_ALL, 0, &in) ?:
	     chk_tensor(v, &p->dst, DT_ALL, 1, &out);
	if (st)
		return st;
	if (p->src.dtype != p->dst.dtype)
		return fail(v, AXON_ISA_E_DTYPE, "dma: src and dst dtypes differ");
	for (i = 0; i < 4; i++)
		if ((u64)p->src.dims[i] + p->pad_before[i] + p->pad_after[i] !=
		    p->dst.dims[i])
			return fail(v, AXON_ISA_E_SHAPE, "dma: dst dims != src dims + padding");
	return chk_overlap(v, &out, &in, 1, 0);
}

static u32 v_fill(struct fw_vctx *v, const struct axon_isa_fill *p)
{
	u32 st;
	struct fw_range out;

	st = chk_pad(v, (const u8 *)&p->pad, sizeof(p->pad)) ?:
	     chk_tensor(v, &p->dst, DT_ALL, 1, &out);
	if (st)
		return st;
	if (p->value < fw_dt_min(p->dst.dtype) || p->value > fw_dt_max(p->dst.dtype))
		return fail(v, AXON_ISA_E_PARAM, "fill: value not representable in dtype");
	return 0;
}

/* An optional int32 bias, one more input (*@nin) when present. */
static u32 chk_bias(struct fw_vctx *v, bool bias,
		    const struct axon_isa_tensor *t, struct fw_range *r,
		    u32 *nin)
{
	u32 st;

	if (!bias)
		return 0;
	st = chk_tensor(v, t, DT_BIT(AXON_ISA_INT32), 0, r);
	if (!st)
		*nin = 4;
	return st;
}

/* dims {1, 1, 1, @n} */
static bool is_row(const struct axon_isa_tensor *t, u32 n)
{
	return t->dims[0] == 1 && t->dims[1] == 1 && t->dims[2] == 1 &&
	       t->dims[3] == n;
}

/* out = (in + pb + pa - (d * (k - 1) + 1)) / s + 1, or ~0 if k too big */
static u64 out_size(u64 in, u64 pb, u64 pa, u64 k, u64 d, u64 s)
{
	u64 padded = in + pb + pa, eff = d * (k - 1) + 1;

	if (eff > padded)
		return ~0ull;
	return fw_div_u64(padded - eff, s) + 1;
}

static u32 v_conv(struct fw_vctx *v, const struct axon_isa_conv2d *p)
{
	u32 st;
	struct fw_range in[4], out;
	const struct axon_isa_tensor *x = &p->in, *w = &p->weight, *o = &p->out;
	u32 cin = x->dims[3], cout = o->dims[3], g = p->groups, nin = 3;
	bool bias = !(p->hdr.flags & AXON_ISA_F_NO_BIAS);
	u64 oh, ow;

	st = chk_pad(v, (const u8 *)&p->pad, sizeof(p->pad)) ?:
	     chk_tensor(v, x, DT_816, 0, &in[0]) ?:
	     chk_tensor(v, w, DT_8, 0, &in[1]) ?:
	     chk_rqtab(v, &p->rq, cout, &in[2]);
	if (st)
		return st;
	st = chk_bias(v, bias, &p->bias, &in[3], &nin) ?:
	     chk_tensor(v, o, DT_ALL, 1, &out) ?:
	     chk_act(v, o->dtype, p->act_min, p->act_max);
	if (st)
		return st;
	if (!p->stride_h || !p->stride_w || !p->dilation_h || !p->dilation_w)
		return fail(v, AXON_ISA_E_PARAM, "conv2d: stride or dilation is zero");
	if (!g)
		return fail(v, AXON_ISA_E_PARAM, "conv2d: groups is zero");
	if (cin % g || cout % g)
		return fail(v, AXON_ISA_E_SHAPE, "conv2d: groups does not divide Cin and Cout");
	if (w->dims[0] != cout || w->dims[3] != cin / g)
		return fail(v, AXON_ISA_E_SHAPE, "conv2d: weight shape inconsistent");
	if (bias && !is_row(&p->bias, cout))
		return fail(v, AXON_ISA_E_SHAPE, "conv2d: bias shape is not {1,1,1,Cout}");
	if (o->dims[0] != x->dims[0])
		return fail(v, AXON_ISA_E_SHAPE, "conv2d: batch of input and output differ");
	oh = out_size(x->dims[1], p->pad_top, p->pad_bottom, w->dims[1],
		      p->dilation_h, p->stride_h);
	ow = out_size(x->dims[2], p->pad_left, p->pad_right, w->dims[2],
		      p->dilation_w, p->stride_w);
	if (oh == ~0ull || ow == ~0ull)
		return fail(v, AXON_ISA_E_SHAPE, "conv2d: kernel larger than padded input");
	if (oh != o->dims[1] || ow != o->dims[2])
		return fail(v, AXON_ISA_E_SHAPE,
			    "conv2d: output size inconsistent with parameters");
	if ((u64)w->dims[1] * w->dims[2] * w->dims[3] > FW_MAX_TERMS)
		return fail(v, AXON_ISA_E_PARAM, "conv2d: more than 2^24 terms per output");
	return chk_overlap(v, &out, in, nin, 0);
}

static u32 v_matmul(struct fw_vctx *v, const struct axon_isa_matmul *p)
{
	u32 st;
	struct fw_range in[4], out;
	const struct axon_isa_tensor *a = &p->a, *b = &p->b, *o = &p->out;
	bool bias = !(p->hdr.flags & AXON_ISA_F_NO_BIAS);
	u32 nin = 3;

	st = chk_tensor(v, a, DT_816, 0, &in[0]) ?:
	     chk_tensor(v, b, DT_816, 0, &in[1]) ?:
	     chk_rqtab(v, &p->rq, o->dims[3], &in[2]);
	if (st)
		return st;
	st = chk_bias(v, bias, &p->bias, &in[3], &nin) ?:
	     chk_tensor(v, o, DT_ALL, 1, &out) ?:
	     chk_act(v, o->dtype, p->act_min, p->act_max);
	if (st)
		return st;
	if (a->dims[0] != o->dims[0] || a->dims[1] != o->dims[1] ||
	    b->dims[0] != o->dims[0] || b->dims[1] != o->dims[1] ||
	    a->dims[2] != o->dims[2] || b->dims[3] != o->dims[3] ||
	    a->dims[3] != b->dims[2])
		return fail(v, AXON_ISA_E_SHAPE, "matmul: a, b and out shapes inconsistent");
	if (bias && !is_row(&p->bias, o->dims[3]))
		return fail(v, AXON_ISA_E_SHAPE, "matmul: bias shape is not {1,1,1,N}");
	if (a->dims[3] > FW_MAX_TERMS)
		return fail(v, AXON_ISA_E_PARAM, "matmul: K larger than 2^24");
	return chk_overlap(v, &out, in, nin, 0);
}

static u32 v_eltwise(struct fw_vctx *v, const struct axon_isa_eltwise *p)
{
	u32 st;
	struct fw_range in[2], out;
	u32 skip = 0;

	st = chk_pad(v, &p->pad, sizeof(p->pad)) ?:
	     chk_pad(v, (const u8 *)&p->pad2, sizeof(p->pad2)) ?:
	     chk_tensor(v, &p->a, DT_816, 0, &in[0]) ?:
	     chk_tensor(v, &p->b, DT_816, 0, &in[1]) ?:
	     chk_tensor(v, &p->out, DT_ALL, 1, &out) ?:
	     chk_act(v, p->out.dtype, p->act_min, p->act_max);
	if (st)
		return st;
	if (!same_dims(&p->a, &p->out) || !same_dims(&p->b, &p->out))
		return fail(v, AXON_ISA_E_SHAPE, "eltwise: input dims differ from output dims");
	if (p->op > AXON_ISA_ELT_MAX)
		return fail(v, AXON_ISA_E_PARAM, "eltwise: invalid operation");
	st = chk_round(v, p->rounding);
	if (st)
		return st;
	if (p->left_shift > 20 ||
	    (p->left_shift > 15 && (p->a.dtype == AXON_ISA_INT16 ||
				    p->b.dtype == AXON_ISA_INT16)))
		return fail(v, AXON_ISA_E_PARAM, "eltwise: left_shift too large");
	if (p->op == AXON_ISA_ELT_MUL) {
		if (p->rq_a.multiplier || p->rq_a.shift ||
		    p->rq_b.multiplier || p->rq_b.shift || p->left_shift)
			return fail(v, AXON_ISA_E_PARAM,
				    "eltwise: MUL with input scales or left_shift");
	} else {
		st = chk_rq(v, &p->rq_a, p->rounding) ?:
		     chk_rq(v, &p->rq_b, p->rounding);
		if (st)
			return st;
	}
	st = chk_rq(v, &p->rq_out, p->rounding);
	if (st)
		return st;
	if (identical(&p->a, &p->out) && p->a.dtype == p->out.dtype)
		skip |= 1;
	if (identical(&p->b, &p->out) && p->b.dtype == p->out.dtype)
		skip |= 2;
	return chk_overlap(v, &out, in, 2, skip);
}

static u32 v_pool(struct fw_vctx *v, const struct axon_isa_pool *p)
{
	u32 st;
	struct fw_range in[2], out;
	const struct axon_isa_tensor *x = &p->in, *o = &p->out;
	u64 oh, ow;

	st = chk_pad(v, p->pad, sizeof(p->pad)) ?:
	     chk_pad(v, (const u8 *)&p->pad2, sizeof(p->pad2)) ?:
	     chk_tensor(v, x, DT_816, 0, &in[0]) ?:
	     chk_tensor(v, o, DT_ALL, 1, &out) ?:
	     chk_rqtab(v, &p->rq, 0, &in[1]) ?:
	     chk_act(v, o->dtype, p->act_min, p->act_max);
	if (st)
		return st;
	if (p->kind > AXON_ISA_POOL_AVG)
		return fail(v, AXON_ISA_E_PARAM, "pool: invalid kind");
	if (p->kind == AXON_ISA_POOL_MAX && p->rq.count != 1)
		return fail(v, AXON_ISA_E_PARAM, "pool: MAX takes exactly one scale");
	if (!p->kernel_h || !p->kernel_w || !p->stride_h || !p->stride_w)
		return fail(v, AXON_ISA_E_PARAM, "pool: kernel or stride is zero");
	if (p->pad_top >= p->kernel_h || p->pad_bottom >= p->kernel_h ||
	    p->pad_left >= p->kernel_w || p->pad_right >= p->kernel_w)
		return fail(v, AXON_ISA_E_PARAM, "pool: padding not smaller than the window");
	if (o->dims[0] != x->dims[0] || o->dims[3] != x->dims[3])
		return fail(v, AXON_ISA_E_SHAPE,
			    "pool: batch or channels of input and output differ");
	oh = out_size(x->dims[1], p->pad_top, p->pad_bottom, p->kernel_h, 1,
		      p->stride_h);
	ow = out_size(x->dims[2], p->pad_left, p->pad_right, p->kernel_w, 1,
		      p->stride_w);
	if (oh == ~0ull || ow == ~0ull)
		return fail(v, AXON_ISA_E_SHAPE, "pool: window larger than padded input");
	if (oh != o->dims[1] || ow != o->dims[2])
		return fail(v, AXON_ISA_E_SHAPE, "pool: output size inconsistent with parameters");
	return chk_overlap(v, &out, in, 2, 0);
}

static u32 v_reduce(struct fw_vctx *v, const struct axon_isa_reduce *p)
{
	u32 st;
	struct fw_range in, out;
	u64 terms = 1;
	int i;

	st = chk_pad(v, &p->pad, sizeof(p->pad)) ?:
	     chk_pad(v, (const u8 *)&p->pad2, sizeof(p->pad2)) ?:
	     chk_tensor(v, &p->in, DT_ALL, 0, &in) ?:
	     chk_tensor(v, &p->out, DT_ALL, 1, &out) ?:
	     chk_act(v, p->out.dtype, p->act_min, p->act_max);
	if (st)
		return st;
	if (p->kind > AXON_ISA_REDUCE_MIN)
		return fail(v, AXON_ISA_E_PARAM, "reduce: invalid kind");
	if (!p->axis_mask || p->axis_mask > 15)
		return fail(v, AXON_ISA_E_PARAM, "reduce: axis_mask empty or above 15");
	st = chk_round(v, p->rounding) ?:
	     chk_rq(v, &p->rq, p->rounding);
	if (st)
		return st;
	for (i = 0; i < 4; i++) {
		bool red = p->axis_mask & (1u << i);

		if (p->out.dims[i] != (red ? 1 : p->in.dims[i]))
			return fail(v, AXON_ISA_E_SHAPE,
				    "reduce: output dims inconsistent with axis_mask");
		if (red)
			terms *= p->in.dims[i];
		if (terms > FW_MAX_TERMS)
			return fail(v, AXON_ISA_E_PARAM, "reduce: more than 2^24 terms per output");
	}
	return chk_overlap(v, &out, &in, 1, 0);
}

static u32 v_lut(struct fw_vctx *v, const struct axon_isa_lut *p)
{
	u32 st;
	struct fw_range in[2], out;

	st = chk_pad(v, p->pad, sizeof(p->pad)) ?:
	     chk_tensor(v, &p->in, DT_8, 0, &in[0]) ?:
	     chk_tensor(v, &p->out, DT_8, 1, &out);
	if (st)
		return st;
	if (!same_dims(&p->in, &p->out))
		return fail(v, AXON_ISA_E_SHAPE, "lut: input and output dims differ");
	st = chk_buf(v, p->table_loc, p->table, 256, 1, &in[1]);
	if (st)
		return st;
	return chk_overlap(v, &out, in, 2, identical(&p->in, &p->out) ? 1 : 0);
}

static u32 v_softmax(struct fw_vctx *v, const struct axon_isa_softmax *p)
{
	u32 st;
	struct fw_range in[2], out;

	st = chk_pad(v, p->pad, sizeof(p->pad)) ?:
	     chk_pad(v, (const u8 *)p->pad2, sizeof(p->pad2)) ?:
	     chk_tensor(v, &p->in, DT_8, 0, &in[0]) ?:
	     chk_tensor(v, &p->out, DT_8, 1, &out);
	if (st)
		return st;
	if (!same_dims(&p->in, &p->out))
		return fail(v, AXON_ISA_E_SHAPE, "softmax: input and output dims differ");
	if (p->in.dims[3] > FW_MAX_SOFTMAX)
		return fail(v, AXON_ISA_E_PARAM, "softmax: axis longer than 65536");
	if (p->out_mult > (u32)FW_S32_MAX)
		return fail(v, AXON_ISA_E_PARAM, "softmax: out_mult not below 2^31");
	st = chk_buf(v, p->table_loc, p->table, 512, 2, &in[1]);
	if (st)
		return st;
	return chk_overlap(v, &out, in, 2, 0);
}

static u32 v_layernorm(struct fw_vctx *v, const struct axon_isa_layernorm *p)
{
	u32 st;
	struct fw_range in[2], out;
	u32 n = p->in.dims[3];

	st = chk_pad(v, &p->pad, sizeof(p->pad)) ?:
	     chk_pad(v, (const u8 *)&p->pad2, sizeof(p->pad2)) ?:
	     chk_tensor(v, &p->in, DT_8, 0, &in[0]) ?:
	     chk_tensor(v, &p->out, DT_ALL, 1, &out) ?:
	     chk_act(v, p->out.dtype, p->act_min, p->act_max);
	if (st)
		return st;
	if (!same_dims(&p->in, &p->out))
		return fail(v, AXON_ISA_E_SHAPE, "layernorm: input and output dims differ");
	if (n > FW_MAX_LAYERNORM)
		return fail(v, AXON_ISA_E_PARAM, "layernorm: axis longer than 1024");
	if (p->z_bits && v->minor < 1)
		return fail(v, AXON_ISA_E_PARAM, "layernorm: z_bits needs ISA 1.1");
	if (p->z_bits && (p->z_bits < FW_LN_Z_MIN || p->z_bits > FW_LN_Z_MAX))
		return fail(v, AXON_ISA_E_PARAM, "layernorm: z_bits outside 11..20");
	st = chk_round(v, p->rounding) ?:
	     chk_rq(v, &p->rq, p->rounding) ?:
	     chk_buf(v, p->params_loc, p->params, (u64)n * 8, 4, &in[1]);
	if (st)
		return st;
	return chk_overlap(v, &out, in, 2, 0);
}

static u32 v_resize(struct fw_vctx *v, const struct axon_isa_resize *p)
{
	u32 st;
	struct fw_range in, out;
	const struct axon_isa_tensor *x = &p->in, *o = &p->out;

	st = chk_pad(v, &p->pad, sizeof(p->pad)) ?:
	     chk_pad(v, (const u8 *)&p->pad2, sizeof(p->pad2)) ?:
	     chk_tensor(v, x, DT_816, 0, &in) ?:
	     chk_tensor(v, o, DT_ALL, 1, &out) ?:
	     chk_act(v, o->dtype, p->act_min, p->act_max);
	if (st)
		return st;
	if (p->mode > AXON_ISA_RESIZE_BILINEAR)
		return fail(v, AXON_ISA_E_PARAM, "resize: invalid mode");
	if (p->coord > AXON_ISA_COORD_ASYMMETRIC)
		return fail(v, AXON_ISA_E_PARAM, "resize: invalid coordinate transformation");
	if (p->mode == AXON_ISA_RESIZE_BILINEAR && x->dtype == AXON_ISA_INT16)
		return fail(v, AXON_ISA_E_DTYPE, "resize: bilinear needs an 8-bit input");
	st = chk_round(v, p->rounding) ?:
	     chk_rq(v, &p->rq, p->rounding);
	if (st)
		return st;
	if (o->dims[0] != x->dims[0] || o->dims[3] != x->dims[3])
		return fail(v, AXON_ISA_E_SHAPE,
			    "resize: batch or channels of input and output differ");
	if (x->dims[1] > FW_MAX_RESIZE || x->dims[2] > FW_MAX_RESIZE ||
	    o->dims[1] > FW_MAX_RESIZE || o->dims[2] > FW_MAX_RESIZE)
		return fail(v, AXON_ISA_E_PARAM, "resize: spatial size above 65536");
	return chk_overlap(v, &out, &in, 1, 0);
}

static u32 v_rescale(struct fw_vctx *v, const struct axon_isa_rescale *p)
{
	u32 st;
	struct fw_range in, out;

	st = chk_pad(v, p->pad, sizeof(p->pad)) ?:
	     chk_tensor(v, &p->in, DT_ALL, 0, &in) ?:
	     chk_tensor(v, &p->out, DT_ALL, 1, &out) ?:
	     chk_act(v, p->out.dtype, p->act_min, p->act_max);
	if (st)
		return st;
	if (!same_dims(&p->in, &p->out))
		return fail(v, AXON_ISA_E_SHAPE, "rescale: input and output dims differ");
	st = chk_round(v, p->rounding) ?:
	     chk_rq(v, &p->rq, p->rounding);
	if (st)
		return st;
	return chk_overlap(v, &out, &in, 1, identical(&p->in, &p->out) ? 1 : 0);
}

/*
 * Check one packet whose header fields have been found consistent with the
 * stream (size_words even, inside the stream) and whose first
 * min(size, sizeof(*pk)) bytes are in @pk.
 */
u32 fw_check_packet(struct fw_vctx *v, const union fw_pkt *pk)
{
	const struct axon_isa_packet *h = &pk->hdr;
	u32 op = h->opcode;

	if (op >= AXON_OP_COUNT)
		return fail(v, AXON_ISA_E_OPCODE, "unknown opcode");
	if (h->version != AXON_ISA_PACKET_VERSION)
		return fail(v, AXON_ISA_E_VERSION, "unsupported packet version");
	if (op != AXON_OP_NOP && op != AXON_OP_END && op != AXON_OP_MARKER &&
	    !(v->op_mask & (1ull << op)))
		return fail(v, AXON_ISA_E_UNSUPPORTED, "opcode not supported by this device");
	if (h->reserved)
		return fail(v, AXON_ISA_E_RESERVED, "packet header reserved field not zero");
	if (h->flags & ~allowed_flags(op))
		return fail(v, AXON_ISA_E_RESERVED, "unknown packet flags");
	if ((u32)h->size_words * 4 < fw_body_size(op))
		return fail(v, AXON_ISA_E_PACKET, "packet shorter than its opcode's body");
	v->compute = op != AXON_OP_DMA && op != AXON_OP_FILL;
	switch (op) {
	case AXON_OP_MARKER:
		return pk->marker.pad ? fail(v, AXON_ISA_E_RESERVED,
					     "packet pad field not zero") : 0;
	case AXON_OP_DMA:
		return v_dma(v, &pk->dma);
	case AXON_OP_FILL:
		return v_fill(v, &pk->fill);
	case AXON_OP_CONV2D:
		return v_conv(v, &pk->conv);
	case AXON_OP_MATMUL:
		return v_matmul(v, &pk->mm);
	case AXON_OP_ELTWISE:
		return v_eltwise(v, &pk->elt);
	case AXON_OP_POOL:
		return v_pool(v, &pk->pool);
	case AXON_OP_REDUCE:
		return v_reduce(v, &pk->red);
	case AXON_OP_LUT:
		return v_lut(v, &pk->lut);
	case AXON_OP_SOFTMAX:
		return v_softmax(v, &pk->sm);
	case AXON_OP_LAYERNORM:
		return v_layernorm(v, &pk->ln);
	case AXON_OP_RESIZE:
		return v_resize(v, &pk->rs);
	case AXON_OP_RESCALE:
		return v_rescale(v, &pk->rsc);
	default:
		return 0;
	}
}

u32 axon_fw_validate(const void *stream, u64 size,
		     const struct axon_fw_region *map, u32 nmap,
		     const struct axon_fw_limits *lim,
		     struct axon_fw_result *res)
{
	const u8 *s = stream;
	const struct axon_isa_stream_header *sh = stream;
	struct fw_vctx v;
	union fw_pkt pk;
	u64 words, pos, i, end_bytes;
	u32 idx = 0, st, sz, body;

	fw_vctx_init(&v, map, nmap, lim);
	if (!stream || (AXON_FW_UPTR(stream) & 7))
		return fw_result(res, AXON_ISA_E_SIZE, AXON_FW_PACKET_NONE,
				 "stream missing or not 8-byte aligned");
	if (size < sizeof(*sh))
		return fw_result(res, AXON_ISA_E_SIZE, AXON_FW_PACKET_NONE,
				 "stream shorter than its header");
	if (sh->magic != AXON_ISA_MAGIC)
		return fw_result(res, AXON_ISA_E_MAGIC, AXON_FW_PACKET_NONE,
				 "bad stream magic");
	if (sh->version_major != AXON_ISA_VERSION_MAJOR)
		return fw_result(res, AXON_ISA_E_VERSION, AXON_FW_PACKET_NONE,
				 "unsupported ISA major version");
	if (sh->version_minor > AXON_ISA_VERSION_MINOR)
		return fw_result(res, AXON_ISA_E_VERSION, AXON_FW_PACKET_NONE,
				 "ISA minor version newer than the firmware");
	if (sh->flags)
		return fw_result(res, AXON_ISA_E_RESERVED, AXON_FW_PACKET_NONE,
				 "stream header flags not zero");
	v.minor = sh->version_minor;
	words = sh->size_words;
	if (words * 4 > size)
		return fw_result(res, AXON_ISA_E_SIZE, AXON_FW_PACKET_NONE,
				 "stream size_words larger than the buffer");
	if (words & 1)
		return fw_result(res, AXON_ISA_E_SIZE, AXON_FW_PACKET_NONE,
				 "stream size_words is odd");
	if (words < sizeof(*sh) / 4)
		return fw_result(res, AXON_ISA_E_SIZE, AXON_FW_PACKET_NONE,
				 "stream size_words smaller than its header");

	for (pos = sizeof(*sh) / 4; pos < words; pos += sz, idx++) {
		fw_copy_packet(&pk, s + pos * 4, 0, 8);	/* header, read once */
		sz = pk.hdr.size_words;
		if (sz < 2)
			return fw_result(res, AXON_ISA_E_PACKET, idx,
					 "packet shorter than its header");
		if (sz & 1)
			return fw_result(res, AXON_ISA_E_PACKET, idx,
					 "packet size_words is odd");
		if (sz > words - pos)
			return fw_result(res, AXON_ISA_E_PACKET, idx,
					 "packet extends past the end of the stream");
		fw_copy_packet(&pk, s + pos * 4, 8, sz * 4);
		st = fw_check_packet(&v, &pk);
		if (st)
			return fw_result(res, st, idx, v.reason);
		/* bytes beyond the known body (later minor versions) */
		body = fw_body_size(pk.hdr.opcode);
		for (i = body; i < (u64)sz * 4; i++)
			if (s[pos * 4 + i])
				return fw_result(res, AXON_ISA_E_RESERVED, idx,
						 "packet bytes beyond its body not zero");
		if (pk.hdr.opcode == AXON_OP_END) {
			end_bytes = (pos + sz) * 4;
			if (end_bytes != words * 4)
				return fw_result(res, AXON_ISA_E_NO_END, idx + 1,
						 "data after END");
			return fw_result(res, AXON_ISA_OK, idx, "ok");
		}
	}
	return fw_result(res, AXON_ISA_E_NO_END, idx, "stream ends without END");
}
