// SPDX-License-Identifier: MIT
/* axonc --dump: disassembly of every stream, packet -> ONNX node names. */
#include <stdio.h>
#include <string.h>

#include "emit.h"

static const char *opn(int oc)
{
	static const char *const n[] = { "NOP", "END", "MARKER", "DMA", "FILL", "CONV2D",
		"MATMUL", "ELTWISE", "POOL", "REDUCE", "LUT", "SOFTMAX", "LAYERNORM",
		"RESIZE", "RESCALE" };

	return oc >= 0 && oc < AXON_OP_COUNT ? n[oc] : "?";
}

static void pt(const char *name, const struct axon_isa_tensor *t)
{
	printf(" %s=%s0x%llx[%u,%u,%u,%u]/[%u,%u,%u,%u]", name, t->loc ? "sram:" : "",
	       (unsigned long long)t->addr, t->dims[0], t->dims[1], t->dims[2], t->dims[3],
	       t->strides[0], t->strides[1], t->strides[2], t->strides[3]);
}

void disasm(const struct qgraph *q, const struct emitted *e)
{
	static const char *const dn[] = { "?", "npu", "dsp", "dpu", "cpu" };
	int s, k;

	for (s = 0; s < e->nseg; s++) {
		const struct eseg *sg = &e->seg[s];
		size_t w = 4;

		if (sg->host) {
			static const char *const hn[] = { "?", "quantize", "dequantize",
				"dynamic-quantize" };

			printf("=== segment %d: host operations\n", s);
			for (k = 0; k < sg->npackets; k++) {
				const struct axb_host_op *h = (const void *)(sg->words + (size_t)k * 40);

				printf("  %4d %-16s channels=%u inner=%u   <- %s\n", k,
				       hn[h->op <= 3 ? h->op : 0], h->channels, h->inner,
				       q->o[sg->dbg_op[k]].nodes);
			}
			continue;
		}
		printf("=== segment %d: %s, %zu words, %d relocs, %llu MACs\n", s, dn[sg->device],
		       sg->nwords, sg->nrelocs, (unsigned long long)sg->macs);
		for (k = 0; k < sg->npackets && w < sg->nwords; k++) {
			const struct axon_isa_packet *h = (const void *)(sg->words + w);
			const void *b = h;

			printf("  %4d %-9s", k, opn(h->opcode));
			switch (h->opcode) {
			case AXON_OP_CONV2D: {
				const struct axon_isa_conv2d *c = b;

				pt("in", &c->in);
				pt("w", &c->weight);
				pt("out", &c->out);
				printf(" s=%u,%u p=%u,%u,%u,%u g=%u act=[%d,%d]", c->stride_h, c->stride_w,
				       c->pad_top, c->pad_left, c->pad_bottom, c->pad_right, c->groups,
				       c->act_min, c->act_max);
				break;
			}
			case AXON_OP_MATMUL: {
				const struct axon_isa_matmul *m = b;

				pt("a", &m->a);
				pt("b", &m->b);
				pt("out", &m->out);
				break;
			}
			case AXON_OP_ELTWISE: {
				const struct axon_isa_eltwise *m = b;

				printf(" op=%u", m->op);
				pt("a", &m->a);
				pt("b", &m->b);
				pt("out", &m->out);
				break;
			}
			case AXON_OP_POOL: {
				const struct axon_isa_pool *m = b;

				printf(" kind=%u k=%u,%u", m->kind, m->kernel_h, m->kernel_w);
				pt("in", &m->in);
				pt("out", &m->out);
				break;
			}
			case AXON_OP_DMA: {
				const struct axon_isa_dma *m = b;

				pt("src", &m->src);
				pt("dst", &m->dst);
				break;
			}
			case AXON_OP_LUT: case AXON_OP_SOFTMAX: case AXON_OP_LAYERNORM:
			case AXON_OP_RESCALE: {
				const struct axon_isa_lut *m = b;	/* in/out lead every one */

				pt("in", &m->in);
				pt("out", &m->out);
				break;
			}
			default:
				break;
			}
			if (sg->dbg_op[k] >= 0)
				printf("   <- %s", q->o[sg->dbg_op[k]].nodes);
			printf("\n");
			w += h->size_words ? h->size_words : 2;
		}
	}
}
