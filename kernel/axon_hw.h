/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * axon: hardware backend interface.
 *
 * The scheduler side of the driver (axon_sched.c) drives every engine
 * through this table; the in-kernel emulator (axon_emu.c) is one backend,
 * a real chip's would be another.
 *
 * Copyright (C) 2025 The axon authors
 */

#ifndef __AXON_HW_H__
#define __AXON_HW_H__

#include <linux/types.h>

struct axon_device;
struct axon_engine;
struct axon_job;

/**
 * enum axon_hw_query - what &axon_hw_ops.query reports
 * @AXON_HW_QUERY_PROGRESS: monotonic progress counter of the engine; it
 *	moves whenever the running stream completes a work unit
 * @AXON_HW_QUERY_BUSY: non-zero while a job runs on the engine
 * @AXON_HW_QUERY_FW_VERSION: DRM_AXON_VERSION() of the built-in firmware
 */
enum axon_hw_query {
	AXON_HW_QUERY_PROGRESS,
	AXON_HW_QUERY_BUSY,
	AXON_HW_QUERY_FW_VERSION,
};

/**
 * struct axon_hw_ops - a hardware backend
 * @name: backend name, for logs
 * @init: set up the engines of @adev (adev->engines is allocated); may
 *	sleep
 * @fini: stop the engines; every job handed to @submit has completed (its
 *	completion reported through axon_job_hw_done()) before it returns
 * @submit: queue @job on @eng behind the jobs already queued there. Called
 *	from the scheduler's run_job: must neither allocate nor sleep. The
 *	backend reports the end of the job, in submission order per engine,
 *	with axon_job_hw_done(); until then it owns the job.
 * @reset: abort the job running on @eng, if any (it completes with
 *	AXON_ISA_E_ABORTED), and reset the engine; jobs queued behind it stay
 *	queued. With @hung set (the timeout handler found it hung), only if
 *	@hung still runs, checked atomically with the abort: a job that
 *	completed since (or has not started) is not aborted, nor is the job
 *	running after it; nothing is reset and false is returned. @hung NULL
 *	(forced reset): whatever runs is aborted. May sleep; returns once the
 *	aborted job has been reported; true if the engine was reset.
 * @power: power the device up or down; 0 or a negative errno
 * @query: see &enum axon_hw_query
 */
struct axon_hw_ops {
	const char *name;
	int (*init)(struct axon_device *adev);
	void (*fini)(struct axon_device *adev);
	void (*submit)(struct axon_engine *eng, struct axon_job *job);
	bool (*reset)(struct axon_engine *eng, struct axon_job *hung);
	int (*power)(struct axon_device *adev, bool on);
	u64 (*query)(struct axon_engine *eng, enum axon_hw_query what);
};

extern const struct axon_hw_ops axon_emu_hw_ops;

#endif /* __AXON_HW_H__ */
