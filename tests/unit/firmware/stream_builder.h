/* SPDX-License-Identifier: MIT */
/*
 * Stream builder for axon firmware tests: appends packets to a growing
 * buffer and fixes up the stream header on sb_finish().
 */
#ifndef AXON_TEST_STREAM_BUILDER_H
#define AXON_TEST_STREAM_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include "drm/axon_isa.h"

struct sb {
	uint8_t *buf;	/* 8-byte aligned */
	size_t len;	/* bytes used */
	size_t cap;
	uint32_t npackets;
};

void sb_init(struct sb *s);
void sb_free(struct sb *s);
/*
 * Append a packet of @body_size bytes (the opcode's struct, header
 * included), rounded up to 8 bytes, zero-filled; returns a pointer to it
 * (valid until the next append).
 */
void *sb_packet(struct sb *s, uint8_t opcode, uint16_t flags, size_t body_size);
#define SB_PUT(s, op, type, fl) ((type *)sb_packet((s), (op), (fl), sizeof(type)))
void sb_nop(struct sb *s);
void sb_marker(struct sb *s, uint32_t id);
/* Append END and set header.size_words. */
void sb_finish(struct sb *s);
/* Index of the packet most recently appended. */
static inline uint32_t sb_last(const struct sb *s) { return s->npackets - 1; }

/* Element size of a dtype (0 when invalid). */
unsigned dtype_size(unsigned dtype);
int64_t dtype_min(unsigned dtype);
int64_t dtype_max(unsigned dtype);

/* Tensor with contiguous strides (innermost fastest). */
struct axon_isa_tensor tens(uint8_t loc, uint64_t addr, uint8_t dtype, int32_t zp,
			    uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3);
/* Tensor with explicit strides. */
struct axon_isa_tensor tens_s(uint8_t loc, uint64_t addr, uint8_t dtype, int32_t zp,
			      const uint32_t dims[4], const uint32_t strides[4]);
/* Number of elements and number of bytes spanned (as the header defines). */
uint64_t tens_elems(const struct axon_isa_tensor *t);
uint64_t tens_span(const struct axon_isa_tensor *t);

struct axon_isa_rq rq(int32_t multiplier, int32_t shift);
struct axon_isa_rqtab rqtab(uint8_t loc, uint64_t addr, uint8_t rounding, uint32_t count);

#endif
