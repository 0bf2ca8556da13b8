/* SPDX-License-Identifier: MIT */
/*
 * Builds small ONNX models in memory (protobuf-c) for the malformed-model
 * tests and the importer fuzzer's seed corpus. Every allocation is tracked
 * and released by mb_free_all().
 */
#ifndef ONNX_BUILDER_H
#define ONNX_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "onnx.pb-c.h"

#define MB_MAX 16	/* capacity of every repeated field the builder creates */

void *mb_alloc(size_t n);
char *mb_str(const char *s);
void mb_free_all(void);

Onnx__TensorProto *mb_tensor(const char *name, int dt, int rank, const int64_t *dims,
			     const void *raw, size_t rawlen);
Onnx__NodeProto *mb_node(const char *name, const char *op, int nin, const char *const *ins,
			 int nout, const char *const *outs);
Onnx__AttributeProto *mb_attr_ints(Onnx__NodeProto *n, const char *name, int cnt,
				   const int64_t *v);
Onnx__AttributeProto *mb_attr_int(Onnx__NodeProto *n, const char *name, int64_t v);
Onnx__ValueInfoProto *mb_vi(const char *name, int elem, int rank, const int64_t *dims);
void mb_add_node(Onnx__GraphProto *g, Onnx__NodeProto *n);
void mb_add_init(Onnx__GraphProto *g, Onnx__TensorProto *t);
Onnx__TensorProto *mb_find_init(Onnx__GraphProto *g, const char *name);
Onnx__NodeProto *mb_find_node(Onnx__GraphProto *g, const char *name);
Onnx__AttributeProto *mb_find_attr(Onnx__NodeProto *n, const char *name);

/*
 * A valid QOperator model: x float[1,C,H,W] -> QuantizeLinear (q) ->
 * QLinearConv 3x3 pad 1 (conv, C -> C channels) -> DequantizeLinear (dq) -> y.
 */
Onnx__ModelProto *mb_conv_model(int64_t c, int64_t h, int64_t w);
/* the same with 3x3 kernel, @group, @stride, @dil(ation) and @pad on every side */
Onnx__ModelProto *mb_conv_model_ex(int64_t c, int64_t h, int64_t w, int64_t group, int64_t stride,
				   int64_t dil, int64_t pad);
/*
 * A valid QDQ model: x[1,K] -> Q -> DQ -> MatMul(DQ(w)) (matmul) -> Q -> DQ -> y
 * (initializers b, b_s, b_zp are present but unused).
 */
Onnx__ModelProto *mb_matmul_model(int64_t k, int64_t n);

uint8_t *mb_pack(const Onnx__ModelProto *m, size_t *len);	/* malloc'ed */

#endif
