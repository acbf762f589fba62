/* `berth events --stats` on v1: cpuacct, cpu, memory, pids, blkio and hugetlb files in runc's terms.
 * A file the host lacks leaves its fields 0. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/convert.h"
#include "cgroup/v1_internal.h"
#include "runtime/util.h"

/* Every "key value" line of a file (memory.stat); -errno when it cannot be read. */
static int read_kv(const struct v1_hier *h, const char *file, struct cgroup_kv_u64 **out, size_t *n)
{
	cleanup_free char *s = NULL;
	int rc = v1_read(h, file, &s);

	*out = NULL;
	*n = 0;
	return rc < 0 ? rc : convert_parse_kv(s, out, n);
}

static void cpu_stats(const struct v1_host *host, struct cgroup_stats *st)
{
	struct v1_hier *acct = v1_find_legacy(host, "cpuacct"), *cpu = v1_find_legacy(host, "cpu");
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t ticks;

	if (hz <= 0)
		hz = 100;
	if (acct) {
		cleanup_free char *percpu = NULL;

		v1_read_u64(acct, "cpuacct.usage", &st->cpu_total);
		/* cpuacct.stat counts USER_HZ ticks */
		if (v1_read_key(acct, "cpuacct.stat", "user", &ticks) == 0)
			st->cpu_user = ticks * (1000000000ULL / (uint64_t)hz);
		if (v1_read_key(acct, "cpuacct.stat", "system", &ticks) == 0)
			st->cpu_kernel = ticks * (1000000000ULL / (uint64_t)hz);
		if (v1_read(acct, "cpuacct.usage_percpu", &percpu) == 0) {
			for (char *p = percpu, *end;; p = end) {
				unsigned long long v = strtoull(p, &end, 10);

				if (end == p)
					break;
				st->cpu_percpu = xrealloc(st->cpu_percpu,
							  (st->n_cpu_percpu + 1) * sizeof(uint64_t));
				st->cpu_percpu[st->n_cpu_percpu++] = v;
			}
		}
	}
	if (cpu) {
		v1_read_key(cpu, "cpu.stat", "nr_periods", &st->cpu_periods);
		v1_read_key(cpu, "cpu.stat", "nr_throttled", &st->cpu_throttled_periods);
		v1_read_key(cpu, "cpu.stat", "throttled_time", &st->cpu_throttled_time);
	}
}

static void memory_stats(const struct v1_host *host, struct cgroup_stats *st)
{
	struct v1_hier *h = v1_find_legacy(host, "memory");
	uint64_t memsw_usage = 0, memsw_limit = 0;

	if (!h)
		return;
	v1_read_u64(h, "memory.usage_in_bytes", &st->mem_usage);
	v1_read_u64(h, "memory.max_usage_in_bytes", &st->mem_max_usage);
	v1_read_u64(h, "memory.limit_in_bytes", &st->mem_limit);
	v1_read_u64(h, "memory.failcnt", &st->mem_failcnt);
	/* memsw counts memory and swap together; v2 reports swap alone, so do the same */
	if (v1_read_u64(h, "memory.memsw.usage_in_bytes", &memsw_usage) == 0)
		st->swap_usage = memsw_usage > st->mem_usage ? memsw_usage - st->mem_usage : 0;
	if (v1_read_u64(h, "memory.memsw.limit_in_bytes", &memsw_limit) == 0)
		st->swap_limit = memsw_limit >= st->mem_limit && memsw_limit < (UINT64_MAX >> 2)
					 ? memsw_limit - st->mem_limit
					 : memsw_limit;
	read_kv(h, "memory.stat", &st->mem_raw, &st->n_mem_raw);
	v1_read_key(h, "memory.oom_control", "oom_kill", &st->oom_kills);
}

static void pids_stats(const struct v1_host *host, struct cgroup_stats *st)
{
	struct v1_hier *h = v1_find(host, "pids");
	uint64_t max;

	if (!h)
		return;
	v1_read_u64(h, "pids.current", &st->pids_current);
	if (v1_read_u64_or_max(h, "pids.max", &max) == 0)
		st->pids_limit = max == UINT64_MAX ? 0 : max;
}

