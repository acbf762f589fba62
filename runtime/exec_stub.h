/* CVE-2019-5736: the init and the hooks it forks exec through a static stub held in a sealed
 * memfd (runtime/stub/stub.c), so that no process the container can reach ever has the host's
 * berth binary as its /proc/self/exe once it has exec'd anything. */
#ifndef BERTH_EXEC_STUB_H
#define BERTH_EXEC_STUB_H

#include "runtime/error.h"

/* berth, before clone: *fd = a sealed (seal, write, grow, shrink) close-on-exec memfd holding the
 * stub; -1 when berth was built with --disable-exe-protection. 0 or -errno. */
int exec_stub_open(int *fd, struct error *err);

/* The stub's argv: REPORT-FD, PATH, then argv; malloc'd array, the number in numbuf. */
char **exec_stub_argv(int report_fd, const char *path, char *const *argv, char numbuf[16]);

/* execveat(stub, AT_EMPTY_PATH); where that is refused (an old seccomp profile), execve of
 * /proc/self/fd/N. Returns only on failure: -errno of the first attempt. The report fd must not be
 * close-on-exec here: the stub makes it so before it execs the program. */
int exec_stub_exec(int stub_fd, char *const *stub_argv, char *const *envp);

#endif
