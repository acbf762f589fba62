#include <stdio.h>
#include <stdlib.h>

#include "cmd/commands.h"
#include "runtime/container.h"

int cmd_state(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	struct error err = { 0 };
	char *json;
	int i;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	if (container_state_json(g->root, argv[i], &json, &err) < 0)
		return cmd_fail("%s", err.msg);
	printf("%s\n", json);
	free(json);
	return 0;
}
