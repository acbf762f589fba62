#include "runtime/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "cgroup/cgroup.h"
#include "runtime/json.h"
#include "runtime/log.h"
#include "runtime/util.h"

#define STATE_FILE "state.json"
#define STATE_TMP "state.json.tmp"
#define STATE_LOCK "lock"
#define STATE_TMP_PREFIX ".tmp-" /* a state dir being built: hidden from list, swept once its builder is gone */
#define ID_MAX 1024
#define ID_ERR "invalid container id \"%s\": "
#define ID_CHARS "(only A-Z a-z 0-9 _ . + -)"
#define STATE_MAX (64 << 20) /* config.json lives inside: allow a large one */

/* An id quoted for messages: non-printable bytes as \xNN, very long ids cut. */
static void id_quote(const char *id, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; id[i] && o + 8 < size; i++) {
		unsigned char c = id[i];

		if (i == 64) {
			o += snprintf(buf + o, size - o, "...");
			break;
		}
		if (isprint(c) && c != '"' && c != '\\')
			buf[o++] = c;
		else
			o += snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = '\0';
}

/* A plain message that still carries errno (no ": File exists" tail: the message says it). */
static int error_plain(struct error *err, int errnum, const char *what, const char *id)
{
	error_set(err, 0, "container \"%s\" %s", id, what);
	err->errnum = errnum;
	return -errnum;
}

static bool id_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '+' || c == '-';
}

int state_validate_id(const char *id, struct error *err)
{
	char q[300];
	size_t len;

	if (!id || !*id)
		return error_set(err, EINVAL, "invalid container id \"\": it must not be empty");
	id_quote(id, q, sizeof(q));
	len = strlen(id);
	if (len > ID_MAX)
		return error_set(err, EINVAL, ID_ERR "%zu characters, the limit is %d", q, len, ID_MAX);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return error_set(err, EINVAL, ID_ERR "\".\" and \"..\" are not allowed", q);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = id[i];

		if (id_char_ok(c))
			continue;
		if (isprint(c))
			return error_set(err, EINVAL, ID_ERR "character '%c' is not allowed " ID_CHARS, q, c);
		return error_set(err, EINVAL, ID_ERR "byte 0x%02x is not allowed " ID_CHARS, q, c);
	}
	return 0;
}

int state_root_open(const char *root, struct error *err)
{
	int r = mkdir_p(root, 0700); /* root-only, as runc: nothing under it is for other users */
	int fd;

	if (r < 0)
		return error_set(err, -r, "create state root %s", root);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return error_sys(err, "open state root %s", root);
	return fd;
}

/* Lock the container dir; a dir removed while we waited (nlink 0) no longer exists.
 * Only create makes the lock file, so an open racing a remove cannot leave a new one behind. */
static int lock_dir(int dirfd, const char *id, bool create, struct error *err)
{
	int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT | O_EXCL : 0);
	cleanup_close int fd = openat(dirfd, STATE_LOCK, flags, 0600);
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat st;

	if (fd < 0) {
		if (errno == ENOENT)
			return error_plain(err, ENOENT, "does not exist", id);
		return error_sys(err, "container \"%s\": open lock", id);
	}
	/* a POSIX record lock, not flock: the init forked while we hold it must not inherit it */
	while (fcntl(fd, F_SETLKW, &lk) < 0) {
		if (errno != EINTR)
			return error_sys(err, "container \"%s\": lock", id);
	}
	if (fstat(dirfd, &st) < 0)
		return error_sys(err, "container \"%s\": stat", id);
	if (st.st_nlink == 0)
		return error_plain(err, ENOENT, "does not exist", id);
	return steal_fd(&fd);
}

static void remove_notify_socket(int dirfd)
{
	int saved = errno, fd = openat(dirfd, STATE_NOTIFY_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		unlinkat(fd, STATE_NOTIFY_SOCKET, 0);
		close(fd);
	}
	errno = saved;
}

/* Remove rootfd/name and the files in it; the lock goes last, so openers wait rather than find a
 * half-removed dir. label names it in errors. */
