// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: DRM accel driver for NPU, DSP and FPGA-DPU devices.
 *
 * Module entry, DRM driver, file open/close, ioctl table, and the platform
 * devices the emulate= parameter creates.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_prime.h>

#include "axon_drv.h"
#include "axon_sched.h"

static char *emulate = "npu";
module_param(emulate, charp, 0444);
MODULE_PARM_DESC(emulate,
		 "Comma-separated emulated devices to create: npu, dsp, dpu (default: npu)");

static struct platform_device *axon_pdevs[AXON_MAX_DEVICES];
static unsigned int axon_num_pdevs;

/* Platform data of an emulated device: its profile. */
struct axon_platform_data {
	const struct axon_profile *profile;
};

static int axon_open(struct drm_device *drm, struct drm_file *file)
{
	struct axon_device *adev = to_axon_device(drm);
	struct axon_file *afile;
	int idx, ret = 0;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	afile = kzalloc(sizeof(*afile), GFP_KERNEL);
	if (!afile) {
		ret = -ENOMEM;
		goto out_exit;
	}
	afile->adev = adev;
	afile->vm = axon_vm_create(adev);
	if (!afile->vm) {
		kfree(afile);
		ret = -ENOMEM;
		goto out_exit;
	}
	ret = axon_ctx_file_init(afile);
	if (ret) {
		axon_vm_put(afile->vm);
		kfree(afile);
		goto out_exit;
	}
	file->driver_priv = afile;

out_exit:
	drm_dev_exit(idx);
	return ret;
}

static void axon_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct axon_file *afile = to_axon_file(file);

	/* Jobs still running keep their context, BOs and VM mappings. */
	axon_ctx_file_fini(afile);
	/* drm_gem_release() closed every handle: only jobs hold mappings. */
	axon_vm_put(afile->vm);
	kfree(afile);
}

static void axon_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	drm_show_memory_stats(p, file);
	axon_sched_show_fdinfo(p, file);
}

/*
 * Every driver ioctl runs inside drm_dev_enter()/drm_dev_exit(): once the
 * device is unplugged, open files get -ENODEV and never reach the driver.
 */
typedef int (*axon_ioctl_fn)(struct drm_device *drm, void *data,
			     struct drm_file *file);

static int axon_ioctl_guarded(struct drm_device *drm, void *data,
			      struct drm_file *file, axon_ioctl_fn fn,
			      const char *name)
{
	int idx, ret;

	if (!drm_dev_enter(drm, &idx)) {
		drm_dbg(drm, "%s: device unplugged\n", name);
		return -ENODEV;
	}
	ret = fn(drm, data, file);
	drm_dev_exit(idx);
	return ret;
}

static int axon_query(struct drm_device *drm, void *data, struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_query, "QUERY");
}

static int axon_bo_create(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_bo_create,
				  "BO_CREATE");
}

static int axon_bo_info(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_bo_info,
				  "BO_INFO");
}

static int axon_bo_wait(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_bo_wait,
				  "BO_WAIT");
}

static int axon_ctx_create(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_ctx_create,
				  "CTX_CREATE");
}

static int axon_ctx_destroy(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_ctx_destroy,
				  "CTX_DESTROY");
}

static int axon_submit(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_submit,
				  "SUBMIT");
}

static int axon_ctx_status(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_ctx_status,
				  "CTX_STATUS");
}

static int axon_config_load(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	return axon_ioctl_guarded(drm, data, file, axon_ioctl_config_load,
				  "CONFIG_LOAD");
}

static const struct drm_ioctl_desc axon_ioctls[] = {
	DRM_IOCTL_DEF_DRV(AXON_QUERY, axon_query, 0),
	DRM_IOCTL_DEF_DRV(AXON_BO_CREATE, axon_bo_create, 0),
	DRM_IOCTL_DEF_DRV(AXON_BO_INFO, axon_bo_info, 0),
	DRM_IOCTL_DEF_DRV(AXON_BO_WAIT, axon_bo_wait, 0),
	DRM_IOCTL_DEF_DRV(AXON_CTX_CREATE, axon_ctx_create, 0),
	DRM_IOCTL_DEF_DRV(AXON_CTX_DESTROY, axon_ctx_destroy, 0),
	DRM_IOCTL_DEF_DRV(AXON_SUBMIT, axon_submit, 0),
	DRM_IOCTL_DEF_DRV(AXON_CTX_STATUS, axon_ctx_status, 0),
	DRM_IOCTL_DEF_DRV(AXON_CONFIG_LOAD, axon_config_load, 0),
};

static const struct file_operations axon_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver axon_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM |
			   DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open = axon_open,
	.postclose = axon_postclose,
	.show_fdinfo = axon_show_fdinfo,
	.gem_create_object = axon_gem_create_object,
	.gem_prime_import_sg_table = axon_gem_prime_import_sg_table,
	.ioctls = axon_ioctls,
	.num_ioctls = ARRAY_SIZE(axon_ioctls),
	.fops = &axon_fops,
	.name = AXON_DRIVER_NAME,
	.desc = AXON_DRIVER_DESC,
	.major = DRM_AXON_DRIVER_MAJOR,
	.minor = DRM_AXON_DRIVER_MINOR,
};

