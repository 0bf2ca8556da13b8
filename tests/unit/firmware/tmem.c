// SPDX-License-Identifier: MIT
#include "tmem.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

void trand_seed(uint64_t seed)
{
	rng_state = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	if (!rng_state)
		rng_state = 1;
}

uint64_t trand(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

int64_t trand_range(int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;
	if (span == 0)
		return (int64_t)trand();
	return lo + (int64_t)(trand() % span);
}

void tmem_init(struct tmem *m, uint64_t sram_size)
{
	memset(m, 0, sizeof(*m));
	m->sram_size = sram_size;
	m->sram = malloc(sram_size ? sram_size : 1);
	assert(m->sram);
	memset(m->sram, 0xa5, sram_size);
}

uint64_t tmem_add(struct tmem *m, uint64_t va, uint64_t size, uint32_t flags, uint8_t fill)
{
	assert(m->n < TMEM_MAX_REGIONS);
	struct tregion *r = &m->r[m->n++];
	r->va = va;
	r->size = size;
	r->flags = flags;
	r->mem = malloc(size ? size : 1);
	assert(r->mem);
	memset(r->mem, fill, size);
	return va;
}

void tmem_clone(struct tmem *dst, const struct tmem *src)
{
	*dst = *src;
	dst->sram = malloc(src->sram_size ? src->sram_size : 1);
	assert(dst->sram);
	memcpy(dst->sram, src->sram, src->sram_size);
	for (unsigned i = 0; i < src->n; i++) {
		dst->r[i].mem = malloc(src->r[i].size ? src->r[i].size : 1);
		assert(dst->r[i].mem);
		memcpy(dst->r[i].mem, src->r[i].mem, src->r[i].size);
	}
}

void tmem_free(struct tmem *m)
{
	free(m->sram);
	for (unsigned i = 0; i < m->n; i++)
		free(m->r[i].mem);
	memset(m, 0, sizeof(*m));
}

int tmem_find(const struct tmem *m, uint64_t va, uint64_t len)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct tregion *r = &m->r[i];
		if (va >= r->va && len <= r->size && va - r->va <= r->size - len)
			return (int)i;
	}
	return -1;
}

uint8_t *tmem_ptr(const struct tmem *m, unsigned loc, uint64_t addr, uint64_t len)
{
	if (loc == 1) {
		if (len > m->sram_size || addr > m->sram_size - len)
			return NULL;
		return m->sram + addr;
	}
	if (loc != 0)
		return NULL;
	int i = tmem_find(m, addr, len);
	return i < 0 ? NULL : m->r[i].mem + (addr - m->r[i].va);
}

void tmem_rand(struct tmem *m, unsigned loc, uint64_t addr, uint64_t len)
{
	uint8_t *p = tmem_ptr(m, loc, addr, len);
	assert(p);
	for (uint64_t i = 0; i < len; i++)
		p[i] = (uint8_t)trand();
}

static uint64_t diff_buf(const char *what, uint64_t base, const uint8_t *a, const uint8_t *b,
			 uint64_t n, unsigned *printed, unsigned max_print)
{
	uint64_t cnt = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (a[i] == b[i])
			continue;
		if (cnt == 0 || *printed < max_print) {
			printf("    %s 0x%" PRIx64 ": got 0x%02x (%d/%u) want 0x%02x (%d/%u)\n",
			       what, base + i, a[i], (int8_t)a[i], a[i], b[i], (int8_t)b[i], b[i]);
			(*printed)++;
		}
		cnt++;
	}
	return cnt;
}

uint64_t tmem_diff(const struct tmem *got, const struct tmem *want, unsigned max_print)
{
	unsigned printed = 0;
	uint64_t cnt = 0;
	assert(got->n == want->n && got->sram_size == want->sram_size);
	cnt += diff_buf("sram", 0, got->sram, want->sram, got->sram_size, &printed, max_print);
	for (unsigned i = 0; i < got->n; i++)
		cnt += diff_buf("va", got->r[i].va, got->r[i].mem, want->r[i].mem, got->r[i].size,
				&printed, max_print);
	if (cnt)
		printf("    %" PRIu64 " byte(s) differ\n", cnt);
	return cnt;
}
