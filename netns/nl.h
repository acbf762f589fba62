/* rtnetlink over libmnl: links, veth pairs, bridges, addresses and routes. */
#ifndef BERTH_NETNS_NL_H
#define BERTH_NETNS_NL_H

#include <stdbool.h>

#include "netns/addr.h"
#include "runtime/error.h"

struct mnl_socket;

struct netns_nl {
	struct mnl_socket *sock;
	unsigned seq, portid;
};

/* A route socket in the namespace netns_fd (-1: the caller's own). */
int netns_nl_open(struct netns_nl *nl, int netns_fd, struct error *err);
void netns_nl_close(struct netns_nl *nl);

/* ifindex of name, 0 if there is none. */
int netns_link_index(struct netns_nl *nl, const char *name, struct error *err);
/* ifindex (0: no such link) and IFLA_IFALIAS ("" when unset) of name. */
int netns_link_get(struct netns_nl *nl, const char *name, int *index, char *alias, size_t len, struct error *err);
int netns_link_set_alias(struct netns_nl *nl, int ifindex, const char *alias, struct error *err);
/* A bridge (EEXIST when it is there already). */
int netns_bridge_create(struct netns_nl *nl, const char *name, unsigned mtu, struct error *err);
int netns_link_set_up(struct netns_nl *nl, int ifindex, struct error *err);
/* host (enslaved to master) + peer made directly in peer_netns_fd, both down. */
int netns_veth_create(struct netns_nl *nl, const char *host, int master, const char *peer, int peer_netns_fd,
		      unsigned mtu, struct error *err);
/* No IPv6 address generated when the link comes up (set before): a link without one sends no
 * duplicate address detection, router solicitation or MLD report, which a bridge floods to every
 * other port. */
int netns_link_no_link_local(struct netns_nl *nl, int ifindex, struct error *err);
/* bridge port flags: hairpin mode on */
int netns_bridge_port_hairpin(struct netns_nl *nl, int ifindex, struct error *err);
/* -ENODEV when it is gone already */
int netns_link_delete(struct netns_nl *nl, const char *name, struct error *err);
/* by index, which the kernel does not reuse soon, unlike a name; -ENODEV when it is gone already */
int netns_link_delete_index(struct netns_nl *nl, int ifindex, struct error *err);
/* EEXIST is success */
int netns_addr_add(struct netns_nl *nl, int ifindex, const struct netns_addr *a, unsigned prefixlen,
		   struct error *err);
int netns_route_add_default(struct netns_nl *nl, int ifindex, const struct netns_addr *gw, struct error *err);
/* Every route of the family in the main and local tables: *out (caller frees), *n. */
int netns_route_list(struct netns_nl *nl, int family, struct netns_prefix **out, size_t *n, struct error *err);

#endif
