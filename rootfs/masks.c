/* After pivot: maskedPaths, readonlyPaths, a read-only root and the final propagation of "/". */
#include "rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/mounts.h"
#include "runtime/util.h"

/* Open a path to cover, or -ENOENT with err cleared when there is nothing to cover. */
static int open_to_cover(const struct rootfs_ctx *ctx, const char *path, struct error *err)
{
	int fd = rootfs_open_in_root(ctx->rootfd, path, O_PATH, 0, err);

	if (fd == -ENOENT || fd == -ENOTDIR)
		error_clear(err);
	return fd == -ENOTDIR ? -ENOENT : fd;
}

/* Clone our /dev/null onto target; a kernel that cannot clone a detached mount gets the mount itself,
 * which is then attached, so the next clone works. */
static int mask_with_null(const struct rootfs_ctx *ctx, int target, struct error *err)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	cleanup_close int tree = open_tree(ctx->devnull_fd, "", flags);
	struct stat st;

	if (tree < 0 && errno != EINVAL)
		return error_sys(err, "clone /dev/null");
	if (fstat(tree >= 0 ? tree : ctx->devnull_fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(1, 3))
		return error_set(err, EINVAL, "the mask is not the 1:3 /dev/null");
	return rootfs_attach(tree >= 0 ? tree : ctx->devnull_fd, target, err);
}

/* A directory gets an empty read-only tmpfs; anything else our verified /dev/null, never the image's. */
static int mask_path(const struct rootfs_ctx *ctx, const char *path, struct error *err)
{
	uint64_t attr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	cleanup_close int target = open_to_cover(ctx, path, err), mnt = -1;
	struct stat st;
	int r;

	if (target == -ENOENT)
		return 0;
	if (target < 0)
		return target;
	if (fstat(target, &st) < 0)
		return error_sys(err, "stat %s", path);
	if (!S_ISDIR(st.st_mode))
		return mask_with_null(ctx, target, err);
	else if ((mnt = rootfs_new_fs("tmpfs", "tmpfs", "mode=755", attr, err)) >= 0 &&
		 (r = rootfs_attach(mnt, target, err)) < 0)
		return r;
	return mnt < 0 ? mnt : 0;
}

static int readonly_path(const struct rootfs_ctx *ctx, const char *path, struct error *err)
{
	cleanup_close int target = open_to_cover(ctx, path, err), tree = -1;
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE;

	if (target == -ENOENT)
		return 0;
	if (target < 0)
		return target;
	if ((tree = open_tree(target, "", flags)) < 0)
		return error_sys(err, "bind %s", path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return error_sys(err, "make %s read-only", path);
	return rootfs_attach(tree, target, err);
}

/* Remount "/" read-only keeping the flags it has, which a user namespace may not drop. */
static int root_readonly(struct error *err)
{
	static const struct {
		unsigned long st, ms;
	} keep[] = {
		{ ST_NOSUID, MS_NOSUID },     { ST_NODEV, MS_NODEV },	      { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME },   { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
	struct statvfs sv;

	if (statvfs("/", &sv) < 0)
		return error_sys(err, "statvfs /");
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (sv.f_flag & keep[i].st)
			flags |= keep[i].ms;
	if (mount(NULL, "/", NULL, flags, NULL) < 0)
		return error_sys(err, "root.readonly: remount / read-only");
	return 0;
}

int rootfs_finish(struct rootfs_ctx *ctx, struct error *err)
{
	const struct spec_linux *lx = &ctx->spec->linux_;
	int r;

	if (ctx->host_mounts)
		return 0; /* validation refused masks, readonly paths and a read-only root there */
	for (size_t i = 0; lx->masked_paths && lx->masked_paths[i]; i++)
		if ((r = mask_path(ctx, lx->masked_paths[i], err)) < 0)
			return error_prefix(err, "linux.maskedPaths[%zu] (%s)", i, lx->masked_paths[i]);
	for (size_t i = 0; lx->readonly_paths && lx->readonly_paths[i]; i++)
		if ((r = readonly_path(ctx, lx->readonly_paths[i], err)) < 0)
			return error_prefix(err, "linux.readonlyPaths[%zu] (%s)", i, lx->readonly_paths[i]);
	if (ctx->spec->root_readonly && (r = root_readonly(err)) < 0)
		return r;
	if (lx->rootfs_propagation && mount(NULL, "/", NULL, lx->rootfs_propagation, NULL) < 0)
		return error_sys(err, "linux.rootfsPropagation: set the propagation of /");
	return 0;
}
