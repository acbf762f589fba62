/* `berth exec`, berth's side: the process from the stored config.json and the flags, the init's
 * namespaces opened race-free, the child driven over the sync socket, then wait or detach. */
#include "runtime/exec.h"

#include <errno.h>
#include <linux/sched.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "runtime/caps.h"
#include "runtime/container_internal.h"
#include "runtime/credentials.h"
#include "runtime/log.h"
#include "runtime/process.h"
#include "runtime/spec_internal.h"
#include "runtime/sanitizer.h"
#include "runtime/state.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "runtime/util.h"

#include "seccomp/seccomp.h"

#define PROCESS_JSON_MAX (4 << 20)

struct exec_ctx {
	const struct exec_opts *o;
	struct state st;
	struct spec *spec;
	int pidfd;
	int ns_fd[SPEC_NS_COUNT];
	bool *fd_absent;
	int sync[2];
	int console[2];	  /* [0] ours (receives the master when we proxy), [1] the child's */
	pid_t pid;
	int master;
	struct seccomp_program seccomp;
	bool has_seccomp;
	struct cgroup *cg; /* the container's, NULL when it has none */
	int root_fd;	   /* the init's root directory */
};

/* /proc/PID/ns names, by spec_ns_type */
static const char *const proc_ns_name[SPEC_NS_COUNT] = {
	[SPEC_NS_PID] = "pid",	   [SPEC_NS_NETWORK] = "net", [SPEC_NS_MOUNT] = "mnt",
	[SPEC_NS_IPC] = "ipc",	   [SPEC_NS_UTS] = "uts",     [SPEC_NS_USER] = "user",
	[SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

static int read_process_json(const char *path, struct spec_process *p, struct error *err)
{
	cleanup_free char *buf = NULL;
	char errbuf[256] = "";
	yajl_val doc;
	size_t len;
	int r;

	r = read_file_at(AT_FDCWD, path, &buf, &len, PROCESS_JSON_MAX);
	if (r < 0)
		return error_set(err, -r, "--process %s", path);
	if (spec_json_scan(buf, len, "process", err) < 0)
		return error_prefix(err, "--process %s", path);
	doc = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	if (!doc)
		return error_set(err, EINVAL, "--process %s: invalid JSON: %s", path, errbuf);
	r = spec_parse_process(doc, p, err);
	yajl_tree_free(doc);
	if (r < 0)
		return error_prefix(err, "--process %s", path);
	return 0;
}

/* -e KEY=value replaces the variable KEY, or adds it */
static int override_env(struct spec_process *p, char *const *env, struct error *err)
{
	size_t n = strv_length(p->env);

	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		size_t j, klen;

		if (!eq || eq == env[i])
			return error_set(err, EINVAL, "--env \"%s\": not KEY=value", env[i]);
		klen = eq - env[i] + 1;
		for (j = 0; j < n && strncmp(p->env[j], env[i], klen) != 0; j++)
			;
		if (j == n) {
			p->env = xrealloc(p->env, (n + 2) * sizeof(char *));
			p->env[n++] = NULL;
			p->env[n] = NULL;
		}
		free(p->env[j]);
		p->env[j] = xstrdup(env[i]);
	}
	return 0;
}

static int parse_id(const char *s, const char *flag, uint32_t *out, struct error *err)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v > UINT32_MAX - 1)
		return error_set(err, EINVAL, "%s \"%s\": not a numeric id", flag, s);
	*out = v;
	return 0;
}

static int override_user(struct spec_process *p, const struct exec_opts *o, struct error *err)
{
	struct spec_user *u = &p->user;

	if (o->user) {
		cleanup_free char *s = xstrdup(o->user);
		char *colon = strchr(s, ':');

		if (colon)
			*colon++ = '\0';
		if (parse_id(s, "--user", &u->uid, err) < 0)
			return -EINVAL;
		if (colon && parse_id(colon, "--user", &u->gid, err) < 0)
			return -EINVAL;
	}
	for (size_t i = 0; o->additional_gids && o->additional_gids[i]; i++) {
		uint32_t gid = 0;

		if (parse_id(o->additional_gids[i], "--additional-gids", &gid, err) < 0)
			return -EINVAL;
		u->additional_gids = xrealloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(gid));
		u->additional_gids[u->n_additional_gids++] = gid;
	}
	return 0;
}

