/* Apply one layer tar stream onto a root directory; every write goes through a dirfd resolved in root. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "rootfs/image.h"
#include "rootfs/layer_view.h"
#include "rootfs/rootfs.h"
#include "runtime/util.h"

/* Remove everything under dirfd (not dirfd itself). */
static int remove_children(int dirfd, const char *what, struct error *err);

static int remove_at(int dirfd, const char *name, const char *what, struct error *err)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return error_sys(err, "removing %s", what);
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return error_sys(err, "opening %s", what);
	int r = remove_children(fd, what, err);
	if (r < 0)
		return r;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return error_sys(err, "removing %s", what);
	return 0;
}

static int remove_children(int dirfd, const char *what, struct error *err)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return error_sys(err, "opening %s", what);
	cleanup_dir DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return error_sys(err, "opening %s", what);
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		int r = remove_at(dirfd, de->d_name, what, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Paths this layer has written so far: an opaque marker hides only the lower layers' entries. */
struct created {
	char **v;
	size_t n;
};

static bool created_under(const struct created *c, const char *path)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < c->n; i++)
		if (strncmp(c->v[i], path, len) == 0 && (c->v[i][len] == '\0' || c->v[i][len] == '/'))
			return true;
	return false;
}

static int remove_lower_children(int dirfd, const char *dir, const struct created *c, struct error *err)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return error_sys(err, "opening %s", dir);
	cleanup_dir DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return error_sys(err, "opening %s", dir);
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		cleanup_free char *child = *dir ? xasprintf("%s/%s", dir, de->d_name) : xstrdup(de->d_name);
		if (created_under(c, child))
			continue;
		int r = remove_at(dirfd, de->d_name, child, err);
		if (r < 0)
			return r;
	}
	return 0;
}

#define OVL_OPAQUE_XATTR "trusted.overlay.opaque"

/* OVERLAY mode: the layer's own directory records whiteouts the way overlayfs reads them, at the path
 * the merged view of the layers below resolves the target to. */
static int overlay_whiteout(const struct layer_target *t, enum layer_whiteout kind, const char *target,
			    struct error *err)
{
	cleanup_free char *parent = NULL, *base = NULL, *rp = NULL, *victim = NULL;
	cleanup_close int fd = -1;
	struct view_hit h;
	int r;

	if (kind == LAYER_WH_OPAQUE) {
		if ((r = layer_view_resolve(t, target, true, &rp, err)) < 0 ||
		    (r = layer_view_lookup(t, rp, &h, err)) < 0)
			return error_prefix(err, "opaque directory %s", *target ? target : "/");
		enum view_kind k = h.kind;
		layer_view_hit_free(&h);
		if (k == VIEW_MISSING)
			return 0; /* nothing to hide: a flat apply does nothing either */
		if (k != VIEW_DIR)
			return error_set(err, ENOTDIR, "opaque directory %s: not a directory", target);
		if ((fd = layer_view_mkdirs(t, rp, err)) < 0)
			return error_prefix(err, "opaque directory %s", *target ? target : "/");
		cleanup_free char *proc = xasprintf("/proc/self/fd/%d", fd);
		if (setxattr(proc, OVL_OPAQUE_XATTR, "y", 1, 0) < 0)
			return error_sys(err, "opaque directory %s: setting %s", *target ? target : "/",
					 OVL_OPAQUE_XATTR);
		return 0;
	}
	layer_path_split(target, &parent, &base);
	if ((r = layer_view_resolve(t, parent, true, &rp, err)) < 0)
		return error_prefix(err, "whiteout %s", target);
	victim = *rp ? xasprintf("%s/%s", rp, base) : xstrdup(base);
	if ((r = layer_view_lookup(t, victim, &h, err)) < 0)
		return error_prefix(err, "whiteout %s", target);
	enum view_kind k = h.kind;
	layer_view_hit_free(&h);
	if (k == VIEW_MISSING)
		return 0; /* nothing to delete, and no parent to make */
	if ((fd = layer_view_mkdirs(t, rp, err)) < 0)
		return error_prefix(err, "whiteout %s", target);
	if ((r = remove_at(fd, base, target, err)) < 0)
		return r;
	if (mknodat(fd, base, S_IFCHR | 0, makedev(0, 0)) < 0)
		return error_sys(err, "whiteout %s: mknod 0:0", target);
	return 0;
}

