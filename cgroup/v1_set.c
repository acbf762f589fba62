/* linux.resources -> the files of the v1 hierarchies (and of the unified one on a hybrid host).
 * Every error names the spec field and the file. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/convert.h"
#include "cgroup/v1_internal.h"
#include "runtime/log.h"
#include "runtime/spec.h"
#include "runtime/util.h"

#define FIELD "linux.resources."

static const char *const throttle_fields[SPEC_THROTTLE_COUNT] = {
	[SPEC_THROTTLE_READ_BPS] = "blockIO.throttleReadBpsDevice",
	[SPEC_THROTTLE_WRITE_BPS] = "blockIO.throttleWriteBpsDevice",
	[SPEC_THROTTLE_READ_IOPS] = "blockIO.throttleReadIOPSDevice",
	[SPEC_THROTTLE_WRITE_IOPS] = "blockIO.throttleWriteIOPSDevice",
};

static const char *const throttle_files[SPEC_THROTTLE_COUNT] = {
	[SPEC_THROTTLE_READ_BPS] = "blkio.throttle.read_bps_device",
	[SPEC_THROTTLE_WRITE_BPS] = "blkio.throttle.write_bps_device",
	[SPEC_THROTTLE_READ_IOPS] = "blkio.throttle.read_iops_device",
	[SPEC_THROTTLE_WRITE_IOPS] = "blkio.throttle.write_iops_device",
};

/* The page size is one the kernel offers (/sys/kernel/mm/hugepages); name gets the kernel's spelling. */
static int hugepage_check(const char *size, size_t i, char *name, size_t len, struct error *err)
{
	uint64_t bytes;
	char dir[96];

	if (convert_parse_page_size(size ? size : "", &bytes) < 0 ||
	    convert_format_page_size(bytes, name, len) < 0)
		return error_set(err, 0, FIELD "hugepageLimits[%zu].pageSize: \"%s\" is not a size like 2MB",
				 i, size ? size : "");
	snprintf(dir, sizeof(dir), "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB", bytes >> 10);
	if (access(dir, F_OK) < 0)
		return error_set(err, 0, FIELD "hugepageLimits[%zu].pageSize: \"%s\" is not offered by "
				 "this host", i, size);
	return 0;
}

static int no_controller(const char *field, const char *ctrl, struct error *err)
{
	return error_set(err, 0, FIELD "%s: the %s controller is not mounted on this host", field, ctrl);
}

static int unified_key_check(const struct v1_host *host, const char *key, struct error *err)
{
	struct v1_hier *u = v1_find_unified(host);
	cleanup_free char *ctrl = xstrndup(key, strcspn(key, "."));

	if (strchr(key, '/') || !strchr(key, '.') || !u || !v1_hier_has(u, ctrl) ||
	    v1_find_legacy(host, ctrl))
		return error_set(err, 0, FIELD "unified: \"%s\": needs cgroup v2 (this host is v1)", key);
	return 0;
}

static bool has_cpu_fields(const struct spec_cpu *c)
{
	return c->shares.set || c->quota.set || c->period.set || c->burst.set || c->realtime_runtime.set ||
	       c->realtime_period.set || c->idle.set;
}

