/* cgroup v2: linux.resources -> the leaf's controller files; and what v2 refuses, before anything is
 * made. Errors name the spec field and the file. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/convert.h"
#include "cgroup/devices_bpf.h"
#include "cgroup/v2_internal.h"
#include "runtime/log.h"
#include "runtime/spec.h"
#include "runtime/util.h"

#define F "linux.resources."

static const char *const throttle_field[SPEC_THROTTLE_COUNT] = {
	[SPEC_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
	[SPEC_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
	[SPEC_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
	[SPEC_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static const char *const throttle_key[SPEC_THROTTLE_COUNT] = {
	[SPEC_THROTTLE_READ_BPS] = "rbps",
	[SPEC_THROTTLE_WRITE_BPS] = "wbps",
	[SPEC_THROTTLE_READ_IOPS] = "riops",
	[SPEC_THROTTLE_WRITE_IOPS] = "wiops",
};

/* Write a formatted value to a leaf file; the error names the field and the file. */
static int __attribute__((format(printf, 5, 6)))
wr(struct cgroup *cg, const char *field, const char *file, struct error *err, const char *fmt, ...)
{
	cleanup_free char *buf = NULL;
	va_list ap;
	int n, ret;

	va_start(ap, fmt);
	n = vasprintf(&buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	ret = write_file_at(cg->leaf_fd, file, buf, (size_t)n);
	if (ret < 0)
		return error_set(err, -ret, "%s: write %s", field, file);
	return 0;
}

static int wr_i64_max(struct cgroup *cg, const char *field, const char *file, int64_t v, struct error *err)
{
	if (v < 0)
		return wr(cg, field, file, err, "max");
	return wr(cg, field, file, err, "%" PRId64, v);
}

static bool key_ok(const char *k)
{
	const char *dot = strchr(k, '.');

	/* "<controller>.<file>": one name in the leaf, nothing that walks elsewhere. */
	return dot && dot != k && dot[1] && !strchr(k, '/') && strcmp(k, "..") != 0;
}

int v2_check(const struct spec_resources *r, struct error *err)
{
	if (!r)
		return 0;
	if (r->has_memory && r->memory.swappiness.set)
		return error_set(err, 0, F "memory.swappiness: not supported on cgroup v2 (no such knob)");
	if (r->has_memory && r->memory.swap.set && r->memory.swap.v >= 0 && r->memory.limit.set) {
		int64_t out;

		if (convert_swap_v2(r->memory.swap.v, r->memory.limit.v, &out) < 0)
			return error_set(err, 0, F "memory.swap: %" PRId64 " must be -1 or at least "
					 "memory.limit (%" PRId64 ")", r->memory.swap.v, r->memory.limit.v);
	}
	if (r->has_cpu && r->cpu.realtime_runtime.set && r->cpu.realtime_runtime.v != 0)
		return error_set(err, 0, F "cpu.realtimeRuntime: no real-time groups on cgroup v2");
	if (r->has_cpu && r->cpu.realtime_period.set && r->cpu.realtime_period.v != 0)
		return error_set(err, 0, F "cpu.realtimePeriod: no real-time groups on cgroup v2");
	if (r->has_network && (r->network.has_class_id || r->network.n_priorities))
		return error_set(err, 0, F "network: net_cls and net_prio exist only on cgroup v1");
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct spec_device_rule *d = &r->devices[i];

		if (d->major < -1 || d->major > INT32_MAX || d->minor < -1 || d->minor > INT32_MAX)
			return error_set(err, 0, F "devices[%zu]: major/minor out of range", i);
		if (d->type != 'a' && d->type != 'b' && d->type != 'c')
			return error_set(err, 0, F "devices[%zu].type: \"%c\" is not a, b or c", i, d->type);
		if (d->access[0] && devices_bpf_access_mask(d->access) == 0)
			return error_set(err, 0, F "devices[%zu].access: \"%s\" is not a subset of rwm", i,
					 d->access);
	}
	for (size_t i = 0; i < r->n_hugepages; i++) {
		uint64_t sz;

		if (convert_parse_page_size(r->hugepages[i].page_size, &sz) < 0)
			return error_set(err, 0, F "hugepageLimits[%zu].pageSize: \"%s\" is not like 2MB",
					 i, r->hugepages[i].page_size);
	}
	for (size_t i = 0; i < r->n_unified; i++)
		if (!key_ok(r->unified[i].key))
			return error_set(err, 0, F "unified: key \"%s\" is not <controller>.<file>",
					 r->unified[i].key);
	return 0;
}

/* The limit the swap is computed against: r's, else the live memory.max. */
static int current_limit(struct cgroup *cg, const struct spec_memory *m, int64_t *limit)
{
	cleanup_free char *buf = NULL;
	uint64_t v;

	if (m->limit.set) {
		*limit = m->limit.v;
		return 0;
	}
	if (v2_read(cg, "memory.max", &buf) < 0 || convert_parse_max(buf, &v) < 0 || v > INT64_MAX)
		*limit = -1;
	else
		*limit = (int64_t)v;
	return 0;
}

