/* SPDX-License-Identifier: MIT */
/*
 * axb_format.h - the .axb compiled-model package, version 1.
 *
 * Shared by the compiler (axonc writes packages) and the runtime (libaxon
 * maps and verifies them). Header only, no dependencies beyond <stdint.h>
 * and <stddef.h>.
 *
 * Overview
 * ========
 * A package is one file, designed to be mmap()ed read-only and used in
 * place: every field is fixed-width little-endian, there are no pointers
 * (only byte offsets from the start of the file, or indices), every section
 * starts at a 64-byte aligned offset, and every table entry is a multiple of
 * 8 bytes. Padding bytes are zero.
 *
 *   offset 0      struct axb_header        (64 bytes)
 *   offset 64     struct axb_section[section_count]   (section table)
 *   ...           sections, each 64-byte aligned, in any order
 *   file_size     end of file
 *
 * Checksums (CRC-32/ISO-HDLC, the zlib crc32(), see axb_crc32()):
 *   - header.header_crc:  the 64 header bytes with header_crc taken as 0;
 *   - header.file_crc:    bytes [64, file_size), i.e. the section table,
 *                         every section and all padding;
 *   - section.crc:        the section's bytes [offset, offset + size).
 * A reader checks the header crc, then the file crc, then each section crc,
 * and every offset, size, index and count below before using anything.
 *
 * Sections (enum axb_section_type); tables have entry_size != 0 and hold
 * size / entry_size entries. A later minor version may append fields to a
 * table entry (larger entry_size): readers use the first sizeof(their
 * struct) bytes and ignore the rest; an entry_size smaller than the
 * version-1 struct is rejected. Unknown section types are ignored unless
 * they carry AXB_SECTION_F_REQUIRED.
 *
 *   STRINGS     NUL-terminated UTF-8 strings. Names elsewhere are byte
 *               offsets into it; offset 0 is the empty string (the section
 *               starts with a NUL byte), and its last byte is NUL.
 *   MODEL       one struct axb_model: counts, arena size, names.
 *   SEGMENTS    struct axb_segment[]: one command stream each, the device
 *               type it was compiled for, its slots, relocations and debug
 *               map range. Segments run in index order, each after the
 *               previous one completed (a pipeline; the runtime chains them
 *               with fences, also across devices).
 *   STREAM      one axon ISA command stream (uapi/drm/axon_isa.h), exactly
 *               as the firmware validates and runs it; section.id is the
 *               segment index that uses it.
 *   WEIGHTS     constant data (weights, biases, rescale tables, LUTs),
 *               read-only at run time. A package may have several (id is a
 *               free number); slots select ranges of one by section index.
 *   SLOTS       struct axb_slot[], all segments' slots (each segment owns a
 *               contiguous range).
 *   RELOCS      struct axb_reloc[], all segments' relocations (ranges).
 *   TENSORS     struct axb_tensor[]: at least every I/O tensor; optionally
 *               every intermediate tensor (for debugging tools).
 *   IO          struct axb_io[]: the model's inputs, then its outputs, in
 *               the order of the source graph.
 *   PLACEMENT   struct axb_placement[]: one entry per source node, where it
 *               runs and, if not on an accelerator, why.
 *   DEBUG       struct axb_debug[]: packet index -> source node names,
 *               sorted by (segment, packet).
 *   REPORT_JSON optional: the compiler's placement/memory report as JSON
 *               (UTF-8, not NUL-terminated); opaque to the runtime.
 *   HOST_OPS    (minor 1) struct axb_host_op[]: the work of one host
 *               segment (see "Host segments"); section.id is the segment
 *               index. Always written with AXB_SECTION_F_REQUIRED: a reader
 *               that cannot run host ops must reject the package.
 *
 * Addressing: slots and relocations
 * ================================
 * A stream addresses memory by device virtual address (ISA LOC_VA operands
 * and table addresses) or by SRAM offset (LOC_SRAM). The compiler lays each
 * segment's memory out as a few "slots", each a VA range it chose (the
 * "link VA"), 4096-byte aligned, non-overlapping within the segment:
 *
 *   AXB_SLOT_WEIGHTS  a byte range [offset, offset + size) of a WEIGHTS
 *                     section (ref = section index); read-only;
 *   AXB_SLOT_ARENA    a byte range [offset, offset + size) of the model's
 *                     activation arena (model.arena_size bytes, zeroed at
 *                     load, shared by all segments; tensors passed from one
 *                     segment to the next live here);
 *   AXB_SLOT_INPUT    the whole buffer of model input io[ref] (offset 0,
 *                     size = its tensor's size); read-only;
 *   AXB_SLOT_OUTPUT   the whole buffer of model output io[ref]; written.
 *
 * The slots of a segment are exactly the memory map the stream is validated
 * and run against (struct axon_fw_region: va, size, READ/WRITE from
 * slot.access). Inputs and outputs have slots of their own so that the
 * runtime can bind them to application buffers or DMA-bufs without copies.
 *
 * The stream stored in the package uses the link VAs and is runnable as is:
 * the CPU backend translates a link VA through its slot to host memory.
 * Executors that cannot choose VAs (the kernel assigns each BO its VA)
 * patch the stream with the relocation table: every __u64 address field of
 * the stream that holds a link VA inside a slot has one struct axb_reloc
 * (byte offset of the field in the stream, segment-local slot index), and
 * the loader rewrites it as
 *
 *   field = field - slot.va + actual_va_of_slot_start
 *
 * A reloc's field must lie inside the stream, be 8-byte aligned, and its
 * value must satisfy slot.va <= value < slot.va + slot.size (the loader
 * checks; the firmware validator then checks the patched stream's operand
 * ranges against the actual map). Fields with LOC_SRAM are never relocated.
 * A compiler should place link VAs at or above AXB_LINK_VA_BASE, with a
 * gap of at least one 64 KiB granule between slots.
 *
 * Inputs and outputs
 * ==================
 * io[i].tensor is the tensor as the device sees it (its dtype, dims in the
 * source graph's order, dense row-major, scale and zero point). The
 * application sees io[i].ext_dtype: equal to the tensor dtype (bind the
 * bytes directly, no copy possible), or AXB_DTYPE_FLOAT32, in which case
 * the runtime quantizes inputs as ONNX QuantizeLinear does
 * (q = saturate(round_half_to_even(x / scale) + zero_point)) and
 * dequantizes outputs ((q - zero_point) * scale) at the boundary.
 *
 * Host segments (minor 1)
 * =======================
 * Some computations are float by definition and run on no integer device:
 * quantization with per-channel parameters at the model boundary, and
 * DynamicQuantizeLinear (its scale is computed from the data at run time).
 * A segment with AXB_SEGMENT_F_HOST (device AXB_DEV_CPU) holds such work:
 * its stream_section is the index of a HOST_OPS section (id = segment
 * index) instead of a STREAM; reloc_count, debug_count, sram_size and
 * op_mask are 0. It has slots like any segment (same kinds, same checks);
 * every operand of a host op is a byte range of one of its slots, and the
 * runtime executes the table in order on the host, between the segments
 * before and after it. Host-op operands and I/O tensors may be float32
 * (AXB_DTYPE_FLOAT32, zero_point 0; an I/O tensor of that dtype has
 * ext_dtype FLOAT32 and is bound as is). Every placement entry of a node
 * in a host segment has device AXB_DEV_CPU and a reason code.
 *
 * Writing a package
 * =================
 * Lay out the sections (64-byte aligned, zero padding), fill each section's
 * crc, write the section table at 64, compute file_crc over [64, file_size),
 * then header_crc over the header with header_crc = 0. Every string, index,
 * range and size must be valid; the runtime rejects the whole package
 * otherwise, with a message naming the section and entry.
 *
 * Versioning
 * ==========
 * header.version_major must equal AXB_VERSION_MAJOR; a reader accepts any
 * version_minor (minor versions only append fields, and section types that
 * old readers either may ignore or, flagged AXB_SECTION_F_REQUIRED, must
 * reject). Minor 1 adds host segments: the HOST_OPS section (required),
 * AXB_SEGMENT_F_HOST, float32 host-op operands and I/O tensors, and
 * AXB_REASON_HOST. header.isa_major/isa_minor give the ISA version
 * the streams need; each stream's own header is checked by the firmware.
 */
