/* Unit tests for netns/: prefixes, subnet choice, IPAM, port specs and the rules they produce. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns/addr.h"
#include "netns/etc.h"
#include "netns/ipam.h"
#include "netns/network.h"
#include "netns/nft.h"
#include "runtime/util.h"

static struct netns_prefix P(const char *s)
{
	struct netns_prefix p;
	struct error err = { 0 };

	ck_assert_msg(netns_prefix_parse(s, &p, &err) == 0, "%s: %s", s, err.msg);
	return p;
}

START_TEST(prefix_parse_and_format)
{
	struct netns_prefix p = P("10.88.0.0/16");
	char buf[64];

	ck_assert_str_eq(netns_prefix_format(&p, buf, sizeof(buf)), "10.88.0.0/16");
	p = P("fd00:1::/64");
	ck_assert_str_eq(netns_prefix_format(&p, buf, sizeof(buf)), "fd00:1::/64");
	struct netns_prefix q = P("10.0.0.0/24"), r = P("fd00::/64");

	ck_assert_uint_eq(netns_prefix_size(&q), 256);
	ck_assert_uint_eq(netns_prefix_size(&r), (uint64_t)1 << 32);
}
END_TEST

START_TEST(prefix_parse_errors)
{
	struct netns_prefix p;
	struct error err = { 0 };

	ck_assert_int_lt(netns_prefix_parse("10.0.0.1/24", &p, &err), 0);
	ck_assert_str_eq(err.msg, "10.0.0.1/24: host bits set (the network is 10.0.0.0/24)");
	ck_assert_int_lt(netns_prefix_parse("10.0.0.0", &p, &err), 0);
	ck_assert_str_eq(err.msg, "10.0.0.0: expected ADDRESS/LENGTH");
	ck_assert_int_lt(netns_prefix_parse("10.0.0.0/33", &p, &err), 0);
	ck_assert_str_eq(err.msg, "10.0.0.0/33: invalid prefix length \"33\"");
	ck_assert_int_lt(netns_prefix_parse("10.0.300.0/24", &p, &err), 0);
	ck_assert_str_eq(err.msg, "10.0.300.0/24: not an IP address: 10.0.300.0");
	ck_assert_int_lt(netns_prefix_parse("10.0.0.0/x", &p, &err), 0);
}
END_TEST

START_TEST(prefix_overlap)
{
	struct netns_prefix a = P("10.88.0.0/16"), b = P("10.88.5.0/24"), c = P("10.89.0.0/16"), d = P("0.0.0.0/0");

	ck_assert(netns_prefix_overlap(&a, &b));
	ck_assert(netns_prefix_overlap(&b, &a));
	ck_assert(!netns_prefix_overlap(&a, &c));
	ck_assert(netns_prefix_overlap(&d, &c));
	struct netns_prefix e = P("fd00::/8"), f = P("fd12::/64");

	ck_assert(!netns_prefix_overlap(&a, &e));
	ck_assert(netns_prefix_overlap(&e, &f));
}
END_TEST

START_TEST(address_arithmetic)
{
	struct netns_prefix p = P("10.88.0.0/16"), q = P("fd00::/64");
	struct netns_addr a;
	char s[NETNS_ADDR_STRLEN];

	netns_prefix_nth(&p, 1, &a);
	ck_assert_str_eq(netns_addr_format(&a, s), "10.88.0.1");
	netns_prefix_nth(&p, 300, &a);
	ck_assert_str_eq(netns_addr_format(&a, s), "10.88.1.44");
	ck_assert_uint_eq(netns_prefix_offset(&p, &a), 300);
	ck_assert(netns_prefix_contains(&p, &a));
	netns_prefix_nth(&q, 258, &a);
	ck_assert_str_eq(netns_addr_format(&a, s), "fd00::102");
	ck_assert_uint_eq(netns_prefix_offset(&q, &a), 258);
}
END_TEST

START_TEST(subnet_choice_skips_used)
{
	struct netns_prefix used[] = { P("10.0.0.0/8") }, out;
	char buf[64];

	ck_assert_int_eq(netns_subnet_choose(NULL, 0, &out), 0);
	ck_assert_str_eq(netns_prefix_format(&out, buf, sizeof(buf)), "10.88.0.0/16");
	ck_assert_int_eq(netns_subnet_choose(used, 1, &out), 0);
	ck_assert_str_eq(netns_prefix_format(&out, buf, sizeof(buf)), "172.16.0.0/16");
}
END_TEST

static char root[] = "/tmp/berth-test-netns-XXXXXX";

static void make_net(struct netns_network *net, const char *name, const char *subnet)
{
	char path[512];

	memset(net, 0, sizeof(*net));
	snprintf(net->name, sizeof(net->name), "%s", name);
	net->subnet = P(subnet);
	netns_prefix_nth(&net->subnet, 1, &net->gateway);
	snprintf(path, sizeof(path), "%s/.networks/%s", root, name);
	ck_assert_int_eq(mkdir_p(path, 0700), 0);
}

START_TEST(ipam_allocates_releases_and_exhausts)
{
	struct netns_network net;
	struct netns_lease l;
	struct error err = { 0 };
	char s[NETNS_ADDR_STRLEN], id[16];

	ck_assert_ptr_nonnull(mkdtemp(root));
	make_net(&net, "small", "10.1.0.0/29"); /* .1 gateway, .2-.6 hosts, .7 broadcast */
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		ck_assert_msg(netns_ipam_allocate(root, &net, id, NULL, NULL, &l, &err) == 0, "%s", err.msg);
		snprintf(id, sizeof(id), "10.1.0.%d", i + 2);
		ck_assert_str_eq(netns_addr_format(&l.addr, s), id);
		netns_lease_release(&l);
	}
	ck_assert_int_eq(netns_ipam_allocate(root, &net, "c5", NULL, NULL, &l, &err), -ENOSPC);
	ck_assert_str_eq(err.msg, "network small: no free address in 10.1.0.0/29: No space left on device");
	/* a second lease for the same id is refused */
	ck_assert_int_lt(netns_ipam_allocate(root, &net, "c1", NULL, NULL, &l, &err), 0);
	ck_assert_int_eq(netns_ipam_release(root, &net, "c2", &err), 0);
	ck_assert_int_eq(netns_ipam_release(root, &net, "c2", &err), 0); /* twice is fine */
	ck_assert_int_eq(netns_ipam_allocate(root, &net, "c6", NULL, "port tcp 80\n", &l, &err), 0);
	ck_assert_str_eq(netns_addr_format(&l.addr, s), "10.1.0.4");
	netns_lease_release(&l);
	ck_assert_int_eq(netns_ipam_get(root, &net, "c6", &l), 0);
	ck_assert_str_eq(l.extra, "port tcp 80\n");
	netns_lease_release(&l);
	ck_assert_int_eq(netns_ipam_get(root, &net, "c2", &l), -ENOENT);
}
END_TEST

