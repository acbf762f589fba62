/* Shared by rootfs/image_*.c: the outer archive's blob table and the layer stream. Not for other modules. */
#ifndef BERTH_ROOTFS_IMAGE_INTERNAL_H
#define BERTH_ROOTFS_IMAGE_INTERNAL_H

#include <stdint.h>

#include "rootfs/image.h"

#define IMAGE_SMALL_BLOB_MAX (4u << 20)	/* manifests and configs are kept in memory from the first pass */

struct image_blob {
	char *path;
	char *data;	/* NULL when larger than IMAGE_SMALL_BLOB_MAX */
	size_t len;
	uint64_t size;	/* from the tar header */
	int64_t off;	/* offset of the data in the archive file, -1 when not directly readable */
};

struct image_outer {
	char *file;
	int fd;		/* the archive, for pread of blobs at known offsets */
	struct image_blob *blobs;
	size_t n;
};

struct image_layer_ref {
	const char *path;	/* entry in the outer archive */
	const char *digest;	/* compressed digest, NULL when unknown */
	int64_t size;		/* -1 when unknown */
	const char *diff_id;
};

int image_outer_scan(struct image_outer *o, const char *file, struct error *err);
void image_outer_free(struct image_outer *o);
struct image_blob *image_outer_find(struct image_outer *o, const char *path);
/* Open the outer archive with libarchive, positioned after the header of b (when b is not NULL). */
struct archive *image_outer_open(const struct image_outer *o, const struct image_blob *b, struct error *err);
void image_sha256_hex(const uint8_t d[32], char out[7 + 65]);

/* Stream one layer blob through hash, decompression, hash and the tar writer; checks every digest. */
int image_stream_layer(struct image_outer *o, const struct image_layer_ref *l, const struct layer_target *t,
		       struct layer_limits *lim, struct error *err);

/* Fetch a small blob by descriptor (digest and size checked): for walking nested indexes. */
typedef int (*image_fetch_fn)(void *ctx, const struct image_desc *d, const char **json, struct error *err);

/* Walk index.json and nested indexes (bounded depth) and choose one manifest by ref and host platform. */
int image_index_choose(const char *index_json, const char *ref, image_fetch_fn fetch, void *ctx,
		       struct image_desc *out, char **ref_name, struct error *err);

#endif
