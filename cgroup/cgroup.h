/* The container's cgroup: one interface, two backends (v2 unified; v1 legacy or hybrid) chosen by
 * probing the host at run time. Nothing outside cgroup/ knows which one is in use. */
#ifndef BERTH_CGROUP_H
#define BERTH_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/spec_resources.h"

enum cgroup_manager {
	CGROUP_MANAGER_CGROUPFS,
	CGROUP_MANAGER_SYSTEMD, /* systemd-style cgroupsPath, mapped onto cgroupfs (see cgroup_path_resolve) */
	CGROUP_MANAGER_DISABLED,
};

/* "cgroupfs", "systemd", "disabled" -> manager; -EINVAL naming the value otherwise. */
int cgroup_manager_parse(const char *name, enum cgroup_manager *out, struct error *err);

/* The cgroup path (below each hierarchy's root, starting with '/') for a container:
 *  cgroupfs: absolute cgroupsPath as is; relative below "/berth"; absent: "/berth/<id>".
 *  systemd:  "slice:prefix:name" -> "/<slice path>/<prefix>-<name>.scope"; absent:
 *            "system.slice:berth:<id>". A path not in that form fails naming it. */
int cgroup_path_resolve(enum cgroup_manager m, const char *cgroups_path, const char *id, char **out,
			struct error *err);

struct cgroup;

/* Probe the host, refuse what this backend cannot honour (naming the field), create every level of
 * path with the controllers enabled on the way, and apply r (NULL: no limits). On failure nothing
 * berth created is left. */
int cgroup_create(const char *path, const struct spec_resources *r, struct cgroup **out, struct error *err);
/* An existing container cgroup, by the path cgroup_create was given and the count of trailing levels
 * it made (both kept in the state). */
int cgroup_open(const char *path, int created_levels, struct cgroup **out, struct error *err);
int cgroup_created_levels(const struct cgroup *cg);
void cgroup_free(struct cgroup *cg);

/* "v1" or "v2" */
const char *cgroup_backend_name(const struct cgroup *cg);

/* How a new process gets into the cgroup: clone3 with CLONE_INTO_CGROUP into *clone_fd (-1: not at
 * all; owned by cg), then either the child calls cgroup_enter_self() before anything else (*self),
 * or the parent calls cgroup_enter() while the child waits (*parent). can_self: the child keeps the
 * host's credentials (no new user namespace), so it may write to the host's cgroup files. */
void cgroup_spawn_plan(const struct cgroup *cg, bool can_self, int *clone_fd, bool *self, bool *parent);
/* Move pid (and so its future children) into the container cgroup, in every hierarchy. */
int cgroup_enter(const struct cgroup *cg, pid_t pid, struct error *err);
/* The calling process, single-threaded, moves itself where clone3 did not put it. On v1 this is
 * "0" into each hierarchy's tasks, which the kernel does without its global threadgroup lock; a
 * parent writing the pid instead waits for an RCU grace period (milliseconds). */
int cgroup_enter_self(const struct cgroup *cg, struct error *err);

/* exec --cgroup, as runc 1.2: each spec "PATH" (every hierarchy) or "CTRL[,CTRL...]:PATH" (v1) names
 * an existing cgroup below the container's; cg's leaves then point there, so a process spawned
 * with cg lands in it. NULL-terminated specs. */
int cgroup_use_sub(struct cgroup *cg, char *const *specs, struct error *err);

/* Apply a change to a live cgroup (berth update): only the fields set in r. */
int cgroup_update(struct cgroup *cg, const struct spec_resources *r, struct error *err);

/* Freeze (waiting until every task is frozen) or thaw. */
int cgroup_freeze(struct cgroup *cg, bool freeze, struct error *err);
/* 1 frozen, 0 not, negative errno when it cannot be told. */
int cgroup_is_frozen(const struct cgroup *cg);

/* The pids in the cgroup (and its descendants), malloc'ed. */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct error *err);
/* Signal every process: cgroup.kill for SIGKILL on v2, else each pid (frozen first so none forks). */
int cgroup_kill_all(struct cgroup *cg, int sig, struct error *err);

/* Remove the cgroup: SIGKILL what is left, wait (bounded) for it to go, rmdir the leaf and the
 * levels this container created. Never touches cgroups berth did not create. */
int cgroup_destroy(struct cgroup *cg, struct error *err);

struct cgroup_blkio_entry {
	uint32_t major, minor;
	const char *op; /* "Read", "Write", "Sync", "Async", "Discard", "Total" (static strings) */
	uint64_t value;
};

struct cgroup_hugetlb_stat {
	char page_size[16]; /* "2MB" */
	uint64_t usage, max, failcnt;
};

struct cgroup_kv_u64 {
	char *key;
	uint64_t value;
};

/* What `berth events --stats` reports, in runc's terms; a field the host cannot tell stays 0. */
struct cgroup_stats {
	uint64_t cpu_total, cpu_user, cpu_kernel; /* ns */
	uint64_t *cpu_percpu;			  /* ns, v1 only */
	size_t n_cpu_percpu;
	uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_time; /* time in ns */
	uint64_t mem_usage, mem_max_usage, mem_limit, mem_failcnt;
	uint64_t swap_usage, swap_limit;
	struct cgroup_kv_u64 *mem_raw; /* memory.stat */
	size_t n_mem_raw;
	uint64_t pids_current, pids_limit; /* limit 0: max */
	struct cgroup_blkio_entry *io_service_bytes, *io_serviced;
	size_t n_io_service_bytes, n_io_serviced;
	struct cgroup_hugetlb_stat *hugetlb;
	size_t n_hugetlb;
	uint64_t oom_kills; /* memory.events oom_kill (v2) or memory.oom_control oom_kill (v1) */
};

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st, struct error *err);
void cgroup_stats_release(struct cgroup_stats *st);

/* A pollable fd (POLLIN/POLLPRI) that wakes on memory events; read the count with cgroup_oom_kills.
 * v2: memory.events (POLLPRI); v1: an eventfd registered on memory.oom_control. Owned by the caller. */
int cgroup_oom_watch(const struct cgroup *cg, int *fd, struct error *err);
/* Acknowledge a wake-up of the oom fd (v1 reads the eventfd; v2 no-op). */
void cgroup_oom_ack(const struct cgroup *cg, int fd);
int cgroup_oom_kills(const struct cgroup *cg, uint64_t *n, struct error *err);

/* Tenants (cgroup/tenant.c): the names of the child cgroups of path (-ENOENT when path is absent),
 * and whether the cgroup at path or below it holds a process (1, 0, or a negative errno). */
int cgroup_children(const char *path, char ***names, struct error *err);
int cgroup_populated(const char *path, struct error *err);

#endif
