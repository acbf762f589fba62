/* The container's stdio pipes and sockets handed to its user, as runc does. */
#ifndef BERTH_STDIO_OWNER_H
#define BERTH_STDIO_OWNER_H

#include <sys/types.h>

#include "runtime/error.h"

/* Before the user switch: fds 0-2 that are anonymous pipes or sockets owned by us (root) are
 * chowned to uid, so the process can reopen them (/proc/self/fd/N). Nothing else is touched. */
int stdio_give_to_user(uid_t uid, struct error *err);

#endif
