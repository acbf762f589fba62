/* config.json "linux": namespaces, id mappings, time offsets, devices, paths, propagation, personality. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "runtime/spec_internal.h"
#include "runtime/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
} ns_table[SPEC_NS_COUNT] = {
	[SPEC_NS_PID] = { "pid", CLONE_NEWPID },	  [SPEC_NS_NETWORK] = { "network", CLONE_NEWNET },
	[SPEC_NS_MOUNT] = { "mount", CLONE_NEWNS },	  [SPEC_NS_IPC] = { "ipc", CLONE_NEWIPC },
	[SPEC_NS_UTS] = { "uts", CLONE_NEWUTS },	  [SPEC_NS_USER] = { "user", CLONE_NEWUSER },
	[SPEC_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP }, [SPEC_NS_TIME] = { "time", CLONE_NEWTIME },
};

const char *spec_ns_name(enum spec_ns_type type)
{
	return (unsigned)type < SPEC_NS_COUNT ? ns_table[type].name : "unknown";
}

int spec_ns_clone_flag(enum spec_ns_type type)
{
	return (unsigned)type < SPEC_NS_COUNT ? ns_table[type].flag : 0;
}

static int parse_namespace(yajl_val v, const char *path, struct spec_linux *lx, struct error *err)
{
	cleanup_free char *p_type = xasprintf("%s.type", path);
	cleanup_free char *p_path = xasprintf("%s.path", path);
	cleanup_free char *type = NULL;
	struct spec_namespace *ns;
	yajl_val f;
	int t;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "type", err)) || sj_string(f, p_type, &type, err) < 0)
		return -EINVAL;
	for (t = 0; t < SPEC_NS_COUNT; t++)
		if (strcmp(ns_table[t].name, type) == 0)
			break;
	if (t == SPEC_NS_COUNT)
		return spec_fail(err, "%s: unknown namespace type \"%s\"", p_type, type);
	ns = &lx->namespaces[t];
	if (ns->present)
		return spec_fail(err, "%s: duplicate namespace type \"%s\"", p_type, type);
	ns->present = true;
	if ((f = sj_get(v, "path")) && sj_abs_path(f, p_path, false, &ns->path, err) < 0)
		return -EINVAL;
	return 0;
}

static int parse_time_offset(yajl_val v, const char *path, struct spec_time_offset *o, struct error *err)
{
	cleanup_free char *p_secs = xasprintf("%s.secs", path);
	cleanup_free char *p_nsecs = xasprintf("%s.nanosecs", path);
	yajl_val f;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	o->present = true;
	if ((f = sj_get(v, "secs")) && sj_i64(f, p_secs, &o->secs, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "nanosecs"))) {
		if (sj_u32(f, p_nsecs, &o->nanosecs, err) < 0)
			return -EINVAL;
		if (o->nanosecs >= 1000000000u)
			return spec_fail(err, "%s: %u is not below one second", p_nsecs, o->nanosecs);
	}
	return 0;
}

static int parse_time_offsets(yajl_val v, struct spec_linux *lx, struct error *err)
{
	if (sj_object(v, "linux.timeOffsets", err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];
		cleanup_free char *p = xasprintf("linux.timeOffsets.%s", key);
		struct spec_time_offset *o;

		if (strcmp(key, "boottime") == 0)
			o = &lx->time_boottime;
		else if (strcmp(key, "monotonic") == 0)
			o = &lx->time_monotonic;
		else
			return spec_fail(err, "%s: unknown clock \"%s\" (boottime or monotonic)", p, key);
		if (parse_time_offset(v->u.object.values[i], p, o, err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int parse_device(yajl_val v, const char *path, struct spec_device *d, struct error *err)
{
	cleanup_free char *p_path = xasprintf("%s.path", path);
	cleanup_free char *p_type = xasprintf("%s.type", path);
	cleanup_free char *p_major = xasprintf("%s.major", path);
	cleanup_free char *p_minor = xasprintf("%s.minor", path);
	cleanup_free char *p_mode = xasprintf("%s.fileMode", path);
	cleanup_free char *p_uid = xasprintf("%s.uid", path);
	cleanup_free char *p_gid = xasprintf("%s.gid", path);
	cleanup_free char *type = NULL;
	yajl_val f;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "path", err)) || sj_abs_path(f, p_path, true, &d->path, err) < 0)
		return -EINVAL;
	if (strcmp(d->path, "/") == 0)
		return spec_fail(err, "%s: cannot create a device at \"/\"", p_path);
	if (!(f = sj_require(v, path, "type", err)) || sj_string(f, p_type, &type, err) < 0)
		return -EINVAL;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return spec_fail(err, "%s: unknown device type \"%s\" (c, b, u or p)", p_type, type);
	d->type = type[0];
	if (d->type != 'p') {
		if (!(f = sj_require(v, path, "major", err)) || sj_i64(f, p_major, &d->major, err) < 0)
			return -EINVAL;
		if (!(f = sj_require(v, path, "minor", err)) || sj_i64(f, p_minor, &d->minor, err) < 0)
			return -EINVAL;
		if (d->major < 0 || d->major > 0xfff)
			return spec_fail(err, "%s: %lld is not a device major number", p_major,
					 (long long)d->major);
		if (d->minor < 0 || d->minor > 0xfffff)
			return spec_fail(err, "%s: %lld is not a device minor number", p_minor,
					 (long long)d->minor);
	}
	if ((f = sj_get(v, "fileMode"))) {
		if (sj_u32(f, p_mode, &d->file_mode, err) < 0)
			return -EINVAL;
		/* The type bits come from "type": keep only the permissions. */
		d->file_mode &= 07777;
		d->has_file_mode = true;
	}
	if ((f = sj_get(v, "uid"))) {
		if (sj_u32(f, p_uid, &d->uid, err) < 0)
			return -EINVAL;
		d->has_uid = true;
	}
	if ((f = sj_get(v, "gid"))) {
		if (sj_u32(f, p_gid, &d->gid, err) < 0)
			return -EINVAL;
		d->has_gid = true;
	}
	return 0;
}

