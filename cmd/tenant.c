/* berth tenant create|update|ls|show|rm */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup/cgroup.h"
#include "cmd/commands.h"
#include "runtime/json.h"
#include "runtime/tenant.h"
#include "runtime/util.h"

/* How long show samples the CPU usage to give cores in use now. */
#define CPU_SAMPLE_MS 500

static const struct command sub_create = { "tenant create", "NAME", "define a tenant and make its cgroup", NULL };
static const struct command sub_update = { "tenant update", "NAME", "change a tenant's limits live", NULL };
static const struct command sub_ls = { "tenant ls", "", "list the tenants", NULL };
static const struct command sub_show = { "tenant show", "NAME", "a tenant's limits beside its live usage", NULL };
static const struct command sub_rm = { "tenant rm", "NAME", "remove a tenant without containers or sub-tenants",
				       NULL };

static int define(const struct command *sub, const struct global_opts *g, int argc, char **argv, bool update)
{
	struct tenant t = { 0 };
	struct error err = { 0 };
	cleanup_strv char **io_max = NULL;
	const char *s[TENANT_KEY_COUNT] = { 0 };
	int i, r;
	const struct opt opts[] = {
		{ "memory", 0, OPT_STRING, &s[TENANT_MEMORY], "memory limit of the whole tenant (e.g. 512m)" },
		{ "memory-swap", 0, OPT_STRING, &s[TENANT_MEMORY_SWAP], "memory plus swap limit" },
		{ "cpus", 0, OPT_STRING, &s[TENANT_CPUS], "cores the tenant may use (CFS quota, e.g. 1.5)" },
		{ "cpu-weight", 0, OPT_STRING, &s[TENANT_CPU_WEIGHT], "CPU weight 1..10000 (v2 scale)" },
		{ "pids", 0, OPT_STRING, &s[TENANT_PIDS], "process limit of the whole tenant" },
		{ "io-weight", 0, OPT_STRING, &s[TENANT_IO_WEIGHT], "I/O weight 10..1000 (needs BFQ)" },
		{ "io-max", 0, OPT_STRV, &io_max, "MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N (repeatable)" },
		{ "containers", 0, OPT_STRING, &s[TENANT_CONTAINERS], "at most N running containers" },
		{ "network", 0, OPT_STRING, &s[TENANT_NETWORK], "the berth network its containers join" },
		{ NULL, 0, 0, NULL, NULL },
	};

	if (cmd_parse(sub, opts, argc, argv, &i) < 0)
		return 1;
	/* flags may follow NAME as well: parse them from there */
	if (argc - i > 1) {
		int j;

		if (cmd_parse(sub, opts, argc - i, argv + i, &j) < 0)
			return 1;
		if (argc - i - j != 0)
			return cmd_fail("%s: expected one NAME, got \"%s\" too", sub->name, argv[i + j]);
	} else if (argc - i != 1)
		return cmd_fail("%s: expected one NAME", sub->name);
	t.name = argv[i];
	for (int k = 0; k < TENANT_KEY_COUNT; k++)
		t.v[k] = (char *)s[k];
	cleanup_free char *joined = NULL;
	for (char **p = io_max; p && *p; p++) {
		char *next = joined ? xasprintf("%s %s", joined, *p) : xstrdup(*p);

		if (strchr(*p, ' '))
			return cmd_fail("%s: --io-max: \"%s\": no spaces", sub->name, *p);
		free(joined);
		joined = next;
	}
	t.v[TENANT_IO_MAX] = joined;
	r = update ? tenant_update(g->root, &t, &err) : tenant_create(g->root, &t, &err);
	if (r < 0)
		return cmd_fail("%s: %s", sub->name, err.msg);
	return 0;
}

/* Flags may follow NAME too: parse them from there (*i stays at NAME). */
static int parse_after(const struct command *sub, const struct opt *opts, int argc, char **argv, int i)
{
	int j;

	if (argc - i <= 1)
		return 0;
	if (cmd_parse(sub, opts, argc - i, argv + i, &j) < 0)
		return -1;
	if (argc - i - j != 0)
		return cmd_fail("%s: expected one NAME, got \"%s\" too", sub->name, argv[i + j]), -1;
	return 1;
}

static int get_format(const struct command *sub, const char *format, bool *json)
{
	if (!strcmp(format, "json") || !strcmp(format, "table")) {
		*json = !strcmp(format, "json");
		return 0;
	}
	return cmd_fail("%s: --format: \"%s\" is neither table nor json", sub->name, format);
}

