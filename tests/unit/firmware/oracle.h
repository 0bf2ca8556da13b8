/* SPDX-License-Identifier: MIT */
/*
 * Independent oracle for the axon command-stream ISA, written from the
 * documentation in uapi/drm/axon_isa.h only (never from firmware/): plain
 * loops over every output element, wide (__int128) accumulators, rescale
 * with the rounding applied explicitly, and TFLite's gemmlowp arithmetic
 * written out from its definition.
 */
#ifndef AXON_TEST_ORACLE_H
#define AXON_TEST_ORACLE_H

#include <stdint.h>
#include "tmem.h"

/* --- gemmlowp / TFLite, from their definitions ------------------------- */
int32_t gemmlowp_srdhm(int32_t a, int32_t b);		/* SaturatingRoundingDoublingHighMul */
int32_t gemmlowp_rdbpot(int32_t x, int exponent);	/* RoundingDivideByPOT */
/*
 * TFLite MultiplyByQuantizedMultiplier(x, qm, shift) with TFLite's shift
 * convention (real = qm * 2^(shift - 31)); the left shift saturates (the ISA
 * says sat32; TFLite leaves overflow undefined).
 */
int32_t tflite_mbqm(int32_t x, int32_t qm, int shift);

/* --- rescale as the ISA header defines it ------------------------------ */
/* rescale(v, m, s, mode); valid m/s assumed (0 <= m < 2^31, 0 <= s <= 62). */
int32_t oracle_rescale(int32_t v, int32_t m, int32_t s, unsigned mode);
int oracle_rq_valid(int32_t m, int32_t s);
/* ... and m < 2^24 for ROUND_F32 */
int oracle_rq_valid_mode(int32_t m, int32_t s, unsigned mode);
/*
 * ROUND_F32 with real float32 arithmetic, as ONNX Runtime does it:
 * nearbyintf((float)v * (float)(m * 2^-s)), saturated to int32.
 */
int32_t oracle_rescale_f32(int32_t v, int32_t m, int32_t s);
int32_t oracle_sat32(__int128 v);

/*
 * TFLite QuantizeMultiplier for a positive real scale, in the ISA's
 * convention: real ~= m / 2^s. Returns 0 on success (scale representable).
 */
int quantize_multiplier(double real, int32_t *m, int32_t *s);

/* --- whole streams ------------------------------------------------------ */
struct oracle_trace {
	unsigned nmarkers;
	uint32_t marker_packet[64];
	uint32_t marker_id[64];
	uint32_t packet;	/* packet index of a failure */
	int ambiguous;		/* the ISA text does not fix the result (RESIZE) */
};

/*
 * Runs an already validated stream on @m. Returns AXON_ISA_OK, or
 * AXON_ISA_E_TABLE for a bad rq table entry (memory state then undefined),
 * AXON_ISA_E_FAULT for an operand the oracle cannot map.
 */
uint32_t oracle_run(struct tmem *m, const void *stream, uint64_t size, struct oracle_trace *tr);

#endif
