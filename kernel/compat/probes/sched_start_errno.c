// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: drm_sched_start() takes an errno for the jobs it drops (6.13).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <drm/gpu_scheduler.h>

void axon_probe(struct drm_gpu_scheduler *sched);
void axon_probe(struct drm_gpu_scheduler *sched)
{
	drm_sched_start(sched, 0);
}
