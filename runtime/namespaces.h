/* Which namespaces the init creates and which it joins, and the dance around clone for the ones
 * that only take effect for children (pid, time). */
#ifndef BERTH_NAMESPACES_H
#define BERTH_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/spec.h"

struct ns_plan {
	int clone_flags;	     /* CLONE_NEW* the init creates (time excluded: made by the parent) */
	int join_fd[SPEC_NS_COUNT];  /* namespaces joined by path, -1 if not */
	bool new_user;
	bool two_stage;		     /* join/unshare in a first child, fork the init from it */
	int saved_pid_fd, saved_time_fd;
};

/* Open and check (NS_GET_NSTYPE) every namespace path, decide the clone flags. */
int ns_plan_build(const struct spec *spec, struct ns_plan *plan, struct error *err);
void ns_plan_release(struct ns_plan *plan);

/* Parent, right before clone: join a pid namespace by path, make or join a time namespace (with its
 * offsets), so the init is born in them. ns_parent_restore puts the parent's own ones back. */
int ns_parent_prepare(struct ns_plan *plan, const struct spec *spec, struct error *err);
void ns_parent_restore(struct ns_plan *plan);

/* Parent: write uid_map and gid_map of pid from linux.uidMappings/gidMappings. */
int ns_write_id_maps(pid_t pid, const struct spec *spec, struct error *err);

/* Child: setns() into every namespace joined by path, user first (skip_user when already done). */
int ns_join_paths(const struct ns_plan *plan, bool skip_user, struct error *err);

#endif
