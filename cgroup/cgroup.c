/* The front end of cgroup/: picks the backend by probing the host and holds the logic both share
 * (kill-all by pids, the bounded wait before removal). */
#include "cgroup/backend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "runtime/log.h"
#include "runtime/util.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
/* How long delete waits for the killed processes to leave before giving up. */
#define DRAIN_TIMEOUT_MS 5000

static const struct cgroup_backend *probe_backend(struct error *err)
{
	struct statfs sfs;

	if (statfs(CGROUP_ROOT, &sfs) < 0) {
		error_sys(err, "cgroups: statfs %s", CGROUP_ROOT);
		return NULL;
	}
	if (sfs.f_type == CGROUP2_SUPER_MAGIC)
		return &cgroup_v2_backend;
	if (sfs.f_type == TMPFS_MAGIC)
		return &cgroup_v1_backend;
	error_set(err, ENOTSUP, "cgroups: %s is neither cgroup2 nor a tmpfs of v1 hierarchies", CGROUP_ROOT);
	return NULL;
}

static struct cgroup *cgroup_new(const struct cgroup_backend *be, const char *path)
{
	struct cgroup *cg = xzalloc(sizeof(*cg));

	cg->be = be;
	cg->path = xstrdup(path);
	cg->leaf_fd = -1;
	return cg;
}

/* A path berth writes below every hierarchy: absolute, no "." or ".." component, no "//". */
static int check_path(const char *path, struct error *err)
{
	if (path[0] != '/' || !path[1])
		return error_set(err, EINVAL, "cgroup path \"%s\": must be absolute and not the root", path);
	for (const char *c = path; *c;) {
		const char *end = strchrnul(++c, '/');
		size_t len = end - c;

		if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return error_set(err, EINVAL, "cgroup path \"%s\": empty, \".\" or \"..\" component", path);
		c = end;
	}
	return 0;
}

static int check_empty(struct cgroup *cg, struct error *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	int r = cg->be->pids(cg, &pids, &n, err);

	if (r < 0)
		return error_prefix(err, "cgroup %s", cg->path);
	if (n > 0)
		return error_set(err, 0, "cgroup %s is not empty: %zu process(es) there already (pid %d), "
				 "another container's?", cg->path, n, (int)pids[0]);
	return 0;
}

int cgroup_create(const char *path, const struct spec_resources *r, struct cgroup **out, struct error *err)
{
	const struct cgroup_backend *be = probe_backend(err);
	struct cgroup *cg;
	int ret;

	if (!be)
		return -err->errnum;
	if ((ret = check_path(path, err)) < 0)
		return ret;
	if (r && (ret = be->check(r, err)) < 0)
		return ret;
	cg = cgroup_new(be, path);
	if ((ret = be->create(cg, err)) < 0) {
		cgroup_free(cg);
		return error_prefix(err, "cgroup %s", path);
	}
	/* as runc: a cgroup with processes is another container's (deleting ours would kill them) */
	if (cg->leaf_existed && (ret = check_empty(cg, err)) < 0) {
		struct error ignored = { 0 };

		be->remove(cg, &ignored); /* only levels made now: the leaf was there */
		cgroup_free(cg);
		return ret;
	}
	if (r && (ret = be->set(cg, r, false, err)) < 0) {
		struct error ignored = { 0 };

		be->remove(cg, &ignored);
		cgroup_free(cg);
		return ret;
	}
	*out = cg;
	return 0;
}

int cgroup_open(const char *path, int created_levels, struct cgroup **out, struct error *err)
{
	const struct cgroup_backend *be = probe_backend(err);
	struct cgroup *cg;
	int r;

	if (!be)
		return -err->errnum;
	if ((r = check_path(path, err)) < 0)
		return r;
	cg = cgroup_new(be, path);
	cg->created_levels = created_levels;
	if ((r = be->open(cg, err)) < 0) {
		cgroup_free(cg);
		return r;
	}
	*out = cg;
	return 0;
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	if (cg->be->release)
		cg->be->release(cg);
	close_quietly(cg->leaf_fd);
	free(cg->path);
	free(cg);
}

const char *cgroup_backend_name(const struct cgroup *cg)
{
	return cg->be->name;
}

int cgroup_created_levels(const struct cgroup *cg)
{
	return cg->created_levels;
}

