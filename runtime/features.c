/* `berth features`: what this build and this host can do, asked of the libraries and the kernel
 * rather than written down. */
#include "runtime/features.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/json.h"
#include "runtime/mempolicy.h"
#include "runtime/spec.h"
#include "runtime/util.h"

/* Every option runtime/mount_options.c decodes; each is checked against the parser below. */
static const char *const mount_option_names[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap", "lazytime",
	"loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "nolazytime", "nomand", "norelatime",
	"nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime",
	"remount", "rexec", "ridmap", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
	"rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared",
	"rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave",
	"strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
};

static const char *const seccomp_actions[] = {
	"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
};

static const char *const seccomp_operators[] = {
	"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
	"SCMP_CMP_NE",
};

static const char *const seccomp_flags[] = {
	"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* runtime-spec name, libseccomp name */
static const char *const seccomp_archs[][2] = {
	{ "SCMP_ARCH_AARCH64", "aarch64" },	{ "SCMP_ARCH_ARM", "arm" },
	{ "SCMP_ARCH_MIPS", "mips" },		{ "SCMP_ARCH_MIPS64", "mips64" },
	{ "SCMP_ARCH_MIPS64N32", "mips64n32" }, { "SCMP_ARCH_MIPSEL", "mipsel" },
	{ "SCMP_ARCH_MIPSEL64", "mipsel64" },	{ "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
	{ "SCMP_ARCH_PARISC", "parisc" },	{ "SCMP_ARCH_PARISC64", "parisc64" },
	{ "SCMP_ARCH_PPC", "ppc" },		{ "SCMP_ARCH_PPC64", "ppc64" },
	{ "SCMP_ARCH_PPC64LE", "ppc64le" },	{ "SCMP_ARCH_RISCV64", "riscv64" },
	{ "SCMP_ARCH_S390", "s390" },		{ "SCMP_ARCH_S390X", "s390x" },
	{ "SCMP_ARCH_X32", "x32" },		{ "SCMP_ARCH_X86", "x86" },
	{ "SCMP_ARCH_X86_64", "x86_64" },
};

static bool mount_option_known(const char *name)
{
	char *opts[] = { (char *)name, NULL };
	struct spec_mount_opts o = { 0 };
	struct error err;
	bool known = spec_mount_opts_parse(opts, &o, &err) == 0 && (!o.data || !o.data[0]);

	free(o.data);
	return known;
}

/* mount_setattr(MOUNT_ATTR_IDMAP) exists: an invalid call fails with EBADF/EINVAL, not ENOSYS */
static bool kernel_has_idmap(void)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = -1 };

	return syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 && errno != ENOSYS;
}

static bool kernel_has_ns(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return stat(path, &st) == 0;
}

static void strings(struct json_out *j, const char *key, const char *const *v, size_t n)
{
	json_key(j, key);
	json_array_open(j);
	for (size_t i = 0; i < n; i++)
		json_string(j, v[i]);
	json_array_close(j);
}

static void enabled(struct json_out *j, const char *key, bool on)
{
	json_key(j, key);
	json_map_open(j);
	json_kv_bool(j, "enabled", on);
	json_map_close(j);
}

static void write_capabilities(struct json_out *j)
{
	int last = caps_last_cap();

	json_key(j, "capabilities");
	json_array_open(j);
	for (int c = 0; c <= last && c < 64; c++) {
		char *name = cap_to_name(c);

		if (name && strncasecmp(name, "cap_", 4) == 0) {
			for (char *p = name; *p; p++)
				*p = toupper((unsigned char)*p);
			json_string(j, name);
		}
		cap_free(name);
	}
	json_array_close(j);
}

