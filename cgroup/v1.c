/* The cgroup v1 backend, for legacy and hybrid hosts: one directory per hierarchy (plus the cgroup2
 * mount of a hybrid host, as runc does), kept open by fd. The hierarchies: v1_host.c; limits:
 * v1_set.c; statistics: v1_stats.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/convert.h"
#include "cgroup/v1_internal.h"
#include "runtime/log.h"
#include "runtime/util.h"

#define V1_FREEZE_TIMEOUT_MS 5000

/* cg->path without its leading '/', refusing what could climb out of a hierarchy. */
static int rel_path(const struct cgroup *cg, char ***comps, struct error *err)
{
	cleanup_strv char **v = NULL;

	if (!cg->path || cg->path[0] != '/')
		return error_set(err, EINVAL, "cgroup path \"%s\" is not absolute", cg->path ? cg->path : "");
	v = v1_split(cg->path, "/");
	if (!v[0])
		return error_set(err, EINVAL, "cgroup path \"%s\" is the root", cg->path);
	for (char **c = v; *c; c++)
		if (strcmp(*c, ".") == 0 || strcmp(*c, "..") == 0)
			return error_set(err, EINVAL, "cgroup path \"%s\": \"%s\" is not allowed", cg->path,
					 *c);
	*comps = steal_pointer(&v);
	return 0;
}

static struct v1_host *host_of(const struct cgroup *cg)
{
	return cg->priv;
}

static int write_leaf(const struct v1_hier *h, const char *file, const char *val)
{
	return h->leaf_fd < 0 ? -ENOENT : write_file_at(h->leaf_fd, file, val, strlen(val));
}

/* A new cpuset level is empty, and no task may join it until it has cpus and mems. */
static int cpuset_inherit(int parent_fd, int fd, const char *where, struct error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *mine = NULL, *theirs = NULL;
		int rc;

		rc = read_file_at(fd, files[i], &mine, NULL, 1 << 16);
		if (rc < 0)
			return error_set(err, -rc, "read %s/%s", where, files[i]);
		if (strspn(mine, " \n") != strlen(mine))
			continue;
		rc = read_file_at(parent_fd, files[i], &theirs, NULL, 1 << 16);
		if (rc >= 0)
			rc = write_file_at(fd, files[i], theirs, strlen(theirs));
		if (rc < 0)
			return error_set(err, -rc, "copy %s of the parent into %s", files[i], where);
	}
	return 0;
}

/* rmdir `levels` levels of comps in one hierarchy, from the one `depth` components deep up. */
static int remove_levels(const struct v1_hier *h, char *const *comps, size_t depth, int levels,
			 bool tolerate_busy, struct error *err)
{
	size_t n = depth;

	for (int i = 0; i < levels && (size_t)i < n; i++) {
		cleanup_free char *p = xstrdup("");

		for (size_t k = 0; k < n - i; k++) {
			char *q = xasprintf("%s%s%s", p, k ? "/" : "", comps[k]);

			free(p);
			p = q;
		}
		if (unlinkat(h->root_fd, p, AT_REMOVEDIR) == 0 || errno == ENOENT)
			continue;
		if (i > 0 && (errno == EBUSY || errno == ENOTEMPTY))
			return 0; /* a parent still used by another container */
		if (tolerate_busy)
			return 0;
		return error_sys(err, "rmdir %s/%s", h->mnt, p);
	}
	return 0;
}

/* Walk (and make, when create) every level in one hierarchy; *made counts the levels made, the last
 * one *depth components deep (all of them on success). */
