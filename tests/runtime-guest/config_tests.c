// SPDX-License-Identifier: MIT
/*
 * libaxon guest tests (part of libaxon_guest_test): the DPU configuration
 * path end to end, and fault isolation between runs on one device.
 *   - test_config_firmware: the default dpu-config.bin (built by
 *     firmware/tools/mkdpuconfig.c, staged in CONFIG_FILE) installed in
 *     /lib/firmware/axon/ configures the DPU when axon.ko probes; a
 *     malformed one is refused with a log line; without one the DPU stays
 *     unconfigured (the module is reloaded for each; the file is removed
 *     again at the end, as the kernel's kselftests expect).
 *   - test_config_load: axon_device_load_config() and axon-smi config-load:
 *     malformed and unfitting blobs are refused by libaxon with a reason;
 *     a non-root process (setuid 65534) gets AXON_E_PERM naming
 *     CAP_SYS_ADMIN; root loads the configuration.
 *   - test_fault_isolation: two threads on one device handle, one runs a
 *     faulting package over and over, the other's runs all succeed.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "axon/axon.h"
#include "drm/axon_accel.h"
#include "guest.h"
#include "pkgs.h"

#define FW_DIR		"/lib/firmware/axon"
#define FW_FILE		FW_DIR "/dpu-config.bin"

static int read_all(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap);
	close(fd);
	if (n <= 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

static int write_all(const char *path, const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, buf, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* rmmod + insmod axon.ko as the harness loaded it; waits for the dpu. */
static int reload_axon(void)
{
	const char *ko = getenv("AXON_KO"), *em = getenv("AXON_EMULATE");
	struct axon_device_info info;
	char cmd[512];

	if (!ko || !em)
		return -1;
	snprintf(cmd, sizeof(cmd), "rmmod axon && insmod '%s' emulate='%s'", ko, em);
	if (system(cmd)) {
		diag("'%s' failed", cmd);
		return -1;
	}
	for (int i = 0; i < 100; i++) {
		if (!find_info(AXON_DEVICE_DPU, &info) && info.available)
			return 0;
		usleep(20 * 1000);
	}
	diag("no dpu after reloading axon.ko");
	return -1;
}

/* The last @lines lines of the kernel log contain @what. */
static int klog_has(const char *what, int lines)
{
	char cmd[64], *log;
	int found;

	snprintf(cmd, sizeof(cmd), "dmesg | tail -n %d", lines);
	log = run_cmd(cmd);
	found = log && strstr(log, what);
	if (!found)
		diag("kernel log has no '%s':\n%s", what, log ? log : "(no dmesg)");
	free(log);
	return found;
}

/* One ADD run on the dpu through libaxon: 1 ok, 0 refused/wrong. */
static int dpu_add_runs(int *rc_out)
{
	int8_t in[PK_N], out[PK_N], want[PK_N];
	axon_device *dev = NULL;
	axon_model *m = NULL;
	axon_run *r = NULL;
	uint8_t *pkg;
	size_t size;
	int rc;

	pkg = pk_build(PK_ADD, AXB_DEV_DPU, &size);
	for (int i = 0; i < PK_N; i++)
		in[i] = (int8_t)(i * 3);
	rc = axon_device_open("dpu", &dev);
	if (!rc)
		rc = axon_model_load_memory(dev, pkg, size, AXON_MODEL_STRICT, &m);
	if (!rc)
		rc = axon_run_create(m, &r);
	if (!rc)
		rc = axon_run_bind_host(r, AXON_INPUT, 0, in, PK_N);
	if (!rc)
		rc = axon_run_bind_host(r, AXON_OUTPUT, 0, out, PK_N);
	if (!rc)
		rc = axon_run_execute(r, -1);
	*rc_out = rc;
	if (!rc)
		pk_expect(PK_ADD, in, want);
	axon_run_free(r);
	axon_model_free(m);
	axon_device_close(dev);
	free(pkg);
	return !rc && !memcmp(out, want, PK_N);
}

