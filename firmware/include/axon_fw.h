/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * axon firmware command processor: the one implementation of the command
 * stream ISA (uapi/drm/axon_isa.h). Freestanding C: no libc, no allocation,
 * no floating point. Built into axon.ko (emulator), libaxonfw.a (runtime CPU
 * backend, tests) and the bare-metal RISC-V firmware image.
 *
 * Thread safety: the functions keep no global state; concurrent calls on
 * different streams are safe. A stream may even be modified while it runs:
 * axon_fw_run() copies and re-checks every packet before executing it and
 * fails with AXON_ISA_E_NOT_VALIDATED if it changed.
 */
#ifndef _AXON_FW_H_
#define _AXON_FW_H_

#include "axon_fw_types.h"
#include "drm/axon_isa.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* Version of this firmware implementation (not of the ISA). */
#define AXON_FW_VERSION_MAJOR	1
#define AXON_FW_VERSION_MINOR	0
#define AXON_FW_VERSION_PATCH	0
#define AXON_FW_VERSION \
	((AXON_FW_VERSION_MAJOR << 16) | (AXON_FW_VERSION_MINOR << 8) | \
	 AXON_FW_VERSION_PATCH)

#define AXON_FW_R_READ	1u
#define AXON_FW_R_WRITE	2u

/**
 * struct axon_fw_region - one entry of a job's memory map
 * @va: first device virtual address of the region.
 * @size: size in bytes.
 * @flags: AXON_FW_R_READ | AXON_FW_R_WRITE. Inputs (including scale and
 *	lookup tables) need READ, outputs need WRITE.
 * @pad: ignored.
 *
 * An operand's whole byte range must lie inside one region.
 */
struct axon_fw_region {
	u64 va;
	u64 size;
	u32 flags;
	u32 pad;
};

/* Compute operands must be in SRAM: only DMA and FILL may address VAs. */
#define AXON_FW_L_COMPUTE_IN_SRAM	1u

/**
 * struct axon_fw_limits - what the device executing the stream supports
 * @sram_size: bytes of on-chip SRAM; LOC_SRAM operands must lie below it.
 * @op_mask: bit n set: opcode n is allowed. NOP, END and MARKER are always
 *	allowed, whatever the mask says.
 * @flags: AXON_FW_L_*.
 * @pad: ignored.
 *
 * A NULL limits pointer means: no SRAM, every opcode allowed, no flags.
 */
struct axon_fw_limits {
	u64 sram_size;
	u64 op_mask;
	u32 flags;
	u32 pad;
};

/* axon_fw_result.packet for errors in the stream header itself. */
#define AXON_FW_PACKET_NONE	0xffffffffu

/**
 * struct axon_fw_result - outcome of axon_fw_validate() / axon_fw_run()
 * @status: enum axon_isa_status.
 * @packet: index of the packet concerned (0 = first packet after the stream
 *	header). AXON_FW_PACKET_NONE for stream header errors. For
 *	AXON_ISA_E_NO_END: the index where END was missing, or of the first
 *	packet after END. On success: the index of END.
 * @reason: static, human-readable, stable string; one per rejection cause
 *	(see firmware/README.md). "ok" on success.
 */
struct axon_fw_result {
	u32 status;
	u32 packet;
	const char *reason;
};

/* marker_id passed to progress() for packets that are not MARKERs. */
#define AXON_FW_NO_MARKER	0xffffffffu

/**
 * struct axon_fw_env - how the interpreter reaches memory and its executor
 * @ctx: passed back to every hook.
 * @translate: map [va, va + len) for reading (write = 0) or for writing
 *	(write = 1) and return a pointer to byte va; NULL = fault. Called once
 *	per operand per packet, before the packet touches anything. The
 *	pointer must keep va's alignment modulo 8.
 * @sram: the engine's SRAM (may be NULL when @sram_size is 0).
 * @sram_size: bytes at @sram; a LOC_SRAM operand beyond it faults.
 * @yield: called between work units (every output row or tile, and between
 *	packets); nonzero aborts the run with AXON_ISA_E_ABORTED. May be NULL.
 * @progress: called after every completed packet with its index, and the
 *	marker id for MARKER packets (AXON_FW_NO_MARKER otherwise). May be
 *	NULL.
 * @op_override: an executor's faster implementation of a packet, offered
 *	CONV2D, MATMUL, ELTWISE, POOL, LUT, RESCALE, SOFTMAX and LAYERNORM
 *	packets once they are validated and their operands translated.
 *	@packet is the interpreter's private, checked copy; @operands holds the host pointers of the
 *	operands in the order of the packet's struct: CONV2D and MATMUL: in
 *	or a, weight or b, bias (NULL with AXON_ISA_F_NO_BIAS), out, scale
 *	table; ELTWISE: a, b, out; POOL: in, out, scale table; LUT: in, out,
 *	table; RESCALE: in, out; SOFTMAX: in, out, table; LAYERNORM: in,
 *	out, params. Returns nonzero when it
 *	has executed the packet with results bit-identical to the reference
 *	kernel's; zero, having written nothing, to run the reference kernel
 *	(which also reports any fault or bad table entry). It does not call
 *	@yield. May be NULL (the kernel emulator and device firmware).
 */
struct axon_fw_env {
	void *ctx;
	void *(*translate)(void *ctx, u64 va, u64 len, int write);
	u8 *sram;
	u64 sram_size;
	int (*yield)(void *ctx);
	void (*progress)(void *ctx, u32 packet, u32 marker_id);
	int (*op_override)(void *ctx, const struct axon_isa_packet *packet,
			   void *const *operands);
};

/*
 * Check a whole stream; nothing is executed. @stream must be 8-byte aligned
 * and hold @size bytes (header.size_words * 4 <= @size; bytes beyond are
 * ignored). Returns 0 on success, else the status (also in *@res; @res may
 * be NULL).
 */
u32 axon_fw_validate(const void *stream, u64 size,
		     const struct axon_fw_region *map, u32 nmap,
		     const struct axon_fw_limits *lim,
		     struct axon_fw_result *res);

/*
 * Validate, then run. Never executes a stream that fails validation.
 * Returns 0 on success, else the status (also in *@res; @res may be NULL).
 */
u32 axon_fw_run(const void *stream, u64 size,
		const struct axon_fw_region *map, u32 nmap,
		const struct axon_fw_limits *lim,
		const struct axon_fw_env *env, struct axon_fw_result *res);

/*
 * The integer rescale primitive of the ISA (exported for the compiler and
 * tests): see "Integer arithmetic" in axon_isa.h. Arguments outside the
 * documented ranges (multiplier < 0, shift outside 0..62, unknown rounding,
 * multiplier >= 2^24 with AXON_ISA_ROUND_F32) return 0.
 */
s32 axon_fw_rescale(s32 v, s32 multiplier, s32 shift, u32 rounding);

/* Name of an enum axon_isa_status value ("unknown status" otherwise). */
const char *axon_fw_status_str(u32 status);

/* Bytes a tensor may touch (0 if invalid or overflowing); for tools. */
u64 axon_fw_tensor_bytes(const struct axon_isa_tensor *t);

#if defined(__cplusplus)
}
#endif

#endif /* _AXON_FW_H_ */
