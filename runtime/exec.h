/* `berth exec`: run one more process inside a running (or created) container. */
#ifndef BERTH_EXEC_H
#define BERTH_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/error.h"

struct exec_opts {
	const char *root;
	const char *id;
	const char *process_path;   /* --process: a runtime-spec "process" object; else args */
	char **args;		    /* NULL-terminated command, when no --process */
	bool tty;
	const char *console_socket;
	const char *cwd;
	char **env;		    /* NULL-terminated KEY=value, override the container's by key */
	const char *user;	    /* "uid[:gid]" */
	char **additional_gids;	    /* NULL-terminated numbers */
	char **caps;		    /* NULL-terminated "CAP_..." added to the container's sets */
	bool no_new_privs;
	const char *apparmor;	    /* --apparmor: process.apparmorProfile */
	const char *process_label;  /* --process-label: process.selinuxLabel */
	bool detach;
	bool ignore_paused;
	const char *pid_file;
	int preserve_fds;
	char **cgroup_subs;	    /* --cgroup: NULL-terminated specs (cgroup_use_sub), or NULL */
};

/* Run the process; unless detached wait for it: *exit_status is its code, or 128+signal. */
int exec_run(const struct exec_opts *o, int *exit_status, struct error *err);

/* CVE-2019-5736: make sure the running berth is a sealed in-memory copy, re-executing this process
 * from one if not. Returns only when it already is (or on failure, with err set). */
int exec_ensure_sealed_self(struct error *err);


/* Between runtime/exec.c (berth's side) and runtime/exec_child.c (the process being made). */
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "runtime/spec.h"

struct exec_child_args {
	const struct spec_process *proc;
	const struct spec_linux *linux_;
	bool keep_groups; /* run.oci.keep_original_groups (credentials.h) */
	int ns_fd[SPEC_NS_COUNT];   /* namespaces of the init that differ from ours, else -1 */
	int sync_fd;		    /* child end of the sync socketpair */
	int console_fd;		    /* -t: where the pty master goes (socket), else -1 */
	int preserve_fds;
	const bool *fd_absent;	    /* [preserve_fds]: berth only holds a placeholder there */
	const void *seccomp;	    /* struct seccomp_program * when the container has linux.seccomp */
	const struct cgroup *cgroup; /* the container's, NULL without one */
	bool cgroup_self;	    /* enter it ourselves first (cgroup_enter_self) */
	bool cgroup_wait;	    /* wait for SYNC_CGROUP_DONE: berth moves us into the container cgroup */
	int root_fd;		    /* O_PATH fd of the init's root: chroot there after joining its mounts */
};

/* The first stage: join the namespaces, fork the process into the pid namespace (CLONE_PARENT: it is
 * berth's child), tell berth its pid, exit. The second stage sets up and execs. Never returns. */
_Noreturn void exec_child_run(struct exec_child_args *a);

#endif
