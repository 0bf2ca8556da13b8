// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * axon-trace BPF programs: the axon tracepoints (events/axon) and the
 * gpu_scheduler ones, aggregated per device and context in maps that
 * axon-trace reads.
 *
 * Copyright (C) 2025 The axon authors
 *
 * axon records are read at the offsets the tool found in tracefs (see
 * struct axt_offsets). The gpu_scheduler records are module types
 * (gpu-sched.ko) declared here with preserve_access_index: libbpf relocates
 * every field access against the running kernel's BTF (CO-RE), and fields
 * that changed between kernels (the finished fence pointer until 6.16, its
 * context and seqno since) are chosen with bpf_core_field_exists().
 */

#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "axon_trace.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

const volatile struct axt_offsets offs;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AXT_MAX_KEYS);
	__type(key, struct axt_key);
	__type(value, struct axt_stats);
} stats SEC(".maps");

/*
 * job -> device and process, from axon_job_submit (axon_job_done has no
 * device and runs in no process of the client)
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct axt_job);
	__type(value, struct axt_owner);
} inflight SEC(".maps");

/*
 * The same without the submit time, for axon_job_fault and
 * axon_engine_reset, which do not carry it: the last submitter of that
 * (ctx, engine, seqno) wins.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct axt_job);
	__type(value, struct axt_owner);
} inflight_nots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct axt_ring);
	__type(value, struct axt_ring_stats);
} rings SEC(".maps");

/* scheduler fence -> ring, from drm_run_job to drm_sched_process_job */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct axt_ring);
} ring_inflight SEC(".maps");

/* --- gpu_scheduler records (module types, relocated by CO-RE) -------- */

struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
} __attribute__((preserve_access_index));

/* class of drm_sched_job and drm_run_job */
struct trace_event_raw_drm_sched_job {
	struct trace_entry ent;
	void *fence;			/* until 6.16 */
	__u32 __data_loc_name;
	__u64 fence_context;		/* since 6.17 */
	__u64 fence_seqno;		/* since 6.17 */
} __attribute__((preserve_access_index));

struct trace_event_raw_drm_sched_process_job {
	struct trace_entry ent;
	void *fence;
	__u64 fence_context;
	__u64 fence_seqno;
} __attribute__((preserve_access_index));

/* --- helpers -------------------------------------------------------- */

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/* Histogram slot of a duration: kept 64-bit and bounded where it is used,
 * so that the verifier sees the bound on the register that indexes.
 */
static __always_inline void hist_add(__u64 *hist, __u64 ns)
{
	__u64 us = ns / 1000;
	__u64 slot = us ? log2_u64(us) : 0;

	barrier_var(slot);
	if (slot >= AXT_SLOTS)
		slot = AXT_SLOTS - 1;
	__sync_fetch_and_add(&hist[slot], 1);
}

static __always_inline void *field(void *rec, __u32 off)
{
	return (char *)rec + off;
}

#define READ_FIELD(dst, rec, off) \
	bpf_probe_read_kernel(&(dst), sizeof(dst), field(rec, off))

static __always_inline struct axt_stats *stats_of(struct axt_owner *o,
						  __u32 ctx, int comm)
{
	struct axt_key key = { .dev = o->dev, .pid = o->pid, .ctx = ctx };
	static const struct axt_stats zero;
	struct axt_stats *s;

	s = bpf_map_lookup_elem(&stats, &key);
	if (s)
		return s;
	bpf_map_update_elem(&stats, &key, &zero, BPF_NOEXIST);
	s = bpf_map_lookup_elem(&stats, &key);
	if (s && comm)
		bpf_get_current_comm(s->comm, sizeof(s->comm));
	return s;
}

/* Owner of a job; unknown when the tracer attached after its SUBMIT. */
static __always_inline void owner_of(void *map, struct axt_job *job,
				     struct axt_owner *o, int forget)
{
	struct axt_owner *v = bpf_map_lookup_elem(map, job);

	o->dev = v ? v->dev : AXT_DEV_UNKNOWN;
	o->pid = v ? v->pid : 0;
	if (v && forget)
		bpf_map_delete_elem(map, job);
}

/* --- axon tracepoints ------------------------------------------------ */

SEC("tracepoint/axon/axon_job_submit")
int axt_submit(void *rec)
{
	struct axt_owner o = { .pid = bpf_get_current_pid_tgid() >> 32 };
	struct axt_job job = {};
	struct axt_stats *s;

	READ_FIELD(o.dev, rec, offs.sub_dev);
	READ_FIELD(job.ctx, rec, offs.sub_ctx);
	READ_FIELD(job.engine, rec, offs.sub_engine);
	READ_FIELD(job.seqno, rec, offs.sub_seqno);
	bpf_map_update_elem(&inflight_nots, &job, &o, BPF_ANY);
	READ_FIELD(job.t_submit, rec, offs.sub_t_submit);
	bpf_map_update_elem(&inflight, &job, &o, BPF_ANY);
	s = stats_of(&o, job.ctx, 1);
	if (s)
		__sync_fetch_and_add(&s->submitted, 1);
	return 0;
}

