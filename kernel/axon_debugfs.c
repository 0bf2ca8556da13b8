// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: debugfs, under /sys/kernel/debug/accel/<minor>/.
 *
 *   info      device type and live BO count
 *   clients   every open file and the BOs mapped in its address space
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/crc32.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "axon_drv.h"

/* BOs up to this size get a checksum read through their kernel mapping. */
#define AXON_DEBUGFS_CRC_MAX	SZ_16M

static int axon_debugfs_info(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct axon_device *adev = to_axon_device(entry->dev);

	seq_printf(m, "type %s\n", adev->profile->name);
	seq_printf(m, "bos %d\n", atomic_read(&adev->bo_count));
	return 0;
}

/*
 * Takes a reference on every mapping of the VM, so the BOs can be read
 * without the VM lock held (vmap takes reservation locks, which nest
 * outside the VM lock).
 */
static struct axon_mapping **axon_vm_snapshot(struct axon_vm *vm,
					      unsigned int *count)
{
	struct axon_mapping **list;
	struct drm_mm_node *node;
	unsigned int n = 0, i = 0;

	mutex_lock(&vm->lock);
	drm_mm_for_each_node(node, &vm->mm)
		n++;
	list = kvmalloc_array(max(n, 1U), sizeof(*list), GFP_KERNEL);
	if (list) {
		drm_mm_for_each_node(node, &vm->mm) {
			struct axon_mapping *mapping =
				container_of(node, struct axon_mapping, node);

			if (kref_get_unless_zero(&mapping->ref))
				list[i++] = mapping;
		}
	}
	mutex_unlock(&vm->lock);
	*count = i;
	return list;
}

static void axon_debugfs_print_bo(struct seq_file *m,
				  struct axon_mapping *mapping)
{
	struct axon_bo *bo = mapping->bo;
	size_t size = bo->base.base.size;
	bool resident = axon_bo_has_pages(bo);

	seq_printf(m, "  va 0x%llx size %zu flags 0x%x imported %d resident %d",
		   axon_mapping_va(mapping), size, bo->flags,
		   axon_bo_is_imported(bo), resident);

	if (resident && size <= AXON_DEBUGFS_CRC_MAX) {
		void *vaddr = axon_bo_vmap(bo);

		if (!IS_ERR(vaddr)) {
			seq_printf(m, " crc32 0x%08x",
				   crc32_le(~0U, vaddr, size) ^ ~0U);
			axon_bo_vunmap(bo, vaddr);
		} else {
			seq_printf(m, " vmap-error %ld", PTR_ERR(vaddr));
		}
	}
	seq_puts(m, "\n");
}

static int axon_debugfs_clients(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct drm_device *drm = entry->dev;
	struct drm_file *file;

	mutex_lock(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead) {
		struct axon_file *afile = to_axon_file(file);
		struct axon_mapping **list;
		char comm[TASK_COMM_LEN] = "";
		struct task_struct *task;
		unsigned int i, count;
		pid_t pid = 0;

		rcu_read_lock();
		task = pid_task(rcu_dereference(file->pid), PIDTYPE_TGID);
		if (task) {
			get_task_comm(comm, task);
			pid = task_tgid_nr(task);
		}
		rcu_read_unlock();

		list = axon_vm_snapshot(afile->vm, &count);
		seq_printf(m, "client %llu pid %d comm %s bos %u\n",
			   file->client_id, pid, comm, count);
		if (!list)
			continue;
		for (i = 0; i < count; i++) {
			axon_debugfs_print_bo(m, list[i]);
			axon_mapping_put(list[i]);
		}
		kvfree(list);
	}
	mutex_unlock(&drm->filelist_mutex);
	return 0;
}

void axon_debugfs_init(struct axon_device *adev)
{
	drm_debugfs_add_file(&adev->drm, "info", axon_debugfs_info, NULL);
	drm_debugfs_add_file(&adev->drm, "clients", axon_debugfs_clients,
			     NULL);
}
