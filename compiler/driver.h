/* SPDX-License-Identifier: MIT */
#ifndef AXONC_DRIVER_H
#define AXONC_DRIVER_H

#include <stddef.h>
#include <stdint.h>

struct axc_opts {
	const char *input, *output, *targets, *report;
	int dump, quiet;
	int nbind;
	const char *bind_name[16], *bind_file[16];
};

/* the whole pipeline; 0 on success, 1 on a model error */
int axc_compile(const struct axc_opts *o);
/* importer + lowering only, from memory (fuzzing) */
int axc_check_buffer(const uint8_t *data, size_t len);

#endif