/* --cap adds to every set, as runc 1.1 does */
static int add_caps(struct spec_process *p, char *const *caps, struct error *err)
{
	struct spec_capabilities *c = &p->capabilities;

	for (size_t i = 0; caps && caps[i]; i++) {
		int n = caps_from_name(caps[i]);

		if (n < 0 || n > 63)
			return error_set(err, EINVAL, "--cap \"%s\": unknown capability", caps[i]);
		uint64_t bit = 1ULL << n;
		c->bounding |= bit;
		c->effective |= bit;
		c->permitted |= bit;
		c->inheritable |= bit;
		c->ambient |= bit;
		p->has_capabilities = true;
	}
	return 0;
}

/* The container's process, then --process or the command, then each flag on top. */
static int build_process(struct exec_ctx *c, struct error *err)
{
	const struct exec_opts *o = c->o;
	struct spec_process *p;
	int r;

	if (!c->st.config_json)
		return error_set(err, ENOENT, "container \"%s\" has no stored config.json", o->id);
	r = spec_parse(c->st.config_json, strlen(c->st.config_json), &c->spec, err);
	if (r < 0)
		return error_prefix(err, "stored config.json");
	p = &c->spec->process;
	if (o->process_path) {
		struct spec_process from_file = { 0 };

		if ((r = read_process_json(o->process_path, &from_file, err)) < 0) {
			spec_process_free(&from_file);
			return r;
		}
		spec_process_free(p);
		*p = from_file;
	} else {
		if (!o->args || !o->args[0])
			return error_set(err, EINVAL, "exec: a command, or --process, is required");
		strv_free(p->args);
		p->args = strv_dup(o->args);
		p->terminal = false;
		p->has_console_size = false;
	}
	if (o->tty)
		p->terminal = true;
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return error_set(err, EINVAL, "--cwd \"%s\": must be an absolute path", o->cwd);
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	if (!p->cwd)
		p->cwd = xstrdup("/");
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = xstrdup(o->apparmor);
	}
	if (o->process_label) {
		free(p->selinux_label);
		p->selinux_label = xstrdup(o->process_label);
	}
	if ((r = container_validate_lsm(p, NULL, err)) < 0 || (r = override_env(p, o->env, err)) < 0 ||
	    (r = override_user(p, o, err)) < 0)
		return r;
	return add_caps(p, o->caps, err);
}

/* The init's namespaces that differ from ours, opened while a pidfd proves the pid is still it. */
static int open_namespaces(struct exec_ctx *c, struct error *err)
{
	const struct state *st = &c->st;
	char path[64];

	c->pidfd = syscall(SYS_pidfd_open, st->pid, 0);
	if (c->pidfd < 0 || state_pid_starttime(st->pid) != st->pid_start)
		return error_set(err, ESRCH, "container \"%s\": init %d is gone", st->id, st->pid);
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", st->pid, proc_ns_name[t]);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", proc_ns_name[t]);
		int fd = open(theirs, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT && stat(ours, &b) < 0)
				continue; /* the kernel lacks this namespace type */
			return error_sys(err, "open %s", theirs);
		}
		if (fstat(fd, &a) < 0 || stat(ours, &b) < 0) {
			close(fd);
			return error_sys(err, "stat %s", theirs);
		}
		if (a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			close(fd);
		else
			c->ns_fd[t] = fd;
	}
	/* its root, not the mount namespace's: they differ when berth itself runs chrooted */
	snprintf(path, sizeof(path), "/proc/%d/root", st->pid);
	c->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return error_sys(err, "open %s", path);
	/* still alive and still the same process: the fds above are its namespaces and root */
	if (syscall(SYS_pidfd_send_signal, c->pidfd, 0, NULL, 0) < 0 ||
	    state_pid_starttime(st->pid) != st->pid_start)
		return error_set(err, ESRCH, "container \"%s\": init %d exited", st->id, st->pid);
	return 0;
}

