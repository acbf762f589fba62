/* Bind-mount sources resolved by berth before the init enters its user namespace, where host
 * directories of mode 0700 (podman's userdata, a private bundle) can no longer be searched. */
#ifndef BERTH_MOUNT_SOURCES_H
#define BERTH_MOUNT_SOURCES_H

#include "runtime/error.h"
#include "runtime/spec.h"

/* Parent, before clone: for each non-idmapped bind mount, a detached clone of its source (relative
 * sources against bundle) in (*trees)[i], else -1. *trees is NULL when nothing was opened. A source
 * that cannot be opened stays -1: the init tries it itself and reports the error with its mount. */
void mount_sources_open(const struct spec *spec, const char *bundle, int **trees);
void mount_sources_close(const struct spec *spec, int **trees);

#endif
