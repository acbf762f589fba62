/* linux.resources (config.json) and the LinuxResources document of `berth update -r` -> spec_resources. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "runtime/spec_internal.h"
#include "runtime/util.h"

/* "<path>.<key>", or the bare key under the empty prefix of a standalone document. */
static char *field(const char *path, const char *key)
{
	return *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
}

static char *item(const char *path, const char *key, size_t i)
{
	return *path ? xasprintf("%s.%s[%zu]", path, key, i) : xasprintf("%s[%zu]", key, i);
}

/* Engines write 0 for "not given" (docker: cpu.shares, blockIO.weight; docker update: memory.limit,
 * cpu.quota, ...). Where runc 1.1 writes no file for a zero (libcontainer/cgroups/fs, fs2), a zero
 * is not set here either; README's cgroups section lists the rule per field. */
void spec_memory_unset_zeroes(struct spec_memory *m)
{
	struct spec_opt_i64 *zero_unset[] = { &m->limit, &m->reservation, &m->swap, &m->kernel,
					      &m->kernel_tcp };

	for (size_t i = 0; i < ARRAY_SIZE(zero_unset); i++)
		if (zero_unset[i]->set && zero_unset[i]->v == 0)
			zero_unset[i]->set = false;
}

void spec_cpu_unset_zeroes(struct spec_cpu *c)
{
	struct spec_opt_u64 *u[] = { &c->shares, &c->period, &c->realtime_period };

	for (size_t i = 0; i < ARRAY_SIZE(u); i++)
		if (u[i]->set && u[i]->v == 0)
			u[i]->set = false;
	if (c->quota.set && c->quota.v == 0)
		c->quota.set = false;
	if (c->realtime_runtime.set && c->realtime_runtime.v == 0)
		c->realtime_runtime.set = false;
	if (c->cpus && !*c->cpus) {
		free(c->cpus);
		c->cpus = NULL;
	}
	if (c->mems && !*c->mems) {
		free(c->mems);
		c->mems = NULL;
	}
}

static bool blkio_has_fields(const struct spec_blkio *b)
{
	if (b->weight.set || b->leaf_weight.set)
		return true;
	for (size_t i = 0; i < b->n_weight_devices; i++)
		if (b->weight_devices[i].weight.set || b->weight_devices[i].leaf_weight.set)
			return true;
	for (int k = 0; k < SPEC_THROTTLE_COUNT; k++)
		if (b->n_throttle[k] > 0)
			return true;
	return false;
}

void spec_resources_unset_zeroes(struct spec_resources *r)
{
	spec_memory_unset_zeroes(&r->memory);
	spec_cpu_unset_zeroes(&r->cpu);
	if (r->pids_limit.set && r->pids_limit.v == 0)
		r->pids_limit.set = false;
	else if (r->pids_limit.set && r->pids_limit.v < 0)
		r->pids_limit.v = -1; /* runc: any negative is "max" */
	if (r->blkio.weight.set && r->blkio.weight.v == 0)
		r->blkio.weight.set = false;
	/* a blockIO with nothing to write needs no blkio controller (docker: {"weight":0}) */
	if (r->has_blkio && !blkio_has_fields(&r->blkio))
		r->has_blkio = false;
}

/* A number written without fraction or exponent, whatever its size. */
static bool integral_text(yajl_val v)
{
	return YAJL_IS_NUMBER(v) && !strpbrk(v->u.number.r, ".eE");
}

static int read_i64(yajl_val v, const char *path, int64_t *out, struct error *err)
{
	if (YAJL_IS_INTEGER(v)) {
		*out = v->u.number.i;
		return 0;
	}
	if (integral_text(v))
		return spec_fail(err, "%s: %s: out of range for a 64-bit integer", path, v->u.number.r);
	return spec_fail(err, "%s: expected an integer", path);
}

static int read_u64(yajl_val v, const char *path, uint64_t *out, struct error *err)
{
	if (!integral_text(v))
		return spec_fail(err, "%s: expected an integer", path);
	if (v->u.number.r[0] == '-')
		return spec_fail(err, "%s: %s: must not be negative", path, v->u.number.r);
	/* The raw text: values above INT64_MAX do not fit yajl's long long. */
	if (parse_u64(v->u.number.r, out) < 0)
		return spec_fail(err, "%s: %s: out of range for a 64-bit integer", path, v->u.number.r);
	return 0;
}

