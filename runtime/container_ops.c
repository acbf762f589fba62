/* kill, delete, state and list: acting on a container that exists. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/container.h"
#include "runtime/container_internal.h"
#include "runtime/container_net.h"
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "runtime/util.h"

#define DELETE_WAIT_MS 10000

int container_open(const char *root, const char *id, struct container_handle *c, struct error *err)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->rootfd = c->dirfd = c->lock = -1;
	if ((r = state_validate_id(id, err)) < 0)
		return r;
	if ((c->rootfd = state_root_open(root, err)) < 0)
		return c->rootfd;
	if ((c->dirfd = state_dir_open(c->rootfd, id, &c->lock, err)) < 0)
		return c->dirfd;
	if ((r = state_read(c->dirfd, &c->st, err)) < 0)
		return r;
	c->status = state_status(c->dirfd, &c->st);
	/* we got the lock its creator holds to the end: a create that was killed */
	if (c->status == STATUS_CREATING)
		c->status = STATUS_STOPPED;
	return 0;
}

void container_close(struct container_handle *c)
{
	close_quietly(c->dirfd);
	close_quietly(c->lock);
	close_quietly(c->rootfd);
	state_release(&c->st);
}

/* A pidfd that is known to be our init, not a reused pid: check the start time after opening. */
static int open_init_pidfd(const struct state *st)
{
	int fd = syscall(SYS_pidfd_open, st->pid, 0);

	if (fd >= 0 && state_pid_starttime(st->pid) != st->pid_start) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	return fd;
}

static int signal_init(const struct state *st, int sig, struct error *err)
{
	cleanup_close int fd = open_init_pidfd(st);

	if (fd < 0 || syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
		return error_sys(err, "signal init %d", st->pid);
	return 0;
}

static int read_ns_inode(pid_t pid, ino_t *ino)
{
	char path[64];
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
	if (stat(path, &sb) < 0)
		return -errno;
	*ino = sb.st_ino;
	return 0;
}

static pid_t read_session(pid_t pid)
{
	char path[64];
	cleanup_free char *buf = NULL;
	int session = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file_at(AT_FDCWD, path, &buf, NULL, 4096) < 0)
		return -1;
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %d", &session) != 1)
		return -1;
	return session;
}

/* Without a cgroup (--cgroup-manager=disabled): the container's own pid namespace, or else the
 * init's session. */
static int signal_all_by_pidns(const struct state *st, int sig, struct error *err)
{
	cleanup_dir DIR *proc = opendir("/proc");
	struct dirent *de;
	ino_t ns = 0, other;

	if (st->has_own_pidns && sig == SIGKILL)
		return signal_init(st, sig, err);
	if (!proc || read_ns_inode(st->pid, &ns) < 0)
		return error_sys(err, "list processes");
	while ((de = readdir(proc))) {
		uint64_t v;

		if (parse_u64(de->d_name, &v) < 0 || (pid_t)v == st->pid)
			continue;
		if (read_ns_inode(v, &other) < 0)
			continue;
		if (st->has_own_pidns ? other == ns : (other == ns && read_session(v) == st->pid))
			kill(v, sig);
	}
	return signal_init(st, sig, err);
}

static int signal_all(const struct state *st, int sig, struct error *err)
{
	struct cgroup *cg = NULL;
	int r;

	if (!st->cgroup_path)
		return signal_all_by_pidns(st, sig, err);
	if ((r = container_cgroup_open(st, &cg, err)) == 0)
		r = cgroup_kill_all(cg, sig, err);
	cgroup_free(cg);
	return r;
}

/* kill --all of a stopped container: an init that exited without its own PID namespace leaves its
 * children in the cgroup; runc 1.1 signals them (containerd's shim asks for it after every exit). */
static int signal_leftovers(const struct state *st, int sig, struct error *err)
{
	struct cgroup *cg = NULL;
	int r;

	if (!st->cgroup_path)
		return 0; /* no cgroup to find them by: nothing berth can reach */
	r = container_cgroup_open(st, &cg, err);
	if (r == -ENOENT) {
		*err = (struct error){ 0 };
		return 0;
	}
	if (r == 0)
		r = cgroup_kill_all(cg, sig, err);
	cgroup_free(cg);
	return r;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct error *err)
{
	struct container_handle c;
	int r = container_open(root, id, &c, err);

	if (r == 0 && all && c.status == STATUS_STOPPED) {
		r = signal_leftovers(&c.st, sig, err);
		container_close(&c);
		return r < 0 ? error_prefix(err, "kill") : 0;
	}
	if (r == 0 && (c.status == STATUS_STOPPED || c.status == STATUS_CREATING))
		r = error_set(err, ESRCH, "container \"%s\" is not running", id);
	if (r == 0)
		r = all ? signal_all(&c.st, sig, err) : signal_init(&c.st, sig, err);
	container_close(&c);
	return r < 0 ? error_prefix(err, "kill") : 0;
}

static void wait_gone(const struct state *st)
{
	cleanup_close int fd = open_init_pidfd(st);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd >= 0)
		poll(&p, 1, DELETE_WAIT_MS);
}

void container_hooks_warn(const struct spec *spec, enum spec_hook_kind kind, const struct state *st,
			  enum container_status status)
{
	cleanup_free char *json = NULL;
	struct error err = { 0 };

