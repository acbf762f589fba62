/* Scheduling of a container process: process.scheduler, ioPriority and execCPUAffinity. */
#ifndef BERTH_SCHED_H
#define BERTH_SCHED_H

#include "runtime/error.h"
#include "runtime/spec.h"

/* sched_setattr and ioprio_set on the caller; call while CAP_SYS_NICE is still held. */
int sched_apply(const struct spec_process *p, struct error *err);

/* sched_setaffinity of the caller to execCPUAffinity.initial or .final (exec'd processes only: the
 * runtime-spec does not apply it to the init). */
int sched_apply_affinity(const struct spec_cpu_affinity *a, bool final, struct error *err);

#endif
