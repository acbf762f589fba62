#include "netns/detached.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/util.h"

int netns_detached(void (*fn)(void *arg), void *arg, int keep_fd)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		setsid();
		/* nothing of berth's stays open here: the network lock, the caller's pipes */
		if (keep_fd > 0)
			close_range(0, keep_fd - 1, 0);
		close_range(keep_fd >= 0 ? keep_fd + 1 : 0, ~0U, 0);
		if (fn)
			fn(arg);
		_exit(0);
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}
