// SPDX-License-Identifier: MIT
/* axonc: writes the .axb package (runtime/include/axon/axb_format.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

struct sbuf {
	uint8_t *p;
	size_t n, cap;
};

static size_t sb_add(struct sbuf *b, const void *d, size_t n)
{
	size_t at = b->n;

	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n)
		memcpy(b->p + b->n, d, n);
	b->n += n;
	return at;
}

static uint32_t str(struct sbuf *s, const char *t)
{
	return (uint32_t)sb_add(s, t ? t : "", strlen(t ? t : "") + 1);
}

struct sec {
	uint32_t type, id, entry;
	const void *data;
	uint64_t size;
};

int axb_write(const char *path, struct qgraph *q, struct emitted *e, const char *json)
{
	struct sbuf strs = { 0 }, file = { 0 };
	struct sec secs[64 + 16];
	int ns = 0, i, k, nslots = 0, nrel = 0, ndbg = 0, stream_sec0, weights_sec;
	struct axb_model model;
	struct axb_segment *segs = xcalloc((size_t)e->nseg, sizeof(*segs));
	struct axb_slot *slots = xcalloc((size_t)(e->nseg * e->nslot) + 1, sizeof(*slots));
	struct axb_reloc *rel;
	struct axb_debug *dbg;
	struct axb_tensor *tens = xcalloc((size_t)(q->nin + q->nout) + 1, sizeof(*tens));
	struct axb_io *ios = xcalloc((size_t)(q->nin + q->nout) + 1, sizeof(*ios));
	struct axb_placement *pl = xcalloc((size_t)q->g->nn + 1, sizeof(*pl));
	int npl = 0, ret = -1;
	struct axb_header h;
	FILE *f;

	if (e->nseg > 64) {
		axc_error(q->g, NULL, "too many segments (%d)", e->nseg);
		goto out;
	}
	for (i = 0; i < e->nseg; i++) {
		nrel += e->seg[i].nrelocs;
		ndbg += e->seg[i].npackets;
	}
	rel = xcalloc((size_t)nrel + 1, sizeof(*rel));
	dbg = xcalloc((size_t)ndbg + 1, sizeof(*dbg));
	str(&strs, "");
	/* section indices: 0 strings, 1 model, 2 segments, 3.. streams, weights, ... */
	stream_sec0 = 3;
	weights_sec = stream_sec0 + e->nseg;
	nrel = ndbg = 0;
	for (i = 0; i < e->nseg; i++) {
		struct eseg *sg = &e->seg[i];
		static const char *const dn[] = { "?", "npu", "dsp", "dpu", "cpu" };
		char nm[32];

		snprintf(nm, sizeof(nm), "%s%d", dn[sg->device], i);
		segs[i].device = (uint32_t)sg->device;
		segs[i].flags = sg->host ? AXB_SEGMENT_F_HOST : 0;
		segs[i].stream_section = (uint32_t)(stream_sec0 + i);
		segs[i].name = str(&strs, nm);
		segs[i].slot_first = (uint32_t)nslots;
		segs[i].slot_count = (uint32_t)e->nslot;
		for (k = 0; k < e->nslot; k++) {
			struct axb_slot *s = &slots[nslots++];

			s->kind = (uint32_t)e->slot[k].kind;
			s->ref = e->slot[k].kind == AXB_SLOT_WEIGHTS ? (uint32_t)weights_sec : (uint32_t)e->slot[k].ref;
			s->va = e->slot[k].va;
			s->size = e->slot[k].size;
			s->offset = e->slot[k].offset;
			s->access = e->slot[k].access;
		}
		segs[i].reloc_first = (uint32_t)nrel;
		segs[i].reloc_count = (uint32_t)sg->nrelocs;
		memcpy(rel + nrel, sg->relocs, sizeof(*rel) * (size_t)sg->nrelocs);
		nrel += sg->nrelocs;
		segs[i].debug_first = (uint32_t)ndbg;
		for (k = 0; k < sg->npackets && !sg->host; k++) {
			if (sg->dbg_op[k] < 0)
				continue;
			dbg[ndbg].segment = (uint32_t)i;
			dbg[ndbg].packet = (uint32_t)k;
			dbg[ndbg].nodes = str(&strs, q->o[sg->dbg_op[k]].nodes);
			ndbg++;
		}
		segs[i].debug_count = (uint32_t)ndbg - segs[i].debug_first;
		segs[i].sram_size = sg->sram_size;
		segs[i].op_mask = sg->op_mask;
		segs[i].macs = sg->macs;
	}
	for (i = 0; i < q->nin + q->nout; i++) {
		const struct qio *io = i < q->nin ? &q->in[i] : &q->out[i - q->nin];
		const struct qval *v = &q->v[io->val];
		const struct value *ov = q->g->v[io->onnx];
		float sc = (float)v->scale;

		tens[i].name = str(&strs, ov->name);
		tens[i].dtype = (uint8_t)v->dtype;
		tens[i].rank = (uint8_t)v->rank;
		tens[i].space = AXB_SPACE_IO;
		tens[i].ref = (uint32_t)i;
		tens[i].zero_point = v->dtype == AXON_ISA_INT32 ? 0 : v->zp;
		memcpy(&tens[i].scale, &sc, 4);
		for (k = 0; k < v->rank; k++)
			tens[i].dims[k] = (uint32_t)v->dims[k];
		tens[i].size = q->b[v->buf].size;
		ios[i].tensor = (uint32_t)i;
		ios[i].direction = i < q->nin ? AXB_IO_INPUT : AXB_IO_OUTPUT;
		ios[i].ext_dtype = (uint32_t)io->ext_dtype;
		ios[i].name = str(&strs, io->name);
	}
	for (i = 0; i < q->g->nn; i++) {
		const struct node *n = &q->g->n[i];
		int op = q->node_op[i];

		pl[npl].node = str(&strs, n->name);
		pl[npl].op_type = str(&strs, n->op);
		pl[npl].segment = AXB_SEGMENT_NONE;
		if (op >= 0 && op < q->no && !q->o[op].dead) {
			pl[npl].device = (uint32_t)q->o[op].device;
			pl[npl].segment = (uint32_t)e->op_seg[op];
			pl[npl].reason = (uint32_t)q->o[op].reason;
			pl[npl].detail = str(&strs, q->o[op].detail);
			pl[npl].macs = q->o[op].macs;
		} else if (op == -2) {
			pl[npl].device = AXB_DEV_CPU;
			pl[npl].reason = AXB_REASON_BOUNDARY;
			pl[npl].detail = str(&strs, "quantize/dequantize at the model boundary (runtime)");
		} else {
			/* folded, fused into a neighbour, or a Q/DQ absorbed into an op */
			int j, found = -1;

			for (j = 0; j < q->no && found < 0; j++) {
				const char *s = q->o[j].nodes;
				size_t l = strlen(n->name);

				if (q->o[j].dead)
					continue;
				while (s && (s = strstr(s, n->name))) {
					if ((s == q->o[j].nodes || s[-1] == ',') && (s[l] == ',' || !s[l])) {
						found = j;
						break;
					}
					s += 1;
				}
			}
			if (found >= 0) {
				pl[npl].device = (uint32_t)q->o[found].device;
				pl[npl].segment = (uint32_t)e->op_seg[found];
				pl[npl].reason = (uint32_t)q->o[found].reason;
				pl[npl].detail = str(&strs, "fused");
			} else {
				pl[npl].device = AXB_DEV_CPU;
				pl[npl].reason = AXB_REASON_NONE;
				pl[npl].detail = str(&strs, "folded at compile time");
			}
		}
		npl++;
	}
	memset(&model, 0, sizeof(model));
	model.name = str(&strs, q->g->name);
	model.producer = str(&strs, "axonc 1.0");
	model.segment_count = (uint32_t)e->nseg;
	model.input_count = (uint32_t)q->nin;
	model.output_count = (uint32_t)q->nout;
	model.arena_size = q->arena_size;
	for (i = 0; i < e->nseg; i++)
		model.targets |= 1u << e->seg[i].device;
	while (strs.n % 8)
		sb_add(&strs, "", 1);

	secs[ns++] = (struct sec){ AXB_SEC_STRINGS, 0, 0, strs.p, strs.n };
	secs[ns++] = (struct sec){ AXB_SEC_MODEL, 0, sizeof(model), &model, sizeof(model) };
	secs[ns++] = (struct sec){ AXB_SEC_SEGMENTS, 0, sizeof(*segs), segs, sizeof(*segs) * (size_t)e->nseg };
	for (i = 0; i < e->nseg; i++)
		secs[ns++] = e->seg[i].host ?
			(struct sec){ AXB_SEC_HOST_OPS, (uint32_t)i, sizeof(struct axb_host_op),
				      e->seg[i].words, e->seg[i].nwords * 4 } :
			(struct sec){ AXB_SEC_STREAM, (uint32_t)i, 0, e->seg[i].words,
				      e->seg[i].nwords * 4 };
	secs[ns++] = (struct sec){ AXB_SEC_WEIGHTS, 0, 0, e->weights, e->wsize };
	secs[ns++] = (struct sec){ AXB_SEC_SLOTS, 0, sizeof(*slots), slots, sizeof(*slots) * (size_t)nslots };
	secs[ns++] = (struct sec){ AXB_SEC_RELOCS, 0, sizeof(*rel), rel, sizeof(*rel) * (size_t)nrel };
	secs[ns++] = (struct sec){ AXB_SEC_TENSORS, 0, sizeof(*tens), tens,
		sizeof(*tens) * (size_t)(q->nin + q->nout) };
	secs[ns++] = (struct sec){ AXB_SEC_IO, 0, sizeof(*ios), ios, sizeof(*ios) * (size_t)(q->nin + q->nout) };
	secs[ns++] = (struct sec){ AXB_SEC_PLACEMENT, 0, sizeof(*pl), pl, sizeof(*pl) * (size_t)npl };
	secs[ns++] = (struct sec){ AXB_SEC_DEBUG, 0, sizeof(*dbg), dbg, sizeof(*dbg) * (size_t)ndbg };
	if (json)
		secs[ns++] = (struct sec){ AXB_SEC_REPORT_JSON, 0, 0, json, strlen(json) };

	{
		struct axb_section *tab = xcalloc((size_t)ns, sizeof(*tab));
		uint64_t off = AXB_ALIGN_UP(64 + sizeof(*tab) * (size_t)ns, AXB_SECTION_ALIGN);
		static const uint8_t zero[64];

		for (i = 0; i < ns; i++) {
			tab[i].type = secs[i].type;
			tab[i].offset = off;
			tab[i].size = secs[i].size;
			tab[i].entry_size = secs[i].entry;
			tab[i].id = secs[i].id;
			/* a reader that cannot run host ops must reject the package */
			tab[i].flags = secs[i].type == AXB_SEC_HOST_OPS ? AXB_SECTION_F_REQUIRED : 0;
			tab[i].crc = axb_crc32(0, secs[i].data, (size_t)secs[i].size);
			off = AXB_ALIGN_UP(off + secs[i].size, AXB_SECTION_ALIGN);
		}
		memset(&h, 0, sizeof(h));
		sb_add(&file, &h, sizeof(h));
		sb_add(&file, tab, sizeof(*tab) * (size_t)ns);
		for (i = 0; i < ns; i++) {
			while (file.n < tab[i].offset)
				sb_add(&file, zero, (size_t)(tab[i].offset - file.n) > 64 ? 64 :
				       (size_t)(tab[i].offset - file.n));
			sb_add(&file, secs[i].data, (size_t)secs[i].size);
		}
		while (file.n % AXB_SECTION_ALIGN)
			sb_add(&file, zero, 1);
		h.magic = AXB_MAGIC;
		h.version_major = AXB_VERSION_MAJOR;
		h.version_minor = AXB_VERSION_MINOR;
		h.isa_major = AXON_ISA_VERSION_MAJOR;
		h.isa_minor = AXON_ISA_VERSION_MINOR;
		h.header_size = 64;
		h.file_size = file.n;
		h.section_offset = 64;
		h.section_count = (uint32_t)ns;
		h.section_entry_size = sizeof(*tab);
		h.file_crc = axb_crc32(0, file.p + 64, file.n - 64);
		h.header_crc = 0;
		h.header_crc = axb_crc32(0, &h, sizeof(h));
		memcpy(file.p, &h, sizeof(h));
		free(tab);
	}
	f = fopen(path, "wb");
	if (!f || fwrite(file.p, 1, file.n, f) != file.n) {
		fprintf(stderr, "axonc: cannot write %s\n", path);
		if (f)
			fclose(f);
		goto out2;
	}
	if (fclose(f)) {
		fprintf(stderr, "axonc: cannot write %s\n", path);
		goto out2;
	}
	ret = 0;
out2:
	free(rel);
	free(dbg);
out:
	free(strs.p);
	free(file.p);
	free(segs);
	free(slots);
	free(tens);
	free(ios);
	free(pl);
	return ret;
}
