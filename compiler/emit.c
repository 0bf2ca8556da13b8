// SPDX-License-Identifier: MIT
/*
 * axonc emission: lays out weights and slots, groups consecutive ops of one
 * device into segments and writes each op as ISA packets with relocations
 * for every VA operand and a debug entry per packet.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "profiles.h"

#define SLOT_GAP 0x10000ull

static uint64_t al(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

struct pk {
	uint8_t buf[512];
	size_t size;
	int nrel;
	uint32_t roff[8];
	int rslot[8];
};

int buf_slot(const struct emitted *e, const struct qgraph *q, int b, uint64_t *base)
{
	const struct qbuf *qb = &q->b[b];
	int i, kind = qb->kind == QB_CONST ? AXB_SLOT_WEIGHTS : qb->kind == QB_ARENA ? AXB_SLOT_ARENA :
		qb->kind == QB_INPUT ? AXB_SLOT_INPUT : AXB_SLOT_OUTPUT;

	if (e->dry) {		/* planning only: addresses do not matter */
		*base = AXB_LINK_VA_BASE;
		return 0;
	}
	for (i = 0; i < e->nslot; i++) {
		if (e->slot[i].kind != kind)
			continue;
		if ((kind == AXB_SLOT_INPUT || kind == AXB_SLOT_OUTPUT) && e->slot[i].ref != qb->io)
			continue;
		*base = e->slot[i].va + (kind == AXB_SLOT_WEIGHTS || kind == AXB_SLOT_ARENA ? qb->offset : 0);
		return i;
	}
	return -1;
}

/* fill an ISA tensor for qval vi with explicit 4-D dims/strides */
static int tensor(struct pk *p, size_t field, const struct emitted *e, const struct qgraph *q,
		  int vi, const int64_t *d, const int64_t *s)
{
	struct axon_isa_tensor t;
	const struct qval *v = &q->v[vi];
	uint64_t base;
	int slot = buf_slot(e, q, v->buf, &base), i;

	if (slot < 0)
		return -1;
	memset(&t, 0, sizeof(t));
	t.addr = base + (uint64_t)v->offset * (uint64_t)esize(v->dtype);
	t.loc = AXON_ISA_LOC_VA;
	t.dtype = (uint8_t)v->dtype;
	t.zero_point = v->dtype == AXON_ISA_INT32 ? 0 : v->zp;
	for (i = 0; i < 4; i++) {
		if (d[i] < 1 || d[i] > UINT32_MAX || s[i] < 0 || s[i] > UINT32_MAX)
			return -1;
		t.dims[i] = (uint32_t)d[i];
		t.strides[i] = d[i] == 1 ? 0 : (uint32_t)s[i];
	}
	memcpy(p->buf + field, &t, sizeof(t));
	p->roff[p->nrel] = (uint32_t)(field + offsetof(struct axon_isa_tensor, addr));
	p->rslot[p->nrel++] = slot;
	return 0;
}

static void table_addr(struct pk *p, size_t field, const struct emitted *e,
		       const struct qgraph *q, int b)
{
	uint64_t base = 0;
	int slot = buf_slot(e, q, b, &base);

	memcpy(p->buf + field, &base, 8);
	p->roff[p->nrel] = (uint32_t)field;
	p->rslot[p->nrel++] = slot;
}

static void push(struct eseg *s, struct pk *p, int op, int opcode)
{
	struct axon_isa_packet h;
	size_t words = al(p->size, 8) / 4, i;

	memset(&h, 0, sizeof(h));
	h.opcode = (uint8_t)opcode;
	h.flags = ((struct axon_isa_packet *)p->buf)->flags;
	h.version = AXON_ISA_PACKET_VERSION;
	h.size_words = (uint16_t)words;
	memcpy(p->buf, &h, sizeof(h));
	if (s->nwords + words > s->cap) {
		s->cap = (s->nwords + words) * 2 + 64;
		s->words = xrealloc(s->words, s->cap * 4);
	}
	for (i = 0; i < (size_t)p->nrel; i++) {
		if (s->nrelocs == s->cap_r) {
			s->cap_r = s->cap_r ? 2 * s->cap_r : 64;
			s->relocs = xrealloc(s->relocs, sizeof(*s->relocs) * (size_t)s->cap_r);
		}
		s->relocs[s->nrelocs].offset = (uint32_t)(s->nwords * 4 + p->roff[i]);
		s->relocs[s->nrelocs].slot = (uint16_t)p->rslot[i];
		s->relocs[s->nrelocs].flags = 0;
		s->nrelocs++;
	}
	memset(s->words + s->nwords, 0, words * 4);
	memcpy(s->words + s->nwords, p->buf, p->size);
	s->nwords += words;
	if (s->npackets == s->cap_d) {
		s->cap_d = s->cap_d ? 2 * s->cap_d : 64;
		s->dbg_op = xrealloc(s->dbg_op, sizeof(int) * (size_t)s->cap_d);
	}
	s->dbg_op[s->npackets++] = op;
	s->op_mask |= 1ull << opcode;
}

/*
 * Collapse an elementwise iteration space to at most 4 dims. views[k] are
 * aligned to the output rank (broadcast dims get stride 0). keep_last keeps
 * the innermost dim separate (row operations).
 */
static int collapse(const struct qgraph *q, int nv, const int *vis, int keep_last,
		    int64_t od[4], int64_t os[][4])
{
	const struct qval *out = &q->v[vis[0]];
	int r = out->rank, i, k, n = 0;
	int64_t st[3][MAX_RANK], gd[MAX_RANK], gs[3][MAX_RANK];

	for (k = 0; k < nv; k++) {
		const struct qval *v = &q->v[vis[k]];

		for (i = 0; i < r; i++) {
			int j = i - (r - v->rank);

			st[k][i] = (j < 0 || v->dims[j] == 1) ? 0 : v->strides[j];
			if (j >= 0 && v->dims[j] != 1 && v->dims[j] != out->dims[i])
				return -1;
		}
	}
	/* innermost first */
	for (i = r - 1; i >= 0; i--) {
		int merge = n > 0;

		if (out->dims[i] == 1 && !(keep_last && i == r - 1))
			continue;
		if (keep_last && n == 1)
			merge = 0;
		for (k = 0; k < nv && merge; k++)
			if (st[k][i] != gs[k][n - 1] * gd[n - 1])
				merge = 0;
		if (merge) {
			gd[n - 1] *= out->dims[i];
			continue;
		}
		if (n == MAX_RANK)
			return -1;
		gd[n] = out->dims[i];
		for (k = 0; k < nv; k++)
			gs[k][n] = st[k][i];
		n++;
	}
	if (keep_last && n == 0) {
		gd[0] = 1;
		for (k = 0; k < nv; k++)
			gs[k][0] = 0;
		n = 1;
	}
	if (n > 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int g = 3 - i;	/* od[3] innermost = group 0 */

		od[i] = g < n ? gd[g] : 1;
		for (k = 0; k < nv; k++)
			os[k][i] = g < n ? gs[k][g] : 0;
	}
	return 0;
}

static void nhwc(const struct qval *v, int64_t d[4], int64_t s[4])
{
	d[0] = v->dims[0]; s[0] = v->strides[0];
	d[1] = v->dims[2]; s[1] = v->strides[2];
	d[2] = v->dims[3]; s[2] = v->strides[3];
	d[3] = v->dims[1]; s[3] = v->strides[1];
}

