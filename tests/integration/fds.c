/* fds: print "FD TARGET" for every open fd of this process except the one reading /proc/self/fd.
 * Built static and copied into a test rootfs, so it shows what the container's process inherited. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d) {
		perror("fds: /proc/self/fd");
		return 1;
	}
	while ((e = readdir(d))) {
		char link[64], target[PATH_MAX];
		ssize_t n;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			n = 0;
		target[n] = '\0';
		printf("%d %s\n", fd, target);
	}
	closedir(d);
	return 0;
}
