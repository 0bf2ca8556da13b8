// SPDX-License-Identifier: MIT
#include "testlib.h"

#include <assert.h>
#include <string.h>

struct tmem M;
static uint64_t next_va;
static uint64_t next_sram;
static int initialised;

void mem_reset(void)
{
	if (initialised)
		tmem_free(&M);
	tmem_init(&M, SRAM_SIZE);
	for (uint64_t i = 0; i < SRAM_SIZE; i++)
		M.sram[i] = (uint8_t)trand();
	initialised = 1;
	next_va = 0x10000000ull;
	next_sram = 0;
}

uint64_t va_alloc(uint64_t bytes, uint32_t flags)
{
	uint64_t va = next_va;
	next_va += ((bytes + 0xfff) & ~0xfffull) + 0x100000;	/* unmapped gap after */
	tmem_add(&M, va, bytes, flags, 0);
	tmem_rand(&M, 0, va, bytes);
	return va;
}

uint64_t sram_alloc(uint64_t bytes)
{
	uint64_t off = next_sram;
	next_sram = (next_sram + bytes + 64 + 7) & ~7ull;	/* gap after */
	assert(next_sram <= SRAM_SIZE);
	return off;
}

struct axon_isa_tensor mkt(uint8_t loc, uint8_t dtype, int32_t zp, const uint32_t d[4],
			   enum layout lay)
{
	int order[4] = { 0, 1, 2, 3 };	/* outermost .. innermost in memory */
	uint32_t st[4];
	if (lay == L_PERM) {
		for (int i = 3; i > 0; i--) {
			int j = (int)trand_range(0, i);
			int t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
	}
	uint64_t s = lay == L_GAP ? (uint64_t)trand_range(1, 2) : 1;
	for (int k = 3; k >= 0; k--) {
		st[order[k]] = (uint32_t)s;
		s *= d[order[k]];
		if (lay == L_GAP)
			s += (uint64_t)trand_range(0, 3);
	}
	struct axon_isa_tensor t = tens_s(loc, 0, dtype, zp, d, st);
	uint64_t span = tens_span(&t);
	t.addr = loc == AXON_ISA_LOC_SRAM ? sram_alloc(span)
					   : va_alloc(span, TMEM_R_READ | TMEM_R_WRITE);
	return t;
}

static uint8_t *tptr(const struct axon_isa_tensor *t, uint32_t i0, uint32_t i1, uint32_t i2,
		     uint32_t i3)
{
	uint64_t e = (uint64_t)i0 * t->strides[0] + (uint64_t)i1 * t->strides[1] +
		     (uint64_t)i2 * t->strides[2] + (uint64_t)i3 * t->strides[3];
	unsigned es = dtype_size(t->dtype);
	uint8_t *p = tmem_ptr(&M, t->loc, t->addr + e * es, es);
	assert(p);
	return p;
}

void tput(const struct axon_isa_tensor *t, uint32_t i0, uint32_t i1, uint32_t i2, uint32_t i3,
	  int64_t v)
{
	uint8_t *p = tptr(t, i0, i1, i2, i3);
	uint32_t u = (uint32_t)v;
	for (unsigned b = 0; b < dtype_size(t->dtype); b++)
		p[b] = (uint8_t)(u >> (8 * b));
}

int64_t tget(const struct axon_isa_tensor *t, uint32_t i0, uint32_t i1, uint32_t i2, uint32_t i3)
{
	uint8_t *p = tptr(t, i0, i1, i2, i3);
	switch (t->dtype) {
	case AXON_ISA_INT8: return (int8_t)p[0];
	case AXON_ISA_UINT8: return p[0];
	case AXON_ISA_INT16: return (int16_t)(p[0] | p[1] << 8);
	default: return (int32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
	}
}

void tfill(const struct axon_isa_tensor *t, int64_t lo, int64_t hi)
{
	for (uint32_t a = 0; a < t->dims[0]; a++)
		for (uint32_t b = 0; b < t->dims[1]; b++)
			for (uint32_t c = 0; c < t->dims[2]; c++)
				for (uint32_t d = 0; d < t->dims[3]; d++)
					tput(t, a, b, c, d, trand_range(lo, hi));
}

struct axon_isa_rqtab mk_rqtab(uint8_t loc, uint8_t rounding, uint32_t n, const int32_t *m,
			       const int32_t *s)
{
	uint64_t addr = loc == AXON_ISA_LOC_SRAM ? sram_alloc(8ull * n)
						  : va_alloc(8ull * n, TMEM_R_READ);
	uint8_t *p = tmem_ptr(&M, loc, addr, 8ull * n);
	assert(p);
	for (uint32_t i = 0; i < n; i++) {
		memcpy(p + 8 * i, &m[i], 4);
		memcpy(p + 8 * i + 4, &s[i], 4);
	}
	return rqtab(loc, addr, rounding, n);
}

int32_t rand_zp(uint8_t dtype)
{
	switch (dtype) {
	case AXON_ISA_INT8: return (int32_t)trand_range(-128, 127);
	case AXON_ISA_UINT8: return (int32_t)trand_range(0, 255);
	case AXON_ISA_INT16: return (int32_t)trand_range(-32768, 32767);
	default: return 0;
	}
}

uint8_t rand_loc(void)
{
	return trand_range(0, 3) == 0 ? AXON_ISA_LOC_SRAM : AXON_ISA_LOC_VA;
}

void rand_act(uint8_t dtype, int32_t *amin, int32_t *amax)
{
	int64_t lo = dtype_min(dtype), hi = dtype_max(dtype);
	*amin = (int32_t)lo;
	*amax = (int32_t)hi;
	if (trand_range(0, 1)) {
		int64_t a = trand_range(lo, hi), b = trand_range(lo, hi);
		*amin = (int32_t)(a < b ? a : b);
		*amax = (int32_t)(a < b ? b : a);
	}
}
