// SPDX-License-Identifier: MIT
/*
 * axon-trace: what the axon accelerators are doing, from the driver's
 * tracepoints (events/axon) and the gpu_scheduler ones, with eBPF.
 *
 *   axon-trace [--interval S] [--duration S]   live, top-like view
 *   axon-trace --json [--duration S]            one JSON summary at the end
 *
 * Per device and context: jobs, jobs/s, errors, faults, resets, and log2
 * histograms (microseconds, like runqlat) of the queue wait (submit ->
 * start) and run time (start -> end); per gpu_scheduler ring: jobs queued,
 * run and done. Ends on Ctrl-C, SIGTERM or after --duration.
 *
 * Needs root (or CAP_BPF + CAP_PERFMON and tracefs access), a kernel with
 * BTF (/sys/kernel/btf/vmlinux) and axon.ko loaded. Exit status: 0, 1 bad
 * usage or runtime error, 2 no privileges, 3 no BTF, 4 no axon tracepoints.
 *
 * Copyright (C) 2025 The axon authors
 */

#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <linux/types.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "axon_trace.h"
#include "axon_trace.skel.h"

#define EXIT_USAGE	1
#define EXIT_PRIV	2
#define EXIT_NOBTF	3
#define EXIT_NOAXON	4

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif
#ifndef CAP_BPF
#define CAP_BPF		39
#endif

static volatile sig_atomic_t stop;
static bool verbose;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	if (level == LIBBPF_INFO && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: axon-trace [--json] [--duration S] [--interval S] [--verbose]\n"
		"  live view of axon jobs per device and context (Ctrl-C to quit);\n"
		"  --json prints one summary at the end (use with --duration)\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- privileges, BTF, tracefs ----------------------------------------- */

static bool have_cap(unsigned int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

static bool privileged(void)
{
	return geteuid() == 0 || have_cap(CAP_SYS_ADMIN) ||
	       (have_cap(CAP_BPF) && have_cap(CAP_PERFMON));
}

static const char *tracefs(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char p[256];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/events", dirs[i]);
		if (access(p, F_OK) == 0)
			return dirs[i];
	}
	return NULL;
}

/* Offset of @field in tracefs event @event, or -1. */
static int field_offset(const char *tfs, const char *event, const char *field)
{
	char path[512], line[512];
	int off = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/%s/format", tfs, event);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "field:"), *semi, *name;
		int o;

		if (!p || !(semi = strchr(p, ';')))
			continue;
		*semi = '\0';
		name = strrchr(p, ' ');
		name = name ? name + 1 : p + 6;
		if (strcmp(name, field) || !strstr(semi + 1, "offset:"))
			continue;
		if (sscanf(strstr(semi + 1, "offset:"), "offset:%d", &o) == 1)
			off = o;
		break;
	}
	fclose(f);
	return off;
}

static int set_offsets(const char *tfs, struct axt_offsets *o)
{
	static const struct {
		const char *event, *field;
		size_t at;
	} f[] = {
#define F(ev, fld, member) { "axon/" ev, fld, offsetof(struct axt_offsets, member) }
		F("axon_job_submit", "dev", sub_dev),
		F("axon_job_submit", "ctx", sub_ctx),
		F("axon_job_submit", "engine", sub_engine),
		F("axon_job_submit", "seqno", sub_seqno),
		F("axon_job_submit", "t_submit", sub_t_submit),
		F("axon_job_done", "ctx", done_ctx),
		F("axon_job_done", "engine", done_engine),
		F("axon_job_done", "seqno", done_seqno),
		F("axon_job_done", "error", done_error),
		F("axon_job_done", "t_submit", done_t_submit),
		F("axon_job_done", "t_start", done_t_start),
		F("axon_job_done", "t_end", done_t_end),
		F("axon_job_fault", "ctx", fault_ctx),
		F("axon_job_fault", "engine", fault_engine),
		F("axon_job_fault", "seqno", fault_seqno),
		F("axon_engine_reset", "ctx", reset_ctx),
		F("axon_engine_reset", "engine", reset_engine),
		F("axon_engine_reset", "seqno", reset_seqno),
#undef F
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int off = field_offset(tfs, f[i].event, f[i].field);

		if (off < 0) {
			fprintf(stderr, "axon-trace: %s/events/%s has no field '%s' "
				"(axon.ko too old or too new for this axon-trace)\n",
				tfs, f[i].event, f[i].field);
			return -1;
		}
		*(__u32 *)((char *)o + f[i].at) = off;
	}
	return 0;
}

