/* Work nobody needs to wait for (the kernel's RCU grace periods behind a link delete or a netlink
 * socket's release), done by a detached grandchild so berth returns without it. */
#ifndef BERTH_NETNS_DETACHED_H
#define BERTH_NETNS_DETACHED_H

/* fork a grandchild in its own session holding no fd of ours but keep_fd (-1: none), run fn(arg)
 * there (NULL: nothing), and exit it; we wait only for the intermediate child. -1 if fork failed. */
int netns_detached(void (*fn)(void *arg), void *arg, int keep_fd);

#endif
