// SPDX-License-Identifier: MIT
/* Models: load, place segments on devices, validate streams, describe I/O. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "axon_fw.h"
#include "cpu_kernels.h"

void model_get(axon_model *m)
{
	atomic_fetch_add(&m->refs, 1);
}

static void free_segs(axon_model *m)
{
	for (uint32_t s = 0; m->segs && s < m->nseg; s++) {
		struct seg_rt *sr = &m->segs[s];

		for (uint32_t k = 0; sr->wbo && k < sr->segcopy.slot_count; k++)
			buffer_put(sr->wbo[k]);
		free(sr->wbo);
	}
	free(m->segs);
}

void model_put(axon_model *m)
{
	if (!m || atomic_fetch_sub(&m->refs, 1) != 1)
		return;
	free_segs(m);
	for (uint32_t i = 0; i < m->nextra; i++)
		device_put(m->extra[i]);
	free(m->io);
	cpuk_cache_free(m->cpuk);
	pkg_close(&m->pkg);
	device_put(m->dev);
	free(m);
}

const struct axb_tensor *model_tensor(const axon_model *m, uint32_t t)
{
	return PKG_ENTRY(&m->pkg, tensors, t);
}

const struct axb_io *model_io(const axon_model *m, int dir, int index, int *gidx)
{
	int g;

	if (dir == AXON_INPUT && index >= 0 && (uint32_t)index < m->nin)
		g = index;
	else if (dir == AXON_OUTPUT && index >= 0 && (uint32_t)index < m->nout)
		g = (int)m->nin + index;
	else
		return NULL;
	if (gidx)
		*gidx = g;
	return PKG_ENTRY(&m->pkg, ios, g);
}

/* Device for a segment compiled for @type; may open another device. */
static int pick_device(axon_model *m, uint32_t type, unsigned int flags,
		       axon_device **out)
{
	static const char *const names[] = { "", "npu", "dsp", "dpu", "cpu" };
	axon_device *d;
	int rc;

	if (m->dev->kind == DEV_CPU) {
		*out = m->dev;
		return 0;
	}
	if (type == m->dev->info.type) {
		*out = m->dev;
		return 0;
	}
	for (uint32_t i = 0; i < m->nextra; i++) {
		if (m->extra[i]->info.type == type) {
			*out = m->extra[i];
			return 0;
		}
	}
	if (type != AXB_DEV_CPU && flags & AXON_MODEL_STRICT)
		return axon_err(AXON_E_UNSUPPORTED,
				"model has a %s segment and the device is a %s (AXON_MODEL_STRICT)",
				names[type], axon_device_type_name(m->dev->info.type));
	if (m->nextra == sizeof(m->extra) / sizeof(m->extra[0]))
		return axon_err(AXON_E_UNSUPPORTED, "too many devices for one model");
	rc = type == AXB_DEV_CPU ? AXON_E_NODEV : axon_device_open(names[type], &d);
	if (rc) {
		for (uint32_t i = 0; i < m->nextra; i++) {
			if (m->extra[i]->kind == DEV_CPU) {
				*out = m->extra[i];
				axon_clear_error();
				return 0;
			}
		}
		rc = axon_device_open("cpu", &d);
		if (rc)
			return rc;
		axon_clear_error();
	}
	m->extra[m->nextra++] = d;
	*out = d;
	return 0;
}

static void fill_map(const struct pkg *p, const struct axb_segment *sg,
		     struct axon_fw_region *map)
{
	for (uint32_t k = 0; k < sg->slot_count; k++) {
		const struct axb_slot *sl = PKG_ENTRY(p, slots, sg->slot_first + k);

		map[k].va = sl->va;
		map[k].size = sl->size;
		map[k].flags = sl->access;
		map[k].pad = 0;
	}
}

