/* Spawning the container's init with clone3 and driving it through setup over the sync socket. */
#ifndef BERTH_PROCESS_H
#define BERTH_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/init.h"

struct init_parent_ops {
	/* The init's mounts are done: run prestart and createRuntime hooks for init pid `pid` and return
	 * the payload of SYNC_HOOKS_DONE (the state documents for the container's own hooks). */
	int (*run_hooks)(void *data, pid_t pid, char **payload, size_t *len, struct error *err);
	/* Move the child into the container cgroup, when it asks (SYNC_CGROUP_REQ). */
	int (*enter_cgroup)(void *data, pid_t pid, struct error *err);
	void *data;
};

/* Clone the init (a->sync_fd must be the child's end of `sync[]`), write its id maps, run the
 * parent-side hooks, and wait until it is ready for `start`. On failure the init is killed and reaped. */
int process_spawn_init(struct init_args *a, int sync[2], const struct init_parent_ops *ops, pid_t *pid,
		       struct error *err);

/* A foreground `run` or `exec`: forward SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
 * SIGWINCH to the child (or proxy its pty master when master >= 0) until it exits; return its
 * status as process_wait_status does. */
int process_wait_foreground(pid_t pid, int master, struct error *err);

/* Wait for a child to exit and return its status as a shell would: code, or 128+signal. */
int process_wait_status(pid_t pid);

#endif
