#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "runtime/spec.h"
#include "runtime/util.h"

int cmd_spec(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	const char *bundle = ".";
	bool rootless = false;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_STRING, &bundle, "directory to write config.json in" },
		{ "rootless", 0, OPT_BOOL, &rootless, "a specification for a rootless container" },
		{ NULL, 0, 0, NULL, NULL },
	};
	cleanup_free char *path = NULL, *json = NULL;
	cleanup_close int fd = -1;
	int i;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 0, 0) < 0)
		return 1;
	path = xasprintf("%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return cmd_fail("spec: %s: %s", path, errno == EEXIST ? "file already exists" : strerror(errno));
	json = spec_default_json(rootless);
	if (write_all(fd, json, strlen(json)) < 0 || write_all(fd, "\n", 1) < 0) {
		unlink(path);
		return cmd_fail("spec: write %s: %s", path, strerror(errno));
	}
	return 0;
}
