// SPDX-License-Identifier: MIT
/*
 * axonc emission on SRAM-resident devices (emit_tiled.h): the per-op bump
 * allocation of SRAM, tensor windows, and the DMA of tiles in and out.
 */
#include <stddef.h>
#include <string.h>

#include "emit_tiled.h"

uint64_t ta(uint64_t x)
{
	return al(x, SRAM_ALIGN);
}

uint64_t salloc(struct tctx *c, uint64_t bytes)
{
	uint64_t a = ta(c->top);

	c->top = a + bytes;
	if (c->top > c->sg->sram_size)
		c->sg->sram_size = c->top;
	return a;
}

/* relocation slot of the address field at byte @field of the untiled packet */
int src_slot(const struct tctx *c, size_t field)
{
	int i;

	for (i = 0; i < c->src->nrel; i++)
		if (c->src->roff[i] == field)
			return c->src->rslot[i];
	return -1;
}

uint64_t t_esize(const struct axon_isa_tensor *t)
{
	return (uint64_t)esize(t->dtype);
}

/* VA window of @t: element @start, dims @len (strides kept) */
struct axon_isa_tensor va_slice(const struct axon_isa_tensor *t, const uint64_t start[4],
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
struct axon_isa_tensor sram_t(uint64_t addr, int dtype, int32_t zp, const uint64_t len[4],
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

uint64_t nbytes4(const uint64_t d[4], uint64_t es)
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

void t_dma(struct tctx *c, const struct axon_isa_tensor *src, int sslot,
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
struct axon_isa_tensor load(struct tctx *c, const struct axon_isa_tensor *t, int slot,
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
uint64_t load_bytes(struct tctx *c, uint64_t addr, int slot, uint64_t bytes)
{
	uint64_t d[4] = { 1, 1, 1, bytes };
	struct axon_isa_tensor s = sram_t(addr, AXON_ISA_UINT8, 0, d, d), t;

	s.loc = AXON_ISA_LOC_VA;
	t = sram_t(salloc(c, bytes), AXON_ISA_UINT8, 0, d, d);
	t_dma(c, &s, slot, &t, -1, NULL, NULL);
	return t.addr;
}

/* DMA an SRAM tile out to a window of the VA output */
void store(struct tctx *c, const struct axon_isa_tensor *sram, const struct axon_isa_tensor *out,
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

void push_compute(struct tctx *c, struct pk *p, int opcode)
{
	p->nrel = 0;		/* every operand is in SRAM */
	push(c->sg, p, c->oi, opcode);
	c->tiles++;
}

/* balanced split of @n into pieces of at most @max */
uint64_t balance(uint64_t n, uint64_t max)
{
	uint64_t k;

	if (max >= n)
		return n;
	k = (n + max - 1) / max;
	return (n + k - 1) / k;
}
