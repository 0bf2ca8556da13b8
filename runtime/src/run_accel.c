// SPDX-License-Identifier: MIT
/*
 * accel backend execution: weights BOs, patched command-stream BOs,
 * SUBMIT with syncobjs (chained across devices through sync_files),
 * completion and fault reporting.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/sync_file.h>
#include <xf86drm.h>

#include "internal.h"
#include "drm/axon_accel.h"

int accel_upload_weights(axon_model *m, uint32_t s)
{
	struct seg_rt *sr = &m->segs[s];
	const struct pkg *p = &m->pkg;

	sr->wbo = calloc(sr->seg->slot_count, sizeof(*sr->wbo));
	if (!sr->wbo)
		return axon_err(AXON_E_NOMEM, "out of memory");
	for (uint32_t k = 0; k < sr->seg->slot_count; k++) {
		const struct axb_slot *sl = PKG_ENTRY(p, slots, sr->seg->slot_first + k);
		void *dst;
		int rc;

		if (sl->kind != AXB_SLOT_WEIGHTS)
			continue;
		rc = axon_buffer_alloc(sr->dev, sl->size, &sr->wbo[k]);
		if (rc)
			return rc;
		dst = axon_buffer_map(sr->wbo[k]);
		if (!dst)
			return AXON_E_IO;
		memcpy(dst, p->base + pkg_section(p, sl->ref)->offset + sl->offset,
		       sl->size);
	}
	return 0;
}

void accel_release_segment(axon_run *r, uint32_t s)
{
	struct seg_exec *e = &r->ex[s];
	axon_device *dev = r->model->segs[s].dev;

	for (uint32_t k = 0; e->slotbuf && k < r->model->segs[s].seg->slot_count; k++)
		buffer_put(e->slotbuf[k]);
	free(e->slotbuf);
	free(e->slotva);
	buffer_put(e->cmd);
	if (e->syncobj)
		drmSyncobjDestroy(dev->fd, e->syncobj);
	e->slotbuf = NULL;
	e->slotva = NULL;
	e->cmd = NULL;
	e->syncobj = 0;
}

int accel_prepare_segment(axon_run *r, uint32_t s)
{
	const struct seg_rt *sr = &r->model->segs[s];
	const struct axb_segment *sg = sr->seg;
	const struct pkg *p = &r->model->pkg;
	struct seg_exec *e = &r->ex[s];
	uint8_t *cmd;
	int rc;

	if (!(sr->dev->info.caps & DRM_AXON_CAP_SUBMIT))
		return axon_err(AXON_E_UNSUPPORTED,
				"%s does not execute jobs yet (no DRM_AXON_CAP_SUBMIT)",
				sr->dev->info.name);
	e->slotbuf = calloc(sg->slot_count, sizeof(*e->slotbuf));
	e->slotva = calloc(sg->slot_count, sizeof(*e->slotva));
	if (!e->slotbuf || !e->slotva)
		return axon_err(AXON_E_NOMEM, "out of memory");
	for (uint32_t k = 0; k < sg->slot_count; k++) {
		uint64_t off = 0;
		axon_buffer *b = run_slot_buffer(r, s, k, &off);

		if (!b) {
			buffer_get(sr->wbo[k]);
			e->slotbuf[k] = sr->wbo[k];
			e->slotva[k] = sr->wbo[k]->va;
			continue;
		}
		rc = buffer_on_device(b, sr->dev, &e->slotbuf[k]);
		if (rc)
			return rc;
		e->slotva[k] = e->slotbuf[k]->va + off;
	}
	rc = axon_buffer_alloc(sr->dev, sr->stream_size, &e->cmd);
	if (rc)
		return rc;
	cmd = axon_buffer_map(e->cmd);
	if (!cmd)
		return AXON_E_IO;
	memcpy(cmd, sr->stream, sr->stream_size);
	for (uint32_t i = 0; i < sg->reloc_count; i++) {
		const struct axb_reloc *rl = PKG_ENTRY(p, relocs, sg->reloc_first + i);
		const struct axb_slot *sl = PKG_ENTRY(p, slots, sg->slot_first + rl->slot);
		uint64_t v;

		memcpy(&v, cmd + rl->offset, 8);
		v = v - sl->va + e->slotva[rl->slot];
		memcpy(cmd + rl->offset, &v, 8);
	}
	if (drmSyncobjCreate(sr->dev->fd, 0, &e->syncobj))
		return axon_err_errno(AXON_E_IO, errno, "syncobj creation");
	return 0;
}

static int import_prev(axon_run *r, uint32_t s, axon_device *dev, uint32_t *tmp)
{
	axon_device *pd = r->model->segs[s - 1].dev;
	int sf, rc = 0;

	*tmp = 0;
	if (drmSyncobjExportSyncFile(pd->fd, r->ex[s - 1].syncobj, &sf))
		return axon_err_errno(AXON_E_IO, errno, "sync_file export");
	if (drmSyncobjCreate(dev->fd, 0, tmp) ||
	    drmSyncobjImportSyncFile(dev->fd, *tmp, sf))
		rc = axon_err_errno(AXON_E_IO, errno, "sync_file import on %s",
				    dev->info.name);
	close(sf);
	return rc;
}

/* The run's context slot for @dev (created by run_ctx_get). */
static struct run_ctx *run_ctx_slot(axon_run *r, axon_device *dev)
{
	for (uint32_t i = 0; i < r->nctx; i++)
		if (r->ctx[i].dev == dev)
			return &r->ctx[i];
	if (r->nctx == RUN_MAX_CTX)
		return NULL;
	r->ctx[r->nctx].dev = dev;
	return &r->ctx[r->nctx++];
}

