/* UDP for the port tests (busybox has no UDP listener): "udpecho serve PORT" echoes every datagram
 * back to its sender; "udpecho send ADDR PORT TEXT" sends TEXT and prints the reply (2 s timeout). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (fd < 0)
		return perror("socket"), 1;
	if (argc == 3 && !strcmp(argv[1], "serve")) {
		sa.sin_port = htons((unsigned short)atoi(argv[2]));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return perror("bind"), 1;
		for (;;) {
			struct sockaddr_in from;
			socklen_t len = sizeof(from);

			if ((n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len)) >= 0)
				sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
		}
	}
	if (argc == 5 && !strcmp(argv[1], "send")) {
		struct timeval tv = { .tv_sec = 2 };

		sa.sin_port = htons((unsigned short)atoi(argv[3]));
		if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
			return fprintf(stderr, "bad address %s\n", argv[2]), 2;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (sendto(fd, argv[4], strlen(argv[4]), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return perror("sendto"), 1;
		if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) < 0)
			return perror("recv"), 1;
		buf[n] = '\0';
		printf("%s\n", buf);
		return 0;
	}
	fprintf(stderr, "usage: udpecho serve PORT | udpecho send ADDR PORT TEXT\n");
	return 2;
}
