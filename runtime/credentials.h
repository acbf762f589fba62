/* What the init and an exec'd process both do to themselves before execve. */
#ifndef BERTH_CREDENTIALS_H
#define BERTH_CREDENTIALS_H

#include "runtime/error.h"
#include "runtime/spec.h"

/* process.rlimits; one above the caller's hard limit names the limit and both values. */
int credentials_set_rlimits(const struct spec_process *p, struct error *err);

/* stdio pipes to the user (stdio_owner.h), additionalGids, bounding set, gid, uid, the other
 * capability sets, no_new_privs: in that order. */
int credentials_switch_user(const struct spec_process *p, struct error *err);

/* args[0] found through the process's own PATH, as its user: "exec: "x": executable file not found". */
int credentials_find_executable(const struct spec_process *p, char **out, struct error *err);

#endif