#ifndef AXON_AXB_FORMAT_H
#define AXON_AXB_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 8 bytes "AXB1\r\n\x1a\n" read as a little-endian uint64_t. */
#define AXB_MAGIC		0x0a1a0a0d31425841ull
#define AXB_VERSION_MAJOR	1
#define AXB_VERSION_MINOR	1

#define AXB_SECTION_ALIGN	64	/* every section offset */
#define AXB_SLOT_ALIGN		4096	/* every slot link VA */
#define AXB_LINK_VA_BASE	0x10000000ull
#define AXB_MAX_RANK		8
#define AXB_MAX_SECTIONS	4096
#define AXB_NAME_NONE		0	/* string offset of "" */

/** struct axb_header - first 64 bytes of the file. */
struct axb_header {
	uint64_t magic;		/* AXB_MAGIC */
	uint16_t version_major;	/* AXB_VERSION_MAJOR */
	uint16_t version_minor;	/* AXB_VERSION_MINOR of the writer */
	uint16_t isa_major;	/* AXON_ISA_VERSION_MAJOR the streams use */
	uint16_t isa_minor;	/* AXON_ISA_VERSION_MINOR the streams need */
	uint32_t header_size;	/* 64 */
	uint32_t flags;		/* must be zero */
	uint64_t file_size;	/* total bytes, header included */
	uint64_t section_offset;	/* 64: the section table */
	uint32_t section_count;	/* 1..AXB_MAX_SECTIONS */
	uint32_t section_entry_size;	/* sizeof(struct axb_section) or more */
	uint32_t file_crc;	/* crc32 of bytes [64, file_size) */
	uint32_t header_crc;	/* crc32 of these 64 bytes, this field as 0 */
	uint64_t reserved;	/* must be zero */
};

