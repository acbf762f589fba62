#include "runtime/container_net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns/attach.h"
#include "netns/etc.h"
#include "runtime/container.h"
#include "runtime/log.h"
#include "runtime/util.h"

static const char *annotation(const struct spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->n_annotations; i++)
		if (!strcmp(spec->annotations[i].key, key))
			return spec->annotations[i].value;
	return NULL;
}

/* The plan joins fd as its network namespace instead of making one. */
static void plan_join_net(struct ns_plan *ns, int fd)
{
	close_quietly(ns->join_fd[SPEC_NS_NETWORK]);
	ns->join_fd[SPEC_NS_NETWORK] = fd;
	ns->clone_flags &= ~CLONE_NEWNET;
	/* joined namespaces are entered before a new user namespace owns the rest */
	if (ns->new_user)
		ns->two_stage = true;
}

static int parse_ports(const struct container_net_opts *no, const struct spec *spec, struct netns_port **out,
		       size_t *n, struct error *err)
{
	cleanup_strv char **list = NULL;
	const char *ann = annotation(spec, ANNOTATION_PORTS);
	int r;

	*out = NULL;
	*n = 0;
	if (no && no->ports && no->ports[0]) {
		list = strv_dup(no->ports);
	} else if (ann && *ann) {
		cleanup_free char *copy = xstrdup(ann);
		char *save = NULL;
		size_t k = 0;

		list = xzalloc((strlen(ann) / 2 + 2) * sizeof(char *));
		for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
			list[k++] = xstrdup(p);
	}
	for (size_t i = 0; list && list[i]; i++) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		if ((r = netns_port_parse(list[i], &(*out)[*n], err)) < 0)
			return r;
		for (size_t j = 0; j < *n; j++)
			if ((*out)[j].host_port == (*out)[*n].host_port && (*out)[j].proto == (*out)[*n].proto)
				return error_set(err, 0, "-p %s: host port %u/%s is published twice", list[i],
						 (*out)[*n].host_port, netns_proto_name((*out)[*n].proto));
		(*n)++;
	}
	return 0;
}

static int join_path(const char *path, struct ns_plan *ns, struct error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_sys(err, "--network ns:%s", path);
	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		close(fd);
		return error_set(err, 0, "--network ns:%s: not a network namespace", path);
	}
	plan_join_net(ns, fd);
	return 0;
}

static int attach(struct spec *spec, const struct container_opts *o, const char *name, struct ns_plan *ns,
		  struct netns_lease *lease, struct error *err)
{
	const struct container_net_opts *no = o->net;
	const char *ip_s = no && no->ip ? no->ip : annotation(spec, ANNOTATION_IP);
	cleanup_free struct netns_port *ports = NULL;
	struct netns_network net;
	struct netns_addr ip;
	size_t n_ports = 0;
	int fd, r;

	if ((r = parse_ports(no, spec, &ports, &n_ports, err)) < 0)
		return r;
	if (ip_s && (netns_addr_parse(ip_s, &ip) < 0 || ip.family != AF_INET))
		return error_set(err, 0, "--ip %s: not an IPv4 address", ip_s);
	r = strcmp(name, NETNS_DEFAULT_NETWORK) ? netns_network_load(o->root, name, &net, err)
						: netns_network_default(o->root, &net, err);
	if (r < 0)
		return r;
	if ((fd = netns_new(err)) < 0)
		return fd;
	r = netns_container_attach(o->root, &net, o->id, fd, ip_s ? &ip : NULL, ports, n_ports, lease, err);
	if (r < 0) {
		close(fd);
		return r;
	}
	netns_lease_release(lease);
	plan_join_net(ns, fd);
	return 0;
}

static bool has_mount(const struct spec *spec, const char *dest)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (!strcmp(spec->mounts[i].destination, dest))
			return true;
	return false;
}

