/* Shared by the cgroup v1 unit tests: per-test cgroups below /berth-test-<pid>-*, host file access,
 * children parked in a cgroup. */
#ifndef BERTH_TEST_CGROUP_V1_FIXTURE_H
#define BERTH_TEST_CGROUP_V1_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/backend.h"
#include "runtime/spec.h"
#include "runtime/util.h"

extern pid_t test_pid; /* the runner's pid, in every cgroup name */
extern const char *const hiers[10];

bool is_v1_host(void);
char *top_name(const char *name);
char *cg_path(const char *name, const char *sub);
void rm_tree(const char *dir);
void cleanup_all(void);
void setup(void);
void teardown(void);
struct cgroup *new_cg(const char *path);
void free_cg(struct cgroup *cg);
struct cgroup *create_cg(const char *path);
char *read_host(const char *hier, const char *cgpath, const char *file);
bool exists_in(const char *hier, const char *cgpath);
pid_t spawn(int (*fn)(void *), void *arg, int *go);
void release_child(int go);
pid_t spawn_in(struct cgroup *cg, int (*fn)(void *), void *arg);
int wait_status(pid_t pid);
int sleep_forever(void *arg);
void kill_wait(pid_t pid);
void remove_cg(struct cgroup *cg);
struct spec_device_rule rule(bool allow, char type, int64_t major, int64_t minor, const char *access);

#define ck_file_eq(hier, cgpath, file, want)                                                           \
	do {                                                                                         \
		cleanup_free char *_got = read_host(hier, cgpath, file);                             \
		ck_assert_msg(strcmp(_got, want) == 0, "%s %s: got \"%s\", want \"%s\"", hier, file, \
			      _got, want);                                                           \
	} while (0)

#endif