static void dense4(const struct qval *v, int64_t d[4], int64_t s[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		int j = i - (4 - v->rank);

		d[i] = j >= 0 ? v->dims[j] : 1;
		s[i] = j >= 0 ? v->strides[j] : 0;
	}
}

static void rqtab(struct pk *p, size_t field, const struct emitted *e, const struct qgraph *q,
		  const struct qop *o)
{
	struct axon_isa_rqtab t;

	memset(&t, 0, sizeof(t));
	memcpy(p->buf + field, &t, sizeof(t));
	table_addr(p, field + offsetof(struct axon_isa_rqtab, addr), e, q, o->aux);
	memcpy(&t, p->buf + field, sizeof(t));
	t.loc = AXON_ISA_LOC_VA;
	t.rounding = (uint8_t)o->rounding;
	t.count = (uint32_t)(o->aux_count ? o->aux_count : 1);
	memcpy(p->buf + field, &t, sizeof(t));
}

/* matmul operand: last 4 dims of a view aligned to the output rank */
static int mm_operand(const struct qval *v, const struct qval *out, int is_b_const,
		      int64_t d[4], int64_t s[4])
{
	int r = out->rank, i;

	if (is_b_const) {
		d[0] = d[1] = 1;
		s[0] = s[1] = 0;
		d[2] = v->dims[v->rank - 2];
		d[3] = v->dims[v->rank - 1];
		s[2] = v->strides[v->rank - 2];
		s[3] = v->strides[v->rank - 1];
		return 0;
	}
	for (i = 0; i < r - 4; i++)
		if (out->dims[i] != 1)
			return -1;
	for (i = 0; i < 4; i++) {
		int oi = i - (4 - r), j = oi - (r - v->rank);

		if (oi < 0 || j < 0) {
			d[i] = 1;
			s[i] = 0;
			if (i < 2 && oi >= 0)
				d[i] = out->dims[oi];
			continue;
		}
		d[i] = v->dims[j];
		s[i] = v->strides[j];
		if (i < 2 && d[i] == 1 && out->dims[oi] != 1) {
			d[i] = out->dims[oi];
			s[i] = 0;
		}
	}
	return 0;
}

/*
 * SRAM-resident devices (profile compute_in_sram, validated with
 * AXON_FW_L_COMPUTE_IN_SRAM): every compute packet reads and writes SRAM
 * only. The untiled packet built above (VA operands) is rewritten into
 *
 *   DMA constants in (weights, bias, scale tables, LUTs) - once per op when
 *   they fit ("resident"), else once per output-channel block (streamed);
 *   per tile: DMA the input band in (halo rows included; convolution
 *   padding becomes zero-point padding of the DMA: pad_before/pad_after),
 *   compute SRAM -> SRAM, DMA the output band out to its VA view.
 *
 * Tiles split output rows (and output channels or columns when the
 * constants do not fit); a sum of products is never split, so every output
 * element is computed by the same integer arithmetic as the untiled packet
 * and the results are bit-identical. SRAM is a bump allocation per op
 * (64-byte aligned buffers); a segment needs the largest op's SRAM.
 * No double buffering: the emulated engines run DMA and compute in order.
 */
#define SRAM_ALIGN 64

uint64_t axc_sram_limit;

struct tctx {
	struct qgraph *q;
	struct emitted *e;
	struct eseg *sg;
	int oi;
	uint64_t sram;		/* SRAM size of the device */
	const struct pk *src;	/* the untiled packet (relocation slots) */
	uint64_t top;		/* bump allocator */
	int tiles;
};

static uint64_t ta(uint64_t x)
{
	return al(x, SRAM_ALIGN);
}

static uint64_t salloc(struct tctx *c, uint64_t bytes)
{
	uint64_t a = ta(c->top);

	c->top = a + bytes;
	if (c->top > c->sg->sram_size)
		c->sg->sram_size = c->top;
	return a;
}

/* relocation slot of the address field at byte @field of the untiled packet */
static int src_slot(const struct tctx *c, size_t field)
{
	int i;

	for (i = 0; i < c->src->nrel; i++)
		if (c->src->roff[i] == field)
			return c->src->rslot[i];
	return -1;
}

static struct axon_isa_tensor get_t(const struct pk *p, size_t field)
{
	struct axon_isa_tensor t;

	memcpy(&t, p->buf + field, sizeof(t));
	return t;
}

static uint64_t t_esize(const struct axon_isa_tensor *t)
{
	return (uint64_t)esize(t->dtype);
}

/* VA window of @t: element @start, dims @len (strides kept) */
static struct axon_isa_tensor va_slice(const struct axon_isa_tensor *t, const uint64_t start[4],
				       const uint64_t len[4])
{
	struct axon_isa_tensor r = *t;
	uint64_t off = 0;
	int i;

	for (i = 0; i < 4; i++) {
		off += start[i] * t->strides[i];
		r.dims[i] = (uint32_t)len[i];
		if (len[i] == 1)
			r.strides[i] = 0;
	}
	r.addr += off * t_esize(t);
	return r;
}

/* dense SRAM tensor; dims in @stored, compute dims @len (stride 0 where stored is 1) */
static struct axon_isa_tensor sram_t(uint64_t addr, int dtype, int32_t zp, const uint64_t len[4],
				     const uint64_t stored[4])
{
	struct axon_isa_tensor r;
	uint64_t st = 1;
	int i;

	memset(&r, 0, sizeof(r));
	r.addr = addr;
	r.loc = AXON_ISA_LOC_SRAM;
	r.dtype = (uint8_t)dtype;
	r.zero_point = zp;
	for (i = 3; i >= 0; i--) {
		r.dims[i] = (uint32_t)len[i];
		r.strides[i] = stored[i] == 1 ? 0 : (uint32_t)st;
		st *= stored[i];
	}
	return r;
}

static uint64_t nbytes4(const uint64_t d[4], uint64_t es)
{
	return d[0] * d[1] * d[2] * d[3] * es;
}

static void put_tensor(struct pk *p, size_t field, const struct axon_isa_tensor *t, int slot)
{
	memcpy(p->buf + field, t, sizeof(*t));
	if (t->loc == AXON_ISA_LOC_VA) {
		p->roff[p->nrel] = (uint32_t)(field + offsetof(struct axon_isa_tensor, addr));
		p->rslot[p->nrel++] = slot;
	}
}

static void t_dma(struct tctx *c, const struct axon_isa_tensor *src, int sslot,
		  const struct axon_isa_tensor *dst, int dslot, const uint64_t *pb, const uint64_t *pa)
{
	struct pk p;
	struct axon_isa_dma *d = (void *)p.buf;
	int i;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(*d);
	put_tensor(&p, offsetof(struct axon_isa_dma, src), src, sslot);
	put_tensor(&p, offsetof(struct axon_isa_dma, dst), dst, dslot);
	for (i = 0; i < 4; i++) {
		d->pad_before[i] = pb ? (uint16_t)pb[i] : 0;
		d->pad_after[i] = pa ? (uint16_t)pa[i] : 0;
	}
	push(c->sg, &p, c->oi, AXON_OP_DMA);
}

