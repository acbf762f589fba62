/* The host side of a network: its bridge, the gateway addresses, sysctls, the network's nft rules. */
#ifndef BERTH_NETNS_BRIDGE_H
#define BERTH_NETNS_BRIDGE_H

#include "netns/network.h"
#include "netns/nl.h"

/* Make the bridge if it is missing (alias, addresses, up, sysctls, rules); *ifindex is the bridge's.
 * A bridge of that name made for another network or another state root is refused. */
int netns_network_setup(struct netns_nl *nl, const char *root, const struct netns_network *net, int *ifindex,
			struct error *err);
/* What a network's bridge carries as its IFLA_IFALIAS, naming the network and the state root. */
char *netns_bridge_alias(const char *root, const char *name);
/* Remove the bridge and the network's rules; what is gone already is fine. */
int netns_network_teardown(const struct netns_network *net, struct error *err);
/* Write a /proc/sys file directly (no sysctl binary): "net/ipv4/ip_forward". */
int netns_sysctl_write(const char *key, const char *value, struct error *err);

#endif