/* --- reading the maps --------------------------------------------------- */

struct row {
	struct axt_key key;
	struct axt_stats s;
	__u64 prev_done;	/* at the previous refresh, for jobs/s */
};

struct table {
	struct row *rows;
	size_t n, cap;
};

static struct row *find_row(struct table *t, const struct axt_key *k)
{
	for (size_t i = 0; i < t->n; i++)
		if (!memcmp(&t->rows[i].key, k, sizeof(*k)))
			return &t->rows[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct row *r = realloc(t->rows, cap * sizeof(*r));

		if (!r)
			return NULL;
		t->rows = r;
		t->cap = cap;
	}
	memset(&t->rows[t->n], 0, sizeof(t->rows[0]));
	t->rows[t->n].key = *k;
	return &t->rows[t->n++];
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->key.dev != y->key.dev)
		return x->key.dev < y->key.dev ? -1 : 1;
	if (x->key.pid != y->key.pid)
		return x->key.pid < y->key.pid ? -1 : 1;
	return x->key.ctx < y->key.ctx ? -1 : x->key.ctx > y->key.ctx;
}

static void read_stats(int fd, struct table *t)
{
	struct axt_key k, next;
	struct axt_key *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct row *r;

		k = next;
		prev = &k;
		r = find_row(t, &k);
		if (r && bpf_map_lookup_elem(fd, &k, &r->s))
			memset(&r->s, 0, sizeof(r->s));
		/* printable, and safe in JSON */
		for (size_t i = 0; r && i < sizeof(r->s.comm) && r->s.comm[i]; i++)
			if (r->s.comm[i] < 0x20 || r->s.comm[i] > 0x7e ||
			    r->s.comm[i] == '"' || r->s.comm[i] == '\\')
				r->s.comm[i] = '?';
	}
	qsort(t->rows, t->n, sizeof(t->rows[0]), cmp_row);
}

struct ring_row {
	struct axt_ring name;
	struct axt_ring_stats s;
};

static size_t read_rings(int fd, struct ring_row *out, size_t max)
{
	struct axt_ring k, next, *prev = NULL;
	size_t n = 0;

	while (n < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		out[n].name = k;
		if (bpf_map_lookup_elem(fd, &k, &out[n].s) == 0)
			n++;
	}
	return n;
}

/* --- output ------------------------------------------------------------- */

static void dev_name(__u32 dev, char *buf, size_t len)
{
	if (dev == AXT_DEV_UNKNOWN)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "accel%u", dev);
}

/* Upper bound (us) of the slot holding the @q quantile, 0 when empty. */
static __u64 quantile_us(const __u64 *hist, double q)
{
	__u64 total = 0, acc = 0;

	for (int i = 0; i < AXT_SLOTS; i++)
		total += hist[i];
	if (!total)
		return 0;
	for (int i = 0; i < AXT_SLOTS; i++) {
		acc += hist[i];
		if (acc >= q * total)
			return (2ULL << i) - 1;
	}
	return (2ULL << (AXT_SLOTS - 1)) - 1;
}

static void print_hist(const char *title, const __u64 *hist)
{
	__u64 max = 0;
	int last = -1;

	for (int i = 0; i < AXT_SLOTS; i++) {
		if (hist[i] > max)
			max = hist[i];
		if (hist[i])
			last = i;
	}
	if (last < 0)
		return;
	printf("  %s\n  %20s : %-8s |%-40s|\n", title, "usecs", "count", "distribution");
	for (int i = 0; i <= last; i++) {
		char range[32], bar[41];
		int w = max ? (int)(hist[i] * 40 / max) : 0;

		snprintf(range, sizeof(range), "%llu -> %llu",
			 i ? 1ULL << i : 0ULL, (2ULL << i) - 1);
		memset(bar, '*', w);
		bar[w] = '\0';
		printf("  %20s : %-8llu |%-40s|\n", range,
		       (unsigned long long)hist[i], bar);
	}
}

