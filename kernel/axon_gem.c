// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: buffer objects (shmem GEM, PRIME import) and their ioctls.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/iosys-map.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_utils.h>

#include "axon_compat.h"
#include "axon_drv.h"

static void axon_bo_free(struct drm_gem_object *obj)
{
	struct axon_device *adev = to_axon_device(obj->dev);
	struct axon_bo *bo = to_axon_bo(obj);

	/* Every mapping holds a BO reference. */
	drm_WARN_ON(obj->dev, !list_empty(&bo->mappings));
	atomic_dec(&adev->bo_count);
	mutex_destroy(&bo->mappings_lock);
	drm_gem_shmem_free(&bo->base);
}

static int axon_bo_open(struct drm_gem_object *obj, struct drm_file *file)
{
	return axon_vm_map_bo(to_axon_file(file)->vm, to_axon_bo(obj));
}

static void axon_bo_close(struct drm_gem_object *obj, struct drm_file *file)
{
	axon_vm_unmap_bo(to_axon_file(file)->vm, to_axon_bo(obj));
}

/**
 * axon_bo_has_pages() - whether the BO has memory behind it
 * @bo: buffer object
 *
 * Imported BOs always have; shmem BOs while their pages are held (mmap,
 * vmap, pin).
 *
 * Return: a lockless snapshot, for statistics.
 */
bool axon_bo_has_pages(struct axon_bo *bo)
{
	return axon_bo_is_imported(bo) || READ_ONCE(bo->base.pages);
}

static enum drm_gem_object_status axon_bo_status(struct drm_gem_object *obj)
{
	return axon_bo_has_pages(to_axon_bo(obj)) ? DRM_GEM_OBJECT_RESIDENT : 0;
}

static size_t axon_bo_rss(struct drm_gem_object *obj)
{
	return axon_bo_has_pages(to_axon_bo(obj)) ? obj->size : 0;
}

static const struct drm_gem_object_funcs axon_gem_funcs = {
	.free = axon_bo_free,
	.open = axon_bo_open,
	.close = axon_bo_close,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.status = axon_bo_status,
	.rss = axon_bo_rss,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/*
 * drm_driver.gem_create_object: the shmem helpers allocate every object,
 * created or imported, through this, so every GEM object of an axon device
 * is a struct axon_bo.
 */
struct drm_gem_object *axon_gem_create_object(struct drm_device *drm,
					      size_t size)
{
	struct axon_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	mutex_init(&bo->mappings_lock);
	INIT_LIST_HEAD(&bo->mappings);
	bo->base.base.funcs = &axon_gem_funcs;
	return &bo->base.base;
}

/**
 * axon_gem_prime_import_sg_table() - wrap a foreign DMA-buf in a BO
 * @drm: DRM device
 * @attach: attachment of the DMA-buf to @drm's device
 * @sgt: its mapped pages
 *
 * Return: the new GEM object or an ERR_PTR().
 */
struct drm_gem_object *
axon_gem_prime_import_sg_table(struct drm_device *drm,
			       struct dma_buf_attachment *attach,
			       struct sg_table *sgt)
{
	struct drm_gem_object *obj;

	obj = drm_gem_shmem_prime_import_sg_table(drm, attach, sgt);
	if (IS_ERR(obj)) {
		drm_dbg(drm, "importing a DMA-buf of %zu bytes failed: %ld\n",
			attach->dmabuf->size, PTR_ERR(obj));
		return obj;
	}
	atomic_inc(&to_axon_device(drm)->bo_count);
	return obj;
}

/**
 * axon_bo_vmap() - kernel mapping of a BO, created or imported
 * @bo: buffer object
 *
 * Imported BOs are mapped through their exporter (dma_buf_vmap()). May
 * sleep; takes the BO's reservation lock.
 *
 * Return: the kernel address, or an ERR_PTR().
 */
void *axon_bo_vmap(struct axon_bo *bo)
{
	struct drm_gem_object *obj = &bo->base.base;
	struct iosys_map map;
	int ret;

	ret = axon_drm_gem_vmap(obj, &map);
	if (ret)
		return ERR_PTR(ret);
	if (map.is_iomem) {
		axon_drm_gem_vunmap(obj, &map);
		return ERR_PTR(-EIO);
	}
	return map.vaddr;
}

/**
 * axon_bo_vunmap() - release a mapping from axon_bo_vmap()
 * @bo: buffer object
 * @vaddr: address axon_bo_vmap() returned
 */
void axon_bo_vunmap(struct axon_bo *bo, void *vaddr)
{
	struct iosys_map map = IOSYS_MAP_INIT_VADDR(vaddr);

	axon_drm_gem_vunmap(&bo->base.base, &map);
}

int axon_ioctl_bo_create(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct axon_device *adev = to_axon_device(drm);
	struct axon_file *afile = to_axon_file(file);
	struct drm_axon_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct axon_mapping *mapping;
	struct drm_gem_object *obj;
	struct axon_bo *bo;
	u32 handle;
	u64 size;
	int ret;

	if (args->flags & ~DRM_AXON_BO_WC) {
		drm_dbg(drm, "BO_CREATE: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	if (args->pad) {
		drm_dbg(drm, "BO_CREATE: pad is not zero\n");
		return -EINVAL;
	}
	if (!args->size) {
		drm_dbg(drm, "BO_CREATE: size is zero\n");
		return -EINVAL;
	}
	if (args->size > adev->profile->max_bo_size) {
		drm_dbg(drm, "BO_CREATE: size %llu above the limit %llu\n",
			args->size, adev->profile->max_bo_size);
		return -E2BIG;
	}
	size = PAGE_ALIGN(args->size);

	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem)) {
		drm_dbg(drm, "BO_CREATE: no shmem object of %llu bytes: %ld\n",
			size, PTR_ERR(shmem));
		return PTR_ERR(shmem);
	}
	obj = &shmem->base;
	bo = to_axon_bo(obj);
	atomic_inc(&adev->bo_count);
	bo->flags = args->flags;
	shmem->map_wc = !!(args->flags & DRM_AXON_BO_WC);

	ret = drm_gem_create_mmap_offset(obj);
	if (ret) {
		drm_dbg(drm, "BO_CREATE: no mmap offset: %d\n", ret);
		goto out_put;
	}

	/* The handle's open callback maps the BO in the file's VM. */
	ret = drm_gem_handle_create(file, obj, &handle);
	if (ret) {
		drm_dbg(drm, "BO_CREATE: no handle or VA: %d\n", ret);
		goto out_put;
	}

	mapping = axon_vm_find_bo(afile->vm, bo);
	if (!mapping) {
		/* Userspace closed the new handle behind our back. */
		drm_dbg(drm, "BO_CREATE: handle %u closed concurrently\n",
			handle);
		ret = -ENOENT;
		goto out_put;
	}

	args->size = size;
	args->handle = handle;
	args->va = axon_mapping_va(mapping);
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	axon_mapping_put(mapping);

out_put:
	drm_gem_object_put(obj);
	return ret;
}