static int set_memory(struct cgroup *cg, const struct spec_memory *m, bool update, struct error *err)
{
	int ret;

	if (m->kernel.set)
		log_warn(F "memory.kernel: ignored (deprecated, no kernel memory limit on cgroup v2)");
	if (m->kernel_tcp.set)
		log_warn(F "memory.kernelTCP: ignored (no kernel TCP memory limit on cgroup v2)");
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		log_warn(F "memory.disableOOMKiller: ignored (cgroup v2 cannot disable the OOM killer)");
	if (m->limit.set && update && m->check_before_update && m->limit.v >= 0) {
		cleanup_free char *buf = NULL;
		uint64_t cur;

		ret = v2_read(cg, "memory.current", &buf);
		if (ret < 0)
			return error_set(err, -ret, F "memory.checkBeforeUpdate: read memory.current");
		if (convert_parse_max(buf, &cur) == 0 && (uint64_t)m->limit.v < cur)
			return error_set(err, EBUSY,
					 F "memory.limit: %" PRId64 " is below the current usage %" PRIu64
					   " (checkBeforeUpdate)", m->limit.v, cur);
	}
	if (m->reservation.set) {
		ret = wr_i64_max(cg, F "memory.reservation", "memory.low", m->reservation.v, err);
		if (ret < 0)
			return ret;
	}
	if (m->limit.set) {
		ret = wr_i64_max(cg, F "memory.limit", "memory.max", m->limit.v, err);
		if (ret < 0)
			return ret;
	}
	if (m->swap.set) {
		int64_t limit, swap;

		current_limit(cg, m, &limit);
		if (m->swap.v >= 0 && limit < 0)
			return error_set(err, 0,
					 F "memory.swap: %" PRId64 " needs a memory limit (memory.swap.max "
					   "is the swap beyond memory.limit on cgroup v2)", m->swap.v);
		if (convert_swap_v2(m->swap.v, limit, &swap) < 0)
			return error_set(err, 0,
					 F "memory.swap: %" PRId64 " must be -1 or at least the memory "
					   "limit (%" PRId64 ")", m->swap.v, limit);
		if (!v2_has_file(cg, "memory.swap.max")) {
			if (swap < 0)
				return 0; /* unlimited is what there is without swap accounting */
			return error_set(err, ENOENT, F "memory.swap: memory.swap.max (no swap accounting?)");
		}
		ret = wr_i64_max(cg, F "memory.swap", "memory.swap.max", swap, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int set_cpu(struct cgroup *cg, const struct spec_cpu *c, struct error *err)
{
	int ret;

	if (c->shares.set && c->shares.v != 0) {
		ret = wr(cg, F "cpu.shares", "cpu.weight", err, "%" PRIu64,
			 convert_shares_to_weight(c->shares.v));
		if (ret < 0)
			return ret;
	}
	if (c->quota.set || c->period.set) {
		cleanup_free char *cur = NULL;
		char buf[64];

		if (!c->quota.set)
			v2_read(cg, "cpu.max", &cur); /* keep the live quota; "max" if unreadable */
		convert_cpu_max(c->quota.set, c->quota.v, c->period.set, c->period.v, cur, buf, sizeof(buf));
		ret = wr(cg, c->quota.set ? F "cpu.quota" : F "cpu.period", "cpu.max", err, "%s", buf);
		if (ret < 0)
			return ret;
	}
	if (c->burst.set) {
		ret = wr(cg, F "cpu.burst", "cpu.max.burst", err, "%" PRIu64, c->burst.v);
		if (ret < 0)
			return ret;
	}
	if (c->idle.set) {
		ret = wr(cg, F "cpu.idle", "cpu.idle", err, "%" PRId64, c->idle.v);
		if (ret < 0)
			return ret;
	}
	if (c->cpus && *c->cpus) {
		ret = wr(cg, F "cpu.cpus", "cpuset.cpus", err, "%s", c->cpus);
		if (ret < 0)
			return ret;
	}
	if (c->mems && *c->mems) {
		ret = wr(cg, F "cpu.mems", "cpuset.mems", err, "%s", c->mems);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int set_blkio(struct cgroup *cg, const struct spec_blkio *b, struct error *err)
{
	/* BFQ takes the v1 scale as is; without it io.weight wants the v2 scale. */
	bool bfq = v2_has_file(cg, "io.bfq.weight");
	const char *wfile = bfq ? "io.bfq.weight" : "io.weight";
	int ret;

	if (b->leaf_weight.set)
		log_warn(F "blockIO.leafWeight: ignored (no leaf weight on cgroup v2)");
	if (b->weight.set && b->weight.v != 0) {
		ret = wr(cg, F "blockIO.weight", wfile, err, "%" PRIu64,
			 bfq ? b->weight.v : convert_blkio_weight_to_io_weight(b->weight.v));
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct spec_weight_device *d = &b->weight_devices[i];
		char field[96];

		snprintf(field, sizeof(field), F "blockIO.weightDevice[%zu]", i);
		if (d->leaf_weight.set)
			log_warn("%s.leafWeight: ignored (no leaf weight on cgroup v2)", field);
		if (!d->weight.set)
			continue;
		ret = wr(cg, field, wfile, err, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
			 bfq ? d->weight.v : convert_blkio_weight_to_io_weight(d->weight.v));
		if (ret < 0)
			return ret;
	}
	for (int k = 0; k < SPEC_THROTTLE_COUNT; k++) {
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct spec_throttle_device *d = &b->throttle[k][i];
			char field[96], rate[32];

			snprintf(field, sizeof(field), F "blockIO.%s[%zu]", throttle_field[k], i);
			/* 0 lifts the limit, as writing 0 to blkio.throttle.* does on v1. */
			if (d->rate == 0)
				snprintf(rate, sizeof(rate), "max");
			else
				snprintf(rate, sizeof(rate), "%" PRIu64, d->rate);
			ret = wr(cg, field, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%s", d->major,
				 d->minor, throttle_key[k], rate);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static int set_hugepages(struct cgroup *cg, const struct spec_resources *r, struct error *err)
{
	for (size_t i = 0; i < r->n_hugepages; i++) {
		char field[64], size[16], file[48];
		uint64_t bytes;
		int ret;

		snprintf(field, sizeof(field), F "hugepageLimits[%zu]", i);
		if (convert_parse_page_size(r->hugepages[i].page_size, &bytes) < 0 ||
		    convert_format_page_size(bytes, size, sizeof(size)) < 0)
			return error_set(err, 0, "%s.pageSize: \"%s\" is not a page size", field,
					 r->hugepages[i].page_size);
		snprintf(file, sizeof(file), "hugetlb.%s.max", size);
		if (!v2_has_file(cg, file))
			return error_set(err, ENOENT, "%s: %s (page size %s unsupported or hugetlb off)",
					 field, file, r->hugepages[i].page_size);
		ret = wr(cg, field, file, err, "%" PRIu64, r->hugepages[i].limit);
		if (ret < 0)
			return ret;
		/* Reservations (5.7+) are charged apart: limit them alike, or mmap can reserve past max. */
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", size);
		if (v2_has_file(cg, file) &&
		    (ret = wr(cg, field, file, err, "%" PRIu64, r->hugepages[i].limit)) < 0)
			return ret;
	}
	return 0;
}

static int set_rdma(struct cgroup *cg, const struct spec_resources *r, struct error *err)
{
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct spec_rdma_limit *l = &r->rdma[i];
		char field[64], h[40] = "", o[40] = "";
		int ret;

		if (!l->has_hca_handles && !l->has_hca_objects)
			continue;
		snprintf(field, sizeof(field), F "rdma[\"%s\"]", l->device);
		if (l->has_hca_handles)
			snprintf(h, sizeof(h), " hca_handle=%" PRIu32, l->hca_handles);
		if (l->has_hca_objects)
			snprintf(o, sizeof(o), " hca_object=%" PRIu32, l->hca_objects);
		ret = wr(cg, field, "rdma.max", err, "%s%s%s", l->device, h, o);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int set_unified(struct cgroup *cg, const struct spec_resources *r, struct error *err)
{
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified[i].key, *v = r->unified[i].value;
		int ret;

		if (!key_ok(k))
			return error_set(err, 0, F "unified: key \"%s\" is not <controller>.<file>", k);
		ret = write_file_at(cg->leaf_fd, k, v, strlen(v));
		if (ret == -ENOENT)
			return error_set(err, ENOENT, F "unified.%s: controller \"%.*s\" not enabled in %s?",
					 k, (int)strcspn(k, "."), k, v2_dir(cg));
		if (ret < 0)
			return error_set(err, -ret, F "unified.%s: write %s \"%s\"", k, k, v);
	}
	return 0;
}

int v2_set(struct cgroup *cg, const struct spec_resources *r, bool update, struct error *err)
{
	int ret;

	if (!r)
		return 0;
	ret = v2_check(r, err);
	if (ret < 0)
		return ret;
	if (r->has_memory && (ret = set_memory(cg, &r->memory, update, err)) < 0)
		return ret;
	if (r->has_cpu && (ret = set_cpu(cg, &r->cpu, err)) < 0)
		return ret;
	if (r->has_pids && r->pids_limit.set &&
	    (ret = wr_i64_max(cg, F "pids.limit", "pids.max", r->pids_limit.v <= 0 ? -1 : r->pids_limit.v,
			      err)) < 0)
		return ret;
	if (r->has_blkio && (ret = set_blkio(cg, &r->blkio, err)) < 0)
		return ret;
	if ((ret = set_hugepages(cg, r, err)) < 0 || (ret = set_rdma(cg, r, err)) < 0)
		return ret;
	/* Unified last: its raw values are meant to override the typed fields. */
	if ((ret = set_unified(cg, r, err)) < 0)
		return ret;
	if (r->has_devices) {
		/* Default allow, as a fresh v1 cgroup inherits: a list starting with "deny all" closes it. */
		ret = devices_bpf_apply(cg->leaf_fd, r->devices, r->n_devices, true, err);
		if (ret < 0)
			return error_prefix(err, F "devices");
	}
	return 0;
}
