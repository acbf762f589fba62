/* sd_notify without libsystemd: sends argv[1] as one datagram to $NOTIFY_SOCKET ("@x" is abstract). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (argc != 2 || !path || strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: NOTIFY_SOCKET=path sdnotify MESSAGE\n");
		return 2;
	}
	memcpy(addr.sun_path, path, strlen(path));
	if (path[0] == '@')
		addr.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&addr,
			     offsetof(struct sockaddr_un, sun_path) + strlen(path)) < 0) {
		perror("sdnotify");
		return 1;
	}
	return 0;
}