static int check_host(const struct v1_host *host, const struct spec_resources *r, struct error *err)
{
	struct v1_hier *mem = v1_find_legacy(host, "memory");
	int rc;

	if (r->has_memory) {
		const struct spec_memory *m = &r->memory;

		if ((m->limit.set || m->reservation.set || m->swap.set || m->swappiness.set ||
		     m->has_disable_oom_killer) && !mem)
			return no_controller("memory", "memory", err);
		if (m->swap.set && faccessat(mem->root_fd, "memory.memsw.limit_in_bytes", F_OK, 0) < 0)
			return error_set(err, 0, FIELD "memory.swap: swap accounting is not enabled "
					 "(no memory.memsw.limit_in_bytes; boot with swapaccount=1)");
	}
	if (r->has_cpu && has_cpu_fields(&r->cpu) && !v1_find_legacy(host, "cpu"))
		return no_controller("cpu", "cpu", err);
	if (r->has_cpu && (r->cpu.cpus || r->cpu.mems) && !v1_find_legacy(host, "cpuset"))
		return no_controller(r->cpu.cpus ? "cpu.cpus" : "cpu.mems", "cpuset", err);
	if (r->has_pids && r->pids_limit.set && !v1_find(host, "pids"))
		return no_controller("pids.limit", "pids", err);
	if (r->has_blkio && !v1_find_legacy(host, "blkio"))
		return no_controller("blockIO", "blkio", err);
	if (r->n_devices > 0 && !v1_find_legacy(host, "devices"))
		return no_controller("devices", "devices", err);
	if (r->n_hugepages > 0 && !v1_find(host, "hugetlb"))
		return no_controller("hugepageLimits", "hugetlb", err);
	for (size_t i = 0; i < r->n_hugepages; i++) {
		char name[16];

		rc = hugepage_check(r->hugepages[i].page_size, i, name, sizeof(name), err);
		if (rc < 0)
			return rc;
	}
	if (r->has_network && r->network.has_class_id && !v1_find_legacy(host, "net_cls"))
		return no_controller("network.classID", "net_cls", err);
	if (r->has_network && r->network.n_priorities > 0 && !v1_find_legacy(host, "net_prio"))
		return no_controller("network.priorities", "net_prio", err);
	if (r->n_rdma > 0 && !v1_find(host, "rdma"))
		return no_controller("rdma", "rdma", err);
	for (size_t i = 0; i < r->n_unified; i++) {
		rc = unified_key_check(host, r->unified[i].key, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int v1_check(const struct spec_resources *r, struct error *err)
{
	struct v1_host host;
	int rc;

	if (!r)
		return 0;
	rc = v1_host_probe(&host, err);
	if (rc < 0)
		return rc;
	rc = check_host(&host, r, err);
	v1_host_release(&host);
	return rc;
}

static int put(const struct v1_hier *h, const char *field, const char *file, const char *val,
	       struct error *err)
{
	int rc = write_file_at(h->leaf_fd, file, val, strlen(val));

	if (rc < 0)
		return error_set(err, -rc, FIELD "%s: write %s", field, file);
	return 0;
}

static int put_fmt(const struct v1_hier *h, const char *field, const char *file, struct error *err,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int put_fmt(const struct v1_hier *h, const char *field, const char *file, struct error *err,
		   const char *fmt, ...)
{
	cleanup_free char *val = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&val, fmt, ap) < 0)
		abort();
	va_end(ap);
	return put(h, field, file, val, err);
}

/* Two writes that constrain each other (limit <= memsw, quota vs period): one order, on EINVAL the other. */
static int put_pair(const struct v1_hier *h, const char *f1, const char *file1, int64_t v1, const char *f2,
		    const char *file2, int64_t v2, struct error *err)
{
	int rc = put_fmt(h, f1, file1, err, "%" PRId64, v1);

	if (rc == -EINVAL) {
		rc = put_fmt(h, f2, file2, err, "%" PRId64, v2);
		if (rc < 0)
			return rc;
		return put_fmt(h, f1, file1, err, "%" PRId64, v1);
	}
	if (rc < 0)
		return rc;
	return put_fmt(h, f2, file2, err, "%" PRId64, v2);
}

static int set_memory(const struct v1_host *host, const struct spec_memory *m, bool update, struct error *err)
{
	struct v1_hier *h = v1_find_legacy(host, "memory");
	int rc = 0;

	if (m->kernel.set)
		log_warn(FIELD "memory.kernel is deprecated and ignored");
	if (m->kernel_tcp.set)
		log_warn(FIELD "memory.kernelTCP is deprecated and ignored");
	if (m->has_use_hierarchy)
		log_warn(FIELD "memory.useHierarchy is ignored: the kernel always uses the hierarchy");
	if (!h) {
		if (m->limit.set || m->reservation.set || m->swap.set || m->swappiness.set ||
		    m->has_disable_oom_killer)
			return no_controller("memory", "memory", err);
		return 0;
	}
	if (update && m->check_before_update && m->limit.set && m->limit.v > 0) {
		uint64_t usage;

		rc = v1_read_u64(h, "memory.usage_in_bytes", &usage);
		if (rc < 0)
			return error_set(err, -rc, FIELD "memory.checkBeforeUpdate: read "
					 "memory.usage_in_bytes");
		if ((uint64_t)m->limit.v < usage)
			return error_set(err, 0, FIELD "memory.limit: %" PRId64
					 " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
					 m->limit.v, usage);
	}
	if (m->swap.set && !v1_file_exists(h, "memory.memsw.limit_in_bytes"))
		return error_set(err, 0, FIELD "memory.swap: swap accounting is not enabled");
	if (m->limit.set && m->limit.v == -1 && !m->swap.set &&
	    v1_file_exists(h, "memory.memsw.limit_in_bytes"))
		/* an unlimited memory with a finite memsw would be refused: lift both */
		rc = put_pair(h, "memory.swap", "memory.memsw.limit_in_bytes", -1, "memory.limit",
			      "memory.limit_in_bytes", -1, err);
	else if (m->limit.set && m->swap.set)
		rc = put_pair(h, "memory.limit", "memory.limit_in_bytes", m->limit.v, "memory.swap",
			      "memory.memsw.limit_in_bytes", m->swap.v, err);
	else if (m->limit.set)
		rc = put_fmt(h, "memory.limit", "memory.limit_in_bytes", err, "%" PRId64, m->limit.v);
	else if (m->swap.set)
		rc = put_fmt(h, "memory.swap", "memory.memsw.limit_in_bytes", err, "%" PRId64, m->swap.v);
	if (rc < 0)
		return rc;
	if (m->reservation.set) {
		rc = put_fmt(h, "memory.reservation", "memory.soft_limit_in_bytes", err, "%" PRId64,
			     m->reservation.v);
		if (rc < 0)
			return rc;
	}
	if (m->swappiness.set) {
		rc = put_fmt(h, "memory.swappiness", "memory.swappiness", err, "%" PRIu64, m->swappiness.v);
		if (rc < 0)
			return rc;
	}
	if (m->has_disable_oom_killer)
		return put(h, "memory.disableOOMKiller", "memory.oom_control",
			   m->disable_oom_killer ? "1" : "0", err);
	return 0;
}

static int set_cpu(const struct v1_host *host, const struct spec_cpu *c, struct error *err)
{
	struct v1_hier *h = v1_find_legacy(host, "cpu"), *cs = v1_find_legacy(host, "cpuset");
	int rc = 0;

	if (has_cpu_fields(c) && !h)
		return no_controller("cpu", "cpu", err);
	if ((c->cpus || c->mems) && !cs)
		return no_controller(c->cpus ? "cpu.cpus" : "cpu.mems", "cpuset", err);
	if (c->shares.set && (rc = put_fmt(h, "cpu.shares", "cpu.shares", err, "%" PRIu64, c->shares.v)) < 0)
		return rc;
	if (c->period.set && c->quota.set)
		rc = put_pair(h, "cpu.period", "cpu.cfs_period_us", (int64_t)c->period.v, "cpu.quota",
			      "cpu.cfs_quota_us", c->quota.v, err);
	else if (c->period.set)
		rc = put_fmt(h, "cpu.period", "cpu.cfs_period_us", err, "%" PRIu64, c->period.v);
	else if (c->quota.set)
		rc = put_fmt(h, "cpu.quota", "cpu.cfs_quota_us", err, "%" PRId64, c->quota.v);
	if (rc < 0)
		return rc;
	if (c->burst.set) {
		rc = put_fmt(h, "cpu.burst", "cpu.cfs_burst_us", err, "%" PRIu64, c->burst.v);
		if (rc < 0)
			return rc;
	}
	if (c->realtime_period.set && c->realtime_runtime.set)
		rc = put_pair(h, "cpu.realtimePeriod", "cpu.rt_period_us", (int64_t)c->realtime_period.v,
			      "cpu.realtimeRuntime", "cpu.rt_runtime_us", c->realtime_runtime.v, err);
	else if (c->realtime_period.set)
		rc = put_fmt(h, "cpu.realtimePeriod", "cpu.rt_period_us", err, "%" PRIu64,
			     c->realtime_period.v);
	else if (c->realtime_runtime.set)
		rc = put_fmt(h, "cpu.realtimeRuntime", "cpu.rt_runtime_us", err, "%" PRId64,
			     c->realtime_runtime.v);
	if (rc < 0)
		return rc;
	if (c->idle.set && (rc = put_fmt(h, "cpu.idle", "cpu.idle", err, "%" PRId64, c->idle.v)) < 0)
		return rc;
	if (c->cpus && (rc = put(cs, "cpu.cpus", "cpuset.cpus", c->cpus, err)) < 0)
		return rc;
	if (c->mems && (rc = put(cs, "cpu.mems", "cpuset.mems", c->mems, err)) < 0)
		return rc;
	return 0;
}

/* "MAJ:MIN" with -1 as the wildcard. */
static void devnum(char *buf, size_t len, int64_t major, int64_t minor)
{
	char a[24] = "*", b[24] = "*";

	if (major >= 0)
		snprintf(a, sizeof(a), "%" PRId64, major);
	if (minor >= 0)
		snprintf(b, sizeof(b), "%" PRId64, minor);
	snprintf(buf, len, "%s:%s", a, b);
}

static const char *first_existing(const struct v1_hier *h, const char *a, const char *b)
{
	return v1_file_exists(h, a) ? a : v1_file_exists(h, b) ? b : NULL;
}

static int set_blkio(const struct v1_host *host, const struct spec_blkio *b, struct error *err)
{
	struct v1_hier *h = v1_find_legacy(host, "blkio");
	const char *wfile = NULL;
	char dev[64], field[96];
	int rc;

	if (!h)
		return no_controller("blockIO", "blkio", err);
	if (b->weight.set || b->n_weight_devices > 0)
		wfile = first_existing(h, "blkio.weight", "blkio.bfq.weight");
	if (b->weight.set) {
		if (!wfile)
			return error_set(err, 0, FIELD "blockIO.weight: neither blkio.weight nor "
					 "blkio.bfq.weight exists (no proportional I/O scheduler)");
		rc = put_fmt(h, "blockIO.weight", wfile, err, "%" PRIu64, b->weight.v);
		if (rc < 0)
			return rc;
	}
	if (b->leaf_weight.set) {
		rc = put_fmt(h, "blockIO.leafWeight", "blkio.leaf_weight", err, "%" PRIu64, b->leaf_weight.v);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct spec_weight_device *w = &b->weight_devices[i];

		devnum(dev, sizeof(dev), w->major, w->minor);
		if (w->weight.set) {
			const char *file =
				first_existing(h, "blkio.weight_device", "blkio.bfq.weight_device");

			if (!file)
				file = "blkio.weight_device"; /* for the message */

			snprintf(field, sizeof(field), "blockIO.weightDevice[%zu].weight", i);
			rc = put_fmt(h, field, file, err, "%s %" PRIu64, dev, w->weight.v);
			if (rc < 0)
				return rc;
		}
		if (w->leaf_weight.set) {
			snprintf(field, sizeof(field), "blockIO.weightDevice[%zu].leafWeight", i);
			rc = put_fmt(h, field, "blkio.leaf_weight_device", err, "%s %" PRIu64, dev,
				     w->leaf_weight.v);
			if (rc < 0)
				return rc;
		}
	}
	for (int k = 0; k < SPEC_THROTTLE_COUNT; k++) {
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct spec_throttle_device *t = &b->throttle[k][i];

			devnum(dev, sizeof(dev), t->major, t->minor);
			snprintf(field, sizeof(field), "%s[%zu]", throttle_fields[k], i);
			rc = put_fmt(h, field, throttle_files[k], err, "%s %" PRIu64, dev, t->rate);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int set_hugepages(struct cgroup *cg, const struct v1_host *host, const struct spec_resources *r,
			 struct error *err)
{
	struct v1_hier *h = v1_find(host, "hugetlb");
	char field[64], file[96], name[16];
	int rc;

	if (!h)
		return no_controller("hugepageLimits", "hugetlb", err);
	if (h->unified && (rc = v1_unified_enable(cg, h, "hugetlb", err)) < 0)
		return error_prefix(err, FIELD "hugepageLimits");
	for (size_t i = 0; i < r->n_hugepages; i++) {
		rc = hugepage_check(r->hugepages[i].page_size, i, name, sizeof(name), err);
		if (rc < 0)
			return rc;
		snprintf(field, sizeof(field), "hugepageLimits[%zu].limit", i);
		snprintf(file, sizeof(file), "hugetlb.%s.%s", name,
			 h->unified ? "max" : "limit_in_bytes");
		rc = put_fmt(h, field, file, err, "%" PRIu64, r->hugepages[i].limit);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int set_network(const struct v1_host *host, const struct spec_network *n, struct error *err)
{
	struct v1_hier *cls = v1_find_legacy(host, "net_cls"), *prio = v1_find_legacy(host, "net_prio");
	char field[64];
	int rc;

	if (n->has_class_id) {
		if (!cls)
			return no_controller("network.classID", "net_cls", err);
		rc = put_fmt(cls, "network.classID", "net_cls.classid", err, "%" PRIu32, n->class_id);
		if (rc < 0)
			return rc;
	}
	if (n->n_priorities > 0 && !prio)
		return no_controller("network.priorities", "net_prio", err);
	for (size_t i = 0; i < n->n_priorities; i++) {
		snprintf(field, sizeof(field), "network.priorities[%zu]", i);
		rc = put_fmt(prio, field, "net_prio.ifpriomap", err, "%s %" PRIu32, n->priorities[i].name,
			     n->priorities[i].priority);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int set_rdma(struct cgroup *cg, const struct v1_host *host, const struct spec_resources *r,
		    struct error *err)
{
	struct v1_hier *h = v1_find(host, "rdma");
	char field[96];
	int rc;

	if (!h)
		return no_controller("rdma", "rdma", err);
	if (h->unified && (rc = v1_unified_enable(cg, h, "rdma", err)) < 0)
		return error_prefix(err, FIELD "rdma");
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct spec_rdma_limit *l = &r->rdma[i];
		char handles[32] = "", objects[32] = "";

		if (!l->has_hca_handles && !l->has_hca_objects)
			continue;
		if (l->has_hca_handles)
			snprintf(handles, sizeof(handles), " hca_handle=%" PRIu32, l->hca_handles);
		if (l->has_hca_objects)
			snprintf(objects, sizeof(objects), " hca_object=%" PRIu32, l->hca_objects);
		snprintf(field, sizeof(field), "rdma.%s", l->device);
		rc = put_fmt(h, field, "rdma.max", err, "%s%s%s", l->device, handles, objects);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int set_unified(struct cgroup *cg, const struct v1_host *host, const struct spec_resources *r,
		       struct error *err)
{
	struct v1_hier *u = v1_find_unified(host);
	char field[320];
	int rc;

	for (size_t i = 0; i < r->n_unified; i++) {
		const char *key = r->unified[i].key;
		cleanup_free char *ctrl = xstrndup(key, strcspn(key, "."));

		rc = unified_key_check(host, key, err);
		if (rc < 0)
			return rc;
		if ((rc = v1_unified_enable(cg, u, ctrl, err)) < 0)
			return error_prefix(err, FIELD "unified: \"%s\"", key);
		snprintf(field, sizeof(field), "unified: \"%s\"", key);
		rc = put(u, field, key, r->unified[i].value, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static bool is_reset(const struct spec_device_rule *d)
{
	return d->type == 'a' && d->major < 0 && d->minor < 0 && strchr(d->access, 'r') &&
	       strchr(d->access, 'w') && strchr(d->access, 'm');
}

static int put_device(const struct v1_hier *h, const struct spec_device_rule *d, size_t i, struct error *err)
{
	const char *file = d->allow ? "devices.allow" : "devices.deny";
	char field[48], dev[64];
	int rc;

	snprintf(field, sizeof(field), "devices[%zu]", i);
	if (is_reset(d))
		return put(h, field, file, "a", err);
	devnum(dev, sizeof(dev), d->major, d->minor);
	if (d->type != 'a')
		return put_fmt(h, field, file, err, "%c %s %s", d->type, dev, d->access);
	/* the kernel reads any "a ..." line as a full reset: a partial all-types rule is its two halves */
	rc = put_fmt(h, field, file, err, "c %s %s", dev, d->access);
	if (rc < 0)
		return rc;
	return put_fmt(h, field, file, err, "b %s %s", dev, d->access);
}

static int set_devices(const struct v1_host *host, const struct spec_resources *r, struct error *err)
{
	struct v1_hier *h = v1_find_legacy(host, "devices");
	size_t start = 0;
	int rc;

	if (r->n_devices == 0)
		return 0;
	if (!h)
		return no_controller("devices", "devices", err);
	/* rules before the last reset are overridden by it */
	for (size_t i = 0; i < r->n_devices; i++)
		if (is_reset(&r->devices[i]))
			start = i;
	for (size_t i = start; i < r->n_devices; i++) {
		rc = put_device(h, &r->devices[i], i, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int v1_set(struct cgroup *cg, const struct spec_resources *r, bool update, struct error *err)
{
	const struct v1_host *host = cg->priv;
	int rc;

	if (!r)
		return 0;
	rc = check_host(host, r, err);
	if (rc < 0)
		return rc;
	if (r->has_devices && (rc = set_devices(host, r, err)) < 0)
		return rc;
	if (r->has_memory && (rc = set_memory(host, &r->memory, update, err)) < 0)
		return rc;
	if (r->has_cpu && (rc = set_cpu(host, &r->cpu, err)) < 0)
		return rc;
	if (r->has_pids && r->pids_limit.set) {
		struct v1_hier *h = v1_find(host, "pids");

		if (h->unified && (rc = v1_unified_enable(cg, h, "pids", err)) < 0)
			return error_prefix(err, FIELD "pids.limit");
		if (r->pids_limit.v <= 0)
			rc = put(h, "pids.limit", "pids.max", "max", err);
		else
			rc = put_fmt(h, "pids.limit", "pids.max", err, "%" PRId64, r->pids_limit.v);
		if (rc < 0)
			return rc;
	}
	if (r->has_blkio && (rc = set_blkio(host, &r->blkio, err)) < 0)
		return rc;
	if (r->n_hugepages > 0 && (rc = set_hugepages(cg, host, r, err)) < 0)
		return rc;
	if (r->has_network && (rc = set_network(host, &r->network, err)) < 0)
		return rc;
	if (r->n_rdma > 0 && (rc = set_rdma(cg, host, r, err)) < 0)
		return rc;
	if (r->n_unified > 0 && (rc = set_unified(cg, host, r, err)) < 0)
		return rc;
	return 0;
}