static int load_container(struct exec_ctx *c, struct error *err)
{
	const struct exec_opts *o = c->o;
	cleanup_close int rootfd = -1, dirfd = -1, lock = -1;
	enum container_status status;
	int r;

	if ((r = state_validate_id(o->id, err)) < 0)
		return r;
	if ((rootfd = state_root_open(o->root, err)) < 0)
		return rootfd;
	if ((dirfd = state_dir_open(rootfd, o->id, &lock, err)) < 0)
		return dirfd;
	if ((r = state_read(dirfd, &c->st, err)) < 0)
		return r;
	status = state_status(dirfd, &c->st);
	if (status == STATUS_STOPPED || status == STATUS_CREATING)
		return error_set(err, ESRCH, "cannot exec in a %s container \"%s\"", state_status_name(status),
				 o->id);
	if (status == STATUS_PAUSED && !o->ignore_paused)
		return error_set(err, EBUSY, "cannot exec in a paused container \"%s\" (see --ignore-paused)",
				 o->id);
	if ((r = build_process(c, err)) < 0)
		return r;
	if (c->st.cgroup_path && (r = container_cgroup_open(&c->st, &c->cg, err)) < 0)
		return error_prefix(err, "container \"%s\"", o->id);
	if (o->cgroup_subs && o->cgroup_subs[0] && !c->cg)
		return error_set(err, EINVAL, "--cgroup: container \"%s\" has no cgroup", o->id);
	if (c->cg && o->cgroup_subs && (r = cgroup_use_sub(c->cg, o->cgroup_subs, err)) < 0)
		return r;
	return open_namespaces(c, err);
}

/* Fds 3.. that --preserve-fds names but are not open get a placeholder, so nothing of ours lands
 * there and leaks into the container; the child closes them again. */
static int hold_preserved(struct exec_ctx *c, struct error *err)
{
	int n = c->o->preserve_fds;

	if (n < 0)
		return error_set(err, EINVAL, "--preserve-fds %d: must not be negative", n);
	if (!n)
		return 0;
	c->fd_absent = xzalloc(n * sizeof(bool));
	for (int i = 0; i < n; i++) {
		if (fcntl(3 + i, F_GETFD) >= 0)
			continue;
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return error_sys(err, "open /dev/null");
		if (fd != 3 + i) {
			if (dup3(fd, 3 + i, O_CLOEXEC) < 0)
				return error_sys(err, "--preserve-fds: fd %d", 3 + i);
			close(fd);
		}
		c->fd_absent[i] = true;
	}
	return 0;
}

static int open_channels(struct exec_ctx *c, struct error *err)
{
	const struct exec_opts *o = c->o;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->sync) < 0)
		return error_sys(err, "sync socketpair");
	if (!c->spec->process.terminal)
		return 0;
	if (o->console_socket) {
		c->console[1] = terminal_connect_socket(o->console_socket, err);
		return c->console[1] < 0 ? error_prefix(err, "--console-socket") : 0;
	}
	if (o->detach)
		return error_set(err, EINVAL, "cannot allocate a tty with --detach and no --console-socket");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->console) < 0)
		return error_sys(err, "console socketpair");
	return 0;
}

static int prepare_seccomp(struct exec_ctx *c, struct error *err)
{
	if (!c->spec->linux_.seccomp)
		return 0;
	int r = seccomp_prepare(c->spec->linux_.seccomp, NULL, &c->seccomp, err);

	if (r < 0)
		return error_prefix(err, "linux.seccomp");
	c->has_seccomp = true;
	return 0;
}

