#include "runtime/terminal.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/util.h"

#define PAYLOAD_MAX 4096

/* /dev/pts/ptmx without following symlinks (openat2 when the kernel has it). */
static int open_ptmx(void)
{
	struct open_how how = {
		.flags = O_RDWR | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, AT_FDCWD, "/dev/pts/ptmx", &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
	return fd;
}

int terminal_open_pty(int *master, int *slave, bool has_size, unsigned height, unsigned width,
		      struct error *err)
{
	cleanup_close int m = open_ptmx();
	cleanup_close int s = -1;

	if (m < 0)
		return error_sys(err, "open /dev/pts/ptmx");
	if (unlockpt(m) < 0)
		return error_sys(err, "unlock pty");
	/* the peer by fd, not by a /dev/pts/N path lookup the rootfs could redirect */
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return error_sys(err, "open pty peer");
	if (has_size) {
		struct winsize ws = { .ws_row = height, .ws_col = width };

		if (ioctl(m, TIOCSWINSZ, &ws) < 0)
			return error_sys(err, "process.consoleSize %ux%u", height, width);
	}
	*master = steal_fd(&m);
	*slave = steal_fd(&s);
	return 0;
}

int terminal_setup_slave(int slave, struct error *err)
{
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return error_sys(err, "make the pty the controlling terminal");
	for (int fd = 0; fd <= 2; fd++) {
		/* dup2 onto itself keeps FD_CLOEXEC: clear it by hand */
		if (slave == fd ? fcntl(fd, F_SETFD, 0) < 0 : dup2(slave, fd) < 0)
			return error_sys(err, "pty as fd %d", fd);
	}
	return 0;
}

int terminal_connect_socket(const char *path, struct error *err)
{
	cleanup_close int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cleanup_close int dirfd = -1;
	cleanup_free char *dir = NULL, *base = NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n;

	if (sock < 0)
		return error_sys(err, "socket");
	if (strlen(path) < sizeof(sa.sun_path)) {
		strcpy(sa.sun_path, path);
	} else {
		/* too long for sun_path: reach it through the directory's fd */
		cleanup_free char *d = xstrdup(path), *b = xstrdup(path);

		dir = xstrdup(dirname(d));
		base = xstrdup(basename(b));
		dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return error_sys(err, "%s", dir);
		n = snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, base);
		if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
			return error_set(err, ENAMETOOLONG, "%s", path);
	}
	while (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINTR)
			return error_sys(err, "connect to %s", path);
	}
	return steal_fd(&sock);
}

int terminal_send_fd(int sock, int fd, const char *payload, struct error *err)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct iovec iov = { .iov_base = (void *)(payload && *payload ? payload : ""),
			     .iov_len = payload && *payload ? strlen(payload) : 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return error_sys(err, "send fd");
	}
	return 0;
}

int terminal_recv_fd(int sock, struct error *err)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	char payload[PAYLOAD_MAX];
	struct iovec iov = { .iov_base = payload, .iov_len = sizeof(payload) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	int fd = -1;
	ssize_t n;

	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0) {
		if (errno != EINTR)
			return error_sys(err, "receive fd");
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		/* take the first, close any extra a peer slipped in */
		for (size_t i = 0; i < count; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = got;
			else
				close(got);
		}
	}
	if (fd < 0 && n == 0)
		return error_set(err, EPIPE, "receive fd: the peer closed the socket");
	if (fd < 0)
		return error_set(err, EBADMSG, "receive fd: message without a file descriptor");
	if (msg.msg_flags & MSG_CTRUNC) {
		close(fd);
		return error_set(err, EBADMSG, "receive fd: control data truncated");
	}
	return fd;
}

/* Copy the terminal size of fd 0 to the pty. */
static void copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* Read what master has now and write it to stdout; returns 0 on data, -EAGAIN on none, -EIO at the end. */
static int pump_master(int master)
{
	char buf[16384];
	ssize_t n = read(master, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -EAGAIN;
	if (n <= 0)
		return -EIO; /* EIO: every slave fd is closed */
	write_all(STDOUT_FILENO, buf, n); /* a gone stdout must not stop the container's terminal */
	return 0;
}

/* After stop: take what the pty still holds; output can arrive a moment after the process ends. */
static void drain_master(int master)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	int r;

	while (poll(&p, 1, 100) > 0) {
		do
			r = pump_master(master);
		while (r == 0);
		if (r == -EIO)
			return;
	}
}

struct in_buf {
	char data[16384];
	size_t len, off;
};

static int proxy_loop(int master, int stop_fd, int sigfd)
{
	struct in_buf in = { .len = 0 };
	bool in_open = true;

	for (;;) {
		struct pollfd p[4] = {
			{ .fd = in_open && in.len == 0 ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = master, .events = POLLIN | (in.len ? POLLOUT : 0) },
			{ .fd = stop_fd, .events = POLLIN },
			{ .fd = sigfd, .events = POLLIN },
		};
		ssize_t n;

		if (poll(p, ARRAY_SIZE(p), -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[3].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) > 0)
				copy_winsize(master);
		}
		if (p[0].revents) {
			n = read(STDIN_FILENO, in.data, sizeof(in.data));
			if (n > 0) {
				in.len = n;
				in.off = 0;
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				in_open = false; /* EOF: stop writing, the container keeps its terminal */
			}
		}
		if (p[1].revents & POLLOUT && in.len) {
			n = write(master, in.data + in.off, in.len - in.off);
			if (n > 0)
				in.off += n;
			if (in.off == in.len || (n < 0 && errno != EAGAIN && errno != EINTR))
				in.len = in.off = 0;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			int r;

			while ((r = pump_master(master)) == 0)
				;
			if (r == -EIO)
				return 0;
		}
		if (p[2].revents) {
			drain_master(master);
			return 0;
		}
	}
}

int terminal_proxy(int master, int stop_fd, struct error *err)
{
	struct termios saved;
	bool raw = false;
	cleanup_close int sigfd = -1;
	sigset_t winch, old;
	int flags = fcntl(master, F_GETFL), r;

	/* only master is made non-blocking: stdin and stdout are shared with the user's shell */
	if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0)
		return error_sys(err, "pty master");
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;

		cfmakeraw(&t);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
			raw = true;
		copy_winsize(master);
	}
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, &old);
	sigfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);

	r = proxy_loop(master, stop_fd, sigfd);

	sigprocmask(SIG_SETMASK, &old, NULL);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	fcntl(master, F_SETFL, flags);
	if (r < 0)
		return error_set(err, -r, "terminal proxy");
	return 0;
}

int terminal_open_checked(int *master, int *slave, bool has_size, unsigned height, unsigned width, char *name,
			  size_t name_len, struct error *err)
{
	struct stat st;
	int r = terminal_open_pty(master, slave, has_size, height, width, err);

	if (r < 0)
		return r;
	if (fstat(*master, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5)
		r = error_set(err, EINVAL, "/dev/pts/ptmx is not a pty multiplexer");
	else if (fstat(*slave, &st) < 0)
		r = error_sys(err, "stat pty");
	if (r < 0) {
		close(*master);
		close(*slave);
		*master = *slave = -1;
		return r;
	}
	snprintf(name, name_len, "/dev/pts/%u", minor(st.st_rdev));
	return 0;
}

int terminal_hand_over(int *console_fd, int master, int slave, const char *name, struct error *err)
{
	if (terminal_send_fd(*console_fd, master, name, err) < 0)
		return error_prefix(err, "send the pty master to the console socket");
	close(*console_fd);
	*console_fd = -1;
	return terminal_setup_slave(slave, err);
}
