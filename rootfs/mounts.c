/* The spec's mounts, each destination resolved inside the root and every mount made by fd. */
#include "rootfs/mounts.h"
#include "rootfs/cgroup_v1_mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/util.h"

/* Atime is a mode, not a bit: mount_setattr wants it cleared as a field before a new one is set. */
static void atime_attr(unsigned long set, unsigned long clr, struct mount_attr *a)
{
	if (set & MS_NOATIME)
		a->attr_set |= MOUNT_ATTR_NOATIME;
	else if (set & MS_STRICTATIME)
		a->attr_set |= MOUNT_ATTR_STRICTATIME;
	else if (!(set & MS_RELATIME) && !(clr & (MS_NOATIME | MS_STRICTATIME)))
		goto diratime;
	a->attr_clr |= MOUNT_ATTR__ATIME;
diratime:
	if (set & MS_NODIRATIME)
		a->attr_set |= MOUNT_ATTR_NODIRATIME;
	if (clr & MS_NODIRATIME)
		a->attr_clr |= MOUNT_ATTR_NODIRATIME;
}

static uint64_t ms_to_attr(unsigned long flags)
{
	uint64_t a = 0;

	if (flags & MS_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NOSYMFOLLOW)
		a |= MOUNT_ATTR_NOSYMFOLLOW;
	return a;
}

static void opts_attr(const struct spec_mount_opts *o, struct mount_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->attr_set = ms_to_attr(o->flags);
	a->attr_clr = ms_to_attr(o->clear_flags) & ~a->attr_set;
	atime_attr(o->flags, o->clear_flags, a);
}

static int setattr_fd(int fd, bool recursive, struct mount_attr *a)
{
	unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);

	if (!a->attr_set && !a->attr_clr && !a->propagation)
		return 0;
	return mount_setattr(fd, "", flags, a, sizeof(*a)) < 0 ? -errno : 0;
}

int rootfs_attach(int tree_fd, int target_fd, struct error *err)
{
	if (move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_sys(err, "move_mount");
	return 0;
}

int rootfs_bind_fd(int src_fd, int target_fd, bool recursive, uint64_t attr, struct error *err)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	cleanup_close int tree = open_tree(src_fd, "", flags);
	struct mount_attr a = { .attr_set = attr };
	int r;

	if (tree < 0)
		return error_sys(err, "open_tree");
	if ((r = setattr_fd(tree, false, &a)) < 0)
		return error_set(err, -r, "mount_setattr");
	if ((r = rootfs_attach(tree, target_fd, err)) < 0)
		return r;
	return steal_fd(&tree);
}

int rootfs_new_fs(const char *type, const char *source, const char *data, uint64_t attr, struct error *err)
{
	cleanup_close int fs = fsopen(type, FSOPEN_CLOEXEC);
	cleanup_free char *copy = xstrdup(data ? data : "");
	char *save = NULL;
	int mnt;

	if (fs < 0)
		return errno == ENODEV ? error_set(err, ENODEV, "unknown filesystem type %s", type)
				       : error_sys(err, "fsopen %s", type);
	if (source && fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return error_sys(err, "fsconfig %s source=%s", type, source);
	for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		int r;

		if (eq) {
			*eq = '\0';
			r = fsconfig(fs, FSCONFIG_SET_STRING, opt, eq + 1, 0);
		} else {
			r = fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
		}
		if (r < 0) {
			if (eq)
				*eq = '=';
			return error_sys(err, "fsconfig %s %s", type, opt);
		}
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return error_sys(err, "create %s superblock", type);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attr);
	if (mnt < 0)
		return error_sys(err, "fsmount %s", type);
	return mnt;
}

/* mount(2) onto an fd we resolved in root: the kernel follows /proc/self/fd/N to exactly that inode. */
static int mount_legacy(const char *source, int target_fd, const char *type, unsigned long flags,
			const char *data, struct error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", target_fd);
	if (mount(source, path, type, flags, data) < 0)
		return error_sys(err, "mount %s", type);
	return 0;
}

/* A user namespace carrying the mount's own uid/gid maps: a child unshares one, we map it and keep its fd.
 * The child names itself as /proc sees it (readlink /proc/self): /proc may be a parent pid namespace's. */
