// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon compat probe: struct drm_file has a client_id (6.15).
 * Compiles (with -Werror) only when the feature is present.
 */

#include <drm/drm_file.h>

u64 axon_probe(struct drm_file *file);
u64 axon_probe(struct drm_file *file)
{
	return file->client_id;
}
