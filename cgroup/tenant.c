/* What tenants need of cgroup/ beyond a container's cgroup: the child cgroups of a tenant's level
 * and whether each holds processes (the admission count comes from these, not from a counter). */
#include "cgroup/v1_internal.h"
#include "cgroup/v2_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "runtime/util.h"

/* The host directory of path in one hierarchy: v2's, else the v1 one carrying pids (or memory). */
static char *host_dir(const char *path, struct error *err)
{
	struct v1_host host = { 0 };
	struct v1_hier *h;
	struct statfs sfs;
	char *dir;

	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		return xasprintf("%s%s", cgroup_v2_root, path);
	if (v1_host_probe(&host, err) < 0)
		return NULL;
	h = v1_find_legacy(&host, "pids");
	if (!h)
		h = v1_find_legacy(&host, "memory");
	if (!h) {
		error_set(err, ENOTSUP, "cgroups: no pids or memory hierarchy");
		v1_host_release(&host);
		return NULL;
	}
	dir = xasprintf("%s%s", h->mnt, path);
	v1_host_release(&host);
	return dir;
}

int cgroup_children(const char *path, char ***names, struct error *err)
{
	cleanup_free char *dir = host_dir(path, err);
	char **v = xzalloc(sizeof(*v));
	size_t n = 0;
	struct dirent *e;

	*names = v;
	if (!dir)
		return -err->errnum;
	cleanup_dir DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? -ENOENT : error_sys(err, "%s", dir);
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xstrdup(e->d_name);
		v[n] = NULL;
	}
	*names = v;
	return 0;
}

int cgroup_populated(const char *path, struct error *err)
{
	struct cgroup *cg = NULL;
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	int r;

	if ((r = cgroup_open(path, 0, &cg, err)) < 0)
		return r;
	r = cgroup_pids(cg, &pids, &n, err);
	cgroup_free(cg);
	return r < 0 ? r : n > 0;
}
