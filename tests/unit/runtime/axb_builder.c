// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "axb_builder.h"

void axbb_init(struct axbb *b)
{
	memset(b, 0, sizeof(*b));
	b->strings_len = 1;
	b->model.name = axbb_str(b, "test-model");
	b->model.producer = axbb_str(b, "unit-test");
}

uint32_t axbb_str(struct axbb *b, const char *s)
{
	uint32_t off = b->strings_len;
	size_t n = strlen(s) + 1;

	memcpy(b->strings + off, s, n);
	b->strings_len += (uint32_t)n;
	return off;
}

uint32_t axbb_add_weights(struct axbb *b, const void *data, size_t size)
{
	b->weights[b->nweights] = data;
	b->weight_sizes[b->nweights] = size;
	return b->nweights++;
}

uint32_t axbb_add_io(struct axbb *b, const char *name, int dir, uint8_t dtype,
		     uint32_t ext_dtype, uint32_t rank, const uint32_t *dims,
		     float scale, int32_t zp)
{
	struct axb_tensor *t = &b->tensors[b->ntensors];
	struct axb_io *io = &b->ios[b->nios];
	uint64_t n = 1;

	t->name = axbb_str(b, name);
	t->dtype = dtype;
	t->rank = (uint8_t)rank;
	t->space = AXB_SPACE_IO;
	t->ref = b->nios;
	t->zero_point = zp;
	memcpy(&t->scale, &scale, 4);
	for (uint32_t i = 0; i < rank; i++) {
		t->dims[i] = dims[i];
		n *= dims[i];
	}
	t->size = n * axb_dtype_size(dtype);
	io->tensor = b->ntensors++;
	io->direction = (uint32_t)dir;
	io->ext_dtype = ext_dtype;
	io->name = t->name;
	if (dir == 1)
		b->model.input_count++;
	else
		b->model.output_count++;
	return b->nios++;
}

uint32_t axbb_add_slot(struct axbb *b, uint32_t kind, uint32_t ref, uint64_t va,
		       uint64_t size, uint64_t offset, uint32_t access)
{
	struct axb_slot *s = &b->slots[b->nslots];

	s->kind = kind;
	s->ref = ref;
	s->va = va;
	s->size = size;
	s->offset = offset;
	s->access = access;
	return b->nslots++;
}

void axbb_add_reloc(struct axbb *b, uint32_t offset, uint16_t slot)
{
	b->relocs[b->nrelocs].offset = offset;
	b->relocs[b->nrelocs].slot = slot;
	b->nrelocs++;
}

void axbb_add_segment(struct axbb *b, uint32_t device, const void *stream,
		      size_t size, uint32_t slot_first, uint32_t reloc_first,
		      uint64_t sram)
{
	struct axb_segment *s = &b->segs[b->nseg];

	s->device = device;
	s->name = axbb_str(b, device == AXB_DEV_CPU ? "cpu" : "acc");
	s->slot_first = slot_first;
	s->slot_count = b->nslots - slot_first;
	s->reloc_first = reloc_first;
	s->reloc_count = b->nrelocs - reloc_first;
	s->sram_size = sram;
	b->streams[b->nseg] = stream;
	b->stream_sizes[b->nseg] = size;
	b->nseg++;
}

void axbb_fix_crcs(uint8_t *data, size_t size)
{
	struct axb_header *h = (void *)data;

	for (uint32_t i = 0; i < h->section_count; i++) {
		size_t at = h->section_offset + (size_t)i * h->section_entry_size;
		struct axb_section *s = (void *)(data + at);

		if (at + sizeof(*s) > size)
			break;
		if (s->offset <= size && s->size <= size - s->offset)
			s->crc = axb_crc32(0, data + s->offset, s->size);
	}
	h->file_crc = axb_crc32(0, data + 64, size - 64);
	h->header_crc = 0;
	h->header_crc = axb_crc32(0, h, 64);
}

