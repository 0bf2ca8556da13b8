// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: drm_sched_job_init() takes a DRM client id (6.15).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <drm/gpu_scheduler.h>

int axon_probe(struct drm_sched_job *job, struct drm_sched_entity *entity);
int axon_probe(struct drm_sched_job *job, struct drm_sched_entity *entity)
{
	return drm_sched_job_init(job, entity, 1, NULL, 0);
}
