/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * axon command-stream ISA, version 1.
 *
 * One definition of what an axon command stream means. The compiler emits
 * streams; three executors run them with the one implementation in
 * firmware/ (kernel emulator, runtime CPU backend, device firmware), and all
 * three must produce bit-identical results.
 *
 * Encoding
 * --------
 * A stream is a little-endian sequence of 32-bit words, 8-byte aligned:
 *
 *   struct axon_isa_stream_header
 *   packet 0, packet 1, ..., an AXON_OP_END packet
 *
 * Every packet starts with struct axon_isa_packet. Its size_words (header
 * included) lets a reader find the next packet even for an opcode it does not
 * know; it is always even (packets stay 8-byte aligned). A packet's body is
 * the opcode's struct below; a packet may be longer than its struct (later
 * minor versions append fields) but never shorter; bytes beyond the
 * opcode's struct must be zero. Every reserved or pad field must be zero.
 * END must be the last packet and end exactly at header.size_words; the
 * buffer holding the stream may be longer than header.size_words * 4.
 *
 * Tensors
 * -------
 * Operands are described by struct axon_isa_tensor: a location (device
 * virtual address in the job's address space, or byte offset into the
 * engine's on-chip SRAM), an element type, four dimensions (outermost first,
 * unused leading dimensions are 1) and four element strides. Element
 * [i0,i1,i2,i3] is at addr + esize * (i0*s0 + i1*s1 + i2*s2 + i3*s3).
 * A stride of 0 broadcasts that dimension; it is allowed on inputs only.
 * The bytes an operand may touch are [addr, addr + esize * (1 + sum((d-1)*s)))
 * and that whole range must lie inside one region of the job's memory map
 * (or inside SRAM), else the stream is rejected. addr must be a multiple
 * of the element size (scale tables: of 4; SOFTMAX tables: of 2; LAYERNORM
 * params: of 4). Activations are NHWC: dims = {N, H, W, C}. An output has
 * no zero stride and no two of its elements at the same address. An output
 * must not overlap any input of the same packet (tables included) unless
 * the opcode says so.
 *
 * Sums of products are bounded: CONV2D KH * KW * Cin / groups, MATMUL K and
 * the number of elements REDUCE folds into one output are at most 2^24
 * (AXON_ISA_MAX_TERMS), so that no 64-bit accumulator can overflow.
 *
 * Integer arithmetic
 * ------------------
 * Executors see no floating point. Scales are (multiplier, shift) pairs, in
 * the style of TOSA RESCALE:
 *
 *   rescale(v, m, s, mode), v int32, 0 <= m < 2^31, 0 <= s <= 62:
 *
 *   AXON_ISA_ROUND_SINGLE (single rounding, half up):
 *     r = (v * m + (s > 0 ? 1 << (s - 1) : 0)) >> s     (64-bit, arithmetic
 *                                                        shift, floor)
 *   AXON_ISA_ROUND_DOUBLE (TFLite / gemmlowp):
 *     if s >= 31: l = 0, rs = s - 31  else: l = 31 - s, rs = 0
 *     x = sat32(v << l)
 *     h = SaturatingRoundingDoublingHighMul(x, m)
 *       = (x * m + (x * m >= 0 ? 1 << 30 : 1 - (1 << 30))) / 2^31
 *         (division truncating toward zero)
 *     r = RoundingDivideByPOT(h, rs)      (round half away from zero)
 *
 *   AXON_ISA_ROUND_F32 (ISA 1.1; float32 requantization as ONNX Runtime's
 *   QLinear* kernels do it, reproduced exactly in integer arithmetic):
 *     requires 0 <= m < 2^24, so that m * 2^-s is a float32 value
 *     a = |v| rounded to 24 significant bits, ties to even   (float32(v))
 *     p = a * m rounded to 24 significant bits, ties to even (float32 mul)
 *     r = p / 2^s rounded to an integer, ties to even        (nearbyintf)
 *     r = v < 0 ? -r : r
 *   The rounding is symmetric, so this equals float32 arithmetic bit for
 *   bit (no intermediate is subnormal or overflows for these ranges).
 *
 *   and then r is saturated to int32.
 *
 * Features marked "ISA 1.1" are rejected (AXON_ISA_E_PARAM) in a stream
 * whose header declares version_minor 0.
 *
 * "requant(acc)" below means: y = clamp(zp_out + rescale(acc, m, s, mode),
 * act_min, act_max), where [act_min, act_max] must lie inside the output
 * type's range. sat32() saturates a 64-bit value to int32. Accumulations are
 * done in 64 bits and saturated to int32 before rescaling.
 */
