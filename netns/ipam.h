/* Leases: one bit per address in <net>/bitmap, the owner in <net>/leases/<id>, under the network lock. */
#ifndef BERTH_NETNS_IPAM_H
#define BERTH_NETNS_IPAM_H

#include <stdint.h>

#include "netns/network.h"

struct netns_lease {
	char network[65];
	uint64_t offset;	  /* from the subnet's base */
	struct netns_addr addr, addr6; /* addr6.family == 0 without IPv6 */
	char *extra;		  /* lines kept with the lease (published ports), may be NULL */
};

/* Allocate for id: requested (may be NULL) or the first free address. Caller holds the lock. */
int netns_ipam_allocate(const char *root, const struct netns_network *net, const char *id,
			const struct netns_addr *requested, const char *extra, struct netns_lease *out,
			struct error *err);
/* Release id's lease in net (0 when there is none). Caller holds the lock. */
int netns_ipam_release(const char *root, const struct netns_network *net, const char *id, struct error *err);
/* The lease of id in net: 0, or -ENOENT. */
int netns_ipam_get(const char *root, const struct netns_network *net, const char *id, struct netns_lease *out);
/* Owners of the network's leases (strv, may be empty). */
int netns_ipam_owners(const char *root, const char *name, char ***ids, struct error *err);
void netns_lease_release(struct netns_lease *l);
/* The addresses IPAM hands out (host offsets) for a subnet: [1, n) minus the gateway, capped at 2^16. */
uint64_t netns_ipam_range(const struct netns_network *net);

#endif
