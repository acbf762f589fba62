#include "netns/ipam.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/util.h"

#define IPAM_MAX ((uint64_t)1 << 16)

uint64_t netns_ipam_range(const struct netns_network *net)
{
	uint64_t n = netns_prefix_size(&net->subnet);

	/* the last v4 address is the broadcast */
	if (net->subnet.a.family == AF_INET && n > 2)
		n--;
	return n > IPAM_MAX ? IPAM_MAX : n;
}

static char *net_path(const char *root, const char *name, const char *rest)
{
	cleanup_free char *dir = netns_networks_dir(root);

	return xasprintf("%s/%s/%s", dir, name, rest);
}

static void lease_addrs(const struct netns_network *net, struct netns_lease *l)
{
	netns_prefix_nth(&net->subnet, l->offset, &l->addr);
	memset(&l->addr6, 0, sizeof(l->addr6));
	if (net->subnet6.a.family)
		netns_prefix_nth(&net->subnet6, l->offset, &l->addr6);
}

static int bitmap_open(const char *root, const struct netns_network *net, struct error *err)
{
	cleanup_free char *path = net_path(root, net->name, "bitmap");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return error_sys(err, "%s", path);
	return fd;
}

static int bit_set(int fd, uint64_t off, bool on)
{
	unsigned char byte = 0;

	if (pread(fd, &byte, 1, off / 8) < 0)
		return -errno;
	byte = on ? byte | (1u << (off % 8)) : byte & ~(1u << (off % 8));
	return pwrite(fd, &byte, 1, off / 8) == 1 ? 0 : -EIO;
}

/* The first clear bit in [1, range) except the gateway: a word-wise scan of the bitmap, not of leases. */
static int64_t find_free(int fd, uint64_t range, uint64_t skip)
{
	size_t bytes = (range + 7) / 8;
	cleanup_free unsigned char *map = xzalloc(bytes);

	if (pread(fd, map, bytes, 0) < 0)
		return -errno;
	for (uint64_t i = 0; i < bytes; i++) {
		if (map[i] == 0xff)
			continue;
		for (unsigned b = 0; b < 8; b++) {
			uint64_t off = 8 * i + b;

			if (off == 0 || off == skip || (map[i] & (1u << b)))
				continue;
			if (off >= range)
				return -ENOSPC;
			return (int64_t)off;
		}
	}
	return -ENOSPC;
}

static int bit_get(int fd, uint64_t off)
{
	unsigned char byte = 0;

	if (pread(fd, &byte, 1, off / 8) < 0)
		return -errno;
	return (byte >> (off % 8)) & 1;
}

int netns_ipam_allocate(const char *root, const struct netns_network *net, const char *id,
			const struct netns_addr *requested, const char *extra, struct netns_lease *out,
			struct error *err)
{
	cleanup_close int fd = -1, lf = -1;
	cleanup_free char *dir = net_path(root, net->name, "leases");
	cleanup_free char *path = NULL, *text = NULL;
	uint64_t range = netns_ipam_range(net);
	uint64_t gw = netns_prefix_offset(&net->subnet, &net->gateway);
	char s[NETNS_ADDR_STRLEN];
	int64_t off;
	int r;

	memset(out, 0, sizeof(*out));
	if ((fd = bitmap_open(root, net, err)) < 0)
		return fd;
	if (requested) {
		if (!netns_prefix_contains(&net->subnet, requested))
			return error_set(err, 0, "--ip %s is outside network %s (%s)",
					 netns_addr_format(requested, s), net->name,
					 netns_prefix_format(&net->subnet, (char[64]){ 0 }, 64));
		off = (int64_t)netns_prefix_offset(&net->subnet, requested);
		if (off == 0 || (uint64_t)off >= range || (uint64_t)off == gw)
			return error_set(err, 0, "--ip %s: not a host address IPAM hands out in %s",
					 netns_addr_format(requested, s), net->name);
		if ((r = bit_get(fd, off)) < 0)
			return error_set(err, -r, "read the IPAM bitmap of %s", net->name);
		if (r)
			return error_set(err, EADDRINUSE, "--ip %s is already leased in network %s",
					 netns_addr_format(requested, s), net->name);
	} else if ((off = find_free(fd, range, gw)) < 0) {
		return error_set(err, (int)-off, "network %s: no free address in %s", net->name,
				 netns_prefix_format(&net->subnet, (char[64]){ 0 }, 64));
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return error_sys(err, "%s", dir);
	/* the lease file first: a crash before the bit leaves a lease release can undo */
	path = xasprintf("%s/%s", dir, id);
	lf = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (lf < 0)
		return error_sys(err, "lease of %s in network %s", id, net->name);
	text = xasprintf("%llu\n%s", (unsigned long long)off, extra ? extra : "");
	if (write_all(lf, text, strlen(text)) < 0 || (r = bit_set(fd, off, true)) < 0) {
		r = error_sys(err, "write lease %s", path);
		unlink(path);
		return r;
	}
	snprintf(out->network, sizeof(out->network), "%s", net->name);
	out->offset = off;
	out->extra = extra ? xstrdup(extra) : NULL;
	lease_addrs(net, out);
	return 0;
}

int netns_ipam_get(const char *root, const struct netns_network *net, const char *id, struct netns_lease *out)
{
	cleanup_free char *path = net_path(root, net->name, "leases"), *text = NULL, *file = NULL;
	uint64_t off;
	int r;

	memset(out, 0, sizeof(*out));
	file = xasprintf("%s/%s", path, id);
	if ((r = read_file_at(AT_FDCWD, file, &text, NULL, 1 << 16)) < 0)
		return r;
	char *nl = strchr(text, '\n');

	if (nl)
		*nl++ = '\0';
	if (parse_u64(text, &off) < 0 || off >= IPAM_MAX)
		return -EINVAL;
	snprintf(out->network, sizeof(out->network), "%s", net->name);
	out->offset = off;
	out->extra = nl && *nl ? xstrdup(nl) : NULL;
	lease_addrs(net, out);
	return 0;
}

int netns_ipam_release(const char *root, const struct netns_network *net, const char *id, struct error *err)
{
	cleanup_free char *dir = net_path(root, net->name, "leases"), *path = NULL;
	cleanup_close int fd = -1;
	struct netns_lease l;
	int r = netns_ipam_get(root, net, id, &l);

	path = xasprintf("%s/%s", dir, id);
	if (r == -ENOENT)
		return 0;
	if (r == 0) {
		if ((fd = bitmap_open(root, net, err)) < 0) {
			netns_lease_release(&l);
			return fd;
		}
		r = bit_set(fd, l.offset, false);
		netns_lease_release(&l);
		if (r < 0)
			return error_set(err, -r, "network %s: release lease of %s", net->name, id);
	}
	/* a torn lease file (crash while writing) owns no bit: just remove it */
	if (unlink(path) < 0 && errno != ENOENT)
		return error_sys(err, "remove %s", path);
	return 0;
}

int netns_ipam_owners(const char *root, const char *name, char ***ids, struct error *err)
{
	cleanup_free char *dir = net_path(root, name, "leases");
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	*ids = xzalloc(sizeof(char *));
	if (!d)
		return errno == ENOENT ? 0 : error_sys(err, "%s", dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		*ids = xrealloc(*ids, (n + 2) * sizeof(char *));
		(*ids)[n++] = xstrdup(de->d_name);
		(*ids)[n] = NULL;
	}
	return 0;
}

void netns_lease_release(struct netns_lease *l)
{
	free(l->extra);
	l->extra = NULL;
}