void cgroup_spawn_plan(const struct cgroup *cg, bool can_self, int *clone_fd, bool *self, bool *parent)
{
	*self = cg->be->enter_self && can_self;
	*parent = cg->be->enter_self && !can_self;
	/* a parent writing the pid covers every hierarchy, the unified one too */
	*clone_fd = *parent ? -1 : cg->leaf_fd;
}

int cgroup_enter_self(const struct cgroup *cg, struct error *err)
{
	return cg->be->enter_self ? cg->be->enter_self(cg, err) : 0;
}

int cgroup_enter(const struct cgroup *cg, pid_t pid, struct error *err)
{
	return cg->be->enter(cg, pid, err);
}

/* A sub-cgroup path: relative to the container's cgroup (a leading '/' means the same), no ".", ".."
 * or empty component. *rel points into path; "" is the container's own cgroup. */
static int sub_path(const char *spec, const char *path, const char **rel, struct error *err)
{
	path += strspn(path, "/");
	*rel = path;
	for (const char *c = path; *c;) {
		const char *end = strchrnul(c, '/');
		size_t len = end - c;

		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.') ||
		    (len == 0 && *end))
			return error_set(err, EINVAL, "--cgroup %s: a path below the container's cgroup, "
					 "without \".\", \"..\" or an empty component", spec);
		c = *end ? end + 1 : end;
	}
	return 0;
}

int cgroup_use_sub(struct cgroup *cg, char *const *specs, struct error *err)
{
	cleanup_strv char **seen = xzalloc(sizeof(char *));
	bool plain = false;
	int r;

	for (char *const *s = specs; s && *s; s++) {
		const char *colon = strchr(*s, ':'), *rel;

		if (!colon) {
			if (plain || specs[1])
				return error_set(err, EINVAL, "--cgroup %s: a path for every controller cannot "
						 "be combined with another --cgroup", *s);
			plain = true;
			if ((r = sub_path(*s, *s, &rel, err)) < 0)
				return r;
			if (*rel && (r = cg->be->use_sub(cg, NULL, rel, err)) < 0)
				return error_prefix(err, "--cgroup %s", *s);
			continue;
		}
		if ((r = sub_path(*s, colon + 1, &rel, err)) < 0)
			return r;
		cleanup_free char *ctrls = xstrndup(*s, colon - *s);
		char *save = NULL, *ctrl;

		if (!*ctrls || ctrls[strlen(ctrls) - 1] == ',' || strstr(ctrls, ",,") || ctrls[0] == ',')
			return error_set(err, EINVAL, "--cgroup %s: an empty controller name", *s);
		for (ctrl = strtok_r(ctrls, ",", &save); ctrl; ctrl = strtok_r(NULL, ",", &save)) {
			size_t k = strv_length(seen);

			for (size_t i = 0; i < k; i++)
				if (!strcmp(seen[i], ctrl))
					return error_set(err, EINVAL, "--cgroup %s: controller %s given twice",
							 *s, ctrl);
			seen = xrealloc(seen, (k + 2) * sizeof(char *));
			seen[k] = xstrdup(ctrl);
			seen[k + 1] = NULL;
			if (*rel && (r = cg->be->use_sub(cg, ctrl, rel, err)) < 0)
				return error_prefix(err, "--cgroup %s", *s);
		}
	}
	return 0;
}

int cgroup_update(struct cgroup *cg, const struct spec_resources *r, struct error *err)
{
	int ret = cg->be->check(r, err);

	return ret < 0 ? ret : cg->be->set(cg, r, true, err);
}

int cgroup_freeze(struct cgroup *cg, bool freeze, struct error *err)
{
	return cg->be->freeze(cg, freeze, err);
}

int cgroup_is_frozen(const struct cgroup *cg)
{
	return cg->be->is_frozen(cg);
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct error *err)
{
	return cg->be->pids(cg, pids, n, err);
}

