/* Private to cgroup/v1*.c: the hierarchies of a v1 or hybrid host and the helpers the files share. */
#ifndef BERTH_CGROUP_V1_INTERNAL_H
#define BERTH_CGROUP_V1_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup/backend.h"

struct v1_hier {
	char *mnt;	/* mount point, for messages */
	char **ctrls;	/* v1: the controllers co-mounted here; unified: those its root offers; named: none */
	char *name;	/* a named hierarchy's name ("systemd" of name=systemd), else NULL */
	bool unified;	/* the cgroup2 mount of a hybrid host */
	int root_fd;	/* O_PATH of the hierarchy root */
	int leaf_fd;	/* the container's directory, -1 until created or opened */
	unsigned int major, minor; /* the superblock's device: one hierarchy mounted twice is kept once */
};

struct v1_host {
	struct v1_hier *h;
	size_t n;
};

/* The host's cgroup mounts (runtime/mount_table.h): every v1 mount (with controllers, or named like name=systemd: the
 * container gets its own cgroup there too, as runc does) and the cgroup2 mount; opens each root. */
int v1_host_probe(struct v1_host *host, struct error *err);
void v1_host_release(struct v1_host *host);

/* The v1 hierarchy carrying ctrl, else the unified one when ctrl is enabled there; NULL if none. */
struct v1_hier *v1_find(const struct v1_host *host, const char *ctrl);
/* The v1 hierarchy carrying ctrl (never the unified one). */
struct v1_hier *v1_find_legacy(const struct v1_host *host, const char *ctrl);
struct v1_hier *v1_find_unified(const struct v1_host *host);
bool v1_hier_has(const struct v1_hier *h, const char *ctrl);
/* s split at any of sep's characters, empty fields dropped; and membership in such a vector. */
char **v1_split(const char *s, const char *sep);
bool v1_strv_has(char *const *v, const char *s);

/* Read a small file of the leaf, trailing newline stripped. */
int v1_read(const struct v1_hier *h, const char *file, char **out);
int v1_read_u64(const struct v1_hier *h, const char *file, uint64_t *out);
/* "max" (v2 files) reads as UINT64_MAX. */
int v1_read_u64_or_max(const struct v1_hier *h, const char *file, uint64_t *out);
/* The value of `key` in a "key value" per line file. */
int v1_read_key(const struct v1_hier *h, const char *file, const char *key, uint64_t *out);
bool v1_file_exists(const struct v1_hier *h, const char *file);

/* Enable ctrl in the unified hierarchy's subtree_control of every ancestor of the leaf (hybrid). */
int v1_unified_enable(const struct cgroup *cg, struct v1_hier *u, const char *ctrl, struct error *err);

int v1_check(const struct spec_resources *r, struct error *err);
int v1_set(struct cgroup *cg, const struct spec_resources *r, bool update, struct error *err);
int v1_stats(const struct cgroup *cg, struct cgroup_stats *st, struct error *err);

#endif
