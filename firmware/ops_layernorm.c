// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: integer LAYERNORM over the innermost dimension.
 */
#include "fw_priv.h"

/* round_half_away(num / den), den > 0 */
static s64 div_round(s64 num, u64 den)
{
	u64 a = num < 0 ? (u64)-num : (u64)num;
	u64 q = fw_div_u64(a + den / 2, den);

	return num < 0 ? -(s64)q : (s64)q;
}

/*
 * No overflow for n <= 1024, 8-bit inputs and F <= 20: the inputs of a row
 * lie in a 255-wide range, so |d| = |sum_j (xc - xc_j)| < 2^18, V < 2^46,
 * V * n < 2^56 and |d * n * 2^F| < 2^48. Since |d| <= sqrt(V) and
 * den >= sqrt(V * n) / 2 (V * n >= 1), |z| <= 2 * sqrt(n) * 2^F <= 2^26 and
 * |z * gamma_q + beta_q| < 2^57 + 2^31.
 */
static u32 ln_row(struct fw_ctx *c, const struct axon_isa_layernorm *p,
		  const struct fw_t *x, const struct fw_t *o,
		  const s32 *prm, u64 xo, u64 oo)
{
	u32 n = x->d[3], i;
	s64 sum = 0, d, z;
	s64 one = (s64)1 << (p->z_bits ? p->z_bits : FW_LN_Z_MIN);
	u64 var = 0, den, t;

	for (i = 0; i < n; i++)
		sum += fw_ld(x->p, x->dt, xo + i * x->s[3]) - x->zp;
	for (i = 0; i < n; i++) {
		d = (s64)n * (fw_ld(x->p, x->dt, xo + i * x->s[3]) - x->zp) - sum;
		var += (u64)(d * d);
	}
	t = var * n;		/* < 2^58 */
	t = t + p->eps_term < t ? ~0ull : t + p->eps_term;
	den = fw_isqrt(t);
	for (i = 0; i < n; i++) {
		d = (s64)n * (fw_ld(x->p, x->dt, xo + i * x->s[3]) - x->zp) - sum;
		z = den ? div_round(d * n * one, den) : 0;
		z = z * FW_READ_ONCE(prm[i]) + FW_READ_ONCE(prm[n + i]);
		fw_st(o->p, o->dt, oo + i * o->s[3],
		      fw_requant(z, p->rq.multiplier, p->rq.shift, p->rounding,
				 o->zp, p->act_min, p->act_max));
	}
	(void)c;
	return 0;
}

u32 fw_op_layernorm(struct fw_ctx *c, const struct axon_isa_layernorm *p)
{
	struct fw_t x, o;
	struct fw_rows r;
	const s32 *prm;
	u32 st;

	st = fw_resolve(c, &p->in, 0, &x);
	if (st)
		return st;
	prm = fw_map_table(c, p->params_loc, p->params, (u64)x.d[3] * 8);
	if (!prm)
		return AXON_ISA_E_FAULT;
	st = fw_resolve(c, &p->out, 1, &o);
	if (st)
		return st;
	fw_rows_init(&r, o.d[0], o.d[1], o.d[2]);
	while (fw_rows_next(c, &r))
		ln_row(c, p, &x, &o, prm, fw_row_off(&x, r.i),
		       fw_row_off(&o, r.i));
	return r.st;
}
