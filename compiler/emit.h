/* SPDX-License-Identifier: MIT */
/* axonc emission: quantized IR -> per-device command streams + slots. */
#ifndef AXONC_EMIT_H
#define AXONC_EMIT_H

#include <stdio.h>

#include "qir.h"
#include <axon/axb_format.h>

struct eseg {
	int device;
	uint32_t *words;
	size_t nwords, cap;
	struct axb_reloc *relocs;
	int nrelocs, cap_r;
	int *dbg_op;		/* packet index -> qop */
	int npackets, cap_d;
	uint64_t op_mask, macs;
	int first_op, last_op;
	uint64_t sram_size;	/* SRAM bytes the stream addresses (tiling) */
	int host;		/* host segment: words hold struct axb_host_op[] */
};

struct eslot {
	int kind, ref;
	uint64_t va, size, offset;
	uint32_t access;
};

struct emitted {
	struct eseg *seg;
	int nseg;
	struct eslot slot[AXB_MAX_SLOTS];
	int nslot;
	uint8_t *weights;
	uint64_t wsize;
	int *op_seg;		/* qop -> segment */
	int dry;		/* planning only: no slots, addresses are dummies */
	uint64_t tile_need;	/* last op that did not fit: smallest tile's bytes */
	int tile_rows, tile_count;	/* last tiled op: rows per tile, compute packets */
};

struct tile_info {
	uint64_t sram;		/* SRAM bytes the op's tiles use */
	uint64_t need;		/* if it does not fit: bytes of the smallest tile */
	int tiles, rows, packets;
};

/* tests: tile as if SRAM-resident devices had at most this many bytes (0: off) */
extern uint64_t axc_sram_limit;

/* emit one op alone into a scratch stream: 0, -1 not encodable, -2 SRAM too small */
int emit_plan_op(struct qgraph *q, int oi, struct tile_info *ti);

int emit_all(struct qgraph *q, struct emitted *e);
/* slot holding buffer b and the link VA of its start; -1 if none */
int buf_slot(const struct emitted *e, const struct qgraph *q, int b, uint64_t *base);
/* lower_host.c: append a Q_HOST op to a host segment */
int host_emit(const struct qgraph *q, const struct emitted *e, struct eseg *sg, int oi);
void emit_free(struct emitted *e);
int axb_write(const char *path, struct qgraph *q, struct emitted *e, const char *report_json);
void disasm(const struct qgraph *q, const struct emitted *e);
char *report_json(const struct qgraph *q, const struct emitted *e, const char *targets,
		  double ms);
void report_table(const struct qgraph *q, const struct emitted *e, FILE *f);

#endif