/* The child's error, as it worded it */
static int take_error(struct sync_msg *msg, struct error *err)
{
	err->errnum = msg->type == SYNC_ERROR && msg->value > 0 ? msg->value : EIO;
	snprintf(err->msg, sizeof(err->msg), "%s", msg->payload ? msg->payload : "exec failed");
	sync_msg_release(msg);
	return -err->errnum;
}

/* Fork the first stage and follow it: its pid report, then EOF (execve done) or an error. */
static int spawn(struct exec_ctx *c, struct error *err)
{
	struct exec_child_args a = {
		.proc = &c->spec->process,
		.linux_ = &c->spec->linux_,
		.keep_groups = credentials_keep_groups(c->spec),
		.sync_fd = c->sync[1],
		.console_fd = c->console[1],
		.preserve_fds = c->o->preserve_fds,
		.fd_absent = c->fd_absent,
		.cgroup = c->cg,
		.root_fd = c->root_fd,
	};
	struct clone_args ca = { .exit_signal = SIGCHLD };
	struct sync_msg msg;
	int clone_fd = -1, r;
	pid_t stage1;

	memcpy(a.ns_fd, c->ns_fd, sizeof(a.ns_fd));
	if (c->has_seccomp)
		a.seccomp = &c->seccomp;
	/* the first stage still has our credentials: it may enter the cgroup itself */
	if (c->cg)
		cgroup_spawn_plan(c->cg, true, &clone_fd, &a.cgroup_self, &a.cgroup_wait);
	if (clone_fd >= 0) {
		ca.flags = CLONE_INTO_CGROUP;
		ca.cgroup = clone_fd;
	}
	sanitizer_prepare_child();
	stage1 = syscall(SYS_clone3, &ca, sizeof(ca));
	if (stage1 < 0 && clone_fd >= 0) {
		/* a kernel without CLONE_INTO_CGROUP: we move the first stage while it waits */
		ca.flags = ca.cgroup = 0;
		a.cgroup_self = false;
		a.cgroup_wait = true;
		stage1 = syscall(SYS_clone3, &ca, sizeof(ca));
	}
	if (stage1 < 0)
		return error_sys(err, "fork");
	if (stage1 == 0) {
		sanitizer_child_reports();
		close_quietly(c->sync[0]);
		close_quietly(c->console[0]);
		exec_child_run(&a);
	}
	close_quietly(c->sync[1]);
	c->sync[1] = -1;
	close_quietly(c->console[1]);
	c->console[1] = -1;

	/* the first stage waits in berth's namespaces until it is in the container's cgroup */
	if (a.cgroup_wait && ((r = cgroup_enter(c->cg, stage1, err)) < 0 ||
		      (r = sync_send(c->sync[0], SYNC_CGROUP_DONE, 0, NULL, 0, err)) < 0)) {
		kill(stage1, SIGKILL);
		(void)process_wait_status(stage1);
		return error_prefix(err, "exec: join the container's cgroup");
	}
	r = sync_recv(c->sync[0], &msg, err);
	(void)process_wait_status(stage1);
	if (r < 0)
		return error_prefix(err, "exec");
	if (msg.type != SYNC_INIT_PID)
		return take_error(&msg, err);
	c->pid = msg.value;
	sync_msg_release(&msg);

	r = sync_recv(c->sync[0], &msg, err);
	if (r == -EPIPE)
		return 0; /* the close-on-exec sync fd closed: execve succeeded */
	if (r == 0)
		r = take_error(&msg, err);
	(void)process_wait_status(c->pid);
	c->pid = 0;
	return r;
}

static void exec_ctx_release(struct exec_ctx *c)
{
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		close_quietly(c->ns_fd[t]);
	close_quietly(c->pidfd);
	close_quietly(c->root_fd);
	cgroup_free(c->cg);
	close_quietly(c->sync[0]);
	close_quietly(c->sync[1]);
	close_quietly(c->console[0]);
	close_quietly(c->console[1]);
	close_quietly(c->master);
	free(c->fd_absent);
	if (c->spec)
		spec_free(c->spec);
	if (c->has_seccomp)
		seccomp_program_release(&c->seccomp);
	state_release(&c->st);
}

