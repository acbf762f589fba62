/* A container joining a tenant: where its cgroup goes, admission under the tenant's lock, and its
 * own limits checked against the tenant's. */
#include "runtime/tenant.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/util.h"

#define ANNOTATION_TENANT TENANT_ANNOTATION
#define TENANTS_CGROUP "/berth/tenants/"

static const char *annotation(const struct spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->n_annotations; i++)
		if (!strcmp(spec->annotations[i].key, key))
			return spec->annotations[i].value;
	return NULL;
}

/* The deepest defined tenant whose cgroup holds path (an engine's --cgroup-parent), or NULL. */
static char *tenant_of_path(const char *root, const char *path)
{
	if (strncmp(path, TENANTS_CGROUP, strlen(TENANTS_CGROUP)))
		return NULL;
	char *name = xstrdup(path + strlen(TENANTS_CGROUP));

	for (char *slash; (slash = strrchr(name, '/'));) {
		*slash = '\0';
		if (tenant_exists(root, name))
			return name;
	}
	free(name);
	return NULL;
}

static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && path[n] == '/' && path[n + 1];
}

static int over(const char *tenant, const char *what, long long mine, long long theirs, struct error *err)
{
	return error_set(err, 0, "linux.resources.%s %lld exceeds the limit of tenant \"%s\" (%lld)", what,
			 mine, tenant, theirs);
}

/* A container may not ask for more than its tenant has. */
static int check_limits(const struct tenant *t, const struct spec_resources *c, struct error *err)
{
	struct spec_resources tr;
	int r = tenant_resources(t, &tr, err);

	if (r < 0 || !c)
		goto out;
	if (tr.memory.limit.set && c->memory.limit.set &&
	    (c->memory.limit.v < 0 || c->memory.limit.v > tr.memory.limit.v))
		r = over(t->name, "memory.limit", c->memory.limit.v, tr.memory.limit.v, err);
	else if (tr.pids_limit.set && c->pids_limit.set && (c->pids_limit.v <= 0 || c->pids_limit.v > tr.pids_limit.v))
		r = over(t->name, "pids.limit", c->pids_limit.v, tr.pids_limit.v, err);
	else if (tr.cpu.quota.set && c->cpu.quota.set && c->cpu.quota.v > 0 && c->cpu.period.set && c->cpu.period.v &&
		 (double)c->cpu.quota.v / c->cpu.period.v > (double)tr.cpu.quota.v / tr.cpu.period.v + 1e-9)
		r = error_set(err, 0, "linux.resources.cpu quota/period %lld/%llu (%.2f cores) exceeds the limit "
			      "of tenant \"%s\" (%s cores)", (long long)c->cpu.quota.v,
			      (unsigned long long)c->cpu.period.v, (double)c->cpu.quota.v / c->cpu.period.v, t->name,
			      t->v[TENANT_CPUS]);
out:
	tenant_resources_release(&tr);
	return r;
}

int tenant_place(const char *root, const char *flag, const struct spec *spec, const char *id, char **path,
		 char **tenant, char **network, int *lock_fd, struct error *err)
{
	const char *ann = annotation(spec, ANNOTATION_TENANT), *cp = spec->linux_.cgroups_path;
	cleanup_free char *name = NULL, *tpath = NULL, *newpath = NULL;
	struct tenant t;
	size_t running = 0;
	int r;

	*tenant = *network = NULL;
	*lock_fd = -1;
	if (flag && ann && strcmp(flag, ann))
		return error_set(err, 0, "--tenant \"%s\" and annotation " ANNOTATION_TENANT " \"%s\" differ", flag,
				 ann);
	if (flag || ann)
		name = xstrdup(flag ? flag : ann);
	else if (!*path || !(name = tenant_of_path(root, *path)))
		return 0;
	if (!*path)
		return error_set(err, 0, "tenant \"%s\": --cgroup-manager=disabled gives no cgroup to put in it", name);
	if ((r = tenant_load(root, name, &t, err)) < 0)
		return r;
	tpath = tenant_cgroup_path(name);
	if (!cp || !*cp)
		newpath = xasprintf("%s/%s", tpath, id);
	else if (cp[0] != '/' && !strchr(cp, ':'))
		newpath = xasprintf("%s/%s", tpath, cp);
	else if (cp[0] == '/' && inside(cp, tpath))
		newpath = xstrdup(cp);
	else if (cp[0] == '/')
		r = error_set(err, 0, "linux.cgroupsPath \"%s\" lies outside tenant \"%s\" (%s)", cp, name, tpath);
	else
		r = error_set(err, 0, "tenant \"%s\": a systemd cgroupsPath (\"%s\"): not supported yet", name, cp);
	if (r == 0)
		r = check_limits(&t, spec->linux_.resources, err);
	if (r == 0 && (r = tenant_lock(root, name, err)) >= 0) {
		*lock_fd = r;
		r = 0;
	}
	int64_t limit = tenant_container_limit(&t);
	if (r == 0 && t.v[TENANT_NETWORK])
		*network = xstrdup(t.v[TENANT_NETWORK]);
	if (r == 0 && limit >= 0 && (r = tenant_count_containers(root, name, &running, err)) == 0 &&
	    (int64_t)running >= limit)
		r = error_set(err, 0, "tenant \"%s\" has %zu running container(s), its limit (--containers %lld)",
			      name, running, (long long)limit);
	tenant_release(&t);
	if (r < 0) {
		free(steal_pointer(network));
		if (*lock_fd >= 0)
			close(*lock_fd);
		*lock_fd = -1;
		return r;
	}
	free(*path);
	*path = steal_pointer(&newpath);
	*tenant = steal_pointer(&name);
	return 0;
}
