/* Checks of a parsed spec against what a create can do, before anything exists. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

static int validate_sysctls(const struct spec_linux *lx, struct error *err)
{
	for (size_t i = 0; i < lx->n_sysctl; i++) {
		const char *key = lx->sysctl[i].key;
		const struct sysctl_owner *owner = NULL;

		if (strstr(key, "..") || strchr(key, '/'))
			return error_set(err, EINVAL, "linux.sysctl: invalid name \"%s\"", key);
		for (size_t j = 0; j < sizeof(sysctl_owners) / sizeof(sysctl_owners[0]); j++)
			if (strncmp(key, sysctl_owners[j].prefix, strlen(sysctl_owners[j].prefix)) == 0)
				owner = &sysctl_owners[j];
		if (!owner)
			return error_set(err, EPERM, "linux.sysctl: \"%s\" is not namespaced: it would change the host",
					 key);
		if (!lx->namespaces[owner->ns].present || lx->namespaces[owner->ns].path)
			return error_set(err, EPERM, "linux.sysctl: \"%s\" needs a new %s namespace", key,
					 spec_ns_name(owner->ns));
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

/* Like runc, a label for an LSM the host does not run is ignored; one the host runs must not be. */
static int validate_lsm(const struct spec *spec, struct error *err)
{
	const struct spec_process *p = &spec->process;

	if (p->apparmor_profile && *p->apparmor_profile && lsm_enabled("/sys/module/apparmor/parameters/enabled"))
		return error_set(err, ENOTSUP, "process.apparmorProfile: AppArmor profiles are not supported yet");
	if (p->selinux_label && *p->selinux_label && lsm_enabled("/sys/fs/selinux/enforce"))
		return error_set(err, ENOTSUP, "process.selinuxLabel: SELinux labels are not supported yet");
	return 0;
}

int container_validate_spec(const struct spec *spec, const struct container_opts *o, struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;

	if (!spec->has_process)
		return error_set(err, EINVAL, "process: required to create a container");
	if (!lx->namespaces[SPEC_NS_MOUNT].present || lx->namespaces[SPEC_NS_MOUNT].path)
		return error_set(err, EINVAL, "linux.namespaces: a new mount namespace is required");
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
	if (validate_lsm(spec, err) < 0)
		return -err->errnum;
	return validate_sysctls(lx, err);
}