static int apply_whiteout(const struct layer_target *t, enum layer_whiteout kind, const char *target,
			  const struct created *c, struct error *err)
{
	cleanup_free char *parent = NULL, *base = NULL;
	int rootfd = t->root;

	if (t->mode == LAYER_MODE_OVERLAY)
		return overlay_whiteout(t, kind, target, err);

	if (kind == LAYER_WH_OPAQUE) {
		cleanup_close int fd = rootfs_open_in_root(rootfd, *target ? target : ".",
							   O_RDONLY | O_DIRECTORY, 0, err);
		if (fd == -ENOENT) {
			error_clear(err);
			return 0;
		}
		return fd < 0 ? fd : remove_lower_children(fd, target, c, err);
	}
	layer_path_split(target, &parent, &base);
	/* Parent resolved inside the root: a symlinked parent cannot reach the host. */
	cleanup_close int pfd = rootfs_open_in_root(rootfd, *parent ? parent : ".", O_PATH | O_DIRECTORY, 0, err);
	if (pfd == -ENOENT || pfd == -ENOTDIR) {
		error_clear(err);
		return 0;
	}
	if (pfd < 0)
		return pfd;
	return remove_at(pfd, base, target, err);
}

static int copy_data(struct archive *a, int fd, const char *path, struct layer_limits *lim, uint64_t *end,
		     struct error *err)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	*end = 0;
	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		if (len && (uint64_t)off + len > *end)
			*end = (uint64_t)off + len;
		lim->written += len;
		if (lim->max_size && lim->written > lim->max_size)
			return error_set(err, EFBIG, "layer entry %s: unpacked size exceeds the cap of %llu bytes (--max-size)",
					 path, (unsigned long long)lim->max_size);
		if (pwrite(fd, buf, len, off) != (ssize_t)len)
			return error_set(err, errno ? errno : EIO, "writing %s", path);
	}
	if (r != ARCHIVE_EOF)
		return error_set(err, EIO, "layer entry %s: %s", path, archive_error_string(a));
	return 0;
}

static int set_xattrs(struct archive_entry *e, int fd, const char *path, struct error *err)
{
	const char *name;
	const void *val;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &val, &size) == ARCHIVE_OK)
		/* overlayfs reads its own trusted.overlay.* xattrs: a layer must not forge them. */
		if (strncmp(name, "trusted.overlay.", 16) != 0 && fsetxattr(fd, name, val, size, 0) < 0)
			return error_sys(err, "layer entry %s: setting xattr %s", path, name);
	return 0;
}

/* Ownership, then mode (chown clears setuid), then xattrs (security.capability is also cleared by chown). */
static int set_meta(struct archive_entry *e, int pfd, const char *base, const char *path, struct error *err)
{
	mode_t type = archive_entry_filetype(e);
	uid_t uid = (uid_t)archive_entry_uid(e);
	gid_t gid = (gid_t)archive_entry_gid(e);

	if (fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return error_sys(err, "layer entry %s: chown", path);
	if (type != AE_IFLNK) {
		cleanup_close int fd = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return error_sys(err, "layer entry %s: reopen", path);
		cleanup_free char *proc = xasprintf("/proc/self/fd/%d", fd);
		if (chmod(proc, archive_entry_mode(e) & 07777) < 0)
			return error_sys(err, "layer entry %s: chmod", path);
		if ((type == AE_IFREG || type == AE_IFDIR) && archive_entry_xattr_count(e) > 0) {
			cleanup_close int rfd = open(proc, O_RDONLY | O_CLOEXEC);
			if (rfd < 0)
				return error_sys(err, "layer entry %s: reopen", path);
			int r = set_xattrs(e, rfd, path, err);
			if (r < 0)
				return r;
		}
	}
	struct timespec ts[2] = {
		{ .tv_sec = archive_entry_atime(e), .tv_nsec = archive_entry_atime_nsec(e) },
		{ .tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e) },
	};
	if (!archive_entry_atime_is_set(e))
		ts[0] = ts[1];
	if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return error_sys(err, "layer entry %s: utimensat", path);
	return 0;
}

/* The last parent directory, reused by the entries that follow while nothing changed the tree's shape;
 * with what a file created in it gets by default, so that chown and chmod are skipped when they would
 * change nothing. */