/* DMA a VA tensor window densely into fresh SRAM; returns the SRAM tensor */
static struct axon_isa_tensor load(struct tctx *c, const struct axon_isa_tensor *t, int slot,
				   const uint64_t start[4], const uint64_t len[4])
{
	uint64_t stored[4];
	struct axon_isa_tensor s, d;
	int i;

	for (i = 0; i < 4; i++)
		stored[i] = t->strides[i] == 0 ? 1 : len[i];
	s = va_slice(t, start, stored);
	d = sram_t(salloc(c, nbytes4(stored, t_esize(t))), t->dtype, t->zero_point, stored, stored);
	t_dma(c, &s, slot, &d, -1, NULL, NULL);
	return sram_t(d.addr, t->dtype, t->zero_point, len, stored);
}

/* DMA @bytes of a table at VA @addr into SRAM; returns the SRAM offset */
static uint64_t load_bytes(struct tctx *c, uint64_t addr, int slot, uint64_t bytes)
{
	uint64_t d[4] = { 1, 1, 1, bytes };
	struct axon_isa_tensor s = sram_t(addr, AXON_ISA_UINT8, 0, d, d), t;

	s.loc = AXON_ISA_LOC_VA;
	t = sram_t(salloc(c, bytes), AXON_ISA_UINT8, 0, d, d);
	t_dma(c, &s, slot, &t, -1, NULL, NULL);
	return t.addr;
}

/* DMA an SRAM tile out to a window of the VA output */
static void store(struct tctx *c, const struct axon_isa_tensor *sram, const struct axon_isa_tensor *out,
		  int slot, const uint64_t start[4])
{
	uint64_t len[4];
	struct axon_isa_tensor d;
	int i;

	for (i = 0; i < 4; i++)
		len[i] = sram->dims[i];
	d = va_slice(out, start, len);
	t_dma(c, sram, -1, &d, slot, NULL, NULL);
}

static void push_compute(struct tctx *c, struct pk *p, int opcode)
{
	p->nrel = 0;		/* every operand is in SRAM */
	push(c->sg, p, c->oi, opcode);
	c->tiles++;
}

/* balanced split of @n into pieces of at most @max */
static uint64_t balance(uint64_t n, uint64_t max)
{
	uint64_t k;

	if (max >= n)
		return n;
	k = (n + max - 1) / max;
	return (n + k - 1) / k;
}

/* ---- CONV2D: output row bands x output-channel blocks ---- */

struct conv_geo {
	uint64_t N, H, W, Cin, Cout, OH, OW, KH, KW, Cg, G, opg, cpg, sh, dh, pt, pl, pr;
	uint64_t es_in, es_w, es_out, rqn;
	int bias;
};

static uint64_t conv_cin(const struct conv_geo *g, uint64_t cb)
{
	return g->G == 1 ? g->Cin : cb / g->opg * g->cpg;
}

static uint64_t conv_rows_in(const struct conv_geo *g, uint64_t r)
{
	return (r - 1) * g->sh + (g->KH - 1) * g->dh + 1;
}

static uint64_t conv_fixed(const struct conv_geo *g, uint64_t cb)
{
	return ta(cb * g->KH * g->KW * g->Cg * g->es_w) + (g->bias ? ta(cb * 4) : 0) +
		ta((g->rqn == 1 ? 1 : cb) * 8);
}

static uint64_t conv_band(const struct conv_geo *g, uint64_t r, uint64_t cb)
{
	return ta(conv_rows_in(g, r) * (g->W + g->pl + g->pr) * conv_cin(g, cb) * g->es_in) +
		ta(r * g->OW * cb * g->es_out);
}

static int tile_conv(struct tctx *c, const struct pk *p)
{
	struct axon_isa_conv2d k;
	struct conv_geo g;
	uint64_t unit, cb = 0, r, nblk, c0, n, oy0;
	int s_in, s_w, s_b, s_o, s_rq;

	memcpy(&k, p->buf, sizeof(k));
	memset(&g, 0, sizeof(g));
	g.N = k.in.dims[0]; g.H = k.in.dims[1]; g.W = k.in.dims[2]; g.Cin = k.in.dims[3];
	g.Cout = k.out.dims[3]; g.OH = k.out.dims[1]; g.OW = k.out.dims[2];
	g.KH = k.weight.dims[1]; g.KW = k.weight.dims[2]; g.Cg = k.weight.dims[3];
	g.G = k.groups ? k.groups : 1;
	g.opg = g.Cout / g.G;
	g.cpg = g.Cin / g.G;
	g.sh = k.stride_h; g.dh = k.dilation_h;
	g.pt = k.pad_top; g.pl = k.pad_left; g.pr = k.pad_right;
	g.es_in = t_esize(&k.in); g.es_w = t_esize(&k.weight); g.es_out = t_esize(&k.out);
	g.rqn = k.rq.count;
	g.bias = !(k.hdr.flags & AXON_ISA_F_NO_BIAS);
	if (!g.opg || !g.cpg || !g.sh || !g.dh)
		return -1;
	unit = g.G == 1 ? 1 : g.opg;
	for (nblk = 1; nblk * unit <= g.Cout; nblk++) {
		cb = (g.Cout / unit + nblk - 1) / nblk * unit;
		if (conv_fixed(&g, cb) + conv_band(&g, 1, cb) <= c->sram)
			break;
	}
	if (nblk * unit > g.Cout) {
		c->e->tile_need = conv_fixed(&g, unit) + conv_band(&g, 1, unit);
		return -2;
	}
	for (r = g.OH; r > 1; r--)
		if (conv_fixed(&g, cb) + conv_band(&g, r, cb) <= c->sram)
			break;
	r = balance(g.OH, r);
	c->e->tile_rows = (int)r;
	s_in = src_slot(c, offsetof(struct axon_isa_conv2d, in.addr));
	s_w = src_slot(c, offsetof(struct axon_isa_conv2d, weight.addr));
	s_b = src_slot(c, offsetof(struct axon_isa_conv2d, bias.addr));
	s_o = src_slot(c, offsetof(struct axon_isa_conv2d, out.addr));
	s_rq = src_slot(c, offsetof(struct axon_isa_conv2d, rq.addr));
	for (c0 = 0; c0 < g.Cout; c0 += cb) {
		uint64_t cbn = g.Cout - c0 < cb ? g.Cout - c0 : cb, cin = conv_cin(&g, cbn);
		uint64_t ci0 = g.G == 1 ? 0 : c0 / g.opg * g.cpg, rqc = g.rqn == 1 ? 1 : cbn;
		uint64_t st[4] = { c0, 0, 0, 0 }, ln[4] = { cbn, g.KH, g.KW, g.Cg };
		uint64_t bst[4] = { 0, 0, 0, c0 }, bln[4] = { 1, 1, 1, cbn };
		struct axon_isa_tensor w_s, b_s;
		uint64_t rq_s;

		c->top = 0;
		w_s = load(c, &k.weight, s_w, st, ln);
		if (g.bias)
			b_s = load(c, &k.bias, s_b, bst, bln);
		else
			b_s = k.bias;
		rq_s = load_bytes(c, k.rq.addr + (g.rqn == 1 ? 0 : c0 * 8), s_rq, rqc * 8);
		{
			uint64_t mark = c->top;

			for (n = 0; n < g.N; n++)
				for (oy0 = 0; oy0 < g.OH; oy0 += r) {
					uint64_t rr = g.OH - oy0 < r ? g.OH - oy0 : r;
					int64_t iy_s = (int64_t)(oy0 * g.sh) - (int64_t)g.pt;
					uint64_t rows = conv_rows_in(&g, rr);
					int64_t iy_e = iy_s + (int64_t)rows;
					int64_t a = iy_s < 0 ? 0 : iy_s, b = iy_e > (int64_t)g.H ? (int64_t)g.H : iy_e;
					uint64_t Wp = g.W + g.pl + g.pr;
					uint64_t dl[4] = { 1, rows, Wp, cin }, ol[4] = { 1, rr, g.OW, cbn };
					struct axon_isa_tensor in_s, out_s;
					struct pk cp;
					struct axon_isa_conv2d *kk = (void *)cp.buf;

					c->top = mark;
					in_s = sram_t(salloc(c, nbytes4(dl, g.es_in)), k.in.dtype,
						      k.in.zero_point, dl, dl);
					if (b > a) {
						uint64_t ss[4] = { n, (uint64_t)a, 0, ci0 };
						uint64_t sl[4] = { 1, (uint64_t)(b - a), g.W, cin };
						uint64_t pb[4] = { 0, (uint64_t)(a - iy_s), g.pl, 0 };
						uint64_t pa[4] = { 0, (uint64_t)(iy_e - b), g.pr, 0 };
						struct axon_isa_tensor src = va_slice(&k.in, ss, sl);

						t_dma(c, &src, s_in, &in_s, -1, pb, pa);
					} else {
						struct pk fp;
						struct axon_isa_fill *f = (void *)fp.buf;

						memset(&fp, 0, sizeof(fp));
						fp.size = sizeof(*f);
						f->dst = in_s;
						f->value = k.in.zero_point;
						push(c->sg, &fp, c->oi, AXON_OP_FILL);
					}
					out_s = sram_t(salloc(c, nbytes4(ol, g.es_out)), k.out.dtype,
						       k.out.zero_point, ol, ol);
					memset(&cp, 0, sizeof(cp));
					memcpy(cp.buf, p->buf, sizeof(k));
					cp.size = p->size;
					kk->in = in_s;
					kk->weight = w_s;
					kk->bias = b_s;
					kk->out = out_s;
					kk->rq.addr = rq_s;
					kk->rq.loc = AXON_ISA_LOC_SRAM;
					kk->rq.count = (uint32_t)rqc;
					kk->pad_top = kk->pad_bottom = kk->pad_left = kk->pad_right = 0;
					kk->groups = (uint32_t)(g.G == 1 ? 1 : cbn / g.opg);
					push_compute(c, &cp, AXON_OP_CONV2D);
					{
						uint64_t os[4] = { n, oy0, 0, c0 };

						store(c, &out_s, &k.out, s_o, os);
					}
				}
		}
	}
	return 0;
}

