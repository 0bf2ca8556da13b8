/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * axon: tracepoints (events/axon/ in tracefs).
 *
 * Copyright (C) 2025 The axon authors
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM axon

#if !defined(__AXON_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __AXON_TRACE_H__

#include <linux/ktime.h>
#include <linux/tracepoint.h>

#include "axon_sched.h"

DECLARE_EVENT_CLASS(axon_job,
		    TP_PROTO(struct axon_job *job),
		    TP_ARGS(job),
		    TP_STRUCT__entry(__field(u32, dev)
				     __field(u32, ctx)
				     __field(u32, engine)
				     __field(u64, seqno)
				     __field(s64, t_submit)),
		    TP_fast_assign(__entry->dev = job->eng->adev->drm.accel ?
			job->eng->adev->drm.accel->index : 0;
		__entry->ctx = job->ctx->id;
		__entry->engine = job->eng->index;
		__entry->seqno = job->seqno;
		__entry->t_submit = ktime_to_ns(job->t_submit);
	),
	TP_printk("dev=%u ctx=%u engine=%u seqno=%llu submitted=%lld",
		  __entry->dev, __entry->ctx, __entry->engine, __entry->seqno,
		  __entry->t_submit)
);

DEFINE_EVENT(axon_job, axon_job_submit,
	     TP_PROTO(struct axon_job *job),
	     TP_ARGS(job));

DEFINE_EVENT(axon_job, axon_job_run,
	     TP_PROTO(struct axon_job *job),
	     TP_ARGS(job));

TRACE_EVENT(axon_job_done,
	    TP_PROTO(struct axon_job *job, int error),
	    TP_ARGS(job, error),
	    TP_STRUCT__entry(__field(u32, ctx)
			     __field(u32, engine)
			     __field(u64, seqno)
			     __field(int, error)
			     __field(s64, t_submit)
			     __field(s64, t_start)
			     __field(s64, t_end)),
	    TP_fast_assign(__entry->ctx = job->ctx->id;
		__entry->engine = job->eng->index;
		__entry->seqno = job->seqno;
		__entry->error = error;
		__entry->t_submit = ktime_to_ns(job->t_submit);
		__entry->t_start = ktime_to_ns(job->t_start);
		__entry->t_end = ktime_to_ns(job->t_end);
	),
	TP_printk("ctx=%u engine=%u seqno=%llu error=%d submitted=%lld started=%lld ended=%lld",
		  __entry->ctx, __entry->engine, __entry->seqno,
		  __entry->error, __entry->t_submit, __entry->t_start,
		  __entry->t_end)
);

TRACE_EVENT(axon_job_fault,
	    TP_PROTO(struct axon_job *job, u32 fault),
	    TP_ARGS(job, fault),
	    TP_STRUCT__entry(__field(u32, ctx)
			     __field(u32, engine)
			     __field(u64, seqno)
			     __field(u32, fault)
			     __field(u32, status)
			     __field(u32, packet)
			     __field(u64, va)
			     __field(s64, t_end)),
	    TP_fast_assign(__entry->ctx = job->ctx->id;
		__entry->engine = job->eng->index;
		__entry->seqno = job->seqno;
		__entry->fault = fault;
		__entry->status = job->status;
		__entry->packet = job->packet;
		__entry->va = job->fault_va;
		__entry->t_end = ktime_to_ns(job->t_end);
	),
	TP_printk("ctx=%u engine=%u seqno=%llu fault=%u status=%u packet=%u va=0x%llx at=%lld",
		  __entry->ctx, __entry->engine, __entry->seqno,
		  __entry->fault, __entry->status, __entry->packet,
		  __entry->va, __entry->t_end)
);

TRACE_EVENT(axon_engine_reset,
	    TP_PROTO(struct axon_engine *eng, struct axon_job *job),
	    TP_ARGS(eng, job),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u32, ctx)
			     __field(u64, seqno)
			     __field(s64, ts)),
	    TP_fast_assign(__entry->engine = eng->index;
		__entry->ctx = job ? job->ctx->id : 0;
		__entry->seqno = job ? job->seqno : 0;
		__entry->ts = ktime_get_ns();
	),
	TP_printk("engine=%u guilty ctx=%u seqno=%llu at=%lld",
		  __entry->engine, __entry->ctx, __entry->seqno, __entry->ts)
);

#endif /* __AXON_TRACE_H__ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE axon_trace
#include <trace/define_trace.h>
