/* Mounting by fd, private to rootfs/: the spec mounts, and the helpers /dev, masks and console share. */
#ifndef BERTH_ROOTFS_MOUNTS_H
#define BERTH_ROOTFS_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "rootfs/rootfs.h"

/* Every spec mount in order, each destination resolved inside ctx->rootfd; errors name the mount. */
int rootfs_mount_all(struct rootfs_ctx *ctx, struct error *err);

/* Attach a detached mount (from fsmount or open_tree) onto the inode target_fd refers to. */
int rootfs_attach(int tree_fd, int target_fd, struct error *err);

/* Clone what src_fd refers to (with its submounts if recursive), set MOUNT_ATTR_* attr on the clone
 * before anyone can see it, and attach it onto target_fd. Returns the new mount's fd or -errno. */
int rootfs_bind_fd(int src_fd, int target_fd, bool recursive, uint64_t attr, struct error *err);

/* A new, detached instance of filesystem type (fsopen/fsconfig/fsmount); data is "k=v,flag,...";
 * attr is MOUNT_ATTR_*. -EINVAL with err set when fsconfig rejects something (try mount(2)). */
int rootfs_new_fs(const char *type, const char *source, const char *data, uint64_t attr, struct error *err);

/* The mount point of mount `id` (from statx STATX_MNT_ID), or of its parent; NULL when not found. */
char *rootfs_mount_point(unsigned long long id, bool of_parent);

#endif
