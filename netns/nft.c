/* Sending berth's nftables batches and finding its rules again (libnftnl over libmnl). */
#include "netns/nft.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <libnftnl/udata.h>

#include "runtime/log.h"
#include "runtime/util.h"

struct base_chain {
	int family;
	const char *name, *type;
	int hook, prio;
};

static const struct base_chain base_chains[] = {
	{ NFPROTO_INET, "prerouting", "nat", NF_INET_PRE_ROUTING, -100 },
	{ NFPROTO_INET, "output", "nat", NF_INET_LOCAL_OUT, -100 },
	{ NFPROTO_INET, "postrouting", "nat", NF_INET_POST_ROUTING, 100 },
	{ NFPROTO_INET, "forward", "filter", NF_INET_FORWARD, 0 },
	{ NFPROTO_BRIDGE, "prerouting", "filter", 0 /* NF_BR_PRE_ROUTING */, -200 },
};

struct batch {
	char *buf;
	size_t size;
	struct mnl_nlmsg_batch *b;
	unsigned seq, acks;
};

static void batch_start(struct batch *bt, size_t msgs)
{
	bt->size = (msgs + 4) * 8192;
	bt->buf = xmalloc(bt->size);
	bt->b = mnl_nlmsg_batch_start(bt->buf, bt->size);
	bt->seq = (unsigned)time(NULL);
	bt->acks = 0;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
}

static void batch_end(struct batch *bt)
{
	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
}

static void batch_free(struct batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
}

static void put_tables_and_chains(struct batch *bt)
{
	for (int fam = 0; fam < 2; fam++) {
		struct nftnl_table *t = nftnl_table_alloc();
		int family = fam ? NFPROTO_BRIDGE : NFPROTO_INET;
		struct nlmsghdr *nlh;

		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, family);
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, NETNS_NFT_TABLE);
		nlh = nftnl_table_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), NFT_MSG_NEWTABLE, family,
						  NLM_F_CREATE | NLM_F_ACK, bt->seq++);
		nftnl_table_nlmsg_build_payload(nlh, t);
		nftnl_table_free(t);
		mnl_nlmsg_batch_next(bt->b);
		bt->acks++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(base_chains); i++) {
		const struct base_chain *bc = &base_chains[i];
		struct nftnl_chain *c = nftnl_chain_alloc();
		struct nlmsghdr *nlh;

		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NETNS_NFT_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, bc->name);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, bc->hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, bc->prio);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, bc->type);
		nlh = nftnl_chain_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), NFT_MSG_NEWCHAIN, bc->family,
						  NLM_F_CREATE | NLM_F_ACK, bt->seq++);
		nftnl_chain_nlmsg_build_payload(nlh, c);
		nftnl_chain_free(c);
		mnl_nlmsg_batch_next(bt->b);
		bt->acks++;
	}
}

static void put_rules(struct batch *bt, const struct netns_rules *rules)
{
	for (size_t i = 0; i < rules->n; i++) {
		struct nlmsghdr *nlh = nftnl_rule_nlmsg_build_hdr(
			mnl_nlmsg_batch_current(bt->b), NFT_MSG_NEWRULE,
			nftnl_rule_get_u32(rules->v[i], NFTNL_RULE_FAMILY), NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK,
			bt->seq++);

		nftnl_rule_nlmsg_build_payload(nlh, rules->v[i]);
		mnl_nlmsg_batch_next(bt->b);
		bt->acks++;
	}
}

/* One socket per berth process (see netns_container_detach for its end). */
static struct mnl_socket *cached;

static struct mnl_socket *nft_socket(struct error *err)
{
	struct mnl_socket *nl;

	if (cached)
		return cached;
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl) {
		error_sys(err, "netfilter netlink socket");
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		error_sys(err, "netfilter netlink bind");
		mnl_socket_close(nl);
		return NULL;
	}
	return cached = nl;
}

int netns_nft_fd(void)
{
	return cached ? mnl_socket_get_fd(cached) : -1;
}

/* also after a failure, when unread replies may be left: the next request gets a fresh socket */
void netns_nft_forget(void)
{
	if (cached)
		mnl_socket_close(cached);
	cached = NULL;
}


/* Send the batch, then read one ack per message: the first error fails it (and the kernel has
 * applied none of it). */
static int batch_send(struct batch *bt, struct error *err)
{
	struct mnl_socket *nl = nft_socket(err);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned got = 0;
	int r = 0;

	if (!nl)
		return -err->errnum;
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(bt->b), mnl_nlmsg_batch_size(bt->b)) < 0) {
		r = error_sys(err, "nftables batch");
		goto out;
	}
	while (got < bt->acks) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			r = error_sys(err, "nftables batch");
			goto out;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (e->error) {
				r = error_set(err, -e->error, "nftables batch");
				goto out;
			}
			got++;
		}
	}
out:
	if (r < 0)
		netns_nft_forget();
	return r;
}

static void put_chain(struct batch *bt, int type, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NETNS_NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nlh = nftnl_chain_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_INET,
					  (type == NFT_MSG_NEWCHAIN ? NLM_F_CREATE : 0) | NLM_F_ACK, bt->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	mnl_nlmsg_batch_next(bt->b);
	bt->acks++;
}

/* with_chains: the tables and base chains, and the network's own chains (net may be NULL). */
static int add_rules(const struct netns_rules *rules, bool with_chains, const struct netns_network *net,
		     struct error *err)
{
	struct batch bt;
	int r;