static int parse_devices(yajl_val v, struct spec_linux *lx, struct error *err)
{
	if (sj_array(v, "linux.devices", err) < 0)
		return -EINVAL;
	lx->n_devices = v->u.array.len;
	lx->devices = xzalloc((lx->n_devices + 1) * sizeof(*lx->devices));
	for (size_t i = 0; i < lx->n_devices; i++) {
		cleanup_free char *p = xasprintf("linux.devices[%zu]", i);

		if (parse_device(v->u.array.values[i], p, &lx->devices[i], err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int parse_paths(yajl_val v, const char *path, char ***out, struct error *err)
{
	if (sj_strv(v, path, out, err) < 0)
		return -EINVAL;
	for (size_t i = 0; (*out)[i]; i++) {
		char *clean;

		if ((*out)[i][0] != '/')
			return spec_fail(err, "%s[%zu]: must be an absolute path, got \"%s\"", path, i,
					 (*out)[i]);
		clean = spec_clean_path((*out)[i]);
		free((*out)[i]);
		(*out)[i] = clean;
	}
	return 0;
}

static int parse_propagation(yajl_val v, struct spec_linux *lx, struct error *err)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} table[] = {
		{ "shared", MS_SHARED },	 { "rshared", MS_SHARED | MS_REC },
		{ "slave", MS_SLAVE },		 { "rslave", MS_SLAVE | MS_REC },
		{ "private", MS_PRIVATE },	 { "rprivate", MS_PRIVATE | MS_REC },
		{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
	};

	if (!YAJL_IS_STRING(v))
		return spec_fail(err, "linux.rootfsPropagation: expected a string");
	if (!v->u.string[0])
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (strcmp(table[i].name, v->u.string) == 0) {
			lx->rootfs_propagation = table[i].flags;
			return 0;
		}
	return spec_fail(err, "linux.rootfsPropagation: unknown propagation \"%s\"", v->u.string);
}

static int parse_personality(yajl_val v, struct spec_personality *pers, struct error *err)
{
	cleanup_strv char **flags = NULL;
	cleanup_free char *domain = NULL;
	yajl_val f;

	if (sj_object(v, "linux.personality", err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "linux.personality", "domain", err)) ||
	    sj_string(f, "linux.personality.domain", &domain, err) < 0)
		return -EINVAL;
	if (strcmp(domain, "LINUX") == 0)
		pers->domain = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		pers->domain = PER_LINUX32;
	else
		return spec_fail(err, "linux.personality.domain: unknown domain \"%s\" (LINUX or LINUX32)",
				 domain);
	/* The spec defines no flags yet: check the shape and keep none. */
	if ((f = sj_get(v, "flags")) && sj_strv(f, "linux.personality.flags", &flags, err) < 0)
		return -EINVAL;
	pers->present = true;
	return 0;
}

/* intelRdt, netDevices belong to later modules: only their presence and shape are checked. */
static int note_object(yajl_val lv, const char *key, bool *has, struct error *err)
{
	cleanup_free char *p = xasprintf("linux.%s", key);
	yajl_val f = sj_get(lv, key);

	if (!f)
		return 0;
	if (sj_object(f, p, err) < 0)
		return -EINVAL;
	*has = true;
	return 0;
}

static int validate_linux(struct spec_linux *lx, struct error *err)
{
	const struct spec_namespace *user = &lx->namespaces[SPEC_NS_USER],
				    *time = &lx->namespaces[SPEC_NS_TIME];

	if (user->present && !user->path && (!lx->n_uid_mappings || !lx->n_gid_mappings))
		return spec_fail(err, "linux.%s: a new user namespace needs uidMappings and gidMappings",
				 lx->n_uid_mappings ? "gidMappings" : "uidMappings");
	if ((lx->time_boottime.present || lx->time_monotonic.present) && !time->present)
		return spec_fail(err, "linux.timeOffsets: needs a time namespace in linux.namespaces");
	if ((lx->time_boottime.present || lx->time_monotonic.present) && time->path)
		return spec_fail(err,
				 "linux.timeOffsets: cannot set the offsets of a joined time namespace (%s)",
				 time->path);
	return 0;
}

static int parse_lists(yajl_val v, struct spec_linux *lx, struct error *err)
{
	yajl_val f;

	if ((f = sj_get(v, "namespaces"))) {
		if (sj_array(f, "linux.namespaces", err) < 0)
			return -EINVAL;
		for (size_t i = 0; i < f->u.array.len; i++) {
			cleanup_free char *p = xasprintf("linux.namespaces[%zu]", i);

			if (parse_namespace(f->u.array.values[i], p, lx, err) < 0)
				return -EINVAL;
		}
	}
	if ((f = sj_get(v, "uidMappings")) &&
	    sj_id_mappings(f, "linux.uidMappings", &lx->uid_mappings, &lx->n_uid_mappings, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "gidMappings")) &&
	    sj_id_mappings(f, "linux.gidMappings", &lx->gid_mappings, &lx->n_gid_mappings, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "timeOffsets")) && parse_time_offsets(f, lx, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "devices")) && parse_devices(f, lx, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "sysctl")) && sj_kv_object(f, "linux.sysctl", &lx->sysctl, &lx->n_sysctl, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "maskedPaths")) && parse_paths(f, "linux.maskedPaths", &lx->masked_paths, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "readonlyPaths")) &&
	    parse_paths(f, "linux.readonlyPaths", &lx->readonly_paths, err) < 0)
		return -EINVAL;
	return 0;
}

