/* OCI hooks: run with the state JSON on stdin, args, env and an optional timeout. */
#ifndef BERTH_HOOKS_H
#define BERTH_HOOKS_H

#include "runtime/error.h"
#include "runtime/spec.h"

/* Run every hook of a list in order; the first failure (non-zero exit, signal, timeout, exec failure)
 * stops and sets err to `<kind> hook #<i> (<path>): <why>`. poststart and poststop go on after a
 * failure (runtime-spec): err holds the first, later ones are logged as warnings.
 * Hooks inherit berth's stdout and stderr. */
/* In the init: exec every hook through the exec stub (runtime/exec_stub.h); -1: directly. */
void hooks_use_exec_stub(int stub_fd);

int hooks_run(const struct spec_hook_list *list, enum spec_hook_kind kind, const char *state_json,
	      struct error *err);

#endif
