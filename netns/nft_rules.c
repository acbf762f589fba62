/* The rules berth writes, built as libnftnl objects without touching the kernel (unit-tested). */
#include "netns/nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "runtime/util.h"

const char *netns_proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

static int parse_port(const char *s, const char *what, const char *all, uint16_t *out, struct error *err)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v < 1 || v > 65535)
		return error_set(err, 0, "-p %s: %s \"%s\" out of range (1-65535)", all, what, s);
	*out = (uint16_t)v;
	return 0;
}

int netns_port_parse(const char *s, struct netns_port *p, struct error *err)
{
	cleanup_free char *copy = xstrdup(s);
	char *slash = strchr(copy, '/'), *last, *hp;
	int r;

	memset(p, 0, sizeof(*p));
	p->proto = IPPROTO_TCP;
	if (slash) {
		*slash = '\0';
		if (!strcmp(slash + 1, "udp"))
			p->proto = IPPROTO_UDP;
		else if (strcmp(slash + 1, "tcp"))
			return error_set(err, 0, "-p %s: unknown protocol \"%s\" (tcp or udp)", s, slash + 1);
	}
	last = strrchr(copy, ':');
	if (!last)
		return error_set(err, 0, "-p %s: expected [IP:]HOSTPORT:PORT[/tcp|/udp]", s);
	*last = '\0';
	if ((r = parse_port(last + 1, "container port", s, &p->port, err)) < 0)
		return r;
	hp = strrchr(copy, ':');
	if (hp) {
		*hp++ = '\0';
		if (netns_addr_parse(copy, &p->host_ip) < 0 || p->host_ip.family != AF_INET)
			return error_set(err, 0, "-p %s: \"%s\" is not an IPv4 address", s, copy);
	} else {
		hp = copy;
	}
	return parse_port(hp, "host port", s, &p->host_port, err);
}

void netns_rules_free(struct netns_rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		nftnl_rule_free(r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

char *netns_rules_text(const struct netns_rules *r)
{
	size_t cap = 4096 * (r->n + 1), len = 0;
	char *buf = xzalloc(cap);

	for (size_t i = 0; i < r->n; i++) {
		int n = nftnl_rule_snprintf(buf + len, cap - len - 1, r->v[i], NFTNL_OUTPUT_DEFAULT, 0);

		if (n < 0 || (size_t)n >= cap - len - 2)
			break;
		len += n;
		buf[len++] = '\n';
	}
	return buf;
}

/* A rule under construction. */
struct rb {
	struct nftnl_rule *r;
};

static void rb_start(struct rb *b, int family, const char *chain, const char *tag)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

	b->r = nftnl_rule_alloc();
	nftnl_rule_set_u32(b->r, NFTNL_RULE_FAMILY, family);
	nftnl_rule_set_str(b->r, NFTNL_RULE_TABLE, NETNS_NFT_TABLE);
	nftnl_rule_set_str(b->r, NFTNL_RULE_CHAIN, chain);
	nftnl_udata_put_strz(ud, 0 /* NFTNL_UDATA_RULE_COMMENT, as nft writes comments */, tag);
	nftnl_rule_set_data(b->r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
}

static void add(struct rb *b, struct nftnl_expr *e)
{
	nftnl_rule_add_expr(b->r, e);
}

static void meta(struct rb *b, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add(b, e);
}

static void cmp(struct rb *b, uint32_t op, const void *data, size_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	add(b, e);
}

static void payload(struct rb *b, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	add(b, e);
}

static void bitwise(struct rb *b, const void *mask, size_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	unsigned char zero[16] = { 0 };

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	add(b, e);
}

static void ifname(struct rb *b, uint32_t key, uint32_t op, const char *name, bool prefix)
{
	char buf[IFNAMSIZ] = { 0 };

	snprintf(buf, sizeof(buf), "%s", name);
	meta(b, key);
	cmp(b, op, buf, prefix ? strlen(name) : IFNAMSIZ);
}

static void nfproto(struct rb *b, int family)
{
	uint8_t v = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;

	meta(b, NFT_META_NFPROTO);
	cmp(b, NFT_CMP_EQ, &v, 1);
}

/* ip saddr (or daddr) within a prefix */
static void addr_in(struct rb *b, const struct netns_prefix *p, bool src, uint32_t op)
{
	size_t len = netns_addr_bytes(p->a.family);
	uint32_t off = p->a.family == AF_INET ? (src ? 12 : 16) : (src ? 8 : 24);
	unsigned char mask[16] = { 0 };

	payload(b, NFT_PAYLOAD_NETWORK_HEADER, off, len);
	if (p->len < 8 * len) {
		for (unsigned i = 0; i < p->len; i++)
			mask[i / 8] |= 0x80 >> (i % 8);
		bitwise(b, mask, len);
	}
	cmp(b, op, p->a.b, len);
}

static void ct_status(struct rb *b, uint32_t bit)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATUS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add(b, e);
	bitwise(b, &bit, 4);
	cmp(b, NFT_CMP_NEQ, &zero, 4);
}

static void verdict(struct rb *b, int v)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, v);
	add(b, e);
}