void test_config_firmware(void)
{
	struct axon_device_info info;
	uint8_t blob[4096];
	size_t len;
	int rc;

	if (geteuid() || !getenv("AXON_KO") || access(CONFIG_FILE, R_OK)) {
		skip("dpu-config.bin at probe", "needs root, AXON_KO and " CONFIG_FILE);
		return;
	}
	if (find_info(AXON_DEVICE_DPU, &info)) {
		skip("dpu-config.bin at probe", "no dpu");
		return;
	}
	CHECK(!read_all(CONFIG_FILE, blob, sizeof(blob), &len), "read " CONFIG_FILE);
	mkdir("/lib/firmware", 0755);
	mkdir(FW_DIR, 0755);

	/* (a) the shipped file configures the DPU at probe */
	CHECK(!write_all(FW_FILE, blob, len), "write " FW_FILE);
	CHECK(!reload_axon(), "reload");
	CHECK(!find_info(AXON_DEVICE_DPU, &info), "dpu");
	CHECK(info.state & AXON_STATE_CONFIGURED, "dpu not configured by " FW_FILE);
	CHECK(info.config_version == DRM_AXON_VERSION(1, 0, 0), "config version %#x",
	      info.config_version);
	CHECK(klog_has("configuration axon/dpu-config.bin version 0x1000000 loaded", 20),
	      "log line");
	CHECK(dpu_add_runs(&rc), "ADD on the configured dpu: %s: %s", axon_status_name(rc),
	      axon_last_error());
	result(1, "dpu-config.bin (%zu bytes) in " FW_DIR ": dpu configured at probe (1.0.0, logged), runs jobs",
	       len);

	/* (b) a malformed file is refused with a log line */
	blob[len - 1] ^= 0x5a;
	CHECK(!write_all(FW_FILE, blob, len), "write " FW_FILE);
	blob[len - 1] ^= 0x5a;
	CHECK(!reload_axon(), "reload");
	CHECK(!find_info(AXON_DEVICE_DPU, &info), "dpu");
	CHECK(!(info.state & AXON_STATE_CONFIGURED) && !info.config_version,
	      "a corrupt file configured the dpu");
	CHECK(klog_has("axon/dpu-config.bin refused: payload checksum mismatch", 20),
	      "log line");
	CHECK(!dpu_add_runs(&rc) && rc == AXON_E_UNSUPPORTED, "run on the refused config: %s",
	      axon_status_name(rc));
	CHECK(!write_all(FW_FILE, blob, 20), "write " FW_FILE);	/* truncated */
	CHECK(!reload_axon(), "reload");
	CHECK(!find_info(AXON_DEVICE_DPU, &info) && !(info.state & AXON_STATE_CONFIGURED),
	      "a truncated file configured the dpu");
	CHECK(klog_has("axon/dpu-config.bin refused: shorter than its header", 20),
	      "log line");
	result(1, "malformed dpu-config.bin (bad checksum, truncated): refused with a log line, dpu unconfigured");

	/* without the file: unconfigured again, as the kselftests expect */
	CHECK(!unlink(FW_FILE), "unlink");
	CHECK(!reload_axon(), "reload");
	CHECK(!find_info(AXON_DEVICE_DPU, &info) && !(info.state & AXON_STATE_CONFIGURED),
	      "configured without a file");
	CHECK(klog_has("no configuration axon/dpu-config.bin", 20), "log line");
	result(1, "no dpu-config.bin: dpu unconfigured, logged");
	return;
fail:
	unlink(FW_FILE);
	if (!find_info(AXON_DEVICE_DPU, &info) && (info.state & AXON_STATE_CONFIGURED))
		reload_axon();
	result(0, "dpu-config.bin at probe");
}