static int tenant_ls(const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	const struct opt opts[] = { { "format", 'f', OPT_STRING, &format, "table or json" }, { NULL, 0, 0, NULL, NULL } };
	cleanup_strv char **names = NULL;
	struct error err = { 0 };
	bool json = false;
	int i;

	if (cmd_parse(&sub_ls, opts, argc, argv, &i) < 0 || get_format(&sub_ls, format, &json) < 0)
		return 1;
	if (argc - i != 0)
		return cmd_fail("tenant ls: no arguments expected");
	if (tenant_list(g->root, &names, &err) < 0)
		return cmd_fail("tenant ls: %s", err.msg);
	struct json_out *j = json ? json_out_new(true) : NULL;
	if (j)
		json_array_open(j);
	else
		printf("%-24s %-10s %-8s %-8s %-10s\n", "NAME", "MEMORY", "CPUS", "PIDS", "CONTAINERS");
	for (char **n = names; *n; n++) {
		struct tenant t;
		size_t running = 0;

		if (tenant_load(g->root, *n, &t, &err) < 0)
			return cmd_fail("tenant ls: %s", err.msg);
		tenant_count_containers(g->root, *n, &running, &err);
		if (j) {
			json_map_open(j);
			json_kv_string(j, "name", t.name);
			for (int k = 0; k < TENANT_KEY_COUNT; k++)
				if (t.v[k])
					json_kv_string(j, tenant_key_names[k], t.v[k]);
			json_kv_int(j, "running", (long long)running);
			json_map_close(j);
		} else {
			cleanup_free char *c = xasprintf("%zu/%s", running, t.v[TENANT_CONTAINERS] ? t.v[TENANT_CONTAINERS] : "-");

#define OR_DASH(k) (t.v[k] ? t.v[k] : "-")
			printf("%-24s %-10s %-8s %-8s %-10s\n", t.name, OR_DASH(TENANT_MEMORY), OR_DASH(TENANT_CPUS),
			       OR_DASH(TENANT_PIDS), c);
		}
		tenant_release(&t);
	}
	if (j) {
		json_array_close(j);
		char *doc = json_out_take(j);

		printf("%s\n", doc);
		free(doc);
		json_out_free(j);
	}
	return 0;
}

struct usage {
	uint64_t mem, mem_peak, cpu_ns, pids, io_read, io_write;
	double cores;
	size_t running;
};

static int read_usage(const struct global_opts *g, const char *name, struct usage *u, struct error *err)
{
	cleanup_free char *path = tenant_cgroup_path(name);
	struct cgroup *cg = NULL;
	struct cgroup_stats st = { 0 };
	uint64_t cpu0;
	int r;

	memset(u, 0, sizeof(*u));
	if ((r = cgroup_open(path, 0, &cg, err)) < 0)
		return r;
	if ((r = cgroup_stats(cg, &st, err)) < 0)
		goto out;
	cpu0 = st.cpu_total;
	cgroup_stats_release(&st);
	int64_t t0 = monotonic_ms();
	nanosleep(&(struct timespec){ 0, CPU_SAMPLE_MS * 1000000L }, NULL);
	memset(&st, 0, sizeof(st));
	if ((r = cgroup_stats(cg, &st, err)) < 0)
		goto out;
	int64_t dt = monotonic_ms() - t0;
	u->mem = st.mem_usage;
	u->mem_peak = st.mem_max_usage;
	u->cpu_ns = st.cpu_total;
	u->cores = dt > 0 ? (double)(st.cpu_total - cpu0) / ((double)dt * 1e6) : 0;
	u->pids = st.pids_current;
	for (size_t i = 0; i < st.n_io_service_bytes; i++) {
		const struct cgroup_blkio_entry *e = &st.io_service_bytes[i];

		if (!strcmp(e->op, "Read"))
			u->io_read += e->value;
		else if (!strcmp(e->op, "Write"))
			u->io_write += e->value;
	}
	cgroup_stats_release(&st);
	r = tenant_count_containers(g->root, name, &u->running, err);
out:
	cgroup_free(cg);
	return r;
}

