// SPDX-License-Identifier: MIT
/* cpu backend execution: one segment through the firmware interpreter. */
#include <string.h>

#include "internal.h"
#include "axon_fw.h"
#include "cpu_kernels.h"

struct cpu_ctx {
	const struct axon_fw_region *map;
	void *const *host;
	uint32_t n;
	const struct pkg *p;		/* for the fast kernels */
	const struct axb_segment *sg;
	struct cpuk_cache *kc;
};

/* Fast kernels (cpu_kernels.c); weights in a WEIGHTS slot (the package's
 * read-only mapping) are re-packed once per model. */
static int op_override(void *ctx, const struct axon_isa_packet *pk,
		       void *const *ops)
{
	const struct cpu_ctx *c = ctx;
	const uint8_t *w = ops[1];
	unsigned int cm = 0;

	for (uint32_t k = 0; k < c->n; k++) {
		const struct axb_slot *sl = PKG_ENTRY(c->p, slots, c->sg->slot_first + k);
		const uint8_t *h = c->host[k];

		if (sl->kind == AXB_SLOT_WEIGHTS && h && w >= h && w < h + c->map[k].size)
			cm |= CPUK_CONST_W;
	}
	return cpuk_run(c->kc, pk, ops, cm);
}

static void *translate(void *ctx, u64 va, u64 len, int write)
{
	const struct cpu_ctx *c = ctx;

	for (uint32_t k = 0; k < c->n; k++) {
		const struct axon_fw_region *r = &c->map[k];

		if (va >= r->va && va - r->va <= r->size && len <= r->size - (va - r->va)) {
			if (write && !(r->flags & AXON_FW_R_WRITE))
				return NULL;
			return (uint8_t *)c->host[k] + (va - r->va);
		}
	}
	return NULL;
}

int cpu_run_segment(axon_run *r, uint32_t s)
{
	const struct seg_rt *sr = &r->model->segs[s];
	const struct axb_segment *sg = sr->seg;
	const struct pkg *p = &r->model->pkg;
	struct seg_exec *e = &r->ex[s];
	struct axon_fw_limits lim;
	struct axon_fw_result res;
	struct axon_fw_env env;
	struct cpu_ctx c;

	if (sg->flags & AXB_SEGMENT_F_HOST)
		return host_run_segment(r, s);

	for (uint32_t k = 0; k < sg->slot_count; k++) {
		const struct axb_slot *sl = PKG_ENTRY(p, slots, sg->slot_first + k);

		e->map[k].va = sl->va;
		e->map[k].size = sl->size;
		e->map[k].flags = sl->access;
		e->map[k].pad = 0;
	}
	c.map = e->map;
	c.host = e->host;
	c.n = sg->slot_count;
	c.p = p;
	c.sg = sg;
	c.kc = NULL;
	memset(&lim, 0, sizeof(lim));
	lim.sram_size = sg->sram_size;
	lim.op_mask = ~0ull;
	/* npu and dpu segments run with their device's limits: compute in SRAM */
	if (sg->device == AXB_DEV_NPU || sg->device == AXB_DEV_DPU)
		lim.flags = AXON_FW_L_COMPUTE_IN_SRAM;
	memset(&env, 0, sizeof(env));
	env.ctx = &c;
	env.translate = translate;
	env.sram = r->sram;
	env.sram_size = sg->sram_size;
	if (cpuk_enabled()) {
		c.kc = cpuk_cache_get(&r->model->cpuk);
		env.op_override = op_override;
	}
	if (axon_fw_run(sr->stream, sr->stream_size, e->map, sg->slot_count, &lim,
			&env, &res)) {
		run_fault(r, (int)s,
			  res.packet == AXON_FW_PACKET_NONE ? -1 : (int32_t)res.packet,
			  res.status, 0, res.reason ? res.reason : isa_status_name(res.status));
		return AXON_E_FAULT;
	}
	return 0;
}
