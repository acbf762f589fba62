/* Where a container's cgroup goes: the manager flags and linux.cgroupsPath, made into one cgroupfs
 * path. systemd does not run on these machines and berth does not talk to it over D-Bus: a
 * systemd-style path is mapped to the directory systemd itself would have made. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/util.h"

/* The parent of the containers whose cgroupsPath is absent or relative. */
#define BERTH_PARENT "/berth"

int cgroup_manager_parse(const char *name, enum cgroup_manager *out, struct error *err)
{
	static const char *const names[] = { [CGROUP_MANAGER_CGROUPFS] = "cgroupfs",
					     [CGROUP_MANAGER_SYSTEMD] = "systemd",
					     [CGROUP_MANAGER_DISABLED] = "disabled" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i])) {
			*out = i;
			return 0;
		}
	return error_set(err, EINVAL, "--cgroup-manager: unknown manager \"%s\" (cgroupfs, systemd, disabled)",
			 name);
}

static bool valid_unit_part(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", as systemd nests slices; "-.slice" is the root. */
static int expand_slice(const char *slice, char **out, struct error *err)
{
	size_t len = strlen(slice);

	if (!strcmp(slice, "-.slice")) {
		*out = xstrdup("");
		return 0;
	}
	if (len <= 6 || strcmp(slice + len - 6, ".slice") || !valid_unit_part(slice) || slice[0] == '-' ||
	    strstr(slice, "--") || slice[len - 7] == '-')
		return error_set(err, EINVAL, "cgroupsPath: \"%s\" is not a valid systemd slice name", slice);

	cleanup_free char *name = xstrndup(slice, len - 6);
	char *path = xstrdup("");

	for (char *dash = name;; dash++) {
		dash = strchrnul(dash, '-');
		char *next = xasprintf("%s/%.*s.slice", path, (int)(dash - name), name);

		free(path);
		path = next;
		if (!*dash)
			break;
	}
	*out = path;
	return 0;
}

static int resolve_systemd(const char *cgroups_path, const char *id, char **out, struct error *err)
{
	cleanup_free char *dflt = NULL, *copy = NULL, *slice_path = NULL;
	char *slice, *prefix, *name;
	int r;

	if (!cgroups_path || !*cgroups_path)
		cgroups_path = dflt = xasprintf("system.slice:berth:%s", id);
	copy = xstrdup(cgroups_path);
	slice = copy;
	prefix = strchr(slice, ':');
	name = prefix ? strchr(prefix + 1, ':') : NULL;
	if (!name || strchr(name + 1, ':'))
		return error_set(err, EINVAL,
				 "cgroupsPath \"%s\": the systemd cgroup manager expects \"slice:prefix:name\"",
				 cgroups_path);
	*prefix++ = '\0';
	*name++ = '\0';
	if (!*slice)
		slice = "system.slice";
	if (!valid_unit_part(name) || (*prefix && !valid_unit_part(prefix)))
		return error_set(err, EINVAL, "cgroupsPath \"%s\": bad prefix or name", cgroups_path);
	if ((r = expand_slice(slice, &slice_path, err)) < 0)
		return r;
	size_t nlen = strlen(name);

	/* a name that is itself a slice is used as the unit, as runc does */
	if (nlen > 6 && !strcmp(name + nlen - 6, ".slice"))
		*out = xasprintf("%s/%s", slice_path, name);
	else if (*prefix)
		*out = xasprintf("%s/%s-%s.scope", slice_path, prefix, name);
	else
		*out = xasprintf("%s/%s.scope", slice_path, name);
	return 0;
}

int cgroup_path_resolve(enum cgroup_manager m, const char *cgroups_path, const char *id, char **out,
			struct error *err)
{
	switch (m) {
	case CGROUP_MANAGER_DISABLED:
		*out = NULL;
		return 0;
	case CGROUP_MANAGER_SYSTEMD:
		return resolve_systemd(cgroups_path, id, out, err);
	case CGROUP_MANAGER_CGROUPFS:
		break;
	}
	if (!cgroups_path || !*cgroups_path)
		*out = xasprintf(BERTH_PARENT "/%s", id);
	else if (cgroups_path[0] == '/')
		*out = xstrdup(cgroups_path);
	else if (strchr(cgroups_path, ':') && !strchr(cgroups_path, '/'))
		/* "slice:prefix:name" given to the cgroupfs manager: what podman passes with systemd */
		return error_set(err, EINVAL,
				 "cgroupsPath \"%s\" looks like a systemd path: use --systemd-cgroup or "
				 "--cgroup-manager=systemd",
				 cgroups_path);
	else
		*out = xasprintf(BERTH_PARENT "/%s", cgroups_path);
	return 0;
}
