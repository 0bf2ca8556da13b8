// SPDX-License-Identifier: MIT
/*
 * axon-smi: list axon devices, their clients (DRM fdinfo) and the module.
 *   axon-smi [--json]                    device table, clients, module
 *   axon-smi load --emulate npu,dsp,dpu  insert axon.ko (root only)
 *   axon-smi config-load FILE [--device accelN]
 *                                        load a DPU configuration (root only)
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libkmod.h>

#include "axon/axon.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

static int json;

static void ver(char *b, size_t n, uint32_t v)
{
	snprintf(b, n, "%u.%u.%u", v >> 24, (v >> 16) & 0xff, v & 0xffff);
}

/* Devices that need a configuration (DPU): whether they have one. */
static const char *config_note(const struct axon_device_info *d)
{
	static char b[48];
	char v[16];

	if (!(d->caps & AXON_CAP_CONFIG_LOAD))
		return "";
	if (!(d->state & AXON_STATE_CONFIGURED))
		return " (unconfigured)";
	ver(v, sizeof(v), d->config_version);
	snprintf(b, sizeof(b), " (config %s)", v);
	return b;
}

static void print_devices(void)
{
	struct axon_device_info d[64];
	int n = axon_device_list(d, 64);
	char fw[16], isa[16];

	if (n > 64)
		n = 64;
	if (!json)
		printf("%-8s %-4s %-7s %10s %-9s %-9s %s\n", "DEVICE", "TYPE", "ENGINES",
		       "SRAM(KiB)", "FW", "ISA", "CAPS");
	else
		printf("{\"devices\": [");
	for (int i = 0; i < n; i++) {
		ver(fw, sizeof(fw), d[i].fw_version);
		ver(isa, sizeof(isa), d[i].isa_version);
		if (json)
			printf("%s{\"name\": \"%s\", \"path\": \"%s\", \"type\": \"%s\", \"engines\": %u, "
			       "\"sram_size\": %llu, \"fw_version\": \"%s\", \"isa_version\": \"%s\", "
			       "\"caps\": %llu, \"ops\": %llu, \"state\": %u, \"config_version\": %u, "
			       "\"available\": %s}",
			       i ? ", " : "", d[i].name, d[i].path, axon_device_type_name(d[i].type),
			       d[i].engines, (unsigned long long)d[i].sram_size, fw, isa,
			       (unsigned long long)d[i].caps, (unsigned long long)d[i].ops,
			       d[i].state, d[i].config_version, d[i].available ? "true" : "false");
		else
			printf("%-8s %-4s %-7u %10llu %-9s %-9s 0x%llx%s%s\n", d[i].name,
			       axon_device_type_name(d[i].type), d[i].engines,
			       (unsigned long long)d[i].sram_size / 1024, fw, isa,
			       (unsigned long long)d[i].caps, config_note(&d[i]),
			       d[i].available ? "" : " (no access)");
	}
	if (json)
		printf("], ");
}