static void print_live(struct table *t, struct ring_row *rings, size_t nrings,
		       double elapsed, double dt)
{
	printf("\033[H\033[2J");
	printf("axon-trace  %.0f s  (Ctrl-C to quit)\n\n", elapsed);
	printf("%-8s %7s %-15s %4s %9s %9s %6s %6s %6s %10s %10s %10s %10s\n",
	       "DEVICE", "PID", "COMMAND", "CTX", "JOBS", "JOBS/S", "ERRORS", "FAULTS", "RESETS",
	       "WAIT-AVG", "WAIT-P99", "RUN-AVG", "RUN-P99");
	for (size_t i = 0; i < t->n; i++) {
		struct row *r = &t->rows[i];
		char dev[16];
		double rate = dt > 0 ? (r->s.done - r->prev_done) / dt : 0;

		dev_name(r->key.dev, dev, sizeof(dev));
		printf("%-8s %7u %-15.15s %4u %9llu %9.1f %6llu %6llu %6llu %8.1fus %8lluus %8.1fus %8lluus\n",
		       dev, r->key.pid, r->s.comm[0] ? r->s.comm : "?",
		       r->key.ctx, (unsigned long long)r->s.done, rate,
		       (unsigned long long)r->s.errors,
		       (unsigned long long)r->s.faults,
		       (unsigned long long)r->s.resets,
		       r->s.done ? r->s.wait_ns / 1e3 / r->s.done : 0.0,
		       (unsigned long long)quantile_us(r->s.wait_hist, 0.99),
		       r->s.done ? r->s.run_ns / 1e3 / r->s.done : 0.0,
		       (unsigned long long)quantile_us(r->s.run_hist, 0.99));
		r->prev_done = r->s.done;
	}
	if (!t->n)
		printf("(no axon jobs yet)\n");
	if (nrings) {
		printf("\n%-24s %10s %10s %10s\n", "SCHEDULER RING", "QUEUED", "RUN", "DONE");
		for (size_t i = 0; i < nrings; i++)
			printf("%-24.*s %10llu %10llu %10llu\n", AXT_RING_LEN,
			       rings[i].name.name,
			       (unsigned long long)rings[i].s.queued,
			       (unsigned long long)rings[i].s.run,
			       (unsigned long long)rings[i].s.done);
	}
	fflush(stdout);
}

static void print_summary(struct table *t, double elapsed)
{
	printf("axon-trace: %.1f s\n", elapsed);
	for (size_t i = 0; i < t->n; i++) {
		struct row *r = &t->rows[i];
		char dev[16];

		dev_name(r->key.dev, dev, sizeof(dev));
		printf("\n%s pid %u (%.16s) ctx %u: %llu jobs (%.1f/s), %llu errors, %llu faults, %llu resets\n",
		       dev, r->key.pid, r->s.comm[0] ? r->s.comm : "?",
		       r->key.ctx, (unsigned long long)r->s.done,
		       elapsed > 0 ? r->s.done / elapsed : 0.0,
		       (unsigned long long)r->s.errors,
		       (unsigned long long)r->s.faults,
		       (unsigned long long)r->s.resets);
		print_hist("queue wait (submit -> start)", r->s.wait_hist);
		print_hist("run time (start -> end)", r->s.run_hist);
	}
}

static void json_hist(const char *name, const __u64 *hist, __u64 sum_ns,
		      __u64 n)
{
	bool first = true;

	printf("\"%s\": {\"avg_us\": %.3f, \"p50_us\": %llu, \"p99_us\": %llu, \"hist\": [",
	       name, n ? sum_ns / 1e3 / n : 0.0,
	       (unsigned long long)quantile_us(hist, 0.5),
	       (unsigned long long)quantile_us(hist, 0.99));
	for (int i = 0; i < AXT_SLOTS; i++) {
		if (!hist[i])
			continue;
		printf("%s{\"lo_us\": %llu, \"hi_us\": %llu, \"count\": %llu}",
		       first ? "" : ", ", i ? 1ULL << i : 0ULL,
		       (2ULL << i) - 1, (unsigned long long)hist[i]);
		first = false;
	}
	printf("]}");
}