static int read_range(yajl_val v, const char *path, int64_t min, int64_t max, int64_t *out, struct error *err)
{
	if (read_i64(v, path, out, err) < 0)
		return -EINVAL;
	if (*out < min && max == INT64_MAX)
		return spec_fail(err, "%s: %" PRId64 ": must be at least %" PRId64, path, *out, min);
	if (*out < min || *out > max)
		return spec_fail(err, "%s: %" PRId64 ": out of range %" PRId64 "..%" PRId64, path, *out, min,
				 max);
	return 0;
}

/* The optional readers: absent (or null) leaves *out unset. */
static int opt_i64(yajl_val obj, const char *path, const char *key, struct spec_opt_i64 *out,
		   struct error *err)
{
	cleanup_free char *p = NULL;
	yajl_val v = sj_get(obj, key);

	if (!v)
		return 0;
	p = field(path, key);
	if (read_i64(v, p, &out->v, err) < 0)
		return -EINVAL;
	out->set = true;
	return 0;
}

static int opt_u64(yajl_val obj, const char *path, const char *key, struct spec_opt_u64 *out,
		   struct error *err)
{
	cleanup_free char *p = NULL;
	yajl_val v = sj_get(obj, key);

	if (!v)
		return 0;
	p = field(path, key);
	if (read_u64(v, p, &out->v, err) < 0)
		return -EINVAL;
	out->set = true;
	return 0;
}

/* A weight in min..max, or 0: not set (runc writes no file for a zero weight; engines send 0). */
static int opt_weight(yajl_val obj, const char *path, const char *key, uint64_t min, uint64_t max,
		      struct spec_opt_u64 *out, struct error *err)
{
	cleanup_free char *p = NULL;

	if (opt_u64(obj, path, key, out, err) < 0)
		return -EINVAL;
	if (out->set && out->v == 0)
		out->set = false;
	if (!out->set || (out->v >= min && out->v <= max))
		return 0;
	p = field(path, key);
	return spec_fail(err, "%s: %" PRIu64 ": out of range %" PRIu64 "..%" PRIu64 " (0: not set)", p,
			 out->v, min, max);
}

/* memory.swappiness: 0..100; -1 (also as Go's uint64 of -1) is not set, as in runc. */
static int opt_swappiness(yajl_val obj, const char *path, struct spec_opt_u64 *out, struct error *err)
{
	cleanup_free char *p = field(path, "swappiness");
	yajl_val v = sj_get(obj, "swappiness");
	int64_t neg;

	if (!v)
		return 0;
	if (integral_text(v) && v->u.number.r[0] == '-') {
		if (read_i64(v, p, &neg, err) < 0)
			return -EINVAL;
		if (neg == -1)
			return 0;
		return spec_fail(err, "%s: %" PRId64 ": out of range 0..100 (-1: not set)", p, neg);
	}
	if (read_u64(v, p, &out->v, err) < 0)
		return -EINVAL;
	if (out->v == UINT64_MAX)
		return 0;
	if (out->v > 100)
		return spec_fail(err, "%s: %" PRIu64 ": out of range 0..100 (-1: not set)", p, out->v);
	out->set = true;
	return 0;
}

static int opt_bool(yajl_val obj, const char *path, const char *key, bool *has, bool *out, struct error *err)
{
	cleanup_free char *p = NULL;
	yajl_val v = sj_get(obj, key);

	if (!v)
		return 0;
	p = field(path, key);
	if (sj_bool(v, p, out, err) < 0)
		return -EINVAL;
	if (has)
		*has = true;
	return 0;
}

static int req_i64(yajl_val obj, const char *path, const char *key, int64_t min, int64_t max, int64_t *out,
		   struct error *err)
{
	cleanup_free char *p = field(path, key);
	yajl_val v = sj_require(obj, path, key, err);

	return v ? read_range(v, p, min, max, out, err) : -EINVAL;
}

static int req_u64(yajl_val obj, const char *path, const char *key, uint64_t *out, struct error *err)
{
	cleanup_free char *p = field(path, key);
	yajl_val v = sj_require(obj, path, key, err);

	return v ? read_u64(v, p, out, err) : -EINVAL;
}

