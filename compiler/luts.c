// SPDX-License-Identifier: MIT
/* axonc: tables computed by the compiler (softmax exp, layernorm params). */
#include <math.h>

#include "qir.h"

/* T[d] = round(2^15 * exp(-d * beta * scale_in)) */
void lut_softmax_table(double beta_scale, uint16_t *t)
{
	int d;

	for (d = 0; d < 256; d++) {
		double v = nearbyint(32768.0 * exp(-d * beta_scale));

		t[d] = (uint16_t)(v > 65535 ? 65535 : v);
	}
}

/*
 * Layer normalisation: the ISA produces z = normalised * 2^11 and computes
 * z * gamma_q + beta_q. gamma_q = gamma * 2^gs, beta_q = beta * 2^(11+gs),
 * output rescale 1 / (2^(11+gs) * scale_out). gs is the largest shift that
 * keeps the products comfortably inside int32 for n <= 1024.
 */
int lut_layernorm(int n, const double *gamma, const double *beta, double eps,
		  double sin, double sout, int zb, int32_t *params, uint64_t *eps_term,
		  double *real)
{
	double gmax = 1e-30, bmax = 1e-30, zmax = sqrt((double)n) * ldexp(1, zb) + 1, e;
	int gs, i;

	for (i = 0; i < n; i++) {
		if (fabs(gamma[i]) > gmax)
			gmax = fabs(gamma[i]);
		if (fabs(beta[i]) > bmax)
			bmax = fabs(beta[i]);
	}
	for (gs = 24; gs > -20; gs--) {
		double g = gmax * ldexp(1, gs), b = bmax * ldexp(1, zb + gs);

		if (g * zmax + b < 1.0e9 && g < 2.0e9 && b < 1.0e9)
			break;
	}
	for (i = 0; i < n; i++) {
		params[i] = (int32_t)nearbyint(gamma[i] * ldexp(1, gs));
		params[n + i] = (int32_t)nearbyint(beta[i] * ldexp(1, zb + gs));
	}
	e = eps / (sin * sin) * (double)n * n * n * n;
	if (!(e >= 0) || e > 1.8e19)
		return -1;
	*eps_term = (uint64_t)nearbyint(e);
	*real = 1.0 / (ldexp(1, zb + gs) * sout);
	return 0;
}
