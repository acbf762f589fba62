#include "cmd/commands.h"
#include "cmd/create_flags.h"
#include "runtime/container.h"

int cmd_create(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	struct container_opts o = { .root = g->root, .bundle = ".", .cgroup_manager = g->cgroup_manager };
	const struct opt opts[] = { CREATE_FLAGS(o), { NULL, 0, 0, NULL, NULL } };
	struct error err = { 0 };
	int i;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	o.id = argv[i];
	if (container_create(&o, &err) < 0)
		return cmd_fail("%s", err.msg);
	return 0;
}
