/* Tenants: named cgroup subtrees (/berth/tenants/NAME) whose limits the kernel enforces across all
 * their containers, with an admission limit on the number of containers. Definitions live under the
 * state root: <root>/.tenants/<key>/ holds tenant.json and lock, key being the name with '/' -> '+'
 * ("acme/web" -> "acme+web"; '+' is not allowed in a name). */
#ifndef BERTH_TENANT_H
#define BERTH_TENANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"
#include "runtime/spec.h"
#include "runtime/spec_resources.h"

#define TENANT_ANNOTATION "org.berth.tenant"

/* The definition as the flags gave it (strings, NULL when not set), so update merges by key. */
enum tenant_key {
	TENANT_MEMORY,
	TENANT_MEMORY_SWAP,
	TENANT_CPUS,
	TENANT_CPU_WEIGHT,
	TENANT_PIDS,
	TENANT_IO_WEIGHT,
	TENANT_IO_MAX, /* space-separated MAJ:MIN:rbps=N,... entries */
	TENANT_CONTAINERS,
	TENANT_NETWORK,
	TENANT_KEY_COUNT
};

struct tenant {
	char *name;
	char *v[TENANT_KEY_COUNT];
};

/* "memory", "memory-swap", ...: the flag and JSON key of each field. */
extern const char *const tenant_key_names[TENANT_KEY_COUNT];

/* Components of [a-zA-Z0-9_.-] (not starting with '.'), 1-64 characters each, at most 8 levels,
 * joined by '/'. The error names the name. */
int tenant_name_check(const char *name, struct error *err);
/* "/berth/tenants/<name>" (malloc'ed). */
char *tenant_cgroup_path(const char *name);
/* Check every value of t and build the limits it gives (r zeroed first; release with
 * tenant_resources_release). */
int tenant_resources(const struct tenant *t, struct spec_resources *r, struct error *err);
void tenant_resources_release(struct spec_resources *r);
/* The --containers limit, or -1 for none. */
int64_t tenant_container_limit(const struct tenant *t);

int tenant_load(const char *root, const char *name, struct tenant *t, struct error *err);
bool tenant_exists(const char *root, const char *name);
void tenant_release(struct tenant *t);
/* An exclusive flock on the tenant's lock file: the fd, or a negative errno. */
int tenant_lock(const char *root, const char *name, struct error *err);
/* Every tenant name, sorted (malloc'ed strv). */
int tenant_list(const char *root, char ***names, struct error *err);

/* Define the tenant and make its cgroup with the limits; on failure nothing is left. */
int tenant_create(const char *root, const struct tenant *t, struct error *err);
/* Merge the values set in t into the definition and apply the limits to the live cgroup. */
int tenant_update(const char *root, const struct tenant *t, struct error *err);
/* Refused while the tenant has running containers or sub-tenants. */
int tenant_remove(const char *root, const char *name, struct error *err);
/* Running containers: non-empty child cgroups of the tenant's that are not sub-tenants. */
int tenant_count_containers(const char *root, const char *name, size_t *n, struct error *err);

/* For a container being created: the tenant (--tenant, else the annotation org.berth.tenant, else a
 * cgroupsPath inside /berth/tenants/), the cgroup path to use in *path (replacing the resolved one),
 * the tenant's lock held in *lock_fd until the container's init is in its cgroup (-1 when no tenant),
 * admission and the container's limits checked against the tenant's; *network: the tenant's
 * --network or NULL. */
int tenant_place(const char *root, const char *flag, const struct spec *spec, const char *id, char **path,
		 char **tenant, char **network, int *lock_fd, struct error *err);

#endif
