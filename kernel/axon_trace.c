// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: tracepoint definitions.
 *
 * Copyright (C) 2025 The axon authors
 */

#define CREATE_TRACE_POINTS
#include "axon_trace.h"