static int axon_probe(struct platform_device *pdev)
{
	const struct axon_platform_data *pdata = dev_get_platdata(&pdev->dev);
	struct axon_device *adev;
	int ret;

	if (!pdata || !pdata->profile)
		return dev_err_probe(&pdev->dev, -EINVAL, "no device profile\n");

	/* Imported DMA-bufs are mapped for this device: any address works. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "no 64-bit DMA mask\n");

	adev = devm_drm_dev_alloc(&pdev->dev, &axon_drm_driver,
				  struct axon_device, drm);
	if (IS_ERR(adev))
		return PTR_ERR(adev);

	ret = axon_device_init(adev, pdata->profile, pdev->id);
	if (ret)
		return ret;

	/* Engines, schedulers, backend; torn down with the DRM device. */
	ret = axon_sched_init(adev);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "engines\n");
	axon_fw_load(adev);
	axon_inject_debugfs_init(adev);

	platform_set_drvdata(pdev, adev);
	axon_debugfs_init(adev);

	ret = drm_dev_register(&adev->drm, 0);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "DRM registration\n");

	drm_info(&adev->drm, "emulated %s, %u engine(s), %llu KiB SRAM each\n",
		 adev->profile->name, adev->profile->engine_count,
		 adev->profile->sram_size / 1024);
	return 0;
}

static void axon_remove(struct platform_device *pdev)
{
	struct axon_device *adev = platform_get_drvdata(pdev);

	/*
	 * Open files and exported DMA-bufs keep the DRM device (and the
	 * axon_device in it) alive; from here on their ioctls fail with
	 * -ENODEV. Jobs still running complete; the engines stop when the
	 * DRM device is released (axon_sched.c).
	 */
	drm_dev_unplug(&adev->drm);
}

static struct platform_driver axon_platform_driver = {
	.probe = axon_probe,
	.remove = axon_remove,
	.driver = {
		.name = AXON_DRIVER_NAME,
		.dev_groups = axon_sysfs_groups,
	},
};

static int axon_create_device(const struct axon_profile *profile,
			      unsigned int index)
{
	struct axon_platform_data pdata = { .profile = profile };
	struct platform_device_info info = {
		.name = AXON_DRIVER_NAME,
		.id = index,
		.data = &pdata,
		.size_data = sizeof(pdata),
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct platform_device *pdev;

	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	axon_pdevs[axon_num_pdevs++] = pdev;
	return 0;
}

static void axon_destroy_devices(void)
{
	while (axon_num_pdevs)
		platform_device_unregister(axon_pdevs[--axon_num_pdevs]);
}

/* Creates one platform device per entry of the emulate= list. */
static int axon_create_devices(void)
{
	char *list, *cur, *name;
	int ret = 0;

	list = kstrdup(emulate ? emulate : "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;

	cur = list;
	while ((name = strsep(&cur, ",")) != NULL) {
		const struct axon_profile *profile;

		name = strim(name);
		if (!*name)
			continue;
		profile = axon_profile_by_name(name);
		if (!profile) {
			pr_err("axon: emulate=%s: unknown device type '%s' (npu, dsp, dpu)\n",
			       emulate, name);
			ret = -EINVAL;
			break;
		}
		if (axon_num_pdevs == AXON_MAX_DEVICES) {
			pr_err("axon: emulate=%s: more than %d devices\n",
			       emulate, AXON_MAX_DEVICES);
			ret = -E2BIG;
			break;
		}
		ret = axon_create_device(profile, axon_num_pdevs);
		if (ret) {
			pr_err("axon: creating the %s device failed: %d\n",
			       name, ret);
			break;
		}
	}
	kfree(list);

	if (!ret && !axon_num_pdevs) {
		pr_err("axon: emulate= lists no device\n");
		ret = -EINVAL;
	}
	if (ret)
		axon_destroy_devices();
	return ret;
}

static int __init axon_init(void)
{
	int ret;

	ret = axon_sched_module_init();
	if (ret)
		return ret;

	ret = platform_driver_register(&axon_platform_driver);
	if (ret)
		goto err_sched;

	ret = axon_create_devices();
	if (ret)
		goto err_driver;
	return 0;

err_driver:
	platform_driver_unregister(&axon_platform_driver);
err_sched:
	axon_sched_module_exit();
	return ret;
}

static void __exit axon_exit(void)
{
	axon_destroy_devices();
	platform_driver_unregister(&axon_platform_driver);
	axon_sched_module_exit();
}

module_init(axon_init);
module_exit(axon_exit);

MODULE_DESCRIPTION(AXON_DRIVER_DESC);
MODULE_AUTHOR("The axon authors");
MODULE_LICENSE("GPL");
