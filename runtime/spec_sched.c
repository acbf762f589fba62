/* process.scheduler, process.ioPriority and process.execCPUAffinity (runtime-spec 1.2+). */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/spec_internal.h"
#include "runtime/util.h"

#define IOPRIO_CLASS_RT 1
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_IDLE 3

struct name_value {
	const char *name;
	uint64_t value;
};

static const struct name_value policies[] = {
	{ "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO },	  { "SCHED_RR", SCHED_RR },
	{ "SCHED_BATCH", SCHED_BATCH }, { "SCHED_IDLE", SCHED_IDLE },	  { "SCHED_DEADLINE", SCHED_DEADLINE },
};

static const struct name_value sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
	{ "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
	{ "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
	{ "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
	{ "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
};

static const struct name_value io_classes[] = {
	{ "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
	{ "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
	{ "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
};

static int lookup(const struct name_value *table, size_t n, yajl_val v, const char *path, uint64_t *out,
		  struct error *err)
{
	cleanup_free char *name = NULL;

	if (sj_string(v, path, &name, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0) {
			*out = table[i].value;
			return 0;
		}
	return spec_fail(err, "%s: unknown value \"%s\"", path, name);
}

static const char *name_of(const struct name_value *table, size_t n, uint64_t value)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	return "?";
}

/* The kernel's own checks (sched_setattr(2), __checkparam_dl), so the error names the field instead
 * of the kernel's bare EINVAL. The period's sysctl bounds are checked when it is applied. */
static int check_deadline(const struct spec_scheduler *s, struct error *err)
{
	static const uint64_t dl_only = SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN;
	static const uint64_t clamp = SCHED_FLAG_UTIL_CLAMP_MIN | SCHED_FLAG_UTIL_CLAMP_MAX;
	const char *policy = name_of(policies, ARRAY_SIZE(policies), s->policy);

	if (s->flags & clamp)
		return spec_fail(err, "process.scheduler.flags: %s needs a utilization value, which "
				 "process.scheduler has no field for", name_of(sched_flags, ARRAY_SIZE(sched_flags),
									     s->flags & clamp & -(s->flags & clamp)));
	if (s->policy != SCHED_DEADLINE) {
		const char *field = s->runtime ? "runtime" : s->deadline ? "deadline" : s->period ? "period" : NULL;

		if (field)
			return spec_fail(err, "process.scheduler.%s: only SCHED_DEADLINE takes it, the policy is %s",
					 field, policy);
		if (s->flags & dl_only)
			return spec_fail(err, "process.scheduler.flags: %s is for SCHED_DEADLINE, the policy is %s",
					 name_of(sched_flags, ARRAY_SIZE(sched_flags), s->flags & dl_only &
						 -(s->flags & dl_only)), policy);
		return 0;
	}
	if (!s->deadline)
		return spec_fail(err, "process.scheduler.deadline: SCHED_DEADLINE needs a deadline above 0");
	if ((s->deadline | s->period) >> 63)
		return spec_fail(err, "process.scheduler.%s: above 2^63-1 ns", s->deadline >> 63 ? "deadline" : "period");
	if (s->runtime < 1024)
		return spec_fail(err, "process.scheduler.runtime: %llu ns is below the kernel's minimum of 1024 ns",
				 (unsigned long long)s->runtime);
	if (s->runtime > s->deadline)
		return spec_fail(err, "process.scheduler.runtime: %llu ns is above the deadline (%llu ns)",
				 (unsigned long long)s->runtime, (unsigned long long)s->deadline);
	if (s->period && s->deadline > s->period)
		return spec_fail(err, "process.scheduler.deadline: %llu ns is above the period (%llu ns)",
				 (unsigned long long)s->deadline, (unsigned long long)s->period);
	return 0;
}

static int parse_scheduler(yajl_val v, struct spec_scheduler *s, struct error *err)
{
	yajl_val f, flags;
	uint64_t policy = 0;
	long long nice = 0;

	if (sj_object(v, "process.scheduler", err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "process.scheduler", "policy", err)) ||
	    lookup(policies, ARRAY_SIZE(policies), f, "process.scheduler.policy", &policy, err) < 0)
		return -EINVAL;
	s->policy = policy;
	if ((f = sj_get(v, "nice")) && sj_int_range(f, "process.scheduler.nice", -20, 19, &nice, err) < 0)
		return -EINVAL;
	s->nice = nice;
	if ((f = sj_get(v, "priority")) && sj_u32(f, "process.scheduler.priority", &s->priority, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "runtime")) && sj_u64(f, "process.scheduler.runtime", &s->runtime, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "deadline")) && sj_u64(f, "process.scheduler.deadline", &s->deadline, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "period")) && sj_u64(f, "process.scheduler.period", &s->period, err) < 0)
		return -EINVAL;
	if ((flags = sj_get(v, "flags"))) {
		if (sj_array(flags, "process.scheduler.flags", err) < 0)
			return -EINVAL;
		for (size_t i = 0; i < flags->u.array.len; i++) {
			cleanup_free char *path = xasprintf("process.scheduler.flags[%zu]", i);
			uint64_t flag = 0;

			if (lookup(sched_flags, ARRAY_SIZE(sched_flags), flags->u.array.values[i], path, &flag,
				   err) < 0)
				return -EINVAL;
			s->flags |= flag;
		}
	}
	if (check_deadline(s, err) < 0)
		return -EINVAL;
	if ((s->policy == SCHED_FIFO || s->policy == SCHED_RR) && (s->priority < 1 || s->priority > 99))
		return spec_fail(err, "process.scheduler.priority: %u is out of range 1..99 for %s", s->priority,
				 s->policy == SCHED_FIFO ? "SCHED_FIFO" : "SCHED_RR");
	if (s->policy != SCHED_FIFO && s->policy != SCHED_RR && s->priority)
		return spec_fail(err, "process.scheduler.priority: must be 0 unless the policy is real-time");
	s->present = true;
	return 0;
}

static int parse_io_priority(yajl_val v, struct spec_io_priority *io, struct error *err)
{
	yajl_val f;
	uint64_t class = 0;
	long long prio = 0;

	if (sj_object(v, "process.ioPriority", err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "process.ioPriority", "class", err)) ||
	    lookup(io_classes, ARRAY_SIZE(io_classes), f, "process.ioPriority.class", &class, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "priority")) && sj_int_range(f, "process.ioPriority.priority", 0, 7, &prio, err) < 0)
		return -EINVAL;
	io->present = true;
	io->class = class;
	io->priority = prio;
	return 0;
}

/* "0-3,7" -> bits; CPUs past the bitmap or malformed ranges fail naming the list. */
static int parse_cpu_list(yajl_val v, const char *path, uint64_t *bits, size_t nwords, struct error *err)
{
	cleanup_free char *list = NULL;
	const char *p;

	if (sj_string(v, path, &list, err) < 0)
		return -EINVAL;
	for (p = list; *p;) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p)
			return spec_fail(err, "%s: invalid CPU list \"%s\"", path, list);
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p || hi < lo)
				return spec_fail(err, "%s: invalid CPU list \"%s\"", path, list);
		}
		if (hi >= nwords * 64)
			return spec_fail(err, "%s: CPU %lu is beyond the %zu supported", path, hi, nwords * 64);
		for (unsigned long cpu = lo; cpu <= hi; cpu++)
			bits[cpu / 64] |= 1ull << (cpu % 64);
		if (*end == ',')
			end++;
		else if (*end)
			return spec_fail(err, "%s: invalid CPU list \"%s\"", path, list);
		p = end;
	}
	return 0;
}

static int parse_affinity(yajl_val v, struct spec_cpu_affinity *a, struct error *err)
{
	yajl_val f;

	if (sj_object(v, "process.execCPUAffinity", err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "initial"))) {
		if (parse_cpu_list(f, "process.execCPUAffinity.initial", a->initial, ARRAY_SIZE(a->initial), err) < 0)
			return -EINVAL;
		a->has_initial = true;
	}
	if ((f = sj_get(v, "final"))) {
		if (parse_cpu_list(f, "process.execCPUAffinity.final", a->final, ARRAY_SIZE(a->final), err) < 0)
			return -EINVAL;
		a->has_final = true;
	}
	return 0;
}

int spec_parse_sched(yajl_val process, struct spec_process *p, struct error *err)
{
	yajl_val f;

	if ((f = sj_get(process, "scheduler")) && parse_scheduler(f, &p->scheduler, err) < 0)
		return -EINVAL;
	if ((f = sj_get(process, "ioPriority")) && parse_io_priority(f, &p->io_priority, err) < 0)
		return -EINVAL;
	if ((f = sj_get(process, "execCPUAffinity")) && parse_affinity(f, &p->cpu_affinity, err) < 0)
		return -EINVAL;
	return 0;
}
