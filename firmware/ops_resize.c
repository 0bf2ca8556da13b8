// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: RESIZE, nearest and bilinear, NHWC.
 *
 * The coordinate formulas below are part of the ISA definition (they are
 * repeated in uapi/drm/axon_isa.h). For one axis, I = input size, O =
 * output size, o = output index; every division is an exact integer floor
 * division of non-negative numbers.
 *
 * NEAREST, source index (then clamped to I - 1):
 *   HALF_PIXEL    (round half down) (2*o*I + I - 1) / (2*O)
 *   ASYMMETRIC    (floor)           o*I / O
 *   ALIGN_CORNERS (round half up)   O == 1 ? 0 :
 *                                   (2*o*(I-1) + O - 1) / (2*(O-1))
 *
 * BILINEAR, source coordinate q in Q10 (round half up), then clamped to
 * [0, (I-1)*1024]:
 *   HALF_PIXEL    n = (2*o + 1)*I*2048 - O*2048;
 *                 q = n < 0 ? 0 : (n + 2*O) / (4*O)
 *   ASYMMETRIC    q = (o*I*2048 + O) / (2*O)
 *   ALIGN_CORNERS q = O == 1 ? 0 : (o*(I-1)*2048 + O - 1) / (2*(O-1))
 *   i0 = q >> 10, i1 = min(i0 + 1, I - 1), w1 = q & 1023, w0 = 1024 - w1.
 *
 * BILINEAR acc = sum over the four neighbours of wy * wx * (in - zp_in)
 * (Q20); NEAREST acc = in - zp_in. out = requant(acc).
 */
#include "fw_priv.h"

struct axis {
	u32 i0, i1, w0, w1;
};

static void axis_at(const struct axon_isa_resize *p, u64 o, u64 in, u64 on,
		    struct axis *a)
{
	u64 q, lim = (in - 1) * 1024;
	s64 n;

	if (p->mode == AXON_ISA_RESIZE_NEAREST) {
		switch (p->coord) {
		case AXON_ISA_COORD_HALF_PIXEL:
			q = fw_div_u64(2 * o * in + in - 1, 2 * on);
			break;
		case AXON_ISA_COORD_ASYMMETRIC:
			q = fw_div_u64(o * in, on);
			break;
		default:
			q = on == 1 ? 0 : fw_div_u64(2 * o * (in - 1) + on - 1,
						     2 * (on - 1));
			break;
		}
		a->i0 = q > in - 1 ? in - 1 : q;
		a->i1 = a->i0;
		a->w0 = 1024;
		a->w1 = 0;
		return;
	}
	switch (p->coord) {
	case AXON_ISA_COORD_HALF_PIXEL:
		n = (s64)((2 * o + 1) * in * 2048) - (s64)(on * 2048);
		q = n < 0 ? 0 : fw_div_u64((u64)n + 2 * on, 4 * on);
		break;
	case AXON_ISA_COORD_ASYMMETRIC:
		q = fw_div_u64(o * in * 2048 + on, 2 * on);
		break;
	default:
		q = on == 1 ? 0 : fw_div_u64(o * (in - 1) * 2048 + on - 1,
					     2 * (on - 1));
		break;
	}
	if (q > lim)
		q = lim;
	a->i0 = q >> 10;
	a->i1 = a->i0 + 1 < in ? a->i0 + 1 : a->i0;
	a->w1 = q & 1023;
	a->w0 = 1024 - a->w1;
}

static s64 px(const struct fw_t *x, u32 n, u32 y, u32 xx, u32 ch)
{
	return fw_ld(x->p, x->dt, fw_off(x, n, y, xx, ch)) - x->zp;
}

static s64 bilinear(const struct fw_t *x, u32 n, const struct axis *y,
		    const struct axis *h, u32 ch)
{
	return (s64)y->w0 * h->w0 * px(x, n, y->i0, h->i0, ch) +
	       (s64)y->w0 * h->w1 * px(x, n, y->i0, h->i1, ch) +
	       (s64)y->w1 * h->w0 * px(x, n, y->i1, h->i0, ch) +
	       (s64)y->w1 * h->w1 * px(x, n, y->i1, h->i1, ch);
}

u32 fw_op_resize(struct fw_ctx *c, const struct axon_isa_resize *p)
{
	struct fw_t x, o;
	struct fw_rows r;
	struct axis ay, ax;
	u32 n, oy, ox, ch, st;
	bool bil = p->mode == AXON_ISA_RESIZE_BILINEAR;
	s64 acc;

	st = fw_resolve_io(c, &p->in, &x, &p->out, &o);
	if (st)
		return st;
	fw_rows_init(&r, o.d[0], o.d[1], 1);
	while (fw_rows_next(c, &r)) {
		n = r.i[0];
		oy = r.i[1];
		axis_at(p, oy, x.d[1], o.d[1], &ay);
		for (ox = 0; ox < o.d[2]; ox++) {
			axis_at(p, ox, x.d[2], o.d[2], &ax);
			for (ch = 0; ch < o.d[3]; ch++) {
				if (bil)
					acc = bilinear(&x, n, &ay, &ax, ch);
				else
					acc = px(&x, n, ay.i0, ax.i0, ch);
				fw_st(o.p, o.dt, fw_off(&o, n, oy, ox, ch),
				      fw_requant(acc, p->rq.multiplier, p->rq.shift,
						 p->rounding, o.zp, p->act_min,
						 p->act_max));
			}
		}
	}
	return r.st;
}
