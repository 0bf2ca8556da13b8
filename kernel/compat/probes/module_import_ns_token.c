// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: MODULE_IMPORT_NS() takes a bare token, not a string (before 6.13).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <linux/module.h>

MODULE_IMPORT_NS(DMA_BUF);