enum axb_section_type {
	AXB_SEC_STRINGS = 1,
	AXB_SEC_MODEL = 2,
	AXB_SEC_SEGMENTS = 3,
	AXB_SEC_STREAM = 4,
	AXB_SEC_WEIGHTS = 5,
	AXB_SEC_SLOTS = 6,
	AXB_SEC_RELOCS = 7,
	AXB_SEC_TENSORS = 8,
	AXB_SEC_IO = 9,
	AXB_SEC_PLACEMENT = 10,
	AXB_SEC_DEBUG = 11,
	AXB_SEC_REPORT_JSON = 12,
	AXB_SEC_HOST_OPS = 13,		/* minor 1, always REQUIRED */
};

/* A reader that does not know this section's type must reject the file. */
#define AXB_SECTION_F_REQUIRED	(1u << 0)

/**
 * struct axb_section - section table entry (40 bytes)
 *
 * STRINGS, MODEL, SEGMENTS, SLOTS, RELOCS, TENSORS, IO, PLACEMENT and DEBUG
 * appear at most once each; MODEL, SEGMENTS, SLOTS, TENSORS, IO and STRINGS
 * are mandatory (RELOCS, PLACEMENT and DEBUG may be absent or empty).
 */
struct axb_section {
	uint32_t type;		/* enum axb_section_type */
	uint32_t flags;		/* AXB_SECTION_F_* */
	uint64_t offset;	/* from file start, AXB_SECTION_ALIGN aligned */
	uint64_t size;		/* bytes; may be 0 */
	uint32_t entry_size;	/* tables: bytes per entry, multiple of 8; else 0 */
	uint32_t crc;		/* crc32 of the section's bytes */
	uint32_t id;		/* STREAM: segment index; WEIGHTS: free; else 0 */
	uint32_t reserved;	/* must be zero */
};

/** enum axb_device - device type a segment was compiled for. */
enum axb_device {
	AXB_DEV_NPU = 1,	/* = DRM_AXON_DEVICE_TYPE_NPU */
	AXB_DEV_DSP = 2,	/* = DRM_AXON_DEVICE_TYPE_DSP */
	AXB_DEV_DPU = 3,	/* = DRM_AXON_DEVICE_TYPE_DPU */
	AXB_DEV_CPU = 4,	/* runtime CPU backend only */
};

