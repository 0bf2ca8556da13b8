// SPDX-License-Identifier: MIT
/* The .axb verifier against malformed packages: clear error, no crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "axon/axon.h"
#include "axb_builder.h"
#include "fixture.h"

static axon_device *dev;
static uint8_t *pkg;
static size_t pkg_size;

static int setup(void **state)
{
	(void)state;
	pkg = fx_package(0, &pkg_size);
	return axon_device_open("cpu", &dev);
}

static int teardown(void **state)
{
	(void)state;
	free(pkg);
	axon_device_close(dev);
	return 0;
}

static struct axb_header *H(uint8_t *p) { return (void *)p; }

static struct axb_section *sec(uint8_t *p, uint32_t type, uint32_t nth)
{
	for (uint32_t i = 0; i < H(p)->section_count; i++) {
		struct axb_section *s = (void *)(p + 64 + i * sizeof(*s));

		if (s->type == type && nth-- == 0)
			return s;
	}
	return NULL;
}

static void *entry(uint8_t *p, uint32_t type, uint32_t i)
{
	struct axb_section *s = sec(p, type, 0);

	return p + s->offset + (size_t)i * s->entry_size;
}

/* Load a copy; expect AXON_E_FORMAT and a message containing @needle. */
static void expect_reject(const uint8_t *data, size_t size, const char *needle)
{
	axon_model *m = NULL;
	int rc = axon_model_load_memory(dev, data, size, 0, &m);

	if (rc != AXON_E_FORMAT || (needle && !strstr(axon_last_error(), needle)))
		fail_msg("rc %d, message '%s', wanted '%s'", rc, axon_last_error(),
			 needle ? needle : "");
	assert_null(m);
}

static uint8_t *copy(void)
{
	uint8_t *c = malloc(pkg_size);

	memcpy(c, pkg, pkg_size);
	return c;
}

static void test_valid(void **state)
{
	axon_model *m;

	(void)state;
	assert_int_equal(axon_model_load_memory(dev, pkg, pkg_size, 0, &m), AXON_OK);
	axon_model_free(m);
}

static void test_truncated(void **state)
{
	(void)state;
	for (size_t n = 0; n < pkg_size; n++)
		expect_reject(pkg, n, n < 64 ? "header" : "truncated");
}

static void test_bad_checksums(void **state)
{
	uint8_t *c = copy();

	(void)state;
	/* every byte of the file, one at a time */
	for (size_t i = 0; i < pkg_size; i++) {
		c[i] ^= 0x40;
		expect_reject(c, pkg_size, NULL);
		c[i] ^= 0x40;
	}
	c[pkg_size - 1] ^= 1;
	expect_reject(c, pkg_size, "checksum");
	free(c);
}

static void test_bad_magic_version(void **state)
{
	uint8_t *c = copy();

	(void)state;
	H(c)->magic ^= 1;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "magic");
	memcpy(c, pkg, pkg_size);
	H(c)->version_major = 2;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "format version 2.");
	memcpy(c, pkg, pkg_size);
	H(c)->version_minor = 77;	/* newer minor: accepted */
	axbb_fix_crcs(c, pkg_size);
	{
		axon_model *m;

		assert_int_equal(axon_model_load_memory(dev, c, pkg_size, 0, &m), AXON_OK);
		axon_model_free(m);
	}
	free(c);
}

static void test_offsets_out_of_range(void **state)
{
	uint8_t *c = copy();
	struct axb_section *s;

	(void)state;
	s = sec(c, AXB_SEC_WEIGHTS, 0);
	s->offset = AXB_ALIGN_UP(pkg_size, 64);
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "outside the file");

	memcpy(c, pkg, pkg_size);
	s = sec(c, AXB_SEC_WEIGHTS, 0);
	s->size = UINT64_MAX - 8;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "outside the file");

	memcpy(c, pkg, pkg_size);
	sec(c, AXB_SEC_STREAM, 0)->offset += 8;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "aligned");

	memcpy(c, pkg, pkg_size);
	H(c)->section_count = 4000;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "section table");

	memcpy(c, pkg, pkg_size);
	((struct axb_segment *)entry(c, AXB_SEC_SEGMENTS, 0))->slot_count = 60;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "outside SLOTS");

	memcpy(c, pkg, pkg_size);
	((struct axb_slot *)entry(c, AXB_SEC_SLOTS, 1))->offset = 1;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "WEIGHTS");

	memcpy(c, pkg, pkg_size);
	((struct axb_slot *)entry(c, AXB_SEC_SLOTS, 2))->size = 1ull << 20;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "arena");

	memcpy(c, pkg, pkg_size);
	((struct axb_slot *)entry(c, AXB_SEC_SLOTS, 1))->va = VA_IN + 4096;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, NULL);

	memcpy(c, pkg, pkg_size);
	((struct axb_reloc *)entry(c, AXB_SEC_RELOCS, 0))->offset = 1 << 20;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "reloc");

	memcpy(c, pkg, pkg_size);
	((struct axb_reloc *)entry(c, AXB_SEC_RELOCS, 0))->slot = 1;	/* value not in slot */
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "not inside slot");

	memcpy(c, pkg, pkg_size);
	((struct axb_io *)entry(c, AXB_SEC_IO, 0))->tensor = 99;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "io 0");

	memcpy(c, pkg, pkg_size);
	((struct axb_tensor *)entry(c, AXB_SEC_TENSORS, 0))->name = 1 << 30;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "STRINGS");

	memcpy(c, pkg, pkg_size);
	s = sec(c, AXB_SEC_STRINGS, 0);
	c[s->offset + s->size - 1] = 'x';
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "NUL");
	free(c);
}

