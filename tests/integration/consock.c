/* consock SOCKET: accept one connection on a unix socket, receive a pty master with SCM_RIGHTS and
 * copy what the container writes to stdout until the pty closes. A test stand-in for runc's recvtty. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int sock)
{
	char data[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[4096];
	int srv, conn, pty;
	ssize_t n;

	if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: consock SOCKET\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 1) < 0) {
		perror("consock: bind");
		return 1;
	}
	conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0 || (pty = recv_fd(conn)) < 0) {
		perror("consock: receive");
		return 1;
	}
	close(conn);
	close(srv);
	for (;;) {
		n = read(pty, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EIO once the last slave fd is closed */
		if (write(STDOUT_FILENO, buf, n) != n)
			return 1;
	}
	return 0;
}
