// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: the interpreter. Validates a stream, then runs it packet by
 * packet from private copies, through the executor's environment hooks.
 */
#include "fw_priv.h"

static const char * const status_names[AXON_ISA_E_COUNT] = {
	[AXON_ISA_OK] = "ok",
	[AXON_ISA_E_MAGIC] = "bad stream magic",
	[AXON_ISA_E_VERSION] = "unsupported ISA or packet version",
	[AXON_ISA_E_SIZE] = "stream size or alignment inconsistent",
	[AXON_ISA_E_PACKET] = "bad packet size",
	[AXON_ISA_E_OPCODE] = "unknown opcode",
	[AXON_ISA_E_UNSUPPORTED] = "opcode not supported by this device",
	[AXON_ISA_E_RESERVED] = "reserved field or flag set",
	[AXON_ISA_E_DTYPE] = "invalid dtype",
	[AXON_ISA_E_SHAPE] = "inconsistent shape",
	[AXON_ISA_E_PARAM] = "parameter out of range",
	[AXON_ISA_E_OVERFLOW] = "size arithmetic overflows",
	[AXON_ISA_E_RANGE] = "operand outside the job's memory map",
	[AXON_ISA_E_SRAM] = "operand outside SRAM",
	[AXON_ISA_E_OVERLAP] = "output overlaps an input",
	[AXON_ISA_E_NO_END] = "missing END or data after END",
	[AXON_ISA_E_FAULT] = "address translation fault",
	[AXON_ISA_E_TABLE] = "invalid scale table entry",
	[AXON_ISA_E_ABORTED] = "aborted",
	[AXON_ISA_E_NOT_VALIDATED] = "stream not validated",
};

const char *axon_fw_status_str(u32 status)
{
	if (status < AXON_ISA_E_COUNT && status_names[status])
		return status_names[status];
	return "unknown status";
}

void *fw_map(struct fw_ctx *c, u32 loc, u64 addr, u64 len, int write)
{
	const struct axon_fw_env *env = c->env;

	if (loc == AXON_ISA_LOC_SRAM) {
		if (!env->sram || addr > env->sram_size ||
		    len > env->sram_size - addr)
			return NULL;
		return env->sram + addr;
	}
	if (!env->translate)
		return NULL;
	return env->translate(env->ctx, addr, len, write);
}

u32 fw_resolve(struct fw_ctx *c, const struct axon_isa_tensor *t, int write,
	       struct fw_t *out)
{
	int i;

	out->p = fw_map(c, t->loc, t->addr, axon_fw_tensor_bytes(t), write);
	if (!out->p) {
		c->reason = write ? "output address translation failed" :
				    "input address translation failed";
		return AXON_ISA_E_FAULT;
	}
	out->dt = t->dtype;
	out->zp = t->zero_point;
	for (i = 0; i < 4; i++) {
		out->d[i] = t->dims[i];
		out->s[i] = t->strides[i];
	}
	return 0;
}

u32 fw_yield(struct fw_ctx *c)
{
	if (c->env->yield && c->env->yield(c->env->ctx)) {
		c->reason = "aborted by the executor";
		return AXON_ISA_E_ABORTED;
	}
	return 0;
}

/*
 * Read and check scale table entry @idx (read once: memory may change);
 * @rnd: the table's rounding mode (ROUND_F32 needs m < 2^24).
 */
u32 fw_rq_load(struct fw_ctx *c, const void *tab, u32 idx, u32 rnd, s32 *m,
	       s32 *s)
{
	const s32 *e = (const s32 *)tab + 2 * (u64)idx;
	s32 mm = FW_READ_ONCE(e[0]), ss = FW_READ_ONCE(e[1]);

	if (mm < 0 || ss < 0 || ss > 62 ||
	    (rnd == AXON_ISA_ROUND_F32 && mm >= FW_F32_MULT_LIMIT)) {
		c->reason = "scale table entry out of range";
		return AXON_ISA_E_TABLE;
	}
	*m = mm;
	*s = ss;
	return 0;
}

