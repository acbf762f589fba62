/* reaper: behave like conmon or containerd-shim: a child subreaper that reaps every child the
 * moment it exits, around `berth create` + `berth start` of a container whose process exits at once.
 *
 * usage: reaper N BERTH ROOT BUNDLE ID-PREFIX
 * Each of the N rounds: create ID, start ID, delete --force ID. Prints "failures F of N" and the
 * first failing start's stderr; exits 1 when any start failed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run BERTH --root ROOT cmd [--bundle B] ID, reaping whatever else exits meanwhile (the
 * container's init, reparented to us once create has exited); its stderr goes to errpath. */
static int run(char *const argv[], const char *errpath)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(-1, &status, __WALL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
}

int main(int argc, char **argv)
{
	char id[128], errpath[] = "/tmp/reaper-err.XXXXXX";
	int n, failures = 0, efd;

	if (argc != 6) {
		fprintf(stderr, "usage: reaper N BERTH ROOT BUNDLE ID-PREFIX\n");
		return 2;
	}
	n = atoi(argv[1]);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("reaper: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	efd = mkstemp(errpath);
	if (efd < 0) {
		perror("reaper: mkstemp");
		return 2;
	}
	close(efd);
	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%s-%d", argv[5], i);
		char *create[] = { argv[2], "--root", argv[3], "create", "--bundle", argv[4], id, NULL };
		char *start[] = { argv[2], "--root", argv[3], "start", id, NULL };
		char *del[] = { argv[2], "--root", argv[3], "delete", "--force", id, NULL };

		if (run(create, errpath) != 0) {
			fprintf(stderr, "reaper: create %s failed\n", id);
			return 2;
		}
		if (run(start, errpath) != 0) {
			char buf[512] = "";
			FILE *f = fopen(errpath, "r");

			if (f) {
				if (!fgets(buf, sizeof(buf), f))
					buf[0] = '\0';
				fclose(f);
			}
			if (!failures)
				printf("first failure: %s", buf);
			failures++;
		}
		run(del, errpath);
	}
	/* whatever is still ours: reap it, nothing may stay behind */
	while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
		;
	unlink(errpath);
	printf("failures %d of %d\n", failures, n);
	return failures ? 1 : 0;
}
