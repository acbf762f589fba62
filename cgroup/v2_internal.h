/* Private to the v2 backend (v2.c, v2_set.c, v2_stats.c). */
#ifndef BERTH_CGROUP_V2_INTERNAL_H
#define BERTH_CGROUP_V2_INTERNAL_H

#include <stdbool.h>

#include "cgroup/backend.h"

/* Where the unified hierarchy berth uses is mounted: "/sys/fs/cgroup". Tests on a hybrid host point
 * it at "/sys/fs/cgroup/unified". */
extern const char *cgroup_v2_root;

/* The leaf directory's host path (for messages and inotify), kept in cg->priv. */
const char *v2_dir(const struct cgroup *cg);

/* Read a file of the leaf (NUL-terminated, malloc'ed); -errno. */
int v2_read(const struct cgroup *cg, const char *file, char **out);
bool v2_has_file(const struct cgroup *cg, const char *file);

int v2_check(const struct spec_resources *r, struct error *err);
int v2_set(struct cgroup *cg, const struct spec_resources *r, bool update, struct error *err);
int v2_stats(const struct cgroup *cg, struct cgroup_stats *st, struct error *err);

#endif
