#include <errno.h>

#include "cmd/commands.h"
#include "rootfs/image_store.h"
#include "runtime/container.h"

int cmd_delete(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	bool force = false;
	const struct opt opts[] = {
		{ "force", 'f', OPT_BOOL, &force, "kill the container first if it is still running" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	int i;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	if (container_delete(g->root, argv[i], force, &err) < 0) {
		if (!force || err.errnum != ENOENT)
			return cmd_fail("%s", err.msg);
		/* runc: --force on a container that is already gone is not an error */
	}
	/* a container of `run --image`: unmount and remove its rootfs (nothing for a plain bundle) */
	if (image_store_container_remove(g->root, argv[i], &err) < 0)
		return cmd_fail("delete: %s", err.msg);
	return 0;
}
