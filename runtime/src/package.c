// SPDX-License-Identifier: MIT
/*
 * .axb loader and verifier. Everything in the file is checked here (sizes,
 * offsets, alignment, checksums, indices, strings, shapes) before any other
 * part of the library looks at it; after pkg_parse() succeeds, tables and
 * strings can be used without further bounds checks. Stream contents are
 * validated later by the firmware validator (model.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define FMT(...) axon_err(AXON_E_FORMAT, "invalid package: " __VA_ARGS__)

/* Generous sanity limits: well beyond any real model, far below overflow. */
#define MAX_ELEMS	(1ull << 36)
#define MAX_ARENA	(1ull << 40)

static const char *const sec_names[] = {
	"?", "STRINGS", "MODEL", "SEGMENTS", "STREAM", "WEIGHTS", "SLOTS",
	"RELOCS", "TENSORS", "IO", "PLACEMENT", "DEBUG", "REPORT_JSON",
	"HOST_OPS",
};

static const char *sec_name(uint32_t t)
{
	return t < sizeof(sec_names) / sizeof(sec_names[0]) ? sec_names[t] : "?";
}

static int add_ok(uint64_t a, uint64_t b, uint64_t limit)
{
	return a <= limit && b <= limit - a;
}

const struct axb_section *pkg_section(const struct pkg *p, uint32_t i)
{
	return (const struct axb_section *)(p->secs_base + (size_t)i * p->sec_stride);
}

const char *pkg_str(const struct pkg *p, uint32_t off)
{
	return off < p->strings_size ? p->strings + off : "";
}

static int str_ok(const struct pkg *p, uint32_t off)
{
	return off < p->strings_size;	/* last byte is NUL: always terminated */
}

static uint64_t rd64(const uint8_t *q)
{
	uint64_t v;

	memcpy(&v, q, 8);
	return v;
}

static int set_table(const struct pkg *p, const struct axb_section *s,
		     uint32_t idx, size_t min_entry, const uint8_t **base,
		     uint32_t *stride, uint32_t *count)
{
	if (s->entry_size < min_entry || s->entry_size % 8)
		return FMT("section %u (%s): entry_size %u (need a multiple of 8, at least %zu)",
			   idx, sec_name(s->type), s->entry_size, min_entry);
	if (s->size % s->entry_size)
		return FMT("section %u (%s): size %llu is not a multiple of entry_size %u",
			   idx, sec_name(s->type), (unsigned long long)s->size,
			   s->entry_size);
	if (s->size / s->entry_size > 0x7fffffffu)
		return FMT("section %u (%s): too many entries", idx, sec_name(s->type));
	*base = p->base + s->offset;
	*stride = s->entry_size;
	*count = (uint32_t)(s->size / s->entry_size);
	return 0;
}

static int is_weights(const struct pkg *p, uint32_t idx)
{
	return idx < p->nsec && pkg_section(p, idx)->type == AXB_SEC_WEIGHTS;
}

static int check_header(struct pkg *p)
{
	const struct axb_header *h = (const void *)p->base;
	struct axb_header tmp;
	uint64_t tab_end;

	if (p->size < sizeof(*h))
		return FMT("file is %zu bytes, shorter than the %zu-byte header",
			   p->size, sizeof(*h));
	if (h->magic != AXB_MAGIC)
		return FMT("bad magic (not an .axb file)");
	if (h->version_major != AXB_VERSION_MAJOR)
		return FMT("format version %u.%u, this library reads %u.x",
			   h->version_major, h->version_minor, AXB_VERSION_MAJOR);
	memcpy(&tmp, h, sizeof(tmp));
	tmp.header_crc = 0;
	if (axb_crc32(0, &tmp, sizeof(tmp)) != h->header_crc)
		return FMT("header checksum mismatch");
	if (h->header_size != sizeof(*h) || h->flags || h->reserved)
		return FMT("bad header size %u or non-zero flags/reserved",
			   h->header_size);
	if (h->file_size != p->size)
		return FMT("header says %llu bytes, file has %zu (truncated or padded)",
			   (unsigned long long)h->file_size, p->size);
	if (h->section_count == 0 || h->section_count > AXB_MAX_SECTIONS)
		return FMT("section count %u out of range 1..%u",
			   h->section_count, AXB_MAX_SECTIONS);
	if (h->section_entry_size < sizeof(struct axb_section) ||
	    h->section_entry_size % 8)
		return FMT("section entry size %u", h->section_entry_size);
	if (h->section_offset < sizeof(*h) || h->section_offset % 8)
		return FMT("section table offset %llu",
			   (unsigned long long)h->section_offset);
	tab_end = (uint64_t)h->section_count * h->section_entry_size;
	if (!add_ok(h->section_offset, tab_end, p->size))
		return FMT("section table beyond the end of the file");
	if (axb_crc32(0, p->base + sizeof(*h), p->size - sizeof(*h)) != h->file_crc)
		return FMT("file checksum mismatch (corrupted file)");
	p->hdr = h;
	p->secs_base = p->base + h->section_offset;
	p->sec_stride = h->section_entry_size;
	p->nsec = h->section_count;
	return 0;
}

