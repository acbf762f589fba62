#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "runtime/exec.h"
#include "runtime/util.h"

struct repeated {
	const char *name;
	char short_name;
	char ***list;
};

static void strv_push(char ***v, const char *s)
{
	size_t n = strv_length(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = (char *)s;
	(*v)[n + 1] = NULL;
}

static const struct repeated *find_repeated(const struct repeated *r, const char *name, size_t len)
{
	for (; r->name; r++)
		if ((len == 1 && name[0] == r->short_name) ||
		    (strlen(r->name) == len && !strncmp(r->name, name, len)))
			return r;
	return NULL;
}

static bool takes_value(const struct opt *opts, const char *name, size_t len)
{
	for (; opts->name; opts++)
		if ((len == 1 && name[0] == opts->short_name) ||
		    (strlen(opts->name) == len && !strncmp(opts->name, name, len)))
			return opts->type != OPT_BOOL;
	return false;
}

/* The flags that may repeat (options.c keeps the last value) are taken out of argv here, before
 * cmd_parse sees the rest. Returns the new argc. */
static int take_repeated(const struct repeated *rep, const struct opt *opts, int argc, char **argv)
{
	int out = 1, k = 1;

	while (k < argc) {
		const char *arg = argv[k], *name, *eq;
		size_t len;

		if (arg[0] != '-' || arg[1] == '\0' || strcmp(arg, "--") == 0)
			break;
		name = arg + (arg[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		const struct repeated *r = find_repeated(rep, name, len);
		if (r && (eq || k + 1 < argc)) {
			strv_push(r->list, eq ? eq + 1 : argv[k + 1]);
			k += eq ? 1 : 2;
			continue;
		}
		argv[out++] = argv[k++];
		if (!eq && takes_value(opts, name, len) && k < argc)
			argv[out++] = argv[k++];
	}
	while (k < argc)
		argv[out++] = argv[k++];
	argv[out] = NULL;
	return out;
}

int cmd_exec(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	struct exec_opts o = { .root = g->root };
	cleanup_free char **env = NULL, **gids = NULL, **caps = NULL, **subs = NULL;
	const char *unused = NULL;
	const struct opt opts[] = {
		{ "console-socket", 0, OPT_STRING, &o.console_socket, "unix socket that receives the pty master" },
		{ "cwd", 0, OPT_STRING, &o.cwd, "current working directory in the container" },
		{ "env", 'e', OPT_STRING, &unused, "set an environment variable KEY=value (repeatable)" },
		{ "tty", 't', OPT_BOOL, &o.tty, "allocate a pseudo-TTY" },
		{ "user", 'u', OPT_STRING, &o.user, "uid[:gid] to run as" },
		{ "additional-gids", 'g', OPT_STRING, &unused, "an additional group id (repeatable)" },
		{ "process", 'p', OPT_STRING, &o.process_path, "a process.json (runtime-spec process object)" },
		{ "detach", 'd', OPT_BOOL, &o.detach, "return once the process runs" },
		{ "pid-file", 0, OPT_STRING, &o.pid_file, "write the process's pid to this file" },
		{ "process-label", 0, OPT_STRING, &o.process_label, "SELinux label (refused: none is applied yet)" },
		{ "apparmor", 0, OPT_STRING, &o.apparmor, "AppArmor profile (refused unless \"unconfined\")" },
		{ "no-new-privs", 0, OPT_BOOL, &o.no_new_privs, "set no_new_privs for the process" },
		{ "cap", 'c', OPT_STRING, &unused, "add a capability, e.g. CAP_NET_ADMIN (repeatable)" },
		{ "preserve-fds", 0, OPT_INT, &o.preserve_fds, "pass N more fds (from fd 3) to the process" },
		{ "ignore-paused", 0, OPT_BOOL, &o.ignore_paused, "exec even when the container is paused" },
		{ "cgroup", 0, OPT_STRING, &unused,
		  "run in this sub-cgroup of the container's: PATH, or CTRL[,CTRL]:PATH on v1 (repeatable)" },
		{ NULL, 0, 0, NULL, NULL },
	};
	const struct repeated rep[] = {
		{ "env", 'e', &env },
		{ "additional-gids", 'g', &gids },
		{ "cap", 'c', &caps },
		{ "cgroup", 0, &subs },
		{ NULL, 0, NULL },
	};
	struct error err = { 0 };
	int i, status = 0;

	argc = take_repeated(rep, opts, argc, argv);
	if (cmd_parse(cmd, opts, argc, argv, &i) < 0)
		return 1;
	if (i >= argc)
		return cmd_fail("exec: container id cannot be empty");
	o.id = argv[i];
	if (!o.process_path && i + 1 >= argc)
		return cmd_fail("exec: a command to run, or --process, is required");
	if (o.process_path && i + 1 < argc)
		return cmd_fail("exec: unexpected argument \"%s\" with --process", argv[i + 1]);
	o.args = argv + i + 1;
	o.env = env;
	o.additional_gids = gids;
	o.caps = caps;
	o.cgroup_subs = subs;
	/* CVE-2019-5736: what the container may exec of ours is a sealed copy, never the host binary */
	if (exec_ensure_sealed_self(&err) < 0)
		return cmd_fail("exec: %s", err.msg);
	if (exec_run(&o, &status, &err) < 0)
		return cmd_fail("exec: %s", err.msg);
	return status;
}
