/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * axon firmware: private declarations shared by the validator, the
 * interpreter and the operation families.
 */
#ifndef _AXON_FW_PRIV_H_
#define _AXON_FW_PRIV_H_

#include "axon_fw.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define FW_S32_MIN	(-2147483647 - 1)
#define FW_S32_MAX	2147483647
#define FW_MAX_TERMS	AXON_ISA_MAX_TERMS
#define FW_MAX_RESIZE	65536u		/* largest RESIZE spatial size */
#define FW_MAX_SOFTMAX	65536u
#define FW_MAX_LAYERNORM 1024u
#define FW_LN_Z_MIN	11	/* LAYERNORM z_bits: 0 means 11 */
#define FW_LN_Z_MAX	20
#define FW_F32_MULT_LIMIT 0x1000000	/* ROUND_F32: multiplier < 2^24 */

/* Every packet body, so that a packet can be copied and checked locally. */
union fw_pkt {
	struct axon_isa_packet hdr;
	struct axon_isa_marker marker;
	struct axon_isa_dma dma;
	struct axon_isa_fill fill;
	struct axon_isa_conv2d conv;
	struct axon_isa_matmul mm;
	struct axon_isa_eltwise elt;
	struct axon_isa_pool pool;
	struct axon_isa_reduce red;
	struct axon_isa_lut lut;
	struct axon_isa_softmax sm;
	struct axon_isa_layernorm ln;
	struct axon_isa_resize rs;
	struct axon_isa_rescale rsc;
	u64 w[32];
};

/* Validation context. */
struct fw_vctx {
	const struct axon_fw_region *map;
	u32 nmap;
	u32 lflags;
	u32 minor;		/* the stream header's version_minor */
	u64 sram_size;
	u64 op_mask;
	bool compute;		/* current packet is a compute operation */
	const char *reason;
};

/* Run-time context of one packet. */
struct fw_ctx {
	const struct axon_fw_env *env;
	const char *reason;
};

/* A resolved operand. */
struct fw_t {
	u8 *p;
	u32 dt;
	s32 zp;
	u32 d[4];
	u64 s[4];
};

/*
 * The rows (i0, i1, i2) of a 4-D iteration space, in order, with
 * fw_yield() before each row; the op keeps its own innermost loop:
 *
 *	fw_rows_init(&r, o.d[0], o.d[1], o.d[2]);
 *	while (fw_rows_next(c, &r))
 *		... row r.i[0], r.i[1], r.i[2] ...
 *	return r.st;
 *
 * fw_rows_next() returns false after the last row (r.st 0) or when the
 * executor aborts (r.st is the yield's status).
 */
struct fw_rows {
	u32 i[3];
	u32 d[3];
	u32 st;
};

/* validate.c */
u32 fw_body_size(u32 opcode);
u32 fw_check_packet(struct fw_vctx *v, const union fw_pkt *pk);
u32 fw_copy_packet(union fw_pkt *pk, const u8 *src, u32 from, u32 nbytes);

/* rescale.c */
u64 fw_div_u64(u64 n, u64 d);
u64 fw_isqrt(u64 x);

/* interp.c */
u32 fw_resolve(struct fw_ctx *c, const struct axon_isa_tensor *t, int write,
	       struct fw_t *out);
void *fw_map(struct fw_ctx *c, u32 loc, u64 addr, u64 len, int write);
u32 fw_yield(struct fw_ctx *c);
u32 fw_rq_load(struct fw_ctx *c, const void *tab, u32 idx, u32 rnd, s32 *m,
	       s32 *s);
s64 fw_dot(const struct fw_t *a, u64 aoff, u64 astride,
	   const struct fw_t *b, u64 boff, u64 bstride, u32 n);
const void *fw_map_table(struct fw_ctx *c, u32 loc, u64 addr, u64 len);
const void *fw_map_rqtab(struct fw_ctx *c, const struct axon_isa_rqtab *t);
u32 fw_resolve_io(struct fw_ctx *c, const struct axon_isa_tensor *in,
		  struct fw_t *x, const struct axon_isa_tensor *out,
		  struct fw_t *o);

/* operation families */
u32 fw_op_dma(struct fw_ctx *c, const struct axon_isa_dma *p);
u32 fw_op_fill(struct fw_ctx *c, const struct axon_isa_fill *p);
u32 fw_op_conv2d(struct fw_ctx *c, const struct axon_isa_conv2d *p);
u32 fw_op_matmul(struct fw_ctx *c, const struct axon_isa_matmul *p);
u32 fw_op_eltwise(struct fw_ctx *c, const struct axon_isa_eltwise *p);
u32 fw_op_pool(struct fw_ctx *c, const struct axon_isa_pool *p);
u32 fw_op_reduce(struct fw_ctx *c, const struct axon_isa_reduce *p);
u32 fw_op_lut(struct fw_ctx *c, const struct axon_isa_lut *p);
u32 fw_op_softmax(struct fw_ctx *c, const struct axon_isa_softmax *p);
u32 fw_op_layernorm(struct fw_ctx *c, const struct axon_isa_layernorm *p);
u32 fw_op_resize(struct fw_ctx *c, const struct axon_isa_resize *p);
u32 fw_op_rescale(struct fw_ctx *c, const struct axon_isa_rescale *p);

