// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: arbitrary bytes as a command stream, validated and run
 * by the firmware against a fake memory map. Every region and the SRAM are
 * separate heap buffers of exactly their size, so ASan reports any access
 * outside them; translate() checks bounds and READ/WRITE flags and reports
 * a request the validator should have rejected by aborting. yield() bounds
 * the work per input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "axon_fw.h"
#include "fuzz_map.h"

struct fz {
	uint8_t *mem[FZ_NREG];
	struct axon_fw_region map[FZ_NREG];
	uint8_t *sram;
	long yields;
};

static void *fz_translate(void *ctx, u64 va, u64 len, int write)
{
	struct fz *f = ctx;
	for (int i = 0; i < FZ_NREG; i++) {
		const struct axon_fw_region *r = &f->map[i];
		if (va >= r->va && len <= r->size && va - r->va <= r->size - len) {
			if (!(r->flags & (write ? AXON_FW_R_WRITE : AXON_FW_R_READ))) {
				/* validated stream asked for a forbidden access */
				fprintf(stderr, "translate: %s of read/write-protected [0x%llx, +%llu)\n",
					write ? "write" : "read", (unsigned long long)va,
					(unsigned long long)len);
				abort();
			}
			return f->mem[i] + (va - r->va);
		}
	}
	fprintf(stderr, "translate: validated stream touches unmapped [0x%llx, +%llu)\n",
		(unsigned long long)va, (unsigned long long)len);
	abort();
}

static int fz_yield(void *ctx)
{
	struct fz *f = ctx;
	return ++f->yields > FZ_MAX_YIELDS;
}

static void fz_progress(void *ctx, u32 packet, u32 marker_id)
{
	(void)ctx;
	(void)packet;
	(void)marker_id;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct { uint64_t va, size; uint32_t flags; } regs[FZ_NREG] = FZ_REGIONS;
	struct fz f;
	memset(&f, 0, sizeof(f));
	/* exact-size copy: malloc is 16-byte aligned, and reads past size trip ASan */
	uint8_t *stream = malloc(size ? size : 1);
	if (size)
		memcpy(stream, data, size);
	for (int i = 0; i < FZ_NREG; i++) {
		f.map[i].va = regs[i].va;
		f.map[i].size = regs[i].size;
		f.map[i].flags = regs[i].flags;
		f.mem[i] = malloc(regs[i].size);
		memset(f.mem[i], (int)(0x11 * (i + 1)), regs[i].size);
	}
	/* the table region holds valid scale entries (2^30, 36), so requant paths run */
	for (uint64_t o = 0; o + 8 <= regs[FZ_NREG - 1].size; o += 8) {
		const uint32_t e[2] = { 1u << 30, 36 };
		memcpy(f.mem[FZ_NREG - 1] + o, e, 8);
	}
	f.sram = malloc(FZ_SRAM_SIZE);
	memset(f.sram, 0x5a, FZ_SRAM_SIZE);

	struct axon_fw_limits lim;
	memset(&lim, 0, sizeof(lim));
	lim.sram_size = FZ_SRAM_SIZE;
	lim.op_mask = ~0ull;
	struct axon_fw_env env;
	memset(&env, 0, sizeof(env));
	env.ctx = &f;
	env.translate = fz_translate;
	env.sram = f.sram;
	env.sram_size = FZ_SRAM_SIZE;
	env.yield = fz_yield;
	env.progress = fz_progress;

	struct axon_fw_result vres, rres;
	u32 v = axon_fw_validate(stream, size, f.map, FZ_NREG, &lim, &vres);
	u32 r = axon_fw_run(stream, size, f.map, FZ_NREG, &lim, &env, &rres);
	/* run() validates first: a rejected stream is rejected the same way */
	if (v != AXON_ISA_OK && (r != v || rres.packet != vres.packet))
		abort();
	if (v == AXON_ISA_OK && r != AXON_ISA_OK && r != AXON_ISA_E_ABORTED &&
	    r != AXON_ISA_E_TABLE && r != AXON_ISA_E_FAULT)
		abort();
	if (!vres.reason || !rres.reason || !axon_fw_status_str(r))
		abort();
	/* the SRAM-only device profile over the same stream */
	lim.flags = AXON_FW_L_COMPUTE_IN_SRAM;
	(void)axon_fw_validate(stream, size, f.map, FZ_NREG, &lim, &vres);

	for (int i = 0; i < FZ_NREG; i++)
		free(f.mem[i]);
	free(f.sram);
	free(stream);
	return 0;
}
