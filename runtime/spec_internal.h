/* Private to the spec parser: typed readers of yajl values that name the JSON path on failure. */
#ifndef BERTH_SPEC_INTERNAL_H
#define BERTH_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "runtime/spec.h"

/* A validation failure: EINVAL without ": Invalid argument" appended, the message says it all. */
int spec_fail(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A pass over a whole JSON document before yajl_tree_parse: "invalid JSON at line L, column C: ..."
 * and any string or object key holding NUL ("<prefix>.a.b[2]: the string holds a NUL character"). */
int spec_json_scan(const char *buf, size_t len, const char *prefix, struct error *err);

/* The member `key` of an object; NULL when absent or JSON null (treated alike, as Go does). */
yajl_val sj_get(yajl_val obj, const char *key);

/* Each reader checks the JSON type of v (non-NULL) and reports "<path>: expected ..." otherwise. */
int sj_object(yajl_val v, const char *path, struct error *err);
int sj_array(yajl_val v, const char *path, struct error *err);
int sj_string(yajl_val v, const char *path, char **out, struct error *err);
int sj_bool(yajl_val v, const char *path, bool *out, struct error *err);
int sj_u32(yajl_val v, const char *path, uint32_t *out, struct error *err);
int sj_i64(yajl_val v, const char *path, int64_t *out, struct error *err);
int sj_u64(yajl_val v, const char *path, uint64_t *out, struct error *err);
int sj_int_range(yajl_val v, const char *path, long long min, long long max, long long *out,
		 struct error *err);
/* An array of strings -> NULL-terminated vector (an empty array gives an empty vector). */
int sj_strv(yajl_val v, const char *path, char ***out, struct error *err);
/* An absolute path; clean: collapse it lexically (see spec_clean_path). */
int sj_abs_path(yajl_val v, const char *path, bool clean, char **out, struct error *err);
/* An object of string -> string. */
int sj_kv_object(yajl_val v, const char *path, struct spec_kv **out, size_t *n, struct error *err);
/* [{containerID, hostID, size}] */
int sj_id_mappings(yajl_val v, const char *path, struct spec_id_mapping **out, size_t *n, struct error *err);
/* A required member: "<path>.<key>: is required" when absent. */
yajl_val sj_require(yajl_val obj, const char *path, const char *key, struct error *err);
/* Every string of an env vector holds '='. */
int sj_check_env(char *const *env, const char *path, struct error *err);

/* Lexical clean of an absolute path: no "//", no "." components, ".." pops (and stays at "/"). */
char *spec_clean_path(const char *path);

void spec_kv_free(struct spec_kv *kv, size_t n);

int spec_parse_process(yajl_val v, struct spec_process *p, struct error *err);
/* process.scheduler, process.ioPriority, process.execCPUAffinity (runtime/spec_sched.c) */
int spec_parse_sched(yajl_val process, struct spec_process *p, struct error *err);
/* linux.memoryPolicy (spec_mempolicy.c) */
int spec_parse_mempolicy(yajl_val v, struct spec_mempolicy *mp, struct error *err);
void spec_process_free(struct spec_process *p);

int spec_parse_linux(yajl_val v, struct spec_linux *lx, struct error *err);
void spec_linux_free(struct spec_linux *lx);

/* linux.seccomp (runtime/spec_seccomp.c) */
int spec_parse_seccomp(yajl_val v, struct spec_seccomp **out, struct error *err);

/* linux.resources (runtime/spec_resources.c): errors name "<path>.<field>"; "" gives bare names. */
int spec_parse_resources(yajl_val v, const char *path, struct spec_resources **out, struct error *err);

#endif
