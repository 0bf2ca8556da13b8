// SPDX-License-Identifier: GPL-2.0-only
/*
 * axon kselftest: the firmware file /lib/firmware/axon/axon-fw.bin at probe.
 *
 * The shipped file (firmware/Makefile: the RISC-V image in a blob of kind
 * FIRMWARE; staged by tests/runtime-guest/Makefile in FW_SHIPPED, not in
 * /lib/firmware/axon, so that the other tests run with the built-in
 * firmware) is copied into /lib/firmware/axon/ and axon.ko reloaded:
 *   - the shipped file is accepted by every device, logged with its
 *     version, which the device info and sysfs report;
 *   - a re-versioned copy (blob and image version changed, checksum fixed)
 *     shows that the version comes from the file;
 *   - malformed variants (blob checksum, kind, device type, truncated file,
 *     inner image magic, ISA major, image size, image checksum) are refused
 *     with a log line naming the reason; the module still loads and every
 *     device runs the built-in firmware;
 *   - without the file: the built-in firmware, logged.
 * Every test removes the file and reloads axon.ko again at the end. Needs
 * root, AXON_KO and FW_SHIPPED.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/klog.h>
#include <sys/stat.h>

#include "axon_test.h"
#include "kselftest_harness.h"

#define FW_SHIPPED	"/usr/share/axon/firmware/axon-fw.bin"
#define FW_DIR		"/lib/firmware/axon"
#define FW_FILE		FW_DIR "/axon-fw.bin"
#define FW_NAME		"axon/axon-fw.bin"
/* kernel/axon_drv.h AXON_EMU_FW_VERSION */
#define BUILTIN_FW	DRM_AXON_VERSION(1, 0, 0)
#define FW_MAX		(1 << 20)

/* Offsets in the file: blob header, then the image header. */
#define IMG		sizeof(struct drm_axon_blob_header)
#define IMG_MAGIC	(IMG + 0)
#define IMG_FW_VERSION	(IMG + 8)
#define IMG_ISA_MAJOR	(IMG + 12)