/*
 * The context the run submits to on @dev: its own, created at its first
 * submit there (one CTX_CREATE per run and device, none per execution);
 * the device's shared one when the file has no context left (ENOSPC).
 */
static int run_ctx_get(axon_run *r, axon_device *dev, struct run_ctx **out)
{
	struct run_ctx *c = run_ctx_slot(r, dev);
	int rc;

	if (!c)
		return axon_err(AXON_E_INVALID, "run uses more than %d devices", RUN_MAX_CTX);
	*out = c;
	if (c->id)
		return 0;
	rc = accel_ctx_create(dev, &c->id);
	if (rc == AXON_E_NOMEM || (rc && errno == ENOSPC)) {
		c->shared = 1;
		return accel_shared_ctx(dev, 0, &c->id);
	}
	return rc;
}

/* After SUBMIT failed with ECANCELED: the context is banned, replace it. */
static int run_ctx_replace(axon_run *r, struct run_ctx *c)
{
	uint32_t banned = c->id;

	(void)r;
	if (c->shared)
		return accel_shared_ctx(c->dev, banned, &c->id);
	/* Keep the banned one until the next ban or the run's end: its fault
	 * details stay readable. */
	accel_ctx_destroy(c->dev, c->retired);
	c->retired = banned;
	c->id = 0;
	return accel_ctx_create(c->dev, &c->id);
}

void accel_release_contexts(axon_run *r)
{
	for (uint32_t i = 0; i < r->nctx; i++) {
		struct run_ctx *c = &r->ctx[i];

		accel_ctx_destroy(c->dev, c->retired);
		if (!c->shared)
			accel_ctx_destroy(c->dev, c->id);
		memset(c, 0, sizeof(*c));
	}
	r->nctx = 0;
}