static int exec_steps(struct exec_ctx *c, int *exit_status, struct error *err)
{
	const struct exec_opts *o = c->o;
	int r;

	if ((r = hold_preserved(c, err)) < 0 || (r = load_container(c, err)) < 0 ||
	    (r = prepare_seccomp(c, err)) < 0 || (r = open_channels(c, err)) < 0 || (r = spawn(c, err)) < 0)
		return r;
	if (o->pid_file && (r = state_write_pid_file(o->pid_file, c->pid, err)) < 0) {
		kill(c->pid, SIGKILL);
		(void)process_wait_status(c->pid);
		return r;
	}
	if (o->detach)
		return 0;
	if (c->console[0] >= 0 && (c->master = terminal_recv_fd(c->console[0], err)) < 0) {
		log_warn("exec: receive the pty master: %s", err->msg);
		kill(c->pid, SIGKILL);
	}
	*exit_status = process_wait_foreground(c->pid, c->master, err);
	return 0;
}

int exec_run(const struct exec_opts *o, int *exit_status, struct error *err)
{
	struct exec_ctx c = { .o = o, .pidfd = -1, .sync = { -1, -1 }, .console = { -1, -1 },
			      .master = -1, .root_fd = -1 };
	int r;

	for (int t = 0; t < SPEC_NS_COUNT; t++)
		c.ns_fd[t] = -1;
	*exit_status = 0;
	r = exec_steps(&c, exit_status, err);
	exec_ctx_release(&c);
	return r;
}

#define SEALED_ENV "_BERTH_SEALED_EXE"
#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static char **read_cmdline(void)
{
	cleanup_free char *buf = NULL;
	size_t len = 0, n = 0;
	char **argv;

	if (read_file_at(AT_FDCWD, "/proc/self/cmdline", &buf, &len, 1 << 20) < 0 || !len)
		return NULL;
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\0';
	argv = xzalloc((n + 2) * sizeof(char *));
	n = 0;
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
		argv[n++] = xstrdup(buf + i);
	return argv;
}

int exec_ensure_sealed_self(struct error *err)
{
	cleanup_close int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	cleanup_close int mfd = -1;
	cleanup_strv char **argv = NULL;
	unsigned long long start = now_ns();
	struct stat st;
	int seals;

	if (self < 0)
		return error_sys(err, "open /proc/self/exe");
	seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS) {
		const char *since = getenv(SEALED_ENV);

		if (since)
			log_debug("exec: copied, sealed and re-executed berth in %.2f ms",
				  (now_ns() - strtoull(since, NULL, 10)) / 1e6);
		unsetenv(SEALED_ENV);
		prctl(PR_SET_NAME, "berth"); /* execveat(fd) named us after the fd number */
		return 0;
	}
	if (getenv(SEALED_ENV))
		return error_set(err, EIO, "re-executed from a sealed copy, yet /proc/self/exe is not sealed");
	if (fstat(self, &st) < 0)
		return error_sys(err, "stat /proc/self/exe");
	mfd = memfd_create("berth", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return error_sys(err, "memfd_create");
	for (off_t left = st.st_size; left > 0;) {
		ssize_t n = sendfile(mfd, self, NULL, left);

		if (n <= 0)
			return n < 0 ? error_sys(err, "copy /proc/self/exe") :
				       error_set(err, EIO, "copy /proc/self/exe: short file");
		left -= n;
	}
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		return error_sys(err, "seal the copy of berth");
	if (!(argv = read_cmdline()))
		return error_set(err, EIO, "read /proc/self/cmdline");
	char stamp[32];
	snprintf(stamp, sizeof(stamp), "%llu", start);
	setenv(SEALED_ENV, stamp, 1);
	extern char **environ;
	syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	unsetenv(SEALED_ENV);
	return error_sys(err, "re-execute berth from a sealed copy");
}
