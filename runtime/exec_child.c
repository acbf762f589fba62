/* The process `berth exec` makes: join the init's namespaces, fork into its pid namespace, set up
 * user, capabilities, limits, terminal and cwd like the init did, execve. Errors go back over sync. */
#include "runtime/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "runtime/caps.h"
#include "runtime/credentials.h"
#include "runtime/sanitizer.h"
#include "runtime/home.h"
#include "runtime/sched.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "runtime/util.h"
#include "seccomp/seccomp.h"

/* user first: the others belong to it; mount late so the fds above stay meaningful */
static const enum spec_ns_type join_order[] = {
	SPEC_NS_USER, SPEC_NS_IPC, SPEC_NS_UTS, SPEC_NS_NETWORK, SPEC_NS_CGROUP,
	SPEC_NS_TIME, SPEC_NS_PID, SPEC_NS_MOUNT,
};

static int join_namespaces(struct exec_child_args *a, struct error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(join_order); i++) {
		enum spec_ns_type t = join_order[i];

		if (a->ns_fd[t] < 0)
			continue;
		if (setns(a->ns_fd[t], spec_ns_clone_flag(t)) < 0)
			return error_sys(err, "join the init's %s namespace", spec_ns_name(t));
		close_quietly(a->ns_fd[t]);
		a->ns_fd[t] = -1;
	}
	/* setns(mnt) put us at the namespace's root, which is the container's only when berth was not
	 * chrooted when it made it: take the init's own root */
	if (fchdir(a->root_fd) < 0 || chroot(".") < 0)
		return error_sys(err, "enter the init's root");
	close_quietly(a->root_fd);
	a->root_fd = -1;
	return 0;
}

/* The cwd resolved inside the container's root (CVE-2024-21626: never a host directory); "/" is the
 * init's root since join_namespaces chrooted there. */
static int enter_cwd(const char *cwd, struct error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;

	if (root < 0)
		return error_sys(err, "open the container's root");
	fd = rootfs_open_in_root(root, cwd, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, err);
	if (fd < 0)
		return error_prefix(err, "cwd");
	if (fchdir(fd) < 0)
		return error_sys(err, "cwd %s", cwd);
	return 0;
}

static int setup_terminal(struct exec_child_args *a, struct error *err)
{
	const struct spec_process *p = a->proc;
	cleanup_close int master = -1, slave = -1;
	char name[64];
	int r;

	if (!p->terminal)
		return 0;
	r = terminal_open_checked(&master, &slave, p->has_console_size, p->console_height, p->console_width, name,
				  sizeof(name), err);
	if (r < 0)
		return r;
	return terminal_hand_over(&a->console_fd, master, slave, name, err);
}

/* Only stdio and the preserved fds survive execve; the sync fd stays until then to report errors. */
static int prepare_fds(struct exec_child_args *a, struct error *err)
{
	int n = a->preserve_fds;

	for (int i = 0; i < n; i++) {
		int fd = 3 + i;

		if (fd == a->sync_fd)
			return error_set(err, EBADF, "--preserve-fds: fd %d is berth's own", fd);
		if (a->fd_absent && a->fd_absent[i])
			close(fd);
		else if (fcntl(fd, F_SETFD, 0) < 0 && errno != EBADF)
			return error_sys(err, "--preserve-fds: fd %d", fd);
	}
	int r = close_fd_range(3 + n, ~0U, true);

	if (r < 0)
		return error_set(err, -r, "mark inherited fds close-on-exec");
	for (int fd = 0; fd <= 2; fd++)
		(void)fcntl(fd, F_SETFD, 0);
	return 0;
}

static int load_seccomp(struct exec_child_args *a, struct error *err)
{
	if (!a->seccomp)
		return 0;
	int notify_fd = -1;
	/* no listener for exec'd processes yet: a notify action then fails the syscall (ENOSYS) */
	int r = seccomp_load_program(a->seccomp, &notify_fd, err);

	close_quietly(notify_fd);
	return r < 0 ? error_prefix(err, "linux.seccomp") : 0;
}