struct parent_cache {
	char *path;
	char *resolved;		/* where path is in the root (OVERLAY: through the merged view) */
	int fd;
	uid_t uid;		/* owner of a new file: our fsuid */
	gid_t gid;		/* group of a new file: ours, or the directory's when it is setgid */
	mode_t mask;		/* the process umask */
	bool acl;		/* a default ACL decides new files' modes: always chmod */
};

/* Regular files: everything on the fd we wrote through. */
static int set_meta_fd(struct archive_entry *e, int fd, const struct parent_cache *pc, const char *path,
		       struct error *err)
{
	struct timespec ts[2] = {
		{ .tv_sec = archive_entry_atime(e), .tv_nsec = archive_entry_atime_nsec(e) },
		{ .tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e) },
	};
	uid_t uid = (uid_t)archive_entry_uid(e);
	gid_t gid = (gid_t)archive_entry_gid(e);
	mode_t mode = archive_entry_mode(e) & 07777;
	bool chowned = uid != pc->uid || gid != pc->gid;

	if (chowned && fchown(fd, uid, gid) < 0)
		return error_sys(err, "layer entry %s: chown", path);
	/* Created with mode & 0777 & ~umask; chown cleared nothing we had not set. */
	if ((pc->acl || (mode & 07000) || (mode & pc->mask)) && fchmod(fd, mode) < 0)
		return error_sys(err, "layer entry %s: chmod", path);
	if (archive_entry_xattr_count(e) > 0) {
		int r = set_xattrs(e, fd, path, err);
		if (r < 0)
			return r;
	}
	if (!archive_entry_atime_is_set(e))
		ts[0] = ts[1];
	if (futimens(fd, ts) < 0)
		return error_sys(err, "layer entry %s: utimensat", path);
	return 0;
}

