/* A procfs instance berth mounted itself (detached, unreachable from the container): every write
 * to /proc (sysctl, oom_score_adj) and every /proc/self/fd reopen goes through it, never through a
 * path the container's rootfs could redirect. */
#ifndef BERTH_PROCFS_H
#define BERTH_PROCFS_H

#include "runtime/error.h"

/* fsopen("proc") + fsmount: a detached procfs of the caller's pid namespace, verified by statfs. */
int procfs_open(struct error *err);

/* Open a path under that procfs without following any symlink ("self" is a symlink: use pids). */
int procfs_openat(int procfd, const char *path, int flags, struct error *err);

/* Write value to a file under that procfs, e.g. "sys/net/ipv4/ip_forward". */
int procfs_write(int procfd, const char *path, const char *value, struct error *err);

/* Reopen one of the caller's own fds (e.g. an O_PATH fd) with new flags through <pid>/fd/<n>. */
int procfs_reopen_fd(int procfd, int fd, int flags, struct error *err);
/* The same in two steps: <pid>/fd opened early (O_PATH), then only openat(2) to reopen through it,
 * which any seccomp profile allowing execve allows. */
int procfs_open_fd_dir(int procfd, struct error *err);
int procfs_reopen_in(int fd_dir, int fd, int flags, struct error *err);

#endif
