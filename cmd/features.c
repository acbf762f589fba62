#include <stdio.h>
#include <stdlib.h>

#include "cmd/commands.h"
#include "runtime/features.h"

int cmd_features(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	char *json;
	int i;

	(void)g;
	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 0, 0) < 0)
		return 1;
	json = features_json();
	fputs(json, stdout);
	free(json);
	return 0;
}