START_TEST(ipam_requested_address)
{
	struct netns_network net;
	struct netns_lease l;
	struct netns_addr a;
	struct error err = { 0 };

	make_net(&net, "req", "10.2.0.0/24");
	netns_addr_parse("10.2.0.50", &a);
	ck_assert_int_eq(netns_ipam_allocate(root, &net, "a", &a, NULL, &l, &err), 0);
	netns_lease_release(&l);
	ck_assert_int_eq(netns_ipam_allocate(root, &net, "b", &a, NULL, &l, &err), -EADDRINUSE);
	ck_assert_str_eq(err.msg, "--ip 10.2.0.50 is already leased in network req: Address already in use");
	netns_addr_parse("10.3.0.5", &a);
	ck_assert_int_eq(netns_ipam_allocate(root, &net, "b", &a, NULL, &l, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "--ip 10.3.0.5 is outside network req (10.2.0.0/24)");
	netns_addr_parse("10.2.0.1", &a);
	ck_assert_int_lt(netns_ipam_allocate(root, &net, "b", &a, NULL, &l, &err), 0);
	/* the next automatic lease skips the one taken by hand */
	ck_assert_int_eq(netns_ipam_allocate(root, &net, "c", NULL, NULL, &l, &err), 0);
	ck_assert_uint_eq(l.offset, 2);
	netns_lease_release(&l);
}
END_TEST

START_TEST(ipam_thousand_leases)
{
	struct netns_network net;
	struct netns_lease l;
	struct error err = { 0 };
	char id[16];

	make_net(&net, "big", "10.4.0.0/16");
	for (int i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "x%d", i);
		ck_assert_int_eq(netns_ipam_allocate(root, &net, id, NULL, NULL, &l, &err), 0);
		ck_assert_uint_eq(l.offset, (uint64_t)i + 2);
		netns_lease_release(&l);
	}
}
END_TEST

START_TEST(port_specs)
{
	struct netns_port p;
	struct error err = { 0 };
	char s[NETNS_ADDR_STRLEN];

	ck_assert_int_eq(netns_port_parse("8080:80", &p, &err), 0);
	ck_assert_uint_eq(p.host_port, 8080);
	ck_assert_uint_eq(p.port, 80);
	ck_assert_int_eq(p.proto, 6);
	ck_assert_int_eq(p.host_ip.family, 0);
	ck_assert_int_eq(netns_port_parse("127.0.0.1:53:5353/udp", &p, &err), 0);
	ck_assert_int_eq(p.proto, 17);
	ck_assert_str_eq(netns_addr_format(&p.host_ip, s), "127.0.0.1");
	ck_assert_int_lt(netns_port_parse("70000:80", &p, &err), 0);
	ck_assert_str_eq(err.msg, "-p 70000:80: host port \"70000\" out of range (1-65535)");
	ck_assert_int_lt(netns_port_parse("80:0", &p, &err), 0);
	ck_assert_str_eq(err.msg, "-p 80:0: container port \"0\" out of range (1-65535)");
	ck_assert_int_lt(netns_port_parse("80", &p, &err), 0);
	ck_assert_int_lt(netns_port_parse("80:80/sctp", &p, &err), 0);
	ck_assert_str_eq(err.msg, "-p 80:80/sctp: unknown protocol \"sctp\" (tcp or udp)");
	ck_assert_int_lt(netns_port_parse("x.y:80:80", &p, &err), 0);
}
END_TEST

