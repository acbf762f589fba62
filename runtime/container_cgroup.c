/* The container's side of cgroup/: which cgroup a create makes, with which rules, and reopening it
 * from the state for the commands that act on a live container. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "runtime/container_internal.h"
#include "runtime/log.h"
#include "runtime/util.h"

/* What every container may use whatever linux.resources.devices says, as runc and crun allow them;
 * unlike them, no blanket mknod: a device the rules deny can be neither opened nor made. */
static const struct spec_device_rule default_devices[] = {
	{ true, 'c', 1, 3, "rwm" },  /* null */
	{ true, 'c', 1, 5, "rwm" },  /* zero */
	{ true, 'c', 1, 7, "rwm" },  /* full */
	{ true, 'c', 1, 8, "rwm" },  /* random */
	{ true, 'c', 1, 9, "rwm" },  /* urandom */
	{ true, 'c', 5, 0, "rwm" },  /* tty */
	{ true, 'c', 5, 1, "rwm" },  /* console */
	{ true, 'c', 5, 2, "rwm" },  /* ptmx */
	{ true, 'c', 136, -1, "rwm" }, /* pts */
};

/* The rules the cgroup gets: the spec's, then the defaults, then every linux.devices node, so the
 * devices the container was given stay usable after a deny-all. No resources.devices: no rules. */
static struct spec_resources *effective_resources(const struct spec *spec, struct spec_resources *copy)
{
	const struct spec_resources *r = spec->linux_.resources;
	const struct spec_linux *lx = &spec->linux_;
	size_t n;

	if (!r || !r->has_devices)
		return (struct spec_resources *)r;
	*copy = *r;
	n = r->n_devices + ARRAY_SIZE(default_devices) + lx->n_devices;
	copy->devices = xmalloc(n * sizeof(*copy->devices));
	memcpy(copy->devices, r->devices, r->n_devices * sizeof(*r->devices));
	memcpy(copy->devices + r->n_devices, default_devices, sizeof(default_devices));
	copy->n_devices = r->n_devices + ARRAY_SIZE(default_devices);
	for (size_t i = 0; i < lx->n_devices; i++) {
		const struct spec_device *d = &lx->devices[i];
		struct spec_device_rule *rule = &copy->devices[copy->n_devices];

		if (d->type != 'c' && d->type != 'u' && d->type != 'b')
			continue; /* fifos are not the device cgroup's business */
		*rule = (struct spec_device_rule){ true, d->type == 'b' ? 'b' : 'c', d->major, d->minor, "rwm" };
		copy->n_devices++;
	}
	return copy;
}

int container_cgroup_create(const struct spec *spec, const struct container_opts *o, const char *planned,
			    struct cgroup **cg, char **path, struct error *err)
{
	const struct spec_resources *r = spec->linux_.resources;
	struct spec_resources copy;
	struct spec_resources *eff;
	int ret;

	*cg = NULL;
	*path = NULL;
	if (o->cgroup_manager == CGROUP_MANAGER_DISABLED) {
		if (r)
			return error_set(err, EINVAL, "linux.resources: cannot be applied with --cgroup-manager=disabled");
		return 0;
	}
	if (planned)
		*path = xstrdup(planned);
	else if ((ret = cgroup_path_resolve(o->cgroup_manager, spec->linux_.cgroups_path, o->id, path, err)) < 0)
		return ret;
	eff = effective_resources(spec, &copy);
	ret = cgroup_create(*path, eff, cg, err);
	if (eff == &copy)
		free(copy.devices);
	if (ret < 0) {
		free(*path);
		*path = NULL;
		return ret;
	}
	log_debug("create %s: cgroup %s (%s)", o->id, *path, cgroup_backend_name(*cg));
	return 0;
}

int container_cgroup_open(const struct state *st, struct cgroup **cg, struct error *err)
{
	if (!st->cgroup_path)
		return error_set(err, ENOTSUP, "container \"%s\" has no cgroup (--cgroup-manager=disabled)", st->id);
	return cgroup_open(st->cgroup_path, st->cgroup_levels, cg, err);
}

int container_pause(const char *root, const char *id, bool pause, struct error *err)
{
	struct container_handle c;
	struct cgroup *cg = NULL;
	int r = container_open(root, id, &c, err);

	if (r == 0 && pause && c.status != STATUS_RUNNING)
		r = error_set(err, EINVAL, "container \"%s\" is %s, not running", id, state_status_name(c.status));
	if (r == 0 && !pause && c.status != STATUS_PAUSED)
		r = error_set(err, EINVAL, "container \"%s\" is %s, not paused", id, state_status_name(c.status));
	if (r == 0 && (r = container_cgroup_open(&c.st, &cg, err)) == 0)
		r = cgroup_freeze(cg, pause, err);
	cgroup_free(cg);
	container_close(&c);
	return r < 0 ? error_prefix(err, pause ? "pause" : "resume") : 0;
}

int container_update(const char *root, const char *id, const struct spec_resources *res, struct error *err)
{
	struct container_handle c;
	struct cgroup *cg = NULL;
	int r = container_open(root, id, &c, err);

	if (r == 0 && (c.status == STATUS_STOPPED || c.status == STATUS_CREATING))
		r = error_set(err, ESRCH, "container \"%s\" is %s", id, state_status_name(c.status));
	if (r == 0 && (r = container_cgroup_open(&c.st, &cg, err)) == 0)
		r = cgroup_update(cg, res, err);
	cgroup_free(cg);
	container_close(&c);
	return r < 0 ? error_prefix(err, "update") : 0;
}

int container_cgroup_lookup(const char *root, const char *id, struct cgroup **cg, struct state *st,
			    enum container_status *status, struct error *err)
{
	struct container_handle c;
	int r = container_open(root, id, &c, err);

	*cg = NULL;
	if (r == 0 && (r = container_cgroup_open(&c.st, cg, err)) == 0) {
		*st = c.st;
		*status = c.status;
		memset(&c.st, 0, sizeof(c.st));
	}
	container_close(&c);
	return r;
}
