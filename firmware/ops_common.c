// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon firmware: operand set-up shared by the operation families.
 */
#include "fw_priv.h"

/* A read-only table operand; NULL (with a reason) if it is not mapped. */
const void *fw_map_table(struct fw_ctx *c, u32 loc, u64 addr, u64 len)
{
	const void *t = fw_map(c, loc, addr, len, 0);

	if (!t)
		c->reason = "table address translation failed";
	return t;
}

/* A scale table's entries; NULL (with a reason) if they are not mapped. */
const void *fw_map_rqtab(struct fw_ctx *c, const struct axon_isa_rqtab *t)
{
	const void *p = fw_map(c, t->loc, t->addr, (u64)t->count * 8, 0);

	if (!p)
		c->reason = "scale table address translation failed";
	return p;
}

/* Resolves input @in into @x, then output @out into @o. */
u32 fw_resolve_io(struct fw_ctx *c, const struct axon_isa_tensor *in,
		  struct fw_t *x, const struct axon_isa_tensor *out,
		  struct fw_t *o)
{
	u32 st = fw_resolve(c, in, 0, x);

	return st ? st : fw_resolve(c, out, 1, o);
}