int accel_submit_segment(axon_run *r, uint32_t s, int chain, uint32_t unused,
			 axon_device *prev)
{
	const struct seg_rt *sr = &r->model->segs[s];
	axon_device *dev = sr->dev;
	struct seg_exec *e = &r->ex[s];
	struct drm_axon_job_bo bos[AXB_MAX_SLOTS];
	struct drm_axon_sync in = { 0 }, out = { 0 };
	struct drm_axon_submit sub;
	struct drm_axon_job job;
	struct run_ctx *ctx = NULL;
	uint32_t nbo = 0, tmp = 0;
	int rc = 0, tries = 0;

	(void)unused;
	for (uint32_t k = 0; k < sr->seg->slot_count; k++) {
		const struct axb_slot *sl =
			PKG_ENTRY(&r->model->pkg, slots, sr->seg->slot_first + k);
		uint32_t fl = (sl->access & AXB_ACCESS_READ ? DRM_AXON_JOB_BO_READ : 0) |
			      (sl->access & AXB_ACCESS_WRITE ? DRM_AXON_JOB_BO_WRITE : 0);
		uint32_t j;

		for (j = 0; j < nbo; j++)
			if (bos[j].handle == e->slotbuf[k]->handle)
				break;
		if (j == nbo) {
			bos[nbo].handle = e->slotbuf[k]->handle;
			bos[nbo++].flags = 0;
		}
		bos[j].flags |= fl;
	}
	if (chain && s > 0) {
		if (prev == dev) {
			in.handle = r->ex[s - 1].syncobj;
		} else {
			rc = import_prev(r, s, dev, &tmp);
			if (rc)
				goto out;
			in.handle = tmp;
		}
	}
	out.handle = e->syncobj;
	memset(&job, 0, sizeof(job));
	job.cmd_handle = e->cmd->handle;
	job.cmd_offset = 0;
	job.cmd_size = sr->stream_size;
	job.bo_count = nbo;
	job.bos = (uintptr_t)bos;
	job.in_syncs = (uintptr_t)&in;
	job.in_sync_count = in.handle ? 1 : 0;
	job.out_syncs = (uintptr_t)&out;
	job.out_sync_count = 1;
	rc = run_ctx_get(r, dev, &ctx);
	if (rc)
		goto out;
	job.engine = dev->info.engines ?
		     atomic_fetch_add(&dev->next_engine, 1) % dev->info.engines : 0;
retry:
	memset(&sub, 0, sizeof(sub));
	sub.ctx_id = ctx->id;
	sub.jobs = (uintptr_t)&job;
	sub.job_count = 1;
	sub.job_stride = sizeof(job);
	if (drmIoctl(dev->fd, DRM_IOCTL_AXON_SUBMIT, &sub)) {
		int err = errno;

		/* An earlier execution of this run faulted: a fresh context. */
		if (err == ECANCELED && tries++ == 0 && !run_ctx_replace(r, ctx))
			goto retry;
		if (err == ENODATA)
			rc = axon_err(AXON_E_UNSUPPORTED,
				      "%s (%s) has no configuration loaded: install /lib/firmware/axon/dpu-config.bin and reload axon.ko, or load one with axon-smi config-load / axon_device_load_config() (segment %u)",
				      dev->info.name, axon_device_type_name(dev->info.type), s);
		else if (err == ENODEV)
			rc = axon_err(AXON_E_NODEV, "%s: device removed (segment %u)",
				      dev->info.name, s);
		else
			rc = axon_err_errno(axon_status_from_errno(err), err,
					    "%s: SUBMIT of segment %u", dev->info.name, s);
		goto out;
	}
	e->seqno = sub.seqno;
	e->ctx_id = sub.ctx_id;
	e->chained = in.handle != 0;
out:
	if (tmp)
		drmSyncobjDestroy(dev->fd, tmp);
	return rc;
}

static const char *fault_name(uint32_t f)
{
	switch (f) {
	case DRM_AXON_FAULT_MMU: return "MMU fault: access outside the job's buffers";
	case DRM_AXON_FAULT_TIMEOUT: return "timeout: no progress";
	case DRM_AXON_FAULT_INVALID_STREAM: return "stream rejected by the device";
	case DRM_AXON_FAULT_ENGINE: return "engine error";
	default: return "job failed";
	}
}

