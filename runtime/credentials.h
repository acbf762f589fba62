/* What the init and an exec'd process both do to themselves before execve. */
#ifndef BERTH_CREDENTIALS_H
#define BERTH_CREDENTIALS_H

#include <stdbool.h>

#include "runtime/error.h"
#include "runtime/spec.h"

/* process.rlimits; one above the caller's hard limit names the limit and both values. */
int credentials_set_rlimits(const struct spec_process *p, struct error *err);

/* stdio pipes to the user (stdio_owner.h), additionalGids, bounding set, gid, uid, the other
 * capability sets, no_new_privs: in that order. */
int credentials_switch_user(const struct spec_process *p, bool keep_groups, struct error *err);

/* podman's run.oci.keep_original_groups (--group-add keep-groups), as crun reads it: set to
 * anything but "0", the process keeps berth's supplementary groups (no setgroups). */
bool credentials_keep_groups(const struct spec *spec);

/* args[0] found through the process's own PATH, as its user: "exec: "x": executable file not found". */
int credentials_find_executable(const struct spec_process *p, char **out, struct error *err);

#endif
