#include "cmd/commands.h"
#include "runtime/container.h"

int cmd_start(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	struct error err = { 0 };
	int i;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	if (container_start(g->root, argv[i], &err) < 0)
		return cmd_fail("%s", err.msg);
	return 0;
}
