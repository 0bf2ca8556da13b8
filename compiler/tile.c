// SPDX-License-Identifier: MIT
/*
 * axonc SRAM tiling analysis. For every op placed on a device, computes the
 * working set (inputs, weights, tables, output) and, when it exceeds the
 * device SRAM, the number of output-row tiles (with input halos) that
 * would fit. Profiles that declare compute_in_sram get their ops rejected
 * to the CPU with AXB_REASON_SRAM until the DMA-in/compute/DMA-out
 * emission is implemented (no shipped profile sets it: the emulated
 * devices compute from device memory).
 */
#include <stdio.h>
#include <stdlib.h>

#include "profiles.h"
#include "qir.h"
#include <axon/axb_format.h>

static uint64_t bytes(const struct qgraph *q, int v)
{
	return v < 0 ? 0 : (uint64_t)qv_nelem(&q->v[v]) * (uint64_t)esize(q->v[v].dtype);
}

int tile_ops(struct qgraph *q)
{
	int i, tiled = 0;

	for (i = 0; i < q->no; i++) {
		struct qop *o = &q->o[i];
		const struct profile *p = profile_by_device(o->device);
		uint64_t ws, outb, rows, per_row, fixed;

		if (o->dead || !p || !p->accelerator)
			continue;
		outb = bytes(q, o->out);
		fixed = bytes(q, o->in[1]) + bytes(q, o->in[2]) +
			(o->aux >= 0 ? q->b[o->aux].size : 0);
		ws = bytes(q, o->in[0]) + outb + fixed;
		o->tile_rows = 0;
		if (ws <= p->sram_size)
			continue;
		rows = q->v[o->out].rank >= 3 ? (uint64_t)q->v[o->out].dims[q->v[o->out].rank == 4 ? 2 : q->v[o->out].rank - 2] : 1;
		per_row = rows ? (ws - fixed) / rows + 1 : ws;
		if (fixed < p->sram_size && per_row)
			o->tile_rows = (int)((p->sram_size - fixed) / per_row);
		if (o->tile_rows < 1)
			o->tile_rows = 1;
		tiled++;
		if (p->compute_in_sram) {
			o->device = AXB_DEV_CPU;
			o->reason = AXB_REASON_SRAM;
			free(o->detail);
			o->detail = xasprintf("working set %llu bytes exceeds %s SRAM %llu",
					      (unsigned long long)ws, p->name,
					      (unsigned long long)p->sram_size);
		}
	}
	return tiled;
}
