// SPDX-License-Identifier: MIT
#include "stream_builder.h"

#include <stdlib.h>
#include <string.h>
#include <assert.h>

static void sb_reserve(struct sb *s, size_t more)
{
	if (s->len + more <= s->cap)
		return;
	size_t ncap = s->cap ? s->cap : 256;
	while (ncap < s->len + more)
		ncap *= 2;
	uint8_t *n = aligned_alloc(8, ncap);
	assert(n);
	memset(n, 0, ncap);
	if (s->buf)
		memcpy(n, s->buf, s->len);
	free(s->buf);
	s->buf = n;
	s->cap = ncap;
}

void sb_init(struct sb *s)
{
	memset(s, 0, sizeof(*s));
	sb_reserve(s, sizeof(struct axon_isa_stream_header));
	struct axon_isa_stream_header *h = (void *)s->buf;
	h->magic = AXON_ISA_MAGIC;
	h->version_major = AXON_ISA_VERSION_MAJOR;
	h->version_minor = AXON_ISA_VERSION_MINOR;
	s->len = sizeof(*h);
}

void sb_free(struct sb *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

void *sb_packet(struct sb *s, uint8_t opcode, uint16_t flags, size_t body_size)
{
	size_t sz = (body_size + 7) & ~(size_t)7;
	assert(sz >= sizeof(struct axon_isa_packet));
	sb_reserve(s, sz);
	uint8_t *p = s->buf + s->len;
	memset(p, 0, sz);
	struct axon_isa_packet *h = (void *)p;
	h->opcode = opcode;
	h->version = AXON_ISA_PACKET_VERSION;
	h->flags = flags;
	h->size_words = (uint16_t)(sz / 4);
	s->len += sz;
	s->npackets++;
	return p;
}

void sb_nop(struct sb *s)
{
	sb_packet(s, AXON_OP_NOP, 0, sizeof(struct axon_isa_packet));
}

void sb_marker(struct sb *s, uint32_t id)
{
	struct axon_isa_marker *m = SB_PUT(s, AXON_OP_MARKER, struct axon_isa_marker, 0);
	m->id = id;
}

void sb_finish(struct sb *s)
{
	sb_packet(s, AXON_OP_END, 0, sizeof(struct axon_isa_packet));
	((struct axon_isa_stream_header *)s->buf)->size_words = (uint32_t)(s->len / 4);
}

unsigned dtype_size(unsigned dtype)
{
	switch (dtype) {
	case AXON_ISA_INT8: case AXON_ISA_UINT8: return 1;
	case AXON_ISA_INT16: return 2;
	case AXON_ISA_INT32: return 4;
	}
	return 0;
}

int64_t dtype_min(unsigned dtype)
{
	switch (dtype) {
	case AXON_ISA_INT8: return INT8_MIN;
	case AXON_ISA_UINT8: return 0;
	case AXON_ISA_INT16: return INT16_MIN;
	default: return INT32_MIN;
	}
}

int64_t dtype_max(unsigned dtype)
{
	switch (dtype) {
	case AXON_ISA_INT8: return INT8_MAX;
	case AXON_ISA_UINT8: return UINT8_MAX;
	case AXON_ISA_INT16: return INT16_MAX;
	default: return INT32_MAX;
	}
}

struct axon_isa_tensor tens(uint8_t loc, uint64_t addr, uint8_t dtype, int32_t zp,
			    uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3)
{
	uint32_t d[4] = { d0, d1, d2, d3 };
	uint32_t st[4] = { d1 * d2 * d3, d2 * d3, d3, 1 };
	return tens_s(loc, addr, dtype, zp, d, st);
}

struct axon_isa_tensor tens_s(uint8_t loc, uint64_t addr, uint8_t dtype, int32_t zp,
			      const uint32_t dims[4], const uint32_t strides[4])
{
	struct axon_isa_tensor t;
	memset(&t, 0, sizeof(t));
	t.addr = addr;
	t.loc = loc;
	t.dtype = dtype;
	t.zero_point = zp;
	for (int i = 0; i < 4; i++) {
		t.dims[i] = dims[i];
		t.strides[i] = strides[i];
	}
	return t;
}

uint64_t tens_elems(const struct axon_isa_tensor *t)
{
	return (uint64_t)t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
}

uint64_t tens_span(const struct axon_isa_tensor *t)
{
	uint64_t last = 0;
	for (int i = 0; i < 4; i++)
		last += (uint64_t)(t->dims[i] - 1) * t->strides[i];
	return dtype_size(t->dtype) * (1 + last);
}

struct axon_isa_rq rq(int32_t multiplier, int32_t shift)
{
	struct axon_isa_rq r = { multiplier, shift };
	return r;
}

struct axon_isa_rqtab rqtab(uint8_t loc, uint64_t addr, uint8_t rounding, uint32_t count)
{
	struct axon_isa_rqtab t;
	memset(&t, 0, sizeof(t));
	t.addr = addr;
	t.loc = loc;
	t.rounding = rounding;
	t.count = count;
	return t;
}
