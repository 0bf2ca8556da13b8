// SPDX-License-Identifier: MIT
/*
 * axonc emission: lays out weights and slots, groups consecutive ops of one
 * device into segments and writes each op as ISA packets with relocations
 * for every VA operand and a debug entry per packet. The packets of one op
 * are built in emit_ops.c, tiled through SRAM in emit_tiled.c,
 * emit_tiled_ops.c and emit_sram.c.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "emit_packet.h"

#define SLOT_GAP 0x10000ull

int buf_slot(const struct emitted *e, const struct qgraph *q, int b, uint64_t *base)
{
	const struct qbuf *qb = &q->b[b];
	int i, kind = qb->kind == QB_CONST ? AXB_SLOT_WEIGHTS : qb->kind == QB_ARENA ? AXB_SLOT_ARENA :
		qb->kind == QB_INPUT ? AXB_SLOT_INPUT : AXB_SLOT_OUTPUT;

	if (e->dry) {		/* planning only: addresses do not matter */
		*base = AXB_LINK_VA_BASE;
		return 0;
	}
	for (i = 0; i < e->nslot; i++) {
		if (e->slot[i].kind != kind)
			continue;
		if ((kind == AXB_SLOT_INPUT || kind == AXB_SLOT_OUTPUT) && e->slot[i].ref != qb->io)
			continue;
		*base = e->slot[i].va + (kind == AXB_SLOT_WEIGHTS || kind == AXB_SLOT_ARENA ? qb->offset : 0);
		return i;
	}
	return -1;
}

void push(struct eseg *s, struct pk *p, int op, int opcode)
{
	struct axon_isa_packet h;
	size_t words = al(p->size, 8) / 4, i;

	memset(&h, 0, sizeof(h));
	h.opcode = (uint8_t)opcode;
	h.flags = ((struct axon_isa_packet *)p->buf)->flags;
	h.version = AXON_ISA_PACKET_VERSION;
	h.size_words = (uint16_t)words;
	memcpy(p->buf, &h, sizeof(h));
	if (s->nwords + words > s->cap) {
		s->cap = (s->nwords + words) * 2 + 64;
		s->words = xrealloc(s->words, s->cap * 4);
	}
	for (i = 0; i < (size_t)p->nrel; i++) {
		if (s->nrelocs == s->cap_r) {
			s->cap_r = s->cap_r ? 2 * s->cap_r : 64;
			s->relocs = xrealloc(s->relocs, sizeof(*s->relocs) * (size_t)s->cap_r);
		}
		s->relocs[s->nrelocs].offset = (uint32_t)(s->nwords * 4 + p->roff[i]);
		s->relocs[s->nrelocs].slot = (uint16_t)p->rslot[i];
		s->relocs[s->nrelocs].flags = 0;
		s->nrelocs++;
	}
	memset(s->words + s->nwords, 0, words * 4);
	memcpy(s->words + s->nwords, p->buf, p->size);
	s->nwords += words;
	if (s->npackets == s->cap_d) {
		s->cap_d = s->cap_d ? 2 * s->cap_d : 64;
		s->dbg_op = xrealloc(s->dbg_op, sizeof(int) * (size_t)s->cap_d);
	}
	s->dbg_op[s->npackets++] = op;
	s->op_mask |= 1ull << opcode;
}

