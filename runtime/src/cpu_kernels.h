/* SPDX-License-Identifier: MIT */
/*
 * Faster CONV2D, MATMUL, ELTWISE, RESCALE, POOL, LUT, SOFTMAX and
 * LAYERNORM kernels for the cpu backend, offered to the firmware
 * interpreter through axon_fw_env.op_override. Each kernel either
 * produces exactly the reference kernel's bytes (proved by
 * tests/unit/cpukernels and the conformance models run both ways) or
 * declines, having written nothing, and the reference kernel runs.
 *
 * AXON_CPU_KERNELS=ref disables them (reference kernels only);
 * AXON_CPU_KERNELS=auto (default) uses them when the CPU has AVX-512 VNNI.
 */
#ifndef AXON_CPU_KERNELS_H
#define AXON_CPU_KERNELS_H

#include <stdint.h>

#include "drm/axon_isa.h"

/* Cache of re-packed weights, one per model; thread-safe. */
struct cpuk_cache;

struct cpuk_cache *cpuk_cache_new(void);
void cpuk_cache_free(struct cpuk_cache *c);
/* *@slot created on first use (under a lock); NULL on allocation failure. */
struct cpuk_cache *cpuk_cache_get(struct cpuk_cache **slot);

/* Nonzero when the fast kernels are enabled (environment and CPU). */
int cpuk_enabled(void);
/* Nonzero when the CPU supports the fast kernels at all. */
int cpuk_supported(void);

/* Bit of cpuk_run()'s @const_mask: operand 1 (weights, or MATMUL's b) is
 * immutable while @c lives, so its re-packed form may be cached. */
#define CPUK_CONST_W	(1u << 1)

/*
 * Run packet @pk (CONV2D or MATMUL, already validated by the firmware) on
 * the translated @ops (see axon_fw_env.op_override). @c may be NULL (no
 * caching). Returns 1 when executed, 0 when declined (nothing written).
 */
int cpuk_run(struct cpuk_cache *c, const struct axon_isa_packet *pk,
	     void *const *ops, unsigned int const_mask);

/* The other kernels cpuk_run() dispatches to (same contract, @ops in the
 * order of axon_fw_env.op_override); only after cpuk_supported(). */
int cpuk_eltwise(const struct axon_isa_eltwise *p, void *const *ops);	/* cpu_eltwise.c */
int cpuk_rescale(const struct axon_isa_rescale *p, void *const *ops);	/* cpu_eltwise.c */
int cpuk_pool(const struct axon_isa_pool *p, void *const *ops);	/* cpu_pool.c */
int cpuk_lut(const struct axon_isa_lut *p, void *const *ops);		/* cpu_lut.c */
int cpuk_softmax(const struct axon_isa_softmax *p, void *const *ops);	/* cpu_norm.c */
int cpuk_layernorm(const struct axon_isa_layernorm *p, void *const *ops);	/* cpu_norm.c */

#endif