/* ---- POOL: output row bands x channel blocks; the pool keeps its padding ---- */

static int tile_pool(struct tctx *c, const struct pk *p)
{
	struct axon_isa_pool k;
	uint64_t N, H, W, C, OH, OW, KH, sh, pt, es_in, es_out, rqb, cb = 0, r, nblk, c0, n, oy0;
	int s_in, s_o, s_rq;
	uint64_t rq_s;

	memcpy(&k, p->buf, sizeof(k));
	N = k.in.dims[0]; H = k.in.dims[1]; W = k.in.dims[2]; C = k.in.dims[3];
	OH = k.out.dims[1]; OW = k.out.dims[2];
	KH = k.kernel_h; sh = k.stride_h; pt = k.pad_top;
	es_in = t_esize(&k.in); es_out = t_esize(&k.out);
	rqb = (uint64_t)k.rq.count * 8;
	if (!sh || !KH)
		return -1;
#define POOL_NEED(r_, cb_) (ta(rqb) + ta((((r_) - 1) * sh + KH) * W * (cb_) * es_in) + \
			    ta((r_) * OW * (cb_) * es_out))
	for (nblk = 1; nblk <= C; nblk++) {
		cb = (C + nblk - 1) / nblk;
		if (POOL_NEED(1, cb) <= c->sram)
			break;
	}
	if (nblk > C) {
		c->e->tile_need = POOL_NEED(1, 1);
		return -2;
	}
	for (r = OH; r > 1; r--)
		if (POOL_NEED(r, cb) <= c->sram)
			break;
#undef POOL_NEED
	r = balance(OH, r);
	c->e->tile_rows = (int)r;
	s_in = src_slot(c, offsetof(struct axon_isa_pool, in.addr));
	s_o = src_slot(c, offsetof(struct axon_isa_pool, out.addr));
	s_rq = src_slot(c, offsetof(struct axon_isa_pool, rq.addr));
	c->top = 0;
	rq_s = load_bytes(c, k.rq.addr, s_rq, rqb);
	{
		uint64_t mark = c->top;

		for (c0 = 0; c0 < C; c0 += cb)
			for (n = 0; n < N; n++)
				for (oy0 = 0; oy0 < OH; oy0 += r) {
					uint64_t cbn = C - c0 < cb ? C - c0 : cb;
					uint64_t rr = OH - oy0 < r ? OH - oy0 : r;
					int64_t iy_s = (int64_t)(oy0 * sh) - (int64_t)pt;
					int64_t iy_e = iy_s + (int64_t)((rr - 1) * sh + KH);
					int64_t a = iy_s < 0 ? 0 : iy_s, b = iy_e > (int64_t)H ? (int64_t)H : iy_e;
					uint64_t ss[4] = { n, (uint64_t)a, 0, c0 };
					uint64_t sl[4] = { 1, (uint64_t)(b - a), W, cbn };
					uint64_t ol[4] = { 1, rr, OW, cbn }, os[4] = { n, oy0, 0, c0 };
					struct axon_isa_tensor in_s, out_s;
					struct pk cp;
					struct axon_isa_pool *kk = (void *)cp.buf;

					if (b <= a)
						return -1;
					c->top = mark;
					in_s = load(c, &k.in, s_in, ss, sl);
					out_s = sram_t(salloc(c, nbytes4(ol, es_out)), k.out.dtype,
						       k.out.zero_point, ol, ol);
					memset(&cp, 0, sizeof(cp));
					memcpy(cp.buf, p->buf, sizeof(k));
					cp.size = p->size;
					kk->in = in_s;
					kk->out = out_s;
					kk->rq.addr = rq_s;
					kk->rq.loc = AXON_ISA_LOC_SRAM;
					kk->pad_top = (uint16_t)(a - iy_s);
					kk->pad_bottom = (uint16_t)(iy_e - b);
					push_compute(c, &cp, AXON_OP_POOL);
					store(c, &out_s, &k.out, s_o, os);
				}
	}
	return 0;
}

/* ---- MATMUL: batches x row bands x output-column blocks (K never split) ---- */

