// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware, bare-metal main loop: waits for a job in the mailbox, runs
 * it with axon_fw_run() in an identity-mapped environment, reports back.
 */
#include "axon_fw.h"
#include "axon_fw_image.h"
#include "main.h"

struct axon_fw_mailbox axon_fw_mbox FW_ATTR(__section__(".mailbox")) FW_ATTR(__aligned__(64));
static struct axon_fw_mailbox * const mb = &axon_fw_mbox;

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
	return FW_READ_ONCE(mb->abort) != 0;
}

static void fw_progress(void *ctx, u32 packet, u32 marker)
{
	(void)ctx;
	FW_WRITE_ONCE(mb->progress, packet);
	if (marker != AXON_FW_NO_MARKER)
		FW_WRITE_ONCE(mb->marker, marker);
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
	const struct axon_fw_region *map;
	const void *stream;
	u32 seen = 0, bell;

	FW_WRITE_ONCE(mb->fw_version, AXON_FW_VERSION);
	FW_WRITE_ONCE(mb->done, 0);
	fw_fence();
	FW_WRITE_ONCE(mb->magic, AXON_FW_MBOX_MAGIC);
	for (;;) {
		bell = FW_READ_ONCE(mb->doorbell);
		if (bell == seen) {
			__asm__ __volatile__("nop");
			continue;
		}
		seen = bell;
		fw_fence();
		lim.sram_size = FW_READ_ONCE(mb->sram_size);
		lim.op_mask = FW_READ_ONCE(mb->op_mask);
		lim.flags = FW_READ_ONCE(mb->lim_flags);
		lim.pad = 0;
		env.ctx = NULL;
		env.translate = fw_translate;
		env.sram = (u8 *)(__UINTPTR_TYPE__)FW_READ_ONCE(mb->sram_addr);
		env.sram_size = FW_READ_ONCE(mb->sram_size);
		env.yield = fw_yield_hook;
		env.progress = fw_progress;
		stream = (const void *)(__UINTPTR_TYPE__)FW_READ_ONCE(mb->stream_addr);
		map = (const void *)(__UINTPTR_TYPE__)FW_READ_ONCE(mb->map_addr);
		axon_fw_run(stream, FW_READ_ONCE(mb->stream_size), map,
			    FW_READ_ONCE(mb->nmap), &lim, &env, &res);
		FW_WRITE_ONCE(mb->status, res.status);
		FW_WRITE_ONCE(mb->packet, res.packet);
		fw_fence();
		FW_WRITE_ONCE(mb->done, seen);
	}
}
