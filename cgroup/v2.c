/* The cgroup v2 (unified) backend: the cgroup's life cycle. Limits are in v2_set.c, stats in
 * v2_stats.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/convert.h"
#include "cgroup/v2_internal.h"
#include "runtime/log.h"
#include "runtime/util.h"

const char *cgroup_v2_root = "/sys/fs/cgroup";

#define FREEZE_TIMEOUT_MS 5000
#define PROCS_MAX (16 << 20)

/* The controllers berth sets limits with; enabled on the way down to the leaf. */
static const char *const used_controllers[] = { "cpuset", "cpu", "io", "memory", "pids", "hugetlb", "rdma",
						"misc" };

const char *v2_dir(const struct cgroup *cg)
{
	return cg->priv;
}

int v2_read(const struct cgroup *cg, const char *file, char **out)
{
	return read_file_at(cg->leaf_fd, file, out, NULL, PROCS_MAX);
}

bool v2_has_file(const struct cgroup *cg, const char *file)
{
	return faccessat(cg->leaf_fd, file, F_OK, 0) == 0;
}

static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; *p;) {
		size_t l;

		p += strspn(p, " \t\n");
		l = strcspn(p, " \t\n");
		if (l == wl && strncmp(p, word, wl) == 0)
			return true;
		p += l;
	}
	return false;
}

/* Enable in dir's cgroup.subtree_control each used controller it has and has not enabled yet. */
static int enable_controllers(int dirfd, const char *dir, struct error *err)
{
	cleanup_free char *avail = NULL, *enabled = NULL;
	int ret;

	ret = read_file_at(dirfd, "cgroup.controllers", &avail, NULL, 4096);
	if (ret < 0)
		return error_set(err, -ret, "read %s/cgroup.controllers", dir);
	ret = read_file_at(dirfd, "cgroup.subtree_control", &enabled, NULL, 4096);
	if (ret < 0)
		return error_set(err, -ret, "read %s/cgroup.subtree_control", dir);
	for (size_t i = 0; i < ARRAY_SIZE(used_controllers); i++) {
		const char *c = used_controllers[i];
		char buf[32];
		int n;

		if (!has_word(avail, c) || has_word(enabled, c))
			continue;
		/* One at a time, so one controller that cannot be enabled does not block the others. */
		n = snprintf(buf, sizeof(buf), "+%s", c);
		ret = write_file_at(dirfd, "cgroup.subtree_control", buf, (size_t)n);
		/* EBUSY: the level holds processes itself (no internal processes) or a child's type
		 * conflicts; ENOENT: the controller went away. Either way the leaf runs without it, and
		 * setting a limit of that controller then fails naming the field. */
		if (ret == -EBUSY || ret == -ENOENT) {
			log_debug("cgroup: cannot enable %s in %s/cgroup.subtree_control: %s", c, dir,
				  strerror(-ret));
			continue;
		}
		if (ret < 0)
			return error_set(err, -ret, "write \"+%s\" to %s/cgroup.subtree_control", c, dir);
	}
	return 0;
}