static void test_absurd_shapes(void **state)
{
	uint8_t *c = copy();
	struct axb_tensor *t;

	(void)state;
	t = entry(c, AXB_SEC_TENSORS, 0);
	t->rank = 8;
	for (int i = 0; i < 8; i++)
		t->dims[i] = 0xffffffffu;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "absurd shape");

	memcpy(c, pkg, pkg_size);
	t = entry(c, AXB_SEC_TENSORS, 0);
	t->dims[1] = 0;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "absurd shape");

	memcpy(c, pkg, pkg_size);
	t = entry(c, AXB_SEC_TENSORS, 0);
	t->rank = 9;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "rank");

	memcpy(c, pkg, pkg_size);
	t = entry(c, AXB_SEC_TENSORS, 0);
	t->dims[3] = 9;		/* size no longer matches */
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "size");

	memcpy(c, pkg, pkg_size);
	((struct axb_model *)entry(c, AXB_SEC_MODEL, 0))->arena_size = UINT64_MAX;
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "arena");
	free(c);
}

static void test_stream_rejected(void **state)
{
	uint8_t *c = copy();
	struct axb_section *s = sec(c, AXB_SEC_STREAM, 0);
	struct axon_isa_packet *p = (void *)(c + s->offset + 16);

	(void)state;
	p->opcode = 60;		/* unknown opcode in packet 0 */
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "packet 0");

	memcpy(c, pkg, pkg_size);
	s = sec(c, AXB_SEC_STREAM, 0);
	/* packet 0 (DMA) writes to the read-only weights instead of SRAM */
	((struct axon_isa_dma *)(c + s->offset + 16))->dst =
		tva(VA_W, AXON_ISA_UINT8, 0, 1, 4, 4, 8);
	axbb_fix_crcs(c, pkg_size);
	expect_reject(c, pkg_size, "segment 0");
	free(c);
}

static void test_random_corruption(void **state)
{
	uint8_t *c = malloc(pkg_size);
	unsigned int seed = 12345;
	int accepted = 0;

	(void)state;
	for (int it = 0; it < 3000; it++) {
		axon_model *m = NULL;

		memcpy(c, pkg, pkg_size);
		for (int k = 0, n = 1 + rand_r(&seed) % 4; k < n; k++) {
			size_t at = 64 + (size_t)rand_r(&seed) % (pkg_size - 64);

			c[at] = (uint8_t)rand_r(&seed);
		}
		axbb_fix_crcs(c, pkg_size);
		if (axon_model_load_memory(dev, c, pkg_size, 0, &m) == AXON_OK) {
			/* whatever was accepted must also run without faulting memory */
			axon_run *r;
			uint8_t in[FX_N] = { 0 }, out[FX_N];

			accepted++;
			if (!axon_run_create(m, &r)) {
				axon_run_bind_host(r, AXON_INPUT, 0, in, FX_N);
				axon_run_bind_host(r, AXON_OUTPUT, 0, out, FX_N);
				axon_run_execute(r, -1);
				axon_run_free(r);
			}
			axon_model_free(m);
		} else {
			assert_true(strlen(axon_last_error()) > 0);
		}
	}
	print_message("random corruption: %d of 3000 accepted (harmless fields)\n", accepted);
	free(c);
}

static void test_file_errors(void **state)
{
	char path[] = "/tmp/axb-test-XXXXXX";
	axon_model *m;
	int fd;

	(void)state;
	assert_int_equal(axon_model_load(dev, "/nonexistent/x.axb", 0, &m), AXON_E_NOTFOUND);
	assert_int_equal(axon_model_load(dev, "/tmp", 0, &m), AXON_E_INVALID);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pkg, pkg_size / 2), (ssize_t)(pkg_size / 2));
	assert_int_equal(axon_model_load(dev, path, 0, &m), AXON_E_FORMAT);
	assert_non_null(strstr(axon_last_error(), path));
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, pkg, pkg_size, 0), (ssize_t)pkg_size);
	assert_int_equal(axon_model_load(dev, path, 0, &m), AXON_OK);
	axon_model_free(m);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_checksums),
		cmocka_unit_test(test_bad_magic_version),
		cmocka_unit_test(test_offsets_out_of_range),
		cmocka_unit_test(test_absurd_shapes),
		cmocka_unit_test(test_stream_rejected),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests_name("runtime_loader", tests, setup, teardown);
}