/* The shipped file, or NULL with *why set. */
static uint8_t *read_shipped(size_t *len, const char **why)
{
	uint8_t *b;
	ssize_t n;
	int fd;

	*why = "needs root and AXON_KO=<path of axon.ko>";
	if (geteuid() || !getenv("AXON_KO"))
		return NULL;
	*why = "no " FW_SHIPPED " (staged by tests/runtime-guest/Makefile)";
	fd = open(FW_SHIPPED, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	b = malloc(FW_MAX);
	n = b ? read(fd, b, FW_MAX) : -1;
	close(fd);
	if (n <= (ssize_t)IMG + 64) {
		free(b);
		return NULL;
	}
	*len = n;
	return b;
}

static uint32_t get32(const uint8_t *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

/* Recomputes the blob header's payload size and CRC for @len bytes. */
static void fix_blob(uint8_t *b, size_t len)
{
	struct drm_axon_blob_header *h = (void *)b;

	h->payload_size = len - IMG;
	h->payload_crc32 = axon_crc32(b + IMG, len - IMG);
}

static int write_fw(const uint8_t *b, size_t len)
{
	int fd, ok;

	mkdir("/lib/firmware", 0755);
	mkdir(FW_DIR, 0755);
	fd = open(FW_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ok = write(fd, b, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -EIO;
}

/* rmmod + insmod axon.ko as the harness loaded it; waits for the devices. */
static int reload(void)
{
	const char *ko = getenv("AXON_KO"), *em = getenv("AXON_EMULATE");
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	char cmd[PATH_MAX + 64];
	int i, n, fd;

	for (i = 0; i < 100 && system("rmmod axon 2>/dev/null"); i++)
		usleep(50000);
	snprintf(cmd, sizeof(cmd), "insmod %s emulate=%s", ko,
		 em ? em : "npu,dsp,dpu");
	if (system(cmd))
		return -1;
	for (i = 0; i < 100; i++) {
		n = axon_enum(devs, AXON_MAX_TEST_DEVS);
		fd = n ? open(devs[n - 1].node, O_RDWR | O_CLOEXEC) : -1;
		if (fd >= 0) {
			close(fd);
			return n;
		}
		usleep(20000);
	}
	return 0;
}

/* Occurrences of @what in the kernel log (log_buf_len=8M: none is lost). */
static int klog_count(const char *what)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *q;
	int n = 0, len;

	if (size <= 0)
		return -1;
	buf = calloc(1, size + 1);
	if (!buf)
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = 0;
	for (q = strstr(buf, what); q; q = strstr(q + 1, what))
		n++;
	free(buf);
	return n;
}

/* Every device reports @version in its info and in sysfs; returns count. */
static int check_versions(struct __test_metadata *_metadata, uint32_t version)
{
	struct axon_dev devs[AXON_MAX_TEST_DEVS];
	struct drm_axon_device_info info;
	char path[PATH_MAX], buf[64], want[64];
	int i, n = axon_enum(devs, AXON_MAX_TEST_DEVS), fd;

	snprintf(want, sizeof(want), "%u.%u.%u", version >> 24,
		 (version >> 16) & 0xff, version & 0xffff);
	for (i = 0; i < n; i++) {
		fd = open(devs[i].node, O_RDWR | O_CLOEXEC);
		EXPECT_LE(0, fd);
		if (fd < 0)
			continue;
		EXPECT_EQ(0, axon_query_info(fd, &info));
		close(fd);
		EXPECT_EQ(version, info.fw_version)
			TH_LOG("%s: fw_version %#x, want %#x", devs[i].type,
			       info.fw_version, version);
		snprintf(path, sizeof(path),
			 "/sys/class/accel/accel%d/device/fw_version",
			 devs[i].minor);
		EXPECT_EQ(0, axon_read_file(path, buf, sizeof(buf)));
		EXPECT_STREQ(want, buf);
	}
	return n;
}

/*
 * Loads with @b in FW_FILE (NULL: none); checks the log (@log once per
 * device, and "using the built-in" iff @accepted is false) and the version.
 */
static void load_and_check(struct __test_metadata *_metadata, const char *name,
			   const uint8_t *b, size_t len, const char *log,
			   bool accepted, uint32_t version)
{
	const char *builtin = "using the built-in emulator firmware";
	int n, logs = klog_count(log), builtins = klog_count(builtin);

	ASSERT_LE(0, logs) TH_LOG("cannot read the kernel log");
	if (b) {
		ASSERT_EQ(0, write_fw(b, len));
	} else {
		unlink(FW_FILE);
	}
	n = reload();
	ASSERT_LT(0, n) TH_LOG("%s: axon.ko did not come back", name);
	EXPECT_EQ(n, klog_count(log) - logs)
		TH_LOG("%s: want '%s' once per device (%d)", name, log, n);
	EXPECT_EQ(accepted ? 0 : n, klog_count(builtin) - builtins);
	EXPECT_EQ(n, check_versions(_metadata, version));
}

static void restore(void)
{
	unlink(FW_FILE);
	reload();
}

FIXTURE(fw) {
	uint8_t *b;
	size_t len;
};

FIXTURE_SETUP(fw)
{
	const char *why;

	self->b = read_shipped(&self->len, &why);
	if (!self->b)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(fw)
{
	if (!self->b)
		return;
	free(self->b);
	restore();
}

TEST_F_TIMEOUT(fw, shipped_file_accepted, 60)
{
	uint32_t fwv, v;
	char log[128];

	v = get32(self->b, offsetof(struct drm_axon_blob_header, version));
	fwv = get32(self->b, IMG_FW_VERSION);
	EXPECT_EQ(DRM_AXON_BLOB_MAGIC, get32(self->b, 0));
	EXPECT_EQ(DRM_AXON_BLOB_FIRMWARE,
		  get32(self->b, offsetof(struct drm_axon_blob_header, kind)));
	EXPECT_EQ(0, get32(self->b,
			   offsetof(struct drm_axon_blob_header, device_type)));
	EXPECT_EQ(DRM_AXON_VERSION(fwv >> 16, (fwv >> 8) & 0xff, fwv & 0xff), v);
	snprintf(log, sizeof(log), "firmware " FW_NAME " version %u.%u.%u\n",
		 v >> 24, (v >> 16) & 0xff, v & 0xffff);
	load_and_check(_metadata, "shipped", self->b, self->len, log, true, v);
}

/* Blob and image version changed, checksum fixed: the device reports it. */
TEST_F_TIMEOUT(fw, version_from_the_file, 60)
{
	put32(self->b, IMG_FW_VERSION, 0x020305);	/* 2.3.5 */
	put32(self->b, offsetof(struct drm_axon_blob_header, version),
	      DRM_AXON_VERSION(2, 3, 5));
	fix_blob(self->b, self->len);
	load_and_check(_metadata, "reversioned", self->b, self->len,
		       "firmware " FW_NAME " version 2.3.5\n", true,
		       DRM_AXON_VERSION(2, 3, 5));
}

TEST_F_TIMEOUT(fw, missing_file_builtin_firmware, 60)
{
	load_and_check(_metadata, "missing", NULL, 0,
		       "no firmware file " FW_NAME " (-2): using the built-in emulator firmware",
		       false, BUILTIN_FW);
}

enum bad { BLOB_CRC, KIND, DEVTYPE, TRUNCATED, SHORT, IMG_MAGIC_BAD, ISA_MAJOR,
	   IMG_SIZE, IMG_CRC, VERSION_MISMATCH };

FIXTURE(malformed) {
	uint8_t *b;
	size_t len;
};

FIXTURE_VARIANT(malformed) {
	enum bad bad;
	const char *log;	/* after FW_NAME " refused: " */
};

FIXTURE_VARIANT_ADD(malformed, blob_crc) {
	.bad = BLOB_CRC, .log = "payload checksum mismatch",
};

FIXTURE_VARIANT_ADD(malformed, wrong_kind) {
	.bad = KIND, .log = "wrong kind of blob",
};

FIXTURE_VARIANT_ADD(malformed, other_device_type) {
	.bad = DEVTYPE, .log = "built for another device type",
};

FIXTURE_VARIANT_ADD(malformed, truncated) {
	.bad = TRUNCATED, .log = "payload size does not match the file size",
};

FIXTURE_VARIANT_ADD(malformed, shorter_than_header) {
	.bad = SHORT, .log = "shorter than its header",
};

FIXTURE_VARIANT_ADD(malformed, image_bad_magic) {
	.bad = IMG_MAGIC_BAD, .log = "image: bad magic",
};

FIXTURE_VARIANT_ADD(malformed, image_isa_major) {
	.bad = ISA_MAJOR,
	.log = "image: ISA major version differs from the driver's",
};

FIXTURE_VARIANT_ADD(malformed, image_truncated) {
	.bad = IMG_SIZE, .log = "image: size does not match the payload",
};

FIXTURE_VARIANT_ADD(malformed, image_crc) {
	.bad = IMG_CRC, .log = "image: checksum mismatch",
};

FIXTURE_VARIANT_ADD(malformed, version_mismatch) {
	.bad = VERSION_MISMATCH, .log = "version differs from the image's",
};

FIXTURE_SETUP(malformed)
{
	const char *why;

	self->b = read_shipped(&self->len, &why);
	if (!self->b)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(malformed)
{
	if (!self->b)
		return;
	free(self->b);
	restore();
}

/* Refused with a log line; the module loads with the built-in firmware. */
TEST_F_TIMEOUT(malformed, refused, 60)
{
	size_t len = self->len;
	uint8_t *b = self->b;
	char log[160];

	switch (variant->bad) {
	case BLOB_CRC:
		b[len - 1] ^= 0x5a;
		break;
	case KIND:
		put32(b, offsetof(struct drm_axon_blob_header, kind),
		      DRM_AXON_BLOB_CONFIG);
		break;
	case DEVTYPE:
		put32(b, offsetof(struct drm_axon_blob_header, device_type), 9);
		break;
	case TRUNCATED:
		len -= 100;
		break;
	case SHORT:
		len = 20;
		break;
	case IMG_MAGIC_BAD:
		b[IMG_MAGIC] ^= 1;
		fix_blob(b, len);
		break;
	case ISA_MAJOR:
		b[IMG_ISA_MAJOR] += 1;
		fix_blob(b, len);
		break;
	case IMG_SIZE:	/* the blob is consistent, the image cut short */
		len -= 100;
		fix_blob(b, len);
		break;
	case IMG_CRC:
		b[len - 1] ^= 0x5a;
		fix_blob(b, len);
		break;
	case VERSION_MISMATCH:
		put32(b, offsetof(struct drm_axon_blob_header, version),
		      DRM_AXON_VERSION(7, 0, 0));
		break;
	}
	snprintf(log, sizeof(log), FW_NAME " refused: %s\n", variant->log);
	load_and_check(_metadata, variant->log, b, len, log, false,
		       BUILTIN_FW);
}

TEST_HARNESS_MAIN
