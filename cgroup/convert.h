/* Pure conversions between OCI resource values and cgroup file contents, shared by both backends.
 * No I/O here, so every function is unit tested (tests/unit/test_cgroup_convert.c). */
#ifndef BERTH_CGROUP_CONVERT_H
#define BERTH_CGROUP_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup/cgroup.h"

/* cpu.cfs_period_us default, also cpu.max's when only a quota is given. */
#define CONVERT_CPU_PERIOD_DEFAULT 100000

/* v1 cpu.shares (2..262144) -> v2 cpu.weight (1..10000) on the curve runc and crun use today:
 * 0 (unset) -> 0, <= 2 -> 1, >= 262144 -> 10000, 1024 -> 100. */
uint64_t convert_shares_to_weight(uint64_t shares);

/* blkio weight (10..1000) -> io.weight (1..10000), linearly; 0 (unset) -> 0. */
uint64_t convert_blkio_weight_to_io_weight(uint64_t weight);

/* cpu.max contents into buf: "QUOTA PERIOD" or "max PERIOD". quota <= 0 is "max"; period 0 is the
 * default. When only the period is set, the quota is the first word of current (the live cpu.max;
 * NULL: "max"). Returns -EINVAL when neither is set, -ENOSPC when buf is short. */
int convert_cpu_max(bool has_quota, int64_t quota, bool has_period, uint64_t period, const char *current,
		    char *buf, size_t len);

/* v2 memory.swap.max from the OCI swap (memory+swap, -1 unlimited) and memory limit (-1 unlimited):
 * *out = swap - limit, or -1 for "max". -EINVAL when swap < limit or a finite swap comes without a
 * finite limit. */
int convert_swap_v2(int64_t swap, int64_t limit, int64_t *out);

/* "max" -> UINT64_MAX, else a decimal number (trailing newline allowed). */
int convert_parse_max(const char *s, uint64_t *out);

/* One io.stat device: the four counters runc reports. */
struct convert_io_stat {
	uint32_t major, minor;
	uint64_t rbytes, wbytes, rios, wios;
};

/* io.stat ("MAJ:MIN key=val ...", one line a device) -> malloc'ed array; unknown keys are skipped.
 * -EINVAL on a malformed line. */
int convert_parse_io_stat(const char *text, struct convert_io_stat **out, size_t *n);

/* A "key value" file (cpu.stat, memory.stat, memory.events, cgroup.events) -> malloc'ed pairs
 * (keys malloc'ed too); lines whose value is not a number are skipped. */
int convert_parse_kv(const char *text, struct cgroup_kv_u64 **out, size_t *n);
void convert_kv_free(struct cgroup_kv_u64 *kv, size_t n);
/* The value of key in a "key value" text; -ENOENT when absent, -EINVAL when not a number. */
int convert_kv_lookup(const char *text, const char *key, uint64_t *out);

/* Hugepage sizes as the kernel names them in hugetlb.<size>.* files: "64KB" <-> 65536, "2MB",
 * "1GB". Parse accepts KB/MB/GB (case-insensitive, "kB" too); format picks the largest exact unit. */
int convert_parse_page_size(const char *s, uint64_t *bytes);
int convert_format_page_size(uint64_t bytes, char *buf, size_t len);

#endif
