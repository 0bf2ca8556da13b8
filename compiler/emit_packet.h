/* SPDX-License-Identifier: MIT */
/*
 * axonc emission, private to emit*.c: the ISA packet being built (struct
 * pk) and what the emission files call across each other.
 */
#ifndef AXONC_EMIT_PACKET_H
#define AXONC_EMIT_PACKET_H

#include "emit.h"

static inline uint64_t al(uint64_t x, uint64_t a)
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

/* emit.c: append packet p (op index op, -1 none) to the stream of s */
void push(struct eseg *s, struct pk *p, int op, int opcode);
/* emit_ops.c: write op oi into segment sg */
int emit_op(struct qgraph *q, struct emitted *e, struct eseg *sg, int oi);
/* emit_tiled.c: emit one op's packet, as is or tiled through SRAM */
int finish(struct qgraph *q, struct emitted *e, struct eseg *sg, struct pk *p, int oi,
	   int opcode);

#endif
