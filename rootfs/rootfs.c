/* The order of the container's filesystem setup before pivot_root: propagation, root, mounts, /dev. */
#include "rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "rootfs/dev.h"
#include "rootfs/mounts.h"
#include "runtime/util.h"

void rootfs_ctx_init(struct rootfs_ctx *ctx, const struct spec *spec, const char *rootfs)
{
	*ctx = (struct rootfs_ctx){ .spec = spec, .rootfs = rootfs, .rootfd = -1, .devnull_fd = -1 };
}

void rootfs_ctx_release(struct rootfs_ctx *ctx)
{
	close_quietly(ctx->rootfd);
	close_quietly(ctx->devnull_fd);
	ctx->rootfd = ctx->devnull_fd = -1;
}

int rootfs_prepare(struct rootfs_ctx *ctx, struct error *err)
{
	unsigned long propagation = ctx->spec->linux_.rootfs_propagation;
	int r;

	/* nothing we mount from here on may propagate back to the host */
	if (!propagation)
		propagation = MS_REC | MS_SLAVE;
	if (mount(NULL, "/", NULL, propagation, NULL) < 0)
		return error_sys(err, "set the propagation of /");
	/* pivot_root wants the new root to be a mount point */
	if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return error_sys(err, "bind %s onto itself", ctx->rootfs);
	close_quietly(ctx->rootfd);
	ctx->rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->rootfd < 0)
		return error_sys(err, "open %s", ctx->rootfs);
	if ((r = rootfs_mount_all(ctx, err)) < 0)
		return r;
	if ((r = rootfs_dev_setup(ctx, err)) < 0)
		return error_prefix(err, "/dev");
	close_quietly(ctx->devnull_fd);
	ctx->devnull_fd = -1;
	return rootfs_dev_open_null(ctx, err);
}