	batch_start(&bt, rules->n + ARRAY_SIZE(base_chains) + 4);
	if (with_chains)
		put_tables_and_chains(&bt);
	if (net) {
		char fwd[80], post[80];

		netns_nft_network_chains(net, fwd, post);
		put_chain(&bt, NFT_MSG_NEWCHAIN, fwd);
		put_chain(&bt, NFT_MSG_NEWCHAIN, post);
	}
	put_rules(&bt, rules);
	batch_end(&bt);
	r = batch_send(&bt, err);
	batch_free(&bt);
	return r;
}

struct found {
	const void *tag;
	uint32_t tag_len;
	struct nftnl_rule **v;
	size_t n;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct found *f = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	uint32_t len = 0;
	const void *ud;

	if (nftnl_rule_nlmsg_parse(nlh, r) < 0)
		goto skip;
	if (strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), NETNS_NFT_TABLE) != 0)
		goto skip;
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	if (!ud || len != f->tag_len || memcmp(ud, f->tag, len) != 0)
		goto skip;
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n++] = r;
	return MNL_CB_OK;
skip:
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/* Every rule of berth's tables whose comment is tag. */
static int find_rules(const char *tag, struct found *f, struct error *err)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	struct mnl_socket *nl;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned seq = (unsigned)time(NULL), portid;
	int r = 0;
	ssize_t n;

	nftnl_udata_put_strz(ud, 0, tag);
	f->tag = nftnl_udata_buf_data(ud);
	f->tag_len = nftnl_udata_buf_len(ud);
	if (!(nl = nft_socket(err))) {
		nftnl_udata_buf_free(ud);
		return -err->errnum;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = error_sys(err, "list nftables rules");
		goto out;
	}
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int cb = mnl_cb_run(buf, n, seq, portid, dump_cb, f);

		if (cb <= 0) {
			if (cb < 0 && errno != ENOENT)
				r = error_sys(err, "list nftables rules");
			break;
		}
	}
	if (n < 0)
		r = error_sys(err, "list nftables rules");
out:
	if (r < 0)
		netns_nft_forget();
	f->tag = NULL;
	nftnl_udata_buf_free(ud);
	return r;
}

/* The rules tagged tag, and the network's chains when net is given, in one batch. */
static int delete_tagged(const char *tag, const struct netns_network *net, struct error *err)
{
	struct found f = { 0 };
	struct batch bt = { 0 };
	int r = find_rules(tag, &f, err);

	/* the chains go with their jumps (both made in one batch); chains left without jumps go alone */
	if (r == 0 && (f.n || net)) {
		batch_start(&bt, f.n + 2);
		for (size_t i = 0; i < f.n; i++) {
			struct nlmsghdr *nlh = nftnl_rule_nlmsg_build_hdr(
				mnl_nlmsg_batch_current(bt.b), NFT_MSG_DELRULE,
				nftnl_rule_get_u32(f.v[i], NFTNL_RULE_FAMILY), NLM_F_ACK, bt.seq++);
			struct nftnl_rule *d = nftnl_rule_alloc();

			nftnl_rule_set_str(d, NFTNL_RULE_TABLE, NETNS_NFT_TABLE);
			nftnl_rule_set_str(d, NFTNL_RULE_CHAIN, nftnl_rule_get_str(f.v[i], NFTNL_RULE_CHAIN));
			nftnl_rule_set_u64(d, NFTNL_RULE_HANDLE, nftnl_rule_get_u64(f.v[i], NFTNL_RULE_HANDLE));
			nftnl_rule_nlmsg_build_payload(nlh, d);
			nftnl_rule_free(d);
			mnl_nlmsg_batch_next(bt.b);
			bt.acks++;
		}
		if (net) {
			char fwd[80], post[80];

			netns_nft_network_chains(net, fwd, post);
			put_chain(&bt, NFT_MSG_DELCHAIN, fwd);
			put_chain(&bt, NFT_MSG_DELCHAIN, post);
		}
		batch_end(&bt);
		r = batch_send(&bt, err);
		batch_free(&bt);
		if (r == -ENOENT && !f.n)
			r = 0; /* no chains either */
	}
	for (size_t i = 0; i < f.n; i++)
		nftnl_rule_free(f.v[i]);
	free(f.v);
	return r < 0 ? error_prefix(err, "remove the rules of %s", tag + 6) : 0;
}

int netns_nft_network_add(const struct netns_network *net, struct error *err)
{
	struct netns_rules rules = { 0 };
	struct error ignored;
	int r;

	/* a leftover of an earlier bridge would double every rule */
	cleanup_free char *tag = xasprintf("berth:net:%s", net->name);

	delete_tagged(tag, net, &ignored);
	netns_nft_network_rules(net, &rules);
	r = add_rules(&rules, true, net, err);
	netns_rules_free(&rules);
	return r < 0 ? error_prefix(err, "network %s", net->name) : 0;
}

int netns_nft_network_del(const struct netns_network *net, struct error *err)
{
	cleanup_free char *tag = xasprintf("berth:net:%s", net->name);

	return delete_tagged(tag, net, err);
}

int netns_nft_container_add(const struct netns_network *net, const char *id, const char *veth,
			    const struct netns_lease *l, const struct netns_port *ports, size_t n,
			    struct error *err)
{
	struct netns_rules rules = { 0 };
	int r;

	netns_nft_container_rules(net, id, veth, l, ports, n, &rules);
	/* the network's batch made the tables and chains: an update of a base chain costs a grace period */
	r = add_rules(&rules, false, NULL, err);
	if (r == -ENOENT) /* someone flushed berth's tables */
		r = add_rules(&rules, true, NULL, err);
	netns_rules_free(&rules);
	return r;
}

int netns_nft_container_del(const char *id, struct error *err)
{
	cleanup_free char *tag = xasprintf("berth:ctr:%s", id);

	return delete_tagged(tag, NULL, err);
}
