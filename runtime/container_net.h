/* A container's network: what the CLI or the bundle's annotations ask for, wired by netns/. */
#ifndef BERTH_CONTAINER_NET_H
#define BERTH_CONTAINER_NET_H

#include <stdbool.h>

#include "runtime/error.h"
#include "runtime/namespaces.h"
#include "runtime/spec.h"

#define ANNOTATION_NETWORK "org.berth.network"
#define ANNOTATION_IP "org.berth.ip"
#define ANNOTATION_PORTS "org.berth.ports" /* comma-separated, as -p takes them */

/* From `run` flags; NULL fields fall back to the annotations. */
struct container_net_opts {
	const char *network;	/* NAME, none, host or ns:PATH */
	const char *ip;
	char **ports;		/* NULL-terminated, may be NULL */
	const char *hostname;
	char **dns;		/* nameservers for /etc/resolv.conf (run --image), may be NULL */
	char **add_hosts;	/* NAME:IP lines for /etc/hosts (run --image), may be NULL */
	bool image;		/* run --image: the default network and generated /etc files */
};

struct container_opts;

/* Before clone: resolve the network, make and wire the container's network namespace (lease, veth,
 * rules) and hand it to the plan as a namespace to join. Nothing is done for a bundle that asks for
 * nothing. On failure nothing is left. */
int container_net_prepare(struct spec *spec, const struct container_opts *o, struct ns_plan *ns,
			  struct error *err);
/* Undo everything prepare made for id (delete, create's failure path, delete --force after a crash). */
int container_net_release(const char *root, const char *id, struct error *err);

#endif
