/* SPDX-License-Identifier: MIT */
/* TAP helpers and device lookups shared by libaxon_guest_test's files. */
#ifndef RT_GUEST_H
#define RT_GUEST_H

#include <stdint.h>

#include "axon/axon.h"

/* The default DPU configuration (firmware/tools/mkdpuconfig.c), staged in
 * the guest by tests/runtime-guest/Makefile. */
#ifndef CONFIG_FILE
#define CONFIG_FILE "/usr/share/axon/firmware/dpu-config.bin"
#endif

void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void skip(const char *name, const char *why);
/* The first device of @type (enum axon_device_type). */
int find_info(uint32_t type, struct axon_device_info *out);
/* Output of sh -c @cmd (malloc'ed), NULL if it fails. */
char *run_cmd(const char *cmd);

/* Within a test: report and bail out on the first failed check. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		diag("%s:%d: %s failed", __FILE__, __LINE__, #cond);	\
		diag(__VA_ARGS__);					\
		goto fail;						\
	}								\
} while (0)
#define CHECK_OK(call) do {						\
	int rc_ = (call);						\
	if (rc_) {							\
		diag("%s:%d: %s: %s: %s", __FILE__, __LINE__, #call,	\
		     axon_status_name(rc_), axon_last_error());		\
		goto fail;						\
	}								\
} while (0)

/* config_tests.c */
void test_config_firmware(void);
void test_config_load(void);
void test_fault_isolation(void);

#endif