/* One operand offered to op_override: where it lives and its byte range. */
struct fw_opnd {
	u32 loc;
	u64 addr;
	u64 len;
	int write;
};

static void opnd_tensor(struct fw_opnd *o, const struct axon_isa_tensor *t,
			int write)
{
	o->loc = t->loc;
	o->addr = t->addr;
	o->len = axon_fw_tensor_bytes(t);
	o->write = write;
}

static void opnd_buf(struct fw_opnd *o, u32 loc, u64 addr, u64 len)
{
	o->loc = loc;
	o->addr = addr;
	o->len = len;
	o->write = 0;
}

/*
 * The operands of a packet offered to op_override, in the order of its
 * struct (see axon_fw_env); an absent operand has len 0 and maps to NULL.
 * Returns the number of operands, 0 for opcodes that are not offered.
 */
static int override_operands(const union fw_pkt *pk, struct fw_opnd *o)
{
	const struct axon_isa_tensor *t[4];
	const struct axon_isa_rqtab *rq;
	int i;

	switch (pk->hdr.opcode) {
	case AXON_OP_CONV2D:
		t[0] = &pk->conv.in;
		t[1] = &pk->conv.weight;
		t[2] = &pk->conv.bias;
		t[3] = &pk->conv.out;
		rq = &pk->conv.rq;
		break;
	case AXON_OP_MATMUL:
		t[0] = &pk->mm.a;
		t[1] = &pk->mm.b;
		t[2] = &pk->mm.bias;
		t[3] = &pk->mm.out;
		rq = &pk->mm.rq;
		break;
	case AXON_OP_ELTWISE:
		opnd_tensor(&o[0], &pk->elt.a, 0);
		opnd_tensor(&o[1], &pk->elt.b, 0);
		opnd_tensor(&o[2], &pk->elt.out, 1);
		return 3;
	case AXON_OP_POOL:
		opnd_tensor(&o[0], &pk->pool.in, 0);
		opnd_tensor(&o[1], &pk->pool.out, 1);
		opnd_buf(&o[2], pk->pool.rq.loc, pk->pool.rq.addr,
			 (u64)pk->pool.rq.count * 8);
		return 3;
	case AXON_OP_LUT:
		opnd_tensor(&o[0], &pk->lut.in, 0);
		opnd_tensor(&o[1], &pk->lut.out, 1);
		opnd_buf(&o[2], pk->lut.table_loc, pk->lut.table, 256);
		return 3;
	case AXON_OP_RESCALE:
		opnd_tensor(&o[0], &pk->rsc.in, 0);
		opnd_tensor(&o[1], &pk->rsc.out, 1);
		return 2;
	case AXON_OP_SOFTMAX:
		opnd_tensor(&o[0], &pk->sm.in, 0);
		opnd_tensor(&o[1], &pk->sm.out, 1);
		opnd_buf(&o[2], pk->sm.table_loc, pk->sm.table, 512);
		return 3;
	case AXON_OP_LAYERNORM:
		opnd_tensor(&o[0], &pk->ln.in, 0);
		opnd_tensor(&o[1], &pk->ln.out, 1);
		opnd_buf(&o[2], pk->ln.params_loc, pk->ln.params,
			 (u64)pk->ln.in.dims[3] * 8);
		return 3;
	default:
		return 0;
	}
	for (i = 0; i < 4; i++)
		opnd_tensor(&o[i], t[i], i == 3);
	if (pk->hdr.flags & AXON_ISA_F_NO_BIAS)
		o[2].len = 0;
	opnd_buf(&o[4], rq->loc, rq->addr, (u64)rq->count * 8);
	return 5;
}

/*
 * Offer a packet to the executor's op_override with its operands
 * translated; true if it ran the packet. A failed translation leaves the
 * packet to the reference kernel, which reports the fault.
 */
