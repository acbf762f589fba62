/* The /etc/hosts, /etc/hostname and /etc/resolv.conf of a run --image container (pure, unit-tested). */
#ifndef BERTH_NETNS_ETC_H
#define BERTH_NETNS_ETC_H

#include "netns/addr.h"
#include "runtime/error.h"

/* localhost, the container's name on its addresses (family 0: none), then "NAME:IP" entries. */
int netns_etc_hosts(const char *hostname, const struct netns_addr *addr, const struct netns_addr *addr6,
		    char *const *add_hosts, char **out, struct error *err);
/* nameservers given (IP strings), else the host's file minus loopback nameservers (keep_loopback:
 * the container shares the host's network). */
int netns_etc_resolv(char *const *dns, const char *host_resolv, bool keep_loopback, char **out,
		     struct error *err);

#endif
