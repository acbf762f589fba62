/* A seccomp agent for linux.seccomp.listenerPath: `seccomp_listener SOCKET OUT` accepts one
 * connection, receives the notify fd and the state JSON, writes the JSON to OUT, then answers every
 * notification with errno EXDEV (18) until the container is gone. */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[65536], ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	int srv, conn, fd = -1;
	ssize_t n;
	FILE *out;

	if (argc != 3)
		return 2;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(argv[1]);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0) {
		perror("listen");
		return 1;
	}
	conn = accept(srv, NULL, NULL);
	n = recvmsg(conn, &msg, 0);
	if (n <= 0) {
		perror("recvmsg");
		return 1;
	}
	buf[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	out = fopen(argv[2], "w");
	if (!out || fprintf(out, "%s\n", buf) < 0 || fclose(out) != 0)
		return 1;
	if (fd < 0) {
		fprintf(stderr, "no fd\n");
		return 1;
	}
	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.error = -EXDEV;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return 0;
}