static int req_u32(yajl_val obj, const char *path, const char *key, uint32_t *out, struct error *err)
{
	int64_t x;

	if (req_i64(obj, path, key, 0, UINT32_MAX, &x, err) < 0)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

/* An array member: NULL when absent, else checked to be an array. */
static int get_array(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error *err)
{
	cleanup_free char *p = NULL;

	*out = sj_get(obj, key);
	if (!*out)
		return 0;
	p = field(path, key);
	return sj_array(*out, p, err);
}

/* A word written into a cgroup file: no blank, no newline, not empty. */
static int check_word(const char *s, const char *path, struct error *err)
{
	if (!*s || strpbrk(s, " \t\n\r="))
		return spec_fail(err, "%s: \"%s\": expected a name without blanks", path, s);
	return 0;
}

static int parse_device_rule(yajl_val v, const char *path, struct spec_device_rule *d, struct error *err)
{
	cleanup_free char *p_allow = field(path, "allow");
	cleanup_free char *p_type = field(path, "type");
	cleanup_free char *p_access = field(path, "access");
	cleanup_free char *s = NULL;
	yajl_val f;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "allow", err)) || sj_bool(f, p_allow, &d->allow, err) < 0)
		return -EINVAL;
	d->type = 'a';
	if ((f = sj_get(v, "type"))) {
		if (sj_string(f, p_type, &s, err) < 0)
			return -EINVAL;
		if (strlen(s) != 1 || !strchr("abc", s[0]))
			return spec_fail(err, "%s: \"%s\": expected a, b or c", p_type, s);
		d->type = s[0];
	}
	d->major = d->minor = -1;
	if (sj_get(v, "major") && req_i64(v, path, "major", -1, INT64_MAX, &d->major, err) < 0)
		return -EINVAL;
	if (sj_get(v, "minor") && req_i64(v, path, "minor", -1, INT64_MAX, &d->minor, err) < 0)
		return -EINVAL;
	strcpy(d->access, "rwm");
	if ((f = sj_get(v, "access"))) {
		size_t o = 0;

		if (sj_string(f, p_access, &s, err) < 0)
			return -EINVAL;
		/* Canonical order, each letter once; an empty string would silently mean nothing. */
		if (!*s || strspn(s, "rwm") != strlen(s))
			return spec_fail(err, "%s: \"%s\": expected a subset of \"rwm\"", p_access, s);
		for (const char *c = "rwm"; *c; c++)
			if (strchr(s, *c))
				d->access[o++] = *c;
		d->access[o] = '\0';
	}
	return 0;
}

static int parse_devices(yajl_val v, const char *path, struct spec_resources *r, struct error *err)
{
	if (sj_array(v, path, err) < 0)
		return -EINVAL;
	r->has_devices = true;
	r->n_devices = v->u.array.len;
	r->devices = xzalloc((r->n_devices + 1) * sizeof(*r->devices));
	for (size_t i = 0; i < r->n_devices; i++) {
		cleanup_free char *p = xasprintf("%s[%zu]", path, i);

		if (parse_device_rule(v->u.array.values[i], p, &r->devices[i], err) < 0)
			return -EINVAL;
	}
	return 0;
}

/* Memory values are byte counts or -1 (unlimited). */
static int opt_bytes(yajl_val obj, const char *path, const char *key, struct spec_opt_i64 *out,
		     struct error *err)
{
	cleanup_free char *p = NULL;

	if (opt_i64(obj, path, key, out, err) < 0)
		return -EINVAL;
	if (!out->set || out->v >= -1)
		return 0;
	p = field(path, key);
	return spec_fail(err, "%s: %" PRId64 ": expected -1 (unlimited) or a byte count", p, out->v);
}

