/* events: resource statistics in runc's JSON shape (once with --stats, else every --interval) and OOM
 * events as they happen, until the container stops. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "runtime/container.h"
#include "runtime/stats_json.h"
#include "runtime/util.h"

static int print_stats(const char *id, const struct cgroup *cg, struct error *err)
{
	struct cgroup_stats s;
	char *json;

	if (cgroup_stats(cg, &s, err) < 0)
		return -1;
	json = stats_json_event(id, &s);
	printf("%s\n", json);
	fflush(stdout);
	free(json);
	cgroup_stats_release(&s);
	return 0;
}

/* "5s", "500ms", "1m", or plain seconds -> milliseconds. */
static int parse_interval(const char *s, int *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return -1;
	if (!strcmp(end, "ms"))
		*ms = (int)v;
	else if (!strcmp(end, "s") || !*end)
		*ms = (int)(v * 1000);
	else if (!strcmp(end, "m"))
		*ms = (int)(v * 60000);
	else
		return -1;
	return *ms > 0 ? 0 : -1;
}

static void print_oom(const char *id)
{
	printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
	fflush(stdout);
}

/* Stats every interval and an "oom" event per new OOM kill, until the init is gone. */
static int stream(const char *root, const char *id, struct cgroup *cg, int interval_ms, struct error *err)
{
	cleanup_close int oom_fd = -1;
	uint64_t kills = 0, now;
	struct timespec next;
	unsigned tick = 0;

	if (cgroup_oom_watch(cg, &oom_fd, err) < 0)
		return -1;
	(void)cgroup_oom_kills(cg, &kills, err);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		struct timespec t;
		struct pollfd p = { .fd = oom_fd, .events = POLLIN | POLLPRI };
		struct state st = { 0 };
		struct cgroup *again = NULL;
		enum container_status status;
		int64_t wait;

		/* a deleted or stopped container ends the stream (looked at about once a second) */
		if (tick++ % 10 == 0) {
			if (container_cgroup_lookup(root, id, &again, &st, &status, err) < 0)
				return 0;
			cgroup_free(again);
			state_release(&st);
			if (status == STATUS_STOPPED)
				return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		wait = (next.tv_sec - t.tv_sec) * 1000 + (next.tv_nsec - t.tv_nsec) / 1000000;
		if (wait <= 0) {
			if (print_stats(id, cg, err) < 0)
				return -1;
			next.tv_sec += interval_ms / 1000;
			next.tv_nsec += (interval_ms % 1000) * 1000000L;
			if (next.tv_nsec >= 1000000000L) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000L;
			}
			continue;
		}
		/* wake at least every 100 ms: the OOM notification comes before the kill is counted */
		if (poll(&p, 1, wait < 100 ? (int)wait : 100) > 0)
			cgroup_oom_ack(cg, oom_fd);
		if (cgroup_oom_kills(cg, &now, err) == 0)
			for (; kills < now; kills++)
				print_oom(id);
	}
}

int cmd_events(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	bool stats_once = false;
	const char *interval = "5s";
	const struct opt opts[] = {
		{ "stats", 0, OPT_BOOL, &stats_once, "print the statistics once and exit" },
		{ "interval", 0, OPT_STRING, &interval, "time between statistics (default 5s)" },
		{ NULL, 0, 0, NULL, NULL },
	};
	struct error err = { 0 };
	struct cgroup *cg = NULL;
	struct state st = { 0 };
	enum container_status status;
	int i, ms, r;

	if (cmd_parse(cmd, opts, argc, argv, &i) < 0 || cmd_expect_args(cmd, argc, argv, i, 1, 1) < 0)
		return 1;
	if (parse_interval(interval, &ms) < 0)
		return cmd_fail("events: --interval: \"%s\" is not a duration (e.g. 5s, 500ms)", interval);
	if (container_cgroup_lookup(g->root, argv[i], &cg, &st, &status, &err) < 0)
		return cmd_fail("events: %s", err.msg);
	state_release(&st);
	if (status == STATUS_STOPPED) {
		cgroup_free(cg);
		return cmd_fail("events: container \"%s\" is not running", argv[i]);
	}
	r = stats_once ? print_stats(argv[i], cg, &err) : stream(g->root, argv[i], cg, ms, &err);
	cgroup_free(cg);
	return r < 0 ? cmd_fail("events: %s", err.msg) : 0;
}
