#include "runtime/sched.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/util.h"

/* <linux/sched/types.h> clashes with glibc's <sched.h>; this is its sched_attr (sched_setattr(2)) */
struct sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

static unsigned long long sysctl_us(const char *name, unsigned long long dflt)
{
	cleanup_free char *path = xasprintf("/proc/sys/kernel/%s", name), *text = NULL;
	unsigned long long v;

	if (read_file_at(AT_FDCWD, path, &text, NULL, 64) < 0 || sscanf(text, "%llu", &v) != 1)
		return dflt;
	return v;
}

/* The fields were checked at parse time (spec_sched.c): what is left is the host's to refuse. */
static int sched_error(const struct spec_scheduler *s, struct error *err)
{
	unsigned long long period = s->period ? s->period : s->deadline;
	unsigned long long lo, hi;
	int e = errno;

	if (s->policy != SCHED_DEADLINE)
		return error_set(err, e, "process.scheduler");
	switch (e) {
	case EINVAL:
		lo = sysctl_us("sched_deadline_period_min_us", 100);
		hi = sysctl_us("sched_deadline_period_max_us", 4194304);
		if (period < lo * 1000 || period > hi * 1000)
			return error_set(err, EINVAL, "process.scheduler.%s: %llu ns is outside the host's range "
					 "%llu..%llu us (kernel.sched_deadline_period_min_us, _max_us)",
					 s->period ? "period" : "deadline", period, lo, hi);
		break;
	case EBUSY:
		return error_set(err, EBUSY, "process.scheduler: SCHED_DEADLINE runtime %llu ns per %llu ns is more "
				 "than the host's admission control leaves (kernel.sched_rt_runtime_us)",
				 (unsigned long long)s->runtime, period);
	case EPERM:
		return error_set(err, EPERM, "process.scheduler: SCHED_DEADLINE needs CAP_SYS_NICE and a CPU "
				 "affinity covering the whole root domain");
	}
	return error_set(err, e, "process.scheduler");
}

int sched_apply(const struct spec_process *p, struct error *err)
{
	const struct spec_scheduler *s = &p->scheduler;

	if (s->present) {
		struct sched_attr attr = {
			.size = sizeof(attr),
			.sched_policy = s->policy,
			.sched_flags = s->flags,
			.sched_nice = s->nice,
			.sched_priority = s->priority,
			.sched_runtime = s->runtime,
			.sched_deadline = s->deadline,
			.sched_period = s->period,
		};

		if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
			return sched_error(s, err);
	}
	if (p->io_priority.present) {
		int value = (p->io_priority.class << IOPRIO_CLASS_SHIFT) | p->io_priority.priority;

		if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
			return error_sys(err, "process.ioPriority");
	}
	return 0;
}

int sched_apply_affinity(const struct spec_cpu_affinity *a, bool final, struct error *err)
{
	const uint64_t *bits = final ? a->final : a->initial;
	cpu_set_t set;

	if (!(final ? a->has_final : a->has_initial))
		return 0;
	CPU_ZERO(&set);
	for (size_t cpu = 0; cpu < sizeof(a->initial) * 8 && cpu < CPU_SETSIZE; cpu++)
		if (bits[cpu / 64] & (1ull << (cpu % 64)))
			CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return error_sys(err, "process.execCPUAffinity.%s", final ? "final" : "initial");
	return 0;
}