/* "/a/b/c" -> its components; -EINVAL for an empty path, "." or "..". */
static int split_path(const char *path, char ***out)
{
	cleanup_free char *copy = xstrdup(path);
	char **v = NULL, *save = NULL;
	size_t n = 0;

	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, ".") || !strcmp(t, "..")) {
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n] = NULL;
			strv_free(v);
			return -EINVAL;
		}
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xstrdup(t);
		v[n] = NULL;
	}
	if (n == 0) {
		free(v);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* rmdir the last `levels` components of root/path, deepest first. */
static void rmdir_levels(char **comp, size_t n, int levels)
{
	for (int k = 0; k < levels; k++) {
		cleanup_free char *p = xstrdup(cgroup_v2_root);

		for (size_t i = 0; i < n - (size_t)k; i++) {
			char *q = xasprintf("%s/%s", p, comp[i]);

			free(p);
			p = q;
		}
		if (rmdir(p) < 0 && errno != ENOENT)
			log_warn("cgroup: cannot remove %s: %s", p, strerror(errno));
	}
}

static int v2_create(struct cgroup *cg, struct error *err)
{
	cleanup_strv char **comp = NULL;
	cleanup_close int cur = -1;
	cleanup_free char *dir = xstrdup(cgroup_v2_root);
	size_t n;
	int made = 0, ret;

	if (split_path(cg->path, &comp) < 0)
		return error_set(err, EINVAL, "cgroup path \"%s\": not a cgroup below the root", cg->path);
	n = strv_length(comp);
	cur = open(cgroup_v2_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return error_sys(err, "open %s", cgroup_v2_root);
	for (size_t i = 0; i < n; i++) {
		char *next_dir;
		int fd;

		ret = enable_controllers(cur, dir, err);
		if (ret < 0)
			goto fail;
		if (mkdirat(cur, comp[i], 0755) == 0) {
			made++;
		} else if (errno != EEXIST) {
			ret = error_sys(err, "create cgroup %s/%s", dir, comp[i]);
			goto fail;
		}
		next_dir = xasprintf("%s/%s", dir, comp[i]);
		free(dir);
		dir = next_dir;
		fd = openat(cur, comp[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			ret = error_sys(err, "open cgroup %s", dir);
			goto fail;
		}
		close(cur);
		cur = fd;
	}
	/* O_RDONLY, not O_PATH: clone3(CLONE_INTO_CGROUP) refuses O_PATH fds. */
	cg->leaf_fd = steal_fd(&cur);
	cg->created_levels = made;
	cg->leaf_existed = made == 0;
	cg->priv = steal_pointer(&dir);
	return 0;
fail:
	rmdir_levels(comp, n, made);
	return ret;
}

static int v2_open(struct cgroup *cg, struct error *err)
{
	cleanup_free char *dir = xasprintf("%s%s", cgroup_v2_root, cg->path);
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return error_sys(err, "open cgroup %s", dir);
	cg->leaf_fd = fd;
	cg->priv = steal_pointer(&dir);
	return 0;
}

static int v2_enter(const struct cgroup *cg, pid_t pid, struct error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	int ret = write_file_at(cg->leaf_fd, "cgroup.procs", buf, (size_t)n);

	if (ret < 0)
		return error_set(err, -ret, "move pid %d into %s (write cgroup.procs)", (int)pid, v2_dir(cg));
	return 0;
}

static int v2_use_sub(struct cgroup *cg, const char *ctrl, const char *rel, struct error *err)
{
	char *dir;
	int fd;

	if (ctrl)
		return error_set(err, EINVAL, "a controller can be named on cgroup v1 only (this host is v2)");
	dir = xasprintf("%s/%s", v2_dir(cg), rel);
	fd = openat(cg->leaf_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		error_sys(err, "open cgroup %s", dir);
		free(dir);
		return -err->errnum;
	}
	close(cg->leaf_fd);
	cg->leaf_fd = fd;
	free(cg->priv);
	cg->priv = dir;
	return 0;
}

static int read_frozen(int fd)
{
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	uint64_t v;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (convert_kv_lookup(buf, "frozen", &v) < 0)
		return -ENOTSUP; /* a kernel before 5.2: no freezer */
	return v ? 1 : 0;
}

static int v2_freeze(struct cgroup *cg, bool freeze, struct error *err)
{
	cleanup_close int fd = -1;
	int64_t deadline;
	int ret;

	fd = openat(cg->leaf_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_sys(err, "open %s/cgroup.events", v2_dir(cg));
	ret = write_file_at(cg->leaf_fd, "cgroup.freeze", freeze ? "1" : "0", 1);
	if (ret < 0)
		return error_set(err, -ret, "write %s/cgroup.freeze", v2_dir(cg));
	/* The write only starts freezing: wait until the kernel reports every task frozen. */
	deadline = monotonic_ms() + FREEZE_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		int64_t left;

		ret = read_frozen(fd);
		if (ret < 0)
			return error_set(err, -ret, "read %s/cgroup.events", v2_dir(cg));
		if (ret == (freeze ? 1 : 0))
			return 0;
		left = deadline - monotonic_ms();
		if (left <= 0)
			return error_set(err, ETIMEDOUT, "cgroup %s: not %s after %d s", v2_dir(cg),
					 freeze ? "frozen" : "thawed", FREEZE_TIMEOUT_MS / 1000);
		/* kernfs wakes POLLPRI on change; the short cap only guards against a missed wake-up. */
		if (poll(&pfd, 1, left < 100 ? (int)left : 100) < 0 && errno != EINTR)
			return error_sys(err, "poll %s/cgroup.events", v2_dir(cg));
	}
}

static int v2_is_frozen(const struct cgroup *cg)
{
	cleanup_close int fd = openat(cg->leaf_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return read_frozen(fd);
}

/* Append the pids of dirfd's cgroup.procs and recurse into its child cgroups. */
static int collect_pids(int dirfd, const char *dir, pid_t **v, size_t *n, struct error *err)
{
	cleanup_free char *buf = NULL;
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int ret, fd;

	ret = read_file_at(dirfd, "cgroup.procs", &buf, NULL, PROCS_MAX);
	if (ret == -ENOENT)
		return 0; /* removed while walking */
	if (ret < 0)
		return error_set(err, -ret, "read %s/cgroup.procs", dir);
	for (char *line = buf, *save = NULL; (line = strtok_r(line, "\n", &save)); line = NULL) {
		uint64_t pid;

		if (parse_u64(line, &pid) < 0 || pid == 0 || pid > INT32_MAX)
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = (pid_t)pid;
	}
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		close_quietly(fd);
		return error_sys(err, "list %s", dir);
	}
	while ((de = readdir(d))) {
		cleanup_close int sub = -1;
		cleanup_free char *subdir = NULL;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0) {
			if (errno == ENOENT)
				continue;
			return error_sys(err, "open %s/%s", dir, de->d_name);
		}
		subdir = xasprintf("%s/%s", dir, de->d_name);
		ret = collect_pids(sub, subdir, v, n, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int v2_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct error *err)
{
	cleanup_free pid_t *v = NULL;
	size_t count = 0;
	int ret = collect_pids(cg->leaf_fd, v2_dir(cg), &v, &count, err);

	if (ret < 0)
		return ret;
	*pids = steal_pointer(&v);
	*n = count;
	return 0;
}

static int v2_kill(struct cgroup *cg, int sig, struct error *err)
{
	int ret;

	/* cgroup.kill (5.14) only sends SIGKILL; other signals go pid by pid in the front end. */
	if (sig != SIGKILL || !v2_has_file(cg, "cgroup.kill"))
		return -ENOTSUP;
	ret = write_file_at(cg->leaf_fd, "cgroup.kill", "1", 1);
	if (ret < 0)
		return error_set(err, -ret, "write %s/cgroup.kill", v2_dir(cg));
	return 0;
}

static int v2_oom_watch(const struct cgroup *cg, int *fd, struct error *err)
{
	cleanup_free char *file = xasprintf("%s/memory.events", v2_dir(cg));
	cleanup_close int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (in < 0)
		return error_sys(err, "inotify_init1");
	/* kernfs reports every change of memory.events to inotify as IN_MODIFY. */
	if (inotify_add_watch(in, file, IN_MODIFY) < 0)
		return error_sys(err, "watch %s", file);
	*fd = steal_fd(&in);
	return 0;
}

static void v2_oom_ack(const struct cgroup *cg, int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	(void)cg;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int v2_oom_kills(const struct cgroup *cg, uint64_t *n, struct error *err)
{
	cleanup_free char *buf = NULL;
	int ret = v2_read(cg, "memory.events", &buf);

	if (ret < 0)
		return error_set(err, -ret, "read %s/memory.events", v2_dir(cg));
	if (convert_kv_lookup(buf, "oom_kill", n) < 0)
		*n = 0;
	return 0;
}

static int v2_remove(struct cgroup *cg, struct error *err)
{
	cleanup_free char *dir = xasprintf("%s%s", cgroup_v2_root, cg->path);

	/* A leaf berth did not make is not berth's to remove. */
	if (cg->created_levels <= 0)
		return 0;
	if (cg->leaf_fd >= 0 && !cg->leaf_existed && cgroup_rmdir_below(cg->leaf_fd, dir, err) < 0)
		return error_prefix(err, "remove cgroup %s", dir);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return error_sys(err, "remove cgroup %s", dir);
	for (int k = 1; k < cg->created_levels; k++) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir || (size_t)(slash - dir) <= strlen(cgroup_v2_root))
			break;
		*slash = '\0';
		if (rmdir(dir) == 0 || errno == ENOENT)
			continue;
		if (errno == EBUSY || errno == ENOTEMPTY)
			break; /* another container lives there too */
		return error_sys(err, "remove cgroup %s", dir);
	}
	return 0;
}

static void v2_release(struct cgroup *cg)
{
	if (cg->leaf_fd >= 0)
		close(cg->leaf_fd);
	cg->leaf_fd = -1;
	free(cg->priv);
	cg->priv = NULL;
}

const struct cgroup_backend cgroup_v2_backend = {
	.name = "v2",
	.check = v2_check,
	.create = v2_create,
	.open = v2_open,
	.set = v2_set,
	.enter = v2_enter,
	.freeze = v2_freeze,
	.is_frozen = v2_is_frozen,
	.pids = v2_pids,
	.kill = v2_kill,
	.stats = v2_stats,
	.oom_watch = v2_oom_watch,
	.oom_ack = v2_oom_ack,
	.oom_kills = v2_oom_kills,
	.use_sub = v2_use_sub,
	.remove = v2_remove,
	.release = v2_release,
};
