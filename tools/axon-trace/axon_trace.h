/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * axon-trace: what the BPF programs (axon_trace.bpf.c) and the tool
 * (axon-trace.c) share: map keys and values, tracepoint field offsets.
 *
 * Copyright (C) 2025 The axon authors
 */

#ifndef AXON_TRACE_H
#define AXON_TRACE_H

/* log2 histogram slots: slot i counts durations in [2^i, 2^(i+1)) us */
#define AXT_SLOTS	32
#define AXT_RING_LEN	32
#define AXT_MAX_KEYS	1024
#define AXT_DEV_UNKNOWN	0xffffffffu

/*
 * per device and context: context ids are per open file, so the process
 * that submitted (its tgid, taken at SUBMIT) is part of the key
 */
struct axt_key {
	__u32 dev;
	__u32 pid;
	__u32 ctx;
	__u32 pad;
};

struct axt_stats {
	char comm[16];		/* of the process at its first SUBMIT */
	__u64 submitted;
	__u64 done;
	__u64 errors;
	__u64 faults;
	__u64 resets;
	__u64 wait_ns;		/* sum of queue waits (submit -> start) */
	__u64 run_ns;		/* sum of run times (start -> end) */
	__u64 wait_hist[AXT_SLOTS];
	__u64 run_hist[AXT_SLOTS];
};

/*
 * a job in flight, as the axon tracepoints name it: (ctx, engine, seqno)
 * repeats across files, the submit time (ns) tells them apart
 */
struct axt_job {
	__u32 ctx;
	__u32 engine;
	__u64 seqno;
	__s64 t_submit;
};

struct axt_owner {
	__u32 dev;
	__u32 pid;
};

/* gpu_scheduler ring (drm_gpu_scheduler name) counters */
struct axt_ring {
	char name[AXT_RING_LEN];
};

struct axt_ring_stats {
	__u64 queued;		/* drm_sched_job: pushed to an entity */
	__u64 run;		/* drm_run_job: handed to the backend */
	__u64 done;		/* drm_sched_process_job: fence signalled */
};

/*
 * Byte offsets of the axon tracepoint fields in their records, read by the
 * tool from tracefs (events/axon/<event>/format) and set in the BPF
 * object's read-only data before it is loaded: the records' layout is the
 * tracepoint ABI and needs no BTF of axon.ko (which an out-of-tree build
 * may not have).
 */
struct axt_offsets {
	/* axon_job_submit (class axon_job) */
	__u32 sub_dev, sub_ctx, sub_engine, sub_seqno, sub_t_submit;
	/* axon_job_done */
	__u32 done_ctx, done_engine, done_seqno, done_error;
	__u32 done_t_submit, done_t_start, done_t_end;
	/* axon_job_fault */
	__u32 fault_ctx, fault_engine, fault_seqno;
	/* axon_engine_reset */
	__u32 reset_ctx, reset_engine, reset_seqno;
};

#endif /* AXON_TRACE_H */
