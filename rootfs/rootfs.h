/* The container's filesystem view, set up by the init process inside its new mount namespace. */
#ifndef BERTH_ROOTFS_H
#define BERTH_ROOTFS_H

#include <stdbool.h>

#include "runtime/error.h"
#include "runtime/spec.h"

struct rootfs_host_cgroups;

struct rootfs_ctx {
	const struct spec *spec;
	const char *rootfs;	/* absolute host path of the root filesystem */
	bool no_pivot;		/* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	bool in_userns;		/* a user namespace: devices are bind mounts of private nodes, not mknod'ed */
	int rootfd;		/* O_PATH fd of the root once rootfs_prepare() opened it; -1 before */
	const int *bind_trees;	/* [n_mounts]: detached bind sources berth opened before the userns, -1 or NULL */
	int devnull_fd;		/* O_PATH fd of a verified 1:3 char device, opened before pivot, for maskedPaths */
	int dev_fd;		/* in a user namespace: rootfs_dev_make_private's nodes (taken over), else -1 */
	int rootfs_tree;	/* with a user namespace: the root as a detached slave mount berth cloned
				 * before it (rootfs_open_tree), attached by fd (taken over), else -1 */
	bool host_mounts;	/* no mount namespace of its own: nothing is mounted, the root is chroot'ed */
	const struct rootfs_host_cgroups *host_cgroups; /* rootfs/cgroup_v1_mount.h; NULL: none read */
};

void rootfs_ctx_init(struct rootfs_ctx *ctx, const struct spec *spec, const char *rootfs);

/* Parent, before clone, for an init with a user namespace and a mount namespace of its own: the
 * root as a detached recursive clone made a slave (nothing mounted on it reaches the host), so the
 * init needs no path lookup through host directories it may not search; -1 (errno) on failure. */
int rootfs_open_tree(const char *rootfs);
void rootfs_ctx_release(struct rootfs_ctx *ctx);

/* Run by berth before clone, for a container with a user namespace (where mknod is refused): each
 * default and linux.devices node made with its numbers, mode and owner (mapped to host ids) on a
 * detached tmpfs no path reaches; *out its fd (the init's rootfs_ctx.dev_fd), -1 when not needed or
 * when berth itself may not mknod (the init then binds the host's nodes, unchanged). */
int rootfs_dev_make_private(const struct spec *spec, int *out, struct error *err);

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

/* Mounts inside /proc (runc's rule, stricter for binds): dest == "/proc" takes only a proc mount, or
 * without a new pid namespace a bind of a procfs root (src_fd, -1 when not open yet); below /proc (or
 * on_procfs, any procfs) only the lxcfs and CRIU files. dest is the path inside the root. */
int rootfs_check_proc_dest(const struct spec *spec, const struct spec_mount *m, const char *dest, bool on_procfs,
			   int src_fd, struct error *err);

/* The same, on the resolved destination target_fd: its real path in the root and its filesystem. */
int rootfs_check_proc_target(const struct rootfs_ctx *ctx, const struct spec_mount *m, int target_fd, int src_fd,
			     struct error *err);

/* Safe path resolution inside a root directory (rootfd), never following a symlink out of it:
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). Returns an fd or a negative errno with err set. */
int rootfs_open_in_root(int rootfd, const char *path, int flags, mode_t mode, struct error *err);

/* mkdir -p of path inside rootfd; returns an O_PATH|O_DIRECTORY fd of the last directory. */
int rootfs_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct error *err);

/* The O_PATH fd of path inside rootfd; when missing, an empty file of mode made there, its parent
 * directories too, and through a dangling symlink what it points to (inside the root, as runc and crun). */
int rootfs_create_file_in_root(int rootfd, const char *path, mode_t mode, struct error *err);

#endif