START_TEST(container_rules_batch)
{
	struct netns_network net;
	struct netns_lease l = { 0 };
	struct netns_port ports[2];
	struct netns_rules rules = { 0 };
	struct error err = { 0 };

	make_net(&net, "rules", "10.5.0.0/24");
	netns_prefix_nth(&net.subnet, 7, &l.addr);
	ck_assert_int_eq(netns_port_parse("8080:80", &ports[0], &err), 0);
	ck_assert_int_eq(netns_port_parse("5353:53/udp", &ports[1], &err), 0);
	netns_nft_container_rules(&net, "web", "vb0123", &l, ports, 2, &rules);
	/* prerouting + output per port, then the IPv4 and ARP source checks */
	ck_assert_uint_eq(rules.n, 6);
	cleanup_free char *text = netns_rules_text(&rules);
	ck_assert_ptr_nonnull(strstr(text, "inet berth prerouting"));
	ck_assert_ptr_nonnull(strstr(text, "inet berth output"));
	ck_assert_ptr_nonnull(strstr(text, "bridge berth prerouting"));
	ck_assert_ptr_nonnull(strstr(text, "[ nat dnat ip addr_min reg 1 proto_min reg 2 ]"));
	ck_assert_msg(strstr(text, "0x0000901f"), "%s", text); /* 8080, network order */
	netns_rules_free(&rules);

	net.subnet6 = P("fd00:5::/64");
	l.addr6.family = AF_INET6;
	netns_nft_container_rules(&net, "web", "vb0123", &l, NULL, 0, &rules);
	ck_assert_uint_eq(rules.n, 6); /* v4, arp, 3 accepted v6 sources, the v6 drop */
	netns_rules_free(&rules);
	/* isolation, hairpin, 127.0.0.1, then masquerade out for v4 and v6, then the two jumps */
	netns_nft_network_rules(&net, &rules);
	ck_assert_uint_eq(rules.n, 7);
	cleanup_free char *ntext = netns_rules_text(&rules);
	ck_assert_msg(strstr(ntext, "inet berth forward") && strstr(ntext, "jump -> fwd-rules"), "%s", ntext);
	ck_assert_msg(strstr(ntext, "inet berth post-rules"), "%s", ntext);
	netns_rules_free(&rules);
	/* internal: both directions dropped at the bridge, no masquerade out */
	net.internal = true;
	netns_nft_network_rules(&net, &rules);
	ck_assert_uint_eq(rules.n, 6);
	netns_rules_free(&rules);
}
END_TEST

START_TEST(etc_files)
{
	struct netns_addr a;
	struct error err = { 0 };
	char *out = NULL;
	char *hosts[] = { "db:10.0.0.9", "six:fd00::9", NULL }, *bad[] = { "db", NULL };
	char *dns[] = { "192.0.2.53", NULL };

	netns_addr_parse("10.88.0.5", &a);
	ck_assert_int_eq(netns_etc_hosts("web", &a, NULL, hosts, &out, &err), 0);
	ck_assert_str_eq(out, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.88.0.5\tweb\n"
			      "10.0.0.9\tdb\nfd00::9\tsix\n");
	free(out);
	ck_assert_int_lt(netns_etc_hosts("web", &a, NULL, bad, &out, &err), 0);
	ck_assert_str_eq(err.msg, "--add-host db: expected NAME:IP");
	ck_assert_int_eq(netns_etc_resolv(NULL, "search lan\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 192.0.2.1\n"
					  "options edns0\n", false, &out, &err), 0);
	ck_assert_str_eq(out, "search lan\nnameserver 192.0.2.1\noptions edns0\n");
	free(out);
	ck_assert_int_eq(netns_etc_resolv(NULL, "nameserver 127.0.0.53\n", true, &out, &err), 0);
	ck_assert_str_eq(out, "nameserver 127.0.0.53\n");
	free(out);
	ck_assert_int_eq(netns_etc_resolv(dns, "nameserver 192.0.2.1\n", false, &out, &err), 0);
	ck_assert_str_eq(out, "nameserver 192.0.2.53\n");
	free(out);
}
END_TEST

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb, (void)type, (void)ftw;
	return remove(path);
}

int main(void)
{
	Suite *s = suite_create("netns");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, prefix_parse_and_format);
	tcase_add_test(tc, prefix_parse_errors);
	tcase_add_test(tc, prefix_overlap);
	tcase_add_test(tc, address_arithmetic);
	tcase_add_test(tc, subnet_choice_skips_used);
	tcase_add_test(tc, ipam_allocates_releases_and_exhausts);
	tcase_add_test(tc, ipam_requested_address);
	tcase_add_test(tc, ipam_thousand_leases);
	tcase_add_test(tc, port_specs);
	tcase_add_test(tc, container_rules_batch);
	tcase_add_test(tc, etc_files);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* the IPAM tests' state root, made once by mkdtemp (CK_NOFORK: one process) */
	if (!strstr(root, "XXXXXX"))
		nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return failed ? 1 : 0;
}
