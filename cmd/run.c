#include "cmd/commands.h"
#include "cmd/create_flags.h"
#include "runtime/container.h"

int cmd_run(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	struct container_opts o = { .root = g->root, .bundle = "." };
	const struct opt opts[] = {
		CREATE_FLAGS(o),
		{ "detach", 'd', OPT_BOOL, &o.detach, "return once the container is started" },
		{ "keep", 0, OPT_BOOL, &o.keep, "do not delete the container after it exits" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	int i, status;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	o.id = argv[i];
	if (container_run(&o, &status, &err) < 0)
		return cmd_fail("%s", err.msg);
	return status;
}
