// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: per-file device virtual address spaces.
 *
 * Every open file has its own device address space. A BO gets a VA in a
 * file's space when the file gets its first handle to the BO (creation,
 * PRIME import, GEM open) and loses it when the last such handle is closed.
 * A BO shared between files thus has one mapping, and possibly a different
 * VA, per file.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/slab.h>

#include "axon_drv.h"

struct axon_vm *axon_vm_create(struct axon_device *adev)
{
	const struct axon_profile *profile = adev->profile;
	struct axon_vm *vm;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return NULL;

	kref_init(&vm->ref);
	vm->adev = adev;
	mutex_init(&vm->lock);
	drm_mm_init(&vm->mm, profile->va_start,
		    profile->va_end - profile->va_start);
	return vm;
}

static void axon_vm_release(struct kref *ref)
{
	struct axon_vm *vm = container_of(ref, struct axon_vm, ref);

	/* Every mapping holds a VM reference: the allocator is empty. */
	drm_mm_takedown(&vm->mm);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

void axon_vm_put(struct axon_vm *vm)
{
	if (vm)
		kref_put(&vm->ref, axon_vm_release);
}

static void axon_mapping_release(struct kref *ref)
{
	struct axon_mapping *mapping = container_of(ref, struct axon_mapping,
						    ref);
	struct axon_vm *vm = mapping->vm;

	mutex_lock(&vm->lock);
	drm_mm_remove_node(&mapping->node);
	mutex_unlock(&vm->lock);

	drm_gem_object_put(&mapping->bo->base.base);
	axon_vm_put(vm);
	kfree(mapping);
}

/**
 * axon_mapping_put() - drop a mapping reference
 * @mapping: mapping, may be NULL
 *
 * The last reference frees the VA range and drops the BO and VM references.
 * May sleep.
 */
void axon_mapping_put(struct axon_mapping *mapping)
{
	if (mapping)
		kref_put(&mapping->ref, axon_mapping_release);
}

static struct axon_mapping *__axon_vm_find_bo(struct axon_vm *vm,
					      struct axon_bo *bo)
{
	struct axon_mapping *mapping;

	lockdep_assert_held(&bo->mappings_lock);

	list_for_each_entry(mapping, &bo->mappings, bo_link)
		if (mapping->vm == vm)
			return mapping;
	return NULL;
}

/**
 * axon_vm_map_bo() - give a BO a VA in a file's address space
 * @vm: address space
 * @bo: buffer object
 *
 * Called for every new handle of @bo in the file owning @vm; a second handle
 * to the same BO shares the existing mapping.
 *
 * Return: 0, -ENOSPC when the address space is full, -ENOMEM.
 */
int axon_vm_map_bo(struct axon_vm *vm, struct axon_bo *bo)
{
	struct drm_gem_object *obj = &bo->base.base;
	struct axon_mapping *mapping;
	int ret;

	mutex_lock(&bo->mappings_lock);
	mapping = __axon_vm_find_bo(vm, bo);
	if (mapping) {
		mapping->handle_count++;
		mutex_unlock(&bo->mappings_lock);
		return 0;
	}

	mapping = kzalloc(sizeof(*mapping), GFP_KERNEL);
	if (!mapping) {
		ret = -ENOMEM;
		goto out_unlock;
	}

	mutex_lock(&vm->lock);
	ret = drm_mm_insert_node_in_range(&vm->mm, &mapping->node,
					  obj->size + AXON_VA_GUARD, PAGE_SIZE,
					  0, vm->adev->profile->va_start,
					  vm->adev->profile->va_end,
					  DRM_MM_INSERT_BEST);
	mutex_unlock(&vm->lock);
	if (ret) {
		drm_dbg(&vm->adev->drm,
			"no VA range for a BO of %zu bytes: %d\n",
			obj->size, ret);
		kfree(mapping);
		goto out_unlock;
	}

	kref_init(&mapping->ref);
	kref_get(&vm->ref);
	mapping->vm = vm;
	drm_gem_object_get(obj);
	mapping->bo = bo;
	mapping->handle_count = 1;
	list_add_tail(&mapping->bo_link, &bo->mappings);

out_unlock:
	mutex_unlock(&bo->mappings_lock);
	return ret;
}

/**
 * axon_vm_unmap_bo() - a handle of the BO in the VM's file was closed
 * @vm: address space
 * @bo: buffer object
 *
 * The mapping goes away with the file's last handle to @bo, or later when
 * its last user drops it.
 */
void axon_vm_unmap_bo(struct axon_vm *vm, struct axon_bo *bo)
{
	struct axon_mapping *mapping;

	mutex_lock(&bo->mappings_lock);
	mapping = __axon_vm_find_bo(vm, bo);
	if (WARN_ON(!mapping)) {
		mutex_unlock(&bo->mappings_lock);
		return;
	}
	if (--mapping->handle_count == 0)
		list_del_init(&mapping->bo_link);
	else
		mapping = NULL;
	mutex_unlock(&bo->mappings_lock);

	axon_mapping_put(mapping);
}

/**
 * axon_vm_find_bo() - the mapping of a BO in an address space
 * @vm: address space
 * @bo: buffer object
 *
 * Return: a referenced mapping (release with axon_mapping_put()), or NULL
 * when the file has no handle to @bo.
 */
struct axon_mapping *axon_vm_find_bo(struct axon_vm *vm, struct axon_bo *bo)
{
	struct axon_mapping *mapping;

	mutex_lock(&bo->mappings_lock);
	mapping = __axon_vm_find_bo(vm, bo);
	if (mapping)
		kref_get(&mapping->ref);
	mutex_unlock(&bo->mappings_lock);
	return mapping;
}

/**
 * axon_vm_lookup() - the mapping containing a device VA range
 * @vm: address space
 * @va: first byte
 * @size: length in bytes, non-zero
 *
 * For the MMU: [@va, @va + @size) must lie within one BO; the guard after
 * each BO belongs to no BO.
 *
 * Return: a referenced mapping, or NULL if the range is not fully mapped.
 */
struct axon_mapping *axon_vm_lookup(struct axon_vm *vm, u64 va, u64 size)
{
	struct axon_mapping *found = NULL;
	struct drm_mm_node *node;
	u64 end;

	if (!size || check_add_overflow(va, size, &end))
		return NULL;

	mutex_lock(&vm->lock);
	drm_mm_for_each_node_in_range(node, &vm->mm, va, end) {
		struct axon_mapping *mapping =
			container_of(node, struct axon_mapping, node);

		if (va >= node->start &&
		    end <= node->start + mapping->bo->base.base.size &&
		    kref_get_unless_zero(&mapping->ref))
			found = mapping;
		break;
	}
	mutex_unlock(&vm->lock);
	return found;
}