static int prepare_segments(axon_model *m, unsigned int flags)
{
	const struct pkg *p = &m->pkg;
	struct axon_fw_region map[AXB_MAX_SLOTS];

	m->nseg = p->n_segments;
	m->segs = calloc(m->nseg, sizeof(*m->segs));
	if (!m->segs)
		return axon_err(AXON_E_NOMEM, "out of memory");
	for (uint32_t s = 0; s < m->nseg; s++) {
		struct seg_rt *sr = &m->segs[s];
		const struct axb_section *sec;
		struct axon_fw_limits lim;
		struct axon_fw_result res;
		int rc;

		memcpy(&sr->segcopy, PKG_ENTRY(p, segments, s), sizeof(sr->segcopy));
		sr->seg = &sr->segcopy;
		sec = pkg_section(p, sr->seg->stream_section);
		sr->stream = p->base + sec->offset;
		sr->stream_size = sec->size;
		rc = pick_device(m, sr->seg->device, flags, &sr->dev);
		if (rc)
			return rc;
		if (sr->dev->kind == DEV_ACCEL &&
		    sr->seg->sram_size > sr->dev->info.sram_size)
			return axon_err(AXON_E_UNSUPPORTED,
					"segment %u needs %llu bytes of SRAM, %s has %llu",
					s, (unsigned long long)sr->seg->sram_size,
					sr->dev->info.name,
					(unsigned long long)sr->dev->info.sram_size);
		if (sr->seg->slot_count > m->max_slots)
			m->max_slots = sr->seg->slot_count;
		if (sr->seg->sram_size > m->max_sram)
			m->max_sram = sr->seg->sram_size;
		if (sr->seg->flags & AXB_SEGMENT_F_HOST) {
			if (sr->dev->kind != DEV_CPU)	/* host ops run in this process */
				return axon_err(AXON_E_UNSUPPORTED,
						"segment %u holds host operations and needs the cpu backend",
						s);
			continue;	/* its table was verified by the loader */
		}
		fill_map(p, sr->seg, map);
		memset(&lim, 0, sizeof(lim));
		lim.sram_size = sr->seg->sram_size;
		lim.op_mask = ~0ull;
		/* npu and dpu compute out of their SRAM (compiler profiles) */
		if (sr->seg->device == AXB_DEV_NPU || sr->seg->device == AXB_DEV_DPU)
			lim.flags = AXON_FW_L_COMPUTE_IN_SRAM;
		if (axon_fw_validate(sr->stream, sr->stream_size, map,
				     sr->seg->slot_count, &lim, &res)) {
			const char *nodes = axon_model_packet_nodes(m, (int)s, res.packet);

			return axon_err(AXON_E_FORMAT,
					"invalid package: segment %u stream rejected at packet %d%s%s%s: %s (%s)",
					s, res.packet == AXON_FW_PACKET_NONE ? -1 : (int)res.packet,
					nodes ? " (" : "", nodes ? nodes : "", nodes ? ")" : "",
					res.reason, isa_status_name(res.status));
		}
		sr->packets = res.packet;	/* index of END = packet count */
		if (sr->dev->kind == DEV_ACCEL) {
			rc = accel_upload_weights(m, s);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int fill_io(axon_model *m)
{
	const struct pkg *p = &m->pkg;
	uint32_t n = p->n_ios;

	m->nin = p->model.input_count;
	m->nout = p->model.output_count;
	m->io = calloc(n ? n : 1, sizeof(*m->io));
	if (!m->io)
		return axon_err(AXON_E_NOMEM, "out of memory");
	for (uint32_t i = 0; i < n; i++) {
		const struct axb_io *io = PKG_ENTRY(p, ios, i);
		const struct axb_tensor *t = model_tensor(m, io->tensor);
		struct axon_tensor_info *ti = &m->io[i];
		uint64_t elems = t->size / axb_dtype_size(t->dtype);

		ti->name = pkg_str(p, io->name);
		if (!*ti->name)
			ti->name = pkg_str(p, t->name);
		ti->dtype = io->ext_dtype;
		ti->device_dtype = t->dtype;
		ti->rank = t->rank;
		memcpy(ti->dims, t->dims, sizeof(ti->dims));
		ti->size = (size_t)(elems * axb_dtype_size(io->ext_dtype));
		memcpy(&ti->scale, &t->scale, sizeof(float));
		ti->zero_point = t->zero_point;
	}
	return 0;
}

static int load(axon_device *dev, unsigned int flags, axon_model **out,
		const char *path, const void *data, size_t size)
{
	axon_model *m;
	int rc;

	if (!dev || !out || flags & ~AXON_MODEL_STRICT)
		return axon_err(AXON_E_INVALID, "axon_model_load: bad arguments");
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return axon_err(AXON_E_NOMEM, "out of memory");
	atomic_init(&m->refs, 1);
	m->dev = dev;
	device_get(dev);
	rc = path ? pkg_open_file(&m->pkg, path) : pkg_open_memory(&m->pkg, data, size);
	if (!rc)
		rc = fill_io(m);
	if (!rc)
		rc = prepare_segments(m, flags);
	if (rc) {
		model_put(m);
		return rc;
	}
	*out = m;
	return 0;
}

AXON_EXPORT int axon_model_load(axon_device *dev, const char *path,
				unsigned int flags, axon_model **out)
{
	if (!path)
		return axon_err(AXON_E_INVALID, "axon_model_load: NULL path");
	return load(dev, flags, out, path, NULL, 0);
}

AXON_EXPORT int axon_model_load_memory(axon_device *dev, const void *data,
				       size_t size, unsigned int flags,
				       axon_model **out)
{
	return load(dev, flags, out, NULL, data, size);
}

AXON_EXPORT void axon_model_free(axon_model *m)
{
	model_put(m);
}

AXON_EXPORT int axon_model_io_count(const axon_model *m, int dir)
{
	if (!m || (dir != AXON_INPUT && dir != AXON_OUTPUT))
		return axon_err(AXON_E_INVALID, "axon_model_io_count: bad arguments");
	return (int)(dir == AXON_INPUT ? m->nin : m->nout);
}

AXON_EXPORT int axon_model_io_info(const axon_model *m, int dir, int index,
				   struct axon_tensor_info *info)
{
	int g;

	if (!m || !info || !model_io(m, dir, index, &g))
		return axon_err(AXON_E_INVALID, "axon_model_io_info: bad %s index %d",
				dir == AXON_INPUT ? "input" : "output", index);
	*info = m->io[g];
	return 0;
}

AXON_EXPORT int axon_model_io_find(const axon_model *m, int dir, const char *name)
{
	int n = axon_model_io_count(m, dir);

	if (n < 0 || !name)
		return AXON_E_INVALID;
	for (int i = 0; i < n; i++)
		if (!strcmp(m->io[(dir == AXON_INPUT ? 0 : m->nin) + i].name, name))
			return i;
	return axon_err(AXON_E_NOTFOUND, "no %s named '%s'",
			dir == AXON_INPUT ? "input" : "output", name);
}

AXON_EXPORT int axon_model_segment_count(const axon_model *m)
{
	return m ? (int)m->nseg : axon_err(AXON_E_INVALID, "NULL model");
}

AXON_EXPORT int axon_model_segment_info(const axon_model *m, int index,
					struct axon_segment_info *info)
{
	const struct seg_rt *sr;

	if (!m || !info || index < 0 || (uint32_t)index >= m->nseg)
		return axon_err(AXON_E_INVALID, "bad segment index %d", index);
	sr = &m->segs[index];
	info->name = pkg_str(&m->pkg, sr->seg->name);
	info->compiled_for = sr->seg->device;
	info->runs_on = sr->dev->info.type;
	info->device = sr->dev->info.name;
	info->packets = sr->packets;
	info->stream_size = sr->stream_size;
	info->macs = sr->seg->macs;
	return 0;
}

AXON_EXPORT int axon_model_placement_count(const axon_model *m)
{
	return m ? (int)m->pkg.n_placements : axon_err(AXON_E_INVALID, "NULL model");
}

static const char *reason_name(uint32_t r)
{
	static const char *const n[] = {
		"", "unsupported-op", "dtype", "shape", "sram", "boundary",
		"forced", "target", "other", "host",
	};

	return r < sizeof(n) / sizeof(n[0]) ? n[r] : "?";
}

AXON_EXPORT int axon_model_placement(const axon_model *m, int index,
				     struct axon_placement_info *info)
{
	const struct axb_placement *pl;

	if (!m || !info || index < 0 || (uint32_t)index >= m->pkg.n_placements)
		return axon_err(AXON_E_INVALID, "bad placement index %d", index);
	pl = PKG_ENTRY(&m->pkg, placements, index);
	info->node = pkg_str(&m->pkg, pl->node);
	info->op_type = pkg_str(&m->pkg, pl->op_type);
	info->device = pl->device;
	info->segment = pl->segment;
	info->reason = pl->reason;
	info->reason_name = reason_name(pl->reason);
	info->detail = pkg_str(&m->pkg, pl->detail);
	info->macs = pl->macs;
	return 0;
}

AXON_EXPORT const char *axon_model_packet_nodes(const axon_model *m, int segment,
						uint32_t packet)
{
	const struct axb_segment *sg;
	uint32_t lo, hi;

	if (!m || segment < 0 || (uint32_t)segment >= m->pkg.n_segments)
		return NULL;
	sg = PKG_ENTRY(&m->pkg, segments, segment);
	lo = sg->debug_first;
	hi = sg->debug_first + sg->debug_count;
	while (lo < hi) {	/* sorted by (segment, packet): verified */
		uint32_t mid = lo + (hi - lo) / 2;
		const struct axb_debug *d = PKG_ENTRY(&m->pkg, debugs, mid);

		if (d->segment == (uint32_t)segment && d->packet == packet)
			return pkg_str(&m->pkg, d->nodes);
		if (d->segment < (uint32_t)segment ||
		    (d->segment == (uint32_t)segment && d->packet < packet))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
