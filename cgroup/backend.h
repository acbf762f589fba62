/* Private to cgroup/: what a backend (v1.c, v2.c) implements for the front end in cgroup.c. */
#ifndef BERTH_CGROUP_BACKEND_H
#define BERTH_CGROUP_BACKEND_H

#include "cgroup/cgroup.h"

struct cgroup {
	const struct cgroup_backend *be;
	char *path;   /* "/berth/<id>": below the root of every hierarchy */
	int leaf_fd;  /* O_DIRECTORY fd of the cgroup2 leaf for CLONE_INTO_CGROUP: v2's, or the unified
		       * hierarchy's on a hybrid host; -1 when there is none */
	int created_levels; /* trailing components of path berth made (the most over v1 hierarchies) */
	bool leaf_existed;  /* create found the leaf already there (in some hierarchy): not ours below */
	void *priv;   /* the backend's own data (v1: its hierarchies) */
};

struct cgroup_backend {
	const char *name;
	/* Refuse, naming the field, what this backend or host cannot honour; no side effect. */
	int (*check)(const struct spec_resources *r, struct error *err);
	/* Make every missing level of cg->path (controllers enabled in each parent on v2), open the leaf.
	 * Set created_levels, so remove takes exactly those; on failure remove them. */
	int (*create)(struct cgroup *cg, struct error *err);
	/* Reopen an existing cgroup (-ENOENT when gone). */
	int (*open)(struct cgroup *cg, struct error *err);
	/* Write the fields set in r; update: a live change (memory checkBeforeUpdate applies). */
	int (*set)(struct cgroup *cg, const struct spec_resources *r, bool update, struct error *err);
	int (*enter)(const struct cgroup *cg, pid_t pid, struct error *err);
	/* Point the leaves at rel below them (checked: relative, no "." or ".."): in every hierarchy
	 * (ctrl NULL), or in the one of controller ctrl ("name=X" for a named one; v1 only). */
	int (*use_sub)(struct cgroup *cg, const char *ctrl, const char *rel, struct error *err);
	/* From the new process itself, single-threaded, in the hierarchies CLONE_INTO_CGROUP does not
	 * reach (v1); NULL when clone3 places it everywhere (v2). */
	int (*enter_self)(const struct cgroup *cg, struct error *err);
	int (*freeze)(struct cgroup *cg, bool freeze, struct error *err);
	int (*is_frozen)(const struct cgroup *cg);
	int (*pids)(const struct cgroup *cg, pid_t **pids, size_t *n, struct error *err);
	/* SIGKILL through cgroup.kill where the kernel has it; -ENOTSUP lets the front end signal pids. */
	int (*kill)(struct cgroup *cg, int sig, struct error *err);
	int (*stats)(const struct cgroup *cg, struct cgroup_stats *st, struct error *err);
	int (*oom_watch)(const struct cgroup *cg, int *fd, struct error *err);
	void (*oom_ack)(const struct cgroup *cg, int fd);
	int (*oom_kills)(const struct cgroup *cg, uint64_t *n, struct error *err);
	/* Thaw every cgroup below the leaf that the container froze itself (v1: a frozen task does not
	 * die of SIGKILL, and thawing a parent leaves a child frozen on its own); NULL: not needed. */
	int (*thaw_below)(struct cgroup *cg, struct error *err);
	/* rmdir the cgroups the container made below the leaf (deepest first), the leaf and the levels
	 * this container made (the cgroup is empty by now). */
	int (*remove)(struct cgroup *cg, struct error *err);
	void (*release)(struct cgroup *cg);
};

/* Every cgroup directory below dirfd, depth-first: pre before its children, post after (either NULL);
 * where names the directory in errors. */
typedef int (*cgroup_visit)(int parent, int sub, const char *name, const char *where, struct error *err);
int cgroup_walk_below(int dirfd, const char *where, cgroup_visit pre, cgroup_visit post, struct error *err);
/* rmdir every cgroup below dirfd, deepest first; where names dirfd in errors. */
int cgroup_rmdir_below(int dirfd, const char *where, struct error *err);

extern const struct cgroup_backend cgroup_v1_backend;
extern const struct cgroup_backend cgroup_v2_backend;

#endif
