/* Network namespaces through netlink (libmnl). */
#ifndef BERTH_NETNS_H
#define BERTH_NETNS_H

#include "runtime/error.h"

/* Bring the loopback device of the caller's network namespace up (RTM_NEWLINK, IFF_UP). */
int netns_loopback_up(struct error *err);

#endif