/* A file of the state dir bind-mounted read-only over dest. */
static int bind_file(struct spec *spec, const struct container_opts *o, const char *name, const char *dest,
		     const char *text, struct error *err)
{
	cleanup_free char *src = xasprintf("%s/%s/%s", o->root, o->id, name);
	cleanup_close int fd = open(src, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	struct spec_mount *m;
	char *opts[] = { "rbind", "ro", "nosuid", "nodev", "noexec", NULL };
	int r;

	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		return error_sys(err, "write %s", src);
	spec->mounts = xrealloc(spec->mounts, (spec->n_mounts + 1) * sizeof(*spec->mounts));
	m = &spec->mounts[spec->n_mounts];
	memset(m, 0, sizeof(*m));
	m->destination = xstrdup(dest);
	m->type = xstrdup("bind");
	m->source = steal_pointer(&src);
	m->options = strv_dup(opts);
	if ((r = spec_mount_opts_parse(m->options, &m->opts, err)) < 0)
		return r;
	spec->n_mounts++;
	return 0;
}

/* run --image: /etc/hosts, /etc/hostname and /etc/resolv.conf, unless config.json mounts its own. */
static int write_etc_files(struct spec *spec, const struct container_opts *o, const struct netns_lease *l,
			   bool host_net, struct error *err)
{
	const struct container_net_opts *no = o->net;
	cleanup_free char *hosts = NULL, *resolv = NULL, *host_resolv = NULL, *name = NULL;
	int r;

	/* an image carries no hostname (the bundle's "berth" is berth spec's default): the id, as docker */
	name = no->hostname ? xstrdup(no->hostname) : xstrndup(o->id, 12);
	if (spec->linux_.namespaces[SPEC_NS_UTS].present) {
		free(spec->hostname);
		spec->hostname = xstrdup(name);
	}
	if ((r = netns_etc_hosts(name, l ? &l->addr : NULL, l ? &l->addr6 : NULL, no->add_hosts, &hosts, err)) < 0)
		return r;
	read_file_at(AT_FDCWD, "/etc/resolv.conf", &host_resolv, NULL, 1 << 16);
	if ((r = netns_etc_resolv(no->dns, host_resolv, host_net, &resolv, err)) < 0)
		return r;
	cleanup_free char *hostname = xasprintf("%s\n", name);

	if (!has_mount(spec, "/etc/hosts") && (r = bind_file(spec, o, "etc-hosts", "/etc/hosts", hosts, err)) < 0)
		return r;
	if (!has_mount(spec, "/etc/hostname") &&
	    (r = bind_file(spec, o, "etc-hostname", "/etc/hostname", hostname, err)) < 0)
		return r;
	if (!has_mount(spec, "/etc/resolv.conf") &&
	    (r = bind_file(spec, o, "etc-resolv.conf", "/etc/resolv.conf", resolv, err)) < 0)
		return r;
	return 0;
}

int container_net_prepare(struct spec *spec, const struct container_opts *o, struct ns_plan *ns,
			  struct error *err)
{
	const struct container_net_opts *no = o->net;
	const struct spec_namespace *sn = &spec->linux_.namespaces[SPEC_NS_NETWORK];
	const char *name = no && no->network ? no->network : annotation(spec, ANNOTATION_NETWORK);
	bool from_flag = no && no->network;
	int r;

	if (no && !no->image && (no->dns || no->add_hosts))
		return error_set(err, 0, "--dns and --add-host go with --image");
	if (no && no->hostname) {
		if (!spec->linux_.namespaces[SPEC_NS_UTS].present)
			return error_set(err, 0, "--hostname needs a UTS namespace");
		free(spec->hostname);
		spec->hostname = xstrdup(no->hostname);
	}
	if (!name && no && no->image)
		name = NETNS_DEFAULT_NETWORK;
	if (!name) {
		if (annotation(spec, ANNOTATION_PORTS) || annotation(spec, ANNOTATION_IP))
			return error_set(err, 0, "%s and %s need %s", ANNOTATION_PORTS, ANNOTATION_IP,
					 ANNOTATION_NETWORK);
		return 0; /* a bundle that asks for nothing keeps its namespaces as they are */
	}
	const char *what = from_flag ? "--network" : ANNOTATION_NETWORK;
	bool wants_ports = (no && ((no->ports && no->ports[0]) || no->ip)) ||
			   annotation(spec, ANNOTATION_PORTS) || annotation(spec, ANNOTATION_IP);
	bool etc = no && no->image;
	struct netns_lease lease = { 0 };

	if (!strcmp(name, "none") || !strcmp(name, "host") || !strncmp(name, "ns:", 3)) {
		if (wants_ports)
			return error_set(err, 0, "-p and --ip need a berth network, not %s %s", what, name);
		if (!strcmp(name, "host")) {
			if (sn->path)
				return error_set(err, 0, "%s host: linux.namespaces joins %s", what, sn->path);
			ns->clone_flags &= ~CLONE_NEWNET;
		} else if (strcmp(name, "none") && (r = join_path(name + 3, ns, err)) < 0) {
			return r;
		}
		return etc ? write_etc_files(spec, o, NULL, !strcmp(name, "host"), err) : 0;
	}
	if ((r = netns_network_name_check(name, err)) < 0)
		return error_prefix(err, "%s", what);
	if (!sn->present || sn->path)
		return error_set(err, 0, "%s %s needs a new network namespace (linux.namespaces)", what, name);
	if ((r = attach(spec, o, name, ns, &lease, err)) < 0)
		return r;
	return etc ? write_etc_files(spec, o, &lease, false, err) : 0;
}

int container_net_release(const char *root, const char *id, struct error *err)
{
	int r = netns_container_detach(root, id, err);

	return r < 0 ? r : 0;
}
