// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon: firmware images and DPU configurations.
 *
 * Both come as blobs with a versioned header (struct drm_axon_blob_header)
 * from /lib/firmware/axon/ through request_firmware at probe; a DPU
 * configuration can also be loaded later with DRM_IOCTL_AXON_CONFIG_LOAD.
 *
 *   axon/axon-fw.bin     firmware image (blob kind FIRMWARE, device type 0:
 *                        any), read by every device; its payload is the
 *                        control-core image (struct axon_fw_image_header,
 *                        firmware/include/axon_fw_image.h) that
 *                        firmware/Makefile builds; missing or malformed: the
 *                        built-in emulator firmware runs (logged)
 *   axon/dpu-config.bin  DPU configuration; missing or malformed: the DPU
 *                        stays unconfigured and refuses jobs (logged)
 *
 * The emulator executes every stream with the built-in command processor
 * (the same firmware code, linked into axon.ko); a valid image only sets
 * the version the device reports.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <linux/capability.h>
#include <linux/crc32.h>
#include <linux/firmware.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_print.h>

#include "drm/axon_isa.h"
#include "axon_fw_image.h"
#include "axon_sched.h"

/* Largest configuration CONFIG_LOAD accepts. */
#define AXON_CONFIG_MAX_SIZE	SZ_16M

#define AXON_FW_IMAGE		"axon/axon-fw.bin"
#define AXON_FW_DPU_CONFIG	"axon/dpu-config.bin"

MODULE_FIRMWARE(AXON_FW_IMAGE);
MODULE_FIRMWARE(AXON_FW_DPU_CONFIG);

/* Checks a blob; logs why it is refused (files: always; ioctl: drm_dbg). */
static int axon_blob_check(struct axon_device *adev, const u8 *data,
			   size_t size, u32 kind, const char *what,
			   bool from_file, u32 *version)
{
	const struct drm_axon_blob_header *h = (const void *)data;
	const char *reason = NULL;

	if (size < sizeof(*h))
		reason = "shorter than its header";
	else if (h->magic != DRM_AXON_BLOB_MAGIC)
		reason = "bad magic";
	else if (h->header_version != DRM_AXON_BLOB_HEADER_VERSION)
		reason = "unsupported header version";
	else if (h->kind != kind)
		reason = "wrong kind of blob";
	else if (h->device_type != adev->profile->type &&
		 (kind != DRM_AXON_BLOB_FIRMWARE || h->device_type))
		reason = "built for another device type";
	else if (h->reserved)
		reason = "reserved field not zero";
	else if (!h->version)
		reason = "version 0";
	else if (h->payload_size != size - sizeof(*h))
		reason = "payload size does not match the file size";
	else if ((crc32_le(~0U, data + sizeof(*h), h->payload_size) ^ ~0U) !=
		 h->payload_crc32)
		reason = "payload checksum mismatch";

	if (reason) {
		if (from_file)
			drm_err(&adev->drm, "%s refused: %s\n", what, reason);
		else
			drm_dbg(&adev->drm, "%s refused: %s\n", what, reason);
		return -EINVAL;
	}
	*version = h->version;
	return 0;
}

/*
 * Checks the control-core image in the payload of a firmware blob whose
 * header is valid (@version: the blob's). Logs why it is refused.
 */
static int axon_fw_image_check(struct axon_device *adev, const u8 *data,
			       size_t size, u32 version)
{
	const struct axon_fw_image_header *ih = (const void *)data;
	const char *reason = NULL;
	u32 fwv;

	if (size < sizeof(*ih))
		reason = "image shorter than its header";
	else if (ih->magic != AXON_FW_IMAGE_MAGIC)
		reason = "image: bad magic";
	else if (ih->header_version != AXON_FW_IMAGE_HEADER_VERSION)
		reason = "image: unsupported header version";
	else if (ih->header_size < sizeof(*ih) || ih->header_size > size)
		reason = "image: bad header size";
	else if (ih->isa_major != AXON_ISA_VERSION_MAJOR)
		reason = "image: ISA major version differs from the driver's";
	else if (ih->image_size != size - ih->header_size)
		reason = "image: size does not match the payload";
	else if ((crc32_le(~0U, data + ih->header_size, ih->image_size) ^
		  ~0U) != ih->crc32)
		reason = "image: checksum mismatch";

	if (!reason) {
		/* AXON_FW_VERSION: major << 16 | minor << 8 | patch */
		fwv = ih->fw_version;
		if (version != DRM_AXON_VERSION(fwv >> 16, (fwv >> 8) & 0xff,
						fwv & 0xff))
			reason = "version differs from the image's";
	}
	if (reason) {
		drm_err(&adev->drm, "%s refused: %s\n", AXON_FW_IMAGE, reason);
		return -EINVAL;
	}
	return 0;
}

