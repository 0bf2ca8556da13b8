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
};

int emit_all(struct qgraph *q, struct emitted *e);
void emit_free(struct emitted *e);
int axb_write(const char *path, struct qgraph *q, struct emitted *e, const char *report_json);
void disasm(const struct qgraph *q, const struct emitted *e);
char *report_json(const struct qgraph *q, const struct emitted *e, const char *targets,
		  double ms);
void report_table(const struct qgraph *q, const struct emitted *e, FILE *f);

#endif
