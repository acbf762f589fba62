/* Network definitions under <root>/.networks/<name>/ (config, lock, IPAM bitmap, leases). */
#ifndef BERTH_NETNS_NETWORK_H
#define BERTH_NETNS_NETWORK_H

#include <stdbool.h>

#include "netns/addr.h"
#include "runtime/error.h"

#define NETNS_DEFAULT_NETWORK "berth"
#define NETNS_DEFAULT_BRIDGE "berth0"
#define NETNS_BRIDGE_PREFIX "berth"
#define NETNS_DEFAULT_MTU 1500

struct netns_network {
	char name[65];
	char bridge[16];
	struct netns_prefix subnet, subnet6;  /* subnet6.a.family == 0: no IPv6 */
	struct netns_addr gateway, gateway6;
	bool internal;
	unsigned mtu;
};

/* What `network create` asks for; NULL strings for the defaults. */
struct netns_network_req {
	const char *name, *subnet, *gateway, *subnet6;
	bool internal;
	unsigned mtu;
};

/* <root>/.networks (made on demand). */
char *netns_networks_dir(const char *root);
int netns_network_name_check(const char *name, struct error *err);
int netns_network_load(const char *root, const char *name, struct netns_network *net, struct error *err);
/* Validate (overlap with host routes and other networks), choose what is left open, write. */
int netns_network_create(const char *root, const struct netns_network_req *req, struct netns_network *out,
			 struct error *err);
/* The default network, made on first use. */
int netns_network_default(const char *root, struct netns_network *net, struct error *err);
/* Names of every network, sorted (strv). */
int netns_network_list(const char *root, char ***names, struct error *err);
/* Refused (EBUSY) while a lease is held; removes the bridge and its rules too. */
int netns_network_remove(const char *root, const char *name, struct error *err);
/* The network's lock (flock on <dir>/lock), held while the fd is open. */
int netns_network_lock(const char *root, const char *name, struct error *err);
/* Pure: the first free subnet of the candidates that overlaps none of used[]. */
int netns_subnet_choose(const struct netns_prefix *used, size_t n, struct netns_prefix *out);

#endif
