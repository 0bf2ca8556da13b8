// SPDX-License-Identifier: MIT
/*
 * Host segments (.axb minor 1, AXB_SEGMENT_F_HOST): float computations that
 * no integer device runs (per-channel quantization at the model boundary,
 * DynamicQuantizeLinear), executed on the host between device segments.
 * host_check_segment() verifies a segment's HOST_OPS table completely at
 * load time (opcodes, dtypes, operand ranges inside the segment's slots,
 * write access, shapes); host_run_segment() then trusts it.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

#define FMT(...) axon_err(AXON_E_FORMAT, "invalid package: " __VA_ARGS__)

static const struct axb_host_op *hop(const struct pkg *p, const struct axb_section *s, uint32_t i)
{
	return (const void *)(p->base + s->offset + (size_t)i * s->entry_size);
}

static int dt_is(uint32_t dt, int a, int b, int c)
{
	return dt == (uint32_t)a || dt == (uint32_t)b || dt == (uint32_t)c;
}

/* operand k of op i: present or absent, dtype allowed, inside its slot */
static int check_operand(const struct pkg *p, uint32_t si, uint32_t i, const char *what,
			 const struct axb_host_operand *o, int write)
{
	const struct axb_segment *sg = PKG_ENTRY(p, segments, si);
	const struct axb_slot *sl;
	unsigned int es;

	if (!o->count)
		return o->slot || o->dtype || o->offset ?
			FMT("segment %u host op %u: %s absent but not zero", si, i, what) : 0;
	es = axb_dtype_size(o->dtype);
	if (!es || o->slot >= sg->slot_count)
		return FMT("segment %u host op %u: %s has dtype %u / slot %u", si, i, what,
			   o->dtype, o->slot);
	sl = PKG_ENTRY(p, slots, sg->slot_first + o->slot);
	if (o->offset % es || o->count > sl->size / es ||
	    o->offset > sl->size - o->count * es)
		return FMT("segment %u host op %u: %s [%llu, +%llu elements) outside slot %u",
			   si, i, what, (unsigned long long)o->offset,
			   (unsigned long long)o->count, o->slot);
	if (write && !(sl->access & AXB_ACCESS_WRITE))
		return FMT("segment %u host op %u: %s is written but slot %u is read-only",
			   si, i, what, o->slot);
	return 0;
}

int host_check_segment(const struct pkg *p, uint32_t si)
{
	const struct axb_segment *sg = PKG_ENTRY(p, segments, si);
	const struct axb_section *s = pkg_section(p, sg->stream_section);
	uint32_t n = (uint32_t)(s->size / s->entry_size);
	static const char *const nm[6] = { "in[0]", "in[1]", "in[2]", "out[0]", "out[1]", "out[2]" };

	if (!n)
		return FMT("segment %u: empty HOST_OPS table", si);
	for (uint32_t i = 0; i < n; i++) {
		const struct axb_host_op *h = hop(p, s, i);
		const struct axb_host_operand *o[6] = { &h->in[0], &h->in[1], &h->in[2],
			&h->out[0], &h->out[1], &h->out[2] };
		uint64_t N = h->in[0].count, cw;
		int rc, need[6] = { 1, 1, 0, 1, 0, 0 }, ok;

		if (h->flags || !h->channels || !h->inner)
			return FMT("segment %u host op %u: non-zero flags or zero channels/inner", si, i);
		for (int k = 0; k < 6; k++) {
			rc = check_operand(p, si, i, nm[k], o[k], k >= 3);
			if (rc)
				return rc;
		}
		cw = (uint64_t)h->channels * h->inner;
		switch (h->op) {
		case AXB_HOST_QUANTIZE:
			ok = h->in[0].dtype == AXB_DTYPE_FLOAT32 &&
			     h->in[1].dtype == AXB_DTYPE_FLOAT32 &&
			     dt_is(h->out[0].dtype, AXB_DTYPE_INT8, AXB_DTYPE_UINT8, 0) &&
			     (!h->in[2].count || h->in[2].dtype == h->out[0].dtype);
			break;
		case AXB_HOST_DEQUANTIZE:
			ok = dt_is(h->in[0].dtype, AXB_DTYPE_INT8, AXB_DTYPE_UINT8, AXB_DTYPE_INT32) &&
			     h->in[1].dtype == AXB_DTYPE_FLOAT32 &&
			     h->out[0].dtype == AXB_DTYPE_FLOAT32 &&
			     (!h->in[2].count || h->in[2].dtype == h->in[0].dtype);
			break;
		case AXB_HOST_DYNAMIC_QUANTIZE:
			need[1] = 0;
			need[4] = need[5] = 1;
			ok = h->in[0].dtype == AXB_DTYPE_FLOAT32 && !h->in[1].count &&
			     !h->in[2].count && h->out[0].dtype == AXB_DTYPE_UINT8 &&
			     h->out[1].dtype == AXB_DTYPE_FLOAT32 && h->out[1].count == 1 &&
			     h->out[2].dtype == AXB_DTYPE_UINT8 && h->out[2].count == 1 &&
			     cw == 1;
			break;
		default:
			return FMT("segment %u host op %u: unknown opcode %u", si, i, h->op);
		}
		for (int k = 0; k < 6; k++)
			if (need[k] && !o[k]->count)
				ok = 0;
		if (h->op != AXB_HOST_DYNAMIC_QUANTIZE &&
		    (h->in[1].count != h->channels ||
		     (h->in[2].count && h->in[2].count != h->channels) || h->out[1].count ||
		     h->out[2].count))
			ok = 0;
		if (!ok || h->out[0].count != N || N % cw)
			return FMT("segment %u host op %u (opcode %u): operand dtypes, counts or shape inconsistent",
				   si, i, h->op);
	}
	return 0;
}