static int tenant_show(const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	const struct opt opts[] = { { "format", 'f', OPT_STRING, &format, "table or json" }, { NULL, 0, 0, NULL, NULL } };
	struct error err = { 0 };
	struct tenant t;
	struct usage u;
	bool json = false;
	int i;

	if (cmd_parse(&sub_show, opts, argc, argv, &i) < 0 || parse_after(&sub_show, opts, argc, argv, i) < 0 ||
	    get_format(&sub_show, format, &json) < 0)
		return 1;
	if (argc - i < 1)
		return cmd_fail("tenant show: expected one NAME");
	if (tenant_load(g->root, argv[i], &t, &err) < 0)
		return cmd_fail("tenant show: %s", err.msg);
	if (read_usage(g, argv[i], &u, &err) < 0) {
		tenant_release(&t);
		return cmd_fail("tenant show: tenant \"%s\": %s", argv[i], err.msg);
	}
	cleanup_free char *cgpath = tenant_cgroup_path(t.name);
	if (json) {
		struct json_out *j = json_out_new(true);

		json_map_open(j);
		json_kv_string(j, "name", t.name);
		json_kv_string(j, "cgroup", cgpath);
		json_key(j, "limits");
		json_map_open(j);
		for (int k = 0; k < TENANT_KEY_COUNT; k++)
			if (t.v[k])
				json_kv_string(j, tenant_key_names[k], t.v[k]);
		json_map_close(j);
		json_key(j, "usage");
		json_map_open(j);
		json_kv_int(j, "memory", (long long)u.mem);
		json_kv_int(j, "memory_peak", (long long)u.mem_peak);
		json_key(j, "cpu_cores");
		cleanup_free char *cores = xasprintf("%.3f", u.cores);
		json_string(j, cores);
		cleanup_free char *secs = xasprintf("%.3f", (double)u.cpu_ns / 1e9);
		json_key(j, "cpu_seconds");
		json_string(j, secs);
		json_kv_int(j, "pids", (long long)u.pids);
		json_kv_int(j, "io_read_bytes", (long long)u.io_read);
		json_kv_int(j, "io_write_bytes", (long long)u.io_write);
		json_kv_int(j, "containers", (long long)u.running);
		json_map_close(j);
		json_map_close(j);
		char *doc = json_out_take(j);
		printf("%s\n", doc);
		free(doc);
		json_out_free(j);
	} else {
#define LIM(k) (t.v[k] ? t.v[k] : "-")
		printf("NAME        %s\nCGROUP      %s\n", t.name, cgpath);
		printf("%-12s %-20s %s\n", "RESOURCE", "LIMIT", "USAGE");
		printf("%-12s %-20s %" PRIu64 " bytes (peak %" PRIu64 ")\n", "memory", LIM(TENANT_MEMORY), u.mem, u.mem_peak);
		printf("%-12s %-20s\n", "memory-swap", LIM(TENANT_MEMORY_SWAP));
		printf("%-12s %-20s %.3f cores (last %d ms), %.3f s total\n", "cpus", LIM(TENANT_CPUS), u.cores,
		       CPU_SAMPLE_MS, (double)u.cpu_ns / 1e9);
		printf("%-12s %-20s\n", "cpu-weight", LIM(TENANT_CPU_WEIGHT));
		printf("%-12s %-20s %" PRIu64 "\n", "pids", LIM(TENANT_PIDS), u.pids);
		printf("%-12s %-20s\n", "io-weight", LIM(TENANT_IO_WEIGHT));
		printf("%-12s %-20s read %" PRIu64 " bytes, write %" PRIu64 " bytes\n", "io-max", LIM(TENANT_IO_MAX),
		       u.io_read, u.io_write);
		printf("%-12s %-20s %zu running\n", "containers", LIM(TENANT_CONTAINERS), u.running);
		printf("%-12s %-20s\n", "network", LIM(TENANT_NETWORK));
	}
	tenant_release(&t);
	return 0;
}

static int tenant_rm(const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	struct error err = { 0 };
	int i;

	if (cmd_parse(&sub_rm, opts, argc, argv, &i) < 0)
		return 1;
	if (argc - i != 1)
		return cmd_fail("tenant rm: expected one NAME");
	if (tenant_remove(g->root, argv[i], &err) < 0)
		return cmd_fail("tenant rm: %s", err.msg);
	return 0;
}

int cmd_tenant(const struct command *cmd, const struct global_opts *g, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("usage: berth tenant create|update|ls|show|rm ...\n");
		return argc < 2 ? 1 : 0;
	}
	(void)cmd;
	if (!strcmp(argv[1], "create"))
		return define(&sub_create, g, argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "update"))
		return define(&sub_update, g, argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "ls"))
		return tenant_ls(g, argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return tenant_show(g, argc - 1, argv + 1);
	if (!strcmp(argv[1], "rm"))
		return tenant_rm(g, argc - 1, argv + 1);
	return cmd_fail("tenant: unknown subcommand \"%s\" (create, update, ls, show, rm)", argv[1]);
}