int emit_all(struct qgraph *q, struct emitted *e)
{
	uint64_t va = AXB_LINK_VA_BASE, woff = 0;
	int i, cur = -1;

	memset(e, 0, sizeof(*e));
	/* weights */
	for (i = 0; i < q->nb; i++)
		if (q->b[i].kind == QB_CONST) {
			int used = 0, k, j;

			for (j = 0; j < q->no && !used; j++)
				if (!q->o[j].dead) {
					if (q->o[j].aux == i)
						used = 1;
					for (k = 0; k < 3; k++)
						if (q->o[j].in[k] >= 0 && q->v[q->o[j].in[k]].buf == i)
							used = 1;
				}
			if (!used) {
				q->b[i].offset = UINT64_MAX;
				continue;
			}
			q->b[i].offset = woff;
			woff = al(woff + q->b[i].size, 64);
		}
	e->wsize = woff ? woff : 64;
	e->weights = xcalloc((size_t)e->wsize, 1);
	for (i = 0; i < q->nb; i++)
		if (q->b[i].kind == QB_CONST && q->b[i].offset != UINT64_MAX)
			memcpy(e->weights + q->b[i].offset, q->b[i].data, (size_t)q->b[i].size);
	e->slot[e->nslot++] = (struct eslot){ AXB_SLOT_WEIGHTS, 0, va, e->wsize, 0, AXB_ACCESS_READ };
	va = al(va + e->wsize + SLOT_GAP, SLOT_GAP);
	if (q->arena_size) {
		e->slot[e->nslot++] = (struct eslot){ AXB_SLOT_ARENA, 0, va, q->arena_size, 0,
			AXB_ACCESS_READ | AXB_ACCESS_WRITE };
		va = al(va + q->arena_size + SLOT_GAP, SLOT_GAP);
	}
	for (i = 0; i < q->nin + q->nout; i++) {
		int vi = i < q->nin ? q->in[i].val : q->out[i - q->nin].val;
		uint64_t sz = q->b[q->v[vi].buf].size;

		if (e->nslot >= AXB_MAX_SLOTS)
			return -1;
		e->slot[e->nslot++] = (struct eslot){ i < q->nin ? AXB_SLOT_INPUT : AXB_SLOT_OUTPUT, i,
			va, sz, 0, i < q->nin ? AXB_ACCESS_READ : AXB_ACCESS_READ | AXB_ACCESS_WRITE };
		va = al(va + sz + SLOT_GAP, SLOT_GAP);
	}
	e->op_seg = xcalloc((size_t)q->no + 1, sizeof(int));
	for (i = 0; i < q->no; i++) {
		struct eseg *sg;

		e->op_seg[i] = -1;
		if (q->o[i].dead)
			continue;
		if (cur < 0 || e->seg[cur].device != q->o[i].device ||
		    e->seg[cur].host != (q->o[i].kind == Q_HOST)) {
			e->seg = xrealloc(e->seg, sizeof(*e->seg) * (size_t)(e->nseg + 1));
			cur = e->nseg++;
			memset(&e->seg[cur], 0, sizeof(e->seg[cur]));
			e->seg[cur].device = q->o[i].device;
			e->seg[cur].first_op = i;
			e->seg[cur].host = q->o[i].kind == Q_HOST;
			e->seg[cur].nwords = e->seg[cur].host ? 0 : 4;	/* header */
			e->seg[cur].cap = 1024;
			e->seg[cur].words = xcalloc(1024, 4);
		}
		sg = &e->seg[cur];
		e->op_seg[i] = cur;
		sg->last_op = i;
		if (sg->host ? host_emit(q, e, sg, i) : emit_op(q, e, sg, i)) {
			axc_error(q->g, NULL, "cannot encode op #%d (%s from %s): shape not expressible in the ISA",
				  i, qop_name(q->o[i].kind), q->o[i].nodes);
			return -1;
		}
		sg->macs += q->o[i].macs;
	}
	if (!e->nseg) {
		axc_error(q->g, NULL, "nothing to run");
		return -1;
	}
	for (i = 0; i < e->nseg; i++) {
		struct eseg *sg = &e->seg[i];
		struct pk p;
		struct axon_isa_stream_header h;

		if (sg->host)
			continue;
		memset(&p, 0, sizeof(p));
		p.size = sizeof(struct axon_isa_packet);
		push(sg, &p, -1, AXON_OP_END);
		h.magic = AXON_ISA_MAGIC;
		h.version_major = AXON_ISA_VERSION_MAJOR;
		h.version_minor = AXON_ISA_VERSION_MINOR;
		h.size_words = (uint32_t)sg->nwords;
		h.flags = 0;
		memcpy(sg->words, &h, sizeof(h));
	}
	return 0;
}

/* plan one op alone (no slots needed): SRAM bytes, tiles; -2 if it cannot fit */
int emit_plan_op(struct qgraph *q, int oi, struct tile_info *ti)
{
	struct emitted e;
	struct eseg sg;
	int rc;

	memset(&e, 0, sizeof(e));
	memset(&sg, 0, sizeof(sg));
	e.dry = 1;
	sg.device = q->o[oi].device;
	sg.nwords = 4;
	rc = emit_op(q, &e, &sg, oi);
	ti->sram = sg.sram_size;
	ti->tiles = e.tile_count;
	ti->rows = e.tile_rows;
	ti->need = e.tile_need;
	ti->packets = sg.npackets;
	free(sg.words);
	free(sg.relocs);
	free(sg.dbg_op);
	return rc;
}

void emit_free(struct emitted *e)
{
	int i;

	for (i = 0; i < e->nseg; i++) {
		free(e->seg[i].words);
		free(e->seg[i].relocs);
		free(e->seg[i].dbg_op);
	}
	free(e->seg);
	free(e->weights);
	free(e->op_seg);
}