static int tile_matmul(struct tctx *c, const struct pk *p)
{
	struct axon_isa_matmul k;
	uint64_t B0, B1, M, K, N, es_a, es_b, es_o, rqn, nb = 0, mr, nblk, n0, b0, b1, m0;
	int bias, bconst, s_a, s_b, s_bias, s_o, s_rq;

	memcpy(&k, p->buf, sizeof(k));
	B0 = k.out.dims[0]; B1 = k.out.dims[1]; M = k.out.dims[2]; N = k.out.dims[3];
	K = k.a.dims[3];
	es_a = t_esize(&k.a); es_b = t_esize(&k.b); es_o = t_esize(&k.out);
	rqn = k.rq.count;
	bias = !(k.hdr.flags & AXON_ISA_F_NO_BIAS);
	bconst = (k.b.dims[0] == 1 || !k.b.strides[0]) && (k.b.dims[1] == 1 || !k.b.strides[1]);
#define MM_FIXED(nb_) (ta(K * (nb_) * es_b) + (bias ? ta((nb_) * 4) : 0) + \
		       ta((rqn == 1 ? 1 : (nb_)) * 8))
#define MM_BAND(m_, nb_) (ta((m_) * K * es_a) + ta((m_) * (nb_) * es_o))
	for (nblk = 1; nblk <= N; nblk++) {
		nb = (N + nblk - 1) / nblk;
		if (MM_FIXED(nb) + MM_BAND(1, nb) <= c->sram)
			break;
	}
	if (nblk > N) {
		c->e->tile_need = MM_FIXED(1) + MM_BAND(1, 1);
		return -2;
	}
	for (mr = M; mr > 1; mr--)
		if (MM_FIXED(nb) + MM_BAND(mr, nb) <= c->sram)
			break;
	mr = balance(M, mr);
	c->e->tile_rows = (int)mr;
	s_a = src_slot(c, offsetof(struct axon_isa_matmul, a.addr));
	s_b = src_slot(c, offsetof(struct axon_isa_matmul, b.addr));
	s_bias = src_slot(c, offsetof(struct axon_isa_matmul, bias.addr));
	s_o = src_slot(c, offsetof(struct axon_isa_matmul, out.addr));
	s_rq = src_slot(c, offsetof(struct axon_isa_matmul, rq.addr));
	for (n0 = 0; n0 < N; n0 += nb) {
		uint64_t nbn = N - n0 < nb ? N - n0 : nb, rqc = rqn == 1 ? 1 : nbn;
		uint64_t bst[4] = { 0, 0, 0, n0 }, bln[4] = { 1, 1, 1, nbn };
		struct axon_isa_tensor bias_s = k.bias, b_s = k.b;
		uint64_t rq_s, mark;

		c->top = 0;
		if (bias)
			bias_s = load(c, &k.bias, s_bias, bst, bln);
		rq_s = load_bytes(c, k.rq.addr + (rqn == 1 ? 0 : n0 * 8), s_rq, rqc * 8);
		if (bconst) {
			uint64_t st[4] = { 0, 0, 0, n0 }, ln[4] = { 1, 1, K, nbn };

			b_s = load(c, &k.b, s_b, st, ln);
		}
		mark = c->top;
		for (b0 = 0; b0 < B0; b0++)
			for (b1 = 0; b1 < B1; b1++) {
				uint64_t mark2;

				c->top = mark;
				if (!bconst) {
					uint64_t st[4] = { k.b.dims[0] == 1 ? 0 : b0, k.b.dims[1] == 1 ? 0 : b1, 0, n0 };
					uint64_t ln[4] = { 1, 1, K, nbn };

					b_s = load(c, &k.b, s_b, st, ln);
				}
				mark2 = c->top;
				for (m0 = 0; m0 < M; m0 += mr) {
					uint64_t mm = M - m0 < mr ? M - m0 : mr;
					uint64_t ast[4] = { k.a.dims[0] == 1 ? 0 : b0, k.a.dims[1] == 1 ? 0 : b1, m0, 0 };
					uint64_t aln[4] = { 1, 1, mm, K };
					uint64_t ol[4] = { 1, 1, mm, nbn }, os[4] = { b0, b1, m0, n0 };
					struct axon_isa_tensor a_s, out_s;
					struct pk cp;
					struct axon_isa_matmul *kk = (void *)cp.buf;

					c->top = mark2;
					a_s = load(c, &k.a, s_a, ast, aln);
					out_s = sram_t(salloc(c, nbytes4(ol, es_o)), k.out.dtype,
						       k.out.zero_point, ol, ol);
					memset(&cp, 0, sizeof(cp));
					memcpy(cp.buf, p->buf, sizeof(k));
					cp.size = p->size;
					kk->a = a_s;
					kk->b = b_s;
					kk->bias = bias_s;
					kk->out = out_s;
					kk->rq.addr = rq_s;
					kk->rq.loc = AXON_ISA_LOC_SRAM;
					kk->rq.count = (uint32_t)rqc;
					push_compute(c, &cp, AXON_OP_MATMUL);
					store(c, &out_s, &k.out, s_o, os);
				}
			}
	}
#undef MM_FIXED
#undef MM_BAND
	return 0;
}

/* ---- elementwise, LUT, RESCALE, SOFTMAX, LAYERNORM, REDUCE: split the iteration space ---- */

struct gen_desc {
	size_t in[2], out;	/* tensor fields; in[1] = 0 if none */
	size_t table, table_loc;	/* address / loc field of a table; 0 if none */
	uint64_t table_bytes;
	int keep_last;		/* row operation over dims[3] */
};

static uint64_t gen_bytes(const struct pk *p, const struct gen_desc *gd, const uint64_t len[4])
{
	size_t f[3] = { gd->in[0], gd->in[1], gd->out };
	uint64_t b = gd->table ? ta(gd->table_bytes) : 0;
	int k, i;

	for (k = 0; k < 3; k++) {
		struct axon_isa_tensor t;
		uint64_t n;

		if (!f[k])
			continue;
		t = get_t(p, f[k]);
		n = t_esize(&t);
		for (i = 0; i < 4; i++)
			if (t.dims[i] != 1 && t.strides[i] != 0)
				n *= len[i];
		b += ta(n);
	}
	return b;
}

