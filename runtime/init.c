/* The container's init, from clone to execve. Each step names itself in the error it returns, and
 * every error before `start` travels back to berth over the sync socket. */
#include "runtime/init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "netns/netns.h"
#include "rootfs/cgroup_v1_mount.h"
#include "rootfs/rootfs.h"
#include "runtime/caps.h"
#include "runtime/credentials.h"
#include "runtime/exec_stub.h"
#include "runtime/home.h"
#include "runtime/hooks.h"
#include "runtime/listen_fds.h"
#include "runtime/log.h"
#include "runtime/mempolicy.h"
#include "runtime/procfs.h"
#include "runtime/sanitizer.h"
#include "runtime/sched.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "runtime/util.h"
#include "seccomp/seccomp.h"

struct init_state {
	struct init_args *a;
	int procfd;
	int fd_dir; /* <our pid>/fd in procfd, for reopening the fifo */
	struct rootfs_ctx rootfs;
	char *state_creating; /* state JSON for createContainer hooks */
	char *state_created;  /* ... and for startContainer hooks */
	char *exec_path;
	struct rootfs_host_cgroups *host_cgroups; /* read before the cgroup namespace, for its mount */
};

/* A new user namespace needs its maps from the parent before we can become its root. */
static int become_userns_root(struct init_state *s, struct error *err)
{
	struct sync_msg msg;
	int r;

	r = sync_send(s->a->sync_fd, SYNC_MAPS_REQ, 0, NULL, 0, err);
	if (r < 0)
		return r;
	r = sync_expect(s->a->sync_fd, SYNC_MAPS_DONE, &msg, err);
	if (r < 0)
		return r;
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return error_sys(err, "become root of the user namespace");
	return 0;
}

/* A child in a new user namespace may not write the host's cgroup files: it asks berth to move it. A
 * new cgroup namespace must wait for that, or its root would be berth's cgroup. */
static int wait_for_cgroup(struct init_state *s, struct error *err)
{
	struct sync_msg msg = { 0 };
	int r;

	if (!s->a->cgroup_wait)
		return 0;
	if ((r = sync_send(s->a->sync_fd, SYNC_CGROUP_REQ, 0, NULL, 0, err)) < 0)
		return r;
	r = sync_expect(s->a->sync_fd, SYNC_CGROUP_DONE, &msg, err);
	sync_msg_release(&msg);
	return r;
}

static int unshare_cgroupns(struct init_state *s, struct error *err)
{
	if (!s->a->cgroupns_late)
		return 0;
	s->host_cgroups = rootfs_host_cgroups_capture(s->a->spec);
	if (unshare(CLONE_NEWCGROUP) < 0)
		return error_sys(err, "create cgroup namespace");
	return 0;
}