static void masquerade(struct rb *b)
{
	add(b, nftnl_expr_alloc("masq"));
}

static void push(struct netns_rules *out, struct rb *b)
{
	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	out->v[out->n++] = b->r;
	b->r = NULL;
}

void netns_nft_network_chains(const struct netns_network *net, char fwd[80], char post[80])
{
	snprintf(fwd, 80, "fwd-%s", net->name);
	snprintf(post, 80, "post-%s", net->name);
}

static void jump(struct netns_rules *out, const char *from, const char *to, const char *tag)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");
	struct rb b;

	rb_start(&b, NFPROTO_INET, from, tag);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NFT_JUMP);
	nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, to);
	add(&b, e);
	push(out, &b);
}

static void network_chain_rules(const struct netns_network *net, const char *fwd, const char *post,
				const char *tag, struct netns_rules *out);

void netns_nft_network_rules(const struct netns_network *net, struct netns_rules *out)
{
	cleanup_free char *tag = xasprintf("berth:net:%s", net->name);
	char fwd[80], post[80];

	netns_nft_network_chains(net, fwd, post);
	network_chain_rules(net, fwd, post, tag, out);
	jump(out, "forward", fwd, tag);
	jump(out, "postrouting", post, tag);
}

static void network_chain_rules(const struct netns_network *net, const char *fwd, const char *post,
				const char *tag, struct netns_rules *out)
{
	struct netns_prefix lo = { .a = { .family = AF_INET, .b = { 127 } }, .len = 8 };
	struct rb b;

	/* isolation: nothing from this bridge to another berth bridge; an internal one goes nowhere */
	rb_start(&b, NFPROTO_INET, fwd, tag);
	ifname(&b, NFT_META_IIFNAME, NFT_CMP_EQ, net->bridge, false);
	ifname(&b, NFT_META_OIFNAME, NFT_CMP_NEQ, net->bridge, false);
	if (!net->internal)
		ifname(&b, NFT_META_OIFNAME, NFT_CMP_EQ, NETNS_BRIDGE_PREFIX, true);
	verdict(&b, NF_DROP);
	push(out, &b);
	if (net->internal) {
		rb_start(&b, NFPROTO_INET, fwd, tag);
		ifname(&b, NFT_META_OIFNAME, NFT_CMP_EQ, net->bridge, false);
		ifname(&b, NFT_META_IIFNAME, NFT_CMP_NEQ, net->bridge, false);
		verdict(&b, NF_DROP);
		push(out, &b);
	}
	/* hairpin: a container reaching a published port of its own network sees the gateway as source */
	rb_start(&b, NFPROTO_INET, post, tag);
	ifname(&b, NFT_META_OIFNAME, NFT_CMP_EQ, net->bridge, false);
	nfproto(&b, AF_INET);
	addr_in(&b, &net->subnet, true, NFT_CMP_EQ);
	ct_status(&b, IPS_DST_NAT);
	masquerade(&b);
	push(out, &b);
	/* 127.0.0.1:PORT from the host: the container cannot answer 127.0.0.1 */
	rb_start(&b, NFPROTO_INET, post, tag);
	ifname(&b, NFT_META_OIFNAME, NFT_CMP_EQ, net->bridge, false);
	nfproto(&b, AF_INET);
	addr_in(&b, &lo, true, NFT_CMP_EQ);
	masquerade(&b);
	push(out, &b);
	if (net->internal)
		return;
	for (int v6 = 0; v6 < 2; v6++) {
		const struct netns_prefix *p = v6 ? &net->subnet6 : &net->subnet;

		if (!p->a.family)
			continue;
		rb_start(&b, NFPROTO_INET, post, tag);
		nfproto(&b, p->a.family);
		addr_in(&b, p, true, NFT_CMP_EQ);
		ifname(&b, NFT_META_OIFNAME, NFT_CMP_NEQ, net->bridge, false);
		masquerade(&b);
		push(out, &b);
	}
}