static int check_sections(struct pkg *p)
{
	uint64_t tab_end = p->hdr->section_offset +
		(uint64_t)p->nsec * p->sec_stride;
	int seen[AXB_SEC_HOST_OPS + 1] = { 0 };
	const struct axb_section *s;
	int rc = 0;

	for (uint32_t i = 0; i < p->nsec; i++) {
		s = pkg_section(p, i);
		if (s->offset % AXB_SECTION_ALIGN)
			return FMT("section %u (%s): offset %llu not %d-byte aligned",
				   i, sec_name(s->type), (unsigned long long)s->offset,
				   AXB_SECTION_ALIGN);
		if (s->offset < tab_end || !add_ok(s->offset, s->size, p->size))
			return FMT("section %u (%s): range [%llu, +%llu) outside the file (size %zu)",
				   i, sec_name(s->type), (unsigned long long)s->offset,
				   (unsigned long long)s->size, p->size);
		if (s->flags & ~AXB_SECTION_F_REQUIRED || s->reserved)
			return FMT("section %u: unknown flags or non-zero reserved", i);
		if (axb_crc32(0, p->base + s->offset, s->size) != s->crc)
			return FMT("section %u (%s): checksum mismatch", i,
				   sec_name(s->type));
		if (s->type == 0 || s->type > AXB_SEC_HOST_OPS) {
			if (s->flags & AXB_SECTION_F_REQUIRED)
				return FMT("section %u: unknown required type %u", i,
					   s->type);
			continue;
		}
		if (s->type != AXB_SEC_STREAM && s->type != AXB_SEC_WEIGHTS &&
		    s->type != AXB_SEC_REPORT_JSON && s->type != AXB_SEC_HOST_OPS &&
		    seen[s->type])
			return FMT("section %u: second %s section", i,
				   sec_name(s->type));
		seen[s->type]++;
		switch (s->type) {
		case AXB_SEC_STRINGS:
		case AXB_SEC_STREAM:
		case AXB_SEC_WEIGHTS:
		case AXB_SEC_REPORT_JSON:
			if (s->entry_size)
				return FMT("section %u (%s): entry_size must be 0", i,
					   sec_name(s->type));
			break;
		}
		if (s->type == AXB_SEC_HOST_OPS) {
			const uint8_t *b;
			uint32_t st, n;

			if (!(s->flags & AXB_SECTION_F_REQUIRED))
				return FMT("section %u (HOST_OPS): must be flagged REQUIRED", i);
			rc = set_table(p, s, i, sizeof(struct axb_host_op), &b, &st, &n);
			if (rc)
				return rc;
		}
		switch (s->type) {
		case AXB_SEC_STRINGS:
			if (s->size == 0 || p->base[s->offset] ||
			    p->base[s->offset + s->size - 1])
				return FMT("STRINGS must start and end with a NUL byte");
			p->strings = (const char *)p->base + s->offset;
			p->strings_size = s->size;
			break;
		case AXB_SEC_MODEL: {
			const uint8_t *b;
			uint32_t st, n;

			rc = set_table(p, s, i, sizeof(struct axb_model), &b, &st, &n);
			if (rc)
				return rc;
			if (n != 1)
				return FMT("MODEL has %u entries, expected 1", n);
			memcpy(&p->model, b, sizeof(p->model));
			break;
		}
#define TABLE(T, type, name) \
		case T: \
			rc = set_table(p, s, i, sizeof(type), &p->name, \
				       &p->name##_stride, &p->n_##name); \
			if (rc) \
				return rc; \
			break;
		TABLE(AXB_SEC_SEGMENTS, struct axb_segment, segments)
		TABLE(AXB_SEC_SLOTS, struct axb_slot, slots)
		TABLE(AXB_SEC_RELOCS, struct axb_reloc, relocs)
		TABLE(AXB_SEC_TENSORS, struct axb_tensor, tensors)
		TABLE(AXB_SEC_IO, struct axb_io, ios)
		TABLE(AXB_SEC_PLACEMENT, struct axb_placement, placements)
		TABLE(AXB_SEC_DEBUG, struct axb_debug, debugs)
#undef TABLE
		default:
			break;
		}
	}
	if (!seen[AXB_SEC_STRINGS] || !seen[AXB_SEC_MODEL] ||
	    !seen[AXB_SEC_SEGMENTS] || !seen[AXB_SEC_SLOTS] ||
	    !seen[AXB_SEC_TENSORS] || !seen[AXB_SEC_IO])
		return FMT("a mandatory section (STRINGS, MODEL, SEGMENTS, SLOTS, TENSORS, IO) is missing");
	return 0;
}

static int check_model(struct pkg *p)
{
	const struct axb_model *m = &p->model;

	if (m->flags || m->pad)
		return FMT("MODEL: non-zero flags/pad");
	if (!str_ok(p, m->name) || !str_ok(p, m->producer))
		return FMT("MODEL: name outside STRINGS");
	if (m->segment_count == 0 || m->segment_count != p->n_segments)
		return FMT("MODEL: segment_count %u, SEGMENTS has %u",
			   m->segment_count, p->n_segments);
	if ((uint64_t)m->input_count + m->output_count != p->n_ios)
		return FMT("MODEL: %u inputs + %u outputs, IO has %u entries",
			   m->input_count, m->output_count, p->n_ios);
	if (m->arena_size > MAX_ARENA)
		return FMT("MODEL: arena of %llu bytes is absurd",
			   (unsigned long long)m->arena_size);
	return 0;
}

static int check_tensors(struct pkg *p)
{
	for (uint32_t i = 0; i < p->n_tensors; i++) {
		const struct axb_tensor *t = PKG_ENTRY(p, tensors, i);
		uint64_t elems = 1;
		unsigned int es = axb_dtype_size(t->dtype);
		uint32_t scale_exp = (t->scale >> 23) & 0xff;

		if (!str_ok(p, t->name))
			return FMT("tensor %u: name outside STRINGS", i);
		if (!es || (t->dtype == AXB_DTYPE_FLOAT32 && t->zero_point))
			return FMT("tensor %u (%s): bad dtype %u (or float32 with a zero point)",
				   i, pkg_str(p, t->name), t->dtype);
		if (t->rank > AXB_MAX_RANK || t->flags || t->pad)
			return FMT("tensor %u (%s): rank %u > %d or non-zero flags/pad",
				   i, pkg_str(p, t->name), t->rank, AXB_MAX_RANK);
		for (uint32_t d = 0; d < AXB_MAX_RANK; d++) {
			if (d >= t->rank) {
				if (t->dims[d])
					return FMT("tensor %u (%s): dims beyond rank must be 0",
						   i, pkg_str(p, t->name));
				continue;
			}
			if (t->dims[d] == 0 || t->dims[d] > MAX_ELEMS / elems)
				return FMT("tensor %u (%s): absurd shape (dim %u = %u)",
					   i, pkg_str(p, t->name), d, t->dims[d]);
			elems *= t->dims[d];
		}
		if (t->size != elems * es)
			return FMT("tensor %u (%s): size %llu, shape says %llu",
				   i, pkg_str(p, t->name),
				   (unsigned long long)t->size,
				   (unsigned long long)(elems * es));
		if (t->scale >> 31 || scale_exp == 0xff)
			return FMT("tensor %u (%s): scale is negative, inf or NaN",
				   i, pkg_str(p, t->name));
		switch (t->dtype) {
		case AXB_DTYPE_INT8:
			if (t->zero_point < -128 || t->zero_point > 127)
				return FMT("tensor %u: zero point %d outside int8", i,
					   t->zero_point);
			break;
		case AXB_DTYPE_UINT8:
			if (t->zero_point < 0 || t->zero_point > 255)
				return FMT("tensor %u: zero point %d outside uint8", i,
					   t->zero_point);
			break;
		case AXB_DTYPE_INT16:
			if (t->zero_point < -32768 || t->zero_point > 32767)
				return FMT("tensor %u: zero point %d outside int16", i,
					   t->zero_point);
			break;
		}
		switch (t->space) {
		case AXB_SPACE_NONE:
			break;
		case AXB_SPACE_ARENA:
			if (!add_ok(t->offset, t->size, p->model.arena_size))
				return FMT("tensor %u (%s): outside the arena", i,
					   pkg_str(p, t->name));
			break;
		case AXB_SPACE_WEIGHTS:
			if (!is_weights(p, t->ref) ||
			    !add_ok(t->offset, t->size, pkg_section(p, t->ref)->size))
				return FMT("tensor %u (%s): outside its WEIGHTS section",
					   i, pkg_str(p, t->name));
			break;
		case AXB_SPACE_IO:
			if (t->ref >= p->n_ios ||
			    ((const struct axb_io *)PKG_ENTRY(p, ios, t->ref))->tensor != i)
				return FMT("tensor %u (%s): bad I/O reference %u", i,
					   pkg_str(p, t->name), t->ref);
			break;
		default:
			return FMT("tensor %u: unknown space %u", i, t->space);
		}
	}
	return 0;
}

static int check_ios(struct pkg *p)
{
	for (uint32_t i = 0; i < p->n_ios; i++) {
		const struct axb_io *io = PKG_ENTRY(p, ios, i);
		const struct axb_tensor *t;
		uint32_t want = i < p->model.input_count ? AXB_IO_INPUT : AXB_IO_OUTPUT;

		if (io->tensor >= p->n_tensors)
			return FMT("io %u: tensor index %u out of range", i, io->tensor);
		t = PKG_ENTRY(p, tensors, io->tensor);
		if (io->direction != want)
			return FMT("io %u: direction %u, expected %u (inputs first)",
				   i, io->direction, want);
		if (t->space != AXB_SPACE_IO || t->ref != i)
			return FMT("io %u: its tensor is not in I/O space", i);
		if (io->ext_dtype != t->dtype &&
		    !(io->ext_dtype == AXB_DTYPE_FLOAT32 && t->dtype <= AXB_DTYPE_INT16 &&
		      t->scale != 0))
			return FMT("io %u: application dtype %u incompatible with %u",
				   i, io->ext_dtype, t->dtype);
		if (!str_ok(p, io->name) || io->flags || io->pad)
			return FMT("io %u: bad name or non-zero flags/pad", i);
	}
	return 0;
}

static int check_stream(struct pkg *p, uint32_t si, const struct axb_segment *sg)
{
	const struct axb_section *s;
	uint32_t hdr[4];

	if (sg->stream_section >= p->nsec)
		return FMT("segment %u: stream section %u out of range", si,
			   sg->stream_section);
	s = pkg_section(p, sg->stream_section);
	if (s->type != AXB_SEC_STREAM || s->id != si)
		return FMT("segment %u: section %u is not its STREAM", si,
			   sg->stream_section);
	if (s->size < 24 || s->size % 8)
		return FMT("segment %u: stream size %llu", si,
			   (unsigned long long)s->size);
	memcpy(hdr, p->base + s->offset, sizeof(hdr));
	if ((uint64_t)hdr[2] * 4 != s->size)
		return FMT("segment %u: stream header says %u words, section has %llu bytes",
			   si, hdr[2], (unsigned long long)s->size);
	return 0;
}

static int check_segments(struct pkg *p)
{
	for (uint32_t si = 0; si < p->n_segments; si++) {
		const struct axb_segment *sg = PKG_ENTRY(p, segments, si);
		uint64_t ssize;
		const uint8_t *stream;
		int rc;

		if (sg->device < AXB_DEV_NPU || sg->device > AXB_DEV_CPU)
			return FMT("segment %u: unknown device type %u", si, sg->device);
		if (sg->flags & ~AXB_SEGMENT_F_HOST || !str_ok(p, sg->name))
			return FMT("segment %u: unknown flags or bad name", si);
		if (sg->flags & AXB_SEGMENT_F_HOST) {
			if (sg->device != AXB_DEV_CPU || sg->reloc_count || sg->debug_count ||
			    sg->sram_size || sg->op_mask)
				return FMT("segment %u: a host segment runs on the cpu and has no relocations, debug entries, SRAM or opcodes",
					   si);
			if (sg->stream_section >= p->nsec ||
			    pkg_section(p, sg->stream_section)->type != AXB_SEC_HOST_OPS ||
			    pkg_section(p, sg->stream_section)->id != si)
				return FMT("segment %u: section %u is not its HOST_OPS", si,
					   sg->stream_section);
		} else {
			rc = check_stream(p, si, sg);
			if (rc)
				return rc;
		}
		stream = p->base + pkg_section(p, sg->stream_section)->offset;
		ssize = pkg_section(p, sg->stream_section)->size;
		if (sg->slot_count == 0 || sg->slot_count > AXB_MAX_SLOTS ||
		    !add_ok(sg->slot_first, sg->slot_count, p->n_slots))
			return FMT("segment %u: slot range %u+%u outside SLOTS (%u)", si,
				   sg->slot_first, sg->slot_count, p->n_slots);
		if (!add_ok(sg->reloc_first, sg->reloc_count, p->n_relocs))
			return FMT("segment %u: reloc range %u+%u outside RELOCS (%u)",
				   si, sg->reloc_first, sg->reloc_count, p->n_relocs);
		if (!add_ok(sg->debug_first, sg->debug_count, p->n_debugs))
			return FMT("segment %u: debug range outside DEBUG", si);
		if (sg->sram_size > (1ull << 32))
			return FMT("segment %u: SRAM need of %llu bytes is absurd", si,
				   (unsigned long long)sg->sram_size);
		for (uint32_t k = 0; k < sg->slot_count; k++) {
			const struct axb_slot *sl =
				PKG_ENTRY(p, slots, sg->slot_first + k);
			const struct axb_tensor *t = NULL;

			if (sl->va % AXB_SLOT_ALIGN || sl->size == 0 ||
			    !add_ok(sl->va, sl->size, UINT64_MAX) || sl->pad ||
			    !sl->access || sl->access & ~(AXB_ACCESS_READ | AXB_ACCESS_WRITE))
				return FMT("segment %u slot %u: bad va/size/access", si, k);
			switch (sl->kind) {
			case AXB_SLOT_WEIGHTS:
				if (!is_weights(p, sl->ref) ||
				    !add_ok(sl->offset, sl->size, pkg_section(p, sl->ref)->size))
					return FMT("segment %u slot %u: outside its WEIGHTS section",
						   si, k);
				if (sl->access != AXB_ACCESS_READ)
					return FMT("segment %u slot %u: weights must be read-only",
						   si, k);
				break;
			case AXB_SLOT_ARENA:
				if (sl->ref || !add_ok(sl->offset, sl->size, p->model.arena_size))
					return FMT("segment %u slot %u: outside the arena (%llu bytes)",
						   si, k, (unsigned long long)p->model.arena_size);
				break;
			case AXB_SLOT_INPUT:
			case AXB_SLOT_OUTPUT:
				if (sl->kind == AXB_SLOT_INPUT ?
				    sl->ref >= p->model.input_count :
				    (sl->ref < p->model.input_count || sl->ref >= p->n_ios))
					return FMT("segment %u slot %u: bad I/O index %u", si, k,
						   sl->ref);
				t = PKG_ENTRY(p, tensors,
					      ((const struct axb_io *)PKG_ENTRY(p, ios, sl->ref))->tensor);
				if (sl->offset || sl->size != t->size)
					return FMT("segment %u slot %u: I/O slot size %llu, tensor has %llu",
						   si, k, (unsigned long long)sl->size,
						   (unsigned long long)t->size);
				if (sl->kind == AXB_SLOT_INPUT && sl->access != AXB_ACCESS_READ)
					return FMT("segment %u slot %u: inputs are read-only", si, k);
				break;
			default:
				return FMT("segment %u slot %u: unknown kind %u", si, k,
					   sl->kind);
			}
			for (uint32_t j = 0; j < k; j++) {
				const struct axb_slot *o =
					PKG_ENTRY(p, slots, sg->slot_first + j);

				if (sl->va < o->va + o->size && o->va < sl->va + sl->size)
					return FMT("segment %u: slots %u and %u overlap", si, j, k);
			}
		}
		for (uint32_t r = 0; r < sg->reloc_count; r++) {
			const struct axb_reloc *rl =
				PKG_ENTRY(p, relocs, sg->reloc_first + r);
			const struct axb_slot *sl;
			uint64_t v;

			if (rl->offset % 8 || rl->offset < 16 ||
			    (uint64_t)rl->offset + 8 > ssize || rl->flags ||
			    rl->slot >= sg->slot_count)
				return FMT("segment %u reloc %u: field offset %u / slot %u invalid",
					   si, r, rl->offset, rl->slot);
			sl = PKG_ENTRY(p, slots, sg->slot_first + rl->slot);
			v = rd64(stream + rl->offset);
			if (v < sl->va || v - sl->va >= sl->size)
				return FMT("segment %u reloc %u: address 0x%llx not inside slot %u",
					   si, r, (unsigned long long)v, rl->slot);
		}
		if (sg->flags & AXB_SEGMENT_F_HOST) {
			rc = host_check_segment(p, si);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int check_misc(struct pkg *p)
{
	for (uint32_t i = 0; i < p->n_placements; i++) {
		const struct axb_placement *pl = PKG_ENTRY(p, placements, i);

		if (!str_ok(p, pl->node) || !str_ok(p, pl->op_type) ||
		    !str_ok(p, pl->detail) || pl->device < AXB_DEV_NPU ||
		    pl->device > AXB_DEV_CPU || pl->reason > AXB_REASON_HOST ||
		    (pl->segment != AXB_SEGMENT_NONE && pl->segment >= p->n_segments))
			return FMT("placement %u: bad string, device, reason or segment", i);
	}
	for (uint32_t i = 0; i < p->n_debugs; i++) {
		const struct axb_debug *d = PKG_ENTRY(p, debugs, i);

		if (d->segment >= p->n_segments || !str_ok(p, d->nodes) || d->pad)
			return FMT("debug entry %u: bad segment or string", i);
		if (i) {
			const struct axb_debug *pr = PKG_ENTRY(p, debugs, i - 1);

			if (pr->segment > d->segment ||
			    (pr->segment == d->segment && pr->packet >= d->packet))
				return FMT("debug entries not sorted at %u", i);
		}
	}
	return 0;
}

int pkg_parse(struct pkg *p, const void *data, size_t size)
{
	int rc;

	p->base = data;
	p->size = size;
	if ((uintptr_t)data % 8)
		return axon_err(AXON_E_INVALID, "package data not 8-byte aligned");
	rc = check_header(p);
	if (!rc)
		rc = check_sections(p);
	if (!rc)
		rc = check_model(p);
	if (!rc)
		rc = check_ios(p);
	if (!rc)
		rc = check_tensors(p);
	if (!rc)
		rc = check_segments(p);
	if (!rc)
		rc = check_misc(p);
	return rc;
}

int pkg_open_memory(struct pkg *p, const void *data, size_t size)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if (!data && size)
		return axon_err(AXON_E_INVALID, "NULL package data");
	p->owned = malloc(size ? size : 1);
	if (!p->owned)
		return axon_err(AXON_E_NOMEM, "out of memory copying the package");
	if (size)
		memcpy(p->owned, data, size);
	rc = pkg_parse(p, p->owned, size);
	if (rc)
		pkg_close(p);
	return rc;
}

int pkg_open_file(struct pkg *p, const char *path)
{
	struct stat st;
	void *m;
	int fd, rc;

	memset(p, 0, sizeof(*p));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return axon_err_errno(errno == ENOENT ? AXON_E_NOTFOUND : AXON_E_IO,
				      errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return axon_err(AXON_E_INVALID, "%s is not a regular file", path);
	}
	if ((uint64_t)st.st_size < sizeof(struct axb_header)) {
		close(fd);
		return FMT("%s: %lld bytes, too short for an .axb header", path,
			   (long long)st.st_size);
	}
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return axon_err_errno(AXON_E_IO, errno, "cannot mmap %s", path);
	p->map_len = st.st_size;
	rc = pkg_parse(p, m, st.st_size);
	if (rc) {
		char msg[400];

		snprintf(msg, sizeof(msg), "%s", axon_last_error());
		pkg_close(p);
		return axon_err(rc, "%s: %s", path, msg);
	}
	return 0;
}

void pkg_close(struct pkg *p)
{
	if (p->map_len)
		munmap((void *)p->base, p->map_len);
	free(p->owned);
	memset(p, 0, sizeof(*p));
}