static int tile_generic(struct tctx *c, const struct pk *p, const struct gen_desc *gd, int opcode)
{
	size_t f[3] = { gd->in[0], gd->in[1], gd->out };
	struct axon_isa_tensor t[3];
	uint64_t D[4], len[4], start[4] = { 0, 0, 0, 0 }, chunk = 0, tab_s = 0, mark;
	int split[4], d = -1, i, k, nt = gd->in[1] ? 3 : 2, slot[3];

	if (!gd->in[1])
		f[1] = f[2];
	for (k = 0; k < nt; k++) {
		t[k] = get_t(p, k == nt - 1 ? gd->out : f[k]);
		slot[k] = src_slot(c, (k == nt - 1 ? gd->out : f[k]) + offsetof(struct axon_isa_tensor, addr));
	}
	for (i = 0; i < 4; i++) {
		D[i] = 1;
		for (k = 0; k < nt; k++)
			if (t[k].dims[i] > D[i])
				D[i] = t[k].dims[i];
		split[i] = D[i] > 1 && !(gd->keep_last && i == 3);
		for (k = 0; k < nt; k++)
			if (t[k].dims[i] != D[i])
				split[i] = 0;
		len[i] = D[i];
	}
	if (gen_bytes(p, gd, len) > c->sram) {
		for (d = 0; d < 4; d++) {
			if (!split[d])
				continue;
			for (i = 0; i < 4; i++)
				len[i] = i < d && split[i] ? 1 : D[i];
			len[d] = 1;
			if (gen_bytes(p, gd, len) <= c->sram)
				break;
		}
		if (d == 4) {
			for (i = 0; i < 4; i++)
				len[i] = split[i] ? 1 : D[i];
			c->e->tile_need = gen_bytes(p, gd, len);
			return -2;
		}
		for (chunk = D[d]; chunk > 1; chunk--) {
			len[d] = chunk;
			if (gen_bytes(p, gd, len) <= c->sram)
				break;
		}
		chunk = balance(D[d], chunk);
		c->e->tile_rows = (int)chunk;
	}
	c->top = 0;
	if (gd->table) {
		uint64_t ta_;
		int ts = src_slot(c, gd->table);

		memcpy(&ta_, p->buf + gd->table, 8);
		tab_s = load_bytes(c, ta_, ts, gd->table_bytes);
	}
	mark = c->top;
	for (;;) {
		struct pk cp;
		struct axon_isa_tensor s[3];
		uint8_t loc = AXON_ISA_LOC_SRAM;

		for (i = 0; i < 4; i++)
			len[i] = d < 0 || i > d || !split[i] ? D[i] : i < d ? 1 :
				(D[i] - start[i] < chunk ? D[i] - start[i] : chunk);
		c->top = mark;
		memset(&cp, 0, sizeof(cp));
		memcpy(cp.buf, p->buf, p->size);
		cp.size = p->size;
		for (k = 0; k < nt; k++) {
			uint64_t st[4], ln[4];

			for (i = 0; i < 4; i++) {
				st[i] = t[k].dims[i] == 1 ? 0 : start[i];
				ln[i] = t[k].dims[i] == 1 ? 1 : len[i];
			}
			if (k < nt - 1) {
				s[k] = load(c, &t[k], slot[k], st, ln);
			} else {
				s[k] = sram_t(salloc(c, nbytes4(ln, t_esize(&t[k]))), t[k].dtype,
					      t[k].zero_point, ln, ln);
			}
			memcpy(cp.buf + (k == nt - 1 ? gd->out : f[k]), &s[k], sizeof(s[k]));
		}
		if (gd->table) {
			memcpy(cp.buf + gd->table, &tab_s, 8);
			memcpy(cp.buf + gd->table_loc, &loc, 1);
		}
		push_compute(c, &cp, opcode);
		{
			uint64_t st[4];

			for (i = 0; i < 4; i++)
				st[i] = t[nt - 1].dims[i] == 1 ? 0 : start[i];
			store(c, &s[nt - 1], &t[nt - 1], slot[nt - 1], st);
		}
		if (d < 0)
			break;
		/* advance: dim d by chunk, then the split dims before it by 1 */
		k = d;
		start[d] += chunk;
		while (start[k] >= D[k]) {
			start[k] = 0;
			do
				k--;
			while (k >= 0 && !split[k]);
			if (k < 0)
				break;
			start[k]++;
		}
		if (k < 0)
			break;
	}
	return 0;
}

static int tile_emit(struct tctx *c, const struct pk *p, int opcode)
{
	struct gen_desc gd;

	memset(&gd, 0, sizeof(gd));
	switch (opcode) {
	case AXON_OP_CONV2D:
		return tile_conv(c, p);
	case AXON_OP_POOL:
		return tile_pool(c, p);
	case AXON_OP_MATMUL:
		return tile_matmul(c, p);
	case AXON_OP_ELTWISE:
		gd.in[0] = offsetof(struct axon_isa_eltwise, a);
		gd.in[1] = offsetof(struct axon_isa_eltwise, b);
		gd.out = offsetof(struct axon_isa_eltwise, out);
		break;
	case AXON_OP_RESCALE:
		gd.in[0] = offsetof(struct axon_isa_rescale, in);
		gd.out = offsetof(struct axon_isa_rescale, out);
		break;
	case AXON_OP_REDUCE:
		gd.in[0] = offsetof(struct axon_isa_reduce, in);
		gd.out = offsetof(struct axon_isa_reduce, out);
		break;
	case AXON_OP_LUT:
		gd.in[0] = offsetof(struct axon_isa_lut, in);
		gd.out = offsetof(struct axon_isa_lut, out);
		gd.table = offsetof(struct axon_isa_lut, table);
		gd.table_loc = offsetof(struct axon_isa_lut, table_loc);
		gd.table_bytes = 256;
		break;
	case AXON_OP_SOFTMAX:
		gd.in[0] = offsetof(struct axon_isa_softmax, in);
		gd.out = offsetof(struct axon_isa_softmax, out);
		gd.table = offsetof(struct axon_isa_softmax, table);
		gd.table_loc = offsetof(struct axon_isa_softmax, table_loc);
		gd.table_bytes = 512;
		gd.keep_last = 1;
		break;
	case AXON_OP_LAYERNORM: {
		struct axon_isa_tensor in = get_t(p, offsetof(struct axon_isa_layernorm, in));

		gd.in[0] = offsetof(struct axon_isa_layernorm, in);
		gd.out = offsetof(struct axon_isa_layernorm, out);
		gd.table = offsetof(struct axon_isa_layernorm, params);
		gd.table_loc = offsetof(struct axon_isa_layernorm, params_loc);
		gd.table_bytes = (uint64_t)in.dims[3] * 8;
		gd.keep_last = 1;
		break;
	}
	default:
		return -1;
	}
	return tile_generic(c, p, &gd, opcode);
}

static int is_compute(int opcode)
{
	return opcode != AXON_OP_DMA && opcode != AXON_OP_FILL && opcode != AXON_OP_NOP &&
		opcode != AXON_OP_MARKER && opcode != AXON_OP_END;
}

