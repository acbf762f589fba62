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
#include "runtime/json.h"
#include "runtime/util.h"

static void emit_blkio(struct json_out *j, const char *key, const struct cgroup_blkio_entry *e, size_t n)
{
	json_key(j, key);
	json_array_open(j);
	for (size_t i = 0; i < n; i++) {
		json_map_open(j);
		json_kv_int(j, "major", e[i].major);
		json_kv_int(j, "minor", e[i].minor);
		json_kv_string(j, "op", e[i].op);
		json_kv_int(j, "value", (long long)e[i].value);
		json_map_close(j);
	}
	json_array_close(j);
}

static void emit_usage(struct json_out *j, const char *key, uint64_t limit, uint64_t usage, uint64_t max,
		       uint64_t failcnt)
{
	json_key(j, key);
	json_map_open(j);
	json_kv_int(j, "limit", (long long)limit);
	json_kv_int(j, "usage", (long long)usage);
	json_kv_int(j, "max", (long long)max);
	json_kv_int(j, "failcnt", (long long)failcnt);
	json_map_close(j);
}

static void emit_cpu(struct json_out *j, const struct cgroup_stats *s)
{
	json_key(j, "cpu");
	json_map_open(j);
	json_key(j, "usage");
	json_map_open(j);
	json_kv_int(j, "total", (long long)s->cpu_total);
	json_key(j, "percpu");
	json_array_open(j);
	for (size_t i = 0; i < s->n_cpu_percpu; i++)
		json_int(j, (long long)s->cpu_percpu[i]);
	json_array_close(j);
	json_kv_int(j, "kernel", (long long)s->cpu_kernel);
	json_kv_int(j, "user", (long long)s->cpu_user);
	json_map_close(j);
	json_key(j, "throttling");
	json_map_open(j);
	json_kv_int(j, "periods", (long long)s->cpu_periods);
	json_kv_int(j, "throttledPeriods", (long long)s->cpu_throttled_periods);
	json_kv_int(j, "throttledTime", (long long)s->cpu_throttled_time);
	json_map_close(j);
	json_map_close(j);
}

static void emit_memory(struct json_out *j, const struct cgroup_stats *s)
{
	json_key(j, "memory");
	json_map_open(j);
	emit_usage(j, "usage", s->mem_limit, s->mem_usage, s->mem_max_usage, s->mem_failcnt);
	emit_usage(j, "swap", s->swap_limit, s->swap_usage, 0, 0);
	json_key(j, "raw");
	json_map_open(j);
	for (size_t i = 0; i < s->n_mem_raw; i++)
		json_kv_int(j, s->mem_raw[i].key, (long long)s->mem_raw[i].value);
	json_map_close(j);
	json_kv_int(j, "oomKills", (long long)s->oom_kills);
	json_map_close(j);
}

static char *stats_event(const char *id, const struct cgroup_stats *s)
{
	struct json_out *j = json_out_new(false);
	char *out;

	json_map_open(j);
	json_kv_string(j, "type", "stats");
	json_kv_string(j, "id", id);
	json_key(j, "data");
	json_map_open(j);
	emit_cpu(j, s);
	emit_memory(j, s);
	json_key(j, "pids");
	json_map_open(j);
	json_kv_int(j, "current", (long long)s->pids_current);
	json_kv_int(j, "limit", (long long)s->pids_limit);
	json_map_close(j);
	json_key(j, "blkio");
	json_map_open(j);
	emit_blkio(j, "ioServiceBytesRecursive", s->io_service_bytes, s->n_io_service_bytes);
	emit_blkio(j, "ioServicedRecursive", s->io_serviced, s->n_io_serviced);
	json_map_close(j);
	json_key(j, "hugetlb");
	json_map_open(j);
	for (size_t i = 0; i < s->n_hugetlb; i++) {
		json_key(j, s->hugetlb[i].page_size);
		json_map_open(j);
		json_kv_int(j, "usage", (long long)s->hugetlb[i].usage);
		json_kv_int(j, "max", (long long)s->hugetlb[i].max);
		json_kv_int(j, "failcnt", (long long)s->hugetlb[i].failcnt);
		json_map_close(j);
	}
	json_map_close(j);
	json_map_close(j);
	json_map_close(j);
	out = json_out_take(j);
	json_out_free(j);
	return out;
}

static int print_stats(const char *id, const struct cgroup *cg, struct error *err)
{
	struct cgroup_stats s;
	char *json;

	if (cgroup_stats(cg, &s, err) < 0)
		return -1;
	json = stats_event(id, &s);
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
