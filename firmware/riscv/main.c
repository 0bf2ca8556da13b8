// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware, bare-metal main loop: waits for a job in the mailbox, runs
 * it with axon_fw_run() in an identity-mapped environment, reports back.
 */
#include "axon_fw.h"
#include "axon_fw_image.h"

struct axon_fw_mailbox axon_fw_mbox __attribute__((section(".mailbox"), aligned(64)));

void axon_fw_main(void);

#define MB(f)	(*(volatile typeof(axon_fw_mbox.f) *)&axon_fw_mbox.f)

static void *fw_translate(void *ctx, u64 va, u64 len, int write)
{
	(void)ctx;
	(void)len;
	(void)write;
	/* identity mapped; the validator checked the range against the map */
	return (void *)(__UINTPTR_TYPE__)va;
}

static int fw_yield_hook(void *ctx)
{
	(void)ctx;
	return MB(abort) != 0;
}

static void fw_progress(void *ctx, u32 packet, u32 marker)
{
	(void)ctx;
	MB(progress) = packet;
	if (marker != AXON_FW_NO_MARKER)
		MB(marker) = marker;
}

static void fw_fence(void)
{
	__asm__ __volatile__("fence rw, rw" ::: "memory");
}

void axon_fw_main(void)
{
	struct axon_fw_limits lim;
	struct axon_fw_env env;
	struct axon_fw_result res;
	u32 seen = 0, bell;

	MB(fw_version) = AXON_FW_VERSION;
	MB(done) = 0;
	fw_fence();
	MB(magic) = AXON_FW_MBOX_MAGIC;
	for (;;) {
		bell = MB(doorbell);
		if (bell == seen) {
			__asm__ __volatile__("nop");
			continue;
		}
		seen = bell;
		fw_fence();
		lim.sram_size = MB(sram_size);
		lim.op_mask = MB(op_mask);
		lim.flags = MB(lim_flags);
		lim.pad = 0;
		env.ctx = NULL;
		env.translate = fw_translate;
		env.sram = (u8 *)(__UINTPTR_TYPE__)MB(sram_addr);
		env.sram_size = MB(sram_size);
		env.yield = fw_yield_hook;
		env.progress = fw_progress;
		axon_fw_run((const void *)(__UINTPTR_TYPE__)MB(stream_addr),
			    MB(stream_size),
			    (const struct axon_fw_region *)(__UINTPTR_TYPE__)MB(map_addr),
			    MB(nmap), &lim, &env, &res);
		MB(status) = res.status;
		MB(packet) = res.packet;
		fw_fence();
		MB(done) = seen;
	}
}
