#include "runtime/sched.h"

#include <errno.h>
#include <stdint.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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
			return error_sys(err, "process.scheduler");
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
