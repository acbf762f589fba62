#include "netns/network.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns/ipam.h"
#include "netns/bridge.h"
#include "netns/nl.h"
#include "runtime/util.h"

char *netns_networks_dir(const char *root)
{
	return xasprintf("%s/.networks", root);
}

int netns_network_name_check(const char *name, struct error *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || !isalnum((unsigned char)name[0]))
		return error_set(err, 0, "invalid network name \"%s\" (1-64 of [a-zA-Z0-9_.-], starting "
				 "with a letter or digit)", name);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return error_set(err, 0, "invalid network name \"%s\" (1-64 of [a-zA-Z0-9_.-])", name);
	return 0;
}

static int lock_path(const char *path, struct error *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return error_sys(err, "%s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int r = error_sys(err, "lock %s", path);

			close(fd);
			return r;
		}
	}
	return fd;
}

/* Creating and removing networks is serialised by <root>/.networks/lock. */
static int lock_all(const char *root, struct error *err)
{
	cleanup_free char *dir = netns_networks_dir(root), *path = NULL;

	if (mkdir_p(dir, 0700) < 0)
		return error_sys(err, "%s", dir);
	path = xasprintf("%s/lock", dir);
	return lock_path(path, err);
}

int netns_network_lock(const char *root, const char *name, struct error *err)
{
	cleanup_free char *dir = netns_networks_dir(root), *path = xasprintf("%s/%s/lock", dir, name);

	return lock_path(path, err);
}

static int parse_config(char *text, struct netns_network *net, struct error *err)
{
	char *save = NULL;
	uint64_t v;

	memset(net, 0, sizeof(*net));
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		const char *k = line, *val;
		int r = 0;

		if (!eq)
			continue;
		*eq = '\0';
		val = eq + 1;
		if (!strcmp(k, "name"))
			snprintf(net->name, sizeof(net->name), "%s", val);
		else if (!strcmp(k, "bridge"))
			snprintf(net->bridge, sizeof(net->bridge), "%s", val);
		else if (!strcmp(k, "subnet"))
			r = netns_prefix_parse(val, &net->subnet, err);
		else if (!strcmp(k, "subnet6") && *val)
			r = netns_prefix_parse(val, &net->subnet6, err);
		else if (!strcmp(k, "gateway"))
			r = netns_addr_parse(val, &net->gateway);
		else if (!strcmp(k, "gateway6") && *val)
			r = netns_addr_parse(val, &net->gateway6);
		else if (!strcmp(k, "internal"))
			net->internal = !strcmp(val, "1");
		else if (!strcmp(k, "mtu") && parse_u64(val, &v) == 0)
			net->mtu = (unsigned)v;
		if (r < 0)
			return error_set(err, 0, "bad %s \"%s\"", k, val);
	}
	if (!net->name[0] || !net->bridge[0] || net->subnet.a.family != AF_INET)
		return error_set(err, 0, "incomplete definition");
	return 0;
}

int netns_network_load(const char *root, const char *name, struct netns_network *net, struct error *err)
{
	cleanup_free char *dir = netns_networks_dir(root), *path = NULL, *text = NULL;
	int r;

	if ((r = netns_network_name_check(name, err)) < 0)
		return r;
	path = xasprintf("%s/%s/config", dir, name);
	r = read_file_at(AT_FDCWD, path, &text, NULL, 1 << 16);
	if (r == -ENOENT)
		return error_set(err, ENOENT, "network \"%s\" does not exist", name);
	if (r < 0)
		return error_set(err, -r, "%s", path);
	if ((r = parse_config(text, net, err)) < 0)
		return error_prefix(err, "%s", path);
	return 0;
}

