/* An error chain: the innermost failure sets it, each layer prefixes its context once. */
#ifndef BERTH_ERROR_H
#define BERTH_ERROR_H

#include <stddef.h>

#define ERROR_MSG_MAX 2048

struct error {
	int errnum;		  /* errno of the innermost failure, 0 if none */
	char msg[ERROR_MSG_MAX];  /* "context: context: failure[: strerror]" */
};

/* Record a failure; appends strerror(errnum) when errnum != 0. Returns -errnum, or -EINVAL if 0. */
int error_set(struct error *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefix "context: " to the message already set. Returns -err->errnum (or -EINVAL). */
int error_prefix(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* error_set with errno as the number: for the common `if (syscall() < 0) return error_sys(...)`. */
#define error_sys(err, ...) error_set((err), errno, __VA_ARGS__)

static inline void error_clear(struct error *err)
{
	err->errnum = 0;
	err->msg[0] = '\0';
}

#endif