/* In a child that dropped root: libaxon and axon-smi get a clear EPERM. */
static int child_not_root(axon_device *dev, const char *node, int out)
{
	char cmd[256], *txt;
	int rc;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534) || !geteuid()) {
		dprintf(out, "cannot drop root: %s", strerror(errno));
		return 1;
	}
	rc = axon_device_load_config(dev, CONFIG_FILE, NULL, 0);
	if (rc != AXON_E_PERM || !strstr(axon_last_error(), "CAP_SYS_ADMIN")) {
		dprintf(out, "libaxon as uid 65534: %s: %s", axon_status_name(rc),
			axon_last_error());
		return 1;
	}
	dprintf(out, "libaxon: %s: %s\n", axon_status_name(rc), axon_last_error());
	snprintf(cmd, sizeof(cmd), "axon-smi config-load %s --device %s 2>&1; echo \"exit $?\"",
		 CONFIG_FILE, node);
	txt = run_cmd(cmd);
	if (!txt || !strstr(txt, "needs CAP_SYS_ADMIN") || !strstr(txt, "exit 1")) {
		dprintf(out, "axon-smi as uid 65534:\n%s", txt ? txt : "(failed)");
		return 1;
	}
	dprintf(out, "axon-smi: %s", txt);
	free(txt);
	return 0;
}

void test_config_load(void)
{
	struct axon_device_info info;
	struct drm_axon_blob_header *h;
	struct drm_axon_dpu_config *c;
	axon_device *dev = NULL, *npu = NULL;
	uint8_t blob[4096], bad[4096];
	char node[80], msg[1024], *txt = NULL;
	int rc, pfd[2] = { -1, -1 }, st;
	size_t len;
	ssize_t n;
	pid_t pid;

	if (geteuid() || access(CONFIG_FILE, R_OK) || find_info(AXON_DEVICE_DPU, &info)) {
		skip("axon_device_load_config", "needs root, a dpu and " CONFIG_FILE);
		return;
	}
	if (info.state & AXON_STATE_CONFIGURED) {
		skip("axon_device_load_config", "dpu already configured");
		return;
	}
	CHECK(!read_all(CONFIG_FILE, blob, sizeof(blob), &len), "read");
	h = (void *)bad;
	c = (void *)(bad + sizeof(*h));
	CHECK_OK(axon_device_open(info.name, &dev));

	/* libaxon checks the blob before the kernel sees it */
	memcpy(bad, blob, len);
	bad[len - 1] ^= 1;
	rc = axon_device_load_config(dev, NULL, bad, len);
	CHECK(rc == AXON_E_FORMAT && strstr(axon_last_error(), "checksum"), "%s: %s",
	      axon_status_name(rc), axon_last_error());
	diag("corrupt blob: %s", axon_last_error());
	memcpy(bad, blob, len);
	c->sram_size = info.sram_size * 2;
	h->payload_crc32 = axb_crc32(0, c, h->payload_size);
	rc = axon_device_load_config(dev, NULL, bad, len);
	CHECK(rc == AXON_E_FORMAT && strstr(axon_last_error(), "SRAM"), "%s: %s",
	      axon_status_name(rc), axon_last_error());
	diag("overlay too large: %s", axon_last_error());
	memcpy(bad, blob, len);
	c->ops |= DRM_AXON_OP_LUT;
	h->payload_crc32 = axb_crc32(0, c, h->payload_size);
	rc = axon_device_load_config(dev, NULL, bad, len);
	CHECK(rc == AXON_E_FORMAT && strstr(axon_last_error(), "does not implement"),
	      "%s: %s", axon_status_name(rc), axon_last_error());
	diag("overlay with LUT: %s", axon_last_error());
	rc = axon_device_load_config(dev, "/nonexistent/dpu-config.bin", NULL, 0);
	CHECK(rc == AXON_E_IO, "missing file: %s", axon_status_name(rc));
	CHECK_OK(axon_device_open("npu", &npu));
	rc = axon_device_load_config(npu, NULL, blob, len);
	CHECK(rc == AXON_E_UNSUPPORTED, "npu: %s: %s", axon_status_name(rc), axon_last_error());
	diag("npu: %s", axon_last_error());
	CHECK_OK(axon_device_query(dev, &info));
	CHECK(!(info.state & AXON_STATE_CONFIGURED), "configured by a refused blob");
	result(1, "axon_device_load_config: corrupt, too large, unsupported-op blobs refused with reasons; npu: AXON_E_UNSUPPORTED");

	/* not root: AXON_E_PERM naming CAP_SYS_ADMIN, from libaxon and axon-smi
	 * (the node is opened to everyone for the test: the ioctl decides) */
	CHECK(!pipe(pfd), "pipe");
	CHECK(!chmod(info.path, 0666), "chmod %s", info.path);
	snprintf(node, sizeof(node), "%s", info.name);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid) {
		close(pfd[0]);
		_exit(child_not_root(dev, node, pfd[1]));
	}
	close(pfd[1]);
	pfd[1] = -1;
	n = read(pfd[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = 0;
	waitpid(pid, &st, 0);
	chmod(info.path, 0600);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "non-root child:\n%s", msg);
	diag("as uid 65534:\n%s", msg);
	CHECK_OK(axon_device_query(dev, &info));
	CHECK(!(info.state & AXON_STATE_CONFIGURED), "configured by a non-root process");
	result(1, "config-load as uid 65534: AXON_E_PERM (CAP_SYS_ADMIN) from libaxon and axon-smi");

	/* root: axon-smi config-load, then libaxon from memory */
	snprintf(msg, sizeof(msg), "axon-smi config-load %s --device %s 2>&1", CONFIG_FILE,
		 info.name);
	txt = run_cmd(msg);
	CHECK(txt && strstr(txt, "version 1.0.0 loaded"), "axon-smi: %s", txt ? txt : "failed");
	diag("%s", txt);
	CHECK_OK(axon_device_query(dev, &info));
	CHECK((info.state & AXON_STATE_CONFIGURED) &&
	      info.config_version == DRM_AXON_VERSION(1, 0, 0), "state %#x version %#x",
	      info.state, info.config_version);
	CHECK(dpu_add_runs(&rc), "ADD after config-load: %s", axon_status_name(rc));
	CHECK_OK(axon_device_load_config(dev, NULL, blob, len));
	free(txt);
	txt = run_cmd("axon-smi 2>&1");
	CHECK(txt && strstr(txt, "(config 1.0.0)"), "axon-smi: %s", txt ? txt : "failed");
	result(1, "as root: axon-smi config-load and axon_device_load_config configure the dpu; it runs jobs");
	goto out;
fail:
	result(0, "axon_device_load_config");
out:
	free(txt);
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	axon_device_close(npu);
	axon_device_close(dev);
}