/** enum axb_dtype - element types; integer values equal enum axon_isa_dtype. */
enum axb_dtype {
	AXB_DTYPE_INT8 = 1,
	AXB_DTYPE_UINT8 = 2,
	AXB_DTYPE_INT16 = 3,
	AXB_DTYPE_INT32 = 4,
	AXB_DTYPE_FLOAT32 = 16,	/* I/O ext_dtype only, never on a device */
};

/** struct axb_model - the MODEL section (one entry). */
struct axb_model {
	uint32_t name;		/* string: model/graph name */
	uint32_t producer;	/* string: e.g. "axonc 1.0" */
	uint32_t segment_count;	/* = entries of SEGMENTS, >= 1 */
	uint32_t input_count;	/* io[0 .. input_count) are inputs */
	uint32_t output_count;	/* io[input_count ..) are outputs */
	uint32_t flags;		/* must be zero */
	uint64_t arena_size;	/* bytes of activation arena, may be 0 */
	uint32_t targets;	/* bit (1 << enum axb_device): devices compiled for */
	uint32_t pad;		/* must be zero */
};

/* struct axb_segment.flags (minor 1): a host segment, see "Host segments". */
#define AXB_SEGMENT_F_HOST	(1u << 0)

/** struct axb_segment - one command stream and its memory map (64 bytes). */
struct axb_segment {
	uint32_t device;	/* enum axb_device */
	uint32_t flags;		/* AXB_SEGMENT_F_*; unknown bits are rejected */
	uint32_t stream_section;	/* index of its STREAM (host: HOST_OPS) section */
	uint32_t name;		/* string, e.g. "npu0" */
	uint32_t slot_first;	/* range in SLOTS */
	uint32_t slot_count;	/* 1..AXB_MAX_SLOTS */
	uint32_t reloc_first;	/* range in RELOCS */
	uint32_t reloc_count;
	uint32_t debug_first;	/* range in DEBUG */
	uint32_t debug_count;
	uint64_t sram_size;	/* SRAM bytes the stream needs (LOC_SRAM) */
	uint64_t op_mask;	/* bit n: opcode n appears in the stream */
	uint64_t macs;		/* multiply-accumulates per run (estimate) */
};

#define AXB_MAX_SLOTS		64

enum axb_slot_kind {
	AXB_SLOT_WEIGHTS = 1,
	AXB_SLOT_ARENA = 2,
	AXB_SLOT_INPUT = 3,
	AXB_SLOT_OUTPUT = 4,
};

#define AXB_ACCESS_READ		(1u << 0)	/* = AXON_FW_R_READ */
#define AXB_ACCESS_WRITE	(1u << 1)	/* = AXON_FW_R_WRITE */

/** struct axb_slot - a VA range a segment's stream addresses (40 bytes). */
struct axb_slot {
	uint32_t kind;		/* enum axb_slot_kind */
	uint32_t ref;		/* WEIGHTS: section index; INPUT/OUTPUT: io index; ARENA: 0 */
	uint64_t va;		/* link VA, AXB_SLOT_ALIGN aligned */
	uint64_t size;		/* bytes, > 0 */
	uint64_t offset;	/* WEIGHTS/ARENA: start in the section/arena; I/O: 0 */
	uint32_t access;	/* AXB_ACCESS_*; WEIGHTS and INPUT: READ only */
	uint32_t pad;		/* must be zero */
};

/** struct axb_reloc - one address field to patch (8 bytes). */
struct axb_reloc {
	uint32_t offset;	/* byte offset of a __u64 field in the stream, 8-aligned */
	uint16_t slot;		/* segment-local slot index */
	uint16_t flags;		/* must be zero */
};

enum axb_tensor_space {
	AXB_SPACE_NONE = 0,	/* not materialised (fused away) */
	AXB_SPACE_ARENA = 1,	/* at arena offset @offset */
	AXB_SPACE_WEIGHTS = 2,	/* at @offset in WEIGHTS section @ref */
	AXB_SPACE_IO = 3,	/* the buffer of io[@ref] */
};

