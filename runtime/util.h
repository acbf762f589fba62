/* Small helpers used everywhere: cleanup attributes, allocation, fd and file I/O. */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void cleanup_freep(void *p);
void cleanup_closep(int *fd);
void cleanup_closedirp(DIR **d);
void cleanup_fclosep(FILE **f);
void cleanup_strvp(char ***v);

#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_close __attribute__((cleanup(cleanup_closep)))
#define cleanup_dir __attribute__((cleanup(cleanup_closedirp)))
#define cleanup_file __attribute__((cleanup(cleanup_fclosep)))
#define cleanup_strv __attribute__((cleanup(cleanup_strvp)))

/* Hand ownership out of a cleanup variable. */
#define steal_pointer(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

/* Allocation never fails quietly: out of memory aborts, as there is nothing sane to undo. */
void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* NULL-terminated string vectors. */
size_t strv_length(char *const *v);
void strv_free(char **v);
char **strv_dup(char *const *v);

/* close() that keeps errno and ignores -1. */
void close_quietly(int fd);
/* close_range(from, to) (or mark them close-on-exec); where a kernel or a seccomp profile refuses
 * it, one close/fcntl per possible fd up to RLIMIT_NOFILE. 0 or -errno. */
int close_fd_range(unsigned int from, unsigned int to, bool cloexec);
/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
int64_t monotonic_ms(void);

/* Loop over short reads/writes and EINTR. Return bytes done or -errno. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

/* Read a whole file (at most max bytes) into a NUL-terminated buffer; -errno on failure. */
int read_file_at(int dirfd, const char *path, char **out, size_t *len, size_t max);
/* Write a string to an existing file (O_WRONLY|O_CLOEXEC, no create): for proc and sysfs knobs. */
int write_file_at(int dirfd, const char *path, const char *data, size_t len);

/* mkdir -p of a host path with the given mode; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode);

/* Parse a decimal unsigned integer that must fill the whole string. */
int parse_u64(const char *s, uint64_t *out);

/* runc's sizes: digits with an optional b, k, m, g, t (powers of 1024, optionally followed by "b"
 * or "ib"), at most INT64_MAX; -1 for anything else. */
int parse_size(const char *s, int64_t *out);

#endif
