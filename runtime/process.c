#include "runtime/process.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "runtime/mount_sources.h"
#include "runtime/namespaces.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "runtime/log.h"
#include "runtime/sanitizer.h"
#include "runtime/util.h"

int process_wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, __WALL) < 0)
		if (errno != EINTR)
			return 255;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

static void kill_and_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

/* The parent's half of the setup conversation, until the init says it is ready. */
static int drive_setup(struct init_args *a, int fd, pid_t clone_pid, const struct init_parent_ops *ops,
		       pid_t *init_pid, struct error *err)
{
	struct sync_msg msg;
	int r;

	*init_pid = clone_pid;
	for (;;) {
		r = sync_recv(fd, &msg, err);
		if (r < 0)
			return r;
		switch (msg.type) {
		case SYNC_MAPS_REQ:
			r = ns_write_id_maps(clone_pid, a->spec, err);
			if (r < 0)
				return error_prefix(err, "user namespace");
			r = sync_send(fd, SYNC_MAPS_DONE, 0, NULL, 0, err);
			break;
		case SYNC_CGROUP_REQ:
			r = ops->enter_cgroup ? ops->enter_cgroup(ops->data, clone_pid, err)
					      : error_set(err, EPROTO, "sync: no cgroup to enter");
			if (r == 0)
				r = sync_send(fd, SYNC_CGROUP_DONE, 0, NULL, 0, err);
			break;
		case SYNC_INIT_PID:
			*init_pid = msg.value;
			(void)process_wait_status(clone_pid); /* the first stage is done */
			break;
		case SYNC_HOOKS_REQ: {
			cleanup_free char *payload = NULL;
			size_t len = 0;

			r = ops->run_hooks(ops->data, *init_pid, &payload, &len, err);
			if (r == 0)
				r = sync_send(fd, SYNC_HOOKS_DONE, 0, payload, len, err);
			break;
		}
		case SYNC_READY:
			return 0;
		case SYNC_ERROR:
			err->errnum = msg.value;
			snprintf(err->msg, sizeof(err->msg), "%s", msg.payload ? msg.payload : "init failed");
			r = msg.value ? -msg.value : -EINVAL;
			break;
		default:
			r = error_set(err, EPROTO, "sync: unexpected message %u", msg.type);
		}
		sync_msg_release(&msg);
		if (r < 0)
			return r;
	}
}

/* The init died before it was ready (sync EOF): reap it and say how, naming an OOM kill when its
 * cgroup saw one. Returns true when it was reaped. */
static bool explain_death(const struct init_args *a, pid_t pid, struct error *err)
{
	struct error ignored = { 0 };
	uint64_t ooms = 0;
	int status;
	pid_t w;

	if (err->errnum != EPIPE && err->errnum != ECONNRESET)
		return false;
	do
		w = waitpid(pid, &status, __WALL);
	while (w < 0 && errno == EINTR);
	if (w != pid)
		return false;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && a->cgroup &&
	    cgroup_oom_kills(a->cgroup, &ooms, &ignored) == 0 && ooms > 0)
		error_set(err, 0, "container init was killed by the OOM killer during setup (memory limit of "
				  "its cgroup; %" PRIu64 " OOM kill%s there)", ooms, ooms == 1 ? "" : "s");
	else if (WIFSIGNALED(status))
		error_set(err, 0, "container init was killed by signal %d (%s) during setup", WTERMSIG(status),
			  strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status))
		error_set(err, 0, "container init exited with status %d during setup", WEXITSTATUS(status));
	err->errnum = ECHILD;
	return true;
}

static pid_t clone_init(struct init_args *a, struct clone_args *ca, int sync[2])
{
	pid_t child;

	sanitizer_prepare_child();
	child = syscall(SYS_clone3, ca, sizeof(*ca));

	if (child == 0) {
		sanitizer_child_reports();
		close(sync[0]);
		a->sync_fd = sync[1];
		init_run(a);
	}
	return child;
}

