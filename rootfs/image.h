/* Image unpacking: outer archive (OCI layout, docker-archive) and layer application. */
#ifndef BERTH_ROOTFS_IMAGE_H
#define BERTH_ROOTFS_IMAGE_H

#include <stdint.h>
#include <stdbool.h>

#include "runtime/error.h"
#include "runtime/image_json.h"

struct archive;

enum layer_whiteout {
	LAYER_WH_NONE,
	LAYER_WH_FILE,		/* .wh.NAME: delete NAME from lower layers */
	LAYER_WH_OPAQUE,	/* .wh..wh..opq: hide the lower contents of the directory */
};

/* Normalise a tar entry name to a path relative to the root: leading "/" and "./" dropped, empty
 * and "." components dropped; a ".." component is rejected (-EPERM naming the entry). "" is the root. */
int layer_path_clean(const char *name, char **out, struct error *err);

/* Classify a cleaned path; *target gets the path to remove (the file, or the opaque directory).
 * A bare ".wh." or a ".wh." name with a "/" is rejected. */
int layer_path_whiteout(const char *clean, enum layer_whiteout *kind, char **target, struct error *err);

/* Split a cleaned path into its parent ("" for the root) and its last component. */
void layer_path_split(const char *clean, char **parent, char **base);

struct layer_limits {
	uint64_t max_size;	/* total uncompressed bytes written across all layers; 0 = no cap */
	uint64_t written;	/* running total */
};

/* Apply one layer (a tar stream opened on a) onto rootfd, confined to it. */
int layer_apply(struct archive *a, int rootfd, struct layer_limits *lim, struct error *err);

struct image_unpack_opts {
	const char *archive;	/* path of the image tarball */
	const char *bundle;	/* directory receiving rootfs/ and config.json */
	const char *ref;	/* org.opencontainers.image.ref.name to pick, or NULL */
	uint64_t max_size;	/* cap on the unpacked size, 0 = none */
};

/* Unpack an OCI-layout or docker-archive tarball into bundle/rootfs and write bundle/config.json. */
int image_unpack(const struct image_unpack_opts *o, struct error *err);

/* Remove dirfd/name recursively without following symlinks. */
int layer_remove_tree(int dirfd, const char *name, struct error *err);

#endif