#ifndef _UAPI_AXON_ISA_H_
#define _UAPI_AXON_ISA_H_

#if defined(__KERNEL__) || defined(__linux__)
#include <linux/types.h>
#else
#include <stdint.h>
typedef uint8_t __u8;
typedef int8_t __s8;
typedef uint16_t __u16;
typedef int16_t __s16;
typedef uint32_t __u32;
typedef int32_t __s32;
typedef uint64_t __u64;
typedef int64_t __s64;
#endif

#if defined(__cplusplus)
extern "C" {
#endif

#define AXON_ISA_MAGIC		0x53495841u	/* "AXIS" */
/** AXON_ISA_MAX_TERMS: longest sum of products, see "Tensors". */
#define AXON_ISA_MAX_TERMS	(1u << 24)
#define AXON_ISA_VERSION_MAJOR	1
#define AXON_ISA_VERSION_MINOR	1
/** AXON_ISA_PACKET_VERSION: version of every packet layout defined here. */
#define AXON_ISA_PACKET_VERSION	1

/**
 * struct axon_isa_stream_header - first 16 bytes of every stream
 * @magic: AXON_ISA_MAGIC.
 * @version_major: AXON_ISA_VERSION_MAJOR; a different major is rejected.
 * @version_minor: minor version the stream was written for; an executor
 *	accepts streams with a minor version up to its own.
 * @size_words: size of the whole stream in 32-bit words, header included.
 * @flags: must be zero.
 */
struct axon_isa_stream_header {
	__u32 magic;
	__u16 version_major;
	__u16 version_minor;
	__u32 size_words;
	__u32 flags;
};

/**
 * struct axon_isa_packet - header of every packet
 * @opcode: enum axon_isa_opcode.
 * @version: AXON_ISA_PACKET_VERSION.
 * @flags: opcode-specific flags (AXON_ISA_F_*); unknown bits are rejected.
 * @size_words: packet size in 32-bit words, this header included; even.
 * @reserved: must be zero.
 */
struct axon_isa_packet {
	__u8 opcode;
	__u8 version;
	__u16 flags;
	__u16 size_words;
	__u16 reserved;
};

/**
 * enum axon_isa_opcode - operations. Numbers are below 64 so that a device
 * profile can advertise its operations as a 64-bit mask (bit n = opcode n).
 * Numbers are append-only.
 */
enum axon_isa_opcode {
	AXON_OP_NOP = 0,	/* no body */
	AXON_OP_END = 1,	/* no body; last packet */
	AXON_OP_MARKER = 2,	/* struct axon_isa_marker */
	AXON_OP_DMA = 3,	/* struct axon_isa_dma */
	AXON_OP_FILL = 4,	/* struct axon_isa_fill */
	AXON_OP_CONV2D = 5,	/* struct axon_isa_conv2d */
	AXON_OP_MATMUL = 6,	/* struct axon_isa_matmul */
	AXON_OP_ELTWISE = 7,	/* struct axon_isa_eltwise */
	AXON_OP_POOL = 8,	/* struct axon_isa_pool */
	AXON_OP_REDUCE = 9,	/* struct axon_isa_reduce */
	AXON_OP_LUT = 10,	/* struct axon_isa_lut */
	AXON_OP_SOFTMAX = 11,	/* struct axon_isa_softmax */
	AXON_OP_LAYERNORM = 12,	/* struct axon_isa_layernorm */
	AXON_OP_RESIZE = 13,	/* struct axon_isa_resize */
	AXON_OP_RESCALE = 14,	/* struct axon_isa_rescale */
	AXON_OP_COUNT		/* number of opcodes in this version */
};

/** enum axon_isa_dtype - element types; 0 is invalid. */
enum axon_isa_dtype {
	AXON_ISA_INT8 = 1,
	AXON_ISA_UINT8 = 2,
	AXON_ISA_INT16 = 3,
	AXON_ISA_INT32 = 4,
};

/** enum axon_isa_loc - where an operand lives. */
enum axon_isa_loc {
	AXON_ISA_LOC_VA = 0,	/* device virtual address of the job */
	AXON_ISA_LOC_SRAM = 1,	/* byte offset into the engine's SRAM */
};

/** enum axon_isa_round - rounding of rescale(), see the file comment. */
enum axon_isa_round {
	AXON_ISA_ROUND_SINGLE = 0,
	AXON_ISA_ROUND_DOUBLE = 1,
	AXON_ISA_ROUND_F32 = 2,		/* ISA 1.1 */
};

/**
 * struct axon_isa_tensor - an operand (48 bytes)
 * @addr: device VA (LOC_VA) or SRAM byte offset (LOC_SRAM) of element 0.
 * @loc: enum axon_isa_loc.
 * @dtype: enum axon_isa_dtype.
 * @pad: must be zero.
 * @zero_point: zero point of the element values; must be representable in
 *	@dtype (0 for INT32).
 * @dims: sizes, outermost first; each at least 1.
 * @strides: element strides; 0 broadcasts (inputs only).
 */
struct axon_isa_tensor {
	__u64 addr;
	__u8 loc;
	__u8 dtype;
	__u16 pad;
	__s32 zero_point;
	__u32 dims[4];
	__u32 strides[4];
};

/**
 * struct axon_isa_rq - one inline scale
 * @multiplier: 0 <= multiplier < 2^31.
 * @shift: 0 <= shift <= 62.
 */
struct axon_isa_rq {
	__s32 multiplier;
	__s32 shift;
};

/**
 * struct axon_isa_rqtab - a table of scales held in memory
 * @addr: VA or SRAM offset of @count struct axon_isa_rq entries.
 * @loc: enum axon_isa_loc.
 * @rounding: enum axon_isa_round, for every entry.
 * @pad: must be zero.
 * @count: number of entries: 1 (per tensor) or as the opcode says (per
 *	output channel, per pooling window size). Entries are checked when
 *	used; a bad entry fails the job with AXON_ISA_E_TABLE.
 */
struct axon_isa_rqtab {
	__u64 addr;
	__u8 loc;
	__u8 rounding;
	__u16 pad;
	__u32 count;
};

/**
 * struct axon_isa_marker - progress and profiling marker
 * @hdr: opcode AXON_OP_MARKER.
 * @id: reported to the executor's progress hook with the packet index.
 * @pad: must be zero.
 */
struct axon_isa_marker {
	struct axon_isa_packet hdr;
	__u32 id;
	__u32 pad;
};

/**
 * struct axon_isa_dma - strided copy, up to 4-D, with padding
 * @hdr: opcode AXON_OP_DMA; no flags.
 * @src: region read; same dtype as @dst.
 * @dst: region written: dst.dims[i] = src.dims[i] + pad_before[i] +
 *	pad_after[i]. Element dst[p] = src[p - pad_before] where that is inside
 *	src, else dst.zero_point. VA<->SRAM and SRAM<->SRAM alike. Any dtype;
 *	values are copied unchanged (src.zero_point is not used).
 * @pad_before: leading padding per dimension.
 * @pad_after: trailing padding per dimension.
 *
 * TRANSPOSE/permute is a DMA whose src strides are permuted; CONCAT is one
 * DMA per input into a window of the output (dst.addr offset, output
 * strides); both are lowerings, not opcodes. src and dst must not overlap.
 */
struct axon_isa_dma {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor src;
	struct axon_isa_tensor dst;
	__u16 pad_before[4];
	__u16 pad_after[4];
};

/**
 * struct axon_isa_fill - set every element of @dst to @value
 * @hdr: opcode AXON_OP_FILL; no flags.
 * @dst: tensor written.
 * @value: must be representable in dst.dtype.
 * @pad: must be zero.
 */
struct axon_isa_fill {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor dst;
	__s32 value;
	__u32 pad;
};

/* CONV2D, MATMUL: no bias operand (bias treated as 0). */
#define AXON_ISA_F_NO_BIAS	(1 << 0)

/**
 * struct axon_isa_conv2d - 2-D convolution, grouped and depthwise included
 * @hdr: opcode AXON_OP_CONV2D; flags AXON_ISA_F_NO_BIAS.
 * @in: {N, H, W, Cin}, int8/uint8/int16.
 * @weight: {Cout, KH, KW, Cin/groups}, int8/uint8; weight.zero_point is the
 *	(per-tensor) weight zero point.
 * @bias: int32 {1, 1, 1, Cout}; ignored with AXON_ISA_F_NO_BIAS.
 * @out: {N, OH, OW, Cout}, any dtype; OH = (H + pad_top + pad_bottom -
 *	dilation_h * (KH - 1) - 1) / stride_h + 1, likewise OW.
 * @rq: count 1 or Cout.
 * @stride_h: at least 1; likewise @stride_w, @dilation_h, @dilation_w.
 * @stride_w: see @stride_h.
 * @dilation_h: see @stride_h.
 * @dilation_w: see @stride_h.
 * @pad_top: input padding; padded taps contribute 0 (they hold in.zero_point).
 * @pad_bottom: see @pad_top.
 * @pad_left: see @pad_top.
 * @pad_right: see @pad_top.
 * @groups: divides Cin and Cout; Cin/groups == weight.dims[3].
 * @act_min: output clamp, inside out.dtype's range.
 * @act_max: output clamp.
 * @pad: must be zero.
 *
 * out[n,oy,ox,oc] = requant(sat32(bias[oc] +
 *	sum over ky, kx, ic in group(oc) of
 *	(in[n, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw, g*Cin/G + ic] - zp_in) *
 *	(weight[oc, ky, kx, ic] - zp_w)))   with rq entry oc (or 0).
 *
 * Transposed convolution is a lowering: FILL a buffer with zp_in, DMA the
 * input into it with dst strides multiplied by the stride (zero insertion)
 * and the padding k-1-p, then CONV2D with stride 1 and spatially flipped,
 * in/out-swapped weights.
 */
struct axon_isa_conv2d {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor in;
	struct axon_isa_tensor weight;
	struct axon_isa_tensor bias;
	struct axon_isa_tensor out;
	struct axon_isa_rqtab rq;
	__u16 stride_h;
	__u16 stride_w;
	__u16 dilation_h;
	__u16 dilation_w;
	__u16 pad_top;
	__u16 pad_bottom;
	__u16 pad_left;
	__u16 pad_right;
	__u32 groups;
	__s32 act_min;
	__s32 act_max;
	__u32 pad;
};

/**
 * struct axon_isa_matmul - batched matrix multiply; fully connected layers
 * @hdr: opcode AXON_OP_MATMUL; flags AXON_ISA_F_NO_BIAS.
 * @a: {B0, B1, M, K}, int8/uint8/int16.
 * @b: {B0, B1, K, N}, int8/uint8/int16; an activation or constant weights.
 *	A fully connected layer is a constant @b with batch strides 0; a
 *	transposed operand is expressed through its strides.
 * @bias: int32 {1, 1, 1, N}; ignored with AXON_ISA_F_NO_BIAS.
 * @out: {B0, B1, M, N}, any dtype.
 * @rq: count 1 or N.
 * @act_min: output clamp.
 * @act_max: output clamp.
 *
 * out[b0,b1,m,n] = requant(sat32(bias[n] + sum over k of
 *	(a[b0,b1,m,k] - zp_a) * (b[b0,b1,k,n] - zp_b)))   with rq entry n (or 0).
 */
struct axon_isa_matmul {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor a;
	struct axon_isa_tensor b;
	struct axon_isa_tensor bias;
	struct axon_isa_tensor out;
	struct axon_isa_rqtab rq;
	__s32 act_min;
	__s32 act_max;
};

/** enum axon_isa_eltwise_op - binary operation of AXON_OP_ELTWISE. */
enum axon_isa_eltwise_op {
	AXON_ISA_ELT_ADD = 0,
	AXON_ISA_ELT_SUB = 1,
	AXON_ISA_ELT_MUL = 2,
	AXON_ISA_ELT_MIN = 3,
	AXON_ISA_ELT_MAX = 4,
};

/**
 * struct axon_isa_eltwise - elementwise binary operation with broadcasting
 * @hdr: opcode AXON_OP_ELTWISE; no flags.
 * @a: first input, int8/uint8/int16; dims equal to out's, stride 0 where
 *	broadcast (scalar, per-channel and full broadcasting are all strides).
 * @b: second input, likewise.
 * @out: output, any dtype; may be identical to @a or @b (same addr, dims,
 *	strides, dtype), never partially overlapping.
 * @op: enum axon_isa_eltwise_op.
 * @rounding: enum axon_isa_round for all three rescales.
 * @left_shift: ADD/SUB/MIN/MAX input pre-shift, 0..20; with int16 inputs
 *	at most 15.
 * @pad: must be zero.
 * @rq_a: input a rescale (ADD/SUB/MIN/MAX; must be zero for MUL, and so
 *	must @left_shift).
 * @rq_b: input b rescale (likewise).
 * @rq_out: output rescale.
 * @act_min: output clamp.
 * @act_max: output clamp.
 *
 * ADD/SUB/MIN/MAX: a' = rescale((a - zp_a) << left_shift, rq_a)
 *                  b' = rescale((b - zp_b) << left_shift, rq_b)
 *                  out = requant(sat32(a' op b'))  with rq_out
 * MUL:             out = requant(sat32((a - zp_a) * (b - zp_b)))  with rq_out
 */
struct axon_isa_eltwise {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor a;
	struct axon_isa_tensor b;
	struct axon_isa_tensor out;
	__u8 op;
	__u8 rounding;
	__u8 left_shift;
	__u8 pad;
	struct axon_isa_rq rq_a;
	struct axon_isa_rq rq_b;
	struct axon_isa_rq rq_out;
	__s32 act_min;
	__s32 act_max;
	__u32 pad2;
};

/** enum axon_isa_pool_kind - AXON_OP_POOL variants. */
enum axon_isa_pool_kind {
	AXON_ISA_POOL_MAX = 0,
	AXON_ISA_POOL_AVG = 1,
};

/* POOL AVG: the divisor counts padded taps (ONNX count_include_pad=1). */
#define AXON_ISA_F_COUNT_PAD	(1 << 0)

/**
 * struct axon_isa_pool - max and average pooling over H and W (NHWC)
 * @hdr: opcode AXON_OP_POOL; flags AXON_ISA_F_COUNT_PAD.
 * @in: {N, H, W, C}, int8/uint8/int16.
 * @out: {N, OH, OW, C}, any dtype; OH as for CONV2D with dilation 1.
 * @rq: MAX: count 1. AVG: entry min(n, count) - 1 is used for a window with
 *	divisor n, so the compiler folds 1/n into the scale exactly (count 1
 *	when every window has the same divisor, as global average pooling).
 * @kind: enum axon_isa_pool_kind.
 * @pad: must be zero.
 * @kernel_h: window height, at least 1; likewise @kernel_w.
 * @kernel_w: see @kernel_h.
 * @stride_h: at least 1.
 * @stride_w: at least 1.
 * @pad_top: padding, smaller than the window (pad_top, pad_bottom <
 *	kernel_h; pad_left, pad_right < kernel_w), so every window has a valid
 *	tap; padded taps are never part of a max or a sum.
 * @pad_bottom: see @pad_top.
 * @pad_left: see @pad_top.
 * @pad_right: see @pad_top.
 * @act_min: output clamp.
 * @act_max: output clamp.
 *
 * MAX: out = requant(max over valid taps of in - zp_in)
 * AVG: out = requant(sat32(sum over valid taps of (in - zp_in))) with entry
 *	min(n, count) - 1, n = number of valid taps, or kernel_h * kernel_w
 *	with AXON_ISA_F_COUNT_PAD. Global average pooling is AVG with the
 *	window equal to the input.
 */
struct axon_isa_pool {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor in;
	struct axon_isa_tensor out;
	struct axon_isa_rqtab rq;
	__u8 kind;
	__u8 pad[3];
	__u16 kernel_h;
	__u16 kernel_w;
	__u16 stride_h;
	__u16 stride_w;
	__u16 pad_top;
	__u16 pad_bottom;
	__u16 pad_left;
	__u16 pad_right;
	__s32 act_min;
	__s32 act_max;
	__u32 pad2;
};

/** enum axon_isa_reduce_kind - AXON_OP_REDUCE variants. */
enum axon_isa_reduce_kind {
	AXON_ISA_REDUCE_SUM = 0,	/* MEAN: SUM with 1/n folded into rq */
	AXON_ISA_REDUCE_MAX = 1,
	AXON_ISA_REDUCE_MIN = 2,
};

/**
 * struct axon_isa_reduce - reduction over a set of dimensions
 * @hdr: opcode AXON_OP_REDUCE; no flags.
 * @in: input, any dtype; at most AXON_ISA_MAX_TERMS elements per output.
 * @out: any dtype; dims equal to in's, with 1 in every reduced dimension.
 * @kind: enum axon_isa_reduce_kind.
 * @axis_mask: bit i set: dimension i is reduced; non-zero, below 16.
 * @rounding: enum axon_isa_round.
 * @pad: must be zero.
 * @rq: output rescale.
 * @act_min: output clamp.
 * @act_max: output clamp.
 *
 * out = requant(sat32(reduce over the masked dimensions of (in - zp_in)))
 * @pad2: must be zero.
 */
struct axon_isa_reduce {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor in;
	struct axon_isa_tensor out;
	__u8 kind;
	__u8 axis_mask;
	__u8 rounding;
	__u8 pad;
	struct axon_isa_rq rq;
	__s32 act_min;
	__s32 act_max;
	__u32 pad2;
};

/**
 * struct axon_isa_lut - 256-entry table lookup, any 8-bit unary function
 * @hdr: opcode AXON_OP_LUT; no flags.
 * @in: int8 or uint8.
 * @out: int8 or uint8, same dims; may be identical to @in.
 * @table: VA or SRAM offset of 256 bytes of out.dtype values.
 * @table_loc: enum axon_isa_loc.
 * @pad: must be zero.
 *
 * out = table[in] for uint8 input, table[in + 128] for int8 input. Zero
 * points are folded into the table by the compiler.
 */
struct axon_isa_lut {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor in;
	struct axon_isa_tensor out;
	__u64 table;
	__u8 table_loc;
	__u8 pad[7];
};

/**
 * struct axon_isa_softmax - integer softmax along the innermost dimension
 * @hdr: opcode AXON_OP_SOFTMAX; no flags.
 * @in: int8 or uint8; softmax over dims[3] (at most 65536).
 * @out: int8 or uint8, same dims.
 * @table: VA or SRAM offset of 256 __u16 entries, T[d] = round(2^15 *
 *	exp(-d * beta * scale_in)) computed by the compiler.
 * @table_loc: enum axon_isa_loc.
 * @pad: must be zero.
 * @out_mult: 1 / scale_out, as an integer (256 for scale 1/256), < 2^31.
 * @pad2: must be zero.
 *
 * For each row: xmax = max in; sum = sum over the row of T[xmax - in] (64-bit);
 * out = clamp(zp_out + (T[xmax - in] * out_mult + sum / 2) / sum, type range)
 * (unsigned 64-bit division, floor; if sum is 0, out = zp_out).
 */
struct axon_isa_softmax {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor in;
	struct axon_isa_tensor out;
	__u64 table;
	__u8 table_loc;
	__u8 pad[3];
	__u32 out_mult;
	__u32 pad2[2];
};

/**
 * struct axon_isa_layernorm - integer layer normalisation over dims[3]
 * @hdr: opcode AXON_OP_LAYERNORM; no flags.
 * @in: int8 or uint8; normalised over n = dims[3], 1 <= n <= 1024.
 * @out: same dims, any dtype.
 * @params: VA or SRAM offset of int32 gamma_q[n] followed by int32 beta_q[n].
 * @params_loc: enum axon_isa_loc.
 * @rounding: enum axon_isa_round.
 * @z_bits: fraction bits F of the normalised value z: 0 means 11 (ISA 1.0
 *	behaviour); otherwise 11..20 (ISA 1.1).
 * @pad: must be zero.
 * @pad2: must be zero.
 * @eps_term: epsilon expressed in the units of V * n below (eps / scale_in^2
 *	* n^4, computed by the compiler); added with saturation.
 * @rq: output rescale.
 * @act_min: output clamp.
 * @act_max: output clamp.
 *
 * For each row: xc = in - zp_in; S = sum xc; d = n * xc - S;
 * V = sum d^2 (64-bit); den = isqrt(V * n + eps_term) (floor);
 * z = den ? round_half_away(d * n * 2^F / den) : 0   (z is QF, 64-bit);
 * out[c] = requant(sat32(z * gamma_q[c] + beta_q[c])).
 */
struct axon_isa_layernorm {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor in;
	struct axon_isa_tensor out;
	__u64 params;
	__u8 params_loc;
	__u8 rounding;
	__u8 z_bits;
	__u8 pad;
	__u32 pad2;
	__u64 eps_term;
	struct axon_isa_rq rq;
	__s32 act_min;
	__s32 act_max;
};

/** enum axon_isa_resize_mode - interpolation of AXON_OP_RESIZE. */
enum axon_isa_resize_mode {
	AXON_ISA_RESIZE_NEAREST = 0,
	AXON_ISA_RESIZE_BILINEAR = 1,
};

/** enum axon_isa_resize_coord - coordinate transformation of RESIZE. */
enum axon_isa_resize_coord {
	AXON_ISA_COORD_HALF_PIXEL = 0,
	AXON_ISA_COORD_ALIGN_CORNERS = 1,
	AXON_ISA_COORD_ASYMMETRIC = 2,
};

/**
 * struct axon_isa_resize - spatial resize of an NHWC tensor
 * @hdr: opcode AXON_OP_RESIZE; no flags.
 * @in: {N, H, W, C}; int8/uint8/int16 for NEAREST, int8/uint8 for BILINEAR;
 *	H, W at most 65536.
 * @out: {N, OH, OW, C}, any dtype; OH, OW at most 65536.
 * @mode: enum axon_isa_resize_mode.
 * @coord: enum axon_isa_resize_coord.
 * @rounding: enum axon_isa_round.
 * @pad: must be zero.
 * @rq: output rescale; for BILINEAR the accumulator carries 2^20 (two Q10
 *	weights), which the compiler folds into @rq.
 * @act_min: output clamp.
 * @act_max: output clamp.
 *
 * Source coordinates use integer arithmetic only. Per axis, with I the
 * input size, O the output size and o the output index (all divisions
 * are floor divisions of non-negative integers):
 *
 * NEAREST picks source index min(i, I - 1) with
 *   HALF_PIXEL    (round half down)  i = (2*o*I + I - 1) / (2*O)
 *   ASYMMETRIC    (floor)            i = o*I / O
 *   ALIGN_CORNERS (round half up)    i = O == 1 ? 0 :
 *                                        (2*o*(I-1) + O - 1) / (2*(O-1))
 *   and acc = in[n, iy, ix, c] - zp_in.
 *
 * BILINEAR computes the source coordinate q in Q10 (rounded half up) and
 * clamps it to [0, (I-1) * 1024]:
 *   HALF_PIXEL    t = (2*o + 1)*I*2048 - O*2048;
 *                 q = t < 0 ? 0 : (t + 2*O) / (4*O)
 *   ASYMMETRIC    q = (o*I*2048 + O) / (2*O)
 *   ALIGN_CORNERS q = O == 1 ? 0 : (o*(I-1)*2048 + O - 1) / (2*(O-1))
 *   i0 = q >> 10, i1 = min(i0 + 1, I - 1), w1 = q & 1023, w0 = 1024 - w1;
 *   acc = sum over a in {0,1} (rows), b in {0,1} (columns) of
 *         wy_a * wx_b * (in[n, iy_a, ix_b, c] - zp_in)      (Q20)
 *
 * out = requant(sat32(acc)).
 * @pad2: must be zero.
 */
struct axon_isa_resize {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor in;
	struct axon_isa_tensor out;
	__u8 mode;
	__u8 coord;
	__u8 rounding;
	__u8 pad;
	struct axon_isa_rq rq;
	__s32 act_min;
	__s32 act_max;
	__u32 pad2;
};

/**
 * struct axon_isa_rescale - requantize or cast between types
 * @hdr: opcode AXON_OP_RESCALE; no flags.
 * @in: any dtype.
 * @out: any dtype, same dims; may be identical to @in when the element
 *	sizes are equal (same addr, loc, dims and strides).
 * @rounding: enum axon_isa_round.
 * @pad: must be zero.
 * @rq: scale. (2^30, 30) is the identity with ROUND_SINGLE; with
 *	ROUND_DOUBLE it saturates for |v| >= 2^30 (gemmlowp's left shift),
 *	so casts use ROUND_SINGLE.
 * @act_min: output clamp.
 * @act_max: output clamp.
 *
 * out = requant(in - zp_in)
 */
struct axon_isa_rescale {
	struct axon_isa_packet hdr;
	struct axon_isa_tensor in;
	struct axon_isa_tensor out;
	__u8 rounding;
	__u8 pad[7];
	struct axon_isa_rq rq;
	__s32 act_min;
	__s32 act_max;
};

/**
 * enum axon_isa_status - result of validating or running a stream.
 * Reported with the index of the packet concerned (kernel job status,
 * runtime run status). Numbers are append-only.
 */
enum axon_isa_status {
	AXON_ISA_OK = 0,
	AXON_ISA_E_MAGIC = 1,		/* bad stream magic */
	AXON_ISA_E_VERSION = 2,		/* unsupported ISA or packet version */
	AXON_ISA_E_SIZE = 3,		/* stream size/alignment inconsistent */
	AXON_ISA_E_PACKET = 4,		/* packet size too small, odd or past end */
	AXON_ISA_E_OPCODE = 5,		/* unknown opcode */
	AXON_ISA_E_UNSUPPORTED = 6,	/* opcode not supported by this device */
	AXON_ISA_E_RESERVED = 7,	/* non-zero reserved/pad or unknown flag */
	AXON_ISA_E_DTYPE = 8,		/* dtype invalid for this operand */
	AXON_ISA_E_SHAPE = 9,		/* dims/strides inconsistent */
	AXON_ISA_E_PARAM = 10,		/* parameter out of range */
	AXON_ISA_E_OVERFLOW = 11,	/* size arithmetic overflows */
	AXON_ISA_E_RANGE = 12,		/* operand outside the job's memory map */
	AXON_ISA_E_SRAM = 13,		/* operand outside the engine's SRAM */
	AXON_ISA_E_OVERLAP = 14,	/* output overlaps an input */
	AXON_ISA_E_NO_END = 15,		/* no END, or data after END */
	AXON_ISA_E_FAULT = 16,		/* runtime: address translation failed */
	AXON_ISA_E_TABLE = 17,		/* runtime: invalid scale table entry */
	AXON_ISA_E_ABORTED = 18,	/* runtime: aborted by the executor */
	AXON_ISA_E_NOT_VALIDATED = 19,	/* interpreter given an unvalidated stream */
	AXON_ISA_E_COUNT
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_AXON_ISA_H_ */
