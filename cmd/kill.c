#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/commands.h"
#include "runtime/container.h"
#include "runtime/util.h"

/* "KILL", "SIGKILL", "9", "RTMIN+3" -> the number; -1 if unknown. */
static int parse_signal(const char *s)
{
	uint64_t n;

	if (parse_u64(s, &n) == 0)
		return n > 0 && n < (uint64_t)NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
		int base = strncasecmp(s, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX;
		long off = 0;

		if (s[5] == '+' || s[5] == '-')
			off = strtol(s + 5, NULL, 10);
		else if (s[5])
			return -1;
		return base + off >= SIGRTMIN && base + off <= SIGRTMAX ? base + (int)off : -1;
	}
	for (int i = 1; i < SIGRTMIN; i++) {
		const char *name = sigabbrev_np(i);

		if (name && strcasecmp(name, s) == 0)
			return i;
	}
	return -1;
}

int cmd_kill(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	bool all = false;
	const struct opt opts[] = {
		{ "all", 'a', OPT_BOOL, &all, "send the signal to every process of the container" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	int i, sig = SIGTERM;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 2) < 0)
		return 1;
	if (argc - i == 2 && (sig = parse_signal(argv[i + 1])) < 0)
		return cmd_fail("kill: unknown signal \"%s\"", argv[i + 1]);
	if (container_kill(g->root, argv[i], sig, all, &err) < 0)
		return cmd_fail("%s", err.msg);
	return 0;
}