static char *format_config(const struct netns_network *n)
{
	char s[4][NETNS_ADDR_STRLEN + 8];

	return xasprintf("name=%s\nbridge=%s\nsubnet=%s\ngateway=%s\nsubnet6=%s\ngateway6=%s\ninternal=%d\nmtu=%u\n",
			 n->name, n->bridge, netns_prefix_format(&n->subnet, s[0], sizeof(s[0])),
			 netns_addr_format(&n->gateway, s[1]),
			 n->subnet6.a.family ? netns_prefix_format(&n->subnet6, s[2], sizeof(s[2])) : "",
			 n->subnet6.a.family ? netns_addr_format(&n->gateway6, s[3]) : "", n->internal, n->mtu);
}

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int netns_network_list(const char *root, char ***names, struct error *err)
{
	cleanup_free char *dir = netns_networks_dir(root);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	*names = xzalloc(sizeof(char *));
	if (!d)
		return errno == ENOENT ? 0 : error_sys(err, "%s", dir);
	while ((de = readdir(d))) {
		struct stat sb;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lock") ||
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		*names = xrealloc(*names, (n + 2) * sizeof(char *));
		(*names)[n++] = xstrdup(de->d_name);
		(*names)[n] = NULL;
	}
	qsort(*names, n, sizeof(char *), strcmp_ptr);
	return 0;
}

