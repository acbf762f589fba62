/* sd_notify passthrough: the container talks to a socket of ours (its own mount of the state dir's
 * notify/), we talk to the caller's (systemd, podman --sdnotify=container). */
#include "runtime/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/state.h"
#include "runtime/util.h"

#define NOTIFY_MSG_MAX 4096

static const char *host_socket(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s && *s ? s : NULL;
}

static void set_env(struct spec_process *p, const char *entry)
{
	size_t n = 0, klen = strchr(entry, '=') - entry + 1;

	for (; p->env && p->env[n]; n++)
		if (!strncmp(p->env[n], entry, klen)) {
			free(p->env[n]);
			p->env[n] = xstrdup(entry);
			return;
		}
	p->env = xrealloc(p->env, (n + 2) * sizeof(*p->env));
	p->env[n] = xstrdup(entry);
	p->env[n + 1] = NULL;
}

int notify_prepare(struct spec *spec, int state_dirfd, struct error *err)
{
	char link[64], dir[4096];
	ssize_t n;

	if (!host_socket() || !spec->has_process)
		return 0;
	/* without a mount namespace of its own, /run/notify would be mounted on the host's */
	if (!spec->linux_.namespaces[SPEC_NS_MOUNT].present || spec->linux_.namespaces[SPEC_NS_MOUNT].path) {
		log_debug("NOTIFY_SOCKET: not passed on, the container has no mount namespace of its own");
		return 0;
	}
	if (mkdirat(state_dirfd, NOTIFY_DIR, 0755) < 0 || fchmodat(state_dirfd, NOTIFY_DIR, 0755, 0) < 0)
		return error_sys(err, "NOTIFY_SOCKET: create the socket directory");
	snprintf(link, sizeof(link), "/proc/self/fd/%d", state_dirfd);
	if ((n = readlink(link, dir, sizeof(dir) - 1)) < 0)
		return error_sys(err, "NOTIFY_SOCKET: find the state directory");
	dir[n] = '\0';

	spec->mounts = xrealloc(spec->mounts, (spec->n_mounts + 1) * sizeof(*spec->mounts));
	struct spec_mount *m = &spec->mounts[spec->n_mounts++];
	static const char *const options[] = { "bind", "nosuid", "nodev", "noexec", "ro" };

	memset(m, 0, sizeof(*m));
	m->destination = xstrdup(NOTIFY_CONTAINER_DIR);
	m->type = xstrdup("bind");
	m->source = xasprintf("%s/%s", dir, NOTIFY_DIR);
	m->options = xmalloc((ARRAY_SIZE(options) + 1) * sizeof(*m->options));
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		m->options[i] = xstrdup(options[i]);
	m->options[ARRAY_SIZE(options)] = NULL;
	/* a read-only mount still lets the container send to the socket in it */
	m->opts.flags = MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
	m->opts.bind = true;
	set_env(&spec->process, "NOTIFY_SOCKET=" NOTIFY_CONTAINER_SOCKET);
	return 0;
}