static int remove_dir(int rootfd, const char *name, const char *label, struct error *err)
{
	int dirfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_dir DIR *d = NULL;
	struct dirent *e;

	if (dirfd < 0) {
		if (errno == ENOENT)
			return 0;
		return error_sys(err, "container \"%s\": open state dir", label);
	}
	d = fdopendir(dirfd);
	if (!d) {
		close_quietly(dirfd);
		return error_sys(err, "container \"%s\": read state dir", label);
	}
	while ((errno = 0, e = readdir(d))) {
		const char *n = e->d_name;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 || strcmp(n, STATE_LOCK) == 0)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0 || errno == ENOENT)
			continue;
		/* only files live here, and the notify dir with its socket; other directories must be empty */
		if (errno == EISDIR && !strcmp(n, STATE_NOTIFY_DIR))
			remove_notify_socket(dirfd);
		if (errno != EISDIR || unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0)
			return error_sys(err, "container \"%s\": remove %s", label, e->d_name);
	}
	if (errno)
		return error_sys(err, "container \"%s\": read state dir", label);
	if (unlinkat(dirfd, STATE_LOCK, 0) < 0 && errno != ENOENT)
		return error_sys(err, "container \"%s\": remove %s", label, STATE_LOCK);
	if (unlinkat(rootfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return error_sys(err, "container \"%s\": remove state dir", label);
	return 0;
}

/* Whether a process other than us holds the lock in dirfd; never while we hold it ourselves: the
 * close below would drop our own POSIX lock. */
static bool lock_held_elsewhere(int dirfd)
{
	cleanup_close int fd = openat(dirfd, STATE_LOCK, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fd < 0)
		return false;
	if (fcntl(fd, F_GETLK, &lk) < 0)
		return true; /* cannot tell: leave it be */
	return lk.l_type != F_UNLCK;
}

/* ".tmp-<pid>-<starttime>-<n>": a dir being built names its builder. */
static void tmp_name(char *buf, size_t size)
{
	static unsigned seq;

	snprintf(buf, size, STATE_TMP_PREFIX "%d-%llu-%u", getpid(),
		 (unsigned long long)state_pid_starttime(getpid()), seq++);
}

static bool tmp_builder_alive(const char *name, int dirfd)
{
	unsigned long long start;
	int pid;

	if (sscanf(name, STATE_TMP_PREFIX "%d-%llu-", &pid, &start) != 2)
		return true; /* not ours: leave it */
	return state_pid_starttime(pid) == start || lock_held_elsewhere(dirfd);
}

void state_sweep_tmp(int rootfd)
{
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;

	if (!d) {
		close_quietly(fd);
		return;
	}
	while ((e = readdir(d))) {
		cleanup_close int dirfd = -1;
		struct error ignored;

		if (strncmp(e->d_name, STATE_TMP_PREFIX, strlen(STATE_TMP_PREFIX)) != 0)
			continue;
		dirfd = openat(rootfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dirfd < 0 || tmp_builder_alive(e->d_name, dirfd))
			continue;
		if (remove_dir(rootfd, e->d_name, e->d_name, &ignored) < 0)
			log_debug("sweep %s: %s", e->d_name, ignored.msg);
	}
}

int state_dir_create(int rootfd, const char *id, const struct state *st, int *lock_fd, struct error *err)
{
	cleanup_close int dirfd = -1;
	struct error ignored;
	char tmp[96];
	int lock = -1, r;

	/* the rename below decides; this only saves the work for an id that is plainly taken */
	if (faccessat(rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return error_plain(err, EEXIST, "already exists", id);
	state_sweep_tmp(rootfd);
	/* built under a temporary name and renamed into place whole: a crash never leaves <id> half made */
	tmp_name(tmp, sizeof(tmp));
	if (mkdirat(rootfd, tmp, 0700) < 0)
		return error_sys(err, "container \"%s\": create state dir", id);
	dirfd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		r = error_sys(err, "container \"%s\": open state dir", id);
		goto fail;
	}
	if ((r = lock = lock_dir(dirfd, id, true, err)) < 0)
		goto fail;
	if (st && (r = state_write(dirfd, st, err)) < 0)
		goto fail;
	/* NOREPLACE: of concurrent creates of one id exactly one wins */
	if (renameat2(rootfd, tmp, rootfd, id, RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			r = error_plain(err, EEXIST, "already exists", id);
		else
			r = error_sys(err, "container \"%s\": create state dir", id);
		goto fail;
	}
	*lock_fd = lock;
	return steal_fd(&dirfd);
fail:
	close_quietly(lock);
	remove_dir(rootfd, tmp, id, &ignored);
	return r;
}

int state_dir_open(int rootfd, const char *id, int *lock_fd, struct error *err)
{
	cleanup_close int dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int lock;

	if (dirfd < 0) {
		if (errno == ENOENT)
			return error_plain(err, ENOENT, "does not exist", id);
		return error_sys(err, "container \"%s\": open state dir", id);
	}
	lock = lock_dir(dirfd, id, false, err);
	if (lock < 0)
		return lock;
	*lock_fd = lock;
	return steal_fd(&dirfd);
}

int state_dir_remove(int rootfd, const char *id, struct error *err)
{
	char tmp[96];

	/* out of sight first, whole: a remove killed halfway leaves a .tmp-* dir the next sweep takes,
	 * never an <id> without its state */
	tmp_name(tmp, sizeof(tmp));
	if (renameat2(rootfd, id, rootfd, tmp, RENAME_NOREPLACE) < 0) {
		if (errno == ENOENT)
			return 0;
		return error_sys(err, "container \"%s\": remove state dir", id);
	}
	return remove_dir(rootfd, tmp, id, err);
}

bool state_creator_alive(int dirfd)
{
	return lock_held_elsewhere(dirfd);
}

static const char *const status_names[] = {
	[STATUS_CREATING] = "creating",
	[STATUS_CREATED] = "created",
	[STATUS_RUNNING] = "running",
	[STATUS_PAUSED] = "paused",
	[STATUS_STOPPED] = "stopped",
};

const char *state_status_name(enum container_status s)
{
	if ((size_t)s >= ARRAY_SIZE(status_names))
		return "unknown";
	return status_names[s];
}

static int status_from_name(const char *name, enum container_status *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_names); i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

static void annotations_out(struct json_out *j, const struct state *st)
{
	json_key(j, "annotations");
	json_map_open(j);
	for (size_t i = 0; i < st->n_annotations; i++)
		json_kv_string(j, st->annotations[i].key, st->annotations[i].value);
	json_map_close(j);
}

static char *state_file_json(const struct state *st)
{
	struct json_out *j = json_out_new(false);
	char *s;

	json_map_open(j);
	json_kv_string(j, "id", st->id);
	json_kv_int(j, "pid", st->pid);
	json_kv_int(j, "pid_start", (long long)st->pid_start);
	json_kv_string(j, "bundle", st->bundle);
	json_kv_string(j, "rootfs", st->rootfs);
	json_kv_string(j, "created", st->created);
	json_kv_int(j, "owner", st->owner);
	json_kv_bool(j, "has_own_pidns", st->has_own_pidns);
	json_kv_bool(j, "use_terminal", st->use_terminal);
	annotations_out(j, st);
	json_kv_string(j, "config_json", st->config_json);
	if (st->cgroup_path) {
		json_kv_string(j, "cgroup_path", st->cgroup_path);
		json_kv_int(j, "cgroup_levels", st->cgroup_levels);
	}
	json_kv_string(j, "status", state_status_name(st->status));
	json_map_close(j);
	s = json_out_take(j);
	json_out_free(j);
	return s;
}

int state_write(int dirfd, const struct state *st, struct error *err)
{
	cleanup_free char *json = state_file_json(st);
	cleanup_close int fd = -1;
	ssize_t n;

	fd = openat(dirfd, STATE_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return error_sys(err, "write %s", STATE_TMP);
	n = write_all(fd, json, strlen(json));
	if (n < 0) {
		unlinkat(dirfd, STATE_TMP, 0);
		return error_set(err, -n, "write %s", STATE_TMP);
	}
	/* rename makes readers see a whole file; no fsync: runtime state does not outlive a reboot, and
	 * an fsync costs more than the rest of a container start on a disk-backed --root */
	if (renameat(dirfd, STATE_TMP, dirfd, STATE_FILE) < 0) {
		error_sys(err, "rename %s to %s", STATE_TMP, STATE_FILE);
		unlinkat(dirfd, STATE_TMP, 0);
		return -err->errnum;
	}
	return 0;
}

void state_release(struct state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	free(st->config_json);
	free(st->cgroup_path);
	memset(st, 0, sizeof(*st));
}

/* The state file's path for messages: the dir fd's path when /proc tells it. */
static char *state_path(int dirfd)
{
	char link[64], target[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return xstrdup(STATE_FILE);
	target[n] = '\0';
	return xasprintf("%s/%s", target, STATE_FILE);
}

static yajl_val get(yajl_val tree, const char *key)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(tree, path, yajl_t_any);
}

/* A string or null (a field not known yet when the state was written). */
static int get_string(yajl_val tree, const char *key, char **out)
{
	yajl_val v = get(tree, key);

	if (YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_STRING(v))
		return -EINVAL;
	*out = xstrdup(YAJL_GET_STRING(v));
	return 0;
}

static int get_u64(yajl_val tree, const char *key, uint64_t max, uint64_t *out)
{
	yajl_val v = get(tree, key);

	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 || (uint64_t)YAJL_GET_INTEGER(v) > max)
		return -EINVAL;
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

static int get_bool(yajl_val tree, const char *key, bool *out)
{
	yajl_val v = get(tree, key);

	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return -EINVAL;
	*out = YAJL_IS_TRUE(v);
	return 0;
}

static int get_annotations(yajl_val tree, struct state *st)
{
	yajl_val v = get(tree, "annotations");
	size_t n;

	if (!YAJL_IS_OBJECT(v))
		return -EINVAL;
	n = v->u.object.len;
	st->annotations = xzalloc((n ? n : 1) * sizeof(*st->annotations));
	for (size_t i = 0; i < n; i++) {
		if (!YAJL_IS_STRING(v->u.object.values[i]))
			return -EINVAL;
		st->annotations[i].key = xstrdup(v->u.object.keys[i]);
		st->annotations[i].value = xstrdup(YAJL_GET_STRING(v->u.object.values[i]));
		st->n_annotations++;
	}
	return 0;
}

/* Fill st from the tree; returns the name of the first bad field, NULL when all are good. */
static const char *state_from_tree(yajl_val tree, struct state *st)
{
	cleanup_free char *status = NULL;
	uint64_t v;

	if (!YAJL_IS_OBJECT(tree))
		return "(document)";
	if (get_string(tree, "id", &st->id) < 0 || !st->id)
		return "id";
	if (get_u64(tree, "pid", INT32_MAX, &v) < 0)
		return "pid";
	st->pid = v;
	if (get_u64(tree, "pid_start", INT64_MAX, &st->pid_start) < 0)
		return "pid_start";
	if (get_string(tree, "bundle", &st->bundle) < 0)
		return "bundle";
	if (get_string(tree, "rootfs", &st->rootfs) < 0)
		return "rootfs";
	if (get_string(tree, "created", &st->created) < 0)
		return "created";
	if (get_u64(tree, "owner", UINT32_MAX, &v) < 0)
		return "owner";
	st->owner = v;
	if (get_bool(tree, "has_own_pidns", &st->has_own_pidns) < 0)
		return "has_own_pidns";
	if (get_bool(tree, "use_terminal", &st->use_terminal) < 0)
		return "use_terminal";
	if (get_annotations(tree, st) < 0)
		return "annotations";
	if (get_string(tree, "config_json", &st->config_json) < 0)
		return "config_json";
	/* absent in states written before the cgroup driver: no cgroup */
	if (get(tree, "cgroup_path") && get_string(tree, "cgroup_path", &st->cgroup_path) < 0)
		return "cgroup_path";
	if (st->cgroup_path && get_u64(tree, "cgroup_levels", 64, &v) < 0)
		return "cgroup_levels";
	st->cgroup_levels = st->cgroup_path ? (int)v : 0;
	if (get_string(tree, "status", &status) < 0 || !status || status_from_name(status, &st->status) < 0)
		return "status";
	return NULL;
}

int state_read(int dirfd, struct state *st, struct error *err)
{
	cleanup_free char *buf = NULL, *path = NULL;
	char errbuf[256];
	const char *bad;
	yajl_val tree;
	int r;

	memset(st, 0, sizeof(*st));
	r = read_file_at(dirfd, STATE_FILE, &buf, NULL, STATE_MAX);
	if (r < 0) {
		path = state_path(dirfd);
		return error_set(err, -r, "read %s", path);
	}
	tree = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	if (!tree) {
		path = state_path(dirfd);
		errbuf[strcspn(errbuf, "\n")] = '\0';
		return error_set(err, EINVAL, "%s: corrupt: %s", path, errbuf);
	}
	bad = state_from_tree(tree, st);
	yajl_tree_free(tree);
	if (bad) {
		state_release(st);
		path = state_path(dirfd);
		return error_set(err, EINVAL, "%s: corrupt: missing or invalid \"%s\"", path, bad);
	}
	return 0;
}

/* Parse /proc/PID/stat: comm may hold spaces and ')', so fields start after the last ')'. */
static int pid_stat(pid_t pid, char *state, uint64_t *starttime)
{
	cleanup_free char *buf = NULL;
	char path[64], *p, *tok, *save;
	int field = 3; /* the first field after comm */

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file_at(AT_FDCWD, path, &buf, NULL, 16384) < 0)
		return -ESRCH;
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (tok = strtok_r(p + 1, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save), field++) {
		if (field == 3)
			*state = tok[0];
		if (field == 22)
			return parse_u64(tok, starttime);
	}
	return -EINVAL;
}

uint64_t state_pid_starttime(pid_t pid)
{
	uint64_t start = 0;
	char s;

	if (pid_stat(pid, &s, &start) < 0)
		return 0;
	return start;
}

enum container_status state_status(int dirfd, const struct state *st)
{
	uint64_t start = 0;
	char s = 0;

	if (st->pid == 0)
		return st->status;
	if (pid_stat(st->pid, &s, &start) < 0 || start != st->pid_start || s == 'Z' || s == 'X')
		return STATUS_STOPPED;
	if (faccessat(dirfd, STATE_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return STATUS_CREATED;
	if (st->cgroup_path) {
		struct cgroup *cg = NULL;
		struct error ignored = { 0 };
		bool frozen = cgroup_open(st->cgroup_path, st->cgroup_levels, &cg, &ignored) == 0 &&
			      cgroup_is_frozen(cg) == 1;

		cgroup_free(cg);
		if (frozen)
			return STATUS_PAUSED;
	}
	return STATUS_RUNNING;
}

char *state_spec_json(const struct state *st, enum container_status status)
{
	struct json_out *j = json_out_new(false);
	char *s;

	json_map_open(j);
	json_kv_string(j, "ociVersion", BERTH_OCI_VERSION);
	json_kv_string(j, "id", st->id);
	json_kv_string(j, "status", state_status_name(status));
	if (st->pid > 0 && status != STATUS_STOPPED)
		json_kv_int(j, "pid", st->pid);
	json_kv_string(j, "bundle", st->bundle);
	annotations_out(j, st);
	json_map_close(j);
	s = json_out_take(j);
	json_out_free(j);
	return s;
}

char *state_runc_json(const struct state *st, enum container_status status, bool pretty)
{
	struct json_out *j = json_out_new(pretty);
	char *s;

	json_map_open(j);
	json_kv_string(j, "ociVersion", BERTH_OCI_VERSION);
	json_kv_string(j, "id", st->id);
	json_kv_int(j, "pid", status == STATUS_STOPPED ? 0 : st->pid); /* runc shows 0 once stopped */
	json_kv_string(j, "status", state_status_name(status));
	json_kv_string(j, "bundle", st->bundle);
	json_kv_string(j, "rootfs", st->rootfs);
	json_kv_string(j, "created", st->created);
	if (st->n_annotations)
		annotations_out(j, st);
	json_kv_string(j, "owner", "");
	json_map_close(j);
	s = json_out_take(j);
	json_out_free(j);
	return s;
}

char *state_now_rfc3339(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

int state_write_pid_file(const char *path, pid_t pid, struct error *err)
{
	cleanup_free char *tmp = xasprintf("%s.tmp", path);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", pid);
	cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write_all(fd, buf, n) < 0 || rename(tmp, path) < 0) {
		error_sys(err, "--pid-file %s", path);
		unlink(tmp);
		return -err->errnum;
	}
	return 0;
}
