/* berth: global flags, then one command. */
#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "runtime/features.h"
#include "runtime/log.h"

static const struct command commands[] = {
	{ "checkpoint", "<container-id>", "checkpoint a running container (not supported)", cmd_unsupported },
	{ "create", "<container-id>", "create a container", cmd_create },
	{ "delete", "<container-id>", "delete a container and the resources it holds", cmd_delete },
	{ "events", "<container-id>", "resource statistics and OOM events of a container", cmd_events },
	{ "exec", "<container-id> <command> [args...]", "run a new process inside the container", cmd_exec },
	{ "features", "", "show the enabled features (runtime-spec features document)", cmd_features },
	{ "image", "load|ls|rm|unpack ...", "the image store (load, ls, rm) and unpacking into a bundle",
	  cmd_image },
	{ "kill", "<container-id> [signal]", "send a signal to the container's init (default SIGTERM)", cmd_kill },
	{ "list", "", "list the containers under --root", cmd_list },
	{ "network", "create|ls|inspect|rm|prune ...", "networks: bridges, subnets, NAT and published ports",
	  cmd_network },
	{ "pause", "<container-id>", "freeze every process of the container", cmd_pause },
	{ "ps", "<container-id> [ps options]", "list the processes of the container", cmd_ps },
	{ "restore", "<container-id>", "restore a checkpointed container (not supported)", cmd_unsupported },
	{ "resume", "<container-id>", "thaw a paused container", cmd_resume },
	{ "run", "<container-id>", "create and start a container", cmd_run },
	{ "spec", "", "create a new specification file", cmd_spec },
	{ "start", "<container-id>", "start a created container", cmd_start },
	{ "state", "<container-id>", "print the state of a container", cmd_state },
	{ "tenant", "create|update|ls|show|rm ...", "tenants: resource quotas over groups of containers",
	  cmd_tenant },
	{ "update", "<container-id>", "change the resource limits of a running container", cmd_update },
	{ NULL, NULL, NULL, NULL },
};

static struct global_opts globals = { .root = "/run/berth", .log_format = "text" };
static bool show_version;
static const char *criu_path, *rootless, *cgroup_manager;

static const struct opt global_opts[] = {
	{ "root", 0, OPT_STRING, &globals.root, "root directory for container state (default: /run/berth)" },
	{ "log", 0, OPT_STRING, &globals.log, "log file (default: stderr)" },
	{ "log-format", 0, OPT_STRING, &globals.log_format, "log format: text or json" },
	{ "debug", 0, OPT_BOOL, &globals.debug, "enable debug logging" },
	{ "systemd-cgroup", 0, OPT_BOOL, &globals.systemd_cgroup, "systemd-style cgroupsPath (slice:prefix:name)" },
	{ "criu", 0, OPT_STRING, &criu_path, "path to criu (accepted; checkpoint is not supported)" },
	{ "rootless", 0, OPT_STRING, &rootless, "true, false or auto (accepted)" },
	{ "cgroup-manager", 0, OPT_STRING, &cgroup_manager, "cgroupfs (default), systemd or disabled (crun)" },
	{ "version", 'v', OPT_BOOL, &show_version, "print the version" },
	{ NULL, 0, 0, NULL, NULL },
};

static void print_version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("berth version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, BERTH_COMMIT, BERTH_OCI_VERSION);
	printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
	char *features = features_line();
	printf("features: %s\n", features);
	free(features);
}

static void print_help(void)
{
	printf("NAME:\n   berth - an OCI container runtime\n\nUSAGE:\n   berth [global options] command "
	       "[command options] [arguments...]\n\nCOMMANDS:\n");
	for (const struct command *c = commands; c->name; c++)
		printf("   %-10s %s\n", c->name, c->summary);
	printf("   %-10s %s\n", "help", "show the usage of a command");
	options_print(global_opts);
}

static const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cmd_fail(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	if (log_to_file())
		fprintf(stderr, "berth: %s\n", msg);
	return 1;
}

static int help_command(int argc, char **argv)
{
	const struct command *c;
	char *help_argv[] = { NULL, "--help", NULL };

	if (argc < 1) {
		print_help();
		return 0;
	}
	c = find_command(argv[0]);
	if (!c)
		return cmd_fail("no help topic for '%s'", argv[0]);
	help_argv[0] = (char *)c->name;
	return c->run(c, &globals, 2, help_argv);
}

int main(int argc, char **argv)
{
	struct error err = { 0 };
	enum log_format format;
	bool help = false;
	int i = 1, r;

	if (options_parse(global_opts, argc, argv, &i, &help, &err) < 0) {
		fprintf(stderr, "berth: %s\n", err.msg);
		return 1;
	}
	if (show_version) {
		print_version();
		return 0;
	}
	if (help || i >= argc) {
		print_help();
		return help ? 0 : 1;
	}
	if (strcmp(globals.log_format, "text") == 0)
		format = LOG_FORMAT_TEXT;
	else if (strcmp(globals.log_format, "json") == 0)
		format = LOG_FORMAT_JSON;
	else {
		fprintf(stderr, "berth: --log-format: unknown format \"%s\" (text or json)\n", globals.log_format);
		return 1;
	}
	r = log_init(globals.log, format, globals.debug);
	if (r < 0) {
		fprintf(stderr, "berth: --log %s: %s\n", globals.log, strerror(-r));
		return 1;
	}
	if (cgroup_manager && cgroup_manager_parse(cgroup_manager, &globals.cgroup_manager, &err) < 0) {
		fprintf(stderr, "berth: %s\n", err.msg);
		return 1;
	}
	if (globals.systemd_cgroup && !cgroup_manager)
		globals.cgroup_manager = CGROUP_MANAGER_SYSTEMD;
	if (rootless && strcmp(rootless, "true") != 0 && strcmp(rootless, "false") != 0 &&
	    strcmp(rootless, "auto") != 0) {
		fprintf(stderr, "berth: --rootless: expected true, false or auto, got \"%s\"\n", rootless);
		return 1;
	}
	if (strcmp(argv[i], "help") == 0)
		return help_command(argc - i - 1, argv + i + 1);

	const struct command *c = find_command(argv[i]);
	if (!c)
		return cmd_fail("command \"%s\" does not exist (see berth --help)", argv[i]);
	return c->run(c, &globals, argc - i, argv + i);
}
