/* A cgroup v1 or hybrid host's cgroups in the container: runc's layout, a tmpfs with one mount per
 * hierarchy the process is in, each showing only the container's own cgroup. */
#include "rootfs/cgroup_v1_mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "rootfs/mounts.h"
#include "runtime/util.h"

static bool has_all_controllers(const char *superopts, const char *ctrls)
{
	cleanup_free char *want = xstrdup(ctrls);
	char *save = NULL;

	for (char *c = strtok_r(want, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(c);
		const char *p = superopts;
		bool found = false;

		while (!found && (p = strstr(p, c))) {
			found = (p == superopts || p[-1] == ',') && (p[n] == ',' || p[n] == '\0');
			p += n;
		}
		if (!found)
			return false;
	}
	return true;
}

/* The host's fstype mount for ctrls (NULL for cgroup2), from the table of its cgroup mounts. */
static const struct mount_entry *find_cgroup_mount(const struct mount_table *mounts, const char *fstype,
						   const char *ctrls)
{
	for (size_t i = 0; i < mounts->n; i++) {
		const struct mount_entry *m = &mounts->e[i];

		if (strcmp(m->fstype, fstype) == 0 && (!ctrls || has_all_controllers(m->opts, ctrls)))
			return m;
	}
	return NULL;
}

/* Our cgroup in a host hierarchy: <mount point><our path below the mount's root>. */
static int cgroup_source(const char *mnt, const char *root, const char *cgpath, char **out, struct error *err)
{
	size_t rootlen = strcmp(root, "/") ? strlen(root) : 0;

	if (strncmp(cgpath, root, rootlen) || (cgpath[rootlen] != '/' && cgpath[rootlen] != '\0'))
		return error_set(err, EINVAL, "cgroup %s is not below the root %s of %s", cgpath, root, mnt);
	*out = xasprintf("%s%s", mnt, cgpath + rootlen);
	return 0;
}

/* One hierarchy at <tmpfs>/<name>: a bind of our host cgroup, or with our own cgroup namespace a fresh
 * mount (rooted at our cgroup by the kernel); and a symlink per controller of a co-mounted one. */
static int mount_hierarchy(int tmpfs, const struct mount_table *mounts, const char *fstype, const char *ctrls,
			   const char *cgpath, uint64_t attr, bool own_ns, struct error *err)
{
	const struct mount_entry *host = find_cgroup_mount(mounts, fstype, ctrls);
	cleanup_free char *source = NULL;
	cleanup_close int src = -1, dst = -1, bound = -1;
	const char *name, *mnt;
	int r;

	if (!host)
		return 0; /* a hierarchy the host does not mount has nothing to show */
	mnt = host->point;
	name = strrchr(mnt, '/') ? strrchr(mnt, '/') + 1 : mnt;
	if (mkdirat(tmpfs, name, 0755) < 0 && errno != EEXIST)
		return error_sys(err, "mkdir %s", name);
	if ((dst = openat(tmpfs, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return error_sys(err, "open %s", name);
	if (own_ns) {
		if ((bound = rootfs_new_fs(fstype, "cgroup", ctrls, attr, err)) < 0 ||
		    (r = rootfs_attach(bound, dst, err)) < 0)
			return error_prefix(err, "mount %s %s", fstype, ctrls ? ctrls : "");
	} else {
		if ((r = cgroup_source(mnt, host->root, cgpath, &source, err)) < 0)
			return r;
		if ((src = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return error_sys(err, "open host cgroup %s", source);
		if ((bound = rootfs_bind_fd(src, dst, false, attr, err)) < 0)
			return error_prefix(err, "bind %s", source);
	}
	if (ctrls && strchr(ctrls, ',') && !strcmp(ctrls, name)) {
		cleanup_free char *each = xstrdup(ctrls);
		char *save = NULL;

		for (char *c = strtok_r(each, ",", &save); c; c = strtok_r(NULL, ",", &save))
			if (symlinkat(name, tmpfs, c) < 0 && errno != EEXIST)
				return error_sys(err, "symlink %s", c);
	}
	return 0;
}

/* runc's layout on a v1 or hybrid host: a tmpfs with one bind per hierarchy the process is in. */
int rootfs_mount_cgroup_v1(const struct spec_mount *m, int target, bool own_ns, int rootfd,
			   const struct rootfs_host_cgroups *host, struct error *err)
{
	struct statx root = { 0 };
	/* 0 when the kernel cannot tell: then nothing is skipped */
	uint64_t root_id = rootfd >= 0 && statx(rootfd, "", AT_EMPTY_PATH, STATX_MNT_ID, &root) == 0 &&
					   (root.stx_mask & STATX_MNT_ID) ? root.stx_mnt_id : 0;
	uint64_t attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	bool ro = m->opts.flags & MS_RDONLY;
	cleanup_free char *cgroups = host ? xstrdup(host->cgroups) : NULL;
	struct mount_table own = { 0 };
	const struct mount_table *mounts = host ? &host->mounts : &own;
	cleanup_close int tmpfs = -1;
	char *save = NULL;
	int r;

	if ((tmpfs = rootfs_new_fs("tmpfs", "cgroup", "mode=755", attr, err)) < 0)
		return tmpfs;
	if ((r = rootfs_attach(tmpfs, target, err)) < 0)
		return error_prefix(err, "mount the cgroup tmpfs");
	if (!host) {
		if ((r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &cgroups, NULL, 1 << 20)) < 0)
			return error_set(err, -r, "read /proc/self/cgroup");
		/* the host's, not those of the container's root tree, which may hold an rbind of /sys */
		if ((r = mount_table_cgroups(&own, root_id, err)) < 0)
			return r;
	}
	for (char *line = strtok_r(cgroups, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(line, ':'), *path;

		if (!ctrls || !(path = strchr(++ctrls, ':')))
			continue;
		*path++ = '\0';
		/* paths seen before the cgroup namespace name our cgroup on the host: bind it */
		r = mount_hierarchy(tmpfs, mounts, *ctrls ? "cgroup" : "cgroup2", *ctrls ? ctrls : NULL, path,
				    attr | (ro ? MOUNT_ATTR_RDONLY : 0), own_ns && !host, err);
		if (r < 0) {
			mount_table_free(&own);
			return r;
		}
	}
	mount_table_free(&own);
	if (ro) {
		struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };

		if (mount_setattr(tmpfs, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			return error_sys(err, "make the cgroup tmpfs read-only");
	}
	return steal_fd(&tmpfs);
}

struct rootfs_host_cgroups *rootfs_host_cgroups_capture(const struct spec *spec)
{
	struct rootfs_host_cgroups *host;
	struct statfs sfs;
	struct error ignored;
	bool wanted = false;

	for (size_t i = 0; i < spec->n_mounts; i++)
		wanted |= spec->mounts[i].type && strcmp(spec->mounts[i].type, "cgroup") == 0;
	if (!wanted || statfs("/sys/fs/cgroup", &sfs) < 0 || sfs.f_type == CGROUP2_SUPER_MAGIC)
		return NULL;
	host = xzalloc(sizeof(*host));
	/* the container's root tree is not mounted yet: every cgroup mount there is the host's */
	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &host->cgroups, NULL, 1 << 20) < 0 ||
	    mount_table_cgroups(&host->mounts, 0, &ignored) < 0) {
		rootfs_host_cgroups_free(host);
		return NULL; /* the mount reads them itself, and says what failed */
	}
	return host;
}

void rootfs_host_cgroups_free(struct rootfs_host_cgroups *host)
{
	if (!host)
		return;
	free(host->cgroups);
	mount_table_free(&host->mounts);
	free(host);
}