/* ------------------------------------------------------------------ */
/* Fault isolation: one device handle, a faulting thread, a good thread. */
struct iso {
	axon_model *m;
	atomic_int *stop;
	int runs, faults, bad, errs;
	char msg[200];
};

static void *iso_faulty(void *arg)
{
	struct iso *w = arg;
	int8_t in[PK_N] = { 0 }, out[PK_N];
	axon_run *r = NULL;

	if (axon_run_create(w->m, &r) || axon_run_bind_host(r, AXON_INPUT, 0, in, PK_N) ||
	    axon_run_bind_host(r, AXON_OUTPUT, 0, out, PK_N)) {
		w->errs++;
		snprintf(w->msg, sizeof(w->msg), "%s", axon_last_error());
	}
	while (r && !atomic_load(w->stop)) {
		int rc = axon_run_execute(r, -1);

		w->runs++;
		if (rc == AXON_E_FAULT)
			w->faults++;
		else if (!w->errs++)
			snprintf(w->msg, sizeof(w->msg), "%s: %s", axon_status_name(rc),
				 axon_last_error());
	}
	axon_run_free(r);
	return NULL;
}

#define ISO_RUNS 150

static void *iso_good(void *arg)
{
	struct iso *w = arg;
	int8_t in[2][PK_N], out[2][PK_N], want[PK_N];
	axon_run *r[2] = { NULL, NULL };

	for (int j = 0; j < 2; j++)
		if (axon_run_create(w->m, &r[j]) ||
		    axon_run_bind_host(r[j], AXON_INPUT, 0, in[j], PK_N) ||
		    axon_run_bind_host(r[j], AXON_OUTPUT, 0, out[j], PK_N))
			goto err;
	/* Two runs in flight at a time: jobs queued while the other thread's
	 * job faults. */
	for (int k = 0; k < ISO_RUNS; k += 2) {
		int rc = 0;

		for (int j = 0; j < 2; j++) {
			for (int i = 0; i < PK_N; i++)
				in[j][i] = (int8_t)(i + k + j);
			if (!rc)
				rc = axon_run_submit(r[j]);
		}
		for (int j = 0; j < 2 && !rc; j++) {
			rc = axon_run_wait(r[j], 20ll * 1000000000);
			w->runs++;
			if (rc)
				break;
			pk_expect(PK_ADD, in[j], want);
			if (memcmp(out[j], want, PK_N))
				w->bad++;
		}
		if (rc) {
			if (!w->errs++)
				snprintf(w->msg, sizeof(w->msg), "run %d: %s: %s", w->runs,
					 axon_status_name(rc), axon_last_error());
			for (int j = 0; j < 2; j++)
				axon_run_wait(r[j], -1);
		}
	}
	goto out;
err:
	w->errs++;
	snprintf(w->msg, sizeof(w->msg), "%s", axon_last_error());
out:
	atomic_store(w->stop, 1);
	axon_run_free(r[0]);
	axon_run_free(r[1]);
	return NULL;
}

