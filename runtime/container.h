/* The container lifecycle behind the CLI: create, start, run, kill, delete, state, list. */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "runtime/error.h"
#include "runtime/state.h"

struct container_net_opts;

struct container_opts {
	const char *root;	    /* state root, e.g. /run/berth */
	const char *id;
	const char *bundle;	    /* directory; default "." */
	const char *config;	    /* config.json to use instead of <bundle>/config.json (crun's --config) */
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	bool detach;		    /* run: return once started */
	bool keep;		    /* run: do not delete after exit */
	bool foreground;	    /* set by container_run: berth stays and owns the terminal */
	enum cgroup_manager cgroup_manager;
	const char *tenant;	    /* --tenant, or NULL (runtime/tenant.h) */
	const struct container_net_opts *net; /* run's network flags (runtime/container_net.h), or NULL */
};

int container_create(const struct container_opts *o, struct error *err);
int container_start(const char *root, const char *id, struct error *err);
/* Create, start and (unless detached) wait: *exit_status is the container's status or 128+signal. */
int container_run(const struct container_opts *o, int *exit_status, struct error *err);
/* pause and resume: freeze or thaw the container's cgroup. */
int container_pause(const char *root, const char *id, bool pause, struct error *err);
/* berth update: apply the fields set in r to the live cgroup. */
int container_update(const char *root, const char *id, const struct spec_resources *r, struct error *err);
/* The cgroup of a container for ps and events, with its state (the lock is not kept). */
int container_cgroup_lookup(const char *root, const char *id, struct cgroup **cg, struct state *st,
			    enum container_status *status, struct error *err);
int container_kill(const char *root, const char *id, int signal, bool all, struct error *err);
int container_delete(const char *root, const char *id, bool force, struct error *err);
/* runc's `state` document (pretty JSON). */
int container_state_json(const char *root, const char *id, char **json, struct error *err);

struct container_info {
	struct state state;
	enum container_status status;
};
int container_list(const char *root, struct container_info **list, size_t *n, struct error *err);
void container_list_free(struct container_info *list, size_t n);

#endif
