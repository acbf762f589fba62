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

int hooks_run(const struct spec_hook_list *list, enum spec_hook_kind kind, const char *state_json,
	      struct error *err);

#endif