/* Join the namespaces given by path, create the rest; in two-stage mode fork the real init. */
static int enter_namespaces(struct init_state *s, struct error *err)
{
	struct ns_plan *ns = s->a->ns;
	int r;

	if (s->a->cgroup_self && (r = cgroup_enter_self(s->a->cgroup, err)) < 0)
		return error_prefix(err, "cgroup");
	if (!ns->two_stage) {
		if (ns->new_user && (r = become_userns_root(s, err)) < 0)
			return r;
		if ((r = ns_join_paths(ns, true, err)) < 0 || (r = wait_for_cgroup(s, err)) < 0)
			return r;
		return unshare_cgroupns(s, err);
	}
	/* the init is forked below: it must be born in the cgroup */
	if ((r = wait_for_cgroup(s, err)) < 0)
		return r;

	r = ns_join_paths(ns, false, err);
	if (r < 0)
		return r;
	/* our host ids mean nothing in a joined user namespace: become its root */
	if (ns->join_fd[SPEC_NS_USER] >= 0 && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return error_sys(err, "become root of the joined user namespace");
	if (ns->new_user) {
		if (unshare(CLONE_NEWUSER) < 0)
			return error_sys(err, "create user namespace");
		if ((r = become_userns_root(s, err)) < 0)
			return r;
	}
	if (unshare(ns->clone_flags & ~(CLONE_NEWUSER | CLONE_NEWPID)) < 0)
		return error_sys(err, "create namespaces");
	if ((r = unshare_cgroupns(s, err)) < 0)
		return r;
	if (!(ns->clone_flags & CLONE_NEWPID))
		return 0;
	if (unshare(CLONE_NEWPID) < 0)
		return error_sys(err, "create pid namespace");

	/* CLONE_PARENT: the init is berth's child, so berth can wait for it. */
	struct clone_args ca = { .flags = CLONE_PARENT, .exit_signal = 0 };
	pid_t pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		return error_sys(err, "fork the init into its pid namespace");
	if (pid > 0) {
		sync_send(s->a->sync_fd, SYNC_INIT_PID, pid, NULL, 0, err);
		_exit(0);
	}
	sanitizer_child_reports();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	return 0;
}

static bool is_network_ns_new(const struct init_state *s)
{
	return s->a->ns->clone_flags & CLONE_NEWNET;
}

static int apply_sysctls(struct init_state *s, struct error *err)
{
	const struct spec_linux *lx = &s->a->spec->linux_;

	for (size_t i = 0; i < lx->n_sysctl; i++) {
		cleanup_free char *path = xasprintf("sys/%s", lx->sysctl[i].key);

		for (char *p = path; *p; p++)
			if (*p == '.')
				*p = '/';
		int r = procfs_write(s->procfd, path, lx->sysctl[i].value, err);
		if (r < 0)
			return error_prefix(err, "linux.sysctl %s", lx->sysctl[i].key);
	}
	return 0;
}

static int set_names(const struct spec *spec, struct error *err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return error_sys(err, "set hostname %s", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return error_sys(err, "set domainname %s", spec->domainname);
	return 0;
}

static bool has_hooks(const struct spec *spec, enum spec_hook_kind a, enum spec_hook_kind b)
{
	return spec->hooks[a].n || spec->hooks[b].n;
}

static bool has_listener(const struct init_state *s)
{
	return s->a->seccomp && s->a->seccomp_listener_fd >= 0;
}

/* Load the filter; with a listener, hand it the notify fd and the state (the "creating" one, which
 * holds our host pid) and close both. */
static int load_seccomp(struct init_state *s, struct error *err)
{
	const struct spec_seccomp *sc = s->a->spec->linux_.seccomp;
	cleanup_close int notify = -1;
	cleanup_free char *payload = NULL;
	int r;

	if (!s->a->seccomp)
		return 0;
	if ((r = seccomp_load_program(s->a->seccomp, &notify, err)) < 0)
		return error_prefix(err, "linux.seccomp");
	if (notify < 0 || !has_listener(s))
		return 0;
	payload = seccomp_listener_payload(s->a->spec->oci_version, sc->listener_metadata, s->state_creating);
	r = seccomp_send_listener(s->a->seccomp_listener_fd, notify, payload, err);
	close_quietly(s->a->seccomp_listener_fd);
	s->a->seccomp_listener_fd = -1;
	return r;
}

/* Let berth run prestart and createRuntime now that the mounts exist; get the state for ours. */
static int sync_hooks(struct init_state *s, struct error *err)
{
	const struct spec *spec = s->a->spec;
	struct sync_msg msg;
	int r;

	if (!has_hooks(spec, SPEC_HOOK_PRESTART, SPEC_HOOK_CREATE_RUNTIME) &&
	    !has_hooks(spec, SPEC_HOOK_CREATE_CONTAINER, SPEC_HOOK_START_CONTAINER) && !has_listener(s))
		return 0;
	r = sync_send(s->a->sync_fd, SYNC_HOOKS_REQ, 0, NULL, 0, err);
	if (r < 0)
		return r;
	r = sync_expect(s->a->sync_fd, SYNC_HOOKS_DONE, &msg, err);
	if (r < 0)
		return r;
	/* payload: the "creating" state, NUL, the "created" state */
	size_t first = strlen(msg.payload);
	s->state_creating = xstrdup(msg.payload);
	s->state_created = xstrdup(first < msg.len ? msg.payload + first + 1 : msg.payload);
	sync_msg_release(&msg);
	return 0;
}

static int setup_terminal(struct init_state *s, struct error *err)
{
	const struct spec_process *p = &s->a->spec->process;
	cleanup_close int master = -1, slave = -1;
	char name[64];
	int r;

	if (!p->terminal)
		return 0;
	r = terminal_open_checked(&master, &slave, p->has_console_size, p->console_height, p->console_width, name,
				  sizeof(name), err);
	if (r < 0)
		return r;
	r = s->rootfs.host_mounts ? 0 : rootfs_mount_console(slave, err);
	if (r < 0)
		return r;
	return terminal_hand_over(&s->a->console_fd, master, slave, name, err);
}

static int set_oom_score_adj(struct init_state *s, struct error *err)
{
	const struct spec_process *p = &s->a->spec->process;
	char path[64], value[16];

	if (!p->has_oom_score_adj)
		return 0;
	snprintf(path, sizeof(path), "%d/oom_score_adj", getpid());
	snprintf(value, sizeof(value), "%d", p->oom_score_adj);
	if (procfs_write(s->procfd, path, value, err) < 0)
		return error_prefix(err, "process.oomScoreAdj %d", p->oom_score_adj);
	return 0;
}

static int set_personality(const struct spec_linux *lx, struct error *err)
{
	if (lx->personality.present && personality(lx->personality.domain) < 0)
		return error_sys(err, "linux.personality");
	return 0;
}

static int join_session_keyring(struct init_state *s, struct error *err)
{
	cleanup_free char *name = NULL;

	if (s->a->no_new_keyring)
		return 0;
	name = xasprintf("_ses.%s", s->a->id);
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
		return error_sys(err, "join a new session keyring");
	return 0;
}

static int enter_cwd(struct init_state *s, struct error *err)
{
	const char *cwd = s->a->spec->process.cwd;
	cleanup_close int fd = rootfs_mkdir_in_root(s->rootfs.rootfd, cwd, 0755, err);

	if (fd < 0)
		return error_prefix(err, "process.cwd %s", cwd);
	if (fchdir(fd) < 0)
		return error_sys(err, "process.cwd %s", cwd);
	return 0;
}

/* close every fd from `from` up, except the ascending list `keep` */
static int close_fds_except(int from, const int *keep, size_t n)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		if (keep[i] < from)
			continue;
		if (keep[i] > from && (r = close_fd_range(from, keep[i] - 1, false)) < 0)
			return r;
		from = keep[i] + 1;
	}
	return close_fd_range(from, ~0U, false);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* While it waits for `start` the init holds only stdio, the preserved fds and its own three: none
 * of the caller's fds (a pipe held open here would block whoever reads it). */
static int prepare_fds(struct init_state *s, struct error *err)
{
	int n = s->a->preserve_fds, r;
	bool start_hooks = s->a->spec->hooks[SPEC_HOOK_START_CONTAINER].n > 0;
	int keep[] = { s->a->sync_fd, s->a->fifo_fd, s->procfd, log_fd(), s->a->stub_fd,
		       start_hooks ? hooks_output_fd(1) : -1, start_hooks ? hooks_output_fd(2) : -1,
		       has_listener(s) ? s->a->seccomp_listener_fd : -1, sanitizer_report_fd() };

	for (int i = 0; i < n; i++) {
		int fd = 3 + i;

		if (s->a->fd_absent && s->a->fd_absent[i])
			close(fd);
		else if (fcntl(fd, F_SETFD, 0) < 0 && errno != EBADF)
			return error_sys(err, "--preserve-fds: fd %d", fd);
	}
	qsort(keep, ARRAY_SIZE(keep), sizeof(keep[0]), cmp_int);
	if ((r = close_fds_except(3 + n, keep, ARRAY_SIZE(keep))) < 0)
		return error_set(err, -r, "close inherited fds");
	/* opened now: after the seccomp filter, reopening the fifo needs nothing but openat */
	s->fd_dir = procfs_open_fd_dir(s->procfd, err);
	return s->fd_dir < 0 ? error_prefix(err, "exec fifo") : 0;
}

/* Block until `berth start` opens the fifo for reading; return our write end (close-on-exec, so
 * `start` sees EOF exactly when execve succeeds). */
static int wait_for_start(struct init_state *s, struct error *err)
{
	int fd = procfs_reopen_in(s->fd_dir, s->a->fifo_fd, O_WRONLY, err);

	close_quietly(s->fd_dir);
	s->fd_dir = -1;
	close_quietly(s->a->fifo_fd);
	s->a->fifo_fd = -1;
	return fd;
}

/* After start the only way to tell `start` what went wrong is the fifo: "E" and the message. */
_Noreturn static void fail_after_start(struct init_args *a, int fifo, const struct error *err)
{
	if (fifo >= 0) {
		(void)write_all(fifo, "E", 1);
		(void)write_all(fifo, err->msg, strlen(err->msg));
	}
	log_error("container %s: %s", a->id, err->msg);
	_exit(127);
}

static int run_own_hooks(struct init_state *s, enum spec_hook_kind kind, const char *state, struct error *err)
{
	const struct spec_hook_list *list = &s->a->spec->hooks[kind];

	if (!list->n)
		return 0;
	return hooks_run(list, kind, state ? state : "{}", err);
}

static int setup_before_start(struct init_state *s, struct error *err)
{
	const struct spec *spec = s->a->spec;
	int r;

	/* our cwd is the bundle already: berth entered it for us before clone (process_spawn_init) */
	if ((r = enter_namespaces(s, err)) < 0)
		return error_prefix(err, "namespaces");
	if (setsid() < 0)
		return error_sys(err, "setsid");
	if ((s->procfd = procfs_open(err)) < 0)
		return error_prefix(err, "procfs");
	if (is_network_ns_new(s) && (r = netns_loopback_up(err)) < 0)
		return error_prefix(err, "network namespace");
	if ((r = apply_sysctls(s, err)) < 0 || (r = set_names(spec, err)) < 0)
		return r;

	rootfs_ctx_init(&s->rootfs, spec, s->a->rootfs);
	s->rootfs.no_pivot = s->a->no_pivot;
	s->rootfs.in_userns = spec->linux_.namespaces[SPEC_NS_USER].present;
	s->rootfs.dev_fd = s->a->dev_fd;
	s->rootfs.rootfs_tree = s->a->rootfs_tree;
	s->rootfs.bind_trees = s->a->bind_trees;
	s->rootfs.host_cgroups = s->host_cgroups;
	if ((r = rootfs_prepare(&s->rootfs, err)) < 0)
		return error_prefix(err, "rootfs");
	if ((r = sync_hooks(s, err)) < 0)
		return r;
	if ((r = run_own_hooks(s, SPEC_HOOK_CREATE_CONTAINER, s->state_creating, err)) < 0)
		return r;
	if ((r = rootfs_pivot(&s->rootfs, err)) < 0)
		return error_prefix(err, "pivot_root");
	/* before root.readonly applies: a missing cwd is created, as runc does */
	if (spec->has_process && (r = enter_cwd(s, err)) < 0)
		return r;
	if ((r = setup_terminal(s, err)) < 0)
		return error_prefix(err, "terminal");
	if ((r = rootfs_finish(&s->rootfs, err)) < 0)
		return error_prefix(err, "rootfs");

	home_set_default(&spec->process);
	listen_fds_set_env(&spec->process, s->a->listen_fds);
	if ((r = set_oom_score_adj(s, err)) < 0 || (r = credentials_set_rlimits(&spec->process, err)) < 0 ||
	    (r = set_personality(&spec->linux_, err)) < 0 || (r = join_session_keyring(s, err)) < 0 ||
	    (r = sched_apply(&spec->process, err)) < 0)
		return r;
	if (spec->linux_.has_memory_policy && (r = mempolicy_apply(&spec->linux_.memory_policy, err)) < 0)
		return r;
	if (spec->process.user.has_umask)
		umask(spec->process.user.umask);
	/* the fd work comes before the filter: an old profile knows neither close_range nor openat2 */
	rootfs_ctx_release(&s->rootfs);
	rootfs_host_cgroups_free(s->host_cgroups);
	s->rootfs.host_cgroups = s->host_cgroups = NULL;
	if ((r = prepare_fds(s, err)) < 0)
		return r;
	sanitizer_selftest("init");
	/* without no_new_privs the filter needs CAP_SYS_ADMIN, which switch_user may drop */
	if (!spec->process.no_new_privileges && (r = load_seccomp(s, err)) < 0)
		return r;
	/* without a process (optional until start) there is nobody to become and nothing to find */
	if (!spec->has_process)
		return 0;
	if ((r = credentials_switch_user(&spec->process, credentials_keep_groups(spec), err)) < 0)
		return r;
	return credentials_find_executable(&s->a->spec->process, &s->exec_path, err);
}

/* execve, through the stub when there is one: it reports its own failure on the fifo and closes
 * it when the program's execve succeeds, so the fifo stays open across our exec of the stub. */
_Noreturn static void exec_process(struct init_state *s, int fifo)
{
	const struct spec_process *p = &s->a->spec->process;
	char *no_env[] = { NULL }, num[16];
	char **env = p->env ? p->env : no_env;
	struct error err = { 0 };
	int r;

	if (s->a->stub_fd < 0) {
		execve(s->exec_path, p->args, env);
		error_sys(&err, "exec %s", s->exec_path);
		fail_after_start(s->a, fifo, &err);
	}
	char **argv = exec_stub_argv(fifo, s->exec_path, p->args, num);
	r = fcntl(fifo, F_SETFD, 0) < 0 ? -errno : exec_stub_exec(s->a->stub_fd, argv, env);
	(void)fcntl(fifo, F_SETFD, FD_CLOEXEC);
	error_set(&err, -r, "exec %s: through the exec stub", s->exec_path);
	fail_after_start(s->a, fifo, &err);
}

_Noreturn void init_run(struct init_args *a)
{
	struct init_state s = { .a = a, .procfd = -1, .fd_dir = -1, .rootfs = { .rootfd = -1, .devnull_fd = -1 } };
	struct error err = { 0 };

	/* until execve nobody may ptrace us or open our /proc files (CVE-2019-5736 class) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* a hook forked from us execs through the stub too: it would otherwise run in the container
	 * with the host's berth as its exe */
	hooks_in_container(a->stub_fd, a->spec->process.env);

	if (setup_before_start(&s, &err) < 0) {
		sync_send_error(a->sync_fd, &err);
		_exit(1);
	}
	/* from here berth's create may exit: we outlive it */
	prctl(PR_SET_PDEATHSIG, 0);
	if (sync_send(a->sync_fd, SYNC_READY, 0, NULL, 0, &err) < 0)
		_exit(1);
	close_quietly(a->sync_fd);

	int fifo = wait_for_start(&s, &err);
	if (fifo < 0)
		fail_after_start(a, -1, &err);
	if (!a->spec->has_process) {
		error_set(&err, EINVAL, "config.json: process: required to start a container");
		fail_after_start(a, fifo, &err);
	}
	if (run_own_hooks(&s, SPEC_HOOK_START_CONTAINER, s.state_created, &err) < 0)
		fail_after_start(a, fifo, &err);
	close_quietly(s.procfd);
	/* "0": hooks done; EOF follows at execve */
	if (write_all(fifo, "0", 1) < 0)
		_exit(127);
	/* with no_new_privs, the filter goes last: it need not allow anything berth does */
	if (a->spec->process.no_new_privileges && load_seccomp(&s, &err) < 0)
		fail_after_start(a, fifo, &err);
	exec_process(&s, fifo);
}
