/* The container's init process: everything between clone and execve, as one readable list of steps. */
#ifndef BERTH_INIT_H
#define BERTH_INIT_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup/cgroup.h"
#include "runtime/namespaces.h"
#include "runtime/spec.h"
#include "seccomp/seccomp.h"

struct init_args {
	const struct spec *spec;
	const char *id;
	const char *rootfs;	  /* absolute host path */
	const char *bundle;	  /* absolute; relative mount sources resolve against it */
	int *bind_trees;	  /* [spec->n_mounts]: bind sources berth opened (mount_sources.h), or NULL */
	struct ns_plan *ns;
	int sync_fd;		  /* our end of the sync socketpair */
	int fifo_fd;		  /* O_PATH fd of the exec fifo: opening it for writing waits for `start` */
	int stub_fd;		  /* sealed memfd of the exec stub (runtime/exec_stub.h), or -1 */
	int console_fd;		  /* unix socket the pty master is sent on (terminal=true), else -1 */
	int preserve_fds;	  /* fds 3 .. 3+preserve_fds-1 stay open across exec */
	const uint8_t *fd_absent; /* [preserve_fds]: 1 where berth only holds a placeholder */
	int listen_fds;		  /* the first listen_fds of them are socket activation's (listen_fds.h) */
	bool no_pivot;
	bool no_new_keyring;
	const struct seccomp_program *seccomp; /* NULL: no linux.seccomp */
	int seccomp_listener_fd;  /* connected to linux.seccomp.listenerPath, else -1 (seccomp set only) */
	const struct cgroup *cgroup; /* the container's, NULL without one */
	int cgroup_fd;		  /* leaf for clone3 CLONE_INTO_CGROUP, else -1 */
	bool cgroup_self;	  /* enter the rest of the cgroup ourselves, first thing (cgroup_enter_self) */
	bool cgroup_wait;	  /* the parent moves us: wait for SYNC_CGROUP_DONE before needing the cgroup */
	bool cgroupns_late;	  /* unshare the new cgroup namespace once inside the cgroup */
	int dev_fd;		  /* rootfs_dev_make_private's nodes (user namespaces), else -1 */
	int rootfs_tree;	  /* rootfs_open_tree's clone of the root (user namespaces), else -1 */
};

/* Runs in the child after clone; never returns. Reports a failure over sync_fd and exits 1. */
_Noreturn void init_run(struct init_args *a);

#endif
