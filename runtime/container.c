/* create, start and run: the way of one container from config.json to a running process. */
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "runtime/container_internal.h"
#include "runtime/exec_stub.h"
#include "runtime/container_net.h"
#include "runtime/hooks.h"
#include "runtime/listen_fds.h"
#include "runtime/log.h"
#include "runtime/namespaces.h"
#include "runtime/notify.h"
#include "runtime/process.h"
#include "runtime/terminal.h"
#include "runtime/tenant.h"
#include "runtime/util.h"
#include "seccomp/seccomp.h"

/* Everything create holds while it works; released in reverse on failure. */
struct create_ctx {
	const struct container_opts *o;
	struct spec *spec;
	char *config_json;
	struct state st;
	int rootfd, dirfd, lock_fd;
	int fifo_fd;
	int stub_fd;	     /* the exec stub's sealed memfd (CVE-2019-5736), -1 when built without */
	int console_fd;	     /* our end of the console socket (or of the internal pair for `run`) */
	int console_peer;    /* for `run` without --console-socket: where we receive the master */
	uint8_t *fd_absent;
	int listen_fds;	     /* LISTEN_FDS meant for us: fds 3.. before the --preserve-fds ones */
	struct ns_plan ns;
	struct seccomp_program seccomp; /* bpf NULL without linux.seccomp */
	int seccomp_listener;		/* connected to linux.seccomp.listenerPath, else -1 */
	struct cgroup *cg;		/* NULL with --cgroup-manager=disabled */
	char *tenant;			/* the tenant joined, or NULL */
	int tenant_lock;		/* held from admission until the init is in its cgroup */
	pid_t pid;
	bool dir_created;
};

/* Hold the --preserve-fds range so none of our own fds lands in it; absent ones stay absent. */
static uint8_t *reserve_preserved_fds(int n)
{
	uint8_t *absent = xzalloc(n + 1);

	for (int i = 0; i < n; i++) {
		if (fcntl(3 + i, F_GETFD) >= 0)
			continue;
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null >= 0 && null != 3 + i) {
			dup3(null, 3 + i, O_CLOEXEC);
			close(null);
		}
		absent[i] = 1;
	}
	return absent;
}

