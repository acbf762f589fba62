/* berth network create|ls|inspect|rm|prune */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/commands.h"
#include "netns/attach.h"
#include "netns/bridge.h"
#include "netns/ipam.h"
#include "netns/network.h"
#include "netns/nl.h"
#include "runtime/json.h"
#include "runtime/util.h"

static const struct command sub_create = { "network create", "NAME", "create a network (a bridge and a subnet)", NULL };
static const struct command sub_ls = { "network ls", "", "list the networks", NULL };
static const struct command sub_inspect = { "network inspect", "NAME", "a network and its containers as JSON", NULL };
static const struct command sub_rm = { "network rm", "NAME", "remove a network no container uses", NULL };
static const struct command sub_prune = { "network prune", "", "drop leases of containers that are gone, and "
					  "bridges of removed networks", NULL };

static int network_create(const struct global_opts *g, int argc, char **argv)
{
	struct netns_network_req req = { 0 };
	struct netns_network net;
	struct error err = { 0 };
	int mtu = 0, i;
	const struct opt opts[] = {
		{ "subnet", 0, OPT_STRING, &req.subnet, "IPv4 subnet CIDR (default: one no route overlaps)" },
		{ "gateway", 0, OPT_STRING, &req.gateway, "the bridge's address (default: the first host)" },
		{ "ipv6-subnet", 0, OPT_STRING, &req.subnet6, "IPv6 subnet CIDR (default: none)" },
		{ "internal", 0, OPT_BOOL, &req.internal, "no route out and no NAT" },
		{ "mtu", 0, OPT_INT, &mtu, "MTU of the bridge and the veth pairs (default 1500)" },
		{ NULL, 0, 0, NULL, NULL },
	};

	if (cmd_parse(&sub_create, opts, argc, argv, &i) < 0)
		return 1;
	if (argc - i != 1)
		return cmd_fail("network create: expected one NAME");
	req.name = argv[i];
	req.mtu = (unsigned)mtu;
	if (netns_network_create(g->root, &req, &net, &err) < 0)
		return cmd_fail("network create %s: %s", req.name, err.msg);
	printf("%s\n", net.name);
	return 0;
}

static void network_json(struct json_out *j, const char *root, const struct netns_network *net)
{
	cleanup_strv char **ids = NULL;
	struct error ignored;
	char s[NETNS_ADDR_STRLEN + 8];

	json_map_open(j);
	json_kv_string(j, "name", net->name);
	json_kv_string(j, "bridge", net->bridge);
	json_kv_string(j, "subnet", netns_prefix_format(&net->subnet, s, sizeof(s)));
	json_kv_string(j, "gateway", netns_addr_format(&net->gateway, s));
	if (net->subnet6.a.family) {
		json_kv_string(j, "ipv6_subnet", netns_prefix_format(&net->subnet6, s, sizeof(s)));
		json_kv_string(j, "ipv6_gateway", netns_addr_format(&net->gateway6, s));
	}
	json_kv_int(j, "mtu", net->mtu);
	json_kv_bool(j, "internal", net->internal);
	json_key(j, "containers");
	json_array_open(j);
	netns_ipam_owners(root, net->name, &ids, &ignored);
	for (size_t i = 0; ids && ids[i]; i++) {
		struct netns_lease l;
		char veth[16];

		if (netns_ipam_get(root, net, ids[i], &l) < 0)
			continue;
		netns_veth_name(ids[i], veth);
		json_map_open(j);
		json_kv_string(j, "id", ids[i]);
		json_kv_string(j, "ipv4", netns_addr_format(&l.addr, s));
		if (l.addr6.family)
			json_kv_string(j, "ipv6", netns_addr_format(&l.addr6, s));
		json_kv_string(j, "veth", veth);
		json_map_close(j);
		netns_lease_release(&l);
	}
	json_array_close(j);
	json_map_close(j);
}

static int print_json(struct json_out *j)
{
	cleanup_free char *doc = json_out_take(j);

	json_out_free(j);
	printf("%s\n", doc);
	return 0;
}

static int network_ls(const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	const struct opt opts[] = {
		{ "format", 'f', OPT_STRING, &format, "table or json" },
		{ NULL, 0, 0, NULL, NULL },
	};
	cleanup_strv char **names = NULL;
	struct error err = { 0 };
	struct json_out *j = NULL;
	int i;

	if (cmd_parse(&sub_ls, opts, argc, argv, &i) < 0)
		return 1;
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cmd_fail("network ls: --format %s: expected table or json", format);
	if (netns_network_list(g->root, &names, &err) < 0)
		return cmd_fail("network ls: %s", err.msg);
	if (!strcmp(format, "json")) {
		j = json_out_new(false);
		json_array_open(j);
	} else {
		printf("%-20s %-10s %-20s %-8s %s\n", "NAME", "BRIDGE", "SUBNET", "INTERNAL", "CONTAINERS");
	}
	for (size_t k = 0; names[k]; k++) {
		struct netns_network net;
		cleanup_strv char **ids = NULL;
		char s[64];
		size_t n = 0;

		if (netns_network_load(g->root, names[k], &net, &err) < 0)
			continue;
		if (j) {
			network_json(j, g->root, &net);
			continue;
		}
		netns_ipam_owners(g->root, net.name, &ids, &err);
		while (ids && ids[n])
			n++;
		printf("%-20s %-10s %-20s %-8s %zu\n", net.name, net.bridge,
		       netns_prefix_format(&net.subnet, s, sizeof(s)), net.internal ? "yes" : "no", n);
	}
	if (j) {
		json_array_close(j);
		print_json(j);
	}
	return 0;
}

