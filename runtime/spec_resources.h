/* linux.resources as parsed by runtime/spec_resources.c: the same struct serves config.json and the
 * document `berth update -r` reads. Applied by cgroup/. Every optional scalar says whether it was set. */
#ifndef BERTH_SPEC_RESOURCES_H
#define BERTH_SPEC_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"

struct spec_kv;

struct spec_opt_i64 {
	bool set;
	int64_t v;
};

struct spec_opt_u64 {
	bool set;
	uint64_t v;
};

/* linux.resources.devices[]: major/minor -1 is the wildcard; access a subset of "rwm". */
struct spec_device_rule {
	bool allow;
	char type; /* 'a', 'c' or 'b' ('a' when absent) */
	int64_t major, minor;
	char access[4]; /* "rwm" when absent */
};

struct spec_memory {
	struct spec_opt_i64 limit, reservation, swap; /* -1: unlimited */
	struct spec_opt_i64 kernel, kernel_tcp;	      /* deprecated: warned about and ignored */
	struct spec_opt_u64 swappiness;		      /* 0..100 (-1 in a document: not set) */
	bool has_disable_oom_killer, disable_oom_killer;
	bool has_use_hierarchy, use_hierarchy;
	bool check_before_update;
};

struct spec_cpu {
	struct spec_opt_u64 shares;
	struct spec_opt_i64 quota; /* -1 or absent with a period: "max" */
	struct spec_opt_u64 period;
	struct spec_opt_u64 burst;
	struct spec_opt_i64 realtime_runtime;
	struct spec_opt_u64 realtime_period;
	struct spec_opt_i64 idle;
	char *cpus, *mems; /* list syntax "0-2,4", checked by the parser; NULL when absent */
};

struct spec_weight_device {
	int64_t major, minor;
	struct spec_opt_u64 weight, leaf_weight; /* 10..1000 (0 in a document: not set) */
};

struct spec_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

enum spec_throttle_kind {
	SPEC_THROTTLE_READ_BPS,
	SPEC_THROTTLE_WRITE_BPS,
	SPEC_THROTTLE_READ_IOPS,
	SPEC_THROTTLE_WRITE_IOPS,
	SPEC_THROTTLE_COUNT
};

struct spec_blkio {
	struct spec_opt_u64 weight, leaf_weight;
	struct spec_weight_device *weight_devices;
	size_t n_weight_devices;
	struct spec_throttle_device *throttle[SPEC_THROTTLE_COUNT];
	size_t n_throttle[SPEC_THROTTLE_COUNT];
};

struct spec_hugepage_limit {
	char *page_size; /* "2MB", "1GB", ... */
	uint64_t limit;
};

struct spec_net_priority {
	char *name;
	uint32_t priority;
};

struct spec_network {
	bool has_class_id;
	uint32_t class_id;
	struct spec_net_priority *priorities;
	size_t n_priorities;
};

struct spec_rdma_limit {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct spec_resources {
	struct spec_device_rule *devices;
	size_t n_devices;
	bool has_devices; /* the list was present (even empty) */
	bool has_memory;
	struct spec_memory memory;
	bool has_cpu;
	struct spec_cpu cpu;
	bool has_pids;
	struct spec_opt_i64 pids_limit; /* -1: unlimited (0 in a document: not set) */
	bool has_blkio;
	struct spec_blkio blkio;
	struct spec_hugepage_limit *hugepages;
	size_t n_hugepages;
	bool has_network;
	struct spec_network network;
	struct spec_rdma_limit *rdma;
	size_t n_rdma;
	struct spec_kv *unified;
	size_t n_unified;
};

/* A LinuxResources document (`berth update -r FILE`): errors name "<prefix>.<field>"; an empty
 * prefix gives bare field names. */
int spec_resources_parse(const char *json, size_t len, const char *prefix, struct spec_resources **out,
			 struct error *err);
void spec_resources_free(struct spec_resources *r);
/* A zero (or an empty cpuset list) where runc reads it as "not given" becomes not set; the parser
 * applies it, `berth update`'s flags too. Idempotent. */
void spec_resources_unset_zeroes(struct spec_resources *r);
void spec_memory_unset_zeroes(struct spec_memory *m);
void spec_cpu_unset_zeroes(struct spec_cpu *c);

#endif
