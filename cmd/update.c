/* update: change the limits of a live container, from a LinuxResources document (-r) or runc's flags. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "runtime/container.h"
#include "runtime/util.h"

/* runc's sizes (parse_size), and "-1" for unlimited. */
static int parse_size_flag(const char *flag, const char *s, int64_t *out)
{
	if (!strcmp(s, "-1")) {
		*out = -1;
		return 0;
	}
	if (parse_size(s, out) < 0)
		return cmd_fail("update: --%s: \"%s\" is not a size (e.g. 512m, 1g, -1)", flag, s);
	return 0;
}

static int parse_int(const char *flag, const char *s, int64_t min, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end || errno || v < min)
		return cmd_fail("update: --%s: \"%s\" is not an integer >= %lld", flag, s, (long long)min);
	*out = v;
	return 0;
}

struct update_flags {
	const char *resources, *memory, *memory_swap, *memory_reservation, *cpu_quota, *cpu_period,
		*cpu_shares, *cpuset_cpus, *cpuset_mems, *pids_limit, *blkio_weight;
};

static int set_i64(const char *flag, const char *value, bool size, int64_t min, struct spec_opt_i64 *dst,
		   bool *section)
{
	if (!value)
		return 0;
	if ((size ? parse_size_flag(flag, value, &dst->v) : parse_int(flag, value, min, &dst->v)) != 0)
		return -1;
	dst->set = *section = true;
	return 0;
}

static int set_u64(const char *flag, const char *value, struct spec_opt_u64 *dst, bool *section)
{
	struct spec_opt_i64 tmp = { 0 };

	if (set_i64(flag, value, false, 0, &tmp, section) < 0)
		return -1;
	dst->set = tmp.set;
	dst->v = tmp.v;
	return 0;
}

/* The flags as a LinuxResources document would have said them. */
static int from_flags(const struct update_flags *f, struct spec_resources *r)
{
	struct spec_opt_i64 quota = { 0 };

	if (set_i64("memory", f->memory, true, 0, &r->memory.limit, &r->has_memory) < 0 ||
	    set_i64("memory-swap", f->memory_swap, true, 0, &r->memory.swap, &r->has_memory) < 0 ||
	    set_i64("memory-reservation", f->memory_reservation, true, 0, &r->memory.reservation,
		    &r->has_memory) < 0 ||
	    set_i64("cpu-quota", f->cpu_quota, false, -1, &quota, &r->has_cpu) < 0 ||
	    set_u64("cpu-period", f->cpu_period, &r->cpu.period, &r->has_cpu) < 0 ||
	    set_u64("cpu-shares", f->cpu_shares, &r->cpu.shares, &r->has_cpu) < 0 ||
	    set_i64("pids-limit", f->pids_limit, false, INT64_MIN, &r->pids_limit, &r->has_pids) < 0 ||
	    set_u64("blkio-weight", f->blkio_weight, &r->blkio.weight, &r->has_blkio) < 0)
		return -1;
	r->cpu.quota = quota;
	if (f->cpuset_cpus) {
		r->cpu.cpus = xstrdup(f->cpuset_cpus);
		r->has_cpu = true;
	}
	if (f->cpuset_mems) {
		r->cpu.mems = xstrdup(f->cpuset_mems);
		r->has_cpu = true;
	}
	spec_resources_unset_zeroes(r); /* 0 leaves a value as it is, as in runc */
	if (r->blkio.weight.set && (r->blkio.weight.v < 10 || r->blkio.weight.v > 1000))
		return cmd_fail("update: --blkio-weight: %llu: out of range 10..1000",
				(unsigned long long)r->blkio.weight.v);
	return 0;
}

static int from_file(const char *path, struct spec_resources **r, struct error *err)
{
	cleanup_free char *json = NULL;
	int ret = read_file_at(AT_FDCWD, strcmp(path, "-") ? path : "/dev/stdin", &json, NULL, 4u << 20);

	if (ret < 0)
		return error_set(err, -ret, "-r %s", path);
	ret = spec_resources_parse(json, strlen(json), "", r, err);
	return ret < 0 ? error_prefix(err, "-r %s", path) : 0;
}

int cmd_update(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	struct update_flags f = { 0 };
	const struct opt opts[] = {
		{ "resources", 'r', OPT_STRING, &f.resources, "a LinuxResources JSON file (\"-\": stdin)" },
		{ "memory", 0, OPT_STRING, &f.memory, "memory limit (e.g. 512m; -1: unlimited)" },
		{ "memory-swap", 0, OPT_STRING, &f.memory_swap, "memory plus swap limit" },
		{ "memory-reservation", 0, OPT_STRING, &f.memory_reservation, "memory soft limit" },
		{ "cpu-quota", 0, OPT_STRING, &f.cpu_quota, "CPU time in us per period (-1: none)" },
		{ "cpu-period", 0, OPT_STRING, &f.cpu_period, "CFS period in us" },
		{ "cpu-shares", 0, OPT_STRING, &f.cpu_shares, "relative CPU weight (shares)" },
		{ "cpu-share", 0, OPT_STRING, &f.cpu_shares, "the same, as runc spells it" },
		{ "cpuset-cpus", 0, OPT_STRING, &f.cpuset_cpus, "CPUs allowed (e.g. 0-1,3)" },
		{ "cpuset-mems", 0, OPT_STRING, &f.cpuset_mems, "memory nodes allowed" },
		{ "pids-limit", 0, OPT_STRING, &f.pids_limit, "maximum number of tasks (-1: unlimited)" },
		{ "blkio-weight", 0, OPT_STRING, &f.blkio_weight, "block IO weight, 10..1000" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct spec_resources *r = NULL;
	struct error err = { 0 };
	int i, ret;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	if (f.resources && (f.memory || f.memory_swap || f.memory_reservation || f.cpu_quota || f.cpu_period ||
			    f.cpu_shares || f.cpuset_cpus || f.cpuset_mems || f.pids_limit || f.blkio_weight))
		return cmd_fail("update: -r cannot be combined with the other flags");
	if (f.resources) {
		if (from_file(f.resources, &r, &err) < 0)
			return cmd_fail("update: %s", err.msg);
	} else {
		r = xzalloc(sizeof(*r));
		if (from_flags(&f, r) < 0) {
			spec_resources_free(r);
			return 1;
		}
	}
	ret = container_update(g->root, argv[i], r, &err);
	spec_resources_free(r);
	return ret < 0 ? cmd_fail("%s", err.msg) : 0;
}