int axon_ioctl_bo_info(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct axon_file *afile = to_axon_file(file);
	struct drm_axon_bo_info *args = data;
	struct axon_mapping *mapping;
	struct drm_gem_object *obj;
	struct axon_bo *bo;
	int ret;

	if (args->flags || args->pad) {
		drm_dbg(drm, "BO_INFO: flags %#x or pad %#x not zero\n",
			args->flags, args->pad);
		return -EINVAL;
	}

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dbg(drm, "BO_INFO: no BO with handle %u\n", args->handle);
		return -ENOENT;
	}
	bo = to_axon_bo(obj);

	/* Imported BOs get their mmap offset on first use. */
	ret = drm_gem_create_mmap_offset(obj);
	if (ret) {
		drm_dbg(drm, "BO_INFO: no mmap offset: %d\n", ret);
		goto out_put;
	}

	mapping = axon_vm_find_bo(afile->vm, bo);
	if (!mapping) {
		drm_dbg(drm, "BO_INFO: handle %u closed concurrently\n",
			args->handle);
		ret = -ENOENT;
		goto out_put;
	}

	args->size = obj->size;
	args->va = axon_mapping_va(mapping);
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	args->bo_flags = bo->flags;
	if (axon_bo_is_imported(bo))
		args->bo_flags |= DRM_AXON_BO_IMPORTED;
	axon_mapping_put(mapping);

out_put:
	drm_gem_object_put(obj);
	return ret;
}

int axon_ioctl_bo_wait(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct drm_axon_bo_wait *args = data;
	enum dma_resv_usage usage;
	struct drm_gem_object *obj;
	unsigned long timeout;
	long ret;

	if (args->flags & ~DRM_AXON_BO_WAIT_WRITERS) {
		drm_dbg(drm, "BO_WAIT: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	if (args->pad) {
		drm_dbg(drm, "BO_WAIT: pad is not zero\n");
		return -EINVAL;
	}

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dbg(drm, "BO_WAIT: no BO with handle %u\n", args->handle);
		return -ENOENT;
	}

	usage = (args->flags & DRM_AXON_BO_WAIT_WRITERS) ?
		DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ;
	/*
	 * The deadline is CLOCK_MONOTONIC; a jiffies timeout can expire a
	 * little before it (jiffies catching up after a stalled vCPU), so wait
	 * again until the deadline has really passed.
	 */
	do {
		timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
		ret = dma_resv_wait_timeout(obj->resv, usage, true, timeout);
	} while (ret == 0 && timeout);
	drm_gem_object_put(obj);

	if (ret == 0) {
		drm_dbg(drm, "BO_WAIT: handle %u still busy at the deadline\n",
			args->handle);
		return -ETIMEDOUT;
	}
	if (ret < 0) {
		drm_dbg(drm, "BO_WAIT: wait on handle %u failed: %ld\n",
			args->handle, ret);
		return ret;
	}
	return 0;
}