/* The init inherits the bundle as its cwd: chdir here, with our credentials, and come back after. */
static int enter_bundle(const struct init_args *a, int *cwd, struct error *err)
{
	*cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*cwd < 0)
		return error_sys(err, "open the current directory");
	if (chdir(a->bundle) < 0) {
		close_quietly(steal_fd(cwd));
		return error_sys(err, "bundle %s", a->bundle);
	}
	return 0;
}

static void leave_bundle(int *cwd)
{
	if (fchdir(*cwd) < 0)
		log_warn("return to the previous working directory: %s", strerror(errno));
	close_quietly(steal_fd(cwd));
}

int process_spawn_init(struct init_args *a, int sync[2], const struct init_parent_ops *ops, pid_t *pid,
		       struct error *err)
{
	cleanup_close int cwd = -1;
	struct clone_args ca = { .exit_signal = SIGCHLD };
	pid_t child, init_pid = -1;
	int r;

	ca.flags = a->ns->two_stage ? 0 : (unsigned)a->ns->clone_flags;
	r = ns_parent_prepare(a->ns, a->spec, err);
	if (r < 0) {
		ns_parent_restore(a->ns);
		return r;
	}
	if (a->cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = a->cgroup_fd;
	}
	/* what needs host paths is resolved here, before the init is in its user namespace: its cwd
	 * (the bundle, inherited as runc does) and the bind sources */
	if ((r = enter_bundle(a, &cwd, err)) < 0) {
		ns_parent_restore(a->ns);
		return r;
	}
	if (a->ns->new_user || a->ns->join_fd[SPEC_NS_USER] >= 0) {
		mount_sources_open(a->spec, a->bundle, &a->bind_trees);
		if (a->spec->linux_.namespaces[SPEC_NS_MOUNT].present && !a->spec->linux_.namespaces[SPEC_NS_MOUNT].path &&
		    (a->rootfs_tree = rootfs_open_tree(a->rootfs)) < 0)
			log_debug("rootfs %s: open_tree failed (%s): the init opens it itself", a->rootfs,
				  strerror(errno));
	}
	child = clone_init(a, &ca, sync);
	/* kernels before 5.7, or a cgroup clone3 cannot enter: move the child in by hand */
	if (child < 0 && a->cgroup_fd >= 0 && ops->enter_cgroup) {
		log_debug("clone3 into the cgroup failed (%s): entering it after clone", strerror(errno));
		ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		ca.cgroup = 0;
		a->cgroup_wait = true;
		a->cgroup_self = false;
		child = clone_init(a, &ca, sync);
	}
	int clone_errno = errno;

	mount_sources_close(a->spec, &a->bind_trees);
	close_quietly(a->rootfs_tree);
	a->rootfs_tree = -1;
	leave_bundle(&cwd);
	ns_parent_restore(a->ns);
	if (child < 0)
		return error_set(err, clone_errno, "clone the container init");
	close(sync[1]);
	sync[1] = -1;

	r = drive_setup(a, sync[0], child, ops, &init_pid, err);
	if (r < 0) {
		if (!explain_death(a, init_pid, err))
			kill_and_reap(init_pid);
		if (init_pid != child)
			kill_and_reap(child);
		return r;
	}
	*pid = init_pid;
	return 0;
}

int process_wait_foreground(pid_t pid, int master, struct error *err)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	cleanup_close int sfd = -1, pidfd = syscall(SYS_pidfd_open, pid, 0);
	sigset_t set, old;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (master >= 0) {
		if (terminal_proxy(master, pidfd, err) < 0)
			log_warn("terminal: %s", err->msg);
	} else {
		while (pidfd >= 0) {
			struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
			struct signalfd_siginfo si;

			if (poll(p, 2, -1) < 0 && errno != EINTR)
				break;
			if (p[0].revents)
				break;
			if ((p[1].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si))
				syscall(SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
		}
	}
	int status = process_wait_status(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}
