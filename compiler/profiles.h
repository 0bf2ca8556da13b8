/* SPDX-License-Identifier: MIT */
/* axonc device profiles: the one place that says what each device can do. */
#ifndef AXONC_PROFILES_H
#define AXONC_PROFILES_H

#include <stdint.h>

struct profile {
	const char *name;
	int device;		/* enum axb_device */
	uint64_t op_mask;	/* bit n = ISA opcode n */
	uint32_t dtypes;	/* bit n = enum axon_isa_dtype n */
	uint64_t sram_size;
	int compute_in_sram;	/* compute operands must be in SRAM (tiling) */
	int accelerator;
	uint32_t macs_per_cycle;	/* preference: higher first */
};

extern const struct profile axc_profiles[];
extern const int axc_nprofiles;
const struct profile *profile_by_name(const char *name, size_t len);
const struct profile *profile_by_device(int device);

#endif