/* DRM fdinfo of every process using an axon device (deduplicated by client id). */
static void print_clients(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *pe;
	int first = 1;
	unsigned long seen[256];
	int nseen = 0;

	if (json)
		printf("\"clients\": [");
	else
		printf("\n%-7s %-16s %-8s %-6s %s\n", "PID", "COMMAND", "DEVICE", "CLIENT",
		       "ENGINE TIME / MEMORY");
	while (proc && (pe = readdir(proc))) {
		char path[300], line[256], comm[64] = "?", dev[32], stats[512];
		DIR *fds;
		struct dirent *fe;

		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", pe->d_name);
		{
			FILE *f = fopen(path, "r");

			if (f) {
				if (fgets(comm, sizeof(comm), f))
					comm[strcspn(comm, "\n")] = 0;
				fclose(f);
			}
		}
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", pe->d_name);
		fds = opendir(path);
		while (fds && (fe = readdir(fds))) {
			char fp[600];
			FILE *f;
			int axon = 0, dup = 0;
			unsigned long client = 0;
			size_t sl = 0;

			if (fe->d_name[0] == '.')
				continue;
			snprintf(fp, sizeof(fp), "%s/%s", path, fe->d_name);
			f = fopen(fp, "r");
			if (!f)
				continue;
			stats[0] = 0;
			strcpy(dev, "?");
			while (fgets(line, sizeof(line), f)) {
				char k[128], v[128];

				if (sscanf(line, "%127[^:]:%*[ \t]%127[^\n]", k, v) != 2)
					continue;
				if (!strcmp(k, "drm-driver") && !strcmp(v, "axon"))
					axon = 1;
				else if (!strcmp(k, "drm-client-id"))
					client = strtoul(v, NULL, 10);
				else if (!strcmp(k, "drm-pdev"))
					snprintf(dev, sizeof(dev), "%s", v);
				else if (!strncmp(k, "drm-engine-", 11) ||
					 !strncmp(k, "drm-total-", 10) ||
					 !strncmp(k, "drm-resident-", 13))
					sl += snprintf(stats + sl, sl < sizeof(stats) ? sizeof(stats) - sl : 0,
						       json ? "%s\"%s\": \"%s\"" : "%s%s=%s",
						       sl ? (json ? ", " : " ") : "", k + 4, v);
			}
			fclose(f);
			if (!axon)
				continue;
			for (int i = 0; i < nseen; i++)
				dup |= seen[i] == client;
			if (dup)
				continue;
			if (nseen < 256)
				seen[nseen++] = client;
			if (json)
				printf("%s{\"pid\": %s, \"command\": \"%s\", \"device\": \"%s\", "
				       "\"client_id\": %lu, \"stats\": {%s}}", first ? "" : ", ",
				       pe->d_name, comm, dev, client, stats);
			else
				printf("%-7s %-16s %-8s %-6lu %s\n", pe->d_name, comm, dev, client,
				       stats);
			first = 0;
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	if (json)
		printf("], ");
	else if (first)
		printf("(no clients)\n");
}

static void print_module(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	const char *state = "not found";
	int refs = -1;
	DIR *d;
	struct dirent *de;
	int first = 1;

	if (ctx && kmod_module_new_from_name(ctx, "axon", &mod) == 0) {
		int s = kmod_module_get_initstate(mod);

		state = s < 0 ? "not loaded" : kmod_module_initstate_str(s);
		if (s >= 0)
			refs = kmod_module_get_refcnt(mod);
		if (s < 0 && kmod_module_get_path(mod))
			state = "not loaded (available)";
	}
	if (json)
		printf("\"module\": {\"name\": \"axon\", \"state\": \"%s\", \"refcnt\": %d, \"parameters\": {",
		       state, refs);
	else
		printf("\nmodule axon: %s%s", state, refs >= 0 ? "" : "\n");
	if (!json && refs >= 0)
		printf(", %d reference(s)\n", refs);
	d = opendir("/sys/module/axon/parameters");
	while (d && (de = readdir(d))) {
		char p[512], v[256] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/module/axon/parameters/%s", de->d_name);
		f = fopen(p, "r");
		if (f) {
			if (fgets(v, sizeof(v), f))
				v[strcspn(v, "\n")] = 0;
			fclose(f);
		}
		if (json)
			printf("%s\"%s\": \"%s\"", first ? "" : ", ", de->d_name, v);
		else
			printf("  %s = %s\n", de->d_name, v);
		first = 0;
	}
	if (d)
		closedir(d);
	if (json)
		printf("}}}\n");
	kmod_module_unref(mod);
	kmod_unref(ctx);
}

static int do_load(const char *emulate)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod;
	char opts[256];
	int rc;

	if (geteuid() != 0) {
		fprintf(stderr, "axon-smi: loading a kernel module needs root (try: sudo axon-smi load --emulate %s)\n",
			emulate ? emulate : "npu,dsp,dpu");
		return 1;
	}
	ctx = kmod_new(NULL, NULL);
	if (!ctx || kmod_module_new_from_name(ctx, "axon", &mod)) {
		fprintf(stderr, "axon-smi: libkmod initialisation failed\n");
		return 1;
	}
	snprintf(opts, sizeof(opts), "emulate=%s", emulate ? emulate : "");
	rc = kmod_module_probe_insert_module(mod, 0, emulate ? opts : NULL, NULL, NULL, NULL);
	if (rc < 0)
		fprintf(stderr, "axon-smi: cannot load axon: %s\n", strerror(-rc));
	else
		printf("axon loaded%s%s\n", emulate ? " with " : "", emulate ? opts : "");
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return rc < 0;
}

static int do_config_load(const char *file, const char *spec)
{
	struct axon_device_info info;
	axon_device *dev;
	char v[16];
	int rc;

	rc = axon_device_open(spec ? spec : "dpu", &dev);
	if (rc) {
		fprintf(stderr, "axon-smi: %s\n", axon_last_error());
		return 1;
	}
	rc = axon_device_load_config(dev, file, NULL, 0);
	if (rc) {
		fprintf(stderr, "axon-smi: config-load: %s (%s)\n", axon_last_error(),
			axon_status_name(rc));
		if (rc == AXON_E_PERM)
			fprintf(stderr, "axon-smi: try: sudo axon-smi config-load %s%s%s\n",
				file, spec ? " --device " : "", spec ? spec : "");
		axon_device_close(dev);
		return 1;
	}
	if (!axon_device_query(dev, &info)) {
		ver(v, sizeof(v), info.config_version);
		printf("%s (%s): configuration %s version %s loaded\n", info.name,
		       axon_device_type_name(info.type), file, v);
	}
	axon_device_close(dev);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "config-load")) {
		const char *file = NULL, *spec = NULL;

		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--device") && i + 1 < argc)
				spec = argv[++i];
			else if (!strncmp(argv[i], "--device=", 9))
				spec = argv[i] + 9;
			else if (argv[i][0] != '-' && !file)
				file = argv[i];
			else
				file = NULL, i = argc;
		}
		if (!file) {
			fprintf(stderr, "usage: axon-smi config-load FILE [--device accelN]\n");
			return 2;
		}
		return do_config_load(file, spec);
	}
	if (argc > 1 && !strcmp(argv[1], "load")) {
		const char *em = NULL;

		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--emulate") && i + 1 < argc)
				em = argv[++i];
			else if (!strncmp(argv[i], "--emulate=", 10))
				em = argv[i] + 10;
			else {
				fprintf(stderr, "usage: axon-smi load [--emulate npu,dsp,dpu]\n");
				return 2;
			}
		}
		return do_load(em);
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else {
			fprintf(stderr, "usage: axon-smi [--json] | axon-smi load --emulate LIST | axon-smi config-load FILE [--device accelN]\n");
			return 2;
		}
	}
	print_devices();
	print_clients();
	print_module();
	return 0;
}