static int helper_userns(const struct spec_mount *m, struct error *err)
{
	int ready[2], hold[2], fd = -1;
	pid_t pid;
	char c = 0, path[64], self[32] = "";
	ssize_t n;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return error_sys(err, "pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return error_sys(err, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		/* init is not dumpable; its /proc files would be owned by a root our userns may not map */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		if (unshare(CLONE_NEWUSER) < 0 || (n = readlink("/proc/self", self, sizeof(self) - 1)) <= 0)
			_exit(1);
		if (write(ready[1], self, n) < 0 || read(hold[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid < 0) {
		close(ready[0]);
		close(hold[1]);
		return error_sys(err, "fork");
	}
	if ((n = read(ready[0], self, sizeof(self) - 1)) <= 0) {
		error_set(err, EPERM, "unshare a user namespace for the id mappings");
		goto out;
	}
	self[n] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		const struct spec_id_mapping *map = pass ? m->gid_mappings : m->uid_mappings;
		size_t count = pass ? m->n_gid_mappings : m->n_uid_mappings;
		cleanup_free char *buf = xstrdup("");
		int r;

		for (size_t i = 0; i < count; i++) {
			char *next = xasprintf("%s%u %u %u\n", buf, map[i].container_id, map[i].host_id,
					       map[i].size);
			free(buf);
			buf = next;
		}
		snprintf(path, sizeof(path), "/proc/%s/%s", self, pass ? "gid_map" : "uid_map");
		if (count && (r = write_file_at(AT_FDCWD, path, buf, strlen(buf))) < 0) {
			error_set(err, -r, "write %s mappings", pass ? "gid" : "uid");
			goto out;
		}
	}
	snprintf(path, sizeof(path), "/proc/%s/ns/user", self);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		error_sys(err, "open %s", path);
out:
	kill(pid, SIGKILL);
	close(ready[0]);
	close(hold[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd < 0 ? -err->errnum : fd;
}

/* Idmap a detached mount: the mount's own mappings, else the container's user namespace. */
static int apply_idmap(const struct rootfs_ctx *ctx, const struct spec_mount *m, int tree, struct error *err)
{
	cleanup_close int userns = -1;
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP };

	if (!m->opts.idmap)
		return 0;
	if (m->n_uid_mappings || m->n_gid_mappings)
		userns = helper_userns(m, err);
	else if (ctx->in_userns && (userns = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC)) < 0)
		userns = error_sys(err, "open /proc/self/ns/user");
	else if (!ctx->in_userns)
		return error_set(err, EINVAL, "idmap needs uidMappings/gidMappings or a user namespace");
	if (userns < 0)
		return userns;
	a.userns_fd = userns;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (m->opts.idmap_recursive ? AT_RECURSIVE : 0), &a,
			  sizeof(a)) < 0)
		return error_sys(err, "idmap mount (the kernel or filesystem refused it)");
	return 0;
}

/* src is a path fd, or (is_tree) a detached clone berth already made: we attach it as it is. */
static int mount_bind(const struct rootfs_ctx *ctx, const struct spec_mount *m, int *src, bool is_tree,
		      int target, struct error *err)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	cleanup_close int tree = -1;
	struct mount_attr a;
	int r;

	if (m->opts.recursive)
		flags |= AT_RECURSIVE;
	if (is_tree)
		tree = steal_fd(src);
	else if ((tree = open_tree(*src, "", flags)) < 0)
		return error_sys(err, "bind %s", m->source);
	opts_attr(&m->opts, &a);
	if ((r = setattr_fd(tree, false, &a)) < 0)
		return error_set(err, -r, "set flags on bind of %s", m->source);
	if ((r = apply_idmap(ctx, m, tree, err)) < 0)
		return r;
	if ((r = rootfs_attach(tree, target, err)) < 0)
		return error_prefix(err, "bind %s", m->source);
	return steal_fd(&tree);
}

/* tmpcopyup: what the image had under the destination is copied into the fresh tmpfs. */
static int copy_tree(int src, int dst, int depth, struct error *err);

static int copy_entry(int src, int dst, const char *name, const struct stat *st, int depth, struct error *err)
{
	int r = 0;

	if (S_ISDIR(st->st_mode)) {
		cleanup_close int s = -1, d = -1;

		if (mkdirat(dst, name, 0700) < 0 && errno != EEXIST)
			return error_sys(err, "tmpcopyup: mkdir %s", name);
		s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return error_sys(err, "tmpcopyup: open %s", name);
		r = copy_tree(s, d, depth + 1, err);
	} else if (S_ISREG(st->st_mode)) {
		cleanup_close int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		cleanup_close int d = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					     0600);
		char buf[65536];
		ssize_t n;

		if (s < 0 || d < 0)
			return error_sys(err, "tmpcopyup: open %s", name);
		while ((n = read(s, buf, sizeof(buf))) > 0)
			if ((r = (int)write_all(d, buf, n)) < 0)
				return error_set(err, -r, "tmpcopyup: write %s", name);
		if (n < 0)
			return error_sys(err, "tmpcopyup: read %s", name);
		r = 0;
	} else if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);

		if (n < 0)
			return error_sys(err, "tmpcopyup: readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return error_sys(err, "tmpcopyup: symlink %s", name);
	} else if (mknodat(dst, name, st->st_mode, st->st_rdev) < 0) {
		return 0; /* a device or socket we may not create is not worth failing the container for */
	}
	if (r < 0)
		return r;
	if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return error_sys(err, "tmpcopyup: chown %s", name);
	if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
		return error_sys(err, "tmpcopyup: chmod %s", name);
	return 0;
}

