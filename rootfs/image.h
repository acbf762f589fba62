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

/* An entry's owner as the tar header gives it: 0 to 2^32-2 ((uid_t)-1 means "unchanged" to chown, and
 * a larger value would be truncated, 2^32 to root); else an error naming the entry. */
int layer_check_ids(const char *path, int64_t uid, int64_t gid, struct error *err);

/* Split a cleaned path into its parent ("" for the root) and its last component. */
void layer_path_split(const char *clean, char **parent, char **base);

/* --max-size when not given: the largest real images (CUDA, ML) expand to a few tens of GB. */
#define IMAGE_MAX_SIZE_DEFAULT (64ull << 30)

struct layer_limits {
	uint64_t max_size;	/* cap on the expanded (uncompressed tar) bytes of all layers; 0 = no cap */
	uint64_t written;	/* running total of file data written */
	uint64_t expanded;	/* running total of uncompressed tar bytes */
};

/* --max-size: bytes, or a number with a K, M, G or T suffix (powers of 1024); "0" for no cap. */
int image_parse_size(const char *s, uint64_t *out);

enum layer_mode {
	LAYER_MODE_FLAT,	/* layers stacked in one directory: whiteouts delete */
	LAYER_MODE_OVERLAY,	/* one directory per layer: overlayfs whiteouts and opaque xattrs */
};

/* Where a layer goes. OVERLAY: root is the layer's own (empty) directory, and lowers the directories of
 * the layers below it, top first: entry paths resolve through the merged view of them all (symlinks
 * followed inside the root, as applying the layers in order would), missing parents are made with the
 * attributes of the lower directory, and a hardlink to a lower file copies that file up. */
struct layer_target {
	int root;
	enum layer_mode mode;
	const int *lowers;
	size_t n_lowers;
};

/* Apply one layer (a tar stream opened on a) onto t->root, confined to it. */
int layer_apply(struct archive *a, const struct layer_target *t, struct layer_limits *lim, struct error *err);

/* An opened image archive with one chosen image; layers can be applied in any order, any number of times. */
struct image_source;

struct image_source_opts {
	const char *archive;	/* path of the image tarball */
	const char *ref;	/* OCI ref.name or docker REPO:TAG to pick, or NULL */
	uint64_t max_size;	/* cap on the unpacked bytes of all layers applied with lim NULL; 0 = none */
};

int image_source_open(const struct image_source_opts *o, struct image_source **out, struct error *err);
void image_source_free(struct image_source *s);
/* The config digest "sha256:<hex>": the image id. */
const char *image_source_id(const struct image_source *s);
/* The config's bytes, verified against its digest. */
const char *image_source_config_json(const struct image_source *s, size_t *len);
const struct image_config *image_source_config(const struct image_source *s);
/* The chosen image's names: its ref.name (OCI) or RepoTags (docker), NULL-terminated, maybe empty. */
char *const *image_source_names(const struct image_source *s);
size_t image_source_n_layers(const struct image_source *s);
/* rootfs.diff_ids[i] of the config: "sha256:<hex>" of the uncompressed layer. */
const char *image_source_diff_id(const struct image_source *s, size_t i);
/* Stream layer i onto rootfd, every check done (blob digest and size, diff_id, caps; lim NULL: the source's
 * own, from opts.max_size). FLAT: whiteouts delete.
 * OVERLAY: rootfd is an empty directory for this layer alone, over lowers (the directories of the layers
 * below, top first; see struct layer_target); whiteouts become overlayfs whiteouts (char device 0:0) and
 * opaque dirs get the xattr trusted.overlay.opaque="y". */
int image_source_apply_layer(struct image_source *s, size_t i, int rootfd, enum layer_mode mode,
			     const int *lowers, size_t n_lowers, struct layer_limits *lim, struct error *err);

/* Resolve an image config User ("name", "uid", "uid:gid", "name:group", NULL = root) through rootfd's
 * /etc/passwd and /etc/group (read inside rootfd). *gids gets the additional groups listing the user
 * (malloc'ed, maybe NULL with *n_gids 0). */
int image_resolve_user(int rootfd, const char *user, uint32_t *uid, uint32_t *gid, uint32_t **gids,
		       size_t *n_gids, struct error *err);

/* Image choice in an OCI index: one candidate manifest reachable from index.json. */
struct image_candidate {
	const char *digest;
	const char *ref_name;			/* nearest ref.name on the way from index.json, or NULL */
	const char *os, *arch, *variant;	/* nearest platform, NULL when none was given */
};

struct image_platform {
	const char *os, *arch, *variant;
};

/* The host's platform in OCI (GOOS/GOARCH) naming, from uname. */
void image_host_platform(struct image_platform *p);
/* Pick one of n candidates by ref (NULL: any) and platform. *pick gets its index; when none or several fit,
 * the error lists what the archive offers (ref names and platforms). */
int image_select(const struct image_candidate *c, size_t n, const char *ref,
		 const struct image_platform *host, size_t *pick, struct error *err);

struct image_unpack_opts {
	const char *archive;	/* path of the image tarball */
	const char *bundle;	/* directory receiving rootfs/ and config.json */
	const char *ref;	/* org.opencontainers.image.ref.name to pick, or NULL */
	uint64_t max_size;	/* cap on the unpacked size, 0 = none */
	char *const *cmd;	/* replaces the image's Cmd (NULL: keep it) */
};

/* Unpack an OCI-layout or docker-archive tarball into bundle/rootfs and write bundle/config.json. */
int image_unpack(const struct image_unpack_opts *o, struct error *err);

/* A temporary name in a directory no lock guards: "<prefix><pid>.<starttime>-XXXXXX", its owner written in
 * it (fill the X with mkdtemp). */
char *image_tmp_name(const char *dir, const char *prefix);
/* Remove the entries "<prefix>*" of dirfd whose owner process is gone (or unnamed, from an older berth). */
void image_remove_stale_tmp(int dirfd, const char *prefix);

/* Remove dirfd/name recursively without following symlinks. */
int layer_remove_tree(int dirfd, const char *name, struct error *err);

#endif
