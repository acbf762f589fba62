/* cgroup v2: the leaf's counters -> struct cgroup_stats in runc's terms. A file the kernel lacks (a
 * controller not enabled, an older kernel) leaves its fields 0. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/convert.h"
#include "cgroup/v2_internal.h"
#include "runtime/util.h"

/* A "max"-or-number file; false when absent or unreadable. */
static bool read_max(const struct cgroup *cg, const char *file, uint64_t *v)
{
	cleanup_free char *buf = NULL;

	return v2_read(cg, file, &buf) == 0 && convert_parse_max(buf, v) == 0;
}

static void kv(const char *text, const char *key, uint64_t *v)
{
	if (text && convert_kv_lookup(text, key, v) < 0)
		*v = 0;
}

static void cpu_stats(const struct cgroup *cg, struct cgroup_stats *st)
{
	cleanup_free char *buf = NULL;

	if (v2_read(cg, "cpu.stat", &buf) < 0)
		return;
	kv(buf, "usage_usec", &st->cpu_total);
	kv(buf, "user_usec", &st->cpu_user);
	kv(buf, "system_usec", &st->cpu_kernel);
	kv(buf, "nr_periods", &st->cpu_periods);
	kv(buf, "nr_throttled", &st->cpu_throttled_periods);
	kv(buf, "throttled_usec", &st->cpu_throttled_time);
	st->cpu_total *= 1000;
	st->cpu_user *= 1000;
	st->cpu_kernel *= 1000;
	st->cpu_throttled_time *= 1000;
}

static void memory_stats(const struct cgroup *cg, struct cgroup_stats *st)
{
	cleanup_free char *events = NULL, *stat = NULL;
	uint64_t swap = 0, swap_max = 0;

	read_max(cg, "memory.current", &st->mem_usage);
	read_max(cg, "memory.peak", &st->mem_max_usage); /* 5.19+ */
	read_max(cg, "memory.max", &st->mem_limit);
	if (v2_read(cg, "memory.events", &events) == 0) {
		kv(events, "max", &st->mem_failcnt);
		kv(events, "oom_kill", &st->oom_kills);
	}
	if (v2_read(cg, "memory.stat", &stat) == 0)
		convert_parse_kv(stat, &st->mem_raw, &st->n_mem_raw);
	/* v1's memsw counts memory plus swap and runc reports v2 the same way: keep that meaning. */
	if (read_max(cg, "memory.swap.current", &swap))
		st->swap_usage = swap + st->mem_usage;
	if (read_max(cg, "memory.swap.max", &swap_max))
		st->swap_limit = swap_max == UINT64_MAX || st->mem_limit == UINT64_MAX
					 ? UINT64_MAX
					 : swap_max + st->mem_limit;
}

static void pids_stats(const struct cgroup *cg, struct cgroup_stats *st)
{
	read_max(cg, "pids.current", &st->pids_current);
	if (read_max(cg, "pids.max", &st->pids_limit) && st->pids_limit == UINT64_MAX)
		st->pids_limit = 0;
}

static void add_entry(struct cgroup_blkio_entry **v, size_t *n, const struct convert_io_stat *s,
		      const char *op, uint64_t value)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct cgroup_blkio_entry){
		.major = s->major, .minor = s->minor, .op = op, .value = value
	};
	(*n)++;
}

static void io_stats(const struct cgroup *cg, struct cgroup_stats *st)
{
	cleanup_free char *buf = NULL;
	cleanup_free struct convert_io_stat *v = NULL;
	size_t n = 0;

	if (v2_read(cg, "io.stat", &buf) < 0 || convert_parse_io_stat(buf, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		add_entry(&st->io_service_bytes, &st->n_io_service_bytes, &v[i], "Read", v[i].rbytes);
		add_entry(&st->io_service_bytes, &st->n_io_service_bytes, &v[i], "Write", v[i].wbytes);
		add_entry(&st->io_serviced, &st->n_io_serviced, &v[i], "Read", v[i].rios);
		add_entry(&st->io_serviced, &st->n_io_serviced, &v[i], "Write", v[i].wios);
	}
}

static void hugetlb_stats(const struct cgroup *cg, struct cgroup_stats *st)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int fd = openat(cg->leaf_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		const char *name = de->d_name, *end;
		struct cgroup_hugetlb_stat *h;
		cleanup_free char *events = NULL, *max_file = NULL, *ev_file = NULL;
		size_t len;

		/* hugetlb.<size>.current: one per page size the kernel supports. */
		if (strncmp(name, "hugetlb.", 8) != 0)
			continue;
		end = strchr(name + 8, '.');
		if (!end || strcmp(end, ".current") != 0)
			continue;
		len = (size_t)(end - (name + 8));
		if (len == 0 || len >= sizeof(h->page_size))
			continue;
		st->hugetlb = xrealloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof(*st->hugetlb));
		h = &st->hugetlb[st->n_hugetlb++];
		memset(h, 0, sizeof(*h));
		memcpy(h->page_size, name + 8, len);
		read_max(cg, name, &h->usage);
		max_file = xasprintf("hugetlb.%s.max", h->page_size);
		read_max(cg, max_file, &h->max);
		ev_file = xasprintf("hugetlb.%s.events", h->page_size);
		if (v2_read(cg, ev_file, &events) == 0)
			kv(events, "max", &h->failcnt);
	}
}

int v2_stats(const struct cgroup *cg, struct cgroup_stats *st, struct error *err)
{
	(void)err;
	memset(st, 0, sizeof(*st));
	cpu_stats(cg, st);
	memory_stats(cg, st);
	pids_stats(cg, st);
	io_stats(cg, st);
	hugetlb_stats(cg, st);
	return 0;
}
