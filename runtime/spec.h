/* config.json as typed structs. Built and validated once by spec_load(); everything after trusts it. */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/spec_resources.h"

struct spec_kv {
	char *key;
	char *value;
};

struct spec_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

/* Mount options, decoded once (runtime/mount_options.c). */
struct spec_mount_opts {
	unsigned long flags;	      /* MS_* to set (MS_RDONLY, MS_NOSUID, ..., MS_BIND, MS_REC) */
	unsigned long clear_flags;    /* MS_* explicitly cleared ("rw", "suid", "dev", "exec", ...) */
	unsigned long propagation[4]; /* MS_SHARED|MS_REC etc., applied in order after the mount */
	size_t n_propagation;
	uint64_t rec_attr_set;	      /* MOUNT_ATTR_* from "rro", "rnosuid", ...: mount_setattr(AT_RECURSIVE) */
	uint64_t rec_attr_clr;	      /* MOUNT_ATTR_* from "rrw", "rsuid", ... */
	bool bind;		      /* "bind" or "rbind" */
	bool recursive;		      /* "rbind" */
	bool idmap;		      /* "idmap" / "ridmap" */
	bool idmap_recursive;	      /* "ridmap" */
	bool tmpcopyup;		      /* "tmpcopyup" (crun): copy the underlying dir into the tmpfs */
	char *data;		      /* the rest, comma-joined, passed to the filesystem ("mode=755,size=65536k") */
};

