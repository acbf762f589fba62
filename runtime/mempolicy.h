/* linux.memoryPolicy (runtime-spec 1.3): the process's NUMA memory policy, set_mempolicy(2). */
#ifndef BERTH_MEMPOLICY_H
#define BERTH_MEMPOLICY_H

#include <stddef.h>

#include "runtime/error.h"
#include "runtime/spec.h"

/* The names the spec (and `berth features`) use, in the kernel's order. */
extern const char *const mempolicy_mode_names[];
extern const size_t mempolicy_n_modes;
extern const char *const mempolicy_flag_names[];
extern const size_t mempolicy_n_flags;

/* In the init and the exec child, before the user switch: set_mempolicy with the spec's mode, flags
 * and nodes; a host refusal names the field and the nodes the process may use. */
int mempolicy_apply(const struct spec_mempolicy *mp, struct error *err);

#endif
