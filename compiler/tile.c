// SPDX-License-Identifier: MIT
/*
 * axonc SRAM tiling pass. Devices whose profile declares compute_in_sram
 * (npu, dpu) compute out of their on-chip SRAM only: emit_tiled.c rewrites
 * every compute op placed on them into DMA-in / compute / DMA-out tiles (see
 * the comment in emit_tiled.h). This pass plans each such op once with
 * the same code the emission uses, so what it decides is exactly what gets
 * emitted: an op whose smallest tile still exceeds the SRAM (for instance a
 * single output row of a very wide convolution) goes to the CPU with
 * AXB_REASON_SRAM; the others record their rows per tile. Devices that
 * compute from device memory (dsp, cpu) are not tiled.
 */
#include <stdio.h>
#include <stdlib.h>

#include "emit.h"
#include "profiles.h"
#include "qir.h"
#include <axon/axb_format.h>

int tile_ops(struct qgraph *q)
{
	int i, tiled = 0;

	for (i = 0; i < q->no; i++) {
		struct qop *o = &q->o[i];
		const struct profile *p = profile_by_device(o->device);
		struct tile_info ti;
		int rc;

		o->tile_rows = 0;
		if (o->dead || !p || !p->accelerator || !p->compute_in_sram)
			continue;
		rc = emit_plan_op(q, i, &ti);
		if (rc == -2) {
			o->device = AXB_DEV_CPU;
			o->reason = AXB_REASON_SRAM;
			free(o->detail);
			o->detail = xasprintf("smallest tile needs %llu bytes, %s SRAM has %llu",
					      (unsigned long long)ti.need, p->name,
					      (unsigned long long)p->sram_size);
			continue;
		}
		if (rc)
			continue;	/* not encodable: emit_all reports it */
		o->tile_rows = ti.rows > 0 ? ti.rows : 0;
		if (ti.tiles > 1)
			tiled++;
	}
	return tiled;
}
