/* One function per command; main.c dispatches. */
#ifndef BERTH_CMD_COMMANDS_H
#define BERTH_CMD_COMMANDS_H

#include <stdbool.h>

#include "cgroup/cgroup.h"
#include "cmd/options.h"

struct global_opts {
	const char *root;
	const char *log;
	const char *log_format;
	bool debug;
	bool systemd_cgroup;
	enum cgroup_manager cgroup_manager; /* from --cgroup-manager or --systemd-cgroup */
};

struct command {
	const char *name;
	const char *args;	 /* "<container-id>" */
	const char *summary;
	int (*run)(const struct command *cmd, const struct global_opts *g, int argc, char **argv);
};

int cmd_spec(const struct command *, const struct global_opts *, int, char **);
int cmd_create(const struct command *, const struct global_opts *, int, char **);
int cmd_run(const struct command *, const struct global_opts *, int, char **);
int cmd_start(const struct command *, const struct global_opts *, int, char **);
int cmd_state(const struct command *, const struct global_opts *, int, char **);
int cmd_kill(const struct command *, const struct global_opts *, int, char **);
int cmd_delete(const struct command *, const struct global_opts *, int, char **);
int cmd_list(const struct command *, const struct global_opts *, int, char **);
int cmd_exec(const struct command *, const struct global_opts *, int, char **);
int cmd_features(const struct command *, const struct global_opts *, int, char **);
int cmd_image(const struct command *, const struct global_opts *, int, char **);
int cmd_pause(const struct command *, const struct global_opts *, int, char **);
int cmd_resume(const struct command *, const struct global_opts *, int, char **);
int cmd_ps(const struct command *, const struct global_opts *, int, char **);
int cmd_update(const struct command *, const struct global_opts *, int, char **);
int cmd_events(const struct command *, const struct global_opts *, int, char **);
int cmd_network(const struct command *, const struct global_opts *, int, char **);
int cmd_tenant(const struct command *, const struct global_opts *, int, char **);
/* runc commands berth lacks: fail with "not supported: ..." (cmd/compat.c). */
int cmd_unsupported(const struct command *, const struct global_opts *, int, char **);

/* Parse a command's flags; on --help print usage and exit 0; on error report and return -1.
 * *i is left at the first positional argument. */
int cmd_parse(const struct command *cmd, const struct opt *opts, int argc, char **argv, int *i);
/* Require exactly n positional arguments from argv[i]. */
int cmd_expect_args(const struct command *cmd, int argc, char **argv, int i, int min, int max);
void cmd_usage(const struct command *cmd, const struct opt *opts);
/* Report an error: to stderr, and to the log when --log is set (runc does both). Returns 1. */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
