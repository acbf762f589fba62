/* runc 1.1 commands berth does not implement (checkpoint, restore): accepted by name, fail with a clear
 * reason. */
#include <string.h>

#include "cmd/commands.h"

int cmd_unsupported(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	(void)g;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_usage(cmd, (const struct opt[]){ { NULL, 0, 0, NULL, NULL } });
			return 0;
		}
	return cmd_fail("not supported: %s (CRIU)", cmd->name);
}