/** struct axb_tensor - a tensor as the device stores it (72 bytes). */
struct axb_tensor {
	uint32_t name;		/* string: source graph tensor name */
	uint8_t dtype;		/* enum axb_dtype (integer types only) */
	uint8_t rank;		/* 0..AXB_MAX_RANK */
	uint8_t space;		/* enum axb_tensor_space */
	uint8_t flags;		/* must be zero */
	uint32_t ref;		/* see space */
	int32_t zero_point;	/* representable in dtype */
	uint32_t scale;		/* IEEE-754 binary32 bits of the scale, > 0 */
	uint32_t dims[AXB_MAX_RANK];	/* [0, rank) used, each >= 1; rest 0 */
	uint32_t pad;		/* must be zero */
	uint64_t offset;	/* see space */
	uint64_t size;		/* bytes = product(dims) * element size */
};

enum axb_io_direction {
	AXB_IO_INPUT = 1,
	AXB_IO_OUTPUT = 2,
};

/** struct axb_io - a model input or output (24 bytes). */
struct axb_io {
	uint32_t tensor;	/* index in TENSORS; space AXB_SPACE_IO, ref = this index */
	uint32_t direction;	/* enum axb_io_direction */
	uint32_t ext_dtype;	/* tensor dtype, or AXB_DTYPE_FLOAT32 */
	uint32_t name;		/* string: graph input/output name */
	uint32_t flags;		/* must be zero */
	uint32_t pad;		/* must be zero */
};

/** enum axb_reason - why a node is not on an accelerator. */
enum axb_reason {
	AXB_REASON_NONE = 0,		/* on an accelerator */
	AXB_REASON_UNSUPPORTED_OP = 1,	/* no device implements the op */
	AXB_REASON_DTYPE = 2,		/* data type not supported */
	AXB_REASON_SHAPE = 3,		/* shape/attribute beyond device limits */
	AXB_REASON_SRAM = 4,		/* cannot be tiled into the SRAM */
	AXB_REASON_BOUNDARY = 5,	/* graph input quantize / output dequantize */
	AXB_REASON_FORCED = 6,		/* placement forced by the user */
	AXB_REASON_TARGET = 7,		/* no accelerator in the target list */
	AXB_REASON_OTHER = 8,		/* see detail string */
	AXB_REASON_HOST = 9,		/* minor 1: float computation, host segment */
};

/** struct axb_placement - where a source node runs (32 bytes). */
struct axb_placement {
	uint32_t node;		/* string: source node name */
	uint32_t op_type;	/* string: e.g. "QLinearConv" */
	uint32_t device;	/* enum axb_device */
	uint32_t segment;	/* segment index, or 0xffffffff if folded away */
	uint32_t reason;	/* enum axb_reason */
	uint32_t detail;	/* string: human-readable reason, may be "" */
	uint64_t macs;		/* multiply-accumulates of the node */
};

#define AXB_SEGMENT_NONE	0xffffffffu

/** struct axb_debug - packet -> source nodes (16 bytes). */
struct axb_debug {
	uint32_t segment;	/* segment index */
	uint32_t packet;	/* packet index in the stream (0 = first after header) */
	uint32_t nodes;		/* string: node names, comma separated */
	uint32_t pad;		/* must be zero */
};

/**
 * enum axb_host_opcode - work of a host segment (minor 1). Per channel
 * parameters: element i of the data operand uses parameter entry
 * (i / inner) % channels (channels = inner = 1: per tensor); the data
 * operand's count is a multiple of channels * inner. Numbers append-only.
 *
 * QUANTIZE (ONNX QuantizeLinear, per tensor or per axis):
 *   in[0] float32 x[N], in[1] float32 scale[channels] (> 0),
 *   in[2] zero point[channels] (int8/uint8; count 0: zero, uint8),
 *   out[0] y[N] (dtype of the zero point):
 *   y = saturate(round_half_to_even(x / scale) + zero_point).
 * DEQUANTIZE (ONNX DequantizeLinear):
 *   in[0] x[N] int8/uint8/int32, in[1] float32 scale[channels],
 *   in[2] zero point[channels] (dtype of x; count 0: zero),
 *   out[0] float32 y[N] = (x - zero_point) * scale.
 * DYNAMIC_QUANTIZE (ONNX DynamicQuantizeLinear, uint8):
 *   in[0] float32 x[N], out[0] uint8 y[N], out[1] float32 scale[1],
 *   out[2] uint8 zero_point[1]:
 *   lo = min(0, min x), hi = max(0, max x), scale = (hi - lo) / 255,
 *   zero_point = saturate(round_half_to_even(0 - lo / scale)) (0 if
 *   scale is 0), y = saturate(round_half_to_even(x / scale) + zero_point)
 *   (y = zero_point if scale is 0), all in float32.
 */