/* emit one op's packet: as is, or tiled through SRAM on SRAM-resident devices */
static int finish(struct qgraph *q, struct emitted *e, struct eseg *sg, struct pk *p, int oi,
		  int opcode)
{
	const struct profile *pr = profile_by_device(sg->device);
	struct tctx c;

	if (!pr || !pr->compute_in_sram || !is_compute(opcode)) {
		push(sg, p, oi, opcode);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.q = q;
	c.e = e;
	c.sg = sg;
	c.oi = oi;
	c.sram = pr->sram_size;
	if (axc_sram_limit && axc_sram_limit < c.sram)
		c.sram = axc_sram_limit;
	c.src = p;
	e->tile_rows = 0;
	{
		int rc = tile_emit(&c, p, opcode);

		e->tile_count = c.tiles;
		return rc;
	}
}

static int emit_op(struct qgraph *q, struct emitted *e, struct eseg *sg, int oi)
{
	struct qop *o = &q->o[oi];
	struct pk p;
	int64_t d[4], s[4], d2[4], s2[4], od[4], os[3][4];
	int vis[3];

	memset(&p, 0, sizeof(p));
	switch (o->kind) {
	case Q_CONV: {
		struct axon_isa_conv2d *c = (void *)p.buf;

		p.size = sizeof(*c);
		nhwc(&q->v[o->in[0]], d, s);
		if (tensor(&p, offsetof(struct axon_isa_conv2d, in), e, q, o->in[0], d, s))
			return -1;
		dense4(&q->v[o->in[1]], d, s);
		tensor(&p, offsetof(struct axon_isa_conv2d, weight), e, q, o->in[1], d, s);
		dense4(&q->v[o->in[2]], d, s);
		tensor(&p, offsetof(struct axon_isa_conv2d, bias), e, q, o->in[2], d, s);
		nhwc(&q->v[o->out], d, s);
		if (tensor(&p, offsetof(struct axon_isa_conv2d, out), e, q, o->out, d, s))
			return -1;
		rqtab(&p, offsetof(struct axon_isa_conv2d, rq), e, q, o);
		c->stride_h = (uint16_t)o->stride[0];
		c->stride_w = (uint16_t)o->stride[1];
		c->dilation_h = (uint16_t)o->dil[0];
		c->dilation_w = (uint16_t)o->dil[1];
		c->pad_top = (uint16_t)o->pad[0];
		c->pad_left = (uint16_t)o->pad[1];
		c->pad_bottom = (uint16_t)o->pad[2];
		c->pad_right = (uint16_t)o->pad[3];
		c->groups = (uint32_t)o->groups;
		c->act_min = o->act_min;
		c->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_CONV2D);
	}
	case Q_MATMUL: {
		struct axon_isa_matmul *m = (void *)p.buf;
		const struct qval *out = &q->v[o->out];
		const struct qval *bv = &q->v[o->in[1]];
		/* constant weights shared by every batch; a batched constant
		 * (QLinearMatMul with a 3-D B) is addressed like an activation */
		int bconst = q->b[bv->buf].kind == QB_CONST &&
			     qv_nelem(bv) == bv->dims[bv->rank - 2] * bv->dims[bv->rank - 1];

		p.size = sizeof(*m);
		if (mm_operand(&q->v[o->in[0]], out, 0, d, s) ||
		    tensor(&p, offsetof(struct axon_isa_matmul, a), e, q, o->in[0], d, s))
			return -1;
		if (mm_operand(&q->v[o->in[1]], out, bconst, d, s) ||
		    tensor(&p, offsetof(struct axon_isa_matmul, b), e, q, o->in[1], d, s))
			return -1;
		dense4(&q->v[o->in[2]], d, s);
		tensor(&p, offsetof(struct axon_isa_matmul, bias), e, q, o->in[2], d, s);
		if (mm_operand(out, out, 0, d, s) ||
		    tensor(&p, offsetof(struct axon_isa_matmul, out), e, q, o->out, d, s))
			return -1;
		rqtab(&p, offsetof(struct axon_isa_matmul, rq), e, q, o);
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_MATMUL);
	}
	case Q_POOL: {
		struct axon_isa_pool *m = (void *)p.buf;

		p.size = sizeof(*m);
		nhwc(&q->v[o->in[0]], d, s);
		nhwc(&q->v[o->out], d2, s2);
		if (tensor(&p, offsetof(struct axon_isa_pool, in), e, q, o->in[0], d, s) ||
		    tensor(&p, offsetof(struct axon_isa_pool, out), e, q, o->out, d2, s2))
			return -1;
		rqtab(&p, offsetof(struct axon_isa_pool, rq), e, q, o);
		m->hdr.flags = o->count_pad ? AXON_ISA_F_COUNT_PAD : 0;
		m->kind = (uint8_t)o->pool_kind;
		m->kernel_h = (uint16_t)o->kernel[0];
		m->kernel_w = (uint16_t)o->kernel[1];
		m->stride_h = (uint16_t)o->stride[0];
		m->stride_w = (uint16_t)o->stride[1];
		m->pad_top = (uint16_t)o->pad[0];
		m->pad_left = (uint16_t)o->pad[1];
		m->pad_bottom = (uint16_t)o->pad[2];
		m->pad_right = (uint16_t)o->pad[3];
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_POOL);
	}
	case Q_REDUCE: {
		/* ONNX axes of a rank <= 4 input, right-aligned to the ISA's 4-D;
		 * o->axis_mask holds the 4-D bits; out keeps 1 in reduced dims */
		struct axon_isa_reduce *m = (void *)p.buf;
		const struct qval *iv = &q->v[o->in[0]], *ov = &q->v[o->out];
		int i, j = ov->rank - 1, pad = 4 - iv->rank, keep = ov->rank == iv->rank;

		if (iv->rank > 4)
			return -1;
		for (i = 3; i >= 0; i--) {
			int red = o->axis_mask & (1 << i);

			d[i] = i < pad ? 1 : iv->dims[i - pad];
			s[i] = i < pad ? 0 : iv->strides[i - pad];
			d2[i] = red ? 1 : d[i];
			s2[i] = 0;
			if (i < pad || red)
				continue;
			if (keep) {	/* keepdims=1 */
				s2[i] = ov->strides[i - pad];
				continue;
			}
			if (j < 0 || ov->dims[j] != d2[i])	/* keepdims=0: dims dropped */
				return -1;
			s2[i] = ov->strides[j--];
		}
		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_reduce, in), e, q, o->in[0], d, s) ||
		    tensor(&p, offsetof(struct axon_isa_reduce, out), e, q, o->out, d2, s2))
			return -1;
		m->kind = (uint8_t)o->reduce_kind;
		m->axis_mask = (uint8_t)o->axis_mask;
		m->rounding = (uint8_t)o->rounding;
		m->rq.multiplier = o->rq_out.m;
		m->rq.shift = o->rq_out.s;
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_REDUCE);
	}
	default:
		break;
	}
	vis[0] = o->out;
	vis[1] = o->in[0];
	vis[2] = o->in[1];
	if (collapse(q, o->kind == Q_ELT ? 3 : 2, vis, o->kind == Q_SOFTMAX || o->kind == Q_LAYERNORM,
		     od, os))
		return -1;
	switch (o->kind) {
	case Q_ELT: {
		struct axon_isa_eltwise *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_eltwise, a), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_eltwise, b), e, q, o->in[1], od, os[2]) ||
		    tensor(&p, offsetof(struct axon_isa_eltwise, out), e, q, o->out, od, os[0]))
			return -1;
		m->op = (uint8_t)o->elt_op;
		m->rounding = (uint8_t)o->rounding;
		m->left_shift = (uint8_t)o->left_shift;
		m->rq_a.multiplier = o->rq_a.m;
		m->rq_a.shift = o->rq_a.s;
		m->rq_b.multiplier = o->rq_b.m;
		m->rq_b.shift = o->rq_b.s;
		m->rq_out.multiplier = o->rq_out.m;
		m->rq_out.shift = o->rq_out.s;
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_ELTWISE);
	}
	case Q_LUT: {
		struct axon_isa_lut *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_lut, in), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_lut, out), e, q, o->out, od, os[0]))
			return -1;
		table_addr(&p, offsetof(struct axon_isa_lut, table), e, q, o->aux);
		m->table_loc = AXON_ISA_LOC_VA;
		return finish(q, e, sg, &p, oi, AXON_OP_LUT);
	}
	case Q_SOFTMAX: {
		struct axon_isa_softmax *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_softmax, in), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_softmax, out), e, q, o->out, od, os[0]))
			return -1;
		table_addr(&p, offsetof(struct axon_isa_softmax, table), e, q, o->aux);
		m->table_loc = AXON_ISA_LOC_VA;
		m->out_mult = o->out_mult;
		return finish(q, e, sg, &p, oi, AXON_OP_SOFTMAX);
	}
	case Q_LAYERNORM: {
		struct axon_isa_layernorm *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_layernorm, in), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_layernorm, out), e, q, o->out, od, os[0]))
			return -1;
		table_addr(&p, offsetof(struct axon_isa_layernorm, params), e, q, o->aux);
		m->params_loc = AXON_ISA_LOC_VA;
		m->rounding = (uint8_t)o->rounding;
		m->eps_term = o->eps_term;
		m->z_bits = (uint8_t)(o->z_bits == 11 ? 0 : o->z_bits);
		m->rq.multiplier = o->rq_out.m;
		m->rq.shift = o->rq_out.s;
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_LAYERNORM);
	}
	case Q_RESCALE: {
		struct axon_isa_rescale *m = (void *)p.buf;

		p.size = sizeof(*m);
		if (tensor(&p, offsetof(struct axon_isa_rescale, in), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_rescale, out), e, q, o->out, od, os[0]))
			return -1;
		m->rounding = (uint8_t)o->rounding;
		m->rq.multiplier = o->rq_out.m;
		m->rq.shift = o->rq_out.s;
		m->act_min = o->act_min;
		m->act_max = o->act_max;
		return finish(q, e, sg, &p, oi, AXON_OP_RESCALE);
	}
	case Q_COPY: {
		p.size = sizeof(struct axon_isa_dma);
		if (tensor(&p, offsetof(struct axon_isa_dma, src), e, q, o->in[0], od, os[1]) ||
		    tensor(&p, offsetof(struct axon_isa_dma, dst), e, q, o->out, od, os[0]))
			return -1;
		return finish(q, e, sg, &p, oi, AXON_OP_DMA);
	}
	default:
		return -1;
	}
}

