/* OVERLAY mode: a layer's own directory over the layers below it, looked at as overlayfs merges them, so
 * that an entry lands where applying the layers in order would put it. For rootfs/layer.c only. */
#ifndef BERTH_ROOTFS_LAYER_VIEW_H
#define BERTH_ROOTFS_LAYER_VIEW_H

#include <stdbool.h>
#include <sys/stat.h>

#include "rootfs/image.h"

enum view_kind {
	VIEW_MISSING,	/* absent, or hidden by a whiteout, an opaque directory or a non-directory above */
	VIEW_DIR,
	VIEW_LINK,
	VIEW_OTHER,	/* a file, device, FIFO or socket */
};

/* What the merged view holds at path (cleaned, "" for the root). */
struct view_hit {
	enum view_kind kind;
	size_t layer;		/* 0: t->root, i: t->lowers[i - 1] */
	int pfd;		/* O_PATH fd of its parent directory in that layer, or -1 */
	char *name;		/* its last component */
	struct stat st;
};

int layer_view_lookup(const struct layer_target *t, const char *path, struct view_hit *h, struct error *err);
void layer_view_hit_free(struct view_hit *h);

/* path with every symlink of the merged view followed inside the root (the last component only when
 * follow_last), ".." kept inside the root: *out gets the resolved path. */
int layer_view_resolve(const struct layer_target *t, const char *path, bool follow_last, char **out,
		       struct error *err);

/* The resolved directory dir made in t->root, each missing level with the owner, mode and xattrs the
 * merged view shows for it (0755 when new): an O_PATH fd of it. */
int layer_view_mkdirs(const struct layer_target *t, const char *dir, struct error *err);

/* The file of a lower layer at h (a resolved path) copied into t->root at the same path. */
int layer_view_copy_up(const struct layer_target *t, const char *path, const struct view_hit *h,
		       struct error *err);

#endif