static int resolve_rootfs(struct create_ctx *c, struct error *err)
{
	const char *root = c->spec->root_path;
	cleanup_free char *joined = NULL;
	char resolved[PATH_MAX];
	struct stat sb;

	if (root[0] != '/')
		root = joined = xasprintf("%s/%s", c->st.bundle, root);
	if (!realpath(root, resolved))
		return error_sys(err, "root.path %s", c->spec->root_path);
	if (stat(resolved, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return error_set(err, ENOTDIR, "root.path %s", c->spec->root_path);
	c->st.rootfs = xstrdup(resolved);
	return 0;
}

static int load_config(struct create_ctx *c, struct error *err)
{
	const struct container_opts *o = c->o;
	char resolved[PATH_MAX];
	cleanup_free char *path = NULL;
	int r;

	if (!realpath(o->bundle ? o->bundle : ".", resolved))
		return error_sys(err, "bundle %s", o->bundle ? o->bundle : ".");
	c->st.bundle = xstrdup(resolved);
	path = o->config ? xstrdup(o->config) : xasprintf("%s/config.json", resolved);
	r = read_file_at(AT_FDCWD, path, &c->config_json, NULL, 16u << 20);
	if (r < 0)
		return error_set(err, -r, "%s", path);
	r = spec_parse(c->config_json, strlen(c->config_json), &c->spec, err);
	if (r < 0)
		return error_prefix(err, "config.json");
	r = container_validate_spec(c->spec, o, err);
	if (r < 0)
		return error_prefix(err, "config.json");
	return resolve_rootfs(c, err);
}

/* prestart and createRuntime run in berth's namespaces; then the init gets its own hooks' state. */
static int run_parent_hooks(void *data, pid_t pid, char **payload, size_t *len, struct error *err)
{
	struct create_ctx *c = data;
	cleanup_free char *creating = NULL, *created = NULL;
	int r;

	c->st.pid = pid;
	creating = state_spec_json(&c->st, STATUS_CREATING);
	r = hooks_run(&c->spec->hooks[SPEC_HOOK_PRESTART], SPEC_HOOK_PRESTART, creating, err);
	if (r == 0)
		r = hooks_run(&c->spec->hooks[SPEC_HOOK_CREATE_RUNTIME], SPEC_HOOK_CREATE_RUNTIME, creating, err);
	if (r < 0)
		return r;
	created = state_spec_json(&c->st, STATUS_CREATED);
	*len = strlen(creating) + 1 + strlen(created);
	*payload = xmalloc(*len + 1);
	memcpy(*payload, creating, strlen(creating) + 1);
	memcpy(*payload + strlen(creating) + 1, created, strlen(created) + 1);
	return 0;
}

static int open_console(struct create_ctx *c, struct error *err)
{
	int pair[2];

	if (!c->spec->process.terminal)
		return 0;
	if (c->o->console_socket) {
		c->console_fd = terminal_connect_socket(c->o->console_socket, err);
		return c->console_fd < 0 ? error_prefix(err, "--console-socket") : 0;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
		return error_sys(err, "console socketpair");
	c->console_fd = pair[0];
	c->console_peer = pair[1];
	return 0;
}

static int enter_cgroup(void *data, pid_t pid, struct error *err)
{
	struct create_ctx *c = data;

	return cgroup_enter(c->cg, pid, err);
}

static int spawn(struct create_ctx *c, struct error *err)
{
	const struct container_opts *o = c->o;
	struct init_parent_ops ops = { .run_hooks = run_parent_hooks,
				       .enter_cgroup = c->cg ? enter_cgroup : NULL,
				       .data = c };
	bool new_cgroupns = c->spec->linux_.namespaces[SPEC_NS_CGROUP].present &&
			    !c->spec->linux_.namespaces[SPEC_NS_CGROUP].path;
	struct init_args a = {
		.spec = c->spec,
		.id = o->id,
		.rootfs = c->st.rootfs,
		.bundle = c->st.bundle,
		.ns = &c->ns,
		.fifo_fd = c->fifo_fd,
		.stub_fd = c->stub_fd,
		.console_fd = c->console_fd,
		.preserve_fds = c->listen_fds + o->preserve_fds,
		.fd_absent = c->fd_absent,
		.listen_fds = c->listen_fds,
		.no_pivot = o->no_pivot,
		.no_new_keyring = o->no_new_keyring,
		.seccomp = c->seccomp.bpf ? &c->seccomp : NULL,
		.seccomp_listener_fd = c->seccomp_listener,
		.cgroup = c->cg,
		.cgroup_fd = -1,
		.cgroupns_late = c->cg && new_cgroupns,
		.dev_fd = -1,
		.rootfs_tree = -1,
	};
	int sync[2] = { -1, -1 };
	int r;

	/* a child in a new user namespace may not write the host's cgroup files: we move it */
	if (c->cg)
		cgroup_spawn_plan(c->cg, !c->ns.new_user && c->ns.join_fd[SPEC_NS_USER] < 0, &a.cgroup_fd,
				  &a.cgroup_self, &a.cgroup_wait);

	/* made at clone, a cgroup namespace would be rooted at berth's own cgroup */
	if (a.cgroupns_late)
		c->ns.clone_flags &= ~CLONE_NEWCGROUP;
	/* mknod is refused in a user namespace: berth makes the nodes the init will bind */
	if ((r = rootfs_dev_make_private(c->spec, &a.dev_fd, err)) < 0)
		return error_prefix(err, "linux.devices");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0) {
		close_quietly(a.dev_fd);
		return error_sys(err, "sync socketpair");
	}
	r = process_spawn_init(&a, sync, &ops, &c->pid, err);
	close_quietly(a.dev_fd);
	close_quietly(sync[0]);
	close_quietly(sync[1]);
	close_quietly(c->console_fd);
	c->console_fd = -1;
	close_quietly(c->seccomp_listener);
	c->seccomp_listener = c->tenant_lock = -1;
	return r;
}

/* Compile (or fetch) the filter and connect to its listener before clone; nothing without seccomp. */
static int prepare_seccomp(struct create_ctx *c, struct error *err)
{
	const struct spec_seccomp *sc = c->spec->linux_.seccomp;
	cleanup_free char *cache = NULL;
	int r;

	if (!sc)
		return 0;
	cache = xasprintf("%s/.seccomp-cache", c->o->root);
	if ((r = seccomp_prepare(sc, cache, &c->seccomp, err)) < 0)
		return r;
	if (!sc->listener_path)
		return 0;
	c->seccomp_listener = seccomp_listener_connect(sc->listener_path, err);
	return c->seccomp_listener < 0 ? c->seccomp_listener : 0;
}

/* Add key=value to the container's annotations unless it has key: a tenant's network (read by
 * container_net_prepare, so --network and org.berth.network still win) and the tenant itself, kept in
 * the state so `berth state` shows it. */
static void annotation_default(struct create_ctx *c, const char *key, const char *value)
{
	struct spec *spec = c->spec;

	for (size_t i = 0; i < spec->n_annotations; i++)
		if (!strcmp(spec->annotations[i].key, key))
			return;
	spec->annotations = xrealloc(spec->annotations, (spec->n_annotations + 1) * sizeof(*spec->annotations));
	spec->annotations[spec->n_annotations++] = (struct spec_kv){ xstrdup(key), xstrdup(value) };
	c->st.annotations = spec->annotations;
	c->st.n_annotations = spec->n_annotations;
}

/* The cgroup path goes into the state before the cgroup exists, so a create killed at any moment
 * leaves it findable. Only the leaf counts as made until the real count is written: a cgroupsPath
 * that exists already counts as none, berth's own /berth/<id> as one. */
static int plan_cgroup(struct create_ctx *c, struct error *err)
{
	struct cgroup *cg = NULL;
	struct error ignored = { 0 };
	int r;

	if (c->o->cgroup_manager == CGROUP_MANAGER_DISABLED)
		return 0;
	r = cgroup_path_resolve(c->o->cgroup_manager, c->spec->linux_.cgroups_path, c->o->id, &c->st.cgroup_path,
				err);
	if (r < 0)
		return r;
	cleanup_free char *network = NULL;
	r = tenant_place(c->o->root, c->o->tenant, c->spec, c->o->id, &c->st.cgroup_path, &c->tenant, &network,
			 &c->tenant_lock, err);
	if (r < 0)
		return r;
	if (c->tenant)
		annotation_default(c, TENANT_ANNOTATION, c->tenant);
	if (network)
		annotation_default(c, ANNOTATION_NETWORK, network);
	c->st.cgroup_levels = 1;
	if (c->spec->linux_.cgroups_path && cgroup_open(c->st.cgroup_path, 0, &cg, &ignored) == 0)
		c->st.cgroup_levels = 0;
	cgroup_free(cg);
	return 0;
}

static int create_steps(struct create_ctx *c, struct error *err)
{
	const struct container_opts *o = c->o;
	char *cgroup_path = NULL;
	int r;

	if ((r = state_validate_id(o->id, err)) < 0 || (r = load_config(c, err)) < 0)
		return r;
	if ((c->rootfd = state_root_open(o->root, err)) < 0)
		return c->rootfd;

	c->st.id = xstrdup(o->id);
	c->st.created = state_now_rfc3339();
	c->st.owner = getuid();
	c->st.config_json = steal_pointer(&c->config_json);
	c->st.use_terminal = c->spec->process.terminal;
	c->st.has_own_pidns = c->spec->linux_.namespaces[SPEC_NS_PID].present &&
			      !c->spec->linux_.namespaces[SPEC_NS_PID].path;
	c->st.annotations = c->spec->annotations;
	c->st.n_annotations = c->spec->n_annotations;
	c->st.status = STATUS_CREATING;
	if ((r = plan_cgroup(c, err)) < 0)
		return r;
	if ((c->dirfd = state_dir_create(c->rootfd, o->id, &c->st, &c->lock_fd, err)) < 0)
		return c->dirfd;
	c->dir_created = true;
	if ((r = notify_prepare(c->spec, c->dirfd, err)) < 0)
		return r;
	if ((r = container_cgroup_create(c->spec, o, c->st.cgroup_path, &c->cg, &cgroup_path, err)) < 0)
		return r;
	free(c->st.cgroup_path);
	c->st.cgroup_path = cgroup_path;
	c->st.cgroup_levels = c->cg ? cgroup_created_levels(c->cg) : 0;
	if ((r = state_write(c->dirfd, &c->st, err)) < 0)
		return r;

	/* 0622: the init opens it for writing after switching to the container's user */
	if (mkfifoat(c->dirfd, STATE_EXEC_FIFO, 0622) < 0 || fchmodat(c->dirfd, STATE_EXEC_FIFO, 0622, 0) < 0)
		return error_sys(err, "create exec fifo");
	c->fifo_fd = openat(c->dirfd, STATE_EXEC_FIFO, O_PATH | O_CLOEXEC);
	if (c->fifo_fd < 0)
		return error_sys(err, "open exec fifo");
	if ((r = open_console(c, err)) < 0)
		return r;
	if ((r = exec_stub_open(&c->stub_fd, err)) < 0)
		return r;
	if ((r = ns_plan_build(c->spec, &c->ns, err)) < 0)
		return r;
	if ((r = container_net_prepare(c->spec, o, &c->ns, err)) < 0)
		return r;
	if ((r = prepare_seccomp(c, err)) < 0)
		return r;
	/* before spawn: the init inherits them for createContainer and startContainer */
	if ((r = hooks_use_output(c->spec, err)) < 0)
		return r;
	log_debug("create %s: bundle %s, rootfs %s, clone flags %#x%s", o->id, c->st.bundle, c->st.rootfs,
		  c->ns.clone_flags, c->ns.two_stage ? " (two stages)" : "");
	if ((r = spawn(c, err)) < 0)
		return r;
	log_debug("create %s: init %d is waiting for start", o->id, c->pid);

	c->st.pid = c->pid;
	c->st.pid_start = state_pid_starttime(c->pid);
	c->st.status = STATUS_CREATED;
	if ((r = state_write(c->dirfd, &c->st, err)) < 0)
		return r;
	if (o->pid_file && (r = state_write_pid_file(o->pid_file, c->pid, err)) < 0)
		return r;
	return 0;
}

static void create_ctx_release(struct create_ctx *c, bool failed)
{
	struct error ignored;

	if (failed && c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, __WALL);
	}
	if (failed && c->cg && cgroup_destroy(c->cg, &ignored) < 0)
		log_warn("create %s: remove cgroup %s: %s", c->o->id, c->st.cgroup_path, ignored.msg);
	cgroup_free(c->cg);
	if (failed && c->dir_created && container_net_release(c->o->root, c->o->id, &ignored) < 0)
		log_warn("create %s: %s", c->o->id, ignored.msg);
	if (failed && c->dir_created)
		state_dir_remove(c->rootfd, c->o->id, &ignored);
	ns_plan_release(&c->ns);
	close_quietly(c->fifo_fd);
	close_quietly(c->stub_fd);
	close_quietly(c->console_fd);
	close_quietly(c->console_peer);
	close_quietly(c->seccomp_listener);
	seccomp_program_release(&c->seccomp);
	close_quietly(c->dirfd);
	close_quietly(c->lock_fd);
	close_quietly(c->tenant_lock);
	free(c->tenant);
	close_quietly(c->rootfd);
	c->st.annotations = NULL; /* owned by spec */
	c->st.n_annotations = 0;
	state_release(&c->st);
	spec_free(c->spec);
	free(c->config_json);
	free(c->fd_absent);
}

static void create_ctx_init(struct create_ctx *c, const struct container_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->rootfd = c->dirfd = c->lock_fd = c->fifo_fd = c->stub_fd = c->console_fd = c->console_peer = -1;
	c->seccomp_listener = -1;
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		c->ns.join_fd[t] = -1;
	c->ns.saved_pid_fd = c->ns.saved_time_fd = -1;
	c->listen_fds = listen_fds_from_env();
	c->fd_absent = reserve_preserved_fds(c->listen_fds + o->preserve_fds);
}

int container_create(const struct container_opts *o, struct error *err)
{
	struct create_ctx c;
	int r;

	create_ctx_init(&c, o);
	r = create_steps(&c, err);
	if (r < 0)
		error_prefix(err, "create \"%s\"", o->id);
	create_ctx_release(&c, r < 0);
	return r;
}

/* Open the fifo for reading: the init's blocked open returns, it runs the startContainer hooks,
 * writes "0" and execs, which closes its end: EOF means the process runs. "E<message>" instead
 * means a hook or the exec failed. The pidfd is taken first: once released, the process may exit
 * and be reaped by its parent (conmon, a shim) at once, and that is a successful start. */
static int release_init(int dirfd, const struct state *st, struct error *err)
{
	cleanup_close int pidfd = syscall(SYS_pidfd_open, st->pid, 0);
	cleanup_close int fifo = -1;
	char buf[ERROR_MSG_MAX];
	size_t len = 0;

	if (pidfd < 0 || state_pid_starttime(st->pid) != st->pid_start)
		return error_set(err, ESRCH, "container init %d is gone", st->pid);
	fifo = openat(dirfd, STATE_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return error_sys(err, "open exec fifo");
	if (unlinkat(dirfd, STATE_EXEC_FIFO, 0) < 0)
		return error_sys(err, "remove exec fifo");
	for (;;) {
		struct pollfd p[2] = { { .fd = fifo, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };

		if (poll(p, len ? 1 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return error_sys(err, "wait for the init");
		}
		if (p[0].revents) {
			ssize_t n = read(fifo, buf + len, sizeof(buf) - 1 - len);

			if (n > 0)
				len += n;
			else if (n == 0 && len)
				break; /* EOF after our byte: execve closed the init's end */
			else if (n == 0 && p[1].revents)
				return error_set(err, ESRCH, "container init exited before start");
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				return error_sys(err, "read exec fifo");
			if (len == sizeof(buf) - 1)
				break;
			continue;
		}
		if (!len && p[1].revents)
			return error_set(err, ESRCH, "container init exited before start");
	}
	buf[len] = '\0';
	/* "0" (hooks done), then nothing, "E<message>", or the exec stub's "e<errno> <what>" */
	char *p = buf + (buf[0] == '0');
	if (*p == 'E')
		return error_set(err, 0, "%s", p + 1);
	if (*p == 'e') {
		char *what = NULL;
		long e = strtol(p + 1, &what, 10);

		return error_set(err, (int)e, "%s", *what == ' ' ? what + 1 : "exec");
	}
	log_debug("start %s: init %d released", st->id, st->pid);
	return 0;
}

/* The runtime-spec makes process optional for create, required for start. */
static int require_process(const struct spec *spec, struct error *err)
{
	if (spec->has_process)
		return 0;
	return error_set(err, 0, "config.json: process: required to start a container (created without one)");
}

/* runtime-spec lifecycle step 9: a failed poststart hook is an error and stops the container
 * (its poststop hooks run at delete, which `run` does at once). */
static int run_poststart(const struct spec *spec, const struct state *st, struct error *err)
{
	cleanup_free char *json = NULL;
	cleanup_close int pidfd = -1;
	int r;

	if (!spec->hooks[SPEC_HOOK_POSTSTART].n)
		return 0;
	if ((r = hooks_use_output(spec, err)) < 0)
		return r;
	json = state_spec_json(st, STATUS_RUNNING);
	r = hooks_run(&spec->hooks[SPEC_HOOK_POSTSTART], SPEC_HOOK_POSTSTART, json, err);
	if (r == 0)
		return 0;
	pidfd = syscall(SYS_pidfd_open, st->pid, 0);
	if (pidfd >= 0 && state_pid_starttime(st->pid) == st->pid_start)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	return error_prefix(err, "the container is stopped");
}

static int start_locked(int dirfd, const char *id, struct notify *notify, struct error *err)
{
	struct state st = { 0 };
	struct spec *spec = NULL;
	enum container_status status;
	int r;

	if ((r = state_read(dirfd, &st, err)) < 0)
		return r;
	status = state_status(dirfd, &st);
	if (status != STATUS_CREATED) {
		r = error_set(err, EINVAL, "cannot start a container that is %s", state_status_name(status));
		goto out;
	}
	if ((r = spec_parse(st.config_json, strlen(st.config_json), &spec, err)) < 0) {
		error_prefix(err, "stored config.json");
		goto out;
	}
	if ((r = require_process(spec, err)) < 0)
		goto out;
	if ((r = notify_listen(dirfd, st.pid, st.pid_start, notify, err)) < 0 ||
	    (r = release_init(dirfd, &st, err)) < 0)
		goto out;
	r = run_poststart(spec, &st, err);
out:
	spec_free(spec);
	state_release(&st);
	return r;
}

int container_start(const char *root, const char *id, struct error *err)
{
	cleanup_close int rootfd = -1, dirfd = -1, lock = -1;
	int r;

	if ((r = state_validate_id(id, err)) < 0)
		return r;
	if ((rootfd = state_root_open(root, err)) < 0)
		return rootfd;
	if ((dirfd = state_dir_open(rootfd, id, &lock, err)) < 0)
		return dirfd;
	struct notify notify = NOTIFY_INIT;

	r = start_locked(dirfd, id, &notify, err);
	if (r < 0) {
		notify_close(&notify);
		return error_prefix(err, "start \"%s\"", id);
	}
	/* as runc: start returns once the container said READY=1 (or exited); not holding the lock */
	close_quietly(steal_fd(&lock));
	if (notify_forward(&notify, err) < 0)
		log_warn("start \"%s\": %s", id, err->msg);
	notify_close(&notify);
	return 0;
}

int container_run(const struct container_opts *opts, int *exit_status, struct error *err)
{
	struct container_opts local = *opts, *o = &local;
	struct create_ctx c;
	struct notify notify = NOTIFY_INIT;
	int master = -1, r;

	*exit_status = 0;
	local.foreground = !opts->detach;
	create_ctx_init(&c, o);
	r = create_steps(&c, err);
	if (r < 0) {
		error_prefix(err, "create \"%s\"", o->id);
		goto fail;
	}
	if ((r = require_process(c.spec, err)) < 0) {
		error_prefix(err, "start \"%s\"", o->id);
		goto fail;
	}
	if (c.console_peer >= 0 && !o->detach) {
		master = terminal_recv_fd(c.console_peer, err);
		if (master < 0)
			goto fail;
	}
	if ((r = notify_listen(c.dirfd, c.st.pid, c.st.pid_start, &notify, err)) < 0 ||
	    (r = release_init(c.dirfd, &c.st, err)) < 0) {
		error_prefix(err, "start \"%s\"", o->id);
		goto fail;
	}
	r = run_poststart(c.spec, &c.st, err);
	close_quietly(c.lock_fd); /* others may act on the container while it runs */
	c.lock_fd = -1;
	pid_t pid = c.pid;
	create_ctx_release(&c, false);
	if (r < 0) {
		struct error derr = { 0 };

		error_prefix(err, "start \"%s\"", o->id);
		(void)process_wait_status(pid);
		/* the rest of the lifecycle: delete, with its poststop hooks */
		if (container_delete(o->root, o->id, true, &derr) < 0 && derr.errnum != ENOENT)
			log_warn("%s", derr.msg);
		close_quietly(master);
		notify_close(&notify);
		return r;
	}
	/* run -d waits for READY=1 as start does; in the foreground a child forwards it */
	if ((o->detach ? notify_forward(&notify, err) : notify_forward_async(&notify, err)) < 0)
		log_warn("run \"%s\": %s", o->id, err->msg);
	notify_close(&notify);
	if (o->detach)
		return 0;

	*exit_status = process_wait_foreground(pid, master, err);
	close_quietly(master);
	if (!o->keep && container_delete(o->root, o->id, true, err) < 0 && err->errnum != ENOENT)
		log_warn("%s", err->msg);
	return 0;
fail:
	close_quietly(master);
	notify_close(&notify);
	create_ctx_release(&c, true);
	return r < 0 ? r : -EINVAL;
}
