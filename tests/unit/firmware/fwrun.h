/* SPDX-License-Identifier: MIT */
/*
 * Glue between the tests' memory (tmem) and the firmware API: a memory map,
 * limits, and environment hooks that record what the firmware asked for.
 */
#ifndef AXON_TEST_FWRUN_H
#define AXON_TEST_FWRUN_H

#include <stdint.h>
#include "axon_fw.h"
#include "stream_builder.h"
#include "tmem.h"

struct fwhooks {
	struct tmem *m;
	long yields;		/* yield() calls seen */
	long abort_after;	/* yield() returns nonzero from this call on; < 0 never */
	unsigned nprog;
	uint32_t prog_packet[256];
	uint32_t prog_id[256];
	long prog_yield[256];	/* yields seen at that progress() call */
	/* translate() returns NULL for a request intersecting [fail_lo, fail_hi) */
	uint64_t fail_lo, fail_hi;
	long translations;
	long bad_translations;	/* requests outside the map or writing read-only */
};

void tfw_limits_default(struct axon_fw_limits *lim, const struct tmem *m);
/* Memory map of @m (up to TMEM_MAX_REGIONS entries) into @map, returns count. */
uint32_t tfw_map(const struct tmem *m, struct axon_fw_region *map);
void fwhooks_init(struct fwhooks *h, struct tmem *m);
/* The translate hook used by tfw_run_sb(), ctx = struct fwhooks. */
void *tfw_translate_hook(void *ctx, u64 va, u64 len, int write);

uint32_t tfw_validate_sb(const struct tmem *m, const struct sb *s,
			const struct axon_fw_limits *lim, struct axon_fw_result *res);
/* @lim NULL: defaults; @h NULL: default hooks. */
uint32_t tfw_run_sb(struct tmem *m, const struct sb *s, const struct axon_fw_limits *lim,
		   struct fwhooks *h, struct axon_fw_result *res);

/*
 * Validates and runs @s on @m with the firmware and on a clone with the
 * oracle, then compares the whole memory (outputs and every other byte).
 * Returns the number of differing bytes (0 = pass); on failure prints
 * @what. If the oracle finds the case ambiguous (see oracle.h), returns
 * (uint64_t)-1 without comparing.
 */
uint64_t tfw_check(struct tmem *m, const struct sb *s, const char *what);
#define TFW_AMBIGUOUS ((uint64_t)-1)

#endif