void test_fault_isolation(void)
{
	axon_device *dev = NULL;
	axon_model *mf = NULL, *mg = NULL;
	struct iso f, g;
	atomic_int stop = 0;
	pthread_t tf, tg;
	uint8_t *pf, *pg;
	size_t sf, sg;
	int started = 0;

	memset(&f, 0, sizeof(f));
	memset(&g, 0, sizeof(g));
	pf = pk_build(PK_FAULT, 0, &sf);
	pg = pk_build(PK_ADD, AXB_DEV_DSP, &sg);
	CHECK_OK(axon_device_open("dsp", &dev));
	CHECK_OK(axon_model_load_memory(dev, pf, sf, AXON_MODEL_STRICT, &mf));
	CHECK_OK(axon_model_load_memory(dev, pg, sg, AXON_MODEL_STRICT, &mg));
	f.m = mf;
	g.m = mg;
	f.stop = g.stop = &stop;
	CHECK(!pthread_create(&tf, NULL, iso_faulty, &f), "pthread_create");
	started = 1;
	CHECK(!pthread_create(&tg, NULL, iso_good, &g), "pthread_create");
	started = 2;
	pthread_join(tg, NULL);
	pthread_join(tf, NULL);
	started = 0;
	diag("faulting thread: %d runs, %d faults; good thread: %d runs, %d wrong, %d errors",
	     f.runs, f.faults, g.runs, g.bad, g.errs);
	CHECK(!f.errs && f.faults == f.runs && f.runs > 0, "faulting thread: %d errors: %s",
	      f.errs, f.msg);
	CHECK(!g.errs && !g.bad && g.runs == ISO_RUNS, "good thread: %d errors (%s), %d wrong",
	      g.errs, g.msg, g.bad);
	result(1, "fault isolation on one dsp handle: %d faulting runs, %d good runs all correct",
	       f.runs, g.runs);
	goto out;
fail:
	atomic_store(&stop, 1);
	if (started > 1)
		pthread_join(tg, NULL);
	if (started)
		pthread_join(tf, NULL);
	result(0, "fault isolation");
out:
	axon_model_free(mf);
	axon_model_free(mg);
	axon_device_close(dev);
	free(pf);
	free(pg);
}
