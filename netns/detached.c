#include "netns/detached.h"

#include <errno.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/util.h"

static void wait_for_exit(pid_t pid)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	while (pidfd >= 0 && poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

int netns_detached(void (*fn)(void *arg), void *arg, int keep_fd)
{
	pid_t berth = getpid(), pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		/* nothing of berth's stays open here: the network lock, the caller's pipes */
		if (keep_fd > 0)
			close_range(0, keep_fd - 1, 0);
		close_range(keep_fd >= 0 ? keep_fd + 1 : 0, ~0U, 0);
		if (fn)
			fn(arg);
		wait_for_exit(berth);
		_exit(0);
	}
	return 0;
}
