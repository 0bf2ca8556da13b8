/* SPDX-License-Identifier: MIT */
/*
 * Test memory for the firmware tests: a job's memory map (regions at fake
 * device VAs, each backed by its own heap buffer of exactly its size, so
 * ASan flags any access past a region) plus an engine SRAM. A tmem can be
 * cloned so that the firmware runs on one copy and the oracle on another,
 * and the two are compared byte for byte (outputs and everything else).
 */
#ifndef AXON_TEST_TMEM_H
#define AXON_TEST_TMEM_H

#include <stdint.h>
#include <stddef.h>

#define TMEM_MAX_REGIONS 12
#define TMEM_R_READ  1u	/* same values as AXON_FW_R_READ/WRITE */
#define TMEM_R_WRITE 2u

struct tregion {
	uint64_t va;
	uint64_t size;
	uint32_t flags;
	uint8_t *mem;
};

struct tmem {
	struct tregion r[TMEM_MAX_REGIONS];
	unsigned n;
	uint8_t *sram;
	uint64_t sram_size;
};

void tmem_init(struct tmem *m, uint64_t sram_size);
/* Adds a region filled with @fill; returns its VA. */
uint64_t tmem_add(struct tmem *m, uint64_t va, uint64_t size, uint32_t flags, uint8_t fill);
void tmem_clone(struct tmem *dst, const struct tmem *src);
void tmem_free(struct tmem *m);
/* Host pointer to [addr, addr+len) at @loc, NULL when not fully inside. */
uint8_t *tmem_ptr(const struct tmem *m, unsigned loc, uint64_t addr, uint64_t len);
/* Region index containing [va, va+len), or -1. */
int tmem_find(const struct tmem *m, uint64_t va, uint64_t len);
/* Fills [addr, addr+len) with random bytes. */
void tmem_rand(struct tmem *m, unsigned loc, uint64_t addr, uint64_t len);
/*
 * Compares two memories; returns 0 when identical, else prints the first
 * differences (up to @max_print) to stdout and returns the count.
 */
uint64_t tmem_diff(const struct tmem *got, const struct tmem *want, unsigned max_print);

/* Little deterministic PRNG (xorshift64*), seeded per test. */
void trand_seed(uint64_t seed);
uint64_t trand(void);
/* Uniform in [lo, hi]. */
int64_t trand_range(int64_t lo, int64_t hi);

#endif
