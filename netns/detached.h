/* Work nobody needs to wait for (the kernel's RCU grace periods behind a link delete or a netlink
 * socket's release), done by a detached child so berth returns without it. */
#ifndef BERTH_NETNS_DETACHED_H
#define BERTH_NETNS_DETACHED_H

/*
 * fork one child in its own session holding no fd of ours but keep_fd (-1: none), run fn(arg) there
 * (NULL: nothing), then wait until berth has exited: keep_fd's last reference is the child's, and so
 * is any wait its release brings, and berth never sees the child exit. Not waited for: it outlives
 * berth, whose parent or subreaper reaps it. -1 if fork failed.
 */
int netns_detached(void (*fn)(void *arg), void *arg, int keep_fd);

#endif
