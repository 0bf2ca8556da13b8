// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: drm_gem_shmem_vmap_locked() (6.16; before:
 * drm_gem_shmem_vmap() with the reservation lock held).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <drm/drm_gem_shmem_helper.h>

int axon_probe(struct drm_gem_shmem_object *shmem, struct iosys_map *map);
int axon_probe(struct drm_gem_shmem_object *shmem, struct iosys_map *map)
{
	return drm_gem_shmem_vmap_locked(shmem, map);
}
