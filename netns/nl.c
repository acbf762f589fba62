#include "netns/nl.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/util.h"

int netns_nl_open(struct netns_nl *nl, int netns_fd, struct error *err)
{
	cleanup_close int self = -1;
	int r = 0;

	nl->sock = NULL;
	nl->seq = (unsigned)time(NULL);
	if (netns_fd >= 0) {
		/* the socket stays bound to the namespace it was made in */
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0 || setns(netns_fd, CLONE_NEWNET) < 0)
			return error_sys(err, "enter network namespace");
	}
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		r = error_sys(err, "netlink socket");
	else if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		r = error_sys(err, "netlink bind");
	if (self >= 0 && setns(self, CLONE_NEWNET) < 0)
		abort(); /* never go on in the container's namespace */
	if (r < 0) {
		netns_nl_close(nl);
		return r;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

void netns_nl_close(struct netns_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/* Send one request and read until its ack (or the end of a dump, each message to cb). */
static int talk(struct netns_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned seq = ++nl->seq;
	ssize_t n;
	int r;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, n, seq, nl->portid, cb, data);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

static struct nlmsghdr *put_link(char *buf, int type, int flags, int index)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	return nlh;
}

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	*(int *)data = ifm->ifi_index;
	return MNL_CB_OK;
}

int netns_link_index(struct netns_nl *nl, const char *name, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_GETLINK, 0, 0);
	int index = 0, r;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = talk(nl, nlh, index_cb, &index);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return error_set(err, -r, "look up link %s", name);
	return index;
}

struct link_info {
	int index;
	char *alias;
	size_t len;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct link_info *li = data;
	struct nlattr *attr;

	li->index = ifm->ifi_index;
	mnl_attr_for_each(attr, nlh, sizeof(*ifm))
		if (mnl_attr_get_type(attr) == IFLA_IFALIAS)
			snprintf(li->alias, li->len, "%.*s", (int)mnl_attr_get_payload_len(attr),
				 (const char *)mnl_attr_get_payload(attr));
	return MNL_CB_OK;
}

int netns_link_get(struct netns_nl *nl, const char *name, int *index, char *alias, size_t len, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_GETLINK, 0, 0);
	struct link_info li = { .alias = alias, .len = len };
	int r;

	alias[0] = '\0';
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = talk(nl, nlh, link_cb, &li);
	if (r == -ENODEV)
		li.index = 0;
	else if (r < 0)
		return error_set(err, -r, "look up link %s", name);
	*index = li.index;
	alias[strcspn(alias, "\n")] = '\0';
	return 0;
}

int netns_link_set_alias(struct netns_nl *nl, int ifindex, const char *alias, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, 0, ifindex);
	int r;

	mnl_attr_put_str(nlh, IFLA_IFALIAS, alias);
	if ((r = talk(nl, nlh, NULL, NULL)) < 0)
		return error_set(err, -r, "set the alias of link %d", ifindex);
	return 0;
}

int netns_bridge_create(struct netns_nl *nl, const char *name, unsigned mtu, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info;
	int r;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	r = talk(nl, nlh, NULL, NULL);
	if (r < 0 && r != -EEXIST)
		return error_set(err, -r, "create bridge %s", name);
	return r;
}

int netns_link_set_up(struct netns_nl *nl, int ifindex, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	int r;

	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	if ((r = talk(nl, nlh, NULL, NULL)) < 0)
		return error_set(err, -r, "set link %d up", ifindex);
	return 0;
}

int netns_link_no_link_local(struct netns_nl *nl, int ifindex, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, 0, ifindex);
	struct nlattr *spec, *inet6;
	int r;

	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	if ((r = talk(nl, nlh, NULL, NULL)) < 0)
		return error_set(err, -r, "no IPv6 link-local address on link %d", ifindex);
	return 0;
}

