/* The container's /dev, private to rootfs/: device nodes, the standard symlinks, a verified /dev/null. */
#ifndef BERTH_ROOTFS_DEV_H
#define BERTH_ROOTFS_DEV_H

#include "rootfs/rootfs.h"

/* Default and linux.devices nodes and the /dev symlinks, all resolved in ctx->rootfd; a no-op for
 * the nodes and links when a spec mount binds something onto /dev. */
int rootfs_dev_setup(struct rootfs_ctx *ctx, struct error *err);

/* ctx->devnull_fd: an O_PATH fd of the host's /dev/null, verified to be the 1:3 char device. */
int rootfs_dev_open_null(struct rootfs_ctx *ctx, struct error *err);

#endif
