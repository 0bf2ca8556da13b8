// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: timedout_job() returns DRM_GPU_SCHED_STAT_RESET, not _NOMINAL (6.17).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <drm/gpu_scheduler.h>

enum drm_gpu_sched_stat axon_probe(void);
enum drm_gpu_sched_stat axon_probe(void)
{
	return DRM_GPU_SCHED_STAT_RESET;
}