static int setup_process(struct exec_child_args *a, char **exec_path, struct error *err)
{
	const struct spec_process *p = a->proc;
	int r;

	if (setsid() < 0)
		return error_sys(err, "setsid");
	if ((r = setup_terminal(a, err)) < 0)
		return error_prefix(err, "terminal");
	if ((r = enter_cwd(p->cwd, err)) < 0)
		return r;
	home_set_default(p);
	if ((r = credentials_set_rlimits(p, err)) < 0)
		return r;
	if (a->linux_->personality.present && syscall(SYS_personality, a->linux_->personality.domain) < 0)
		return error_sys(err, "linux.personality");
	/* while CAP_SYS_NICE is still ours */
	if ((r = sched_apply(p, err)) < 0)
		return r;
	/* linux.memoryPolicy is the init's alone: runc and crun do not apply it to exec either */
	if (p->user.has_umask)
		umask(p->user.umask);
	/* before the filter: an old profile does not know close_range */
	if ((r = prepare_fds(a, err)) < 0)
		return r;
	/* without no_new_privs the filter needs CAP_SYS_ADMIN, which switch_user may drop */
	if (!p->no_new_privileges && (r = load_seccomp(a, err)) < 0)
		return r;
	if ((r = credentials_switch_user(p, a->keep_groups, err)) < 0)
		return r;
	if ((r = credentials_find_executable(p, exec_path, err)) < 0)
		return r;
	if ((r = sched_apply_affinity(&p->cpu_affinity, true, err)) < 0)
		return r;
	/* with no_new_privs the filter goes last: it need not allow anything berth does */
	return p->no_new_privileges ? load_seccomp(a, err) : 0;
}

_Noreturn static void second_stage(struct exec_child_args *a, int go_fd)
{
	struct error err = { 0 };
	char *exec_path = NULL, *no_env[] = { NULL };
	char c;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* wait until the first stage has told berth our pid: one writer on the sync socket at a time */
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(go_fd);
	if (setup_process(a, &exec_path, &err) < 0) {
		sync_send_error(a->sync_fd, &err);
		_exit(127);
	}
	sanitizer_selftest("exec");
	execve(exec_path, a->proc->args, a->proc->env ? a->proc->env : no_env);
	error_sys(&err, "exec %s", exec_path);
	sync_send_error(a->sync_fd, &err);
	_exit(127);
}

_Noreturn void exec_child_run(struct exec_child_args *a)
{
	struct error err = { 0 };
	int go[2];

	/* until execve nobody in the container may ptrace us or open our /proc files */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (a->cgroup_wait) {
		struct sync_msg msg = { 0 };
		int r = sync_expect(a->sync_fd, SYNC_CGROUP_DONE, &msg, &err);

		sync_msg_release(&msg);
		if (r < 0)
			_exit(1); /* berth failed and says why */
	}
	if (a->cgroup_self && cgroup_enter_self(a->cgroup, &err) < 0)
		goto fail;
	if (sched_apply_affinity(&a->proc->cpu_affinity, false, &err) < 0)
		goto fail;
	if (join_namespaces(a, &err) < 0)
		goto fail;
	if (pipe2(go, O_CLOEXEC) < 0) {
		error_sys(&err, "pipe");
		goto fail;
	}
	/* CLONE_PARENT: berth waits for the process; a pid namespace takes effect only for children */
	struct clone_args ca = { .flags = CLONE_PARENT, .exit_signal = 0 };
	pid_t pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		error_sys(&err, "fork into the container's pid namespace");
		goto fail;
	}
	if (pid == 0) {
		sanitizer_child_reports();
		close(go[1]);
		second_stage(a, go[0]);
	}
	close(go[0]);
	if (sync_send(a->sync_fd, SYNC_INIT_PID, pid, NULL, 0, &err) < 0)
		_exit(1);
	_exit(0);
fail:
	sync_send_error(a->sync_fd, &err);
	_exit(1);
}