/* Reason for a fence error when the context reports no fault of this job. */
static const char *fence_error_name(int err)
{
	switch (err) {
	case EFAULT: return fault_name(DRM_AXON_FAULT_MMU);
	case EINVAL: return fault_name(DRM_AXON_FAULT_INVALID_STREAM);
	case ETIMEDOUT: return fault_name(DRM_AXON_FAULT_TIMEOUT);
	case EIO: return fault_name(DRM_AXON_FAULT_ENGINE);
	case ECANCELED: return "cancelled: an earlier job of the context faulted, or the engine was reset";
	case ESRCH: return "cancelled: the context was destroyed";
	case ENODEV: return "device removed";
	default: return "job failed";
	}
}

int accel_wait_segment(axon_run *r, uint32_t s, int64_t timeout_ns)
{
	axon_device *dev = r->model->segs[s].dev;
	struct seg_exec *e = &r->ex[s];
	struct sync_file_info info;
	int64_t abs = timeout_ns < 0 ? INT64_MAX : (int64_t)now_ns() + timeout_ns;
	int sf;

	if (drmSyncobjWait(dev->fd, &e->syncobj, 1, abs,
			   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL)) {
		int err = errno;

		if (err == ETIME || err == ETIMEDOUT)
			return axon_err(AXON_E_TIMEOUT, "run still in progress");
		run_fault(r, (int)s, -1, 0, 0, err == ENODEV ? "device removed" :
			  "waiting for the job failed");
		r->st.status = err == ENODEV ? AXON_E_NODEV : axon_status_from_errno(err);
		return r->st.status;
	}
	/*
	 * Fast path, one ioctl: every failure of a job without an in-fence
	 * bans its context, so an active context means this job succeeded.
	 * Jobs with an in-fence can fail with its error without a ban: they
	 * take the sync_file path, which reads the fence's own status.
	 */
	if (!e->chained) {
		struct drm_axon_ctx_status cs = { .ctx_id = e->ctx_id };

		if (!drmIoctl(dev->fd, DRM_IOCTL_AXON_CTX_STATUS, &cs) &&
		    cs.state == DRM_AXON_CTX_STATE_ACTIVE)
			return 0;
	}
	if (drmSyncobjExportSyncFile(dev->fd, e->syncobj, &sf)) {
		if (errno != ENODEV)
			return 0;	/* signalled; no way to read its status */
		run_fault(r, (int)s, -1, 0, 0, "device removed");
		r->st.status = AXON_E_NODEV;
		return AXON_E_NODEV;
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(sf, SYNC_IOC_FILE_INFO, &info) == 0 && info.status < 0) {
		struct drm_axon_ctx_status cs;
		const char *why = fence_error_name(-info.status);
		char buf[160];
		int32_t packet = -1;
		uint32_t isa = 0;
		uint64_t va = 0;

		memset(&cs, 0, sizeof(cs));
		cs.ctx_id = e->ctx_id;
		/* The context's first fault is this job's when the seqnos agree. */
		if (!drmIoctl(dev->fd, DRM_IOCTL_AXON_CTX_STATUS, &cs) && cs.fault &&
		    cs.fault_seqno == e->seqno) {
			why = fault_name(cs.fault);
			va = cs.fault_va;
			isa = cs.fault_status;
			if (cs.fault_packet != ~0u)
				packet = (int32_t)cs.fault_packet;
		}
		/*
		 * A banned context is replaced by the next SUBMIT (it fails with
		 * ECANCELED): not here, so that the earlier segments of this run
		 * can still read their fault details.
		 */
		close(sf);
		if (isa) {
			snprintf(buf, sizeof(buf), "%s (%s)", why, isa_status_name(isa));
			why = buf;
		}
		run_fault(r, (int)s, packet, isa, va, why);
		if (info.status == -ENODEV) {
			r->st.status = AXON_E_NODEV;
			return AXON_E_NODEV;
		}
		return AXON_E_FAULT;
	}
	close(sf);
	return 0;
}

int accel_fence_fd(axon_run *r, uint32_t s, int *fd)
{
	axon_device *dev = r->model->segs[s].dev;

	if (drmSyncobjExportSyncFile(dev->fd, r->ex[s].syncobj, fd))
		return axon_err_errno(AXON_E_IO, errno, "sync_file export");
	return 0;
}
