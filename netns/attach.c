#include "netns/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns/bridge.h"
#include "netns/detached.h"
#include "netns/nft.h"
#include "netns/nl.h"
#include "runtime/log.h"
#include "runtime/util.h"

void netns_veth_name(const char *id, char name[16])
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	snprintf(name, 16, "vb%012llx", (unsigned long long)(h & 0xffffffffffffull));
}

int netns_new(struct error *err)
{
	cleanup_close int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	struct netns_nl nl;
	int fd, r;

	if (self < 0)
		return error_sys(err, "open own network namespace");
	if (unshare(CLONE_NEWNET) < 0)
		return error_sys(err, "create network namespace");
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	/* ping without CAP_NET_RAW, as docker allows it; /proc/sys/net is the caller's namespace */
	if (fd >= 0)
		(void)write_file_at(AT_FDCWD, "/proc/sys/net/ipv4/ping_group_range", "0 2147483647", 12);
	if (setns(self, CLONE_NEWNET) < 0)
		abort(); /* berth must not go on inside the container's namespace */
	if (fd < 0)
		return error_sys(err, "open new network namespace");
	if ((r = netns_nl_open(&nl, fd, err)) == 0) {
		r = netns_link_set_up(&nl, 1, err); /* lo is index 1 in a new namespace */
		netns_nl_close(&nl);
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static char *ports_dir(const char *root)
{
	return xasprintf("%s/.networks/.ports", root);
}

static char *port_file(const char *root, const struct netns_port *p)
{
	cleanup_free char *dir = ports_dir(root);

	return xasprintf("%s/%s-%u", dir, netns_proto_name(p->proto), p->host_port);
}

/* Is somebody listening there already? (a socket bound to the port in berth's namespace) */
static int port_bound(const struct netns_port *p)
{
	cleanup_close int fd = socket(AF_INET, (p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(p->host_port) };

	if (p->host_ip.family)
		memcpy(&sa.sin_addr, p->host_ip.b, 4);
	if (fd < 0)
		return -errno;
	return bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == EADDRINUSE;
}

static int reserve_ports(const char *root, const char *id, const struct netns_port *ports, size_t n,
			 struct error *err)
{
	cleanup_free char *dir = ports_dir(root);

	if (n && mkdir_p(dir, 0700) < 0)
		return error_sys(err, "%s", dir);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *path = port_file(root, &ports[i]), *owner = NULL;
		cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd < 0 && errno == EEXIST) {
			read_file_at(AT_FDCWD, path, &owner, NULL, 4096);
			return error_set(err, EADDRINUSE, "host port %u/%s is already published by container %s",
					 ports[i].host_port, netns_proto_name(ports[i].proto), owner ? owner : "?");
		}
		if (fd < 0 || write_all(fd, id, strlen(id)) < 0)
			return error_sys(err, "%s", path);
		if (port_bound(&ports[i]) > 0)
			return error_set(err, EADDRINUSE, "host port %u/%s is already bound on this host",
					 ports[i].host_port, netns_proto_name(ports[i].proto));
	}
	return 0;
}

/* Remove the reservations the lease lists that id still owns. */
static void release_ports(const char *root, const char *id, const char *extra)
{
	cleanup_free char *copy = extra ? xstrdup(extra) : NULL;
	char *save = NULL;

	for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		cleanup_free char *path = NULL, *owner = NULL;
		cleanup_free char *dir = ports_dir(root);
		char proto[8];
		unsigned port;

		if (sscanf(line, "port %7s %u", proto, &port) != 2)
			continue;
		path = xasprintf("%s/%s-%u", dir, proto, port);
		if (read_file_at(AT_FDCWD, path, &owner, NULL, 4096) == 0 && strcmp(owner, id) == 0)
			unlink(path);
	}
}

static char *ports_extra(const struct netns_port *ports, size_t n)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%sport %s %u\n", s, netns_proto_name(ports[i].proto), ports[i].host_port);

		free(s);
		s = t;
	}
	return s;
}

