/* recvtty SOCKET: receive one pty master over a unix socket (SCM_RIGHTS), copy its output to stdout
 * until EOF. The integration tests' stand-in for a console-socket consumer (no socat or python here). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	return 1;
}

static int recv_fd(int conn)
{
	char name[256];
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
			return fd;
		}
	}
	errno = EBADMSG;
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[4096];
	int lfd, conn, pty;
	ssize_t n;

	if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: recvtty SOCKET (path shorter than %zu)\n", sizeof(addr.sun_path));
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return die("socket");
	unlink(argv[1]);
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return die(argv[1]);
	if (listen(lfd, 1) < 0)
		return die("listen");
	conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return die("accept");
	pty = recv_fd(conn);
	if (pty < 0)
		return die("recvmsg");
	close(conn);
	close(lfd);
	/* The slave side closing shows up as EIO on the master: that is our EOF. */
	for (;;) {
		n = read(pty, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return die("write");
		fflush(stdout);
	}
	return 0;
}