int emit_all(struct qgraph *q, struct emitted *e)
{
	uint64_t va = AXB_LINK_VA_BASE, woff = 0;
	int i, cur = -1;

	memset(e, 0, sizeof(*e));
	/* weights */
	for (i = 0; i < q->nb; i++)
		if (q->b[i].kind == QB_CONST) {
			int used = 0, k, j;

			for (j = 0; j < q->no && !used; j++)
				if (!q->o[j].dead) {
					if (q->o[j].aux == i)
						used = 1;
					for (k = 0; k < 3; k++)
						if (q->o[j].in[k] >= 0 && q->v[q->o[j].in[k]].buf == i)
							used = 1;
				}
			if (!used) {
				q->b[i].offset = UINT64_MAX;
				continue;
			}
			q->b[i].offset = woff;
			woff = al(woff + q->b[i].size, 64);
		}
	e->wsize = woff ? woff : 64;
	e->weights = xcalloc((size_t)e->wsize, 1);
	for (i = 0; i < q->nb; i++)
		if (q->b[i].kind == QB_CONST && q->b[i].offset != UINT64_MAX)
			memcpy(e->weights + q->b[i].offset, q->b[i].data, (size_t)q->b[i].size);
	e->slot[e->nslot++] = (struct eslot){ AXB_SLOT_WEIGHTS, 0, va, e->wsize, 0, AXB_ACCESS_READ };
	va = al(va + e->wsize + SLOT_GAP, SLOT_GAP);
	if (q->arena_size) {
		e->slot[e->nslot++] = (struct eslot){ AXB_SLOT_ARENA, 0, va, q->arena_size, 0,
			AXB_ACCESS_READ | AXB_ACCESS_WRITE };
		va = al(va + q->arena_size + SLOT_GAP, SLOT_GAP);
	}
	for (i = 0; i < q->nin + q->nout; i++) {
		int vi = i < q->nin ? q->in[i].val : q->out[i - q->nin].val;
		uint64_t sz = q->b[q->v[vi].buf].size;

		if (e->nslot >= AXB_MAX_SLOTS)
			return -1;
		e->slot[e->nslot++] = (struct eslot){ i < q->nin ? AXB_SLOT_INPUT : AXB_SLOT_OUTPUT, i,
			va, sz, 0, i < q->nin ? AXB_ACCESS_READ : AXB_ACCESS_READ | AXB_ACCESS_WRITE };
		va = al(va + sz + SLOT_GAP, SLOT_GAP);
	}
	e->op_seg = xcalloc((size_t)q->no + 1, sizeof(int));
	for (i = 0; i < q->no; i++) {
		struct eseg *sg;

		e->op_seg[i] = -1;
		if (q->o[i].dead)
			continue;
		if (cur < 0 || e->seg[cur].device != q->o[i].device ||
		    e->seg[cur].host != (q->o[i].kind == Q_HOST)) {
			e->seg = xrealloc(e->seg, sizeof(*e->seg) * (size_t)(e->nseg + 1));
			cur = e->nseg++;
			memset(&e->seg[cur], 0, sizeof(e->seg[cur]));
			e->seg[cur].device = q->o[i].device;
			e->seg[cur].first_op = i;
			e->seg[cur].host = q->o[i].kind == Q_HOST;
			e->seg[cur].nwords = e->seg[cur].host ? 0 : 4;	/* header */
			e->seg[cur].cap = 1024;
			e->seg[cur].words = xcalloc(1024, 4);
		}
		sg = &e->seg[cur];
		e->op_seg[i] = cur;
		sg->last_op = i;
		if (sg->host ? host_emit(q, e, sg, i) : emit_op(q, e, sg, i)) {
			axc_error(q->g, NULL, "cannot encode op #%d (%s from %s): shape not expressible in the ISA",
				  i, qop_name(q->o[i].kind), q->o[i].nodes);
			return -1;
		}
		sg->macs += q->o[i].macs;
	}
	if (!e->nseg) {
		axc_error(q->g, NULL, "nothing to run");
		return -1;
	}
	for (i = 0; i < e->nseg; i++) {
		struct eseg *sg = &e->seg[i];
		struct pk p;
		struct axon_isa_stream_header h;

		if (sg->host)
			continue;
		memset(&p, 0, sizeof(p));
		p.size = sizeof(struct axon_isa_packet);
		push(sg, &p, -1, AXON_OP_END);
		h.magic = AXON_ISA_MAGIC;
		h.version_major = AXON_ISA_VERSION_MAJOR;
		h.version_minor = AXON_ISA_VERSION_MINOR;
		h.size_words = (uint32_t)sg->nwords;
		h.flags = 0;
		memcpy(sg->words, &h, sizeof(h));
	}
	return 0;
}

/* plan one op alone (no slots needed): SRAM bytes, tiles; -2 if it cannot fit */
int emit_plan_op(struct qgraph *q, int oi, struct tile_info *ti)
{
	struct emitted e;
	struct eseg sg;
	int rc;

	memset(&e, 0, sizeof(e));
	memset(&sg, 0, sizeof(sg));
	e.dry = 1;
	sg.device = q->o[oi].device;
	sg.nwords = 4;
	rc = emit_op(q, &e, &sg, oi);
	ti->sram = sg.sram_size;
	ti->tiles = e.tile_count;
	ti->rows = e.tile_rows;
	ti->need = e.tile_need;
	ti->packets = sg.npackets;
	free(sg.words);
	free(sg.relocs);
	free(sg.dbg_op);
	return rc;
}

void emit_free(struct emitted *e)
{
	int i;

	for (i = 0; i < e->nseg; i++) {
		free(e->seg[i].words);
		free(e->seg[i].relocs);
		free(e->seg[i].dbg_op);
	}
	free(e->seg);
	free(e->weights);
	free(e->op_seg);
}