static int walk_levels(struct v1_hier *h, char *const *comps, bool create, int *made, size_t *depth,
		       struct error *err)
{
	cleanup_close int fd = openat(h->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool cpuset = !h->unified && v1_hier_has(h, "cpuset");
	cleanup_free char *where = xstrdup(h->mnt);

	*made = 0;
	*depth = 0;
	if (fd < 0)
		return error_sys(err, "open %s", h->mnt);

	for (size_t i = 0; comps[i]; i++) {
		cleanup_close int next = -1;
		char *w = xasprintf("%s/%s", where, comps[i]);

		free(where);
		where = w;
		if (create) {
			if (mkdirat(fd, comps[i], 0755) == 0) {
				(*made)++;
				*depth = i + 1;
			}
			else if (errno != EEXIST)
				return error_sys(err, "mkdir %s", where);
		}
		next = openat(fd, comps[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (next < 0)
			return error_sys(err, "open %s", where);
		if (create && *made > 0 && cpuset) {
			int rc = cpuset_inherit(fd, next, where, err);

			if (rc < 0)
				return rc;
		}
		close_quietly(fd);
		fd = steal_fd(&next);
	}
	h->leaf_fd = steal_fd(&fd);
	return 0;
}

static int v1_create_or_open(struct cgroup *cg, bool create, struct error *err)
{
	cleanup_strv char **comps = NULL;
	struct v1_host *host = xzalloc(sizeof(*host));
	cleanup_free int *made = NULL;
	cleanup_free size_t *depth = NULL;
	int rc, most = 0;
	size_t found = 0;

	rc = rel_path(cg, &comps, err);
	if (rc < 0) {
		free(host);
		return rc;
	}
	rc = v1_host_probe(host, err);
	if (rc < 0) {
		free(host);
		return rc;
	}
	made = xzalloc(host->n * sizeof(int));
	depth = xzalloc(host->n * sizeof(size_t));
	for (size_t i = 0; i < host->n; i++) {
		rc = walk_levels(&host->h[i], comps, create, &made[i], &depth[i], err);
		/* gone from one hierarchy (a delete that failed halfway, a hierarchy mounted since): the
		 * others are still the container's, and delete must drain and remove them */
		if (rc == -ENOENT && !create) {
			log_debug("cgroup %s: not in %s", cg->path, host->h[i].mnt);
			continue;
		}
		if (rc >= 0)
			found++;
		if (rc < 0) {
			if (create) {
				for (size_t k = 0; k <= i; k++) {
					struct error ignored = { 0 };

					close_quietly(host->h[k].leaf_fd);
					host->h[k].leaf_fd = -1;
					remove_levels(&host->h[k], comps, depth[k], made[k], true, &ignored);
				}
			}
			v1_host_release(host);
			free(host);
			/* the front end names the cgroup on create */
			return create ? rc : error_prefix(err, "open cgroup %s", cg->path);
		}
		if (made[i] > most)
			most = made[i];
		if (create && made[i] == 0)
			cg->leaf_existed = true;
	}
	if (!create && found == 0) {
		v1_host_release(host);
		free(host);
		return error_set(err, ENOENT, "open cgroup %s: in no hierarchy", cg->path);
	}
	if (create)
		cg->created_levels = most;
	struct v1_hier *u = v1_find_unified(host);

	cg->leaf_fd = u && u->leaf_fd >= 0 ? fcntl(u->leaf_fd, F_DUPFD_CLOEXEC, 3) : -1;
	cg->priv = host;
	return 0;
}

static int v1_create(struct cgroup *cg, struct error *err)
{
	return v1_create_or_open(cg, true, err);
}

static int v1_open(struct cgroup *cg, struct error *err)
{
	return v1_create_or_open(cg, false, err);
}

int v1_unified_enable(const struct cgroup *cg, struct v1_hier *u, const char *ctrl, struct error *err)
{
	cleanup_strv char **comps = NULL;
	cleanup_free char *cmd = xasprintf("+%s", ctrl);
	cleanup_close int fd = openat(u->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return error_sys(err, "open %s", u->mnt);
	rc = rel_path(cg, &comps, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; comps[i]; i++) {
		cleanup_free char *cur = NULL;
		int next;

		if (read_file_at(fd, "cgroup.subtree_control", &cur, NULL, 4096) >= 0) {
			cleanup_strv char **on = v1_split(cur, " \n");

			if (!v1_strv_has(on, ctrl)) {
				rc = write_file_at(fd, "cgroup.subtree_control", cmd, strlen(cmd));
				if (rc < 0)
					return error_set(err, -rc, "enable %s in %s (level %zu of %s)", ctrl,
							 u->mnt, i, cg->path);
			}
		}
		next = openat(fd, comps[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (next < 0)
			return error_sys(err, "open %s%s", u->mnt, cg->path);
		close_quietly(fd);
		fd = next;
	}
	return 0;
}

static int v1_enter(const struct cgroup *cg, pid_t pid, struct error *err)
{
	struct v1_host *host = host_of(cg);
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < host->n; i++) {
		int rc;

		if (host->h[i].leaf_fd < 0)
			continue; /* not in this hierarchy (see v1_create_or_open) */
		rc = write_leaf(&host->h[i], "cgroup.procs", buf);

		if (rc < 0)
			return error_set(err, -rc, "move pid %d into %s%s/cgroup.procs", (int)pid,
					 host->h[i].mnt, cg->path);
	}
	return 0;
}

/* "0" moves only the calling thread, which the kernel does without the global threadgroup lock that a
 * pid written by another process takes (and its RCU grace period). Our caller is single-threaded, so
 * the thread is the process. The unified hierarchy of a hybrid host is left to CLONE_INTO_CGROUP. */
static int v1_enter_self(const struct cgroup *cg, struct error *err)
{
	struct v1_host *host = host_of(cg);

	for (size_t i = 0; i < host->n; i++) {
		int rc;

		if (host->h[i].unified || host->h[i].leaf_fd < 0)
			continue;
		if ((rc = write_leaf(&host->h[i], "tasks", "0")) < 0)
			return error_set(err, -rc, "enter %s%s/tasks", host->h[i].mnt, cg->path);
	}
	return 0;
}

static bool cpuset_empty(int fd)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *v = NULL;

		if (read_file_at(fd, files[i], &v, NULL, 1 << 16) >= 0 && strspn(v, " \n") == strlen(v))
			return true;
	}
	return false;
}

static bool hier_matches(const struct v1_hier *h, const char *ctrl)
{
	if (strncmp(ctrl, "name=", 5) == 0)
		return h->name && !strcmp(h->name, ctrl + 5);
	return !h->unified && v1_hier_has(h, ctrl);
}

/* Every hierarchy (ctrl NULL) must have rel, except the named and unified ones, which keep the
 * container's own cgroup where the container made no such sub-cgroup. */
static int v1_use_sub(struct cgroup *cg, const char *ctrl, const char *rel, struct error *err)
{
	struct v1_host *host = host_of(cg);
	bool found = false;

	for (size_t i = 0; i < host->n; i++) {
		struct v1_hier *h = &host->h[i];
		int fd;

		if (ctrl && !hier_matches(h, ctrl))
			continue;
		found = true;
		if (h->leaf_fd < 0)
			continue;
		fd = openat(h->leaf_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno == ENOENT && !ctrl && (h->unified || !h->ctrls[0]))
			continue;
		if (fd < 0)
			return error_sys(err, "open cgroup %s%s/%s", h->mnt, cg->path, rel);
		if (v1_hier_has(h, "cpuset") && !h->unified && cpuset_empty(fd)) {
			close(fd);
			/* the kernel's ENOSPC at the move would not say why */
			return error_set(err, 0, "cgroup %s%s/%s has no cpuset.cpus or cpuset.mems (copy its "
					 "parent's first)", h->mnt, cg->path, rel);
		}
		close(h->leaf_fd);
		h->leaf_fd = fd;
		if (h->unified) {
			close_quietly(cg->leaf_fd);
			cg->leaf_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		}
	}
	if (!found)
		return error_set(err, ENOENT, "no cgroup hierarchy of controller %s", ctrl);
	return 0;
}

static struct v1_hier *freezer_of(const struct cgroup *cg, struct error *err)
{
	struct v1_hier *h = v1_find_legacy(host_of(cg), "freezer");

	if (!h && err)
		error_set(err, ENOTSUP, "freeze %s: the freezer controller is not mounted", cg->path);
	return h;
}

static int v1_freeze(struct cgroup *cg, bool freeze, struct error *err)
{
	struct v1_hier *h = freezer_of(cg, err);
	const char *want = freeze ? "FROZEN" : "THAWED";
	long deadline = monotonic_ms() + V1_FREEZE_TIMEOUT_MS;
	int rc;

	if (!h)
		return -ENOTSUP;
	for (;;) {
		cleanup_free char *state = NULL;

		/* written again each round: a task forked while FREEZING may need another pass */
		rc = write_leaf(h, "freezer.state", want);
		if (rc < 0)
			return error_set(err, -rc, "write %s%s/freezer.state", h->mnt, cg->path);
		rc = v1_read(h, "freezer.state", &state);
		if (rc < 0)
			return error_set(err, -rc, "read %s%s/freezer.state", h->mnt, cg->path);
		if (strcmp(state, want) == 0)
			return 0;
		if (monotonic_ms() > deadline) {
			if (freeze)
				write_leaf(h, "freezer.state", "THAWED");
			return error_set(err, EBUSY, "%s cgroup %s: still %s after %d s",
					 freeze ? "freeze" : "thaw", cg->path, state,
					 V1_FREEZE_TIMEOUT_MS / 1000);
		}
		usleep(10000);
	}
}

static int v1_is_frozen(const struct cgroup *cg)
{
	struct v1_hier *h = freezer_of(cg, NULL);
	cleanup_free char *state = NULL;
	int rc;

	if (!h)
		return -ENOTSUP;
	rc = v1_read(h, "freezer.state", &state);
	if (rc < 0)
		return rc;
	return strcmp(state, "FROZEN") == 0;
}

static int collect_pids(int dirfd, pid_t **pids, size_t *n, size_t *cap, int depth)
{
	cleanup_free char *buf = NULL;
	cleanup_dir DIR *d = NULL;
	struct dirent *e;
	int rc, fd;

	if (depth > 64)
		return -ELOOP;
	rc = read_file_at(dirfd, "cgroup.procs", &buf, NULL, 1 << 24);
	if (rc < 0)
		return rc;
	for (char *s = buf, *end; *s; s = end) {
		long v = strtol(s, &end, 10);

		if (end == s)
			break;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*pids = xrealloc(*pids, *cap * sizeof(pid_t));
		}
		(*pids)[(*n)++] = (pid_t)v;
	}
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close_quietly(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		cleanup_close int sub = -1;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue; /* removed meanwhile */
		rc = collect_pids(sub, pids, n, cap, depth + 1);
		if (rc < 0 && rc != -ENOENT)
			return rc;
	}
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Every hierarchy: a process moved (or left) in one of them only is still the container's. */
static int v1_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct error *err)
{
	struct v1_host *host = host_of(cg);
	size_t cap = 0, w = 0;
	int rc;

	*pids = NULL;
	*n = 0;
	for (size_t i = 0; i < host->n; i++) {
		struct v1_hier *h = &host->h[i];

		if (h->leaf_fd < 0)
			continue;
		rc = collect_pids(h->leaf_fd, pids, n, &cap, 0);
		if (rc < 0) {
			free(*pids);
			*pids = NULL;
			*n = 0;
			return error_set(err, -rc, "list the pids of %s%s", h->mnt, cg->path);
		}
	}
	if (*n == 0)
		return 0;
	qsort(*pids, *n, sizeof(pid_t), cmp_pid);
	for (size_t i = 0; i < *n; i++)
		if (w == 0 || (*pids)[w - 1] != (*pids)[i])
			(*pids)[w++] = (*pids)[i];
	*n = w;
	return 0;
}

/* freezer.state THAWED in one cgroup below the leaf (a child frozen on its own stays frozen when its
 * parent thaws). */
static int thaw_one(int parent, int sub, const char *name, const char *where, struct error *err)
{
	int rc = write_file_at(sub, "freezer.state", "THAWED", 6);

	(void)parent;
	(void)name;
	if (rc < 0 && rc != -ENOENT)
		return error_set(err, -rc, "thaw %s", where);
	return 0;
}

static int v1_thaw_below(struct cgroup *cg, struct error *err)
{
	struct v1_hier *h = freezer_of(cg, NULL);
	cleanup_free char *where = NULL;

	if (!h || h->leaf_fd < 0)
		return 0;
	where = xasprintf("%s%s", h->mnt, cg->path);
	return cgroup_walk_below(h->leaf_fd, where, thaw_one, NULL, err);
}

static int v1_kill(struct cgroup *cg, int sig, struct error *err)
{
	(void)cg;
	(void)sig;
	(void)err;
	return -ENOTSUP; /* no cgroup.kill in v1: the front end freezes, signals each pid, thaws */
}

static struct v1_hier *memory_of(const struct cgroup *cg, const char *what, struct error *err)
{
	struct v1_hier *h = v1_find_legacy(host_of(cg), "memory");

	if (!h)
		error_set(err, ENOTSUP, "%s of %s: the memory controller is not mounted", what, cg->path);
	return h;
}

static int v1_oom_watch(const struct cgroup *cg, int *fd, struct error *err)
{
	struct v1_hier *h = memory_of(cg, "watch OOM events", err);
	cleanup_close int efd = -1, ofd = -1;
	char buf[64];
	int rc;

	if (!h)
		return -ENOTSUP;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return error_sys(err, "eventfd");
	ofd = openat(h->leaf_fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return error_sys(err, "open %s%s/memory.oom_control", h->mnt, cg->path);
	snprintf(buf, sizeof(buf), "%d %d", efd, ofd);
	rc = write_leaf(h, "cgroup.event_control", buf);
	if (rc < 0)
		return error_set(err, -rc, "register an OOM eventfd in %s%s/cgroup.event_control", h->mnt,
				 cg->path);
	*fd = steal_fd(&efd);
	return 0;
}

static void v1_oom_ack(const struct cgroup *cg, int fd)
{
	uint64_t v;

	(void)cg;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_debug("read the OOM eventfd: %s", strerror(errno));
}

static int v1_oom_kills(const struct cgroup *cg, uint64_t *n, struct error *err)
{
	struct v1_hier *h = memory_of(cg, "count OOM kills", err);
	int rc;

	if (!h)
		return -ENOTSUP;
	rc = v1_read_key(h, "memory.oom_control", "oom_kill", n);
	if (rc == -ENOENT) { /* kernels before 4.13 do not count */
		*n = 0;
		return 0;
	}
	if (rc < 0)
		return error_set(err, -rc, "read %s%s/memory.oom_control", h->mnt, cg->path);
	return 0;
}

static int v1_remove(struct cgroup *cg, struct error *err)
{
	struct v1_host *host = host_of(cg);
	cleanup_strv char **comps = NULL;
	int rc, first = 0;

	rc = rel_path(cg, &comps, err);
	if (rc < 0)
		return rc;
	/* what the container made below its own cgroup goes first, deepest first */
	for (size_t i = 0; i < host->n && cg->created_levels > 0 && !cg->leaf_existed; i++) {
		cleanup_free char *where = xasprintf("%s%s", host->h[i].mnt, cg->path);
		struct error e = { 0 };

		if (host->h[i].leaf_fd >= 0 && (rc = cgroup_rmdir_below(host->h[i].leaf_fd, where, &e)) < 0 &&
		    first == 0) {
			first = rc;
			*err = e;
		}
	}
	for (size_t i = 0; i < host->n; i++) {
		close_quietly(host->h[i].leaf_fd);
		host->h[i].leaf_fd = -1;
	}
	/* every hierarchy is tried, the first failure reported */
	for (size_t i = 0; i < host->n; i++) {
		struct error e = { 0 };
		int levels = cg->created_levels > 0 ? cg->created_levels : 0;

		rc = remove_levels(&host->h[i], comps, strv_length(comps), levels, false, &e);
		if (rc < 0 && first == 0) {
			first = rc;
			*err = e;
		}
	}
	return first ? error_prefix(err, "remove cgroup %s", cg->path) : 0;
}

static void v1_release(struct cgroup *cg)
{
	struct v1_host *host = host_of(cg);

	if (!host)
		return;
	v1_host_release(host);
	free(host);
	cg->priv = NULL;
}

const struct cgroup_backend cgroup_v1_backend = {
	.name = "v1",
	.check = v1_check,
	.create = v1_create,
	.open = v1_open,
	.set = v1_set,
	.enter = v1_enter,
	.enter_self = v1_enter_self,
	.use_sub = v1_use_sub,
	.freeze = v1_freeze,
	.is_frozen = v1_is_frozen,
	.pids = v1_pids,
	.kill = v1_kill,
	.stats = v1_stats,
	.oom_watch = v1_oom_watch,
	.oom_ack = v1_oom_ack,
	.oom_kills = v1_oom_kills,
	.thaw_below = v1_thaw_below,
	.remove = v1_remove,
	.release = v1_release,
};