static int network_inspect(const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	struct netns_network net;
	struct error err = { 0 };
	struct json_out *j;
	int i;

	if (cmd_parse(&sub_inspect, opts, argc, argv, &i) < 0)
		return 1;
	if (argc - i != 1)
		return cmd_fail("network inspect: expected one NAME");
	if (netns_network_load(g->root, argv[i], &net, &err) < 0)
		return cmd_fail("network inspect: %s", err.msg);
	j = json_out_new(true);
	network_json(j, g->root, &net);
	return print_json(j);
}

static int network_rm(const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	struct error err = { 0 };
	int i, rc = 0;

	if (cmd_parse(&sub_rm, opts, argc, argv, &i) < 0)
		return 1;
	if (i >= argc)
		return cmd_fail("network rm: expected NAME...");
	for (; i < argc; i++)
		if (netns_network_remove(g->root, argv[i], &err) < 0)
			rc = cmd_fail("network rm %s: %s", argv[i], err.msg);
	return rc;
}

/* Leases whose container is gone, then bridges named like ours that no network owns. */
static int network_prune(const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	cleanup_strv char **names = NULL;
	struct error err = { 0 };
	struct if_nameindex *ifs;
	char *bridges[1024];
	size_t nb = 0;
	int i, rc = 0;

	if (cmd_parse(&sub_prune, opts, argc, argv, &i) < 0)
		return 1;
	if (netns_network_list(g->root, &names, &err) < 0)
		return cmd_fail("network prune: %s", err.msg);
	for (size_t k = 0; names[k]; k++) {
		cleanup_strv char **ids = NULL;
		struct netns_network net;

		if (netns_network_load(g->root, names[k], &net, &err) < 0)
			continue;
		if (nb < ARRAY_SIZE(bridges))
			bridges[nb++] = xstrdup(net.bridge);
		netns_ipam_owners(g->root, net.name, &ids, &err);
		for (size_t n = 0; ids && ids[n]; n++) {
			cleanup_free char *dir = xasprintf("%s/%s", g->root, ids[n]);
			struct stat sb;

			if (stat(dir, &sb) == 0)
				continue;
			if (netns_container_detach(g->root, ids[n], &err) < 0)
				rc = cmd_fail("network prune: %s", err.msg);
			else
				printf("released %s\n", ids[n]);
		}
	}
	ifs = if_nameindex();
	cleanup_free char *ours = netns_bridge_alias(g->root, "");
	const char *suffix = strstr(ours, " root ");
	struct netns_nl nl;

	if (netns_nl_open(&nl, -1, &err) < 0)
		return cmd_fail("network prune: %s", err.msg);
	for (struct if_nameindex *p = ifs; p && p->if_index; p++) {
		struct netns_network gone = { 0 };
		char alias[256];
		bool owned = false;
		int index;
		size_t la, ls = strlen(suffix);

		if (strncmp(p->if_name, NETNS_BRIDGE_PREFIX, strlen(NETNS_BRIDGE_PREFIX)))
			continue;
		for (size_t k = 0; k < nb && !owned; k++)
			owned = !strcmp(bridges[k], p->if_name);
		/* only bridges this root made: another root's are not ours to judge */
		if (owned || netns_link_get(&nl, p->if_name, &index, alias, sizeof(alias), &err) < 0)
			continue;
		la = strlen(alias);
		if (strncmp(alias, "berth network ", 14) || la < ls || strcmp(alias + la - ls, suffix))
			continue;
		snprintf(gone.bridge, sizeof(gone.bridge), "%s", p->if_name);
		snprintf(gone.name, sizeof(gone.name), "%.*s", (int)(la - ls - 14), alias + 14);
		if (netns_network_teardown(&gone, &err) < 0)
			rc = cmd_fail("network prune: bridge %s: %s", p->if_name, err.msg);
		else
			printf("removed bridge %s\n", p->if_name);
	}
	netns_nl_close(&nl);
	if (ifs)
		if_freenameindex(ifs);
	for (size_t k = 0; k < nb; k++)
		free(bridges[k]);
	return rc;
}

int cmd_network(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(const struct global_opts *, int, char **);
	} subs[] = { { "create", network_create }, { "ls", network_ls },	  { "list", network_ls },
		     { "inspect", network_inspect }, { "rm", network_rm }, { "remove", network_rm },
		     { "prune", network_prune } };

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cmd_usage(cmd, (const struct opt[]){ { NULL, 0, 0, NULL, NULL } });
		printf("\nCOMMANDS:\n   create NAME [--subnet CIDR] [--gateway IP] [--ipv6-subnet CIDR] [--internal] "
		       "[--mtu N]\n   ls [--format table|json]\n   inspect NAME\n   rm NAME\n   prune\n");
		return argc < 2;
	}
	for (size_t k = 0; k < ARRAY_SIZE(subs); k++)
		if (!strcmp(argv[1], subs[k].name))
			return subs[k].run(g, argc - 1, argv + 1);
	return cmd_fail("network: unknown command \"%s\" (create, ls, inspect, rm, prune)", argv[1]);
}
