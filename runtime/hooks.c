#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/exec_stub.h"
#include "runtime/log.h"
#include "runtime/util.h"

static int output_fd[3] = { -1, -1, -1 }; /* [1], [2]: run.oci.hooks.stdout, .stderr */

int hooks_use_output(const struct spec *spec, struct error *err)
{
	static const char *const keys[3] = { NULL, "run.oci.hooks.stdout", "run.oci.hooks.stderr" };

	for (int which = 1; which <= 2; which++) {
		close_quietly(output_fd[which]);
		output_fd[which] = -1;
		for (size_t i = 0; i < spec->n_annotations; i++) {
			if (strcmp(spec->annotations[i].key, keys[which]))
				continue;
			int fd = open(spec->annotations[i].value, O_WRONLY | O_CREAT | O_APPEND | O_NOCTTY | O_CLOEXEC,
				      0600);
			if (fd < 0)
				return error_sys(err, "annotation %s: %s", keys[which], spec->annotations[i].value);
			/* above 2: dup2 onto the hook's 1 and 2 must not clobber it */
			output_fd[which] = fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
			if (fd <= 2)
				close(fd);
			if (output_fd[which] < 0)
				return error_sys(err, "annotation %s", keys[which]);
		}
	}
	return 0;
}

int hooks_output_fd(int which)
{
	return which == 1 || which == 2 ? output_fd[which] : -1;
}

/* A pipe whose ends are both >= 3, so dup2 onto 0..2 in the child cannot clobber them. */
static int pipe_high(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		if (p[i] > 2)
			continue;
		int fd = fcntl(p[i], F_DUPFD_CLOEXEC, 3);

		if (fd < 0) {
			int e = errno;

			close(p[0]);
			close(p[1]);
			return -e;
		}
		close(p[i]);
		p[i] = fd;
	}
	return 0;
}

/* process-wide: set once in the init, which is single-threaded */
static int exec_stub_fd = -1;
static char **container_env;
static bool in_container;

void hooks_in_container(int stub_fd, char **env)
{
	exec_stub_fd = stub_fd;
	container_env = env;
	in_container = true;
}

/* the hook's env: its own, else the runtime's (the container process's inside the container) */
static char *const *hook_env(const struct spec_hook *h)
{
	static char *const empty[] = { NULL };
	extern char **environ;

	if (h->env)
		return h->env;
	if (in_container)
		return container_env ? container_env : empty;
	return environ;
}

/* Close every fd >= 3 but a and b (a < b, -1 for none). */
static void close_fds_except(int a, int b)
{
	int from = 3;

	if (a >= from) {
		if (a > from)
			(void)close_fd_range(from, a - 1, false);
		from = a + 1;
	}
	if (b >= from) {
		if (b > from)
			(void)close_fd_range(from, b - 1, false);
		from = b + 1;
	}
	(void)close_fd_range(from, ~0U, false);
}

/* "e<errno>": what hook_child and the exec stub write on errfd when the exec fails. */
static void report_errno(int errfd, int e)
{
	char buf[16], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + e % 10);
	while ((e /= 10) > 0);
	*--p = 'e';
	if (write(errfd, p, buf + sizeof(buf) - p) < 0)
		_exit(127);
}

/* In the child: only async-signal-safe calls (stub_argv is built before fork). Exec failure
 * sends "e<errno>" over errfd. */
static __attribute__((noreturn)) void hook_child(const struct spec_hook *h, int in, int errfd,
						 char **stub_argv)
{
	char *const self[] = { h->path, NULL };
	/* all zero is SIG_DFL in every arch's kernel sigaction layout */
	static const uint64_t dfl[8] = { 0 };
	sigset_t none;
	int e;

	/* the hook starts with a clean signal state: nothing blocked, nothing ignored; the raw
	 * syscall also resets the signals glibc reserves for itself (32, 33) */
	for (int sig = 1; sig < NSIG; sig++)
		syscall(SYS_rt_sigaction, sig, dfl, NULL, (NSIG - 1) / 8);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0)
		goto fail;
	for (int which = 1; which <= 2; which++)
		if (output_fd[which] >= 0 && dup2(output_fd[which], which) < 0)
			goto fail;
	if (stub_argv) {
		close_fds_except(errfd < exec_stub_fd ? errfd : exec_stub_fd, errfd < exec_stub_fd ? exec_stub_fd : errfd);
		/* the stub marks errfd close-on-exec before it execs the hook */
		if (fcntl(errfd, F_SETFD, 0) < 0)
			goto fail;
		e = -exec_stub_exec(exec_stub_fd, stub_argv, hook_env(h));
		(void)fcntl(errfd, F_SETFD, FD_CLOEXEC);
		report_errno(errfd, e);
		_exit(127);
	}
	close_fds_except(errfd, -1);
	execve(h->path, h->args ? h->args : self, hook_env(h));
fail:
	report_errno(errfd, errno);
	_exit(127);
}