/* Frozen, nobody can fork between the read of the pid list and the signals. */
static int signal_each(struct cgroup *cg, int sig, struct error *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	bool was_frozen = cg->be->is_frozen(cg) == 1;
	int r;

	if (!was_frozen && cg->be->freeze(cg, true, err) < 0) {
		log_debug("cgroup %s: cannot freeze before signalling: %s", cg->path, err->msg);
		was_frozen = true; /* signal anyway; nothing to thaw */
	}
	r = cg->be->pids(cg, &pids, &n, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			r = error_sys(err, "signal pid %d of cgroup %s", pids[i], cg->path);
	if (!was_frozen) {
		struct error thaw_err = { 0 };

		if (cg->be->freeze(cg, false, &thaw_err) < 0 && r == 0) {
			*err = thaw_err;
			r = -thaw_err.errnum;
		}
	}
	return r;
}

int cgroup_kill_all(struct cgroup *cg, int sig, struct error *err)
{
	int r = cg->be->kill(cg, sig, err);

	return r == -ENOTSUP ? signal_each(cg, sig, err) : r;
}

/* Killed processes leave their cgroup once the kernel has torn them down; zombies whose parent is
 * outside do too. Wait for that, bounded, re-killing in case something was forked meanwhile. */
static int drain(struct cgroup *cg, struct error *err)
{
	int64_t deadline = monotonic_ms() + DRAIN_TIMEOUT_MS;
	useconds_t delay = 200;

	for (;;) {
		cleanup_free pid_t *pids = NULL;
		size_t n = 0;
		int r = cg->be->pids(cg, &pids, &n, err);

		if (r < 0)
			return r;
		if (n == 0)
			return 0;
		if (monotonic_ms() > deadline)
			return error_set(err, EBUSY, "cgroup %s: %zu process(es) still there after %d ms (pid %d)",
					 cg->path, n, DRAIN_TIMEOUT_MS, pids[0]);
		if ((r = cgroup_kill_all(cg, SIGKILL, err)) < 0)
			return r;
		usleep(delay);
		if (delay < 20000)
			delay *= 2;
	}
}

static int walk_below(int dirfd, const char *where, int depth, cgroup_visit pre, cgroup_visit post,
		      struct error *err)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *e;
	int fd;

	if (depth > 64)
		return error_set(err, ELOOP, "cgroup %s: nested too deep", where);
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		close_quietly(fd);
		return error_sys(err, "list cgroup %s", where);
	}
	while ((e = readdir(d))) {
		cleanup_close int sub = -1;
		cleanup_free char *subwhere = NULL;
		int r;

		/* only . and ..: a container may name a sub-cgroup ".x" */
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		subwhere = xasprintf("%s/%s", where, e->d_name);
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0 && errno == ENOENT)
			continue; /* removed meanwhile */
		if (sub < 0)
			return error_sys(err, "open cgroup %s", subwhere);
		if ((pre && (r = pre(dirfd, sub, e->d_name, subwhere, err)) < 0) ||
		    (r = walk_below(sub, subwhere, depth + 1, pre, post, err)) < 0 ||
		    (post && (r = post(dirfd, sub, e->d_name, subwhere, err)) < 0))
			return r;
	}
	return 0;
}

int cgroup_walk_below(int dirfd, const char *where, cgroup_visit pre, cgroup_visit post, struct error *err)
{
	return walk_below(dirfd, where, 0, pre, post, err);
}

static int rmdir_one(int parent, int sub, const char *name, const char *where, struct error *err)
{
	(void)sub;
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return error_sys(err, "remove cgroup %s", where);
	return 0;
}

int cgroup_rmdir_below(int dirfd, const char *where, struct error *err)
{
	return walk_below(dirfd, where, 0, NULL, rmdir_one, err);
}

int cgroup_destroy(struct cgroup *cg, struct error *err)
{
	int r;

	/* a frozen cgroup's processes cannot die: thaw first, what the container froze below too */
	if (cg->be->is_frozen(cg) == 1 && (r = cg->be->freeze(cg, false, err)) < 0)
		return r;
	if (cg->be->thaw_below && (r = cg->be->thaw_below(cg, err)) < 0)
		return r;
	if ((r = drain(cg, err)) < 0)
		return r;
	return cg->be->remove(cg, err);
}

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st, struct error *err)
{
	memset(st, 0, sizeof(*st));
	return cg->be->stats(cg, st, err);
}

void cgroup_stats_release(struct cgroup_stats *st)
{
	free(st->cpu_percpu);
	for (size_t i = 0; i < st->n_mem_raw; i++)
		free(st->mem_raw[i].key);
	free(st->mem_raw);
	free(st->io_service_bytes);
	free(st->io_serviced);
	free(st->hugetlb);
	memset(st, 0, sizeof(*st));
}

int cgroup_oom_watch(const struct cgroup *cg, int *fd, struct error *err)
{
	return cg->be->oom_watch(cg, fd, err);
}

void cgroup_oom_ack(const struct cgroup *cg, int fd)
{
	cg->be->oom_ack(cg, fd);
}

int cgroup_oom_kills(const struct cgroup *cg, uint64_t *n, struct error *err)
{
	return cg->be->oom_kills(cg, n, err);
}