static const char *blkio_op(const char *s)
{
	static const char *const ops[] = { "Read", "Write", "Sync", "Async", "Discard", "Total" };

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(s, ops[i]) == 0)
			return ops[i];
	return NULL;
}

/* "MAJ:MIN Op value" lines; the closing "Total value" line (no device) is skipped. */
static void blkio_file(const struct v1_hier *h, const char *file, struct cgroup_blkio_entry **out, size_t *n)
{
	cleanup_free char *s = NULL;
	char *save = NULL;

	if (v1_read(h, file, &s) < 0)
		return;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned int major, minor;
		char op[16];
		unsigned long long v;
		const char *o;

		if (sscanf(l, "%u:%u %15s %llu", &major, &minor, op, &v) != 4 || !(o = blkio_op(op)))
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n] = (struct cgroup_blkio_entry){
			.major = major, .minor = minor, .op = o, .value = v,
		};
		(*n)++;
	}
}

static void blkio_stats(const struct v1_host *host, struct cgroup_stats *st)
{
	struct v1_hier *h = v1_find_legacy(host, "blkio");

	if (!h)
		return;
	blkio_file(h, "blkio.throttle.io_service_bytes_recursive", &st->io_service_bytes,
		   &st->n_io_service_bytes);
	blkio_file(h, "blkio.throttle.io_serviced_recursive", &st->io_serviced, &st->n_io_serviced);
}

/* hugepages-2048kB -> "2MB", as the hugetlb files name it. */
static bool hugepage_name(const char *dirname, char *out, size_t len)
{
	unsigned long long kb;
	char tail[4];

	if (sscanf(dirname, "hugepages-%llukB%3s", &kb, tail) != 1 || kb == 0)
		return false;
	return convert_format_page_size((uint64_t)kb << 10, out, len) == 0;
}

static void hugetlb_stats(const struct v1_host *host, struct cgroup_stats *st)
{
	struct v1_hier *h = v1_find(host, "hugetlb");
	cleanup_dir DIR *d = NULL;
	struct dirent *e;

	if (!h || !(d = opendir("/sys/kernel/mm/hugepages")))
		return;
	while ((e = readdir(d))) {
		struct cgroup_hugetlb_stat hs = { 0 };
		char f[96];

		if (!hugepage_name(e->d_name, hs.page_size, sizeof(hs.page_size)))
			continue;
		if (h->unified) {
			snprintf(f, sizeof(f), "hugetlb.%s.current", hs.page_size);
			if (v1_read_u64(h, f, &hs.usage) < 0)
				continue; /* hugetlb not enabled for this cgroup */
			snprintf(f, sizeof(f), "hugetlb.%s.max", hs.page_size);
			v1_read_u64_or_max(h, f, &hs.max);
			snprintf(f, sizeof(f), "hugetlb.%s.events", hs.page_size);
			v1_read_key(h, f, "max", &hs.failcnt);
		} else {
			snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", hs.page_size);
			if (v1_read_u64(h, f, &hs.usage) < 0)
				continue;
			snprintf(f, sizeof(f), "hugetlb.%s.limit_in_bytes", hs.page_size);
			v1_read_u64(h, f, &hs.max);
			snprintf(f, sizeof(f), "hugetlb.%s.failcnt", hs.page_size);
			v1_read_u64(h, f, &hs.failcnt);
		}
		st->hugetlb = xrealloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof(*st->hugetlb));
		st->hugetlb[st->n_hugetlb++] = hs;
	}
}

int v1_stats(const struct cgroup *cg, struct cgroup_stats *st, struct error *err)
{
	const struct v1_host *host = cg->priv;

	(void)err;
	memset(st, 0, sizeof(*st));
	cpu_stats(host, st);
	memory_stats(host, st);
	pids_stats(host, st);
	blkio_stats(host, st);
	hugetlb_stats(host, st);
	return 0;
}