static void axon_fw_load_image(struct axon_device *adev)
{
	const struct drm_axon_blob_header *h;
	const struct firmware *fw;
	u32 version;
	int ret;

	ret = firmware_request_nowarn(&fw, AXON_FW_IMAGE, adev->drm.dev);
	if (ret) {
		drm_info(&adev->drm, "no firmware file %s (%d): using the built-in emulator firmware\n",
			 AXON_FW_IMAGE, ret);
		return;
	}
	ret = axon_blob_check(adev, fw->data, fw->size, DRM_AXON_BLOB_FIRMWARE,
			      AXON_FW_IMAGE, true, &version);
	if (!ret) {
		h = (const void *)fw->data;
		ret = axon_fw_image_check(adev, fw->data + sizeof(*h),
					  h->payload_size, version);
	}
	if (!ret) {
		/*
		 * The emulator keeps running the built-in interpreter (the
		 * same firmware code, compiled into axon.ko). A real-silicon
		 * backend would upload the payload to its control core here,
		 * through a struct axon_hw_ops hook (copy to load_addr, clear
		 * bss_size bytes, start at entry_point, wait for the mailbox
		 * magic), and fall back or fail the probe if it does not come
		 * up.
		 */
		adev->fw_version = version;
		drm_info(&adev->drm, "firmware %s version %u.%u.%u\n",
			 AXON_FW_IMAGE, version >> 24, (version >> 16) & 0xff,
			 version & 0xffff);
	} else {
		drm_info(&adev->drm, "using the built-in emulator firmware\n");
	}
	release_firmware(fw);
}

static void axon_fw_load_config(struct axon_device *adev)
{
	const struct firmware *fw;
	u32 version;
	int ret;

	ret = firmware_request_nowarn(&fw, AXON_FW_DPU_CONFIG, adev->drm.dev);
	if (ret) {
		drm_info(&adev->drm, "no configuration %s (%d): unconfigured until DRM_IOCTL_AXON_CONFIG_LOAD\n",
			 AXON_FW_DPU_CONFIG, ret);
		return;
	}
	ret = axon_blob_check(adev, fw->data, fw->size, DRM_AXON_BLOB_CONFIG,
			      AXON_FW_DPU_CONFIG, true, &version);
	if (!ret) {
		adev->config_version = version;
		adev->state |= DRM_AXON_STATE_CONFIGURED;
		drm_info(&adev->drm, "configuration %s version %#x loaded\n",
			 AXON_FW_DPU_CONFIG, version);
	} else {
		drm_info(&adev->drm, "unconfigured until DRM_IOCTL_AXON_CONFIG_LOAD\n");
	}
	release_firmware(fw);
}

/**
 * axon_fw_load() - firmware image and configuration at probe
 * @adev: device being probed
 *
 * Never fails: a missing or malformed file leaves the defaults (built-in
 * firmware; an unconfigured DPU).
 *
 * Return: 0.
 */
int axon_fw_load(struct axon_device *adev)
{
	axon_fw_load_image(adev);
	if (adev->profile->type == DRM_AXON_DEVICE_TYPE_DPU) {
		adev->caps |= DRM_AXON_CAP_CONFIG_LOAD;
		axon_fw_load_config(adev);
	}
	return 0;
}

int axon_ioctl_config_load(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct axon_device *adev = to_axon_device(drm);
	struct drm_axon_config_load *args = data;
	u32 version;
	void *blob;
	int ret;

	if (!capable(CAP_SYS_ADMIN)) {
		drm_dbg(drm, "CONFIG_LOAD: needs CAP_SYS_ADMIN\n");
		return -EPERM;
	}
	if (!(adev->caps & DRM_AXON_CAP_CONFIG_LOAD)) {
		drm_dbg(drm, "CONFIG_LOAD: device has no DRM_AXON_CAP_CONFIG_LOAD\n");
		return -EOPNOTSUPP;
	}
	if (args->flags || args->pad) {
		drm_dbg(drm, "CONFIG_LOAD: flags %#x or pad %#llx not zero\n",
			args->flags, args->pad);
		return -EINVAL;
	}
	if (!args->size) {
		drm_dbg(drm, "CONFIG_LOAD: size 0\n");
		return -EINVAL;
	}
	if (args->size > AXON_CONFIG_MAX_SIZE) {
		drm_dbg(drm, "CONFIG_LOAD: size %u above %u\n", args->size,
			AXON_CONFIG_MAX_SIZE);
		return -E2BIG;
	}

	blob = vmemdup_user(u64_to_user_ptr(args->data), args->size);
	if (IS_ERR(blob)) {
		drm_dbg(drm, "CONFIG_LOAD: data %#llx not readable\n",
			args->data);
		return PTR_ERR(blob);
	}
	ret = axon_blob_check(adev, blob, args->size, DRM_AXON_BLOB_CONFIG,
			      "CONFIG_LOAD blob", false, &version);
	if (ret)
		goto out;

	mutex_lock(&adev->config_lock);
	if (atomic_read(&adev->jobs_inflight)) {
		drm_dbg(drm, "CONFIG_LOAD: jobs are queued or running\n");
		ret = -EBUSY;
	} else {
		WRITE_ONCE(adev->config_version, version);
		WRITE_ONCE(adev->state,
			   adev->state | DRM_AXON_STATE_CONFIGURED);
		drm_info(drm, "configuration version %#x loaded\n", version);
	}
	mutex_unlock(&adev->config_lock);
out:
	kvfree(blob);
	return ret;
}