static void write_seccomp(struct json_out *j)
{
	json_key(j, "seccomp");
	json_map_open(j);
	json_kv_bool(j, "enabled", true);
	strings(j, "actions", seccomp_actions, ARRAY_SIZE(seccomp_actions));
	strings(j, "operators", seccomp_operators, ARRAY_SIZE(seccomp_operators));
	json_key(j, "archs");
	json_array_open(j);
	for (size_t i = 0; i < ARRAY_SIZE(seccomp_archs); i++)
		if (seccomp_arch_resolve_name(seccomp_archs[i][1]) != 0)
			json_string(j, seccomp_archs[i][0]);
	json_array_close(j);
	strings(j, "knownFlags", seccomp_flags, ARRAY_SIZE(seccomp_flags));
	strings(j, "supportedFlags", seccomp_flags, ARRAY_SIZE(seccomp_flags));
	json_map_close(j);
}

static void write_linux(struct json_out *j)
{
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "user", "uts", "time" };
	static const char *const proc_ns[] = { "cgroup", "ipc", "mnt", "net", "pid", "user", "uts", "time" };

	json_key(j, "linux");
	json_map_open(j);
	json_key(j, "namespaces");
	json_array_open(j);
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++)
		if (kernel_has_ns(proc_ns[i]))
			json_string(j, ns[i]);
	json_array_close(j);
	write_capabilities(j);
	json_key(j, "cgroup");
	json_map_open(j);
	json_kv_bool(j, "v1", true);
	json_kv_bool(j, "v2", true);
	/* systemd-style paths are mapped to cgroupfs; berth never talks to systemd */
	json_kv_bool(j, "systemd", false);
	json_kv_bool(j, "systemdUser", false);
	json_kv_bool(j, "rdma", true);
	json_map_close(j);
	write_seccomp(j);
	enabled(j, "apparmor", false);
	enabled(j, "selinux", false);
	enabled(j, "intelRdt", false);
	json_key(j, "memoryPolicy");
	json_map_open(j);
	strings(j, "modes", mempolicy_mode_names, mempolicy_n_modes);
	strings(j, "flags", mempolicy_flag_names, mempolicy_n_flags);
	json_map_close(j);
	json_key(j, "mountExtensions");
	json_map_open(j);
	enabled(j, "idmap", kernel_has_idmap());
	json_map_close(j);
	json_map_close(j);
}

char *features_json(void)
{
	struct json_out *j = json_out_new(true);
	char *out;

	json_map_open(j);
	json_kv_string(j, "ociVersionMin", "1.0.0");
	json_kv_string(j, "ociVersionMax", BERTH_OCI_VERSION);
	json_key(j, "hooks");
	json_array_open(j);
	for (int k = 0; k < SPEC_HOOK_COUNT; k++)
		json_string(j, spec_hook_kind_name(k));
	json_array_close(j);
	json_key(j, "mountOptions");
	json_array_open(j);
	for (size_t i = 0; i < ARRAY_SIZE(mount_option_names); i++)
		if (mount_option_known(mount_option_names[i]))
			json_string(j, mount_option_names[i]);
	json_array_close(j);
	write_linux(j);
	json_key(j, "annotations");
	json_map_open(j);
	json_kv_string(j, "io.github.berth.version", PACKAGE_VERSION);
	json_kv_string(j, "io.github.berth.commit", BERTH_COMMIT);
	{
		const struct scmp_version *v = seccomp_version();
		char buf[64];

		snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
		json_kv_string(j, "io.github.seccomp.libseccomp.version", buf);
	}
	json_map_close(j);
	/* runtime-spec features: annotations that change what the runtime does (podman's, as crun) */
	json_key(j, "potentiallyUnsafeConfigAnnotations");
	json_array_open(j);
	json_string(j, "run.oci.keep_original_groups");
	json_string(j, "run.oci.hooks.stdout");
	json_string(j, "run.oci.hooks.stderr");
	json_array_close(j);
	json_map_close(j);
	out = json_out_take(j);
	json_out_free(j);
	return out;
}

char *features_line(void)
{
	return xasprintf("+SECCOMP +CAP %cIDMAP +EXEC +CGROUP -SYSTEMD -APPARMOR -SELINUX -CRIU",
			 kernel_has_idmap() ? '+' : '-');
}
