/* The host side of a network: its bridge, the gateway addresses, sysctls, the network's nft rules. */
#ifndef BERTH_NETNS_BRIDGE_H
#define BERTH_NETNS_BRIDGE_H

#include "netns/network.h"
#include "netns/nl.h"

/* Make the bridge if it is missing (addresses, up, sysctls, rules); *ifindex is the bridge's. */
int netns_network_setup(struct netns_nl *nl, const struct netns_network *net, int *ifindex, struct error *err);
/* Remove the bridge and the network's rules; what is gone already is fine. */
int netns_network_teardown(const struct netns_network *net, struct error *err);
/* Write a /proc/sys file directly (no sysctl binary): "net/ipv4/ip_forward". */
int netns_sysctl_write(const char *key, const char *value, struct error *err);

#endif