static int copy_tree(int src, int dst, int depth, struct error *err)
{
	cleanup_dir DIR *dir = NULL;
	struct dirent *de;
	int fd;

	if (depth > 64)
		return error_set(err, ELOOP, "tmpcopyup: directory tree too deep");
	if ((fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || !(dir = fdopendir(fd))) {
		close_quietly(fd);
		return error_sys(err, "tmpcopyup: read directory");
	}
	while ((de = readdir(dir))) {
		struct stat st;
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return error_sys(err, "tmpcopyup: stat %s", de->d_name);
		if ((r = copy_entry(src, dst, de->d_name, &st, depth, err)) < 0)
			return r;
	}
	return 0;
}

static int tmpcopyup(int src, int mnt, struct error *err)
{
	cleanup_close int d = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (d < 0 || fstat(src, &st) < 0)
		return error_sys(err, "tmpcopyup");
	/* the mode is the tmpfs's own: mode=, else the covered directory's (tmpfs_data_keeping_mode) */
	if (fchown(d, st.st_uid, st.st_gid) < 0)
		return error_sys(err, "tmpcopyup: chown the tmpfs root");
	return copy_tree(src, d, 0, err);
}

/* Any filesystem by name: new mount API first, mount(2) on the fd's path when fsconfig says no. */
static int mount_fs(const struct rootfs_ctx *ctx, const struct spec_mount *m, const char *dest, int target,
		    struct error *err)
{
	const char *type = m->type;
	const char *source = m->source ? m->source : type;
	struct mount_attr a;
	cleanup_close int src_dir = -1;
	int mnt, r;

	opts_attr(&m->opts, &a);
	if (m->opts.tmpcopyup &&
	    (src_dir = rootfs_open_in_root(ctx->rootfd, dest, O_RDONLY | O_DIRECTORY, 0, err)) < 0)
		return error_prefix(err, "tmpcopyup");
	/* superblock flags (sync, dirsync, lazytime, mand) have no mount attribute: mount(2) takes them */
	if (m->opts.flags & (MS_SYNCHRONOUS | MS_DIRSYNC | MS_LAZYTIME | MS_MANDLOCK | MS_SILENT))
		mnt = error_set(err, EINVAL, "superblock flags need mount(2)");
	else
		mnt = rootfs_new_fs(type, source, m->opts.data, a.attr_set, err);
	if (mnt == -ENODEV)
		return mnt;
	if (mnt >= 0) {
		if ((r = apply_idmap(ctx, m, mnt, err)) < 0 || (r = rootfs_attach(mnt, target, err)) < 0) {
			close(mnt);
			return error_prefix(err, "mount %s", type);
		}
	} else {
		struct error legacy = { 0 };

		if (m->opts.idmap)
			return error_prefix(err, "mount %s", type);
		r = mount_legacy(source, target, type, m->opts.flags & ~(MS_BIND | MS_REC), m->opts.data,
				 &legacy);
		if (r < 0) {
			*err = legacy;
			return r;
		}
		if ((mnt = rootfs_open_in_root(ctx->rootfd, dest, O_PATH | O_DIRECTORY, 0, err)) < 0)
			return mnt;
	}
	if (src_dir >= 0 && (r = tmpcopyup(src_dir, mnt, err)) < 0) {
		close(mnt);
		return r;
	}
	return mnt;
}

static int mount_cgroup(const struct rootfs_ctx *ctx, const struct spec_mount *m, const char *dest,
			int target, struct error *err)
{
	struct spec_mount v2 = *m;
	struct statfs sfs;
	int r;

	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		v2.type = "cgroup2";
		v2.source = "cgroup2";
		r = mount_fs(ctx, &v2, dest, target, err);
		if (r == -EPERM && ctx->in_userns) {
			/* without its own cgroup namespace a userns may not mount cgroup2: show the host's */
			cleanup_close int src = open("/sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);

			if (src < 0)
				return error_sys(err, "open /sys/fs/cgroup");
			r = rootfs_bind_fd(src, target, true, ms_to_attr(m->opts.flags), err);
		}
		return r;
	}
	return rootfs_mount_cgroup_v1(m, target, ctx->spec->linux_.namespaces[SPEC_NS_CGROUP].present, ctx->rootfd,
				      ctx->host_cgroups, err);
}

static bool is_type(const struct spec_mount *m, const char *type)
{
	return m->type && !strcmp(m->type, type);
}

/* As runc: a tmpfs without mode= over a directory the image has keeps that directory's mode. */
static char *tmpfs_data_keeping_mode(const struct rootfs_ctx *ctx, const struct spec_mount *m)
{
	const char *data = m->opts.data ? m->opts.data : "";
	struct error ignored = { 0 };
	cleanup_close int fd = -1;
	struct stat st;

	if (!is_type(m, "tmpfs"))
		return NULL;
	for (const char *p = data; *p; p += strcspn(p, ","), p += *p == ',')
		if (!strncmp(p, "mode=", 5))
			return NULL;
	if ((fd = rootfs_open_in_root(ctx->rootfd, m->destination, O_PATH | O_DIRECTORY, 0, &ignored)) < 0 ||
	    fstat(fd, &st) < 0)
		return NULL;
	return xasprintf("mode=%04o%s%s", st.st_mode & 07777, *data ? "," : "", data);
}

static int mount_one(struct rootfs_ctx *ctx, size_t idx, const struct spec_mount *m, struct error *err)
{
	cleanup_close int src = -1, target = -1, mnt = -1;
	cleanup_free char *tmpfs_data = tmpfs_data_keeping_mode(ctx, m);
	struct spec_mount keep_mode;
	struct stat st;
	int r;

	if (tmpfs_data) {
		keep_mode = *m;
		keep_mode.opts.data = tmpfs_data;
		m = &keep_mode;
	}

	if (m->opts.bind) {
		if (!m->source)
			return error_set(err, EINVAL, "bind mount without a source");
		bool is_tree = ctx->bind_trees && ctx->bind_trees[idx] >= 0;

		/* a detached clone berth made before our user namespace, or the path as we see it */
		if (is_tree)
			src = fcntl(ctx->bind_trees[idx], F_DUPFD_CLOEXEC, 3);
		else
			src = open(m->source, O_PATH | O_CLOEXEC);
		if (src < 0 || fstat(src, &st) < 0)
			return error_sys(err, "bind source %s", m->source);
		if (S_ISDIR(st.st_mode))
			target = rootfs_mkdir_in_root(ctx->rootfd, m->destination, 0755, err);
		else
			target = rootfs_create_file_in_root(ctx->rootfd, m->destination, 0644, err);
		if (target < 0)
			return target;
		if ((r = rootfs_check_proc_target(ctx, m, target, src, err)) < 0)
			return r;
		mnt = mount_bind(ctx, m, &src, is_tree, target, err);
	} else {
		if (!m->type)
			return error_set(err, EINVAL, "no filesystem type");
		if ((target = rootfs_mkdir_in_root(ctx->rootfd, m->destination, 0755, err)) < 0)
			return target;
		if ((r = rootfs_check_proc_target(ctx, m, target, -1, err)) < 0)
			return r;
		if (is_type(m, "cgroup"))
			mnt = mount_cgroup(ctx, m, m->destination, target, err);
		else
			mnt = mount_fs(ctx, m, m->destination, target, err);
		if (mnt == -EPERM && is_type(m, "sysfs") && ctx->in_userns) {
			/* a userns without its own netns may not mount sysfs: bind the host's (as runc) */
			if ((src = open("/sys", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
				return error_sys(err, "open /sys");
			mnt = rootfs_bind_fd(src, target, true, ms_to_attr(m->opts.flags), err);
		}
	}
	if (mnt < 0)
		return mnt;
	if (m->opts.rec_attr_set || m->opts.rec_attr_clr) {
		struct mount_attr a = { .attr_set = m->opts.rec_attr_set, .attr_clr = m->opts.rec_attr_clr };

		if ((r = setattr_fd(mnt, true, &a)) < 0)
			return error_set(err, -r, "set recursive attributes");
	}
	for (size_t i = 0; i < m->opts.n_propagation; i++) {
		unsigned long p = m->opts.propagation[i];
		struct mount_attr a = { .propagation = p & ~MS_REC };

		if ((r = setattr_fd(mnt, p & MS_REC, &a)) < 0)
			return error_set(err, -r, "set propagation");
	}
	return 0;
}

int rootfs_mount_all(struct rootfs_ctx *ctx, struct error *err)
{
	for (size_t i = 0; i < ctx->spec->n_mounts; i++) {
		const struct spec_mount *m = &ctx->spec->mounts[i];
		int r = mount_one(ctx, i, m, err);

		if (r < 0)
			return error_prefix(err, "mounts[%zu] (%s)", i, m->destination);
	}
	return 0;
}
