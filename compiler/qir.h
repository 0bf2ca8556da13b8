/* SPDX-License-Identifier: MIT */
/*
 * axonc quantized IR: every value is an integer tensor (ISA dtype, scale,
 * zero point) living in a buffer, possibly as a strided view (layout and
 * transposes are strides); every op maps onto one ISA operation.
 */
#ifndef AXONC_QIR_H
#define AXONC_QIR_H

#include "graph.h"
#include <drm/axon_isa.h>
#include <axon/axb_format.h>

enum qbuf_kind { QB_ARENA = 1, QB_CONST, QB_INPUT, QB_OUTPUT };

struct qbuf {
	int kind;
	char *name;
	uint64_t size;
	uint8_t *data;		/* QB_CONST */
	int io;			/* QB_INPUT/QB_OUTPUT: io index */
	uint64_t offset;	/* arena or weights offset (memplan/emit) */
	int first, last;	/* live range in op order (memplan) */
	int alias;		/* arena: shares storage with this buffer, -1 */
};

struct qval {
	char *name;
	int dtype;		/* AXON_ISA_INT8/UINT8/INT16/INT32 */
	double scale;
	int32_t zp;
	int rank;
	int64_t dims[MAX_RANK];
	int64_t strides[MAX_RANK];	/* elements */
	int64_t offset;			/* elements */
	int buf;
	int producer;		/* op index, -1 */
	int onnx;		/* ONNX value index, -1 */
};

struct rq {
	int32_t m, s;
};

enum qop_kind {
	Q_CONV, Q_MATMUL, Q_ELT, Q_POOL, Q_LUT, Q_SOFTMAX, Q_LAYERNORM,
	Q_RESCALE, Q_COPY, Q_REDUCE,
	Q_HOST,			/* float work on the host (AXB_HOST_*), host segment */
	Q_NKIND
};

/* qval dtype of float32 tensors (host ops and their I/O only) */
#define QDT_F32 AXB_DTYPE_FLOAT32

struct qop {
	int kind;
	char *nodes;		/* source ONNX node names, comma separated */
	char *op_type;		/* main source op type */
	int in[3];		/* qvals: conv/matmul (x, w, bias), elt (a, b) */
	int out;
	int aux;		/* qbuf: rq table, LUT, exp table, LN params; -1 */
	int aux_count;		/* rq entries */
	int rounding;
	int stride[2], dil[2], pad[4], kernel[2], groups;
	int pool_kind, count_pad, elt_op, left_shift, reduce_kind, axis_mask;
	struct rq rq_a, rq_b, rq_out;
	int32_t act_min, act_max;
	uint32_t out_mult;
	uint64_t eps_term;
	int z_bits;		/* LAYERNORM: fraction bits of z (ISA 1.1) */
	int host_op;		/* Q_HOST: enum axb_host_opcode */
	int hout[2];		/* Q_HOST: further outputs (qvals), -1 */
	uint32_t channels, inner;	/* Q_HOST: per-axis parameters */
	int device;		/* enum axb_device */
	int reason;		/* enum axb_reason */
	char *detail;
	uint64_t macs;
	bool dead;
	int tile_rows;		/* tiling: output rows per tile (0 = untiled) */
};

struct qio {
	int val;		/* qval */
	int onnx;		/* ONNX value */
	int ext_dtype;		/* AXB_DTYPE_* seen by the application */
	char *name;
};

struct qgraph {
	struct graph *g;
	struct qbuf *b;
	int nb, cap_b;
	struct qval *v;
	int nv, cap_v;
	struct qop *o;
	int no, cap_o;
	struct qio in[16], out[16];
	int nin, nout;
	int *qv_of;		/* ONNX value -> qval, -1 */
	int *node_op;		/* ONNX node -> qop (-1 folded, -2 boundary) */
	int rounding;		/* chosen rounding mode */
	int f32_scales;		/* lowering a QOperator node: scales as ORT forms them */
	uint64_t arena_size, lower_bound;
};