	if (!spec->hooks[kind].n)
		return;
	if (hooks_use_output(spec, &err) < 0) {
		log_warn("container %s: %s", st->id, err.msg);
		err = (struct error){ 0 };
	}
	json = state_spec_json(st, status);
	if (hooks_run(&spec->hooks[kind], kind, json, &err) < 0)
		log_warn("container %s: %s", st->id, err.msg);
}

static void run_poststop(const struct state *st)
{
	struct spec *spec = NULL;
	struct error err = { 0 };

	/* cheap test first: delete is on the path of every `run` */
	if (!st->config_json || !strstr(st->config_json, "poststop"))
		return;
	if (spec_parse(st->config_json, strlen(st->config_json), &spec, &err) < 0) {
		log_warn("container %s: stored config.json: %s", st->id, err.msg);
		return;
	}
	container_hooks_warn(spec, SPEC_HOOK_POSTSTOP, st, STATUS_STOPPED);
	spec_free(spec);
}

static int remove_cgroup(const struct state *st, struct error *err)
{
	struct cgroup *cg = NULL;
	int r = cgroup_open(st->cgroup_path, st->cgroup_levels, &cg, err);

	if (r == -ENOENT)
		return 0; /* removed already (an earlier delete that failed later) */
	if (r == 0)
		r = cgroup_destroy(cg, err);
	cgroup_free(cg);
	return r;
}

/* --force on a dir whose state cannot be read (a create killed by an older berth left only its
 * lock): the dir is ours, locked; nothing else of it can be found. */
static int delete_unreadable(struct container_handle *c, const char *id, struct error *err)
{
	log_warn("delete %s: %s: removing the state dir", id, err->msg);
	return state_dir_remove(c->rootfd, id, err);
}

int container_delete(const char *root, const char *id, bool force, struct error *err)
{
	struct container_handle c;
	int r = container_open(root, id, &c, err);

	if (c.rootfd >= 0)
		state_sweep_tmp(c.rootfd);
	if (r < 0 && force && c.dirfd >= 0 && c.lock >= 0) {
		r = delete_unreadable(&c, id, err);
		goto out;
	}
	if (r < 0)
		goto out;
	if ((c.status == STATUS_RUNNING || c.status == STATUS_PAUSED) && !force) {
		r = error_set(err, EBUSY, "cannot delete container \"%s\" that is not stopped: %s", id,
			      state_status_name(c.status));
		goto out;
	}
	if (c.st.cgroup_path) {
		/* kills and waits for whatever is left, the init included, then removes the cgroup */
		if ((r = remove_cgroup(&c.st, err)) < 0)
			goto out;
	} else if (c.status != STATUS_STOPPED && c.st.pid > 0) {
		struct error ignored;

		signal_all(&c.st, SIGKILL, &ignored);
		wait_gone(&c.st);
	}
	if ((r = container_net_release(root, id, err)) < 0)
		goto out;
	run_poststop(&c.st);
	r = state_dir_remove(c.rootfd, id, err);
out:
	container_close(&c);
	return r < 0 ? error_prefix(err, "delete") : 0;
}

int container_state_json(const char *root, const char *id, char **json, struct error *err)
{
	struct container_handle c;
	int r = container_open(root, id, &c, err);

	if (r == 0)
		*json = state_runc_json(&c.st, c.status, true);
	container_close(&c);
	return r < 0 ? error_prefix(err, "state") : 0;
}

int container_list(const char *root, struct container_info **list, size_t *n, struct error *err)
{
	cleanup_close int rootfd = state_root_open(root, err);
	cleanup_dir DIR *dir = NULL;
	struct dirent *de;
	size_t cap = 0;

	*list = NULL;
	*n = 0;
	if (rootfd < 0)
		return rootfd;
	dir = fdopendir(dup(rootfd));
	if (!dir)
		return error_sys(err, "list %s", root);
	while ((de = readdir(dir))) {
		cleanup_close int dirfd = -1;
		struct state st = { 0 };
		struct error ignored;

		if (de->d_name[0] == '.')
			continue;
		dirfd = openat(rootfd, de->d_name, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dirfd < 0) {
			log_debug("list: skipping %s", de->d_name);
			continue;
		}
		if (state_read(dirfd, &st, &ignored) < 0) {
			/* a dir left by a create an older berth was killed in: listed, so it can be deleted */
			log_debug("list: %s: %s", de->d_name, ignored.msg);
			st = (struct state){ .id = xstrdup(de->d_name), .bundle = xstrdup(""), .rootfs = xstrdup(""),
					     .created = xstrdup(""), .status = STATUS_STOPPED };
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*list = xrealloc(*list, cap * sizeof(**list));
		}
		(*list)[*n].state = st;
		(*list)[*n].status = state_status(dirfd, &st);
		/* creating, with nobody holding its lock: the create was killed */
		if ((*list)[*n].status == STATUS_CREATING && !state_creator_alive(dirfd))
			(*list)[*n].status = STATUS_STOPPED;
		(*n)++;
	}
	return 0;
}

void container_list_free(struct container_info *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		state_release(&list[i].state);
	free(list);
}