int netns_veth_create(struct netns_nl *nl, const char *host, int master, const char *peer, int peer_netns_fd,
		      unsigned mtu, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct ifinfomsg *pifm;
	struct nlattr *info, *data, *peer_attr;
	int r;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_attr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC; /* not up yet: veth refuses to open before its peer exists */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_nest_end(nlh, peer_attr);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	if ((r = talk(nl, nlh, NULL, NULL)) < 0)
		return error_set(err, -r, "create veth %s", host);
	return 0;
}

int netns_bridge_port_hairpin(struct netns_nl *nl, int ifindex, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_SETLINK, 0, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *prot;
	int r;

	ifm->ifi_family = AF_BRIDGE;
	prot = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, 1);
	mnl_attr_nest_end(nlh, prot);
	if ((r = talk(nl, nlh, NULL, NULL)) < 0)
		return error_set(err, -r, "hairpin mode on link %d", ifindex);
	return 0;
}

int netns_link_delete(struct netns_nl *nl, const char *name, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_DELLINK, 0, 0);
	int r;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = talk(nl, nlh, NULL, NULL);
	if (r == -ENODEV)
		return r;
	if (r < 0)
		return error_set(err, -r, "delete link %s", name);
	return 0;
}

int netns_link_delete_index(struct netns_nl *nl, int ifindex, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link(buf, RTM_DELLINK, 0, ifindex);
	int r = talk(nl, nlh, NULL, NULL);

	if (r == -ENODEV)
		return r;
	if (r < 0)
		return error_set(err, -r, "delete link %d", ifindex);
	return 0;
}

int netns_addr_add(struct netns_nl *nl, int ifindex, const struct netns_addr *a, unsigned prefixlen,
		   struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], s[NETNS_ADDR_STRLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	size_t len = netns_addr_bytes(a->family);
	int r;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_index = ifindex;
	/* no duplicate address detection: the address is usable at once, and IPAM owns it */
	ifa->ifa_flags = a->family == AF_INET6 ? IFA_F_NODAD : 0;
	mnl_attr_put(nlh, IFA_LOCAL, len, a->b);
	mnl_attr_put(nlh, IFA_ADDRESS, len, a->b);
	if (a->family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	r = talk(nl, nlh, NULL, NULL);
	if (r < 0 && r != -EEXIST)
		return error_set(err, -r, "add address %s/%u", netns_addr_format(a, s), prefixlen);
	return 0;
}

int netns_route_add_default(struct netns_nl *nl, int ifindex, const struct netns_addr *gw, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], s[NETNS_ADDR_STRLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int r;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = gw->family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, netns_addr_bytes(gw->family), gw->b);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	if ((r = talk(nl, nlh, NULL, NULL)) < 0)
		return error_set(err, -r, "add default route via %s", netns_addr_format(gw, s));
	return 0;
}

struct route_list {
	int family;
	struct netns_prefix *v;
	size_t n, cap;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_list *l = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *attr;
	struct netns_prefix p = { .a.family = l->family, .len = rtm->rtm_dst_len };

	if (rtm->rtm_family != l->family || rtm->rtm_dst_len == 0)
		return MNL_CB_OK; /* a default route overlaps everything and says nothing */
	mnl_attr_for_each(attr, nlh, sizeof(*rtm))
		if (mnl_attr_get_type(attr) == RTA_DST &&
		    mnl_attr_get_payload_len(attr) == netns_addr_bytes(l->family))
			memcpy(p.a.b, mnl_attr_get_payload(attr), netns_addr_bytes(l->family));
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = p;
	return MNL_CB_OK;
}

int netns_route_list(struct netns_nl *nl, int family, struct netns_prefix **out, size_t *n, struct error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	struct route_list l = { .family = family };
	int r;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	if ((r = talk(nl, nlh, route_cb, &l)) < 0) {
		free(l.v);
		return error_set(err, -r, "list routes");
	}
	*out = l.v;
	*n = l.n;
	return 0;
}
