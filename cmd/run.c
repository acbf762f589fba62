#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cmd/commands.h"
#include "cmd/create_flags.h"
#include "rootfs/image.h"
#include "rootfs/image_store.h"
#include "runtime/container.h"
#include "runtime/container_net.h"
#include "runtime/util.h"

struct image_args {
	const char *image, *name, *ref, *max_size;
	bool rm;
};

static char *random_id(void)
{
	unsigned char b[6];
	char *id = xmalloc(2 * sizeof(b) + 1);

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		abort();
	for (size_t k = 0; k < sizeof(b); k++)
		sprintf(id + 2 * k, "%02x", b[k]);
	return id;
}

/* run --image: [ID] [-- CMD ARGS...] after the flags; the rootfs is made in the image store first. */
static int run_image(const struct command *cmd, struct container_opts *o, const struct image_args *a,
		     int argc, char **argv, int i)
{
	struct image_run_opts io = { .root = o->root, .image = a->image, .ref = a->ref };
	struct error err = { 0 };
	cleanup_free char *bundle = NULL, *id = NULL;
	cleanup_strv char **args = NULL;
	bool after_dashes = i > 0 && strcmp(argv[i - 1], "--") == 0;
	int status;

	if (!after_dashes && i < argc) {
		if (a->name)
			return cmd_fail("%s: container id given twice: --name %s and %s", cmd->name, a->name,
					argv[i]);
		id = xstrdup(argv[i++]);
		if (i < argc && strcmp(argv[i], "--") != 0)
			return cmd_fail("%s: unexpected argument \"%s\" (the command goes after --)",
					cmd->name, argv[i]);
		i += i < argc;
		after_dashes = true;
	}
	if (after_dashes && i < argc) {
		args = xzalloc((size_t)(argc - i + 1) * sizeof(char *));
		for (int k = i; k < argc; k++)
			args[k - i] = xstrdup(argv[k]);
	}
	if (!id)
		id = a->name ? xstrdup(a->name) : random_id();
	if (a->rm && o->keep)
		return cmd_fail("%s: --rm and --keep contradict each other", cmd->name);
	io.max_size = IMAGE_MAX_SIZE_DEFAULT;
	if (a->max_size && image_parse_size(a->max_size, &io.max_size) < 0)
		return cmd_fail("%s: --max-size %s: not a size (bytes, or with K, M, G, T)", cmd->name,
				a->max_size);
	if (strcmp(o->bundle, ".") != 0)
		return cmd_fail("%s: --bundle and --image exclude each other", cmd->name);
	io.id = o->id = id;
	io.cmd = args;
	io.copy = getenv("BERTH_IMAGE_COPY") && strcmp(getenv("BERTH_IMAGE_COPY"), "1") == 0;
	if (image_store_container_create(&io, &bundle, &err) < 0)
		return cmd_fail("%s", err.msg);
	o->bundle = bundle;
	if (container_run(o, &status, &err) < 0) {
		struct error ignored;

		image_store_container_remove(o->root, id, &ignored);
		return cmd_fail("%s", err.msg);
	}
	if (o->detach && !a->name)
		printf("%s\n", id);
	if (!o->detach && !o->keep && image_store_container_remove(o->root, id, &err) < 0)
		cmd_fail("%s", err.msg);
	return status;
}

int cmd_run(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	struct container_opts o = { .root = g->root, .bundle = ".", .cgroup_manager = g->cgroup_manager };
	struct image_args a = { 0 };
	struct container_net_opts net = { 0 };
	cleanup_strv char **dns = NULL, **add_hosts = NULL, **ports = NULL;
	const struct opt opts[] = {
		CREATE_FLAGS(o),
		{ "detach", 'd', OPT_BOOL, &o.detach, "return once the container is started" },
		{ "keep", 0, OPT_BOOL, &o.keep, "do not delete the container after it exits" },
		{ "image", 0, OPT_STRING, &a.image, "run an image: FILE.tar (loaded first), or NAME|ID" },
		{ "name", 0, OPT_STRING, &a.name, "with --image: the container id (default: 12 random hex)" },
		{ "ref", 0, OPT_STRING, &a.ref, "with --image FILE.tar: the image to pick in the archive" },
		{ "rm", 0, OPT_BOOL, &a.rm, "with --image: delete container and rootfs on exit (default)" },
		{ "max-size", 0, OPT_STRING, &a.max_size, "with --image FILE.tar: cap on the expanded layers (default 64G; 0: none)" },
		{ "network", 0, OPT_STRING, &net.network, "NAME, none, host or ns:PATH (--image: default berth)" },
		{ "publish", 'p', OPT_STRV, &ports, "[IP:]HOSTPORT:PORT[/tcp|/udp], repeatable" },
		{ "ip", 0, OPT_STRING, &net.ip, "the container's IPv4 address on its network" },
		{ "hostname", 0, OPT_STRING, &net.hostname, "the container's hostname" },
		{ "dns", 0, OPT_STRV, &dns, "with --image: a nameserver for /etc/resolv.conf (repeatable)" },
		{ "add-host", 0, OPT_STRV, &add_hosts, "with --image: NAME:IP for /etc/hosts (repeatable)" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	int i, status;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0)
		return 1;
	net.ports = ports;
	net.dns = dns;
	net.add_hosts = add_hosts;
	net.image = a.image != NULL;
	o.net = &net;
	if (a.image)
		return run_image(cmd, &o, &a, argc, argv, i);
	if (a.name || a.ref || a.rm || a.max_size)
		return cmd_fail("%s: --name, --ref, --rm and --max-size go with --image", cmd->name);
	if (cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	o.id = argv[i];
	if (container_run(&o, &status, &err) < 0)
		return cmd_fail("%s", err.msg);
	return status;
}
