/* Shared between the lifecycle files of runtime/, not for the CLI. */
#ifndef BERTH_CONTAINER_INTERNAL_H
#define BERTH_CONTAINER_INTERNAL_H

#include "runtime/container.h"
#include "runtime/spec.h"

/* An existing container, locked, with its state read and its live status. */
struct container_handle {
	int rootfd, dirfd, lock;
	struct state st;
	enum container_status status;
};

int container_open(const char *root, const char *id, struct container_handle *c, struct error *err);
void container_close(struct container_handle *c);

/* What this build cannot do yet, and what the spec allows but a create cannot honour, fails here,
 * before anything is created. */
int container_validate_spec(const struct spec *spec, const struct container_opts *o, struct error *err);
/* process.apparmorProfile, process.selinuxLabel, linux.mountLabel (may be NULL): refused unless empty. */
int container_validate_lsm(const struct spec_process *p, const char *mount_label, struct error *err);

/* poststart and poststop: every hook runs; a failure is a warning, not an error (runtime-spec). */
void container_hooks_warn(const struct spec *spec, enum spec_hook_kind kind, const struct state *st,
			  enum container_status status);

/* The cgroup of a new container (none with --cgroup-manager=disabled: *cg NULL), its path in *path:
 * planned when not NULL (a tenant's), else resolved from the spec. linux.resources.devices gets the
 * default devices and linux.devices appended. */
int container_cgroup_create(const struct spec *spec, const struct container_opts *o, const char *planned,
			    struct cgroup **cg, char **path, struct error *err);
/* The cgroup of an existing container; ENOTSUP naming it when it was made without one. */
int container_cgroup_open(const struct state *st, struct cgroup **cg, struct error *err);

#endif
