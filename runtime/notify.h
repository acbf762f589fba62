/* NOTIFY_SOCKET (sd_notify) passed through to the container, as runc does: create gives the
 * container a socket directory and NOTIFY_SOCKET, start listens there and forwards READY=1 (with
 * MAINPID, the init's host pid) to the caller's socket. */
#ifndef BERTH_NOTIFY_H
#define BERTH_NOTIFY_H

#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/spec.h"
#include "runtime/state.h"

#define NOTIFY_DIR STATE_NOTIFY_DIR		 /* in the state dir */
#define NOTIFY_CONTAINER_DIR "/run/notify"	 /* where the container sees it */
#define NOTIFY_CONTAINER_SOCKET "/run/notify/" STATE_NOTIFY_SOCKET

/* The container's socket and its init, held from before the init is released. */
struct notify {
	int sock;  /* -1: nothing to forward */
	int pidfd; /* the init; its exit ends the wait */
	pid_t pid; /* MAINPID for the caller */
};
#define NOTIFY_INIT { .sock = -1, .pidfd = -1, .pid = -1 }

/* create, with NOTIFY_SOCKET in our env and a new mount namespace: make <state dir>/notify, bind it
 * read-only at /run/notify (a mount appended to spec) and set NOTIFY_SOCKET for the container. */
int notify_prepare(struct spec *spec, int state_dirfd, struct error *err);

/* start, before the init is released: with NOTIFY_SOCKET in our env and a container prepared for
 * it, bind the container's socket and take the init's pidfd (pid_start tells a reused pid apart);
 * n->sock stays -1 otherwise. */
int notify_listen(int state_dirfd, pid_t pid, uint64_t pid_start, struct notify *n, struct error *err);

/* Forward what the container sends to NOTIFY_SOCKET until a READY= message went through (with
 * MAINPID) or the init exited. MAINPID lines from the container are rewritten to the host pid. */
int notify_forward(const struct notify *n, struct error *err);

/* The same in a forked child (killed with us), for `run` in the foreground. */
int notify_forward_async(const struct notify *n, struct error *err);

void notify_close(struct notify *n);

#endif
