// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: debugfs controls for recovery testing, next to the device's other
 * debugfs files (/sys/kernel/debug/accel/<device>/):
 *
 *   reset    write an engine index: reset that engine now (a running job
 *            is aborted with -ECANCELED, its context is not banned)
 *   inject   write "hang", "mmu" or "error": the next job run on the
 *            device hangs (no progress until the hang timeout resets the
 *            engine), takes an MMU fault on its first operand, or fails
 *            with an engine error; "none" clears. "late": the next job
 *            makes no progress until the timeout handler, having found
 *            it hung, resets the engine; it then completes normally just
 *            before the reset acts, and the job behind it on the engine
 *            is started and held until the reset is over (the race of a
 *            hung job completing at the timeout, made deterministic).
 *            Reading shows the pending injection and the engines' reset
 *            counts.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/debugfs.h>
#include <linux/kstrtox.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <drm/drm_drv.h>

#include "axon_sched.h"

static const char *const axon_inject_names[] = {
	[AXON_INJECT_NONE] = "none",
	[AXON_INJECT_HANG] = "hang",
	[AXON_INJECT_MMU] = "mmu",
	[AXON_INJECT_ERROR] = "error",
	[AXON_INJECT_LATE] = "late",
};

static ssize_t axon_reset_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *pos)
{
	struct axon_device *adev = file_inode(f)->i_private;
	unsigned int engine;
	int ret, idx;

	ret = kstrtouint_from_user(ubuf, len, 0, &engine);
	if (ret)
		return ret;
	if (engine >= adev->profile->engine_count)
		return -EINVAL;
	if (!drm_dev_enter(&adev->drm, &idx))
		return -ENODEV;
	ret = axon_sched_force_reset(&adev->engines[engine]);
	drm_dev_exit(idx);
	return ret ?: len;
}

static const struct file_operations axon_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = axon_reset_write,
	.llseek = noop_llseek,
};

static int axon_inject_show(struct seq_file *m, void *unused)
{
	struct axon_device *adev = m->private;
	unsigned int i, cur = atomic_read(&adev->inject);

	seq_printf(m, "inject %s\n",
		   cur < ARRAY_SIZE(axon_inject_names) ?
		   axon_inject_names[cur] : "?");
	for (i = 0; i < adev->profile->engine_count; i++)
		seq_printf(m, "%s resets %d\n", adev->engines[i].name,
			   atomic_read(&adev->engines[i].reset_count));
	return 0;
}

static int axon_inject_open(struct inode *inode, struct file *f)
{
	return single_open(f, axon_inject_show, inode->i_private);
}

static ssize_t axon_inject_write(struct file *f, const char __user *ubuf,
				 size_t len, loff_t *pos)
{
	struct axon_device *adev = file_inode(f)->i_private;
	char buf[16];
	int what;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	what = sysfs_match_string(axon_inject_names, strim(buf));
	if (what < 0)
		return what;
	atomic_set(&adev->inject, what);
	return len;
}

static const struct file_operations axon_inject_fops = {
	.owner = THIS_MODULE,
	.open = axon_inject_open,
	.read = seq_read,
	.write = axon_inject_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * axon_inject_debugfs_init() - create the reset and inject files
 * @adev: device being probed
 */
void axon_inject_debugfs_init(struct axon_device *adev)
{
	struct dentry *root = adev->drm.debugfs_root;

	if (IS_ERR_OR_NULL(root))
		return;
	debugfs_create_file("reset", 0200, root, adev, &axon_reset_fops);
	debugfs_create_file("inject", 0600, root, adev, &axon_inject_fops);
}
