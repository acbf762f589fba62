#include "netns/bridge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "netns/nft.h"
#include "runtime/util.h"

int netns_sysctl_write(const char *key, const char *value, struct error *err)
{
	char path[256];
	int r;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	if ((r = write_file_at(AT_FDCWD, path, value, strlen(value))) < 0)
		return error_set(err, -r, "sysctl %s=%s", key, value);
	return 0;
}

/* ip_forward for NAT out, route_localnet so 127.0.0.1 can be DNATed onto the bridge. */
static int set_sysctls(const struct netns_network *net, struct error *err)
{
	char key[96];
	int r;

	snprintf(key, sizeof(key), "net/ipv4/conf/%s/route_localnet", net->bridge);
	if ((r = netns_sysctl_write(key, "1", err)) < 0)
		return r;
	if (net->internal)
		return 0;
	if ((r = netns_sysctl_write("net/ipv4/ip_forward", "1", err)) < 0)
		return r;
	if (net->subnet6.a.family && (r = netns_sysctl_write("net/ipv6/conf/all/forwarding", "1", err)) < 0)
		return r;
	return 0;
}

char *netns_bridge_alias(const char *root, const char *name)
{
	return xasprintf("berth network %s root %s", name, root);
}

int netns_network_setup(struct netns_nl *nl, const char *root, const struct netns_network *net, int *ifindex,
			struct error *err)
{
	cleanup_free char *alias = netns_bridge_alias(root, net->name);
	char have[256];
	int r;

	if ((r = netns_link_get(nl, net->bridge, ifindex, have, sizeof(have), err)) < 0)
		return r;
	if (*ifindex > 0 && strcmp(have, alias) != 0)
		return error_set(err, EEXIST, "network %s: link %s exists and is not its bridge (alias \"%s\")",
				 net->name, net->bridge, have);
	if (*ifindex > 0)
		return 0; /* set up by the first container; a bridge is never half made (see below) */
	r = netns_bridge_create(nl, net->bridge, net->mtu, err);
	if (r < 0 && r != -EEXIST)
		return r;
	if ((*ifindex = netns_link_index(nl, net->bridge, err)) <= 0)
		return *ifindex < 0 ? *ifindex : error_set(err, ENODEV, "bridge %s vanished", net->bridge);
	if ((r = netns_link_set_alias(nl, *ifindex, alias, err)) < 0 ||
	    (r = netns_addr_add(nl, *ifindex, &net->gateway, net->subnet.len, err)) < 0 ||
	    (net->subnet6.a.family && (r = netns_addr_add(nl, *ifindex, &net->gateway6, net->subnet6.len, err)) < 0) ||
	    (r = set_sysctls(net, err)) < 0 || (r = netns_nft_network_add(net, err)) < 0 ||
	    (r = netns_link_set_up(nl, *ifindex, err)) < 0) {
		struct error ignored;

		/* no half-made bridge: the next container would take it as ready */
		netns_link_delete(nl, net->bridge, &ignored);
		return error_prefix(err, "network %s: bridge %s", net->name, net->bridge);
	}
	return 0;
}

int netns_network_teardown(const struct netns_network *net, struct error *err)
{
	struct netns_nl nl;
	int r;

	if ((r = netns_nft_network_del(net, err)) < 0)
		return r;
	if ((r = netns_nl_open(&nl, -1, err)) < 0)
		return r;
	r = netns_link_delete(&nl, net->bridge, err);
	netns_nl_close(&nl);
	return r == -ENODEV ? 0 : r;
}