/* Inside the container's namespace: eth0's addresses and the default routes. */
static int configure_inside(const struct netns_network *net, int netns_fd, const struct netns_lease *l,
			    struct error *err)
{
	struct netns_nl nl;
	int idx, r;

	if ((r = netns_nl_open(&nl, netns_fd, err)) < 0)
		return r;
	if ((idx = netns_link_index(&nl, "eth0", err)) <= 0) {
		r = idx < 0 ? idx : error_set(err, ENODEV, "eth0 is missing in the container");
		goto out;
	}
	if ((r = netns_addr_add(&nl, idx, &l->addr, net->subnet.len, err)) < 0)
		goto out;
	/* as docker does on an IPv4-only network: no IPv6 chatter for the bridge to flood */
	if (!l->addr6.family && (r = netns_link_no_link_local(&nl, idx, err)) < 0)
		goto out;
	if ((r = netns_link_set_up(&nl, idx, err)) < 0)
		goto out;
	if (l->addr6.family && (r = netns_addr_add(&nl, idx, &l->addr6, net->subnet6.len, err)) < 0)
		goto out;
	/* an internal network has no way out: no default route */
	if (!net->internal) {
		if ((r = netns_route_add_default(&nl, idx, &net->gateway, err)) < 0)
			goto out;
		if (l->addr6.family && (r = netns_route_add_default(&nl, idx, &net->gateway6, err)) < 0)
			goto out;
	}
out:
	netns_nl_close(&nl);
	return r;
}

/*
 * A bridge port needs no address of its own. With IPv6 on, bringing it up adds a link-local address,
 * whose duplicate address detection, router solicitations and MLD reports the bridge floods to every
 * other container, and a multicast route that the kernel files beside every other port's: both cost
 * each new container more than the last. Without IPv6 in the kernel there is nothing to turn off.
 */
static int bridge_port_without_ipv6(const char *veth, struct error *err)
{
	char key[64];
	int r;

	snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6", veth);
	if ((r = netns_sysctl_write(key, "1", err)) == -ENOENT) {
		error_clear(err);
		return 0;
	}
	return r;
}

static int attach_locked(const char *root, const struct netns_network *net, const char *id, int netns_fd,
			 const struct netns_addr *ip, const struct netns_port *ports, size_t n_ports,
			 struct netns_lease *lease, struct error *err)
{
	cleanup_free char *extra = ports_extra(ports, n_ports);
	char veth[16];
	struct netns_nl nl;
	int br, vidx, r;

	if ((r = netns_ipam_allocate(root, net, id, ip, extra, lease, err)) < 0)
		return r;
	if ((r = reserve_ports(root, id, ports, n_ports, err)) < 0)
		return r;
	netns_veth_name(id, veth);
	if ((r = netns_nl_open(&nl, -1, err)) < 0)
		return r;
	if ((r = netns_network_setup(&nl, root, net, &br, err)) < 0)
		goto out;
	r = netns_veth_create(&nl, veth, br, "eth0", netns_fd, net->mtu, err);
	if (r == -EEXIST) {
		/* a container of the same id whose detached delete has not run yet */
		error_clear(err);
		if ((r = netns_link_delete(&nl, veth, err)) < 0 && r != -ENODEV)
			goto out;
		r = netns_veth_create(&nl, veth, br, "eth0", netns_fd, net->mtu, err);
	}
	if (r < 0)
		goto out;
	if ((vidx = netns_link_index(&nl, veth, err)) <= 0) {
		r = vidx < 0 ? vidx : error_set(err, ENODEV, "veth %s vanished", veth);
		goto out;
	}
	if ((r = bridge_port_without_ipv6(veth, err)) < 0 || (r = netns_bridge_port_hairpin(&nl, vidx, err)) < 0 ||
	    (r = netns_link_set_up(&nl, vidx, err)) < 0)
		goto out;
	if ((r = configure_inside(net, netns_fd, lease, err)) < 0)
		goto out;
	r = netns_nft_container_add(net, id, veth, lease, ports, n_ports, err);
out:
	netns_nl_close(&nl);
	return r;
}

