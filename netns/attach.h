/* One container on a network: lease, published ports, veth pair, addresses and routes, rules. */
#ifndef BERTH_NETNS_ATTACH_H
#define BERTH_NETNS_ATTACH_H

#include "netns/ipam.h"
#include "netns/nft.h"

/* The host end of id's veth pair: "vb" and 12 hex digits of a hash of the id. */
void netns_veth_name(const char *id, char name[16]);
/* A fresh network namespace (berth's own stays as it was), with lo up: its fd. */
int netns_new(struct error *err);
/* Wire netns_fd to net for id; on failure nothing is left. */
int netns_container_attach(const char *root, const struct netns_network *net, const char *id, int netns_fd,
			   const struct netns_addr *ip, const struct netns_port *ports, size_t n_ports,
			   struct netns_lease *lease, struct error *err);
/* Undo attach for id on every network (what is gone already is fine); 0 when nothing was there. */
int netns_container_detach(const char *root, const char *id, struct error *err);

#endif
