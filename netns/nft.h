/* nftables through libnftnl: table inet berth (NAT, published ports, isolation) and table bridge
 * berth (source address checks on the bridge ports). Rules carry a comment "berth:net:NAME" or
 * "berth:ctr:ID", so a network's or a container's rules are found and removed in one batch. */
#ifndef BERTH_NETNS_NFT_H
#define BERTH_NETNS_NFT_H

#include <stddef.h>
#include <stdint.h>

#include "netns/ipam.h"
#include "netns/network.h"

#define NETNS_NFT_TABLE "berth"

struct netns_port {
	struct netns_addr host_ip;	/* family 0: every local address */
	uint16_t host_port, port;
	int proto;			/* IPPROTO_TCP or IPPROTO_UDP */
};

/* "[IP:]HOSTPORT:PORT[/tcp|/udp]" */
int netns_port_parse(const char *s, struct netns_port *p, struct error *err);
const char *netns_proto_name(int proto);

struct nftnl_rule;
struct netns_rules {
	struct nftnl_rule **v;
	size_t n;
};
void netns_rules_free(struct netns_rules *r);
/* A network's own chains in table inet berth, reached by one jump each from forward and postrouting. */
void netns_nft_network_chains(const struct netns_network *net, char fwd[80], char post[80]);
/* Pure: the rules of a network (its chains' rules, then the jumps), of a container (its ports and its
 * source checks). */
void netns_nft_network_rules(const struct netns_network *net, struct netns_rules *out);
void netns_nft_container_rules(const struct netns_network *net, const char *id, const char *veth,
			       const struct netns_lease *l, const struct netns_port *ports, size_t n,
			       struct netns_rules *out);
/* One line per rule (libnftnl's debug format), for tests and debug logs; caller frees. */
char *netns_rules_text(const struct netns_rules *r);

/* One batch each: tables and base chains made if missing, then the rules. */
int netns_nft_network_add(const struct netns_network *net, struct error *err);
int netns_nft_network_del(const struct netns_network *net, struct error *err);
int netns_nft_container_add(const struct netns_network *net, const char *id, const char *veth,
			    const struct netns_lease *l, const struct netns_port *ports, size_t n,
			    struct error *err);
int netns_nft_container_del(const char *id, struct error *err);
/* berth's nftables socket (-1 before any request). After deletes its release waits for nf_tables'
 * destroy work (an RCU grace period, 5 to 9 ms): netns_container_detach hands it to a detached child,
 * then forgets it; any later request opens a new one. */
int netns_nft_fd(void);
void netns_nft_forget(void);

#endif
