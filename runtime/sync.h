/* The channel between berth and the container's init while it is being set up: framed messages on a
 * socketpair, so a failure in the child reaches the user as its own message, not "child exited 1". */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"

enum sync_type {
	SYNC_MAPS_REQ = 1,  /* child: I have a new user namespace, write my uid/gid maps */
	SYNC_MAPS_DONE,	    /* parent: maps written */
	SYNC_INIT_PID,	    /* child: the init is this pid (value), I am only the stage that forked it */
	SYNC_HOOKS_REQ,	    /* child: mounts done, run prestart and createRuntime hooks */
	SYNC_HOOKS_DONE,    /* parent: hooks ran; payload: state JSON for the container's own hooks */
	SYNC_READY,	    /* child: ready, waiting for start */
	SYNC_ERROR,	    /* child: failed; errnum and payload carry the error */
	SYNC_CGROUP_REQ,    /* child: move me into the container's cgroup (I may not write there) */
	SYNC_CGROUP_DONE,   /* parent: the child is in its cgroup */
};

struct sync_msg {
	uint32_t type;
	int32_t value;	 /* errnum for SYNC_ERROR, a pid for SYNC_INIT_PID */
	char *payload;	 /* NUL-terminated, may be NULL; owned by the receiver */
	size_t len;
};

int sync_send(int fd, enum sync_type type, int32_t value, const char *payload, size_t len, struct error *err);
/* Receive one message; EOF before a message is -EPIPE ("init exited during setup"). */
int sync_recv(int fd, struct sync_msg *msg, struct error *err);
/* Receive one message and require its type. A SYNC_ERROR from the peer becomes err itself. */
int sync_expect(int fd, enum sync_type type, struct sync_msg *msg, struct error *err);
/* Child side: report err to the parent (best effort). */
void sync_send_error(int fd, const struct error *err);
void sync_msg_release(struct sync_msg *msg);

#endif