static int parse_memory(yajl_val v, const char *path, struct spec_memory *m, struct error *err)
{
	cleanup_free char *p_res = field(path, "reservation");
	cleanup_free char *p_swap = field(path, "swap");

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (opt_bytes(v, path, "limit", &m->limit, err) < 0 ||
	    opt_bytes(v, path, "reservation", &m->reservation, err) < 0 ||
	    opt_bytes(v, path, "swap", &m->swap, err) < 0 ||
	    opt_bytes(v, path, "kernel", &m->kernel, err) < 0 ||
	    opt_bytes(v, path, "kernelTCP", &m->kernel_tcp, err) < 0 ||
	    opt_swappiness(v, path, &m->swappiness, err) < 0)
		return -EINVAL;
	spec_memory_unset_zeroes(m);
	if (opt_bool(v, path, "disableOOMKiller", &m->has_disable_oom_killer, &m->disable_oom_killer,
		     err) < 0 ||
	    opt_bool(v, path, "useHierarchy", &m->has_use_hierarchy, &m->use_hierarchy, err) < 0 ||
	    opt_bool(v, path, "checkBeforeUpdate", NULL, &m->check_before_update, err) < 0)
		return -EINVAL;
	if (m->limit.set && m->reservation.set && m->limit.v > 0 && m->reservation.v > m->limit.v)
		return spec_fail(err, "%s: %" PRId64 ": above memory.limit %" PRId64, p_res, m->reservation.v,
				 m->limit.v);
	/* swap is memory plus swap (runc's rule): below the limit it would cap memory instead. */
	if (m->limit.set && m->swap.set && m->limit.v > 0 && m->swap.v > 0 && m->swap.v < m->limit.v)
		return spec_fail(
			err, "%s: %" PRId64 ": below memory.limit %" PRId64 " (swap counts memory plus swap)",
			p_swap, m->swap.v, m->limit.v);
	return 0;
}

/* "0-3,7": comma-separated numbers and ascending ranges, as cpuset.cpus and cpuset.mems take them. */
static bool valid_list(const char *s)
{
	if (!*s)
		return false;
	for (;;) {
		unsigned long lo, hi;
		char *end;

		if (*s < '0' || *s > '9')
			return false;
		errno = 0;
		lo = hi = strtoul(s, &end, 10);
		if (errno)
			return false;
		s = end;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				return false;
			hi = strtoul(s, &end, 10);
			if (errno || hi < lo)
				return false;
			s = end;
		}
		if (!*s)
			return true;
		if (*s++ != ',')
			return false;
	}
}

static int opt_list(yajl_val obj, const char *path, const char *key, const char *what, char **out,
		    struct error *err)
{
	cleanup_free char *p = NULL;
	yajl_val v = sj_get(obj, key);

	if (!v)
		return 0;
	p = field(path, key);
	if (sj_string(v, p, out, err) < 0)
		return -EINVAL;
	if (!**out) { /* "" means unset, as in runc */
		free(*out);
		*out = NULL;
		return 0;
	}
	if (!valid_list(*out))
		return spec_fail(err, "%s: \"%s\": bad %s list", p, *out, what);
	return 0;
}

static int parse_cpu(yajl_val v, const char *path, struct spec_cpu *c, struct error *err)
{
	cleanup_free char *p_quota = field(path, "quota");
	cleanup_free char *p_period = field(path, "period");
	cleanup_free char *p_burst = field(path, "burst");
	cleanup_free char *p_idle = field(path, "idle");

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (opt_u64(v, path, "shares", &c->shares, err) < 0 ||
	    opt_i64(v, path, "quota", &c->quota, err) < 0 ||
	    opt_u64(v, path, "period", &c->period, err) < 0 ||
	    opt_u64(v, path, "burst", &c->burst, err) < 0 ||
	    opt_i64(v, path, "realtimeRuntime", &c->realtime_runtime, err) < 0 ||
	    opt_u64(v, path, "realtimePeriod", &c->realtime_period, err) < 0 ||
	    opt_i64(v, path, "idle", &c->idle, err) < 0 ||
	    opt_list(v, path, "cpus", "cpu", &c->cpus, err) < 0 ||
	    opt_list(v, path, "mems", "memory node", &c->mems, err) < 0)
		return -EINVAL;
	spec_cpu_unset_zeroes(c);
	if (c->quota.set && c->quota.v != -1 && c->quota.v < 1000)
		return spec_fail(err, "%s: %" PRId64 ": expected -1 (unlimited) or at least 1000", p_quota,
				 c->quota.v);
	if (c->period.set && (c->period.v < 1000 || c->period.v > 1000000))
		return spec_fail(err, "%s: %" PRIu64 ": out of range 1000..1000000", p_period, c->period.v);
	if (c->burst.set && c->quota.set && c->quota.v > 0 && c->burst.v > (uint64_t)c->quota.v)
		return spec_fail(err, "%s: %" PRIu64 ": above cpu.quota %" PRId64, p_burst, c->burst.v,
				 c->quota.v);
	if (c->idle.set && c->idle.v != 0 && c->idle.v != 1)
		return spec_fail(err, "%s: %" PRId64 ": out of range 0..1", p_idle, c->idle.v);
	return 0;
}

