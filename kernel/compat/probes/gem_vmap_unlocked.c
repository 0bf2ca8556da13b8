// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: drm_gem_vmap_unlocked()/drm_gem_vunmap_unlocked()
 * (before 6.16, which renamed them drm_gem_vmap()/drm_gem_vunmap()).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <drm/drm_gem.h>
#include <linux/iosys-map.h>

int axon_probe(struct drm_gem_object *obj, struct iosys_map *map);
int axon_probe(struct drm_gem_object *obj, struct iosys_map *map)
{
	int ret = drm_gem_vmap_unlocked(obj, map);

	if (!ret)
		drm_gem_vunmap_unlocked(obj, map);
	return ret;
}
