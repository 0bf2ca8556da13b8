// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: DRM_GPU_SCHED_STAT_NO_HANG: the scheduler puts a job
 * that did not hang back on its pending list itself (6.17).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <drm/gpu_scheduler.h>

enum drm_gpu_sched_stat axon_probe(void);
enum drm_gpu_sched_stat axon_probe(void)
{
	return DRM_GPU_SCHED_STAT_NO_HANG;
}
