// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: drm_sched_init() takes a struct drm_sched_init_args (6.15).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <drm/gpu_scheduler.h>

int axon_probe(struct drm_gpu_scheduler *sched);
int axon_probe(struct drm_gpu_scheduler *sched)
{
	const struct drm_sched_init_args args = { .name = "probe" };

	return drm_sched_init(sched, &args);
}
