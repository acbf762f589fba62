/* Checks of a parsed spec against what a create can do, before anything exists. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "rootfs/rootfs.h"
#include "runtime/container_internal.h"

struct sysctl_owner {
	const char *prefix;
	enum spec_ns_type ns;
};

/* Only sysctls that belong to a namespace of the container may be set: others would change the host. */
static const struct sysctl_owner sysctl_owners[] = {
	{ "net.", SPEC_NS_NETWORK },	   { "kernel.msgmax", SPEC_NS_IPC },
	{ "kernel.msgmnb", SPEC_NS_IPC },  { "kernel.msgmni", SPEC_NS_IPC },
	{ "kernel.sem", SPEC_NS_IPC },	   { "kernel.shmall", SPEC_NS_IPC },
	{ "kernel.shmmax", SPEC_NS_IPC },  { "kernel.shmmni", SPEC_NS_IPC },
	{ "kernel.shm_rmid_forced", SPEC_NS_IPC }, { "fs.mqueue.", SPEC_NS_IPC },
	{ "kernel.hostname", SPEC_NS_UTS }, { "kernel.domainname", SPEC_NS_UTS },
};

/* /proc/self/ns names of the namespaces a sysctl can belong to */
static const char *const proc_ns_name[SPEC_NS_COUNT] = {
	[SPEC_NS_NETWORK] = "net",
	[SPEC_NS_IPC] = "ipc",
	[SPEC_NS_UTS] = "uts",
	[SPEC_NS_MOUNT] = "mnt",
};

/* A namespace joined by path is the host's when it is berth's own, by device and inode (as runc). */
static int joins_own_ns(const struct spec_namespace *ns, enum spec_ns_type t, bool *own, struct error *err)
{
	struct stat joined, self;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", proc_ns_name[t]);
	if (stat(ns->path, &joined) < 0)
		return error_sys(err, "linux.namespaces: %s namespace %s", spec_ns_name(t), ns->path);
	if (stat(path, &self) < 0)
		return error_sys(err, "stat %s", path);
	*own = joined.st_dev == self.st_dev && joined.st_ino == self.st_ino;
	return 0;
}

static int validate_sysctls(const struct spec *spec, struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;

	for (size_t i = 0; i < lx->n_sysctl; i++) {
		const char *key = lx->sysctl[i].key;
		const struct sysctl_owner *owner = NULL;
		const struct spec_namespace *ns;
		bool own = false;

		if (strstr(key, "..") || strchr(key, '/'))
			return error_set(err, EINVAL, "linux.sysctl: invalid name \"%s\"", key);
		/* the dedicated fields own these; two sources for one value is a config error (runc too) */
		if (!strcmp(key, "kernel.hostname"))
			return error_set(err, EINVAL, "linux.sysctl: \"%s\" conflicts with the hostname field: "
					 "set \"hostname\" instead", key);
		if (!strcmp(key, "kernel.domainname") && spec->domainname)
			return error_set(err, EINVAL, "linux.sysctl: \"%s\" conflicts with the domainname field", key);
		for (size_t j = 0; j < sizeof(sysctl_owners) / sizeof(sysctl_owners[0]); j++)
			if (strncmp(key, sysctl_owners[j].prefix, strlen(sysctl_owners[j].prefix)) == 0)
				owner = &sysctl_owners[j];
		if (!owner)
			return error_set(err, EPERM, "linux.sysctl: \"%s\" is not namespaced: it would change the host",
					 key);
		ns = &lx->namespaces[owner->ns];
		if (!ns->present)
			return error_set(err, EPERM, "linux.sysctl: \"%s\" needs a %s namespace of the container's own",
					 key, spec_ns_name(owner->ns));
		if (ns->path && joins_own_ns(ns, owner->ns, &own, err) < 0)
			return -err->errnum;
		if (own)
			return error_set(err, EPERM, "linux.sysctl: \"%s\": the %s namespace %s is the host's own",
					 key, spec_ns_name(owner->ns), ns->path);
	}
	return 0;
}

/* A mount namespace joined by path is used as it is; none at all means the host's, where nothing may
 * be mounted or changed: the root is entered by chroot only. */
