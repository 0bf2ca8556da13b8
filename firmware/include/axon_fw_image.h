/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * axon firmware image and the mailbox through which a host drives the
 * bare-metal firmware.
 *
 * The file /lib/firmware/axon/axon-fw.bin is a struct drm_axon_blob_header
 * (uapi/drm/axon_accel.h: kind DRM_AXON_BLOB_FIRMWARE, device type 0 = any,
 * version = fw_version as DRM_AXON_VERSION()) whose payload is the image:
 * struct axon_fw_image_header (little-endian), then image_size bytes of
 * code, loaded at load_addr and entered at entry_point. The kernel
 * (kernel/axon_fw.c) checks the blob header, then magic, header_version,
 * header_size, payload size == header_size + image_size, isa_major and
 * crc32 before using an image.
 */
#ifndef _AXON_FW_IMAGE_H_
#define _AXON_FW_IMAGE_H_

#include "axon_fw_types.h"

#define AXON_FW_IMAGE_MAGIC		0x4d465841u	/* "AXFM" */
#define AXON_FW_IMAGE_HEADER_VERSION	1

#define AXON_FW_ARCH_RISCV64	1	/* rv64imac, lp64 */

/**
 * struct axon_fw_image_header - header of a firmware image file (64 bytes)
 * @magic: AXON_FW_IMAGE_MAGIC.
 * @header_version: AXON_FW_IMAGE_HEADER_VERSION.
 * @header_size: bytes of this header; the payload starts there.
 * @fw_version: AXON_FW_VERSION of the firmware (major << 16 | minor << 8 |
 *	patch).
 * @isa_major: AXON_ISA_VERSION_MAJOR the firmware executes.
 * @isa_minor: highest AXON_ISA_VERSION_MINOR it accepts.
 * @image_size: bytes of payload after the header.
 * @crc32: CRC-32 (IEEE 802.3, as zlib's crc32() and the kernel's
 *	crc32_le(~0, p, n) ^ ~0) of the payload.
 * @arch: AXON_FW_ARCH_*.
 * @load_addr: physical address the payload is loaded at.
 * @entry_point: address execution starts at.
 * @mailbox_addr: address of the struct axon_fw_mailbox.
 * @bss_size: bytes of zero-initialised memory after the payload that the
 *	firmware uses (cleared by the firmware itself).
 * @reserved: zero.
 */
struct axon_fw_image_header {
	u32 magic;
	u16 header_version;
	u16 header_size;
	u32 fw_version;
	u16 isa_major;
	u16 isa_minor;
	u32 image_size;
	u32 crc32;
	u32 arch;
	u32 bss_size;
	u64 load_addr;
	u64 entry_point;
	u64 mailbox_addr;
	u32 reserved[2];
};

#define AXON_FW_MBOX_MAGIC	0x584f424du	/* "MBOX", set when ready */

/**
 * struct axon_fw_mailbox - host <-> firmware command block
 * @magic: written by the firmware when it is ready for commands.
 * @fw_version: AXON_FW_VERSION, written by the firmware.
 * @doorbell: the host writes a new sequence number after filling in the
 *	job fields; the firmware runs the job once per new number.
 * @done: the firmware writes the sequence number of the finished job,
 *	after @status and @packet.
 * @status: enum axon_isa_status of the last job.
 * @packet: packet index of the last job's result.
 * @progress: index of the last completed packet of the running job.
 * @marker: id of the last MARKER passed.
 * @abort: nonzero: the running job stops at its next work unit
 *	(AXON_ISA_E_ABORTED). The host clears it before ringing.
 * @nmap: entries of the region array at @map_addr.
 * @stream_addr: address of the command stream (identity mapped).
 * @stream_size: bytes at @stream_addr.
 * @map_addr: address of nmap struct axon_fw_region.
 * @sram_addr: address of the engine's SRAM.
 * @sram_size: bytes of SRAM.
 * @op_mask: struct axon_fw_limits.op_mask.
 * @lim_flags: struct axon_fw_limits.flags.
 * @pad: zero.
 */
struct axon_fw_mailbox {
	u32 magic;
	u32 fw_version;
	u32 doorbell;
	u32 done;
	u32 status;
	u32 packet;
	u32 progress;
	u32 marker;
	u32 abort;
	u32 nmap;
	u64 stream_addr;
	u64 stream_size;
	u64 map_addr;
	u64 sram_addr;
	u64 sram_size;
	u64 op_mask;
	u32 lim_flags;
	u32 pad;
};

#endif /* _AXON_FW_IMAGE_H_ */
