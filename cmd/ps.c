/* ps: the processes of the container's cgroup, as a JSON list of pids or through ps(1). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "runtime/container.h"
#include "runtime/json.h"
#include "runtime/util.h"

static int print_json(const pid_t *pids, size_t n)
{
	struct json_out *j = json_out_new(false);
	char *s;

	json_array_open(j);
	for (size_t i = 0; i < n; i++)
		json_int(j, pids[i]);
	json_array_close(j);
	s = json_out_take(j);
	json_out_free(j);
	printf("%s\n", s);
	free(s);
	return 0;
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* The column of "PID" in ps's header, counting whitespace-separated fields. */
static int pid_column(const char *header)
{
	int col = 0;
	char *copy = xstrdup(header), *save = NULL;

	for (char *f = strtok_r(copy, " \t\n", &save); f; f = strtok_r(NULL, " \t\n", &save), col++)
		if (!strcmp(f, "PID")) {
			free(copy);
			return col;
		}
	free(copy);
	return -1;
}

static long field_at(const char *line, int col)
{
	cleanup_free char *copy = xstrdup(line);
	char *save = NULL, *f = strtok_r(copy, " \t\n", &save);

	while (f && col-- > 0)
		f = strtok_r(NULL, " \t\n", &save);
	return f ? strtol(f, NULL, 10) : -1;
}

/* Run ps with the user's options (default -ef) and keep the header and the container's lines. */
static int run_ps(char **ps_args, int n_args, const pid_t *pids, size_t n)
{
	int pipefd[2], status, col = -1;
	char *argv[n_args + 3];
	char *line = NULL;
	size_t cap = 0;
	pid_t child;
	FILE *out;

	argv[0] = "ps";
	for (int i = 0; i < n_args; i++)
		argv[1 + i] = ps_args[i];
	if (!n_args)
		argv[1 + n_args++] = "-ef";
	argv[1 + n_args] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cmd_fail("ps: pipe: %s", strerror(errno));
	if ((child = fork()) == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		execvp("ps", argv);
		fprintf(stderr, "berth: ps: exec ps: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	out = fdopen(pipefd[0], "r");
	for (bool first = true; out && getline(&line, &cap, out) > 0; first = false) {
		if (first) {
			col = pid_column(line);
			fputs(line, stdout);
		} else if (col >= 0 && has_pid(pids, n, field_at(line, col))) {
			fputs(line, stdout);
		}
	}
	free(line);
	if (out)
		fclose(out);
	if (child < 0 || waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return cmd_fail("ps: ps %s failed", argv[1]);
	if (col < 0)
		return cmd_fail("ps: no PID column in the output of ps %s", argv[1]);
	return 0;
}

int cmd_ps(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	const struct opt opts[] = {
		{ "format", 'f', OPT_STRING, &format, "table (through ps) or json (the pids)" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	struct cgroup *cg = NULL;
	struct state st = { 0 };
	enum container_status status;
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	int i, r;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, argc) < 0)
		return 1;
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cmd_fail("ps: --format: unknown format \"%s\" (table or json)", format);
	r = container_cgroup_lookup(g->root, argv[i], &cg, &st, &status, &err);
	if (r == 0)
		r = cgroup_pids(cg, &pids, &n, &err);
	cgroup_free(cg);
	state_release(&st);
	if (r < 0)
		return cmd_fail("ps: %s", err.msg);
	if (!strcmp(format, "json"))
		return print_json(pids, n);
	return run_ps(argv + i + 1, argc - i - 1, pids, n);
}