struct feeder {
	int fd; /* write end of the hook's stdin, -1 when done */
	const char *data;
	size_t len, done;
};

/* Write what the pipe takes now; a hook that closes stdin early is fine (EPIPE). */
static void feed(struct feeder *f)
{
	while (f->fd >= 0 && f->done < f->len) {
		ssize_t n = write(f->fd, f->data + f->done, f->len - f->done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0)
			break;
		f->done += n;
	}
	close_quietly(f->fd);
	f->fd = -1;
}

/* Feed stdin and wait for the hook; returns 0 with its wait status, or -ETIME after killing it. */
static int wait_hook(pid_t pid, struct feeder *f, int timeout_s, int *status)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	int64_t deadline = timeout_s > 0 ? monotonic_ms() + (int64_t)timeout_s * 1000 : -1;
	int r = 0;

	fcntl(f->fd, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = f->fd, .events = POLLOUT },
		};
		int wait_ms = pidfd < 0 ? 20 : -1; /* without a pidfd, look every 20ms */
		pid_t w;

		feed(f);
		w = waitpid(pid, status, WNOHANG | __WALL);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (deadline >= 0) {
			int64_t left = deadline - monotonic_ms();

			if (left <= 0) {
				if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
					kill(pid, SIGKILL);
				while (waitpid(pid, status, __WALL) < 0 && errno == EINTR)
					;
				r = -ETIME;
				break;
			}
			if (wait_ms < 0 || left < wait_ms)
				wait_ms = left;
		}
		poll(p, 2, wait_ms);
	}
	close_quietly(pidfd);
	close_quietly(f->fd);
	f->fd = -1;
	return r;
}

static int run_one(const struct spec_hook *h, const char *state_json, struct error *err)
{
	int in[2], errp[2], status = 0, child_errno = 0, r;
	char *const self[] = { h->path, NULL };
	char num[16], report[32] = "";
	cleanup_free char **stub_argv = NULL;
	struct feeder f = { .fd = -1, .data = state_json, .len = strlen(state_json) };
	sigset_t pipe_set, old;
	bool pipe_was_pending;
	pid_t pid;

	if ((r = pipe_high(in)) < 0)
		return error_set(err, -r, "stdin pipe");
	if ((r = pipe_high(errp)) < 0) {
		close(in[0]);
		close(in[1]);
		return error_set(err, -r, "pipe");
	}
	/* a hook that does not read stdin must not kill berth with SIGPIPE */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pipe_set);
	pipe_was_pending = sigismember(&pipe_set, SIGPIPE);

	if (exec_stub_fd >= 0)
		stub_argv = exec_stub_argv(errp[1], h->path, h->args ? h->args : self, num);
	pid = fork();
	if (pid == 0)
		hook_child(h, in[0], errp[1], stub_argv);
	r = pid < 0 ? -errno : 0;
	close(in[0]);
	close(errp[1]);
	if (r == 0) {
		f.fd = in[1];
		r = wait_hook(pid, &f, h->has_timeout ? h->timeout : 0, &status);
		/* "e<errno>", from us or the stub ("e<errno> exec PATH"); EOF when the exec worked */
		if (read(errp[0], report, sizeof(report) - 1) > 1 && report[0] == 'e')
			child_errno = atoi(report + 1);
	} else {
		close(in[1]);
	}
	close(errp[0]);

	sigpending(&pipe_set);
	if (!pipe_was_pending && sigismember(&pipe_set, SIGPIPE)) {
		struct timespec zero = { 0 };
		sigset_t only;

		sigemptyset(&only);
		sigaddset(&only, SIGPIPE);
		sigtimedwait(&only, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);

	if (r == -ETIME)
		return error_set(err, 0, "timed out after %ds", h->timeout);
	if (r < 0)
		return error_set(err, -r, "fork");
	if (child_errno)
		return error_set(err, child_errno, "exec");
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return error_set(err, 0, "exited with status %d", WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return error_set(err, 0, "killed by signal %d", WTERMSIG(status));
	return 0;
}

/* runtime-spec: after a failed poststart or poststop hook the remaining hooks still run. */
static bool keeps_going(enum spec_hook_kind kind)
{
	return kind == SPEC_HOOK_POSTSTART || kind == SPEC_HOOK_POSTSTOP;
}

int hooks_run(const struct spec_hook_list *list, enum spec_hook_kind kind, const char *state_json,
	      struct error *err)
{
	struct error later;
	int first = 0;

	for (size_t i = 0; list && i < list->n; i++) {
		const struct spec_hook *h = &list->hooks[i];
		struct error *e = first < 0 ? &later : err;
		int r = run_one(h, state_json ? state_json : "", e);

		if (r == 0)
			continue;
		r = error_prefix(e, "%s hook #%zu (%s)", spec_hook_kind_name(kind), i, h->path);
		if (!keeps_going(kind))
			return r;
		if (first < 0)
			log_warn("%s", later.msg); /* the caller reports the first one */
		else
			first = r;
	}
	return first;
}