/* Candidates: 10.88-10.127.0.0/16, then 172.16-31.0.0/16, then 192.168.N.0/24. */
int netns_subnet_choose(const struct netns_prefix *used, size_t n, struct netns_prefix *out)
{
	for (unsigned k = 0; k < 40 + 16 + 256; k++) {
		struct netns_prefix p = { .a.family = AF_INET, .len = 16 };
		bool clash = false;

		if (k < 40) {
			p.a.b[0] = 10, p.a.b[1] = 88 + k;
		} else if (k < 56) {
			p.a.b[0] = 172, p.a.b[1] = 16 + (k - 40);
		} else {
			p.a.b[0] = 192, p.a.b[1] = 168, p.a.b[2] = k - 56;
			p.len = 24;
		}
		for (size_t i = 0; i < n && !clash; i++)
			clash = netns_prefix_overlap(&p, &used[i]);
		if (!clash) {
			*out = p;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Every prefix in use: the host's routes, then the other networks' subnets (names in owner[]). */
static int used_prefixes(const char *root, int family, struct netns_prefix **v, char ***owner, size_t *n,
			 struct error *err)
{
	struct netns_nl nl;
	cleanup_strv char **names = NULL;
	int r;

	if ((r = netns_nl_open(&nl, -1, err)) < 0)
		return r;
	r = netns_route_list(&nl, family, v, n, err);
	netns_nl_close(&nl);
	if (r < 0)
		return r;
	*owner = xzalloc((*n + 1) * sizeof(char *));
	for (size_t i = 0; i < *n; i++) {
		char s[64];

		(*owner)[i] = xasprintf("host route %s", netns_prefix_format(&(*v)[i], s, sizeof(s)));
	}
	if ((r = netns_network_list(root, &names, err)) < 0)
		return r;
	for (size_t i = 0; names[i]; i++) {
		struct netns_network other;
		struct error ignored;
		char s[64];

		if (netns_network_load(root, names[i], &other, &ignored) < 0)
			continue;
		const struct netns_prefix *p = family == AF_INET ? &other.subnet : &other.subnet6;

		if (p->a.family != family)
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		*owner = xrealloc(*owner, (*n + 2) * sizeof(char *));
		(*v)[*n] = *p;
		(*owner)[(*n)++] = xasprintf("network %s (%s)", other.name, netns_prefix_format(p, s, sizeof(s)));
		(*owner)[*n] = NULL;
	}
	return 0;
}

static int check_subnet(const char *root, const char *flag, const struct netns_prefix *p, struct error *err)
{
	cleanup_free struct netns_prefix *used = NULL;
	cleanup_strv char **owner = NULL;
	size_t n = 0;
	char s[64];
	int r;

	if ((r = used_prefixes(root, p->a.family, &used, &owner, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (netns_prefix_overlap(p, &used[i]))
			return error_set(err, EEXIST, "%s %s overlaps %s", flag,
					 netns_prefix_format(p, s, sizeof(s)), owner[i]);
	return 0;
}

static int choose_bridge(const char *root, const char *name, char bridge[16], struct error *err)
{
	cleanup_strv char **names = NULL;
	int r;

	if (!strcmp(name, NETNS_DEFAULT_NETWORK)) {
		snprintf(bridge, 16, NETNS_DEFAULT_BRIDGE);
		return 0;
	}
	if ((r = netns_network_list(root, &names, err)) < 0)
		return r;
	for (unsigned k = 1; k < 10000; k++) {
		bool taken = false;

		snprintf(bridge, 16, NETNS_BRIDGE_PREFIX "%u", k);
		for (size_t i = 0; names[i] && !taken; i++) {
			struct netns_network other;
			struct error ignored;

			taken = netns_network_load(root, names[i], &other, &ignored) == 0 &&
				!strcmp(other.bridge, bridge);
		}
		if (!taken)
			return 0;
	}
	return error_set(err, ENOSPC, "no free bridge name");
}

static int fill_request(const char *root, const struct netns_network_req *req, struct netns_network *net,
			struct error *err)
{
	char s[NETNS_ADDR_STRLEN];
	int r;

	memset(net, 0, sizeof(*net));
	snprintf(net->name, sizeof(net->name), "%s", req->name);
	net->internal = req->internal;
	net->mtu = req->mtu ? req->mtu : NETNS_DEFAULT_MTU;
	if (net->mtu < 576 || net->mtu > 65535)
		return error_set(err, 0, "--mtu %u: out of range (576-65535)", net->mtu);
	if (req->subnet) {
		if ((r = netns_prefix_parse(req->subnet, &net->subnet, err)) < 0)
			return error_prefix(err, "--subnet");
		if (net->subnet.a.family != AF_INET || net->subnet.len < 8 || net->subnet.len > 30)
			return error_set(err, 0, "--subnet %s: expected an IPv4 prefix of length 8 to 30",
					 req->subnet);
		if ((r = check_subnet(root, "--subnet", &net->subnet, err)) < 0)
			return r;
	} else {
		cleanup_free struct netns_prefix *used = NULL;
		cleanup_strv char **owner = NULL;
		size_t n = 0;

		if ((r = used_prefixes(root, AF_INET, &used, &owner, &n, err)) < 0)
			return r;
		if (netns_subnet_choose(used, n, &net->subnet) < 0)
			return error_set(err, ENOSPC, "no free subnet left for network %s: give --subnet", req->name);
	}
	if (req->gateway) {
		if (netns_addr_parse(req->gateway, &net->gateway) < 0 || net->gateway.family != AF_INET)
			return error_set(err, 0, "--gateway %s: not an IPv4 address", req->gateway);
		uint64_t off = netns_prefix_offset(&net->subnet, &net->gateway);

		if (!netns_prefix_contains(&net->subnet, &net->gateway) || off == 0 ||
		    off >= netns_prefix_size(&net->subnet) - 1)
			return error_set(err, 0, "--gateway %s: not a host address of %s",
					 netns_addr_format(&net->gateway, s),
					 netns_prefix_format(&net->subnet, (char[64]){ 0 }, 64));
	} else {
		netns_prefix_nth(&net->subnet, 1, &net->gateway);
	}
	if (req->subnet6) {
		if ((r = netns_prefix_parse(req->subnet6, &net->subnet6, err)) < 0)
			return error_prefix(err, "--ipv6-subnet");
		if (net->subnet6.a.family != AF_INET6 || net->subnet6.len > 112)
			return error_set(err, 0, "--ipv6-subnet %s: expected an IPv6 prefix of length 112 or less",
					 req->subnet6);
		if ((r = check_subnet(root, "--ipv6-subnet", &net->subnet6, err)) < 0)
			return r;
		netns_prefix_nth(&net->subnet6, netns_prefix_offset(&net->subnet, &net->gateway), &net->gateway6);
	}
	return choose_bridge(root, net->name, net->bridge, err);
}

static int create_file_at(int dfd, const char *name, const char *text)
{
	cleanup_close int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	return write_all(fd, text, strlen(text)) < 0 ? -errno : 0;
}

/* Written in a temp dir renamed into place: a network exists whole or not at all. */
static int write_network(const char *root, const struct netns_network *net, struct error *err)
{
	cleanup_free char *dir = netns_networks_dir(root), *tmp = NULL, *final = NULL, *text = format_config(net);
	cleanup_close int dfd = -1;
	int r;

	tmp = xasprintf("%s/.new-%s", dir, net->name);
	final = xasprintf("%s/%s", dir, net->name);
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return error_sys(err, "%s", tmp);
	dfd = open(tmp, O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || (r = create_file_at(dfd, "config", text)) < 0 ||
	    mkdirat(dfd, "leases", 0700) < 0 || rename(tmp, final) < 0) {
		r = error_sys(err, "write network %s", final);
		unlinkat(dfd, "config", 0);
		unlinkat(dfd, "leases", AT_REMOVEDIR);
		rmdir(tmp);
		return r;
	}
	return 0;
}

static int create_locked(const char *root, const struct netns_network_req *req, struct netns_network *out,
			 struct error *err)
{
	cleanup_free char *dir = netns_networks_dir(root), *path = NULL;
	struct stat sb;
	int r;

	if ((r = netns_network_name_check(req->name, err)) < 0)
		return r;
	path = xasprintf("%s/%s", dir, req->name);
	if (stat(path, &sb) == 0)
		return error_set(err, EEXIST, "network \"%s\" already exists", req->name);
	if ((r = fill_request(root, req, out, err)) < 0)
		return r;
	return write_network(root, out, err);
}

int netns_network_create(const char *root, const struct netns_network_req *req, struct netns_network *out,
			 struct error *err)
{
	cleanup_close int lock = lock_all(root, err);

	if (lock < 0)
		return lock;
	return create_locked(root, req, out, err);
}

int netns_network_default(const char *root, struct netns_network *net, struct error *err)
{
	struct netns_network_req req = { .name = NETNS_DEFAULT_NETWORK };
	cleanup_close int lock = -1;
	struct error ignored;

	if (netns_network_load(root, NETNS_DEFAULT_NETWORK, net, &ignored) == 0)
		return 0;
	if ((lock = lock_all(root, err)) < 0)
		return lock;
	if (netns_network_load(root, NETNS_DEFAULT_NETWORK, net, &ignored) == 0)
		return 0; /* made by another berth while we waited */
	return create_locked(root, &req, net, err);
}

int netns_network_remove(const char *root, const char *name, struct error *err)
{
	cleanup_free char *dir = netns_networks_dir(root), *path = NULL;
	cleanup_strv char **owners = NULL;
	cleanup_close int all = -1, lock = -1;
	struct netns_network net;
	int r;

	if ((r = netns_network_load(root, name, &net, err)) < 0)
		return r;
	if ((all = lock_all(root, err)) < 0 || (lock = netns_network_lock(root, name, err)) < 0)
		return -EIO;
	if ((r = netns_ipam_owners(root, name, &owners, err)) < 0)
		return r;
	if (owners[0])
		return error_set(err, EBUSY, "network \"%s\" is in use by container %s%s", name, owners[0],
				 owners[1] ? " and others" : "");
	if ((r = netns_network_teardown(&net, err)) < 0)
		return r;
	path = xasprintf("%s/%s", dir, name);
	cleanup_close int dfd = open(path, O_DIRECTORY | O_CLOEXEC);

	if (dfd >= 0) {
		unlinkat(dfd, "config", 0);
		unlinkat(dfd, "bitmap", 0);
		unlinkat(dfd, "leases", AT_REMOVEDIR);
		unlinkat(dfd, "lock", 0);
	}
	if (rmdir(path) < 0)
		return error_sys(err, "remove %s", path);
	return 0;
}