SEC("tracepoint/axon/axon_job_done")
int axt_done(void *rec)
{
	__s64 t_submit = 0, t_start = 0, t_end = 0;
	struct axt_job job = {};
	struct axt_owner o;
	struct axt_stats *s;
	int error = 0;

	READ_FIELD(job.ctx, rec, offs.done_ctx);
	READ_FIELD(job.engine, rec, offs.done_engine);
	READ_FIELD(job.seqno, rec, offs.done_seqno);
	READ_FIELD(error, rec, offs.done_error);
	READ_FIELD(t_submit, rec, offs.done_t_submit);
	READ_FIELD(t_start, rec, offs.done_t_start);
	READ_FIELD(t_end, rec, offs.done_t_end);

	job.t_submit = t_submit;
	owner_of(&inflight, &job, &o, 1);
	s = stats_of(&o, job.ctx, 0);
	if (!s)
		return 0;
	__sync_fetch_and_add(&s->done, 1);
	if (error)
		__sync_fetch_and_add(&s->errors, 1);
	if (t_submit > 0 && t_start >= t_submit) {
		__u64 d = t_start - t_submit;

		__sync_fetch_and_add(&s->wait_ns, d);
		hist_add(s->wait_hist, d);
	}
	if (t_start > 0 && t_end >= t_start) {
		__u64 d = t_end - t_start;

		__sync_fetch_and_add(&s->run_ns, d);
		hist_add(s->run_hist, d);
	}
	return 0;
}

SEC("tracepoint/axon/axon_job_fault")
int axt_fault(void *rec)
{
	struct axt_job job = {};
	struct axt_owner o;
	struct axt_stats *s;

	READ_FIELD(job.ctx, rec, offs.fault_ctx);
	READ_FIELD(job.engine, rec, offs.fault_engine);
	READ_FIELD(job.seqno, rec, offs.fault_seqno);
	owner_of(&inflight_nots, &job, &o, 0);
	s = stats_of(&o, job.ctx, 0);
	if (s)
		__sync_fetch_and_add(&s->faults, 1);
	return 0;
}

SEC("tracepoint/axon/axon_engine_reset")
int axt_reset(void *rec)
{
	struct axt_job job = {};
	struct axt_owner o;
	struct axt_stats *s;

	READ_FIELD(job.ctx, rec, offs.reset_ctx);
	READ_FIELD(job.engine, rec, offs.reset_engine);
	READ_FIELD(job.seqno, rec, offs.reset_seqno);
	owner_of(&inflight_nots, &job, &o, 0);
	s = stats_of(&o, job.ctx, 0);
	if (s)
		__sync_fetch_and_add(&s->resets, 1);
	return 0;
}

/* --- gpu_scheduler tracepoints --------------------------------------- */

static __always_inline struct axt_ring_stats *ring_of(void *rec, __u32 loc,
						      struct axt_ring *ring)
{
	static const struct axt_ring_stats zero;
	struct axt_ring_stats *r;

	bpf_probe_read_kernel_str(ring->name, sizeof(ring->name),
				  field(rec, loc & 0xffff));
	r = bpf_map_lookup_elem(&rings, ring);
	if (r)
		return r;
	bpf_map_update_elem(&rings, ring, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&rings, ring);
}

SEC("tracepoint/gpu_scheduler/drm_sched_job")
int axt_sched_job(struct trace_event_raw_drm_sched_job *rec)
{
	struct axt_ring ring = {};
	struct axt_ring_stats *r;

	r = ring_of(rec, BPF_CORE_READ(rec, __data_loc_name), &ring);
	if (r)
		__sync_fetch_and_add(&r->queued, 1);
	return 0;
}

SEC("tracepoint/gpu_scheduler/drm_run_job")
int axt_run_job(struct trace_event_raw_drm_sched_job *rec)
{
	struct axt_ring ring = {};
	struct axt_ring_stats *r;
	__u64 key;

	r = ring_of(rec, BPF_CORE_READ(rec, __data_loc_name), &ring);
	if (!r)
		return 0;
	__sync_fetch_and_add(&r->run, 1);
	if (bpf_core_field_exists(rec->fence))
		key = (__u64)BPF_CORE_READ(rec, fence);
	else
		key = BPF_CORE_READ(rec, fence_context) * 0x9e3779b97f4a7c15ULL ^
		      BPF_CORE_READ(rec, fence_seqno);
	bpf_map_update_elem(&ring_inflight, &key, &ring, BPF_ANY);
	return 0;
}

SEC("tracepoint/gpu_scheduler/drm_sched_process_job")
int axt_process_job(struct trace_event_raw_drm_sched_process_job *rec)
{
	struct axt_ring_stats *r;
	struct axt_ring *ring;
	__u64 key;

	if (bpf_core_field_exists(rec->fence))
		key = (__u64)BPF_CORE_READ(rec, fence);
	else
		key = BPF_CORE_READ(rec, fence_context) * 0x9e3779b97f4a7c15ULL ^
		      BPF_CORE_READ(rec, fence_seqno);
	ring = bpf_map_lookup_elem(&ring_inflight, &key);
	if (!ring)
		return 0;
	r = bpf_map_lookup_elem(&rings, ring);
	if (r)
		__sync_fetch_and_add(&r->done, 1);
	bpf_map_delete_elem(&ring_inflight, &key);
	return 0;
}
