/* pause and resume: freeze and thaw the container's cgroup. */
#include "cmd/commands.h"
#include "runtime/container.h"

static int pause_or_resume(const struct command *cmd, const struct global_opts *g, int argc, char **argv,
			   bool pause)
{
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	struct error err = { 0 };
	int i;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	if (container_pause(g->root, argv[i], pause, &err) < 0)
		return cmd_fail("%s", err.msg);
	return 0;
}

int cmd_pause(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	return pause_or_resume(cmd, g, argc, argv, true);
}

int cmd_resume(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	return pause_or_resume(cmd, g, argc, argv, false);
}