static int32_t ld_int(const uint8_t *b, uint32_t dt, uint64_t i)
{
	int32_t v;

	switch (dt) {
	case AXB_DTYPE_INT8: return ((const int8_t *)b)[i];
	case AXB_DTYPE_UINT8: return b[i];
	default:
		memcpy(&v, b + i * 4, 4);
		return v;
	}
}

static float ld_f(const uint8_t *b, uint64_t i)
{
	float v;

	memcpy(&v, b + i * 4, 4);
	return v;
}

static void st_f(uint8_t *b, uint64_t i, float v)
{
	memcpy(b + i * 4, &v, 4);
}

/* saturate(round_half_to_even(v) + zp) to int8/uint8; v in float32 */
static int32_t sat_round(float v, int32_t zp, uint32_t dt)
{
	float r = nearbyintf(v);	/* default rounding mode: half to even */
	int32_t lo = dt == AXB_DTYPE_INT8 ? -128 : 0, hi = dt == AXB_DTYPE_INT8 ? 127 : 255;
	double x;

	if (isnan(r))
		r = 0;
	x = (double)r + zp;
	return x < lo ? lo : x > hi ? hi : (int32_t)x;
}

static void st_q(uint8_t *b, uint32_t dt, uint64_t i, int32_t v)
{
	if (dt == AXB_DTYPE_INT8)
		((int8_t *)b)[i] = (int8_t)v;
	else
		b[i] = (uint8_t)v;
}

int host_run_segment(axon_run *r, uint32_t s)
{
	const struct pkg *p = &r->model->pkg;
	const struct axb_segment *sg = r->model->segs[s].seg;
	const struct axb_section *sec = pkg_section(p, sg->stream_section);
	uint32_t n = (uint32_t)(sec->size / sec->entry_size);
	void **host = r->ex[s].host;

	for (uint32_t i = 0; i < n; i++) {
		const struct axb_host_op *h = hop(p, sec, i);
#define PTR(o) ((o).count ? (uint8_t *)host[(o).slot] + (o).offset : NULL)
		const uint8_t *x = PTR(h->in[0]), *sc = PTR(h->in[1]), *zp = PTR(h->in[2]);
		uint8_t *y = PTR(h->out[0]), *ys = PTR(h->out[1]), *yz = PTR(h->out[2]);
#undef PTR
		uint64_t N = h->in[0].count;

		switch (h->op) {
		case AXB_HOST_QUANTIZE:
			for (uint64_t k = 0; k < N; k++) {
				uint64_t c = (k / h->inner) % h->channels;
				int32_t z = zp ? ld_int(zp, h->in[2].dtype, c) : 0;

				st_q(y, h->out[0].dtype, k,
				     sat_round(ld_f(x, k) / ld_f(sc, c), z, h->out[0].dtype));
			}
			break;
		case AXB_HOST_DEQUANTIZE:
			for (uint64_t k = 0; k < N; k++) {
				uint64_t c = (k / h->inner) % h->channels;
				int32_t z = zp ? ld_int(zp, h->in[2].dtype, c) : 0;

				st_f(y, k, (float)(ld_int(x, h->in[0].dtype, k) - z) * ld_f(sc, c));
			}
			break;
		case AXB_HOST_DYNAMIC_QUANTIZE: {
			float lo = 0, hi = 0, scale;
			int32_t z = 0;

			for (uint64_t k = 0; k < N; k++) {
				float v = ld_f(x, k);

				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
			}
			scale = (hi - lo) / 255.0f;
			if (scale > 0) {
				float zf = 0.0f - lo / scale;

				zf = zf < 0 ? 0 : zf > 255.0f ? 255.0f : zf;
				z = (int32_t)nearbyintf(zf);
			}
			for (uint64_t k = 0; k < N; k++)
				y[k] = (uint8_t)(scale > 0 ? sat_round(ld_f(x, k) / scale, z,
								       AXB_DTYPE_UINT8) : z);
			st_f(ys, 0, scale);
			yz[0] = (uint8_t)z;
			break;
		}
		default:
			return axon_err(AXON_E_FORMAT, "host op %u: unknown opcode", i);
		}
	}
	return 0;
}