int netns_container_attach(const char *root, const struct netns_network *net, const char *id, int netns_fd,
			   const struct netns_addr *ip, const struct netns_port *ports, size_t n_ports,
			   struct netns_lease *lease, struct error *err)
{
	cleanup_close int lock = netns_network_lock(root, net->name, err);
	int r;

	if (lock < 0)
		return lock;
	r = attach_locked(root, net, id, netns_fd, ip, ports, n_ports, lease, err);
	if (r < 0) {
		struct error ignored;

		close_quietly(lock);
		lock = -1;
		netns_lease_release(lease);
		netns_container_detach(root, id, &ignored);
		return error_prefix(err, "network %s", net->name);
	}
	return 0;
}

/* What a detached child finishes after berth has returned: the links, deleted by index (a new link
 * of the same name is never hit), whose unregister waits for RCU grace periods (~17 ms); and the
 * nftables socket it holds (see netns_nft_fd). One child for all: each fork costs berth ~0.3 ms. */
struct leftovers {
	int links[16];
	size_t n;
};

static void delete_links(void *arg)
{
	const struct leftovers *left = arg;
	struct netns_nl nl;
	struct error ignored;

	if (left->n && netns_nl_open(&nl, -1, &ignored) == 0) {
		for (size_t i = 0; i < left->n; i++)
			netns_link_delete_index(&nl, left->links[i], &ignored);
		netns_nl_close(&nl);
	}
}

static int detach_one(const char *root, const struct netns_network *net, const char *id,
		      struct leftovers *left, struct error *err)
{
	cleanup_close int lock = netns_network_lock(root, net->name, err);
	struct netns_lease l;
	char veth[16];
	int vidx, r;

	if (lock < 0)
		return lock;
	if (netns_ipam_get(root, net, id, &l) == -ENOENT) {
		cleanup_free char *path = xasprintf("%s/.networks/%s/leases/%s", root, net->name, id);
		struct stat sb;

		if (stat(path, &sb) < 0)
			return 0; /* not on this network */
	}
	/* rules, link, ports, then the lease last: it is how a retry finds the rest */
	if ((r = netns_nft_container_del(id, err)) < 0)
		goto out;
	netns_veth_name(id, veth);
	/* it goes with the container's namespace, which the kernel tears down in the background: delete
	 * it anyway, for a namespace something else still holds (the lookup takes no rtnl lock) */
	if ((vidx = (int)if_nametoindex(veth)) > 0) {
		if (left->n == sizeof(left->links) / sizeof(left->links[0])) {
			delete_links(left); /* more networks than the child takes: these here */
			left->n = 0;
		}
		left->links[left->n++] = vidx;
	}
	release_ports(root, id, l.extra);
	r = netns_ipam_release(root, net, id, err);
	if (r == 0)
		r = 1;
out:
	netns_lease_release(&l);
	return r;
}

int netns_container_detach(const char *root, const char *id, struct error *err)
{
	cleanup_strv char **names = NULL;
	struct leftovers left = { .n = 0 };
	int r, found = 0;
	size_t i;

	if ((r = netns_network_list(root, &names, err)) < 0)
		return r;
	for (i = 0; names[i]; i++) {
		struct netns_network net;
		struct error ignored;

		if (netns_network_load(root, names[i], &net, &ignored) < 0)
			continue;
		if ((r = detach_one(root, &net, id, &left, err)) < 0)
			break;
		found |= r;
	}
	if ((left.n || netns_nft_fd() >= 0) && netns_detached(delete_links, &left, netns_nft_fd()) < 0)
		delete_links(&left); /* no fork: wait for them here */
	netns_nft_forget();
	return r < 0 ? error_prefix(err, "network %s", names[i]) : found;
}