static int validate_mount_ns(const struct spec *spec, struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;
	const struct spec_namespace *ns = &lx->namespaces[SPEC_NS_MOUNT];
	static const char need[] = "needs a mount namespace of the container's own (it would change the host's)";
	bool own = false;

	if (ns->present && ns->path) {
		if (joins_own_ns(ns, SPEC_NS_MOUNT, &own, err) < 0)
			return -err->errnum;
		if (own)
			return error_set(err, EINVAL, "linux.namespaces: the mount namespace %s is the host's own: "
					 "leave \"mount\" out of linux.namespaces to share it", ns->path);
		return 0;
	}
	if (ns->present)
		return 0;
	if (spec->n_mounts)
		return error_set(err, EINVAL, "mounts[0] (%s): %s", spec->mounts[0].destination, need);
	if (lx->masked_paths && lx->masked_paths[0])
		return error_set(err, EINVAL, "linux.maskedPaths: %s", need);
	if (lx->readonly_paths && lx->readonly_paths[0])
		return error_set(err, EINVAL, "linux.readonlyPaths: %s", need);
	if (spec->root_readonly)
		return error_set(err, EINVAL, "root.readonly: %s", need);
	if (lx->rootfs_propagation)
		return error_set(err, EINVAL, "linux.rootfsPropagation: %s", need);
	if (lx->n_devices)
		return error_set(err, EINVAL, "linux.devices: %s", need);
	return 0;
}

/* The plain case early; rootfs/ checks again on the destination as resolved in the root (symlinks). */
static int validate_mounts(const struct spec *spec, struct error *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];

		if (rootfs_check_proc_dest(spec, m, m->destination, false, -1, err) < 0)
			return error_prefix(err, "mounts[%zu]", i);
	}
	return 0;
}

static bool lsm_enabled(const char *path)
{
	char c = 'N';
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	if (fread(&c, 1, 1, f) != 1)
		c = 'N';
	fclose(f);
	return c == 'Y' || c == '1' || c == '0';
}

/* A confinement the host cannot give is refused (as runc does), not dropped; berth applies none yet. */
int container_validate_lsm(const struct spec_process *p, const char *mount_label, struct error *err)
{
	const char *aa = p->apparmor_profile, *se = p->selinux_label, *ml = mount_label;
	bool aa_on = lsm_enabled("/sys/module/apparmor/parameters/enabled");
	bool se_on = lsm_enabled("/sys/fs/selinux/enforce");

	/* "unconfined" asks for no profile, which is what the process gets */
	if (aa && *aa && strcmp(aa, "unconfined") != 0)
		return error_set(err, ENOTSUP, "process.apparmorProfile: %s", aa_on ?
				 "AppArmor profiles are not supported yet" : "AppArmor is not enabled on this host");
	if (se && *se)
		return error_set(err, ENOTSUP, "process.selinuxLabel: %s", se_on ?
				 "SELinux labels are not supported yet" : "SELinux is not enabled on this host");
	if (ml && *ml)
		return error_set(err, ENOTSUP, "linux.mountLabel: %s", se_on ?
				 "SELinux mount labels are not supported yet" : "SELinux is not enabled on this host");
	return 0;
}

int container_validate_spec(const struct spec *spec, const struct container_opts *o, struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;

	if (lx->has_intel_rdt)
		return error_set(err, ENOTSUP, "linux.intelRdt: not supported");
	if (lx->has_net_devices)
		return error_set(err, ENOTSUP, "linux.netDevices: not supported yet");
	if (spec->process.terminal && !o->console_socket && !o->foreground)
		return error_set(err, EINVAL, "process.terminal: needs --console-socket when detached");
	if (spec->hostname && !lx->namespaces[SPEC_NS_UTS].present)
		return error_set(err, EINVAL, "hostname: needs a UTS namespace");
	if (spec->domainname && !lx->namespaces[SPEC_NS_UTS].present)
		return error_set(err, EINVAL, "domainname: needs a UTS namespace");
	if (lx->namespaces[SPEC_NS_USER].present && !lx->namespaces[SPEC_NS_USER].path &&
	    (!lx->n_uid_mappings || !lx->n_gid_mappings))
		return error_set(err, EINVAL, "linux.uidMappings: a new user namespace needs uid and gid mappings");
	if (container_validate_lsm(&spec->process, spec->linux_.mount_label, err) < 0 || validate_mount_ns(spec, err) < 0 || validate_mounts(spec, err) < 0)
		return -err->errnum;
	return validate_sysctls(spec, err);
}
