/* Capabilities through libcap: the five sets of process.capabilities. */
#ifndef BERTH_CAPS_H
#define BERTH_CAPS_H

#include "runtime/error.h"
#include "runtime/spec.h"

/* Name ("CAP_SYS_ADMIN") to number; -1 if unknown. */
int caps_from_name(const char *name);
/* Highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap). */
int caps_last_cap(void);

/* Drop from the bounding set every capability not in caps->bounding. Call while still privileged. */
int caps_drop_bounding(const struct spec_capabilities *caps, struct error *err);
/* After setresuid (with PR_SET_KEEPCAPS): set effective, permitted, inheritable, then ambient.
 * Capabilities beyond caps_last_cap() are skipped. */
int caps_apply(const struct spec_capabilities *caps, struct error *err);

#endif
