/* HOME for a process whose env has none: the container's /etc/passwd entry for its uid, else "/". */
#ifndef BERTH_HOME_H
#define BERTH_HOME_H

#include <stddef.h>
#include <sys/types.h>

#include "runtime/spec.h"

/* The home directory of uid in passwd text (buf, len; need not be NUL-terminated), malloc'ed, or
 * NULL when no line has that uid or its home field is empty or not absolute. */
char *home_from_passwd(const char *buf, size_t len, uid_t uid);

/* After pivot_root, before seccomp and the user switch: add HOME=... to p->env unless it has HOME.
 * Only for the init and the exec child: each runs on its own copy of the spec, which this changes. */
void home_set_default(const struct spec_process *p);

#endif