enum axb_host_opcode {
	AXB_HOST_QUANTIZE = 1,
	AXB_HOST_DEQUANTIZE = 2,
	AXB_HOST_DYNAMIC_QUANTIZE = 3,
};

/** struct axb_host_operand - a dense array in a slot (24 bytes). */
struct axb_host_operand {
	uint32_t slot;		/* segment-local slot index */
	uint32_t dtype;		/* enum axb_dtype; 0 with count 0: absent */
	uint64_t offset;	/* byte offset in the slot, dtype-aligned */
	uint64_t count;		/* elements; the bytes lie inside the slot */
};

/** struct axb_host_op - one entry of a HOST_OPS section (160 bytes). */
struct axb_host_op {
	uint32_t op;		/* enum axb_host_opcode */
	uint32_t flags;		/* must be zero */
	uint32_t channels;	/* >= 1 */
	uint32_t inner;		/* >= 1 */
	struct axb_host_operand in[3];	/* unused: all zero */
	struct axb_host_operand out[3];	/* written: slots with WRITE access */
};

/*
 * CRC-32/ISO-HDLC (polynomial 0xEDB88320 reflected, init and xorout
 * 0xFFFFFFFF), identical to zlib's crc32(). Chain: crc = axb_crc32(crc, ...)
 * starting from 0.
 */
static inline uint32_t axb_crc32(uint32_t crc, const void *buf, size_t len)
{
	static const uint32_t t[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	const uint8_t *p = (const uint8_t *)buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ t[crc & 15];
		crc = (crc >> 4) ^ t[crc & 15];
	}
	return ~crc;
}

/* Element size of an axb_dtype, 0 if invalid. */
static inline unsigned int axb_dtype_size(uint32_t dtype)
{
	switch (dtype) {
	case AXB_DTYPE_INT8:
	case AXB_DTYPE_UINT8:
		return 1;
	case AXB_DTYPE_INT16:
		return 2;
	case AXB_DTYPE_INT32:
	case AXB_DTYPE_FLOAT32:
		return 4;
	default:
		return 0;
	}
}

#if defined(__cplusplus)
#define AXB_STATIC_ASSERT(e, m) static_assert(e, m)
#else
#define AXB_STATIC_ASSERT(e, m) _Static_assert(e, m)
#endif
AXB_STATIC_ASSERT(sizeof(struct axb_header) == 64, "axb_header");
AXB_STATIC_ASSERT(sizeof(struct axb_section) == 40, "axb_section");
AXB_STATIC_ASSERT(sizeof(struct axb_model) == 40, "axb_model");
AXB_STATIC_ASSERT(sizeof(struct axb_segment) == 64, "axb_segment");
AXB_STATIC_ASSERT(sizeof(struct axb_slot) == 40, "axb_slot");
AXB_STATIC_ASSERT(sizeof(struct axb_reloc) == 8, "axb_reloc");
AXB_STATIC_ASSERT(sizeof(struct axb_tensor) == 72, "axb_tensor");
AXB_STATIC_ASSERT(sizeof(struct axb_io) == 24, "axb_io");
AXB_STATIC_ASSERT(sizeof(struct axb_placement) == 32, "axb_placement");
AXB_STATIC_ASSERT(sizeof(struct axb_debug) == 16, "axb_debug");
AXB_STATIC_ASSERT(sizeof(struct axb_host_operand) == 24, "axb_host_operand");
AXB_STATIC_ASSERT(sizeof(struct axb_host_op) == 160, "axb_host_op");

#define AXB_ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))

#ifdef __cplusplus
}
#endif

#endif /* AXON_AXB_FORMAT_H */