int notify_listen(int state_dirfd, pid_t pid, uint64_t pid_start, struct notify *n, struct error *err)
{
	cleanup_close int dir = -1, sock = -1, pidfd = -1;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (!host_socket())
		return 0;
	dir = openat(state_dirfd, NOTIFY_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return 0; /* created without NOTIFY_SOCKET: nothing listens in the container */
	/* before the release: once running, the init may exit and be reaped, and its pid reused */
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || state_pid_starttime(pid) != pid_start)
		return 0; /* gone already: the release says so */
	if (unlinkat(dir, STATE_NOTIFY_SOCKET, 0) < 0 && errno != ENOENT)
		return error_sys(err, "NOTIFY_SOCKET: remove the old socket");
	/* through our fd of the directory: the state dir's own path may be longer than sun_path */
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dir, STATE_NOTIFY_SOCKET);
	if ((sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return error_sys(err, "NOTIFY_SOCKET: bind the container's socket");
	/* any uid of the container may notify */
	if (fchmodat(dir, STATE_NOTIFY_SOCKET, 0777, 0) < 0)
		return error_sys(err, "NOTIFY_SOCKET: chmod the container's socket");
	n->sock = steal_fd(&sock);
	n->pidfd = steal_fd(&pidfd);
	n->pid = pid;
	return 0;
}

void notify_close(struct notify *n)
{
	close_quietly(n->sock);
	close_quietly(n->pidfd);
	n->sock = n->pidfd = -1;
}

static int connect_host(struct error *err)
{
	const char *path = host_socket();
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	cleanup_close int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (len >= sizeof(addr.sun_path))
		return error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET %s", path);
	memcpy(addr.sun_path, path, len);
	if (path[0] == '@')
		addr.sun_path[0] = '\0'; /* abstract namespace, as systemd writes it */
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, offsetof(struct sockaddr_un, sun_path) + len) < 0)
		return error_sys(err, "NOTIFY_SOCKET %s", path);
	return steal_fd(&fd);
}

/* out += text, never past its end (a truncated message is still sent) */
static void append(char *out, size_t size, size_t *n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void append(char *out, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= size - 1)
		return;
	va_start(ap, fmt);
	w = vsnprintf(out + *n, size - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + (size_t)w < size - 1 ? *n + (size_t)w : size - 1;
}

/* One datagram from the container, its MAINPID replaced by ours; true when it said READY=. */
static bool rewrite(char *msg, size_t len, pid_t pid, char *out, size_t size, size_t *outlen)
{
	bool ready = false, has_pid = false;
	char *save = NULL;
	size_t n = 0;

	msg[len] = '\0';
	for (char *line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "MAINPID=", 8)) {
			has_pid = true;
			append(out, size, &n, "MAINPID=%d\n", (int)pid);
			continue;
		}
		if (!strncmp(line, "READY=", 6))
			ready = true;
		append(out, size, &n, "%s\n", line);
	}
	if (ready && !has_pid)
		append(out, size, &n, "MAINPID=%d\n", (int)pid);
	*outlen = n;
	return ready;
}

int notify_forward(const struct notify *n, struct error *err)
{
	cleanup_close int host = -1;
	char msg[NOTIFY_MSG_MAX + 1], out[NOTIFY_MSG_MAX * 2 + 64];

	if (n->sock < 0)
		return 0;
	if ((host = connect_host(err)) < 0)
		return host;
	for (;;) {
		struct pollfd p[2] = { { .fd = n->sock, .events = POLLIN }, { .fd = n->pidfd, .events = POLLIN } };
		size_t outlen;
		ssize_t len;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return error_sys(err, "NOTIFY_SOCKET: wait");
		}
		/* what the container sent before it exited still goes out */
		if (p[0].revents & POLLIN) {
			if ((len = recv(n->sock, msg, NOTIFY_MSG_MAX, MSG_DONTWAIT)) < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				return error_sys(err, "NOTIFY_SOCKET: receive");
			}
			bool ready = rewrite(msg, (size_t)len, n->pid, out, sizeof(out), &outlen);
			if (outlen && send(host, out, outlen, 0) < 0)
				return error_sys(err, "NOTIFY_SOCKET %s: send", host_socket());
			if (ready)
				return 0;
			continue;
		}
		if (p[1].revents)
			return 0; /* the container exited without READY: nothing to tell */
	}
}

int notify_forward_async(const struct notify *n, struct error *err)
{
	pid_t parent = getpid(), child;

	if (n->sock < 0)
		return 0;
	if ((child = fork()) == 0) {
		struct error ignored = { 0 };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		_exit(notify_forward(n, &ignored) < 0 ? 1 : 0);
	}
	return child < 0 ? error_sys(err, "NOTIFY_SOCKET: fork the forwarder") : 0;
}
