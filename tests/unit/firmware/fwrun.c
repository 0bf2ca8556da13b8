// SPDX-License-Identifier: MIT
#include "fwrun.h"

#include <stdio.h>
#include <string.h>
#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include "oracle.h"

void tfw_limits_default(struct axon_fw_limits *lim, const struct tmem *m)
{
	memset(lim, 0, sizeof(*lim));
	lim->sram_size = m->sram_size;
	lim->op_mask = (AXON_OP_COUNT >= 64) ? ~0ull : ((1ull << AXON_OP_COUNT) - 1);
	lim->flags = 0;
}

uint32_t tfw_map(const struct tmem *m, struct axon_fw_region *map)
{
	for (unsigned i = 0; i < m->n; i++) {
		memset(&map[i], 0, sizeof(map[i]));
		map[i].va = m->r[i].va;
		map[i].size = m->r[i].size;
		map[i].flags = m->r[i].flags;
	}
	return m->n;
}

void fwhooks_init(struct fwhooks *h, struct tmem *m)
{
	memset(h, 0, sizeof(*h));
	h->m = m;
	h->abort_after = -1;
}

void *tfw_translate_hook(void *ctx, u64 va, u64 len, int write)
{
	struct fwhooks *h = ctx;
	h->translations++;
	if (va < h->fail_hi && (len ? va + len : va + 1) > h->fail_lo)
		return NULL;
	int i = tmem_find(h->m, va, len ? len : 1);
	if (i < 0 || (write && !(h->m->r[i].flags & TMEM_R_WRITE)) ||
	    (!write && !(h->m->r[i].flags & TMEM_R_READ))) {
		h->bad_translations++;
		return NULL;
	}
	return h->m->r[i].mem + (va - h->m->r[i].va);
}

static int h_yield(void *ctx)
{
	struct fwhooks *h = ctx;
	h->yields++;
	return h->abort_after >= 0 && h->yields > h->abort_after;
}

static void h_progress(void *ctx, u32 packet, u32 marker_id)
{
	struct fwhooks *h = ctx;
	if (h->nprog < 256) {
		h->prog_packet[h->nprog] = packet;
		h->prog_id[h->nprog] = marker_id;
		h->prog_yield[h->nprog] = h->yields;
	}
	h->nprog++;
}

uint32_t tfw_validate_sb(const struct tmem *m, const struct sb *s,
			const struct axon_fw_limits *lim, struct axon_fw_result *res)
{
	struct axon_fw_region map[TMEM_MAX_REGIONS];
	struct axon_fw_limits dl;
	if (!lim) {
		tfw_limits_default(&dl, m);
		lim = &dl;
	}
	memset(res, 0, sizeof(*res));
	return axon_fw_validate(s->buf, s->len, map, tfw_map(m, map), lim, res);
}

uint32_t tfw_run_sb(struct tmem *m, const struct sb *s, const struct axon_fw_limits *lim,
		   struct fwhooks *h, struct axon_fw_result *res)
{
	struct axon_fw_region map[TMEM_MAX_REGIONS];
	struct axon_fw_limits dl;
	struct fwhooks dh;
	struct axon_fw_env env;
	if (!lim) {
		tfw_limits_default(&dl, m);
		lim = &dl;
	}
	if (!h) {
		fwhooks_init(&dh, m);
		h = &dh;
	}
	memset(&env, 0, sizeof(env));
	env.ctx = h;
	env.translate = tfw_translate_hook;
	env.sram = m->sram;
	env.sram_size = m->sram_size;
	env.yield = h_yield;
	env.progress = h_progress;
	memset(res, 0, sizeof(*res));
	return axon_fw_run(s->buf, s->len, map, tfw_map(m, map), lim, &env, res);
}

uint64_t tfw_check(struct tmem *m, const struct sb *s, const char *what)
{
	struct axon_fw_result res;
	struct tmem want;
	struct oracle_trace tr;
	uint32_t st = tfw_validate_sb(m, s, NULL, &res);
	if (st != AXON_ISA_OK) {
		print_message("%s\n    validate: %s (%u) at packet %u: %s\n", what,
			      axon_fw_status_str(st), st, res.packet, res.reason ? res.reason : "?");
		fail();
	}
	tmem_clone(&want, m);
	uint32_t ost = oracle_run(&want, s->buf, s->len, &tr);
	if (tr.ambiguous) {
		tmem_free(&want);
		return TFW_AMBIGUOUS;
	}
	assert_int_equal(ost, AXON_ISA_OK);
	struct fwhooks h;
	fwhooks_init(&h, m);
	st = tfw_run_sb(m, s, NULL, &h, &res);
	if (st != AXON_ISA_OK) {
		print_message("%s\n    run: %s (%u) at packet %u: %s\n", what, axon_fw_status_str(st),
			      st, res.packet, res.reason ? res.reason : "?");
		tmem_free(&want);
		fail();
	}
	assert_int_equal(h.bad_translations, 0);
	uint64_t d = tmem_diff(m, &want, 8);
	if (d)
		print_message("  MISMATCH: %s\n", what);
	tmem_free(&want);
	return d;
}
