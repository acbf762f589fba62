/* Unit tests for runtime/terminal.c: ptys from the host's /dev/pts, fd passing, the console socket, proxy. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/terminal.h"
#include "runtime/util.h"

static void open_pty(int *m, int *s, bool has_size, unsigned h, unsigned w)
{
	struct error err = { 0 };

	*m = *s = -1;
	ck_assert_msg(terminal_open_pty(m, s, has_size, h, w, &err) == 0, "%s", err.msg);
}

START_TEST(open_pty_with_size)
{
	int m, s;
	struct winsize ws;
	struct stat st;

	open_pty(&m, &s, true, 33, 99);
	ck_assert(fcntl(m, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(s, F_GETFD) & FD_CLOEXEC);
	ck_assert(isatty(s));
	ck_assert_int_eq(fstat(s, &st), 0);
	ck_assert_uint_eq(major(st.st_rdev), 136);
	ck_assert_int_eq(ioctl(s, TIOCGWINSZ, &ws), 0);
	ck_assert_uint_eq(ws.ws_row, 33);
	ck_assert_uint_eq(ws.ws_col, 99);
	/* it is a working pair */
	ck_assert_int_eq(write(m, "x\n", 2), 2);
	char buf[8];
	ck_assert_int_ge(read(s, buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 'x');
	close(m);
	close(s);

	open_pty(&m, &s, false, 0, 0);
	close(m);
	close(s);
}
END_TEST

START_TEST(send_and_recv_fd)
{
	struct error err = { 0 };
	int sp[2], p[2], got;
	char buf[8] = { 0 };

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(terminal_send_fd(sp[0], p[1], "/dev/pts/0", &err), 0);
	got = terminal_recv_fd(sp[1], &err);
	ck_assert_msg(got >= 0, "%s", err.msg);
	ck_assert(fcntl(got, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(write(got, "hi", 2), 2);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "hi");
	close(got);

	/* an empty payload still carries the fd */
	ck_assert_int_eq(terminal_send_fd(sp[0], p[1], NULL, &err), 0);
	got = terminal_recv_fd(sp[1], &err);
	ck_assert_int_ge(got, 0);
	close(got);

	/* data without an fd, then a closed peer */
	ck_assert_int_eq(write(sp[0], "x", 1), 1);
	ck_assert_int_eq(terminal_recv_fd(sp[1], &err), -EBADMSG);
	ck_assert_msg(strstr(err.msg, "without a file descriptor"), "%s", err.msg);
	close(sp[0]);
	ck_assert_int_eq(terminal_recv_fd(sp[1], &err), -EPIPE);
	ck_assert_msg(strstr(err.msg, "closed"), "%s", err.msg);
	close(sp[1]);
}
END_TEST

static void connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct error err = { 0 };
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c, a;
	cleanup_free char *dir = xstrdup(path);
	cleanup_free char *base = xstrdup(strrchr(path, '/') + 1);
	int dfd;

	*strrchr(dir, '/') = '\0';
	/* bind through the directory: the path itself may not fit sun_path */
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd, base);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	c = terminal_connect_socket(path, &err);
	ck_assert_msg(c >= 0, "%s: %s", path, err.msg);
	ck_assert(fcntl(c, F_GETFD) & FD_CLOEXEC);
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(a, 0);
	ck_assert_int_eq(write(c, "k", 1), 1);
	char ch;
	ck_assert_int_eq(read(a, &ch, 1), 1);
	close(a);
	close(c);
	close(l);
	close(dfd);
}