uint8_t *axbb_finish(struct axbb *b, size_t *size_out)
{
	struct { uint32_t type, esz; const void *p; size_t sz, id; } sec[64];
	uint32_t n = 0;
	size_t off, total;
	uint8_t *data;
	struct axb_header *h;

	b->model.segment_count = b->nseg;
	/* 9 tables, the weights, then one stream per segment */
	for (uint32_t i = 0; i < b->nseg; i++)
		b->segs[i].stream_section = 9 + b->nweights + i;
#define S(T, E, P, SZ, ID) sec[n].type = T; sec[n].esz = E; sec[n].p = P; \
	sec[n].sz = SZ; sec[n].id = ID; n++
	S(AXB_SEC_STRINGS, 0, b->strings, b->strings_len, 0);
	S(AXB_SEC_MODEL, sizeof(b->model), &b->model, sizeof(b->model), 0);
	S(AXB_SEC_SEGMENTS, sizeof(b->segs[0]), b->segs, b->nseg * sizeof(b->segs[0]), 0);
	S(AXB_SEC_SLOTS, sizeof(b->slots[0]), b->slots, b->nslots * sizeof(b->slots[0]), 0);
	S(AXB_SEC_RELOCS, sizeof(b->relocs[0]), b->relocs, b->nrelocs * sizeof(b->relocs[0]), 0);
	S(AXB_SEC_TENSORS, sizeof(b->tensors[0]), b->tensors, b->ntensors * sizeof(b->tensors[0]), 0);
	S(AXB_SEC_IO, sizeof(b->ios[0]), b->ios, b->nios * sizeof(b->ios[0]), 0);
	S(AXB_SEC_PLACEMENT, sizeof(b->placements[0]), b->placements,
	  b->nplacements * sizeof(b->placements[0]), 0);
	S(AXB_SEC_DEBUG, sizeof(b->debugs[0]), b->debugs, b->ndebugs * sizeof(b->debugs[0]), 0);
	for (uint32_t i = 0; i < b->nweights; i++) {
		S(AXB_SEC_WEIGHTS, 0, b->weights[i], b->weight_sizes[i], i);
	}
	for (uint32_t i = 0; i < b->nseg; i++) {
		S(AXB_SEC_STREAM, 0, b->streams[i], b->stream_sizes[i], i);
	}
#undef S
	off = AXB_ALIGN_UP(64 + n * sizeof(struct axb_section), 64);
	total = off;
	for (uint32_t i = 0; i < n; i++)
		total = AXB_ALIGN_UP(total, 64) + sec[i].sz;
	data = calloc(1, total);
	h = (void *)data;
	h->magic = AXB_MAGIC;
	h->version_major = AXB_VERSION_MAJOR;
	h->version_minor = AXB_VERSION_MINOR;
	h->isa_major = AXON_ISA_VERSION_MAJOR;
	h->header_size = 64;
	h->file_size = total;
	h->section_offset = 64;
	h->section_count = n;
	h->section_entry_size = sizeof(struct axb_section);
	for (uint32_t i = 0; i < n; i++) {
		struct axb_section *s = (void *)(data + 64 + i * sizeof(*s));

		off = AXB_ALIGN_UP(off, 64);
		s->type = sec[i].type;
		s->offset = off;
		s->size = sec[i].sz;
		s->entry_size = sec[i].esz;
		s->id = (uint32_t)sec[i].id;
		if (sec[i].sz)
			memcpy(data + off, sec[i].p, sec[i].sz);
		off += sec[i].sz;
	}
	axbb_fix_crcs(data, total);
	*size_out = total;
	return data;
}

void sw_init(struct sw *w)
{
	struct axon_isa_stream_header *h = (void *)w->words;

	memset(w, 0, sizeof(*w));
	h->magic = AXON_ISA_MAGIC;
	h->version_major = AXON_ISA_VERSION_MAJOR;
	h->version_minor = AXON_ISA_VERSION_MINOR;
	w->n = 4;
}

void *sw_packet(struct sw *w, uint8_t opcode, size_t size)
{
	uint32_t words = (uint32_t)((size + 7) / 8 * 2);
	struct axon_isa_packet *p = (void *)&w->words[w->n];

	memset(p, 0, words * 4);
	p->opcode = opcode;
	p->version = AXON_ISA_PACKET_VERSION;
	p->size_words = (uint16_t)words;
	w->n += words;
	return p;
}

void sw_va(struct sw *w, const void *field)
{
	w->relocs[w->nrel++] = (uint32_t)((const uint8_t *)field - (const uint8_t *)w->words);
}

size_t sw_end(struct sw *w)
{
	struct axon_isa_stream_header *h = (void *)w->words;

	sw_packet(w, AXON_OP_END, sizeof(struct axon_isa_packet));
	h->size_words = w->n;
	return w->n * 4;
}

struct axon_isa_tensor tva(uint64_t va, uint8_t dtype, int32_t zp,
			   uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3)
{
	struct axon_isa_tensor t;

	memset(&t, 0, sizeof(t));
	t.addr = va;
	t.loc = AXON_ISA_LOC_VA;
	t.dtype = dtype;
	t.zero_point = zp;
	t.dims[0] = d0;
	t.dims[1] = d1;
	t.dims[2] = d2;
	t.dims[3] = d3;
	t.strides[3] = 1;
	t.strides[2] = d3;
	t.strides[1] = d3 * d2;
	t.strides[0] = d3 * d2 * d1;
	return t;
}

struct axon_isa_tensor tsram(uint64_t off, uint8_t dtype, int32_t zp,
			     uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3)
{
	struct axon_isa_tensor t = tva(off, dtype, zp, d0, d1, d2, d3);

	t.loc = AXON_ISA_LOC_SRAM;
	return t;
}
