/* OCI hooks: run with the state JSON on stdin, args, env and an optional timeout. */
#ifndef BERTH_HOOKS_H
#define BERTH_HOOKS_H

#include "runtime/error.h"
#include "runtime/spec.h"

/* Run every hook of a list in order; the first failure (non-zero exit, signal, timeout, exec failure)
 * stops and sets err to `<kind> hook #<i> (<path>): <why>`. poststart and poststop go on after a
 * failure (runtime-spec): err holds the first, later ones are logged as warnings.
 * Hooks inherit berth's stdout and stderr. */
/* A hook without "env" gets the runtime's environment, as with runc; in the init (hooks inside the
 * container) call this first: every hook execs through the exec stub (runtime/exec_stub.h; -1:
 * directly), and one without "env" gets the container process's env instead of berth's. */
void hooks_in_container(int stub_fd, char **env);

/* podman's run.oci.hooks.stdout / run.oci.hooks.stderr annotations (as crun): open those files
 * (created 0600, appended to) for the hooks' stdout and stderr from now on, in this process and in an
 * init cloned later; without them hooks keep berth's. An error names the annotation. */
int hooks_use_output(const struct spec *spec, struct error *err);
/* The fds hooks_use_output opened (fd 1 or 2 of the hooks), or -1: the init keeps them until exec. */
int hooks_output_fd(int which);

int hooks_run(const struct spec_hook_list *list, enum spec_hook_kind kind, const char *state_json,
	      struct error *err);

#endif
