/* Which spec mounts may land in /proc: procfs on /proc itself and a few files lxcfs and CRIU cover. */
#include "rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/util.h"

/* runc's list: what lxcfs emulates per container, and what CRIU needs to restore pids. */
static const char *const proc_files[] = {
	"/proc/cpuinfo",   "/proc/diskstats", "/proc/meminfo",	 "/proc/stat",
	"/proc/swaps",	   "/proc/uptime",    "/proc/loadavg",	 "/proc/slabinfo",
	"/proc/net/dev",   "/proc/sys/kernel/ns_last_pid",	 "/proc/sys/crypto/fips_enabled",
};

/* The root inode of every procfs superblock (include/linux/proc_ns.h: PROC_ROOT_INO). */
#define PROC_ROOT_INO 1

static bool is_type(const struct spec_mount *m, const char *type)
{
	return m->type && !strcmp(m->type, type);
}

static bool below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static int refuse(const char *dest, const char *why, struct error *err)
{
	return error_set(err, EPERM, "%s is inside /proc: %s", dest, why);
}

int rootfs_check_proc_dest(const struct spec *spec, const struct spec_mount *m, const char *dest, bool on_procfs,
			   int src_fd, struct error *err)
{
	if (!strcmp(dest, "/proc")) {
		struct statfs sfs;
		struct stat st;

		if (!m->opts.bind)
			return is_type(m, "proc") ? 0 : refuse(dest, "only a proc mount may cover /proc", err);
		/* an existing procfs shows the pids of its own namespace: only ours when we have no new one */
		if (spec->linux_.namespaces[SPEC_NS_PID].present)
			return refuse(dest, "a bind onto /proc with a new pid namespace would show another "
					    "namespace's processes (mount type proc instead)", err);
		if (src_fd < 0)
			return 0;
		if (fstatfs(src_fd, &sfs) < 0 || fstat(src_fd, &st) < 0)
			return error_sys(err, "stat the bind source %s", m->source);
		if (sfs.f_type != PROC_SUPER_MAGIC || st.st_ino != PROC_ROOT_INO)
			return refuse(dest, "a bind onto /proc must be the root of a procfs", err);
		return 0;
	}
	if (!on_procfs && !below(dest, "/proc"))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(proc_files); i++)
		if (!strcmp(dest, proc_files[i]))
			return 0;
	return refuse(dest, "only proc on /proc and the files lxcfs covers (/proc/cpuinfo, /proc/meminfo, "
			    "/proc/stat, ...) may be mounted there", err);
}

/* The path of fd inside the root rootfd refers to, from the kernel's own names for both. */
static char *path_in_root(int rootfd, int fd, struct error *err)
{
	char link[64], root[PATH_MAX], path[PATH_MAX];
	ssize_t rn, pn;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", rootfd);
	if ((rn = readlink(link, root, sizeof(root) - 1)) < 0) {
		error_sys(err, "readlink the root");
		return NULL;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((pn = readlink(link, path, sizeof(path) - 1)) < 0) {
		error_sys(err, "readlink the destination");
		return NULL;
	}
	root[rn] = path[pn] = '\0';
	if (!strcmp(root, "/"))
		return xstrdup(path);
	if (!below(path, root)) {
		error_set(err, EXDEV, "the destination %s is not below the root %s", path, root);
		return NULL;
	}
	return xstrdup(path[rn] ? path + rn : "/");
}

/* /proc/net is a symlink to self/net: "/proc/<pid>/net/..." (or a thread's) names the same file. */
static void fold_proc_net(char *path)
{
	static const char digits[] = "0123456789";
	char *pid = path + strlen("/proc/"), *p, *tid;

	if (strncmp(path, "/proc/", 6) || !strspn(pid, digits))
		return;
	p = pid + strspn(pid, digits);
	if (!strncmp(p, "/task/", 6)) {
		tid = p + 6;
		if (!strspn(tid, digits))
			return;
		p = tid + strspn(tid, digits);
	}
	if (!strncmp(p, "/net/", 5))
		memmove(pid, p + 1, strlen(p + 1) + 1);
}

int rootfs_check_proc_target(const struct rootfs_ctx *ctx, const struct spec_mount *m, int target_fd, int src_fd,
			     struct error *err)
{
	cleanup_free char *dest = path_in_root(ctx->rootfd, target_fd, err);
	struct statfs sfs;

	if (!dest)
		return -err->errnum;
	fold_proc_net(dest);
	if (fstatfs(target_fd, &sfs) < 0)
		return error_sys(err, "statfs the destination");
	return rootfs_check_proc_dest(ctx->spec, m, dest, sfs.f_type == PROC_SUPER_MAGIC, src_fd, err);
}
