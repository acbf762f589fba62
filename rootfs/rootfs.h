/* The container's filesystem view, set up by the init process inside its new mount namespace. */
#ifndef BERTH_ROOTFS_H
#define BERTH_ROOTFS_H

#include <stdbool.h>

#include "runtime/error.h"
#include "runtime/spec.h"

struct rootfs_ctx {
	const struct spec *spec;
	const char *rootfs;	/* absolute host path of the root filesystem */
	bool no_pivot;		/* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	bool in_userns;		/* a new user namespace: devices are bind-mounted from the host, not mknod'ed */
	int rootfd;		/* O_PATH fd of the root once rootfs_prepare() opened it; -1 before */
	const int *bind_trees;	/* [n_mounts]: detached bind sources berth opened before the userns, -1 or NULL */
	int devnull_fd;		/* O_PATH fd of a verified 1:3 char device, opened before pivot, for maskedPaths */
};

void rootfs_ctx_init(struct rootfs_ctx *ctx, const struct spec *spec, const char *rootfs);
void rootfs_ctx_release(struct rootfs_ctx *ctx);

/* Step 1, before the createRuntime/createContainer hooks: rootfsPropagation, bind the root onto
 * itself, every spec mount (destinations resolved inside the root, mounted by fd), /dev with the
 * default and linux.devices nodes, the /dev symlinks (fd, stdin, stdout, stderr, ptmx). */
int rootfs_prepare(struct rootfs_ctx *ctx, struct error *err);

/* Step 2, after createContainer hooks: pivot_root (or MS_MOVE + chroot with no_pivot), chdir("/"). */
int rootfs_pivot(struct rootfs_ctx *ctx, struct error *err);

/* Step 3, after pivot: maskedPaths, readonlyPaths, root.readonly, final propagation of "/". */
int rootfs_finish(struct rootfs_ctx *ctx, struct error *err);

/* With terminal=true, after pivot: bind the pts slave (an open fd) onto /dev/console, creating
 * /dev/console as a regular file if needed and refusing anything that is not ours to mount over. */
int rootfs_mount_console(int pty_slave_fd, struct error *err);

/* Safe path resolution inside a root directory (rootfd), never following a symlink out of it:
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). Returns an fd or a negative errno with err set. */
int rootfs_open_in_root(int rootfd, const char *path, int flags, mode_t mode, struct error *err);

/* mkdir -p of path inside rootfd; returns an O_PATH|O_DIRECTORY fd of the last directory. */
int rootfs_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct error *err);

#endif