int spec_parse_linux(yajl_val v, struct spec_linux *lx, struct error *err)
{
	yajl_val f;

	if (sj_object(v, "linux", err) < 0)
		return -EINVAL;
	if (parse_lists(v, lx, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "cgroupsPath")) && sj_string(f, "linux.cgroupsPath", &lx->cgroups_path, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "rootfsPropagation")) && parse_propagation(f, lx, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "mountLabel")) && sj_string(f, "linux.mountLabel", &lx->mount_label, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "personality")) && parse_personality(f, &lx->personality, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "seccomp")) && spec_parse_seccomp(f, &lx->seccomp, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "resources")) &&
	    spec_parse_resources(f, "linux.resources", &lx->resources, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "memoryPolicy"))) {
		if (spec_parse_mempolicy(f, &lx->memory_policy, err) < 0)
			return -EINVAL;
		lx->has_memory_policy = true;
	}
	if (note_object(v, "intelRdt", &lx->has_intel_rdt, err) < 0 ||
	    note_object(v, "netDevices", &lx->has_net_devices, err) < 0)
		return -EINVAL;
	return validate_linux(lx, err);
}

void spec_linux_free(struct spec_linux *lx)
{
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		free(lx->namespaces[t].path);
	free(lx->uid_mappings);
	free(lx->gid_mappings);
	for (size_t i = 0; i < lx->n_devices; i++)
		free(lx->devices[i].path);
	free(lx->devices);
	free(lx->cgroups_path);
	spec_kv_free(lx->sysctl, lx->n_sysctl);
	strv_free(lx->masked_paths);
	strv_free(lx->readonly_paths);
	free(lx->mount_label);
	free(lx->memory_policy.nodes);
	spec_seccomp_free(lx->seccomp);
	spec_resources_free(lx->resources);
}
