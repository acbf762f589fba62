/* The "stats" event of berth events in runc's JSON shape. */
#include "runtime/json.h"
#include "runtime/stats_json.h"

static void emit_blkio(struct json_out *j, const char *key, const struct cgroup_blkio_entry *e, size_t n)
{
	json_key(j, key);
	json_array_open(j);
	for (size_t i = 0; i < n; i++) {
		json_map_open(j);
		json_kv_int(j, "major", e[i].major);
		json_kv_int(j, "minor", e[i].minor);
		json_kv_string(j, "op", e[i].op);
		json_kv_uint(j, "value", e[i].value);
		json_map_close(j);
	}
	json_array_close(j);
}

static void emit_usage(struct json_out *j, const char *key, uint64_t limit, uint64_t usage, uint64_t max,
		       uint64_t failcnt)
{
	json_key(j, key);
	json_map_open(j);
	json_kv_uint(j, "limit", limit);
	json_kv_uint(j, "usage", usage);
	json_kv_uint(j, "max", max);
	json_kv_uint(j, "failcnt", failcnt);
	json_map_close(j);
}

static void emit_cpu(struct json_out *j, const struct cgroup_stats *s)
{
	json_key(j, "cpu");
	json_map_open(j);
	json_key(j, "usage");
	json_map_open(j);
	json_kv_uint(j, "total", s->cpu_total);
	json_key(j, "percpu");
	json_array_open(j);
	for (size_t i = 0; i < s->n_cpu_percpu; i++)
		json_uint(j, s->cpu_percpu[i]);
	json_array_close(j);
	json_kv_uint(j, "kernel", s->cpu_kernel);
	json_kv_uint(j, "user", s->cpu_user);
	json_map_close(j);
	json_key(j, "throttling");
	json_map_open(j);
	json_kv_uint(j, "periods", s->cpu_periods);
	json_kv_uint(j, "throttledPeriods", s->cpu_throttled_periods);
	json_kv_uint(j, "throttledTime", s->cpu_throttled_time);
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
		json_kv_uint(j, s->mem_raw[i].key, s->mem_raw[i].value);
	json_map_close(j);
	json_kv_uint(j, "oomKills", s->oom_kills);
	json_map_close(j);
}

char *stats_json_event(const char *id, const struct cgroup_stats *s)
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
	json_kv_uint(j, "current", s->pids_current);
	json_kv_uint(j, "limit", s->pids_limit);
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
		json_kv_uint(j, "usage", s->hugetlb[i].usage);
		json_kv_uint(j, "max", s->hugetlb[i].max);
		json_kv_uint(j, "failcnt", s->hugetlb[i].failcnt);
		json_map_close(j);
	}
	json_map_close(j);
	json_map_close(j);
	json_map_close(j);
	out = json_out_take(j);
	json_out_free(j);
	return out;
}