static void parent_cache_drop(struct parent_cache *c)
{
	free(c->path);
	free(c->resolved);
	c->path = c->resolved = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Contents, then metadata, through the fd just created; closes fd. */
static int write_file(struct archive *a, struct archive_entry *e, int fd, const struct parent_cache *pc,
		      const char *path, struct layer_limits *lim, struct error *err)
{
	cleanup_close int cfd = fd;
	uint64_t end;
	int r = copy_data(a, cfd, path, lim, &end, err);

	if (r < 0)
		return r;
	/* A sparse file's trailing hole. */
	if (end != (uint64_t)archive_entry_size(e) && ftruncate(cfd, archive_entry_size(e)) < 0)
		return error_sys(err, "layer entry %s: truncate", path);
	return set_meta_fd(e, cfd, pc, path, err);
}

/* OVERLAY: a hardlink to target (cleaned): linked to this layer's file, or to a copy of the lower one. */
static int overlay_hardlink(const struct layer_target *t, const char *target, int pfd, const char *base,
			    const char *path, struct error *err)
{
	cleanup_free char *rt = NULL;
	struct view_hit h;
	int r;

	if ((r = layer_view_resolve(t, target, false, &rt, err)) < 0 || (r = layer_view_lookup(t, rt, &h, err)) < 0)
		return error_prefix(err, "layer entry %s: hardlink target %s", path, target);
	if (h.kind == VIEW_MISSING || h.kind == VIEW_DIR) {
		layer_view_hit_free(&h);
		return error_set(err, h.kind == VIEW_DIR ? EPERM : ENOENT, "layer entry %s: hardlink target %s: %s",
				 path, target, h.kind == VIEW_DIR ? "a directory" : "no such file");
	}
	/* a file of a lower layer: copied up into this one, then linked, as containerd does */
	r = h.layer > 0 ? layer_view_copy_up(t, rt, &h, err) : 0;
	layer_view_hit_free(&h);
	if (r < 0)
		return error_prefix(err, "layer entry %s", path);
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	cleanup_close int tfd = (int)syscall(SYS_openat2, t->root, rt, &how, sizeof(how));
	if (tfd < 0)
		return error_sys(err, "layer entry %s: hardlink target %s", path, target);
	if (linkat(tfd, "", pfd, base, AT_EMPTY_PATH) < 0)
		return error_sys(err, "layer entry %s: hardlink to %s", path, target);
	return 0;
}

/* The directory an entry's parent names: in the root (FLAT), or made in this layer where the merged view
 * resolves it (OVERLAY). *resolved gets the path used. */
static int open_parent(const struct layer_target *t, const char *parent, char **resolved, struct error *err)
{
	int r;

	if (t->mode == LAYER_MODE_OVERLAY) {
		/* already a directory of this layer at every level: the merged view resolves it to itself */
		struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
					.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
		r = (int)syscall(SYS_openat2, t->root, *parent ? parent : ".", &how, sizeof(how));
		if (r >= 0) {
			*resolved = xstrdup(parent);
			return r;
		}
		if ((r = layer_view_resolve(t, parent, true, resolved, err)) < 0)
			return r;
		return layer_view_mkdirs(t, *resolved, err);
	}
	*resolved = xstrdup(parent);
	if (!*parent) {
		r = openat(t->root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		return r < 0 ? error_sys(err, "root") : r;
	}
	return rootfs_mkdir_in_root(t->root, parent, 0755, err);
}

static int apply_entry(struct archive *a, struct archive_entry *e, const struct layer_target *t,
		       const char *path, struct parent_cache *pc, struct layer_limits *lim, char **written,
		       struct error *err)
{
	cleanup_free char *parent = NULL, *base = NULL;
	mode_t type = archive_entry_filetype(e);
	const char *hl = archive_entry_hardlink(e);
	int rootfd = t->root;
	int r;

	if (!*path) {
		/* The root itself: only its metadata. */
		*written = xstrdup("");
		return 0;
	}
	layer_path_split(path, &parent, &base);
	if (!pc->path || strcmp(pc->path, parent) != 0) {
		parent_cache_drop(pc);
		pc->fd = open_parent(t, parent, &pc->resolved, err);
		if (pc->fd < 0)
			return error_prefix(err, "layer entry %s", path);
		pc->path = xstrdup(parent);
		struct stat pst;
		if (fstat(pc->fd, &pst) < 0)
			return error_sys(err, "layer entry %s: parent", path);
		pc->uid = geteuid();
		pc->gid = (pst.st_mode & S_ISGID) ? pst.st_gid : getegid();
		cleanup_free char *proc = xasprintf("/proc/self/fd/%d", pc->fd);
		pc->acl = getxattr(proc, "system.posix_acl_default", NULL, 0) >= 0 ||
			  (errno != ENODATA && errno != EOPNOTSUPP);
	}
	int pfd = pc->fd;
	*written = *pc->resolved ? xasprintf("%s/%s", pc->resolved, base) : xstrdup(base);

	/* The common case, a new file: one openat, no lookup before it. */
	if (type == AE_IFREG && !hl) {
		int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				archive_entry_mode(e) & 0777);
		if (fd >= 0)
			return write_file(a, e, fd, pc, path, lim, err);
		if (errno != EEXIST)
			return error_sys(err, "layer entry %s: create", path);
	}

	struct stat st;
	bool exists = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	/* A removal, a new directory or symlink may change what later parent paths resolve to. */
	cleanup_close int owned = -1;
	if (exists || type == AE_IFDIR || type == AE_IFLNK) {
		owned = dup(pc->fd);
		parent_cache_drop(pc);
		if (owned < 0)
			return error_sys(err, "layer entry %s: dup", path);
		pfd = owned;
	}
	if (exists && !(type == AE_IFDIR && S_ISDIR(st.st_mode))) {
		r = remove_at(pfd, base, path, err);
		if (r < 0)
			return r;
	}
	if (hl) {
		cleanup_free char *target = NULL;
		r = layer_path_clean(hl, &target, err);
		if (r < 0)
			return error_prefix(err, "layer entry %s: hardlink", path);
		if (t->mode == LAYER_MODE_OVERLAY)
			return overlay_hardlink(t, target, pfd, base, path, err);
		cleanup_close int tfd = rootfs_open_in_root(rootfd, *target ? target : ".",
							    O_PATH | O_NOFOLLOW, 0, err);
		if (tfd < 0)
			return error_prefix(err, "layer entry %s: hardlink target %s", path, hl);
		if (linkat(tfd, "", pfd, base, AT_EMPTY_PATH) < 0)
			return error_sys(err, "layer entry %s: hardlink to %s", path, hl);
		return 0;
	}
	switch (type) {
	case AE_IFDIR:
		if (!exists || !S_ISDIR(st.st_mode))
			if (mkdirat(pfd, base, 0700) < 0)
				return error_sys(err, "layer entry %s: mkdir", path);
		break;
	case AE_IFREG: {
		int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				archive_entry_mode(e) & 0777);
		if (fd < 0)
			return error_sys(err, "layer entry %s: create", path);
		return write_file(a, e, fd, pc, path, lim, err);
	}
	case AE_IFLNK: {
		const char *lt = archive_entry_symlink(e);
		if (!lt || symlinkat(lt, pfd, base) < 0)
			return error_set(err, lt ? errno : EINVAL, "layer entry %s: symlink", path);
		break;
	}
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO: {
		dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
		if (mknodat(pfd, base, type | 0600, type == AE_IFIFO ? 0 : dev) < 0)
			return error_sys(err, "layer entry %s: mknod", path);
		break;
	}
	default:
		return error_set(err, EINVAL, "layer entry %s: unsupported file type 0%o", path, type);
	}
	return set_meta(e, pfd, base, path, err);
}

