/* Shared between the lifecycle files of runtime/, not for the CLI. */
#ifndef BERTH_CONTAINER_INTERNAL_H
#define BERTH_CONTAINER_INTERNAL_H

#include "runtime/container.h"
#include "runtime/spec.h"

/* What this build cannot do yet, and what the spec allows but a create cannot honour, fails here,
 * before anything is created. */
int container_validate_spec(const struct spec *spec, const struct container_opts *o, struct error *err);

/* poststart and poststop: every hook runs; a failure is a warning, not an error (runtime-spec). */
void container_hooks_warn(const struct spec *spec, enum spec_hook_kind kind, const struct state *st,
			  enum container_status status);

#endif