static FW_NOINLINE
bool try_override(struct fw_ctx *c, const union fw_pkt *pk)
{
	struct fw_opnd o[5];
	void *ops[5];
	int i, n;

	n = override_operands(pk, o);
	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		ops[i] = NULL;
		if (!o[i].len)
			continue;
		ops[i] = fw_map(c, o[i].loc, o[i].addr, o[i].len, o[i].write);
		if (!ops[i])
			return false;
	}
	return c->env->op_override(c->env->ctx, &pk->hdr, ops) != 0;
}

static u32 run_packet(struct fw_ctx *c, const union fw_pkt *pk)
{
	if (c->env->op_override && try_override(c, pk))
		return 0;
	switch (pk->hdr.opcode) {
	case AXON_OP_DMA:
		return fw_op_dma(c, &pk->dma);
	case AXON_OP_FILL:
		return fw_op_fill(c, &pk->fill);
	case AXON_OP_CONV2D:
		return fw_op_conv2d(c, &pk->conv);
	case AXON_OP_MATMUL:
		return fw_op_matmul(c, &pk->mm);
	case AXON_OP_ELTWISE:
		return fw_op_eltwise(c, &pk->elt);
	case AXON_OP_POOL:
		return fw_op_pool(c, &pk->pool);
	case AXON_OP_REDUCE:
		return fw_op_reduce(c, &pk->red);
	case AXON_OP_LUT:
		return fw_op_lut(c, &pk->lut);
	case AXON_OP_SOFTMAX:
		return fw_op_softmax(c, &pk->sm);
	case AXON_OP_LAYERNORM:
		return fw_op_layernorm(c, &pk->ln);
	case AXON_OP_RESIZE:
		return fw_op_resize(c, &pk->rs);
	case AXON_OP_RESCALE:
		return fw_op_rescale(c, &pk->rsc);
	default:	/* NOP, MARKER, END */
		return 0;
	}
}

u32 axon_fw_run(const void *stream, u64 size,
		const struct axon_fw_region *map, u32 nmap,
		const struct axon_fw_limits *lim,
		const struct axon_fw_env *env, struct axon_fw_result *res)
{
	const u8 *s = stream;
	struct fw_vctx v;
	struct fw_ctx c;
	union fw_pkt pk;
	u64 pos, words;
	u32 st, idx, sz;

	st = axon_fw_validate(stream, size, map, nmap, lim, res);
	if (st)
		return st;
	if (!env)
		return fw_result(res, AXON_ISA_E_FAULT, 0,
				 "no execution environment");

	fw_vctx_init(&v, map, nmap, lim);
	c.env = env;

	/* Everything is re-read into private copies and re-checked. */
	v.minor = FW_READ_ONCE(((const struct axon_isa_stream_header *)s)->version_minor);
	words = FW_READ_ONCE(((const struct axon_isa_stream_header *)s)->size_words);
	if (words * 4 > size)
		return fw_result(res, AXON_ISA_E_NOT_VALIDATED,
				 AXON_FW_PACKET_NONE,
				 "stream changed after validation");
	for (pos = 4, idx = 0; pos + 2 <= words; pos += sz, idx++) {
		fw_copy_packet(&pk, s + pos * 4, 0, 8);
		sz = pk.hdr.size_words;
		if (sz < 2 || (sz & 1) || sz > words - pos)
			break;
		fw_copy_packet(&pk, s + pos * 4, 8, sz * 4);
		if (fw_check_packet(&v, &pk))
			break;
		c.reason = NULL;
		st = fw_yield(&c);
		if (!st)
			st = run_packet(&c, &pk);
		if (st)
			return fw_result(res, st, idx, c.reason);
		if (env->progress)
			env->progress(env->ctx, idx, pk.hdr.opcode == AXON_OP_MARKER ?
				      pk.marker.id : AXON_FW_NO_MARKER);
		if (pk.hdr.opcode == AXON_OP_END)
			return fw_result(res, AXON_ISA_OK, idx, "ok");
	}
	return fw_result(res, AXON_ISA_E_NOT_VALIDATED, idx,
			 "stream changed after validation");
}