/* DNAT of one published port for one family: to the lease's address of that family. */
static void port_rule(struct netns_rules *out, const char *chain, const char *tag, const struct netns_lease *l,
		      const struct netns_port *p, int family)
{
	uint32_t local = RTN_LOCAL;
	uint8_t proto = p->proto;
	uint16_t hp = htons(p->host_port), cp = htons(p->port);
	bool v4 = family == AF_INET;
	const struct netns_addr *to = v4 ? &l->addr : &l->addr6;
	struct nftnl_expr *e;
	struct rb b;

	if (!to->family || (p->host_ip.family && p->host_ip.family != family))
		return;
	rb_start(&b, NFPROTO_INET, chain, tag);
	nfproto(&b, family);
	e = nftnl_expr_alloc("fib");
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	add(&b, e);
	cmp(&b, NFT_CMP_EQ, &local, 4);
	if (p->host_ip.family) {
		payload(&b, NFT_PAYLOAD_NETWORK_HEADER, v4 ? 16 : 24, v4 ? 4 : 16);
		cmp(&b, NFT_CMP_EQ, p->host_ip.b, v4 ? 4 : 16);
	}
	meta(&b, NFT_META_L4PROTO);
	cmp(&b, NFT_CMP_EQ, &proto, 1);
	payload(&b, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(&b, NFT_CMP_EQ, &hp, 2);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, to->b, v4 ? 4 : 16);
	add(&b, e);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_2);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &cp, 2);
	add(&b, e);
	e = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, v4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	add(&b, e);
	push(out, &b);
}

/* Bridge family: what enters from the container's port must carry its own lease as source. */
static void spoof_rules(struct netns_rules *out, const char *tag, const char *veth, const struct netns_lease *l)
{
	uint16_t ip = htons(0x0800), arp = htons(0x0806), ip6 = htons(0x86dd);
	struct netns_prefix ll = { .a = { .family = AF_INET6, .b = { 0xfe, 0x80 } }, .len = 10 };
	struct netns_prefix any6 = { .a = { .family = AF_INET6 }, .len = 128 };
	struct netns_prefix own = { .a = l->addr, .len = 32 }, own6 = { .a = l->addr6, .len = 128 };
	struct rb b;

	rb_start(&b, NFPROTO_BRIDGE, "prerouting", tag);
	ifname(&b, NFT_META_IIFNAME, NFT_CMP_EQ, veth, false);
	payload(&b, NFT_PAYLOAD_LL_HEADER, 12, 2);
	cmp(&b, NFT_CMP_EQ, &ip, 2);
	addr_in(&b, &own, true, NFT_CMP_NEQ);
	verdict(&b, NF_DROP);
	push(out, &b);
	rb_start(&b, NFPROTO_BRIDGE, "prerouting", tag);
	ifname(&b, NFT_META_IIFNAME, NFT_CMP_EQ, veth, false);
	payload(&b, NFT_PAYLOAD_LL_HEADER, 12, 2);
	cmp(&b, NFT_CMP_EQ, &arp, 2);
	payload(&b, NFT_PAYLOAD_NETWORK_HEADER, 14, 4); /* ARP sender protocol address */
	cmp(&b, NFT_CMP_NEQ, l->addr.b, 4);
	verdict(&b, NF_DROP);
	push(out, &b);
	if (!l->addr6.family)
		return;
	/* IPv6: its lease, link-local and :: (neighbour discovery) pass, anything else drops */
	const struct netns_prefix *allowed[] = { &own6, &ll, &any6 };

	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		rb_start(&b, NFPROTO_BRIDGE, "prerouting", tag);
		ifname(&b, NFT_META_IIFNAME, NFT_CMP_EQ, veth, false);
		payload(&b, NFT_PAYLOAD_LL_HEADER, 12, 2);
		cmp(&b, NFT_CMP_EQ, &ip6, 2);
		addr_in(&b, allowed[i], true, NFT_CMP_EQ);
		verdict(&b, NF_ACCEPT);
		push(out, &b);
	}
	rb_start(&b, NFPROTO_BRIDGE, "prerouting", tag);
	ifname(&b, NFT_META_IIFNAME, NFT_CMP_EQ, veth, false);
	payload(&b, NFT_PAYLOAD_LL_HEADER, 12, 2);
	cmp(&b, NFT_CMP_EQ, &ip6, 2);
	verdict(&b, NF_DROP);
	push(out, &b);
}

void netns_nft_container_rules(const struct netns_network *net, const char *id, const char *veth,
			       const struct netns_lease *l, const struct netns_port *ports, size_t n,
			       struct netns_rules *out)
{
	cleanup_free char *tag = xasprintf("berth:ctr:%s", id);

	(void)net;
	for (size_t i = 0; i < n; i++) {
		port_rule(out, "prerouting", tag, l, &ports[i], AF_INET);
		port_rule(out, "output", tag, l, &ports[i], AF_INET);
		/* v6 on a network with a v6 subnet; there is no route_localnet for ::1, so not from it */
		port_rule(out, "prerouting", tag, l, &ports[i], AF_INET6);
		port_rule(out, "output", tag, l, &ports[i], AF_INET6);
	}
	spoof_rules(out, tag, veth, l);
}
