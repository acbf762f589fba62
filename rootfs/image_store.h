/* The image store under <root>/.images: layers unpacked once by diff_id, image records, and the
 * per-container overlay (or copy) rootfs of `berth run --image`. */
#ifndef BERTH_ROOTFS_IMAGE_STORE_H
#define BERTH_ROOTFS_IMAGE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/error.h"
#include "runtime/image_record.h"

struct image_store {
	char *path;	/* absolute "<root>/.images" */
	int dirfd;
	int lock_fd;	/* flock(LOCK_EX) held from open to close */
};

/* Open (creating) the store and take its lock: load, rm and run-create are serialised. */
int image_store_open(const char *root, struct image_store *s, struct error *err);
void image_store_close(struct image_store *s);
/* Let go of the lock early: work on image content (mounting, copying, reading its /etc) is done without
 * it, once a reference (a container's image file) keeps the layers from `image rm`. */
void image_store_unlock(struct image_store *s);

/* Load an archive: each layer unpacked once by diff_id (an existing one is reused), then the record.
 * *existed: the image was there already (nothing written but new names). */
int image_store_load(struct image_store *s, const char *archive, const char *ref, uint64_t max_size,
		     struct image_record *rec, bool *existed, struct error *err);
/* A NAME (exact, or NAME:latest) or an id prefix ("sha256:" optional); ambiguous prefixes fail. */
int image_store_find(struct image_store *s, const char *name, struct image_record *rec, struct error *err);
/* Every image, sorted by first name (unnamed ones last), then id. */
int image_store_list(struct image_store *s, struct image_record **list, size_t *n, struct error *err);
void image_store_list_free(struct image_record *list, size_t n);
/* Remove an image; refused while a container uses it unless force. Layers no image or container
 * uses any more go too. */
int image_store_remove(struct image_store *s, const char *name, bool force, char **removed_id,
		       struct error *err);
/* The ids of the containers whose rootfs comes from image id (NULL-terminated). */
char **image_store_users(struct image_store *s, const char *id);

/* The chain ids of an image's layers (diff_ids bottom-up): a layer is unpacked on top of the ones below it
 * (paths resolve through their symlinks), so its directory layers/<hex> is named by its chain, as
 * containerd names snapshots. */
char **image_store_chain_ids(char *const *diff_ids);

/* Copy the image's layers (layer directory ids, bottom-up) into dstfd (an empty directory), overlay whiteouts applied, keeping owners,
 * modes, xattrs, hardlinks, symlinks, devices and mtimes: the fallback without overlayfs, and unpack. */
int image_store_copy_layers(struct image_store *s, char *const *layers, int dstfd, struct error *err);

/* `berth image unpack IMAGE BUNDLE` for a loaded image: bundle/rootfs (a copy) and bundle/config.json. */
int image_store_unpack(const char *root, const char *name, const char *bundle, char *const *cmd,
		       struct error *err);

struct image_run_opts {
	const char *root;
	const char *image;	/* an archive file (loaded first), or a name or id prefix in the store */
	const char *ref;	/* image to pick inside the archive */
	const char *id;		/* the container id */
	char *const *cmd;	/* replaces the image's Cmd, or NULL */
	bool copy;		/* copy the layers instead of mounting an overlay */
	uint64_t max_size;	/* loading a file: cap on its expanded layers, 0 = none */
};

/* Make containers/<id>: the image file, rootfs (overlay mounted, or a copy), config.json. *bundle gets
 * the directory. A failure leaves nothing. */
int image_store_container_create(const struct image_run_opts *o, char **bundle, struct error *err);
/* Unmount and remove containers/<id>; 0 when there is none. */
int image_store_container_remove(const char *root, const char *id, struct error *err);

/* An overlay filesystem context (fsopen), or -1 with errno ENODEV where the kernel has none. */
int image_overlay_open(void);
/* Mount the overlay of context fs (lowers top first) on target_fd with the new mount API. */
int image_overlay_mount(int fs, char *const *lowers, const char *upper, const char *work, int target_fd,
			struct error *err);

/* A tmpfs on target_fd: the container's own files (upper, work, config.json) in memory, so making
 * and removing them costs no filesystem journal. */
int image_tmpfs_mount(int target_fd, struct error *err);

#endif