static void print_json(struct table *t, struct ring_row *rings, size_t nrings,
		       double elapsed)
{
	__u64 jobs = 0, sub = 0, err = 0, faults = 0, resets = 0;

	printf("{\"duration_s\": %.3f, \"contexts\": [", elapsed);
	for (size_t i = 0; i < t->n; i++) {
		struct row *r = &t->rows[i];
		char dev[16];

		dev_name(r->key.dev, dev, sizeof(dev));
		printf("%s\n  {\"device\": \"%s\", \"pid\": %u, \"comm\": \"%.16s\", "
		       "\"ctx\": %u, \"submitted\": %llu, "
		       "\"jobs\": %llu, \"jobs_per_s\": %.1f, \"errors\": %llu, "
		       "\"faults\": %llu, \"resets\": %llu, ",
		       i ? "," : "", dev, r->key.pid, r->s.comm, r->key.ctx,
		       (unsigned long long)r->s.submitted,
		       (unsigned long long)r->s.done,
		       elapsed > 0 ? r->s.done / elapsed : 0.0,
		       (unsigned long long)r->s.errors,
		       (unsigned long long)r->s.faults,
		       (unsigned long long)r->s.resets);
		json_hist("queue_wait", r->s.wait_hist, r->s.wait_ns, r->s.done);
		printf(", ");
		json_hist("run_time", r->s.run_hist, r->s.run_ns, r->s.done);
		printf("}");
		jobs += r->s.done;
		sub += r->s.submitted;
		err += r->s.errors;
		faults += r->s.faults;
		resets += r->s.resets;
	}
	printf("],\n \"schedulers\": [");
	for (size_t i = 0; i < nrings; i++)
		printf("%s{\"ring\": \"%.*s\", \"queued\": %llu, \"run\": %llu, \"done\": %llu}",
		       i ? ", " : "", AXT_RING_LEN, rings[i].name.name,
		       (unsigned long long)rings[i].s.queued,
		       (unsigned long long)rings[i].s.run,
		       (unsigned long long)rings[i].s.done);
	printf("],\n \"total\": {\"submitted\": %llu, \"jobs\": %llu, \"jobs_per_s\": %.1f, "
	       "\"errors\": %llu, \"faults\": %llu, \"resets\": %llu}}\n",
	       (unsigned long long)sub, (unsigned long long)jobs,
	       elapsed > 0 ? jobs / elapsed : 0.0, (unsigned long long)err,
	       (unsigned long long)faults, (unsigned long long)resets);
}

