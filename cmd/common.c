/* What every command does the same way: flags, usage, positional arguments. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/commands.h"

void cmd_usage(const struct command *cmd, const struct opt *opts)
{
	printf("NAME:\n   berth %s - %s\n\nUSAGE:\n   berth %s [command options] %s\n", cmd->name, cmd->summary,
	       cmd->name, cmd->args);
	options_print(opts);
}

int cmd_parse(const struct command *cmd, const struct opt *opts, int argc, char **argv, int *i)
{
	struct error err = { 0 };
	bool help = false;

	*i = 1;
	if (options_parse(opts, argc, argv, i, &help, &err) < 0) {
		cmd_fail("%s: %s", cmd->name, err.msg);
		return -1;
	}
	if (help) {
		cmd_usage(cmd, opts);
		exit(0);
	}
	return 0;
}

int cmd_expect_args(const struct command *cmd, int argc, char **argv, int i, int min, int max)
{
	int n = argc - i;

	if (n < min) {
		cmd_fail("%s: %s", cmd->name, min == 1 ? "container id cannot be empty" : "missing arguments");
		return -1;
	}
	if (n > max) {
		cmd_fail("%s: unexpected argument \"%s\"", cmd->name, argv[i + max]);
		return -1;
	}
	return 0;
}