struct dir_time {
	char *path;
	struct timespec ts[2];
};

/* Directory mtimes last: creating their children changed them. */
static int restore_dir_times(int rootfd, struct dir_time *d, size_t n, struct error *err)
{
	int r = 0;

	for (size_t i = n; i-- > 0;) {
		cleanup_close int fd = r ? -1 : rootfs_open_in_root(rootfd, *d[i].path ? d[i].path : ".",
								     O_PATH | O_NOFOLLOW | O_DIRECTORY, 0, err);
		if (!r && fd < 0)
			r = fd;
		if (!r) {
			cleanup_free char *proc = xasprintf("/proc/self/fd/%d", fd);
			if (utimensat(AT_FDCWD, proc, d[i].ts, 0) < 0)
				r = error_sys(err, "layer entry %s: utimensat", d[i].path);
		}
		free(d[i].path);
	}
	free(d);
	return r;
}

int layer_apply(struct archive *a, const struct layer_target *t, struct layer_limits *lim, struct error *err)
{
	int rootfd = t->root;
	struct archive_entry *e;
	struct dir_time *dirs = NULL;
	struct created c = { 0 };
	struct parent_cache pc = { .fd = -1, .mask = umask(0) };
	size_t n_dirs = 0;
	int ar, r = 0;

	umask(pc.mask);	/* only read it */
	while (r == 0 && ((ar = archive_read_next_header(a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN)) {
		const char *name = archive_entry_pathname(e);
		cleanup_free char *path = NULL, *target = NULL, *written = NULL;
		enum layer_whiteout kind = LAYER_WH_NONE;

		if (!name)
			r = error_set(err, EINVAL, "layer entry without a name");
		if (r == 0)
			r = layer_path_clean(name, &path, err);
		if (r == 0)
			r = layer_path_whiteout(path, &kind, &target, err);
		if (r == 0 && kind == LAYER_WH_NONE)
			r = layer_check_ids(*path ? path : "/", archive_entry_uid(e), archive_entry_gid(e), err);
		if (r == 0 && kind != LAYER_WH_NONE)
			parent_cache_drop(&pc);
		if (r == 0)
			r = kind != LAYER_WH_NONE ? apply_whiteout(t, kind, target, &c, err)
						  : apply_entry(a, e, t, path, &pc, lim, &written, err);
		if (r == 0 && kind == LAYER_WH_NONE) {
			c.v = xrealloc(c.v, (c.n + 1) * sizeof(char *));
			c.v[c.n++] = xstrdup(path);
		}
		if (r == 0 && kind == LAYER_WH_NONE && archive_entry_filetype(e) == AE_IFDIR &&
		    !archive_entry_hardlink(e)) {
			dirs = xrealloc(dirs, (n_dirs + 1) * sizeof(*dirs));
			dirs[n_dirs].path = steal_pointer(&written);
			dirs[n_dirs].ts[0] = dirs[n_dirs].ts[1] = (struct timespec){
				.tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e) };
			n_dirs++;
		}
	}
	parent_cache_drop(&pc);
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i]);
	free(c.v);
	if (r == 0 && ar == ARCHIVE_EOF)
		return restore_dir_times(rootfd, dirs, n_dirs, err);
	for (size_t i = 0; i < n_dirs; i++)
		free(dirs[i].path);
	free(dirs);
	return r < 0 ? r : error_set(err, EIO, "layer: %s", archive_error_string(a));
}

int layer_remove_tree(int dirfd, const char *name, struct error *err)
{
	return remove_at(dirfd, name, name, err);
}