/* qir.c */
struct qgraph *qg_new(struct graph *g);
void qg_free(struct qgraph *q);
int qg_buf(struct qgraph *q, int kind, const char *name, uint64_t size);
int qg_val(struct qgraph *q, const char *name, int dtype, double scale, int32_t zp,
	   int rank, const int64_t *dims, int buf, int64_t off, const int64_t *strides);
int qg_new_act(struct qgraph *q, const char *name, int dtype, double scale, int32_t zp,
	       int rank, const int64_t *dims, int nhwc);
int qg_const(struct qgraph *q, const char *name, int dtype, double scale, int32_t zp,
	     int rank, const int64_t *dims, const void *data);
int qg_input(struct qgraph *q, int vi, int dtype, double scale, int32_t zp, int ext_dtype,
	     int elem);
int qg_op(struct qgraph *q, int kind, const char *nodes, const char *op_type);
int esize(int isa_dtype);
int64_t qv_nelem(const struct qval *v);
int qv_is_dense(const struct qval *v);	/* row-major contiguous */
int qtype_min(int dt);
int qtype_max(int dt);
int isa_dtype_of(int onnx_dt);
int qg_dce(struct qgraph *q);
void qg_dump(const struct qgraph *q, const char *title);

/* quant.c */
struct rq quantize_multiplier(double real);
double scale_ratio_f32(double xs, double ws, double ys);
struct rq quantize_multiplier_f32(float s);
int32_t quantize_f32(float x, float scale, int32_t zp, int dt);
float dequantize_f32(int32_t q, float scale, int32_t zp);
int32_t rescale_ref(int64_t v, struct rq r, int rounding);

/* lowering */
int lower_graph(struct qgraph *q);	/* lower_qdq.c: both forms */
int lower_qop_node(struct qgraph *q, int node);	/* lower_qop.c: 1 handled, 0 not, -1 error */
/* helpers shared by the lowerings (lower_qval.c, lower_conv.c, lower_matmul.c,
 * lower_eltwise.c, lower_pool.c, lower_lut.c) */
int lw_get_q(struct qgraph *q, int vi);
int lw_const_q(struct qgraph *q, int vi, double scale_hint, int dt_hint);
int lw_conv(struct qgraph *q, const struct node *n, int x, int wv, const double *wsc,
	    int32_t wzp, const int32_t *bias_acc, double out_scale, int32_t out_zp,
	    int out_dt, int out_is_int32);
int lw_matmul(struct qgraph *q, const struct node *n, int a, int bq, int b_is_const,
	      const int8_t *wdata_kn, int wdt, int64_t K, int64_t N, const double *wsc,
	      int32_t wzp, const int32_t *bias_acc, double out_scale, int32_t out_zp,
	      int out_dt, int out_is_int32);
int lw_elt(struct qgraph *q, const struct node *n, int op, int a, int b,
	   double out_scale, int32_t out_zp, int out_dt);
int lw_gap(struct qgraph *q, const struct node *n, int x, double out_scale,
	   int32_t out_zp, int out_dt);
int lw_lut_from_fn(struct qgraph *q, const struct node *n, int x, const int32_t *table,
		   double out_scale, int32_t out_zp, int out_dt);

/* lower_host.c: float work on the host (Q_HOST) */
int host_canonicalize(struct graph *g);	/* expanded DynamicQuantizeLinear */
int lw_host_quantize(struct qgraph *q, int node);
int lw_host_dequantize(struct qgraph *q, int node);
int lw_host_dynq(struct qgraph *q, int node);

/* luts.c */
void lut_softmax_table(double beta_scale, uint16_t *t);
int lut_layernorm(int n, const double *gamma, const double *beta, double eps,
		  double sin, double sout, int zb, int32_t *params, uint64_t *eps_term,
		  double *real);

/* passes */
int place_ops(struct qgraph *q, const char *targets, char *err, size_t errlen);
int fuse_ops(struct qgraph *q);
int tile_ops(struct qgraph *q);
int memplan(struct qgraph *q);
const char *qop_name(int kind);
int qop_opcode(const struct qop *op);

#endif