static inline s32 fw_sat32(s64 v)
{
	if (v > FW_S32_MAX)
		return FW_S32_MAX;
	if (v < FW_S32_MIN)
		return FW_S32_MIN;
	return (s32)v;
}

static inline u32 fw_esize(u32 dt)
{
	switch (dt) {
	case AXON_ISA_INT16:
		return 2;
	case AXON_ISA_INT32:
		return 4;
	default:
		return 1;
	}
}

static inline s32 fw_dt_min(u32 dt)
{
	switch (dt) {
	case AXON_ISA_INT8:
		return -128;
	case AXON_ISA_UINT8:
		return 0;
	case AXON_ISA_INT16:
		return -32768;
	default:
		return FW_S32_MIN;
	}
}

static inline s32 fw_dt_max(u32 dt)
{
	switch (dt) {
	case AXON_ISA_INT8:
		return 127;
	case AXON_ISA_UINT8:
		return 255;
	case AXON_ISA_INT16:
		return 32767;
	default:
		return FW_S32_MAX;
	}
}

static inline FW_FORCE_INLINE s32 fw_ld(const u8 *p, u32 dt, u64 i)
{
	switch (dt) {
	case AXON_ISA_INT8:
		return ((const s8 *)p)[i];
	case AXON_ISA_UINT8:
		return p[i];
	case AXON_ISA_INT16:
		return ((const s16 *)p)[i];
	default:
		return ((const s32 *)p)[i];
	}
}

/* @v must already be inside dt's range. */
static inline FW_FORCE_INLINE void fw_st(u8 *p, u32 dt, u64 i, s32 v)
{
	switch (dt) {
	case AXON_ISA_INT8:
		((s8 *)p)[i] = (s8)v;
		break;
	case AXON_ISA_UINT8:
		p[i] = (u8)v;
		break;
	case AXON_ISA_INT16:
		((s16 *)p)[i] = (s16)v;
		break;
	default:
		((s32 *)p)[i] = v;
		break;
	}
}

static inline u64 fw_off(const struct fw_t *t, u64 i0, u64 i1, u64 i2, u64 i3)
{
	return i0 * t->s[0] + i1 * t->s[1] + i2 * t->s[2] + i3 * t->s[3];
}

static inline void fw_vctx_init(struct fw_vctx *v,
				const struct axon_fw_region *map, u32 nmap,
				const struct axon_fw_limits *lim)
{
	v->map = map;
	v->nmap = map ? nmap : 0;
	v->sram_size = lim ? lim->sram_size : 0;
	v->op_mask = lim ? lim->op_mask : ~0ull;
	v->lflags = lim ? lim->flags : 0;
	v->minor = 0;
	v->compute = false;
	v->reason = NULL;
}

/* Fills in @res (if not NULL) and returns @st. */
static inline u32 fw_result(struct axon_fw_result *res, u32 st, u32 packet,
			    const char *reason)
{
	if (res) {
		res->status = st;
		res->packet = packet;
		res->reason = reason;
	}
	return st;
}

/* offset of element (i[0], i[1], i[2], 0) of @t */
static inline u64 fw_row_off(const struct fw_t *t, const u32 *i)
{
	return fw_off(t, i[0], i[1], i[2], 0);
}

/* Starts before row (0, 0, 0); a space with a zero dimension has no rows. */
static inline void fw_rows_init(struct fw_rows *r, u32 d0, u32 d1, u32 d2)
{
	bool empty = !d0 || !d1 || !d2;

	r->d[0] = empty ? 1 : d0;
	r->d[1] = empty ? 1 : d1;
	r->d[2] = empty ? 1 : d2;
	r->i[0] = 0;
	r->i[1] = 0;
	r->i[2] = empty ? 0 : ~0u;	/* the first step wraps it to 0 */
	r->st = 0;
}

static inline bool fw_rows_next(struct fw_ctx *c, struct fw_rows *r)
{
	if (++r->i[2] == r->d[2]) {
		r->i[2] = 0;
		if (++r->i[1] == r->d[1]) {
			r->i[1] = 0;
			if (++r->i[0] == r->d[0])
				return false;
		}
	}
	r->st = fw_yield(c);
	return !r->st;
}

/* y = clamp(zp + rescale(sat32(acc), m, s, rnd), lo, hi) */
static inline s32 fw_requant(s64 acc, s32 m, s32 s, u32 rnd, s32 zp,
			     s32 lo, s32 hi)
{
	s64 y = (s64)zp + axon_fw_rescale(fw_sat32(acc), m, s, rnd);

	if (y < lo)
		return lo;
	if (y > hi)
		return hi;
	return (s32)y;
}

#endif /* _AXON_FW_PRIV_H_ */