/* --- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *btf = getenv("AXON_TRACE_BTF");
	double duration = 0, interval = 1, start, last;
	struct ring_row rings[64];
	struct axon_trace_bpf *skel;
	struct table t = { 0 };
	bool json = false, sched;
	const char *tfs;
	size_t nrings = 0;
	char path[512];
	int c, err;

	while ((c = getopt_long(argc, argv, "jd:i:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'd': duration = atof(optarg); break;
		case 'i': interval = atof(optarg); break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc || interval <= 0 || duration < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}

	if (!privileged()) {
		fprintf(stderr, "axon-trace: needs root, or CAP_BPF and CAP_PERFMON "
			"with read access to tracefs, to load BPF programs "
			"(try: sudo axon-trace)\n");
		return EXIT_PRIV;
	}
	if (!btf)
		btf = "/sys/kernel/btf/vmlinux";
	if (access(btf, R_OK)) {
		fprintf(stderr, "axon-trace: this kernel has no BTF type information "
			"(%s: %s); axon-trace needs a kernel built with "
			"CONFIG_DEBUG_INFO_BTF=y\n", btf, strerror(errno));
		return EXIT_NOBTF;
	}
	tfs = tracefs();
	if (!tfs) {
		fprintf(stderr, "axon-trace: no tracefs (mount -t tracefs nodev /sys/kernel/tracing)\n");
		return EXIT_NOAXON;
	}
	snprintf(path, sizeof(path), "%s/events/axon/axon_job_done/format", tfs);
	if (access(path, R_OK)) {
		fprintf(stderr, "axon-trace: no axon tracepoints in %s/events/axon: "
			"is axon.ko loaded? (modprobe axon)\n", tfs);
		return EXIT_NOAXON;
	}

	libbpf_set_print(print_libbpf);
	skel = axon_trace_bpf__open();
	if (!skel) {
		fprintf(stderr, "axon-trace: cannot open the BPF object: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	if (set_offsets(tfs, (struct axt_offsets *)&skel->rodata->offs)) {
		axon_trace_bpf__destroy(skel);
		return EXIT_NOAXON;
	}
	/* The scheduler programs need gpu-sched's BTF and tracepoints. */
	snprintf(path, sizeof(path), "%s/events/gpu_scheduler/drm_run_job/format", tfs);
	sched = access(path, R_OK) == 0 &&
		(access("/sys/kernel/btf/gpu_sched", R_OK) == 0 ||
		 access("/sys/kernel/btf/gpu-sched", R_OK) == 0 ||
		 !getenv("AXON_TRACE_NEED_MODULE_BTF"));
	if (!sched) {
		bpf_program__set_autoload(skel->progs.axt_sched_job, false);
		bpf_program__set_autoload(skel->progs.axt_run_job, false);
		bpf_program__set_autoload(skel->progs.axt_process_job, false);
	}
	err = axon_trace_bpf__load(skel);
	if (err && sched) {
		/* gpu_scheduler records not relocatable here: axon's only. */
		fprintf(stderr, "axon-trace: note: gpu_scheduler tracepoints unavailable (%s)\n",
			strerror(-err));
		axon_trace_bpf__destroy(skel);
		skel = axon_trace_bpf__open();
		if (!skel)
			return EXIT_USAGE;
		set_offsets(tfs, (struct axt_offsets *)&skel->rodata->offs);
		bpf_program__set_autoload(skel->progs.axt_sched_job, false);
		bpf_program__set_autoload(skel->progs.axt_run_job, false);
		bpf_program__set_autoload(skel->progs.axt_process_job, false);
		sched = false;
		err = axon_trace_bpf__load(skel);
	}
	if (err) {
		fprintf(stderr, "axon-trace: cannot load the BPF programs: %s%s\n",
			strerror(-err), err == -EPERM || err == -EACCES ?
			" (needs root, or CAP_BPF and CAP_PERFMON)" : "");
		axon_trace_bpf__destroy(skel);
		return err == -EPERM || err == -EACCES ? EXIT_PRIV : EXIT_USAGE;
	}
	err = axon_trace_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "axon-trace: cannot attach to the tracepoints: %s\n",
			strerror(-err));
		axon_trace_bpf__destroy(skel);
		return EXIT_USAGE;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "axon-trace: attached to events/axon%s\n",
		sched ? " and events/gpu_scheduler" : "");

	start = last = now_s();
	while (!stop) {
		double t_now, sleep_s = interval;

		if (duration > 0 && start + duration - now_s() < sleep_s)
			sleep_s = start + duration - now_s();
		if (sleep_s > 0) {
			struct timespec ts = {
				.tv_sec = (time_t)sleep_s,
				.tv_nsec = (long)((sleep_s - (time_t)sleep_s) * 1e9),
			};

			nanosleep(&ts, NULL);
		}
		t_now = now_s();
		if (duration > 0 && t_now - start >= duration)
			stop = 1;
		if (!json) {
			read_stats(bpf_map__fd(skel->maps.stats), &t);
			nrings = read_rings(bpf_map__fd(skel->maps.rings), rings, 64);
			print_live(&t, rings, nrings, t_now - start, t_now - last);
		}
		last = t_now;
	}

	read_stats(bpf_map__fd(skel->maps.stats), &t);
	nrings = read_rings(bpf_map__fd(skel->maps.rings), rings, 64);
	if (json)
		print_json(&t, rings, nrings, now_s() - start);
	else
		print_summary(&t, now_s() - start);
	axon_trace_bpf__destroy(skel);
	free(t.rows);
	return 0;
}
