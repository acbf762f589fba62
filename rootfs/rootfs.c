/* The order of the container's filesystem setup before pivot_root: propagation, root, mounts, /dev. */
#include "rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/dev.h"
#include "rootfs/mounts.h"
#include "runtime/util.h"

void rootfs_ctx_init(struct rootfs_ctx *ctx, const struct spec *spec, const char *rootfs)
{
	*ctx = (struct rootfs_ctx){ .spec = spec, .rootfs = rootfs, .rootfd = -1, .devnull_fd = -1, .dev_fd = -1,
				    .rootfs_tree = -1,
				    .host_mounts = !spec->linux_.namespaces[SPEC_NS_MOUNT].present };
}

void rootfs_ctx_release(struct rootfs_ctx *ctx)
{
	close_quietly(ctx->rootfd);
	close_quietly(ctx->devnull_fd);
	close_quietly(ctx->dev_fd);
	close_quietly(ctx->rootfs_tree);
	ctx->rootfd = ctx->devnull_fd = ctx->dev_fd = ctx->rootfs_tree = -1;
}

int rootfs_open_tree(const char *rootfs)
{
	struct mount_attr slave = { .propagation = MS_SLAVE };
	int fd = open_tree(AT_FDCWD, rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (fd < 0)
		return -1;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &slave, sizeof(slave)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The root cloned by berth, attached over our cwd (the bundle, in our own mount namespace only):
 * pivot_root wants a mount point of ours, and the tree's root is one reached without a path. */
static int attach_tree(struct rootfs_ctx *ctx, struct error *err)
{
	if (move_mount(ctx->rootfs_tree, "", AT_FDCWD, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_sys(err, "attach %s", ctx->rootfs);
	close_quietly(ctx->rootfd);
	ctx->rootfd = steal_fd(&ctx->rootfs_tree);
	return 0;
}

/* The mount holding the rootfs becomes a slave before the root is bound onto itself: the bind and every
 * mount below it reach no peer outside (a shared host mount would show them all), yet still receive.
 * Its root is found by walking up with "..", by fd: no mountinfo path that another mount may cover. */
static int isolate_rootfs_mount(const char *rootfs, struct error *err)
{
	struct mount_attr slave = { .propagation = MS_SLAVE };
	cleanup_close int cur = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statx here, up;
	bool at_root = false;

	if (cur < 0 || statx(cur, "", AT_EMPTY_PATH, STATX_MNT_ID | STATX_INO, &here) < 0 ||
	    !(here.stx_mask & STATX_MNT_ID))
		return error_sys(err, "statx %s", rootfs);
	for (int depth = 0; depth < PATH_MAX / 2; depth++) {
		cleanup_close int parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (parent < 0 || statx(parent, "", AT_EMPTY_PATH, STATX_MNT_ID | STATX_INO, &up) < 0)
			return error_sys(err, "find the mount holding %s", rootfs);
		at_root = up.stx_ino == here.stx_ino && up.stx_dev_major == here.stx_dev_major &&
			  up.stx_dev_minor == here.stx_dev_minor;
		if (at_root || up.stx_mnt_id != here.stx_mnt_id)
			break;
		close(cur);
		cur = steal_fd(&parent);
		here = up;
	}
	if (mount_setattr(cur, "", AT_EMPTY_PATH, &slave, sizeof(slave)) == 0)
		return 0;
	/* berth chrooted inside a mount: that mount's root is out of reach, and so are its peers' */
	if (errno == EINVAL && at_root)
		return 0;
	return error_sys(err, "make the mount holding %s a slave", rootfs);
}

int rootfs_prepare(struct rootfs_ctx *ctx, struct error *err)
{
	unsigned long propagation = ctx->spec->linux_.rootfs_propagation;
	int r;

	/* the host's mount namespace: mount nothing (validation refused what would need it), chroot later */
	if (ctx->host_mounts) {
		close_quietly(ctx->rootfd);
		if ((ctx->rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return error_sys(err, "open %s", ctx->rootfs);
		return 0;
	}
	/* nothing we mount from here on may propagate back to the host; an unbindable root could not be
	 * bound onto itself: rootfs_finish applies that one after pivot_root */
	if (!propagation || (propagation & MS_UNBINDABLE))
		propagation = MS_REC | MS_SLAVE;
	if (mount(NULL, "/", NULL, propagation, NULL) < 0)
		return error_sys(err, "set the propagation of /");
	if (ctx->rootfs_tree >= 0) {
		if ((r = attach_tree(ctx, err)) < 0)
			return r;
	} else {
		if ((r = isolate_rootfs_mount(ctx->rootfs, err)) < 0)
			return r;
		/* pivot_root wants the new root to be a mount point */
		if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
			return error_sys(err, "bind %s onto itself", ctx->rootfs);
		close_quietly(ctx->rootfd);
		ctx->rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (ctx->rootfd < 0)
			return error_sys(err, "open %s", ctx->rootfs);
	}
	if ((r = rootfs_mount_all(ctx, err)) < 0)
		return r;
	r = rootfs_dev_setup(ctx, err);
	close_quietly(ctx->dev_fd);
	ctx->dev_fd = -1;
	if (r < 0)
		return error_prefix(err, "/dev");
	close_quietly(ctx->devnull_fd);
	ctx->devnull_fd = -1;
	return rootfs_dev_open_null(ctx, err);
}
