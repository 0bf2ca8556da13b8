/* SPDX-License-Identifier: MIT */
/* Test helper: build .axb packages and ISA streams by hand. */
#ifndef AXB_BUILDER_H
#define AXB_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "axon/axb_format.h"
#include "drm/axon_isa.h"

#define B_MAX 16

struct axbb {
	char strings[4096];
	uint32_t strings_len;
	struct axb_model model;
	struct axb_segment segs[B_MAX];
	uint32_t nseg;
	const void *streams[B_MAX];
	size_t stream_sizes[B_MAX];
	const void *weights[B_MAX];
	size_t weight_sizes[B_MAX];
	uint32_t nweights;
	struct axb_slot slots[64];
	uint32_t nslots;
	struct axb_reloc relocs[64];
	uint32_t nrelocs;
	struct axb_tensor tensors[B_MAX];
	uint32_t ntensors;
	struct axb_io ios[B_MAX];
	uint32_t nios;
	struct axb_placement placements[B_MAX];
	uint32_t nplacements;
	struct axb_debug debugs[B_MAX];
	uint32_t ndebugs;
};

/* Section indices assigned by axbb_finish (fixed order). */
/* Add every weights blob before the slots that use them. */
#define AXBB_SEC_WEIGHTS(b, w)	(9 + (w))
#define AXBB_SEC_STREAM(b, s)	(9 + (b)->nweights + (s))

void axbb_init(struct axbb *b);
uint32_t axbb_str(struct axbb *b, const char *s);
uint32_t axbb_add_weights(struct axbb *b, const void *data, size_t size);
/* An I/O tensor + io entry; returns the io index. */
uint32_t axbb_add_io(struct axbb *b, const char *name, int dir, uint8_t dtype,
		     uint32_t ext_dtype, uint32_t rank, const uint32_t *dims,
		     float scale, int32_t zp);
uint32_t axbb_add_slot(struct axbb *b, uint32_t kind, uint32_t ref, uint64_t va,
		       uint64_t size, uint64_t offset, uint32_t access);
void axbb_add_reloc(struct axbb *b, uint32_t offset, uint16_t slot);
/* Segment using slots [slot_first, nslots) and relocs [reloc_first, nrelocs). */
void axbb_add_segment(struct axbb *b, uint32_t device, const void *stream,
		      size_t size, uint32_t slot_first, uint32_t reloc_first,
		      uint64_t sram);
/* Serialize; returns malloc'ed bytes. */
uint8_t *axbb_finish(struct axbb *b, size_t *size);
/* Recompute every checksum of a (modified) package in place. */
void axbb_fix_crcs(uint8_t *data, size_t size);

/* Stream writer */
struct sw {
	uint32_t words[2048];
	uint32_t n;
	uint32_t relocs[64];	/* byte offsets of VA fields written */
	uint32_t nrel;
};
void sw_init(struct sw *w);
/* Append a packet (struct with hdr first); records VA fields of tensors. */
void *sw_packet(struct sw *w, uint8_t opcode, size_t size);
/* Mark a __u64 field inside the last packet as a VA to relocate. */
void sw_va(struct sw *w, const void *field);
size_t sw_end(struct sw *w);
struct axon_isa_tensor tva(uint64_t va, uint8_t dtype, int32_t zp,
			   uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3);
/* The same operand at byte offset @off of the engine's SRAM. */
struct axon_isa_tensor tsram(uint64_t off, uint8_t dtype, int32_t zp,
			     uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3);

#endif
