/* The config.json that `berth spec` writes: runc's defaults, and its rootless variant. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/json.h"
#include "runtime/spec.h"
#include "runtime/util.h"
#include "seccomp/seccomp.h"

struct default_mount {
	const char *destination, *type, *source;
	const char *options[8];
};

static const struct default_mount default_mounts[] = {
	{ "/proc", "proc", "proc", { NULL } },
	{ "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
	{ "/dev/pts",
	  "devpts",
	  "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
	{ "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
	{ "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

/* Rootless: sysfs cannot be mounted without owning the network namespace, so bind the host's. */
static const struct default_mount rootless_sys = {
	"/sys",
	"none",
	"/sys",
	{ "rbind", "nosuid", "noexec", "nodev", "ro", NULL },
};

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };

static const char *const masked_paths[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/sys/firmware",
	"/proc/scsi",
	NULL,
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static void string_array(struct json_out *j, const char *key, const char *const *v)
{
	json_key(j, key);
	json_array_open(j);
	for (; *v; v++)
		json_string(j, *v);
	json_array_close(j);
}

static void write_process(struct json_out *j)
{
	static const char *const args[] = { "sh", NULL };
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm",
		NULL,
	};

	json_key(j, "process");
	json_map_open(j);
	json_kv_bool(j, "terminal", true);
	json_key(j, "user");
	json_map_open(j);
	json_kv_int(j, "uid", 0);
	json_kv_int(j, "gid", 0);
	json_map_close(j);
	string_array(j, "args", args);
	string_array(j, "env", env);
	json_kv_string(j, "cwd", "/");
	json_key(j, "capabilities");
	json_map_open(j);
	string_array(j, "bounding", default_caps);
	string_array(j, "effective", default_caps);
	string_array(j, "permitted", default_caps);
	json_map_close(j);
	json_key(j, "rlimits");
	json_array_open(j);
	json_map_open(j);
	json_kv_string(j, "type", "RLIMIT_NOFILE");
	json_kv_int(j, "hard", 1024);
	json_kv_int(j, "soft", 1024);
	json_map_close(j);
	json_array_close(j);
	json_kv_bool(j, "noNewPrivileges", true);
	json_map_close(j);
}

static void write_mount(struct json_out *j, const struct default_mount *m, bool rootless)
{
	json_map_open(j);
	json_kv_string(j, "destination", m->destination);
	json_kv_string(j, "type", m->type);
	json_kv_string(j, "source", m->source);
	if (m->options[0]) {
		json_key(j, "options");
		json_array_open(j);
		for (const char *const *o = m->options; *o; o++)
			/* A rootless user owns no host group 5 (tty) to hand to devpts. */
			if (!rootless || (strncmp(*o, "gid=", 4) != 0 && strncmp(*o, "uid=", 4) != 0))
				json_string(j, *o);
		json_array_close(j);
	}
	json_map_close(j);
}

static void write_mounts(struct json_out *j, bool rootless)
{
	json_key(j, "mounts");
	json_array_open(j);
	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		const struct default_mount *m = &default_mounts[i];

		if (rootless && strcmp(m->destination, "/sys") == 0)
			m = &rootless_sys;
		write_mount(j, m, rootless);
	}
	json_array_close(j);
}

static void write_mapping(struct json_out *j, const char *key, unsigned long host_id)
{
	json_key(j, key);
	json_array_open(j);
	json_map_open(j);
	json_kv_int(j, "containerID", 0);
	json_kv_int(j, "hostID", (long long)host_id);
	json_kv_int(j, "size", 1);
	json_map_close(j);
	json_array_close(j);
}

static void write_linux(struct json_out *j, bool rootless)
{
	static const char *const ns_root[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", NULL };
	static const char *const ns_rootless[] = { "pid", "ipc", "uts", "mount", "cgroup", "user", NULL };

	json_key(j, "linux");
	json_map_open(j);
	if (rootless) {
		write_mapping(j, "uidMappings", geteuid());
		write_mapping(j, "gidMappings", getegid());
	}
	json_key(j, "namespaces");
	json_array_open(j);
	for (const char *const *ns = rootless ? ns_rootless : ns_root; *ns; ns++) {
		json_map_open(j);
		json_kv_string(j, "type", *ns);
		json_map_close(j);
	}
	json_array_close(j);
	/* runc's default: deny every device but the ones berth always allows (runtime/container_cgroup.c) */
	json_key(j, "resources");
	json_map_open(j);
	json_key(j, "devices");
	json_array_open(j);
	json_map_open(j);
	json_kv_bool(j, "allow", false);
	json_kv_string(j, "access", "rwm");
	json_map_close(j);
	json_array_close(j);
	json_map_close(j);
	string_array(j, "maskedPaths", masked_paths);
	string_array(j, "readonlyPaths", readonly_paths);
	json_key(j, "seccomp");
	seccomp_default_profile_json(j);
	json_map_close(j);
}

char *spec_default_json(bool rootless)
{
	struct json_out *j = json_out_new(true);
	char *out;
	size_t len;

	json_map_open(j);
	json_kv_string(j, "ociVersion", "1.3.0");
	write_process(j);
	json_key(j, "root");
	json_map_open(j);
	json_kv_string(j, "path", "rootfs");
	json_kv_bool(j, "readonly", true);
	json_map_close(j);
	json_kv_string(j, "hostname", "berth");
	write_mounts(j, rootless);
	write_linux(j, rootless);
	json_map_close(j);
	out = json_out_take(j);
	json_out_free(j);
	/* The caller (cmd/spec.c) ends the file with its own newline. */
	len = strlen(out);
	if (len && out[len - 1] == '\n')
		out[len - 1] = '\0';
	return out;
}