struct spec_mount {
	char *destination; /* absolute, cleaned */
	char *type;	   /* may be NULL for bind mounts */
	char *source;	   /* may be NULL */
	char **options;	   /* raw, NULL-terminated */
	struct spec_mount_opts opts;
	struct spec_id_mapping *uid_mappings; /* idmapped mounts */
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

enum spec_ns_type {
	SPEC_NS_PID,
	SPEC_NS_NETWORK,
	SPEC_NS_MOUNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_COUNT
};

struct spec_namespace {
	bool present;	/* listed in linux.namespaces */
	char *path;	/* join this one instead of creating; NULL: create */
};

struct spec_device {
	char *path;	  /* absolute, cleaned */
	char type;	  /* 'c', 'b', 'u' (unbuffered char), 'p' (fifo) */
	int64_t major, minor;
	bool has_file_mode;
	uint32_t file_mode; /* permission bits only */
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

struct spec_rlimit {
	int resource; /* RLIMIT_* */
	char *type;   /* "RLIMIT_NOFILE", for messages */
	uint64_t soft, hard;
};

struct spec_hook {
	char *path;
	char **args; /* NULL-terminated; may be NULL */
	char **env;  /* NULL-terminated; may be NULL */
	bool has_timeout;
	int timeout; /* seconds, > 0 */
};

enum spec_hook_kind {
	SPEC_HOOK_PRESTART,
	SPEC_HOOK_CREATE_RUNTIME,
	SPEC_HOOK_CREATE_CONTAINER,
	SPEC_HOOK_START_CONTAINER,
	SPEC_HOOK_POSTSTART,
	SPEC_HOOK_POSTSTOP,
	SPEC_HOOK_COUNT
};

struct spec_hook_list {
	struct spec_hook *hooks;
	size_t n;
};

/* Capability sets as bitmasks of CAP_* numbers (bit n = capability n). */
struct spec_capabilities {
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct spec_user {
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
};

/* linux.memoryPolicy: set_mempolicy(2); checked at parse time the way the kernel checks it */
#define SPEC_MPOL_MAX_NODES 1024
struct spec_mempolicy {
	int mode;	/* MPOL_* */
	unsigned flags; /* MPOL_F_STATIC_NODES, _RELATIVE_NODES, _NUMA_BALANCING */
	char *nodes;	/* as written, NULL when absent */
	unsigned long mask[SPEC_MPOL_MAX_NODES / (8 * sizeof(unsigned long))];
};

/* process.scheduler: sched_setattr(2) */
struct spec_scheduler {
	bool present;
	uint32_t policy; /* SCHED_* */
	int32_t nice;
	uint32_t priority;
	uint64_t flags; /* SCHED_FLAG_* */
	uint64_t runtime, deadline, period;
};

/* process.ioPriority: ioprio_set(2) */
struct spec_io_priority {
	bool present;
	int class; /* IOPRIO_CLASS_RT, _BE, _IDLE */
	int priority;
};

/* process.execCPUAffinity: CPU lists as "0-3,7", parsed into bitmaps of up to 1024 CPUs */
struct spec_cpu_affinity {
	bool has_initial, has_final;
	uint64_t initial[16], final[16];
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	unsigned console_height, console_width;
	struct spec_user user;
	char **args; /* NULL-terminated, at least one */
	char **env;  /* NULL-terminated, may be empty; each "KEY=value" */
	char *cwd;   /* absolute */
	bool has_capabilities;
	struct spec_capabilities capabilities;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj; /* -1000..1000 */
	char *apparmor_profile;
	char *selinux_label;
	struct spec_scheduler scheduler;
	struct spec_io_priority io_priority;
	struct spec_cpu_affinity cpu_affinity;
};

struct spec_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct spec_personality {
	bool present;
	unsigned long domain; /* PER_LINUX or PER_LINUX32 */
};

enum spec_seccomp_action {
	SPEC_SCMP_KILL,		/* SCMP_ACT_KILL: the thread */
	SPEC_SCMP_KILL_PROCESS,
	SPEC_SCMP_KILL_THREAD,
	SPEC_SCMP_TRAP,
	SPEC_SCMP_ERRNO,
	SPEC_SCMP_TRACE,
	SPEC_SCMP_ALLOW,
	SPEC_SCMP_LOG,
	SPEC_SCMP_NOTIFY,
};

enum spec_seccomp_op {
	SPEC_SCMP_CMP_NE,
	SPEC_SCMP_CMP_LT,
	SPEC_SCMP_CMP_LE,
	SPEC_SCMP_CMP_EQ,
	SPEC_SCMP_CMP_GE,
	SPEC_SCMP_CMP_GT,
	SPEC_SCMP_CMP_MASKED_EQ,
};

struct spec_seccomp_arg {
	uint32_t index; /* 0..5 */
	uint64_t value, value_two;
	enum spec_seccomp_op op;
};

struct spec_seccomp_rule {
	char **names; /* NULL-terminated, at least one */
	enum spec_seccomp_action action;
	uint32_t errno_ret; /* ERRNO and TRACE: errnoRet, EPERM when absent */
	struct spec_seccomp_arg *args;
	size_t n_args;
};

/* linux.seccomp, validated by runtime/spec_seccomp.c; compiled by seccomp/filter.c. */
struct spec_seccomp {
	enum spec_seccomp_action default_action;
	uint32_t default_errno_ret; /* EPERM when absent */
	char **architectures;	    /* NULL-terminated "SCMP_ARCH_*", each known */
	unsigned int flags;	    /* SECCOMP_FILTER_FLAG_* */
	char *listener_path;	    /* NULL when absent */
	char *listener_metadata;
	bool uses_notify;	    /* some action is SCMP_ACT_NOTIFY */
	struct spec_seccomp_rule *rules;
	size_t n_rules;
};

void spec_seccomp_free(struct spec_seccomp *sc);
/* "SCMP_ACT_ERRNO", ... for messages and the default profile. */
const char *spec_seccomp_action_name(enum spec_seccomp_action a);
const char *spec_seccomp_op_name(enum spec_seccomp_op op);

struct spec_linux {
	struct spec_namespace namespaces[SPEC_NS_COUNT];
	struct spec_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct spec_time_offset time_boottime, time_monotonic;
	struct spec_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct spec_kv *sysctl;
	size_t n_sysctl;
	char **masked_paths;   /* NULL-terminated */
	char **readonly_paths; /* NULL-terminated */
	unsigned long rootfs_propagation; /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (|MS_REC); 0: default */
	char *mount_label;
	struct spec_personality personality;
	struct spec_resources *resources; /* NULL when absent; applied by cgroup/ */
	struct spec_seccomp *seccomp; /* NULL when absent */
	bool has_intel_rdt;
	bool has_memory_policy;
	struct spec_mempolicy memory_policy; /* valid when has_memory_policy */
	bool has_net_devices;
};

struct spec {
	char *oci_version;
	char *root_path; /* as written; resolved against the bundle by the caller */
	bool root_readonly;
	struct spec_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct spec_process process;
	char *hostname;
	char *domainname;
	struct spec_hook_list hooks[SPEC_HOOK_COUNT];
	struct spec_kv *annotations;
	size_t n_annotations;
	bool has_linux;
	struct spec_linux linux_;
};

/* Parse and validate a document. On failure err says "<json.path>: <reason>". */
int spec_parse(const char *json, size_t len, struct spec **out, struct error *err);
/* Read <bundle>/config.json (or `path` if it names a file) and parse it; errors start with "config.json: ". */
int spec_load(const char *path, struct spec **out, struct error *err);
void spec_free(struct spec *spec);

/* The default document written by `berth spec` (runc's defaults); rootless adds a user namespace. */
char *spec_default_json(bool rootless);

/* "pid", "network", ... for messages; CLONE_NEW* for a type. */
const char *spec_ns_name(enum spec_ns_type type);
int spec_ns_clone_flag(enum spec_ns_type type);

const char *spec_hook_kind_name(enum spec_hook_kind kind);

/* Decode runc/crun mount options into opts; an option neither knows goes to data. */
int spec_mount_opts_parse(char *const *options, struct spec_mount_opts *opts, struct error *err);

#endif