START_TEST(connect_short_and_long_paths)
{
	char root[] = "/tmp/berth-term-XXXXXX";
	struct error err = { 0 };
	cleanup_free char *shortp = NULL, *deep = NULL, *longp = NULL, *cmd = NULL;

	ck_assert_ptr_nonnull(mkdtemp(root));
	shortp = xasprintf("%s/console.sock", root);
	connect_to(shortp);

	deep = xasprintf("%s/%0100d/%0100d", root, 1, 2);
	ck_assert_int_eq(mkdir_p(deep, 0700), 0);
	longp = xasprintf("%s/console.sock", deep);
	ck_assert_uint_gt(strlen(longp), sizeof(((struct sockaddr_un *)0)->sun_path));
	connect_to(longp);

	ck_assert_int_lt(terminal_connect_socket("/nonexistent/dir/sock", &err), 0);
	ck_assert_msg(strstr(err.msg, "/nonexistent/dir/sock"), "%s", err.msg);
	cmd = xasprintf("rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(setup_slave_makes_it_the_ctty)
{
	int m, s, status;
	pid_t pid;

	open_pty(&m, &s, false, 0, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct error err = { 0 };

		if (setsid() < 0 || terminal_setup_slave(s, &err) < 0)
			_exit(10);
		for (int fd = 0; fd <= 2; fd++)
			if (!isatty(fd) || (fcntl(fd, F_GETFD) & FD_CLOEXEC))
				_exit(11 + fd);
		if (tcgetsid(0) != getpid())
			_exit(14);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	close(m);
	close(s);
}
END_TEST

/* Run terminal_proxy(master, stop) in a child with the given stdin and stdout. */
static pid_t proxy_child(int master, int slave, int stop, int in, int out)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct error err = { 0 };

		close(slave); /* only the parent keeps the slave: closing it ends the proxy */
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
			_exit(20);
		_exit(terminal_proxy(master, stop, &err) == 0 ? 0 : 21);
	}
	return pid;
}

static void read_exact(int fd, const char *want)
{
	char buf[64] = { 0 };
	size_t n = 0, len = strlen(want);

	while (n < len) {
		ssize_t r = read(fd, buf + n, len - n);

		ck_assert_int_gt(r, 0);
		n += r;
	}
	ck_assert_str_eq(buf, want);
}

static int make_raw(int fd)
{
	struct termios t;

	ck_assert_int_eq(tcgetattr(fd, &t), 0);
	cfmakeraw(&t);
	return tcsetattr(fd, TCSANOW, &t);
}

START_TEST(proxy_copies_until_the_slave_closes)
{
	char out_path[] = "/tmp/berth-proxy-XXXXXX";
	int m, s, in[2], stop[2], out = mkstemp(out_path), status;
	char *got = NULL;
	pid_t pid;

	open_pty(&m, &s, false, 0, 0);
	ck_assert_int_eq(make_raw(s), 0);
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
	pid = proxy_child(m, s, stop[0], in[0], out);
	close(m);
	ck_assert_int_eq(write(in[1], "ping", 4), 4);
	read_exact(s, "ping");
	close(in[1]); /* EOF on stdin: the proxy goes on */
	ck_assert_int_eq(write(s, "pong", 4), 4);
	usleep(100000);
	ck_assert_int_eq(write(s, "!", 1), 1);
	close(s);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(read_file_at(AT_FDCWD, out_path, &got, NULL, 4096), 0);
	ck_assert_str_eq(got, "pong!");
	free(got);
	unlink(out_path);
}
END_TEST

START_TEST(proxy_drains_on_stop)
{
	char out_path[] = "/tmp/berth-proxy-XXXXXX";
	int m, s, in[2], stop[2], out = mkstemp(out_path), status;
	char *got = NULL;
	pid_t pid;

	open_pty(&m, &s, false, 0, 0);
	ck_assert_int_eq(make_raw(s), 0);
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
	pid = proxy_child(m, s, stop[0], in[0], out);
	close(m);
	ck_assert_int_eq(write(s, "bye", 3), 3);
	ck_assert_int_eq(write(stop[1], "x", 1), 1); /* the slave stays open: stop_fd ends it */
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(read_file_at(AT_FDCWD, out_path, &got, NULL, 4096), 0);
	ck_assert_str_eq(got, "bye");
	free(got);
	close(s);
	unlink(out_path);
}
END_TEST

START_TEST(proxy_tty_stdin_raw_and_winsize)
{
	char out_path[] = "/tmp/berth-proxy-XXXXXX";
	int m, s, m2, s2, stop[2], out = mkstemp(out_path), status;
	struct winsize ws = { .ws_row = 30, .ws_col = 100 };
	struct termios t;
	pid_t pid;

	open_pty(&m, &s, false, 0, 0);
	ck_assert_int_eq(make_raw(s), 0);
	open_pty(&m2, &s2, false, 0, 0); /* the user's terminal: proxy stdin */
	ck_assert_int_eq(ioctl(m2, TIOCSWINSZ, &ws), 0);
	ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
	pid = proxy_child(m, s, stop[0], s2, out);
	close(m);
	ck_assert_int_eq(write(m2, "ping\n", 5), 5);
	read_exact(s, "ping\n");
	ck_assert_int_eq(ioctl(s, TIOCGWINSZ, &ws), 0);
	ck_assert_uint_eq(ws.ws_row, 30);
	ck_assert_uint_eq(ws.ws_col, 100);
	ck_assert_int_eq(tcgetattr(s2, &t), 0);
	ck_assert(!(t.c_lflag & ICANON));

	ws.ws_row = 40;
	ws.ws_col = 120;
	ck_assert_int_eq(ioctl(m2, TIOCSWINSZ, &ws), 0);
	kill(pid, SIGWINCH);
	for (int i = 0; i < 200; i++) {
		ck_assert_int_eq(ioctl(s, TIOCGWINSZ, &ws), 0);
		if (ws.ws_row == 40)
			break;
		usleep(10000);
	}
	ck_assert_uint_eq(ws.ws_row, 40);
	ck_assert_uint_eq(ws.ws_col, 120);

	close(s);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(tcgetattr(s2, &t), 0);
	ck_assert(t.c_lflag & ICANON); /* restored */
	close(m2);
	close(s2);
	unlink(out_path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("terminal");
	TCase *tc = tcase_create("terminal");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, open_pty_with_size);
	tcase_add_test(tc, send_and_recv_fd);
	tcase_add_test(tc, connect_short_and_long_paths);
	tcase_add_test(tc, setup_slave_makes_it_the_ctty);
	tcase_add_test(tc, proxy_copies_until_the_slave_closes);
	tcase_add_test(tc, proxy_drains_on_stop);
	tcase_add_test(tc, proxy_tty_stdin_raw_and_winsize);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