static int parse_pids(yajl_val v, const char *path, struct spec_resources *r, struct error *err)
{
	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	r->has_pids = true;
	return opt_i64(v, path, "limit", &r->pids_limit, err);
}

static int parse_weight_device(yajl_val v, const char *path, struct spec_weight_device *d, struct error *err)
{
	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (req_i64(v, path, "major", 0, INT64_MAX, &d->major, err) < 0 ||
	    req_i64(v, path, "minor", 0, INT64_MAX, &d->minor, err) < 0 ||
	    opt_weight(v, path, "weight", 10, 1000, &d->weight, err) < 0 ||
	    opt_weight(v, path, "leafWeight", 10, 1000, &d->leaf_weight, err) < 0)
		return -EINVAL;
	return 0;
}

static int parse_throttle_device(yajl_val v, const char *path, struct spec_throttle_device *d,
				 struct error *err)
{
	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (req_i64(v, path, "major", 0, INT64_MAX, &d->major, err) < 0 ||
	    req_i64(v, path, "minor", 0, INT64_MAX, &d->minor, err) < 0 ||
	    req_u64(v, path, "rate", &d->rate, err) < 0)
		return -EINVAL;
	return 0;
}

static const char *const throttle_keys[SPEC_THROTTLE_COUNT] = {
	[SPEC_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
	[SPEC_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
	[SPEC_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
	[SPEC_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static int parse_blkio(yajl_val v, const char *path, struct spec_blkio *b, struct error *err)
{
	yajl_val a;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (opt_weight(v, path, "weight", 10, 1000, &b->weight, err) < 0 ||
	    opt_weight(v, path, "leafWeight", 10, 1000, &b->leaf_weight, err) < 0)
		return -EINVAL;
	if (get_array(v, path, "weightDevice", &a, err) < 0)
		return -EINVAL;
	if (a) {
		b->n_weight_devices = a->u.array.len;
		b->weight_devices = xzalloc((b->n_weight_devices + 1) * sizeof(*b->weight_devices));
		for (size_t i = 0; i < b->n_weight_devices; i++) {
			cleanup_free char *p = item(path, "weightDevice", i);

			if (parse_weight_device(a->u.array.values[i], p, &b->weight_devices[i], err) < 0)
				return -EINVAL;
		}
	}
	for (int k = 0; k < SPEC_THROTTLE_COUNT; k++) {
		if (get_array(v, path, throttle_keys[k], &a, err) < 0)
			return -EINVAL;
		if (!a)
			continue;
		b->n_throttle[k] = a->u.array.len;
		b->throttle[k] = xzalloc((b->n_throttle[k] + 1) * sizeof(*b->throttle[k]));
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			cleanup_free char *p = item(path, throttle_keys[k], i);

			if (parse_throttle_device(a->u.array.values[i], p, &b->throttle[k][i], err) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

/* "2MB", "1GB", "64KB": the unit hugetlb file names use. */
static bool valid_page_size(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || s[0] == '0' || digits > 9)
		return false;
	return strcmp(s + digits, "KB") == 0 || strcmp(s + digits, "MB") == 0 ||
	       strcmp(s + digits, "GB") == 0;
}

static int parse_hugepages(yajl_val v, const char *path, struct spec_resources *r, struct error *err)
{
	if (sj_array(v, path, err) < 0)
		return -EINVAL;
	r->n_hugepages = v->u.array.len;
	r->hugepages = xzalloc((r->n_hugepages + 1) * sizeof(*r->hugepages));
	for (size_t i = 0; i < r->n_hugepages; i++) {
		struct spec_hugepage_limit *h = &r->hugepages[i];
		yajl_val e = v->u.array.values[i], f;
		cleanup_free char *p = xasprintf("%s[%zu]", path, i);
		cleanup_free char *p_size = field(p, "pageSize");

		if (sj_object(e, p, err) < 0)
			return -EINVAL;
		if (!(f = sj_require(e, p, "pageSize", err)) || sj_string(f, p_size, &h->page_size, err) < 0)
			return -EINVAL;
		if (!valid_page_size(h->page_size))
			return spec_fail(err, "%s: \"%s\": expected a size like \"2MB\" or \"1GB\"", p_size,
					 h->page_size);
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->hugepages[j].page_size, h->page_size) == 0)
				return spec_fail(err, "%s: \"%s\": duplicate page size", p_size,
						 h->page_size);
		if (req_u64(e, p, "limit", &h->limit, err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int parse_network(yajl_val v, const char *path, struct spec_network *n, struct error *err)
{
	yajl_val f, a;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (sj_get(v, "classID")) {
		if (req_u32(v, path, "classID", &n->class_id, err) < 0)
			return -EINVAL;
		n->has_class_id = n->class_id != 0; /* 0: not set, as in runc */
	}
	if (get_array(v, path, "priorities", &a, err) < 0)
		return -EINVAL;
	if (!a)
		return 0;
	n->n_priorities = a->u.array.len;
	n->priorities = xzalloc((n->n_priorities + 1) * sizeof(*n->priorities));
	for (size_t i = 0; i < n->n_priorities; i++) {
		struct spec_net_priority *np = &n->priorities[i];
		yajl_val e = a->u.array.values[i];
		cleanup_free char *p = item(path, "priorities", i);
		cleanup_free char *p_name = field(p, "name");

		if (sj_object(e, p, err) < 0)
			return -EINVAL;
		if (!(f = sj_require(e, p, "name", err)) || sj_string(f, p_name, &np->name, err) < 0 ||
		    check_word(np->name, p_name, err) < 0 ||
		    req_u32(e, p, "priority", &np->priority, err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int parse_rdma(yajl_val v, const char *path, struct spec_resources *r, struct error *err)
{
	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	r->n_rdma = v->u.object.len;
	r->rdma = xzalloc((r->n_rdma + 1) * sizeof(*r->rdma));
	for (size_t i = 0; i < r->n_rdma; i++) {
		struct spec_rdma_limit *l = &r->rdma[i];
		yajl_val e = v->u.object.values[i];
		cleanup_free char *p = field(path, v->u.object.keys[i]);

		l->device = xstrdup(v->u.object.keys[i]);
		if (check_word(l->device, p, err) < 0 || sj_object(e, p, err) < 0)
			return -EINVAL;
		if (sj_get(e, "hcaHandles")) {
			if (req_u32(e, p, "hcaHandles", &l->hca_handles, err) < 0)
				return -EINVAL;
			l->has_hca_handles = true;
		}
		if (sj_get(e, "hcaObjects")) {
			if (req_u32(e, p, "hcaObjects", &l->hca_objects, err) < 0)
				return -EINVAL;
			l->has_hca_objects = true;
		}
	}
	return 0;
}

/* Files through which unified could move, kill or freeze processes, or reshape the tree berth owns. */
static const char *const owned_files[] = {
	"cgroup.procs",	 "cgroup.threads",   "cgroup.subtree_control", "cgroup.type",	  "cgroup.kill",
	"cgroup.freeze", "cgroup.max.depth", "cgroup.max.descendants", "cgroup.pressure",
};

static int check_unified_key(const char *key, const char *path, struct error *err)
{
	const char *dot = strchr(key, '.');

	if (!dot || dot == key || !dot[1] || key[strlen(key) - 1] == '.' || strstr(key, "..") ||
	    strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(key))
		return spec_fail(err, "%s: \"%s\": expected a cgroup file name like \"memory.high\"", path,
				 key);
	for (size_t i = 0; i < ARRAY_SIZE(owned_files); i++)
		if (strcmp(key, owned_files[i]) == 0)
			return spec_fail(err, "%s: \"%s\": managed by berth, cannot be set", path, key);
	return 0;
}

static int parse_unified(yajl_val v, const char *path, struct spec_resources *r, struct error *err)
{
	if (sj_kv_object(v, path, &r->unified, &r->n_unified, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < r->n_unified; i++) {
		cleanup_free char *p = field(path, r->unified[i].key);

		if (check_unified_key(r->unified[i].key, p, err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int parse_members(yajl_val v, const char *path, struct spec_resources *r, struct error *err)
{
	cleanup_free char *p_devices = field(path, "devices");
	cleanup_free char *p_memory = field(path, "memory");
	cleanup_free char *p_cpu = field(path, "cpu");
	cleanup_free char *p_pids = field(path, "pids");
	cleanup_free char *p_blkio = field(path, "blockIO");
	cleanup_free char *p_huge = field(path, "hugepageLimits");
	cleanup_free char *p_net = field(path, "network");
	cleanup_free char *p_rdma = field(path, "rdma");
	cleanup_free char *p_unified = field(path, "unified");
	yajl_val f;

	if ((f = sj_get(v, "devices")) && parse_devices(f, p_devices, r, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "memory"))) {
		r->has_memory = true;
		if (parse_memory(f, p_memory, &r->memory, err) < 0)
			return -EINVAL;
	}
	if ((f = sj_get(v, "cpu"))) {
		r->has_cpu = true;
		if (parse_cpu(f, p_cpu, &r->cpu, err) < 0)
			return -EINVAL;
	}
	if ((f = sj_get(v, "pids")) && parse_pids(f, p_pids, r, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "blockIO"))) {
		r->has_blkio = true;
		if (parse_blkio(f, p_blkio, &r->blkio, err) < 0)
			return -EINVAL;
	}
	if ((f = sj_get(v, "hugepageLimits")) && parse_hugepages(f, p_huge, r, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "network"))) {
		r->has_network = true;
		if (parse_network(f, p_net, &r->network, err) < 0)
			return -EINVAL;
	}
	if ((f = sj_get(v, "rdma")) && parse_rdma(f, p_rdma, r, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "unified")) && parse_unified(f, p_unified, r, err) < 0)
		return -EINVAL;
	spec_resources_unset_zeroes(r);
	return 0;
}

int spec_parse_resources(yajl_val v, const char *path, struct spec_resources **out, struct error *err)
{
	struct spec_resources *r;

	if (!YAJL_IS_OBJECT(v))
		return *path ? sj_object(v, path, err)
			     : spec_fail(err, "expected a JSON object at the top level");
	r = xzalloc(sizeof(*r));
	if (parse_members(v, path, r, err) < 0) {
		spec_resources_free(r);
		return -EINVAL;
	}
	spec_resources_free(*out);
	*out = r;
	return 0;
}

int spec_resources_parse(const char *json, size_t len, const char *prefix, struct spec_resources **out,
			 struct error *err)
{
	cleanup_free char *buf = NULL;
	char errbuf[512] = "";
	yajl_val doc;
	int r;

	if (memchr(json, '\0', len))
		return spec_fail(err, "invalid JSON: NUL byte at offset %zu",
				 (size_t)((const char *)memchr(json, '\0', len) - json));
	buf = xstrndup(json, len);
	doc = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	if (!doc) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		return spec_fail(err, "invalid JSON: %s", errbuf[0] ? errbuf : "parse error");
	}
	if (spec_json_scan(buf, len, prefix, err) < 0) {
		yajl_tree_free(doc);
		return -EINVAL;
	}
	*out = NULL;
	r = spec_parse_resources(doc, prefix ? prefix : "", out, err);
	yajl_tree_free(doc);
	return r;
}

void spec_resources_free(struct spec_resources *r)
{
	if (!r)
		return;
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_devices);
	for (int k = 0; k < SPEC_THROTTLE_COUNT; k++)
		free(r->blkio.throttle[k]);
	for (size_t i = 0; i < r->n_hugepages; i++)
		free(r->hugepages[i].page_size);
	free(r->hugepages);
	for (size_t i = 0; i < r->network.n_priorities; i++)
		free(r->network.priorities[i].name);
	free(r->network.priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	spec_kv_free(r->unified, r->n_unified);
	free(r);
}
